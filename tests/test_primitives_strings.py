"""Strings, symbols, keywords, gensym and format (LANGUAGE.md 14.3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.conditions import OmegaError
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.printer import write_repr
from omega_runtime.values import VOID, PStr, Symbol, keyword, list_to_python, make_list, sym

ctx = SimpleContext()


def c(name: str, *args: Any) -> Any:
    return ctx.call(name, *args)


def w(v: Any) -> str:
    return write_repr(v, ctx.store)


def L(*items: Any) -> Any:
    return make_list(items)


def err(name: str, *args: Any) -> OmegaError:
    with pytest.raises(OmegaError) as info:
        ctx.call(name, *args)
    return info.value


def test_basics() -> None:
    assert w(L(c("string-length", "h\u00e9llo"), c("string-append", "a", "b", "c"), c("string-append"),
               c("substring", "hello", 1, 3), c("substring", "hello", 2), c("string-ref", "abc", 1))) == (
        '(5 "abc" "" "el" "llo" "b")')
    assert c("string-ref", "\u65e5\u672c", 1) == "\u672c"
    e = err("string-ref", "abc", 3)
    assert (e.ctype, e.message({})) == ("index-error", "string-ref: index 3 out of range for length 3")
    assert err("substring", "hello", 3, 2).ctype == "index-error"
    assert err("substring", "hello", 0, 9).ctype == "index-error"
    assert err("string-length", sym("abc")).message({}) == "string-length: expected string, got abc"
    assert err("string-append", "a", 1).message({}) == "string-append: expected string, got 1"


def test_results_are_plain_strings() -> None:
    # Provenance is the machine's job; primitives never pass PStr through as their own result.
    assert type(c("string-upcase", PStr("a", ("oracle", "r")))) is str
    assert type(c("substring", PStr("abc", None), 1)) is str


def test_comparisons() -> None:
    assert [c("string=?", "a", "a", "a"), c("string<?", "a", "b"), c("string<?", "B", "a"), c("string>?", "b", "a"),
            c("string<=?", "a", "a"), c("string>=?", "a", "b"), c("string=?", "a")] == [
        True, True, True, True, True, False, True]
    assert err("string<?", "a", 1).ctype == "wrong-type"


def test_case_trim_search() -> None:
    assert w(L(c("string-upcase", "Hello"), c("string-downcase", "HeLLo"), c("string-trim", "  pad me \n"))) == (
        '("HELLO" "hello" "pad me")')
    assert [c("string-prefix?", "ab", "abc"), c("string-prefix?", "abc", "ab"), c("string-suffix?", "bc", "abc"),
            c("string-contains", "hello", "ll"), c("string-contains", "hello", "z")] == [True, False, True, 2, False]


def test_replace_split_join() -> None:
    assert [c("string-replace", "a-b-c", "-", "+"), c("string-replace", "aaa", "a", "bb")] == ["a+b+c", "bbbbbb"]
    assert w(L(c("string-split", "a,b,,c", ","), c("string-split", " a  b "), c("string-split", "a::b", "::"))) == (
        '(("a" "b" "" "c") ("a" "b") ("a" "b"))')
    assert [c("string-join", L("a", "b"), ", "), c("string-join", L("x", "y", "z")), c("string-join", L())] == [
        "a, b", "x y z", ""]
    assert err("string-split", "abc", "").ctype == "value-error"
    assert err("string-join", L("a", 1)).message({}) == "string-join: expected string, got 1"


def test_list_conversions() -> None:
    assert w(L(c("string->list", "ab"), c("list->string", L("a", "bc")), c("string->list", ""))) == (
        '(("a" "b") "abc" ())')


@given(st.text())
def test_string_list_round_trip(s: str) -> None:
    chars = c("string->list", s)
    assert list_to_python(chars) == list(s)
    assert c("list->string", chars) == s


@given(st.text(), st.text(min_size=1, max_size=3))
def test_split_join_round_trip(s: str, sep: str) -> None:
    assert c("string-join", c("string-split", s, sep), sep) == s


def test_symbols_and_keywords() -> None:
    assert w(L(c("symbol->string", sym("abc")), c("string->symbol", "x y"), c("keyword->string", keyword("a")),
               c("string->keyword", "b"), c("string->keyword", "k") is keyword("k"))) == '("abc" x y "a" :b #t)'
    assert c("string->symbol", "q") is sym("q")
    assert [c("symbol?", sym("s")), c("keyword?", sym("s")), c("string?", sym("s")), c("string?", "s")] == [
        True, False, False, True]
    assert err("symbol->string", "abc").message({}) == 'symbol->string: expected symbol, got "abc"'
    assert err("keyword->string", sym("a")).message({}) == "keyword->string: expected keyword, got a"


def test_gensym_counts_from_one_and_is_uninterned() -> None:
    local = SimpleContext()
    g1 = local.call("gensym")
    assert isinstance(g1, Symbol) and g1.name == "g1" and not g1.interned and g1 is not sym("g1")
    assert local.call("gensym").name == "g2"
    assert local.call("gensym", "tmp").name == "tmp3"
    assert local.call("gensym", sym("v")).name == "v4"


def test_format() -> None:
    assert c("format", "~a has ~s", "Ann", "x") == 'Ann has "x"'
    assert c("format", "~a|~s|~a", L(1, "b"), L(1, "b"), sym("sym")) == '(1 b)|(1 "b")|sym'
    assert c("format", "tilde ~~ and newline~%done") == "tilde ~ and newline\ndone"
    assert c("format", False, "~a", 42) == "42"
    local = SimpleContext()
    assert local.call("format", True, "written ~a~%", 1) is VOID
    assert local.printed == ["written 1\n"]
    for args in (("~a ~a", 1), ("~q", 1), ("~a", 1, 2), ("trailing ~",), (True,)):
        e = err("format", *args)
        assert e.ctype == "value-error" and e.message({}).startswith("format: ")
    assert err("format", 5).message({}) == "format: expected string, got 5"
