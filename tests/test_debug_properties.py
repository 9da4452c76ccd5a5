"""Time-travel invariants of the debug controller on generated programs with amb and
transactions (DEBUGGER.md 11.1, LANGUAGE.md 16.1/16.5):
* from any stop, stepping back N entries then forward N reaches the identical state;
* after discarding the future (an intervention that changes nothing), running forward live
  again reaches states equal to the recorded ones (the machine is deterministic).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime, RuntimeProviders
from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.machine.state import State
from omega_runtime.printer import write_repr

# One statement of the generated body; each receives the rest of the body as REST.
Op = tuple[str, Any]

ops = st.one_of(
    st.tuples(st.just("amb"), st.lists(st.integers(0, 5), min_size=1, max_size=3)),
    st.tuples(st.just("tx"), st.booleans()),
    st.tuples(st.just("require"), st.integers(0, 8)),
    st.tuples(st.just("double"), st.none()),
)


def program(body_ops: list[Op]) -> str:
    """`(define g 0) (define (main) BODY) (display (amb-collect (main)))`, where every amb
    binds a new variable and transactions add the newest variable to g (and maybe roll back)."""
    names: list[str] = []
    pieces: list[str] = []
    for kind, arg in body_ops:
        last = names[-1] if names else "1"
        if kind == "amb":
            name = f"v{len(names)}"
            names.append(name)
            pieces.append(f"(let (({name} (amb {' '.join(map(str, arg))})))")
        elif kind == "tx":
            end = " (rollback! 0)" if arg else ""
            pieces.append(f"(begin (with-transaction (set! g (+ g {last})){end})")
        elif kind == "require":
            pieces.append(f"(begin (require (< (+ g {last}) {arg}))")
        else:
            pieces.append("(begin (set! g (* g 2))")
    rest = "(list g " + " ".join(names) + ")"
    body = "\n  ".join(pieces) + "\n  " + rest + ")" * len(pieces)
    return f"(define g 0)\n(define (main)\n  {body})\n(display (amb-collect (main)))\n"


def launch(text: str) -> DebugController:
    rt = OmegaRuntime.create(preset="debug", providers=RuntimeProviders(stdout=lambda s: None))
    dc = DebugController(rt)
    assert dc.launch(text, "gen.omega") == []
    return dc


def same(a: State, b: State) -> bool:
    return all(x is y or (type(x) is int and x == y) for x, y in zip(a, b, strict=True))


def digest(s: State) -> tuple[Any, ...]:
    """What a live re-run must reproduce: store contents, control, continuation shape,
    choice points, transactions, counters."""
    store = sorted((repr(k), write_repr(v, s.s) if not isinstance(v, tuple) else repr(v)) for k, v in s.s.items())
    frames = []
    k = s.k
    while k is not None:
        frames.append((type(k).__name__, getattr(getattr(k, "node", None), "nid", None)))
        k = k.next
    choices = [(cp.cid, cp.tried, len(cp.remaining), cp.created) for cp in s.r.choices]
    txs = [(tx.tid, tx.status, len(tx.proposals)) for tx in s.r.txs]
    control = s.c.nid if s.c is not None else ("value", write_repr(s.v, s.s))
    return (control, store, frames, choices, txs, s.t, s.nc, s.r.form, s.r.mono.ids)


def run_to_end(dc: DebugController) -> None:
    result: Stop | Exit = dc.resume()
    while isinstance(result, Stop):
        result = dc.resume()


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(ops, min_size=1, max_size=6), st.floats(0, 1), st.integers(1, 60))
def test_back_n_then_forward_n_is_identity(body: list[Op], where: float, n: int) -> None:
    dc = launch(program(body))
    run_to_end(dc)
    newest = dc.history.newest
    target = int(where * newest)
    dc.goto_step(target)
    original = dc.state
    n = min(n, target)
    for _ in range(n):
        dc.step_back("instruction")
    assert dc.cur == target - n
    for _ in range(n):
        dc.resume("instruction")
    assert dc.cur == target
    assert same(dc.state, original)


@SETTINGS
@given(st.lists(ops, min_size=1, max_size=6), st.floats(0, 1), st.integers(1, 60))
def test_live_rerun_after_discarding_the_future_matches_the_record(body: list[Op], where: float, n: int) -> None:
    dc = launch(program(body))
    run_to_end(dc)
    recorded = {s: dc.history.get(s) for s in range(dc.history.oldest, dc.history.newest + 1)}
    target = int(where * dc.history.newest)
    n = min(n, dc.history.newest - target)
    dc.goto_step(target)
    edit, _discarded = dc.intervene("nothing", lambda m: None)  # the future is gone
    assert dc.history.newest == edit.step == target + 1
    for i in range(1, n + 1):
        result = dc.resume("instruction")
        if isinstance(result, Exit):
            break
        assert digest(dc.state) == digest(recorded[target + i]), f"step {target + i}"


# Two fibers that never yield: the scheduler preempts them every time slice, from the machine's
# slow path, so each switch must be part of the recorded entry of the step it follows.
FIBERS = """(define log '())
(define (worker tag n)
  (lambda () (let loop ((i 0)) (when (< i n) (set! log (cons tag log)) (loop (+ i 1))))))
(define a (spawn (worker 'a 300)))
(define b (spawn (worker 'b 300)))
(join a)
(join b)
(display (length log))
"""


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 100), st.integers(0, 2), st.integers(1, 1500))
def test_preempted_fibers_rerun_exactly_from_any_entry(which: int, offset: int, n: int) -> None:
    dc = launch(FIBERS)
    run_to_end(dc)
    recorded = {s: dc.history.get(s) for s in range(dc.history.oldest, dc.history.newest + 1)}
    switches = [s for s in range(1, dc.history.newest + 1)
                if recorded[s].r.fibers is not None and recorded[s - 1].r.fibers is not None
                and recorded[s].r.fibers.current != recorded[s - 1].r.fibers.current]
    assert len(switches) >= 4  # the workers really were preempted
    # Re-run live from a switch (or just before it): the entry must be the switched state.
    target = switches[which % len(switches)] - offset
    n = min(n, dc.history.newest - target)
    dc.goto_step(target)
    dc.intervene("nothing", lambda m: None)  # discard the future
    result = dc.goto_step(target + 1 + n)  # live again, the whole way
    assert isinstance(result, Stop)
    for s in range(target + 2, dc.cur + 1):
        assert digest(dc.history.get(s)) == digest(recorded[s - 1]), f"step {s}"


# Ports (LANGUAGE.md 17.4): a port's position and text live in the store, so stepping back over a
# `read` or a `write-string` restores the port exactly as a fresh run reaching that step has it.
port_ops = st.lists(st.sampled_from(["(read in)", "(read-char in)", "(read-line in)", "(peek-char in)",
                                     "(write-string \"ab\" out)", "(write (read in) out)", "(newline out)",
                                     "(display (read-string 2 in) out)"]), min_size=1, max_size=8)


def port_program(ops: list[str]) -> str:
    return ('(define in (open-input-string "(a b) 12 \\"s\\"\\nline two\\n#(1 2) x y z"))\n'
            "(define out (open-output-string))\n"
            f"(define (go) {' '.join(ops)} (get-output-string out))\n(go)\n")


def port_cells(s: State) -> tuple[Any, Any]:
    from omega_runtime.values import MISSING, sym

    ports = (s.s.get(sym("in"), MISSING), s.s.get(sym("out"), MISSING))
    return tuple(s.s.get(p, MISSING) if p is not MISSING else None for p in ports)  # type: ignore[return-value]


@SETTINGS
@given(port_ops, st.floats(0, 1))
def test_stepping_back_over_reads_and_writes_restores_ports_exactly(ops: list[str], where: float) -> None:
    text = port_program(ops)
    dc = launch(text)
    run_to_end(dc)
    newest = dc.history.newest
    target = int(where * newest)
    while dc.cur > target:
        dc.step_back("instruction")
    fresh = launch(text)
    fresh.goto_step(target)
    assert fresh.cur == dc.cur == target
    assert port_cells(dc.state) == port_cells(fresh.state)
