"""The runtime's built-in operations (LANGUAGE.md 4.3): oracle, amb, files, shell, tools, commit.

They run when no `handle` clause takes the effect. Oracle requests go through the host's oracle
session (provider, receipts, replay of this session's answers after time travel); external
effects check capabilities when performed or proposed, and inside a transaction become proposals
performed at the outermost commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, arity_error
from ..values import (
    NIL,
    VOID,
    Condition,
    Pair,
    Proposal,
    PStr,
    Restart,
    Symbol,
    list_to_python,
    make_list,
    sym,
)
from . import choice
from . import frames as F
from .procedures import Resumption

if TYPE_CHECKING:
    from .machine import Machine

CAPABILITY_OF = {"file.read.op": "file.read", "file.write.op": "file.write", "shell.op": "shell", "tool.op": "tool"}
ARITY = {"infer.op": (1, 1), "search.op": (1, 2), "amb.choose": (1, 1), "amb.fail": (0, 1), "file.read.op": (1, 1),
         "file.write.op": (2, 2), "shell.op": (1, 1), "tool.op": (1, None), "commit.op": (0, 0)}


def perform(m: Machine, op: Symbol, args: tuple[Any, ...], node: Any) -> None:
    """Dispatch an effect: the innermost `handle` with a clause for `op`, else a built-in
    operation, else `unhandled-effect` (LANGUAGE.md 4.1)."""
    if m.watched_calls and "effect:" + op.name in m.watched_calls:
        for watcher in m.services.call_watchers:
            watcher(m, "effect:" + op.name)
    marked = F.innermost_marked(m.k)
    k = marked
    while k is not None:
        if type(k) is F.HandleFrame:
            clause = k.node.clauses.get(op)
            if clause is not None:
                if len(args) != clause.nparams:
                    m.raise_error(arity_error(op.name, clause.nparams, clause.nparams, len(args), VOID), node)
                    return
                resumption = Resumption(m.k, k, True)
                m.k = k.next
                m.e = (k.env, clause.layout, *args, resumption)
                if True in clause.layout.boxed:
                    m.e = (k.env, clause.layout, *m.box_values(clause.layout, (*args, resumption)))
                m.c = clause.body
                return
        k = F.innermost_marked(k.next)
    builtin_effect(m, op, args, node, marked)


def builtin_effect(m: Machine, op: Symbol, args: tuple[Any, ...], node: Any, marked: Any = choice.NOT_SEARCHED) -> None:
    """`marked`: the continuation's innermost marked frame, when the caller has found it."""
    name = op.name
    # amb's two operations first, the hot ones of a search: no capability, no watch applies.
    if name == "amb.choose" and len(args) == 1:
        thunks = list_to_python(args[0])
        if thunks is None:
            from ..conditions import wrong_type

            m.raise_error(wrong_type("amb.choose", "list", args[0]), node)
            return
        choice.choose(m, tuple(thunks), node, marked)  # a choice point keeps them
        return
    if name == "amb.fail" and len(args) <= 1:
        choice.fail(m, args[0] if args else sym("amb"), node, marked)
        return
    arity = ARITY.get(name)
    if arity is None:
        err = OmegaError("unhandled-effect", f"unhandled effect: {name}", (op, make_list(list(args))))
        m.raise_error(err, node)
        return
    lo, hi = arity
    if len(args) < lo or (hi is not None and len(args) > hi):
        m.raise_error(arity_error(name, lo, hi, len(args), VOID), node)
        return
    if m.watch is not None:
        m.watch.check_effect(name)
    cap = CAPABILITY_OF.get(name)
    if cap is not None and cap not in m.capabilities():
        m.raise_error(OmegaError("capability-denied", f"{name} requires capability {cap}", (op, sym(cap))), node)
        return
    if name == "infer.op" or name == "search.op":
        m.services.oracle_effect(m, name, args, node)
    elif name == "commit.op":
        commit_now(m, node)
    elif name == "file.read.op":
        file_read(m, args[0], node)
    elif name == "file.write.op":
        external(m, "file-write", args[0], (args[0], args[1]), node)
    elif name == "shell.op":
        external(m, "shell", args[0], (args[0],), node)
    elif name == "tool.op":
        tool_effect(m, args, node)


def commit_now(m: Machine, node: Any) -> None:
    if not m.r.txs:
        m.raise_error(OmegaError("transaction-error", "transaction: commit! outside a transaction"), node)
        return
    m.v, m.c = VOID, None
    m.commit_tx(m.r.txs[-1].tid, VOID)
    if m.c is None and m.v is VOID:
        m.v = VOID


