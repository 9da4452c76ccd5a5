"""MkDocs hook: the procedure reference is generated at build time from the runtime's own
registry (every global a fresh `OmegaRuntime` defines: the Python primitives with their
signatures and docs, the prelude's Omega procedures with their docstrings and arities), so the
guide cannot drift from the code. The page docs/reference/procedures.md holds the marker
`<!-- procedures -->`, replaced by the table; `<!-- forms -->` by the special forms and macros."""

from __future__ import annotations

from typing import Any

PROCEDURES_MARKER = "<!-- procedures -->"
FORMS_MARKER = "<!-- forms -->"


def arity_text(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    return str(lo) if lo == hi else f"{lo}-{hi}"


def procedure_rows() -> list[tuple[str, str, str, str]]:
    """(name, kind, arity, one-line doc) for every standard procedure, sorted by name."""
    from omega_runtime.machine.procedures import Closure
    from omega_runtime.primitives.registry import Primitive
    from omega_runtime.runtime import OmegaRuntime

    rows = []
    with OmegaRuntime.create() as rt:
        for name, value in rt.state_coordinator.globals():
            if name.startswith("%"):
                continue  # internal helpers
            if isinstance(value, Primitive):
                rows.append((name, "primitive", arity_text(value.min_args, value.max_args), value.doc))
            elif isinstance(value, Closure):
                lam = value.lam
                arity = arity_text(lam.nparams, None if lam.rest else lam.nparams)
                rows.append((name, "procedure", arity, getattr(lam, "doc", None) or ""))
    return sorted(rows)


def form_names() -> tuple[list[str], list[str]]:
    from omega_runtime.expander.scope import SPECIAL_FORMS
    from omega_runtime.runtime import OmegaRuntime

    with OmegaRuntime.create() as rt:
        macros = sorted(s.name for s in rt.interpreter.expander.macros)
    return sorted(s.name for s in SPECIAL_FORMS), macros


def _cell(text: str) -> str:
    first = " ".join(text.split())
    return first.replace("|", "\\|") or "—"


def procedures_table() -> str:
    lines = ["| procedure | arity | what it does |", "|---|---|---|"]
    for name, _kind, arity, doc in procedure_rows():
        lines.append(f"| `{_cell(name)}` | {arity} | {_cell(doc)} |")
    return "\n".join(lines)


def forms_list() -> str:
    forms, macros = form_names()
    return ("**Special forms:** " + ", ".join(f"`{f}`" for f in forms) + "\n\n"
            + "**Macros of the prelude:** " + (", ".join(f"`{m}`" for m in macros) or "none") + "\n")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if PROCEDURES_MARKER in markdown:
        markdown = markdown.replace(PROCEDURES_MARKER, procedures_table())
    if FORMS_MARKER in markdown:
        markdown = markdown.replace(FORMS_MARKER, forms_list())
    return markdown
