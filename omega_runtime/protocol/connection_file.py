"""Connection files: how a client of `omega serve` learns its address and token without anyone
typing the token.

A server writes `{"host", "port", "token", "pid"}` as JSON to a file only its user can read
(mode 0600, in a directory only its user can enter) and removes it when it stops. The default
place is the user's runtime directory (`$XDG_RUNTIME_DIR/omega/`, or `<tmp>/omega-<uid>/`),
named `serve-<port>.json`; `omega serve --connection-file PATH` writes it where you choose, e.g.
`.omega/serve.json` in the workspace, where omega-dap's `attach` looks first.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import attrs

WORKSPACE_FILE = Path(".omega") / "serve.json"


@attrs.frozen
class ConnectionInfo:
    host: str
    port: int
    token: str | None  # None: the server takes connections without a token (`--no-token`)
    path: Path | None = None  # the file it was read from


class ConnectionFileError(ValueError):
    """A connection file that cannot be read or does not hold a connection."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def runtime_dir() -> Path:
    """The user's runtime directory for Omega (not created here)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        return Path(base) / "omega"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"omega-{uid}"


def default_path(port: int) -> Path:
    return runtime_dir() / f"serve-{port}.json"


def write(path: Path, host: str, port: int, token: str | None) -> Path:
    """Write the connection file readable by its owner only; its absolute path."""
    path = path.absolute()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    owner = path.parent.stat().st_uid
    if hasattr(os, "getuid") and owner != os.getuid():
        # Someone else's directory could swap the file for one naming their own port.
        raise ConnectionFileError(f"{path.parent} belongs to another user: not writing a connection file there")
    data = json.dumps({"host": host, "port": port, "token": token, "pid": os.getpid()})
    # Created with 0600 from the start: the token is never readable by others, not even briefly.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def read(path: Path) -> ConnectionInfo:
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConnectionFileError(f"cannot read connection file {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise ConnectionFileError(f"connection file {path} is not JSON") from None
    if not isinstance(raw, dict):
        raise ConnectionFileError(f"connection file {path} does not describe a connection")
    host, port, token = raw.get("host", "127.0.0.1"), raw.get("port"), raw.get("token")
    if not isinstance(host, str) or not isinstance(port, int) or isinstance(port, bool) \
            or not (token is None or isinstance(token, str)):
        raise ConnectionFileError(f"connection file {path} does not describe a connection")
    return ConnectionInfo(host, port, token, path)


def _alive(path: Path) -> bool:
    """The file's server process still exists (a file left by a killed server is skipped)."""
    try:
        pid = json.loads(path.read_text(encoding="utf-8")).get("pid")
    except (OSError, ValueError, AttributeError):
        return False
    if not isinstance(pid, int):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def find(workspace: Path | None, port: int | None) -> ConnectionInfo | None:
    """The connection file a client uses by default: `<workspace>/.omega/serve.json`, then in
    the runtime directory the one for `port` (or, without a port, the newest of a live server)."""
    candidates: list[Path] = []
    if workspace is not None:
        candidates.append(workspace / WORKSPACE_FILE)
    if port is not None:
        candidates.append(default_path(port))
    else:
        with contextlib.suppress(OSError):
            files = sorted(runtime_dir().glob("serve-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            candidates.extend(files)
    for path in candidates:
        if path.is_file() and _alive(path):
            info = read(path)
            if port is None or info.port == port:
                return info
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = ["ConnectionInfo", "ConnectionFileError", "WORKSPACE_FILE", "default_path", "find", "is_loopback",
           "new_token", "read", "remove", "runtime_dir", "write"]
