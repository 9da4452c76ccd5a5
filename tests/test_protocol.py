"""The `omega serve` JSON-lines protocol over a real TCP socket on 127.0.0.1."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from omega_runtime import OmegaRuntime
from omega_runtime.protocol import ProtocolServer


class Client:
    """A serve client; its first request carries `token` (the server's, unless told otherwise)."""

    def __init__(self, address: tuple[str, int], token: str | None = None) -> None:
        self.sock = socket.create_connection(address, timeout=30)
        self.reader = self.sock.makefile("rb")
        self.token = token

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, **msg: Any) -> None:
        if self.token is not None:
            msg, self.token = {**msg, "token": self.token}, None
        self.send_raw((json.dumps(msg) + "\n").encode())

    def recv(self) -> dict[str, Any]:
        line = self.reader.readline()
        assert line, "connection closed"
        reply: dict[str, Any] = json.loads(line)
        return reply

    def request(self, **msg: Any) -> dict[str, Any]:
        self.send(**msg)
        return self.recv()

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProtocolServer]:
    srv = ProtocolServer("127.0.0.1", 0, make_runtime=OmegaRuntime.create, connection_file=tmp_path / "serve.json")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def client(server: ProtocolServer) -> Iterator[Client]:
    c = Client(server.address, server.token)
    yield c
    c.close()


def test_eval_replies_with_value_output_and_receipts(client: Client) -> None:
    reply = client.request(id=1, op="eval", code='(display "hi") (ask-llm "What is 2+2?")')
    assert reply["id"] == 1 and reply["value"] == '"4"' and reply["output"] == "hi"
    assert reply["receipts"] == ["r-cc171551935265e2"] and reply["steps"] > 0


def test_a_program_error_is_an_error_reply_and_the_session_goes_on(client: Client) -> None:
    client.request(id=1, op="eval", code="(define x 41)")
    reply = client.request(id=2, op="eval", code="(car '())")
    assert reply["id"] == 2 and reply["error"]["type"] == "wrong-type"
    assert reply["error"]["message"] == "car: expected pair, got ()"
    assert reply["error"]["report"].startswith("<repl-2>:1:1: wrong-type")  # the session's 2nd unnamed input
    assert client.request(id=3, op="eval", code="(+ x 1)")["value"] == "42"
    syntax = client.request(id=4, op="eval", code="(+ 1")
    assert syntax["error"]["type"] == "read-error"


def test_malformed_json_unknown_ops_and_bad_fields_are_error_replies(client: Client) -> None:
    assert client.request(id=0, op="describe")["server"] == "omega"  # the greeting carries the token
    client.send_raw(b"{not json\n")
    reply = client.recv()
    assert reply["id"] is None and reply["error"]["message"].startswith("malformed JSON")
    client.send_raw(b"[1, 2]\n")
    assert client.recv()["error"]["message"] == "a request must be a JSON object"
    reply = client.request(id=7, op="frobnicate")
    assert reply["id"] == 7 and "unknown op 'frobnicate'" in reply["error"]["message"]
    assert "needs a string field 'code'" in client.request(id=8, op="eval", code=5)["error"]["message"]
    assert client.request(id=9, op="eval", code="(* 6 7)")["value"] == "42"


def test_complete(client: Client) -> None:
    client.request(id=0, op="eval", code="(define string-thing 1)")
    names = client.request(id=1, op="complete", prefix="string-")["completions"]
    assert "string-append" in names and "string-thing" in names and names == sorted(names)
    assert "run*" in client.request(id=2, op="complete", prefix="run")["completions"]
    assert "lambda" in client.request(id=3, op="complete", prefix="lamb")["completions"]
    assert all(not n.startswith("%") for n in client.request(id=4, op="complete", prefix="")["completions"])


