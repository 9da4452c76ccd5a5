"""The guide's Python snippets run (docs/embedding.md): every ```python block, in order, in one
namespace, as a reader would paste them into one script. Each `print(...)` line's trailing
comment is what it must print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "embedding.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def expected_prints(block: str) -> list[str]:
    return [line.split("#", 1)[1].strip() for line in block.splitlines()
            if line.strip().startswith("print(") and "#" in line]


def test_the_page_has_snippets() -> None:
    assert len(BLOCKS) >= 5
    assert all(expected_prints(b) for b in BLOCKS), "every snippet says what it prints"


def test_the_snippets_run_and_print_what_they_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for i, block in enumerate(BLOCKS, 1):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{DOC.name} snippet {i}", "exec"), namespace)  # noqa: S102 - the guide's own code
        printed = [line.strip() for line in out.getvalue().splitlines()]
        assert printed == expected_prints(block), f"snippet {i}:\n{block}"
