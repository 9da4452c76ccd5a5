"""Shape checks shared by the special forms: part counts, parameter and binding lists."""

from __future__ import annotations

from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL
from .errors import E_BINDING, E_DUPLICATE, E_MALFORMED, fail
from .idents import Key, base_name, ident_key

Param = tuple[Atom, Key]


def form_name(form: SList) -> str:
    key = ident_key(form.items[0]) if form.items else None
    return base_name(key) if key is not None else "form"


def parts(form: SList, low: int, high: int | None, usage: str) -> tuple[Syntax, ...]:
    """The parts after the keyword, checked to number low..high (None: no limit); else E0101."""
    name = form_name(form)
    if form.tail is not None:
        raise fail(E_MALFORMED, f"{name}: improper list in special form; expected {usage}", form)
    # `null` reads as an atom but is the empty list wherever a list is expected.
    rest = tuple(SList((), r.span) if isinstance(r, Atom) and r.value is NIL else r for r in form.items[1:])
    if len(rest) < low or (high is not None and len(rest) > high):
        raise fail(E_MALFORMED, f"{name}: expected {usage}", form)
    return rest


def identifier(syn: Syntax, code: str, what: str) -> Param:
    key = ident_key(syn)
    if key is None or not isinstance(syn, Atom):
        raise fail(code, f"{what}: expected an identifier", syn)
    return syn, key


def check_unique(params: list[Param], what: str) -> None:
    """E0104 at the second occurrence of a repeated name."""
    seen: set[Key] = set()
    for atom, key in params:
        if key in seen:
            raise fail(E_DUPLICATE, f"{what}: duplicate name {base_name(key)}", atom)
        seen.add(key)


def lambda_params(spec: Syntax, what: str) -> tuple[list[Param], Param | None]:
    """`(a b)`, `(a b . rest)` or `args`: the parameters and the rest parameter (E0102, E0104)."""
    if ident_key(spec) is not None:
        rest = identifier(spec, E_BINDING, what)
        return [], rest
    if not isinstance(spec, SList):
        raise fail(E_BINDING, f"{what}: bad parameter list", spec)
    params = [identifier(p, E_BINDING, f"{what}: bad parameter") for p in spec.items]
    rest_param = identifier(spec.tail, E_BINDING, f"{what}: bad rest parameter") if spec.tail is not None else None
    check_unique(params + ([rest_param] if rest_param else []), what)
    return params, rest_param


def binding_list(spec: Syntax, what: str) -> list[tuple[Atom, Key, Syntax]]:
    """`((v e)...)`: each name with its init (E0102 for any other shape, E0104 for duplicates)."""
    if isinstance(spec, SVector):
        raise fail(E_BINDING, f"{what}: a binding list is written with ( ), not [ ]", spec)
    if not isinstance(spec, SList) or spec.tail is not None:
        raise fail(E_BINDING, f"{what}: expected a list of (name value) bindings", spec)
    out: list[tuple[Atom, Key, Syntax]] = []
    for b in spec.items:
        if not isinstance(b, SList) or b.tail is not None or len(b.items) != 2:
            raise fail(E_BINDING, f"{what}: a binding must be (name value)", b)
        atom, key = identifier(b.items[0], E_BINDING, f"{what}: binding name")
        out.append((atom, key, b.items[1]))
    check_unique([(a, k) for a, k, _ in out], what)
    return out


def symbol_list(spec: Syntax, what: str) -> list[Param]:
    """`(name...)` of identifiers (E0101 otherwise)."""
    if not isinstance(spec, SList) or spec.tail is not None:
        raise fail(E_MALFORMED, f"{what}: expected a list of names", spec)
    return [identifier(s, E_MALFORMED, what) for s in spec.items]
