"""The replay oracle (LANGUAGE.md 5.6): the k-th request of the run with id X gets the k-th
receipt with id X in the receipts file, with its recorded token counts; none is a ReplayMiss.
The file is read once, at construction, and never written."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .receipts import Receipt
from .request import OracleAnswer, OracleConfigError, OracleRequest, ReplayMiss


def load_receipts(path: str) -> list[Receipt]:
    """The receipts of a JSON Lines file (blank lines skipped); problems are OracleConfigError."""
    import json  # loaded with a receipts file, not at every start

    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise OracleConfigError(f"cannot read receipts file {path}: {exc}") from None
    receipts = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            receipts.append(Receipt.from_dict(json.loads(line)))
        except ValueError as exc:
            raise OracleConfigError(f"bad receipt at {path}:{number}: {exc}") from None
    return receipts


class ReplayProvider:
    kind = "replay"

    def __init__(self, receipts: Iterable[Receipt]) -> None:
        self._by_id: dict[str, list[Receipt]] = {}
        for r in receipts:
            self._by_id.setdefault(r.id, []).append(r)
        self._used: dict[str, int] = {}  # id -> how many of its receipts this run consumed

    @classmethod
    def from_file(cls, path: str) -> ReplayProvider:
        return cls(load_receipts(path))

    def answer(self, req: OracleRequest) -> OracleAnswer:
        start = time.perf_counter()
        rid = req.receipt_id()
        k = self._used.get(rid, 0)
        recorded = self._by_id.get(rid, [])
        if k >= len(recorded):
            raise ReplayMiss(rid, req.prompt)
        self._used[rid] = k + 1
        r = recorded[k]
        duration = (time.perf_counter() - start) * 1000.0
        return OracleAnswer(r.response, r.tokens["prompt"], r.tokens["completion"], duration, "replay", r.model)

    def close(self) -> None:
        """Nothing to release; the file was read at construction."""
