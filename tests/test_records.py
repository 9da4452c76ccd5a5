"""`omega_runtime.records.NamedTuple` makes the class `typing.NamedTuple` makes, without checking
the annotations at run time (issue 15, start-up)."""

from __future__ import annotations

import pickle
import typing
from typing import Any

import pytest

from omega_runtime import records
from omega_runtime.span import Span


def make(base: object) -> Any:
    class Point(base):  # type: ignore[misc, valid-type]
        """A point."""

        x: int
        y: int = 0
        label: str = "p"

        def norm1(self) -> int:
            return abs(self.x) + abs(self.y)

        @property
        def swapped(self) -> tuple[int, int]:
            return (self.y, self.x)

    return Point


def test_a_record_class_behaves_as_typing_makes_it() -> None:
    ours, theirs = make(records._named_tuple), make(typing.NamedTuple)
    for cls in (ours, theirs):
        p = cls(3, -4)
        assert (p, p.norm1(), p.swapped, p._replace(label="q").label) == ((3, -4, "p"), 7, (-4, 3), "q")
        assert cls._fields == ("x", "y", "label") and cls._field_defaults == {"y": 0, "label": "p"}
        assert cls.__doc__ == "A point." and cls.__qualname__.endswith("Point")
        assert cls._make([1, 2, "r"]) == cls(1, 2, "r") and p._asdict()["x"] == 3
    assert repr(ours(1)) == repr(theirs(1)) == "Point(x=1, y=0, label='p')"
    assert list(ours.__annotations__) == list(theirs.__annotations__) == ["x", "y", "label"]


def test_record_classes_pickle_by_name() -> None:
    span = Span("f.omega", 1, 2, 1, 5, 1, 4)
    assert pickle.loads(pickle.dumps(span)) == span and type(span).__module__ == "omega_runtime.span"


def test_what_typing_refuses_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default follows"):
        class Bad(records._named_tuple):  # type: ignore[misc, valid-type]
            x: int = 0
            y: int
    with pytest.raises(AttributeError, match="_replace"):
        class Worse(records._named_tuple):  # type: ignore[misc, valid-type]
            x: int

            def _replace(self) -> None: ...
    with pytest.raises(TypeError, match="class syntax"):
        records._named_tuple("P", [("x", int)])
