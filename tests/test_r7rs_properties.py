"""Round-trip properties of LANGUAGE.md 17 through Omega programs run by the facade:
* `(string->json (json->string v))` is `equal?` to `v` for generated JSON-like values;
* `(read (open-input-string s))` is `equal?` to the datum that `write` printed into `s`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_runtime.runtime import OmegaRuntime

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # no lone surrogates
symbol_names = st.from_regex(r"[a-z][a-z0-9\-!?*<>=/]{0,8}", fullmatch=True).filter(lambda s: s != "null")
finite = st.floats(allow_nan=False, allow_infinity=False)


def q(s: str) -> str:
    """An Omega string literal for `s` (1.4 escapes; other controls as \\uXXXX)."""
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch in "\t\r":
            out.append({"\t": "\\t", "\r": "\\r"}[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def number(x: float | int) -> str:
    return repr(x) if isinstance(x, int) else f"(string->number {q(repr(x))})"


# A JSON-like value as the Omega expression that builds it.
json_scalar = st.one_of(st.integers(-10**20, 10**20).map(str), finite.map(number), st.sampled_from(["#t", "#f", ":null"]),
                        text.map(q))
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: f"(vector {' '.join(xs)})"),
        st.lists(st.tuples(symbol_names, inner), max_size=4).map(
            lambda kvs: "(list " + " ".join(f"(cons '{k} {v})" for k, v in kvs) + ")")),
    max_leaves=12)

# A datum as the Omega expression that builds it.
datum_scalar = st.one_of(st.integers().map(str), st.floats(allow_nan=False).map(number), st.booleans().map(
    lambda b: "#t" if b else "#f"), text.map(q), symbol_names.map(lambda s: f"'{s}"),
    symbol_names.map(lambda s: f":{s}"), st.just("'()"))
datum = st.recursive(
    datum_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: f"(list {' '.join(xs)})"),
        st.lists(inner, max_size=4).map(lambda xs: f"(vector {' '.join(xs)})"),
        st.tuples(inner, inner).map(lambda p: f"(cons {p[0]} {p[1]})")),
    max_leaves=12)


@pytest.fixture(scope="module")
def rt() -> Iterator[OmegaRuntime]:
    with OmegaRuntime.create(preset="testing") as runtime:
        yield runtime


def run(rt: OmegaRuntime, code: str) -> Any:
    result = rt.eval(code, source="prop.omega")
    assert result.condition is None, (code, result.condition and result.condition.message)
    return result.printed


@SETTINGS
@given(json_value)
def test_json_round_trip(rt: OmegaRuntime, expr: str) -> None:
    assert run(rt, f"(let ((v {expr})) (equal? v (string->json (json->string v))))") == "#t"


@SETTINGS
@given(datum)
def test_read_gives_back_what_write_printed(rt: OmegaRuntime, expr: str) -> None:
    code = (f"(let* ((v {expr}) (out (open-output-string))) (write v out)"
            " (let ((in (open-input-string (get-output-string out)))) (list (equal? v (read in)) (eof-object? (read in)))))")
    assert run(rt, code) == "(#t #t)"
