"""Source spans: where a datum, node or diagnostic sits in its source text.

Lines and columns are 1-based, offsets 0-based; columns and offsets count code points; ends are
exclusive (LANGUAGE.md 1.7).
"""

from __future__ import annotations

from .records import NamedTuple


# A named tuple, like the other records of the run path: cheap to build (the reader makes one per
# token) and no class factory to import at start-up (attrs costs ~35 ms there).
class Span(NamedTuple):
    file: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    start_offset: int
    end_offset: int

    def location(self) -> str:
        """`file:line:col` of the start, as used in reports."""
        return f"{self.file}:{self.start_line}:{self.start_col}"

    def contains(self, other: Span) -> bool:
        return self.start_offset <= other.start_offset and other.end_offset <= self.end_offset
