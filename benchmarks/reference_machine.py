"""The bare reference machine: the simplest honest CESK step machine for the benchmark programs.

It is the baseline `benchmarks/machine.py` measures Omega against, so it does the same algorithm
with none of Omega's obligations: no spans, no node ids, no persistent store (environments are
mutable dicts), no registers, no activation frames, no budgets, no handlers, no provenance.

* A tiny reader turns text into pairs, symbols, numbers, strings and booleans.
* `analyze` turns a datum into a tree of tagged tuples once, before running (as Omega's
  expander and compiler do); it is a parser, not a compiler to Python closures.
* `ReferenceMachine.run` is one loop; each iteration is one transition: evaluate a node
  (control is a node) or return a value to the top frame (control is None).
* The continuation is a linked list of frame tuples `(kind, next, ...)`. Applying a closure
  pushes nothing, so calls in tail position run in constant continuation depth.
* `(amb e ...)` records a choice point (alternatives, next index, environment, continuation) on
  a stack; `(amb)` pops the most recent one and tries its next alternative (chronological
  backtracking, SICP 4.3). Nothing else is saved or restored: assignments are not undone.
  `(require p)` fails when p is #f; `(amb-collect e)` gathers every value of e.

Nothing here recurses in Python on the size of its input: the reader, analyzer, printer and
`equal?` use explicit stacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# ---- values ---------------------------------------------------------------------------------


class Sym:
    """An interned symbol: compare with `is`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_SYMBOLS: dict[str, Sym] = {}


def sym(name: str) -> Sym:
    s = _SYMBOLS.get(name)
    if s is None:
        s = _SYMBOLS[name] = Sym(name)
    return s


class _Unique:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


NIL = _Unique("()")
VOID = _Unique("#<void>")


class Pair:
    __slots__ = ("car", "cdr")

    def __init__(self, car: Any, cdr: Any) -> None:
        self.car = car
        self.cdr = cdr


class Closure:
    __slots__ = ("params", "rest", "body", "env", "name")

    def __init__(self, params: tuple[str, ...], rest: str | None, body: Any, env: Env, name: str | None) -> None:
        self.params = params
        self.rest = rest
        self.body = body
        self.env = env
        self.name = name


class Env:
    """One lexical frame: a dict of names, and the enclosing frame."""

    __slots__ = ("vars", "parent")

    def __init__(self, variables: dict[str, Any], parent: Env | None) -> None:
        self.vars = variables
        self.parent = parent


class SchemeError(Exception):
    """Any error of a reference program (unbound variable, wrong type, amb exhausted...)."""


def make_list(items: Iterable[Any], tail: Any = NIL) -> Any:
    result = tail
    for x in reversed(list(items)):
        result = Pair(x, result)
    return result


def list_items(x: Any) -> list[Any]:
    """The elements of a proper list (SchemeError otherwise)."""
    out = []
    while x.__class__ is Pair:
        out.append(x.car)
        x = x.cdr
    if x is not NIL:
        raise SchemeError("expected a proper list")
    return out


# ---- reader ---------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s+|;[^\n]*|(\()|(\))|(\')|("(?:\\.|[^"\\])*")|([^\s()\';"]+)')
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}
QUOTE = sym("quote")


def _atom(text: str) -> Any:
    if text == "#t" or text == "#true":
        return True
    if text == "#f" or text == "#false":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return sym(text)


def _string(token: str) -> str:
    out = []
    i = 1
    while i < len(token) - 1:
        ch = token[i]
        if ch == "\\":
            i += 1
            ch = _ESCAPES.get(token[i], token[i])
        out.append(ch)
        i += 1
    return "".join(out)


def read_all(text: str) -> list[Any]:
    """Every datum of `text`, in order."""
    # Open containers: ("list", items) for `(`, ("quote", items) for `'` awaiting its datum.
    stack: list[tuple[str, list[Any]]] = [("top", [])]

    def add(datum: Any) -> None:
        while True:
            kind, items = stack[-1]
            items.append(datum)
            if kind != "quote":
                return
            stack.pop()
            datum = make_list([QUOTE, items[0]])

    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise SchemeError(f"unreadable text at offset {pos}")
        pos = m.end()
        if m.group(1):
            stack.append(("list", []))
        elif m.group(2):
            kind, items = stack.pop()
            if kind != "list":
                raise SchemeError("unexpected )")
            add(make_list(items))
        elif m.group(3):
            stack.append(("quote", []))
        elif m.group(4):
            add(_string(m.group(4)))
        elif m.group(5):
            add(_atom(m.group(5)))
    if len(stack) != 1:
        raise SchemeError("unexpected end of input")
    return stack[0][1]


