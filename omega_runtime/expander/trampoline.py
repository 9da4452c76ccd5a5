"""Recursion without the Python stack.

Expansion code is written as generators: `result = yield sub_generator` runs the sub-generator
to completion and sends back its return value; yielding anything that is not a generator sends
it straight back (a cheap path for results computed eagerly, such as atoms). The driver keeps
the suspended generators on a list, so nesting depth costs heap, not Python frames.
"""

from __future__ import annotations

from collections.abc import Generator
from types import GeneratorType
from typing import Any, TypeVar

T = TypeVar("T")

# A generator step: yields sub-computations, receives their results, returns a T.
Gen = Generator[Any, Any, T]


def run(gen: Gen[T]) -> T:
    """Drive `gen` and everything it yields; exceptions propagate to the caller."""
    stack: list[Gen[Any]] = []
    value: Any = None
    while True:
        try:
            request = gen.send(value)
        except StopIteration as stop:
            if not stack:
                result: T = stop.value
                return result
            gen = stack.pop()
            value = stop.value
            continue
        if type(request) is GeneratorType:
            stack.append(gen)
            gen = request
            value = None
        else:
            value = request

