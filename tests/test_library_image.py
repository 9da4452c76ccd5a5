"""The expanded prelude and libraries, cached as an image in the user's cache directory (issue 15,
start-up): used only when made from the same texts, equal to expanding anew, and never a reason for
creating a runtime to fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import omega_runtime.library_image as image
from omega_runtime.expander import Expander
from omega_runtime.primitives.standard import LIBRARIES, package_text, prelude_source
from omega_runtime.reader import read

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"
SOURCES = [("<prelude>", prelude_source())] + [(f"<{name}>", package_text(name)) for name in LIBRARIES]

# Uses the prelude's procedures, a library's macros (hygienic marks) and a macro of its own.
PROGRAM = """
(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
(define x 1) (define tmp 2) (swap! x tmp)
(display (list x tmp (sort '(3 1 2) <) (run* (q) (conde ((== q 'a)) ((== q 'b))))))
(newline)
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(image, "_memory", None)  # as in a new process
    yield tmp_path


def images(home: Path) -> list[Path]:
    return sorted((home / "omega").glob("expanded-prelude-*.pickle"))


def shown(value: object) -> str:
    """`repr` without the addresses of objects shown by identity (vectors)."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def expanded_state(expander: Expander, expanded: image.Expanded) -> str:
    """Everything an expansion of the sources leaves, rendered for comparison."""
    macros, next_mark = expander.export_state()
    forms = {file: [form.load() if isinstance(form, image.DeferredDefinition) else form for form in forms]
             for file, forms in expanded.items()}
    return shown((forms, sorted(macros.items(), key=lambda item: item[0].name), next_mark))


def test_the_first_expansion_writes_the_image_and_the_next_one_uses_it(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Expander()
    fresh = expanded_state(first, image.expand_sources(first, SOURCES))
    (written,) = images(cache_home)
    assert not list((cache_home / "omega").glob(".expanded-prelude-*"))  # no temporary left
    monkeypatch.setattr(image, "_memory", None)

    def no_reading(*_args: object) -> None:
        raise AssertionError("the image should have been used")

    monkeypatch.setattr(image, "read", no_reading)
    second = Expander()
    loaded = image.expand_sources(second, SOURCES)
    assert expanded_state(second, loaded) == fresh
    # A procedure's definition stays pickled until it is needed.
    assert isinstance(loaded["<prelude>"][1], image.DeferredDefinition) and loaded["<prelude>"][1].name.name == "map"
    assert images(cache_home) == [written]


def test_an_image_of_other_texts_is_not_used(cache_home: Path) -> None:
    image.expand_sources(Expander(), SOURCES)
    edited = [(SOURCES[0][0], SOURCES[0][1] + "\n(define (added-by-the-test) 1)\n"), *SOURCES[1:]]
    expander = Expander()
    forms = image.expand_sources(expander, edited)["<prelude>"]
    assert "added-by-the-test" in repr(forms[-1])
    assert len(images(cache_home)) == 2


def test_a_damaged_image_is_rebuilt(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expander = Expander()
    fresh = expanded_state(expander, image.expand_sources(expander, SOURCES))
    (written,) = images(cache_home)
    good = written.read_bytes()
    for damage in (b"", b"not a pickle", good[: len(good) // 2], good[:-40] + bytes(40)):
        written.write_bytes(damage)
        monkeypatch.setattr(image, "_memory", None)
        expander = Expander()
        assert expanded_state(expander, image.expand_sources(expander, SOURCES)) == fresh
    assert written.read_bytes() == good


def test_an_image_others_may_write_is_not_loaded(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Loading a pickle runs code: an image someone else could have written is remade instead.
    image.expand_sources(Expander(), SOURCES)
    (written,) = images(cache_home)
    assert written.stat().st_mode & 0o077 == 0  # made readable and writable by its owner only
    written.chmod(0o666)
    monkeypatch.setattr(image, "_memory", None)
    reads: list[str] = []
    real_read = image.read  # type: ignore[attr-defined]

    def counted_read(text: str, file: str) -> object:
        reads.append(file)
        return real_read(text, file)

    monkeypatch.setattr(image, "read", counted_read)
    image.expand_sources(Expander(), SOURCES)
    assert reads == [file for file, _ in SOURCES]
    assert written.stat().st_mode & 0o077 == 0


def test_an_unwritable_cache_directory_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(image, "_memory", None)
    expander = Expander()
    assert image.expand_sources(expander, SOURCES)["<prelude>"]


def test_a_source_that_does_not_read_is_an_image_error(cache_home: Path) -> None:
    with pytest.raises(image.ImageError, match="<broken> does not read"):
        image.expand_sources(Expander(), [("<broken>", "(define (f) ")])
    assert images(cache_home) == []


def acceptance_programs() -> list[Path]:
    return sorted(ACCEPTANCE.glob("*/*.omega"))


def test_user_programs_expand_alike_after_the_image_and_after_expanding_anew(cache_home: Path) -> None:
    """Every acceptance program expands to the same core whether the expander's state came from
    the image or from expanding the sources (macros and the mark counter both restored)."""
    anew = Expander()
    image.expand_sources(anew, SOURCES)
    assert images(cache_home)
    restored = Expander()
    image.expand_sources(restored, SOURCES)
    programs = acceptance_programs()
    assert len(programs) > 50
    for path in programs:
        for form in read(path.read_text(encoding="utf-8"), str(path)).data:
            outcomes = []
            for expander in (anew, restored):
                try:
                    outcomes.append(shown(expander.expand_toplevel(form)))
                except Exception as exc:  # an expansion error must be the same error
                    outcomes.append(f"{type(exc).__name__}: {exc}")
            assert outcomes[0] == outcomes[1], path
        assert expanded_state(anew, {}) == expanded_state(restored, {}), path


def test_omega_run_prints_the_same_with_and_without_an_image(tmp_path: Path) -> None:
    program = tmp_path / "p.omega"
    program.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-m", "omega_runtime.cli", "run", str(program)],
                           capture_output=True, text=True, env=env, check=False) for _ in range(2)]
    assert images(tmp_path / "cache")
    for run in runs:
        assert (run.returncode, run.stdout, run.stderr) == (0, "(2 1 (1 2 3) (a b))\n", "")
