"""One document's analysis: the runtime's reader and expander run over the text, then indexed.

The text is cut into *pieces*, one per top-level datum (with the whitespace and comments before
it) plus the trailing text. Each piece is read and expanded on its own, with offsets relative to
its start, so that an edit re-reads and re-expands only the pieces it touches: the others are
reused from the previous analysis of the document and only their base offset moves. A piece is
re-expanded too when the macros defined before it change. Only facts that need the whole file
(which globals exist, the arity of the file's procedures) are recomputed each time, from small
per-piece summaries.

Everything the features answer comes from here: diagnostics, the occurrences of every local
binding and global name (navigation, rename, highlights, semantic tokens), the file's top-level
definitions and the lexical scope of each local (completion).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

import attrs

from omega_runtime import core
from omega_runtime.conditions import arity_text
from omega_runtime.expander.definitions import CASE_LAMBDA
from omega_runtime.reader import read
from omega_runtime.syntax import Atom, ReadResult, SList, Syntax
from omega_runtime.values import Symbol

from .knowledge import SPECIAL_FORM_SET, ProcInfo, builtin_procedures
from .walk import datum_path, iter_core, iter_syntax

log = logging.getLogger(__name__)

Target = core.Binding | str  # a local binding, or a global name
SKIP_UNUSED_KINDS = frozenset({"record"})
DELIMITERS = frozenset(" \t\r\n\f()[]{}\";'`,")


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
    """A global defined by the file (the first definition is the one navigation shows)."""

    name: str
    start: int  # the name's occurrence in the defining form
    end: int
    form_start: int
    form_end: int
    kind: str  # procedure | variable | macro
    proc: ProcInfo | None = None
    count: int = 1
    assigned: bool = False


@attrs.define(slots=True, eq=False)
class LocalInfo:
    """A local binding; offsets are relative to its piece (see `Analysis.local`)."""

    binding: core.Binding
    scope_start: int
    scope_end: int
    init: Any = None  # the initialising core node, when known
    owner: str | None = None  # the procedure the local belongs to
    name_range: tuple[int, int] | None = None  # where the binding occurrence is written


@attrs.define(slots=True, eq=False)
class Piece:
    """One top-level datum with the text before it, read (and expanded) alone: offsets are relative."""

    text: str
    read: ReadResult
    macro_key: tuple[str, ...] | None = None  # the macro environment it was expanded in
    diags: list[Diag] = attrs.field(factory=list)  # expansion findings local to the piece
    occurrences: list[Occurrence] = attrs.field(factory=list)  # sorted by start
    starts: list[int] = attrs.field(factory=list)
    locals: list[LocalInfo] = attrs.field(factory=list)
    global_refs: list[tuple[str, int, int]] = attrs.field(factory=list)
    calls: list[tuple[str, int, int, int]] = attrs.field(factory=list)  # (name, argument count, start, end)
    defines: list[tuple[str, int, int, int, int, str, ProcInfo | None]] = attrs.field(factory=list)
    assigned: set[str] = attrs.field(factory=set)
    macro_updates: dict[Any, Any] = attrs.field(factory=dict)  # macros this piece defines


@attrs.define(slots=True, eq=False)
class Analysis:
    file: str
    text: str
    pieces: list[Piece]
    bases: list[int]  # start offset of each piece
    diagnostics: list[Diag] = attrs.field(factory=list)
    definitions: dict[str, Definition] = attrs.field(factory=dict)
    expanded: bool = False  # False when the expander is unavailable
    _local_index: dict[int, tuple[LocalInfo, int]] | None = None

    # ---- pieces -----------------------------------------------------------------------------

    def piece_index(self, offset: int) -> int:
        return max(0, bisect_right(self.bases, offset) - 1)

    def iter_pieces(self) -> Iterator[tuple[int, Piece]]:
        """(base offset, piece) in order."""
        return zip(self.bases, self.pieces, strict=True)

    def path_at(self, offset: int, *, inclusive_end: bool = True) -> tuple[int, list[Syntax]]:
        """(base, data containing `offset`, outermost first) in the piece holding it; spans are relative."""
        i = self.piece_index(offset)
        candidates = [i] + ([i - 1] if inclusive_end and i > 0 and self.bases[i] == offset else [])
        for j in candidates:
            base = self.bases[j]
            path = datum_path(self.pieces[j].read.data, offset - base, inclusive_end=inclusive_end)
            if path:
                return base, path
        return self.bases[i], []

    def comments(self) -> list[tuple[int, int]]:
        return [(base + c.start_offset, base + c.end_offset) for base, p in self.iter_pieces() for c in p.read.comments]

    def reader_diagnostics(self) -> list[Diag]:
        return [d for d in self.diagnostics if d.code.startswith("E000")]

    # ---- occurrences and locals -----------------------------------------------------------------

    def occurrence_at(self, offset: int) -> Occurrence | None:
        """The occurrence under the cursor (a cursor just after an identifier counts)."""
        i = self.piece_index(offset)
        for j in (i, i - 1):
            if j < 0:
                continue
            base, piece = self.bases[j], self.pieces[j]
            rel = offset - base
            k = bisect_right(piece.starts, rel) - 1
            for m in (k, k - 1):
                if 0 <= m < len(piece.occurrences):
                    o = piece.occurrences[m]
                    if o.start <= rel <= o.end:
                        return Occurrence(o.start + base, o.end + base, o.target, o.write)
        return None

    def occurrences_of_piece(self, i: int) -> list[Occurrence]:
        """The occurrences in piece `i`, in absolute offsets."""
        base = self.bases[i]
        return [Occurrence(o.start + base, o.end + base, o.target, o.write) for o in self.pieces[i].occurrences]

    def occurrences_of(self, target: Target) -> list[Occurrence]:
        if isinstance(target, str):
            found = [(base, o) for base, p in self.iter_pieces() for o in p.occurrences if o.target == target]
        else:
            hit = self.local(target)
            if hit is None:
                return []
            base = hit[1]
            piece = self.pieces[self.piece_index(base)]
            found = [(base, o) for o in piece.occurrences if o.target is target]
        return [Occurrence(o.start + b, o.end + b, o.target, o.write) for b, o in found]

    def local(self, binding: core.Binding) -> tuple[LocalInfo, int] | None:
        """The binding's info (piece-relative offsets) and its piece's base."""
        if self._local_index is None:
            self._local_index = {id(li.binding): (li, base) for base, p in self.iter_pieces() for li in p.locals}
        return self._local_index.get(id(binding))

    def locals_at(self, offset: int) -> list[LocalInfo]:
        """Locals in scope at `offset`, innermost first, shadowed names dropped (offsets piece-relative)."""
        i = self.piece_index(offset)
        rel = offset - self.bases[i]
        found = [li for li in self.pieces[i].locals if li.scope_start <= rel <= li.scope_end]
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
        hit = self.local(target)
        if hit is None or hit[0].name_range is None:
            return None
        (s, e), base = hit[0].name_range, hit[1]
        return (s + base, e + base)

    def proc_info(self, name: str) -> ProcInfo | None:
        """What a call of global `name` reaches: the file's definition, else a built-in."""
        d = self.definitions.get(name)
        if d is not None:
            return d.proc if d.count == 1 and not d.assigned else None
        return builtin_procedures().get(name)


