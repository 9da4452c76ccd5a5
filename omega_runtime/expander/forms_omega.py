"""Omega's own forms (LANGUAGE.md 3.6, 3.7, 4, 6, 7, 10, 12): effects, handlers, amb, laziness,
transactions, budgets, capabilities, condition handlers, restarts and guard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import (
    AmbCollect,
    App,
    Const,
    Delay,
    Effect,
    Guard,
    GuardClause,
    Handle,
    HandleClause,
    HandlerBind,
    If,
    Lambda,
    Node,
    RestartBind,
    RestartCase,
    RestartClause,
    WithBudget,
    WithCapabilities,
    WithTransaction,
)
from ..syntax import Atom, SList, Syntax
from ..values import Symbol, sym
from .errors import E_BINDING, E_MALFORMED, fail
from .forms_control import check_clause_arrow, checked_clauses
from .idents import base_name, base_symbol, is_named
from .parse import Param, identifier, lambda_params, parts
from .scope import Env, extend, is_aux, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander

BUDGET_DIMENSIONS = ("steps", "llm-calls", "tokens", "seconds")


def _op(syn: Syntax, what: str) -> Symbol:
    _, key = identifier(syn, E_MALFORMED, what)
    return base_symbol(key)


def _args(x: Expander, forms: tuple[Syntax, ...], env: Env) -> Gen[list[Node]]:
    out: list[Node] = []
    for f in forms:
        out.append((yield x.sub(f, env)))
    return out


def expand_effect(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 1, None, "(effect op arg...)")
    op = _op(rest[0], "effect: operation name")
    return Effect(form.span, op=op, args=(yield _args(x, rest[1:], env)))


def expand_handle(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 1, None, "(handle body (on op (param... k) expr...)... [(return (v) expr...)])")
    body = yield x.sub(rest[0], env)
    node = Handle(form.span, body=body)
    ops: set[Symbol] = set()
    for clause in rest[1:]:
        if not isinstance(clause, SList) or clause.tail is not None or not clause.items:
            raise fail(E_MALFORMED, "handle: a clause is (on op (param... k) expr...) or (return (v) expr...)", clause)
        if is_named(clause.items[0], "on"):
            if len(clause.items) < 4:
                raise fail(E_MALFORMED, "handle: expected (on op (param... k) expr...)", clause)
            op = _op(clause.items[1], "handle: operation name")
            if op in ops:
                raise fail(E_MALFORMED, f"handle: two clauses for the operation {op.name}", clause)
            ops.add(op)
            params, rest_p = lambda_params(clause.items[2], "handle")
            if rest_p is not None or not params:
                raise fail(E_BINDING, "handle: expected (param... k)", clause.items[2])
            bs = [new_binding(a, k, "handler") for a, k in params]
            cbody = yield x.body(clause.items[3:], extend(env, [(k, b) for (_, k), b in zip(params, bs, strict=True)]), clause.span)
            node.clauses.append(HandleClause(op, bs[:-1], bs[-1], cbody, clause.span))
        elif is_named(clause.items[0], "return"):
            if node.return_param is not None:
                raise fail(E_MALFORMED, "handle: two return clauses", clause)
            if len(clause.items) < 3:
                raise fail(E_MALFORMED, "handle: expected (return (v) expr...)", clause)
            params, rest_p = lambda_params(clause.items[1], "handle")
            if rest_p is not None or len(params) != 1:
                raise fail(E_BINDING, "handle: a return clause takes one parameter (v)", clause.items[1])
            (atom, key), = params
            b = new_binding(atom, key, "handler")
            node.return_param = b
            node.return_body = yield x.body(clause.items[2:], env.set(key, b), clause.span)
        else:
            raise fail(E_MALFORMED, "handle: a clause starts with on or return", clause)
    return node


def expand_amb(x: Expander, form: SList, env: Env) -> Gen[Node]:
    alts = parts(form, 0, None, "(amb expr...)")
    span = form.span
    if not alts:
        return Effect(span, op=sym("amb.fail"), args=[Const(span, value=sym("amb"), synthetic=True)])
    thunks: list[Node] = []
    for alt in alts:
        thunks.append(Lambda(span, params=[], rest=None, body=(yield x.sub(alt, env)), synthetic=True))
    return Effect(span, op=sym("amb.choose"), args=[App(span, fn=x.prim("list", span), args=thunks, synthetic=True)])


def expand_require(x: Expander, form: SList, env: Env) -> Gen[Node]:
    (test_syn,) = parts(form, 1, 1, "(require test)")
    span = form.span
    fail_node = Effect(span, op=sym("amb.fail"), args=[Const(span, value=sym("require"), synthetic=True)],
                       synthetic=True)
    return If(span, test=(yield x.sub(test_syn, env)), then=x.void(span), else_=fail_node)


def expand_amb_collect(x: Expander, form: SList, env: Env) -> Gen[Node]:
    (expr,) = parts(form, 1, 1, "(amb-collect expr)")
    return AmbCollect(form.span, expr=(yield x.sub(expr, env)))


def expand_delay(x: Expander, form: SList, env: Env) -> Gen[Node]:
    name = base_name(identifier(form.items[0], E_MALFORMED, "delay")[1])
    (expr,) = parts(form, 1, 1, f"({name} expr)")
    return Delay(form.span, expr=(yield x.sub(expr, env)), force_chain=name == "delay-force")


def expand_cons_stream(x: Expander, form: SList, env: Env) -> Gen[Node]:
    head, tail = parts(form, 2, 2, "(cons-stream head tail)")
    span = form.span
    head_node = yield x.sub(head, env)
    promise = Delay(span, expr=(yield x.sub(tail, env)), synthetic=True)
    return App(span, fn=x.prim("cons", span), args=[head_node, promise])


def expand_with_transaction(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 1, None, "(with-transaction body...)")
    return WithTransaction(form.span, body=(yield x.body(rest, env, form.span)))


def expand_with_budget(x: Expander, form: SList, env: Env) -> Gen[Node]:
    usage = "(with-budget (dimension expr)... body...)"
    rest = parts(form, 1, None, usage)
    limits: list[tuple[str, Node]] = []
    i = 0
    while i < len(rest):
        item = rest[i]
        if not (isinstance(item, SList) and item.items and any(is_named(item.items[0], d) for d in BUDGET_DIMENSIONS)):
            break
        if item.tail is not None or len(item.items) != 2:
            raise fail(E_MALFORMED, "with-budget: a limit is (dimension expr)", item)
        dim = base_name(identifier(item.items[0], E_MALFORMED, "with-budget")[1])
        limits.append((dim, (yield x.sub(item.items[1], env))))
        i += 1
    if i == len(rest):
        raise fail(E_MALFORMED, f"with-budget: expected {usage}", form)
    return WithBudget(form.span, limits=limits, body=(yield x.body(rest[i:], env, form.span)))


def expand_with_capabilities(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(with-capabilities (capability...) body...)")
    caps_syn = rest[0]
    if not isinstance(caps_syn, SList) or caps_syn.tail is not None:
        raise fail(E_MALFORMED, "with-capabilities: expected a list of capability names", caps_syn)
    caps: list[str] = []
    for c in caps_syn.items:
        if isinstance(c, Atom) and isinstance(c.value, str):
            caps.append(str(c.value))
        else:
            caps.append(base_name(identifier(c, E_MALFORMED, "with-capabilities: capability")[1]))
    return WithCapabilities(form.span, capabilities=caps, body=(yield x.body(rest[1:], env, form.span)))


def _named_procs(x: Expander, spec: Syntax, env: Env, what: str) -> Gen[list[tuple[Symbol, Node]]]:
    """`((name expr)...)` for handler-bind and restart-bind."""
    if not isinstance(spec, SList) or spec.tail is not None:
        raise fail(E_BINDING, f"{what}: expected ((name procedure)...)", spec)
    out: list[tuple[Symbol, Node]] = []
    for item in spec.items:
        if not isinstance(item, SList) or item.tail is not None or len(item.items) != 2:
            raise fail(E_BINDING, f"{what}: expected (name procedure)", item)
        _, key = identifier(item.items[0], E_BINDING, what)
        out.append((base_symbol(key), (yield x.sub(item.items[1], env))))
    return out


def expand_handler_bind(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(handler-bind ((type handler)...) body...)")
    handlers = yield _named_procs(x, rest[0], env, "handler-bind")
    return HandlerBind(form.span, handlers=handlers, body=(yield x.body(rest[1:], env, form.span)))


def expand_restart_bind(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(restart-bind ((name procedure)...) body...)")
    restarts = yield _named_procs(x, rest[0], env, "restart-bind")
    return RestartBind(form.span, restarts=restarts, body=(yield x.body(rest[1:], env, form.span)))


def expand_restart_case(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 1, None, "(restart-case expr (name (param...) body...)...)")
    node = RestartCase(form.span, expr=(yield x.sub(rest[0], env)))
    for clause in rest[1:]:
        if not isinstance(clause, SList) or clause.tail is not None or len(clause.items) < 3:
            raise fail(E_MALFORMED, "restart-case: a clause is (name (param...) body...)", clause)
        name = _op(clause.items[0], "restart-case: restart name")
        params, rest_p = lambda_params(clause.items[1], "restart-case")
        bs = [new_binding(a, k, "restart") for a, k in params]
        rb = new_binding(rest_p[0], rest_p[1], "restart") if rest_p else None
        pairs = [(k, b) for (_, k), b in zip(params, bs, strict=True)] + ([(rest_p[1], rb)] if rest_p and rb else [])
        body = yield x.body(clause.items[2:], extend(env, pairs), clause.span)
        node.clauses.append(RestartClause(name, bs, rb, body, clause.span))
    return node


def expand_guard(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(guard (var clause...) body...)")
    spec = rest[0]
    if not isinstance(spec, SList) or spec.tail is not None or not spec.items:
        raise fail(E_MALFORMED, "guard: expected (var clause...)", spec)
    var: Param = identifier(spec.items[0], E_BINDING, "guard: variable")
    b = new_binding(var[0], var[1], "guard")
    cenv = env.set(var[1], b)
    clauses: list[GuardClause] = []
    for clause in checked_clauses(spec.items[1:], "guard", cenv):
        arrow = check_clause_arrow(clause, "guard", cenv)
        head = clause.items[0]
        if is_aux(head, "else", cenv):
            test: Node = Const(head.span, value=True, synthetic=True)
        else:
            test = yield x.sub(head, cenv)
        body: Node | None = None
        if arrow:
            body = yield x.sub(clause.items[2], cenv)
        elif len(clause.items) > 1:
            body = yield x.sequence(clause.items[1:], cenv, clause.span)
        clauses.append(GuardClause(test, body, arrow, clause.span))
    return Guard(form.span, var=b, clauses=clauses, body=(yield x.body(rest[1:], env, form.span)))
