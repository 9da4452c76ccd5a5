"""The reader (LANGUAGE.md section 1): atoms, lists, prefixes, comments, spans, and every error
of the table in 1.8 with its span and recovery."""

from __future__ import annotations

import logging
import math
import time

import pytest

from omega_runtime.reader import read
from omega_runtime.span import Span
from omega_runtime.syntax import Atom, ReadResult, SList, SVector, Syntax, to_value
from omega_runtime.values import NIL, Keyword, Pair, Symbol, Value, Vector, keyword, sym

# ---------------------------------------------------------------------------------------------
# Helpers


def show(v: Value) -> str:
    """A compact rendering of a read datum, for assertions (small data only)."""
    if isinstance(v, Pair):
        parts = []
        while isinstance(v, Pair):
            parts.append(show(v.car))
            v = v.cdr
        tail = "" if v is NIL else " . " + show(v)
        return "(" + " ".join(parts) + tail + ")"
    if isinstance(v, Vector):
        return "#(" + " ".join(show(x) for x in v.items) + ")"
    if isinstance(v, str):
        return '"' + v + '"'
    if v is True or v is False:
        return "#t" if v else "#f"
    return repr(v)


def data(text: str) -> list[str]:
    return [show(to_value(d)) for d in read(text, "t.omega").data]


def pos(span: Span) -> tuple[int, int, int, int]:
    return (span.start_line, span.start_col, span.end_line, span.end_col)


def diags(text: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    return [(d.code, pos(d.span)) for d in read(text, "t.omega").diagnostics]


def one(text: str) -> Syntax:
    result = read(text, "t.omega")
    assert result.diagnostics == ()
    assert len(result.data) == 1
    return result.data[0]


def value(text: str) -> Value:
    return to_value(one(text))


def all_syntax(result: ReadResult) -> list[Syntax]:
    """Every syntax object of the result, iteratively."""
    out: list[Syntax] = []
    stack = list(result.data)
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (SList, SVector)):
            stack.extend(node.items)
        if isinstance(node, SList) and node.tail is not None:
            stack.append(node.tail)
    return out


# ---------------------------------------------------------------------------------------------
# Spans (1.7)


def test_span_of_the_spec_example() -> None:
    result = read("(add 1 2)", "f.omega")
    lst = result.data[0]
    assert isinstance(lst, SList)
    assert lst.span == Span("f.omega", 1, 1, 1, 10, 0, 9)
    assert lst.items[0].span == Span("f.omega", 1, 2, 1, 5, 1, 4)
    assert [pos(i.span) for i in lst.items[1:]] == [(1, 6, 1, 7), (1, 8, 1, 9)]


def test_every_datum_carries_the_file_name_and_a_default_name() -> None:
    result = read("(a [b #(c)] 'd . \"e\")", "x/y.omega")
    nodes = all_syntax(result)
    assert len(nodes) == 10
    assert {n.span.file for n in nodes} == {"x/y.omega"}
    assert read("1").data[0].span.file == "<eval>"


def test_lines_end_at_lf_crlf_and_lone_cr() -> None:
    text = "a\nb\r\nc\rd\n\re"
    result = read(text, "t")
    assert [to_value(d).name for d in result.data] == ["a", "b", "c", "d", "e"]
    assert [(d.span.start_line, d.span.start_col, d.span.start_offset) for d in result.data] == [
        (1, 1, 0), (2, 1, 2), (3, 1, 5), (4, 1, 7), (6, 1, 10)]


def test_crlf_location_of_the_acceptance_program() -> None:
    result = read('(display "one")\r\n(newline)\r\t(car 5)', "t")
    assert pos(result.data[2].span) == (3, 2, 3, 9)


