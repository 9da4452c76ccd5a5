"""Dynamic extent procedures of LANGUAGE.md 17: multiple values, `case-lambda`, parameters and
`parameterize`, and the R7RS exception procedures.

Each procedure object here is a `control` primitive (a `Primitive` whose `fn(m, args, node)` runs
inside the machine), so `Machine.apply` needs no new case. A `parameterize` extent is a
continuation frame (`ParameterizeFrame`): a parameter's value is found by walking the current
continuation, so re-entered continuations, fibers, backtracking and time travel all see the
bindings of the continuation they run in, and an escape restores the outer ones for free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, wrong_type
from ..primitives import predicates  # noqa: F401  (condition?, which an alias names)
from ..primitives.registry import BUILTINS, Primitive, primitive
from ..printer import write_repr
from ..values import Condition, Pair, Procedure, make_list, make_values, sym, values_of
from . import control  # noqa: F401  (condition-message and the others the aliases name)
from . import frames as F
from .procedures import Closure

if TYPE_CHECKING:
    from .machine import Machine

S_CONDITION = sym("condition")
S_ERROR = sym("error")
S_RAISED = sym("raised")


# ---- arity messages ------------------------------------------------------------------------


def _counts_text(accepted: list[tuple[int, bool]]) -> str:
    """`1 or 3 arguments`, `0, 2 or at least 3 arguments` (LANGUAGE.md 17.9)."""
    parts: list[str] = []
    for n, rest in sorted(set(accepted)):
        if parts and parts[-1].startswith("at least"):
            break
        parts.append(f"at least {n}" if rest else str(n))
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    only = len(parts) == 1 and not text.startswith("at least")
    return f"{text} argument" + ("" if only and text == "1" else "s")


# ---- case-lambda ---------------------------------------------------------------------------


def _accepts(clause: Closure, count: int) -> bool:
    n: int = clause.lam.nparams
    return count >= n if clause.lam.rest else count == n


def _apply_case_lambda(m: Machine, args: tuple[Any, ...], node: Any, proc: CaseLambda) -> None:
    for clause in proc.clauses:
        if _accepts(clause, len(args)):
            m.apply(clause, args, node)
            return
    accepted = [(c.lam.nparams, bool(c.lam.rest)) for c in proc.clauses]
    m.raise_error(OmegaError("arity-error", f"{proc.name or '<lambda>'}: expected {_counts_text(accepted)}, "
                                            f"got {len(args)}", (proc, len(args))), node)


class CaseLambda(Primitive):
    """`(case-lambda (formals body...)...)`: runs the first clause accepting the argument count."""

    __slots__ = ("clauses",)

    def __init__(self, clauses: tuple[Closure, ...]) -> None:
        name = clauses[0].name if clauses else None
        super().__init__(name or "", lambda m, args, node: _apply_case_lambda(m, args, node, self), 0, None,
                         "control", "", "(case-lambda (formals body...)...)", False)
        self.name = name
        self.clauses = clauses


@primitive("%case-lambda", 0, None, signature="(%case-lambda closure...)", derives=False)
def _make_case_lambda(*clauses: Any) -> Any:
    """The case-lambda procedure over the clause closures (the expansion of `case-lambda`)."""
    for c in clauses:
        if not isinstance(c, Closure):
            raise wrong_type("case-lambda", "procedure", c)
    return CaseLambda(tuple(clauses))


# ---- multiple values -----------------------------------------------------------------------


@primitive("values", 0, None, signature="(values v ...)", derives=False)
def _values(*items: Any) -> Any:
    """One argument gives itself; any other count a multiple-values object."""
    return make_values(tuple(items))


@primitive("call-with-values", 2, kind="control", signature="(call-with-values producer consumer)")
def _call_with_values(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    producer, consumer = args
    for p in args:
        if not isinstance(p, Procedure):
            raise wrong_type("call-with-values", "procedure", p)
    m.k = F.CallbackFrame("values_produced", (consumer, node), m.k, "call-with-values")
    m.apply(producer, (), node)


@primitive("%values-list", 4, signature="(%values-list name count rest? v)", derives=False)
def _values_list(name: Any, count: Any, rest: Any, v: Any) -> Any:
    """The values `v` stands for as a list; arity-error unless `count` of them (at least, with a
    rest formal): the hidden part of `define-values`."""
    items = values_of(v)
    if len(items) < count or (len(items) > count and rest is False):
        expected = f"at least {count}" if rest is not False else str(count)
        raise OmegaError("arity-error", f"{name}: expected {expected} value{'' if expected == '1' else 's'}, "
                                        f"got {len(items)}", (v, len(items)))
    return make_list(list(items))


def values_produced(m: Machine, v: Any, consumer: Any, node: Any) -> None:
    m.apply(consumer, values_of(v), node)


F.CALLBACKS["values_produced"] = values_produced


# ---- parameters ----------------------------------------------------------------------------


def parameterize_frame(names: tuple[str, ...], bindings: tuple[tuple[Parameter, Any], ...], node: Any,
                       next_frame: F.Frame | None) -> F.ExtentFrame:
    """The extent of a `parameterize` body: data is (names shown by the debugger, ((parameter, value)...))."""
    for p, _ in bindings:
        EVER_BOUND.add(id(p))
    return F.ExtentFrame("parameterize", node, None, (names, bindings), next_frame)


# Parameters that some `parameterize` ever bound in this process: any other one has no binding
# in any continuation, so reading it (every `display` reads the current output port) needs no walk.
EVER_BOUND: set[int] = set()


def parameter_value(k: Any, param: Parameter) -> Any:
    """The value of `param` in the continuation `k`: the innermost binding, else its initial value."""
    if id(param) not in EVER_BOUND:
        return param.initial
    k = F.innermost_marked(k)  # a parameterize is an extent frame: only those are looked at
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "parameterize":
            for p, v in k.data[1]:
                if p is param:
                    return v
        k = F.innermost_marked(k.next)
    return param.initial


def parameter_bindings(k: Any) -> tuple[tuple[Parameter, Any], ...]:
    """Every parameter's innermost binding in `k` (a fiber starts with them)."""
    seen: dict[int, tuple[Parameter, Any]] = {}
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "parameterize":
            for p, v in k.data[1]:
                seen.setdefault(id(p), (p, v))
        k = k.next
    return tuple(seen.values())


