"""Servers that let no one in (issue 18, 4): `omega serve`'s token and connection file, bounded
input for the serve protocol and for omega-dap, loopback by default and a warning otherwise."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from omega_dap.protocol import MAX_BODY, FrameReader, FramingError
from omega_runtime import OmegaRuntime
from omega_runtime.protocol import ProtocolServer
from omega_runtime.protocol import connection_file as cf
from omega_runtime.protocol.connection import MAX_MESSAGE

ROOT = Path(__file__).resolve().parents[1]


def raw(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=30)


def lines(sock: socket.socket) -> list[dict[str, object]]:
    """Every reply until the server closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def request(sock: socket.socket, **msg: object) -> dict[str, object]:
    sock.sendall((json.dumps(msg) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        buf += chunk
    reply: dict[str, object] = json.loads(buf)
    return reply


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProtocolServer]:
    srv = ProtocolServer("127.0.0.1", 0, make_runtime=OmegaRuntime.create, connection_file=tmp_path / "serve.json",
                         max_message=4096, first_request_timeout=1.0)
    srv.start()
    yield srv
    srv.stop()


def evaluated(server: ProtocolServer, name: str) -> bool:
    with raw(server.address) as s:
        reply = request(s, id=0, op="describe", name=name, token=server.token)
    return reply.get("kind") != "unbound"


def test_the_connection_file_holds_address_and_token_for_its_user_only(server: ProtocolServer) -> None:
    assert server.connection_file is not None
    info = cf.read(server.connection_file)
    assert (info.host, info.port, info.token) == (*server.address, server.token)
    assert server.connection_file.stat().st_mode & 0o777 == 0o600
    assert server.token is not None and len(server.token) >= 40
    assert ProtocolServer("127.0.0.1", 0).token != server.token  # random per server
    path = server.connection_file
    server.stop()
    assert not path.exists()


@pytest.mark.parametrize("token", [None, "wrong", ""], ids=["none", "wrong", "empty"])
def test_a_connection_without_the_token_is_refused_and_nothing_is_evaluated(server: ProtocolServer,
                                                                          token: str | None) -> None:
    with raw(server.address) as s:
        msg = {"id": 1, "op": "eval", "code": "(define intruder 1)"}
        if token is not None:
            msg["token"] = token
        s.sendall((json.dumps(msg) + "\n" + json.dumps({"id": 2, "op": "eval", "code": "(define also 2)"}) + "\n")
                  .encode())
        replies = lines(s)  # one error reply, then the server hangs up
    assert len(replies) == 1
    error = replies[0]["error"]
    assert isinstance(error, dict) and error["type"] == "unauthorized" and replies[0]["id"] == 1
    assert server.token is not None and server.token not in json.dumps(replies)
    assert not evaluated(server, "intruder") and not evaluated(server, "also")


def test_a_malformed_first_request_is_refused_too(server: ProtocolServer) -> None:
    with raw(server.address) as s:
        s.sendall(b'{"op": "eval", "code": "(define x 1)", "token": \n')
        replies = lines(s)
    assert [r["error"]["type"] for r in replies] == ["unauthorized"]  # type: ignore[index]


def test_the_token_on_the_first_request_admits_the_connection(server: ProtocolServer) -> None:
    with raw(server.address) as s:
        assert request(s, id=1, op="eval", code="(define admitted 5)", token=server.token).get("error") is None
        assert request(s, id=2, op="eval", code="(* admitted 2)")["value"] == "10"  # later ones need none


def test_a_request_over_the_limit_is_an_error_and_the_connection_closes(server: ProtocolServer) -> None:
    assert MAX_MESSAGE == 64 * 1024 * 1024  # the default
    with raw(server.address) as s:
        assert request(s, id=1, op="describe", token=server.token)["server"] == "omega"
        s.sendall(b'{"id": 2, "op": "eval", "code": "' + b"x" * 10_000 + b'"}\n')
        replies = lines(s)
    assert [r["error"]["type"] for r in replies] == ["too-large"]  # type: ignore[index]
    with raw(server.address) as s:  # the server goes on serving
        assert request(s, id=1, op="eval", code="(+ 1 2)", token=server.token)["value"] == "3"


def test_a_line_that_never_ends_is_cut_off_at_the_limit(server: ProtocolServer) -> None:
    with raw(server.address) as s:
        s.sendall(b"y" * 5000)  # no newline, more than the limit
        replies = lines(s)
    assert [r["error"]["type"] for r in replies] == ["too-large"]  # type: ignore[index]


def test_a_client_that_sends_nothing_blocks_no_one_and_is_let_go(server: ProtocolServer) -> None:
    idle = raw(server.address)
    try:
        started = time.monotonic()
        with raw(server.address) as s:
            assert request(s, id=1, op="eval", code="(+ 20 22)", token=server.token)["value"] == "42"
        assert time.monotonic() - started < 1.0  # not waiting for the idle one
        replies = lines(idle)  # after first_request_timeout (1 s): an error, then closed
        assert [r["error"]["type"] for r in replies] == ["timeout"]  # type: ignore[index]
    finally:
        idle.close()


def test_a_server_without_a_token_serves_anyone(tmp_path: Path) -> None:
    srv = ProtocolServer("127.0.0.1", 0, make_runtime=OmegaRuntime.create, require_token=False,
                         connection_file=tmp_path / "c.json")
    srv.start()
    try:
        assert cf.read(tmp_path / "c.json").token is None
        with raw(srv.address) as s:
            assert request(s, id=1, op="eval", code="(+ 1 1)")["value"] == "2"
    finally:
        srv.stop()


def _serve(*args: str, tmp_path: Path) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "serve", "--port", "0", *args],
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert proc.stderr is not None
    got = [proc.stderr.readline() for _ in range(3)]
    return proc, got


