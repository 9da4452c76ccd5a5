"""`omega-lsp`: serve LSP on stdio (default) or TCP."""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omega-lsp", description="The Omega language server.")
    parser.add_argument("--stdio", action="store_true", help="serve on stdin/stdout (the default)")
    parser.add_argument("--tcp", action="store_true", help="serve on TCP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1",
                        help="TCP address (default 127.0.0.1; any other is reachable from elsewhere: warned)")
    parser.add_argument("--port", type=int, default=2087)
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    # stdout carries the protocol: logs go to stderr only.
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, args.log_level.upper(), logging.WARNING))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))  # the converter recurses on nested results
    from .server import create_server

    server = create_server()
    if args.tcp:
        from omega_runtime.protocol.connection_file import is_loopback

        if not is_loopback(args.host):
            sys.stderr.write(f"omega-lsp: warning: {args.host} is not a loopback address: other machines can "
                             "reach this language server\n")
            sys.stderr.flush()
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
