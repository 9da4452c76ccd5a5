"""One document's analysis: the runtime's reader and expander run over the text, then indexed.

Everything the features answer comes from here: diagnostics, the occurrences of every local
binding and global name (for navigation, rename, highlights, semantic tokens), the file's
top-level definitions, and the lexical scope of each local (for completion).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from typing import Any

import attrs

from omega_runtime import core
from omega_runtime.conditions import arity_text
from omega_runtime.reader import read
from omega_runtime.syntax import Atom, ReadResult, SList, SVector, Syntax
from omega_runtime.values import Symbol

from .knowledge import SPECIAL_FORM_SET, ProcInfo, builtin_procedures
from .walk import iter_core, iter_syntax

log = logging.getLogger(__name__)

Target = core.Binding | str  # a local binding, or a global name
SKIP_UNUSED_KINDS = frozenset({"record"})


@attrs.define(slots=True)
class Diag:
    """A diagnostic in code-point offsets; the server converts it to LSP positions."""

    code: str
    message: str
    severity: str  # error | warning | information | hint
    start: int
    end: int
    unnecessary: bool = False


@attrs.define(slots=True)
class Occurrence:
    start: int
    end: int
    target: Target
    write: bool  # a binding occurrence, definition or assignment


@attrs.define(slots=True)
class Definition:
    """A global defined by the file (first definition wins for navigation)."""

    name: str
    start: int  # the name's occurrence in the defining form
    end: int
    form_start: int
    form_end: int
    kind: str  # procedure | variable | macro
    proc: ProcInfo | None = None
    count: int = 1
    assigned: bool = False


@attrs.define(slots=True)
class LocalInfo:
    binding: core.Binding
    scope_start: int
    scope_end: int
    init: Any = None  # the initialising core node, when known
    owner: str | None = None  # the procedure the local belongs to
    name_range: tuple[int, int] | None = None  # where the binding occurrence is written


@attrs.define(slots=True)
class Analysis:
    file: str
    text: str
    read: ReadResult
    diagnostics: list[Diag] = attrs.field(factory=list)
    occurrences: list[Occurrence] = attrs.field(factory=list)  # sorted by start
    definitions: dict[str, Definition] = attrs.field(factory=dict)
    locals: list[LocalInfo] = attrs.field(factory=list)
    local_info: dict[int, LocalInfo] = attrs.field(factory=dict)  # id(binding) -> info
    macro_heads: set[int] = attrs.field(factory=set)  # start offsets of macro-use heads
    expanded: bool = False  # False when the expander is unavailable or failed
    _starts: list[int] = attrs.field(factory=list)

    # ---- queries -------------------------------------------------------------------------

    def occurrence_at(self, offset: int) -> Occurrence | None:
        """The occurrence under the cursor (a cursor just after an identifier counts)."""
        i = bisect_right(self._starts, offset) - 1
        for j in (i, i - 1):
            if 0 <= j < len(self.occurrences):
                o = self.occurrences[j]
                if o.start <= offset <= o.end:
                    return o
        return None

    def occurrences_of(self, target: Target) -> list[Occurrence]:
        if isinstance(target, str):
            return [o for o in self.occurrences if o.target == target]
        return [o for o in self.occurrences if o.target is target]

    def locals_at(self, offset: int) -> list[LocalInfo]:
        """Locals in scope at `offset`, innermost (latest scope start) first, shadowed names dropped."""
        found = [li for li in self.locals if li.scope_start <= offset <= li.scope_end]
        found.sort(key=lambda li: li.scope_start, reverse=True)
        seen: set[str] = set()
        out = []
        for li in found:
            if li.binding.name not in seen:
                seen.add(li.binding.name)
                out.append(li)
        return out

    def definition_range(self, target: Target) -> tuple[int, int] | None:
        """Where `target` is defined in this file."""
        if isinstance(target, str):
            d = self.definitions.get(target)
            return (d.start, d.end) if d is not None else None
        li = self.local_info.get(id(target))
        return li.name_range if li is not None else None

    def proc_info(self, name: str) -> ProcInfo | None:
        """What a call of global `name` reaches: the file's definition, else a built-in."""
        d = self.definitions.get(name)
        if d is not None:
            return d.proc if d.count == 1 and not d.assigned else None
        return builtin_procedures().get(name)

    def is_known_global(self, name: str) -> bool:
        return name in self.definitions or name in SPECIAL_FORM_SET or name in builtin_procedures()


def _symbol_name(s: Syntax | None) -> str | None:
    if isinstance(s, Atom) and isinstance(s.value, Symbol):
        return s.value.name
    return None


