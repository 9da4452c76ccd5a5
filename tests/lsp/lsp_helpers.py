"""Helpers for the end-to-end tests: documents, positions in the negotiated encoding, diagnostics.

Positions are computed here independently of the server's own conversion code.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

_ids = itertools.count(1)


def encoding(client: LanguageClient) -> str:
    enc = client.init_result.capabilities.position_encoding  # type: ignore[attr-defined]
    return enc.value if isinstance(enc, lsp.PositionEncodingKind) else (enc or "utf-16")


def uses_pull(client: LanguageClient) -> bool:
    return client.init_result.capabilities.diagnostic_provider is not None  # type: ignore[attr-defined]


def width(s: str, enc: str) -> int:
    if enc == "utf-8":
        return len(s.encode("utf-8"))
    if enc == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def position(client: LanguageClient, text: str, offset: int) -> lsp.Position:
    """The LSP position of code-point `offset` in `text` (lines end at LF, CRLF or CR)."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n")
    col_text = before[before.rfind("\n") + 1:]
    return lsp.Position(line=line, character=width(col_text, encoding(client)))


def pos_of(client: LanguageClient, text: str, needle: str, nth: int = 0, delta: int = 0) -> lsp.Position:
    """Position of the `nth` occurrence of `needle` (plus `delta` code points)."""
    return position(client, text, find(text, needle, nth) + delta)


def find(text: str, needle: str, nth: int = 0) -> int:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i


def range_of(client: LanguageClient, text: str, needle: str, nth: int = 0) -> lsp.Range:
    start = find(text, needle, nth)
    return lsp.Range(start=position(client, text, start), end=position(client, text, start + len(needle)))


def open_doc(client: LanguageClient, text: str, name: str = "doc") -> str:
    uri = f"file:///tmp/omega-lsp-tests/{name}-{next(_ids)}.omega"
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="omega", version=1, text=text)))
    return uri


def change_doc(client: LanguageClient, uri: str, version: int,
               changes: Sequence[lsp.TextDocumentContentChangeEvent]) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=list(changes)))


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None,
                      timeout: float = 10.0) -> list[lsp.Diagnostic]:
    """The document's current diagnostics, pulled or pushed as the server negotiated."""
    if uses_pull(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    versions = client.diagnostic_versions  # type: ignore[attr-defined]
    while uri not in client.diagnostics or (version is not None and versions.get(uri) != version):
        if loop.time() > deadline:
            raise TimeoutError(f"no diagnostics published for {uri}")
        await asyncio.sleep(0.01)
    return list(client.diagnostics[uri])


def tdi(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)
