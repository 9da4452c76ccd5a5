"""The Omega language server: document store, analysis scheduling and diagnostics delivery.

Text sync is incremental and kept by this module (not pygls' workspace), so that line ends
follow LSP (LF, CRLF, CR) and positions follow the negotiated encoding. Each edit bumps the
document's generation; analysis is computed on demand for the latest text and cached until the
next edit, and a debounced publication superseded by a newer edit is cancelled before it runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Generator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import attrs
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .analysis import Analysis, Diag, analyze
from .text import LineIndex, apply_change, encoding_of

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE = 0.05  # seconds between the last edit and the diagnostics it triggers
_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "information": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
}


class RequestFailed(JsonRpcException):
    """LSP `RequestFailed`: a valid request the server refuses (e.g. renaming a built-in)."""

    CODE = -32803
    MESSAGE = "Request failed"


@attrs.define
class Document:
    uri: str
    text: str
    version: int
    index: LineIndex
    generation: int = 0
    analysis_: Analysis | None = None
    previous: Analysis | None = None  # the last analysis, reused for the parts an edit did not touch
    publish_handle: asyncio.TimerHandle | None = None
    tokens: tuple[str, list[int]] | None = None  # last semantic tokens: (result id, data)

    @property
    def file(self) -> str:
        parsed = urlparse(self.uri)
        return unquote(parsed.path) if parsed.scheme == "file" else self.uri

    def analysis(self) -> Analysis:
        if self.analysis_ is None:
            self.analysis_ = self.previous = analyze(self.text, self.file, previous=self.previous)
        return self.analysis_

    def set_text(self, text: str, version: int) -> None:
        self.text = text
        self.version = version
        self.index = LineIndex(text)
        self.generation += 1
        self.analysis_ = None


_ANSWERED = object()  # a malformed request already answered with an error


class OmegaProtocol(LanguageServerProtocol):
    """pygls' protocol with Omega's own document sync and conditional pull diagnostics."""

    _server: OmegaServer

    def structure_message(self, data: dict[str, Any]) -> Any:
        """As pygls, but a request whose params do not validate gets an error response."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data and isinstance(data["id"], int | str):
                self._send_response(data["id"], None, exc.to_response_error())
                return _ANSWERED
            raise

    def handle_message(self, message: Any) -> None:
        if message is not _ANSWERED:
            super().handle_message(message)

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, lsp.InitializeResult]:
        result: lsp.InitializeResult = yield from super().lsp_initialize(params)
        server = self._server
        server.encoding = encoding_of(result.capabilities.position_encoding)
        td = params.capabilities.text_document
        server.pull_diagnostics = td is not None and td.diagnostic is not None
        if not server.pull_diagnostics:
            # Never both: a client that cannot pull gets pushed diagnostics only.
            result.capabilities.diagnostic_provider = None
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), int | float):
            server.debounce = max(0.0, float(options["debounceMs"]) / 1000)
        return result

    @lsp_method(lsp.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        self._server.stop_publishing()
        yield from super().lsp_shutdown(*args)

    @lsp_method(lsp.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        self._server.stop_publishing()  # also when the client exits without a shutdown
        yield from super().lsp_exit(*args)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        self._server.open_document(params.text_document)
        yield from ()

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        self._server.change_document(params)
        yield from ()

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        self._server.close_document(params.text_document.uri)
        yield from ()


class OmegaServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("omega-lsp", "0.1.0", protocol_cls=OmegaProtocol,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.docs: dict[str, Document] = {}
        self.encoding = "utf-16"
        self.pull_diagnostics = False
        self.debounce = DEFAULT_DEBOUNCE
        self.publishing = True  # false once the client has asked to shut down
        self._reporting_error = False

    # ---- documents ------------------------------------------------------------------------

    def open_document(self, item: lsp.TextDocumentItem) -> None:
        doc = Document(item.uri, item.text, item.version, LineIndex(item.text))
        self.docs[item.uri] = doc
        if not self.pull_diagnostics and self.publishing:
            self.publish(doc)

    def change_document(self, params: lsp.DidChangeTextDocumentParams) -> None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            log.warning("change for a document that is not open: %s", params.text_document.uri)
            return
        text, index = doc.text, doc.index
        for change in params.content_changes:
            text = apply_change(text, index, change, self.encoding)
            index = LineIndex(text)
        doc.set_text(text, params.text_document.version)
        if doc.publish_handle is not None:
            doc.publish_handle.cancel()  # superseded by this edit
            doc.publish_handle = None
        if not self.pull_diagnostics and self.publishing:
            generation = doc.generation
            loop = asyncio.get_running_loop()
            doc.publish_handle = loop.call_later(self.debounce, self._publish_if_current, doc, generation)

    def close_document(self, uri: str) -> None:
        doc = self.docs.pop(uri, None)
        if doc is not None and doc.publish_handle is not None:
            doc.publish_handle.cancel()
        if doc is not None and not self.pull_diagnostics:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def document(self, uri: str) -> Document:
        """The open document `uri`, or the file on disk for a `file:` URI the client did not open."""
        doc = self.docs.get(uri)
        if doc is not None:
            return doc
        parsed = urlparse(uri)
        path = Path(unquote(parsed.path))
        if parsed.scheme == "file" and path.suffix == ".omega" and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            return Document(uri, text, 0, LineIndex(text))
        raise JsonRpcInvalidParams(f"document not open: {uri}")

    # ---- diagnostics ----------------------------------------------------------------------

    def stop_publishing(self) -> None:
        """After `shutdown` nothing more is sent: pending debounced publications are dropped
        (one firing after `exit` had closed the stream could only fail)."""
        self.publishing = False
        for doc in self.docs.values():
            if doc.publish_handle is not None:
                doc.publish_handle.cancel()
                doc.publish_handle = None

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls tells the client of errors it is not waiting for (window/showMessage); a
        failure to send that message is only logged, never reported by sending again, which
        recursed without end once the stream was closed."""
        if self._reporting_error:
            log.error("could not report a server error to the client: %s", error)
            return
        self._reporting_error = True
        try:
            super().report_server_error(error, source)
        finally:
            self._reporting_error = False

    def _publish_if_current(self, doc: Document, generation: int) -> None:
        doc.publish_handle = None
        if self.docs.get(doc.uri) is doc and doc.generation == generation:
            self.publish(doc)

    def publish(self, doc: Document) -> None:
        try:
            diagnostics = self.lsp_diagnostics(doc)
        except Exception:  # never let one bad document stop the server
            log.exception("analysis failed for %s", doc.uri)
            return
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=doc.version))

    def lsp_diagnostics(self, doc: Document) -> list[lsp.Diagnostic]:
        return [self.to_lsp_diagnostic(doc, d) for d in doc.analysis().diagnostics]

    def to_lsp_diagnostic(self, doc: Document, d: Diag) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=doc.index.range(d.start, d.end, self.encoding),
            message=d.message,
            severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
            code=d.code,
            source="omega",
            tags=[lsp.DiagnosticTag.Unnecessary] if d.unnecessary else None,
        )

    # ---- helpers for features ------------------------------------------------------------

    def markup(self, feature: str, code: str, *paragraphs: str) -> lsp.MarkupContent | str:
        """A code line and paragraphs, as Markdown if the client renders it for `feature`, else plain text.

        `feature` is the capability path holding the client's formats, e.g. `hover.content_format`.
        """
        formats: Any = self.client_capabilities.text_document
        for part in feature.split("."):
            formats = getattr(formats, part, None) if formats is not None else None
        paragraphs = tuple(p for p in paragraphs if p)
        if formats is not None and lsp.MarkupKind.Markdown in formats:
            body = ([f"```omega\n{code}\n```"] if code else []) + list(paragraphs)
            return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n".join(body))
        return "\n\n".join(([code] if code else []) + list(paragraphs))  # plain text

    def offset(self, doc: Document, pos: lsp.Position) -> int:
        return doc.index.offset(pos, self.encoding)

    def range(self, doc: Document, start: int, end: int) -> lsp.Range:
        return doc.index.range(start, end, self.encoding)


def create_server() -> OmegaServer:
    """A server with every feature registered."""
    from .features import register_all

    server = OmegaServer()
    register_all(server)
    return server
