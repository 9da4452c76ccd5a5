"""`display`, `write`, `newline` (LANGUAGE.md 14.5): text goes to the machine's output."""

from __future__ import annotations

from ..printer import display_repr, write_repr
from ..values import VOID, Value
from .registry import PrimContext, primitive


@primitive("display", 1, kind="ctx", signature="(display v)")
def display(ctx: PrimContext, v: Value) -> Value:
    """Print `v` in display form (strings raw)."""
    ctx.output(display_repr(v, ctx.store))
    return VOID


@primitive("write", 1, kind="ctx", signature="(write v)")
def write(ctx: PrimContext, v: Value) -> Value:
    """Print `v` in write form."""
    ctx.output(write_repr(v, ctx.store))
    return VOID


@primitive("newline", 0, kind="ctx", signature="(newline)")
def newline(ctx: PrimContext) -> Value:
    """Print a newline."""
    ctx.output("\n")
    return VOID
