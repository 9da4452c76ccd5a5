"""Conditions and restarts (LANGUAGE.md 9-10): signalling along the continuation's handler
and guard frames, condition texts and backtraces, the active restarts and their transfers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import immutables

from ..conditions import OmegaError, arity_error
from ..span import Span
from ..values import (
    VOID,
    Condition,
    Restart,
    Symbol,
    list_to_python,
    make_list,
    sym,
)
from . import frames as F
from . import transfers
from .halts import (
    S_ERROR,
    S_WARNING,
    Uncaught,
)

if TYPE_CHECKING:
    from .machine import Machine


def signal(m: Machine, cond: Condition, severity: str) -> None:
    """Search the active handlers from the signal point (LANGUAGE.md 10.2/10.4)."""
    for watcher in m.services.signal_watchers:
        watcher(m, cond, severity)
    search_handlers(m, cond, severity, m.k, m.k, 0)


def search_handlers(m: Machine, cond: Condition, severity: str, frame: Any, signal_k: Any, start: int) -> None:
    is_error = cond.is_a(S_ERROR)
    frame = F.innermost_marked(frame)  # handlers live in extent and callback frames only
    while frame is not None:
        fc = frame.__class__
        if fc is F.CallbackFrame and frame.method in ("handler_declined", "guard_declined", "handler_returned"):
            frame = F.innermost_marked(frame.args[4])  # handlers running: their own and inner ones are inactive
            start = 0
            continue
        if fc is F.ExtentFrame:
            if frame.ekind == "handler-bind":
                types, procs = frame.data
                for i in range(start, len(types)):
                    if cond.is_a(types[i]):
                        marker = F.CallbackFrame("handler_declined", (cond, severity, frame, i + 1, frame.next, signal_k),
                                                 signal_k, "handler")
                        m.k = marker
                        m.apply(procs[i], (cond,), frame.node)
                        return
            elif frame.ekind == "guard" and is_error and start == 0:
                m.k = F.CallbackFrame("guard_declined", (cond, severity, frame, 0, frame.next, signal_k),
                                         signal_k, "guard")
                guard_test(m, cond, frame, 0)
                return
        start = 0
        frame = F.innermost_marked(frame.next)
    m.k = signal_k
    if severity == "signal":
        m.v, m.c = VOID, None
    elif severity == "warn":
        m.services.write_error(format_warning(m, cond) + "\n")
        m.v, m.c = VOID, None
    else:
        uncaught(m, cond)


def handler_declined(m: Machine, _v: Any, cond: Condition, severity: str, frame: Any, i: int, _skip: Any,
                     signal_k: Any) -> None:
    search_handlers(m, cond, severity, frame, signal_k, i)


F.CALLBACKS["handler_declined"] = handler_declined


def guard_declined(m: Machine, _v: Any, cond: Condition, severity: str, frame: Any, i: int, _skip: Any,
                   signal_k: Any) -> None:
    search_handlers(m, cond, severity, frame.next, signal_k, 0)


F.CALLBACKS["guard_declined"] = guard_declined


def guard_test(m: Machine, cond: Condition, gframe: Any, i: int) -> None:
    """Evaluate guard clause `i`'s test at the signal point (the guard-declined marker on top)."""
    info = gframe.node.info
    if i >= len(info.shapes):
        # No clause applies: the guard declines; the marker below continues the search.
        m.v, m.c = VOID, None
        return
    test_node, _body = _guard_clause_nodes(info, i)
    env = (gframe.env, info.layout, cond.payload)  # a raised non-condition: the object itself
    m.k = F.CallbackFrame("guard_tested", (cond, gframe, i, env), m.k, "guard")
    m.e = env
    m.c = test_node


def _guard_clause_nodes(info: Any, i: int) -> tuple[Any, Any]:
    pos = 0
    for j, (has_body, _arrow) in enumerate(info.shapes):
        test = info.compiled[pos]
        body = info.compiled[pos + 1] if has_body else None
        if j == i:
            return test, body
        pos += 2 if has_body else 1
    raise IndexError(i)


def guard_tested(m: Machine, v: Any, cond: Condition, gframe: Any, i: int, env: Any) -> None:
    if v is False:
        guard_test(m, cond, gframe, i + 1)
        return
    info = gframe.node.info
    _test, body = _guard_clause_nodes(info, i)
    arrow = info.shapes[i][1]

    def then(m: Machine) -> None:
        m.e = env
        if body is None:
            m.v, m.c = v, None
        elif arrow:
            m.k = F.CallbackFrame("apply_to", (v, gframe.node), m.k)
            m.c = body
        else:
            m.c = body

    transfers.unwind_to(m, gframe.next, then)


F.CALLBACKS["guard_tested"] = guard_tested


def retry_effect(m: Machine, _args: tuple[Any, ...], k: Any, node: Any, e: Any, op: str, eargs: tuple[Any, ...]) -> None:
    """The `retry` restart of an oracle error: perform the effect again."""
    m.k, m.e = k, e
    m.perform(sym(op), eargs, node)


F.CALLBACKS["retry_effect"] = retry_effect


def apply_to(m: Machine, proc: Any, arg: Any, node: Any) -> None:
    m.apply(proc, (arg,), node)


F.CALLBACKS["apply_to"] = apply_to


def format_warning(m: Machine, cond: Condition) -> str:
    loc = cond.span.location() if cond.span is not None else "<unknown>"
    label = "warning" if cond.ctype is S_WARNING else cond.ctype.name
    return f"{loc}: {label}: {condition_text(m, cond)}"


def condition_text(m: Machine, cond: Condition) -> str:
    """The message plus, for conditions made by error/warn/signal, each data item written."""
    from ..printer import write_repr

    text = cond.message
    if cond.user_made:
        for item in list_to_python(cond.data) or []:
            text += " " + write_repr(item, m.s)
    return text


