#!/usr/bin/env bash
# Set up a development environment from scratch: a virtualenv in .venv with Omega and its test
# tools, and (unless OMEGA_SKIP_NODE=1) the VS Code extension's node modules. The install compiles
# the step machine with mypyc when a C compiler is present (a few minutes; the extension modules
# land beside the sources, see setup.py); OMEGA_BUILD_PURE=1 installs the pure-Python build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'
if [ "${OMEGA_SKIP_NODE:-0}" != "1" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing Node.js and npm from Debian" >&2
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  (cd vscode-extension && npm ci --no-audit --no-fund --loglevel=error)
fi
