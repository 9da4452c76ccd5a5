"""Symbols, keywords and `gensym` (LANGUAGE.md 14.3)."""

from __future__ import annotations

from ..conditions import wrong_type
from ..values import Keyword, Symbol, Value, keyword, sym
from . import checks
from .registry import PrimContext, primitive


@primitive("symbol?", 1, signature="(symbol? v)")
def symbol_p(v: Value) -> Value:
    """Is `v` a symbol (interned or made by `gensym`)?"""
    return isinstance(v, Symbol)


@primitive("symbol->string", 1, signature="(symbol->string symbol)")
def symbol_to_string(v: Value) -> Value:
    """The symbol's name."""
    return checks.symbol("symbol->string", v).name


@primitive("string->symbol", 1, signature="(string->symbol s)")
def string_to_symbol(v: Value) -> Value:
    """The interned symbol of that name."""
    return sym(str.__str__(checks.string("string->symbol", v)))


@primitive("keyword?", 1, signature="(keyword? v)")
def keyword_p(v: Value) -> Value:
    """Is `v` a keyword?"""
    return isinstance(v, Keyword)


@primitive("keyword->string", 1, signature="(keyword->string keyword)")
def keyword_to_string(v: Value) -> Value:
    """The keyword's name without the colon."""
    return checks.keyword("keyword->string", v).name


@primitive("string->keyword", 1, signature="(string->keyword s)")
def string_to_keyword(v: Value) -> Value:
    """The keyword of that name (without the colon)."""
    return keyword(str.__str__(checks.string("string->keyword", v)))


@primitive("gensym", 0, 1, kind="ctx", signature="(gensym [prefix])")
def gensym(ctx: PrimContext, prefix: Value = "g") -> Value:
    """A fresh uninterned symbol: the prefix (default `g`) and a per-run counter from 1."""
    if isinstance(prefix, Symbol):
        text = prefix.name
    elif isinstance(prefix, str):
        text = str.__str__(prefix)
    else:
        raise wrong_type("gensym", "string", prefix)
    return Symbol(f"{text}{ctx.next_counter('gensym')}", interned=False)
