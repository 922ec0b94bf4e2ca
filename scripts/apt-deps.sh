#!/usr/bin/env bash
# Debian packages the end-to-end rig needs: chromium (the browser playwright-core drives) and
# libkrb5-dev (code-server's `kerberos` native module compiles from source; its prebuilt download
# fails offline), redis-server (the broker the Model-on-Demand contract tests start on 127.0.0.1).
# Installs only what is missing; runs `apt-get update` at most once.
# Usage: scripts/apt-deps.sh [package ...]   (default: chromium libkrb5-dev g++ make python3 redis-server)
set -euo pipefail

packages=("$@")
if [ "${#packages[@]}" -eq 0 ]; then
  packages=(chromium libkrb5-dev g++ make python3 redis-server)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "apt-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "apt-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
