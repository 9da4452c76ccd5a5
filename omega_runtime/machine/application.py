"""Procedure application (LANGUAGE.md 16.2, rule 3): closures, primitives, continuations,
resumptions and oracle procedures. The step loop applies the commonest cases itself (Machine.run)
and calls this for the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, arity_error, not_a_procedure
from ..values import Primitive, make_list
from . import frames as F
from . import nodes as N
from . import transfers
from .layout import Layout
from .procedures import Closure, ContinuationProc, OracleProcedure, Resumption

if TYPE_CHECKING:
    from .machine import Machine


def apply(m: Machine, f: Any, args: tuple[Any, ...], node: Any) -> bool | None:
    """Apply `f` to `args` with `m`'s current continuation; `node` is the call site. True when
    the application was narrow (a pure primitive's value; see nodes.py)."""
    cls = type(f)
    if cls is Closure:
        # Typed locals: compiled, their fields are read directly, not looked up by name.
        proc: Closure = f
        lam: N.KLambda = proc.lam
        n = lam.nparams
        if lam.rest:
            if len(args) < n:
                m.raise_error(arity_error(proc.name or "<lambda>", n, None, len(args), f), node)
                return None
            args = args[:n] + (make_list(args[n:]),)
        elif len(args) != n:
            m.raise_error(arity_error(proc.name or "<lambda>", n, n, len(args), f), node)
            return None
        layout: Layout = lam.layout
        if layout.any_boxed:
            args = m.box_values(layout, args)
        k = m.k
        site = node
        if type(k) is F.Activation:
            # A tail call replaces the caller's activation, keeping where that one was called.
            caller: F.Activation = k
            site = caller.site
            if lam.body.builtin:
                act = F.Activation(proc, site, args, caller.next)
                # A standard procedure keeps the user call it stands for (span_of).
                act.call = node if node is not None and not node.builtin else caller.call
                m.k = act
                m.e = (proc.env, layout, *args)
                m.c = lam.body
                return None
            k = caller.next
        m.k = F.Activation(proc, site, args, k)
        m.e = (proc.env, layout, *args)
        m.c = lam.body
        return None
    if cls is Primitive or isinstance(f, Primitive):
        if m.watched_calls and f.name in m.watched_calls:
            for watcher in m.services.call_watchers:
                watcher(m, f.name)
        prim_kind: str = f.kind
        nargs = len(args)
        if nargs < f.min_args or (f.max_args is not None and nargs > f.max_args):
            m.raise_error(arity_error(f.name, f.min_args, f.max_args, nargs, f), node)
            return None
        try:
            if prim_kind == "pure":
                result = f.fn(*args)
            elif prim_kind == "ctx":
                result = f.fn(m, *args)
            else:
                f.fn(m, args, node)
                return None
        except OmegaError as err:
            m.raise_error(err, node)
            return None
        except RecursionError:
            m.raise_error(OmegaError("value-error", f"{f.name}: data nested too deeply"), node)
            return None
        if f.derives and m.provenance_seen:
            result = m.services.derive_provenance(f, args, result)
            m.v = result
            m.c = None
            return None
        m.v = result
        m.c = None
        return prim_kind == "pure"
    if cls is ContinuationProc:
        transfers.invoke_continuation(m, f, args, node)
        return None
    if cls is Resumption:
        transfers.invoke_resumption(m, f, args, node)
        return None
    if cls is OracleProcedure:
        m.services.call_oracle_procedure(m, f, args, node)
        return None
    m.raise_error(not_a_procedure(f), node)
    return None
