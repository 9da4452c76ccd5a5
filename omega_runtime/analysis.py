"""Static checks without running: reader and expansion diagnostics (`omega check`, editors)."""

from __future__ import annotations

from .reader import read
from .syntax import Diagnostic


def check_file(text: str, file: str) -> list[Diagnostic]:
    """Every reader diagnostic; when the text reads, every expansion error, in file order."""
    from .expander import ExpandError, expand_program

    result = read(text, file)
    if result.diagnostics:
        return list(result.diagnostics)
    outcomes, _expander = expand_program(result.data)
    return [o.diagnostic() for o in outcomes if isinstance(o, ExpandError)]
