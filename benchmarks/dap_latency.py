"""DEBUGGER.md 13 figures for omega-dap over stdio: request latencies, with debugpy on an
equivalent Python program measured in the same run as the reference (p50/p99 per figure and the
ratios), and the 2,000,000-step loop from `launch` to `exited` with 10 breakpoints never hit and
history on against the same loop launched with `noDebug` (best of three alternated runs).

    /work/venv/bin/python benchmarks/dap_latency.py [--steps 1000] [--repeat 200]

Targets are for this script, never timed test assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dap"))

from client import DapClient  # noqa: E402
from debugger import iterations_for, spin_program  # noqa: E402

import omega_runtime  # noqa: E402

OMEGA = """(define big (iota 100000))
{globals}
(define (deep n)
  (if (= n 0)
      (let ((a 1) (b 2) (c 3) (d 4) (e 5) (f 6) (g 7) (h 8) (i 9) (j 10)
            (k 11) (l 12) (m 13) (n2 14) (o 15) (p 16) (q 17) (r 18) (s 19))
        (display "bottom")
        (loop 0))
      (+ 1 (deep (- n 1)))))
(define (loop i)
  (if (< i 100000)
      (begin (set! g0 i) (loop (+ i 1)))
      i))
(deep 19)
"""

PYTHON = """big = list(range(100000))
{globals}
def deep(n):
    if n == 0:
        a, b, c, d, e, f, g, h, i, j, k, l, m, n2, o, p, q, r, s = range(1, 20)
        print("bottom")
        return loop(0)
    return 1 + deep(n - 1)
def loop(i):
    global g0
    while i < 100000:
        g0 = i
        i += 1
    return i
