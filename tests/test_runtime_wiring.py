"""The card's event wiring and integration of the subsystems, through the facade."""

from __future__ import annotations

from typing import Any

import pytest

from omega_runtime import OmegaRuntime, RuntimeProviders
from omega_runtime.oracle import OracleAnswer, OracleRequest


class CountingOracle:
    """A host-supplied oracle: answers with the prompt reversed and counts requests."""

    kind = "counting"

    def __init__(self) -> None:
        self.requests: list[OracleRequest] = []

    def answer(self, req: OracleRequest) -> OracleAnswer:
        self.requests.append(req)
        return OracleAnswer(req.prompt[::-1], 2, 3, 0.0, "counting")


def test_amb_counts_and_events_match_while_heard() -> None:
    """The amb subsystem's counts come from the machine; a listener hears every choice and
    backtrack while subscribed and nothing after it unsubscribes."""
    with OmegaRuntime.create() as rt:
        heard: list[tuple[str, Any]] = []

        def on_choice(data: Any) -> None:
            heard.append(("choice", data))

        def on_backtrack(data: Any) -> None:
            heard.append(("backtrack", data))

        rt.on("amb-choice", on_choice)
        rt.on("amb-backtrack", on_backtrack)
        assert rt.eval("(let ((x (amb 1 2 3))) (require (= x 3)) x)").printed == "3"
        assert heard == [("choice", {"id": "cp-1", "alternatives": 3}),
                         ("backtrack", {"id": "cp-1", "alternative": 2}),
                         ("backtrack", {"id": "cp-1", "alternative": 3})]
        assert (rt.amb.choices_made, rt.amb.backtracks) == (1, 2)
        rt.off("amb-choice", on_choice)
        rt.off("amb-backtrack", on_backtrack)
        assert rt.eval("(let ((x (amb 1 2))) (require (= x 2)) x)").printed == "2"
        assert len(heard) == 3
        assert (rt.amb.choices_made, rt.amb.backtracks) == (2, 3)


def test_amb_backtrack_rolls_back_transactions_opened_after_the_choice_point() -> None:
    with OmegaRuntime.create() as rt:
        rollbacks: list[Any] = []
        rt.on("transaction-rollback", rollbacks.append)
        rt.eval("(define b 0)")
        result = rt.eval("(let ((x (amb 1 2))) (with-transaction (set! b x) (require (= x 2)) 'done) b)")
        assert result.printed == "2"
        history = dict(rt.transactions.history())
        first, second = sorted(history)
        assert history[first] == "rolled-back" and history[second] == "committed"
        assert [r["id"] for r in rollbacks if r.get("reason") == "backtrack"] == [first]
        assert rollbacks[0]["checkpoint"].startswith("cp-")


def test_backtracking_inside_amb_collect_rolls_back_each_abandoned_transaction() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval("(define b 0)")
        result = rt.eval("(amb-collect (let ((x (amb 1 2 3))) (with-transaction (set! b x) (require (odd? x)) b)))")
        assert result.printed == "(1 3)"
        assert rt.eval("b").value == 0
        statuses = [status for _tid, status in rt.transactions.history()]
        assert statuses == ["committed", "rolled-back", "committed"]


def test_a_transaction_opened_before_the_choice_point_is_not_rolled_back() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval("(define b 0)")
        rt.eval("(with-transaction (set! b 1) (let ((x (amb 1 2))) (require (= x 2)) x))")
        assert rt.transactions.history() == [(rt.transactions.history()[0][0], "committed")]
        assert rt.eval("b").value == 1


def test_every_completed_oracle_call_is_charged_to_the_budget_and_recorded_in_provenance() -> None:
    with OmegaRuntime.create() as rt:
        result = rt.eval('(ask-llm "What is 2+2?") (ask-llm "What is 2+2?")')
        assert result.printed == '"4"'
        assert rt.budget.llm_calls == 2 and rt.budget.tokens == 8
        assert rt.budget.usage()["llm-calls"] == 2
        records = rt.provenance.records()
        assert [(r.type, r.receipt_id, r.prompt, r.value) for r in records] == \
            [("llm-call", "r-cc171551935265e2", "What is 2+2?", "4")] * 2
        assert rt.artifacts.get(rt.artifacts.for_receipt("r-cc171551935265e2") or "") == "4"
        assert rt.llm.completed == 2 and rt.llm.token_counts()["total"] == 8


def test_requests_taken_by_a_handler_are_not_charged() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval('(handle (ask-llm "x") (on infer.op (p k) (k "mocked")))')
        assert rt.budget.llm_calls == 0 and rt.provenance.records() == [] and rt.llm.calls() == 0


