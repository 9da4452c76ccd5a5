"""Derived conditionals and loops (LANGUAGE.md 3.4, 16.2): cond, case, and, or, when, unless, do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core import And, App, Binding, Const, If, Lambda, Let, Letrec, LocalRef, Node, Or, Seq
from ..span import Span
from ..syntax import SList, Syntax
from ..values import make_list
from .errors import E_BINDING, E_ELSE, E_MALFORMED, fail
from .idents import is_named, strip
from .parse import Param, check_unique, identifier, parts
from .scope import Env, extend, is_aux, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander


def _temp(name: str, macro: str, span: Span) -> Binding:
    """A binding the expansion introduces; no user identifier can refer to it."""
    return Binding(name, span, "let", macro=macro)


def check_clause_arrow(clause: SList, what: str, env: Env) -> bool:
    """True for `(test => proc)`; E0110 for any other use of `=>` in the clause."""
    items = clause.items
    arrows = [i for i, item in enumerate(items) if is_aux(item, "=>", env)]
    if not arrows:
        return False
    if arrows != [1] or len(items) != 3:
        raise fail(E_ELSE, f"{what}: => must be written (test => procedure)", items[arrows[0]])
    return True


def checked_clauses(clauses: Sequence[Syntax], what: str, env: Env) -> list[SList]:
    """Clauses checked for shape and for `else` placement (last, and never inside a clause)."""
    out: list[SList] = []
    for i, clause in enumerate(clauses):
        if not isinstance(clause, SList) or clause.tail is not None or not clause.items:
            raise fail(E_MALFORMED, f"{what}: a clause must be a non-empty list", clause)
        if is_aux(clause.items[0], "else", env):
            if i != len(clauses) - 1:
                raise fail(E_ELSE, f"{what}: else must be the last clause", clause.items[0])
            if len(clause.items) < 2:
                raise fail(E_MALFORMED, f"{what}: else clause has no expressions", clause)
        for item in clause.items[1:]:
            if is_aux(item, "else", env):
                raise fail(E_ELSE, f"{what}: misplaced else", item)
        out.append(clause)
    return out


def _clauses(form: SList, start: int, what: str, env: Env) -> list[SList]:
    return checked_clauses(parts(form, start - 1, None, f"({what} ... clause...)")[start - 1:], what, env)


def expand_cond(x: Expander, form: SList, env: Env) -> Gen[Node]:
    clauses = _clauses(form, 1, "cond", env)
    parsed: list[tuple[SList, Node | None, bool]] = []
    for clause in clauses:
        arrow = check_clause_arrow(clause, "cond", env)
        if is_aux(clause.items[0], "else", env):
            parsed.append((clause, None, arrow))
        else:
            parsed.append((clause, (yield x.sub(clause.items[0], env)), arrow))
    bodies: list[Node | None] = []
    for clause, test, arrow in parsed:
        if arrow:
            bodies.append((yield x.sub(clause.items[2], env)))
        elif test is None or len(clause.items) > 1:
            bodies.append((yield x.sequence(clause.items[1:], env, clause.span)))
        else:
            bodies.append(None)
    acc: Node | None = None
    for i in range(len(parsed) - 1, -1, -1):
        clause, test, arrow = parsed[i]
        body = bodies[i]
        span = form.span if i == 0 else clause.span
        synthetic = i != 0
        if test is None:
            assert body is not None
            acc = body
        elif body is not None and not arrow:
            acc = If(span, test=test, then=body, else_=acc, synthetic=synthetic)
        else:
            # `(test)` gives the test's value, `(test => f)` calls f on it: bind it once.
            t = _temp("test", "cond", clause.span)
            ref = LocalRef(clause.span, binding=t, synthetic=True)
            then: Node = LocalRef(clause.span, binding=t, synthetic=True)
            if arrow:
                assert body is not None
                then = App(clause.span, fn=body, args=[ref], synthetic=True)
            acc = Let(span, bindings=[t], inits=[test],
                      body=If(clause.span, test=ref, then=then, else_=acc, synthetic=True), synthetic=synthetic)
    return acc if acc is not None else x.void(form.span)


def expand_case(x: Expander, form: SList, env: Env) -> Gen[Node]:
    key_syn = parts(form, 1, None, "(case key ((datum...) expr...)... [(else expr...)])")[0]
    key_node = yield x.sub(key_syn, env)
    clauses = _clauses(form, 2, "case", env)
    k = _temp("key", "case", form.span)
    parsed: list[tuple[SList, Node | None, Node, bool]] = []
    for clause in clauses:
        arrow = check_clause_arrow(clause, "case", env)
        is_else = is_aux(clause.items[0], "else", env)
        if not is_else and (not isinstance(clause.items[0], SList) or clause.items[0].tail is not None):
            raise fail(E_MALFORMED, "case: a clause starts with a list of data", clause.items[0])
        if len(clause.items) < 2:
            raise fail(E_MALFORMED, "case: a clause has no expressions", clause)
        test: Node | None = None
        if not is_else:
            data_syn = clause.items[0]
            assert isinstance(data_syn, SList)
            data = Const(data_syn.span, value=make_list([strip(d) for d in data_syn.items]), synthetic=True)
            test = App(clause.span, fn=x.prim("memv", clause.span), synthetic=True,
                       args=[LocalRef(clause.span, binding=k, synthetic=True), data])
        if arrow:
            proc = yield x.sub(clause.items[2], env)
            body: Node = App(clause.span, fn=proc, args=[LocalRef(clause.span, binding=k, synthetic=True)],
                             synthetic=True)
        else:
            body = yield x.sequence(clause.items[1:], env, clause.span)
        parsed.append((clause, test, body, arrow))
    acc: Node | None = None
    for clause, test, body, _ in reversed(parsed):
        acc = body if test is None else If(clause.span, test=test, then=body, else_=acc, synthetic=True)
    return Let(form.span, bindings=[k], inits=[key_node], body=acc if acc is not None else x.void(form.span))


def expand_and(x: Expander, form: SList, env: Env) -> Gen[Node]:
    exprs: list[Node] = []
    for e in parts(form, 0, None, "(and expr...)"):
        exprs.append((yield x.sub(e, env)))
    return And(form.span, exprs=exprs)


def expand_or(x: Expander, form: SList, env: Env) -> Gen[Node]:
    exprs: list[Node] = []
    for e in parts(form, 0, None, "(or expr...)"):
        exprs.append((yield x.sub(e, env)))
    return Or(form.span, exprs=exprs)


def expand_when(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, f"({'when' if is_named(form.items[0], 'when') else 'unless'} test body...)")
    test = yield x.sub(rest[0], env)
    body = yield x.body(rest[1:], env, form.span)
    if is_named(form.items[0], "when"):
        return If(form.span, test=test, then=body, else_=None)
    return If(form.span, test=test, then=x.void(form.span), else_=body)


def expand_do(x: Expander, form: SList, env: Env) -> Gen[Node]:
    """`do` as a named-let loop: App(Letrec([loop], [Lambda(vars)]), loop), inits)."""
    rest = parts(form, 2, None, "(do ((var init [step])...) (test result...) command...)")
    specs, exit_clause, commands = rest[0], rest[1], rest[2:]
    if not isinstance(specs, SList) or specs.tail is not None:
        raise fail(E_BINDING, "do: expected a list of (var init [step])", specs)
    names: list[Param] = []
    inits: list[Node] = []
    steps: list[Syntax | None] = []
    for spec in specs.items:
        if not isinstance(spec, SList) or spec.tail is not None or not 2 <= len(spec.items) <= 3:
            raise fail(E_BINDING, "do: a variable is (var init [step])", spec)
        names.append(identifier(spec.items[0], E_BINDING, "do: variable"))
        inits.append((yield x.sub(spec.items[1], env)))
        steps.append(spec.items[2] if len(spec.items) == 3 else None)
    check_unique(names, "do")
    if not isinstance(exit_clause, SList) or exit_clause.tail is not None or not exit_clause.items:
        raise fail(E_MALFORMED, "do: expected (test result...)", exit_clause)
    span = form.span
    loop = Binding("do-loop", span, "named-let", macro="do")
    params = [new_binding(a, k, "let") for a, k in names]
    inner = extend(env, [(k, b) for (_, k), b in zip(names, params, strict=True)])  # the loop itself is unnamable
    test = yield x.sub(exit_clause.items[0], inner)
    result: Node = (yield x.sequence(exit_clause.items[1:], inner, exit_clause.span)) if len(exit_clause.items) > 1 \
        else x.void(exit_clause.span)
    step_nodes: list[Node] = []
    for b, step, (atom, _) in zip(params, steps, names, strict=True):
        step_nodes.append((yield x.sub(step, inner)) if step is not None else LocalRef(atom.span, binding=b, synthetic=True))
    again = App(span, fn=LocalRef(span, binding=loop, synthetic=True), args=step_nodes, synthetic=True)
    loop_body: Node = again
    if commands:
        cmds = yield x.body(commands, inner, span)
        loop_body = Seq(span, exprs=[cmds, again], synthetic=True)
    proc = Lambda(span, params=params, body=If(span, test=test, then=result, else_=loop_body, synthetic=True),
                  name="do-loop", synthetic=True)
    letrec = Letrec(span, bindings=[loop], inits=[proc], body=LocalRef(span, binding=loop, synthetic=True),
                    synthetic=True)
    return App(span, fn=letrec, args=inits)

