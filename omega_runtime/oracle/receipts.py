"""Receipts and the run's receipts log (LANGUAGE.md 5.5): one JSON line per answered request.

Line shape: `{"id":..,"seq":..,"request":{..},"response":..,"tokens":{"prompt":..,"completion":..,
"total":..},"duration_ms":..,"oracle":..,"model":..}`, compact, non-ASCII unescaped; a receipt
answered from the artifact cache adds `"cache_hit":true`.
"""

from __future__ import annotations

from typing import IO, Any

from ..records import NamedTuple
from .request import OracleAnswer, OracleRequest


def _json_line(obj: dict[str, Any]) -> str:
    import json  # loaded when a receipt is written, not at every start

    line = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: fall back to \u escapes, still valid JSON
        line = json.dumps(obj, separators=(",", ":"))
    return line


class Receipt(NamedTuple):
    id: str
    seq: int
    request: dict[str, Any]
    response: str
    tokens: dict[str, int]  # {"prompt", "completion", "total"}
    duration_ms: float
    oracle: str
    model: str | None
    cache_hit: bool = False

    @property
    def op(self) -> str:
        return str(self.request.get("op", "infer"))

    @property
    def prompt(self) -> str:
        return str(self.request.get("prompt", ""))

    @property
    def total_tokens(self) -> int:
        return int(self.tokens.get("total", 0))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "seq": self.seq,
            "request": self.request,
            "response": self.response,
            "tokens": self.tokens,
            "duration_ms": self.duration_ms,
            "oracle": self.oracle,
            "model": self.model,
        }
        if self.cache_hit:
            d["cache_hit"] = True
        return d

    def to_json(self) -> str:
        """The receipt's JSON line, without the newline."""
        return _json_line(self.to_dict())

    @classmethod
    def from_dict(cls, d: Any) -> Receipt:
        """A receipt from a decoded line; raises ValueError when required fields are missing or
        mistyped. Token counts default to the word counts of prompt and response."""
        if not isinstance(d, dict):
            raise ValueError("a receipt must be a JSON object")
        rid, response, request = d.get("id"), d.get("response"), d.get("request")
        if not isinstance(rid, str) or not isinstance(response, str):
            raise ValueError("a receipt needs string 'id' and 'response'")
        if not isinstance(request, dict):
            request = {}
        prompt = request.get("prompt", "")
        tokens = d.get("tokens")
        pt = tokens.get("prompt") if isinstance(tokens, dict) else None
        ct = tokens.get("completion") if isinstance(tokens, dict) else None
        pt = _count(pt, len(str(prompt).split()))
        ct = _count(ct, len(response.split()))
        seq, duration = d.get("seq"), d.get("duration_ms")
        model = d.get("model")
        return cls(
            id=rid,
            seq=_count(seq, 0),
            request=request,
            response=response,
            tokens={"prompt": pt, "completion": ct, "total": pt + ct},
            duration_ms=float(duration) if isinstance(duration, (int, float)) and not isinstance(duration, bool)
            else 0.0,
            oracle=str(d.get("oracle", "")),
            model=model if isinstance(model, str) else None,
            cache_hit=d.get("cache_hit") is True,
        )


def _count(v: Any, default: int) -> int:
    """`v` when it is a non-negative integer (not a boolean), else `default`."""
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else default


def make_receipt(seq: int, req: OracleRequest, answer: OracleAnswer, *, cache_hit: bool = False) -> Receipt:
    """The receipt number `seq` for `req` answered by `answer`."""
    return Receipt(
        id=req.receipt_id(),
        seq=seq,
        request=req.as_dict(),
        response=answer.text,
        tokens={"prompt": answer.prompt_tokens, "completion": answer.completion_tokens,
                "total": answer.total_tokens},
        duration_ms=round(answer.duration_ms, 3),
        oracle=answer.oracle,
        model=answer.model,
        cache_hit=cache_hit,
    )


class ReceiptLog:
    """The run's receipts, in `seq` order, mirrored to a JSON Lines file when `path` is given.
    Opening replaces the file; every line is flushed as it is written, so the log is complete
    up to the last answered request even if the run is killed."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.receipts: list[Receipt] = []
        self._latest: dict[str, Receipt] = {}
        self._file: IO[str] | None = open(path, "w", encoding="utf-8") if path is not None else None

    def append(self, req: OracleRequest, answer: OracleAnswer, *, cache_hit: bool = False) -> Receipt:
        receipt = make_receipt(len(self.receipts) + 1, req, answer, cache_hit=cache_hit)
        self.receipts.append(receipt)
        self._latest[receipt.id] = receipt
        if self._file is not None:
            self._file.write(receipt.to_json() + "\n")
            self._file.flush()
        return receipt

    def latest(self, receipt_id: str) -> Receipt | None:
        """The latest receipt with that id (what `(receipt id)` shows), or None."""
        return self._latest.get(receipt_id)

    def ids(self) -> list[str]:
        """The run's receipt ids in `seq` order (what `(receipts)` shows)."""
        return [r.id for r in self.receipts]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> ReceiptLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
