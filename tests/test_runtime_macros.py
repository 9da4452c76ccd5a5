"""A macro defined at run time by `eval` is seen by every later top-level form (LANGUAGE.md 0:
each top-level form is expanded, then evaluated, in order), in files, the REPL, `omega serve`
sessions and under the debugger (issue 16.5)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from omega_runtime import OmegaRuntime
from omega_runtime.protocol import ProtocolServer

PROGRAM = """(define n 0)
(eval '(define-syntax twice (syntax-rules () ((_ e) (begin e e)))))
(twice (set! n (+ n 1)))
(display n)
"""


def _omega(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    env["HOME"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "omega_runtime.cli", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_a_file(tmp_path: Path) -> None:
    (tmp_path / "twice.omega").write_text(PROGRAM, encoding="utf-8")
    proc = _omega(["run", "twice.omega"], tmp_path)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("2", "", 0)


def test_the_facade_and_a_redefinition_by_eval() -> None:
    with OmegaRuntime.create() as rt:
        result = rt.eval(PROGRAM + "(eval '(define-syntax twice (syntax-rules () ((_ e) e))))\n"
                         "(twice (set! n (+ n 1)))\nn\n")
        assert result.condition is None, result.report
        assert (result.output, result.printed) == ("2", "3")


def test_the_repl_one_input_and_several(tmp_path: Path) -> None:
    one_line = PROGRAM.replace("\n", " ") + "\n"
    for stdin in (one_line, PROGRAM):
        proc = _omega(["repl"], tmp_path, stdin)
        assert (proc.stdout, proc.stderr) == ("2", ""), stdin


def test_an_omega_serve_session() -> None:
    server = ProtocolServer("127.0.0.1", 0, make_runtime=OmegaRuntime.create)
    server.start()
    try:
        with socket.create_connection(server.address, timeout=30) as sock, sock.makefile("rb") as replies:
            request = {"id": 1, "op": "eval", "code": PROGRAM, "token": server.token}
            sock.sendall((json.dumps(request) + "\n").encode())
            reply = json.loads(replies.readline())
    finally:
        server.stop()
    assert reply.get("output") == "2", reply


def test_under_the_debugger() -> None:
    with OmegaRuntime.create() as rt:
        out: list[str] = []
        rt.on("output", lambda data: out.append(data["text"]))
        rt.debug.launch(PROGRAM, "twice.omega")
        rt.breakpoints.set_line("twice.omega", [{"line": 4}])
        stop = rt.debug.resume()
        assert stop.reason == "breakpoint"
        assert rt.inspector.evaluate("n", 0, "watch").value == "2"
        end = rt.debug.resume()
        assert end.code == 0 and "".join(out) == "2"
