#!/usr/bin/env bash
# Installs the real editors the tests in tests/editors/ drive headlessly: Neovim (vim.lsp) and
# Emacs with eglot. Debian packages only, without recommends, so CI stays small.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends neovim emacs-nox elpa-eglot
nvim --version | head -n 1
emacs --version | head -n 1
