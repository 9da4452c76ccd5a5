#!/usr/bin/env bash
# Installs what the VS Code end-to-end suite (vscode-extension/test/e2e) drives: code-server
# 4.100.3 (VS Code 1.100.3; the newest whose engines.node is 20) under vscode-extension/.e2e/
# (ignored by git), and Debian's Chromium for playwright-core. Idempotent: a re-run skips every
# step already done. No download outside the registries (apt, npm) is needed:
# - @vscode/ripgrep's postinstall would fetch rg from GitHub; it finds Debian's rg as its cached
#   download instead (a tarball named as the release asset, in $TMPDIR/vscode-ripgrep-cache-VERSION/);
# - argon2 and the other native modules build from the registry's sources.
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.100.3
RIPGREP_PACKAGE_VERSION=1.15.11   # @vscode/ripgrep, pinned by code-server's shrinkwrap
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
PREFIX="$PWD/vscode-extension/.e2e/code-server"
MARKER="$PREFIX/.installed-$CODE_SERVER_VERSION"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for pkg in libkrb5-dev ripgrep chromium fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-code-server: apt-get install ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f "$MARKER" ] && [ -x "$PREFIX/node_modules/.bin/code-server" ]; then
  echo "install-code-server: code-server $CODE_SERVER_VERSION already installed in $PREFIX"
  exit 0
fi

start=$(date +%s)
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cd "$PREFIX"
echo '{"name": "omega-e2e-code-server", "private": true}' > package.json
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"

tmp=${TMPDIR:-/tmp}
cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
if [ ! -s "$cache/$RIPGREP_ASSET" ]; then
  work=$(mktemp -d)
  cp "$(command -v rg)" "$work/rg"
  mkdir -p "$cache"
  tar -czf "$cache/$RIPGREP_ASSET" -C "$work" rg
  rm -rf "$work"
fi

npm_version=$(npm --version)
node_version=$(node --version | sed 's/^v//')
(
  cd node_modules/code-server
  npm_config_user_agent="npm/$npm_version node/$node_version linux x64" \
    npm_config_unsafe_perm=true npm_config_yes=true \
    sh ./postinstall.sh </dev/null
)
npm rebuild argon2 --no-audit --no-fund --loglevel=error
XDG_CONFIG_HOME="$(mktemp -d)" "$PREFIX/node_modules/.bin/code-server" --version
touch "$MARKER"
echo "install-code-server: installed code-server $CODE_SERVER_VERSION in $(( $(date +%s) - start )) s"
