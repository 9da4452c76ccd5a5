"""Core forms -> machine nodes: lexical addressing and statement marking.

Every local reference becomes (depth, slot) in the chain of runtime environment frames; a binding
that is assigned, or bound by `letrec`, lives in a store cell (LANGUAGE.md 16.1). The pass uses an
explicit work stack so deeply nested programs compile without Python recursion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mypy_extensions import mypyc_attr

from .. import core as C
from ..values import VOID, Vector
from . import nodes as N
from .layout import Layout

# A scope is the chain of compile-time frames, innermost last; each maps Binding -> (index, boxed).
Scope = tuple[dict[C.Binding, tuple[int, bool]], ...]


class MatchPattern:
    """A compiled `match` pattern: tuples interpreted by `Machine.match` without recursion."""


def _layout(bindings: list[C.Binding], kind: str, force_box: bool = False) -> tuple[Layout, dict[C.Binding, tuple[int, bool]]]:
    boxed = [force_box or b.assigned for b in bindings]
    frame = {b: (i, boxed[i]) for i, b in enumerate(bindings)}
    return Layout(bindings, boxed, kind), frame


@mypyc_attr(native_class=False)  # a bag of named fields, set from keywords
class ExtentInfo:
    """Compile-time data of an extent form (what `Machine.enter_extent` needs)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def children(self) -> list[N.Node]:
        return list(self.__dict__.get("_children", []))


