"""Random incremental edits, balanced or not: every request is answered, and the final diagnostics
equal those of a fresh analysis of the final text."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from omega_lsp.analysis import analyze

T = TypeVar("T")
PIECES = ["(", ")", "[", "]", '"', " ", "\n", "\r\n", "x", "ä", "😀", "define", "(define (f a) a)", "(f 1 2)",
          "(let ((y 1)) y)", "'", ";c\n", "#|", "|#", "#;", ".", "42", "(car)", "lambda", "#x"]
SNIPPETS = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


def utf16_position(text: str, offset: int) -> lsp.Position:
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    col = before[before.rfind("\n") + 1:]
    return lsp.Position(line=before.count("\n"), character=len(col.encode("utf-16-le")) // 2)


class ServerThread:
    """One server process driven from an event loop in a background thread (hypothesis is synchronous)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client: LanguageClient = self.run(self._start())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def _start(self) -> LanguageClient:
        client = make_test_lsp_client()
        await client.start_io(sys.executable, "-m", "omega_lsp")
        client.versions = {}  # type: ignore[attr-defined]

        def on_publish(p: lsp.PublishDiagnosticsParams) -> None:
            client.diagnostics[p.uri] = p.diagnostics
            client.versions[p.uri] = p.version  # type: ignore[attr-defined]

        client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), initialization_options={"debounceMs": 5}))
        return client

    def stop(self) -> None:
        self.run(self.client.shutdown_session())
        self.run(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    s = ServerThread()
    yield s
    s.stop()


_uris = iter(range(10**9))


async def exercise(client: LanguageClient, initial: str, edits: list[tuple[int, int, str, int]]) -> str:
    uri = f"file:///tmp/omega-random/{next(_uris)}.omega"
    doc = lsp.TextDocumentIdentifier(uri=uri)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="omega", version=1, text=initial)))
    text = initial
    for version, (a, b, new, request) in enumerate(edits, start=2):
        a, b = sorted((min(a, len(text)), min(b, len(text))))
        for i in (a, b):
            if text[i - 1:i + 1] == "\r\n":
                break
        else:
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=utf16_position(text, a), end=utf16_position(text, b)), text=new)
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change]))
            text = text[:a] + new + text[b:]
            pos = utf16_position(text, min(a + len(new), len(text)))
            requests = [
                lambda pos=pos: client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=pos)),
                lambda pos=pos: client.text_document_completion_async(lsp.CompletionParams(text_document=doc, position=pos)),
                lambda pos=pos: client.text_document_definition_async(lsp.DefinitionParams(text_document=doc, position=pos)),
                lambda: client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=doc)),
                lambda: client.text_document_folding_range_async(lsp.FoldingRangeParams(text_document=doc)),
                lambda: client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc)),
                lambda pos=pos: client.text_document_signature_help_async(lsp.SignatureHelpParams(text_document=doc, position=pos)),
                lambda: client.text_document_formatting_async(lsp.DocumentFormattingParams(
                    text_document=doc, options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))),
            ]
            await requests[request % 8]()
    final_version = 1 + len(edits)
    # Make the last version the one published: a no-op edit with the final version number.
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=final_version + 1),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    for _ in range(1000):
        if client.versions.get(uri) == final_version + 1:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.01)
    published = sorted((str(d.code), d.range.start.line, d.range.start.character, d.range.end.line,
                        d.range.end.character) for d in client.diagnostics[uri])
    expected = sorted((d.code, utf16_position(text, d.start).line, utf16_position(text, d.start).character,
                       utf16_position(text, d.end).line, utf16_position(text, d.end).character)
                      for d in analyze(text, f"/tmp/omega-random/{uri}").diagnostics)
    assert published == expected, text
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=doc))
    return text


EDITS = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200), SNIPPETS, st.integers(0, 7)), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(initial=SNIPPETS, edits=EDITS)
def test_random_edits(server: ServerThread, initial: str, edits: list[tuple[int, int, str, int]]) -> None:
    server.run(exercise(server.client, initial, edits))


def _summary(a: object) -> tuple[object, ...]:
    from omega_lsp.analysis import Analysis

    assert isinstance(a, Analysis)
    diags = [(d.code, d.message, d.start, d.end) for d in a.diagnostics]
    defs = sorted((d.name, d.start, d.end, d.kind, d.count) for d in a.definitions.values())
    occs = sorted((o.start, o.end, o.target if isinstance(o.target, str) else o.target.name, o.write)
                  for i in range(len(a.pieces)) for o in a.occurrences_of_piece(i))
    return a.text, diags, defs, occs


FORMS = ["(define (f a) (+ a 1))", "(define-syntax sw (syntax-rules () ((_ a b) (let ((t a)) (set! a b) (set! b t)))))",
         "(define x 1)", "(sw x y)", "(f 1 2)", "(let ((q 1)) q)", "'(a b)", "abc", '"ä 😀"', "; comment\n",
         "#| c |#", "(car)", "(g 1)", "(define (g . r) r)", "[1 2]", "#;(x)"]


@settings(max_examples=400, deadline=None)
@given(initial=st.lists(st.sampled_from(FORMS), max_size=8).map("\n".join), edits=EDITS)
def test_incremental_analysis_equals_a_fresh_one(initial: str, edits: list[tuple[int, int, str, int]]) -> None:
    """The analysis reused across edits (only touched pieces re-read) equals a fresh one."""
    text = initial
    a = analyze(text, "t.omega")
    for start, end, new, _ in edits:
        s, e = sorted((min(start, len(text)), min(end, len(text))))
        text = text[:s] + new + text[e:]
        a = analyze(text, "t.omega", previous=a)
        assert _summary(a) == _summary(analyze(text, "t.omega"))
