"""Lexical scope during expansion: identifier keys to their Binding objects.

Scopes are persistent maps (`immutables.Map`), so extending one is O(log n) and a lookup does not
walk a chain: 10,000 nested `let`s stay linear.
"""

from __future__ import annotations

import immutables

from ..core import Binding
from ..syntax import Atom, Syntax
from ..values import Symbol, sym
from .idents import Key, base_name, ident_key, macro_of

Env = immutables.Map[Key, Binding]

EMPTY_ENV: Env = immutables.Map()

SPECIAL_FORM_NAMES = (
    "quote quasiquote unquote unquote-splicing if define set! lambda let let* letrec letrec* begin cond case "
    "and or when unless do define-syntax syntax-rules define-record-type match effect handle amb require "
    "amb-collect delay delay-force cons-stream handler-bind restart-case restart-bind guard with-transaction "
    "with-budget with-capabilities oracle-lambda case-lambda parameterize let-values let*-values define-values receive"
).split()

# What the head of a form names (Expander.classify).
SPECIAL = "special"
MACRO = "macro"
OTHER = "other"

SPECIAL_FORMS: frozenset[Symbol] = frozenset(sym(n) for n in SPECIAL_FORM_NAMES)


def new_binding(atom: Atom, key: Key, kind: str) -> Binding:
    """A fresh Binding for the binding occurrence `atom` (a template's carries its macro's name)."""
    return Binding(base_name(key), atom.span, kind, macro=macro_of(key))


def extend(env: Env, pairs: list[tuple[Key, Binding]]) -> Env:
    if not pairs:
        return env
    m = env.mutate()
    for key, binding in pairs:
        m[key] = binding
    return m.finish()


def is_aux(syn: Syntax, name: str, env: Env) -> bool:
    """True when `syn` is the auxiliary keyword `name` (`else`, `=>`, `unquote`, ...): spelled
    so and not bound locally, where it would be an ordinary variable (LANGUAGE.md 3, R7RS 4.3.2)."""
    key = ident_key(syn)
    return key is not None and base_name(key) == name and env.get(key) is None
