"""The two builds (issue 15): `OMEGA_PURE=1` loads the Python modules even where the mypyc
extensions are installed, and both builds compute the same results, step for step."""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import omega_runtime

PROGRAM = """
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (triple lo hi)
  (let* ((i (an-integer-between lo hi)) (j (an-integer-between i hi)) (k (an-integer-between j hi)))
    (require (= (+ (* i i) (* j j)) (* k k)))
    (list i j k)))
(define (an-integer-between lo hi) (require (<= lo hi)) (amb lo (an-integer-between (+ lo 1) hi)))
(list (fib 15) (amb-collect (triple 1 15)) (/ 7 2) (/ 1.0 3) (abs -3) (abs -2.5) #t #f
      (string-append "a" "b") (vector 1 2.0 #t))
"""

PROBE = """
import json, sys
import omega_runtime
from omega_runtime.runtime import OmegaRuntime
rt = OmegaRuntime.create()
r = rt.eval(sys.stdin.read())
print(json.dumps({"compiled": omega_runtime.compiled(), "printed": r.printed, "steps": r.steps,
                  "machine": omega_runtime.machine.machine.__file__}))
"""


def run(pure: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.pop("OMEGA_PURE", None)
    if pure:
        env["OMEGA_PURE"] = "1"
    out = subprocess.run([sys.executable, "-c", PROBE], input=PROGRAM, env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_omega_pure_loads_the_python_modules_and_both_builds_agree() -> None:
    pure = run(pure=True)
    assert pure["compiled"] is False and str(pure["machine"]).endswith("machine.py")
    default = run(pure=False)
    assert default["compiled"] is (not str(default["machine"]).endswith(".py"))
    assert pure["printed"] == default["printed"]
    assert pure["steps"] == default["steps"]
    assert pure["printed"] == "(610 ((3 4 5) (5 12 13) (6 8 10) (9 12 15)) 3.5 0.3333333333333333 3 2.5 #t #f " \
        "\"ab\" #(1 2.0 #t))"


def fake_compiled_package(root: Path, source_newer_by: float) -> Path:
    """A package laid out as a compiled build: the machine's library, one extension module and its
    source, stamped `source_newer_by` seconds after the library."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    machine = root / "omega_runtime" / "machine"
    machine.mkdir(parents=True)
    library = machine / f"_compiled__mypyc{suffix}"
    library.write_bytes(b"")
    (machine / f"nodes{suffix}").write_bytes(b"")
    source = machine / "nodes.py"
    source.write_text("", encoding="utf-8")
    built = library.stat().st_mtime
    os.utime(source, (built + source_newer_by, built + source_newer_by))
    return root / "omega_runtime"


@pytest.mark.parametrize(("checkout", "newer_by", "stale"), [
    (True, 5.0, True),     # a source edited after the extensions were built: its source runs
    (True, -5.0, False),
    (False, 0.004, False),  # installed: each file is stamped as it is written
    (False, 5.0, False),
])
def test_extensions_are_stale_only_in_an_edited_checkout(tmp_path: Path, checkout: bool, newer_by: float,
                                                         stale: bool) -> None:
    package = fake_compiled_package(tmp_path, newer_by)
    if checkout:
        (tmp_path / "setup.py").write_text("", encoding="utf-8")
    assert omega_runtime._extensions_stale(str(package)) is stale
