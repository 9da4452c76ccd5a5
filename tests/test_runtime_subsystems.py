"""The small APIs of the facade's subsystems, each reading or changing machine state."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime
from omega_runtime.subsystems import FactConflict, TransactionError, to_omega, to_python
from omega_runtime.values import sym


def _record(seen: list[Any], probe: Any) -> bool:
    """A tool body: record what `probe()` sees at this point of the evaluation."""
    seen.append(probe())
    return True


@pytest.fixture(scope="module")
def rt():  # type: ignore[no-untyped-def]
    with OmegaRuntime.create(config={"capabilities": ["file.write", "file.read"]}) as runtime:
        yield runtime


def test_facts_from_python_and_omega(rt: OmegaRuntime) -> None:
    rt.eval("(assert-fact! 'user.name \"Ann\")")
    assert rt.facts.assert_fact("user.age", 30) is True
    assert rt.facts.assert_fact("user.age", 30) is False
    with pytest.raises(FactConflict):
        rt.facts.assert_fact("user.age", 31)
    assert rt.facts.with_prefix("user.") == [("user.name", "Ann"), ("user.age", 30)]
    assert rt.eval("(fact 'user.age)").value == 30
    assert rt.facts.get(sym("user.name")) == "Ann" and "user.age" in rt.facts and rt.facts.get("nope", 1) == 1


def test_transactions_from_python(rt: OmegaRuntime, tmp_path: object) -> None:
    rt.eval("(define acct 100)")
    tid = rt.transactions.begin()
    assert rt.transactions.is_in_transaction() and rt.transactions.depth() == 1
    rt.eval("(set! acct 50)")
    assert rt.eval("(in-transaction?)").value is True
    assert [(p.kind, p.new) for p in rt.transactions.proposals()] == [("set", 50)]
    rt.transactions.rollback()
    assert rt.eval("acct").value == 100 and rt.transactions.status(tid) == "rolled-back"
    rt.transactions.begin()
    rt.eval("(set! acct 70)")
    rt.transactions.commit()
    assert rt.eval("acct").value == 70 and not rt.transactions.is_in_transaction()
    with pytest.raises(TransactionError):
        rt.transactions.commit()


def test_failed_commit_from_python_undoes_writes(rt: OmegaRuntime) -> None:
    rt.eval("(define z 1)")
    rt.transactions.begin()
    rt.eval('(set! z 2) (effect file.write.op "/nonexistent-dir/x.txt" "hi")')
    with pytest.raises(TransactionError, match="commit failed"):
        rt.transactions.commit()
    assert rt.eval("z").value == 1


def test_amb_all_solutions(rt: OmegaRuntime) -> None:
    assert rt.amb.all_solutions("(let ((x (amb 1 2 3 4))) (require (even? x)) (* x 10))").printed == "(20 40)"
    with pytest.raises(ValueError):
        rt.amb.all_solutions("(amb 1) (amb 2)")


def test_streams(rt: OmegaRuntime) -> None:
    s = rt.eval("(define nat (integers-from 0)) nat").value
    assert rt.streams.is_stream(s) and rt.streams.enabled()
    assert rt.streams.forced_prefix(s) == [0]
    assert rt.streams.take(s, 4).printed == "(0 1 2 3)"
    assert rt.streams.forced_prefix(s) == [0, 1, 2, 3]


def test_llm_ask_goes_through_the_machine(rt: OmegaRuntime) -> None:
    before = rt.llm.calls()
    assert rt.llm.ask("What is 6*7?").printed == '"42"'
    assert rt.llm.calls() == before + 1
    rid = rt.llm.receipts()[-1].id
    assert rt.llm.receipt(rid) is not None and rt.llm.receipt(rid).response == "42"  # type: ignore[union-attr]


def test_artifacts_are_content_addressed(rt: OmegaRuntime) -> None:
    a = rt.artifacts.put(to_omega([1, 2, 3]))
    b = rt.artifacts.put(to_omega([1, 2, 3]))
    assert a == b and a in rt.artifacts and len(a) == 64
    assert to_python(rt.artifacts.get(a)) == [1, 2, 3]
    assert rt.artifacts.put("x") != a


def test_conditions_handlers_and_restarts_views(rt: OmegaRuntime) -> None:
    seen: list[tuple[list[str], list[str]]] = []
    rt.security.grant("tool")
    rt.register_tool("probe", lambda: _record(seen, lambda: (rt.conditions.active_handlers(),
                                                   rt.conditions.active_restarts())))
    rt.eval("(handler-bind ((oops (lambda (c) 1))) (restart-case (effect tool.op 'probe) (skip () 2)))")
    assert seen == [(["oops"], ["skip"])]


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.one_of(st.integers(), st.text(max_size=5), st.booleans()),
                    lambda inner: st.lists(inner, max_size=4), max_leaves=20))
def test_python_omega_conversion_round_trips(value: object) -> None:
    assert to_python(to_omega(value)) == value


def test_conversion_handles_deep_data() -> None:
    deep: list[object] = []
    cur = deep
    for _ in range(100_000):
        nxt: list[object] = []
        cur.append(nxt)
        cur = nxt
    back = to_python(to_omega(deep))
    depth = 0
    while back:
        back = back[0]
        depth += 1
    assert depth == 100_000
