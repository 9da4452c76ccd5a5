"""The eval server: accepts TCP connections and serves each on its own thread; all of them share
the server's one session (one OmegaRuntime, see `session.py` for the message format).

A server requires a token unless made with `require_token=False`: a random one per server
(`token`), written with the address to its connection file (`connection_file.py`) when it starts
listening and removed when it stops; a connection whose first request lacks it is refused.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ctrl_c import make_ctrl_c_deliverable
from . import connection_file
from .connection import FIRST_REQUEST_TIMEOUT, MAX_MESSAGE, Connection
from .session import OPS, ServeSession

if TYPE_CHECKING:
    from .served import RuntimeFactory, ServedRuntime


class ProtocolServer:
    """`start()` listens in a background thread; `serve_forever()` in the calling one; `stop()`
    closes the listener and every connection. Port 0 picks a free port (see `address`).

    It serves `runtime` (the server preset's runtime serves itself), or else a runtime it
    creates with `make_runtime(config, preset)` (`OmegaRuntime.create`) when it starts listening
    and disposes of when it stops.

    `connection_file` is where the connection file goes (default: the runtime directory's
    `serve-<port>.json`); `max_message` bounds a request line, `first_request_timeout` the wait
    for an unauthenticated connection's first request."""

    def __init__(self, host: str = "127.0.0.1", port: int = 7888, config: Mapping[str, Any] | None = None,
                 preset: str | None = None, runtime: ServedRuntime | None = None, *,
                 make_runtime: RuntimeFactory | None = None,
                 require_token: bool = True, connection_file: str | Path | None = None,
                 max_message: int = MAX_MESSAGE,
                 first_request_timeout: float | None = FIRST_REQUEST_TIMEOUT) -> None:
        self.host = host
        self.port = port
        self.token: str | None = connection_file_token() if require_token else None
        self.connection_file_request = Path(connection_file) if connection_file is not None else None
        self.connection_file: Path | None = None  # written while listening
        self.max_message = max_message
        self.first_request_timeout = first_request_timeout
        # A runtime the server creates never starts a server itself.
        self.config = {**dict(config or {}), "server": False}
        self.preset = preset
        self._runtime = runtime
        self._make_runtime = make_runtime
        self._owns_runtime = runtime is None
        self.session: ServeSession | None = None
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[Connection] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.served = 0  # connections accepted so far

    @property
    def running(self) -> bool:
        return self._sock is not None and not self._stopping.is_set()

    @property
    def address(self) -> tuple[str, int]:
        if self._sock is None:
            raise RuntimeError("the server is not listening")
        host, port = self._sock.getsockname()[:2]
        return str(host), int(port)

    @property
    def runtime(self) -> ServedRuntime:
        """The runtime served (created on first use when the server owns it)."""
        if self._runtime is None:
            if self._make_runtime is None:
                raise RuntimeError("a server without a runtime needs make_runtime to create one")
            self._runtime = self._make_runtime(config=self.config, preset=self.preset)
        return self._runtime

    def bind(self) -> tuple[str, int]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(16)
        except OSError:
            sock.close()
            raise
        if self.session is None:
            self.session = ServeSession(self.runtime, self.stop)
        self._sock = sock
        self._stopping.clear()
        host, port = self.address
        target = self.connection_file_request or connection_file.default_path(port)
        try:
            self.connection_file = connection_file.write(target, host, port, self.token)
        except OSError as exc:
            self.stop()
            raise OSError(exc.errno, f"cannot write the connection file {target}: {exc.strerror or exc}") from None
        return host, port

    def start(self) -> tuple[str, int]:
        """Listen and accept in a background thread; the bound address."""
        if self.running:
            return self.address
        address = self.bind()
        self._thread = threading.Thread(target=self._accept_loop, name="omega-serve", daemon=True)
        self._thread.start()
        return address

    def serve_forever(self) -> None:
        if self._sock is None:
            self.bind()
        self._accept_loop()

    def _accept_loop(self) -> None:
        sock, session = self._sock, self.session
        assert sock is not None and session is not None
        while not self._stopping.is_set():
            try:
                conn_sock, _addr = sock.accept()
            except OSError:
                break  # the listener was closed by stop()
            conn_sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(conn_sock, session, self.token, self.max_message, self.first_request_timeout)
            with self._lock:
                self._connections.add(conn)
                self.served += 1
            threading.Thread(target=self._serve_one, args=(conn,), name="omega-serve-conn", daemon=True).start()

    def _serve_one(self, conn: Connection) -> None:
        try:
            conn.serve()
        finally:
            with self._lock:
                self._connections.discard(conn)

    def connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def stop(self) -> None:
        """Stop listening, hang up every connection and the session's worker (idempotent)."""
        self._stopping.set()
        sock, self._sock = self._sock, None
        written, self.connection_file = self.connection_file, None
        if written is not None:
            connection_file.remove(written)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        with self._lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)  # the reader sees EOF and cleans up
            except OSError:
                pass
        session, self.session = self.session, None
        if session is not None:
            session.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None
        if self._owns_runtime and self._runtime is not None:
            runtime, self._runtime = self._runtime, None
            runtime.dispose()


def connection_file_token() -> str:
    return connection_file.new_token()


def serve_forever(host: str, port: int, config_dict: Mapping[str, Any], *, make_runtime: RuntimeFactory,
                  connection_file: str | None = None, require_token: bool = True) -> int:
    """`omega serve`: one runtime (made by `make_runtime`, `OmegaRuntime.create`) serving itself
    until interrupted, or until an attached debugger ends it. Exit status 0, or 2 when the
    configuration or the address is unusable."""
    from ..oracle import OracleConfigError

    try:
        rt = make_runtime(config={**dict(config_dict), "host": host, "port": port, "server": False})
    except (OracleConfigError, ValueError) as exc:
        sys.stderr.write(f"omega serve: {getattr(exc, 'detail', None) or exc}\n")
        return 2
    server = rt.protocol
    server.token = connection_file_token() if require_token else None
    server.connection_file_request = Path(connection_file) if connection_file is not None else None
    try:
        bound_host, bound_port = server.bind()
    except OSError as exc:
        sys.stderr.write(f"omega serve: cannot listen on {host}:{port}: {exc.strerror or exc}\n")
        rt.dispose()
        return 2
    say = sys.stderr.write
    say(f"omega serve: listening on {bound_host}:{bound_port} (ops: {', '.join(OPS)})\n")
    say(f"omega serve: connection file {server.connection_file}\n")
    if not require_token:
        say("omega serve: warning: --no-token: every connection is served, whoever makes it\n")
    if not _is_loopback(bound_host):
        say(f"omega serve: warning: {bound_host} is not a loopback address: other machines can reach this server\n")
    sys.stderr.flush()
    make_ctrl_c_deliverable()  # Ctrl-C (SIGINT) stops the server
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        rt.dispose()
    return 0


def _is_loopback(host: str) -> bool:
    return connection_file.is_loopback(host)


__all__ = ["ProtocolServer", "serve_forever", "OPS"]
