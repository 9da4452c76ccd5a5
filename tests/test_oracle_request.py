"""Canonical requests and receipt ids (LANGUAGE.md 5.5)."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.oracle import OracleAnswer, OracleRequest, ReceiptLog, ReplayProvider, make_provider
from omega_runtime.oracle.receipts import make_receipt


def test_documented_example_id() -> None:
    req = OracleRequest("infer", "What is 2+2?")
    assert req.canonical() == '{"op":"infer","prompt":"What is 2+2?"}'
    assert req.receipt_id() == "r-cc171551935265e2"


def test_acceptance_ids() -> None:
    assert OracleRequest.infer("echo: hi there").receipt_id() == "r-885f0d577e4284b1"
    assert OracleRequest.infer("Name a colour").receipt_id() == "r-37e93abe3704c178"
    assert OracleRequest.infer("echo: hi").receipt_id() == "r-7b9d8dd0bc9c231e"
    assert OracleRequest.search("Name a colour", 2, 1).receipt_id() == "r-931ba1c55d1004e4"
    assert OracleRequest.search("Name a colour", 2, 2).receipt_id() == "r-4a49b5a5c38b4c58"


def test_search_canonical_has_sorted_n_and_candidate() -> None:
    req = OracleRequest("search", "Name a colour", 2, 1)
    assert req.canonical() == '{"candidate":1,"n":2,"op":"search","prompt":"Name a colour"}'


def test_non_ascii_is_not_escaped() -> None:
    req = OracleRequest.infer("café \u2603")
    assert req.canonical() == '{"op":"infer","prompt":"café \u2603"}'
    expected = hashlib.sha256(req.canonical().encode("utf-8")).hexdigest()[:16]
    assert req.receipt_id() == "r-" + expected


def test_lone_surrogate_prompt_still_hashes() -> None:
    assert OracleRequest.infer("a\ud800b").receipt_id().startswith("r-")


@pytest.mark.parametrize(
    "args",
    [("ask", "p", None, None), ("search", "p", None, None), ("search", "p", 2, 3),
     ("search", "p", 2, 0), ("infer", "p", 2, None), ("infer", "p", None, 1)],
)
def test_invalid_requests_are_rejected(args: tuple[str, str, int | None, int | None]) -> None:
    with pytest.raises(ValueError):
        OracleRequest(*args)


requests = st.one_of(
    st.builds(OracleRequest.infer, st.text()),
    st.integers(1, 50).flatmap(
        lambda n: st.builds(OracleRequest.search, st.text(), st.just(n), st.integers(1, n))),
)


@given(requests)
def test_canonical_round_trips_and_id_is_its_hash(req: OracleRequest) -> None:
    canonical = req.canonical()
    assert json.loads(canonical) == req.as_dict()
    prompt = json.dumps(req.prompt, ensure_ascii=False)
    if req.op == "infer":
        assert canonical == '{"op":"infer","prompt":' + prompt + "}"
    else:
        assert canonical == f'{{"candidate":{req.candidate},"n":{req.n},"op":"search","prompt":{prompt}}}'
    assert req.receipt_id() == "r-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    rebuilt = OracleRequest(req.op, req.prompt, req.n, req.candidate)
    assert rebuilt.receipt_id() == req.receipt_id()


@given(requests, st.text(), st.sampled_from(["scripted", "replay", "openai"]), st.none() | st.text())
def test_id_ignores_oracle_kind_and_model(req: OracleRequest, text: str, kind: str, model: str | None) -> None:
    answer = OracleAnswer(text, 1, 2, 0.5, kind, model)
    baseline = make_receipt(1, req, OracleAnswer("other", 0, 0, 0.0, "scripted", None))
    assert make_receipt(7, req, answer).id == baseline.id == req.receipt_id()


@given(st.lists(requests, min_size=1, max_size=8))
def test_scripted_log_replays_under_replay_with_same_ids(reqs: list[OracleRequest]) -> None:
    scripted = make_provider(env={})
    recorded = ReceiptLog(None)
    for req in reqs:
        recorded.append(req, scripted.answer(req))
    replay = ReplayProvider(recorded.receipts)
    replayed = ReceiptLog(None)
    for req in reqs:
        replayed.append(req, replay.answer(req))
    assert [r.id for r in replayed.receipts] == [r.id for r in recorded.receipts]
    assert [r.response for r in replayed.receipts] == [r.response for r in recorded.receipts]
    assert [r.tokens for r in replayed.receipts] == [r.tokens for r in recorded.receipts]
    assert {r.oracle for r in replayed.receipts} == {"replay"}