def test_no_token_is_explicit_and_warned(tmp_path: Path) -> None:
    proc, err = _serve("--no-token", tmp_path=tmp_path)
    try:
        assert "listening on 127.0.0.1:" in err[0] and "connection file" in err[1]
        assert "warning: --no-token" in err[2]
    finally:
        proc.kill()
        proc.wait()


def test_a_non_loopback_address_is_warned(tmp_path: Path) -> None:
    proc, err = _serve("--host", "0.0.0.0", tmp_path=tmp_path)
    try:
        assert "listening on 0.0.0.0:" in err[0]
        assert "warning: 0.0.0.0 is not a loopback address" in err[2]
        token = json.loads(Path(err[1].split("connection file ", 1)[1].strip()).read_text())["token"]
        assert token not in "".join(err)  # printed: its path, never the token
    finally:
        proc.kill()
        proc.wait()


def test_omega_dap_and_omega_lsp_warn_off_loopback() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dap = subprocess.Popen([sys.executable, "-m", "omega_dap", "--port", "0", "--host", "0.0.0.0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lsp = subprocess.Popen([sys.executable, "-m", "omega_lsp", "--tcp", "--port", "0", "--host", "0.0.0.0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert dap.stderr is not None and lsp.stderr is not None
        assert "warning: 0.0.0.0 is not a loopback address" in dap.stderr.readline()
        assert "warning: 0.0.0.0 is not a loopback address" in lsp.stderr.readline()
    finally:
        for p in (dap, lsp):
            p.kill()
            p.wait()


def test_the_default_connection_file_is_found_by_port_or_workspace(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert cf.default_path(7) == tmp_path / "omega" / "serve-7.json"
    cf.write(cf.default_path(7), "127.0.0.1", 7, "t7")
    ws = tmp_path / "ws"
    cf.write(ws / cf.WORKSPACE_FILE, "127.0.0.1", 9, "t9")
    assert (tmp_path / "omega").stat().st_mode & 0o777 == 0o700
    found = cf.find(ws, None)
    assert found is not None and (found.port, found.token) == (9, "t9")  # the workspace first
    found = cf.find(tmp_path / "nowhere", 7)
    assert found is not None and found.token == "t7"
    found = cf.find(tmp_path / "nowhere", None)
    assert found is not None and found.port == 7  # the newest live one
    assert cf.find(tmp_path / "nowhere", 8) is None


# ---- omega-dap: bounded frames -----------------------------------------------------------------


def test_dap_frames_over_the_limit_or_headers_that_never_end_are_fatal() -> None:
    reader = FrameReader(max_body=100)
    out = reader.feed(b"Content-Length: 101\r\n\r\n")
    assert len(out) == 1 and isinstance(out[0], FramingError) and out[0].fatal
    assert MAX_BODY == 64 * 1024 * 1024
    out = FrameReader().feed(b"X" * (70 * 1024))
    assert len(out) == 1 and isinstance(out[0], FramingError) and out[0].fatal


@pytest.mark.parametrize("data", [b"Content-Length: 99999999999\r\n\r\n", b"A" * (70 * 1024)],
                         ids=["huge-length", "endless-header"])
def test_omega_dap_hangs_up_on_unbounded_input(data: bytes) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "omega_dap"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(data)
        proc.stdin.flush()  # stdin stays open: the adapter itself ends the session
        out = proc.stdout.read()  # until it exits
        assert b"not a DAP message" in out and b"limit" in out or b"header longer" in out
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
