"""`NamedTuple` for this package's interpreted modules: the class syntax mypy reads as
`typing.NamedTuple`, made at run time by `collections.namedtuple` alone.

`typing.NamedTuple` checks every field's annotation as it makes the class; under `from __future__
import annotations` each one is a string that it compiles into a `ForwardRef`. That took about two
thirds of the ~190 us each record class cost at start-up (issue 15), for checks mypy has already
made. The class made here is the same: a `collections.namedtuple` with the annotations (as
written), the defaults, and the class body's methods, properties and docstring.

The mypyc-compiled modules keep `typing.NamedTuple`: mypyc makes their record classes itself.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

_namedtuple: Any = collections.namedtuple  # called with computed arguments, as mypy cannot check

# What the class body may not set: namedtuple's own machinery, as `typing.NamedTuple` refuses it.
_PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                         "_make", "_replace", "_asdict", "_source"})
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__qualname__"})


class _RecordMeta(type):
    def __new__(mcs, typename: str, bases: tuple[type, ...], ns: dict[str, Any]) -> Any:
        if bases != (_Record,):
            raise TypeError(f"{typename}: a record class derives from NamedTuple alone")
        annotations: dict[str, Any] = ns.get("__annotations__", {})
        defaults = [ns[name] for name in annotations if name in ns]
        if any(name not in ns for name in list(annotations)[len(annotations) - len(defaults):]):
            raise TypeError(f"{typename}: a field without a default follows one with a default")
        cls = _namedtuple(typename, list(annotations), defaults=defaults, module=ns["__module__"])
        cls.__annotations__ = dict(annotations)
        cls.__qualname__ = ns.get("__qualname__", typename)
        for key, value in ns.items():
            if key in _PROHIBITED:
                raise AttributeError(f"{typename}: cannot overwrite NamedTuple attribute {key}")
            if key not in _SPECIAL and key not in annotations:
                setattr(cls, key, value)
        return cls


_Record = type.__new__(_RecordMeta, "NamedTuple", (), {})


def _named_tuple(*_args: Any, **_kwargs: Any) -> Any:
    raise TypeError("records.NamedTuple takes the class syntax only")


_named_tuple.__mro_entries__ = lambda _bases: (_Record,)  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    NamedTuple = _named_tuple

__all__ = ["NamedTuple"]
