"""Rendering runtime values for a debugger's Variables tree (DEBUGGER.md 9.3, 9.4): the cut
`write` form, type words with sizes, `evaluateName` shapes, and the children of each kind of
value, computed page by page. DAP-neutral: nodes are `VarNode`s; the DAP layer numbers them.

Lists are immutable, so their lengths and every 100th pair met while paging are cached across
stops (keyed by the head pair, kept alive by the cache), making any page after the first O(100).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import attrs

from ..machine.dynamic import Parameter, parameter_value
from ..machine.procedures import Closure
from ..printer import float_repr, write_repr, write_string
from ..span import Span
from ..values import (
    NIL,
    Condition,
    EofObject,
    HashTable,
    InputPort,
    Keyword,
    MultipleValues,
    Nil,
    OutputPort,
    Pair,
    Procedure,
    Promise,
    PromptTag,
    Proposal,
    Record,
    RecordType,
    Regex,
    Restart,
    Symbol,
    Vector,
    Void,
)

CUT_ELEMENTS = 12
CUT_LEVELS = 3
CUT_CHARS = 100
ELLIPSIS = "…"
RANGE = 100  # children per virtual range node

Fetch = Callable[[int, int | None, str | None], list["VarNode"]]


@attrs.define(eq=False)
class VarNode:
    """One row of the Variables/Watch tree, DAP-neutral."""

    name: str
    value: str
    type: str | None
    evaluate_name: str | None
    named: int = 0
    indexed: int = 0
    read_only: bool = False
    virtual: bool = False
    lazy: bool = False
    location: Any = None
    fetch: Fetch | None = None
    set_target: Any = None


def leaf(name: str, value: str, type_: str | None = None, evaluate_name: str | None = None,
         virtual: bool = True, location: Any = None) -> VarNode:
    """A debugger-made node without children."""
    return VarNode(name, value, type_, evaluate_name, read_only=True, virtual=virtual, location=location)


def page(items: list[Any], start: int, count: int | None) -> list[Any]:
    if start >= len(items):
        return []
    return items[start:] if not count else items[start:start + count]


def static_children(named: list[VarNode], indexed: list[VarNode] | None = None) -> Fetch:
    """A fetch over children computed already (small debugger-made structures)."""
    idx = indexed or []

    def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
        if filt == "named":
            return page(named, start, count)
        if filt == "indexed":
            return page(idx, start, count)
        return page(named + idx, start, count)

    return fetch


def grouped(n: int, make: Callable[[int, int], list[VarNode]], lo: int = 0) -> tuple[int, Fetch]:
    """Children [lo, lo+n) of a named collection: themselves when at most RANGE, else virtual
    range nodes `[0..99]`, ... (ranges of ranges beyond RANGE**2). Returns (count, fetch)."""
    if n <= RANGE:
        def direct(start: int, count: int | None, filt: str | None) -> list[VarNode]:
            if filt == "indexed" or start >= n:
                return []
            stop = n if not count else min(n, start + count)
            return make(lo + start, lo + stop)

        return n, direct
    size = RANGE
    while n > size * RANGE:
        size *= RANGE
    nranges = -(-n // size)
    cache: dict[int, VarNode] = {}

    def ranges(start: int, count: int | None, filt: str | None) -> list[VarNode]:
        if filt == "indexed":
            return []
        stop = nranges if not count else min(nranges, start + count)
        out = []
        for r in range(start, stop):
            node = cache.get(r)
            if node is None:
                a = lo + r * size
                b = min(lo + n, a + size)
                cnt, fetch = grouped(b - a, make, a)
                node = cache[r] = VarNode(f"[{a}..{b - 1}]", "", None, None, named=cnt, read_only=True,
                                          virtual=True, fetch=fetch)
            out.append(node)
        return out

    return nranges, ranges


# ---- the cut write form ------------------------------------------------------------------------

_V, _T, _REST = 0, 1, 2


def cut_write(v: Any, store: Any, limit: int = CUT_CHARS) -> str:
    """The `write` form cut to 12 elements per level, 3 levels and `limit` characters."""
    out: list[str] = []
    size = 0
    # (op, x, level, index): _REST continues a list whose `index` elements are printed.
    stack: list[tuple[int, Any, int, int]] = [(_V, v, 0, 0)]
    while stack:
        if size > limit:
            break
        op, x, level, i = stack.pop()
        if op == _T:
            out.append(x)
            size += len(x)
            continue
        if op == _REST:
            if x is NIL:
                text = ")"
            elif isinstance(x, Pair):
                if i >= CUT_ELEMENTS:
                    text = " " + ELLIPSIS + ")"
                else:
                    out.append(" ")
                    size += 1
                    stack.append((_REST, x.cdr, level, i + 1))
                    stack.append((_V, x.car, level + 1, 0))
                    continue
            else:
                out.append(" . ")
                size += 3
                stack.append((_T, ")", level, 0))
                stack.append((_V, x, level + 1, 0))
                continue
            out.append(text)
            size += len(text)
            continue
        atom = _cut_atom(x, store)
        if atom is not None:
            text = atom
        else:
            if level >= CUT_LEVELS:
                text = ELLIPSIS  # a container below the third level
            elif isinstance(x, Pair):
                out.append("(")
                size += 1
                stack.append((_REST, x.cdr, level, 1))
                stack.append((_V, x.car, level + 1, 0))
                continue
            elif isinstance(x, Vector):
                n = len(x)
                if n == 0:
                    text = "#()"
                else:
                    out.append("#(")
                    size += 2
                    shown = min(n, CUT_ELEMENTS)
                    stack.append((_T, (" " + ELLIPSIS + ")") if n > shown else ")", level, 0))
                    for j in range(shown - 1, -1, -1):
                        stack.append((_V, x.ref(store, j), level + 1, 0))
                        if j:
                            stack.append((_T, " ", level, 0))
                    continue
            else:  # a record
                out.append("#<" + x.rtype.name)
                size += 2 + len(x.rtype.name)
                n = len(x.items)
                shown = min(n, CUT_ELEMENTS)
                stack.append((_T, (" " + ELLIPSIS + ">") if n > shown else ">", level, 0))
                for j in range(shown - 1, -1, -1):
                    stack.append((_V, x.ref(store, j), level + 1, 0))
                    stack.append((_T, " ", level, 0))
                continue
        out.append(text)
        size += len(text)
    text = "".join(out)
    if len(text) > limit or stack:
        return text[:limit - 1] + ELLIPSIS
    return text


def _cut_atom(x: Any, store: Any) -> str | None:
    if isinstance(x, (Pair, Vector, Record)):
        return None
    if isinstance(x, str) and len(x) > 2 * CUT_CHARS:
        return write_string(x[:2 * CUT_CHARS])[:-1]  # cut later; no closing quote
    return write_repr(x, store)


def int_text(v: int, hex_: bool = False) -> str:
    return (("-" if v < 0 else "") + hex(abs(v))) if hex_ else int.__repr__(v)


# ---- types and sizes ---------------------------------------------------------------------------

class ListInfo:
    """Length and every RANGE-th pair of a proper list (None length: not a proper list)."""

    __slots__ = ("head", "length", "marks", "stream")

    def __init__(self, head: Pair) -> None:
        self.head = head
        marks = [head]
        n = 0
        x: Any = head
        while isinstance(x, Pair):
            if n and n % RANGE == 0:
                marks.append(x)
            n += 1
            x = x.cdr
        self.length: int | None = n if x is NIL else None
        self.marks = marks
        self.stream = isinstance(x, Promise) and n == 1

    def items(self, start: int, stop: int) -> list[Any]:
        out = []
        x: Any = self.marks[start // RANGE]
        for _ in range(start % RANGE):
            x = x.cdr
        for _ in range(start, stop):
            out.append(x.car)
            x = x.cdr
        return out


class ListCache:
    """ListInfo per head pair; pairs are immutable, so entries stay valid across stops."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[int, ListInfo] = OrderedDict()

    def get(self, head: Pair) -> ListInfo:
        info = self.entries.get(id(head))
        if info is not None and info.head is head:
            self.entries.move_to_end(id(head))
            return info
        info = ListInfo(head)
        self.entries[id(head)] = info
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return info


