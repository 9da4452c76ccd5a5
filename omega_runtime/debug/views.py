"""What a debugger shows at a stop (DEBUGGER.md 8-10, 12): frames, scopes (Locals, Closure,
Globals and the program-wide Omega scopes), values, evaluation under the watch rules,
completions, data breakpoint targets and exception info. Read-only: every change goes through
`interventions.Interventions`. Everything is computed on demand and cached until `invalidate`
(called at each stop or jump), so a `scopes` request never enumerates a scope.

The views are built in layers, one module each: the state, frames and globals (views_base.py),
the program-wide scopes (program_scopes.py) and data breakpoint targets (data_targets.py); this
module answers scopes, evaluate, completions and exceptionInfo.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..machine.procedures import Closure
from ..printer import write_repr
from ..values import MISSING, Symbol, sym
from . import inspector as I
from .data_targets import DataTargets
from .inspector import BindingInfo, EvaluationError, FrameInfo
from .program_scopes import ProgramScopes
from .values_view import (
    LISTS,
    Renderer,
    VarNode,
    cut_write,
    grouped,
    memo_range,
    short_location,
    static_children,
    type_of,
)
from .views_base import (
    HOVER_LIMIT,
    PROGRAM_SCOPES,
    SCOPE_OF_NAME,
    SPECIAL_NAMES,
    WATCH_LIMIT,
    ScopeView,
    same_state,
)


class Views(DataTargets, ProgramScopes):
    """The read side of the debugger for one controller."""

    # ---- scopes ---------------------------------------------------------------------------

    def scopes(self, frame_index: int) -> list[ScopeView]:
        self._check_state()
        cached = self._scopes.get(frame_index)
        if cached is not None:
            return cached
        fr = self.frame(frame_index)
        out: list[ScopeView] = []
        if fr.kind in ("activation", "top-level"):
            out.append(ScopeView("Locals", self._locals_node(fr, frame_index), False, "locals"))
            out.append(ScopeView("Closure", self._closure_node(fr, frame_index), False))
            out.append(ScopeView("Globals", self._globals_node(), True))
        for name in PROGRAM_SCOPES:
            node = self.program_scope(name)
            if name == "Budget" or node.named or node.indexed:
                out.append(ScopeView(name, node, False))
        self._scopes[frame_index] = out
        return out

    def _binding_nodes(self, infos: list[BindingInfo], frame_index: int) -> list[VarNode]:
        r = self.renderer()
        out = []
        for b in infos:
            target = ("binding", b, frame_index)
            if b.value is I.UNINITIALIZED or b.value is MISSING:
                out.append(VarNode(b.name, I.UNINITIALIZED, None, b.surface if b.evaluable else None,
                                   set_target=target))
                continue
            out.append(r.node(b.name, b.value, b.surface if b.evaluable else None, set_target=target))
        return out

    def _locals_node(self, fr: FrameInfo, frame_index: int) -> VarNode:
        st = self.state
        infos = I.activation_locals(st, fr)
        nodes = self._binding_nodes(infos, frame_index)
        return VarNode("Locals", "", None, None, named=len(nodes), read_only=True, virtual=True,
                       fetch=static_children(nodes))

    def _closure_node(self, fr: FrameInfo, frame_index: int) -> VarNode:
        infos = I.closure_bindings(self.state, fr)
        nodes = self._binding_nodes(infos, frame_index)
        return VarNode("Closure", "", None, None, named=len(nodes), read_only=True, virtual=True,
                       fetch=static_children(nodes))

    def _globals_node(self) -> VarNode:
        keys = self.global_keys()
        r = self.renderer()
        store = self.state.s

        def make(a: int, b: int) -> list[VarNode]:
            return [r.node(k.name, store.get(k), k.name, set_target=("global", k.name)) for k in keys[a:b]]

        count, fetch = grouped(len(keys), memo_range(make))
        return VarNode("Globals", "", None, None, named=count, read_only=True, virtual=True, fetch=fetch)

    # ---- evaluate ------------------------------------------------------------------------------

    def evaluate(self, text: str, frame_index: int | None, context: str, cancel: Any = None) -> VarNode:
        """`evaluate` for watch, hover, clipboard and variables contexts, on a copy of the state.
        Raises EvaluationError (DAP 1006)."""
        st = self._check_state()
        name = text.strip()
        if name in SCOPE_OF_NAME:
            node = self.program_scope(SCOPE_OF_NAME[name])
            return attrs.evolve(node, name=name, evaluate_name=name)
        if name == "$step":
            return self._step_node()
        env = self.frame_env(frame_index)
        limit = HOVER_LIMIT if context == "hover" else WATCH_LIMIT
        value = self.evaluator.watch(text, st, env, None, limit=limit, cancel=cancel)
        return self.result_node(text, value, context)

    def result_node(self, text: str, value: Any, context: str = "watch", store: Any = None) -> VarNode:
        r = self.renderer() if store is None else Renderer(store, self._force, self._env_node, self.hex)
        node = r.node(text, value, text.strip(), read_only=True)
        from ..values import VOID

        if value is VOID:
            node.value = ""
        elif context == "clipboard":
            node.value = write_repr(value, r.store)
        return node

    # ---- completions ---------------------------------------------------------------------------

    def completions(self, frame_index: int | None, text: str, column: int) -> list[tuple[str, str]]:
        """(label, type) for the word before `column` (1-based) in `text`."""
        from ..expander import SPECIAL_FORM_NAMES

        before = text[:max(0, column - 1)]
        i = len(before)
        while i > 0 and before[i - 1] not in " \t\n()[]'`,\"":
            i -= 1
        word = before[i:]
        out: list[tuple[str, str]] = []
        seen: set[str] = set()

        def add(label: str, kind: str) -> None:
            if label.startswith(word) and label not in seen and not label.startswith("%"):
                seen.add(label)
                out.append((label, kind))

        if word.startswith("$"):
            for n in SPECIAL_NAMES:
                add(n, "variable")
            return out
        st = self._check_state()
        fs = self.frames()
        idx = 0 if frame_index is None else frame_index
        if 0 <= idx < len(fs) and fs[idx].kind in ("activation", "top-level"):
            for b in I.activation_locals(st, fs[idx]) + I.closure_bindings(st, fs[idx]):
                if b.evaluable:
                    add(b.surface, "variable")
        for gname, v in self.globals_list():
            add(gname, "function" if isinstance(v, Closure) else "variable")
        for bname in self.builtin_names():
            add(bname, "function")
        for kw in sorted(SPECIAL_FORM_NAMES if isinstance(SPECIAL_FORM_NAMES, (list, tuple)) else SPECIAL_FORM_NAMES.split()):
            add(kw, "keyword")
        for n in SPECIAL_NAMES:
            add(n, "variable")
        return out

    def builtin_names(self) -> list[str]:
        """Primitives and prelude definitions, sorted (computed once)."""
        names = getattr(self, "_builtin_names", None)
        if names is None:
            interp = self.rt.interpreter
            found = set(interp.builtins)
            found.update(k.name for k in interp.prelude_store.keys() if isinstance(k, Symbol))
            found.update(k.name for k in self.rt.machine.builtin_global_names())
            names = self._builtin_names = sorted(found)
        return names

    # ---- exception info ------------------------------------------------------------------------

    def exception_info(self) -> dict[str, Any]:
        """exceptionInfo per DEBUGGER.md 12."""
        pu = self.c.pending_uncaught
        m = self.c.m
        if pu is not None:
            cond, st = pu
            text = m.condition_text(cond)
            saved = m.snapshot()
            try:
                m.restore(st)
                trace = m.backtrace(cond)
            finally:
                m.restore(saved)
            sup = " ".join(t.name for t in cond.supertypes if t is not sym("condition")) or "condition"
            stack = "\n".join(f"  at {n} ({short_location(s)})" for n, s in trace)
            return {"exceptionId": cond.ctype.name, "description": text, "breakMode": "unhandled",
                    "details": {"message": f"{short_location(cond.span)}: {cond.ctype.name}: {text}",
                                "typeName": cond.ctype.name, "fullTypeName": f"{cond.ctype.name} ({sup} condition)"
                                if sup != "condition" else f"{cond.ctype.name} (condition)",
                                "evaluateName": "$conditions", "stackTrace": stack}}
        stop = self.current_stop()
        if stop is None or stop.reason != "exception":
            raise LookupError("not stopped on an exception")
        if stop.condition is not None:
            cond = stop.condition
            text = m.condition_text(cond)
            return {"exceptionId": cond.ctype.name if stop.filter in ("signalled", None) else stop.filter,
                    "description": text if not stop.detail else stop.detail, "breakMode": "always",
                    "details": {"message": f"{short_location(cond.span)}: {cond.ctype.name}: {text}",
                                "typeName": cond.ctype.name, "evaluateName": "$conditions"}}
        return {"exceptionId": stop.filter or stop.text or "exception", "description": stop.detail or stop.description,
                "breakMode": "always", "details": {"message": stop.description}}


__all__ = ["Views", "ScopeView", "VarNode", "EvaluationError", "type_of", "cut_write", "LISTS", "SPECIAL_NAMES",
           "same_state"]
