"""String primitives (LANGUAGE.md 14.3). Strings are immutable Python strings (or `PStr`);
lengths and indexes count code points; string elements are one-character strings."""

from __future__ import annotations

import operator
from collections.abc import Callable

from ..conditions import index_error, value_error
from ..values import NIL, Value, make_list
from . import checks
from .registry import primitive


@primitive("string?", 1, signature="(string? v)")
def string_p(v: Value) -> Value:
    """Is `v` a string?"""
    return isinstance(v, str)


@primitive("string-length", 1, signature="(string-length s)")
def string_length(s: Value) -> Value:
    """Number of code points."""
    return len(checks.string("string-length", s))


@primitive("string-append", 0, None, signature="(string-append s ...)")
def string_append(*args: Value) -> Value:
    """The strings joined."""
    try:
        return "".join(args)  # a plain string, also of provenance strings (as str.__str__ makes)
    except TypeError:
        return "".join([str.__str__(checks.string("string-append", a)) for a in args])


@primitive("substring", 2, 3, signature="(substring s start [end])")
def substring(s: Value, start: Value, end: Value = None) -> Value:
    """Code points `start` (inclusive) to `end` (exclusive, default the length)."""
    if type(s) is str and type(start) is int and type(end) is int and 0 <= start <= end <= len(s):
        return s[start:end]
    text = checks.string("substring", s)
    n = len(text)
    b = checks.index("substring", start, n, inclusive=True)
    e = n if end is None else checks.index("substring", end, n, inclusive=True)
    if b > e:
        raise index_error("substring", start, e)
    return str.__str__(text[b:e])


@primitive("string-ref", 2, signature="(string-ref s k)")
def string_ref(s: Value, k: Value) -> Value:
    """Code point `k` as a one-character string."""
    text = checks.string("string-ref", s)
    return str.__str__(text[checks.index("string-ref", k, len(text))])


def _compare(name: str, test: Callable[[str, str], bool]) -> Callable[..., Value]:
    def compare(*args: Value) -> Value:
        strs = [checks.string(name, a) for a in args]
        return all(test(strs[i], strs[i + 1]) for i in range(len(strs) - 1))

    compare.__doc__ = f"`{name}` over adjacent pairs, in code-point order."
    return compare


for _name, _test in (("string=?", operator.eq), ("string<?", operator.lt), ("string>?", operator.gt),
                     ("string<=?", operator.le), ("string>=?", operator.ge)):
    primitive(_name, 1, None, signature=f"({_name} s1 s2 ...)", pair=(str, _test))(_compare(_name, _test))


@primitive("string-upcase", 1, signature="(string-upcase s)")
def string_upcase(s: Value) -> Value:
    """Upper case."""
    return str.upper(checks.string("string-upcase", s))


@primitive("string-downcase", 1, signature="(string-downcase s)")
def string_downcase(s: Value) -> Value:
    """Lower case."""
    return str.lower(checks.string("string-downcase", s))


@primitive("string-trim", 1, signature="(string-trim s)")
def string_trim(s: Value) -> Value:
    """Without surrounding whitespace."""
    return str.strip(checks.string("string-trim", s))


@primitive("string-prefix?", 2, signature="(string-prefix? prefix s)")
def string_prefix_p(prefix: Value, s: Value) -> Value:
    """Does `s` start with `prefix`?"""
    return checks.string("string-prefix?", s).startswith(checks.string("string-prefix?", prefix))


@primitive("string-suffix?", 2, signature="(string-suffix? suffix s)")
def string_suffix_p(suffix: Value, s: Value) -> Value:
    """Does `s` end with `suffix`?"""
    return checks.string("string-suffix?", s).endswith(checks.string("string-suffix?", suffix))


@primitive("string-contains", 2, signature="(string-contains s sub)")
def string_contains(s: Value, sub: Value) -> Value:
    """Index of the first occurrence of `sub` in `s`, or #f."""
    i = checks.string("string-contains", s).find(checks.string("string-contains", sub))
    return False if i < 0 else i


@primitive("string-replace", 3, signature="(string-replace s old new)")
def string_replace(s: Value, old: Value, new: Value) -> Value:
    """Every occurrence of `old` replaced by `new`, literally."""
    text, o, n = (checks.string("string-replace", x) for x in (s, old, new))
    if not o:
        raise value_error("string-replace", "the text to replace is empty", old)
    return str.__str__(text).replace(o, n)


@primitive("string-split", 1, 2, signature="(string-split s [separator])")
def string_split(s: Value, sep: Value = None) -> Value:
    """Fields between separators (empty ones kept), or the words between whitespace runs."""
    text = str.__str__(checks.string("string-split", s))
    if sep is None:
        return make_list(text.split())
    separator = checks.string("string-split", sep)
    if not separator:
        raise value_error("string-split", "the separator is empty", sep)
    return make_list(text.split(str.__str__(separator)))


@primitive("string-join", 1, 2, signature="(string-join list [separator])")
def string_join(lst: Value, sep: Value = " ") -> Value:
    """The list's strings joined with `separator` (default a space)."""
    separator = checks.string("string-join", sep)
    parts = [str.__str__(checks.string("string-join", x)) for x in checks.proper_list("string-join", lst)]
    return str.__str__(separator).join(parts)


@primitive("string->list", 1, 3, signature="(string->list s [start [end]])")
def string_to_list(s: Value, start: Value = None, end: Value = None) -> Value:
    """The one-character strings of `s` (from `start` to `end`)."""
    text = checks.string("string->list", s)
    b, e = checks.bounds("string->list", start, end, len(text))
    return make_list(list(str.__str__(text)[b:e])) if b < e else NIL


@primitive("list->string", 1, signature="(list->string list)")
def list_to_string(lst: Value) -> Value:
    """The list's strings concatenated."""
    return "".join([str.__str__(checks.string("list->string", x)) for x in checks.proper_list("list->string", lst)])
