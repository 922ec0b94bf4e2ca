#!/usr/bin/env bash
# `npm run demo`: packages the extension, builds a demo ML project (MLflow runs, DVC pipeline), and
# serves a real VS Code (code-server) with the extension installed at http://127.0.0.1:$PORT.
# Runs in the foreground until Ctrl-C, then stops code-server.
#
# Env: PORT (default 8080); ML_WORKBENCH_DEMO_DIR (default ~/ml-workbench-demo, reused once built;
# DEMO_REBUILD=1 rebuilds it); ML_WORKBENCH_CACHE (default ~/.cache/ml-workbench: code-server, the
# venv, the demo's VS Code profile); DEMO_SMOKE=1 (start, check /healthz, print the URL, stop: CI).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ML_WORKBENCH_CACHE:-$HOME/.cache/ml-workbench}"
demo_dir="${ML_WORKBENCH_DEMO_DIR:-$HOME/ml-workbench-demo}"
port="${PORT:-8080}"
profile="$cache/demo-profile"
vsix="$repo/dist/ml-workbench.vsix"

log() { printf 'demo: %s\n' "$*" >&2; }

healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; }

cd "$repo"
if healthy || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  log "port $port is already in use; choose another: PORT=8081 npm run demo"
  exit 1
fi

[ -d node_modules ] || { log 'npm ci'; npm ci; }
log 'packaging the extension'
npm run --silent package >&2

venv="$(bash scripts/python-env.sh)"
# The project cannot be built aside and renamed (MLflow stores absolute artifact paths), so a
# marker outside it records which folder was completed; a half-built one is never reused silently.
built="$profile/demo-project-built"
mkdir -p "$profile"
if [ -d "$demo_dir" ] && [ "$(cat "$built" 2>/dev/null)" = "$demo_dir" ] && [ "${DEMO_REBUILD:-}" != 1 ]; then
  log "reusing the demo project $demo_dir (DEMO_REBUILD=1 rebuilds it)"
elif [ -d "$demo_dir" ] && [ -n "$(ls -A "$demo_dir")" ] && [ "${DEMO_REBUILD:-}" != 1 ]; then
  log "$demo_dir exists but was not completed by this script; DEMO_REBUILD=1 replaces its contents"
  exit 1
else
  log "building the demo project in $demo_dir (about a minute)"
  rm -f "$built"
  force=()
  [ "${DEMO_REBUILD:-}" = 1 ] && force=(--force)
  bash scripts/demo/make_demo_project.sh "${force[@]}" "$demo_dir"
  printf '%s\n' "$demo_dir" >"$built"
fi

# The project's workspace settings name the venv (rebuilt when a pin changes, so re-checked on each start).
"$venv/bin/python" scripts/demo/workspace_settings.py "$demo_dir" "$venv/bin/python"

code_server="$(bash scripts/code-server.sh)/bin/code-server"
mkdir -p "$profile/user-data/User" "$profile/extensions"
config="$profile/code-server.yaml"
[ -f "$config" ] || printf 'auth: none\ncert: false\n' >"$config"
settings="$profile/user-data/User/settings.json"
# Written once: later changes made in the demo's VS Code are kept.
[ -f "$settings" ] || cat >"$settings" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true
}
JSON

# --config on every call: without it code-server writes ~/.config/code-server/config.yaml.
dirs=(--config "$config" --user-data-dir "$profile/user-data" --extensions-dir "$profile/extensions")
log 'installing dist/ml-workbench.vsix into the demo profile'
"$code_server" "${dirs[@]}" --install-extension "$vsix" --force >&2

# The extension resolves the store from the folder as MLflow does: no inherited URI.
unset MLFLOW_TRACKING_URI
export PATH="$venv/bin:$PATH"
"$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --disable-workspace-trust "${dirs[@]}" "$demo_dir" >"$profile/code-server.log" 2>&1 &
server=$!
stop() {
  trap - EXIT INT TERM
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

for _ in $(seq 1 150); do
  healthy && break
  kill -0 "$server" 2>/dev/null || { tail -n 30 "$profile/code-server.log" >&2; log 'code-server exited'; exit 1; }
  sleep 0.2
done
healthy || { tail -n 30 "$profile/code-server.log" >&2; log "no answer on port $port"; exit 1; }

url="http://127.0.0.1:$port/?folder=$(node -e 'process.stdout.write(encodeURI(process.argv[1]))' "$demo_dir")"
echo
echo "  ML Workbench demo is running."
echo "  Open $url"
echo "  (server log: $profile/code-server.log)"
if command -v code >/dev/null; then
  echo "  Or in your own VS Code: code --install-extension dist/ml-workbench.vsix && code \"$demo_dir\""
fi
echo

if [ "${DEMO_SMOKE:-}" = 1 ]; then
  log 'DEMO_SMOKE=1: healthy, stopping'
  exit 0
fi
echo "  Press Ctrl-C to stop."
wait "$server"
