"""The provenance subsystem (LANGUAGE.md 5.7): where values came from. Every completed oracle
call is recorded (the card's wiring); values' provenance trees and receipt ids are read here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..records import NamedTuple
from ..values import provenance_of
from .state import to_python

if TYPE_CHECKING:
    from .state import StateCoordinator


class ProvenanceRecord(NamedTuple):
    type: str  # llm-call
    receipt_id: str
    operation: str  # infer | search
    prompt: str
    value: str
    source: str  # live | replayed
    step: int


class ProvenanceManager:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime
        self._records: list[ProvenanceRecord] = []

    def record(self, rec: ProvenanceRecord) -> None:
        self._records.append(rec)

    def records(self) -> list[ProvenanceRecord]:
        return list(self._records)

    def for_receipt(self, receipt_id: str) -> list[ProvenanceRecord]:
        return [r for r in self._records if r.receipt_id == receipt_id]

    def on_llm_complete(self, data: Any) -> None:
        rid = data["id"]
        receipt = self._rt.receipt_log.latest(rid)
        self.record(ProvenanceRecord("llm-call", rid, receipt.op if receipt is not None else "infer",
                                     receipt.prompt if receipt is not None else "", str(data["response"]),
                                     str(data.get("source", "live")), self._state.machine.t))

    def of(self, value: Any) -> Any:
        """The provenance tree of an Omega value as Python lists (`[]` when none)."""
        tree = provenance_of(value)
        return [] if tree is None else to_python(tree)

    def receipts_of(self, value: Any) -> list[str]:
        """The receipt ids in `value`'s provenance (and its list elements'), first first."""
        from ..primitives.registry import BUILTINS

        ids = BUILTINS["provenance-receipts"].fn(value)
        return [str(x) for x in to_python(ids)]


__all__ = ["ProvenanceManager", "ProvenanceRecord"]
