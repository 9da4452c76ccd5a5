"""Equality, type predicates and procedure introspection (LANGUAGE.md 2.3, 14.5)."""

from __future__ import annotations

from ..core import Lambda
from ..equality import equal, eqv
from ..values import VOID, Condition, Procedure, Promise, Proposal, Restart, Value, Void, sym
from . import checks
from .registry import PrimContext, Primitive, primitive


@primitive("eq?", 2, signature="(eq? a b)")
def eq_p(a: Value, b: Value) -> Value:
    """Same as `eqv?` (LANGUAGE.md 2.3)."""
    if a is b and a.__class__ is not float:
        return True
    return eqv(a, b)


@primitive("eqv?", 2, signature="(eqv? a b)")
def eqv_p(a: Value, b: Value) -> Value:
    """Numbers of one exactness by value, strings by content, other values by identity."""
    return eqv(a, b)


@primitive("equal?", 2, kind="ctx", signature="(equal? a b)")
def equal_p(ctx: PrimContext, a: Value, b: Value) -> Value:
    """`eqv?` extended through pairs and vectors."""
    return equal(a, b, ctx.store)


@primitive("not", 1, signature="(not v)")
def not_(v: Value) -> Value:
    """#t for #f, else #f."""
    return v is False


@primitive("boolean?", 1, signature="(boolean? v)")
def boolean_p(v: Value) -> Value:
    """Is `v` #t or #f?"""
    return v.__class__ is bool


@primitive("procedure?", 1, signature="(procedure? v)")
def procedure_p(v: Value) -> Value:
    """Closures, primitives, continuations, resumptions, oracle procedures."""
    return isinstance(v, Procedure)


@primitive("void?", 1, signature="(void? v)")
def void_p(v: Value) -> Value:
    """Is `v` the void value?"""
    return isinstance(v, Void)


@primitive("promise?", 1, signature="(promise? v)")
def promise_p(v: Value) -> Value:
    """Is `v` a promise?"""
    return isinstance(v, Promise)


@primitive("condition?", 1, signature="(condition? v)")
def condition_p(v: Value) -> Value:
    """Is `v` a condition?"""
    return isinstance(v, Condition)


@primitive("restart?", 1, signature="(restart? v)")
def restart_p(v: Value) -> Value:
    """Is `v` a restart?"""
    return isinstance(v, Restart)


@primitive("proposal?", 1, signature="(proposal? v)")
def proposal_p(v: Value) -> Value:
    """Is `v` a transaction proposal?"""
    return isinstance(v, Proposal)


@primitive("void", 0, None, signature="(void arg ...)")
def void(*_args: Value) -> Value:
    """Ignores its arguments and gives void."""
    return VOID


@primitive("procedure-name", 1, signature="(procedure-name procedure)")
def procedure_name(p: Value) -> Value:
    """The procedure's name as a symbol, or #f when anonymous."""
    proc = checks.procedure("procedure-name", p)
    return sym(proc.name) if proc.name and proc.show_name else False


def documentation(proc: Procedure) -> str | None:
    """A procedure's docstring: a primitive's doc, or a closure's `doc` (or its lambda node's)."""
    if isinstance(proc, Primitive):
        return proc.doc or None
    doc = getattr(proc, "doc", None)
    if isinstance(doc, str):
        return doc
    for attr in ("lam", "lambda_", "node", "code"):  # the closure's lambda node (core or compiled)
        node = getattr(proc, attr, None)
        if isinstance(node, Lambda) or hasattr(node, "doc"):
            node_doc = getattr(node, "doc", None)
            return node_doc if isinstance(node_doc, str) else None
    return None


@primitive("procedure-documentation", 1, signature="(procedure-documentation procedure)")
def procedure_documentation(p: Value) -> Value:
    """The procedure's docstring, or #f."""
    doc = documentation(checks.procedure("procedure-documentation", p))
    return False if doc is None else doc
