"""The base of a debugger's views at a stop (views.py): the state shown, the caches dropped at
each stop or jump, the frames, the globals, the value renderer, and the controller's condition
evaluator (breakpoint and filter conditions, logpoints)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import attrs

from ..machine.layout import GLOBAL_ENV
from ..machine.state import State
from ..values import Promise, Symbol
from . import inspector as I
from .inspector import EvaluationError, FrameInfo
from .stops import top_activation
from .values_view import Renderer, VarNode, cached_named, leaf

if TYPE_CHECKING:
    from .controller import DebugController
    from .stops import Stop

SPECIAL_NAMES = ("$amb", "$tx", "$fixpoint", "$facts", "$budget", "$oracle", "$conditions", "$step")
SCOPE_OF_NAME = {"$amb": "Choice Points", "$tx": "Transactions", "$fixpoint": "Fixpoint", "$facts": "Facts",
                 "$budget": "Budget", "$oracle": "Oracle", "$conditions": "Conditions"}
PROGRAM_SCOPES = ["Choice Points", "Transactions", "Fixpoint", "Facts", "Budget", "Oracle", "Conditions"]
BUDGET_DIMS = ("steps", "llm-calls", "tokens", "seconds")
HOVER_LIMIT = 10_000
WATCH_LIMIT = 100_000
ORACLE_SHOWN = 50
RECENT_SPAN_SCAN = 256  # entries looked back for a top frame without a location


@attrs.define
class ScopeView:
    name: str
    node: VarNode
    expensive: bool
    hint: str | None = None


def same_state(a: State | None, b: State | None) -> bool:
    """Whether two State tuples hold the same parts (the history may rebuild the tuple)."""
    if a is None or b is None:
        return a is b
    return all(x is y for x, y in zip(a, b, strict=True))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class ViewsBase:
    """The read side of the debugger for one controller: what every kind of view shares."""

    def __init__(self, controller: DebugController) -> None:
        self.c = controller
        self.rt = controller.rt
        self.evaluator = I.Evaluator(controller.rt.interpreter)
        self.started = time.monotonic()
        self.hex = False
        self._alt_positions: dict[int, tuple[int, int]] | None = None
        self._global_names: tuple[set[Any], list[Any]] | None = None
        self.stop: Stop | None = None
        controller.evaluate_condition = self._evaluate_condition
        self.invalidate()

    # ---- caches ---------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Drop everything computed for the previous stop (call at every stop and jump)."""
        self._frames: list[FrameInfo] | None = None
        self._frames_state: State | None = None
        self._scopes: dict[int, list[ScopeView]] = {}
        self._program: dict[str, VarNode] = {}
        self._globals: list[Symbol] | None = None
        self._renderer: Renderer | None = None

    def note_stop(self, stop: Stop | None) -> None:
        """The stop being shown (exception filters, rollback stops); also invalidates."""
        self.stop = stop
        self.invalidate()

    @property
    def state(self) -> State:
        return self.c.state

    def _check_state(self) -> State:
        st = self.state
        if not same_state(self._frames_state, st):
            self.invalidate()
            self._frames_state = st
        return st

    def current_stop(self) -> Stop | None:
        stop = self.stop if self.stop is not None else getattr(self.c, "_stop_result", None)
        return stop if stop is not None and stop.step == self.c.cur else None

    def renderer(self) -> Renderer:
        st = self._check_state()
        if self._renderer is None:
            self._renderer = Renderer(st.s, self._force, self._env_node, self.hex, continuation=st.k)
        return self._renderer

    # ---- frames ---------------------------------------------------------------------------

    def frames(self) -> list[FrameInfo]:
        st = self._check_state()
        if self._frames is None:
            frames = I.all_frames(st)
            top = next((f for f in frames if f.kind in ("activation", "top-level")), None)
            if top is not None and top.span is None:
                top.span = self._recent_span(st)
            self._frames = frames
        return self._frames

    def _recent_span(self, st: State) -> Any:
        """The top activation's location when its state has none (a value returning from a
        restart or an assignment to its caller's activation frame): where the same activation
        last had one in the recorded entries before, i.e. the expression whose value returns."""
        c = self.c
        if not c.history.has(c.cur):
            return None
        act = top_activation(st.k)
        for s in range(c.cur - 1, max(c.history.oldest, c.cur - RECENT_SPAN_SCAN) - 1, -1):
            before = c.history.get(s)
            if top_activation(before.k) is not act:
                return None
            span = I.top_span(before)
            if span is not None:
                return span
        return None

    def frame(self, index: int | None) -> FrameInfo:
        fs = self.frames()
        if index is None:
            return fs[0]
        if not 0 <= index < len(fs):
            raise IndexError(f"frame {index} does not exist")
        return fs[index]

    def frame_env(self, index: int | None) -> Any:
        """The environment to evaluate in for frame `index` (labels: the nearest frame below)."""
        fs = self.frames()
        i = 0 if index is None else index
        while i < len(fs):
            if fs[i].kind in ("activation", "top-level") and fs[i].env is not None:
                return fs[i].env
            i += 1
        return GLOBAL_ENV

    def global_keys(self) -> list[Symbol]:
        """User definitions' names sorted, with built-ins the program redefined (DEBUGGER.md 9.1).
        The sorted list is reused while the set of defined names stays the same, so a stop costs
        one pass over the store's keys (values are read per page)."""
        st = self._check_state()
        if self._globals is None:
            store = st.s
            base = self.rt.interpreter.prelude_store
            user = {k for k in store.keys()
                    if k.__class__ is Symbol and (k not in base or base.get(k) is not store.get(k))}
            if self._global_names is None or self._global_names[0] != user:
                self._global_names = (user, sorted(user, key=lambda k: k.name))
            self._globals = self._global_names[1]
        return self._globals

    def globals_list(self) -> list[tuple[str, Any]]:
        store = self.state.s
        return [(k.name, store.get(k)) for k in self.global_keys()]

    def _env_node(self, name: str, env: Any) -> VarNode:
        """A closure's environment: its frames' bindings, nearest first (no evaluateName)."""
        st = self.state
        infos = I.bindings_of(st, env)
        r = self.renderer()

        def make() -> list[VarNode]:
            out = []
            for b in reversed(infos):  # nearest first
                v = b.value
                out.append(leaf(b.name, I.UNINITIALIZED) if v is I.UNINITIALIZED else
                           r.node(b.name, v, None, read_only=True))
            return out

        return VarNode(name, plural(len(infos), "binding"), None, None, named=len(infos), read_only=True,
                       virtual=True, fetch=cached_named(make))

    def _force(self, p: Promise) -> Any:
        """An unforced promise's value, computed on a copy of the state (the program's promise
        stays unforced)."""
        return self.evaluator.watch("(force %promise)", self.state, GLOBAL_ENV, {"%promise": p},
                                    limit=WATCH_LIMIT)

    def _evaluate_condition(self, text: str, st: State, extras: dict[str, Any]) -> Any:
        """The controller's hook: breakpoint and filter conditions, logpoints (watch rules, top frame)."""
        fs = I.frames(st)
        env = GLOBAL_ENV
        for f in fs:
            if f.kind in ("activation", "top-level") and f.env is not None:
                env = f.env
                break
        try:
            return self.evaluator.watch(text, st, env, extras, limit=WATCH_LIMIT)
        except EvaluationError as exc:
            raise ValueError(str(exc)) from None

__all__ = ["ViewsBase", "ScopeView", "SPECIAL_NAMES", "SCOPE_OF_NAME", "PROGRAM_SCOPES", "HOVER_LIMIT", "WATCH_LIMIT",
           "same_state", "plural"]
