"""Ports and `read` (LANGUAGE.md 17.4), and `display` / `write` / `newline` with their optional port.

A port's mutable state is one store cell keyed by the port (`InputState` / `OutputState`, both
immutable; an output port's text is a persistent chain of chunks), so step back, backtracking
and restarts restore its position and text exactly. The current ports are parameters
(`current-output-port` ...), so `with-output-to-string` is a `parameterize` extent.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, value_error, wrong_type
from ..primitives import checks, jsonconv
from ..primitives.registry import BUILTINS, PrimContext, primitive
from ..printer import display_repr, write_repr
from ..reader import read as read_text
from ..records import NamedTuple
from ..syntax import to_value
from ..values import EOF, MISSING, VOID, EofObject, InputPort, OutputPort, Port, Procedure, Store, Value
from . import frames as F
from .dynamic import Parameter, parameter_value, parameterize_frame

if TYPE_CHECKING:
    from .machine import Machine


class InputState(NamedTuple):
    pos: int = 0  # code points consumed
    closed: bool = False


class OutputState(NamedTuple):
    chunks: tuple[Any, str] | None = None  # (earlier chunks, text): the text written, newest last
    size: int = 0  # code points written
    closed: bool = False

    def text(self) -> str:
        parts: list[str] = []
        node = self.chunks
        while node is not None:
            node, chunk = node
            parts.append(chunk)
        return "".join(reversed(parts))


STDOUT = OutputPort("stdout")
STDERR = OutputPort("stderr")
# `current-input-port`'s initial value: the process's standard input for `omega run` and
# `omega -e` (read whole, once, when first used), an empty port elsewhere (LANGUAGE.md 17.4).
STDIN = InputPort("stdin", "")
_stdin_source: list[Callable[[], str]] = []  # set by `use_process_stdin`, emptied once read


def use_process_stdin() -> None:
    """Make `(current-input-port)` read the process's standard input (the CLI's run and -e)."""
    _stdin_source[:] = [lambda: sys.stdin.read() if sys.stdin is not None else ""]

CURRENT_OUTPUT = Parameter(STDOUT, None, "current-output-port")
CURRENT_ERROR = Parameter(STDERR, None, "current-error-port")
CURRENT_INPUT = Parameter(STDIN, None, "current-input-port")
for _param in (CURRENT_OUTPUT, CURRENT_ERROR, CURRENT_INPUT):
    assert _param.name is not None
    BUILTINS[_param.name] = _param


def input_state(store: Store, port: InputPort) -> InputState:
    st = store.get(port, MISSING)
    return InputState() if st is MISSING else st


def output_state(store: Store, port: OutputPort) -> OutputState:
    st = store.get(port, MISSING)
    return OutputState() if st is MISSING else st


def output_text(ctx: PrimContext, port: OutputPort) -> str:
    """The text written to a string output port so far."""
    return output_state(ctx.store, port).text()


def _current(ctx: PrimContext, param: Parameter) -> Any:
    return parameter_value(getattr(ctx, "k", None), param)


def _input(ctx: PrimContext, prim: str, port: Value) -> tuple[InputPort, InputState]:
    p = _current(ctx, CURRENT_INPUT) if port is None else port
    if not isinstance(p, InputPort):
        raise wrong_type(prim, "input-port", p)
    if p is STDIN and _stdin_source:
        p.text = _stdin_source.pop()()  # the text never changes afterwards: time travel stays exact
    st = input_state(ctx.store, p)
    if st.closed:
        raise value_error(prim, "the port is closed", p)
    return p, st


def _output(ctx: PrimContext, prim: str, port: Value) -> OutputPort:
    p = _current(ctx, CURRENT_OUTPUT) if port is None else port
    if not isinstance(p, OutputPort):
        raise wrong_type(prim, "output-port", p)
    return p


def emit(ctx: PrimContext, prim: str, port: Value, text: str) -> None:
    """Write `text` to `port` (None: the current output port)."""
    p = _output(ctx, prim, port)
    if p.kind == "stdout":
        ctx.output(text)
        return
    if p.kind == "stderr":
        services = getattr(ctx, "services", None)
        if services is not None:
            services.write_error(text)
        else:
            ctx.output(text)
        return
    st = output_state(ctx.store, p)
    if st.closed:
        raise value_error(prim, "the port is closed", p)
    if text:
        ctx.write_cell(p, OutputState((st.chunks, text), st.size + len(text)))


def _advance(ctx: PrimContext, port: InputPort, st: InputState, pos: int) -> None:
    if pos != st.pos:
        ctx.write_cell(port, InputState(pos))


# ---- writing ---------------------------------------------------------------------------------


@primitive("display", 1, 2, kind="ctx", signature="(display v [port])")
def display(ctx: PrimContext, v: Value, port: Value = None) -> Value:
    """Print `v` in display form (strings raw)."""
    emit(ctx, "display", port, display_repr(v, ctx.store))
    return VOID


@primitive("write", 1, 2, kind="ctx", signature="(write v [port])")
def write(ctx: PrimContext, v: Value, port: Value = None) -> Value:
    """Print `v` in write form."""
    emit(ctx, "write", port, write_repr(v, ctx.store))
    return VOID


@primitive("newline", 0, 1, kind="ctx", signature="(newline [port])")
def newline(ctx: PrimContext, port: Value = None) -> Value:
    """Print a newline."""
    emit(ctx, "newline", port, "\n")
    return VOID


@primitive("write-string", 1, 2, kind="ctx", signature="(write-string s [port])")
def write_string(ctx: PrimContext, s: Value, port: Value = None) -> Value:
    """Write the string's characters."""
    emit(ctx, "write-string", port, str.__str__(checks.string("write-string", s)))
    return VOID


