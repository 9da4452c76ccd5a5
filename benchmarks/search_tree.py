"""`omega/searchTree` figures (issue 14), printed in one run; targets, never assertions.

  python benchmarks/search_tree.py [--quick]

For SICP's multiple-dwelling puzzle (5 nested amb, 1,470 failures before its solution) and for a
search of 100,000 failures (10,000 with --quick), each through `omega-dap` over stdio:
* reference: the program run with `noDebug` (launch to `exited`), and debugged with history on;
* the first `omega/searchTree` (default budget: the tree is read from the history, counted,
  clustered and sent), a second one (the tree is kept and only brought up to date), and the
  expansion of the biggest cluster (what the view asks for when the user opens it);
with the ratios of the requests to the plain run; then, when Chromium and the extension's node
modules are there (scripts/install-code-server.sh, npm ci), the time the Search Tree view's own
webview script takes to draw that first answer (render_search_tree.mjs). Target: the dwelling
puzzle's tree, request and drawing, within 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dap"))

from client import DapClient  # noqa: E402

SHARED = Path(os.environ.get("OMEGA_SHARED", ROOT.parent / "shared"))


def failures_program(levels: int) -> str:
    """10 ** levels failures, collected by an amb-collect that finds nothing."""
    ambs = " ".join(["(amb 0 1 2 3 4 5 6 7 8 9)"] * levels)
    return f"(define (search)\n  (amb-collect\n    (begin {ambs}\n           (amb))))\n(display (length (search)))\n"


def run(program: Path, debug: bool) -> tuple[float, DapClient]:
    c = DapClient.stdio()
    c.validate = False
    c.initialize()
    t = time.perf_counter()
    if debug:
        c.launch(program, historyLimit=20_000_000)
    else:
        c.launch(program, noDebug=True)
    c.event("exited", 1200)
    return time.perf_counter() - t, c


def timed(c: DapClient, args: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    t = time.perf_counter()
    r = c.request("omega/searchTree", args, timeout=600)
    elapsed = time.perf_counter() - t
    assert r["success"], r
    return elapsed, r["body"]


def clusters(node: dict[str, Any]) -> list[dict[str, Any]]:
    out, todo = [], [node]
    while todo:
        n = todo.pop()
        if n["kind"] == "cluster":
            out.append(n)
        todo.extend(n["children"])
    return out


def figures(name: str, program: Path) -> None:
    plain, c0 = run(program, debug=False)
    c0.close()
    debugged, c = run(program, debug=True)
    try:
        first, body = timed(c, {})
        second, _ = timed(c, {})
        biggest = max(clusters(body["root"]), key=lambda n: n["counts"]["failed"])
        expand, sub = timed(c, {"node": biggest["members"][0]})
    finally:
        c.close()
    t = body["totals"]
    size = len(json.dumps(body))
    print(f"\n{name}: {t['choicePoints']:,} choice points, {t['failed']:,} failed, {t['solutions']:,} solutions, "
          f"{t['pending']:,} pending; {body['newest']:,} recorded steps")
    print(f"  reference: plain run (noDebug)        {plain * 1000:9.1f} ms")
    print(f"             debugged run (history on)  {debugged * 1000:9.1f} ms   {debugged / plain:5.2f}x plain")
    print(f"  omega/searchTree, first (build)       {first * 1000:9.1f} ms   {first / plain:5.2f}x plain   "
          f"{size / 1024:.0f} KiB, {len(clusters(body['root']))} clusters")
    print(f"  omega/searchTree, again               {second * 1000:9.1f} ms   {second / plain:5.2f}x plain")
    print(f"  expand a cluster ({biggest['counts']['failed']:,} failed)   {expand * 1000:9.1f} ms   "
          f"{expand / plain:5.2f}x plain   ({sub['root']['counts']['failed']:,} failed below its first member)")
    drawn = render(body, program.with_suffix(".json"))
    if drawn is not None:
        ms, nodes = drawn
        print(f"  the view draws the first answer       {ms:9.1f} ms   ({nodes} nodes; request + drawing "
              f"{first * 1000 + ms:.0f} ms)")


def render(body: dict[str, Any], scratch: Path) -> tuple[float, int] | None:
    """Milliseconds the webview script takes to draw `body` in headless Chromium, and nodes drawn."""
    ext = ROOT / "vscode-extension"
    chromium = os.environ.get("OMEGA_E2E_CHROMIUM", "/usr/bin/chromium")
    if not (ext / "node_modules" / "playwright-core").exists() or not os.path.exists(chromium) \
            or shutil.which("node") is None:
        print("  (drawing not measured: Chromium or the extension's node modules are missing)")
        return None
    if not (ext / "dist" / "searchTree.js").exists():
        subprocess.run(["node", "esbuild.mjs"], cwd=ext, check=True)
    scratch.write_text(json.dumps(body), encoding="utf-8")
    out = subprocess.run(["node", str(ROOT / "benchmarks" / "render_search_tree.mjs"), str(scratch)],
                         capture_output=True, text=True, check=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["ms"]), int(result["nodes"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="10,000 failures instead of 100,000")
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dwelling = Path(tmp) / "dwelling.omega"
        dwelling.write_text((SHARED / "bench-ref" / "dwelling.omg").read_text(encoding="utf-8"), encoding="utf-8")
        figures("multiple dwelling (target: the tree within 1 s)", dwelling)
        levels = 4 if ns.quick else 5
        many = Path(tmp) / "failures.omega"
        many.write_text(failures_program(levels), encoding="utf-8")
        figures(f"{10 ** levels:,} failures", many)


if __name__ == "__main__":
    main()
