"""Pull diagnostics (`textDocument/diagnostic`); advertised only to clients that declare support."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:
    from ..server import OmegaServer


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC,
                    lsp.DiagnosticOptions(inter_file_dependencies=False, workspace_diagnostics=False,
                                          identifier="omega"))
    def diagnostic(params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        doc = server.document(params.text_document.uri)
        result_id = f"{doc.generation}:{doc.version}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(items=server.lsp_diagnostics(doc), result_id=result_id)
