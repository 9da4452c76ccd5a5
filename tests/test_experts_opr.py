"""Experts (role prompt + oracle settings) and structured oracle calls (OPR)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime
from omega_runtime.subsystems.opr import extract_json, validate

PERSON = {"type": "object", "required": ["name", "age"],
          "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}


def scripted(tmp_path: Path, rules: list[dict[str, Any]]) -> OmegaRuntime:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": rules}), encoding="utf-8")
    return OmegaRuntime.create(config={"oracle_script": str(path)})


# ---- experts ---------------------------------------------------------------------------------


def test_an_expert_prepends_its_role_prompt() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval('(define-expert critic "You are a harsh critic.")')
        result = rt.eval('(handle (ask-expert critic "Review: it works") (on infer.op (p k) (k p)))')
        assert result.value == "You are a harsh critic.\n\nReview: it works"
        live = rt.eval('(ask-expert critic (list "Rate " 5))')
        assert live.receipts[0].prompt == "You are a harsh critic.\n\nRate 5"
        assert rt.eval("(provenance-receipts (ask-expert critic \"x\"))").printed.startswith('("r-')


def test_expert_settings_apply_budgets_and_candidates() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval("(define-expert poet \"You write haiku.\" 'candidates 2 :model \"m1\")")
        assert rt.eval('(length (ask-expert poet "autumn"))').value == 2
        rt.eval("(define-expert frugal \"Be brief.\" 'llm-calls 1 'candidates 2)")
        result = rt.eval('(ask-expert frugal "why")')
        assert result.condition is not None and result.condition.ctype.name == "budget-exceeded"
        assert rt.eval("(expert-setting poet 'model #f)").printed == '"m1"'


def test_bad_expert_settings_are_conditions() -> None:
    with OmegaRuntime.create() as rt:
        assert "unknown setting colour" in rt.eval("(define-expert e \"r\" 'colour 1)").report
        assert rt.eval("(define-expert e \"r\" 'llm-calls)").condition is not None
        assert rt.eval("(define-expert e 42)").condition is not None


def test_experts_from_python() -> None:
    with OmegaRuntime.create() as rt:
        assert rt.experts.define("analyst", "You analyse data.", llm_calls=3).ok
        assert rt.experts.names() == ["analyst"]
        assert rt.experts.get("analyst") == {"name": "analyst", "role": "You analyse data.",
                                             "settings": {"llm-calls": 3}}
        result = rt.experts.ask("analyst", "echo: ignored because the role comes first")
        assert result.ok and result.receipts[0].prompt.startswith("You analyse data.\n\n")
        assert rt.experts.get("nobody") is None


# ---- OPR ---------------------------------------------------------------------------------------


def test_opr_retries_until_the_answer_validates(tmp_path: Path) -> None:
    rules = [{"match": "[person]", "values": ["no idea", '{"name": "Ann"}', 'Sure: {"name": "Ann", "age": 30}']}]
    with scripted(tmp_path, rules) as rt:
        result = rt.opr.call("person", PERSON, "Describe Ann")
        assert result.printed == '((name . "Ann") (age . 30))'
        prompts = [r.prompt for r in result.receipts]
        assert len(prompts) == 3
        assert [f"Attempt {i} of 3." in p for i, p in enumerate(prompts, 1)] == [True] * 3
        assert "previous answer was invalid: the answer is not JSON" in prompts[1]
        assert 'missing required key "age"' in prompts[2]
        assert prompts[0].startswith("[person] Describe Ann\nAnswer with JSON only, matching this schema: {")


def test_opr_failure_is_a_condition_with_the_attempts(tmp_path: Path) -> None:
    rules = [{"match": "[person]", "values": ['{"name": 1, "age": 2}', '{"name": "Bo", "age": -1}']}]
    with scripted(tmp_path, rules) as rt:
        result = rt.opr.call("person", PERSON, "Describe Bo", max_attempts=2)
        assert result.condition is not None and result.condition.ctype.name == "opr-failed"
        assert "opr person: no valid answer after 2 attempts" in result.report
        attempts = rt.opr.attempts(result)
        assert [a["attempt"] for a in attempts] == [1, 2]
        assert attempts[0]["error"] == '$.name: expected string, got 1'
        assert attempts[1]["error"] == "$.age: -1 is less than the minimum 0"
        assert [a["receipt"] for a in attempts] == [r.id for r in result.receipts]
        caught = rt.eval('(guard (e ((eq? (condition-type e) (quote opr-failed)) (length (condition-data e)))) '
                         '(opr-call (quote k) "{\\"type\\": \\"integer\\"}" "n" 1))')
        assert caught.printed == "1"


def test_opr_from_omega_with_an_alist_schema_and_a_handler() -> None:
    with OmegaRuntime.create() as rt:
        code = """(handle (opr-call 'colour '((type . object) (required name)
                                            (properties (name (type . string) (enum red green))))
                                   "Pick a colour")
                    (on infer.op (p k) (k "{\\"name\\": \\"green\\", \\"extra\\": [1, 2.5, true, null]}")))"""
        result = rt.eval(code)
        assert result.printed == '((name . "green") (extra 1 2.5 #t ()))'
        assert result.receipts == []  # the handler answered: no oracle call
        bad = rt.eval("(opr-call 'k \"not json\" \"p\")")
        assert bad.condition is not None and "schema is not valid JSON" in bad.report
        assert rt.eval("(opr-call 'k \"{}\" \"p\" 0)").condition is not None


def test_validate_keywords() -> None:
    schema = {"type": "array", "minItems": 1, "maxItems": 2,
              "items": {"type": "object", "additionalProperties": False,
                        "properties": {"k": {"type": ["string", "null"], "maxLength": 2}}}}
    assert validate(schema, [{"k": "ab"}, {"k": None}]) == []
    assert validate(schema, []) == ["$: fewer than 1 items"]
    assert validate(schema, [{"k": "abc", "z": 1}]) == ['$[0]: unexpected key "z"', "$[0].k: longer than 2 characters"]
    assert validate({"type": "number"}, 3) == [] and validate({"type": "integer"}, 3.5) != []
    assert validate({"enum": ["a", "b"]}, "c") == ['$: "c" is not one of ["a", "b"]']
    assert validate({"type": "boolean"}, 1) == ["$: expected boolean, got 1"]


def test_extract_json() -> None:
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('Here: [1, 2] ok') == [1, 2]
    with pytest.raises(ValueError):
        extract_json("nothing here")


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=3), max_leaves=12)


def _schema_of(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return {"type": "object", "required": list(v), "properties": {k: _schema_of(x) for k, x in v.items()}}
    if isinstance(v, list):
        return {"type": "array"}
    return {"type": {type(None): "null", bool: "boolean", int: "integer", str: "string"}[type(v)]}


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_a_value_validates_against_its_own_schema_and_survives_extraction(v: Any) -> None:
    assert validate(_schema_of(v), v) == []
    assert extract_json(json.dumps(v)) == v
