"""`omega serve`: a JSON-lines evaluation server over TCP (one OmegaRuntime per connection)."""

from .server import OPS, ProtocolServer, serve_forever

__all__ = ["OPS", "ProtocolServer", "serve_forever"]
