"""Control/output primitives (LANGUAGE.md 14.5), registry coverage and the prelude file."""

from __future__ import annotations

import re
from typing import Any

import pytest

import omega_runtime.machine.ports  # noqa: F401  (display, write, newline)
from omega_runtime.conditions import OmegaError
from omega_runtime.core import Lambda
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.primitives.registry import BUILTINS
from omega_runtime.primitives.standard import prelude_names, prelude_source
from omega_runtime.values import (
    NIL,
    VOID,
    Condition,
    Procedure,
    Promise,
    Proposal,
    Restart,
    Vector,
    make_list,
    sym,
)

ctx = SimpleContext()


def c(name: str, *args: Any) -> Any:
    return ctx.call(name, *args)


def test_equality_predicates() -> None:
    assert [c("eqv?", 2, 2), c("eqv?", 2, 2.0), c("eqv?", 2.0, 2.0), c("eqv?", float("nan"), float("nan")),
            c("eqv?", 0.0, -0.0)] == [True, False, True, False, True]
    nan = float("nan")
    assert c("eq?", nan, nan) is False
    assert c("eq?", "ab", "a" + "b") is True
    assert c("equal?", make_list([1, Vector([2, "x"])]), make_list([1, Vector([2, "x"])])) is True
    assert c("not", 5) is False and c("not", False) is True


def test_type_predicates() -> None:
    assert [c("boolean?", False), c("boolean?", NIL), c("procedure?", BUILTINS["car"]), c("procedure?", sym("car")),
            c("void?", VOID), c("void?", False), c("promise?", Promise(("value", 1))),
            c("condition?", Condition(sym("e"), "m", NIL, ())), c("restart?", Restart(sym("r"), (), None, None)),
            c("proposal?", Proposal(1, "shell", "ls", None)), c("record?", Vector([]))] == [
        True, False, True, False, True, False, True, True, True, True, False]
    assert c("void") is VOID and c("void", 1, 2) is VOID


def test_procedure_introspection() -> None:
    assert c("procedure-name", BUILTINS["car"]) is sym("car")
    assert c("procedure-name", Procedure(None)) is False
    assert isinstance(c("procedure-documentation", BUILTINS["car"]), str)

    class Closure(Procedure):
        __slots__ = ("lam",)

        def __init__(self, name: str | None, lam: Lambda) -> None:
            super().__init__(name)
            self.lam = lam

    assert c("procedure-documentation", Closure("twice", Lambda(None, doc="Doubles x."))) == "Doubles x."
    assert c("procedure-documentation", Closure(None, Lambda(None))) is False
    with pytest.raises(OmegaError) as info:
        c("procedure-name", 5)
    assert info.value.message({}) == "procedure-name: expected procedure, got 5"


def test_output_goes_to_the_context() -> None:
    local = SimpleContext()
    assert local.call("display", make_list([1, "a b"])) is VOID
    local.call("newline")
    local.call("write", "a b")
    assert "".join(local.printed) == '(1 a b)\n"a b"'


MACHINE = set("""apply call/cc call-with-current-continuation dynamic-wind call-with-prompt abort-to-prompt
make-prompt-tag default-prompt-tag signal error warn assert invoke-restart compute-restarts find-restart restart-name
condition-type condition-message condition-data condition-location eval exit force make-promise ask-llm provenance
provenance-receipts receipt receipts fixpoint assert-fact! fact facts retract-fact! commit! rollback!
in-transaction? transaction-proposals proposal-result budget-remaining capabilities
display write newline""".split())  # the output procedures read the current output port (a parameter)


# The procedures of the tables of LANGUAGE.md 13 and 14 (first columns).
SPEC = set("""* + - / < <= = > >= abs acos any append apply asin assoc assq assv atan boolean? caar cadddr caddr cadr car
cdar cdddr cddr cdr ceiling condition? cons cos delete delete-duplicates display drop eq? equal? eqv? eval even?
every exact exact->inexact exact? exit exp expt filter float? floor fold fold-left fold-right for-each format gcd
gensym hash-table->alist hash-table-clear! hash-table-contains? hash-table-copy hash-table-count hash-table-delete!
hash-table-keys hash-table-ref hash-table-ref/default hash-table-set! hash-table-update! hash-table-update!/default
hash-table-values hash-table? inexact inexact->exact inexact? integer? integers-from iota keyword->string keyword?
last-pair lcm length list list->stream list->string list->vector list-copy list-index list-ref list-tail list? log
make-hash-table make-vector map max member memq memv min modulo negative? newline not null? number->string number?
odd? pair? positive? procedure-documentation procedure-name procedure? promise? proposal? quotient random
random-seed! record? reduce remainder remove restart? reverse round sin sort sqrt square stream stream->list
stream-car stream-cdr stream-filter stream-map stream-null? stream-pair? stream-ref stream-take string->keyword
string->list string->number string->symbol string-append string-contains string-downcase string-join string-length
string-prefix? string-ref string-replace string-split string-suffix? string-trim string-upcase string<=? string<?
string=? string>=? string>? string? substring symbol->string symbol? take tan truncate vector vector->list
vector-copy vector-fill! vector-for-each vector-length vector-map vector-ref vector-set! vector? void void? write
zero? the-empty-stream symbol? keyword? string->keyword""".split())


def test_every_standard_procedure_is_provided_once() -> None:
    provided = set(BUILTINS) | set(prelude_names())
    missing = sorted(n for n in SPEC if n not in provided and n not in MACHINE)
    assert missing == []
    # The machine's procedures are registered by the machine's own modules, not by the library.
    assert all(BUILTINS[n].fn.__module__.startswith("omega_runtime.machine") for n in MACHINE if n in BUILTINS)
    assert not (set(prelude_names()) & set(BUILTINS))


def test_prelude_uses_only_known_helpers() -> None:
    src = prelude_source()
    helpers = set(re.findall(r"\(%([a-z!?>/-]+)", src))
    defined_in_prelude = set(re.findall(r"\(define \(?%([a-z!?>/-]+)", src))
    for h in helpers - defined_in_prelude:
        assert "%" + h in BUILTINS, h
    assert src.count("(") == src.count(")")


def test_signatures_and_docs_exist_for_editors() -> None:
    for name, p in BUILTINS.items():
        if p.kind != "control":
            assert p.signature.startswith("(" + name), name
            assert p.doc, name