# ---- building pieces ------------------------------------------------------------------------------


def _symbol_name(s: Syntax | None) -> str | None:
    if isinstance(s, Atom) and isinstance(s.value, Symbol):
        return s.value.name
    return None


def _lambda_proc(name: str, lam: core.Lambda, origin: str) -> ProcInfo:
    params = [b.name for b in lam.params]
    sig = "(" + " ".join([name, *params]) + (f" . {lam.rest.name}" if lam.rest is not None else "") + ")"
    return ProcInfo(name, len(params), None if lam.rest is not None else len(params), sig, lam.doc or "", origin)


def _case_lambda_proc(name: str, app: core.App, origin: str) -> ProcInfo | None:
    """A `case-lambda` (its expansion: `%case-lambda` applied to one lambda per clause): the
    arities of all clauses, one signature per clause."""
    if not (isinstance(app.fn, core.PrimRef) and app.fn.name == CASE_LAMBDA):
        return None
    clauses = [c for c in app.args if isinstance(c, core.Lambda)]
    if not clauses:
        return None
    each = [_lambda_proc(name, c, origin) for c in clauses]
    most = None if any(p.max_args is None for p in each) else max(p.max_args or 0 for p in each)
    return ProcInfo(name, min(p.min_args for p in each), most, " | ".join(p.signature for p in each), "", origin)