def _lambda_proc(name: str, lam: core.Lambda, origin: str) -> ProcInfo:
    params = [b.name for b in lam.params]
    sig = "(" + " ".join([name, *params]) + (f" . {lam.rest.name}" if lam.rest is not None else "") + ")"
    return ProcInfo(name, len(params), None if lam.rest is not None else len(params), sig, lam.doc or "", origin)


def _expand(data: tuple[Syntax, ...]) -> list[Any] | None:
    try:
        from omega_runtime.expander import expand_program
    except ImportError:
        return None
    try:
        results, _ = expand_program(data)
        return list(results)
    except Exception:  # the expander failing on odd input must not take diagnostics down
        log.exception("expander failed")
        return None


class _Builder:
    """Builds an `Analysis` in one pass over the syntax and one over the expansion."""

    def __init__(self, text: str, file: str, with_builtins: bool) -> None:
        self.text = text
        self.a = Analysis(file, text, read(text, file))
        self.with_builtins = with_builtins
        self.lists: dict[tuple[int, int], SList] = {}
        self.macros: dict[str, tuple[int, int, int, int]] = {}
        self.assigned: set[str] = set()
        self.local_writes: set[tuple[int, int]] = set()
        self.top_starts = [f.span.start_offset for f in self.a.read.data]

    def run(self) -> Analysis:
        a = self.a
        for d in a.read.diagnostics:
            a.diagnostics.append(Diag(d.code, d.message, d.severity, d.span.start_offset, d.span.end_offset))
        self._scan_syntax()
        # Expand even when the reader recovered from errors: locals and definitions stay available
        # while the user types; expansion findings inside a form with reader errors are dropped.
        results = _expand(a.read.data)
        if results is not None:
            a.expanded = True
            self._scan_core(results)
            self._drop_findings_in_broken_forms()
        self._macro_uses()
        a.occurrences.sort(key=lambda o: (o.start, o.end))
        a._starts = [o.start for o in a.occurrences]
        a.diagnostics.sort(key=lambda d: (d.start, d.end))
        return a

    # ---- syntax ------------------------------------------------------------------------------

    def _scan_syntax(self) -> None:
        """Index lists by span; find top-level macro and (fallback) procedure definitions."""
        for s, _depth in iter_syntax(self.a.read.data):
            if isinstance(s, SList):
                self.lists[(s.span.start_offset, s.span.end_offset)] = s
        for form in self.a.read.data:
            if not isinstance(form, SList) or len(form.items) < 2:
                continue
            head = _symbol_name(form.items[0])
            target = form.items[1]
            if head == "define" and isinstance(target, SList) and target.items:
                target = target.items[0]
            name = _symbol_name(target)
            if name is None or head not in ("define", "define-syntax", "define-record-type"):
                continue
            if head == "define-syntax":
                self.macros[name] = (target.span.start_offset, target.span.end_offset,
                                     form.span.start_offset, form.span.end_offset)
                self._define(name, target.span.start_offset, target.span.end_offset, form, "macro", None)

    def _define(self, name: str, start: int, end: int, form: Syntax | None, kind: str,
                proc: ProcInfo | None, form_span: tuple[int, int] | None = None) -> None:
        fs = form_span or ((form.span.start_offset, form.span.end_offset) if form is not None else (start, end))
        d = self.a.definitions.get(name)
        if d is None:
            self.a.definitions[name] = Definition(name, start, end, fs[0], fs[1], kind, proc)
        else:
            d.count += 1

    def _name_in(self, span: Any, name: str) -> tuple[int, int] | None:
        """Where identifier `name` is written inside the form at `span` (the form itself if it is the name)."""
        if span is None:
            return None
        s, e = span.start_offset, span.end_offset
        if self.text[s:e] == name:
            return (s, e)
        form = self.lists.get((s, e))
        if form is None:
            return None
        for sub, _ in iter_syntax(form.items[1:]):
            if _symbol_name(sub) == name:
                return (sub.span.start_offset, sub.span.end_offset)
        return None

    def _top_form_at(self, offset: int) -> Syntax | None:
        i = bisect_right(self.top_starts, offset) - 1
        if i >= 0 and offset <= self.a.read.data[i].span.end_offset:
            return self.a.read.data[i]
        return None

    def _define_from_syntax(self, offset: int) -> None:
        """A top-level definition whose expansion failed still names a global (no arity known)."""
        form = self._top_form_at(offset)
        if not isinstance(form, SList) or len(form.items) < 2 or _symbol_name(form.items[0]) != "define":
            return
        target = form.items[1]
        if isinstance(target, SList) and target.items:
            target = target.items[0]
        name = _symbol_name(target)
        if name is not None:
            self._define(name, target.span.start_offset, target.span.end_offset, form, "variable", None)

    def _drop_findings_in_broken_forms(self) -> None:
        a = self.a
        broken: set[int] = set()
        for d in a.read.diagnostics:
            form = self._top_form_at(d.span.start_offset)
            if form is not None:
                broken.add(form.span.start_offset)
        if not broken:
            return
        reader_codes = {d.code for d in a.read.diagnostics}

        def keep(d: Diag) -> bool:
            if d.code in reader_codes and d.code.startswith("E000"):
                return True
            form = self._top_form_at(d.start)
            return form is None or form.span.start_offset not in broken

        a.diagnostics = [d for d in a.diagnostics if keep(d)]

    # ---- expansion -----------------------------------------------------------------------------

    def _scan_core(self, results: list[Any]) -> None:
        a = self.a
        calls: list[core.App] = []
        global_refs: list[tuple[str, Any]] = []
        top_defines: list[core.DefineGlobal] = []
        for r in results:
            if not isinstance(r, core.Node):
                span = getattr(r, "span", None)
                start, end = (span.start_offset, span.end_offset) if span is not None else (0, 0)
                a.diagnostics.append(Diag(str(getattr(r, "code", "E0101")), str(getattr(r, "message", r)),
                                          "error", start, end))
                self._define_from_syntax(start)
                continue
            scope_stack: list[tuple[Any, int, int, str | None]] = []
            for obj in iter_core([r]):
                self._scan_node(obj, calls, global_refs, top_defines, scope_stack)
        self._local_occurrences()
        for node in top_defines:
            name = node.name.name
            where = self._name_in(node.span, name)
            lam = node.expr if isinstance(node.expr, core.Lambda) else None
            proc = _lambda_proc(name, lam, "file") if lam is not None else None
            start, end = where if where is not None else ((node.span.start_offset,) * 2 if node.span else (0, 0))
            form_span = (node.span.start_offset, node.span.end_offset) if node.span else None
            self._define(name, start, end, None, "procedure" if proc else "variable", proc, form_span)
            if where is not None:
                a.occurrences.append(Occurrence(start, end, name, True))
        for name in self.assigned:
            if name in a.definitions:
                a.definitions[name].assigned = True  # set! of a file global: its arity may change
        self._global_diagnostics(global_refs, calls)
        self._unused_locals()

    def _scan_node(self, obj: Any, calls: list[core.App], global_refs: list[tuple[str, Any]],
                   top_defines: list[core.DefineGlobal], scope_stack: list[Any]) -> None:
        a = self.a
        span = getattr(obj, "span", None)
        if isinstance(obj, core.GlobalRef):
            if span is not None and not obj.synthetic:
                global_refs.append((obj.name.name, span))
                if self.text[span.start_offset:span.end_offset] == obj.name.name:
                    a.occurrences.append(Occurrence(span.start_offset, span.end_offset, obj.name.name, False))
        elif isinstance(obj, core.SetGlobal):
            self.assigned.add(obj.name.name)
            where = self._name_in(span, obj.name.name)
            if where is not None:
                global_refs.append((obj.name.name, span))
                a.occurrences.append(Occurrence(where[0], where[1], obj.name.name, True))
        elif isinstance(obj, core.SetLocal) and obj.binding is not None:
            where = self._name_in(span, obj.binding.name)
            if where is not None:
                self.local_writes.add(where)
        elif isinstance(obj, core.DefineGlobal):
            top_defines.append(obj)
        elif isinstance(obj, core.App):
            calls.append(obj)
        scope = span if span is not None else None
        if isinstance(obj, core.Lambda):
            owner = obj.name
            for b in [*obj.params, *([obj.rest] if obj.rest is not None else [])]:
                self._local(b, scope, None, owner)
        elif isinstance(obj, core.OracleLambda):
            for b in [*obj.params, *([obj.rest] if obj.rest is not None else [])]:
                self._local(b, scope, None, obj.name)
        elif isinstance(obj, core.Let | core.Letrec):
            for b, init in zip(obj.bindings, obj.inits, strict=False):
                self._local(b, scope, init, None)
        elif isinstance(obj, core.HandleClause):
            for b in [*obj.params, obj.k]:
                self._local(b, scope, None, None)
        elif isinstance(obj, core.Handle) and obj.return_param is not None:
            self._local(obj.return_param, scope, None, None)
        elif isinstance(obj, core.MatchClause):
            for b in obj.binders:
                self._local(b, scope, None, None)
        elif isinstance(obj, core.RestartClause):
            for b in [*obj.params, *([obj.rest] if obj.rest is not None else [])]:
                self._local(b, scope, None, None)
        elif isinstance(obj, core.Guard):
            self._local(obj.var, scope, None, None)

    def _local(self, b: core.Binding | None, scope: Any, init: Any, owner: str | None) -> None:
        if b is None or id(b) in self.a.local_info:
            return
        a = self.a
        if scope is not None:
            s, e = scope.start_offset, scope.end_offset
        elif b.span is not None:
            s, e = b.span.start_offset, len(self.text)
        else:
            s, e = 0, 0
        info = LocalInfo(b, s, e, init, owner)
        a.local_info[id(b)] = info
        if b.span is None or b.macro is not None:
            return
        a.locals.append(info)

    def _local_occurrences(self) -> None:
        """Binding occurrences and references of every local (after the walk has seen each `set!`)."""
        a = self.a
        for info in a.locals:
            b = info.binding
            where = info.name_range = self._name_in(b.span, b.name)
            if where is not None:
                a.occurrences.append(Occurrence(where[0], where[1], b, True))
            seen: set[tuple[int, int]] = set()
            for ref in b.references:
                w = self._name_in(ref, b.name)
                if w is not None and w not in seen and w != where:
                    seen.add(w)
                    a.occurrences.append(Occurrence(w[0], w[1], b, w in self.local_writes))

    # ---- diagnostics -----------------------------------------------------------------------------

    def _global_diagnostics(self, global_refs: list[tuple[str, Any]], calls: list[core.App]) -> None:
        a = self.a
        known = builtin_procedures() if self.with_builtins else {}
        for name, span in global_refs:
            if span is None or name in a.definitions or name in known or name in SPECIAL_FORM_SET:
                continue
            where = self._name_in(span, name) or (span.start_offset, span.end_offset)
            a.diagnostics.append(Diag("W0001", f"unbound identifier: {name}", "warning", where[0], where[1]))
        for call in calls:
            if not isinstance(call.fn, core.GlobalRef) or call.span is None or call.synthetic:
                continue
            name = call.fn.name.name
            info = a.proc_info(name) if self.with_builtins or name in a.definitions else None
            if info is None:
                continue
            n = len(call.args)
            if n < info.min_args or (info.max_args is not None and n > info.max_args):
                a.diagnostics.append(Diag(
                    "arity-error", f"{name}: expected {arity_text(info.min_args, info.max_args)}, got {n}",
                    "error", call.span.start_offset, call.span.end_offset))

    def _unused_locals(self) -> None:
        a = self.a
        for li in a.locals:
            b = li.binding
            if b.references or b.kind in SKIP_UNUSED_KINDS or b.name.startswith("_") or b.span is None:
                continue
            a.diagnostics.append(Diag("unused", f"unused local binding: {b.name}", "hint",
                                      b.span.start_offset, b.span.end_offset, unnecessary=True))

    def _macro_uses(self) -> None:
        """Heads of macro uses: the expansion no longer shows them, so find them in the syntax."""
        a = self.a
        if not self.macros:
            return
        bound = {o.start for o in a.occurrences}
        quoted_until = -1
        for s, _ in iter_syntax(a.read.data):
            if s.span.start_offset < quoted_until:
                continue
            if isinstance(s, SList) and s.items:
                head = _symbol_name(s.items[0])
                if head in ("quote", "syntax-rules"):
                    quoted_until = s.span.end_offset
                elif head in self.macros and s.items[0].span.start_offset not in bound:
                    hs = s.items[0].span
                    a.macro_heads.add(hs.start_offset)
                    a.occurrences.append(Occurrence(hs.start_offset, hs.end_offset, head, False))
        for name, (s0, e0, _fs, _fe) in self.macros.items():
            a.occurrences.append(Occurrence(s0, e0, name, True))


def analyze(text: str, file: str, *, with_builtins: bool = True) -> Analysis:
    """Read and expand `text` (named `file` in spans) and index the result."""
    return _Builder(text, file, with_builtins).run()


def is_list_of(s: Syntax, head: str) -> bool:
    return isinstance(s, SList) and bool(s.items) and _symbol_name(s.items[0]) == head


__all__ = ["Analysis", "Diag", "Definition", "LocalInfo", "Occurrence", "analyze", "SVector", "is_list_of"]
