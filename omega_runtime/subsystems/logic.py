"""The logic subsystem: relational programming over amb (miniKanren's core in Omega).

Logic variables and unification are Python primitives here (iterative, so data of any depth
unifies); `fresh`, `conde`, `run` and `run*` are macros and `==` a procedure in
`omega_runtime/logic.omega`, loaded at runtime creation. The current substitution lives in the
global `%logic-subst`, so backtracking (which restores the store) undoes unifications.

    (define (appendo l s out)
      (conde ((== l '()) (== s out))
             ((fresh (a d res) (== l (cons a d)) (== out (cons a res)) (appendo d s res)))))
    (run* (q) (fresh (x y) (== q (list x y)) (appendo x y '(1 2 3))))
      => ((() (1 2 3)) ((1) (2 3)) ((1 2) (3)) ((1 2 3) ()))

Answers come in a stable order: depth-first, `conde` clauses in order. Unbound variables in an
answer are reified as `_.0`, `_.1`, ... by first occurrence. `(run n (q) goal...)` stops the
search once n answers are found: every later `==`, `fresh` and `conde` fails at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import immutables

from ..conditions import wrong_type
from ..equality import equal
from ..primitives.registry import primitive
from ..values import NIL, Pair, Store, Symbol, Vector, make_list, sym
from .state import to_python

if TYPE_CHECKING:
    from .state import StateCoordinator

Subst = immutables.Map[Any, Any]
EMPTY: Subst = immutables.Map()
_ids = itertools.count(1)


class LVar:
    """A logic variable: identity is the variable."""

    __slots__ = ("id", "name")

    def __init__(self, name: str) -> None:
        self.id = next(_ids)
        self.name = name

    def __repr__(self) -> str:
        return f"#<logic-var {self.name}.{self.id}>"


class Collector:
    """How many answers a `run n` still wants. It lives outside the store on purpose: backtracking
    must not forget answers already found."""

    __slots__ = ("limit", "found")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found = 0


def walk(v: Any, s: Subst) -> Any:
    while isinstance(v, LVar):
        bound = s.get(v, _UNBOUND)
        if bound is _UNBOUND:
            return v
        v = bound
    return v


_UNBOUND = object()


def unify(u: Any, v: Any, s: Subst, store: Store) -> Subst | None:
    """The substitution extended so that u and v are equal, or None. No occurs check."""
    work = [(u, v)]
    while work:
        a, b = work.pop()
        a, b = walk(a, s), walk(b, s)
        if a is b:
            continue
        if isinstance(a, LVar):
            s = s.set(a, b)
        elif isinstance(b, LVar):
            s = s.set(b, a)
        elif isinstance(a, Pair) and isinstance(b, Pair):
            work.append((a.cdr, b.cdr))
            work.append((a.car, b.car))
        elif isinstance(a, Vector) and isinstance(b, Vector):
            if len(a) != len(b):
                return None
            work.extend(reversed(list(zip(a.elements(store), b.elements(store), strict=True))))
        elif isinstance(a, (Pair, Vector, LVar)) or isinstance(b, (Pair, Vector, LVar)):
            return None
        elif not equal(a, b, store):
            return None
    return s


def map_tree(v: Any, f: Callable[[Any], Any]) -> Any:
    """`v` with `f` applied to every node first, rebuilding the pairs `f` leaves (iterative)."""
    results: list[Any] = []
    stack: list[tuple[Any, bool]] = [(v, False)]
    while stack:
        x, built = stack.pop()
        if built:
            cdr = results.pop()
            car = results.pop()
            results.append(Pair(car, cdr))
            continue
        x = f(x)
        if isinstance(x, Pair):
            stack.append((x, True))
            stack.append((x.cdr, False))
            stack.append((x.car, False))
        else:
            results.append(x)
    return results[0]


def walk_all(v: Any, s: Subst) -> Any:
    """`v` with every bound variable replaced by its value, through pairs."""
    return map_tree(v, lambda x: walk(x, s))


def reify(v: Any, s: Subst) -> Any:
    """`walk_all`, then unbound variables named `_.0`, `_.1`, ... by first occurrence."""
    names: dict[LVar, Symbol] = {}

    def name(x: Any) -> Any:
        if isinstance(x, LVar):
            if x not in names:
                names[x] = sym(f"_.{len(names)}")
            return names[x]
        return x

    return map_tree(walk_all(v, s), name)


# ---- primitives used by logic.omega -----------------------------------------------------------


@primitive("logic-var", 0, 1, signature="(logic-var [name])", derives=False)
def _logic_var(name: Any = None) -> LVar:
    """A fresh logic variable."""
    return LVar(name.name if isinstance(name, Symbol) else "_" if name is None else str(name))


@primitive("logic-var?", 1, derives=False)
def _logic_var_p(v: Any) -> bool:
    """Is v a logic variable?"""
    return isinstance(v, LVar)


@primitive("%logic-empty-subst", 0, derives=False, signature="(%logic-empty-subst)")
def _empty_subst() -> Subst:
    """The substitution that binds nothing."""
    return EMPTY


@primitive("%logic-unify", 3, kind="ctx", derives=False, signature="(%logic-unify u v subst)")
def _unify(m: Any, u: Any, v: Any, s: Any) -> Any:
    """The extended substitution, or #f."""
    out = unify(u, v, s, m.s)
    return False if out is None else out


