"""The repository stands alone: it carries its own copies of the shared contracts its tests read
(tests/acceptance, tests/contracts/*.md, benchmarks/bench-ref). Where the shared directory exists
(`$OMEGA_SHARED`, else `../shared` beside the repository), every copy must be byte-identical to
it, so the contract and the repository cannot drift apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OMEGA_SHARED", REPO.parent / "shared"))
IGNORED = {"__pycache__"}

# (directory or file in the shared contracts, its copy in the repository)
COPIES = [
    ("acceptance", REPO / "tests" / "acceptance"),
    ("bench-ref", REPO / "benchmarks" / "bench-ref"),
    ("LANGUAGE.md", REPO / "tests" / "contracts" / "LANGUAGE.md"),
    ("RUNTIME.md", REPO / "tests" / "contracts" / "RUNTIME.md"),
    ("DEBUGGER.md", REPO / "tests" / "contracts" / "DEBUGGER.md"),
]


def files(root: Path) -> dict[str, bytes]:
    if root.is_file():
        return {root.name: root.read_bytes()}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not IGNORED & set(p.relative_to(root).parts)}


@pytest.mark.parametrize(("shared_name", "copy"), COPIES, ids=[c[0] for c in COPIES])
def test_the_repository_has_its_copy(shared_name: str, copy: Path) -> None:
    assert files(copy), f"{copy} is missing"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"no shared contracts at {SHARED} to compare the copies with")
@pytest.mark.parametrize(("shared_name", "copy"), COPIES, ids=[c[0] for c in COPIES])
def test_the_copy_is_identical_to_the_shared_contract(shared_name: str, copy: Path) -> None:
    original = files(SHARED / shared_name)
    mine = files(copy)
    assert sorted(mine) == sorted(original), f"{copy} and {SHARED / shared_name} list different files"
    differing = [name for name in original if original[name] != mine[name]]
    assert not differing, f"copies differ from {SHARED / shared_name}: {differing} (copy the contract again)"


def test_the_acceptance_corpus_is_complete() -> None:
    programs = sorted((REPO / "tests" / "acceptance").glob("*/*.omega"))
    assert len(programs) >= 100
    for program in programs:
        assert program.with_suffix(".out").is_file(), f"{program} has no expected output"
