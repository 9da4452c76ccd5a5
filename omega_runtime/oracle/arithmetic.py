"""The scripted oracle's built-in arithmetic rule (LANGUAGE.md 5.3 rule 2).

The prompt is cut into maximal runs of `0-9 . + - * / ( )` and space; the first run that, trimmed
(spaces both ends, periods at the right), parses entirely as an expression with at least one
binary operator and evaluates without division by zero gives the answer: the `write` form of its
value under Omega's number rules (14.1). Grammar: sums of products of factors; a factor is
`digits[.digits]`, a signed factor or a parenthesised expression.

Parsing is an operator-precedence (shunting-yard) pass and evaluation an RPN stack machine, so
deeply parenthesised prompts need no Python recursion. Nothing here raises on any input.
"""

from __future__ import annotations

import math
import re

Number = int | float

_RUN = re.compile(r"[0-9.+\-*/() ]+")
_TOKEN = re.compile(r" *(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<op>[-+*/()]))")

_BINARY_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}
_UNARY_PREC = 3  # a signed factor binds tighter than any binary operator
_CHUNK = 4000  # below CPython's default int<->str digit limit (4300)


class _DivisionByZero(Exception):
    pass


def arithmetic_answer(prompt: str) -> str | None:
    """The arithmetic rule's answer for `prompt`, or None when no run qualifies."""
    for match in _RUN.finditer(prompt):
        text = match.group().lstrip(" ").rstrip(" .")
        value = evaluate(text)
        if value is not None:
            return number_text(value)
    return None


def evaluate(text: str) -> Number | None:
    """The value of `text` as an expression with at least one binary operator, or None when it
    does not parse entirely, has no binary operator, or divides by zero."""
    rpn = _to_rpn(text)
    if rpn is None:
        return None
    try:
        return _run_rpn(rpn)
    except _DivisionByZero:
        return None


# An RPN item: a number, a binary operator "+-*/", or "neg"/"pos" for a sign.
_Item = Number | str


def _to_rpn(text: str) -> list[_Item] | None:
    out: list[_Item] = []
    ops: list[str] = []  # pending operators and "(", with "neg"/"pos" for signs
    expect_operand = True
    binary_seen = False
    pos = 0
    end = len(text.rstrip(" "))
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        num, op = m.group("num"), m.group("op")
        if expect_operand:
            if num is not None:
                out.append(_parse_number(num))
                expect_operand = False
            elif op in ("+", "-"):
                ops.append("neg" if op == "-" else "pos")
            elif op == "(":
                ops.append("(")
            else:
                return None
        elif op in _BINARY_PREC:
            prec = _BINARY_PREC[op]
            while ops and ops[-1] != "(" and _prec(ops[-1]) >= prec:
                out.append(ops.pop())
            ops.append(op)
            binary_seen = True
            expect_operand = True
        elif op == ")":
            while ops and ops[-1] != "(":
                out.append(ops.pop())
            if not ops:
                return None
            ops.pop()
        else:
            return None
    if expect_operand or not binary_seen:
        return None
    while ops:
        top = ops.pop()
        if top == "(":
            return None
        out.append(top)
    return out


def _prec(op: str) -> int:
    return _BINARY_PREC.get(op, _UNARY_PREC)


def _parse_number(text: str) -> Number:
    if "." in text:
        return float(text)  # overlong literals become inf, as the reader's would
    return _int_from_digits(text)


def _int_from_digits(digits: str) -> int:
    # int(str) refuses more than 4300 digits by default; build long ones chunk by chunk.
    if len(digits) <= _CHUNK:
        return int(digits)
    value = 0
    for i in range(0, len(digits), _CHUNK):
        chunk = digits[i:i + _CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def _run_rpn(rpn: list[_Item]) -> Number:
    stack: list[Number] = []
    for item in rpn:
        if not isinstance(item, str):
            stack.append(item)
        elif item == "neg":
            stack.append(-stack.pop())
        elif item == "pos":
            pass
        else:
            b = stack.pop()
            a = stack.pop()
            stack.append(_binary(item, a, b))
    return stack[0]


def _binary(op: str, a: Number, b: Number) -> Number:
    if isinstance(a, int) and isinstance(b, int):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise _DivisionByZero
        if a % b == 0:
            return a // b  # integers dividing exactly give an integer
        try:
            return a / b
        except OverflowError:
            return math.inf if (a < 0) == (b < 0) else -math.inf
    x, y = _to_float(a), _to_float(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        raise _DivisionByZero
    return x / y


def _to_float(n: Number) -> float:
    try:
        return float(n)
    except OverflowError:  # an integer beyond the float range
        return math.inf if n > 0 else -math.inf


def number_text(n: Number) -> str:
    """The `write` form of an Omega number (LANGUAGE.md 2.1): integers in full, floats as Python
    `repr` with `+inf.0`, `-inf.0` and `+nan.0` for the specials."""
    if isinstance(n, float):
        if math.isnan(n):
            return "+nan.0"
        if math.isinf(n):
            return "+inf.0" if n > 0 else "-inf.0"
        return repr(n)
    return _int_text(n)


def _int_text(n: int) -> str:
    try:
        return str(n)
    except ValueError:  # beyond the int->str digit limit: convert in fixed-size chunks
        pass
    sign = "-" if n < 0 else ""
    n = abs(n)
    base = 10 ** _CHUNK
    chunks: list[str] = []
    while n:
        n, low = divmod(n, base)
        chunks.append(str(low))
    head = chunks.pop()
    return sign + head + "".join(c.zfill(_CHUNK) for c in reversed(chunks))
