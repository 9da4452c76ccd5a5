"""Omega runtime values (LANGUAGE.md 2.1).

Representation choices, chosen for the machine's speed and for exact time travel:
* booleans, integers, floats and strings are Python's own (`bool` is checked before `int`);
  oracle-derived strings and numbers are the subclasses `PStr`/`PInt`/`PFloat` carrying provenance;
* symbols and keywords are interned objects compared by identity; `gensym` makes uninterned ones;
* pairs are immutable; vectors, records and hash tables keep their *initial* contents in the
  object and every later write in the machine's persistent store, keyed `(object, index)`
  (vectors, records) or by the object itself (hash tables), so that restoring an old store
  restores every mutable container exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from mypy_extensions import mypyc_attr

# Creation serials of mutable containers: a restart undoes writes to containers that existed at
# the restart point (LANGUAGE.md 10.3), i.e. those with a smaller serial.
_serials = itertools.count(1)


def next_serial() -> int:
    return next(_serials)

# Values are dynamically typed; `Value` documents intent without constraining.
Value = Any


class Symbol:
    __slots__ = ("name", "interned")

    def __init__(self, name: str, interned: bool = True) -> None:
        self.name = name
        self.interned = interned

    def __repr__(self) -> str:
        return self.name


_symbols: dict[str, Symbol] = {}


def sym(name: str) -> Symbol:
    """The interned symbol `name`."""
    s = _symbols.get(name)
    if s is None:
        s = _symbols[name] = Symbol(name)
    return s


class Keyword:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return ":" + self.name


_keywords: dict[str, Keyword] = {}


def keyword(name: str) -> Keyword:
    """The interned keyword `:name` (`name` without the colon)."""
    k = _keywords.get(name)
    if k is None:
        k = _keywords[name] = Keyword(name)
    return k


class Nil:
    __slots__ = ()

    def __repr__(self) -> str:
        return "()"

    def __bool__(self) -> bool:  # Omega truth is "not #f"; never use Python truth on values
        return True


NIL = Nil()


class Void:
    __slots__ = ()

    def __repr__(self) -> str:
        return "#<void>"


VOID = Void()


class Pair:
    __slots__ = ("car", "cdr", "provenance")

    def __init__(self, car: Value, cdr: Value, provenance: Value = None) -> None:
        self.car = car
        self.cdr = cdr
        self.provenance = provenance

    def __repr__(self) -> str:
        return f"Pair({self.car!r}, {self.cdr!r})"


@mypyc_attr(native_class=False)  # compiled (mypyc) builds: builtin subclasses stay Python classes
class PStr(str):
    """A string from the oracle or derived from one (LANGUAGE.md 5.7)."""

    provenance: Value

    def __new__(cls, value: str, provenance: Value) -> PStr:
        obj = str.__new__(cls, value)
        obj.provenance = provenance
        return obj


@mypyc_attr(native_class=False)
class PInt(int):
    provenance: Value

    def __new__(cls, value: int, provenance: Value) -> PInt:
        obj = int.__new__(cls, value)
        obj.provenance = provenance
        return obj


@mypyc_attr(native_class=False)
class PFloat(float):
    provenance: Value

    def __new__(cls, value: float, provenance: Value) -> PFloat:
        obj = float.__new__(cls, value)
        obj.provenance = provenance
        return obj


class Store(Protocol):
    """What value readers need of the machine's store (an `immutables.Map`)."""

    def get(self, key: Any, default: Any, /) -> Any: ...


MISSING: Any = object()


class Vector:
    """Mutable, fixed length. `items` is the initial content; slot i's current value is
    `store[(self, i)]` when present, else `items[i]`."""

    __slots__ = ("items", "provenance", "serial", "__weakref__")

    def __init__(self, items: Iterable[Value], provenance: Value = None) -> None:
        self.items: tuple[Value, ...] = tuple(items)
        self.provenance = provenance
        self.serial = next(_serials)

    def __len__(self) -> int:
        return len(self.items)

    def ref(self, store: Store, i: int) -> Value:
        v = store.get((self, i), MISSING)
        return self.items[i] if v is MISSING else v

    def elements(self, store: Store) -> list[Value]:
        return [self.ref(store, i) for i in range(len(self.items))]