LISTS = ListCache()


def is_stream(v: Any) -> bool:
    return isinstance(v, Pair) and isinstance(v.cdr, Promise)


def type_of(v: Any, store: Any) -> str:
    """LANGUAGE.md 2.1's type word with sizes (DEBUGGER.md 9.3)."""
    if v is True or v is False:
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Symbol):
        return "symbol"
    if isinstance(v, Keyword):
        return "keyword"
    if isinstance(v, Nil):
        return "null"
    if isinstance(v, Pair):
        if is_stream(v):
            return "stream"
        n = LISTS.get(v).length
        return f"list[{n}]" if n is not None else "pair"
    if isinstance(v, Vector):
        return f"vector[{len(v)}]"
    if isinstance(v, HashTable):
        from ..hash_content import hash_count

        return f"hash-table[{hash_count(v, store)}]"
    if isinstance(v, Record):
        return f"record {v.rtype.name}"
    if isinstance(v, RecordType):
        return "record-type"
    if isinstance(v, Parameter):
        return "parameter"
    if isinstance(v, Procedure):
        return "procedure"
    if isinstance(v, MultipleValues):
        return f"values[{len(v.items)}]"
    if isinstance(v, InputPort):
        return "input-port"
    if isinstance(v, OutputPort):
        return "output-port"
    if isinstance(v, Regex):
        return "regex"
    if isinstance(v, EofObject):
        return "eof"
    if isinstance(v, Promise):
        return "promise"
    if isinstance(v, Condition):
        return "condition"
    if isinstance(v, Restart):
        return "restart"
    if isinstance(v, PromptTag):
        return "prompt-tag"
    if isinstance(v, Proposal):
        return "proposal"
    if isinstance(v, Void):
        return "void"
    return type(v).__name__