# ---- analysis: datum -> node tuples ------------------------------------------------------------

# Node tags (index 0 of every node tuple).
K_CONST, K_VAR, K_IF, K_LAMBDA, K_SEQ, K_LET, K_NAMED_LET, K_SET, K_DEFINE, K_APP, K_AND, K_OR, \
    K_AMB, K_REQUIRE, K_COLLECT = range(15)
# Frame tags (index 0 of every frame tuple; index 1 is the next frame).
F_IF, F_SEQ, F_LET, F_APP, F_SET, F_DEFINE, F_AND, F_OR, F_REQUIRE, F_COLLECT = range(10)

Builder = Callable[[list[Any]], Any]


def _params(spec: Any) -> tuple[tuple[str, ...], str | None]:
    names = []
    while spec.__class__ is Pair:
        names.append(spec.car.name)
        spec = spec.cdr
    return tuple(names), (spec.name if spec.__class__ is Sym else None)


def _body(nodes: list[Any]) -> Any:
    if not nodes:
        return (K_CONST, VOID)
    return nodes[0] if len(nodes) == 1 else (K_SEQ, tuple(nodes))


def _lambda(params: Any, body: list[Any], name: str | None) -> tuple[Builder, list[Any]]:
    names, rest = _params(params)
    return (lambda ns: (K_LAMBDA, names, rest, _body(ns), name)), body


def _cond(clauses: list[Any]) -> tuple[Builder, list[Any]]:
    """`cond` becomes nested `if`s; children are each clause's test (unless `else`) then body."""
    shapes = []
    children: list[Any] = []
    for clause in clauses:
        parts = list_items(clause)
        is_else = parts[0] is sym("else")
        shapes.append((is_else, len(parts) - 1))
        children.extend(parts[1:] if is_else else parts)

    def build(ns: list[Any]) -> Any:
        pieces = []
        i = 0
        for is_else, nbody in shapes:
            test = None if is_else else ns[i]
            i += 0 if is_else else 1
            pieces.append((test, _body(ns[i:i + nbody])))
            i += nbody
        node: Any = (K_CONST, VOID)
        for test, body in reversed(pieces):
            node = body if test is None else (K_IF, test, body, node)
        return node

    return build, children


def _shape(x: Any) -> tuple[Builder, list[Any]]:
    """How to analyze `x` one level deep: its sub-expressions and how to build its node from
    theirs."""
    if x.__class__ is Sym:
        name = x.name
        return (lambda ns: (K_VAR, name)), []
    if x.__class__ is not Pair:
        return (lambda ns: (K_CONST, x)), []
    head = x.car
    parts = list_items(x.cdr)
    h = head.name if head.__class__ is Sym else None
    if h == "quote":
        datum = parts[0]
        return (lambda ns: (K_CONST, datum)), []
    if h == "if":
        return (lambda ns: (K_IF, ns[0], ns[1], ns[2] if len(ns) > 2 else None)), parts
    if h == "lambda":
        return _lambda(parts[0], parts[1:], None)
    if h == "begin":
        return _body, parts
    if h == "define":
        target = parts[0]
        if target.__class__ is Pair:
            fname = target.car.name
            build, children = _lambda(target.cdr, parts[1:], fname)
            return (lambda ns: (K_DEFINE, fname, build(ns))), children
        return (lambda ns: (K_DEFINE, target.name, ns[0])), parts[1:]
    if h == "set!":
        vname = parts[0].name
        return (lambda ns: (K_SET, vname, ns[0])), parts[1:]
    if h == "let":
        loop_name = None
        if parts[0].__class__ is Sym:
            loop_name = parts[0].name
            parts = parts[1:]
        bindings = [list_items(b) for b in list_items(parts[0])]
        names = tuple(b[0].name for b in bindings)
        n = len(bindings)
        inits = [b[1] for b in bindings]
        if loop_name is None:
            return (lambda ns: (K_LET, names, tuple(ns[:n]), _body(ns[n:]))), inits + parts[1:]
        lname = loop_name
        return (lambda ns: (K_NAMED_LET, lname, names, tuple(ns[:n]), _body(ns[n:]))), inits + parts[1:]
    if h == "cond":
        return _cond(parts)
    if h == "and":
        return (lambda ns: (K_AND, tuple(ns)) if ns else (K_CONST, True)), parts
    if h == "or":
        return (lambda ns: (K_OR, tuple(ns)) if ns else (K_CONST, False)), parts
    if h == "amb":
        return (lambda ns: (K_AMB, tuple(ns))), parts
    if h == "require":
        return (lambda ns: (K_REQUIRE, ns[0])), parts
    if h == "amb-collect":
        return (lambda ns: (K_COLLECT, ns[0])), parts
    return (lambda ns: (K_APP, ns[0], tuple(ns[1:]))), [head] + parts


