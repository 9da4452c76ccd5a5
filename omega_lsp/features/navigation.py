"""Definition, references and document highlights, from the analysis' resolved occurrences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:
    from ..server import OmegaServer


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        occ = a.occurrence_at(server.offset(doc, params.position))
        if occ is None:
            return None
        where = a.definition_range(occ.target)
        if where is not None:
            return [lsp.Location(uri=doc.uri, range=server.range(doc, *where))]
        if isinstance(occ.target, str):  # a global defined in another open file
            out = []
            for other in list(server.docs.values()):
                if other.uri != doc.uri and other.uri.endswith(".omega"):
                    d = other.analysis().definitions.get(occ.target)
                    if d is not None:
                        out.append(lsp.Location(uri=other.uri, range=server.range(other, d.start, d.end)))
            return out or None
        return None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        occ = a.occurrence_at(server.offset(doc, params.position))
        if occ is None:
            return None
        decl = a.definition_range(occ.target)
        include = params.context.include_declaration
        return [lsp.Location(uri=doc.uri, range=server.range(doc, o.start, o.end))
                for o in a.occurrences_of(occ.target) if include or (o.start, o.end) != decl]

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def highlight(params: lsp.DocumentHighlightParams) -> list[lsp.DocumentHighlight] | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        occ = a.occurrence_at(server.offset(doc, params.position))
        if occ is None:
            return None
        return [lsp.DocumentHighlight(range=server.range(doc, o.start, o.end),
                                      kind=lsp.DocumentHighlightKind.Write if o.write else lsp.DocumentHighlightKind.Read)
                for o in a.occurrences_of(occ.target)]