def test_columns_count_code_points_and_a_tab_is_one_column() -> None:
    result = read('(list "é"\t#xZZ)', "t")  # as the acceptance program hash-columns, with a bad hex digit
    assert [d.code for d in result.diagnostics] == ["E0005"]
    assert pos(result.diagnostics[0].span) == (1, 11, 1, 15)
    result = read('"😀é" x\n\t😀 y', "t")
    s, x, emoji, y = result.data
    assert (pos(s.span), s.span.end_offset) == ((1, 1, 1, 5), 4)
    assert (pos(x.span), x.span.start_offset) == ((1, 6, 1, 7), 5)
    assert to_value(emoji) is sym("😀")
    assert pos(emoji.span) == (2, 2, 2, 3)
    assert (pos(y.span), y.span.start_offset) == ((2, 4, 2, 5), 10)


def test_a_multi_line_string_spans_its_lines() -> None:
    s = one('  "ab\r\ncd"')
    assert (pos(s.span), s.span.start_offset, s.span.end_offset) == ((1, 3, 2, 4), 2, 10)
    assert isinstance(s, Atom) and s.value == "ab\r\ncd"


def test_list_spans_run_from_opener_past_closer_across_lines() -> None:
    lst = one("(a\n  [b\n  #(c)])")
    assert isinstance(lst, SList)
    vec = lst.items[1]
    assert isinstance(vec, SVector)
    assert pos(lst.span) == (1, 1, 3, 9)
    assert pos(vec.span) == (2, 3, 3, 8)
    assert pos(vec.items[1].span) == (3, 3, 3, 7)


# ---------------------------------------------------------------------------------------------
# Atoms (1.3, 1.4)


@pytest.mark.parametrize(("text", "expected"), [
    ("+5", 5), ("-17", -17), ("007", 7), ("-0", 0), ("0", 0),
    ("123456789012345678901234567890", 123456789012345678901234567890),
])
def test_integers(text: str, expected: int) -> None:
    v = value(text)
    assert type(v) is int and v == expected


def test_integers_have_no_digit_limit() -> None:
    digits = "9" * 5000
    assert value(digits) == 10 ** 5000 - 1
    assert value("-" + digits) == -(10 ** 5000 - 1)
    assert value("+" + "1" + "0" * 9000) == 10 ** 9000


@pytest.mark.parametrize(("text", "expected"), [
    ("3.14", 3.14), ("1.", 1.0), (".5", 0.5), ("-.5", -0.5), ("+.5", 0.5), ("-2.5e-3", -0.0025),
    ("1e3", 1000.0), ("1E3", 1000.0), ("2.5e+2", 250.0), ("10.0e-1", 1.0), ("-0.0", -0.0),
    ("+inf.0", math.inf), ("-inf.0", -math.inf),
])
def test_floats(text: str, expected: float) -> None:
    v = value(text)
    assert type(v) is float and v == expected
    assert math.copysign(1, v) == math.copysign(1, expected)


def test_nan() -> None:
    v = value("+nan.0")
    assert type(v) is float and math.isnan(v)


@pytest.mark.parametrize("text", [
    "1+", "1/2", "1e", "1.2.3", "+", "-", "...", "a.b", "infer.op", "-nan.0", "+inf", "nil", "|#", "a#b",
    "CamelCase", "é", "1e3x", "+-1", ".5.", "..", "x:",
])
def test_symbols(text: str) -> None:
    assert value(text) is sym(text)


def test_symbols_are_case_sensitive() -> None:
    assert value("ABC") is not value("abc")


def test_keywords_null_booleans() -> None:
    assert value(":name") is keyword("name")
    assert isinstance(value("::"), Keyword) and value("::") is keyword(":")
    assert value(":") is sym(":")
    assert value("null") is NIL
    assert [value(t) for t in ("#t", "#true", "#f", "#false")] == [True, True, False, False]
    assert all(type(value(t)) is bool for t in ("#t", "#f"))


def test_a_token_is_a_maximal_run_of_non_delimiters() -> None:
    assert data("a(b)c'd`e,f,@g\"h\"i;j\nk") == [
        "a", "(b)", "c", "(quote d)", "(quasiquote e)", "(unquote f)", "(unquote-splicing g)",
        '"h"', "i", "k"]
    assert data("1[2]3") == ["1", "#(2)", "3"]