def analyze(datum: Any) -> Any:
    """The node tree of `datum`, built bottom-up with an explicit stack."""
    done: list[Any] = []  # finished nodes, in visiting order
    work: list[tuple[bool, Any]] = [(False, datum)]  # (False, datum) to visit, (True, (build, n)) to build
    while work:
        is_build, item = work.pop()
        if is_build:
            build, n = item
            children = done[len(done) - n:]
            del done[len(done) - n:]
            done.append(build(children))
        else:
            build, subs = _shape(item)
            work.append((True, (build, len(subs))))
            work.extend((False, s) for s in reversed(subs))
    return done[0]


# ---- primitives -----------------------------------------------------------------------------


def equal(a: Any, b: Any) -> bool:
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x.__class__ is Pair and y.__class__ is Pair:
            stack.append((x.cdr, y.cdr))
            stack.append((x.car, y.car))
        elif x is not y and (x.__class__ is not y.__class__ or x != y):
            return False
    return True


def _num_eq(*xs: Any) -> bool:
    return all(xs[i] == xs[i + 1] for i in range(len(xs) - 1))


def _less(*xs: Any) -> bool:
    return all(xs[i] < xs[i + 1] for i in range(len(xs) - 1))


def _greater(*xs: Any) -> bool:
    return all(xs[i] > xs[i + 1] for i in range(len(xs) - 1))


def _less_eq(*xs: Any) -> bool:
    return all(xs[i] <= xs[i + 1] for i in range(len(xs) - 1))


def _greater_eq(*xs: Any) -> bool:
    return all(xs[i] >= xs[i + 1] for i in range(len(xs) - 1))


def _minus(a: Any, *xs: Any) -> Any:
    if not xs:
        return -a
    for x in xs:
        a -= x
    return a


def _times(*xs: Any) -> Any:
    p = 1
    for x in xs:
        p *= x
    return p


def _car(p: Any) -> Any:
    if p.__class__ is not Pair:
        raise SchemeError("car: not a pair")
    return p.car


def _cdr(p: Any) -> Any:
    if p.__class__ is not Pair:
        raise SchemeError("cdr: not a pair")
    return p.cdr


def _member(x: Any, lst: Any) -> Any:
    while lst.__class__ is Pair:
        if equal(x, lst.car):
            return lst
        lst = lst.cdr
    return False


def _length(lst: Any) -> int:
    return len(list_items(lst))