def key_expr(k: Any, store: Any) -> str:
    """A hash-table key as an expression evaluating to it (symbols quoted)."""
    if isinstance(k, (Symbol, Pair, Nil)):
        return "'" + write_repr(k, store)
    return write_repr(k, store)


def short_location(span: Span | None) -> str:
    """`file:line:col` with the file's base name, as the debugger's texts show locations."""
    if span is None:
        return "<unknown>"
    return f"{span.file.rsplit('/', 1)[-1]}:{span.start_line}:{span.start_col}"


def number_text(x: float) -> str:
    """`1,234` for integers, `1.5` for floats (budget texts)."""
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}"


# ---- value nodes ---------------------------------------------------------------------------------


def cached_named(make: Callable[[], list[VarNode]]) -> Fetch:
    """Named children made once, at the first fetch, then paged."""
    memo: list[list[VarNode]] = []

    def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
        if filt == "indexed":
            return []
        if not memo:
            memo.append(make())
        return page(memo[0], start, count)

    return fetch

class Renderer:
    """Builds VarNodes for runtime values read at one state. `force(p)` computes an unforced
    promise's value on a copy of the state (raising on failure); `env_node(name, env)` renders
    a closure's environment."""

    def __init__(self, store: Any, force: Callable[[Promise], Any] | None = None,
                 env_node: Callable[[str, Any], VarNode] | None = None, hex_: bool = False,
                 continuation: Any = None) -> None:
        self.store = store
        self.continuation = continuation  # where parameters are read (None: their initial values)
        self.force = force
        self.env_node = env_node
        self.hex = hex_

    def value_text(self, v: Any) -> str:
        if self.hex and isinstance(v, int) and v.__class__ is not bool:
            return int_text(v, True)
        if isinstance(v, Promise) and v.state(self.store)[0] != "value":
            return "#<promise> (not forced)"
        return cut_write(v, self.store)

    def node(self, name: str, v: Any, evaluate_name: str | None, read_only: bool = False,
             set_target: Any = None) -> VarNode:
        """The node of value `v` shown under `name`, with its children (DEBUGGER.md 9.3)."""
        store = self.store
        node = VarNode(name, self.value_text(v), type_of(v, store), evaluate_name, read_only=read_only,
                       set_target=set_target)
        if isinstance(v, Pair):
            if is_stream(v):
                self._stream(node, v)
                return node
            info = LISTS.get(v)
            if info.length is not None:
                node.indexed = info.length
                node.fetch = self._list_fetch(info, evaluate_name)
            else:
                node.named = 2
                node.fetch = cached_named(lambda: [
                    self.node("car", v.car, _wrap("car", evaluate_name), read_only=True),
                    self.node("cdr", v.cdr, _wrap("cdr", evaluate_name), read_only=True)])
        elif isinstance(v, Vector):
            node.indexed = len(v)
            node.fetch = self._vector_fetch(v, evaluate_name)
        elif isinstance(v, Record):
            fields = v.rtype.fields
            node.named = len(fields)

            def record_children() -> list[VarNode]:
                return [self.node(f, v.ref(store, i), _wrap(f"{v.rtype.name}-{f}", evaluate_name),
                                  set_target=("record", v, i)) for i, f in enumerate(fields)]

            node.fetch = cached_named(record_children)
        elif isinstance(v, HashTable):
            self._hash(node, v, evaluate_name)
        elif isinstance(v, Closure):
            node.location = v.lam.span
            node.named = 4
            node.fetch = cached_named(lambda: self._closure_children(v))
        elif isinstance(v, Condition):
            node.location = v.span
            node.named = 5
            node.fetch = cached_named(lambda: self.condition_children(v, evaluate_name))
        elif isinstance(v, Promise):
            self._promise(node, v, evaluate_name)
        elif isinstance(v, MultipleValues):
            node.indexed = len(v.items)
            node.fetch = self._indexed(len(v.items), lambda a, b: list(v.items[a:b]), lambda i: None,
                                       lambda i: None, True)
        elif isinstance(v, (InputPort, OutputPort, Regex, Parameter)):
            children = self._part_children(v, evaluate_name)
            node.named = len(children)
            node.fetch = cached_named(lambda: children)
        return node

    def _part_children(self, v: Any, evaluate_name: str | None) -> list[VarNode]:
        """Ports (kind, position, text so far), regexes (pattern, flags), parameters (current value)."""
        from ..machine.ports import input_state, output_state

        if isinstance(v, InputPort):
            st = input_state(self.store, v)
            return [leaf("kind", v.kind, "symbol"), leaf("position", str(st.pos), "integer"),
                    leaf("text read", cut_write(v.text[:st.pos], None), "string"),
                    leaf("text left", cut_write(v.text[st.pos:], None), "string"),
                    leaf("closed", "#t" if st.closed else "#f", "boolean")]
        if isinstance(v, OutputPort):
            if v.kind != "string":
                return [leaf("kind", v.kind, "symbol")]
            out = output_state(self.store, v)
            return [leaf("kind", v.kind, "symbol"), leaf("position", str(out.size), "integer"),
                    leaf("text so far", cut_write(out.text(), None), "string"),
                    leaf("closed", "#t" if out.closed else "#f", "boolean")]
        if isinstance(v, Regex):
            return [leaf("pattern", write_string(v.pattern), "string"), leaf("flags", write_string(v.flags), "string")]
        current = parameter_value(self.continuation, v)
        return [self.node("value", current, f"({evaluate_name})" if evaluate_name else None, read_only=True)]

    # ---- kinds ----------------------------------------------------------------------------


    def _indexed(self, n: int, get: Callable[[int, int], list[Any]], name_of: Callable[[int], str | None],
                 target_of: Callable[[int], Any], read_only: bool) -> Fetch:
        cache: dict[int, VarNode] = {}

        def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
            if filt == "named" or start >= n:
                return []
            stop = n if not count else min(n, start + count)
            if all(i in cache for i in range(start, stop)):
                return [cache[i] for i in range(start, stop)]
            values = get(start, stop)
            out = []
            for i, x in zip(range(start, stop), values, strict=True):
                node = cache.get(i)
                if node is None:
                    node = cache[i] = self.node(str(i), x, name_of(i), read_only=read_only, set_target=target_of(i))
                out.append(node)
            return out

        return fetch

    def _list_fetch(self, info: ListInfo, evaluate_name: str | None) -> Fetch:
        return self._indexed(info.length or 0, info.items,
                             lambda i: f"(list-ref {evaluate_name} {i})" if evaluate_name else None,
                             lambda i: None, True)

    def _vector_fetch(self, vec: Vector, evaluate_name: str | None) -> Fetch:
        store = self.store
        return self._indexed(len(vec), lambda a, b: [vec.ref(store, i) for i in range(a, b)],
                             lambda i: f"(vector-ref {evaluate_name} {i})" if evaluate_name else None,
                             lambda i: ("vector", vec, i), False)

    def _hash(self, node: VarNode, table: HashTable, evaluate_name: str | None) -> None:
        from ..hash_content import hash_entries

        entries = hash_entries(table, self.store)
        store = self.store

        def make(a: int, b: int) -> list[VarNode]:
            out = []
            for k, val in entries[a:b]:
                ev = f"(hash-table-ref {evaluate_name} {key_expr(k, store)})" if evaluate_name else None
                out.append(self.node(cut_write(k, store), val, ev, set_target=("hash", table, k)))
            return out

        node.named, node.fetch = grouped(len(entries), memo_range(make))

    def _closure_children(self, f: Closure) -> list[VarNode]:
        lam = f.lam
        params = [b.name for b in lam.layout.bindings[:lam.nparams]]
        if lam.rest:
            params_text = "(" + " ".join(params) + " . " + lam.layout.bindings[lam.nparams].name + ")"
        else:
            params_text = "(" + " ".join(params) + ")"
        out = [leaf("name", f.name or "<lambda>"), leaf("params", params_text),
               leaf("location", short_location(lam.span), location=lam.span)]
        if self.env_node is not None:
            out.append(self.env_node("environment", f.env))
        else:
            out.append(leaf("environment", ""))
        return out

    def condition_children(self, c: Condition, evaluate_name: str | None) -> list[VarNode]:
        store = self.store
        sup = " ".join(t.name for t in c.supertypes)
        return [leaf("type", c.ctype.name, "symbol"),
                leaf("message", write_string(c.message), "string"),
                self.node("data", c.data, _wrap("condition-data", evaluate_name), read_only=True),
                leaf("supertypes", "(" + sup + ")", f"list[{len(c.supertypes)}]"),
                leaf("location", short_location(c.span), location=c.span)] if store is not None else []

    def _promise(self, node: VarNode, p: Promise, evaluate_name: str | None) -> None:
        st = p.state(self.store)
        node.named = 1
        if st[0] == "value":
            node.fetch = cached_named(lambda: [self.node("value", st[1], _wrap("force", evaluate_name),
                                                               read_only=True)])
            return
        node.lazy = True

        def forced() -> list[VarNode]:
            if self.force is None:
                return [leaf("value", "<cannot force here>")]
            try:
                value = self.force(p)
            except Exception as exc:  # the forcing failed: show why instead of a value
                return [leaf("value", f"<error: {exc}>")]
            return [self.node("value", value, _wrap("force", evaluate_name), read_only=True)]

        node.fetch = cached_named(forced)

    def _stream(self, node: VarNode, s: Pair) -> None:
        """Forced elements indexed, then a lazy `rest` when the tail is not computed yet."""
        store = self.store
        items: list[Any] = []
        cur: Any = s
        tail: Any = NIL
        while isinstance(cur, Pair):
            items.append(cur.car)
            t = cur.cdr
            if not isinstance(t, Promise):
                tail = t
                break
            ts = t.state(store)
            if ts[0] != "value":
                tail = t
                break
            cur = ts[1]
        else:
            tail = cur
        node.indexed = len(items)
        named: list[Any] = [tail] if isinstance(tail, Promise) else []
        node.named = len(named)
        cache: dict[Any, VarNode] = {}

        def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
            if "rest" not in cache and named:
                cache["rest"] = self.node("rest", named[0], None, read_only=True)
            nm = [cache["rest"]] if named else []
            ix = []
            want = range(len(items)) if filt != "named" else range(0)
            for i in want:
                if filt is None or filt == "indexed":
                    if i not in cache:
                        cache[i] = self.node(str(i), items[i], None, read_only=True)
                    ix.append(cache[i])
            if filt == "named":
                return page(nm, start, count)
            if filt == "indexed":
                return page(ix, start, count)
            return page(nm + ix, start, count)

        node.fetch = fetch


def _wrap(op: str, evaluate_name: str | None) -> str | None:
    return f"({op} {evaluate_name})" if evaluate_name else None


def memo_range(make: Callable[[int, int], list[VarNode]]) -> Callable[[int, int], list[VarNode]]:
    """Same nodes for the same entries within a stop (references stay stable)."""
    cache: dict[int, VarNode] = {}

    def get(a: int, b: int) -> list[VarNode]:
        missing = [i for i in range(a, b) if i not in cache]
        if missing:
            lo, hi = missing[0], missing[-1] + 1
            for i, node in zip(range(lo, hi), make(lo, hi), strict=True):
                cache.setdefault(i, node)
        return [cache[i] for i in range(a, b)]

    return get


__all__ = ["VarNode", "cut_write", "type_of", "grouped", "static_children", "leaf", "page", "LISTS",
           "ListInfo", "Renderer", "memo_range", "is_stream", "key_expr", "short_location", "number_text", "float_repr", "Closure"]