def inherit_parameters(parent_k: Any, base: F.Frame) -> F.Frame:
    """`base` under a frame binding every parameter as `parent_k` has it: a fiber starts with
    its parent's values (LANGUAGE.md 17.3)."""
    bindings = parameter_bindings(parent_k)
    if not bindings:
        return base
    names = tuple(p.name or "parameter" for p, _ in bindings)
    return parameterize_frame(names, bindings, None, base)


def _read_parameter(m: Machine, args: tuple[Any, ...], node: Any, param: Parameter) -> None:
    m.v, m.c = parameter_value(m.k, param), None


class Parameter(Primitive):
    """A procedure of no arguments giving the current value (LANGUAGE.md 17.3)."""

    __slots__ = ("initial", "converter")

    def __init__(self, initial: Any, converter: Any, name: str | None = None) -> None:
        super().__init__(name or "", lambda m, args, node: _read_parameter(m, args, node, self), 0, 0, "control",
                         "The parameter's current value.", f"({name or 'parameter'})", False)
        self.name = name
        self.initial = initial
        self.converter = converter  # a procedure or None


@primitive("make-parameter", 1, 2, kind="control", signature="(make-parameter value [converter])")
def _make_parameter(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    converter = args[1] if len(args) > 1 else None
    if converter is None:
        m.v, m.c = Parameter(args[0], None), None
        return
    if not isinstance(converter, Procedure):
        raise wrong_type("make-parameter", "procedure", converter)
    m.k = F.CallbackFrame("parameter_made", (converter,), m.k, "make-parameter")
    m.apply(converter, (args[0],), node)


def parameter_made(m: Machine, v: Any, converter: Any) -> None:
    m.v, m.c = Parameter(v, converter), None


F.CALLBACKS["parameter_made"] = parameter_made


@primitive("%parameterize", 2, None, kind="control", signature="(%parameterize names p v ... thunk)")
def _parameterize(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    """The expansion of `parameterize`: parameters and values were evaluated left to right, pair
    by pair; the converters run in the same order, then the body runs in the new extent."""
    names = tuple(str(n) for n in _list_items(args[0]))
    pairs = args[1:-1]
    params = pairs[0::2]
    for p in params:
        if not isinstance(p, Parameter):
            raise wrong_type("parameterize", "parameter", p)
    _convert_next(m, (names, tuple(params), tuple(pairs[1::2]), (), args[-1], node))


def _list_items(v: Any) -> list[Any]:
    out = []
    while isinstance(v, Pair):
        out.append(v.car)
        v = v.cdr
    return out


def _convert_next(m: Machine, state: tuple[Any, ...]) -> None:
    names, params, raw, done, thunk, node = state
    i = len(done)
    if i == len(params):
        m.k = parameterize_frame(names, tuple(zip(params, done, strict=True)), node, m.k)
        m.apply(thunk, (), node)
        return
    converter = params[i].converter
    if converter is None:
        _convert_next(m, (names, params, raw, done + (raw[i],), thunk, node))
        return
    m.k = F.CallbackFrame("parameter_converted", (state,), m.k, "parameterize")
    m.apply(converter, (raw[i],), node)


def parameter_converted(m: Machine, v: Any, state: tuple[Any, ...]) -> None:
    names, params, raw, done, thunk, node = state
    _convert_next(m, (names, params, raw, done + (v,), thunk, node))


F.CALLBACKS["parameter_converted"] = parameter_converted


# ---- R7RS exceptions (LANGUAGE.md 17.6) -----------------------------------------------------


def raised_condition(m: Machine, obj: Any, node: Any) -> Condition:
    """`obj` itself when a condition, else a `raised` condition carrying it."""
    if isinstance(obj, Condition):
        return obj
    cond = Condition(S_RAISED, f"uncaught raise: {write_repr(obj, m.s)}", make_list([obj]), (S_ERROR, S_CONDITION),
                     m.span_of(node))
    cond.payload = obj
    return cond


@primitive("raise", 1, kind="control", signature="(raise obj)")
def _raise(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    cond = raised_condition(m, args[0], node)
    if cond.span is None:
        cond.span = m.span_of(node)
    m.signal(cond, "error")


@primitive("raise-continuable", 1, kind="control", signature="(raise-continuable obj)")
def _raise_continuable(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    cond = raised_condition(m, args[0], node)
    cond.continuable = True
    m.signal(cond, "signal")


class ExceptionHandler(Primitive):
    """The handler of a `with-exception-handler` extent, as a `handler-bind` handler on type
    `condition`: it passes the raised object itself, and for `raise-continuable` turns the
    handler-declined marker into one that returns the handler's value to the raise point."""

    __slots__ = ("handler",)

    def __init__(self, handler: Any) -> None:
        super().__init__("with-exception-handler", lambda m, args, node: self.run(m, args, node), 1, 1, "control",
                         "", "", False)
        self.handler = handler

    def run(self, m: Machine, args: tuple[Any, ...], node: Any) -> None:
        cond = args[0]
        marker = m.k
        if cond.continuable and marker.__class__ is F.CallbackFrame and marker.method == "handler_declined":
            m.k = F.CallbackFrame("handler_returned", marker.args, marker.next, "handler")
        m.apply(self.handler, (cond.payload,), node)


def handler_returned(m: Machine, v: Any, *_marker: Any) -> None:
    m.v, m.c = v, None


F.CALLBACKS["handler_returned"] = handler_returned


@primitive("with-exception-handler", 2, kind="control", signature="(with-exception-handler handler thunk)")
def _with_exception_handler(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    handler, thunk = args
    for p in args:
        if not isinstance(p, Procedure):
            raise wrong_type("with-exception-handler", "procedure", p)
    m.k = F.ExtentFrame("handler-bind", node, None, ((S_CONDITION,), (ExceptionHandler(handler),)), m.k)
    m.apply(thunk, (), node)


def _is_type(name: str) -> Any:
    t = sym(name)

    def test(v: Any) -> Any:
        return isinstance(v, Condition) and v.is_a(t)

    test.__doc__ = f"Is `v` a condition of type {name}?"
    return test


for _name, _type in (("read-error?", "read-error"), ("file-error?", "file-error")):
    primitive(_name, 1, signature=f"({_name} v)", derives=False)(_is_type(_type))

for _alias, _of in (("error-object?", "condition?"), ("error-object-message", "condition-message"),
                    ("error-object-irritants", "condition-data")):
    _target = BUILTINS[_of]
    primitive(_alias, 1, signature=f"({_alias} v)", derives=False, doc=_target.doc)(_target.fn)

