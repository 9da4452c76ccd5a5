"""The machine's hand-written record updates (issue 15: choices and backtracks no longer go
through `_replace`) change exactly the fields they name."""

from __future__ import annotations

import immutables

from omega_runtime.machine.registers import Monotone, Registers
from omega_runtime.machine.state import NO_CHOICES, ChoicePoint, State


def choice_point(cid: int) -> ChoicePoint:
    state = State(None, 1, 2, 3, 4, 5, 6, 7)
    return ChoicePoint(cid, "span", ("a",), state, (), 1, 1, 0, 0, "node")


def distinct_registers() -> Registers:
    # Every field a value no other field has (of its own type: the compiled build checks types),
    # so a field copied into the wrong place shows.
    values = {"choices": NO_CHOICES.push(choice_point(1)), "facts": immutables.Map({"fact": (0, 1)}), "fact_seq": 7,
              "txs": ("tx",), "step_deadline": 99, "random_state": ("random",),
              "counters": immutables.Map({"gensym": 2}), "mono": Monotone(5), "fibers": "fibers", "form": 3}
    assert set(values) == set(Registers._fields)
    return Registers(**values)


def test_with_choices_is_evolve_of_choices_and_mono() -> None:
    r = distinct_registers()
    mono = Monotone(1, 2, immutables.Map({"cp": 3}), immutables.Map())
    choices = NO_CHOICES.push(choice_point(2))
    assert r.with_choices(choices, mono) == r._replace(choices=choices, mono=mono)


def test_with_choice_made_is_evolve_of_choices_and_the_choice_point_counter() -> None:
    r = distinct_registers()._replace(mono=Monotone(1, 2, immutables.Map({"cp": 3, "tx": 4}), immutables.Map({4: (5,)})))
    choices = NO_CHOICES.push(choice_point(9))
    expected = r._replace(choices=choices, mono=r.mono._replace(ids=immutables.Map({"cp": 9, "tx": 4})))
    assert r.with_choice_made(choices, 9) == expected


def test_advanced_choice_point_tries_one_more() -> None:
    state = State(None, 1, 2, 3, 4, 5, 6, 7)
    cp = ChoicePoint(1, "span", ("a", "b", "c"), state, ("b", "c"), 3, 1, 10, 0, "node")
    assert cp.advanced(("c",)) == cp._replace(remaining=("c",), tried=2)