class RecordType:
    __slots__ = ("name", "fields", "uid")

    def __init__(self, name: str, fields: tuple[str, ...]) -> None:
        self.name = name  # without the angle brackets
        self.fields = fields


class Record:
    """A record instance; field writes live in the store as for vectors."""

    __slots__ = ("rtype", "items", "serial")

    def __init__(self, rtype: RecordType, items: Iterable[Value]) -> None:
        self.rtype = rtype
        self.items: tuple[Value, ...] = tuple(items)
        self.serial = next(_serials)

    def ref(self, store: Store, i: int) -> Value:
        v = store.get((self, i), MISSING)
        return self.items[i] if v is MISSING else v


@mypyc_attr(allow_interpreted_subclasses=True)
class HashTable:
    """Its whole content is one store cell keyed by the table itself: a `HashContent`."""

    __slots__ = ("serial", "__weakref__")

    def __init__(self) -> None:
        self.serial = next(_serials)


class PromptTag:
    __slots__ = ("name",)

    def __init__(self, name: Value) -> None:
        self.name = name


@mypyc_attr(allow_interpreted_subclasses=True)
class Procedure:
    """Base of everything `procedure?` holds for. `write_tag` gives `#<procedure f>`,
    `#<continuation>`, `#<oracle-procedure f>`."""

    __slots__ = ("name",)
    write_tag = "procedure"
    show_name = True  # continuations print without a name

    def __init__(self, name: str | None) -> None:
        self.name = name


@mypyc_attr(allow_interpreted_subclasses=True)
class Primitive(Procedure):
    """A built-in procedure (primitives/registry.py fills the table). Compiled with the machine
    (a native class in the mypyc build), so the step loop reads its fields directly."""

    __slots__ = ("fn", "min_args", "max_args", "kind", "doc", "signature", "derives", "pair_type", "pair_op")

    def __init__(self, name: str, fn: Callable[..., Value], min_args: int, max_args: int | None,
                 kind: str, doc: str, signature: str, derives: bool,
                 pair: tuple[type, Callable[[Any, Any], Value]] | None = None) -> None:
        super().__init__(name)
        self.fn = fn
        self.min_args = min_args
        self.max_args = max_args  # None: any number
        self.kind = kind  # pure | ctx | control
        self.doc = doc
        self.signature = signature  # e.g. "(substring s start [end])"
        self.derives = derives  # result derives provenance from arguments (LANGUAGE.md 5.7)
        # `(type, op)`: a C-level operator giving what `fn` gives for two arguments of exactly
        # that type (`(int, operator.add)` for `+`); the step loop calls it instead of `fn`
        # there, sparing an interpreted call.
        self.pair_type: type | None = None if pair is None else pair[0]
        self.pair_op: Callable[[Any, Any], Value] | None = None if pair is None else pair[1]


class Promise:
    """`store[self]` holds its state once it changes: ("value", v) when forced; before that the
    initial state is `self.initial` (("value", v) for make-promise, ("thunk", code, env) else)."""

    __slots__ = ("initial", "is_stream_tail")

    def __init__(self, initial: tuple[Any, ...]) -> None:
        self.initial = initial
        self.is_stream_tail = False

    def state(self, store: Store) -> tuple[Any, ...]:
        st = store.get(self, MISSING)
        return self.initial if st is MISSING else st


class Condition:
    """A signalled condition (LANGUAGE.md 10.1)."""

    __slots__ = ("ctype", "message", "data", "supertypes", "span", "restarts", "user_made", "payload", "continuable")

    def __init__(self, ctype: Symbol, message: str, data: Value, supertypes: tuple[Symbol, ...],
                 span: Any = None) -> None:
        self.ctype = ctype
        self.message = message
        self.data = data  # an Omega list
        self.supertypes = supertypes
        self.span = span
        self.restarts: tuple[Any, ...] = ()  # runtime restarts offered at the signal point
        self.user_made = False  # made by error/warn/signal: reports add the data items
        self.payload: Value = self  # what handlers and guard variables receive (17.6: a raised object)
        self.continuable = False  # raised by raise-continuable: a with-exception-handler's value returns

    def is_a(self, t: Symbol) -> bool:
        return t is self.ctype or t in self.supertypes


