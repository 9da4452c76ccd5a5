"""`attach` (DEBUGGER.md 2, 3, 6.1, 8, 12): omega-dap relays to the DAP session of a running
`omega serve`, which debugs the evaluations any eval client asks that session for. Real
processes over real sockets; every DAP message the client receives is schema-checked."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from client import ROOT, DapClient

PROGRAM = """(define (triple x)
  (let ((y (* x 3)))
    (display y)
    (+ y 1)))

(define (half n) (/ n 2))
(triple 5)
"""


class Serve:
    """An `omega serve --port 0` process, the port it listens on and its connection file (by
    default in the workspace `cwd`: `.omega/serve.json`, where attach looks first)."""

    def __init__(self, cwd: Path, *extra: str) -> None:
        args = extra or ("--connection-file", ".omega/serve.json")
        self.proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "serve", "--port", "0", *args],
                                     stderr=subprocess.PIPE, text=True, cwd=cwd,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        assert match, line
        self.port = int(match.group(1))
        where = re.fullmatch(r"omega serve: connection file (.+)\n", self.proc.stderr.readline())
        assert where
        self.file = Path(where.group(1))
        self.token: str = json.loads(self.file.read_text())["token"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        assert self.proc.stderr is not None
        self.proc.stderr.close()


class EvalClient:
    """A plain `omega serve` client: JSON lines over a socket."""

    def __init__(self, port: int, token: str | None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.token = token  # sent with the first request

    def send(self, **msg: Any) -> None:
        if self.token is not None:
            msg, self.token = {**msg, "token": self.token}, None
        self.sock.sendall((json.dumps(msg) + "\n").encode())

    def _fill(self, timeout: float) -> bool:
        """Read more bytes within `timeout` seconds; False if none came."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return False
        chunk = self.sock.recv(65536)
        assert chunk, "connection closed"
        self.buf += chunk
        return True

    def recv(self, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            assert self._fill(max(0.0, deadline - time.monotonic())), "no reply"
        line, _, self.buf = self.buf.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def request(self, **msg: Any) -> dict[str, Any]:
        self.send(**msg)
        return self.recv()

    def nothing_yet(self, wait: float = 0.4) -> bool:
        """No reply arrives within `wait` seconds."""
        return not self.buf and not self._fill(wait)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.omega"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    s = Serve(tmp_path)
    yield s
    s.stop()


@pytest.fixture
def evals(serve: Serve) -> Iterator[EvalClient]:
    c = EvalClient(serve.port, serve.token)
    yield c
    c.close()


def attach(dap: DapClient, **where: Any) -> dict[str, Any]:
    return dap.request("attach", {"type": "omega", "request": "attach", **where})


def attached(dap: DapClient, serve: Serve, program: Path | None = None, lines: list[int] | None = None) -> None:
    dap.initialize()
    if program is not None:
        dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": n} for n in lines or []]})
    r = attach(dap, connectionFile=str(serve.file))
    assert r["success"], r
    dap.ok("configurationDone")


def replies(evals: EvalClient, n: int) -> dict[int, dict[str, Any]]:
    """The next `n` replies by id (an interrupt's and the interrupted evaluation's may cross)."""
    out = [evals.recv() for _ in range(n)]
    return {r["id"]: r for r in out}


def wait_for(condition: Any, timeout: float = 20) -> None:
    """Events relayed to the DAP client may arrive after the eval client's reply."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def locals_of(dap: DapClient, frame_id: int) -> dict[str, str]:
    scopes = dap.ok("scopes", {"frameId": frame_id})["scopes"]
    assert scopes[0]["presentationHint"] == "locals"
    variables = dap.ok("variables", {"variablesReference": scopes[0]["variablesReference"]})["variables"]
    return {v["name"]: v["value"] for v in variables}


def test_debugging_the_evaluations_of_a_serve_session(dap: DapClient, serve: Serve, evals: EvalClient,
                                                      program: Path) -> None:
    dap.initialize()
    answer = dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": 3}]})
    bp_id = answer["breakpoints"][0]["id"]
    r = attach(dap, cwd=str(serve.file.parents[1]), program="ignored.omega")  # finds .omega/serve.json
    assert r["success"] and r["command"] == "attach", r
    pending = dap.event("breakpoint")["body"]
    assert pending["reason"] == "changed" and pending["breakpoint"]["id"] == bp_id
    assert pending["breakpoint"]["verified"] is False and pending["breakpoint"]["reason"] == "pending"
    dap.ok("configurationDone")
    assert dap.event("process")["body"]["startMethod"] == "attach"
    assert dap.event("thread")["body"] == {"reason": "started", "threadId": 1}
    assert "ignoring unknown attributes: program" in dap.output("console")
    assert [e["event"] for e in dap.events].count("initialized") == 1  # the remote's is not relayed

    # An evaluation that loads the file: the breakpoint is verified, the source announced, and
    # the run stops there; the eval client waits.
    evals.send(id=1, op="load-file", path=str(program))
    verified = dap.event("breakpoint")["body"]["breakpoint"]
    assert verified["id"] == bp_id and verified["verified"] is True and verified["line"] == 3
    assert dap.event("loadedSource")["body"] == {"reason": "new", "source": {"name": "prog.omega",
                                                                             "path": str(program)}}
    stop = dap.stopped()
    assert stop["reason"] == "breakpoint" and stop["hitBreakpointIds"] == [bp_id]
    frames = dap.stack()
    assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == ("triple", 3, str(program))
    assert frames[-1]["name"] == "<top-level>" and frames[-1]["line"] == 7
    assert locals_of(dap, frames[0]["id"]) == {"x": "5", "y": "15"}
    assert evals.nothing_yet()

    # Stepping and stepping back work within the evaluation.
    dap.ok("next", {"threadId": 1})
    assert dap.stopped()["reason"] == "step"
    assert dap.stack()[0]["line"] == 4
    dap.ok("stepBack", {"threadId": 1})
    assert dap.stopped()["reason"] == "step"
    assert dap.stack()[0]["line"] == 3
    assert locals_of(dap, dap.stack()[0]["id"])["y"] == "15"

    dap.ok("continue", {"threadId": 1})
    reply = evals.recv()
    assert reply["id"] == 1 and reply["value"] == "16" and reply["output"] == "15", reply
    wait_for(lambda: dap.output("stdout") == "15")

    # A second evaluation, an unnamed input: `<repl-1>`, listed and served by `source`.
    evals.send(id=2, op="eval", code="(triple 2)")
    repl = dap.event("loadedSource")["body"]["source"]
    assert repl["name"] == "<repl-1>" and repl["sourceReference"] > 0
    assert dap.stopped()["reason"] == "breakpoint"
    frames = dap.stack()
    assert frames[-1]["source"] == repl and locals_of(dap, frames[0]["id"])["x"] == "2"
    sources = dap.ok("loadedSources")["sources"]
    assert {"name": "prog.omega", "path": str(program)} in sources and repl in sources
    assert dap.ok("source", {"source": repl, "sourceReference": repl["sourceReference"]})["content"] == "(triple 2)"
    dap.ok("continue", {"threadId": 1})
    assert evals.recv()["value"] == "7"

    # `pause` between evaluations stops the next one on entry.
    assert dap.request("stackTrace", {"threadId": 1})["body"]["error"]["id"] == 1004  # running: idle
    dap.ok("pause", {"threadId": 1})
    evals.send(id=3, op="eval", code="(half 10)")
    assert dap.stopped()["reason"] == "pause"
    assert dap.stack()[0]["source"]["name"] == "<repl-2>"
    dap.ok("continue", {"threadId": 1})
    assert evals.recv()["value"] == "5"

    # Detaching while stopped: the evaluation finishes undebugged, later ones run undebugged.
    evals.send(id=4, op="eval", code="(triple 4)")
    assert dap.stopped()["reason"] == "breakpoint"
    assert dap.request("disconnect", {})["success"]
    assert evals.recv()["value"] == "13"
    assert evals.request(id=5, op="eval", code="(triple 1)")["value"] == "4"
    names = [e["event"] for e in dap.events]
    assert "exited" not in names and "terminated" not in names  # evaluations end; the session lives on
    assert dap.schema_errors == []
    assert dap.proc.wait(10) == 0  # omega-dap's session is over: it exits without waiting for stdin


def test_uncaught_errors_interrupts_and_the_end_of_the_serve_session(dap: DapClient, serve: Serve,
                                                                     evals: EvalClient) -> None:
    attached(dap, serve)
    evals.send(id=1, op="eval", code="(define (boom) (car '()))\n(boom)")
    stop = dap.stopped()
    assert stop["reason"] == "exception" and stop["text"] == "wrong-type"
    dap.ok("continue", {"threadId": 1})
    reply = evals.recv()
    assert reply["error"]["type"] == "wrong-type" and reply["error"]["report"].startswith("<repl-1>:1:16")
    wait_for(lambda: "wrong-type" in dap.output("stderr"))  # the report, as launch shows it

    # The eval client interrupts an evaluation stopped in the debugger.
    dap.ok("setFunctionBreakpoints", {"breakpoints": [{"name": "boom"}]})
    evals.send(id=2, op="eval", code="(boom)")
    assert dap.stopped()["reason"] == "function breakpoint"
    evals.send(id=3, op="interrupt")
    got = replies(evals, 2)
    assert got[3] == {"id": 3, "interrupted": True} and got[2]["error"]["type"] == "interrupted"
    assert dap.event("continued")["body"]["threadId"] == 1
    assert evals.request(id=4, op="eval", code="(+ 1 2)")["value"] == "3"
    # ... and one running under the debugger.
    evals.send(id=5, op="eval", code="(define (spin n) (spin (+ n 1))) (spin 0)")
    time.sleep(0.3)
    evals.send(id=6, op="interrupt")
    got = replies(evals, 2)
    assert got[6] == {"id": 6, "interrupted": True} and got[5]["error"]["type"] == "interrupted"
    assert evals.request(id=7, op="eval", code="(+ 1 3)")["value"] == "4"
    assert [e["body"]["reason"] for e in dap.events if e["event"] == "stopped"] == ["exception",
                                                                                   "function breakpoint"]

    serve.stop()  # the serve side goes away
    assert dap.event("terminated")
    assert "exited" not in [e["event"] for e in dap.events]


def test_terminate_debuggee_ends_the_evaluation_and_the_server(dap: DapClient, serve: Serve, evals: EvalClient,
                                                               program: Path) -> None:
    attached(dap, serve, program, [3])
    evals.send(id=1, op="load-file", path=str(program))
    assert dap.stopped()["reason"] == "breakpoint"
    assert dap.request("disconnect", {"terminateDebuggee": True})["success"]
    assert serve.proc.wait(timeout=20) == 0


def test_attach_where_nothing_listens_fails_after_the_retry_window(dap: DapClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    dap.initialize()
    t0 = time.monotonic()
    r = attach(dap, port=port, __connectTimeout=1.5)
    elapsed = time.monotonic() - t0
    assert not r["success"] and r["body"]["error"]["id"] == 1008, r
    assert r["message"].startswith(f"Cannot attach to 127.0.0.1:{port}: ") and "refused" in r["message"]
    assert 1.4 <= elapsed < 10
    assert dap.request("threads")["success"]  # the session goes on
    assert dap.schema_errors == []


def test_a_second_debugger_is_refused(serve: Serve, evals: EvalClient) -> None:
    first, second = DapClient.stdio(), DapClient.stdio()
    try:
        attached(first, serve)
        second.initialize()
        r = attach(second, connectionFile=str(serve.file))
        assert not r["success"] and r["body"]["error"]["id"] == 1008
        assert "already attached" in r["message"] and f"127.0.0.1:{serve.port}" in r["message"]
        assert evals.request(id=1, op="eval", code="(* 6 7)")["value"] == "42"
        assert first.schema_errors == [] and second.schema_errors == []
    finally:
        first.close()
        second.close()


def test_breakpoints_bind_in_code_the_session_loaded_before_the_debugger_came(
        dap: DapClient, serve: Serve, evals: EvalClient, program: Path) -> None:
    loaded = evals.request(id=1, op="load-file", path=str(program))
    assert loaded["value"] == "16", loaded
    dap.initialize()
    answer = dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": 3}]})
    bp_id = answer["breakpoints"][0]["id"]
    assert attach(dap, connectionFile=str(serve.file))["success"]
    changed = dap.event("breakpoint")["body"]["breakpoint"]  # the attach-mode verification
    assert changed["id"] == bp_id and changed["verified"] is True and changed["line"] == 3, changed
    dap.ok("configurationDone")
    listed = dap.ok("loadedSources")["sources"]
    assert {"name": "prog.omega", "path": str(program)} in listed
    # A procedure of the earlier load, called from a new input, stops in its file.
    evals.send(id=2, op="eval", code="(triple 7)")
    stop = dap.stopped()
    assert stop["reason"] == "breakpoint" and stop["hitBreakpointIds"] == [bp_id]
    frames = dap.stack()
    assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == ("triple", 3, str(program))
    assert locals_of(dap, frames[0]["id"]) == {"x": "7", "y": "21"}
    dap.ok("continue", {"threadId": 1})
    assert evals.recv()["value"] == "22"


def test_a_debugger_that_vanishes_while_stopped_lets_the_evaluation_finish(
        dap: DapClient, serve: Serve, evals: EvalClient, program: Path) -> None:
    attached(dap, serve, program, [3])
    evals.send(id=1, op="load-file", path=str(program))
    assert dap.stopped()["reason"] == "breakpoint"
    dap.proc.kill()  # no disconnect: the relay's connection just ends
    dap.proc.wait(10)
    reply = evals.recv()
    assert reply["id"] == 1 and reply["value"] == "16", reply
    # The session serves on, undebugged, and accepts a new debugger.
    assert evals.request(id=2, op="eval", code="(triple 1)")["value"] == "4"
    again = DapClient.stdio()
    try:
        attached(again, serve, program, [3])
        evals.send(id=3, op="eval", code="(triple 2)")
        assert again.stopped()["reason"] == "breakpoint"
        again.ok("continue", {"threadId": 1})
        assert evals.recv()["value"] == "7"
    finally:
        again.close()


def test_attach_by_port_finds_the_connection_file_in_the_runtime_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run_dir))  # both processes below inherit it
    serve = Serve(tmp_path, "--oracle", "scripted")  # no --connection-file: the runtime directory
    log = tmp_path / "dap.log"
    dap = DapClient.stdio("--log", str(log))
    try:
        assert serve.file == run_dir / "omega" / f"serve-{serve.port}.json"
        dap.initialize()
        r = attach(dap, port=serve.port, cwd=str(tmp_path / "elsewhere"))
        assert r["success"], r
        dap.ok("configurationDone")
        evals = EvalClient(serve.port, serve.token)
        assert evals.request(id=1, op="eval", code="(+ 40 2)")["value"] == "42"
        evals.close()
    finally:
        dap.close()
        serve.stop()
    assert serve.token not in log.read_text()  # the token never reaches the DAP log
    assert dap.schema_errors == []


def test_a_serve_session_with_a_token_refuses_an_attach_without_it(tmp_path: Path, serve: Serve,
                                                                  dap: DapClient) -> None:
    dap.initialize()
    # The port alone, no connection file anywhere it looks: the upgrade goes without a token.
    r = attach(dap, port=serve.port, cwd=str(tmp_path / "elsewhere"), connectionFile=None)
    assert not r["success"] and r["body"]["error"]["id"] == 1008, r
    assert "connectionFile" in r["message"] and serve.token not in r["message"]
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"host": "127.0.0.1", "port": serve.port, "token": "not-the-token"}))
    r = attach(dap, connectionFile=str(stale))
    assert not r["success"] and "refused the connection file's token" in r["message"], r
    r = attach(dap, connectionFile=str(tmp_path / "missing.json"))
    assert not r["success"] and "cannot read connection file" in r["message"], r
    r = attach(dap, connectionFile=str(serve.file))
    assert r["success"], r
