"""Latency of omega-lsp on a generated 10,000-line file, measured through a real stdio client.

Prints: edit-to-diagnostics time (from sending `didChange` to receiving its `publishDiagnostics`,
debounce included), completion p50/p99, hover p50 and semantic tokens (full) time.
Targets (issue 7): diagnostics <= 200 ms, completion p50 <= 20 ms.

    python benchmarks/lsp_latency.py [--lines 10000] [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

BLOCK = """;; block {i}: ünïcode ☕
(define (proc-{i} lst n)
  "Sums the first n elements of lst, scaled."
  (let loop ((l lst) (k n) (acc 0))
    (if (or (null? l) (= k 0))
        (* acc {i})
        (loop (cdr l) (- k 1) (+ acc (car l))))))
(define value-{i} (proc-{i} (list 1 2 3 4 5) 3))
(display (string-append "v" (number->string value-{i})))
"""  # 9 lines


def generate(lines: int) -> str:
    return "".join(BLOCK.format(i=i) for i in range(lines // 9 + 1))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def run(lines: int, samples: int) -> dict[str, float]:
    client = LanguageClient("omega-bench", "1")
    published: dict[int, float] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published[params.version] = time.perf_counter()

    await client.start_io(sys.executable, "-m", "omega_lsp")
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    text = generate(lines)
    text_lines = text.split("\n")
    uri = "file:///bench/big.omega"
    doc = lsp.TextDocumentIdentifier(uri=uri)
    t0 = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="omega", version=1, text=text)))
    while 1 not in published:
        await asyncio.sleep(0.001)
    open_ms = (published[1] - t0) * 1000

    edit_times = []
    for version in range(2, 12):
        line = 9 * (version * 97 % (lines // 9)) + 7  # a `(define value-i ...)` line
        pos = lsp.Position(line=line, character=len(text_lines[line]))
        sent = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=pos, end=pos), text=" " if version % 2 else "")]))
        while version not in published:
            await asyncio.sleep(0.0005)
        edit_times.append((published[version] - sent) * 1000)

    async def timed(make: object) -> float:
        start = time.perf_counter()
        await make()  # type: ignore[operator]
        return (time.perf_counter() - start) * 1000

    completion, hover = [], []
    for k in range(samples):
        line = 9 * (k * 31 % (lines // 9)) + 6  # inside `(loop (cdr l) ...)`: locals in scope
        pos = lsp.Position(line=line, character=10)
        completion.append(await timed(lambda pos=pos: client.text_document_completion_async(
            lsp.CompletionParams(text_document=doc, position=pos))))
        hover.append(await timed(lambda pos=pos: client.text_document_hover_async(
            lsp.HoverParams(text_document=doc, position=lsp.Position(line=pos.line, character=19)))))
    tokens = [await timed(lambda: client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=doc))) for _ in range(5)]
    # Typing: an edit immediately followed by completion (the analysis is redone for the new text).
    after_edit = []
    for version in range(100, 110):
        line = 9 * (version * 13 % (lines // 9)) + 6
        pos = lsp.Position(line=line, character=10)
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=pos, end=pos), text="")]))
        after_edit.append(await timed(lambda pos=pos: client.text_document_completion_async(
            lsp.CompletionParams(text_document=doc, position=pos))))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "lines": float(len(text_lines)),
        "open_to_diagnostics_ms": open_ms,
        "edit_to_diagnostics_ms_p50": statistics.median(edit_times),
        "edit_to_diagnostics_ms_max": max(edit_times),
        "completion_ms_p50": pct(completion, 50),
        "completion_ms_p99": pct(completion, 99),
        "hover_ms_p50": pct(hover, 50),
        "semantic_tokens_full_ms": statistics.median(tokens),
        "completion_after_edit_ms_p50": statistics.median(after_edit),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    result = asyncio.run(run(args.lines, args.samples))
    for key, value in result.items():
        print(f"{key:32} {value:10.1f}")
    print(f"targets: diagnostics <= 200 ms ({'ok' if result['edit_to_diagnostics_ms_p50'] <= 200 else 'MISSED'}), "
          f"completion p50 <= 20 ms ({'ok' if result['completion_ms_p50'] <= 20 else 'MISSED'})")


if __name__ == "__main__":
    main()
