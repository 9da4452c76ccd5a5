"""What stops the step loop (a program's exit, an uncaught condition), the condition types every
error derives from, and the extent frames one continuation has that another lacks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from mypy_extensions import mypyc_attr

from ..span import Span
from ..values import (
    Condition,
    sym,
)
from . import frames as F

S_ERROR = sym("error")
S_CONDITION = sym("condition")
S_WARNING = sym("warning")
ERROR_SUPERS = (S_ERROR, S_CONDITION)
NEVER = sys.maxsize  # a check_at no transition count reaches


def _own_extents(k: Any, other: Any) -> Iterator[Any]:
    """The extent frames of continuation `k` that continuation `other` does not share,
    innermost first. Only the handle and extent frames of each are looked at (F.innermost_marked):
    below the first such frame they share, they share everything."""
    shared = set()
    o = F.innermost_marked(other)
    while o is not None:
        shared.add(id(o))
        o = F.innermost_marked(o.next)
    k = F.innermost_marked(k)
    while k is not None and id(k) not in shared:
        if k.__class__ is F.ExtentFrame:
            yield k
        k = F.innermost_marked(k.next)

@mypyc_attr(allow_interpreted_subclasses=True)
class MachineHalt(Exception):
    """Raised inside the step loop to stop it: the program exits, or a host asked to stop."""


@mypyc_attr(allow_interpreted_subclasses=True)
class ProgramExit(MachineHalt):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@mypyc_attr(allow_interpreted_subclasses=True)
class Uncaught(MachineHalt):
    """An error no handler took: the program stops (LANGUAGE.md 10.5)."""

    def __init__(self, condition: Condition, backtrace: list[tuple[str, Span | None]]) -> None:
        super().__init__(condition.ctype.name)
        self.condition = condition
        self.backtrace = backtrace
