"""The persistent artifact cache."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime.oracle import ArtifactCache, OracleAnswer, OracleRequest


def test_persists_across_cache_objects(tmp_path: Path) -> None:
    req = OracleRequest.infer("What is the capital of France?")
    answer = OracleAnswer("Paris", 7, 1, 812.5, "openai", "gpt-x")
    first = ArtifactCache(str(tmp_path), oracle="openai", model="gpt-x")
    assert first.get(req) is None
    first.put(req, answer)
    second = ArtifactCache(str(tmp_path), oracle="openai", model="gpt-x")
    assert second.get(req) == answer
    assert second.get(OracleRequest.infer("What is the capital of Spain?")) is None
    assert second.get(OracleRequest.search("What is the capital of France?", 1, 1)) is None


def test_namespaced_by_kind_and_model(tmp_path: Path) -> None:
    req = OracleRequest.infer("q")
    ArtifactCache(str(tmp_path), oracle="openai", model="a").put(req, OracleAnswer("A", 1, 1, 1.0, "openai", "a"))
    ArtifactCache(str(tmp_path), oracle="openai", model="b").put(req, OracleAnswer("B", 1, 1, 1.0, "openai", "b"))
    assert ArtifactCache(str(tmp_path), oracle="openai", model="a").get(req) == OracleAnswer(
        "A", 1, 1, 1.0, "openai", "a")
    b = ArtifactCache(str(tmp_path), oracle="openai", model="b").get(req)
    assert b is not None and b.text == "B"
    assert ArtifactCache(str(tmp_path), oracle="openai", model="c").get(req) is None
    assert ArtifactCache(str(tmp_path)).get(req) is None


def test_overwrite_and_corrupt_entries(tmp_path: Path) -> None:
    cache = ArtifactCache(str(tmp_path))
    req = OracleRequest.infer("q")
    cache.put(req, OracleAnswer("one", 1, 1, 1.0, "scripted", None))
    cache.put(req, OracleAnswer("two", 1, 1, 1.0, "scripted", None))
    got = cache.get(req)
    assert got is not None and got.text == "two"
    Path(cache.path(req)).write_text("{truncated", encoding="utf-8")
    assert cache.get(req) is None
    Path(cache.path(req)).write_text('{"text": 5}', encoding="utf-8")
    assert cache.get(req) is None
    assert not list(tmp_path.rglob("*.tmp"))


@settings(max_examples=30)
@given(st.text(), st.text())
def test_any_prompt_and_answer_round_trip(prompt: str, text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        req = OracleRequest.infer(prompt)
        answer = OracleAnswer(text, 2, 3, 4.5, "openai", None)
        ArtifactCache(d).put(req, answer)
        assert ArtifactCache(d).get(req) == answer
