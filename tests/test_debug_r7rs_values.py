"""The debugger shows LANGUAGE.md 17's values (DEBUGGER.md 9.3): ports (kind, position, text so
far), regexes (pattern, flags), multiple values (children [0], [1]), parameters (their current
value where the program stopped) and `parameterize` extents as frames."""

from __future__ import annotations

from omega_runtime.debug.controller import DebugController, Stop
from omega_runtime.debug.values_view import VarNode
from omega_runtime.debug.views import Views
from omega_runtime.runtime import OmegaRuntime

PROGRAM = """(define in (open-input-string "(a b) rest"))
(define first (read in))
(define out (open-output-string))
(write-string "hello" out)
(define re (regex "a+b" "i"))
(define mv (values 1 "two"))
(define temperature (make-parameter 0.7))
(define (show)
  (temperature))
(parameterize ((temperature 0.1))
  (show))
"""


def kids(node: VarNode, filt: str | None = None) -> list[VarNode]:
    assert node.fetch is not None
    return node.fetch(0, None, filt)


def by_name(nodes: list[VarNode]) -> dict[str, VarNode]:
    return {n.name: n for n in nodes}


def test_new_values_in_the_variables_tree_and_parameterize_frames() -> None:
    c = DebugController(OmegaRuntime.create())
    views = Views(c)
    path = "/home/user/demo/r7rs.omega"
    assert c.launch(PROGRAM, path) == []
    c.set_line_breakpoints(path, [{"line": 9}])
    stop = c.resume("continue")
    assert isinstance(stop, Stop) and stop.reason == "breakpoint"
    views.invalidate()
    frames = views.frames()
    assert [f.name for f in frames] == ["show", "parameterize (temperature)", "<top-level>"]
    g = by_name(kids(views.scopes(0)[2].node))
    assert (g["in"].value, g["in"].type) == ("#<input-port string>", "input-port")
    assert [(n.name, n.value) for n in kids(g["in"])] == [
        ("kind", "string"), ("position", "5"), ("text read", '"(a b)"'), ("text left", '" rest"'),
        ("closed", "#f")]
    assert [(n.name, n.value) for n in kids(g["out"])] == [
        ("kind", "string"), ("position", "5"), ("text so far", '"hello"'), ("closed", "#f")]
    assert (g["re"].value, g["re"].type) == ('#<regex "a+b">', "regex")
    assert [(n.name, n.value) for n in kids(g["re"])] == [("pattern", '"a+b"'), ("flags", '"i"')]
    assert (g["mv"].value, g["mv"].type, g["mv"].indexed) == ('#<values 1 "two">', "values[2]", 2)
    assert [(n.name, n.value) for n in kids(g["mv"], "indexed")] == [("0", "1"), ("1", '"two"')]
    assert g["temperature"].type == "parameter"
    assert [(n.name, n.value) for n in kids(g["temperature"])] == [("value", "0.1")]


def test_stepping_back_over_write_string_restores_the_text() -> None:
    c = DebugController(OmegaRuntime.create())
    views = Views(c)
    path = "/home/user/demo/r7rs.omega"
    assert c.launch(PROGRAM, path) == []
    c.set_line_breakpoints(path, [{"line": 5}])
    assert isinstance(c.resume("continue"), Stop)
    views.invalidate()
    assert [(n.name, n.value) for n in kids(by_name(kids(views.scopes(0)[2].node))["out"])][2] == \
        ("text so far", '"hello"')
    while c.cur > 0:
        c.step_back("instruction")
        views.invalidate()
        g = by_name(kids(views.scopes(0)[2].node))
        if "out" in g and kids(g["out"])[2].value == '""':
            break
    else:
        raise AssertionError("never saw the port before the write")
