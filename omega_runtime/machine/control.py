"""Built-in procedures that work on the machine itself (kind "control": `fn(m, args, node)`) or
read its registers (kind "ctx"): apply, continuations, dynamic-wind, prompts, conditions and
restarts, eval, exit, promises, the oracle's procedures, fixpoint, facts, transactions, budgets
and capabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ..conditions import OmegaError, wrong_type
from ..primitives.registry import BUILTINS as BUILTINS_TABLE
from ..primitives.registry import primitive
from ..values import (
    MISSING,
    NIL,
    VOID,
    Condition,
    Keyword,
    Pair,
    Procedure,
    Promise,
    PromptTag,
    Proposal,
    PStr,
    Restart,
    Symbol,
    list_to_python,
    make_list,
    provenance_of,
    sym,
)
from . import frames as F
from .procedures import ContinuationProc, Resumption

if TYPE_CHECKING:
    from .machine import Machine

S_CONDITION = sym("condition")
S_ERROR = sym("error")
S_WARNING = sym("warning")
DEFAULT_TAG = PromptTag(sym("default"))


def _ret(m: Machine, v: Any) -> None:
    m.v, m.c = v, None


def _check_proc(prim: str, v: Any) -> Any:
    if not isinstance(v, Procedure):
        raise wrong_type(prim, "procedure", v)
    return v


# ---- application and continuations -------------------------------------------------------------


@primitive("apply", 2, None, kind="control", signature="(apply proc arg ... list)")
def _apply(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    f = args[0]
    tail = list_to_python(args[-1])
    if tail is None:
        raise wrong_type("apply", "list", args[-1])
    m.apply(f, tuple(args[1:-1]) + tuple(tail), node)


def _callcc(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    f = _check_proc("call/cc", args[0])
    m.apply(f, (ContinuationProc(m.k),), node)


primitive("call/cc", 1, kind="control", signature="(call/cc proc)")(_callcc)
primitive("call-with-current-continuation", 1, kind="control", signature="(call-with-current-continuation proc)")(_callcc)


@primitive("dynamic-wind", 3, kind="control", signature="(dynamic-wind before thunk after)")
def _dynamic_wind(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    before, thunk, after = (_check_proc("dynamic-wind", a) for a in args)
    m.k = F.CallbackFrame("wind_entered", (before, thunk, after, node), m.k, "dynamic-wind")
    m.apply(before, (), node)


def wind_entered(m: Machine, _v: Any, before: Any, thunk: Any, after: Any, node: Any) -> None:
    m.k = F.ExtentFrame("dynamic-wind", node, m.e, (before, after), m.k)
    m.apply(thunk, (), node)


@primitive("make-prompt-tag", 0, 1, kind="pure", signature="(make-prompt-tag [name])")
def _make_prompt_tag(name: Any = None) -> PromptTag:
    return PromptTag(name if name is not None else sym("prompt"))


@primitive("default-prompt-tag", 0, kind="pure")
def _default_prompt_tag() -> PromptTag:
    return DEFAULT_TAG


@primitive("call-with-prompt", 3, kind="control", signature="(call-with-prompt tag thunk handler)")
def _call_with_prompt(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    tag, thunk, handler = args
    _check_proc("call-with-prompt", thunk)
    _check_proc("call-with-prompt", handler)
    m.k = F.ExtentFrame("prompt", node, m.e, (tag, handler), m.k)
    m.apply(thunk, (), node)


@primitive("abort-to-prompt", 1, None, kind="control", signature="(abort-to-prompt tag value ...)")
def _abort_to_prompt(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    from ..equality import eqv

    tag, vals = args[0], args[1:]
    k = F.innermost_marked(m.k)  # extent frames only (see frames.innermost_marked)
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "prompt" and eqv(k.data[0], tag):
            break
        k = F.innermost_marked(k.next)
    if k is None:
        from ..printer import write_repr

        raise OmegaError("no-such-prompt", lambda s: f"no prompt with tag {write_repr(tag, s)}", (tag,))
    prompt = k
    resumption = Resumption(m.k, prompt, False)
    handler = prompt.data[1]
    m.unwind_to(prompt.next, lambda mm: mm.apply(handler, (resumption, *vals), node))


# ---- conditions and restarts --------------------------------------------------------------------


def _make_user_condition(prim: str, args: tuple[Any, ...], supers: tuple[Symbol, ...], default_type: Symbol,
                         m: Machine, node: Any) -> Condition:
    from ..printer import display_repr

    first = args[0]
    if isinstance(first, str):
        ctype, message, data = default_type, str(first), args[1:]
    else:
        if not isinstance(first, Symbol):
            raise wrong_type(prim, "symbol", first)
        if len(args) < 2:
            ctype, message, data = first, "", ()
        else:
            msg = args[1]
            ctype, message, data = first, msg if isinstance(msg, str) else display_repr(msg, m.s), args[2:]
    if ctype is default_type:
        supertypes = supers[1:] if supers and supers[0] is ctype else supers
    else:
        supertypes = supers
    cond = Condition(ctype, str(message), make_list(list(data)), supertypes, m.span_of(node))
    cond.user_made = True
    return cond


@primitive("signal", 1, None, kind="control", signature="(signal type message data ...)")
def _signal(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    m.signal(_make_user_condition("signal", args, (S_CONDITION,), S_CONDITION, m, node), "signal")


@primitive("error", 1, None, kind="control", signature="(error type message data ...)")
def _error(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    cond = _make_user_condition("error", args, (S_ERROR, S_CONDITION), S_ERROR, m, node)
    cond.restarts = ()
    m.signal(cond, "error")


@primitive("warn", 1, None, kind="control", signature="(warn type message data ...)")
def _warn(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    m.signal(_make_user_condition("warn", args, (S_WARNING, S_CONDITION), S_WARNING, m, node), "warn")


@primitive("assert", 1, 2, kind="control", signature="(assert value [message])")
def _assert(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    from ..printer import display_repr

    if args[0] is not False:
        _ret(m, VOID)
        return
    message = "assertion failed"
    if len(args) > 1:
        message = args[1] if isinstance(args[1], str) else display_repr(args[1], m.s)
    m.raise_error(OmegaError("assertion-failed", str(message), (), restarts=()), node)


@primitive("invoke-restart", 1, None, kind="control", signature="(invoke-restart name-or-restart arg ...)")
def _invoke_restart(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    target = args[0]
    if not isinstance(target, (Symbol, Restart)):
        raise wrong_type("invoke-restart", "restart", target)
    m.invoke_restart(target, tuple(args[1:]), node)


@primitive("compute-restarts", 0, kind="control")
def _compute_restarts(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    _ret(m, make_list(m.active_restarts()))


@primitive("find-restart", 1, kind="control", signature="(find-restart name)")
def _find_restart(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    name = args[0]
    if not isinstance(name, Symbol):
        raise wrong_type("find-restart", "symbol", name)
    for r in m.active_restarts():
        if r.name is name:
            _ret(m, r)
            return
    _ret(m, False)


@primitive("restart-name", 1, derives=False)
def _restart_name(r: Any) -> Any:
    if not isinstance(r, Restart):
        raise wrong_type("restart-name", "restart", r)
    return r.name


def _cond(prim: str, c: Any) -> Condition:
    if not isinstance(c, Condition):
        raise wrong_type(prim, "condition", c)
    return c


@primitive("condition-type", 1, derives=False)
def _condition_type(c: Any) -> Any:
    return _cond("condition-type", c).ctype


@primitive("condition-message", 1, derives=False)
def _condition_message(c: Any) -> Any:
    return _cond("condition-message", c).message


@primitive("condition-data", 1, derives=False)
def _condition_data(c: Any) -> Any:
    return _cond("condition-data", c).data


@primitive("condition-location", 1, derives=False)
def _condition_location(c: Any) -> Any:
    span = _cond("condition-location", c).span
    return span.location() if span is not None else False


@primitive("condition-supertypes", 1, derives=False)
def _condition_supertypes(c: Any) -> Any:
    return make_list(list(_cond("condition-supertypes", c).supertypes))


# ---- eval, exit, promises ----------------------------------------------------------------------


@primitive("eval", 1, kind="control", signature="(eval datum)")
def _eval(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    expand = m.services.expand_eval
    assert expand is not None
    compiled = expand(m, args[0], node)
    if compiled is None:
        return  # expand_eval signalled a syntax-error
    from .layout import GLOBAL_ENV

    m.e = GLOBAL_ENV
    m.c = compiled


@primitive("exit", 0, 1, kind="control", signature="(exit [status])")
def _exit(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    from .machine import ProgramExit

    code = args[0] if args else 0
    if code is True:
        code = 0
    elif code.__class__ is bool or not isinstance(code, int):
        code = 1

    def stop(mm: Machine) -> None:
        raise ProgramExit(int(code))

    plan = m.exit_actions(m.k, None) + [("final", None, stop)]
    m.run_plan(plan, 0)


@primitive("force", 1, kind="control", signature="(force promise)")
def _force(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    m.force(args[0], node)


@primitive("make-promise", 1, kind="pure", signature="(make-promise value)", derives=False)
def _make_promise(v: Any) -> Promise:
    return v if isinstance(v, Promise) else Promise(("value", v))


# ---- the oracle's procedures -------------------------------------------------------------------


@primitive("ask-llm", 1, kind="control", signature="(ask-llm prompt)")
def _ask_llm(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    m.perform(sym("infer.op"), args, node)


@primitive("provenance", 1, kind="pure", derives=False, signature="(provenance value)")
def _provenance(v: Any) -> Any:
    p = provenance_of(v)
    return NIL if p is None else p


@primitive("provenance-receipts", 1, kind="pure", derives=False, signature="(provenance-receipts value)")
def _provenance_receipts(v: Any) -> Any:
    seen: list[str] = []
    stack = [v]
    while stack:
        x = stack.pop()
        p = provenance_of(x)
        trees = [p] if p is not None else []
        if isinstance(x, Pair):
            # the elements of a list carry their own provenance
            items = []
            cur: Any = x
            while isinstance(cur, Pair):
                items.append(cur.car)
                cur = cur.cdr
            stack.extend(reversed(items))
        for tree in trees:
            _collect_ids(tree, seen)
    return make_list(list(seen))


def _collect_ids(tree: Any, seen: list[str]) -> None:
    stack = [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, str) and t.startswith("r-"):
            if t not in seen:
                seen.append(str(t))
        elif isinstance(t, Pair):
            items = []
            while isinstance(t, Pair):
                items.append(t.car)
                t = t.cdr
            stack.extend(reversed(items))


@primitive("receipt", 1, kind="ctx", derives=False, signature="(receipt id)")
def _receipt(m: Machine, rid: Any) -> Any:
    if not isinstance(rid, str):
        raise wrong_type("receipt", "string", rid)
    r = m.services.receipts.latest(str(rid))
    if r is None:
        return False
    fields = [("id", r.id), ("seq", r.seq), ("op", sym(r.op)), ("prompt", r.prompt), ("response", r.response),
              ("tokens", r.total_tokens), ("duration-ms", float(r.duration_ms)), ("oracle", sym(r.oracle))]
    return make_list([Pair(sym(k), v) for k, v in fields])


@primitive("receipts", 0, kind="ctx", derives=False)
def _receipts(m: Machine) -> Any:
    return make_list(list(m.services.receipts.ids()))


# ---- fixpoint (LANGUAGE.md 8) -------------------------------------------------------------------


class FixpointState(NamedTuple):
    fid: int
    step: Any
    equal: Any
    max_iter: int
    base_max_iter: int  # the `continue` restart's default
    iteration: int
    previous: Any
    current: Any
    converged: bool
    span: Any


@primitive("fixpoint", 2, None, kind="control", signature="(fixpoint step init [max-iter n] [equal proc])")
def _fixpoint(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    step, init = args[0], args[1]
    _check_proc("fixpoint", step)
    opts = args[2:]
    if len(opts) % 2:
        raise OmegaError("value-error", "fixpoint: options come in name/value pairs", ())
    max_iter: Any = 1000
    equal: Any = m.services.builtin("equal?")
    for i in range(0, len(opts), 2):
        key, val = opts[i], opts[i + 1]
        name = key.name if isinstance(key, (Symbol, Keyword)) else None
        if name == "max-iter":
            if val.__class__ is bool or not isinstance(val, int) or val < 1:
                raise wrong_type("fixpoint", "integer", val)
            max_iter = val
        elif name == "equal":
            equal = _check_proc("fixpoint", val)
        else:

            raise _unknown_option(key)
    fp = FixpointState(m.next_id("fp"), step, equal, max_iter, max_iter, 0, VOID, init, False, m.span_of(node))
    fp_iterate(m, fp, node)


def _unknown_option(key: Any) -> OmegaError:
    from ..printer import write_repr

    return OmegaError("value-error", lambda s: f"fixpoint: unknown option {write_repr(key, s)}", (key,))


def fp_iterate(m: Machine, fp: FixpointState, node: Any) -> None:
    m.k = F.CallbackFrame("fp_stepped", (fp, node), m.k, "fixpoint")
    # After the frame is pushed: a handler asking for the fixpoint state finds this iteration.
    m.services.emit("fixpoint-iteration", {"id": f"fp-{fp.fid}", "iteration": fp.iteration})
    m.apply(fp.step, (fp.current,), node)


def fp_stepped(m: Machine, nxt: Any, fp: FixpointState, node: Any) -> None:
    fp = fp._replace(iteration=fp.iteration + 1, previous=fp.current, current=nxt)
    m.k = F.CallbackFrame("fp_compared", (fp, node), m.k, "fixpoint")
    m.apply(fp.equal, (fp.previous, nxt), node)


def fp_compared(m: Machine, same: Any, fp: FixpointState, node: Any) -> None:
    if same is not False:
        _ret(m, fp.current)
        return
    if fp.iteration >= fp.max_iter:
        err = OmegaError("fixpoint-diverged", f"fixpoint: no fixed point after {fp.iteration} iterations",
                         (fp.iteration, fp.current), restarts=("use-value",))
        err.extra_restarts = (Restart(sym("continue"), ("n",), None, ("fp_continue", (fp, node, m.k))),)  # type: ignore[attr-defined]
        m.raise_error(err, node)
        return
    fp_iterate(m, fp, node)


def fp_continue(m: Machine, args: tuple[Any, ...], fp: FixpointState, node: Any, k: Any) -> None:
    more = args[0] if args else fp.base_max_iter
    m.k = k
    fp_iterate(m, fp._replace(max_iter=fp.max_iter + more), node)


# ---- facts (LANGUAGE.md 9) ----------------------------------------------------------------------


def _fact_key(prim: str, key: Any) -> Symbol:
    if isinstance(key, Symbol):
        return key
    if isinstance(key, str):
        return sym(str(key))
    raise wrong_type(prim, "symbol", key)


@primitive("assert-fact!", 2, kind="ctx", derives=False, signature="(assert-fact! key value)")
def _assert_fact(m: Machine, key: Any, value: Any) -> Any:
    from ..equality import equal

    k = _fact_key("assert-fact!", key)
    facts = m.r.facts
    old = facts.get(k)
    if old is not None:
        if equal(old[1], value, m.s):
            return False
        from ..printer import write_repr

        raise OmegaError("fact-conflict",
                         lambda s: f"fact {k.name} already holds {write_repr(old[1], s)}, cannot assert {write_repr(value, s)}",
                         (k, old[1], value), restarts=())
    entry = (m.r.fact_seq, value)
    m.record_fact_change(k, None, "fact-assert", VOID, value)
    m.r = m.r._replace(facts=m.r.facts.set(k, entry), fact_seq=m.r.fact_seq + 1)
    return True


@primitive("retract-fact!", 1, kind="ctx", derives=False, signature="(retract-fact! key)")
def _retract_fact(m: Machine, key: Any) -> Any:
    k = _fact_key("retract-fact!", key)
    if not m.r.txs:
        raise OmegaError("transaction-error", "transaction: retract-fact! outside a transaction")
    old = m.r.facts.get(k)
    if old is None:
        return False
    m.record_fact_change(k, old, "fact-retract", old[1], VOID)
    m.r = m.r._replace(facts=m.r.facts.delete(k))
    return True


@primitive("fact", 1, 2, kind="ctx", derives=False, signature="(fact key [default])")
def _fact(m: Machine, key: Any, default: Any = False) -> Any:
    entry = m.r.facts.get(_fact_key("fact", key))
    return default if entry is None else entry[1]


def sorted_facts(m: Machine) -> list[tuple[Symbol, Any]]:
    return [(k, v[1]) for k, v in sorted(m.r.facts.items(), key=lambda kv: kv[1][0])]


@primitive("facts", 0, 1, kind="ctx", derives=False, signature="(facts [prefix])")
def _facts(m: Machine, prefix: Any = None) -> Any:
    pre = ""
    if prefix is not None:
        if isinstance(prefix, Symbol):
            pre = prefix.name
        elif isinstance(prefix, str):
            pre = str(prefix)
        else:
            raise wrong_type("facts", "string", prefix)
    return make_list([Pair(k, v) for k, v in sorted_facts(m) if k.name.startswith(pre)])


# ---- transactions (LANGUAGE.md 7) ---------------------------------------------------------------


@primitive("commit!", 0, kind="control")
def _commit(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    m.perform(sym("commit.op"), (), node)


@primitive("rollback!", 0, 1, kind="control", signature="(rollback! [value])")
def _rollback(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    value = args[0] if args else False
    k = F.innermost_marked(m.k)  # extent frames only (see frames.innermost_marked)
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "with-transaction" and m.tx_is_open(k.data):
            break
        k = F.innermost_marked(k.next)
    if k is None or not m.r.txs:
        raise OmegaError("transaction-error", "transaction: rollback! outside a transaction")
    frame = k
    m.rollback_tx(frame.data, "rollback!")
    m.unwind_to(frame.next, lambda mm: _ret(mm, value))


@primitive("in-transaction?", 0, kind="ctx", derives=False)
def _in_transaction(m: Machine) -> bool:
    return bool(m.r.txs)


@primitive("transaction-proposals", 0, kind="ctx", derives=False)
def _transaction_proposals(m: Machine) -> Any:
    if not m.r.txs:
        return NIL
    tx = m.r.txs[-1]
    return make_list([make_list([sym(p.kind), p.target, p.old, p.new]) for p in tx.proposals])


@primitive("proposal-result", 1, kind="ctx", derives=False, signature="(proposal-result proposal)")
def _proposal_result(m: Machine, p: Any) -> Any:
    if not isinstance(p, Proposal):
        raise wrong_type("proposal-result", "proposal", p)
    result = m.s.get(("proposal-result", p.pid), MISSING)
    if result is MISSING:
        raise OmegaError("transaction-error", f"transaction: proposal {p.pid} has not been committed", (p,))
    return result


@primitive("command-line", 0, kind="ctx", derives=False, signature="(command-line)")
def _command_line(m: Machine) -> Any:
    """The program's path and its arguments, as strings (`omega run PROGRAM ARGS...`)."""
    return make_list(list(m.services.argv))