class Compiler:
    def __init__(self, builtins: dict[str, Any]) -> None:
        self.builtins = builtins
        self.next_nid = 1
        # Built-in code counts down from -1: its nodes are made on demand (the prelude's
        # procedures on first use), and must not shift the program's node ids.
        self.next_builtin_nid = -1
        self.nodes_by_id: dict[int, N.Node] = {}

    def compile(self, node: C.Node, builtin: bool = False) -> N.Node:
        """Compile a top-level form (global scope)."""
        out = self._compile(node, (), builtin)
        out.stmt = True
        return out

    def compile_in_env(self, node: C.Node, env: tuple[Any, ...]) -> N.Node:
        """Compile an expression to run in the runtime environment `env` (a debugger evaluating
        in a frame): its locals resolve to that environment's slots."""
        layouts: list[Layout] = []
        e: Any = env
        while e is not None and e[0] is not None:
            layouts.append(e[1])
            e = e[0]
        scope: Scope = tuple({b: (i, layout.boxed[i]) for i, b in enumerate(layout.bindings)}
                             for layout in reversed(layouts))
        return self._compile(node, scope, False)

    # The compile is a post-order walk over an explicit stack: each entry is a thunk producing a
    # node from already compiled children.
    def _compile(self, root: C.Node, scope: Scope, builtin: bool) -> N.Node:
        results: list[N.Node] = []
        # stack items: ("visit", core, scope, stmt) or ("build", fn, n_children)
        stack: list[tuple[Any, ...]] = [("visit", root, scope, False)]
        while stack:
            item = stack.pop()
            if item[0] == "build":
                _, fn, count, stmt_flags = item
                kids = results[len(results) - count:] if count else []
                if count:
                    del results[len(results) - count:]
                for kid, flag in zip(kids, stmt_flags):
                    if flag:
                        kid.stmt = True
                results.append(fn(kids))
                continue
            _, cnode, sc, _stmt = item
            children, fn, stmt_flags = self._plan(cnode, sc, builtin)
            stack.append(("build", fn, len(children), stmt_flags))
            for child, child_scope in children[::-1]:
                stack.append(("visit", child, child_scope, False))
        return results[0]

    def _finish(self, n: N.Node, builtin: bool) -> N.Node:
        if builtin:
            n.nid = self.next_builtin_nid
            self.next_builtin_nid -= 1
            n.builtin = True
        else:
            n.nid = self.next_nid
            self.next_nid += 1
            self.nodes_by_id[n.nid] = n
        return n

    def _resolve(self, b: C.Binding, scope: Scope) -> tuple[int, int, bool]:
        depth = 0
        for frame in scope[::-1]:
            hit = frame.get(b)
            if hit is not None:
                return depth, hit[0], hit[1]
            depth += 1
        raise KeyError(f"unresolved local {b.name}")  # an expander bug, never user input

    def _plan(self, n: C.Node, sc: Scope, builtin: bool) -> Any:
        span, syn = n.span, n.synthetic
        fin = self._finish

        def leaf(node: N.Node) -> tuple[list[tuple[C.Node, Scope]], Callable[[list[N.Node]], N.Node], list[bool]]:
            return [], lambda _k: fin(node, builtin), []

        if isinstance(n, C.Const):
            if isinstance(n.value, Vector):
                return leaf(N.KVectorLiteral(span, syn, n.value.items))
            return leaf(N.KConst(span, syn, n.value))
        if isinstance(n, C.PrimRef):
            return leaf(N.KConst(span, syn, self.builtins[n.name]))
        if isinstance(n, C.LocalRef):
            depth, index, boxed = self._resolve(n.binding, sc)
            cls = N.KLocal
            if not boxed:
                cls = (N.KLocal0, N.KLocal1, N.KLocal2)[depth] if depth <= 2 else N.KLocal
            return leaf(cls(span, syn, depth, index, boxed, n.binding))
        if isinstance(n, C.GlobalRef):
            if builtin and n.name.name in self.builtins:
                # The prelude calls the built-ins whatever the program redefines (LANGUAGE.md 14).
                return leaf(N.KConst(span, syn, self.builtins[n.name.name]))
            return leaf(N.KGlobal(span, syn, n.name))
        if isinstance(n, C.SetLocal):
            depth, index, boxed = self._resolve(n.binding, sc)
            b = n.binding
            if not boxed:
                # Only code compiled into an existing frame (a debugger's expression) can assign a
                # binding that the program itself never assigns: it is held in its frame.
                return [(n.expr, sc)], lambda k: fin(N.KSetFrozen(span, syn, k[0], b), builtin), [False]
            return [(n.expr, sc)], lambda k: fin(N.KSetLocal(span, syn, depth, index, k[0], b), builtin), [False]
        if isinstance(n, (C.SetGlobal, C.DefineGlobal)):
            define = isinstance(n, C.DefineGlobal)
            name = n.name
            return [(n.expr, sc)], lambda k: fin(N.KSetGlobal(span, syn, name, k[0], define), builtin), [False]
        if isinstance(n, C.Lambda):
            params = list(n.params) + ([n.rest] if n.rest is not None else [])
            layout, frame = _layout(params, "lambda")
            lam = n
            return ([(n.body, sc + (frame,))],
                    lambda k: fin(N.KLambda(span, syn, len(lam.params), lam.rest is not None, layout, k[0],
                                            lam.name, lam.doc), builtin), [True])
        if isinstance(n, C.If):
            kids = [(n.test, sc), (n.then, sc)] + ([(n.else_, sc)] if n.else_ is not None else [])
            has_else = n.else_ is not None
            return kids, lambda k: fin(N.KIf(span, syn, k[0], k[1], k[2] if has_else else None), builtin), [False] * len(kids)
        if isinstance(n, C.Seq):
            return ([(e, sc) for e in n.exprs], lambda k: fin(N.KSeq(span, syn, list(k)), builtin),
                    [True] * len(n.exprs))
        if isinstance(n, C.Let):
            layout, frame = _layout(n.bindings, "let")
            kids = [(i, sc) for i in n.inits] + [(n.body, sc + (frame,))]
            count = len(n.inits)
            return (kids, lambda k: fin(N.KLet(span, syn, list(k[:count]), layout, k[count]), builtin),
                    [False] * count + [True])
        if isinstance(n, C.Letrec):
            layout, frame = _layout(n.bindings, "letrec", force_box=True)
            inner = sc + (frame,)
            kids = [(i, inner) for i in n.inits] + [(n.body, inner)]
            count = len(n.inits)
            return (kids, lambda k: fin(N.KLetrec(span, syn, list(k[:count]), layout, k[count]), builtin),
                    [False] * count + [True])
        if isinstance(n, C.App):
            if syn and _thunk_list(n):
                # An amb's alternatives (forms_omega.expand_amb): made in one transition.
                return ([(a, sc) for a in n.args], lambda k: fin(N.KThunks(span, syn, list(k)), builtin),
                        [False] * len(n.args))
            kids = [(n.fn, sc)] + [(a, sc) for a in n.args]
            return kids, lambda k: fin(N.KApp(span, syn, k[0], list(k[1:])), builtin), [False] * len(kids)
        if isinstance(n, (C.And, C.Or)):
            cls2 = N.KAnd if isinstance(n, C.And) else N.KOr
            return ([(e, sc) for e in n.exprs], lambda k: fin(cls2(span, syn, list(k)), builtin),
                    [False] * len(n.exprs))
        if isinstance(n, C.Effect):
            op = n.op
            return ([(a, sc) for a in n.args], lambda k: fin(N.KEffect(span, syn, op, list(k)), builtin),
                    [False] * len(n.args))
        if isinstance(n, C.Handle):
            return self._plan_handle(n, sc, builtin)
        if isinstance(n, C.Match):
            return self._plan_match(n, sc, builtin)
        if isinstance(n, C.Delay):
            chain = n.force_chain
            return [(n.expr, sc)], lambda k: fin(N.KDelay(span, syn, k[0], chain), builtin), [True]
        if isinstance(n, C.OracleLambda):
            names = tuple(b.name for b in n.params)
            rest = n.rest.name if n.rest is not None else None
            nm = n.name
            return [(n.spec, sc)], lambda k: fin(N.KOracleLambda(span, syn, names, rest, k[0], nm), builtin), [False]
        return self._plan_extent(n, sc, builtin)

    def _plan_handle(self, n: C.Handle, sc: Scope, builtin: bool) -> Any:
        kids: list[tuple[C.Node, Scope]] = [(n.body, sc)]
        layouts = []
        for cl in n.clauses:
            layout, frame = _layout(list(cl.params) + [cl.k], "handler")
            layouts.append(layout)
            kids.append((cl.body, sc + (frame,)))
        ret_layout = None
        if n.return_body is not None and n.return_param is not None:
            ret_layout, frame = _layout([n.return_param], "handler")
            kids.append((n.return_body, sc + (frame,)))
        clauses = n.clauses
        has_ret = ret_layout is not None

        def build(k: list[N.Node]) -> N.Node:
            table = {cl.op: N.HandleClauseK(cl.op, len(cl.params), layouts[i], k[1 + i], cl.span)
                     for i, cl in enumerate(clauses)}
            ret_body = k[-1] if has_ret else None
            return self._finish(N.KHandle(n.span, n.synthetic, k[0], table, ret_layout, ret_body), builtin)

        return kids, build, [False] + [True] * (len(kids) - 1)

    def _plan_match(self, n: C.Match, sc: Scope, builtin: bool) -> Any:
        kids: list[tuple[C.Node, Scope]] = [(n.expr, sc)]
        compiled = []
        for cl in n.clauses:
            layout, frame = _layout(list(cl.binders), "match")
            index = {b: i for i, b in enumerate(cl.binders)}
            compiled.append((_compile_pattern(cl.pattern, index), layout))
            kids.append((cl.body, sc + (frame,)))

        def build(k: list[N.Node]) -> N.Node:
            clauses = [(pat, layout, k[1 + i]) for i, (pat, layout) in enumerate(compiled)]
            return self._finish(N.KMatch(n.span, n.synthetic, k[0], clauses), builtin)

        return kids, build, [False] + [True] * len(n.clauses)

    def _plan_extent(self, n: C.Node, sc: Scope, builtin: bool) -> Any:
        span, syn = n.span, n.synthetic
        fin = self._finish

        def ext(kind: str, pre: list[C.Node], body: C.Node, info: Any, extra: list[tuple[C.Node, Scope]] | None = None,
                body_scope: Scope | None = None) -> Any:
            extra = extra or []
            kids = [(p, sc) for p in pre] + [(body, body_scope or sc)] + extra
            npre = len(pre)

            def build(k: list[N.Node]) -> N.Node:
                info._children = k[npre + 1:]
                info.compiled = k[npre + 1:]
                return fin(N.KExtent(span, syn, kind, list(k[:npre]), k[npre], info), builtin)

            return kids, build, [False] * npre + [True] * (1 + len(extra))

        if isinstance(n, C.WithTransaction):
            return ext("with-transaction", [], n.body, ExtentInfo())
        if isinstance(n, C.WithBudget):
            return ext("with-budget", [e for _, e in n.limits], n.body, ExtentInfo(dims=[d for d, _ in n.limits]))
        if isinstance(n, C.WithCapabilities):
            return ext("with-capabilities", [], n.body, ExtentInfo(caps=list(n.capabilities)))
        if isinstance(n, C.HandlerBind):
            return ext("handler-bind", [e for _, e in n.handlers], n.body, ExtentInfo(types=[t for t, _ in n.handlers]))
        if isinstance(n, C.RestartBind):
            return ext("restart-bind", [e for _, e in n.restarts], n.body, ExtentInfo(names=[t for t, _ in n.restarts]))
        if isinstance(n, C.AmbCollect):
            return ext("amb-collect", [], n.expr, ExtentInfo())
        if isinstance(n, C.RestartCase):
            extra = []
            clauses = []
            for cl in n.clauses:
                params = list(cl.params) + ([cl.rest] if cl.rest is not None else [])
                layout, frame = _layout(params, "restart")
                clauses.append((cl.name, len(cl.params), cl.rest is not None, layout, cl.span))
                extra.append((cl.body, sc + (frame,)))
            return ext("restart-case", [], n.expr, ExtentInfo(clauses=clauses), extra)
        if isinstance(n, C.Guard):
            layout, frame = _layout([n.var], "guard")
            inner = sc + (frame,)
            extra = []
            shapes = []
            for gcl in n.clauses:
                extra.append((gcl.test, inner))
                if gcl.body is not None:
                    extra.append((gcl.body, inner))
                shapes.append((gcl.body is not None, gcl.arrow))
            return ext("guard", [], n.body, ExtentInfo(layout=layout, shapes=shapes), extra)
        raise TypeError(f"cannot compile {type(n).__name__}")


