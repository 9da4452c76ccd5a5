"""Loads every standard primitive module (filling `registry.BUILTINS`) and locates the prelude.

The machine imports this module once, then evaluates `prelude_source()` at start-up; the
language server can list `prelude_names()` beside `BUILTINS` as built-in globals.
"""

from __future__ import annotations

import os
import re
from functools import cache

from . import (  # noqa: F401  (imported for their registrations)
    format,
    hashtables,
    jsonconv,
    lists,
    more,
    numbers,
    predicates,
    records,
    regexes,
    strings,
    support,
    symbols,
    vectors,
)

PRELUDE_FILE = "prelude.omega"
# The Omega-level libraries every runtime loads after the prelude, in order.
LIBRARIES = ("logic.omega", "experts.omega")
# The package is always a directory (setuptools installs it unzipped); `importlib.resources`
# would cost ~10 ms of imports at every start (and pathlib ~5 ms).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
_DEFINE = re.compile(r"^\(define \(?([^\s()]+)", re.MULTILINE)


def package_text(name: str) -> str:
    """The text of a file shipped in the package: the prelude, the Omega-level libraries."""
    with open(os.path.join(_PACKAGE_DIR, name), encoding="utf-8") as f:
        return f.read()


@cache
def prelude_source() -> str:
    """The text of `omega_runtime/prelude.omega`."""
    return package_text(PRELUDE_FILE)


def prelude_path() -> str:
    """The prelude's path, for spans and editors."""
    return os.path.join(_PACKAGE_DIR, PRELUDE_FILE)


@cache
def prelude_names() -> tuple[str, ...]:
    """The public globals the prelude defines (`map`, `sort`, `stream-map`, ...), in file order."""
    return tuple(n for n in _DEFINE.findall(prelude_source()) if not n.startswith("%"))