def test_describe(client: Client) -> None:
    info = client.request(id=1, op="describe")
    assert info["server"] == "omega" and "interrupt" in info["ops"] and len(info["session"]) == 32
    assert client.request(id=2, op="describe", name="car")["kind"] == "primitive"
    assert client.request(id=3, op="describe", name="lambda")["kind"] == "special-form"
    assert client.request(id=4, op="describe", name="run*")["kind"] == "macro"
    client.request(id=5, op="eval", code='(define (twice x) "Doubles x." (* 2 x)) (define n 5)')
    assert client.request(id=6, op="describe", name="twice") == {"id": 6, "name": "twice", "kind": "procedure",
                                                                 "doc": "Doubles x.", "params": 1}
    assert client.request(id=7, op="describe", name="n")["value"] == "5"
    assert client.request(id=8, op="describe", name="nothing")["kind"] == "unbound"


def test_load_file(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "prog.omega"
    path.write_text("(define (f x) (* x 3))\n(f 5)\n", encoding="utf-8")
    assert client.request(id=1, op="load-file", path=str(path))["value"] == "15"
    missing = client.request(id=2, op="load-file", path=str(tmp_path / "nope.omega"))
    assert missing["error"]["type"] == "file-error"
    bad = tmp_path / "bad.omega"
    bad.write_text("(car 1)", encoding="utf-8")
    assert client.request(id=3, op="load-file", path=str(bad))["error"]["report"].startswith(f"{bad}:1:1")


def test_interrupt_stops_a_running_evaluation(client: Client) -> None:
    client.request(id=1, op="eval", code="(define kept 'yes) (define (spin n) (spin (+ n 1)))")
    client.send(id=2, op="eval", code="(spin 0)")
    time.sleep(0.3)
    assert client.request(id=3, op="interrupt") == {"id": 3, "interrupted": True}
    reply = client.recv()
    assert reply["id"] == 2 and reply["error"]["type"] == "interrupted"
    assert client.request(id=4, op="eval", code="kept")["value"] == "yes"
    assert client.request(id=5, op="interrupt") == {"id": 5, "interrupted": False}


def test_interrupt_stops_a_loop_of_closures_only(client: Client) -> None:
    """A compiled step loop that calls no interpreted primitive must still let the interrupting
    thread run (it hung: the slow path entered interpreted code only at multiples of 1,024)."""
    client.request(id=1, op="eval", code="(define (idle) (idle)) (list 1 2 3)")
    client.send(id=2, op="eval", code="(idle)")
    time.sleep(0.3)
    assert client.request(id=3, op="interrupt") == {"id": 3, "interrupted": True}
    assert client.recv()["error"]["type"] == "interrupted"


def test_other_ops_answer_while_an_evaluation_runs(client: Client) -> None:
    client.send(id=1, op="eval", code="(define (spin n) (spin (+ n 1))) (spin 0)")
    time.sleep(0.2)
    assert client.request(id=2, op="describe", name="car")["kind"] == "primitive"
    client.request(id=3, op="interrupt")


def test_a_client_that_disconnects_mid_evaluation(server: ProtocolServer) -> None:
    a = Client(server.address, server.token)
    a.send(id=1, op="eval", code="(define (spin n) (spin (+ n 1))) (spin 0)")
    time.sleep(0.3)
    a.close()
    deadline = time.monotonic() + 20
    while server.connections() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.connections() == 0  # the evaluation was stopped and the runtime released
    b = Client(server.address, server.token)
    assert b.request(id=1, op="eval", code="(+ 1 2)")["value"] == "3"
    b.close()


def test_connections_share_the_one_session(server: ProtocolServer) -> None:
    a, b = Client(server.address, server.token), Client(server.address, server.token)
    a.request(id=1, op="eval", code="(define shared 1)")
    assert b.request(id=1, op="eval", code="(+ shared 1)")["value"] == "2"
    assert a.request(id=2, op="describe")["session"] == b.request(id=2, op="describe")["session"]
    # Unnamed inputs are numbered across the session, whoever sends them.
    assert "<repl-3>:1:1" in a.request(id=3, op="eval", code="(car 1)")["error"]["report"]
    a.close()
    b.close()


def test_evaluations_from_all_connections_run_one_at_a_time_and_interrupt_stops_any(
        server: ProtocolServer) -> None:
    a, b = Client(server.address, server.token), Client(server.address, server.token)
    a.request(id=1, op="eval", code="(define (spin n) (spin (+ n 1)))")
    a.send(id=2, op="eval", code="(spin 0)")
    time.sleep(0.2)
    b.send(id=3, op="eval", code="(define after 'yes)")
    time.sleep(0.2)
    # b's evaluation waits for a's: nothing has answered b yet.
    assert b.request(id=4, op="describe", name="after")["kind"] == "unbound"
    assert b.request(id=5, op="interrupt") == {"id": 5, "interrupted": True}  # stops a's evaluation
    assert a.recv()["error"]["type"] == "interrupted"
    assert b.recv()["id"] == 3
    assert a.request(id=6, op="eval", code="after")["value"] == "yes"
    a.close()
    b.close()


def test_the_server_preset_serves_its_own_runtime() -> None:
    with OmegaRuntime.create(preset="server", config={"port": 0}) as rt:
        rt.eval("(define from-python 41)")
        c = Client(rt.protocol.address, rt.protocol.token)
        assert c.request(id=1, op="eval", code="(+ from-python 1)")["value"] == "42"
        c.request(id=2, op="eval", code="(define from-tcp 'hi)")
        assert rt.eval("from-tcp").printed == "hi"
        c.close()


def test_debug_upgrade_errors_leave_a_normal_connection(client: Client) -> None:
    reply = client.request(id=1, op="debug", protocol="nonesuch")
    assert reply["id"] == 1 and "unknown debug protocol 'nonesuch'" in reply["error"]["message"]
    assert "dap" in reply["error"]["message"]  # the installed protocols are listed
    assert "unknown debug protocol" in client.request(id=2, op="debug")["error"]["message"]
    assert client.request(id=3, op="eval", code="(* 6 7)")["value"] == "42"


def test_a_second_debugger_is_refused(server: ProtocolServer) -> None:
    first, second = Client(server.address, server.token), Client(server.address, server.token)
    assert first.request(id=1, op="debug", protocol="dap") == {"id": 1, "debug": True}
    reply = second.request(id=1, op="debug", protocol="dap")
    assert "already attached" in reply["error"]["message"]
    assert second.request(id=2, op="eval", code="(+ 1 2)")["value"] == "3"
    first.close()  # the debugger leaves: the next one may attach
    deadline = time.monotonic() + 20
    while True:
        reply = second.request(id=3, op="debug", protocol="dap")
        if "debug" in reply or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert reply == {"id": 3, "debug": True}
    second.close()


def test_close(client: Client) -> None:
    assert client.request(id=1, op="close") == {"id": 1, "closed": True}
    assert client.reader.readline() == b""


@pytest.mark.parametrize("sigint_blocked", [False, True], ids=["plain", "sigint-blocked"])
def test_omega_serve_command(tmp_path: Path, sigint_blocked: bool) -> None:
    # Started with SIGINT blocked (a mask inherited from the thread that forked it, as under a
    # threaded test runner), Ctrl-C must still stop it.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT} if sigint_blocked else set())
    try:
        proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "serve", "--port", "0"],
                                stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        assert match, line
        port = int(match.group(1))
        where = re.fullmatch(r"omega serve: connection file (.+)\n", proc.stderr.readline())
        assert where, "the connection file's path is printed"
        path = Path(where.group(1))
        assert path.stat().st_mode & 0o777 == 0o600  # readable by its user only
        info = json.loads(path.read_text())
        assert info["port"] == port and info["host"] == "127.0.0.1" and len(info["token"]) >= 32
        c = Client(("127.0.0.1", port), info["token"])
        assert c.request(id=1, op="eval", code="(string-upcase \"ok\")")["value"] == '"OK"'
        c.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert not path.exists()  # removed when the server stops
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_reports_an_unusable_address() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "cannot listen" in proc.stderr