# ---- budgets and capabilities (LANGUAGE.md 12) ---------------------------------------------------


@primitive("budget-remaining", 0, kind="ctx", derives=False)
def _budget_remaining(m: Machine) -> Any:
    return make_list([Pair(sym(d), v) for d, v in m.budget_remaining()])


@primitive("capabilities", 0, kind="ctx", derives=False)
def _capabilities(m: Machine) -> Any:
    return make_list([sym(c) for c in sorted(m.capabilities())])


__all__ = ["wind_entered", "fp_stepped", "fp_compared", "fp_continue", "FixpointState", "PStr", "DEFAULT_TAG"]


F.CALLBACKS.update({"wind_entered": wind_entered, "fp_stepped": fp_stepped, "fp_compared": fp_compared,
                    "fp_continue": fp_continue})

# One-line documentation of the machine's built-ins (hover and completion in editors).
DOCS = {
    "apply": "Call proc with the arguments, the last of which is a list of further arguments.",
    "call/cc": "Call proc with the current continuation (multi-shot, re-entrant).",
    "call-with-current-continuation": "Call proc with the current continuation (multi-shot, re-entrant).",
    "dynamic-wind": "Call thunk; before runs on every entry to its extent, after on every exit.",
    "make-prompt-tag": "A fresh prompt tag, optionally named.",
    "default-prompt-tag": "The fixed default prompt tag.",
    "call-with-prompt": "Call thunk under a prompt tag; abort-to-prompt with that tag calls handler with k and values.",
    "abort-to-prompt": "Unwind to the nearest prompt with tag and call its handler with the composable continuation.",
    "signal": "Signal a condition (supertypes: condition); returns void when every handler declines.",
    "error": "Signal an error condition; unhandled, it stops the program.",
    "warn": "Signal a warning; unhandled, it is printed on standard error and gives void.",
    "assert": "Void, or signal assertion-failed when the value is #f.",
    "invoke-restart": "Transfer to the innermost active restart of that name (or that restart object).",
    "compute-restarts": "The active restarts, innermost first.",
    "find-restart": "The innermost active restart of that name, or #f.",
    "restart-name": "The name of a restart.",
    "condition-type": "The type symbol of a condition.",
    "condition-message": "The message string of a condition.",
    "condition-data": "The data list of a condition.",
    "condition-location": "\"file:line:col\" where the condition was signalled, or #f.",
    "condition-supertypes": "The supertypes of a condition.",
    "eval": "Expand and evaluate a datum as a top-level form in the global environment.",
    "exit": "End the program with that status (default 0); open transactions roll back.",
    "force": "The value of a promise, computing it the first time (other values are returned as they are).",
    "make-promise": "A promise already holding the value.",
    "ask-llm": "Ask the oracle: performs (effect infer.op prompt) and gives its answer string.",
    "provenance": "The provenance tree of a value, or ().",
    "provenance-receipts": "The receipt ids in a value's provenance, first occurrence first.",
    "receipt": "The latest receipt with that id as an association list, or #f.",
    "receipts": "The run's receipt ids in seq order.",
    "fixpoint": "Iterate step from init until equal holds between consecutive values (options max-iter, equal).",
    "assert-fact!": "Add a fact: #t if new, #f if it holds an equal value, fact-conflict otherwise.",
    "retract-fact!": "Remove a fact (inside a transaction only): #t if it was there.",
    "fact": "The value of a fact, or default (#f).",
    "facts": "(key . value) pairs in insertion order, optionally only keys starting with prefix.",
    "commit!": "Commit the innermost transaction now (performs commit.op).",
    "rollback!": "Roll back the innermost transaction and make it return value (default #f).",
    "in-transaction?": "#t inside an open transaction.",
    "transaction-proposals": "The innermost transaction's proposals as (kind target old new) lists.",
    "proposal-result": "The outcome of a committed proposal (transaction-error before).",
    "command-line": "The program's path and its arguments, as strings.",
    "budget-remaining": "An association list of the limited budget dimensions and what is left.",
    "capabilities": "The granted capabilities, sorted.",
}
for _name, _doc in DOCS.items():
    _prim = BUILTINS_TABLE.get(_name)
    if _prim is not None and not _prim.doc:
        _prim.doc = _doc
