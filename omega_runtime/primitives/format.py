"""`format` (LANGUAGE.md 14.3): `~a` display form, `~s` write form, `~%` newline, `~~` tilde."""

from __future__ import annotations

from ..conditions import value_error, wrong_type
from ..printer import display_repr, write_repr
from ..values import VOID, Store, Value
from .registry import PrimContext, primitive


def format_text(template: str, args: tuple[Value, ...], store: Store) -> str:
    """The filled template; a bad directive or argument count is a value-error."""
    out: list[str] = []
    pending = list(args)
    pending.reverse()
    i, n = 0, len(template)
    while i < n:
        j = template.find("~", i)
        if j < 0:
            out.append(template[i:])
            break
        out.append(template[i:j])
        if j + 1 >= n:
            raise value_error("format", "template ends with a lone ~")
        d = template[j + 1]
        if d in "aAsS":
            if not pending:
                raise value_error("format", f"too few arguments for the template {write_repr(template, store)}")
            v = pending.pop()
            out.append(display_repr(v, store) if d in "aA" else write_repr(v, store))
        elif d == "%":
            out.append("\n")
        elif d == "~":
            out.append("~")
        else:
            raise value_error("format", f"unknown directive ~{d}")
        i = j + 2
    if pending:
        raise value_error("format", f"{len(pending)} argument(s) left over by the template "
                                    f"{write_repr(template, store)}")
    return "".join(out)


@primitive("format", 1, None, kind="ctx", signature="(format [dest] template arg ...)")
def format_(ctx: PrimContext, *args: Value) -> Value:
    """Fill the template; with dest #t print it and give void, else (no dest, or #f) give it."""
    dest: Value = False
    if args[0] is True or args[0] is False:
        dest, args = args[0], args[1:]
        if not args:
            raise value_error("format", "missing template")
    template = args[0]
    if not isinstance(template, str):
        raise wrong_type("format", "string", template)
    text = format_text(str.__str__(template), args[1:], ctx.store)
    if dest is True:
        ctx.output(text)
        return VOID
    return text
