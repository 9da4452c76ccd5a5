"""One client connection of the eval server: reads JSON-lines requests, answers the quick ops
at once and queues evaluations on the server's one session (see `session.py` for the format).

A server with a token (the default) takes a connection only if its first request carries the
token in a `token` field (any op; `{"id": 0, "op": "describe", "token": ...}` is the usual
greeting): otherwise it gets an `unauthorized` error reply and is closed, nothing evaluated. The
first request must come within `first_request_timeout` seconds. A request line longer than
`max_message` bytes gets a `too-large` error reply and the connection is closed: reading never
holds more than that. Each connection has its own thread, so an idle one delays no other.

A `debug` request upgrades the connection: after the `{"id": ..., "debug": true}` reply the
socket carries the named debug protocol's bytes, served by that protocol's channel on this
connection's thread until it ends.
"""

from __future__ import annotations

import hmac
import json
import socket
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import ServeSession

MAX_MESSAGE = 64 * 1024 * 1024
FIRST_REQUEST_TIMEOUT = 30.0


class Connection:
    def __init__(self, sock: socket.socket, session: ServeSession, token: str | None = None,
                 max_message: int = MAX_MESSAGE, first_request_timeout: float | None = FIRST_REQUEST_TIMEOUT) -> None:
        self.sock = sock
        self.session = session
        self._send_lock = threading.Lock()
        self.open = True
        self._token = token
        self.authenticated = token is None
        self.max_message = max_message
        self.first_request_timeout = first_request_timeout

    # ---- transport ----------------------------------------------------------------------------

    def send(self, obj: dict[str, Any]) -> None:
        data = (json.dumps(obj, ensure_ascii=False, default=str) + "\n").encode("utf-8", "surrogatepass")
        with self._send_lock:
            if not self.open:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self.open = False  # the client went away; the reader will notice EOF

    def error(self, rid: Any, message: str, **extra: Any) -> None:
        self.send({"id": rid, "error": {"message": message, **extra}})

    def serve(self) -> None:
        """Read requests until EOF or `close`, or serve a debug channel after an upgrade; then
        drop this connection's queued evaluations and stop its running one."""
        if not self.authenticated and self.first_request_timeout is not None:
            self.sock.settimeout(self.first_request_timeout)
        reader = self.sock.makefile("rb")
        try:
            while self.open:
                try:
                    line = reader.readline(self.max_message + 1)
                except TimeoutError:
                    self.error(None, f"no request within {self.first_request_timeout:g} s", type="timeout")
                    break
                except OSError:
                    break
                if not line:
                    break
                if len(line) > self.max_message:
                    self.error(None, f"request larger than the limit of {self.max_message} bytes", type="too-large")
                    break
                if not line.strip():
                    continue
                if not self.authenticated:
                    if not self._authenticate(line):
                        break
                    self.sock.settimeout(None)
                outcome = self._dispatch(line)
                if outcome == "close":
                    break
                if outcome is not None:  # upgraded: the debug channel has ended
                    self.session.serve_debug_channel(self, outcome, reader)
                    break
        finally:
            self.open = False
            self.session.forget(self)  # a client that disconnects mid-evaluation stops it
            reader.close()
            self.shutdown()

    def shutdown(self) -> None:
        with self._send_lock:
            self.open = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def _authenticate(self, line: bytes) -> bool:
        """Whether the first request carries the token; if not, the client is told why (never
        what the token is or what it sent)."""
        try:
            msg = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            msg = None
        rid = msg.get("id") if isinstance(msg, dict) else None
        given = msg.get("token") if isinstance(msg, dict) else None
        assert self._token is not None
        if isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                                          self._token.encode("utf-8")):
            self.authenticated = True
            return True
        why = "a wrong token" if isinstance(given, str) else "no token"
        self.error(rid, f"unauthorized: the first request carried {why}; this server takes only clients "
                        "that send the token of its connection file", type="unauthorized")
        return False

    # ---- requests -----------------------------------------------------------------------------

    def _dispatch(self, line: bytes) -> Any:
        """Answer or queue one request: "close" to hang up, a debug channel to upgrade to."""
        from .session import OPS

        try:
            msg = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            self.error(None, f"malformed JSON: {exc}")
            return None
        if not isinstance(msg, dict):
            self.error(None, "a request must be a JSON object")
            return None
        rid, op = msg.get("id"), msg.get("op")
        if op not in OPS:
            self.error(rid, f"unknown op {op!r}; ops: {', '.join(OPS)}")
            return None
        session = self.session
        if op in ("eval", "load-file"):
            session.submit(self, msg)
        elif op == "interrupt":
            self.send({"id": rid, "interrupted": session.interrupt()})
        elif op == "close":
            self.send({"id": rid, "closed": True})
            return "close"
        elif op == "debug":
            try:
                channel = session.claim_debugger(self, msg.get("protocol"))
            except ValueError as exc:
                self.error(rid, str(exc), type="debug")
                return None
            self.send({"id": rid, "debug": True})
            return channel
        else:
            try:
                reply = session.complete(msg) if op == "complete" else session.describe(msg)
            except (TypeError, ValueError) as exc:
                self.error(rid, str(exc))
            else:
                self.send({"id": rid, **reply})
        return None


__all__ = ["Connection", "FIRST_REQUEST_TIMEOUT", "MAX_MESSAGE"]