def _split(text: str) -> list[Piece]:
    """Pieces of a whole text: one per top-level datum, or one for all if the reader found errors."""
    rr = read(text, "<piece>")
    if rr.diagnostics or len(rr.data) < 2:
        return [Piece(text, rr)]
    cuts = [d.span.end_offset for d in rr.data]
    pieces = []
    start = 0
    for end in cuts:
        pieces.append(Piece(text[start:end], read(text[start:end], "<piece>")))
        start = end
    pieces.append(Piece(text[start:], read(text[start:], "<piece>")))
    return pieces


def _common_affix(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of `a` and `b`."""
    n = min(len(a), len(b))
    lo, hi = 0, n  # binary search on slice equality: C-speed comparisons
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, n - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def _repiece(text: str, prev: Analysis) -> list[Piece]:
    """The pieces of `text`, re-reading only those the difference from `prev.text` touches."""
    old = prev.text
    if old == text:
        return prev.pieces
    prefix, suffix = _common_affix(old, text)
    change_end = len(old) - suffix
    first = prev.piece_index(prefix)
    if first > 0 and prev.bases[first] == prefix:
        first -= 1  # an edit at a piece's very end may extend its last token
    last = prev.piece_index(max(change_end - 1, prefix))
    region_start = prev.bases[first]
    region_end_old = prev.bases[last] + len(prev.pieces[last].text)
    is_final = last == len(prev.pieces) - 1
    region = text[region_start:region_end_old + len(text) - len(old)]
    rr = read(region, "<piece>")
    clean = not rr.diagnostics and (is_final or (rr.data and rr.data[-1].span.end_offset == len(region)))
    if clean and region_start > 0 and region[:1] and region[0] not in DELIMITERS \
            and text[region_start - 1] not in DELIMITERS:
        clean = False  # the region's first token would join the previous piece's last one
    if clean and not is_final and region[-1:] not in DELIMITERS and prev.pieces[last + 1].text[:1] not in DELIMITERS:
        clean = False  # the region's last token would join the next piece's first one
    if not clean:
        return _split(text)
    if len(rr.data) == 1 and not is_final:
        new = [Piece(region, rr)]
    else:
        new = []
        start = 0
        for d in rr.data:
            chunk = region[start:d.span.end_offset]
            new.append(Piece(chunk, read(chunk, "<piece>")))
            start = d.span.end_offset
        if is_final:
            new.append(Piece(region[start:], read(region[start:], "<piece>")))
    return prev.pieces[:first] + new + prev.pieces[last + 1:]


class _PieceExpander:
    """Expands one piece's data with the running expander and records what the whole-file pass needs."""

    def __init__(self, piece: Piece) -> None:
        self.p = piece
        self.text = piece.text
        self.lists: dict[tuple[int, int], SList] | None = None
        self.local_writes: set[tuple[int, int]] = set()
        self.broken: list[tuple[int, int]] = []  # top-level forms holding reader errors

    def _list_at(self, s: int, e: int) -> SList | None:
        if self.lists is None:
            self.lists = {(x.span.start_offset, x.span.end_offset): x
                          for x, _ in iter_syntax(self.p.read.data) if isinstance(x, SList)}
        return self.lists.get((s, e))

    def _name_in(self, span: Any, name: str) -> tuple[int, int] | None:
        """Where identifier `name` is written inside the form at `span` (the form itself if it is the name)."""
        if span is None:
            return None
        s, e = span.start_offset, span.end_offset
        if self.text[s:e] == name:
            return (s, e)
        form = self._list_at(s, e)
        if form is None:
            return None
        for sub, _ in iter_syntax(form.items[1:]):
            if _symbol_name(sub) == name:
                return (sub.span.start_offset, sub.span.end_offset)
        return None

    def run(self, expander: Any) -> None:
        p = self.p
        for d in p.read.diagnostics:
            for form in p.read.data:
                if form.span.start_offset <= d.span.start_offset <= form.span.end_offset:
                    self.broken.append((form.span.start_offset, form.span.end_offset))
        before = dict(expander.macros)
        for form in p.read.data:
            try:
                node = expander.expand_toplevel(form)
            except Exception as exc:  # ExpandError, or a bug in the expander on odd input
                span = getattr(exc, "span", None) or form.span
                code = getattr(exc, "code", None)
                if code is None:
                    log.exception("expander failed")
                    continue
                p.diags.append(Diag(str(code), str(getattr(exc, "message", exc)), "error",
                                    span.start_offset, span.end_offset))
                self._define_from_syntax(form)
                continue
            for obj in iter_core([node]):
                self._scan_node(obj)
            self._macro_definition(form)
        p.macro_updates = {k: v for k, v in expander.macros.items() if before.get(k) is not v}
        self._macro_uses({s.name for s in expander.macros})
        self._local_occurrences()
        self._unused_locals()
        if self.broken:
            self._drop_findings_in_broken_forms()
        p.occurrences.sort(key=lambda o: (o.start, o.end))
        p.starts = [o.start for o in p.occurrences]

    def _macro_uses(self, macros: set[str]) -> None:
        """Heads of macro uses: the expansion no longer shows them, so find them in the syntax."""
        if not macros:
            return
        p = self.p
        taken = {o.start for o in p.occurrences}
        quoted_until = -1
        for s, _ in iter_syntax(p.read.data):
            if s.span.start_offset < quoted_until or not isinstance(s, SList) or not s.items:
                continue
            head = _symbol_name(s.items[0])
            if head in ("quote", "quasiquote", "syntax-rules"):
                quoted_until = s.span.end_offset
            elif head in macros and s.items[0].span.start_offset not in taken:
                hs = s.items[0].span
                p.occurrences.append(Occurrence(hs.start_offset, hs.end_offset, head, False))

    def _in_broken(self, offset: int) -> bool:
        return any(s <= offset <= e for s, e in self.broken)

    def _drop_findings_in_broken_forms(self) -> None:
        p = self.p
        p.diags = [d for d in p.diags if not self._in_broken(d.start)]
        p.global_refs = [r for r in p.global_refs if not self._in_broken(r[1])]
        p.calls = [c for c in p.calls if not self._in_broken(c[2])]

    def _macro_definition(self, form: Syntax) -> None:
        if isinstance(form, SList) and len(form.items) >= 2 and _symbol_name(form.items[0]) == "define-syntax":
            name = _symbol_name(form.items[1])
            if name is not None:
                sp = form.items[1].span
                self.p.defines.append((name, sp.start_offset, sp.end_offset, form.span.start_offset,
                                       form.span.end_offset, "macro", None))
                self.p.occurrences.append(Occurrence(sp.start_offset, sp.end_offset, name, True))

    def _define_from_syntax(self, form: Syntax) -> None:
        """A top-level definition whose expansion failed still names a global (no arity known)."""
        if not isinstance(form, SList) or len(form.items) < 2 or _symbol_name(form.items[0]) != "define":
            return
        target = form.items[1]
        if isinstance(target, SList) and target.items:
            target = target.items[0]
        name = _symbol_name(target)
        if name is not None:
            self.p.defines.append((name, target.span.start_offset, target.span.end_offset,
                                   form.span.start_offset, form.span.end_offset, "variable", None))

    def _scan_node(self, obj: Any) -> None:
        p = self.p
        span = getattr(obj, "span", None)
        if isinstance(obj, core.GlobalRef):
            if span is not None and not obj.synthetic:
                name = obj.name.name
                where = self._name_in(span, name) or (span.start_offset, span.end_offset)
                p.global_refs.append((name, where[0], where[1]))
                if self.text[span.start_offset:span.end_offset] == name:
                    p.occurrences.append(Occurrence(span.start_offset, span.end_offset, name, False))
        elif isinstance(obj, core.SetGlobal):
            name = obj.name.name
            p.assigned.add(name)
            named = self._name_in(span, name)
            if named is not None:
                p.global_refs.append((name, named[0], named[1]))
                p.occurrences.append(Occurrence(named[0], named[1], name, True))
        elif isinstance(obj, core.SetLocal) and obj.binding is not None:
            written = self._name_in(span, obj.binding.name)
            if written is not None:
                self.local_writes.add(written)
        elif isinstance(obj, core.DefineGlobal):
            self._define_global(obj)
        elif isinstance(obj, core.App):
            if isinstance(obj.fn, core.GlobalRef) and span is not None and not obj.synthetic:
                p.calls.append((obj.fn.name.name, len(obj.args), span.start_offset, span.end_offset))
        if isinstance(obj, core.Lambda | core.OracleLambda):
            for b in [*obj.params, *([obj.rest] if obj.rest is not None else [])]:
                self._local(b, span, None, obj.name)
        elif isinstance(obj, core.Let | core.Letrec):
            for b, init in zip(obj.bindings, obj.inits, strict=False):
                self._local(b, span, init, None)
        elif isinstance(obj, core.HandleClause):
            for b in [*obj.params, obj.k]:
                self._local(b, span, None, None)
        elif isinstance(obj, core.Handle) and obj.return_param is not None:
            self._local(obj.return_param, span, None, None)
        elif isinstance(obj, core.MatchClause):
            for b in obj.binders:
                self._local(b, span, None, None)
        elif isinstance(obj, core.RestartClause):
            for b in [*obj.params, *([obj.rest] if obj.rest is not None else [])]:
                self._local(b, span, None, None)
        elif isinstance(obj, core.Guard):
            self._local(obj.var, span, None, None)

    def _define_global(self, node: core.DefineGlobal) -> None:
        name = node.name.name
        where = self._name_in(node.span, name)
        if not node.name.interned:
            return  # the hidden list of values of a define-values
        lam = node.expr if isinstance(node.expr, core.Lambda) else None
        proc = _lambda_proc(name, lam, "file") if lam is not None else None
        if proc is None and isinstance(node.expr, core.App):
            proc = _case_lambda_proc(name, node.expr, "file")
        fs, fe = (node.span.start_offset, node.span.end_offset) if node.span is not None else (0, 0)
        s, e = where if where is not None else (fs, fs)
        self.p.defines.append((name, s, e, fs, fe, "procedure" if proc else "variable", proc))
        if where is not None:
            self.p.occurrences.append(Occurrence(s, e, name, True))

    def _local(self, b: core.Binding | None, scope: Any, init: Any, owner: str | None) -> None:
        if b is None or b.span is None or b.macro is not None:
            return
        if scope is not None:
            s, e = scope.start_offset, scope.end_offset
        else:
            s, e = b.span.start_offset, len(self.text)
        self.p.locals.append(LocalInfo(b, s, e, init, owner))

    def _local_occurrences(self) -> None:
        """Binding occurrences and references of every local (after the walk has seen each `set!`)."""
        p = self.p
        seen_bindings: set[int] = set()
        for info in p.locals:
            b = info.binding
            if id(b) in seen_bindings:
                continue
            seen_bindings.add(id(b))
            where = info.name_range = self._name_in(b.span, b.name)
            if where is not None:
                p.occurrences.append(Occurrence(where[0], where[1], b, True))
            seen: set[tuple[int, int]] = set()
            for ref in b.references:
                w = self._name_in(ref, b.name)
                if w is not None and w not in seen and w != where:
                    seen.add(w)
                    p.occurrences.append(Occurrence(w[0], w[1], b, w in self.local_writes))

    def _unused_locals(self) -> None:
        seen: set[int] = set()
        for li in self.p.locals:
            b = li.binding
            if id(b) in seen or b.references or b.kind in SKIP_UNUSED_KINDS or b.name.startswith("_") \
                    or b.span is None:
                continue
            seen.add(id(b))
            where = li.name_range or (b.span.start_offset, b.span.end_offset)
            self.p.diags.append(Diag("unused", f"unused local binding: {b.name}", "hint", where[0], where[1],
                                     unnecessary=True))


def _expander() -> Any:
    try:
        from omega_runtime.expander import Expander
    except ImportError:
        return None
    return Expander()


def _expand_pieces(pieces: list[Piece]) -> bool:
    """Expand every piece whose macro environment changed; False if there is no expander."""
    expander = _expander()
    if expander is None:
        return False
    key: tuple[str, ...] = ()
    for i, p in enumerate(pieces):
        if p.macro_key != key:
            p = pieces[i] = Piece(p.text, p.read)  # a new object: earlier analyses keep theirs
            _PieceExpander(p).run(expander)
            p.macro_key = key
        else:
            expander.macros.update(p.macro_updates)
        if p.macro_updates:
            key = (*key, p.text)
    return True


def _whole_file(a: Analysis, with_builtins: bool) -> None:
    """Definitions and the diagnostics that need the whole file: W0001 and arity."""
    known = builtin_procedures() if with_builtins else {}
    assigned: set[str] = set()
    for base, p in a.iter_pieces():
        for rd in p.read.diagnostics:
            a.diagnostics.append(Diag(rd.code, rd.message, rd.severity, rd.span.start_offset + base,
                                      rd.span.end_offset + base))
        for d in p.diags:
            a.diagnostics.append(Diag(d.code, d.message, d.severity, d.start + base, d.end + base, d.unnecessary))
        for name, s, e, fs, fe, kind, proc in p.defines:
            old = a.definitions.get(name)
            if old is None:
                a.definitions[name] = Definition(name, s + base, e + base, fs + base, fe + base, kind, proc)
            else:
                old.count += 1
        assigned |= p.assigned
    for name in assigned:
        if name in a.definitions:
            a.definitions[name].assigned = True  # set! of a file global: its arity may change
    defs = a.definitions
    for base, p in a.iter_pieces():
        for name, s, e in p.global_refs:
            if name not in defs and name not in known and name not in SPECIAL_FORM_SET:
                a.diagnostics.append(Diag("W0001", f"unbound identifier: {name}", "warning", s + base, e + base))
        for name, n, s, e in p.calls:
            info = a.proc_info(name) if with_builtins or name in defs else None
            if info is not None and (n < info.min_args or (info.max_args is not None and n > info.max_args)):
                a.diagnostics.append(Diag(
                    "arity-error", f"{name}: expected {arity_text(info.min_args, info.max_args)}, got {n}",
                    "error", s + base, e + base))
    a.diagnostics.sort(key=lambda d: (d.start, d.end))


def analyze(text: str, file: str, *, previous: Analysis | None = None, with_builtins: bool = True) -> Analysis:
    """Read and expand `text` and index the result, reusing what `previous` (an analysis of an
    earlier version of the same document) knows about the parts the edit did not touch."""
    pieces = _repiece(text, previous) if previous is not None and previous.pieces else _split(text)
    bases = []
    offset = 0
    for p in pieces:
        bases.append(offset)
        offset += len(p.text)
    a = Analysis(file, text, pieces, bases)
    a.expanded = _expand_pieces(pieces)
    _whole_file(a, with_builtins)
    return a
