"""`quasiquote`: templates become calls of cons, append and list->vector around constants.

Levels nest as in R7RS: `unquote` at level 1 evaluates, deeper ones rebuild the form with the
level lowered. Parts without anything to evaluate fold into one constant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core import App, Const, Node
from ..span import Span
from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, Pair, Vector, list_to_python, sym
from .errors import E_MALFORMED, E_UNQUOTE, fail
from .idents import is_named, strip
from .parse import parts
from .scope import Env, is_aux
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander


def _is_form(syn: Syntax, name: str, env: Env) -> bool:
    """`(name x)`: a two-element proper list headed by the keyword `name` (not a local variable)."""
    return isinstance(syn, SList) and syn.tail is None and len(syn.items) == 2 and is_aux(syn.items[0], name, env)


def _folded(node: Node) -> bool:
    return isinstance(node, Const) and node.synthetic


def _cons(head: Node, tail: Node, span: Span) -> Node:
    if _folded(head) and _folded(tail):
        assert isinstance(head, Const) and isinstance(tail, Const)
        return Const(span, value=Pair(head.value, tail.value), synthetic=True)
    return App(span, fn=_prim("cons", span), args=[head, tail], synthetic=True)


def _prim(name: str, span: Span) -> Node:
    from ..core import PrimRef

    return PrimRef(span, name=name, synthetic=True)


def _tagged(tag: str, inner: Node, span: Span) -> Node:
    """`(tag inner)` rebuilt, for quasiquote forms at a deeper level."""
    return _cons(Const(span, value=sym(tag), synthetic=True), _cons(inner, Const(span, value=NIL, synthetic=True), span), span)


def _template(x: Expander, t: Syntax, depth: int, env: Env) -> Gen[Node]:
    if isinstance(t, Atom):
        return Const(t.span, value=strip(t), synthetic=True)
    if isinstance(t, SVector):
        lst = yield _items(x, t.items, None, depth, env, t.span)
        if _folded(lst):
            assert isinstance(lst, Const)
            return Const(t.span, value=Vector(list_to_python(lst.value) or []), synthetic=True)
        return App(t.span, fn=_prim("list->vector", t.span), args=[lst], synthetic=True)
    if t.items and t.tail is None and is_aux(t.items[0], "unquote", env):
        if len(t.items) != 2:
            raise fail(E_MALFORMED, "unquote: expected exactly one expression", t)
        if depth == 1:
            result: Node = yield x.sub(t.items[1], env)
            return result
        return _tagged("unquote", (yield _template(x, t.items[1], depth - 1, env)), t.span)
    if _is_form(t, "quasiquote", env):
        return _tagged("quasiquote", (yield _template(x, t.items[1], depth + 1, env)), t.span)
    if _is_form(t, "unquote-splicing", env):
        if depth == 1:
            raise fail(E_UNQUOTE, "unquote-splicing: not inside a list", t)
        return _tagged("unquote-splicing", (yield _template(x, t.items[1], depth - 1, env)), t.span)
    result = yield _items(x, t.items, t.tail, depth, env, t.span)
    return result


def _items(x: Expander, items: Sequence[Syntax], tail: Syntax | None, depth: int, env: Env, span: Span) -> Gen[Node]:
    if tail is None and len(items) >= 3 and is_aux(items[-2], "unquote", env):
        # `(a unquote e)` is `(a . ,e)`
        tail = SList(tuple(items[-2:]), items[-2].span)
        items = items[:-2]
    acc: Node = (yield _template(x, tail, depth, env)) if tail is not None else Const(span, value=NIL, synthetic=True)
    last = tail is None
    for item in reversed(items):
        if _is_form(item, "unquote-splicing", env) and depth == 1:
            assert isinstance(item, SList)
            spliced = yield x.sub(item.items[1], env)
            # The last element is used as is, so it may be an improper list.
            acc = spliced if last else App(item.span, fn=_prim("append", item.span), args=[spliced, acc],
                                           synthetic=True)
        else:
            acc = _cons((yield _template(x, item, depth, env)), acc, span)
        last = False
    return acc


def expand_quasiquote(x: Expander, form: SList, env: Env) -> Gen[Node]:
    (template,) = parts(form, 1, 1, "(quasiquote template)")
    node: Node = yield _template(x, template, 1, env)
    if _folded(node):
        assert isinstance(node, Const)
        return Const(form.span, value=node.value)
    if node.synthetic:
        node.span, node.synthetic = form.span, False
    return node


def unquote_outside(x: Expander, form: SList, env: Env) -> Gen[Node]:
    name = "unquote-splicing" if is_named(form.items[0], "unquote-splicing") else "unquote"
    raise fail(E_UNQUOTE, f"{name}: not inside a quasiquote", form)
    yield  # pragma: no cover
