"""`attach` in omega-dap: relay the client's session to the DAP session of a running `omega serve`.

The serve process runs the real session (omega_dap.attached) over a connection upgraded with the
serve protocol's `debug` op. This side connects (retrying a refused connection until the
deadline), upgrades, and replays what the client already did here: `initialize` with its
original arguments, every configuration request sent before `attach` (REPLAYED), then the
`attach` request itself. The remote's answers to the replayed requests and its `initialized`
event are dropped (the client has those already), except that the breakpoints of replayed
`setBreakpoints`/`setFunctionBreakpoints` answers become `breakpoint` `changed` events, so the
client learns their attach-mode verification. From then on messages pass through both ways; the
local Channel renumbers `seq` of what goes to the client. Requests still unanswered when the
serve side goes away are answered with an error, then the client gets `terminated`.

Where to connect and with which token comes from the serve session's connection file (`target`):
the `connectionFile` attribute, else `.omega/serve.json` under `cwd`, else the user's runtime
directory; the token goes only into the upgrade request, never into a DAP message or the log.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omega_runtime.protocol import connection_file

from .launch import AttachConfig
from .protocol import FrameReader, FramingError, encode

REPLAYED = frozenset({"setBreakpoints", "setFunctionBreakpoints", "setExceptionBreakpoints", "setDataBreakpoints",
                      "configurationDone"})
BREAKPOINT_ANSWERS = frozenset({"setBreakpoints", "setFunctionBreakpoints"})
UPGRADE_ID = "omega-dap-attach"


class AttachFailed(Exception):
    """Why the serve session could not be reached or upgraded (DAP 1008)."""


def target(cfg: AttachConfig) -> connection_file.ConnectionInfo:
    """The serve session an attach configuration means: its connection file's address and token,
    or (no file found) `host`/`port` without a token, for a server started with `--no-token`."""
    if cfg.connection_file is not None:
        base = Path(cfg.cwd) if cfg.cwd else Path.cwd()
        try:
            return connection_file.read(base / os.path.expanduser(cfg.connection_file))
        except connection_file.ConnectionFileError as exc:
            raise AttachFailed(str(exc)) from None
    try:
        found = connection_file.find(Path(cfg.cwd) if cfg.cwd else Path.cwd(), cfg.port if cfg.port_given else None)
    except connection_file.ConnectionFileError:
        found = None
    return found or connection_file.ConnectionInfo(cfg.host, cfg.port, None)


def connect(host: str, port: int, timeout: float, token: str | None = None) -> tuple[socket.socket, bytes]:
    """A connection to `omega serve` at host:port, upgraded to DAP (sending `token`), and the
    bytes already read after the upgrade reply. A refused connection is retried until `timeout`
    seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            sock = socket.create_connection((host, port), timeout=max(left, 0.05))
            break
        except ConnectionRefusedError:
            if time.monotonic() + 0.1 >= deadline:
                raise AttachFailed(f"nothing accepted a connection within {timeout:g} s (connection refused)") from None
            time.sleep(0.1)
        except OSError as exc:
            raise AttachFailed(str(exc.strerror or exc)) from None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(max(deadline - time.monotonic(), 1.0))
        request: dict[str, Any] = {"id": UPGRADE_ID, "op": "debug", "protocol": "dap"}
        if token is not None:
            request["token"] = token
        sock.sendall((json.dumps(request) + "\n").encode("utf-8"))
        buf = b""
        while b"\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise AttachFailed("the server closed the connection (is it an omega serve session?)")
            buf += chunk
        line, _, rest = buf.partition(b"\n")
        try:
            reply = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise AttachFailed("the server does not speak the omega serve protocol") from None
        if not isinstance(reply, dict) or reply.get("debug") is not True:
            error = reply.get("error") if isinstance(reply, dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            if isinstance(error, dict) and error.get("type") == "unauthorized":
                message = ("the server requires the token of its connection file: give the attach "
                           "configuration its \"connectionFile\"" if token is None else
                           "the server refused the connection file's token (is the file stale?)")
            raise AttachFailed(str(message or "the server refused the debugger"))
        sock.settimeout(None)
        return sock, rest
    except AttachFailed:
        sock.close()
        raise
    except OSError as exc:
        sock.close()
        raise AttachFailed(str(exc.strerror or exc) if not isinstance(exc, TimeoutError) else "no answer") from None


class Relay:
    """Both directions between the client (through `to_client`, which numbers messages) and the
    remote session. Until `start` has sent the replay, client messages are held back."""

    def __init__(self, to_client: Callable[[dict[str, Any]], None], on_end: Callable[[list[tuple[int, str]]], None]) -> None:
        self.to_client = to_client
        self.on_end = on_end  # called once with the (seq, command) of requests left unanswered
        self.sock: socket.socket | None = None
        self.held: list[bytes] = []
        self._lock = threading.Lock()
        self._drop: dict[int, str] = {}  # replayed requests' seq -> command
        self._initialized_seen = False
        self._unanswered: dict[int, str] = {}
        self._ended = False

    def start(self, sock: socket.socket, leftover: bytes, replay: list[dict[str, Any]]) -> None:
        """Replay `replay` (initialize, configuration requests; the last one, attach, is answered
        to the client), then pass everything through."""
        with self._lock:
            self.sock = sock
            for i, msg in enumerate(replay):
                seq, command = msg.get("seq"), msg.get("command")
                if isinstance(seq, int) and isinstance(command, str):
                    if i < len(replay) - 1:
                        self._drop[seq] = command
                    else:
                        self._unanswered[seq] = command
                self._send(encode(msg))
            for body in self.held:
                self._note_request(body)
                self._send(_frame(body))
            self.held = []
        threading.Thread(target=self._pump, args=(leftover,), name="omega-dap-relay", daemon=True).start()

    def forward(self, body: bytes) -> bool:
        """A client message (one body): to the remote, or held until `start`. False once the
        remote has gone (the client's session answers for itself again)."""
        with self._lock:
            if self._ended:
                return False
            if self.sock is None:
                self.held.append(body)
                return True
            self._note_request(body)
            self._send(_frame(body))
            return True

    def close(self) -> None:
        with self._lock:
            sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _note_request(self, body: bytes) -> None:
        try:
            msg = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return
        if isinstance(msg, dict) and msg.get("type", "request") == "request":
            seq, command = msg.get("seq"), msg.get("command")
            if isinstance(seq, int) and not isinstance(seq, bool) and isinstance(command, str):
                self._unanswered[seq] = command

    def _send(self, data: bytes) -> None:
        assert self.sock is not None
        try:
            self.sock.sendall(data)
        except OSError:
            pass  # the reader sees the end and reports it

    # ---- remote -> client --------------------------------------------------------------------

    def _pump(self, leftover: bytes) -> None:
        reader = FrameReader()
        data = leftover
        sock = self.sock
        assert sock is not None
        while True:
            if data:
                for item in reader.feed(data):
                    if not isinstance(item, FramingError):
                        self._from_remote(item)
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
        sock.close()
        with self._lock:
            self._ended = True
            left = sorted(self._unanswered.items())
            self._unanswered.clear()
        self.on_end(left)

    def _from_remote(self, body: bytes) -> None:
        try:
            msg = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return
        if not isinstance(msg, dict):
            return
        kind = msg.get("type")
        if kind == "response":
            rseq = msg.get("request_seq")
            with self._lock:
                replayed = self._drop.pop(rseq, None) if isinstance(rseq, int) else None
                if isinstance(rseq, int):
                    self._unanswered.pop(rseq, None)
            if replayed is not None:
                if replayed in BREAKPOINT_ANSWERS and msg.get("success"):
                    for bp in (msg.get("body") or {}).get("breakpoints", []):
                        self.to_client({"type": "event", "event": "breakpoint",
                                        "body": {"reason": "changed", "breakpoint": bp}})
                return
        elif kind == "event" and msg.get("event") == "initialized" and not self._initialized_seen:
            self._initialized_seen = True
            return
        msg.pop("seq", None)
        self.to_client(msg)


def _frame(body: bytes) -> bytes:
    return b"Content-Length: " + str(len(body)).encode("ascii") + b"\r\n\r\n" + body


__all__ = ["Relay", "AttachFailed", "connect", "target", "REPLAYED"]
