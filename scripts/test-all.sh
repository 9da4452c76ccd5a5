#!/usr/bin/env bash
# Every test: set up (Python venv, node modules, headless editors for the LSP tests), lint and
# type-check, build the user guide (broken links or missing pages fail), then the Python suite
# (pytest; again for the pure-Python build's representative part when the installed build is
# compiled), the Node suite (grammar, manifest, packaging and the DebugClient tests against
# omega-dap) and the end-to-end suite (the packaged extension in code-server, driven through the
# UI in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/install-editors.sh ]; then bash scripts/install-editors.sh; fi
bash scripts/install-code-server.sh
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/ruff check .
.venv/bin/mypy
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet   # the user guide (docs/, mkdocs.yml)
.venv/bin/python -m pytest -n 2 -p no:cacheprovider --durations=15
# setup.sh's install compiles the step machine with mypyc when it can; the run above then tested
# the compiled build, and the pure-Python build (what runs without a C compiler) runs the machine's
# suites and the acceptance corpus too (OMEGA_PURE=1 loads the Python modules).
if .venv/bin/python -c 'import omega_runtime, sys; sys.exit(0 if omega_runtime.compiled() else 1)'; then
  echo "test-all: the installed build is compiled (mypyc); now the pure-Python build's part"
  OMEGA_PURE=1 .venv/bin/python -m pytest -n 2 -p no:cacheprovider -q $(cat scripts/pure-build-tests.txt)
elif [ -z "${OMEGA_BUILD_PURE:-}" ] && command -v "${CC:-cc}" >/dev/null; then
  # A C compiler is here, so the pure build means mypyc failed (setup.py falls back quietly so
  # that users still get a working install): that is a defect of ours, not a choice.
  echo "test-all: a C compiler is present but the installed build is pure: mypyc failed to compile" \
       "the machine (pip install -v -e . shows why)" >&2
  exit 1
fi
(cd vscode-extension && OMEGA_DAP="$PWD/../.venv/bin/omega-dap" npm test)
(cd vscode-extension && npm run test:e2e)
