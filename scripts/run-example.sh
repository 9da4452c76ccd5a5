#!/usr/bin/env bash
# The main job: set up, then run the showcase program (oracle, amb, a transaction and a fixpoint)
# on the embedded scripted oracle: no API key, no server.
set -euo pipefail
cd "$(dirname "$0")/.."
OMEGA_SKIP_NODE=1 bash scripts/setup.sh
exec .venv/bin/omega run examples/showcase.omega "$@"
