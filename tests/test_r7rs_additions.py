"""LANGUAGE.md 17 and the amended 1.3 / 3 through the OmegaRuntime facade: every new form and
procedure, their errors (type, message, location) and arities."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from omega_runtime.runtime import OmegaRuntime


@pytest.fixture(scope="module")
def rt() -> Iterator[OmegaRuntime]:
    with OmegaRuntime.create(preset="testing") as runtime:
        yield runtime


def value(rt: OmegaRuntime, code: str) -> str:
    result = rt.eval(code, source="t.omega")
    assert result.condition is None, result.condition and result.condition.message
    assert not result.diagnostics, result.diagnostics
    return result.printed


def error(rt: OmegaRuntime, code: str) -> tuple[str, str, str]:
    """(type, message, LINE:COL) of the unhandled condition `code` ends with."""
    result = rt.eval(code, source="t.omega")
    cond = result.condition
    assert cond is not None, f"no condition; printed {result.printed!r}"
    span = cond.span
    return cond.ctype.name, cond.message, f"{span.start_line}:{span.start_col}" if span else "?"


# ---- auxiliary keywords by binding (issue 16 item 7; LANGUAGE.md 3) --------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(let ((=> #f)) (cond (#t => 'ok)))", "ok"),
    ("(let ((=> 'arrow)) (case 2 ((2) => 'clause-body)))", "clause-body"),
    ("(let ((else #f)) (cond (else 'shadowed) (#t 'fell-through)))", "fell-through"),
    ("(cond ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'none))", "b"),
    ("(case 3 ((3) => (lambda (k) (* k 2))) (else 0))", "6"),
    ("(let ((unquote list)) `(a ,(+ 1 2)))", "(a (unquote (+ 1 2)))"),
])
def test_auxiliary_keywords_are_matched_by_binding(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize(("code", "message"), [
    ("(let ((else #f)) (case 1 ((2) 'two) (else 'other)))", "case: a clause starts with a list of data"),
    ("(let ((else #f)) (match 5 (else 'matched)))", "match: invalid pattern else"),
])
def test_a_shadowed_else_is_no_else_clause(rt: OmegaRuntime, code: str, message: str) -> None:
    kind, got, _ = error(rt, code)
    assert kind == "syntax-error" and got.startswith(message)


# ---- number prefixes (1.3) ------------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(list #xff #XFF #b-101 #o17 #d007 #x+10)", "(255 255 -5 15 7 16)"),
    ("(list #e1.5e3 #e2.0 #e-4. #i3 #i1.5 #e#x10 #x#e10 #X#I10)", "(1500 2 -4 3.0 1.5 16 16 16.0)"),
    ("#e12345678901234567890.0", "12345678901234567890"),
    ("(list (string->number \"#xff\") (string->number \"#e1.5\") (string->number \"#q1\"))", "(255 #f #f)"),
])
def test_number_prefixes(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize("token", ["#e1.5", "#xZZ", "#b102", "#x", "#e+inf.0", "#xx1", "#ee1"])
def test_bad_prefixed_numbers_are_e0005(rt: OmegaRuntime, token: str) -> None:
    result = rt.eval(f"(list {token})", source="t.omega")
    assert [d.code for d in result.diagnostics] == ["E0005"]
    assert (result.diagnostics[0].span.start_col, result.diagnostics[0].span.end_col) == (7, 7 + len(token))


# ---- multiple values (17.1) -----------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(call-with-values (lambda () (values 1 2)) list)", "(1 2)"),
    ("(call-with-values (lambda () (values)) list)", "()"),
    ("(list (values) (values 1 2) (values 3))", "(#<values> #<values 1 2> 3)"),
    ("(let-values (((a . r) (values 1 2 3)) ((b) 4)) (list a r b))", "(1 (2 3) 4)"),
    ("(let*-values (((a b) (values 1 2)) ((c) (+ a b))) c)", "3"),
    ("(receive all (values 1 2) all)", "(1 2)"),
    ("(begin (define-values (q . r) (values 1 2 3)) (list q r))", "(1 (2 3))"),
    ("((lambda () (define-values (a b) (values 1 2)) (+ a b)))", "3"),
    ("(call-with-values (lambda () (floor/ -7 2)) list)", "(-4 1)"),
    ("(call-with-values (lambda () (exact-integer-sqrt 17)) list)", "(4 1)"),
    ("(+ 1 (call/cc (lambda (k) (k 41))))", "42"),
    ("(call-with-values (lambda () (call/cc (lambda (k) (k 1 2)))) list)", "(1 2)"),
    ("(equal? (values 1 \"a\") (values 1 \"a\"))", "#t"),
    ("(values 1 2)", "1 2"),
    ("(values)", ""),
])
def test_multiple_values(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("(let-values (((a b) (values 1 2 3))) a)", ("arity-error", "let-values: expected 2 arguments, got 3", "1:1")),
    ("(receive (a b) (values 1) a)", ("arity-error", "receive: expected 2 arguments, got 1", "1:1")),
    ("(define-values (a b) (values 1))", ("arity-error", "define-values: expected 2 values, got 1", "1:1")),
    ("(+ (values 1 2) 3)", ("wrong-type", "+: expected number, got #<values 1 2>", "1:1")),
    ("(call-with-values 1 list)", ("wrong-type", "call-with-values: expected procedure, got 1", "1:1")),
    ("(call-with-values list)", ("arity-error", "call-with-values: expected 2 arguments, got 1", "1:1")),
    ("(floor/ 1 0)", ("division-by-zero", "floor/: division by zero", "1:1")),
])
def test_multiple_values_errors(rt: OmegaRuntime, code: str, expected: tuple[str, str, str]) -> None:
    assert error(rt, code) == expected


# ---- case-lambda (17.2) ---------------------------------------------------------------------

def test_case_lambda_dispatches_and_is_named_by_define(rt: OmegaRuntime) -> None:
    value(rt, "(define cl-area (case-lambda ((r) (* 3 r r)) ((w h . more) (list w h more))))")
    assert value(rt, "(list (cl-area 2) (cl-area 1 2) (cl-area 1 2 3) cl-area)") == \
        "(12 (1 2 ()) (1 2 (3)) #<procedure cl-area>)"


@pytest.mark.parametrize(("clauses", "message"), [
    ("((a) 1) ((a b c) 3)", "f: expected 1 or 3 arguments, got 2"),
    ("(() 0) ((a b) 2) ((a b c . d) 3)", "f: expected 0, 2 or at least 3 arguments, got 1"),
    ("((a b) 2)", "f: expected 2 arguments, got 1"),
    ("((a) 1)", "f: expected 1 argument, got 2"),
])
def test_case_lambda_arity_errors_list_the_accepted_counts(rt: OmegaRuntime, clauses: str, message: str) -> None:
    args = "1 2" if "got 2" in message else "1"
    assert error(rt, f"(define f (case-lambda {clauses}))\n(f {args})") == ("arity-error", message, "2:1")


def test_case_lambda_syntax_errors(rt: OmegaRuntime) -> None:
    result = rt.eval("(case-lambda (x))", source="t.omega")
    assert result.condition is not None and result.condition.ctype.name == "syntax-error"
    assert "case-lambda: a clause is (formals body...)" in result.condition.message


# ---- parameters (17.3) ----------------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(begin (define p1 (make-parameter 1)) (list (p1) (parameterize ((p1 2)) (p1)) (p1)))", "(1 2 1)"),
    ("(begin (define p2 (make-parameter \"3\" string->number)) (list (p2) (parameterize ((p2 \"7\")) (p2))))",
     "(3 7)"),
    ("(begin (define p3 (make-parameter 0)) (define k3 #f) (define n3 0)"
     " (define got (parameterize ((p3 5)) (call/cc (lambda (k) (set! k3 k))) (p3)))"
     " (set! n3 (+ n3 1)) (if (< n3 2) (k3 #f) (list got (p3))))", "(5 0)"),
    ("(begin (define p4 (make-parameter 1)) (list (guard (e (#t (p4))) (parameterize ((p4 2)) (raise 'x))) (p4)))",
     "(1 1)"),
    ("(begin (define order '()) (define (note x) (set! order (cons x order)) x)"
     " (define pa (make-parameter 0 (lambda (v) (note (list 'conv v)))))"
     " (parameterize (((note pa) (note 1)) ((note pa) (note 2))) (reverse order)))",
     "((conv 0) #<procedure> 1 #<procedure> 2 (conv 1) (conv 2))"),
])
def test_parameters(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


def test_backtracking_sees_the_parameter_values_of_the_choice_point(rt: OmegaRuntime) -> None:
    code = ("(define pb (make-parameter 0))"
            " (list (amb-collect (let ((x (parameterize ((pb 1)) (amb 1 2)))) (list x (pb))))"
            " (amb-collect (parameterize ((pb 5)) (let ((x (amb 1 2))) (list x (pb))))))")
    assert value(rt, code) == "(((1 0) (2 0)) ((1 5) (2 5)))"


def test_a_fiber_starts_with_its_parents_parameter_values(rt: OmegaRuntime) -> None:
    code = ("(define pf (make-parameter 1))"
            " (define f1 (parameterize ((pf 2)) (spawn (lambda () (yield) (pf)))))"
            " (define f2 (spawn (lambda () (pf)))) (list (join f1) (join f2) (pf))")
    assert value(rt, code) == "(2 1 1)"


def test_parameterize_errors(rt: OmegaRuntime) -> None:
    assert error(rt, "(parameterize ((car 1)) 2)") == \
        ("wrong-type", "parameterize: expected parameter, got #<procedure car>", "1:1")
    assert error(rt, "((make-parameter 1) 2)")[:2] == ("arity-error", "parameter: expected 0 arguments, got 1") \
        or error(rt, "((make-parameter 1) 2)")[0] == "arity-error"


# ---- ports and read (17.4) ------------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(let ((p (open-input-string \"ab\\ncd\"))) (list (read-line p) (read-char p) (peek-char p) (read-string 9 p)"
     " (eof-object? (read-char p))))", '("ab" "c" "d" "d" #t)'),
    ("(let ((p (open-output-string))) (write 'a p) (display \" b\" p) (newline p) (write-char \"c\" p)"
     " (get-output-string p))", '"a b\\nc"'),
    ("(with-output-to-string (lambda () (display 1) (display (with-output-to-string (lambda () (display 2))))))",
     '"12"'),
    ("(let ((p (open-input-string \"(a . b) #(1) 'q ; c\\n\"))) (list (read p) (read p) (read p) (read p)))",
     "((a . b) #(1) (quote q) #<eof>)"),
    ("(list (current-output-port) (current-error-port) (current-input-port) (eof-object))",
     "(#<output-port stdout> #<output-port stderr> #<input-port stdin> #<eof>)"),
    ("(read-line)", "#<eof>"),
])
def test_ports(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


def test_read_takes_data_longer_than_its_first_look_and_positions_errors_in_the_whole_text(rt: OmegaRuntime) -> None:
    code = ('(let ((p (open-input-string (string-append (make-string 250 " ") "(a " (make-string 600 "x") ") 123'
            ' \\"" (make-string 300 "y") "\\" z"))))'
            " (let* ((a (read p)) (b (read p)) (c (read p)) (d (read p)))"
            " (list (string-length (symbol->string (cadr a))) b (string-length c) d (eof-object? (read p)))))")
    assert value(rt, code) == "(600 123 300 z #t)"
    kind, message, _ = error(rt, '(read (open-input-string (string-append (make-string 300 "\\n") "  (a")))')
    assert (kind, message) == ("read-error", "read: unclosed '(': no matching ')' before the end of the file at 301:3")


def test_with_output_to_string_restores_the_port_on_escape(rt: OmegaRuntime) -> None:
    result = rt.eval("(call/cc (lambda (k) (with-output-to-string (lambda () (k 1)))))\n(display \"out\")",
                     source="t.omega")
    assert result.output == "out"


@pytest.mark.parametrize(("code", "expected"), [
    ("(read (open-input-string \"(1 2\"))", ("read-error", "read: '(' is never closed at 1:1", "1:1")),
    ("(read (open-input-string \"\\n  )\"))", ("read-error", "read: ')' has no matching opener at 2:3", "1:1")),
    ("(let ((p (open-input-string \"x\"))) (close-port p) (read-char p))",
     ("value-error", "read-char: the port is closed", "1:51")),
    ("(read-char 5)", ("wrong-type", "read-char: expected input-port, got 5", "1:1")),
    ("(display 1 2)", ("wrong-type", "display: expected output-port, got 2", "1:1")),
    ("(write-char \"ab\")", ("value-error", "write-char: expected a one-character string, got \"ab\"", "1:1")),
    ("(read-string -1 (open-input-string \"\"))", ("value-error", "read-string: expected a non-negative count, got -1",
                                                   "1:1")),
])
def test_port_errors(rt: OmegaRuntime, code: str, expected: tuple[str, str, str]) -> None:
    got = error(rt, code)
    if expected[0] == "read-error":
        assert got[0] == "read-error" and got[1].startswith("read: ") and got[1].endswith(expected[1].rsplit(" ", 1)[1])
        assert got[2] == expected[2]
    else:
        assert got == expected


# ---- JSON (17.5) ----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(string->json \"{\\\"a\\\": [1, 2.5, null, true], \\\"a\\\": {}}\")", "((a . #(1 2.5 :null #t)) (a))"),
    ("(json->string (list (cons 'x 1e16) (cons 'y 100.0) (cons 'z \"\\n\")))", '"{\\"x\\":1e+16,\\"y\\":100.0,\\"z\\":\\"\\\\n\\"}"'),
    ("(json-read (open-input-string \"  [1] [2]\"))", "#(1)"),
    ("(let ((p (open-input-string \" [1] \"))) (json-read p) (json-read p))", "#<eof>"),
])
def test_json(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("{\\\"a\\\": }", "json: Expecting value at 1:7"),
    ("[NaN]", "json: NaN is not JSON at 1:2"),
    ("[1,\\n Infinity]", "json: Infinity is not JSON at 2:2"),
    ("[\\\"\\\\ud800\\\"]", "json: lone surrogate in a string at 1:3"),
    ("[1] 2", "json: Extra data at 1:5"),
])
def test_json_errors_have_positions(rt: OmegaRuntime, text: str, message: str) -> None:
    assert error(rt, f'(string->json "{text}")') == ("json-error", message, "1:1")


def test_json_nesting_is_bounded(rt: OmegaRuntime) -> None:
    ok = "[" * 1000 + "]" * 1000
    assert value(rt, f'(vector? (string->json "{ok}"))') == "#t"
    deep = "[" * 1001 + "]" * 1001
    assert error(rt, f'(string->json "{deep}")') == \
        ("json-error", "json: nested deeper than 1000 levels at 1:1001", "1:1")


@pytest.mark.parametrize("bad", ["(list 1 2)", "car", "+inf.0", "(list (cons \"k\" 1))", "(void)"])
def test_json_to_string_rejects_what_is_not_json(rt: OmegaRuntime, bad: str) -> None:
    kind, message, _ = error(rt, f"(json->string {bad})")
    assert kind == "wrong-type" and message.startswith("json->string: expected JSON value, got ")


# ---- R7RS exceptions (17.6) -----------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(with-exception-handler (lambda (x) (* x 2)) (lambda () (+ 1 (raise-continuable 20))))", "41"),
    ("(guard (e ((string? e) e)) (raise \"s\"))", '"s"'),
    ("(guard (e (#t e)) (raise-continuable 1))", "1"),
    ("(call/cc (lambda (k) (handler-bind ((raised (lambda (c) (k (condition-data c))))) (raise 'x))))", "(x)"),
    ("(list (read-error? 1) (file-error? 'x) (error-object? (make-hash-table)))", "(#f #f #f)"),
    ("(with-exception-handler (lambda (e) 0) (lambda () (raise-continuable 'a) 'after))", "after"),
])
def test_exceptions(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


def test_uncaught_raise_report(rt: OmegaRuntime) -> None:
    assert error(rt, "(define (f) (raise (list 1 \"a\")))\n(f)") == ("raised", 'uncaught raise: (1 "a")', "1:13")


def test_a_handler_bind_handler_declines_raise_continuable(rt: OmegaRuntime) -> None:
    code = "(guard (e (#t (list 'guard e))) (handler-bind ((condition (lambda (c) 'ignored))) (raise-continuable 3)))"
    assert value(rt, code) == "(guard 3)"


# ---- regular expressions (17.7) -------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(list (regex \"a+\" \"ix\") (regex? (regex \"a\")) (regex? \"a\"))", '(#<regex "a+"> #t #f)'),
    ("(regex-search \"(?P<y>\\\\d{4})-(\\\\d+)?x\" \"on 2024-x\")", '("2024-x" "2024" #f)'),
    ("(regex-replace \"a\" \"banana\" (lambda (m) (string-upcase (car m))) 2)", '"bAnAna"'),
    ("(regex-split \",\" \"a,,b\")", '("a" "" "b")'),
    ("(regex-match-positions \"b(x)?\" \"abc\")", "((1 . 2) #f)"),
])
def test_regex(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize(("code", "kind", "start"), [
    ("(regex \"(a\")", "value-error", "regex: bad pattern \"(a\": missing ), unterminated subpattern"),
    ("(regex \"a\" \"q\")", "value-error", "regex: unknown flag \"q\""),
    ("(regex-search 5 \"a\")", "wrong-type", "regex-search: expected regex, got 5"),
    ("(regex-replace \"a\" \"a\" \"\\\\9\")", "value-error", "regex-replace: bad replacement"),
    ("(regex-replace \"a\" \"a\" (lambda (m) 5))", "wrong-type", "regex-replace: expected string, got 5"),
    ("(regex-replace \"a\" \"a\" \"b\" 1 2)", "arity-error", "regex-replace: expected 3 to 4 arguments, got 5"),
])
def test_regex_errors(rt: OmegaRuntime, code: str, kind: str, start: str) -> None:
    got = error(rt, code)
    assert got[0] == kind and got[1].startswith(start) and got[2] == "1:1"


# ---- more standard procedures (17.8) --------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("(list (string-foldcase \"Straße\") (string-ci=? \"STRASSE\" \"straße\"))", '("strasse" #t)'),
    ("(string-map (lambda (a b) (string-append a b)) \"abc\" \"xy\")", '"axby"'),
    ("(list (make-list 2) (make-string 2 \"-\") (string \"a\" \"b\"))", '((#<void> #<void>) "--" "ab")'),
    ("(list (truncate-quotient 7 -2) (truncate-remainder -7 2) (floor-quotient -7 2) (floor-remainder 7 -2))",
     "(-3 -1 -4 -1)"),
    ("(list (vector->list #(1 2 3) 1 2) (string->list \"abc\" 1) (vector-copy #(1 2 3) 0 1))", "((2) (\"b\" \"c\") #(1))"),
])
def test_more_procedures(rt: OmegaRuntime, code: str, expected: str) -> None:
    assert value(rt, code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("(vector-copy! (vector 1) 0 #(1 2))", ("value-error", "vector-copy!: 2 elements do not fit at index 0 of a "
                                                           "vector of length 1", "1:1")),
    ("(boolean=? #t 1)", ("wrong-type", "boolean=?: expected boolean, got 1", "1:1")),
    ("(symbol=? 'a)", ("arity-error", "symbol=?: expected at least 2 arguments, got 1", "1:1")),
    ("(char-upcase \"ab\")", ("value-error", "char-upcase: expected a one-character string, got \"ab\"", "1:1")),
    ("(string-copy \"abc\" 2 1)", ("index-error", "string-copy: index 2 out of range for length 1", "1:1")),
    ("(make-list -1)", ("value-error", "make-list: expected a non-negative count, got -1", "1:1")),
    ("(exact-integer-sqrt -4)", ("value-error", "exact-integer-sqrt: expected a non-negative integer, got -4",
                                 "1:1")),
    ("(nan? \"x\")", ("wrong-type", "nan?: expected number, got \"x\"", "1:1")),
    ("(string-map car \"ab\")", ("wrong-type", "car: expected pair, got \"a\"", "1:1")),
])
def test_more_procedure_errors(rt: OmegaRuntime, code: str, expected: tuple[str, str, str]) -> None:
    assert error(rt, code) == expected


def test_current_input_port_is_standard_input_for_run_and_e(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    prog = tmp_path / "echo.omega"
    prog.write_text("(define (loop acc) (let ((l (read-line))) (if (eof-object? l) (reverse acc) (loop (cons l acc)))))\n"
                    "(loop '())\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "run", str(prog)], input="a\r\nb\n",
                         capture_output=True, text=True, env=env, timeout=60)
    assert (run.stdout, run.returncode) == ('("a" "b")\n', 0)
    e = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "-e", "(list (read) (read))"], input="(1 . 2) x",
                       capture_output=True, text=True, env=env, timeout=60)
    assert e.stdout == "((1 . 2) x)\n"
