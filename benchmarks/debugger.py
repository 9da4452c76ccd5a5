"""Debug controller figures (DEBUGGER.md 13), printed in one run; targets, never assertions.

  python benchmarks/debugger.py [--scale 0.1] [--profile]

1. a 2,000,000-step loop with 10 breakpoints set but never hit, history on, against the same
   program run by `OmegaRuntime.eval` (target <= 1.3x), best of three alternated runs each;
2. memory per recorded step on a loop whose iterations `set!` one variable (target <= 200 bytes),
   from RSS deltas (tracemalloc would slow the run tenfold) and gc-counted live objects;
3. `step_back` and a `reverse_continue` to a hit 500,000 steps back with 1,000,000 recorded
   steps (target p50 <= 50 ms);
4. with --profile: cProfile of a recorded run with breakpoints, top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable

import omega_runtime
from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.runtime import OmegaRuntime, RuntimeProviders

# Ten lines of a procedure that is never called: breakpoints there are verified but never hit.
NEVER = "(define (never a)\n" + "".join(f"  (display {i})\n" for i in range(9)) + "  a)\n"


def spin_program(iterations: int) -> str:
    return NEVER + f"(define (spin n)\n  (if (< n {iterations})\n      (spin (+ n 1))\n      n))\n(spin 0)\n"


def setter_program(iterations: int) -> str:
    return (f"(define x 0)\n(define (loop n)\n  (when (< n {iterations})\n    (set! x n)\n"
            "    (loop (+ n 1))))\n(loop 0)\n")


def marker_program(half: int) -> str:
    return (f"(define (spin n)\n  (if (< n {half})\n      (spin (+ n 1))\n      n))\n(spin 0)\n"
            f"(define marker 1)\n(spin 0)\n")


def runtime() -> OmegaRuntime:
    return OmegaRuntime.create(preset="debug", providers=RuntimeProviders(stdout=lambda s: None))


def controller(text: str, history_limit: int = 1_000_000) -> DebugController:
    dc = DebugController(runtime(), history_limit=history_limit)
    assert dc.launch(text, "bench.omega") == []
    return dc


def finish(dc: DebugController) -> Exit:
    result: Stop | Exit = dc.resume()
    while isinstance(result, Stop):
        result = dc.resume()
    return result


def steps_of(text: str) -> int:
    return runtime().eval(text, source="bench.omega").steps


def iterations_for(make: Callable[[int], str], target_steps: int) -> int:
    per = (steps_of(make(2000)) - steps_of(make(1000))) / 1000
    return max(1, int(target_steps / per))


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def overhead(scale: float, repeats: int = 3) -> None:
    n = iterations_for(spin_program, int(2_000_000 * scale))
    text = spin_program(n)
    plain_s, debug_s = [], []
    steps = 0
    for _ in range(repeats):  # alternated, best of each: this machine's timings are noisy
        rt = runtime()
        t0 = time.perf_counter()
        steps = rt.eval(text, source="bench.omega").steps
        plain_s.append(time.perf_counter() - t0)
        dc = controller(text)
        bps = dc.set_line_breakpoints("bench.omega", [{"line": line} for line in range(2, 12)])
        assert sum(bp.verified for bp in bps) == 10
        t0 = time.perf_counter()
        result = finish(dc)
        debug_s.append(time.perf_counter() - t0)
        assert result.code == 0 and not any(bp.hits for bp in bps)
        del dc, rt
        gc.collect()
    t_plain, t_debug = min(plain_s), min(debug_s)
    print(f"loop of {steps:,} steps, 10 breakpoints never hit, history on (limit 1,000,000), best of {repeats}:")
    print(f"  OmegaRuntime.eval   {t_plain:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in plain_s)})")
    print(f"  DebugController     {t_debug:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in debug_s)})")
    print(f"  ratio {t_debug / t_plain:.2f}x   (target <= 1.3x)")


def memory(scale: float) -> None:
    n = iterations_for(setter_program, int(1_000_000 * scale))
    dc = controller(setter_program(n), history_limit=2_000_000)
    gc.collect()
    before_rss = rss()
    before_objects = len(gc.get_objects()) + gc.get_freeze_count()
    result = finish(dc)
    gc.collect()
    recorded = dc.history.newest - dc.history.oldest
    after_rss = rss()
    after_objects = len(gc.get_objects()) + gc.get_freeze_count()  # runs freeze what they made
    assert result.code == 0
    print(f"memory, {recorded:,} recorded steps of a loop that set!s one variable per iteration:")
    print(f"  RSS delta            {after_rss - before_rss:,} bytes = "
          f"{(after_rss - before_rss) / recorded:.0f} bytes per step   (target <= 200)")
    print(f"  gc-tracked objects   {(after_objects - before_objects) / recorded:.2f} per step")
    del dc
    gc.collect()


def travel(scale: float, repeats: int) -> None:
    half = iterations_for(marker_program, int(1_000_000 * scale))  # two loops of ~500,000 steps
    text = marker_program(half)
    dc = controller(text, history_limit=2_000_000)
    finish(dc)
    newest = dc.history.newest
    dc.set_line_breakpoints("bench.omega", [{"line": 6}])
    back_ms, rc_ms = [], []
    for i in range(repeats):
        dc.goto_step(newest - 1000 * i)
        t0 = time.perf_counter()
        dc.step_back()
        back_ms.append((time.perf_counter() - t0) * 1000)
    hit_step = -1
    for _ in range(repeats):
        dc.goto_step(newest)
        t0 = time.perf_counter()
        stop = dc.reverse_continue()
        rc_ms.append((time.perf_counter() - t0) * 1000)
        assert stop.reason == "breakpoint", stop
        hit_step = stop.step
    print(f"time travel with {newest - dc.history.oldest:,} recorded steps:")
    print(f"  step_back            p50 {statistics.median(back_ms):7.2f} ms   max {max(back_ms):7.2f} ms"
          "   (target p50 <= 50)")
    print(f"  reverse_continue     p50 {statistics.median(rc_ms):7.2f} ms   max {max(rc_ms):7.2f} ms"
          f"   to a hit {newest - hit_step:,} steps back (target p50 <= 50)")


def profile(scale: float) -> None:
    n = iterations_for(spin_program, int(300_000 * scale))
    dc = controller(spin_program(n))
    dc.set_line_breakpoints("bench.omega", [{"line": line} for line in range(2, 12)])
    prof = cProfile.Profile()
    prof.enable()
    finish(dc)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    print("profile of a recorded run (top 12 by own time):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the step counts (default 1)")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    print(f"Omega build: {'compiled (mypyc)' if omega_runtime.compiled() else 'pure Python'} (OMEGA_PURE=1 forces pure)")
    overhead(args.scale)
    memory(args.scale)
    travel(args.scale, args.repeats)
    if args.profile:
        profile(args.scale)


if __name__ == "__main__":
    main()
