"""One client connection of the eval server: reads JSON-lines requests, answers the quick ops
at once and queues evaluations on the server's one session (see `session.py` for the format).

A `debug` request upgrades the connection: after the `{"id": ..., "debug": true}` reply the
socket carries the named debug protocol's bytes, served by that protocol's channel on this
connection's thread until it ends.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import ServeSession

MAX_LINE = 16 * 1024 * 1024


class Connection:
    def __init__(self, sock: socket.socket, session: ServeSession) -> None:
        self.sock = sock
        self.session = session
        self._send_lock = threading.Lock()
        self.open = True

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
        reader = self.sock.makefile("rb")
        try:
            while self.open:
                try:
                    line = reader.readline(MAX_LINE)
                except OSError:
                    break
                if not line:
                    break
                if not line.strip():
                    continue
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


__all__ = ["Connection", "MAX_LINE"]
