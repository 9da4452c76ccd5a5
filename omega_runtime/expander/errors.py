"""Expansion errors: the E01xx diagnostics of LANGUAGE.md 15.1."""

from __future__ import annotations

from ..span import Span
from ..syntax import Diagnostic, Syntax

E_MALFORMED = "E0101"  # wrong number or shape of parts
E_BINDING = "E0102"  # bad binding or parameter list
E_DEFINITION = "E0103"  # definition where an expression is required
E_DUPLICATE = "E0104"  # duplicate parameter, binding or record field
E_NO_RULE = "E0105"  # no syntax-rules rule matches
E_ELLIPSIS = "E0106"  # ellipsis misuse
E_UNQUOTE = "E0107"  # unquote outside quasiquote, or `,@` directly under it
E_DEFINE_SYNTAX = "E0108"  # define-syntax not at top level
E_PATTERN = "E0109"  # invalid match pattern
E_ELSE = "E0110"  # misplaced else or =>
E_KEYWORD = "E0111"  # top-level define of a special-form keyword


class ExpandError(Exception):
    """One expansion diagnostic, located at the offending sub-form."""

    def __init__(self, code: str, message: str, span: Span) -> None:
        super().__init__(f"{span.location()}: {code}: {message}")
        self.code = code
        self.message = message
        self.span = span

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, self.message, self.span)


def fail(code: str, message: str, where: Syntax | Span) -> ExpandError:
    """An ExpandError at `where` (a syntax object or a span); callers `raise` it."""
    span = where if isinstance(where, Span) else where.span
    return ExpandError(code, message, span)

