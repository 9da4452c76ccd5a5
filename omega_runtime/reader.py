"""The Omega reader: source text to syntax objects (LANGUAGE.md section 1).

`read` never raises. Every error of the table in 1.8 becomes a `Diagnostic` and reading goes on
with the recovery that table prescribes, so one pass reports every error in the file.

How it works: `grammar.lark` holds the terminals and an LALR(1) datum grammar, which lark compiles
once into a parse table (cached, see `_load_tables`). Lark's own lexer and parse loop cost about 2
and 4 microseconds per token (measured), too slow for a language server that re-reads on every edit, so this module
* scans with one regular expression assembled from the grammar's terminals (`finditer`, no token
  objects) and classifies atom tokens by the table of 1.3, and
* drives lark's table with its own loop over explicit state and value stacks, building syntax
  objects directly in the reductions and applying the 1.8 recovery where the table has no action.
Nothing recurses, so nesting depth is limited only by memory.
"""

from __future__ import annotations

import gc
import marshal
import math
import os
import re
from bisect import bisect_right
from typing import Any, Final

from .number_syntax import parse_prefixed
from .span import Span
from .syntax import Atom, Diagnostic, ReadResult, SList, SVector, Syntax
from .user_cache import cache_path, read_cached, write_cached
from .values import NIL, Value, keyword, sym

__all__ = ["read"]

_OPENERS: Final = {"LPAR": "RPAR", "HASH_LPAR": "RPAR", "LBRACK": "RBRACK"}
_CLOSERS: Final = frozenset({"RPAR", "RBRACK"})
_PREFIX_HEADS: Final = {
    "QUOTE": "quote", "QUASIQUOTE": "quasiquote", "UNQUOTE": "unquote",
    "UNQUOTE_SPLICING": "unquote-splicing",
}
# Tokens that wait for their datum while they sit on the stack (E0008 when none comes).
_AWAITING: Final = frozenset({*_PREFIX_HEADS, "DATUM_COMMENT"})
_TEXT: Final = {
    "LPAR": "(", "HASH_LPAR": "#(", "LBRACK": "[", "RPAR": ")", "RBRACK": "]", "QUOTE": "'",
    "QUASIQUOTE": "`", "UNQUOTE": ",", "UNQUOTE_SPLICING": ",@", "DATUM_COMMENT": "#;", "DOT": ".",
}
_END: Final = "$END"

# ---------------------------------------------------------------------------------------------
# The compiled grammar.

# Reduction codes, one per rule alias (or rule name when it has none) of grammar.lark.
(_SEQ_NEW, _SEQ_ADD, _SEQ_DOT, _PASS, _LIST, _VECTOR, _PREFIXED, _NOTHING, _SKIPPED) = range(9)
_CODES: Final = {
    "seq_new": _SEQ_NEW, "seq_add": _SEQ_ADD, "seq_dot": _SEQ_DOT, "seq_skip": _PASS, "atom": _PASS,
    "list": _LIST, "vector": _VECTOR, "prefixed": _PREFIXED, "prefix": _PASS, "start": _PASS,
    "skips": _NOTHING, "skipped": _SKIPPED,
}

# A reduction: (number of symbols popped, the nonterminal produced, reduction code).
_Reduction = tuple[int, str, int]