def uncaught(m: Machine, cond: Condition) -> None:
    for watcher in m.services.uncaught_watchers:
        if watcher(m, cond):
            return  # a debugger took control at the signal point
    raise Uncaught(cond, backtrace(m, cond))


def backtrace(m: Machine, cond: Condition | None = None) -> list[tuple[str, Span | None]]:
    """Activations innermost first with the span each is evaluating (LANGUAGE.md 15.3)."""
    out: list[tuple[str, Span | None]] = []
    here = cond.span if cond is not None else m.current_span()
    k = m.k
    while k is not None:
        if k.__class__ is F.Activation:
            if not getattr(k.proc.lam.body, "builtin", False):
                out.append((k.name, here))
                here = k.site.span if not k.site.builtin else here
            elif not k.site.builtin and k.site.span is not None:
                here = k.site.span
        k = k.next
    out.append(("<top-level>", here))
    return out


def active_restarts(m: Machine) -> list[Restart]:
    out: list[Restart] = []
    k = F.innermost_marked(m.k)  # restarts live in extent and callback frames only
    while k is not None:
        kc = k.__class__
        if kc is F.CallbackFrame and k.method in ("handler_declined", "guard_declined"):
            out.extend(k.args[0].restarts)
        elif kc is F.ExtentFrame:
            if k.ekind == "restart-case":
                for i, (name, _nparams, _rest, _layout, span) in enumerate(k.node.info.clauses):
                    out.append(Restart(name, (), span, ("restart_case_transfer", (k, i))))
            elif k.ekind == "restart-bind":
                names = k.data[0]
                for i, name in enumerate(names):
                    out.append(Restart(name, (), k.node.span, ("restart_bind_transfer", (k, i))))
            elif k.ekind == "signal-restarts":
                out.extend(k.data)
        k = F.innermost_marked(k.next)
    return out


def invoke_restart(m: Machine, target: Any, args: tuple[Any, ...], node: Any) -> None:
    restarts = active_restarts(m)
    chosen = None
    if isinstance(target, Restart):
        for r in restarts:
            if r is target or (r.target == target.target):
                chosen = r
                break
        name = target.name.name
    else:
        name = target.name if isinstance(target, Symbol) else str(target)
        for r in restarts:
            if r.name.name == name:
                chosen = r
                break
    if chosen is None:
        m.raise_error(OmegaError("no-such-restart", f"no active restart named {name}", (sym(name),)), node)
        return
    method, extra = chosen.target
    F.call_back(m, method, args, extra)


def resume_with(m: Machine, args: tuple[Any, ...], k: Any) -> None:
    """`use-value` of a runtime error: the value of the failing expression."""
    m.k = k
    m.v = args[0] if args else VOID
    m.c = None


F.CALLBACKS["resume_with"] = resume_with


def restart_case_transfer(m: Machine, args: tuple[Any, ...], frame: Any, i: int) -> None:
    name, nparams, rest, layout, _span = frame.node.info.clauses[i]
    body = frame.node.info.compiled[i]
    if len(args) < nparams or (not rest and len(args) > nparams):
        m.raise_error(arity_error(name.name, nparams, None if rest else nparams, len(args), VOID), frame.node)
        return
    vals = args[:nparams] + ((make_list(args[nparams:]),) if rest else ())
    entry_store = frame.data

    def then(m: Machine) -> None:
        undo_writes_since(m, entry_store)
        vs = m.box_values(layout, vals) if True in layout.boxed else vals
        m.e = (frame.env, layout, *vs)
        m.c = body

    transfers.unwind_to(m, frame.next, then)


F.CALLBACKS["restart_case_transfer"] = restart_case_transfer


def restart_bind_transfer(m: Machine, args: tuple[Any, ...], frame: Any, i: int) -> None:
    procs = frame.data[1]
    entry_store = frame.data[2]
    proc = procs[i]

    def then(m: Machine) -> None:
        undo_writes_since(m, entry_store)
        m.apply(proc, args, frame.node)

    transfers.unwind_to(m, frame.next, then)


F.CALLBACKS["restart_bind_transfer"] = restart_bind_transfer


def undo_writes_since(m: Machine, mark: tuple[immutables.Map[Any, Any], int]) -> None:
    """Writes to cells that existed at the restart point are undone; newer cells keep theirs.
    A container slot (vector, record, hash table) existed when its container did."""
    old, serial = mark
    cur = m.s
    if cur is old:
        return
    new = old
    for key, value in cur.items():
        if key in old:
            continue
        container = key[0] if key.__class__ is tuple and key and not isinstance(key[0], str) else key
        born = getattr(container, "serial", None)
        if born is not None and born < serial:
            continue  # existed at the restart point: back to its (initial) content
        new = new.set(key, value)
    m.s = new


def span_of(m: Machine, node: Any) -> Span | None:
    """The span of `node`, or of the innermost enclosing user expression that has one: a
    condition's location, a choice point's, a proposal's."""
    if node is not None and node.span is not None and not node.builtin:
        return node.span  # type: ignore[no-any-return]
    k = m.k
    while k is not None:
        if k.__class__ is F.Activation:
            call = getattr(k, "call", None)
            if call is not None and call.span is not None:
                return call.span  # type: ignore[no-any-return]
            if not k.site.builtin and k.site.span is not None:
                return k.site.span  # type: ignore[no-any-return]
        n = getattr(k, "node", None)
        if n is not None and getattr(n, "span", None) is not None and not n.builtin:
            return n.span  # type: ignore[no-any-return]
        k = k.next
    form = m.current_form()
    return form.span if form is not None else None
