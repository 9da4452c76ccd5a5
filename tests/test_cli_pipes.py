"""A reader that closes the pipe early (`omega run FILE | head -1`): the command stops quietly
with the status Python's signal documentation recommends for EPIPE (1), never a traceback, in
`omega run`, `-e`, `repl` and `debug` (issue 16.8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MANY_LINES = "(let loop ((i 0)) (when (< i 1000000) (display i) (newline) (loop (+ i 1))))\n"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}


def _first_line_then_close(args: list[str], stdin: str, cwd: Path) -> tuple[bytes, int, str]:
    """Start `omega ARGS`, read one line of its output, close the pipe; (line, status, stderr)."""
    proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", *args], cwd=cwd, env=_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    line = proc.stdout.readline()
    proc.stdout.close()
    try:
        status = proc.wait(timeout=60)
    finally:
        proc.kill()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    return line, status, err


@pytest.mark.parametrize("args, stdin", [
    (["run", "many.omega"], ""),
    (["-e", MANY_LINES.strip()], ""),
    (["repl"], MANY_LINES),
    (["debug", "many.omega"], "continue\n"),
], ids=["run", "-e", "repl", "debug"])
def test_a_closed_pipe_stops_the_command_quietly(tmp_path: Path, args: list[str], stdin: str) -> None:
    (tmp_path / "many.omega").write_text(MANY_LINES, encoding="utf-8")
    line, status, err = _first_line_then_close(args, stdin, tmp_path)
    assert line
    assert err == ""
    assert status == 1


def test_omega_run_into_head_in_a_shell(tmp_path: Path) -> None:
    (tmp_path / "many.omega").write_text(MANY_LINES, encoding="utf-8")
    script = f"{sys.executable} -m omega_runtime.cli run many.omega | head -1; echo status ${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout == "0\n"
    assert proc.stderr == "status 1\n"
