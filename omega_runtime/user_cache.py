"""Files Omega derives once and keeps in the user's cache directory (`$XDG_CACHE_HOME/omega`, else
`~/.cache/omega`): the reader's parse tables and the expanded prelude. Each is rebuilt whenever it
is missing, stale or unreadable, so a cache is never a reason for anything to fail."""

from __future__ import annotations

import os
import zlib


def cache_path(kind: str, key: str, suffix: str) -> str:
    """Where the file of `kind` derived from `key` is kept: named by the key's length and CRC
    (zlib is built in; hashlib would load OpenSSL at every start). The file must hold what it was
    derived from, checked on loading, since a CRC can collide."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = f"{len(key)}-{zlib.crc32(key.encode()):08x}"
    return os.path.join(base, "omega", f"{kind}-{digest}{suffix}")


def read_cached(path: str, *, private: bool = False) -> bytes | None:
    """The file's content, or None if it cannot be read. `private`: also None unless the file
    belongs to this user and no one else may write it (a file whose loading runs code, in a cache
    directory that might be shared)."""
    try:
        with open(path, "rb") as f:
            if private:
                st = os.fstat(f.fileno())
                if st.st_uid != os.getuid() or st.st_mode & 0o022:
                    return None
            return f.read()
    except OSError:
        return None


def write_cached(path: str, data: bytes) -> None:
    """Write `data` to a temporary name and rename it, so that a concurrent reader sees the whole
    file or none; a failure (unwritable directory, missing home, full disk) is ignored."""
    try:
        import tempfile  # only when writing

        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + "-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
