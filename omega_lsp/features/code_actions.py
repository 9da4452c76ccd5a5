"""Code actions: fix an unbound identifier close to a known name; wrap a form in `with-transaction`."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime.syntax import SList

from ..knowledge import SPECIAL_FORMS, builtin_procedures

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..server import Document, OmegaServer

WRAP_TITLE = "Wrap in with-transaction"


def known_names(a: Analysis, offset: int) -> list[str]:
    names = [li.binding.name for li in a.locals_at(offset)]
    names += list(a.definitions) + list(builtin_procedures()) + list(SPECIAL_FORMS)
    return names


def unbound_fixes(server: OmegaServer, doc: Document, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    a = doc.analysis()
    lo = server.offset(doc, params.range.start)
    hi = server.offset(doc, params.range.end)
    out: list[lsp.CodeAction] = []
    for d in a.diagnostics:
        if d.code != "W0001" or d.end < lo or d.start > hi:
            continue
        name = doc.text[d.start:d.end]
        for guess in difflib.get_close_matches(name, known_names(a, d.start), n=3, cutoff=0.6):
            edit = lsp.TextEdit(range=server.range(doc, d.start, d.end), new_text=guess)
            out.append(lsp.CodeAction(
                title=f"Change to {guess}", kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[server.to_lsp_diagnostic(doc, d)], is_preferred=len(out) == 0,
                edit=lsp.WorkspaceEdit(changes={doc.uri: [edit]})))
    return out


def wrap_action(server: OmegaServer, doc: Document, params: lsp.CodeActionParams) -> lsp.CodeAction | None:
    """Wrap the innermost list holding the selection (or the selected forms) in `with-transaction`."""
    a = doc.analysis()
    lo = server.offset(doc, params.range.start)
    hi = server.offset(doc, params.range.end)
    target = None
    base, path = a.path_at(lo)
    for datum in reversed(path):
        s, e = datum.span.start_offset + base, datum.span.end_offset + base
        if isinstance(datum, SList) and s <= lo and hi <= e and doc.text[s] in "([":
            target = datum
            break
    if target is None:
        return None
    edits = [lsp.TextEdit(range=server.range(doc, e, e), new_text=")"),
             lsp.TextEdit(range=server.range(doc, s, s), new_text="(with-transaction ")]
    return lsp.CodeAction(title=WRAP_TITLE, kind=lsp.CodeActionKind.RefactorRewrite,
                          edit=lsp.WorkspaceEdit(changes={doc.uri: edits}))


def asks_for(context: lsp.CodeActionContext, kind: lsp.CodeActionKind) -> bool:
    """Whether the client asks for actions of `kind`: a kind listed in `only` (or a parent of
    it), else quick fixes always and refactorings only on request. Editors ask automatically
    whenever the cursor or the selection moves (VS Code's lightbulb): a refactoring offered
    then would light the bulb on every form, so it waits for an explicit request (an absent
    triggerKind counts as one)."""
    if context.only:
        return any(kind.value == k or kind.value.startswith(k + ".") for k in context.only)
    return kind == lsp.CodeActionKind.QuickFix or context.trigger_kind != lsp.CodeActionTriggerKind.Automatic


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite]))
    def code_actions(params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        doc = server.document(params.text_document.uri)
        out: list[lsp.CodeAction] = []
        if asks_for(params.context, lsp.CodeActionKind.QuickFix):
            out += unbound_fixes(server, doc, params)
        if asks_for(params.context, lsp.CodeActionKind.RefactorRewrite):
            w = wrap_action(server, doc, params)
            if w is not None:
                out.append(w)
        return out
