"""Initialization: negotiated encoding, capabilities, push-or-pull diagnostics, unknown documents."""

from __future__ import annotations

import asyncio

import pytest
from lsp_helpers import diagnostics, encoding, open_doc, tdi, uses_pull
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXPECTED_ENCODING = {"visual-studio-code": "utf-16", "neovim": "utf-8", "emacs": "utf-32"}


async def test_position_encoding_follows_the_client(client: LanguageClient) -> None:
    assert encoding(client) == EXPECTED_ENCODING[client.preset]  # type: ignore[attr-defined]


async def test_capabilities(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    sync = caps.text_document_sync
    assert isinstance(sync, lsp.TextDocumentSyncOptions) and sync.change == lsp.TextDocumentSyncKind.Incremental
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.completion_provider is not None and caps.signature_help_provider is not None
    assert caps.document_formatting_provider and caps.folding_range_provider and caps.selection_range_provider
    tokens = caps.semantic_tokens_provider
    assert tokens is not None and tokens.full == lsp.SemanticTokensFullDelta(delta=True)
    assert set(tokens.legend.token_types) >= {"keyword", "function", "variable", "parameter", "macro", "string",
                                              "number", "comment"}


async def test_pull_only_when_the_client_declares_it(client: LanguageClient) -> None:
    declared = client.capabilities.text_document.diagnostic is not None  # type: ignore[union-attr]
    assert uses_pull(client) == declared
    uri = open_doc(client, "(car)")
    found = await diagnostics(client, uri)
    assert [d.code for d in found] == ["arity-error"]
    await asyncio.sleep(0.2)
    # Never both: a pulling client gets no pushed diagnostics at all.
    assert (uri in client.diagnostics) == (not declared)


async def test_requests_about_unknown_documents_fail_cleanly(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcException):
        await client.text_document_hover_async(lsp.HoverParams(
            text_document=tdi("untitled:nothing.omega"), position=lsp.Position(line=0, character=0)))
    uri = open_doc(client, "(define x 1)")
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=tdi(uri), position=lsp.Position(line=99, character=99)))
    assert hover is None
