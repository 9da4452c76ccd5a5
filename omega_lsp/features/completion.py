"""Completion: locals in scope, the file's definitions, built-ins and special forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime.syntax import Atom

from ..describe import FORM_SYNTAX, describe_local
from ..knowledge import SPECIAL_FORMS, builtin_procedures
from .common import prefix_at

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..server import OmegaServer

K = lsp.CompletionItemKind


def fuzzy(prefix: str, name: str) -> bool:
    """`prefix`'s characters appear in `name` in order, the first one first (how editors filter)."""
    if not prefix:
        return True
    if not name.startswith(prefix[0]):
        return False
    i = 1
    for c in name[1:]:
        if i < len(prefix) and c == prefix[i]:
            i += 1
    return i == len(prefix)


def in_string_or_comment(a: Analysis, offset: int) -> bool:
    i = a.piece_index(offset)
    base = a.bases[i]
    for c in a.pieces[i].read.comments:
        if c.start_offset + base < offset <= c.end_offset + base:
            # a line comment ends at the line end: the cursor there is still inside it
            return True
    base, path = a.path_at(offset, inclusive_end=False)
    return bool(path) and isinstance(path[-1], Atom) and isinstance(path[-1].value, str) \
        and path[-1].span.start_offset + base < offset


def candidates(a: Analysis, offset: int, prefix: str) -> list[tuple[str, K, str, str, str]]:
    """(label, kind, detail, documentation, sort group) for every name visible at `offset`."""
    seen: set[str] = set()
    out: list[tuple[str, K, str, str, str]] = []

    def add(name: str, kind: K, detail: str, doc: str, group: str) -> None:
        if name not in seen and fuzzy(prefix, name):
            seen.add(name)
            out.append((name, kind, detail, doc, group))

    for li in a.locals_at(offset):
        d = describe_local(li)
        add(li.binding.name, K.Function if d.detail.endswith("procedure") else K.Variable, d.detail, d.doc, "0")
    for name, defn in a.definitions.items():
        if defn.kind == "macro":
            add(name, K.Keyword, "macro", "", "1")
        elif defn.proc is not None:
            add(name, K.Function, defn.proc.signature, defn.proc.doc, "1")
        else:
            add(name, K.Variable, "global variable", "", "1")
    for form in SPECIAL_FORMS:
        add(form, K.Keyword, FORM_SYNTAX.get(form, "special form"), "special form", "2")
    for name, info in builtin_procedures().items():
        if not name.startswith("%") or prefix.startswith("%"):  # `%` names are the prelude's internals
            add(name, K.Function, info.signature, info.doc, "3")
    return out


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["("]))
    def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        offset = server.offset(doc, params.position)
        if in_string_or_comment(a, offset):
            return lsp.CompletionList(is_incomplete=False, items=[])
        start, prefix = prefix_at(doc.text, offset)
        if prefix.startswith(("#", ":", '"')) or (prefix[:1].isdigit()):
            return lsp.CompletionList(is_incomplete=False, items=[])
        rng = server.range(doc, start, offset)
        items = [
            lsp.CompletionItem(
                label=name, kind=kind, detail=detail, sort_text=group + name,
                documentation=server.markup("completion.completion_item.documentation_format", "", docs)
                if docs else None,
                text_edit=lsp.TextEdit(range=rng, new_text=name))
            for name, kind, detail, docs, group in candidates(a, offset, prefix)
        ]
        return lsp.CompletionList(is_incomplete=False, items=items)
