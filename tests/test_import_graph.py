"""Imports in omega_runtime flow one way between its parts (issue 15, "Layout").

The graph is built from the source with `ast`, so it sees every import: those at module level,
those under `if TYPE_CHECKING:` (mypy and readers follow them too) and those inside functions.
It is collapsed to one node per subpackage (`omega_runtime.debug`, `omega_runtime.machine`, ...)
and one per top-level module (`omega_runtime.runtime`, `omega_runtime.cli`, ...); a cycle among
those nodes is a circle that crosses a package boundary. Cycles inside one subpackage are its own
business."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from pathlib import Path

import omega_runtime

PACKAGE = "omega_runtime"
ROOT = Path(omega_runtime.__file__).resolve().parent


def module_names() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by the name of its `__init__`)."""
    modules: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules that module `name` (at `path`) imports, anywhere in its text."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import sub` imports the submodule `pkg.sub` when there is one (and `pkg`
            # only as every submodule import does); any other name comes from `pkg` itself.
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known}


def node_of(module: str) -> str:
    """The node a module collapses to: its subpackage, or the top-level module itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return module
    head = f"{PACKAGE}.{parts[1]}"
    return head if (ROOT / parts[1]).is_dir() else module


def collapsed_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    """Edges between nodes, and for each edge the module-level imports that make it."""
    modules = module_names()
    known = set(modules)
    graph: dict[str, set[str]] = {node_of(m): set() for m in modules}
    witnesses: dict[tuple[str, str], list[str]] = {}
    for name, path in modules.items():
        for target in sorted(imported_modules(name, path, known)):
            a, b = node_of(name), node_of(target)
            if a != b:
                graph[a].add(b)
                witnesses.setdefault((a, b), []).append(f"{name} -> {target}")
    return graph, witnesses


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A shortest cycle of the graph (as its nodes, the first repeated at the end), or None."""
    best: list[str] | None = None
    for start in sorted(graph):
        # Breadth-first from `start`'s successors back to `start`: the shortest cycle through it.
        parent: dict[str, str] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    cycle = [start, *reversed(path[:-1]), start]
                    if best is None or len(cycle) < len(best):
                        best = cycle
                    queue.clear()
                    break
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
    return best


def test_the_graph_sees_imports_under_type_checking_and_inside_functions() -> None:
    graph, witnesses = collapsed_graph()
    # cli.py imports the facade inside a function only.
    assert "omega_runtime.runtime" in graph["omega_runtime.cli"]
    assert any(w.startswith("omega_runtime.cli") for w in witnesses[("omega_runtime.cli", "omega_runtime.runtime")])
    # The package's __init__ names its exports under TYPE_CHECKING.
    assert "omega_runtime.runtime" in graph[PACKAGE]


def test_no_import_cycle_crosses_a_package_boundary() -> None:
    graph, witnesses = collapsed_graph()
    cycle = find_cycle(graph)
    if cycle is not None:
        steps = [f"  {a} -> {b}   ({'; '.join(witnesses[(a, b)][:3])})" for a, b in zip(cycle, cycle[1:])]
        raise AssertionError("import cycle across packages:\n" + "\n".join(steps))


def test_a_run_that_never_debugs_loads_no_debugger() -> None:
    """The facade's debug subsystems are made on first use (start-up of `omega run`)."""
    code = ("import sys; from omega_runtime import OmegaRuntime; rt = OmegaRuntime.create(); "
            "assert rt.eval('(+ 1 2)').printed == '3'; "
            "print(sorted(m for m in sys.modules if m.startswith('omega_runtime.debug'))); "
            "assert rt.debug.launch('(define x 1)\\n(+ x 1)', 'p.omega') == []; "
            "assert rt.breakpoints is rt.breakpoints and rt.inspector is rt.inspector; "
            "assert rt.history is rt.debug.controller.history; "
            "print('omega_runtime.debug.controller' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