class _Grammar:
    """What the reader needs from grammar.lark: the scanner and the parse table lark compiles,
    cached as JSON in the user's cache directory (see `_load_tables`)."""

    def __init__(self) -> None:
        with open(os.path.join(os.path.dirname(__file__), "grammar.lark"), encoding="utf-8") as f:
            source = f.read()
        pattern, names, table, self.start_state, self.end_state = _load_tables(source)
        self.scanner: Final = re.compile(pattern)
        # `m.lastindex` is the alternative's position because the patterns capture nothing else.
        assert self.scanner.groups == len(names) - 1
        self.names: Final = names
        self.index: Final = {name: i for i, name in enumerate(self.names)}
        self.table: Final = table
        self.defaults: Final = [self._default_reduction(row) for row in table]
        self.joins: list[bool] = []
        self.appends: list[bool] = []
        self.opens: list[dict[str, tuple[int, int]]] = []
        self.closes: list[dict[str, int]] = []
        self._derive_shortcuts()

    @staticmethod
    def _default_reduction(row: dict[str, int | _Reduction]) -> _Reduction | None:
        """The state's reduction if it is its only action on every terminal, else None."""
        actions = {action for symbol, action in row.items() if symbol.isupper() or symbol == _END}
        if len(actions) == 1:
            (action,) = actions
            if not isinstance(action, int):
                return action
        return None

    def _derive_shortcuts(self) -> None:
        """Precompute, from the table, the net effect of the commonest token sequences, which the
        reader then applies without walking the table (it is where most of the time would go):
        * `joins[s]`: in state s, a finished datum just joins the sequence on top of the stack
          (goto(s, datum) can only reduce `seq: seq datum`, which returns to s);
        * `appends[s]`: an ATOM in state s is such a datum (shift, reduce `datum: ATOM`, join);
        * `opens[s][opener]`: the two states pushed by shifting an opener in s and reducing the
          empty `seq` after it;
        * `closes[s][closer]`: the reduction code (list or vector) when a closer in s finishes a
          list: shift, then reduce `datum: opener seq closer`."""
        table, defaults = self.table, self.defaults

        def default_after(state: int, symbol: str) -> tuple[int, _Reduction | None]:
            target = table[state].get(symbol)
            if not isinstance(target, int):
                return -1, None
            return target, defaults[target]

        for state in range(len(table)):
            _, joined = default_after(state, "datum")
            joins = joined is not None and joined[2] == _SEQ_ADD
            _, as_datum = default_after(state, "ATOM")
            self.joins.append(joins)
            self.appends.append(joins and as_datum == (1, "datum", _PASS))
            opens: dict[str, tuple[int, int]] = {}
            closes: dict[str, int] = {}
            for term in _OPENERS:
                after_opener, empty = default_after(state, term)
                if empty is not None and empty[:2] == (0, "seq"):
                    after_seq, _ = default_after(after_opener, "seq")
                    if after_seq >= 0:
                        opens[term] = (after_opener, after_seq)
            for term in _CLOSERS:
                _, finished = default_after(state, term)
                if finished is not None and finished[:2] == (3, "datum"):
                    closes[term] = finished[2]
            self.opens.append(opens)
            self.closes.append(closes)


# The scanner's pattern, the terminal names (index 0 unused), the parse table, start and end state.
_Tables = tuple[str, list[str], list[dict[str, int | _Reduction]], int, int]
_TABLES_FORMAT: Final = 2  # bump when `_build_tables` changes what it derives


def _build_tables(source: str) -> _Tables:
    """Compile grammar.lark with lark (~50 ms with lark's import) into the reader's tables."""
    import lark
    from lark.parsers.lalr_analysis import Shift

    parser = lark.Lark(source, parser="lalr", lexer="basic")
    # The scanner: every terminal as one named alternative, higher priority first; `sorted` is
    # stable, so equal priorities keep the grammar's order. The terminals cover every character.
    terminals = sorted(parser.terminals, key=lambda t: -t.priority)
    pattern = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
    names = [""] + [t.name for t in terminals]
    # The parse table as plain dicts keyed by str (lark's Token keys compare slowly): per state,
    # terminal or nonterminal -> next state (shift or goto) or reduction.
    conf = parser.parse_interactive("").parser_state.parse_conf
    reductions: dict[Any, _Reduction] = {}
    table: list[dict[str, int | _Reduction]] = [{} for _ in range(len(conf.states))]
    for state, actions in conf.states.items():
        for symbol, (action, arg) in actions.items():
            if action is Shift:
                table[state][str(symbol)] = int(arg)
                continue
            reduction = reductions.get(arg)
            if reduction is None:
                code = _CODES[str(arg.alias or arg.origin.name)]
                reduction = reductions[arg] = (len(arg.expansion), str(arg.origin.name), code)
            table[state][str(symbol)] = reduction
    return pattern, names, table, int(conf.start_state), int(conf.end_state)


def _cache_file(source: str) -> str:
    """Where the tables of this grammar text are cached; the file holds the text itself, which
    loading compares, so an edited grammar never meets a stale table."""
    return cache_path("reader-tables", f"{_TABLES_FORMAT}\n{source}", ".marshal")


def _decode_tables(data: Any, source: str) -> _Tables:
    grammar, pattern, names, rows, start, end = data
    if grammar != source:
        raise ValueError("reader tables of another grammar")
    table: list[dict[str, int | _Reduction]] = [
        {symbol: action if isinstance(action, int) else (int(action[0]), str(action[1]), int(action[2]))
         for symbol, action in row.items()} for row in rows]
    names = [str(n) for n in names]
    if re.compile(pattern).groups != len(names) - 1 or not (0 <= start < len(table) and 0 <= end < len(table)):
        raise ValueError("inconsistent reader tables")
    return str(pattern), names, table, int(start), int(end)


