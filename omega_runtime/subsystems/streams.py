"""The streams subsystem (LANGUAGE.md 13): inspecting and consuming lazy streams from Python.
Forcing runs as machine steps (through `stream-take`), so output, budgets and receipts apply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..values import NIL, Pair, Promise

if TYPE_CHECKING:
    from ..config import RuntimeConfig
    from ..results import EvalResult
    from .state import StateCoordinator


class StreamsManager:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime

    def enabled(self) -> bool:
        config: RuntimeConfig = self._rt.get_config()
        return "streams" in config.features

    @staticmethod
    def is_stream(value: Any) -> bool:
        """`()` or a pair whose cdr is a promise."""
        return value is NIL or (isinstance(value, Pair) and isinstance(value.cdr, Promise))

    def is_forced(self, promise: Promise) -> bool:
        return bool(promise.state(self._state.store())[0] == "value")

    def take(self, stream: Any, n: int) -> EvalResult:
        """`(stream-take stream n)` as an evaluation: the first n elements."""
        return self._state.call("stream-take", stream, n)

    def forced_prefix(self, stream: Any) -> list[Any]:
        """The elements already computed, without forcing anything."""
        out: list[Any] = []
        cur = stream
        store = self._state.store()
        while isinstance(cur, Pair):
            out.append(cur.car)
            tail = cur.cdr
            if not isinstance(tail, Promise):
                break
            st = tail.state(store)
            if st[0] != "value":
                break
            cur = st[1]
        return out


__all__ = ["StreamsManager"]
