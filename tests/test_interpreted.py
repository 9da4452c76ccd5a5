"""The interpreted build makes the step loop's commonest frames and closures with the functions
of machine/interpreted.py instead of class calls (issue 15): each must make exactly the object
its class makes, and the loop must use them in that build only."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

import omega_runtime
from omega_runtime.machine import frames as F
from omega_runtime.machine import interpreted as I
from omega_runtime.machine.procedures import Closure
from omega_runtime.machine.state import ChoiceStack
from omega_runtime.values import Pair


class Lam:
    name = "f"


def slots(obj: Any) -> dict[str, Any]:
    names = [n for cls in type(obj).__mro__ for n in getattr(cls, "__slots__", ())]
    return {n: getattr(obj, n) for n in names}


CASES: list[tuple[Any, Any, tuple[Any, ...]]] = [
    (I.new_app_frame, F.AppFrame, ("node", "env", (1, 2), "next")),
    (I.new_app_frame, F.AppFrame, ("node", "env", (1,), "next", "proc")),
    (I.new_if_frame, F.IfFrame, ("node", "env", "next")),
    (I.new_seq_frame, F.SeqFrame, ("node", "env", 3, "next")),
    (I.new_let_frame, F.LetFrame, ("node", "env", (4,), "next")),
    (I.new_effect_frame, F.EffectFrame, ("node", "env", (7,), "next")),
    (I.new_activation, F.Activation, ("proc", "site", (5, 6), "next")),
    (I.new_closure, Closure, (Lam(), ("env",))),
    (I.new_choice_stack, ChoiceStack, ("cp", "below", 2)),
    (I.new_pair, Pair, (1, 2)),
]


@pytest.mark.skipif(omega_runtime.compiled(), reason="the interpreted build's (the suite's pure part runs it)")
@pytest.mark.parametrize(("make", "cls", "args"), CASES, ids=[f"{c[1].__name__}-{len(c[2])}" for c in CASES])
def test_constructor_makes_what_the_class_makes(make: Any, cls: type, args: tuple[Any, ...]) -> None:
    made, expected = make(*args), cls(*args)
    assert type(made) is cls
    assert slots(made) == slots(expected)


def test_every_constructor_is_bound_only_in_the_interpreted_build() -> None:
    # Every constructor is used by one of the modules the loop runs, and each use is bound.
    code = ("import omega_runtime\nfrom omega_runtime.machine import choice, interpreted, machine, nodes\n"
            "uses = [(mod, n, f) for n, f in interpreted.CONSTRUCTORS.items()\n"
            "        for mod in (machine, choice, nodes) if hasattr(mod, n)]\n"
            "assert {n for _, n, _ in uses} == set(interpreted.CONSTRUCTORS)\n"
            "bound = [getattr(mod, n) is f for mod, n, f in uses]\n"
            "print(omega_runtime.compiled(), all(bound), any(bound))\n")
    for pure in ("1", "0"):
        env = {**os.environ, "OMEGA_PURE": pure}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        compiled, all_bound, any_bound = out.stdout.split()
        if compiled == "True":
            assert (all_bound, any_bound) == ("False", "False")
        else:
            assert (all_bound, any_bound) == ("True", "True")
        if pure == "1":
            assert compiled == "False"
