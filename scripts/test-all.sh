#!/usr/bin/env bash
# Every test: set up (Python venv, node modules, headless editors for the LSP tests), lint and
# type-check, then the Python suite (pytest; again for the pure-Python build's representative part
# when the installed build is compiled) and the Node suite (grammar, manifest, packaging and
# the DebugClient tests against omega-dap).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/install-editors.sh ]; then bash scripts/install-editors.sh; fi
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/ruff check omega_runtime omega_dap omega_lsp
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 -p no:cacheprovider --durations=15
# setup.sh's install compiles the step machine with mypyc when it can; the run above then tested
# the compiled build, and the pure-Python build (what runs without a C compiler) runs the machine's
# suites and the acceptance corpus too (OMEGA_PURE=1 loads the Python modules).
if .venv/bin/python -c 'import omega_runtime, sys; sys.exit(0 if omega_runtime.compiled() else 1)'; then
  OMEGA_PURE=1 .venv/bin/python -m pytest -n 2 -p no:cacheprovider -q $(cat scripts/pure-build-tests.txt)
fi
(cd vscode-extension && OMEGA_DAP="$PWD/../.venv/bin/omega-dap" npm test)