@primitive("write-char", 1, 2, kind="ctx", signature="(write-char c [port])")
def write_char(ctx: PrimContext, c: Value, port: Value = None) -> Value:
    """Write a one-character string."""
    text = checks.string("write-char", c)
    if len(text) != 1:
        raise value_error("write-char", f"expected a one-character string, got {write_repr(c, ctx.store)}", c)
    emit(ctx, "write-char", port, str.__str__(text))
    return VOID


# ---- ports -----------------------------------------------------------------------------------


@primitive("port?", 1, signature="(port? v)", derives=False)
def port_p(v: Value) -> Value:
    """Is `v` a port?"""
    return isinstance(v, Port)


@primitive("input-port?", 1, signature="(input-port? v)", derives=False)
def input_port_p(v: Value) -> Value:
    """Is `v` an input port?"""
    return isinstance(v, InputPort)


@primitive("output-port?", 1, signature="(output-port? v)", derives=False)
def output_port_p(v: Value) -> Value:
    """Is `v` an output port?"""
    return isinstance(v, OutputPort)


@primitive("open-input-string", 1, signature="(open-input-string s)", derives=False)
def open_input_string(s: Value) -> Value:
    """An input port reading the string."""
    return InputPort("string", str.__str__(checks.string("open-input-string", s)))


@primitive("open-output-string", 0, signature="(open-output-string)", derives=False)
def open_output_string() -> Value:
    """An output port collecting what is written to it."""
    return OutputPort("string")


@primitive("get-output-string", 1, kind="ctx", signature="(get-output-string port)")
def get_output_string(ctx: PrimContext, port: Value) -> Value:
    """The text written so far to a string output port."""
    if not isinstance(port, OutputPort) or port.kind != "string":
        raise wrong_type("get-output-string", "output-port", port)
    return output_text(ctx, port)


def _close(prim: str, want: type) -> Any:
    def close(ctx: PrimContext, port: Value) -> Value:
        if not isinstance(port, want):
            raise wrong_type(prim, "port" if want is Port else want.__name__.replace("P", "-p").lower(), port)
        if isinstance(port, InputPort):
            st = input_state(ctx.store, port)
            if not st.closed:
                ctx.write_cell(port, InputState(st.pos, True))
        elif isinstance(port, OutputPort) and port.kind == "string":
            out = output_state(ctx.store, port)
            if not out.closed:
                ctx.write_cell(port, OutputState(out.chunks, out.size, True))
        return VOID

    close.__doc__ = "Close the port: using it afterwards is a value-error."
    return close


primitive("close-port", 1, kind="ctx", signature="(close-port port)")(_close("close-port", Port))
primitive("close-input-port", 1, kind="ctx", signature="(close-input-port port)")(_close("close-input-port", InputPort))
primitive("close-output-port", 1, kind="ctx", signature="(close-output-port port)")(_close("close-output-port", OutputPort))


@primitive("eof-object", 0, signature="(eof-object)", derives=False)
def eof_object() -> Value:
    """The end-of-file object."""
    return EOF


@primitive("eof-object?", 1, signature="(eof-object? v)", derives=False)
def eof_object_p(v: Value) -> Value:
    """Is `v` the end-of-file object?"""
    return isinstance(v, EofObject)


# ---- reading ---------------------------------------------------------------------------------


@primitive("read-char", 0, 1, kind="ctx", signature="(read-char [port])")
def read_char(ctx: PrimContext, port: Value = None) -> Value:
    """The next character as a one-character string, or the eof-object."""
    p, st = _input(ctx, "read-char", port)
    if st.pos >= len(p.text):
        return EOF
    _advance(ctx, p, st, st.pos + 1)
    return p.text[st.pos]


@primitive("peek-char", 0, 1, kind="ctx", signature="(peek-char [port])")
def peek_char(ctx: PrimContext, port: Value = None) -> Value:
    """The next character without consuming it, or the eof-object."""
    p, st = _input(ctx, "peek-char", port)
    return EOF if st.pos >= len(p.text) else p.text[st.pos]


