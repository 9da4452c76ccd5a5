#!/usr/bin/env bash
# Every test: set up (Python venv, node modules, headless editors for the LSP tests), lint and
# type-check, then the Python suite (pytest), the Node suite (grammar, manifest, packaging and
# the DebugClient tests against omega-dap) and the end-to-end suite (the packaged extension in
# code-server, driven through the UI in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/install-editors.sh ]; then bash scripts/install-editors.sh; fi
bash scripts/install-code-server.sh
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/ruff check omega_runtime omega_dap omega_lsp
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 -p no:cacheprovider --durations=15
(cd vscode-extension && OMEGA_DAP="$PWD/../.venv/bin/omega-dap" npm test)
(cd vscode-extension && npm run test:e2e)