def _load_tables(source: str) -> _Tables:
    """The tables from the cache, else built by lark and cached. The cache is marshalled plain
    data (lists, dicts, strings, numbers): loading runs no code, but marshal trusts its input, so
    only a file of the user's own that no one else may write is loaded."""
    path = _cache_file(source)
    cached = read_cached(path, private=True)
    if cached is not None:
        try:
            return _decode_tables(marshal.loads(cached), source)
        except Exception:
            pass
    tables = _build_tables(source)
    write_cached(path, marshal.dumps((source, *tables)))
    return tables


_grammar: _Grammar | None = None


def _get_grammar() -> _Grammar:
    global _grammar
    if _grammar is None:
        _grammar = _Grammar()
    return _grammar


# ---------------------------------------------------------------------------------------------
# Atoms (LANGUAGE.md 1.3 and 1.4).

_INTEGER: Final = re.compile(r"[+-]?[0-9]+")
_FLOAT: Final = re.compile(r"[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)")
_SPECIAL: Final = {"+inf.0": math.inf, "-inf.0": -math.inf, "+nan.0": math.nan, "null": NIL}
_BOOLEANS: Final = {"#t": True, "#true": True, "#f": False, "#false": False}


class _Bad:
    """The class of a token that is no datum: bad `#` syntax (E0005)."""


_BAD: Final = _Bad()
_DIGIT_CHUNK: Final = 4000  # below Python's default limit on int <-> str conversions (4300 digits)


