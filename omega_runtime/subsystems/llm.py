"""The llm subsystem: the oracle in use, its receipts and token counts, and asking from Python
(through the machine, so handlers, receipts and budgets apply)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..oracle import Receipt
    from ..results import EvalResult
    from .state import StateCoordinator


class LLMIntegration:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime
        self.started = 0  # llm-call-start events
        self.completed = 0  # llm-call-complete events

    @property
    def provider(self) -> Any:
        return self._rt.host.provider

    @property
    def kind(self) -> str:
        """scripted, replay or openai (or a custom provider's `kind`)."""
        return str(getattr(self.provider, "kind", type(self.provider).__name__))

    def receipts(self) -> list[Receipt]:
        """Every receipt of this run, in seq order."""
        return list(self._rt.receipt_log.receipts)

    def receipt(self, receipt_id: str) -> Receipt | None:
        return self._rt.receipt_log.latest(receipt_id)  # type: ignore[no-any-return]

    def token_counts(self) -> dict[str, int]:
        """Prompt, completion and total tokens over this run's receipts."""
        out = {"prompt": 0, "completion": 0, "total": 0}
        for r in self._rt.receipt_log.receipts:
            for key in out:
                out[key] += int(r.tokens.get(key, 0))
        return out

    def calls(self) -> int:
        return len(self._rt.receipt_log.receipts)

    def ask(self, prompt: str) -> EvalResult:
        """`(ask-llm prompt)` as an evaluation."""
        return self._state.call("ask-llm", prompt)

    def on_start(self, _data: Any) -> None:
        self.started += 1

    def on_complete(self, _data: Any) -> None:
        self.completed += 1


__all__ = ["LLMIntegration"]