def _quotient(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _remainder(a: int, b: int) -> int:
    return a - b * _quotient(a, b)


def _number_to_string(x: Any) -> str:
    return str(x) if x.__class__ is int else repr(x)


PRIMITIVES: dict[str, Callable[..., Any]] = {
    "+": lambda *xs: sum(xs),
    "-": _minus,
    "*": _times,
    "=": _num_eq,
    "<": _less,
    ">": _greater,
    "<=": _less_eq,
    ">=": _greater_eq,
    "abs": abs,
    "quotient": _quotient,
    "remainder": _remainder,
    "modulo": lambda a, b: a % b,
    "even?": lambda a: a % 2 == 0,
    "odd?": lambda a: a % 2 == 1,
    "zero?": lambda a: a == 0,
    "not": lambda x: x is False,
    "eq?": lambda a, b: a is b,
    "equal?": equal,
    "cons": Pair,
    "car": _car,
    "cdr": _cdr,
    "null?": lambda x: x is NIL,
    "pair?": lambda x: x.__class__ is Pair,
    "list": lambda *xs: make_list(xs),
    "length": _length,
    "member": _member,
    "string-append": lambda *xs: "".join(xs),
    "string-length": len,
    "number->string": _number_to_string,
    "void": lambda: VOID,
}


# ---- the machine ------------------------------------------------------------------------------

_FAIL = (K_AMB, ())  # the control that backtracks


class ReferenceMachine:
    """Globals persist across `eval` calls; `steps` counts every transition ever taken."""

    def __init__(self) -> None:
        self.globals = Env(dict(PRIMITIVES), None)
        self.steps = 0

    def eval(self, text: str) -> Any:
        """Read, analyze and run every form of `text`; the value of the last one."""
        value: Any = VOID
        for datum in read_all(text):
            value = self.run(analyze(datum))
        return value

    def run(self, node: Any) -> Any:
        """Run one top-level node to its value; its choice points are discarded when it ends."""
        c: Any = node  # control: a node to evaluate, or None when returning v
        v: Any = VOID
        e: Env = self.globals
        k: Any = None  # continuation: a frame tuple (tag, next, ...) or None
        choices: list[tuple[Any, int, Env, Any]] = []  # (alternatives, next index, env, k)
        collects: list[list[Any]] = []  # open amb-collects: [choices below it, values, k after]
        steps = 0
        try:
            while True:
                steps += 1
                if c is not None:
                    tag = c[0]
                    if tag == K_VAR:
                        name = c[1]
                        env: Env | None = e
                        while env is not None:
                            d = env.vars
                            if name in d:
                                v = d[name]
                                break
                            env = env.parent
                        else:
                            raise SchemeError(f"unbound variable: {name}")
                        c = None
                    elif tag == K_CONST:
                        v = c[1]
                        c = None
                    elif tag == K_APP:
                        k = (F_APP, k, c[2], (), e)
                        c = c[1]
                    elif tag == K_IF:
                        k = (F_IF, k, c, e)
                        c = c[1]
                    elif tag == K_LAMBDA:
                        v = Closure(c[1], c[2], c[3], e, c[4])
                        c = None
                    elif tag == K_SEQ:
                        k = (F_SEQ, k, c[1], 1, e)
                        c = c[1][0]
                    elif tag == K_LET:
                        if c[2]:
                            k = (F_LET, k, c, (), e)
                            c = c[2][0]
                        else:
                            e = Env({}, e)
                            c = c[3]
                    elif tag == K_NAMED_LET:
                        loop_env = Env({}, e)
                        f = Closure(c[2], None, c[4], loop_env, c[1])
                        loop_env.vars[c[1]] = f
                        if c[3]:
                            k = (F_APP, k, c[3], (f,), e)
                            c = c[3][0]
                        else:
                            e = Env({}, loop_env)
                            c = c[4]
                    elif tag == K_AND or tag == K_OR:
                        if len(c[1]) > 1:
                            k = (F_AND if tag == K_AND else F_OR, k, c[1], 1, e)
                        c = c[1][0]
                    elif tag == K_SET:
                        k = (F_SET, k, c[1], e)
                        c = c[2]
                    elif tag == K_DEFINE:
                        k = (F_DEFINE, k, c[1], e)
                        c = c[2]
                    elif tag == K_AMB:
                        alts = c[1]
                        if alts:
                            if len(alts) > 1:
                                choices.append((alts, 1, e, k))
                            c = alts[0]
                        elif collects and collects[-1][0] == len(choices):
                            # nothing left inside the innermost amb-collect: it returns its values
                            _, found, k = collects.pop()
                            v = make_list(found)
                            c = None
                        elif choices:
                            alts, i, e, k = choices.pop()
                            if i + 1 < len(alts):
                                choices.append((alts, i + 1, e, k))
                            c = alts[i]
                        else:
                            raise SchemeError("amb-exhausted")
                    elif tag == K_REQUIRE:
                        k = (F_REQUIRE, k)
                        c = c[1]
                    elif tag == K_COLLECT:
                        record = [len(choices), [], k]
                        collects.append(record)
                        k = (F_COLLECT, k, record)
                        c = c[1]
                    else:
                        raise SchemeError(f"bad node {c!r}")
                    continue
                if k is None:
                    self.steps += steps - 1  # reaching the empty continuation is not a step
                    return v
                tag = k[0]
                if tag == F_APP:
                    _, nxt, args, vals, e = k
                    vals = vals + (v,)
                    n = len(vals) - 1
                    if n < len(args):
                        k = (F_APP, nxt, args, vals, e)
                        c = args[n]
                        continue
                    k = nxt
                    f = vals[0]
                    if f.__class__ is Closure:
                        params = f.params
                        if f.rest is None:
                            if n != len(params):
                                raise SchemeError(f"{f.name or 'lambda'}: expected {len(params)} arguments, got {n}")
                            e = Env(dict(zip(params, vals[1:], strict=True)), f.env)
                        else:
                            if n < len(params):
                                raise SchemeError(f"{f.name or 'lambda'}: too few arguments")
                            frame = dict(zip(params, vals[1:], strict=False))
                            frame[f.rest] = make_list(vals[1 + len(params):])
                            e = Env(frame, f.env)
                        c = f.body
                    elif callable(f):
                        v = f(*vals[1:])
                    else:
                        raise SchemeError(f"not a procedure: {write(f)}")
                elif tag == F_IF:
                    _, k, node, e = k
                    if v is not False:
                        c = node[2]
                    elif node[3] is not None:
                        c = node[3]
                    else:
                        v = VOID
                elif tag == F_SEQ:
                    _, nxt, exprs, i, e = k
                    k = nxt if i + 1 == len(exprs) else (F_SEQ, nxt, exprs, i + 1, e)
                    c = exprs[i]
                elif tag == F_LET:
                    _, nxt, node, vals, e = k
                    vals = vals + (v,)
                    inits = node[2]
                    if len(vals) < len(inits):
                        k = (F_LET, nxt, node, vals, e)
                        c = inits[len(vals)]
                    else:
                        k = nxt
                        e = Env(dict(zip(node[1], vals, strict=True)), e)
                        c = node[3]
                elif tag == F_AND or tag == F_OR:
                    _, nxt, exprs, i, e = k
                    if (v is False) == (tag == F_AND):  # and: #f ends it; or: a true value does
                        k = nxt
                    else:
                        k = nxt if i + 1 == len(exprs) else (tag, nxt, exprs, i + 1, e)
                        c = exprs[i]
                elif tag == F_REQUIRE:
                    k = k[1]
                    if v is False:
                        c = _FAIL
                    else:
                        v = VOID
                elif tag == F_COLLECT:
                    k[2][1].append(v)
                    k = k[1]
                    c = _FAIL
                elif tag == F_SET:
                    _, k, name, env = k
                    while env is not None:
                        if name in env.vars:
                            env.vars[name] = v
                            break
                        env = env.parent
                    else:
                        raise SchemeError(f"set!: unbound variable: {name}")
                    v = VOID
                elif tag == F_DEFINE:
                    _, k, name, e = k
                    if v.__class__ is Closure and v.name is None:
                        v.name = name
                    e.vars[name] = v
                    v = VOID
                else:
                    raise SchemeError(f"bad frame {k!r}")
        except BaseException:
            self.steps += steps
            raise


# ---- printer ----------------------------------------------------------------------------------

_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def write(value: Any) -> str:
    """The `write` form of a value, as Omega prints results."""
    out: list[str] = []
    stack: list[Any] = [value]  # values to print, or literal text (a str tagged in a tuple)
    while stack:
        x = stack.pop()
        if x.__class__ is tuple:
            out.append(x[0])
        elif x is True:
            out.append("#t")
        elif x is False:
            out.append("#f")
        elif x.__class__ is str:
            out.append('"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in x) + '"')
        elif x.__class__ is Pair:
            items = []
            while x.__class__ is Pair:
                items.append(x.car)
                x = x.cdr
            stack.append((")",))
            if x is not NIL:
                stack.append(x)
                stack.append((" . ",))
            for i in range(len(items) - 1, -1, -1):
                stack.append(items[i])
                if i > 0:
                    stack.append((" ",))
            stack.append(("(",))
        elif x.__class__ is Closure:
            out.append(f"#<procedure {x.name or 'lambda'}>")
        elif x.__class__ is float:
            out.append(repr(x))
        else:
            out.append(str(x) if not callable(x) else "#<procedure>")
    return "".join(out)


__all__ = ["ReferenceMachine", "SchemeError", "read_all", "analyze", "write", "Pair", "Sym", "sym", "NIL", "VOID"]