def _integer(text: str) -> int:
    """`int(text)` for any length: Omega integers are arbitrary precision (LANGUAGE.md 2.1)."""
    if len(text) <= _DIGIT_CHUNK:
        return int(text)
    digits = text.lstrip("+-")
    value = 0
    for i in range(0, len(digits), _DIGIT_CHUNK):
        chunk = digits[i:i + _DIGIT_CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return -value if text[0] == "-" else value


def _classify(token: str) -> Value:
    """The value of an atom token, classified in the order of the table in 1.3, or `_BAD`."""
    if token[0] == "#":
        boolean = _BOOLEANS.get(token, _BAD)
        if boolean is not _BAD:
            return boolean
        number = parse_prefixed(token)
        return _BAD if number is None else number
    if _INTEGER.fullmatch(token):
        return _integer(token)
    if _FLOAT.fullmatch(token):
        return float(token)
    special = _SPECIAL.get(token, _BAD)
    if special is not _BAD:
        return special
    if token[0] == ":" and len(token) > 1:
        return keyword(token[1:])
    return sym(token)


_ESCAPE: Final = re.compile(r"\\(?:u[0-9A-Fa-f]{0,4}|[\s\S])?")
_SIMPLE_ESCAPES: Final = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\\\": "\\", '\\"': '"'}
_BLOCK_MARK: Final = re.compile(r"#\||\|#")
_LINE_END: Final = re.compile(r"\r\n?|\n")


# ---------------------------------------------------------------------------------------------
# Stack values other than syntax objects: punctuation tokens, sequences, and None for skipped data.

class _Tok:
    """A punctuation token: its terminal, offsets and start position."""

    __slots__ = ("term", "start", "end", "line", "col")

    def __init__(self, term: str, start: int, end: int, line: int, col: int) -> None:
        self.term = term
        self.start = start
        self.end = end
        self.line = line
        self.col = col


_TOP, _IN_LIST, _IN_VECTOR = range(3)


class _Seq:
    """The data read so far in one list, vector or the top level, and the list's dots."""

    __slots__ = ("kind", "items", "dots")

    def __init__(self, kind: int) -> None:
        self.kind = kind
        self.items: list[Syntax] = []
        self.dots: list[tuple[int, _Tok]] = []  # (number of items before it, the dot)


# ---------------------------------------------------------------------------------------------

def read(text: str, file: str = "<eval>") -> ReadResult:
    """Read every datum of `text`; never raises on any input text.

    Returns the data, the diagnostics E0001-E0008 in the order they were found, and the spans of
    all comments (`;`, `#| |#`, `#;` with its datum, a leading `#!` line) in file order.
    """
    # The reader makes one or two objects per token and no garbage; pausing the cyclic collector,
    # which would otherwise rescan the growing tree again and again, saves over a third of the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Reader(text, file, _get_grammar()).run()
    finally:
        if was_enabled:
            gc.enable()


class _Reader:
    def __init__(self, text: str, file: str, grammar: _Grammar) -> None:
        self.text = text
        self.file = file
        self.grammar = grammar
        self.line_starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[Span] = []
        self.states: list[int] = [grammar.start_state]
        self.values: list[Any] = []
        self.eof_reported = False

    # -- positions ---------------------------------------------------------------------------

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, end)
        return Span(self.file, line, start - starts[line - 1] + 1,
                    end_line, end - starts[end_line - 1] + 1, start, end)

    def tok(self, term: str, start: int, end: int) -> _Tok:
        line = bisect_right(self.line_starts, start)
        return _Tok(term, start, end, line, start - self.line_starts[line - 1] + 1)

    def error(self, code: str, message: str, start: int, end: int) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.span(start, end)))

    # -- scanning ----------------------------------------------------------------------------

    def run(self) -> ReadResult:
        text, file, grammar = self.text, self.file, self.grammar
        names, index = grammar.names, grammar.index
        ws, atom_kind = index["WS"], index["ATOM"]
        punctuation = {index[name] for name in _TEXT}
        openers = {index[name] for name in _OPENERS}
        closers = {index[name] for name in _CLOSERS}
        appends, joins, opens, closes = grammar.appends, grammar.joins, grammar.opens, grammar.closes
        states, values, feed = self.states, self.values, self.feed
        classes: dict[str, Value] = {}  # token text -> value: most tokens recur
        # The current line, advanced as tokens move forward (they never move back).
        starts = self.line_starts
        line, line_start = 1, 0
        next_start = starts[1] if len(starts) > 1 else len(text) + 1

        pos = 0
        if text.startswith("#!"):  # 1.1: a first line starting with `#!` is ignored
            eol = _LINE_END.search(text)
            pos = eol.start() if eol else len(text)
            self.comments.append(self.span(0, pos))
        while pos < len(text):
            resume = len(text)
            for m in grammar.scanner.finditer(text, pos):
                kind = m.lastindex
                if kind == ws:
                    continue
                start = m.start()
                while start >= next_start:
                    line_start = next_start
                    next_start = starts[line + 1] if line + 1 < len(starts) else len(text) + 1
                    line += 1
                if kind == atom_kind:
                    token = m.group()
                    value = classes.get(token, classes)  # (the dict itself marks "not yet seen")
                    if value is classes:
                        value = classes[token] = _classify(token)
                    if value is _BAD:
                        self.bad_hash(token, start, start + len(token))
                        continue
                    col = start - line_start + 1
                    atom = Atom(value, Span(file, line, col, line, col + len(token), start, start + len(token)))
                    if appends[states[-1]]:
                        values[-1].items.append(atom)
                    else:
                        feed("ATOM", atom)
                elif kind in openers:
                    term = names[kind]
                    tok = _Tok(term, start, start + len(m.group()), line, start - line_start + 1)
                    pushed = opens[states[-1]].get(term)
                    if pushed is None:
                        feed(term, tok)
                    else:
                        states += pushed
                        values.append(tok)
                        values.append(_Seq(_IN_LIST if term == "LPAR" else _IN_VECTOR))
                elif kind in closers:
                    term = names[kind]
                    code = closes[states[-1]].get(term)
                    if code is None or not joins[states[-3]]:
                        feed(term, _Tok(term, start, start + 1, line, start - line_start + 1))
                    else:
                        seq = values.pop()
                        opener = values.pop()
                        del states[-2:]
                        values[-1].items.append(self.compound(code, opener, seq, line, start - line_start + 2,
                                                              start + 1))
                elif kind in punctuation:
                    term = names[kind or 0]
                    feed(term, _Tok(term, start, m.end(), line, start - line_start + 1))
                else:
                    term = names[kind or 0]
                    if term == "LINE_COMMENT":
                        self.comments.append(self.span(start, m.end()))
                    elif term == "STRING" or term == "OPEN_STRING":
                        feed(term, self.string(m.group(), start, term == "STRING"))
                    elif term == "BLOCK_COMMENT_OPEN":
                        resume = self.block_comment(start)
                        break  # the comment's text is not tokens: scan again after it
                    else:
                        assert term == "BRACE", term
                        self.error("E0001", f"'{m.group()}' is reserved", start, m.end())
            pos = resume
        while states[-1] != grammar.end_state:
            feed(_END, self.tok(_END, len(text), len(text)))  # each open list takes one as its closer
        data: list[Syntax] = values[-1].items
        self.comments.sort(key=lambda s: s.start_offset)
        return ReadResult(tuple(data), tuple(self.diagnostics), tuple(self.comments))

    def string(self, token: str, start: int, closed: bool) -> Atom:
        """A string literal's atom; reports E0003 (unterminated) and E0004 (bad escapes)."""
        body = token[1:-1] if closed else token[1:]
        if not closed:
            self.error("E0003", "unterminated string: no closing '\"' before the end of the file",
                       start, start + len(token))
        if "\\" in body:
            body = self.unescape(body, start + 1)
        return Atom(body, self.span(start, start + len(token)))

    def unescape(self, body: str, offset: int) -> str:
        parts: list[str] = []
        last = 0
        for e in _ESCAPE.finditer(body):
            parts.append(body[last:e.start()])
            last = e.end()
            seq = e.group()
            simple = _SIMPLE_ESCAPES.get(seq)
            if simple is not None:
                parts.append(simple)
                continue
            problem = ""
            if len(seq) == 6 and seq[1] == "u":
                code = int(seq[2:], 16)
                if not 0xD800 <= code <= 0xDFFF:
                    parts.append(chr(code))
                    continue
                problem = ": surrogate code point"
            elif seq.startswith("\\u"):
                problem = ": \\u needs exactly four hex digits"
            shown = seq if seq.isprintable() else seq.encode("unicode_escape").decode("ascii")
            self.error("E0004", f"bad escape '{shown}' in string{problem}",
                       offset + e.start(), offset + e.end())
        parts.append(body[last:])
        return "".join(parts)

    def block_comment(self, start: int) -> int:
        """Skip the (nesting) block comment opened at `start`; returns where scanning resumes."""
        depth = 1
        for m in _BLOCK_MARK.finditer(self.text, start + 2):
            depth += 1 if m.group() == "#|" else -1
            if depth == 0:
                self.comments.append(self.span(start, m.end()))
                return m.end()
        self.error("E0007", "unterminated block comment: no closing '|#' before the end of the file",
                   start, start + 2)
        self.comments.append(self.span(start, len(self.text)))
        return len(self.text)

    def bad_hash(self, token: str, start: int, end: int) -> None:
        if token.startswith("#!"):
            detail = " ('#!' is allowed only at the start of the first line)"
        elif token.startswith("#\\"):
            detail = " (there are no character literals)"
        else:
            detail = ""
        self.error("E0005", f"bad '#' syntax: {token}{detail}", start, end)

    # -- parsing -----------------------------------------------------------------------------

    def feed(self, term: str, value: Any) -> None:
        """Shift one token, with the reductions before and after it; recover where the table has
        no action."""
        grammar = self.grammar
        table, defaults, end_state = grammar.table, grammar.defaults, grammar.end_state
        states = self.states
        values = self.values
        shifted = False
        while True:
            action: int | _Reduction | None
            if shifted:
                # Reduce as far as the table allows without looking further (default reductions),
                # so that the next atom usually finds a sequence on top (`_Grammar.appends`).
                action = defaults[states[-1]]
                if action is None:
                    return
            else:
                action = table[states[-1]].get(term)
                if action is None:
                    retry = self.recover(term, value)
                    if retry is None:
                        return
                    term, value = retry
                    continue
                if isinstance(action, int):
                    states.append(action)
                    values.append(value)
                    shifted = True
                    continue
            size, produced, code = action
            if size:
                popped = values[-size:]
                del values[-size:]
                del states[-size:]
            else:
                popped = []
            if code == _SEQ_ADD:
                result = popped[0]
                result.items.append(popped[1])
            elif code == _PASS:
                result = popped[0]
            else:
                result = self.reduce(code, popped)
            goto = table[states[-1]][produced]
            assert isinstance(goto, int)
            states.append(goto)
            values.append(result)
            if goto == end_state:
                return

    def reduce(self, code: int, popped: list[Any]) -> Any:
        file = self.file
        if code == _SEQ_NEW:
            if not self.values:
                return _Seq(_TOP)
            return _Seq(_IN_LIST if self.values[-1].term == "LPAR" else _IN_VECTOR)
        if code == _LIST or code == _VECTOR:
            opener, seq, closer = popped
            return self.compound(code, opener, seq, closer.line, closer.col + closer.end - closer.start,
                                 closer.end)
        if code == _PREFIXED:
            prefix, _, datum = popped
            end = prefix.col + prefix.end - prefix.start
            head = Atom(sym(_PREFIX_HEADS[prefix.term]),
                        Span(file, prefix.line, prefix.col, prefix.line, end, prefix.start, prefix.end))
            d = datum.span
            return SList((head, datum), Span(file, prefix.line, prefix.col, d.end_line, d.end_col,
                                             prefix.start, d.end_offset))
        if code == _SEQ_DOT:
            seq, dot = popped
            if seq.kind == _IN_LIST:
                seq.dots.append((len(seq.items), dot))
            else:
                where = "outside a list" if seq.kind == _TOP else "in a vector"
                self.error("E0006", f"'.' {where}", dot.start, dot.end)
            return seq
        if code == _SKIPPED:
            comment, _, datum = popped
            self.comments.append(self.span(comment.start, datum.span.end_offset))
            return None
        assert code == _NOTHING
        return None

    def compound(self, code: int, opener: _Tok, seq: _Seq, end_line: int, end_col: int,
                 end: int) -> SList | SVector:
        """The list or vector from `opener` to the position (`end_line`, `end_col`, offset `end`)."""
        span = Span(self.file, opener.line, opener.col, end_line, end_col, opener.start, end)
        if code == _VECTOR:
            return SVector(tuple(seq.items), span)
        return self.make_list(seq, span)

    def make_list(self, seq: _Seq, span: Span) -> SList:
        items = seq.items
        if not seq.dots:
            return SList(tuple(items), span)
        # 1.5: the dot needs at least one datum before it and exactly one after; otherwise E0006,
        # and the list reads as if its dots were absent.
        (before, dot), *others = seq.dots
        after = (others[0][0] if others else len(items)) - before
        valid = not others
        if before == 0:
            self.error("E0006", "'.' needs a datum before it", dot.start, dot.end)
            valid = False
        elif after == 0:
            self.error("E0006", "'.' needs a datum after it", dot.start, dot.end)
            valid = False
        elif after > 1:
            extra = items[before + 1].span
            self.error("E0006", "only one datum may follow '.'", extra.start_offset, extra.end_offset)
            valid = False
        for _, other in others:
            self.error("E0006", "more than one '.' in a list", other.start, other.end)
        if valid:
            return SList(tuple(items[:-1]), span, items[-1])
        return SList(tuple(items), span)

    # -- recovery (LANGUAGE.md 1.8) ------------------------------------------------------------

    def recover(self, term: str, value: Any) -> tuple[str, Any] | None:
        """The table has no action for `term`: apply 1.8. Returns the token to try again (maybe as
        another terminal), or None to drop it."""
        values = self.values
        # A prefix or `#;` still waiting for its datum (only skipped data above it): E0008, and
        # the prefix is ignored.
        i = len(values) - 1
        while i >= 0 and values[i] is None:
            i -= 1
        if i >= 0 and isinstance(values[i], _Tok) and values[i].term in _AWAITING:
            prefix = values[i]
            what = "datum comment" if prefix.term == "DATUM_COMMENT" else "prefix"
            self.error("E0008", f"no datum after the {what} {_TEXT[prefix.term]}", prefix.start, prefix.end)
            if prefix.term == "DATUM_COMMENT":
                self.comments.append(self.span(prefix.start, prefix.end))
            del values[i:]
            del self.states[i + 1:]
            return term, value
        opener = self.innermost_opener()
        if term in _CLOSERS:
            if opener is None:
                self.error("E0001", f"unmatched '{_TEXT[term]}'", value.start, value.end)
                return None
            expected = _OPENERS[opener.term]
            self.error("E0001", f"'{_TEXT[term]}' does not match '{_TEXT[opener.term]}' at "
                       f"{opener.line}:{opener.col} (expected '{_TEXT[expected]}')", value.start, value.end)
            return expected, value  # it closes the innermost open list all the same
        if term == _END and opener is not None:
            if not self.eof_reported:  # one diagnostic per open list, in file order
                self.eof_reported = True
                for tok in values:
                    if isinstance(tok, _Tok) and tok.term in _OPENERS:
                        self.error("E0002", f"unclosed '{_TEXT[tok.term]}': no matching "
                                   f"'{_TEXT[_OPENERS[tok.term]]}' before the end of the file",
                                   tok.start, tok.end)
            return _OPENERS[opener.term], value  # the list ends at the end of the file
        # Unreachable with grammar.lark (every other token is valid wherever a datum may start);
        # dropping the token keeps `read` total should the grammar change.
        return None

    def innermost_opener(self) -> _Tok | None:
        for value in reversed(self.values):
            if isinstance(value, _Tok) and value.term in _OPENERS:
                return value
        return None
