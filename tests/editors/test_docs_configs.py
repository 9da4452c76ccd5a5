"""The editor configurations the guide gives (docs/debugging.md) work, as far as the editors run
headless here: Neovim's Lua block and Emacs' eglot + dape block are loaded as written; the
language server part must bring omega-lsp's diagnostics into a real buffer, and the debugger part
must register omega-dap (nvim-dap and dape themselves are not installed: stand-ins record what
the configuration hands them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
GUIDE = HERE.parents[1] / "docs" / "debugging.md"
SOURCE = "(define x 1)\n(display (tripple 3))\n(car '(1)))\n"  # an unbound name, a stray closer


def block(language: str) -> str:
    found = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert found, f"docs/debugging.md has no {language} block"
    return found[0]


def run(tmp_path: Path, argv: list[str], config: Path) -> dict[str, object]:
    source = tmp_path / "sample.omega"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out.json"
    bin_dir = str(Path(sys.executable).parent)  # omega-lsp, as the guide calls it, is on PATH
    env = dict(os.environ, OMEGA_FILE=str(source), OMEGA_OUT=str(out), OMEGA_CONFIG=str(config),
               OMEGA_EXPECT="2", PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.exists(), f"editor wrote no result: {proc.stdout}\n{proc.stderr}"
    result: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
    return result


def test_the_neovim_configuration(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    assert nvim is not None, "Neovim is not installed: run scripts/install-editors.sh"
    config = tmp_path / "omega.lua"
    config.write_text(block("lua"), encoding="utf-8")
    result = run(tmp_path, [nvim, "--headless", "--clean", "-c", f"luafile {HERE / 'docs_nvim.lua'}"], config)
    assert result["filetype"] == "omega"
    assert result["waited"] is True and len(result["codes"]) >= 2, result  # type: ignore[arg-type]
    assert result["adapter"] == {"type": "executable", "command": "omega-dap"}
    configurations = result["configurations"]
    assert isinstance(configurations, list)
    assert [c["request"] for c in configurations] == ["launch", "attach"]
    assert configurations[0]["program"] == "${file}"


def test_the_emacs_configuration(tmp_path: Path) -> None:
    emacs = shutil.which("emacs")
    assert emacs is not None, "Emacs is not installed: run scripts/install-editors.sh"
    config = tmp_path / "omega.el"
    config.write_text(block("elisp"), encoding="utf-8")
    result = run(tmp_path, [emacs, "--batch", "--no-init-file", "-l", str(HERE / "docs_emacs.el")], config)
    assert result["mode"] == "omega-mode" and result["managed"] is True, result
    assert isinstance(result["diagnostics"], int) and result["diagnostics"] >= 2
    assert result["dape-command"] == "omega-dap" and result["dape-request"] == "launch"
