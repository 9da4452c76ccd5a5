"""`omega-dap`: the Omega debug adapter (DEBUGGER.md 1).

    omega-dap [--log FILE]                      DAP over stdin/stdout, one session
    omega-dap --port N [--host H] [--log FILE]  DAP over TCP, one session per connection
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from .session import Session
from .transport import MessageLog, serve_stdio, serve_tcp


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="omega-dap", description="Debug Adapter Protocol server for Omega")
    p.add_argument("--port", type=int, help="listen on this TCP port (0: any free port) instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="TCP host to listen on (default 127.0.0.1)")
    p.add_argument("--log", metavar="FILE", help="append a JSON line per message and per internal error")
    return p


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ns = _parser().parse_args(argv)  # a bad command line exits 2 with usage on stderr
    if ns.port is not None and not 0 <= ns.port < 65536:
        _parser().error("--port must be between 0 and 65535")
    log = MessageLog(ns.log) if ns.log else None
    try:
        if ns.port is None:
            return serve_stdio(Session, log)
        signal.signal(signal.SIGTERM, _interrupt)
        return serve_tcp(Session, ns.host, ns.port, log)
    except KeyboardInterrupt:
        return 0
    finally:
        if log is not None:
            log.close()


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # Worker threads may be inside a running program: leave without waiting for them.
    import os

    os._exit(code)
