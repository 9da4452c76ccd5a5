"""Document symbols (definitions nested as written) and workspace symbols across open .omega files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime.syntax import Atom, SList, SVector, Syntax
from omega_runtime.values import Symbol

if TYPE_CHECKING:
    from ..server import Document, OmegaServer

S = lsp.SymbolKind
MAX_DEPTH = 64  # deeper definitions are listed under their 64th ancestor (clients render little more)


def _name(s: Syntax | None) -> str | None:
    return s.value.name if isinstance(s, Atom) and isinstance(s.value, Symbol) else None


def _sym(server: OmegaServer, doc: Document, base: int, name: str, kind: lsp.SymbolKind, whole: Syntax,
         at: Syntax, detail: str | None = None) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(name=name, kind=kind, detail=detail,
                              range=server.range(doc, whole.span.start_offset + base, whole.span.end_offset + base),
                              selection_range=server.range(doc, at.span.start_offset + base, at.span.end_offset + base),
                              children=[])


PROCEDURE_FORMS = ("lambda", "oracle-lambda", "case-lambda")


def _definitions(server: OmegaServer, doc: Document, base: int, form: SList) -> list[lsp.DocumentSymbol]:
    """The symbols a definition form introduces: one, or one per name of a `define-values`."""
    head = _name(form.items[0]) if form.items else None
    if head != "define-values" or len(form.items) < 2:
        one = _definition(server, doc, base, form)
        return [] if one is None else [one]
    formals = form.items[1]
    names = [formals] if isinstance(formals, Atom) else [
        *(formals.items if isinstance(formals, SList) else []),
        *([formals.tail] if isinstance(formals, SList) and formals.tail is not None else [])]
    return [_sym(server, doc, base, str(_name(n)), S.Variable, form, n, "define-values") for n in names if _name(n)]


def _definition(server: OmegaServer, doc: Document, base: int, form: SList) -> lsp.DocumentSymbol | None:
    """The symbol a `define`, `define-syntax` or `define-record-type` form introduces."""
    head = _name(form.items[0]) if form.items else None
    if head not in ("define", "define-syntax", "define-record-type") or len(form.items) < 2:
        return None
    target = form.items[1]
    if head == "define-record-type":
        name = _name(target)
        if name is None:
            return None
        record = _sym(server, doc, base, name, S.Struct, form, target, "record type")
        kids: list[lsp.DocumentSymbol] = []
        if len(form.items) > 2 and isinstance(form.items[2], SList) and form.items[2].items:
            ctor = form.items[2].items[0]
            if _name(ctor):
                kids.append(_sym(server, doc, base, str(_name(ctor)), S.Constructor, form.items[2], ctor, "constructor"))
        if len(form.items) > 3 and _name(form.items[3]):
            kids.append(_sym(server, doc, base, str(_name(form.items[3])), S.Function, form.items[3], form.items[3],
                             "predicate"))
        for spec in form.items[4:]:
            if isinstance(spec, SList) and spec.items and _name(spec.items[0]):
                field = _sym(server, doc, base, str(_name(spec.items[0])), S.Field, spec, spec.items[0], "field")
                for acc in spec.items[1:]:
                    if _name(acc):
                        field.children.append(_sym(server, doc, base, str(_name(acc)), S.Method, acc, acc))  # type: ignore[union-attr]
                kids.append(field)
        record.children = kids
        return record
    if head == "define-syntax":
        return _sym(server, doc, base, str(_name(target)), S.Function, form, target, "macro") if _name(target) else None
    if isinstance(target, SList) and target.items and _name(target.items[0]):
        text = doc.text[target.span.start_offset + base:target.span.end_offset + base]
        return _sym(server, doc, base, str(_name(target.items[0])), S.Function, form, target.items[0],
                    " ".join(text.split()))
    if _name(target) is None:
        return None
    value = form.items[2] if len(form.items) > 2 else None
    kind = _name(value.items[0]) if isinstance(value, SList) and value.items else None
    return _sym(server, doc, base, str(_name(target)), S.Function if kind in PROCEDURE_FORMS else S.Variable,
                form, target, "case-lambda" if kind == "case-lambda" else None)


def document_symbols(server: OmegaServer, doc: Document) -> list[lsp.DocumentSymbol]:
    roots: list[lsp.DocumentSymbol] = []
    stack: list[tuple[Syntax, list[lsp.DocumentSymbol], int, int]] = [
        (s, roots, 0, base) for base, piece in reversed(list(doc.analysis().iter_pieces()))
        for s in reversed(piece.read.data)]
    while stack:
        s, out, depth, base = stack.pop()
        if isinstance(s, SVector):
            stack.extend((c, out, depth, base) for c in reversed(s.items))
            continue
        if not isinstance(s, SList) or not s.items or _name(s.items[0]) in ("quote", "quasiquote", "syntax-rules"):
            continue
        syms = _definitions(server, doc, base, s)
        out.extend(syms)
        sym = syms[0] if len(syms) == 1 else None  # the one whose body nests further definitions
        inner = out
        if sym is not None:
            if depth < MAX_DEPTH and sym.kind != S.Struct:
                inner = sym.children  # type: ignore[assignment]
                depth += 1
        if sym is None or sym.kind != S.Struct:
            stack.extend((c, inner, depth, base) for c in reversed(s.items[1:]))
    return roots


def _matches(query: str, name: str) -> bool:
    q, n = query.lower(), name.lower()
    i = 0
    for c in n:
        if i < len(q) and c == q[i]:
            i += 1
    return i == len(q)


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def doc_symbols(params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        return document_symbols(server, server.document(params.text_document.uri))

    @server.feature(lsp.WORKSPACE_SYMBOL)
    def workspace_symbols(params: lsp.WorkspaceSymbolParams) -> list[lsp.WorkspaceSymbol]:
        out = []
        for doc in list(server.docs.values()):
            if not doc.uri.endswith(".omega"):
                continue
            for name, d in doc.analysis().definitions.items():
                if _matches(params.query, name):
                    kind = S.Function if d.kind in ("procedure", "macro") else S.Variable
                    out.append(lsp.WorkspaceSymbol(
                        name=name, kind=kind, container_name=doc.file.rsplit("/", 1)[-1],
                        location=lsp.Location(uri=doc.uri, range=server.range(doc, d.start, d.end))))
        return out