@primitive("%logic-reify", 2, derives=False, signature="(%logic-reify value subst)")
def _reify(v: Any, s: Any) -> Any:
    """v under the substitution, unbound variables named _.0, _.1, ..."""
    return reify(v, s)


@primitive("logic-walk", 2, derives=False, signature="(logic-walk value subst)")
def _walk_all(v: Any, s: Any) -> Any:
    """v with the substitution's bindings applied throughout."""
    return walk_all(v, s)


@primitive("%logic-make-collector", 1, derives=False, signature="(%logic-make-collector n)")
def _make_collector(n: Any) -> Collector:
    """A counter of the answers a `run n` has found."""
    if n.__class__ is bool or not isinstance(n, int) or n < 0:
        raise wrong_type("run", "integer", n)
    return Collector(int(n))


@primitive("%logic-collector-full?", 1, derives=False, signature="(%logic-collector-full? collector)")
def _collector_full(c: Any) -> bool:
    """Has the run found all the answers it wants?"""
    return isinstance(c, Collector) and c.found >= c.limit


@primitive("%logic-collector-add!", 1, derives=False, signature="(%logic-collector-add! collector)")
def _collector_add(c: Any) -> Any:
    """Count one more answer."""
    if isinstance(c, Collector):
        c.found += 1
    return NIL


@primitive("%logic-take", 2, derives=False, signature="(%logic-take answers n)")
def _take(answers: Any, n: Any) -> Any:
    """At most the first n answers."""
    out: list[Any] = []
    cur = answers
    while isinstance(cur, Pair) and len(out) < n:
        out.append(cur.car)
        cur = cur.cdr
    return make_list(out)


class LogicManager:
    """From Python: `query("(run* (q) ...)")` gives the answers as Python data."""

    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime

    def query(self, code: str) -> list[Any]:
        """Evaluate a `run`/`run*` expression; its answers as Python data (see `to_python`).
        An Omega error raises RuntimeError with the report."""
        result = self._rt.eval(code, source="<logic>")
        if not result.ok:
            raise RuntimeError(result.report or "logic query did not read")
        answers = to_python(result.value, self._state.store())
        return answers if isinstance(answers, list) else [answers]

    @staticmethod
    def fresh(name: str = "_") -> LVar:
        return LVar(name)

    def unify(self, u: Any, v: Any, subst: Subst = EMPTY) -> Subst | None:
        return unify(u, v, subst, self._state.store())

    @staticmethod
    def reify(v: Any, subst: Subst) -> Any:
        return reify(v, subst)


__all__ = ["LogicManager", "LVar", "unify", "reify", "walk_all", "EMPTY"]
