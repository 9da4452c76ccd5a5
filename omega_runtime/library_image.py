"""The prelude and the Omega-level libraries, expanded once and cached (issue 15, start-up).

Every runtime evaluates the same Omega source when it is made: the prelude, then the libraries.
Reading and expanding that source took over half of creating a runtime (~17 ms of ~25). Its
expansion depends only on the texts and on the reader's and expander's code, so it is kept in the
user's cache directory as an image: the core forms of each source and the expander's state after
them (its macros and its mark counter), each procedure's definition pickled apart so that it is
unpickled only when a program first uses the procedure (`Interpreter.load_builtin_forms`).
Compiling and running the forms still happens in every runtime: the machine's nodes are native
(mypyc) classes and the values they make belong to one runtime. An image is used only when it was made from the same texts by the same code (the files'
sizes and modification times); anything else (no image, another version, a damaged file, an
unwritable directory) means reading and expanding as before.

The image is a pickle, which runs code when loaded, so it is loaded only from a file that belongs
to the user and that no one else may write (as mkstemp makes it): whoever can replace such a file
can already change what that user runs.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .core import DefineGlobal, Lambda, Node
from .expander import Expander
from .expander.expander import gc_paused
from .expander.syntax_rules import Macro
from .reader import read
from .span import Span
from .user_cache import cache_path, read_cached, write_cached
from .values import Keyword, Nil, Pair, Symbol, Vector, Void, keyword, sym

IMAGE_FORMAT = 3  # bump when what an image holds changes shape


class DeferredDefinition:
    """A `(define name (lambda ...))` of an image, kept pickled until `load()`: most programs
    use few of the prelude's procedures, and unpickling every one took a third of loading it."""

    __slots__ = ("name", "_data")

    def __init__(self, name: Symbol, data: bytes) -> None:
        self.name = name
        self._data = data

    def load(self) -> DefineGlobal:
        form: DefineGlobal = pickle.loads(self._data)
        return form

    def __reduce__(self) -> tuple[type[DeferredDefinition], tuple[Symbol, bytes]]:
        return DeferredDefinition, (self.name, self._data)


# Each source: (the file name its spans carry, its text); expanded in order.
Source = tuple[str, str]
Form = Node | DeferredDefinition
Expanded = dict[str, tuple[Form, ...]]

# Modules (besides the expander package) whose code decides what the expansion is.
_INPUT_MODULES = ("omega_runtime.core", "omega_runtime.reader", "omega_runtime.syntax",
                  "omega_runtime.values", "omega_runtime.span", "omega_runtime.number_syntax",
                  __name__)

# The last image loaded or written in this process: later runtimes only unpickle it.
_memory: tuple[str, bytes] | None = None


class ImageError(Exception):
    """A source of the image does not read (a damaged installation)."""


def expand_sources(expander: Expander, sources: Sequence[Source]) -> Expanded:
    """The core forms of each source, by file name, and `expander` left as expanding them in
    order would leave it; from the cached image when it matches, else expanded and cached.
    `expander` must be fresh (no macro defined). Raises ImageError or ExpandError."""
    key = _key(sources)
    path = cache_path("expanded-prelude", key, ".pickle")
    data = _memory[1] if _memory is not None and _memory[0] == path else read_cached(path, private=True)
    if data is not None:
        loaded = _load(data, key)
        if loaded is not None:
            expanded, macros, next_mark = loaded
            expander.import_state(macros, next_mark)
            _remember(path, data)
            return expanded
    expanded = _expand(expander, sources)
    data = _dump(key, expanded, expander)
    if data is not None:
        write_cached(path, data)
        _remember(path, data)
    return expanded


def _remember(path: str, data: bytes) -> None:
    global _memory
    _memory = (path, data)


def _expand(expander: Expander, sources: Sequence[Source]) -> Expanded:
    expanded: Expanded = {}
    for file, text in sources:
        result = read(text, file)
        if result.diagnostics:
            raise ImageError(f"{file} does not read: {result.diagnostics[0].format()}")
        expanded[file] = tuple(expander.expand_toplevel(form) for form in result.data)
    return expanded


def _key(sources: Sequence[Source]) -> str:
    """What an image must have been made from: the format, the code's files and the texts."""
    stamps = [str(IMAGE_FORMAT), sys.version]
    files = [getattr(sys.modules.get(name), "__file__", None) or name for name in _INPUT_MODULES]
    expander_dir = os.path.dirname(sys.modules["omega_runtime.expander"].__file__ or "")
    files += sorted(os.path.join(expander_dir, f) for f in os.listdir(expander_dir) if f.endswith(".py"))
    grammar = os.path.join(os.path.dirname(sys.modules["omega_runtime.reader"].__file__ or ""), "grammar.lark")
    for file in (*files, grammar):
        try:
            st = os.stat(file)
            stamps.append(f"{file} {st.st_size} {st.st_mtime_ns}")
        except OSError:
            stamps.append(file)
    return "\n".join([*stamps, *(f"{file}\n{len(text)}\n{text}" for file, text in sources)])


# ---- the pickle ------------------------------------------------------------------------------
# The reader's values are native classes in the compiled build, which pickle cannot rebuild by
# itself; interned symbols and keywords and the singletons must come back as the same objects.

def _reduce_symbol(s: Symbol) -> tuple[Callable[..., Symbol], tuple[Any, ...]]:
    return (sym, (s.name,)) if s.interned else (Symbol, (s.name, False))


def _reducers() -> dict[type, Callable[[Any], Any]]:
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table[Symbol] = _reduce_symbol
    table[Keyword] = lambda k: (keyword, (k.name,))
    table[Nil] = lambda _: "NIL"  # the module global of that name
    table[Void] = lambda _: "VOID"
    table[Pair] = lambda p: (Pair, (p.car, p.cdr, p.provenance))
    table[Vector] = lambda v: (Vector, (v.items, v.provenance))
    # Every core node has a span: made by the tuple constructor, not the named tuple's Python-level
    # `__new__` (loading takes ~15% less).
    table[Span] = lambda span: (tuple.__new__, (Span, tuple(span)))
    return table


def _dump(key: str, expanded: Expanded, expander: Expander) -> bytes | None:
    """The image's bytes, or None if it would not load back (a value the reducers miss)."""
    macros, next_mark = expander.export_state()
    try:
        deferred = {file: tuple(_deferred(form) for form in forms) for file, forms in expanded.items()}
        data = _pickle((key, deferred, macros, next_mark))
        for forms in deferred.values():
            for form in forms:
                if isinstance(form, DeferredDefinition):
                    form.load()
    except Exception:
        return None
    return data if _load(data, key) is not None else None


def _pickle(obj: Any) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()
    pickler.dump(obj)
    return out.getvalue()


def _deferred(form: Form) -> Form:
    """A procedure's definition as a DeferredDefinition; any other form as it is."""
    if isinstance(form, DefineGlobal) and isinstance(form.expr, Lambda):
        return DeferredDefinition(form.name, _pickle(form))
    return form


def _load(data: bytes, key: str) -> tuple[Expanded, dict[Symbol, Macro], int] | None:
    try:
        with gc_paused():  # many small objects and no cycles to find
            stored_key, expanded, macros, next_mark = pickle.loads(data)
    except Exception:
        return None
    if stored_key != key:
        return None
    return expanded, macros, next_mark

