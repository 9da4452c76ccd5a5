"""The built-in arithmetic rule (LANGUAGE.md 5.3 rule 2, numbers per 14.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.oracle.arithmetic import arithmetic_answer, evaluate, number_text

ACCEPTANCE = [  # acceptance/05-oracle/arithmetic
    ("What is 2+2?", "4"),
    ("What is (3 + 4) * 5?", "35"),
    ("What is 7/2?", "3.5"),
    ("What is 6/3?", "2"),
    ("Compute 2 + 3 * 4.", "14"),
    ("What is 1.5*2?", "3.0"),
    ("What is 0.1+0.2?", "0.30000000000000004"),
    ("Is -3 + 5 positive?", "2"),
    ("Items (a) and 2*3", "6"),
    ("What is 1/0 or 9-4?", "5"),
    ("What is 99999999999*99999999999?", "9999999999800000000001"),
    ("What is 2*-3?", "-6"),
    ("Compute (2+3)*(4-1).", "15"),
    ("What is 6*7?", "42"),
    ("What is 3*5?", "15"),
]


@pytest.mark.parametrize(("prompt", "answer"), ACCEPTANCE)
def test_acceptance_examples(prompt: str, answer: str) -> None:
    assert arithmetic_answer(prompt) == answer


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("10 - 2 - 3", "5"),  # left associative
        ("8 / 2 / 2", "2"),
        ("2 + 3 * 4 - 6 / 3", "12"),
        ("--3 + 1", "4"),
        ("+3 * -(2 + 1)", "-9"),
        ("2 - -3", "5"),
        ("1/3", "0.3333333333333333"),
        ("-7/2", "-3.5"),
        ("4.0/2", "2.0"),  # any float makes a float
        ("2.5 * 0", "0.0"),
        ("0 * -1.0", "-0.0"),
        ("1.5 + 1.5.", "3.0"),  # trailing periods trimmed
        ("x 3 + 4 .. y", "7"),
        ("1 + 2x", "3"),  # runs end at any other character
        ("1e3+1", "4"),  # no exponent syntax: the run is "3+1"
        ("1\n+1 and 2+5", "7"),  # a newline is not in the run alphabet
        ("1/0 then 2/0.0 then 2/(1-1) then 3*3", "9"),
        ("1" + "0" * 400 + "/3", "+inf.0"),  # integer quotient beyond float range
        ("-1" + "0" * 400 + "/3", "-inf.0"),
        ("1" + "0" * 400 + "*1.5", "+inf.0"),  # integer converted to float overflows
        ("1" + "0" * 400 + "/2", "5" + "0" * 399),
        ("9" * 400 + ".5 * 1 - 9" + "9" * 400 + ".0", "+nan.0"),  # inf - inf
        ("(" * 10000 + "1+2" + ")" * 10000, "3"),  # deep nesting, no recursion
        ("-" * 10000 + "1+1", "2"),
        ("1" * 5000 + "*1", "1" * 5000),  # beyond the int/str digit limit
    ],
)
def test_edge_cases(prompt: str, answer: str) -> None:
    assert arithmetic_answer(prompt) == answer


@pytest.mark.parametrize(
    "prompt",
    ["What is 6?", "-3", "(1)", "1 2", "2+", "*2", "1..2+1", ".5+1", "1.+1", "(1+2", "1+2)", "()", "",
     "1/0", "3/(2-2)", "Add 1 and 2", "x-y", "1-"],
)
def test_no_answer(prompt: str) -> None:
    assert arithmetic_answer(prompt) is None


def test_first_qualifying_run_wins() -> None:
    assert arithmetic_answer("(x) 5 then 1+1 then 2*2") == "2"
    assert evaluate("1+1") == 2
    assert evaluate("7") is None


def test_number_text() -> None:
    assert number_text(1e16) == "1e+16"
    assert number_text(1e-07) == "1e-07"
    assert number_text(float("inf")) == "+inf.0"
    assert number_text(float("-inf")) == "-inf.0"
    assert number_text(float("nan")) == "+nan.0"
    assert number_text(-(10 ** 9000)) == "-1" + "0" * 9000
    assert number_text(10 ** 4000 + 7) == "1" + "0" * 3999 + "7"


@given(st.text())
def test_never_raises_on_any_prompt(prompt: str) -> None:
    result = arithmetic_answer(prompt)
    assert result is None or isinstance(result, str)


@given(st.text(alphabet="0123456789.+-*/() x", max_size=60))
def test_never_raises_on_arithmetic_like_prompts(prompt: str) -> None:
    result = arithmetic_answer(prompt)
    assert result is None or isinstance(result, str)


def integer_expressions() -> st.SearchStrategy[str]:
    leaf = st.integers(0, 10 ** 6).map(str)

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})")
        return st.one_of(binary, children.map(lambda c: "-" + c))

    return st.tuples(st.recursive(leaf, extend, max_leaves=12), st.sampled_from(["+", "-", "*"]), leaf).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")


@given(integer_expressions())
def test_integer_expressions_agree_with_exact_arithmetic(expr: str) -> None:
    assert arithmetic_answer(f"Compute {expr}?") == str(eval(expr))  # noqa: S307 - digits and operators only
