"""Number tokens with `#` prefixes (LANGUAGE.md 1.3, 17.9): `#x` `#b` `#o` `#d` radix integers,
`#e` / `#i` exactness, combinable in either order (`#e#x10`, `#X#e10`); letters in either case.
Shared by the reader and `string->number`."""

from __future__ import annotations

import math
import re
from typing import Final

_RADIXES: Final = {"x": 16, "b": 2, "o": 8, "d": 10}
_DIGITS: Final = {16: "[0-9a-fA-F]", 2: "[01]", 8: "[0-7]", 10: "[0-9]"}
# Patterns, compiled (and cached by `re`) on first use: most runs read no `#` number.
_INTEGER: Final = r"[+-]?[0-9]+"
_FLOAT: Final = r"[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)"
_SPECIAL_FLOATS: Final = {"+inf.0": math.inf, "-inf.0": -math.inf, "+nan.0": math.nan}


def parse_prefixed(token: str) -> int | float | None:
    """The value of a `#`-prefixed number token, or None when it is not one (E0005 in source)."""
    radix: int | None = None
    exactness: str | None = None
    rest = token
    while len(rest) >= 2 and rest[0] == "#":
        letter = rest[1].lower()
        if letter in _RADIXES and radix is None:
            radix = _RADIXES[letter]
        elif letter in "ei" and exactness is None:
            exactness = letter
        else:
            return None
        rest = rest[2:]
    if rest == token or not rest:
        return None
    value: int | float
    if radix is not None and radix != 10:
        if not re.fullmatch(rf"[+-]?{_DIGITS[radix]}+", rest):
            return None
        value = int(rest, radix)
    elif re.fullmatch(_INTEGER, rest):
        value = int(rest)
    elif radix in (None, 10) and re.fullmatch(_FLOAT, rest):
        if exactness == "e":
            import decimal  # rare (`#e1.5`): not at every start-up

            exact = decimal.Decimal(rest)
            if exact != exact.to_integral_value():
                return None  # no exact rationals
            return int(exact)
        value = float(rest)
    elif rest in _SPECIAL_FLOATS and exactness != "e":
        value = _SPECIAL_FLOATS[rest]
    else:
        return None
    if exactness == "i":
        return float(value)
    if exactness == "e" and isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    return value
