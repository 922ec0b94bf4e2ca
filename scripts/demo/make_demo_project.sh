#!/usr/bin/env bash
# Creates a real ML project for trying ML Workbench: git + DVC pipeline (prepare → train →
# evaluate) on the Iris data, three MLflow training runs in sqlite:///mlflow.db (experiment
# "demo-iris"), the registered model "iris-classifier" with alias "champion", and workspace
# settings (.vscode/settings.json) naming the venv's interpreter.
#
#   scripts/demo/make_demo_project.sh [--force] DIR
#
# History it leaves in DIR (each step a git commit, so the Data view has versions):
#   1. data v1 (120 rows, dvc add) + pipeline     3. params change: train.alpha 0.001 → 0.01, repro
#   2. dvc repro (run 1)                          4. data v2 (150 rows), repro (run 3); promote
# Refuses a non-empty DIR unless --force (which empties it first). Uses the venv of
# scripts/python-env.sh; takes about a minute once the venv exists.
set -euo pipefail

usage() { echo "usage: $0 [--force] DIR" >&2; exit 2; }
force=false
dir=""
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $arg" >&2; usage ;;
    *) [ -z "$dir" ] || usage; dir="$arg" ;;
  esac
done
[ -n "$dir" ] || usage

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf 'demo: %s\n' "$*" >&2; }

if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  if ! $force; then
    echo "$dir exists and is not empty; pass --force to replace its contents" >&2
    exit 1
  fi
  real="$(cd "$dir" && pwd -P)"
  case "$real" in
    /|"$HOME"|"$(cd "$here/../.." && pwd -P)"*) echo "refusing to empty $real" >&2; exit 1 ;;
  esac
  find "$real" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"

venv="$("$here/../python-env.sh")"
export PATH="$venv/bin:$PATH"
export DVC_NO_ANALYTICS=1 MLFLOW_ALLOW_FILE_STORE=true PYTHONWARNINGS=ignore
unset MLFLOW_TRACKING_URI MLFLOW_EXPERIMENT_NAME MLFLOW_EXPERIMENT_ID
# The user's global git config (signing, hooks, templates) stays out of the demo repo.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

cp -R "$here/template/." "$dir/"
mv "$dir/gitignore" "$dir/.gitignore"
cd "$dir"

commit() { git add -A && git commit -q -m "$1" && log "committed: $1"; }
step_log="$(mktemp)"
trap 'rm -f "$step_log"' EXIT
quiet() { "$@" >/dev/null 2>"$step_log" || { cat "$step_log" >&2; exit 1; }; }

git init -q -b main
git config user.name "ML Workbench Demo"
git config user.email "demo@ml-workbench.invalid"
git config commit.gpgsign false
quiet dvc init
quiet dvc config core.analytics false

log "data v1"
python src/get_data.py --rows 120
quiet dvc add data/raw.csv
commit "Add Iris data v1 (120 rows) and the prepare/train/evaluate pipeline"

log "dvc repro (train.alpha 0.001)"
dvc repro >&2
commit "Train SGD classifier, alpha 0.001"

log "dvc repro (train.alpha 0.01)"
sed -i 's/^  alpha: 0.001$/  alpha: 0.01/' params.yaml
grep -q '^  alpha: 0.01$' params.yaml
dvc repro >&2
commit "Raise regularisation: alpha 0.01"

log "data v2 + dvc repro"
python src/get_data.py --rows 150
quiet dvc add data/raw.csv
dvc repro >&2
commit "Iris data v2 (all 150 rows), retrain"

python src/promote.py >&2
# The workspace names its interpreter (git-ignored: the path is this machine's).
python "$here/workspace_settings.py" "$dir" "$venv/bin/python"
log "done: $dir"