def test_string_escapes() -> None:
    assert value(r'"a\nb\tc\rd\\e\"f"') == 'a\nb\tc\rd\\e"f'
    assert value(r'"\u00e9\u65E5"') == "é日"
    assert value('"multi\nline"') == "multi\nline"
    assert value('""') == ""
    assert value('"; not a comment #| nor this"') == "; not a comment #| nor this"


# ---------------------------------------------------------------------------------------------
# Lists, pairs, vectors, prefixes (1.5, 1.6)


def test_lists_pairs_vectors() -> None:
    assert data("() (1 . 2) (1 2 . 3) (1 . (2 3)) (a . (b . (c . ())))") == [
        "()", "(1 . 2)", "(1 2 . 3)", "(1 2 3)", "(a b c)"]
    assert data("[] [1 2] #(a \"b\" 1.5) #(1 #(2) [3])") == [
        "#()", "#(1 2)", '#(a "b" 1.5)', "#(1 #(2) #(3))"]
    dotted = one("(1 2 . 3)")
    assert isinstance(dotted, SList) and dotted.tail is not None
    assert (len(dotted.items), pos(dotted.tail.span)) == (2, (1, 8, 1, 9))


def test_prefixes_and_their_spans() -> None:
    assert data("'a `b ,c ,@d ''a") == [
        "(quote a)", "(quasiquote b)", "(unquote c)", "(unquote-splicing d)", "(quote (quote a))"]
    q = one(" ,@(x)")
    assert isinstance(q, SList)
    head = q.items[0]
    assert isinstance(head, Atom) and head.value is sym("unquote-splicing")
    assert pos(head.span) == (1, 2, 1, 4)
    assert pos(q.span) == (1, 2, 1, 7)
    assert pos(q.items[1].span) == (1, 4, 1, 7)


def test_comments_between_a_prefix_and_its_datum() -> None:
    assert data("' ; a comment\n  x") == ["(quote x)"]
    assert data("'#| block |# (y)") == ["(quote (y))"]
    assert data("` #;skipped #;(also skipped) z") == ["(quasiquote z)"]
    q = one("'\n#|c|# x")
    assert pos(q.span) == (1, 1, 2, 8)


# ---------------------------------------------------------------------------------------------
# Comments (1.2)


def test_comments_are_whitespace_and_their_spans_are_listed_in_file_order() -> None:
    text = "#!/usr/bin/env omega\n; line\n(a #| b #| nested |# c |# d) #;(e ; inner\n f) g"
    result = read(text, "t")
    assert [show(to_value(d)) for d in result.data] == ["(a d)", "g"]
    assert [text[c.start_offset:c.end_offset] for c in result.comments] == [
        "#!/usr/bin/env omega", "; line", "#| b #| nested |# c |#", "#;(e ; inner\n f)", "; inner"]
    assert pos(result.comments[3]) == (3, 30, 4, 4)


def test_the_comments_acceptance_program() -> None:
    text = ("#!/usr/bin/env omega\n; a line comment (display \"no\")\n"
            "(display \"a\") #| a block comment (display \"no\") |# (display \"b\")\n"
            "#| nested #| inner |# still a comment (display \"no\") |#\n(display \"c\")\n"
            "#;(display \"no\") (display \"d\")\n(display '(1 #;2 3 #;(4 5) 6))\n"
            "(display '(x #| hidden |# y))\n(newline)\n#;\n(display \"no\")\n"
            "(display \"e\") ; trailing comment\n#;    ; a comment between the prefix and its datum\n"
            "(display \"no\")\n(newline)\n")
    assert data(text) == [
        '(display "a")', '(display "b")', '(display "c")', '(display "d")',
        "(display (quote (1 3 6)))", "(display (quote (x y)))", "(newline)", '(display "e")', "(newline)"]


def test_datum_comments() -> None:
    assert data("#;a b") == ["b"]
    assert data("(1 #;2 3 #;(4 5) 6)") == ["(1 3 6)"]
    assert data("#; #; a b c") == ["c"]  # one datum per `#;`: the inner one skips a, the outer b
    assert data("(a . #;b c)") == ["(a . c)"]
    assert data("[1 #;[2] 3]") == ["#(1 3)"]
    assert data("#;'x y") == ["y"]