def _thunk_list(n: C.App) -> bool:
    """Whether `n` is `(list (lambda () a) ...)` of the built-in `list`: a list of thunks."""
    return (isinstance(n.fn, C.PrimRef) and n.fn.name == "list" and bool(n.args)
            and all(isinstance(a, C.Lambda) and not a.params and a.rest is None for a in n.args))


def _compile_pattern(p: C.Pattern, index: dict[C.Binding, int]) -> Any:
    """Patterns become nested tuples: ('any',) ('bind', slot, first) ('const', v)
    ('list', items, tail, repeat, repeat_slots) ('vec', items)."""
    stack: list[tuple[Any, ...]] = [("visit", p)]
    out: list[Any] = []
    while stack:
        item = stack.pop()
        if item[0] == "build":
            _, kind, obj, count = item
            kids = out[len(out) - count:] if count else []
            if count:
                del out[len(out) - count:]
            if kind == "list":
                nitems = len(obj.items)
                items = tuple(kids[:nitems])
                rest = kids[nitems:]
                tail = rest.pop(0) if obj.tail is not None else None
                repeat = rest.pop(0) if obj.repeat is not None else None
                slots = tuple(index[b] for b in obj.repeat_binders)
                out.append(("list", items, tail, repeat, slots))
            else:
                out.append(("vec", tuple(kids)))
            continue
        q = item[1]
        if isinstance(q, C.PAny):
            out.append(("any",))
        elif isinstance(q, C.PBind):
            out.append(("bind", index[q.binding], q.first))
        elif isinstance(q, C.PConst):
            out.append(("const", q.value))
        elif isinstance(q, C.PList):
            subs = list(q.items) + ([q.tail] if q.tail is not None else []) + ([q.repeat] if q.repeat is not None else [])
            stack.append(("build", "list", q, len(subs)))
            for s in subs[::-1]:
                stack.append(("visit", s))
        elif isinstance(q, C.PVector):
            stack.append(("build", "vec", q, len(q.items)))
            for s in q.items[::-1]:
                stack.append(("visit", s))
        else:
            raise TypeError(f"bad pattern {q!r}")
    return out[0]


__all__ = ["Compiler", "VOID"]
