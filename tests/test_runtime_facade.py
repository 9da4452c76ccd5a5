"""The OmegaRuntime facade through its public API (the card's unit-test list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from omega_runtime import EvalResult, OmegaRuntime, RuntimeConfig
from omega_runtime.subsystems import (
    AmbManager,
    ArtifactManager,
    BudgetManager,
    ConditionsManager,
    ExpertsManager,
    FactsManager,
    FixpointManager,
    LLMIntegration,
    LogicManager,
    OPRIntegration,
    ProvenanceManager,
    SecurityManager,
    Session,
    StateCoordinator,
    StreamsManager,
    TransactionManager,
)
from omega_runtime.values import Pair, make_list, sym


def _record(seen: list[Any], probe: Any) -> bool:
    """A tool body: record what `probe()` sees at this point of the evaluation."""
    seen.append(probe())
    return True


@pytest.fixture
def rt() -> Any:
    with OmegaRuntime.create(preset="testing") as runtime:
        yield runtime


def test_create_returns_a_working_runtime(rt: OmegaRuntime) -> None:
    result = rt.eval("(+ 1 2)")
    assert isinstance(result, EvalResult)
    assert result.ok and result.value == 3 and result.printed == "3"
    assert result.steps > 0 and result.receipts == []


def test_create_with_config_applies_it() -> None:
    with OmegaRuntime.create(config={"seed": 7, "capabilities": ["shell"]}) as rt:
        assert rt.get_config().seed == 7
        assert rt.eval("(capabilities)").printed == "(shell)"
        assert rt.security.granted() == frozenset({"shell"})


def test_unknown_config_key_and_preset_are_value_errors() -> None:
    with pytest.raises(ValueError, match="colour.*accepted keys"):
        OmegaRuntime.create(config={"colour": 1})
    with pytest.raises(ValueError, match="nope.*accepted presets"):
        OmegaRuntime.create(preset="nope")
    with pytest.raises(ValueError, match="budget dimension"):
        OmegaRuntime.create(config={"budget": {"apples": 3}})


def test_create_with_preset_records_it() -> None:
    with OmegaRuntime.create(preset="repl") as rt:
        cfg = rt.get_config()
        assert cfg.preset == "repl" and cfg.history_limit == 1000 and cfg.snapshots


def test_eval_reports_conditions_as_results(rt: OmegaRuntime) -> None:
    result = rt.eval("(car 5)")
    assert not result.ok
    assert result.condition is not None and result.condition.ctype.name == "wrong-type"
    assert "car: expected pair, got 5" in result.report


def test_eval_expr_runs_a_datum(rt: OmegaRuntime) -> None:
    datum = make_list([sym("*"), 6, make_list([sym("+"), 3, 4])])
    assert rt.eval_expr(datum).value == 42
    rt.eval_expr(make_list([sym("define"), sym("answer"), 42]))
    assert rt.eval("answer").value == 42


def test_every_subsystem_is_accessible(rt: OmegaRuntime) -> None:
    expected = {"session": Session, "state_coordinator": StateCoordinator, "transactions": TransactionManager,
                "amb": AmbManager, "fixpoint": FixpointManager, "facts": FactsManager,
                "conditions": ConditionsManager, "streams": StreamsManager, "logic": LogicManager,
                "llm": LLMIntegration, "opr": OPRIntegration, "experts": ExpertsManager,
                "artifacts": ArtifactManager, "provenance": ProvenanceManager, "security": SecurityManager,
                "budget": BudgetManager}
    for name, cls in expected.items():
        assert isinstance(getattr(rt, name), cls), name
    assert not rt.protocol.running


def test_events_can_be_subscribed_and_unsubscribed(rt: OmegaRuntime) -> None:
    seen: list[tuple[str, Any]] = []

    def start(data: Any) -> None:
        seen.append(("start", data))

    def output(data: Any) -> None:
        seen.append(("output", data["text"]))

    rt.on("eval-start", start)
    rt.on("output", output)
    rt.eval('(display "hi")')
    assert seen == [("start", None), ("output", "hi")]
    rt.off("eval-start", start)
    rt.eval("1")
    assert len(seen) == 2
    rt.on("custom", lambda d: seen.append(("custom", d)))
    rt.emit("custom", 5)
    assert seen[-1] == ("custom", 5)


def test_dispose_is_idempotent_and_later_use_raises() -> None:
    rt = OmegaRuntime.create()
    events: list[Any] = []
    rt.on("disposed", events.append)
    rt.dispose()
    rt.dispose()
    assert rt.is_disposed() and events == [None]
    for call in (lambda: rt.eval("1"), lambda: rt.eval_expr(1), lambda: rt.get_amb_state(),
                 lambda: rt.get_transaction_state(), lambda: rt.configure(seed=1)):
        with pytest.raises(RuntimeError, match="runtime is disposed"):
            call()


def test_get_amb_state_while_a_choice_point_is_pending(rt: OmegaRuntime) -> None:
    assert rt.get_amb_state() is None
    states: list[Any] = []
    rt.on("amb-choice", lambda _d: states.append(rt.get_amb_state()))
    result = rt.eval("(let ((x (amb 1 2 3))) (require (> x 2)) x)")
    assert result.value == 3
    first = states[0]
    assert first is not None and first.depth == 1
    cp = first.choice_points[0]
    assert cp.id.startswith("cp-") and cp.untried == 2 and cp.total == 3 and cp.boundary == "top-level"
    assert cp.span is not None and cp.span.start_line == 1
    assert rt.get_amb_state() is None  # the finished form discarded its choice points


def test_get_amb_state_from_a_tool_callback() -> None:
    with OmegaRuntime.create(config={"capabilities": ["tool"]}) as rt:
        seen: list[Any] = []
        rt.register_tool("probe", lambda: _record(seen, lambda: rt.get_amb_state()))
        rt.eval("(amb-collect (let ((x (amb 'a 'b))) (effect tool.op 'probe) x))")
        first, second = seen
        assert first.depth == 1 and first.choice_points[0].untried == 1
        assert first.collecting == 1 and first.choice_points[0].boundary.startswith("collect-")
        assert second.depth == 0 and second.collecting == 1  # the last alternative: no choice left


def test_get_transaction_state_during_a_transaction() -> None:
    with OmegaRuntime.create(config={"capabilities": ["tool"]}) as rt:
        seen: list[Any] = []
        rt.register_tool("probe", lambda: _record(seen, lambda: rt.get_transaction_state()))
        assert rt.get_transaction_state() is None
        rt.eval("(define b 1) (with-transaction (set! b 2) (with-transaction (effect tool.op 'probe)))")
        state = seen[0]
        assert state.depth == 2 and state.active
        inner, outer = state.transactions
        assert inner.status == "open" and inner.proposals == ()
        assert [(p.kind, p.target, p.old, p.new) for p in outer.proposals] == [("set", sym("b"), 1, 2)]
        assert rt.get_transaction_state() is None
        assert rt.eval("b").value == 2


def test_get_fixpoint_state_during_a_fixpoint() -> None:
    with OmegaRuntime.create(config={"capabilities": ["tool"]}) as rt:
        seen: list[Any] = []
        rt.register_tool("probe", lambda: _record(seen, lambda: rt.get_fixpoint_state()))
        rt.eval("(fixpoint (lambda (x) (effect tool.op 'probe) (quotient (+ x (quotient 100 x)) 2)) 100)")
        assert rt.get_fixpoint_state() is None
        assert [s.current.iteration for s in seen[:3]] == [0, 1, 2]
        assert seen[1].current.current == 50 and seen[1].current.previous == 100
        assert seen[0].current.max_iter == 1000 and seen[0].current.id.startswith("fp-")


def test_configure_changes_live_settings(rt: OmegaRuntime) -> None:
    rt.configure(capabilities=("file.read",), seed=3)
    assert rt.eval("(capabilities)").printed == "(file.read)"
    assert rt.get_config().seed == 3
    with pytest.raises(ValueError, match="unknown config key"):
        rt.configure(bogus=1)
    with pytest.raises(ValueError, match="cannot be changed"):
        rt.configure(receipts="/tmp/x.jsonl")
    rt.configure(features=())
    assert rt.eval("(amb 1 2)").condition.ctype.name == "feature-disabled"  # type: ignore[union-attr]
    rt.configure(features=("amb", "streams", "transactions"))
    assert rt.eval("(amb 1 2)").value == 1


def test_config_object_round_trips() -> None:
    cfg = RuntimeConfig(seed=5)
    with OmegaRuntime.create(config=cfg) as rt:
        assert rt.get_config().seed == 5


def test_state_coordinator_replace_restores_state(rt: OmegaRuntime) -> None:
    rt.eval("(define n 1)")
    saved = rt.state_coordinator.current()
    rt.eval("(set! n 99)")
    rt.state_coordinator.replace(saved)
    assert rt.eval("n").value == 1


def test_state_coordinator_calls_procedures_with_python_values(rt: OmegaRuntime) -> None:
    result = rt.state_coordinator.call("list", 1, "two", sym("three"))
    assert result.printed == '(1 "two" three)'
    assert rt.state_coordinator.call(rt.state_coordinator.global_value("+"), 2, 3).value == 5
    assert isinstance(rt.eval("(cons 1 2)").value, Pair)


def test_the_session_remembers_its_files_and_latest_inputs_for_a_debugger(tmp_path: Path) -> None:
    lib = tmp_path / "lib.omega"
    lib.write_text("(define (f x) (* x 2))\n", encoding="utf-8")
    with OmegaRuntime.create() as rt:
        rt.load(lib)
        for i in range(1005):
            rt.eval(f"(f {i})", source=rt.next_input_name())
        names = list(rt.evaluated_sources)
        assert names[0] == str(lib) and rt.evaluated_sources[str(lib)][0] == lib.read_text()
        assert len(names) == 1 + 1000 and names[1] == "<repl-6>" and names[-1] == "<repl-1005>"