def test_provenance_of_values() -> None:
    with OmegaRuntime.create() as rt:
        v = rt.eval('(string-append "x=" (ask-llm "What is 2+2?"))').value
        assert rt.provenance.of(v) == ["derived", "string-append", ["oracle", "r-cc171551935265e2"]]
        assert rt.provenance.receipts_of(v) == ["r-cc171551935265e2"]
        assert rt.provenance.of("literal") == []


def test_runtime_llm_budget_is_enforced_across_evaluations() -> None:
    with OmegaRuntime.create(config={"budget": {"llm-calls": 1}}) as rt:
        exceeded: list[Any] = []
        rt.on("budget-exceeded", exceeded.append)
        assert rt.eval('(ask-llm "echo: a")').printed == '"a"'
        assert rt.budget.remaining() == {"llm-calls": 0}
        result = rt.eval('(ask-llm "echo: b")')
        assert result.condition is not None and result.condition.ctype.name == "budget-exceeded"
        assert "llm-calls budget of 0 exceeded" in result.report
        assert exceeded and exceeded[0]["dimension"] == "llm-calls"
        assert rt.llm.calls() == 1


def test_runtime_steps_budget_stops_a_runaway_loop_with_restarts() -> None:
    with OmegaRuntime.create(config={"budget": {"steps": 5000}}) as rt:
        rt.eval("(define (spin n) (spin (+ n 1)))")
        result = rt.eval("(spin 0)")
        assert result.condition is not None and result.condition.ctype.name == "budget-exceeded"
        assert rt.budget.exceeded() == ["steps"]
        rt.budget.increase("steps", 100_000)
        handled = rt.eval("(handler-bind ((budget-exceeded (lambda (c) (invoke-restart 'abort 'stopped)))) (spin 0))")
        assert handled.printed == "stopped"


def test_runtime_budget_is_visible_to_programs() -> None:
    with OmegaRuntime.create(config={"budget": {"llm-calls": 5}}) as rt:
        assert rt.eval("(budget-remaining)").printed == "((llm-calls . 5))"
    with OmegaRuntime.create() as rt:
        assert rt.eval("(budget-remaining)").printed == "()"


def test_provider_injection() -> None:
    oracle = CountingOracle()
    with OmegaRuntime.create(providers=RuntimeProviders(oracle=oracle)) as rt:
        assert rt.llm.kind == "counting" and rt.llm.provider is oracle
        assert rt.eval('(ask-llm "abc")').printed == '"cba"'
        assert [r.prompt for r in oracle.requests] == ["abc"]
        assert rt.llm.receipts()[0].oracle == "counting"
        assert rt.budget.tokens == 5


def test_conditions_are_observed_at_the_signal_point() -> None:
    with OmegaRuntime.create() as rt:
        seen: list[Any] = []
        rt.on("condition-signalled", seen.append)
        rt.eval("(guard (e (#t 'caught)) (car '()))")
        rt.eval('(signal \'note "hello")')
        assert [(s["type"], s["severity"]) for s in seen] == [("wrong-type", "error"), ("note", "signal")]
        assert rt.conditions.last() is not None and rt.conditions.last().message == "hello"  # type: ignore[union-attr]


def test_capability_denials_are_recorded_by_security() -> None:
    with OmegaRuntime.create() as rt:
        assert rt.eval('(effect shell.op "true")').condition is not None
        assert [d.type for d in rt.security.denials()] == ["capability-denied"]
        rt.security.grant("shell")
        assert rt.security.allows("shell") and rt.eval('(effect shell.op "echo hi")').printed == '"hi"'
        rt.security.revoke("shell")
        assert rt.eval("(capabilities)").printed == "()"
        with pytest.raises(ValueError):
            rt.security.grant("root")


def test_all_subsystems_together() -> None:
    """One program using amb, transactions, facts, fixpoint, streams, conditions and the oracle."""
    with OmegaRuntime.create() as rt:
        program = """
        (define total 0)
        (define picks (amb-collect (let ((x (amb 1 2 3 4))) (require (even? x)) x)))
        (with-transaction (set! total (apply + picks)) (assert-fact! 'total total))
        (define root (fixpoint (lambda (x) (quotient (+ x (quotient 100 x)) 2)) 100))
        (define squares (stream-take (stream-map * (integers-from 1) (integers-from 1)) 3))
        (define answer (ask-llm (list "What is " root "*2?")))
        (define safe (guard (e (#t (condition-type e))) (error 'oops "bad")))
        (list total picks root squares answer safe)
        """
        result = rt.eval(program)
        assert result.printed == '(6 (2 4) 10 (1 4 9) "20" oops)'
        assert rt.facts.all() == [("total", 6)]
        assert rt.amb.choices_made >= 1 and rt.fixpoint.iterations >= 3
        assert rt.transactions.history()[-1][1] == "committed"
        assert len(rt.session.definitions) == 6 and rt.session.eval_count == 1
        assert rt.llm.calls() == 1 and rt.budget.llm_calls == 1
