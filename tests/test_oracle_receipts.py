"""The receipts log file (LANGUAGE.md 5.5) and the replay oracle (5.6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omega_runtime.oracle import (
    OracleAnswer,
    OracleConfigError,
    OracleRequest,
    Receipt,
    ReceiptLog,
    ReplayMiss,
    ReplayProvider,
    ScriptedProvider,
    make_provider,
)

# acceptance/05-oracle/replay.receipts.jsonl, verbatim
REPLAY_LINES = [
    '{"id":"r-cc171551935265e2","seq":1,"request":{"op":"infer","prompt":"What is 2+2?"},"response":"four",'
    '"tokens":{"prompt":3,"completion":1,"total":4},"duration_ms":0.2,"oracle":"scripted","model":null}',
    '{"id":"r-37e93abe3704c178","seq":2,"request":{"op":"infer","prompt":"Name a colour"},"response":"teal",'
    '"tokens":{"prompt":3,"completion":1,"total":4},"duration_ms":0.2,"oracle":"scripted","model":null}',
    '{"id":"r-cc171551935265e2","seq":3,"request":{"op":"infer","prompt":"What is 2+2?"},"response":"IV",'
    '"tokens":{"prompt":3,"completion":1,"total":4},"duration_ms":0.2,"oracle":"scripted","model":null}',
]


def test_log_line_shape(tmp_path: Path) -> None:
    path = tmp_path / "run.receipts.jsonl"
    log = ReceiptLog(str(path))
    req = OracleRequest.infer("What is 2+2?")
    receipt = log.append(req, ScriptedProvider().answer(req))
    lines = path.read_text(encoding="utf-8").splitlines()  # flushed before close
    assert len(lines) == 1
    head, rest = lines[0].split('"duration_ms":')
    assert head == ('{"id":"r-cc171551935265e2","seq":1,"request":{"op":"infer","prompt":"What is 2+2?"},'
                    '"response":"4","tokens":{"prompt":3,"completion":1,"total":4},')
    duration, tail = rest.split(",", 1)
    assert float(duration) >= 0
    assert tail == '"oracle":"scripted","model":null}'
    assert lines[0] == receipt.to_json()
    log.close()


def test_log_replaces_file_counts_seq_and_keeps_non_ascii(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text("old contents\n", encoding="utf-8")
    with ReceiptLog(str(path)) as log:
        p = ScriptedProvider()
        for req in [OracleRequest.infer("café"), OracleRequest.search("Name a colour", 2, 1),
                    OracleRequest.search("Name a colour", 2, 2), OracleRequest.infer("café")]:
            log.append(req, p.answer(req))
        log.append(OracleRequest.infer("x"), OracleAnswer("y", 1, 1, 1.23456, "openai", "m"), cache_hit=True)
    text = path.read_text(encoding="utf-8")
    assert "old contents" not in text and "café" in text and "\\u" not in text
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[1]["request"] == {"candidate": 1, "n": 2, "op": "search", "prompt": "Name a colour"}
    assert [rows[1]["id"], rows[2]["id"]] == ["r-931ba1c55d1004e4", "r-4a49b5a5c38b4c58"]
    assert rows[1]["response"] == "answer-c13d70e0-1"
    assert rows[4] == {"id": OracleRequest.infer("x").receipt_id(), "seq": 5, "request": {"op": "infer", "prompt": "x"},
                       "response": "y", "tokens": {"prompt": 1, "completion": 1, "total": 2},
                       "duration_ms": 1.235, "oracle": "openai", "model": "m", "cache_hit": True}
    assert "cache_hit" not in rows[0]
    assert log.ids() == [r["id"] for r in rows]
    latest = log.latest(rows[0]["id"])
    assert latest is not None and latest.seq == 4
    assert log.latest("r-0000000000000000") is None


def test_log_without_file_and_surrogates(tmp_path: Path) -> None:
    log = ReceiptLog(None)
    receipt = log.append(OracleRequest.infer("a\ud800"), OracleAnswer("b", 1, 1, 0.0, "scripted", None))
    assert json.loads(receipt.to_json())["request"]["prompt"] == "a\ud800"
    path = tmp_path / "s.jsonl"
    with ReceiptLog(str(path)) as file_log:
        file_log.append(OracleRequest.infer("a\ud800"), OracleAnswer("b", 1, 1, 0.0, "scripted", None))
    assert json.loads(path.read_text(encoding="utf-8"))["request"]["prompt"] == "a\ud800"


def test_receipt_round_trip() -> None:
    r = Receipt.from_dict(json.loads(REPLAY_LINES[0]))
    assert r.to_json() == REPLAY_LINES[0]
    assert (r.op, r.prompt, r.total_tokens) == ("infer", "What is 2+2?", 4)


def replay_file(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "replay.receipts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_replay_kth_semantics_and_miss(tmp_path: Path) -> None:
    path = replay_file(tmp_path, REPLAY_LINES)
    before = Path(path).read_bytes()
    p = make_provider(env={"OMEGA_ORACLE": "replay", "OMEGA_REPLAY_RECEIPTS": path})
    four = p.answer(OracleRequest.infer("What is 2+2?"))
    assert (four.text, four.prompt_tokens, four.completion_tokens, four.oracle) == ("four", 3, 1, "replay")
    assert p.answer(OracleRequest.infer("Name a colour")).text == "teal"
    assert p.answer(OracleRequest.infer("What is 2+2?")).text == "IV"
    with pytest.raises(ReplayMiss) as info:
        p.answer(OracleRequest.infer("What is 2+2?"))
    assert (info.value.receipt_id, info.value.prompt) == ("r-cc171551935265e2", "What is 2+2?")
    assert str(info.value) == "replay: no receipt for r-cc171551935265e2"
    with pytest.raises(ReplayMiss):
        p.answer(OracleRequest.infer("Unrecorded prompt"))
    with pytest.raises(ReplayMiss):  # same prompt, different op: a different id
        p.answer(OracleRequest.search("Name a colour", 1, 1))
    assert Path(path).read_bytes() == before


def test_replay_reports_recorded_tokens_and_model(tmp_path: Path) -> None:
    line = json.dumps({"id": OracleRequest.infer("hi").receipt_id(), "seq": 1, "request": {"op": "infer", "prompt": "hi"},
                       "response": "hello there friend", "tokens": {"prompt": 11, "completion": 7, "total": 18},
                       "duration_ms": 900.0, "oracle": "openai", "model": "gpt-x"})
    untokened = json.dumps({"id": OracleRequest.infer("b c").receipt_id(), "response": "d e f"})
    p = ReplayProvider.from_file(replay_file(tmp_path, [line, "", untokened]))
    a = p.answer(OracleRequest.infer("hi"))
    assert (a.prompt_tokens, a.completion_tokens, a.model) == (11, 7, "gpt-x")
    b = p.answer(OracleRequest.infer("b c"))
    assert (b.text, b.prompt_tokens, b.completion_tokens) == ("d e f", 0, 3)


def test_scripted_run_replays_from_its_own_log(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    prompts = ["What is 2+2?", "Name a colour", "What is 2+2?", "echo: x"]
    with ReceiptLog(str(path)) as log:
        p = ScriptedProvider()
        for prompt in prompts:
            log.append(OracleRequest.infer(prompt), p.answer(OracleRequest.infer(prompt)))
    replay = make_provider("replay", receipts=str(path), env={})
    assert [replay.answer(OracleRequest.infer(q)).text for q in prompts] == ["4", "answer-c13d70e0", "4", "x"]


@pytest.mark.parametrize("content", ["{not json}\n", '{"id": 1, "response": "x"}\n', '["a"]\n'])
def test_bad_replay_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OracleConfigError, match=r"bad receipt at .*bad\.jsonl:1"):
        make_provider("replay", receipts=str(path), env={})
    with pytest.raises(OracleConfigError, match="cannot read receipts file"):
        make_provider("replay", receipts=str(tmp_path / "absent.jsonl"), env={})
