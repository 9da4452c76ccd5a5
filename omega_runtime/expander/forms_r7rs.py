"""The R7RS forms of LANGUAGE.md 17: `case-lambda`, `parameterize`, `let-values`, `let*-values`,
`receive` and `define-values` (whose parsing lives in definitions.py).

They lower to applications of built-ins, so the machine needs no new node kinds:
`(case-lambda clause...)` to `(%case-lambda (lambda formals body...)...)`; `(parameterize ((p v)...)
body...)` to `(%parameterize '(p...) p v ... (lambda () body...))`; the multiple-values forms to
`call-with-values` of a producer and a consumer whose parameters are the formals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import App, Binding, Const, Lambda, Node
from ..span import Span
from ..syntax import Atom, SList, Syntax
from ..values import make_list, sym
from .definitions import CASE_LAMBDA, make_lambda
from .errors import E_BINDING, E_MALFORMED, fail
from .idents import base_name, ident_key
from .parse import Param, check_unique, lambda_params, parts
from .scope import Env, extend, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander



def expand_case_lambda(x: Expander, form: SList, env: Env) -> Gen[Node]:
    clauses = parts(form, 0, None, "(case-lambda (formals body...)...)")
    lambdas: list[Node] = []
    for clause in clauses:
        if not isinstance(clause, SList) or clause.tail is not None or len(clause.items) < 2:
            raise fail(E_MALFORMED, "case-lambda: a clause is (formals body...)", clause)
        params, rest = lambda_params(clause.items[0], "case-lambda")
        lambdas.append((yield make_lambda(x, params, rest, clause.items[1:], env, clause.span)))
    return App(form.span, fn=x.prim(CASE_LAMBDA, form.span), args=lambdas)


def _pairs(spec: Syntax, what: str) -> list[tuple[Syntax, Syntax]]:
    if not isinstance(spec, SList) or spec.tail is not None:
        raise fail(E_BINDING, f"{what}: expected a list of bindings", spec)
    out = []
    for b in spec.items:
        if not isinstance(b, SList) or b.tail is not None or len(b.items) != 2:
            raise fail(E_BINDING, f"{what}: a binding is ({'parameter value' if what == 'parameterize' else 'formals expr'})", b)
        out.append((b.items[0], b.items[1]))
    return out


def expand_parameterize(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(parameterize ((parameter value)...) body...)")
    args: list[Node] = []
    names: list[str] = []
    for p, v in _pairs(rest[0], "parameterize"):
        key = ident_key(p)
        names.append(base_name(key) if key is not None else "...")
        args.append((yield x.sub(p, env)))
        args.append((yield x.sub(v, env)))
    body = yield x.body(rest[1:], env, form.span)
    thunk = Lambda(form.span, params=[], rest=None, body=body, name="parameterize", synthetic=True)
    label = Const(form.span, value=make_list([sym(n) for n in names]), synthetic=True)
    return App(form.span, fn=x.prim("%parameterize", form.span), args=[label, *args, thunk])


def _formal_bindings(params: list[Param], rest: Param | None) -> tuple[list[Binding], Binding | None]:
    return [new_binding(a, k, "let") for a, k in params], (new_binding(rest[0], rest[1], "rest") if rest else None)


def call_with_values(x: Expander, span: Span, producer_body: Node, params: list[Binding], rest: Binding | None,
                     body: Node, name: str) -> Node:
    """`(call-with-values (lambda () producer_body) (lambda formals body))`."""
    producer = Lambda(span, params=[], rest=None, body=producer_body, name=name, synthetic=True)
    consumer = Lambda(span, params=params, rest=rest, body=body, name=name, synthetic=True)
    return App(span, fn=x.prim("call-with-values", span), args=[producer, consumer], synthetic=True)


def _let_values(x: Expander, form: SList, env: Env, sequential: bool) -> Gen[Node]:
    what = "let*-values" if sequential else "let-values"
    rest = parts(form, 2, None, f"({what} ((formals expr)...) body...)")
    clauses = _pairs(rest[0], what)
    parsed = [(lambda_params(formals, what), expr, formals) for formals, expr in clauses]
    if not sequential:
        check_unique([p for (ps, r), _, _ in parsed for p in ps + ([r] if r else [])], what)
    scope = env
    inits: list[Node] = []
    bound: list[tuple[list[Binding], Binding | None]] = []
    for (params, rest_param), expr, _ in parsed:
        inits.append((yield x.sub(expr, scope if sequential else env)))
        pbs, rb = _formal_bindings(params, rest_param)
        bound.append((pbs, rb))
        pairs = [(k, b) for (_, k), b in zip(params, pbs, strict=True)]
        if rest_param is not None and rb is not None:
            pairs.append((rest_param[1], rb))
        scope = extend(scope, pairs)
    node: Node = yield x.body(rest[1:], scope, form.span)
    for i in range(len(parsed) - 1, -1, -1):
        span = clauses[i][0].span if isinstance(clauses[i][0], (SList, Atom)) else form.span
        node = call_with_values(x, span, inits[i], bound[i][0], bound[i][1], node, what)
    if not parsed:
        return node
    node.span, node.synthetic = form.span, False
    return node


def expand_let_values(x: Expander, form: SList, env: Env) -> Gen[Node]:
    result: Node = yield _let_values(x, form, env, False)
    return result


def expand_let_star_values(x: Expander, form: SList, env: Env) -> Gen[Node]:
    result: Node = yield _let_values(x, form, env, True)
    return result


def expand_receive(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 3, None, "(receive formals expr body...)")
    params, rest_param = lambda_params(rest[0], "receive")
    producer = yield x.sub(rest[1], env)
    pbs, rb = _formal_bindings(params, rest_param)
    pairs = [(k, b) for (_, k), b in zip(params, pbs, strict=True)]
    if rest_param is not None and rb is not None:
        pairs.append((rest_param[1], rb))
    body = yield x.body(rest[2:], extend(env, pairs), form.span)
    node = call_with_values(x, form.span, producer, pbs, rb, body, "receive")
    node.synthetic = False
    return node
