"""DAP wire format (DEBUGGER.md 1): `Content-Length` framing and the three message shapes.

Incoming bytes are split into message bodies by `FrameReader`; outgoing messages are attrs
objects unstructured by one cattrs converter and encoded header-and-body as a single bytes object,
so a transport can send each message with one write.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import cattrs

HEADER_END = b"\r\n\r\n"
MAX_HEADER = 64 * 1024
MAX_BODY = 64 * 1024 * 1024  # a longer message is refused before it is read, and the connection closed


@attrs.define
class Request:
    seq: int
    command: str
    arguments: dict[str, Any] = attrs.field(factory=dict)
    type: str = "request"


@attrs.define
class Response:
    request_seq: int
    command: str
    success: bool = True
    message: str | None = None
    body: dict[str, Any] | None = None
    seq: int = 0
    type: str = "response"


@attrs.define
class Event:
    event: str
    body: dict[str, Any] | None = None
    seq: int = 0
    type: str = "event"


converter = cattrs.Converter()


def to_wire(msg: Request | Response | Event) -> dict[str, Any]:
    """The JSON object of a message; absent optional fields are left out."""
    raw: dict[str, Any] = converter.unstructure(msg)
    return {k: v for k, v in raw.items() if v is not None}


def encode(obj: dict[str, Any]) -> bytes:
    """Header plus UTF-8 JSON body, ready for one write."""
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: " + str(len(body)).encode("ascii") + HEADER_END + body


class FramingError(Exception):
    """The byte stream cannot be split into messages any more (a bad header). A `fatal` one (a
    header that never ends, a body over the limit) ends the connection: reading on would mean
    holding or skipping unbounded input."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


class FrameReader:
    """Splits a byte stream into message bodies. Feed it chunks; take complete bodies out."""

    def __init__(self, max_body: int = MAX_BODY) -> None:
        self._buf = bytearray()
        self.max_body = max_body

    def feed(self, data: bytes) -> list[bytes | FramingError]:
        """Complete bodies in order; a FramingError in the list marks an unusable header."""
        self._buf += data
        out: list[bytes | FramingError] = []
        while True:
            end = self._buf.find(HEADER_END)
            if end < 0:
                if len(self._buf) > MAX_HEADER:
                    self._buf.clear()
                    out.append(FramingError(f"a header longer than {MAX_HEADER} bytes", fatal=True))
                return out
            length = parse_length(bytes(self._buf[:end]))
            if length is None:
                # No usable Content-Length: drop this header block and resynchronise on the next.
                del self._buf[: end + len(HEADER_END)]
                out.append(FramingError("missing or invalid Content-Length header"))
                continue
            if length > self.max_body:
                self._buf.clear()
                out.append(FramingError(f"a message of {length} bytes, over the limit of {self.max_body}", fatal=True))
                return out
            start = end + len(HEADER_END)
            if len(self._buf) - start < length:
                return out
            out.append(bytes(self._buf[start : start + length]))
            del self._buf[: start + length]


def parse_length(header: bytes) -> int | None:
    """The Content-Length of a header block; other header fields are ignored."""
    for line in header.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            try:
                n = int(value.strip())
            except ValueError:
                return None
            return n if n >= 0 else None
    return None


def decode(body: bytes) -> Any:
    """The JSON value of a body; raises ValueError for bytes that are not JSON."""
    return json.loads(body.decode("utf-8"))


__all__ = ["Request", "Response", "Event", "to_wire", "encode", "decode", "FrameReader", "FramingError"]
