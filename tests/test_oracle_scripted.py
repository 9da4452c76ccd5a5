"""The scripted oracle: rules files and built-in rules (LANGUAGE.md 5.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omega_runtime.oracle import (
    OracleConfigError,
    OracleRequest,
    ScriptedProvider,
    make_provider,
)

# The rules files of acceptance/05-oracle, verbatim.
SCRIPT_RULES = {
    "rules": [
        {"match": "sentiment", "value": "positive"},
        {"match": "colour", "values": ["red", "green"], "op": "infer"},
        {"match": "fruit", "values": ["apple", "pear", "plum"]},
        {"regex": "^[0-9]+ apples?$", "value": "counted"},
    ],
    "fallback": "unknown",
}
SCRIPT_NO_FALLBACK = {"rules": [{"match": "capital of France", "value": "Paris"}]}
LANGUAGE_EXAMPLE = {
    "rules": [{"match": "sentiment", "value": "positive"},
              {"match": "colour", "values": ["red", "green"], "op": "infer"}],
    "fallback": "unknown",
}


def provider_for(tmp_path: Path, script: object) -> ScriptedProvider:
    path = tmp_path / "script.oracle.json"
    path.write_text(json.dumps(script, indent=1), encoding="utf-8")
    provider = make_provider(env={"OMEGA_ORACLE_SCRIPT": str(path)})
    assert isinstance(provider, ScriptedProvider)
    return provider


def ask(p: ScriptedProvider, prompt: str) -> str:
    return p.answer(OracleRequest.infer(prompt)).text


def search(p: ScriptedProvider, prompt: str, n: int) -> list[str]:
    return [p.answer(OracleRequest.search(prompt, n, i)).text for i in range(1, n + 1)]


def test_acceptance_script_rules(tmp_path: Path) -> None:
    p = provider_for(tmp_path, SCRIPT_RULES)
    got = [ask(p, "What is the SENTIMENT here?"), ask(p, "Name a colour"), ask(p, "Another colour please"),
           ask(p, "One more COLOUR"), ask(p, "sentiment of this colour")]
    assert got == ["positive", "red", "green", "green", "positive"]
    assert search(p, "a colour", 2) == ["unknown", "unknown"]  # the colour rule is infer-only
    assert search(p, "a fruit", 4) == ["apple", "pear", "plum", "apple"]
    # search candidates do not advance the infer counter
    got = [ask(p, "a fruit"), ask(p, "another fruit"), ask(p, "12 apples"), ask(p, "I have 12 apples"),
           ask(p, "echo: hi"), ask(p, "What is 2+2?")]
    assert got == ["apple", "pear", "counted", "unknown", "unknown", "unknown"]


def test_acceptance_script_no_fallback(tmp_path: Path) -> None:
    p = provider_for(tmp_path, SCRIPT_NO_FALLBACK)
    assert ask(p, "What is the capital of france?") == "Paris"
    assert ask(p, "echo: still works") == "still works"
    assert ask(p, "What is 2+2?") == "4"
    assert ask(p, "Name a colour") == "answer-c13d70e0"
    assert search(p, "capital of France", 2) == ["Paris", "Paris"]
    assert search(p, "Name a colour", 2) == ["answer-c13d70e0-1", "answer-c13d70e0-2"]


def test_language_example_script(tmp_path: Path) -> None:
    p = provider_for(tmp_path, LANGUAGE_EXAMPLE)
    assert ask(p, "sentiment?") == "positive"
    assert [ask(p, "colour 1"), ask(p, "colour 2"), ask(p, "colour 3")] == ["red", "green", "green"]
    assert ask(p, "nothing matches") == "unknown"


def test_values_counters_are_per_rule_and_per_provider(tmp_path: Path) -> None:
    script = {"rules": [{"match": "a", "values": ["a1", "a2"]}, {"match": "b", "values": ["b1", "b2"]}]}
    p = provider_for(tmp_path, script)
    assert [ask(p, "a"), ask(p, "b"), ask(p, "b"), ask(p, "a"), ask(p, "a")] == ["a1", "b1", "b2", "a2", "a2"]
    fresh = provider_for(tmp_path, script)
    assert ask(fresh, "a") == "a1"


def test_search_only_rule_and_regex_is_case_sensitive(tmp_path: Path) -> None:
    p = provider_for(tmp_path, {"rules": [{"regex": "Fr[a-z]+", "value": "R", "op": "search"}]})
    assert search(p, "Fruit", 1) == ["R"]
    assert ask(p, "Fruit") == "answer-" + __import__("hashlib").sha256(b"Fruit").hexdigest()[:8]
    assert search(p, "fruit", 1)[0].startswith("answer-")


def test_match_is_a_literal_substring(tmp_path: Path) -> None:
    p = provider_for(tmp_path, {"rules": [{"match": "a.c", "value": "dot"}], "fallback": "none"})
    assert ask(p, "xA.Cx") == "dot"
    assert ask(p, "abc") == "none"


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("echo: hi there", "hi there"),
        ("  ECHO:   spaced out   ", "spaced out"),
        ("Echo:no-space", "no-space"),
        ("echo: 2+2", "2+2"),
        ("echo:", ""),
        ("\n\techo: tabbed\n", "tabbed"),
        ("say echo: no", "answer-" + __import__("hashlib").sha256(b"say echo: no").hexdigest()[:8]),
        ("What is 2+2?", "4"),
        ("What is (3 + 4) * 5?", "35"),
        ("What is 7/2?", "3.5"),
        ("What is 6*7?", "42"),
        ("Name a colour", "answer-c13d70e0"),
        ("Tell me a joke", "answer-edde0f63"),
        ("Add 1 and 2", "answer-e188a47e"),
        ("café", "answer-850f7dc4"),
        ("hello", "answer-2cf24dba"),
        ("42", "answer-73475cb4"),
    ],
)
def test_builtin_rules(prompt: str, answer: str) -> None:
    assert ask(ScriptedProvider(), prompt) == answer


def test_builtin_search_candidates() -> None:
    p = ScriptedProvider()
    assert search(p, "Name a colour", 2) == ["answer-c13d70e0-1", "answer-c13d70e0-2"]
    assert search(p, "Name a colour", 3)[2] == "answer-c13d70e0-3"
    assert search(p, "echo: same", 2) == ["same", "same"]
    assert search(p, "What is 6*7?", 1) == ["42"]


def test_token_counts_and_fields() -> None:
    a = ScriptedProvider().answer(OracleRequest.infer("What is 2+2?"))
    assert (a.prompt_tokens, a.completion_tokens, a.total_tokens) == (3, 1, 4)
    assert (a.oracle, a.model) == ("scripted", None)
    assert a.duration_ms >= 0
    b = ScriptedProvider().answer(OracleRequest.infer("echo:  one\ttwo \n three "))
    assert (b.text, b.prompt_tokens, b.completion_tokens) == ("one\ttwo \n three", 4, 3)
    assert ScriptedProvider().answer(OracleRequest.infer("echo:")).completion_tokens == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read oracle script"),
        ("[]", "must be a JSON object"),
        ('{"rules": {}}', "'rules' must be a list"),
        ('{"rules": [{"value": "x"}]}', "exactly one of 'match' and 'regex'"),
        ('{"rules": [{"match": "a", "regex": "a", "value": "x"}]}', "exactly one of 'match' and 'regex'"),
        ('{"rules": [{"match": "a"}]}', "exactly one of 'value' and 'values'"),
        ('{"rules": [{"match": "a", "values": []}]}', "non-empty list of strings"),
        ('{"rules": [{"regex": "(", "value": "x"}]}', "bad regex"),
        ('{"rules": [{"match": "a", "value": "x", "op": "ask"}]}', "'op' must be"),
        ('{"rules": [], "fallback": 3}', "'fallback' must be a string"),
    ],
)
def test_bad_scripts_are_config_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OracleConfigError) as info:
        make_provider("scripted", script=str(path), env={})
    assert message in info.value.detail
    assert str(path) in info.value.detail


def test_missing_script_file(tmp_path: Path) -> None:
    with pytest.raises(OracleConfigError, match="cannot read oracle script"):
        make_provider(env={"OMEGA_ORACLE_SCRIPT": str(tmp_path / "absent.json")})


def test_make_provider_kinds(tmp_path: Path) -> None:
    assert make_provider(env={}).kind == "scripted"
    assert make_provider(env={"OMEGA_ORACLE": ""}).kind == "scripted"
    assert make_provider(env={"OMEGA_ORACLE": "openai", "OMEGA_LLM_MODEL": "m"}).kind == "openai"
    log = tmp_path / "r.jsonl"
    log.write_text("", encoding="utf-8")
    assert make_provider(env={"OMEGA_ORACLE": "replay", "OMEGA_REPLAY_RECEIPTS": str(log)}).kind == "replay"
    assert make_provider("replay", receipts=str(log), env={"OMEGA_ORACLE": "openai"}).kind == "replay"
    with pytest.raises(OracleConfigError, match="OMEGA_REPLAY_RECEIPTS"):
        make_provider("replay", env={})
    with pytest.raises(OracleConfigError, match="unknown oracle 'gpt'"):
        make_provider(env={"OMEGA_ORACLE": "gpt"})
    # an explicit script argument wins over the environment
    script = tmp_path / "s.json"
    script.write_text('{"rules": [], "fallback": "F"}', encoding="utf-8")
    p = make_provider(script=str(script), env={"OMEGA_ORACLE_SCRIPT": str(tmp_path / "absent.json")})
    assert p.answer(OracleRequest.infer("x")).text == "F"