@primitive("read-string", 1, 2, kind="ctx", signature="(read-string k [port])")
def read_string(ctx: PrimContext, k: Value, port: Value = None) -> Value:
    """Up to `k` characters, or the eof-object at the end."""
    n = int(checks.integer("read-string", k))
    if n < 0:
        raise value_error("read-string", f"expected a non-negative count, got {n}", k)
    p, st = _input(ctx, "read-string", port)
    if st.pos >= len(p.text) and n > 0:
        return EOF
    end = min(len(p.text), st.pos + n)
    _advance(ctx, p, st, end)
    return p.text[st.pos:end]


@primitive("read-line", 0, 1, kind="ctx", signature="(read-line [port])")
def read_line(ctx: PrimContext, port: Value = None) -> Value:
    """The next line without its terminator (LF, CRLF or CR), or the eof-object."""
    p, st = _input(ctx, "read-line", port)
    text, pos = p.text, st.pos
    if pos >= len(text):
        return EOF
    lf, cr = text.find("\n", pos), text.find("\r", pos)
    ends = [i for i in (lf, cr) if i >= 0]
    if not ends:
        _advance(ctx, p, st, len(text))
        return text[pos:]
    end = min(ends)
    after = end + (2 if text.startswith("\r\n", end) else 1)
    _advance(ctx, p, st, after)
    return text[pos:end]


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text` (a line ends at LF, CRLF or a lone CR)."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def read_error(text: str, offset: int, detail: str) -> OmegaError:
    line, col = line_col(text, offset)
    return OmegaError("read-error", f"read: {detail} at {line}:{col}", (line, col))


_READ_CHUNK = 256


@primitive("read", 0, 1, kind="ctx", signature="(read [port])")
def read(ctx: PrimContext, port: Value = None) -> Value:
    """The next datum, read with the reader of LANGUAGE.md 1, or the eof-object."""
    p, st = _input(ctx, "read", port)
    rest_length = len(p.text) - st.pos
    # Read a growing prefix until it holds the first datum with text after it (so the datum is
    # not cut), or the whole rest: reading many data from one port stays linear.
    size = _READ_CHUNK
    while True:
        chunk = p.text[st.pos:st.pos + size]
        result = read_text(chunk, "<port>")
        first = result.data[0] if result.data else None
        limit = first.span.end_offset if first is not None else len(chunk)
        errors = [d for d in result.diagnostics if d.span.start_offset < limit]
        if len(chunk) == rest_length or (first is not None and not errors and limit < len(chunk)):
            break
        size *= 4
    if errors:
        d = errors[0]
        raise read_error(p.text, st.pos + d.span.start_offset, d.message)
    if first is None:
        _advance(ctx, p, st, len(p.text))
        return EOF
    _advance(ctx, p, st, st.pos + limit)
    return to_value(first)


# ---- string output procedures ----------------------------------------------------------------


@primitive("with-output-to-string", 1, kind="control", signature="(with-output-to-string thunk)")
def _with_output_to_string(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    thunk = args[0]
    if not isinstance(thunk, Procedure):
        raise wrong_type("with-output-to-string", "procedure", thunk)
    port = OutputPort("string")
    m.k = F.CallbackFrame("output_collected", (port,), m.k, "with-output-to-string")
    m.k = parameterize_frame(("current-output-port",), ((CURRENT_OUTPUT, port),), node, m.k)
    m.apply(thunk, (), node)


@primitive("call-with-output-string", 1, kind="control", signature="(call-with-output-string proc)")
def _call_with_output_string(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    proc = args[0]
    if not isinstance(proc, Procedure):
        raise wrong_type("call-with-output-string", "procedure", proc)
    port = OutputPort("string")
    m.k = F.CallbackFrame("output_collected", (port,), m.k, "call-with-output-string")
    m.apply(proc, (port,), node)


def output_collected(m: Machine, _v: Any, port: OutputPort) -> None:
    m.v, m.c = output_text(m, port), None


F.CALLBACKS["output_collected"] = output_collected


# ---- JSON through ports ----------------------------------------------------------------------


@primitive("json-read", 0, 1, kind="ctx", signature="(json-read [port])")
def json_read(ctx: PrimContext, port: Value = None) -> Value:
    """The next JSON value of the port, or the eof-object."""
    p, st = _input(ctx, "json-read", port)
    if not p.text[st.pos:].strip(" \t\n\r"):
        _advance(ctx, p, st, len(p.text))
        return EOF
    value, end = jsonconv.decode(p.text, st.pos)
    _advance(ctx, p, st, end)
    return value


@primitive("json-write", 1, 2, kind="ctx", signature="(json-write value [port])")
def json_write(ctx: PrimContext, value: Value, port: Value = None) -> Value:
    """Write the value's compact JSON text."""
    emit(ctx, "json-write", port, jsonconv.encode(value, ctx.store))
    return VOID
