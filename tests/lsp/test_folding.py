"""Folding ranges: multi-line lists and vectors, block comments, runs of line comments."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """;; ünïcode header
;; second line
(define (f x)
  (list 1
        [2
         3]))
#| block
   comment |#
(one-line 😀)
"""


async def test_folding_ranges(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    ranges = await client.text_document_folding_range_async(lsp.FoldingRangeParams(text_document=tdi(uri)))
    assert ranges is not None
    got = {(r.start_line, r.end_line, r.kind) for r in ranges}
    R, C = lsp.FoldingRangeKind.Region, lsp.FoldingRangeKind.Comment
    assert got == {(0, 1, C), (2, 5, R), (3, 5, R), (4, 5, R), (6, 7, C)}
