"""Words about a name: the signature, documentation and kind shown by hover and completion."""

from __future__ import annotations

import attrs

from omega_runtime import core
from omega_runtime.debug.values_view import type_of
from omega_runtime.values import Keyword, Symbol

from .analysis import Analysis, LocalInfo, Target
from .knowledge import SPECIAL_FORM_SET, ProcInfo, builtin_procedures

# Shapes of the special forms (LANGUAGE.md section 3), shown by hover and signature help.
FORM_SYNTAX: dict[str, str] = {
    "quote": "(quote datum)", "quasiquote": "(quasiquote template)", "unquote": "(unquote expr)",
    "unquote-splicing": "(unquote-splicing expr)", "if": "(if test then [else])",
    "define": "(define name expr) | (define (name . params) body...)", "set!": "(set! name expr)",
    "lambda": "(lambda params body...)", "let": "(let [name] ((var init)...) body...)",
    "let*": "(let* ((var init)...) body...)", "letrec": "(letrec ((var init)...) body...)",
    "letrec*": "(letrec* ((var init)...) body...)", "begin": "(begin expr...)", "cond": "(cond clause...)",
    "case": "(case key ((datum...) expr...)... [(else expr...)])", "and": "(and expr...)", "or": "(or expr...)",
    "when": "(when test body...)", "unless": "(unless test body...)",
    "do": "(do ((var init [step])...) (test result...) command...)",
    "define-syntax": "(define-syntax name (syntax-rules (literal...) (pattern template)...))",
    "syntax-rules": "(syntax-rules (literal...) (pattern template)...)",
    "define-record-type": "(define-record-type <name> (ctor field...) pred (field accessor [modifier])...)",
    "match": "(match expr (pattern body...)...)", "effect": "(effect op arg...)",
    "handle": "(handle body (on op (param... k) expr...)... [(return (v) expr...)])", "amb": "(amb expr...)",
    "require": "(require test)", "amb-collect": "(amb-collect expr)", "delay": "(delay expr)",
    "delay-force": "(delay-force expr)", "cons-stream": "(cons-stream a b)",
    "handler-bind": "(handler-bind ((type handler)...) body...)",
    "restart-case": "(restart-case expr (name (param...) expr...)...)",
    "restart-bind": "(restart-bind ((name proc)...) body...)", "guard": "(guard (var clause...) body...)",
    "with-transaction": "(with-transaction body...)", "with-budget": "(with-budget limit... body...)",
    "with-capabilities": "(with-capabilities (cap...) body...)", "oracle-lambda": "(oracle-lambda params spec)",
    "case-lambda": "(case-lambda (formals body...)...)",
    "parameterize": "(parameterize ((parameter value)...) body...)",
    "let-values": "(let-values ((formals expr)...) body...)", "let*-values": "(let*-values ((formals expr)...) body...)",
    "define-values": "(define-values formals expr)", "receive": "(receive formals expr body...)",
}

_LOCAL_KIND = {
    "param": "parameter", "rest": "rest parameter", "let": "let binding", "letrec": "letrec binding",
    "define": "internal definition", "named-let": "named let", "match": "pattern variable",
    "handler": "handler parameter", "restart": "restart parameter", "guard": "guard variable",
    "record": "record definition",
}


@attrs.frozen
class Description:
    title: str  # a code line: signature or name
    kind: str  # procedure | variable | macro | special-form | parameter | local
    detail: str  # one short line (completion detail)
    doc: str = ""


def value_kind(node: object) -> str:
    """What a local's initialiser evaluates to, when the syntax says so."""
    if isinstance(node, core.Lambda | core.OracleLambda):
        return "procedure"
    if isinstance(node, core.Delay):
        return "promise"
    if isinstance(node, core.Const):
        v = node.value
        # The debugger's type words (LANGUAGE.md 2.1) for the atoms a constant can be.
        return type_of(v, None) if isinstance(v, bool | int | float | str | Symbol | Keyword) else "constant"
    return "value"


def _proc(info: ProcInfo, where: str) -> Description:
    return Description(info.signature, "procedure", f"{where} procedure {info.signature}", info.doc)


def describe_local(li: LocalInfo) -> Description:
    b = li.binding
    role = _LOCAL_KIND.get(b.kind, b.kind)
    if b.kind in ("param", "rest") and li.owner:
        role += f" of {li.owner}"
    kind = "parameter" if b.kind in ("param", "rest") else "local"
    vk = value_kind(li.init) if li.init is not None else ("procedure" if b.kind == "named-let" else "value")
    if isinstance(li.init, core.Lambda):
        params = " ".join(p.name for p in li.init.params) + (f" . {li.init.rest.name}" if li.init.rest else "")
        title = f"({b.name}{' ' + params if params else ''})"
        return Description(title, kind, f"{role}: procedure", li.init.doc or "")
    return Description(b.name, kind, f"{role}: {vk}" + (" (assigned)" if b.assigned else ""))


def describe(a: Analysis, target: Target) -> Description | None:
    if not isinstance(target, str):
        hit = a.local(target)
        return describe_local(hit[0]) if hit is not None else None
    d = a.definitions.get(target)
    if d is not None:
        if d.kind == "macro":
            return Description(target, "macro", "macro defined in this file")
        if d.proc is not None:
            return _proc(d.proc, "file")
        return Description(target, "variable", "global variable defined in this file")
    info = builtin_procedures().get(target)
    if info is not None:
        return _proc(info, info.origin)
    if target in SPECIAL_FORM_SET:
        return Description(FORM_SYNTAX.get(target, f"({target} ...)"), "special-form", "special form")
    return None
