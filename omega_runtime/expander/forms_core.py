"""Core binding and control forms: quote, if, set!, lambda, the let family, begin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import App, Const, If, Let, Letrec, LocalRef, Node, OracleLambda, Seq, SetGlobal, SetLocal
from ..syntax import Atom, SList, Syntax
from ..values import VOID
from .definitions import make_lambda, named
from .errors import E_BINDING, E_DEFINE_SYNTAX, E_DEFINITION, E_MALFORMED, fail
from .idents import Key, base_name, base_symbol, ident_key, strip
from .parse import binding_list, form_name, identifier, lambda_params, parts
from .scope import SPECIAL_FORMS, Env, extend, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander


def expand_quote(x: Expander, form: SList, env: Env) -> Gen[Node]:
    (datum,) = parts(form, 1, 1, "(quote datum)")
    return Const(form.span, value=strip(datum))
    yield  # pragma: no cover


def expand_if(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, 3, "(if test then [else])")
    test = yield x.sub(rest[0], env)
    then = yield x.sub(rest[1], env)
    else_ = (yield x.sub(rest[2], env)) if len(rest) == 3 else None
    return If(form.span, test=test, then=then, else_=else_)


def expand_set(x: Expander, form: SList, env: Env) -> Gen[Node]:
    name_syn, expr_syn = parts(form, 2, 2, "(set! name expr)")
    atom, key = identifier(name_syn, E_MALFORMED, "set!: target")
    expr = yield x.sub(expr_syn, env)
    binding = env.get(key)
    if binding is not None:
        binding.assigned = True
        binding.references.append(atom.span)
        return SetLocal(form.span, binding=binding, expr=expr)
    s = base_symbol(key)
    if s in SPECIAL_FORMS or s in x.macros:
        raise fail(E_MALFORMED, f"set!: {s.name} is syntax, not a variable", atom)
    return SetGlobal(form.span, name=s, expr=expr)


def expand_lambda(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(lambda params body...)")
    params, rest_param = lambda_params(rest[0], "lambda")
    result: Node = yield make_lambda(x, params, rest_param, rest[1:], env, form.span)
    return result


def _let_inits(x: Expander, bindings: list[tuple[Atom, Key, Syntax]], env: Env) -> Gen[list[Node]]:
    """The inits in order; a lambda bound by let/letrec takes the binding's name."""
    inits: list[Node] = []
    for _, key, init in bindings:
        inits.append((yield named(x, init, env, base_name(key))))
    return inits


def expand_let(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(let ((name value)...) body...) or (let loop ((name value)...) body...)")
    if ident_key(rest[0]) is not None:
        result: Node = yield _named_let(x, form, env)
        return result
    bl = binding_list(rest[0], "let")
    inits = yield _let_inits(x, bl, env)
    bs = [new_binding(a, k, "let") for a, k, _ in bl]
    body = yield x.body(rest[1:], extend(env, [(k, b) for (_, k, _), b in zip(bl, bs, strict=True)]), form.span)
    return Let(form.span, bindings=bs, inits=inits, body=body)


def _named_let(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 3, None, "(let name ((var init)...) body...)")
    atom, key = identifier(rest[0], E_BINDING, "let: loop name")
    bl = binding_list(rest[1], "let")
    inits: list[Node] = []
    for _, _, init in bl:
        inits.append((yield x.sub(init, env)))
    name = base_name(key)
    loop = new_binding(atom, key, "named-let")
    proc = yield make_lambda(x, [(a, k) for a, k, _ in bl], None, rest[2:], env.set(key, loop), form.span,
                             name=name, synthetic=True, kind="let")
    letrec = Letrec(form.span, bindings=[loop], inits=[proc], body=LocalRef(form.span, binding=loop, synthetic=True),
                    synthetic=True)
    return App(form.span, fn=letrec, args=inits)


def expand_let_star(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, "(let* ((name value)...) body...)")
    if not isinstance(rest[0], SList) or rest[0].tail is not None:
        binding_list(rest[0], "let*")  # raises the precise E0102
    assert isinstance(rest[0], SList)
    # Names may repeat in let*: each binding is its own scope.
    bl = [binding_list(SList((b,), b.span), "let*")[0] for b in rest[0].items]
    lets: list[Let] = []
    for atom, key, init in bl:
        node = yield named(x, init, env, base_name(key))
        b = new_binding(atom, key, "let")
        env = env.set(key, b)
        lets.append(Let(form.span, bindings=[b], inits=[node], synthetic=True))
    body = yield x.body(rest[1:], env, form.span)
    if not lets:
        return Let(form.span, bindings=[], inits=[], body=body)
    for inner in reversed(lets):
        inner.body = body
        body = inner
    lets[0].synthetic = False
    return lets[0]


def expand_letrec(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 2, None, f"({form_name(form)} ((name value)...) body...)")
    bl = binding_list(rest[0], form_name(form))
    bs = [new_binding(a, k, "letrec") for a, k, _ in bl]
    inner = extend(env, [(k, b) for (_, k, _), b in zip(bl, bs, strict=True)])
    inits = yield _let_inits(x, bl, inner)
    body = yield x.body(rest[1:], inner, form.span)
    return Letrec(form.span, bindings=bs, inits=inits, body=body)


def expand_begin(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 0, None, "(begin expr...)")
    if not rest:
        return Const(form.span, value=VOID)
    exprs: list[Node] = []
    for item in rest:
        exprs.append((yield x.sub(item, env)))
    return Seq(form.span, exprs=exprs)


def definition_here(x: Expander, form: SList, env: Env) -> Gen[Node]:
    raise fail(E_DEFINITION, f"{form_name(form)}: a definition is not allowed where an expression is required", form)
    yield  # pragma: no cover


def define_syntax_here(x: Expander, form: SList, env: Env) -> Gen[Node]:
    raise fail(E_DEFINE_SYNTAX, "define-syntax is allowed only at top level", form)
    yield  # pragma: no cover


def syntax_rules_here(x: Expander, form: SList, env: Env) -> Gen[Node]:
    raise fail(E_MALFORMED, "syntax-rules: allowed only in define-syntax", form)
    yield  # pragma: no cover


def expand_oracle_lambda(x: Expander, form: SList, env: Env) -> Gen[Node]:
    params_syn, spec_syn = parts(form, 2, 2, "(oracle-lambda params spec)")
    params, rest = lambda_params(params_syn, "oracle-lambda")
    # The spec is evaluated once, when the form is, outside the parameters' scope.
    spec = yield x.sub(spec_syn, env)
    return OracleLambda(form.span, params=[new_binding(a, k, "param") for a, k in params],
                        rest=new_binding(rest[0], rest[1], "rest") if rest else None, spec=spec)

