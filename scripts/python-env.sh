#!/usr/bin/env bash
# Prints the path of a Python venv with the pins in scripts/python/requirements.txt, building it
# once. The venv is keyed on the hash of requirements.txt, so it is reused until a pin changes.
# It is built in a temporary directory and renamed into place only after pip succeeded, so an
# interrupted install is never picked up. stdout: the venv dir only; logs go to stderr.
#
#   venv="$(scripts/python-env.sh)" && "$venv/bin/python" -c 'import mlflow'
#
# Env: ML_WORKBENCH_CACHE (default ~/.cache/ml-workbench), PYTHON (default python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/python/requirements.txt"
cache="${ML_WORKBENCH_CACHE:-$HOME/.cache/ml-workbench}"
python="${PYTHON:-python3}"

hash="$(sha256sum "$requirements" | cut -c1-12)"
venv="$cache/venv-$hash"

log() { printf 'python-env: %s\n' "$*" >&2; }

ready() { [ -x "$venv/bin/python" ] && [ -f "$venv/.complete" ]; }

if ready; then
  printf '%s\n' "$venv"
  exit 0
fi

mkdir -p "$cache"
# Serialise concurrent builders (parallel test processes): the loser waits, then reuses.
exec 9>"$cache/venv-$hash.lock"
flock 9
if ready; then
  printf '%s\n' "$venv"
  exit 0
fi

tmp="$(mktemp -d "$cache/.venv-$hash.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log "building $venv (log: $tmp/pip.log)"
start=$SECONDS
"$python" -m venv "$tmp/venv" >&2
if ! "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "$requirements" >"$tmp/pip.log" 2>&1; then
  tail -n 40 "$tmp/pip.log" >&2
  log "pip install failed"
  exit 1
fi
# A venv writes its own absolute path into bin/ (shebangs of console scripts, activate): point
# those at the final location before the rename makes it live.
# (Only regular files: some wheels leave a __pycache__ folder in bin/.)
for file in "$tmp/venv/bin/"*; do
  if [ -f "$file" ] && grep -qIF "$tmp/venv" "$file"; then sed -i "s|$tmp/venv|$venv|g" "$file"; fi
done
touch "$tmp/venv/.complete"
rm -rf "$venv"
mv "$tmp/venv" "$venv"
log "built in $((SECONDS - start))s"
printf '%s\n' "$venv"