def test_a_skipped_datum_is_still_checked() -> None:
    assert diags("#;(a .) b") == [("E0006", (1, 6, 1, 7))]
    assert data("#;(a .) b") == ["b"]


def test_a_leading_shebang_line_only() -> None:
    assert data("#!/bin/omega (ignored\n(a)") == ["(a)"]
    assert diags("x\n#!/bin/omega") == [("E0005", (2, 1, 2, 13))]
    assert data("#!") == []


# ---------------------------------------------------------------------------------------------
# Errors (1.8): code, span, recovery


def test_e0001_unmatched_closer_is_skipped() -> None:
    assert diags("a ) b ]") == [("E0001", (1, 3, 1, 4)), ("E0001", (1, 7, 1, 8))]
    assert data("a ) b ]") == ["a", "b"]


def test_e0001_wrong_closer_closes_the_innermost_list() -> None:
    result = read("(a (b c] d)", "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0001", (1, 8, 1, 9))]
    assert result.diagnostics[0].message.startswith("']' does not match '(' at 1:4")
    assert [show(to_value(d)) for d in result.data] == ["(a (b c) d)"]
    inner = result.data[0]
    assert isinstance(inner, SList)
    assert pos(inner.items[1].span) == (1, 4, 1, 9)
    assert data("[1 2)") == ["#(1 2)"]
    assert data("#(1 2]") == ["#(1 2)"]
    assert diags("[1 2)") == [("E0001", (1, 5, 1, 6))]


def test_e0001_reserved_braces_are_skipped() -> None:
    assert diags("(a { b })") == [("E0001", (1, 4, 1, 5)), ("E0001", (1, 8, 1, 9))]
    assert data("(a { b })") == ["(a b)"]
    assert data("{x}") == ["x"]


def test_e0002_one_diagnostic_per_open_list_in_file_order() -> None:
    result = read("(a [b\n #(c", "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [
        ("E0002", (1, 1, 1, 2)), ("E0002", (1, 4, 1, 5)), ("E0002", (2, 2, 2, 4))]
    assert [show(to_value(d)) for d in result.data] == ["(a #(b #(c)))"]
    outer = result.data[0]
    assert isinstance(outer, SList)
    assert (pos(outer.span), outer.span.end_offset) == ((1, 1, 2, 5), 10)  # ends at end of file


def test_e0003_unterminated_string_runs_to_end_of_file() -> None:
    result = read('(display "fine")\n"this string\nnever ends\n', "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0003", (2, 1, 4, 1))]
    assert [show(to_value(d)) for d in result.data] == ['(display "fine")', '"this string\nnever ends\n"']
    result = read('("abc', "t")
    assert [d.code for d in result.diagnostics] == ["E0003", "E0002"]
    assert [show(to_value(d)) for d in result.data] == ['("abc")']


@pytest.mark.parametrize(("text", "span", "expected"), [
    (r'"a\qb"', (1, 3, 1, 5), "ab"),
    (r'"x\ud800y"', (1, 3, 1, 9), "xy"),
    (r'"\uDFFF"', (1, 2, 1, 8), ""),
    (r'"\u12x"', (1, 2, 1, 6), "x"),
    (r'"\u12"', (1, 2, 1, 6), ""),
    (r'"\U00e9"', (1, 2, 1, 4), "00e9"),
    ('"a\\\nb"', (1, 3, 2, 1), "ab"),
])
def test_e0004_bad_escape_is_dropped(text: str, span: tuple[int, int, int, int], expected: str) -> None:
    result = read(text, "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0004", span)]
    assert [to_value(d) for d in result.data] == [expected]


def test_e0004_every_bad_escape_in_a_string() -> None:
    assert diags(r'"\a\u00e9\b\ud83d"') == [
        ("E0004", (1, 2, 1, 4)), ("E0004", (1, 10, 1, 12)), ("E0004", (1, 12, 1, 18))]
    assert data(r'"\a\u00e9\b\ud83d"') == ['"é"']


