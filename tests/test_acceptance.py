"""Every program in the acceptance corpus (tests/acceptance, the repository's copy of the shared
contract's; tests/test_contract_copies.py keeps it identical) runs through the CLI and matches its
expected output, exit status and first line of standard error exactly (format: acceptance/README.md)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "acceptance"
# Programs a later contract amendment supersedes, until the shared corpus follows (README there).
AMENDED = Path(__file__).resolve().parent / "acceptance-amended"
PROGRAMS = sorted(CORPUS.glob("*/*.omega"))


def _headers(text: str) -> tuple[list[str], dict[str, str]]:
    flags: list[str] = []
    env: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith(";;"):
            break
        body = line.lstrip(";").strip()
        if body.startswith("omega-run-flags:"):
            flags += shlex.split(body.split(":", 1)[1])
        elif body.startswith("omega-run-env:"):
            for pair in body.split(":", 1)[1].split():
                key, _, value = pair.partition("=")
                env[key] = value
    return flags, env


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the corpus: some programs write tmp-*.txt files in the working directory."""
    dest = tmp_path_factory.mktemp("acceptance") / "acceptance"
    shutil.copytree(CORPUS, dest)
    shutil.copytree(AMENDED, dest, dirs_exist_ok=True)
    return dest


def test_corpus_present() -> None:
    assert len(PROGRAMS) >= 100, f"acceptance corpus not found under {CORPUS}"


@pytest.mark.parametrize("program", PROGRAMS, ids=[f"{p.parent.name}/{p.stem}" for p in PROGRAMS])
def test_acceptance(program: Path, scratch: Path) -> None:
    rel = f"{program.parent.name}/{program.name}"
    program = scratch / rel  # the amended program where there is one
    text = program.read_text(encoding="utf-8")
    flags, extra_env = _headers(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    env.update(extra_env)
    proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "run", *flags, rel], cwd=scratch, env=env,
                          capture_output=True, timeout=120)
    stem = program.with_suffix("")
    expected_out = stem.with_suffix(".out").read_bytes()
    exit_file = stem.with_suffix(".exit")
    expected_exit = int(exit_file.read_text().strip()) if exit_file.exists() else 0
    stderr = proc.stderr.decode("utf-8", "replace")
    first_err = stderr.splitlines()[0] if stderr else ""
    assert "Traceback" not in stderr, stderr
    assert proc.stdout.decode("utf-8", "replace") == expected_out.decode("utf-8"), stderr
    assert proc.returncode == expected_exit, stderr
    err_file, prefix_file = stem.with_suffix(".err"), stem.with_suffix(".errprefix")
    if err_file.exists():
        assert first_err == err_file.read_text(encoding="utf-8").splitlines()[0]
    if prefix_file.exists():
        assert first_err.startswith(prefix_file.read_text(encoding="utf-8").splitlines()[0])