class Restart:
    __slots__ = ("name", "params", "span", "target")

    def __init__(self, name: Symbol, params: tuple[str, ...], span: Any, target: Any) -> None:
        self.name = name
        self.params = params
        self.span = span
        self.target = target  # machine-private: where invoking it transfers


class Proposal:
    """An external side effect proposed inside a transaction (LANGUAGE.md 7)."""

    __slots__ = ("pid", "kind", "target", "payload")

    def __init__(self, pid: int, kind: str, target: Value, payload: Any) -> None:
        self.pid = pid
        self.kind = kind  # shell | tool | file-write
        self.target = target
        self.payload = payload


def is_true(v: Value) -> bool:
    return v is not False


def is_int(v: Value) -> bool:
    return isinstance(v, int) and v.__class__ is not bool


def is_float(v: Value) -> bool:
    return isinstance(v, float)


def is_number(v: Value) -> bool:
    return (isinstance(v, int) and v.__class__ is not bool) or isinstance(v, float)


def make_list(items: Iterable[Value], tail: Value = NIL) -> Value:
    result = tail
    for item in list(items)[::-1]:
        result = Pair(item, result)
    return result


def iter_list(v: Value) -> Iterator[Value]:
    """Elements of a proper or improper list (stops at the first non-pair)."""
    while isinstance(v, Pair):
        yield v.car
        v = v.cdr


def list_to_python(v: Value) -> list[Value] | None:
    """Elements of a proper list, or None when `v` is not one."""
    out = []
    while isinstance(v, Pair):
        out.append(v.car)
        v = v.cdr
    return out if v is NIL else None


def provenance_of(v: Value) -> Value:
    """The provenance tree attached to `v`, or None."""
    return getattr(v, "provenance", None) if isinstance(v, (PStr, PInt, PFloat, Pair, Vector)) else None


# ---- LANGUAGE.md 17: multiple values, the end-of-file object, ports, regular expressions -------


class MultipleValues:
    """What `(values ...)` gives for any count but one; only the multiple-values forms take it apart."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Value, ...]) -> None:
        self.items = items


def make_values(items: tuple[Value, ...]) -> Value:
    """`(values item...)`: one item is itself, any other count a MultipleValues."""
    return items[0] if len(items) == 1 else MultipleValues(items)


def values_of(v: Value) -> tuple[Value, ...]:
    """The values a value stands for: a MultipleValues' items, else the value alone."""
    return v.items if isinstance(v, MultipleValues) else (v,)


class EofObject:
    __slots__ = ()

    def __repr__(self) -> str:
        return "#<eof>"


EOF = EofObject()


class Port:
    """An input or output port. Its mutable state (position, text written, closed) is one store
    cell keyed by the port, so step back, backtracking and restarts restore it exactly."""

    __slots__ = ("kind", "serial", "__weakref__")
    direction = ""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # string | stdin | stdout | stderr
        self.serial = next(_serials)

    def write_form(self) -> str:
        return f"#<{self.direction}-port {self.kind}>"


class InputPort(Port):
    """Reads `text`; the store holds `InputState` once anything was read."""

    __slots__ = ("text",)
    direction = "input"

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(kind)
        self.text = text


class OutputPort(Port):
    """Writes to a string (`OutputState` in the store) or to the program's stdout / stderr."""

    __slots__ = ()
    direction = "output"


class Regex:
    """A compiled regular expression (Python `re` syntax) with the flags it was given."""

    __slots__ = ("pattern", "flags", "compiled")

    def __init__(self, pattern: str, flags: str, compiled: Any) -> None:
        self.pattern = pattern
        self.flags = flags  # a string of i m s x
        self.compiled = compiled  # re.Pattern[str]
