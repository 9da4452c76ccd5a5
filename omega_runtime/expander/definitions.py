"""`define` and `define-record-type`: parsed once, then lowered at top level or in a body.

A parsed definition names what it binds and how to build the init node in a given scope, so
the top level (DefineGlobal) and bodies (one Letrec) share the parsing and the lowering.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..core import App, Const, DefineGlobal, Lambda, Node, OracleLambda, PrimRef, Seq
from ..records import NamedTuple
from ..span import Span
from ..syntax import Atom, SList, Syntax
from ..values import Symbol, make_list
from .errors import E_DUPLICATE, E_KEYWORD, E_MALFORMED, fail
from .idents import Key, Renamed, base_name, base_symbol
from .parse import Param, check_unique, identifier, lambda_params, parts
from .scope import EMPTY_ENV, SPECIAL_FORMS, Env, extend, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander

InitMaker = Callable[[Env], "Node | Gen[Node]"]


class Definition(NamedTuple):
    atom: Atom  # the name's binding occurrence
    key: Key
    kind: str  # Binding.kind when local
    span: Span  # the sub-form that defines the name
    init: InitMaker


def make_lambda(x: Expander, params: list[Param], rest: Param | None, body: Sequence[Syntax], env: Env,
                span: Span, name: str | None = None, doc: str | None = None, synthetic: bool = False,
                kind: str = "param") -> Gen[Node]:
    """A Lambda over `params` whose body is expanded in a scope extending `env`."""
    pbs = [new_binding(a, k, kind) for a, k in params]
    rb = new_binding(rest[0], rest[1], "rest") if rest is not None else None
    pairs = [(k, b) for (_, k), b in zip(params, pbs, strict=True)] + ([(rest[1], rb)] if rest and rb else [])
    body_node = yield x.body(body, extend(env, pairs), span)
    return Lambda(span, params=pbs, rest=rb, body=body_node, name=name, doc=doc, synthetic=synthetic)


CASE_LAMBDA = "%case-lambda"  # the built-in a `case-lambda` expands to an application of


def named(x: Expander, syn: Syntax, env: Env, name: str) -> Gen[Node]:
    """Expand `syn`; a lambda (or oracle-lambda) it yields directly takes the name `name`, and so
    does every clause of a `case-lambda`."""
    node: Node = yield x.sub(syn, env)
    if isinstance(node, (Lambda, OracleLambda)) and node.name is None:
        node.name = name
    elif isinstance(node, App) and isinstance(node.fn, PrimRef) and node.fn.name == CASE_LAMBDA:
        for clause in node.args:
            if isinstance(clause, Lambda) and clause.name is None:
                clause.name = name
    return node


def parse_define(x: Expander, form: SList) -> Definition:
    usage = "(define name expr) or (define (name . params) body...)"
    target = parts(form, 1, None, usage)[0]
    if isinstance(target, SList):
        if not target.items:
            raise fail(E_MALFORMED, "define: missing procedure name", target)
        head = target.items[0]
        if isinstance(head, SList):
            raise fail(E_MALFORMED, "define: curried definitions are not supported", head)
        atom, key = identifier(head, E_MALFORMED, "define: procedure name")
        body = form.items[2:]
        if not body:
            raise fail(E_MALFORMED, f"define: procedure {base_name(key)} has an empty body", form)
        params, rest = lambda_params(SList(target.items[1:], target.span, target.tail), "define")
        doc: str | None = None
        if len(body) > 1 and isinstance(body[0], Atom) and isinstance(body[0].value, str):
            doc, body = str(body[0].value), body[1:]
        name = base_name(key)

        def init(env: Env) -> Gen[Node]:
            return make_lambda(x, params, rest, body, env, form.span, name, doc, synthetic=True)

        return Definition(atom, key, "define", form.span, init)
    atom, key = identifier(target, E_MALFORMED, "define: name")
    if len(form.items) != 3:
        raise fail(E_MALFORMED, f"define: expected {usage}", form)
    expr = form.items[2]
    return Definition(atom, key, "define", form.span, lambda env: named(x, expr, env, base_name(key)))


def parse_record(x: Expander, form: SList) -> list[Definition]:
    """The definitions of `(define-record-type <name> (ctor field...) pred (field accessor [modifier])...)`."""
    usage = "(define-record-type <name> (ctor field...) pred (field accessor [modifier])...)"
    rest = parts(form, 2, None, usage)
    type_atom, type_key = identifier(rest[0], E_MALFORMED, "define-record-type: type name")
    ctor_syn = rest[1]
    pred_syn = rest[2] if len(rest) > 2 else None
    fields: list[Param] = []
    accessors: list[tuple[SList, Param, Param, Param | None]] = []
    for spec in rest[3:]:
        if not isinstance(spec, SList) or spec.tail is not None or not 2 <= len(spec.items) <= 3:
            raise fail(E_MALFORMED, "define-record-type: a field is (field accessor [modifier])", spec)
        f = identifier(spec.items[0], E_MALFORMED, "define-record-type: field name")
        acc = identifier(spec.items[1], E_MALFORMED, "define-record-type: accessor name")
        mod = identifier(spec.items[2], E_MALFORMED, "define-record-type: modifier name") if len(spec.items) == 3 else None
        fields.append(f)
        accessors.append((spec, f, acc, mod))
    check_unique(fields, "define-record-type")
    field_syms = [base_symbol(k) for _, k in fields]
    tname = base_name(type_key)
    if len(tname) > 2 and tname.startswith("<") and tname.endswith(">"):
        tname = tname[1:-1]

    def prim_call(prim: str, span: Span, *extra: object) -> InitMaker:
        def init(env: Env) -> Node:
            args: list[Node] = [x.ref(type_key, env, span)] + [Const(span, value=v, synthetic=True) for v in extra]
            return App(span, fn=x.prim(prim, span), args=args, synthetic=True)
        return init

    span = form.span
    defs = [Definition(type_atom, type_key, "record", span, lambda env: App(
        span, fn=x.prim("%record-type", span), synthetic=True,
        args=[Const(span, value=tname, synthetic=True), Const(span, value=make_list(field_syms), synthetic=True)]))]
    if isinstance(ctor_syn, SList):
        if ctor_syn.tail is not None or not ctor_syn.items:
            raise fail(E_MALFORMED, "define-record-type: constructor is (name field...)", ctor_syn)
        c_atom, c_key = identifier(ctor_syn.items[0], E_MALFORMED, "define-record-type: constructor name")
        c_fields = [identifier(s, E_MALFORMED, "define-record-type: constructor field") for s in ctor_syn.items[1:]]
        check_unique(c_fields, "define-record-type constructor")
        for a, k in c_fields:
            if base_symbol(k) not in field_syms:
                raise fail(E_MALFORMED, f"define-record-type: {base_name(k)} is not a field", a)
        defs.append(Definition(c_atom, c_key, "record", ctor_syn.span, prim_call(
            "%record-constructor", ctor_syn.span, base_symbol(c_key), make_list([base_symbol(k) for _, k in c_fields]))))
    elif isinstance(ctor_syn, Atom) and ctor_syn.value is not False:
        c_atom, c_key = identifier(ctor_syn, E_MALFORMED, "define-record-type: constructor")
        defs.append(Definition(c_atom, c_key, "record", ctor_syn.span, prim_call(
            "%record-constructor", ctor_syn.span, base_symbol(c_key), make_list(field_syms))))
    if pred_syn is not None and not (isinstance(pred_syn, Atom) and pred_syn.value is False):
        p_atom, p_key = identifier(pred_syn, E_MALFORMED, "define-record-type: predicate name")
        defs.append(Definition(p_atom, p_key, "record", pred_syn.span,
                               prim_call("%record-predicate", pred_syn.span, base_symbol(p_key))))
    for spec, (_, fk), (a_atom, a_key), mod in accessors:
        defs.append(Definition(a_atom, a_key, "record", spec.span, prim_call(
            "%record-accessor", spec.span, base_symbol(a_key), base_symbol(fk))))
        if mod is not None:
            defs.append(Definition(mod[0], mod[1], "record", spec.span, prim_call(
                "%record-modifier", spec.span, base_symbol(mod[1]), base_symbol(fk))))
    return defs


def parse_define_values(x: Expander, form: SList) -> list[Definition]:
    """`(define-values formals expr)`: a hidden definition holding the list of expr's values (an
    arity-error when their count does not fit the formals), then one definition per formal."""
    formals, expr = parts(form, 2, 2, "(define-values formals expr)")
    params, rest = lambda_params(formals, "define-values")
    span = form.span
    # No identifier the user writes can name it; as a macro-introduced name, editors skip it.
    hidden = Renamed(Symbol("define-values", interned=False), (0,), "define-values")

    def values_list(env: Env) -> Gen[Node]:
        node: Node = yield x.sub(expr, env)
        spec = [Const(span, value=v, synthetic=True) for v in ("define-values", len(params), rest is not None)]
        return App(span, fn=x.prim("%values-list", span), args=[*spec, node], synthetic=True)

    def element(i: int, tail: bool) -> InitMaker:
        def init(env: Env) -> Node:
            args = [x.ref(hidden, env, span), Const(span, value=i, synthetic=True)]
            return App(span, fn=x.prim("list-tail" if tail else "list-ref", span), args=args, synthetic=True)
        return init

    defs = [Definition(Atom(hidden, span), hidden, "define", span, values_list)]
    defs += [Definition(a, k, "define", a.span, element(i, False)) for i, (a, k) in enumerate(params)]
    if rest is not None:
        defs.append(Definition(rest[0], rest[1], "define", rest[0].span, element(len(params), True)))
    return defs


DEFINITION_FORMS = ("define", "define-record-type", "define-values")


def parse_definition(x: Expander, form: SList, keyword: str) -> list[Definition]:
    if keyword == "define":
        return [parse_define(x, form)]
    return parse_define_values(x, form) if keyword == "define-values" else parse_record(x, form)


def toplevel_definition(x: Expander, form: SList, keyword: str) -> Gen[Node]:
    """`define` / `define-record-type` (`keyword`) at top level: DefineGlobal(s)."""
    defs = parse_definition(x, form, keyword)
    nodes: list[Node] = []
    for d in defs:
        s = base_symbol(d.key)
        if s in SPECIAL_FORMS:
            raise fail(E_KEYWORD, f"{keyword}: cannot redefine the special form {s.name}", d.atom)
    for d in defs:
        s = base_symbol(d.key)
        x.macros.pop(s, None)  # a variable now: later uses are calls
        expr = yield d.init(EMPTY_ENV)
        if keyword == "define":
            return DefineGlobal(form.span, name=s, expr=expr)
        nodes.append(DefineGlobal(d.span, name=s, expr=expr, synthetic=True))
    return Seq(form.span, exprs=nodes)


def check_new(seen: set[Key], d: Definition) -> None:
    if d.key in seen:
        raise fail(E_DUPLICATE, f"duplicate definition of {base_name(d.key)} in one body", d.atom)
    seen.add(d.key)


