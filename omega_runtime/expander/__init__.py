"""The Omega expander: syntax objects to core nodes (LANGUAGE.md 3, 15.1, 16.2).

    Expander().expand_toplevel(form) -> Node        one top-level form; raises ExpandError
    expand_program(forms) -> (results, expander)    every form, errors in place (omega check, LSP)
    datum_to_syntax(value, span) -> Syntax          for the `eval` primitive
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core import Node
from ..syntax import Syntax
from .datum import datum_to_syntax
from .errors import ExpandError
from .expander import Expander, gc_paused
from .idents import Renamed
from .scope import SPECIAL_FORM_NAMES


def expand_program(data: Sequence[Syntax]) -> tuple[list[Node | ExpandError], Expander]:
    """Expand each top-level form in order with one Expander (macros defined by earlier forms
    apply to later ones); a form that fails gives its ExpandError and the rest go on."""
    expander = Expander()
    results: list[Node | ExpandError] = []
    with gc_paused():
        for form in data:
            try:
                results.append(expander.expand_toplevel(form))
            except ExpandError as e:
                results.append(e)
    return results, expander


__all__ = ["Expander", "ExpandError", "Renamed", "SPECIAL_FORM_NAMES", "datum_to_syntax", "expand_program"]
