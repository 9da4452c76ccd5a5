"""While no marked frame (handle, extent, callback) has been made in a process, no continuation
holds one and searches for the innermost end at once (frames.MARKED_MADE): the first one made
must turn the searches back on, whatever ran before it."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = r"""
from omega_runtime import OmegaRuntime
from omega_runtime.machine import frames

rt = OmegaRuntime.create()
search = "(let ((x (amb 1 2 3)) (y (amb 1 2 3))) (require (not (= x y))) (list x y))"
print(rt.eval(search).printed, frames.MARKED_MADE[0])
print(rt.eval("(handle (amb 1 2) (on amb.choose (thunks k) (list 'handled (length thunks))))").printed,
      frames.MARKED_MADE[0])
print(rt.eval(search).printed)
print(rt.eval("(amb-collect (let ((x (amb 1 2 3 4))) (require (even? x)) x))").printed)
print(rt.eval("(handle (+ 1 (amb)) (on amb.fail (reason k) (list 'failed reason)))").printed)
"""


def test_the_first_marked_frame_turns_the_searches_on() -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["(1 2) False", "(handled 2) True", "(1 2)", "(2 4)", "(failed amb)"]
