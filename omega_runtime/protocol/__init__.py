"""`omega serve`: a JSON-lines evaluation server over TCP; every connection shares the server's
one session (one OmegaRuntime), and a debugger can attach to it through the `debug` op."""

from .server import ProtocolServer, serve_forever
from .session import OPS, DebugLink, ServeSession

__all__ = ["OPS", "DebugLink", "ProtocolServer", "ServeSession", "serve_forever"]