def _check_string(m: Machine, prim: str, v: Any, node: Any) -> bool:
    if not isinstance(v, str):
        from ..conditions import wrong_type

        m.raise_error(wrong_type(prim, "string", v), node)
        return False
    return True


def file_read(m: Machine, path: Any, node: Any) -> None:
    if not _check_string(m, "file.read.op", path, node):
        return
    # Open transactions' proposed contents win (newest first).
    for tx in m.r.txs[::-1]:
        for prop in tx.external[::-1]:
            if prop.kind == "file-write" and prop.payload[0] == path:
                m.v, m.c = prop.payload[1], None
                return
    try:
        with open(m.services.resolve(path), encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        detail = f"{path}: {exc.strerror or exc}"
        m.raise_error(OmegaError("file-error", f"file: {detail}", (path, detail)), node)
        return
    m.v, m.c = text, None


def external(m: Machine, kind: str, target: Any, payload: tuple[Any, ...], node: Any) -> None:
    """file.write.op / shell.op: performed now, or proposed inside a transaction."""
    if kind == "file-write":
        if not _check_string(m, "file.write.op", payload[0], node) or not _check_string(m, "file.write.op", payload[1], node):
            return
    elif not _check_string(m, "shell.op", payload[0], node):
        return
    if m.r.txs:
        pid = m.next_counter("proposal")
        proposal = Proposal(pid, kind, target, payload)
        m.propose_external(proposal, target)
        m.v, m.c = (VOID if kind == "file-write" else proposal), None
        return
    ok, result = perform_one(kind, payload, m)
    if not ok:
        m.raise_error(result, node)
        return
    m.v, m.c = result, None


def perform_one(kind: str, payload: tuple[Any, ...], m: Machine) -> tuple[bool, Any]:
    """Perform one external effect now: (True, value) or (False, OmegaError)."""
    if kind == "file-write":
        path, content = payload
        try:
            with open(m.services.resolve(path), "w", encoding="utf-8") as fh:
                fh.write(content)
        except OSError as exc:
            detail = f"{path}: {exc.strerror or exc}"
            return False, OmegaError("file-error", f"file: {detail}", (path, detail))
        return True, VOID
    if kind == "shell":
        import subprocess  # only a program that runs a shell command needs it (start-up)

        proc = subprocess.run(["/bin/sh", "-c", payload[0]], capture_output=True, text=True, check=False,
                              cwd=m.services.cwd)
        if proc.returncode != 0:
            return False, OmegaError("shell-failed", f"shell: exit status {proc.returncode}",
                                     (proc.returncode, proc.stdout, proc.stderr), restarts=())
        return True, proc.stdout.rstrip()
    # tools
    name, tool_args = payload
    outcome: tuple[bool, Any] = m.services.run_tool(name, tool_args)
    return outcome


def tool_effect(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    name = args[0]
    tool = m.services.tools.get(name.name if isinstance(name, Symbol) else str(name))
    label = name.name if isinstance(name, Symbol) else str(name)
    if tool is None:
        m.raise_error(OmegaError("tool-error", f"tool {label}: no such tool", (name, "no such tool")), node)
        return
    missing = [c for c in tool.capabilities if c not in m.capabilities()]
    if missing:
        m.raise_error(OmegaError("capability-denied", f"tool.op requires capability {missing[0]}",
                                 (sym("tool.op"), sym(missing[0]))), node)
        return
    if tool.side_effecting and m.r.txs:
        pid = m.next_counter("proposal")
        proposal = Proposal(pid, "tool", name, (label, args[1:]))
        m.propose_external(proposal, name)
        m.v, m.c = proposal, None
        return
    ok, result = m.services.run_tool(label, args[1:])
    if not ok:
        m.raise_error(result, node)
        return
    m.v, m.c = result, None


def oracle_value(text: str, receipt_id: str) -> PStr:
    return PStr(text, make_list([sym("oracle"), receipt_id]))


def search_value(texts: list[PStr], ids: list[str]) -> Any:

    lst = make_list(texts)
    if isinstance(lst, Pair):
        lst.provenance = make_list([sym("oracle"), *ids])
    return lst


def oracle_restarts(m: Machine, node: Any) -> tuple[Restart, ...]:
    """`retry` re-performs the effect at `node` with the same continuation."""
    return (Restart(sym("retry"), (), None, ("retry_effect", (m.k, node, m.e))),)


def condition_of(err: OmegaError, m: Machine, node: Any) -> Condition:
    return m.make_condition(err, node)


__all__ = ["builtin_effect", "perform_one", "oracle_value", "search_value", "NIL"]
