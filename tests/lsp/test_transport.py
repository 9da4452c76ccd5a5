"""Transports (stdio, TCP) and robustness against malformed input, with raw JSON-RPC."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def _frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def _read_messages(out: bytes) -> list[dict[str, object]]:
    messages = []
    while out:
        header, _, rest = out.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        messages.append(json.loads(rest[:length]))
        out = rest[length:]
    return messages


def test_malformed_requests_get_errors_and_the_server_survives() -> None:
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    bad_params = {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": 5}}
    unknown = {"jsonrpc": "2.0", "id": 3, "method": "omega/noSuchMethod", "params": {}}
    bad_pos = {"jsonrpc": "2.0", "id": 4, "method": "textDocument/definition",
               "params": {"textDocument": {"uri": "file:///nope.omega"}, "position": {"line": -1, "character": 0}}}
    shutdown = {"jsonrpc": "2.0", "id": 5, "method": "shutdown"}
    exit_ = {"jsonrpc": "2.0", "method": "exit"}
    stream = b"".join(_frame(json.dumps(m).encode()) for m in (init, bad_params, unknown, bad_pos))
    stream += _frame(b"{not json")  # garbage between requests
    stream += b"".join(_frame(json.dumps(m).encode()) for m in (shutdown, exit_))
    proc = subprocess.run([sys.executable, "-m", "omega_lsp"], input=stream, capture_output=True, timeout=60)
    replies = {m["id"]: m for m in _read_messages(proc.stdout) if "id" in m}
    assert "result" in replies[1]
    for i in (2, 3, 4):
        assert "error" in replies[i], replies.get(i)
    assert replies[5] == {"jsonrpc": "2.0", "id": 5, "result": None}
    assert proc.returncode == 0


def test_tcp_transport() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "omega_lsp", "--tcp", "--port", str(port)],
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("server did not listen")
        with conn:
            conn.sendall(_frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                            "params": {"capabilities": {}}}).encode()))
            data = b""
            while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < int(
                    data.split(b"Content-Length:")[1].split(b"\r\n")[0]):
                chunk = conn.recv(65536)
                assert chunk, "connection closed"
                data += chunk
            reply = _read_messages(data)[0]
            assert reply["id"] == 1 and "capabilities" in reply["result"]
    finally:
        proc.kill()
        proc.wait()


def test_a_publication_pending_at_shutdown_is_dropped_and_exit_ends_the_process() -> None:
    """A diagnostics publication still waiting for its debounce when the client asks to shut
    down is dropped: nothing follows the shutdown reply, and `exit` ends the process at once
    (a publication firing after `exit` had closed the stream used to fail, and pygls reported
    each failed send by sending again, recursing for minutes)."""
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": {"debounceMs": 200}}}
    opened = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///pending.omega", "languageId": "omega", "version": 1, "text": "(car)"}}}
    changed = {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": "file:///pending.omega", "version": 2}, "contentChanges": [{"text": "(cdr)"}]}}
    shutdown = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
    with subprocess.Popen([sys.executable, "-m", "omega_lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            for message in (init, {"jsonrpc": "2.0", "method": "initialized", "params": {}}, opened, changed,
                            shutdown):
                proc.stdin.write(_frame(json.dumps(message).encode()))
            proc.stdin.flush()
            time.sleep(1.5)  # the debounce (and the first analysis) has long passed
            proc.stdin.write(_frame(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()))
            proc.stdin.flush()  # and stdin stays open, as a client waiting for the process keeps it
            code = proc.wait(timeout=10)
            out = proc.stdout.read()
        finally:
            proc.kill()
    assert code == 0
    messages = _read_messages(out)
    assert messages[-1] == {"jsonrpc": "2.0", "id": 2, "result": None}  # nothing after the shutdown reply
    assert not [m for m in messages if m.get("method") == "window/showMessage"]
