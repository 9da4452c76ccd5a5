"""Constructors of the step loop's commonest objects, for the interpreted (pure) build.

Interpreted (CPython 3.11), calling a class runs its `__init__` through a C-level re-entry into
the interpreter, a fifth of what making a frame costs; a plain function making the same object
is called without one. `Machine.run` makes frames and closures through the names these replace
in the pure build only (the modules using them bind them at import: `bind`): compiled (mypyc), a class call is
already a direct native constructor, and this module is never loaded.

Each function makes exactly what its class's `__init__` makes (tests/test_interpreted.py
compares every slot), so the objects are the same whichever built them.
"""

from __future__ import annotations

from typing import Any

from ..values import Pair
from .frames import NO_PROCEDURE, UNKNOWN, Activation, AppFrame, EffectFrame, IfFrame, LetFrame, SeqFrame
from .procedures import Closure
from .state import ChoiceStack

_new = object.__new__


def new_app_frame(node: Any, env: Any, vals: tuple[Any, ...], next_frame: Any, fn: Any = NO_PROCEDURE) -> AppFrame:
    f = _new(AppFrame)
    f.node = node
    f.env = env
    f.vals = vals
    f.next = next_frame
    f.fn = fn
    return f


def new_if_frame(node: Any, env: Any, next_frame: Any) -> IfFrame:
    f = _new(IfFrame)
    f.node = node
    f.env = env
    f.next = next_frame
    return f


def new_seq_frame(node: Any, env: Any, i: int, next_frame: Any) -> SeqFrame:
    f = _new(SeqFrame)
    f.node = node
    f.env = env
    f.i = i
    f.next = next_frame
    return f


def new_let_frame(node: Any, env: Any, vals: tuple[Any, ...], next_frame: Any) -> LetFrame:
    f = _new(LetFrame)
    f.node = node
    f.env = env
    f.vals = vals
    f.next = next_frame
    return f


def new_effect_frame(node: Any, env: Any, vals: tuple[Any, ...], next_frame: Any) -> EffectFrame:
    f = _new(EffectFrame)
    f.node = node
    f.env = env
    f.vals = vals
    f.next = next_frame
    return f


def new_activation(proc: Any, site: Any, args: tuple[Any, ...], next_frame: Any) -> Activation:
    f = _new(Activation)
    f.proc = proc
    f.site = site
    f.args = args
    f.next = next_frame
    f.call = None
    f.marked_below = UNKNOWN
    return f


def new_choice_stack(top: Any, below: Any, size: int) -> ChoiceStack:
    f = _new(ChoiceStack)
    f.top = top
    f.below = below
    f.size = size
    return f


def new_pair(car: Any, cdr: Any) -> Pair:
    f = _new(Pair)
    f.car = car
    f.cdr = cdr
    f.provenance = None
    return f


def new_closure(lam: Any, env: tuple[Any, ...]) -> Closure:
    f = _new(Closure)
    f.name = lam.name
    f.lam = lam
    f.env = env
    return f


CONSTRUCTORS = {
    "new_app_frame": new_app_frame,
    "new_if_frame": new_if_frame,
    "new_seq_frame": new_seq_frame,
    "new_let_frame": new_let_frame,
    "new_effect_frame": new_effect_frame,
    "new_activation": new_activation,
    "new_closure": new_closure,
    "new_choice_stack": new_choice_stack,
    "new_pair": new_pair,
}


def bind(namespace: dict[str, Any]) -> None:
    """Rebind each constructor name a module uses (its class, imported under that name) to the
    function here: what the modules the step loop calls do at import in the interpreted build."""
    for name, make in CONSTRUCTORS.items():
        if name in namespace:
            namespace[name] = make