@pytest.mark.parametrize("token", ["#xZZ", "#\\a", "#foo", "#", "#tru", "#T", "#!x", "#(x"[:1], "#true1"])
def test_e0005_bad_hash_syntax_is_skipped(token: str) -> None:
    result = read(f"(1 {token} 2)", "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0005", (1, 4, 1, 4 + len(token)))]
    assert [show(to_value(d)) for d in result.data] == ["(1 2)"]


@pytest.mark.parametrize(("text", "span", "expected"), [
    ("(. a)", (1, 2, 1, 3), "(a)"),
    ("(a .)", (1, 4, 1, 5), "(a)"),
    ("(a . b c)", (1, 8, 1, 9), "(a b c)"),
    ("(a . b (c d))", (1, 8, 1, 13), "(a b (c d))"),
    (". a", (1, 1, 1, 2), "a"),
    ("[a . b]", (1, 4, 1, 5), "#(a b)"),
    ("#(a .)", (1, 5, 1, 6), "#(a)"),
    ("(a . b . c)", (1, 8, 1, 9), "(a b c)"),
])
def test_e0006_dot_misuse_reads_as_if_the_dot_were_absent(
        text: str, span: tuple[int, int, int, int], expected: str) -> None:
    result = read(text, "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0006", span)]
    assert [show(to_value(d)) for d in result.data][-1] == expected


def test_e0007_unterminated_block_comment_runs_to_end_of_file() -> None:
    text = '(display "fine")\n#| this comment\n   #| nested |# is never closed\n(display "x")\n'
    result = read(text, "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0007", (2, 1, 2, 3))]
    assert [show(to_value(d)) for d in result.data] == ['(display "fine")']
    assert (result.comments[-1].start_offset, result.comments[-1].end_offset) == (17, len(text))
    assert [d.code for d in read("(a #| x", "t").diagnostics] == ["E0007", "E0002"]


@pytest.mark.parametrize(("text", "span", "expected"), [
    ("'", (1, 1, 1, 2), []),
    ("(a ')", (1, 4, 1, 5), ["(a)"]),
    ("(a `)", (1, 4, 1, 5), ["(a)"]),
    ("(a ,)", (1, 4, 1, 5), ["(a)"]),
    ("x ,@", (1, 3, 1, 5), ["x"]),
    ("(a #;)", (1, 4, 1, 6), ["(a)"]),
    ("a #;", (1, 3, 1, 5), ["a"]),
    ("(a ' . b)", (1, 4, 1, 5), ["(a . b)"]),
    ("' ; comment\n", (1, 1, 1, 2), []),
])
def test_e0008_prefix_without_datum_is_ignored(text: str, span: tuple[int, int, int, int],
                                                expected: list[str]) -> None:
    result = read(text, "t")
    assert [(d.code, pos(d.span)) for d in result.diagnostics] == [("E0008", span)]
    assert [show(to_value(d)) for d in result.data] == expected


def test_e0008_nested_prefixes_each_report() -> None:
    assert diags("(' #; )") == [("E0008", (1, 4, 1, 6)), ("E0008", (1, 2, 1, 3))]
    assert diags("']") == [("E0008", (1, 1, 1, 2)), ("E0001", (1, 2, 1, 3))]


def test_the_bad_omega_example_of_section_1_8() -> None:
    result = read("(define (f x)\n  (+ x 1]\n", "bad.omega")
    assert [d.format().split(": ")[0:2] for d in result.diagnostics] == [
        ["bad.omega:2:9", "error E0001"], ["bad.omega:1:1", "error E0002"]]
    assert [show(to_value(d)) for d in result.data] == ["(define (f x) (+ x 1))"]
    assert all(d.severity == "error" for d in result.diagnostics)


