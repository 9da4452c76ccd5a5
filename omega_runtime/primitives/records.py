"""Record support (LANGUAGE.md 3.2): the primitives `define-record-type` is lowered to.

`%record-type` makes the type; the others make the type's constructor, predicate, accessors and
modifiers as `Primitive`s named like the user's procedures, so arity and type errors read as
theirs. Field writes are store writes under `(record, index)`.
"""

from __future__ import annotations

from ..conditions import value_error, wrong_type
from ..values import VOID, Record, RecordType, Symbol, Value, sym
from . import cells, checks
from .registry import PrimContext, Primitive, primitive


def _rtype(prim: str, v: Value) -> RecordType:
    if not isinstance(v, RecordType):
        raise wrong_type(prim, "record-type", v)
    return v


def _field_index(prim: str, rtype: RecordType, field: Value) -> int:
    name = checks.symbol(prim, field).name
    try:
        return rtype.fields.index(name)
    except ValueError:
        raise value_error(prim, f"record type {rtype.name} has no field {name}", field) from None


def _type_name(rtype: RecordType) -> str:
    return f"record <{rtype.name}>"


@primitive("%record-type", 2, signature="(%record-type name fields)")
def record_type(name: Value, fields: Value) -> Value:
    """A record type named `name` (a string, without <>) with the listed field symbols."""
    text = checks.string("%record-type", name)
    names = tuple(checks.symbol("%record-type", f).name for f in checks.proper_list("%record-type", fields))
    return RecordType(str.__str__(text), names)


@primitive("%record-constructor", 3, signature="(%record-constructor rtype name fields)")
def record_constructor(rtype: Value, name: Value, fields: Value) -> Value:
    """The constructor taking the listed fields; the other fields start as void."""
    rt = _rtype("%record-constructor", rtype)
    proc_name = checks.symbol("%record-constructor", name).name
    slots = [_field_index("%record-constructor", rt, f) for f in checks.proper_list("%record-constructor", fields)]
    width = len(rt.fields)

    def construct(*args: Value) -> Value:
        items: list[Value] = [VOID] * width
        for slot, arg in zip(slots, args, strict=True):
            items[slot] = arg
        return Record(rt, items)

    sig = "(" + " ".join([proc_name, *(rt.fields[s] for s in slots)]) + ")"
    return Primitive(proc_name, construct, len(slots), len(slots), "pure",
                     f"Make a {rt.name} record.", sig, False)


@primitive("%record-predicate", 2, signature="(%record-predicate rtype name)")
def record_predicate(rtype: Value, name: Value) -> Value:
    """The predicate holding for the type's instances."""
    rt = _rtype("%record-predicate", rtype)
    proc_name = checks.symbol("%record-predicate", name).name

    def test(v: Value) -> Value:
        return isinstance(v, Record) and v.rtype is rt

    return Primitive(proc_name, test, 1, 1, "pure", f"Is the value a {rt.name} record?", f"({proc_name} v)", True)


@primitive("%record-accessor", 3, signature="(%record-accessor rtype name field)")
def record_accessor(rtype: Value, name: Value, field: Value) -> Value:
    """The accessor of `field`; given anything but an instance it signals wrong-type."""
    rt = _rtype("%record-accessor", rtype)
    proc_name = checks.symbol("%record-accessor", name).name
    i = _field_index("%record-accessor", rt, field)

    def access(ctx: PrimContext, rec: Value) -> Value:
        if not (isinstance(rec, Record) and rec.rtype is rt):
            raise wrong_type(proc_name, _type_name(rt), rec)
        return rec.ref(ctx.store, i)

    return Primitive(proc_name, access, 1, 1, "ctx", f"The {rt.fields[i]} field of a {rt.name} record.",
                     f"({proc_name} record)", False)


@primitive("%record-modifier", 3, signature="(%record-modifier rtype name field)")
def record_modifier(rtype: Value, name: Value, field: Value) -> Value:
    """The modifier of `field`: a store write, a `record-set` proposal in a transaction."""
    rt = _rtype("%record-modifier", rtype)
    proc_name = checks.symbol("%record-modifier", name).name
    i = _field_index("%record-modifier", rt, field)
    field_sym: Symbol = sym(rt.fields[i])

    def modify(ctx: PrimContext, rec: Value, value: Value) -> Value:
        if not (isinstance(rec, Record) and rec.rtype is rt):
            raise wrong_type(proc_name, _type_name(rt), rec)
        cells.write(ctx, (rec, i), value, "record-set", rec, field_sym, rec.ref(ctx.store, i), value)
        return VOID

    return Primitive(proc_name, modify, 2, 2, "ctx", f"Set the {rt.fields[i]} field of a {rt.name} record.",
                     f"({proc_name} record value)", True)


@primitive("record?", 1, signature="(record? v)")
def record_p(v: Value) -> Value:
    """Is `v` a record instance?"""
    return isinstance(v, Record)