deep(19)
"""


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000.0


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def figures(c: DapClient, locals_name: str, repeat: int, steps: int, python: bool) -> dict[str, list[float]]:
    res: dict[str, list[float]] = {}
    res["threads"] = timed(lambda: c.ok("threads"), repeat)
    res["stackTrace (levels 20)"] = timed(lambda: c.ok("stackTrace", {"threadId": c.tid, "levels": 20}), repeat)
    frame = c.ok("stackTrace", {"threadId": c.tid, "levels": 1})["stackFrames"][0]["id"]
    res["scopes"] = timed(lambda: c.ok("scopes", {"frameId": frame}), repeat)
    scopes = c.ok("scopes", {"frameId": frame})["scopes"]
    loc = next(s for s in scopes if s["name"].startswith(locals_name))["variablesReference"]
    res["variables (Locals)"] = timed(lambda: c.ok("variables", {"variablesReference": loc}), repeat)
    glob = next(s for s in scopes if s["name"].startswith("Global"))["variablesReference"]
    res["variables (Globals)"] = timed(lambda: c.ok("variables", {"variablesReference": glob}), repeat)
    big = c.ok("evaluate", {"expression": "big", "frameId": frame, "context": "watch"})
    if big.get("variablesReference"):
        ref = big["variablesReference"]
        args = {"variablesReference": ref, "filter": "indexed", "start": 50000, "count": 100}
        res["variables (list page of 100)"] = timed(lambda: c.ok("variables", args), repeat)
    wf = []
    for _ in range(steps):
        t = time.perf_counter()
        c.ok("next", {"threadId": c.tid})
        ev = c.stopped()
        if ev.get("reason") not in ("step", "breakpoint", "pause"):
            break
        fid = c.ok("stackTrace", {"threadId": c.tid, "levels": 20})["stackFrames"][0]["id"]
        sc = c.ok("scopes", {"frameId": fid})["scopes"]
        c.ok("variables", {"variablesReference": sc[0]["variablesReference"]})
        wf.append(time.perf_counter() - t)
    res["step-over waterfall"] = wf
    return res


def run_omega(tmp: Path, repeat: int, steps: int) -> dict[str, list[float]]:
    prog = tmp / "bench.omega"
    prog.write_text(OMEGA.format(globals="\n".join(f"(define g{i} {i})" for i in range(10000))), encoding="utf-8")
    c = DapClient.stdio()
    c.validate = False
    c.tid = 1  # type: ignore[attr-defined]
    try:
        c.initialize()
        c.launch(prog, [5])
        c.stopped()
        res = figures(c, "Locals", repeat, steps, False)
        # pause of a running loop
        c.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": []})
        pauses = []
        for _ in range(5):
            c.ok("continue", {"threadId": 1})
            time.sleep(0.05)
            t = time.perf_counter()
            c.ok("pause", {"threadId": 1})
            ev = c.stopped()
            if ev["reason"] != "pause":
                break
            pauses.append(time.perf_counter() - t)
        res["pause (request to stopped)"] = pauses
        back = []
        for _ in range(20):
            t = time.perf_counter()
            c.ok("stepBack", {"threadId": 1})
            c.stopped()
            back.append(time.perf_counter() - t)
        res["stepBack"] = back
        return res
    finally:
        c.close()


def run_loop(tmp: Path, debug: bool) -> float:
    """Seconds from `launch` to the `exited` event of the 2,000,000-step loop: with 10
    breakpoints that never hit and history on, or with `noDebug`."""
    prog = tmp / "spin.omega"
    if not prog.exists():
        prog.write_text(spin_program(iterations_for(spin_program, 2_000_000)), encoding="utf-8")
    c = DapClient.stdio()
    c.validate = False
    try:
        c.initialize()
        t = time.perf_counter()
        if debug:
            bps = c.launch(prog, list(range(2, 12)))
            assert sum(bp["verified"] for bp in bps) == 10
        else:
            c.launch(prog, noDebug=True)
        exited = c.event("exited", 600)
        elapsed = time.perf_counter() - t
        assert exited["body"]["exitCode"] == 0 and not any(e["event"] == "stopped" for e in c.events)
        return elapsed
    finally:
        c.close()


def loop_figures(tmp: Path, repeats: int = 3) -> tuple[list[float], list[float]]:
    plain, debug = [], []
    for _ in range(repeats):  # alternated, best of each
        plain.append(run_loop(tmp, False))
        debug.append(run_loop(tmp, True))
    return plain, debug


def run_debugpy(tmp: Path, repeat: int, steps: int) -> dict[str, list[float]]:
    prog = tmp / "bench.py"
    prog.write_text(PYTHON.format(globals="\n".join(f"g{i} = {i}" for i in range(10000))), encoding="utf-8")
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "debugpy.adapter"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    c = DapClient(proc)
    c.validate = False
    try:
        c.ok("initialize", {"clientID": "bench", "adapterID": "python", "linesStartAt1": True, "columnsStartAt1": True,
                            "supportsVariableType": True, "supportsVariablePaging": True})
        seq = c.send("launch", {"program": str(prog), "console": "internalConsole", "justMyCode": True})
        c.event("initialized", 60)
        c.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [{"line": 6}]})
        c.ok("configurationDone")
        c.response(seq, 60)
        ev = c.stopped()
        c.tid = ev["threadId"]  # type: ignore[attr-defined]
        return figures(c, "Locals", repeat, steps, True)
    finally:
        c.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--steps", type=int, default=1000)
    ns = ap.parse_args()
    print(f"Omega build: {'compiled (mypyc)' if omega_runtime.compiled() else 'pure Python'} (OMEGA_PURE=1 forces pure)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        omega = run_omega(tmp, ns.repeat, ns.steps)
        plain, debug = loop_figures(tmp)
        try:
            py = run_debugpy(tmp, ns.repeat, ns.steps)
        except Exception as exc:  # the reference is optional: report and go on
            print(f"debugpy reference failed: {exc}")
            py = {}
    print(f"{'figure':34} {'omega p50':>10} {'p99':>8} {'debugpy p50':>12} {'p99':>8} {'ratio p50':>10}")
    for name, xs in omega.items():
        if not xs:
            continue
        ref = py.get(name)
        line = f"{name:34} {pct(xs, .5):10.2f} {pct(xs, .99):8.2f}"
        if ref:
            line += f" {pct(ref, .5):12.2f} {pct(ref, .99):8.2f} {pct(xs, .5) / max(pct(ref, .5), 1e-6):10.2f}"
        print(line + "   (ms)")
    print(f"2,000,000-step loop, launch to exited, best of {len(plain)}: noDebug {min(plain):.3f} s, "
          f"10 breakpoints never hit + history on {min(debug):.3f} s, ratio {min(debug) / min(plain):.2f}x "
          "(target <= 1.3x)")
    print(f"samples: omega waterfall {len(omega.get('step-over waterfall', []))}, "
          f"median of all omega figures {statistics.median(pct(v, .5) for v in omega.values() if v):.2f} ms")


if __name__ == "__main__":
    main()
