"""Transports (DEBUGGER.md 1): DAP over stdin/stdout or over TCP, and the `--log` file.

A `Channel` owns the writing side: each message is encoded and written with one call under a
lock, so header and body never interleave with another message. The reading side feeds bytes to a
`FrameReader` and hands complete bodies to the session; the loop never waits on the engine.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from .protocol import FrameReader, FramingError, encode

SECRET_KEYS = frozenset({"env", "environment"})


def _scrub(obj: Any) -> Any:
    """A copy of a message without environment values (they are never logged)."""
    if isinstance(obj, dict):
        return {k: ("<not logged>" if k in SECRET_KEYS else _scrub(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    return obj


class MessageLog:
    """Appends `{"t", "dir", "msg"}` and `{"t", "note"}` JSON lines to a file; thread-safe."""

    def __init__(self, path: str) -> None:
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the server
        self._lock = threading.Lock()
        self._t0 = time.monotonic()

    def _write(self, record: dict[str, Any]) -> None:
        record = {"t": round(time.monotonic() - self._t0, 6), **record}
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()

    def message(self, direction: str, msg: Any) -> None:
        self._write({"dir": direction, "msg": _scrub(msg)})

    def note(self, text: str) -> None:
        self._write({"note": text})

    def close(self) -> None:
        with self._lock:
            self._fh.close()


class Channel:
    """The sending half of a connection: one write per message, never interleaved."""

    def __init__(self, write: Callable[[bytes], None], log: MessageLog | None = None) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._seq = 0
        self.log = log
        self.closed = False

    def send(self, msg: dict[str, Any]) -> None:
        with self._lock:
            if self.closed:
                return
            self._seq += 1
            msg["seq"] = self._seq
            data = encode(msg)
            try:
                self._write(data)
            except OSError:
                self.closed = True  # the client went away; nothing more to say
                return
            if self.log is not None:
                self.log.message("send", msg)


SessionFactory = Callable[[Channel], Any]


def pump(read: Callable[[], bytes], session: Any, log: MessageLog | None) -> None:
    """Feed bytes from `read` to `session` until EOF or the session ends."""
    reader = FrameReader()
    while not session.done.is_set():
        try:
            data = read()
        except OSError:
            break
        if not data:
            break
        items = reader.feed(data)
        for item in items:
            if isinstance(item, FramingError):
                session.bad_bytes(str(item))
                if item.fatal:
                    break
            else:
                if log is not None:
                    try:
                        log.message("recv", json.loads(item))
                    except ValueError:
                        log.message("recv", {"raw": item[:200].decode("utf-8", "replace")})
                session.receive(item)
            if session.done.is_set():
                break
        if any(isinstance(item, FramingError) and item.fatal for item in items):
            break  # the rest of the stream cannot be trusted: hang up
    session.close()


def serve_stdio(factory: SessionFactory, log: MessageLog | None) -> int:
    """One session over stdin/stdout; returns the exit status (0 after disconnect or EOF)."""
    out: BinaryIO = sys.stdout.buffer
    # Program output must never reach the protocol stream: route Python-level prints to stderr.
    sys.stdout = sys.stderr

    def write(data: bytes) -> None:
        out.write(data)
        out.flush()

    channel = Channel(write, log)
    session = factory(channel)
    fd = sys.stdin.buffer.fileno()
    pump(lambda: os.read(fd, 65536), session, log)
    return 0


def serve_tcp(factory: SessionFactory, host: str, port: int, log: MessageLog | None) -> int:
    """Listen and serve one independent session per connection until interrupted."""
    from omega_runtime.protocol.connection_file import is_loopback

    listener = socket.create_server((host, port))
    real_host, real_port = listener.getsockname()[:2]
    sys.stdout.write(f"omega-dap listening on {real_host}:{real_port}\n")
    sys.stdout.flush()
    if not is_loopback(real_host):
        sys.stderr.write(f"omega-dap: warning: {real_host} is not a loopback address: other machines can "
                         "reach this debug adapter (and launch programs through it)\n")
        sys.stderr.flush()
    try:
        while True:
            conn, _addr = listener.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=_serve_socket, args=(conn, factory, log), daemon=True).start()
    except KeyboardInterrupt:
        return 0
    finally:
        listener.close()


def _serve_socket(conn: socket.socket, factory: SessionFactory, log: MessageLog | None) -> None:
    channel = Channel(conn.sendall, log)
    session = factory(channel)
    try:
        pump(lambda: conn.recv(65536), session, log)
    finally:
        channel.closed = True
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


__all__ = ["Channel", "MessageLog", "serve_stdio", "serve_tcp", "pump"]
