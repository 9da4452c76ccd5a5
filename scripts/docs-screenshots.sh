#!/usr/bin/env bash
# Regenerates the user guide's screenshots (docs/images/*.png) from the real-editor suite: the
# packaged extension in code-server, driven through the UI in Chromium
# (vscode-extension/test/e2e), which saves one screenshot per check into $OMEGA_E2E_SHOTS.
set -euo pipefail
cd "$(dirname "$0")/.."
OMEGA_SKIP_NODE=${OMEGA_SKIP_NODE:-} bash scripts/setup.sh
bash scripts/install-code-server.sh
export PATH="$PWD/.venv/bin:$PATH"
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
# A failing check still saves its screenshot: copy them all, then report the suite's status.
status=0
(cd vscode-extension && OMEGA_E2E_SHOTS="$shots" npm run test:e2e) || status=$?
mkdir -p docs/images
copied=0
for png in "$shots"/*.png; do
  [ -e "$png" ] || continue
  cp "$png" docs/images/
  copied=$((copied + 1))
done
echo "docs-screenshots: $copied screenshots copied to docs/images/"
if [ "$status" -ne 0 ]; then
  echo "docs-screenshots: the end-to-end suite failed (status $status): check the screenshots it names" >&2
  exit "$status"
fi
[ "$copied" -gt 0 ]
