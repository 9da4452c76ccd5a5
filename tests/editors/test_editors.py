"""Real editors against omega-lsp: headless Neovim (vim.lsp) and batch Emacs (eglot).

Both open a file with errors, wait for the diagnostics and ask for a definition. The editors are
installed by scripts/install-editors.sh; a missing editor is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
# Line 4 calls `dóuble` (defined on line 1), line 5 has an unbound name, line 6 a stray closer.
SOURCE = """(define (dóuble x)
  (* 2 x))
;; ünïcode ☕ comment
(display (dóuble 21))
(display (tripple 3))
(car '(1)))
"""
EXPECTED = {("W0001", 4), ("E0001", 5)}  # (code, 0-based line)


def run_editor(tmp_path: Path, argv: list[str], line: int, col: int) -> dict[str, object]:
    source = tmp_path / "sample.omega"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out.json"
    env = dict(os.environ, OMEGA_FILE=str(source), OMEGA_OUT=str(out), OMEGA_PYTHON=sys.executable,
               OMEGA_EXPECT=str(len(EXPECTED)), OMEGA_LINE=str(line), OMEGA_COL=str(col),
               PYTHONPATH=str(HERE.parent.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.exists(), f"editor wrote no result: {proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
    return result


def test_neovim(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    assert nvim is not None, "Neovim is not installed: run scripts/install-editors.sh"
    # Definition requested on `dóuble` in line 4 (0-based 3), UTF-16 column 11.
    result = run_editor(tmp_path, [nvim, "--headless", "--clean", "-c", f"luafile {HERE / 'nvim_lsp.lua'}"], 3, 11)
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list)
    assert {(d["code"], d["line"]) for d in diagnostics} == EXPECTED
    definition = result["definition"]
    assert isinstance(definition, list) and len(definition) == 1
    assert definition[0]["uri"].endswith("sample.omega")
    assert definition[0]["range"] == {"start": {"line": 0, "character": 9}, "end": {"line": 0, "character": 15}}


def test_emacs_eglot(tmp_path: Path) -> None:
    emacs = shutil.which("emacs")
    assert emacs is not None, "Emacs is not installed: run scripts/install-editors.sh"
    result = run_editor(tmp_path, [emacs, "--batch", "--no-init-file",
                                   "-l", str(HERE / "eglot_lsp.el")], 4, 11)
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list)
    got = {(d["line"] - 1, d["type"]) for d in diagnostics}
    assert got == {(4, "eglot-warning"), (5, "eglot-error")}
    assert any("tripple" in d["text"] and d["col"] == 10 for d in diagnostics)
    definition = result["definition"]
    assert isinstance(definition, list) and len(definition) == 1
    assert definition[0]["file"].endswith("sample.omega")
    assert (definition[0]["line"], definition[0]["col"]) == (1, 9)
