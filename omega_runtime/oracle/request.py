"""Oracle requests and answers, the canonical request text and receipt ids (LANGUAGE.md 5.5).

A receipt id depends on the request alone (op, prompt, and for a search n and candidate), never
on the oracle kind or model, so a log recorded under one oracle replays under another.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from ..records import NamedTuple

OracleOp = Literal["infer", "search"]


def utf8(text: str) -> bytes:
    """UTF-8 bytes of `text`; lone surrogates (possible in Omega strings) pass through rather than
    raising, so hashing never fails."""
    return text.encode("utf-8", "surrogatepass")


def sha256_hex(text: str) -> str:
    """The SHA-256 of `text`'s UTF-8 bytes (see `utf8`), in hex."""
    import hashlib  # here, not at start-up: loading OpenSSL costs ~3 ms a run may not need

    return hashlib.sha256(utf8(text)).hexdigest()


def word_count(text: str) -> int:
    """Whitespace-separated word count: the scripted token measure (5.3)."""
    return len(text.split())


class _RequestFields(NamedTuple):
    op: str
    prompt: str
    n: int | None = None
    candidate: int | None = None


class OracleRequest(_RequestFields):
    """One oracle request. A `search.op` of n candidates is n requests, candidate 1..n."""

    __slots__ = ()

    def __new__(cls, op: str, prompt: str, n: int | None = None, candidate: int | None = None) -> OracleRequest:
        if op == "search":
            if n is None or candidate is None or not 1 <= candidate <= n:
                raise ValueError("a search request needs n >= 1 and a candidate in 1..n")
        elif op != "infer":
            raise ValueError(f"oracle op must be 'infer' or 'search', not {op!r}")
        elif n is not None or candidate is not None:
            raise ValueError("an infer request has no n or candidate")
        return super().__new__(cls, op, prompt, n, candidate)

    @classmethod
    def infer(cls, prompt: str) -> OracleRequest:
        return cls("infer", prompt)

    @classmethod
    def search(cls, prompt: str, n: int, candidate: int) -> OracleRequest:
        return cls("search", prompt, n, candidate)

    def as_dict(self) -> dict[str, Any]:
        """The canonical request object: `op`, `prompt`, plus `n` and `candidate` for a search."""
        d: dict[str, Any] = {"op": self.op, "prompt": self.prompt}
        if self.op == "search":
            d["n"] = self.n
            d["candidate"] = self.candidate
        return d

    def canonical(self) -> str:
        """Sorted keys, no spaces, non-ASCII characters unescaped (5.5)."""
        import json  # loaded by the first oracle request, not at every start

        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def receipt_id(self) -> str:
        """`r-` and the first 16 hex digits of the SHA-256 of the canonical request's UTF-8 bytes."""
        return "r-" + sha256_hex(self.canonical())[:16]


class OracleAnswer(NamedTuple):
    """What a provider answered, with the figures its receipt records."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    duration_ms: float
    oracle: str  # "scripted" | "replay" | "openai"
    model: str | None = None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class OracleFailure(Exception):
    """The oracle could not answer; the machine signals `oracle-error` with message
    `oracle: DETAIL` and data `(DETAIL)` (LANGUAGE.md 5.4, 15.2)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class OracleConfigError(OracleFailure):
    """The oracle configuration itself is unusable (unknown kind, unreadable script or receipts
    file). Raised by `make_provider`, before any request; hosts report it as a setup error."""


class ReplayMiss(Exception):
    """No recorded receipt answers this request; the machine signals `replay-miss` with message
    `replay: no receipt for ID` and data `(ID PROMPT)` (LANGUAGE.md 5.6)."""

    def __init__(self, receipt_id: str, prompt: str) -> None:
        super().__init__(f"replay: no receipt for {receipt_id}")
        self.receipt_id = receipt_id
        self.prompt = prompt


class OracleProvider(Protocol):
    """Answers oracle requests for one run. Providers may keep per-run state (rule counters,
    replay positions), so a run uses one provider object from start to end."""

    kind: str

    def answer(self, req: OracleRequest) -> OracleAnswer: ...
