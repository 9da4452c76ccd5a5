"""The reader's parse-table cache (issue 15, start-up): built once per grammar text, written
atomically to the user's cache directory, and never a reason for reading to fail."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import omega_runtime.reader as reader
from omega_runtime.printer import write_repr
from omega_runtime.syntax import to_value

TEXT = "(define (f x) #(1 2.5 \"s\") 'q `(a ,b ,@c) [x . y]) ; c\n#;(skipped) :kw"


def read_fresh() -> str:
    """Read TEXT with a grammar loaded anew (from the cache or built), rendered for comparison."""
    reader._grammar = None
    r = reader.read(TEXT, "t.omega")
    return repr([(write_repr(to_value(d), {}), d.span) for d in r.data]) + repr(r.diagnostics)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    saved = reader._grammar
    yield tmp_path
    reader._grammar = saved


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "omega").glob("reader-tables-*.marshal"))


def test_the_first_read_writes_the_cache_and_later_reads_use_it(cache_home: Path) -> None:
    built = read_fresh()
    (written,) = cache_files(cache_home)
    assert not list((cache_home / "omega").glob(".reader-tables-*"))  # no temporary left behind
    assert read_fresh() == built
    # Loading from the cache does not import lark.
    code = ("import sys, omega_runtime.reader as r; r.read('(a b)', 'x'); "
            "print('lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"XDG_CACHE_HOME": str(cache_home), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"
    assert cache_files(cache_home) == [written]


def test_a_corrupt_cache_is_rebuilt(cache_home: Path) -> None:
    built = read_fresh()
    (written,) = cache_files(cache_home)
    import marshal

    for garbage in (b"", b"\xff not marshal", marshal.dumps([1, 2]), marshal.dumps(["(", [""], [], 0, 0])):
        written.write_bytes(garbage)
        assert read_fresh() == built
    assert read_fresh() == built


def test_a_cache_file_others_may_write_is_not_loaded(cache_home: Path) -> None:
    built = read_fresh()
    (written,) = cache_files(cache_home)
    written.chmod(0o666)
    assert read_fresh() == built
    # Not loaded: the tables were built again and written over it, as a file only its owner may write.
    assert written.stat().st_mode & 0o777 == 0o600


def test_an_unwritable_cache_directory_is_no_error(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = cache_home / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    built = read_fresh()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home / "elsewhere"))
    assert read_fresh() == built


def test_the_cache_is_keyed_by_the_grammar_text() -> None:
    source = "start: A\nA: \"a\"\n"
    assert reader._cache_file(source) != reader._cache_file(source + "\n")
    assert reader._cache_file(source) == reader._cache_file(source)


def test_a_cache_file_holding_another_grammar_is_not_used(cache_home: Path) -> None:
    # The file name is a CRC of the grammar text; the file holds the text itself, so a table
    # whose name matches by accident (or was written by another grammar) is rebuilt, not used.
    import marshal

    built = read_fresh()
    (written,) = cache_files(cache_home)
    data = list(marshal.loads(written.read_bytes()))
    data[0] = data[0] + "\nextra: \"x\"\n"
    data[4] = []  # tables that would break reading if they were used
    written.write_bytes(marshal.dumps(tuple(data)))
    assert read_fresh() == built
    assert marshal.loads(written.read_bytes())[0] != data[0]
