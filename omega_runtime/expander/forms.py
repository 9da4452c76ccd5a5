"""The table of special-form handlers used in expression position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import forms_control as c
from . import forms_core as k
from . import forms_omega as o
from . import forms_r7rs as r
from .match import expand_match
from .quasiquote import expand_quasiquote, unquote_outside

if TYPE_CHECKING:
    from .expander import Handler

EXPRESSION_FORMS: dict[str, Handler] = {
    "quote": k.expand_quote,
    "quasiquote": expand_quasiquote,
    "unquote": unquote_outside,
    "unquote-splicing": unquote_outside,
    "if": k.expand_if,
    "define": k.definition_here,
    "define-record-type": k.definition_here,
    "define-syntax": k.define_syntax_here,
    "syntax-rules": k.syntax_rules_here,
    "set!": k.expand_set,
    "lambda": k.expand_lambda,
    "let": k.expand_let,
    "let*": k.expand_let_star,
    "letrec": k.expand_letrec,
    "letrec*": k.expand_letrec,
    "begin": k.expand_begin,
    "oracle-lambda": k.expand_oracle_lambda,
    "cond": c.expand_cond,
    "case": c.expand_case,
    "and": c.expand_and,
    "or": c.expand_or,
    "when": c.expand_when,
    "unless": c.expand_when,
    "do": c.expand_do,
    "match": expand_match,
    "effect": o.expand_effect,
    "handle": o.expand_handle,
    "amb": o.expand_amb,
    "require": o.expand_require,
    "amb-collect": o.expand_amb_collect,
    "delay": o.expand_delay,
    "delay-force": o.expand_delay,
    "cons-stream": o.expand_cons_stream,
    "with-transaction": o.expand_with_transaction,
    "with-budget": o.expand_with_budget,
    "with-capabilities": o.expand_with_capabilities,
    "handler-bind": o.expand_handler_bind,
    "restart-bind": o.expand_restart_bind,
    "restart-case": o.expand_restart_case,
    "guard": o.expand_guard,
    "case-lambda": r.expand_case_lambda,
    "parameterize": r.expand_parameterize,
    "let-values": r.expand_let_values,
    "let*-values": r.expand_let_star_values,
    "receive": r.expand_receive,
    "define-values": k.definition_here,
}