def test_every_error_in_a_file_is_reported_and_reading_goes_on() -> None:
    text = "(a ]\n{ #foo \"\\q\" (. b) 'c\n(d '"
    result = read(text, "t")
    assert [(d.code, d.span.start_line, d.span.start_col) for d in result.diagnostics] == [
        ("E0001", 1, 4), ("E0001", 2, 1), ("E0005", 2, 3), ("E0004", 2, 9), ("E0006", 2, 14),
        ("E0008", 3, 4), ("E0002", 3, 1)]
    assert [show(to_value(d)) for d in result.data] == ["(a)", '""', "(b)", "(quote c)", "(d)"]


@pytest.mark.parametrize(("prefix", "code"), [
    ("#|", "E0007"), ('"', "E0003"), ("(", "E0002"), ("[", "E0002"), ("#(", "E0002"),
])
def test_error_messages_name_the_problem(prefix: str, code: str) -> None:
    (diagnostic,) = read(prefix, "t").diagnostics
    assert diagnostic.code == code
    assert "end of the file" in diagnostic.message
    assert diagnostic.format().startswith(f"t:1:1: error {code}: ")


# ---------------------------------------------------------------------------------------------
# Depth and size


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deep_nesting_reads_without_recursion(depth: int) -> None:
    result = read("(" * depth + "x" + ")" * depth, "t")
    assert result.diagnostics == ()
    node = result.data[0]
    levels = 0
    while isinstance(node, SList):
        assert node.span.start_offset == levels and node.span.end_offset == 2 * depth + 1 - levels
        levels += 1
        node = node.items[0]
    assert levels == depth and isinstance(node, Atom) and node.value is sym("x")
    value = to_value(result.data[0])
    assert isinstance(value, Pair)


def test_deep_prefixes_datum_comments_and_unclosed_lists() -> None:
    depth = 100_000
    quoted = read("'" * depth + "a", "t").data[0]
    for _ in range(depth):
        assert isinstance(quoted, SList)
        quoted = quoted.items[1]
    assert isinstance(quoted, Atom)
    assert data("#;" * depth + " x" * depth + " y") == ["y"]
    unclosed = read("[" * depth, "t")
    assert len(unclosed.diagnostics) == depth
    assert {d.code for d in unclosed.diagnostics} == {"E0002"}
    assert [d.span.start_offset for d in unclosed.diagnostics[:3]] == [0, 1, 2]


def test_a_large_program_reads_in_linear_time() -> None:
    form = '(define (f{0} x) ; comment\n  (let ((a (+ x {0})) (b "s{0}"))\n    (if (< a 1) (list a b \'q :k 1.5) [f{0} x])))\n'
    small = "".join(form.format(i) for i in range(500))
    large = "".join(form.format(i) for i in range(5000))
    read(small, "warm-up")

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            result = read(text, "t")
            times.append(time.process_time() - start)
        assert result.diagnostics == ()
        return min(times)

    assert len(read(large, "t").data) == 5000
    assert best(large) < 25 * best(small)  # ten times the text: no quadratic blow-up


# ---------------------------------------------------------------------------------------------
# The grammar


def test_the_grammar_compiles_to_an_lalr_table_without_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    from importlib import resources

    import lark

    source = (resources.files("omega_runtime") / "grammar.lark").read_text(encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="lark"):
        lark.Lark(source, parser="lalr", lexer="basic", debug=True)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


def test_read_never_raises_on_hostile_text() -> None:
    for text in ["", "\\", '"\\', "#", "#|", "|#", "(.", ".)", "#;#;", ",@,@", "\x00", "\ud800", ")(", "][",
                 "(#;)", "'#;", "#(.)", "(a . . b)", "(. . .)", "#!", "\r", "\r\n#!"]:
        result = read(text, "t")
        assert isinstance(result, ReadResult)
        for node in all_syntax(result):
            assert 0 <= node.span.start_offset <= node.span.end_offset <= len(text)


def test_reading_is_independent_of_earlier_reads() -> None:
    assert read("(a", "t").diagnostics != ()
    assert read("(a)", "t").diagnostics == ()
    assert isinstance(value("a"), Symbol)
