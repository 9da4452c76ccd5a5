"""The amb search tree of a debugged run, derived from its history (record_events.py).

Each choice point is a node at its `amb` (created at the step before the choice); each
alternative taken is a child, the first node of that branch; each branch ends as
* `failed`: the `require`/`(amb)` that failed (its location, the step about to fail);
* `solution`: a value an `amb-collect` collected, or its top-level form finished;
* `abandoned`: cut off by an intervention, a budget, an error or the program's end;
* `current`: the branch the newest recorded state is on (the program is there);
and every untried alternative is a `pending` child (`discarded` once its choice point is gone:
its form finished, a commit, ...). Choice points made inside an `amb-collect` hang below a
`collect` node (the boundary); a branch going on after the collection continues below it
(edge `after`). A branch ended by a backtrack records the transactions that backtrack
discarded (`rolledBack`).

The tree is built incrementally: a builder remembers how far it read, and reads only the
entries recorded since, unless the record changed behind it (truncated by an intervention,
replaced by a new launch), when it starts again.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

import attrs

from ..machine.registers import EMPTY_MAP as EMPTY_STORE
from ..machine.state import ChoicePoint
from ..printer import write_repr
from . import record_events as R
from .values_view import short_location

DEFAULT_BUDGET = 400  # nodes per response; the rest is summarised in clusters


@attrs.define(eq=False)
class TreeNode:
    nid: int
    kind: str  # root choice collect failed solution abandoned current pending (open: a live branch)
    step: int | None  # the step to jump to: a choice's amb, a failure, a solution...
    span: Any = None
    parent: TreeNode | None = None
    children: list[TreeNode] = attrs.field(factory=list)
    start: int | None = None  # the first step of the branch this node begins
    thunk: Any = None  # the edge: the alternative taken (its position and label are read when shown)
    label: str = ""  # a label of its own (`after amb-collect`)
    edge: str = ""  # "after": the branch goes on after an amb-collect
    cp: ChoicePoint | None = None  # choice nodes: the choice point as created
    taken: list[Any] = attrs.field(factory=list)  # choice nodes: the thunks taken, in order
    detail: str = ""
    rolled_back: list[int] = attrs.field(factory=list)
    value: Any = None  # solutions in an amb-collect: the value collected
    collect_id: int = 0  # collect nodes: the amb-collect's id; choice nodes: their boundary
    resume_open: bool = False  # collect nodes: a branch was open when the collection began


class SearchTreeBuilder:
    """Reads a controller's history into a tree, incrementally."""

    def __init__(self, sources: dict[str, Any]) -> None:
        self.sources = sources
        self.nodes: list[TreeNode] = []
        self.root = self._node("root", None)
        self.context: TreeNode = self.root  # the root or the innermost collect node being searched
        self.open: TreeNode | None = None  # the branch being run, if any
        self.by_cp: dict[int, TreeNode] = {}
        self.read_to = -1  # the newest step read
        self.read_slot: Any = None  # that entry's recorded object (to notice a rewritten record)
        self.edits: dict[int, str] = {}
        self.view: TreeView | None = None  # the last view made, while nothing changed
        self.view_key: tuple[int, int, int, bool] | None = None

    def _node(self, kind: str, step: int | None, parent: TreeNode | None = None, **kw: Any) -> TreeNode:
        node = TreeNode(len(self.nodes), kind, step, parent=parent, **kw)
        self.nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        return node

    # ---- reading the record --------------------------------------------------------------

    def still_valid(self, history: Any) -> bool:
        if self.read_to < 0:
            return True
        if not history.has(self.read_to):
            return bool(self.read_to < history.oldest)  # dropped by the history limit: what was read stays true
        return bool(history.states[2 * (self.read_to - history.base)] is self.read_slot)

    def read(self, history: Any) -> None:
        """Read the entries recorded since the last call."""
        lo = max(self.read_to + 1, history.oldest)
        hi = history.newest
        if hi < lo:
            return
        self.edits = dict(history.edits)
        for step, before, entry in R.register_changes(history, lo, hi):
            self._change(history, step, before, entry)
        self.read_to = hi
        self.read_slot = history.states[2 * (hi - history.base)]

    def _change(self, history: Any, step: int, before: Any, entry: tuple[Any, ...]) -> None:
        after = entry[5]
        c, v, k = R.entry_parts(history, step - 1)
        edit = self.edits.get(step)
        collected = R.collecting(c, k)
        if collected and self.open is not None:
            self.open.detail = "collected"
            self.open.value = v
            self._close(self.open, "solution", step - 1, None, "collected")
        failing = R.fail_site(c, k)
        bt = R.find_backtrack(before, entry)
        if bt is not None:
            self._end_branch(failing, step, edit, R.closed_transactions(before, after))
            self._take(bt.cp, bt.cp.remaining[bt.taken], step)
            return
        for cp in R.new_choice_points(before, after):
            self._choice(cp, step)
        if after.form != before.form:
            if self.open is not None:
                self._close(self.open, "solution", step - 1, None, f"top-level form {before.form + 1} finished")
            self.open, self.context = None, self.root
            return
        if self.context is not self.root and (collected or failing is not None) \
                and R.boundary_of(k) == self.context.collect_id:
            self._end_branch(failing, step, edit, [])
            self._leave_collect(step)

    def _end_branch(self, failing: Any, step: int, edit: str | None, rolled_back: list[int]) -> None:
        node = self.open
        if node is None:
            return
        if edit is not None:
            self._close(node, "abandoned", step - 1, None, "intervention: " + edit)
        else:
            self._close(node, "failed", step - 1, failing, "require/amb failed" if failing is not None else "failed")
        node.rolled_back = rolled_back

    def _close(self, node: TreeNode, kind: str, step: int, span: Any, detail: str) -> None:
        node.kind, node.step, node.detail = kind, step, detail
        if span is not None:
            node.span = span
        self.open = None

    def _take(self, cp: ChoicePoint, thunk: Any, step: int) -> None:
        """The branch of `cp`'s alternative `thunk` starts at `step`."""
        parent = self.by_cp.get(cp.cid)
        if parent is None:  # made before the record's oldest kept entry
            parent = self._choice(cp, cp.created, attach=False)
        parent.taken.append(thunk)
        self.context = self._context_of(parent)
        self.open = self._node("open", step, parent, start=step, thunk=thunk, span=_thunk_span(thunk))

    def _context_of(self, node: TreeNode) -> TreeNode:
        n: TreeNode | None = node
        while n is not None and n.kind not in ("collect", "root"):
            n = n.parent
        return n if n is not None else self.root

    def _choice(self, cp: ChoicePoint, step: int, attach: bool = True) -> TreeNode:
        """A choice point made at `step` (the entry after its amb chose)."""
        if attach and cp.boundary != 0 and cp.boundary != self.context.collect_id:
            self._enter_collect(cp, step)
        node = self.open
        if node is None or not attach:
            node = self._node("choice", step - 1, self.context if attach else self.root, start=step - 1)
        node.kind, node.step, node.span, node.cp, node.collect_id = "choice", step - 1, cp.span, cp, cp.boundary
        self.by_cp[cp.cid] = node
        if attach:
            self.open = None
            first = self._first_thunk(cp)
            if first is not None:
                node.taken.append(first)
                self.open = self._node("open", step, node, start=step, thunk=first, span=_thunk_span(first))
        return node

    @staticmethod
    def _first_thunk(cp: ChoicePoint) -> Any:
        """The alternative a fresh choice point took first: the amb's list minus `remaining`."""
        rest = {id(t) for t in cp.remaining}
        return next((t for t in _list_items(cp.state.v) if id(t) not in rest), None)

    def _enter_collect(self, cp: ChoicePoint, step: int) -> None:
        frame = R.collect_frame(cp)
        node = self.open
        resume_open = node is not None
        if node is None:
            node = self._node("collect", step - 1, self.context, start=step - 1)
        node.kind, node.step = "collect", step - 1
        node.span = frame.node.span if frame is not None else None
        node.collect_id, node.resume_open = cp.boundary, resume_open
        self.context, self.open = node, None

    def _leave_collect(self, step: int) -> None:
        node = self.context
        parent = self._context_of(node.parent) if node.parent is not None else self.root
        self.context = parent
        self.open = self._node("open", step, node, start=step, edge="after", label="after amb-collect") \
            if node.resume_open else None


def _short(text: str) -> str:
    return text if len(text) <= R.LABEL_LIMIT else text[:R.LABEL_LIMIT - 1] + "…"


def _thunk_span(thunk: Any) -> Any:
    return getattr(getattr(getattr(thunk, "lam", None), "body", None), "span", None)


_BUILDERS: weakref.WeakKeyDictionary[Any, SearchTreeBuilder] = weakref.WeakKeyDictionary()


def builder_for(ctl: Any) -> SearchTreeBuilder:
    """The controller's builder, brought up to date with its history."""
    history = ctl.history
    b = _BUILDERS.get(history)
    if b is None or not b.still_valid(history):
        b = SearchTreeBuilder(ctl.sources)
        _BUILDERS[history] = b
    b.sources = ctl.sources
    b.read(history)
    return b


# ---- the view: kinds, counts, clusters ------------------------------------------------------

_KIND_INDEX = {"choice": 0, "failed": 1, "solution": 2, "abandoned": 4}


class TreeView:
    """A tree read up to the newest entry, seen from the current step `current`."""

    def __init__(self, b: SearchTreeBuilder, history: Any, current: int, finished: bool) -> None:
        self.b = b
        self.current = current
        self.pending_now = {cp.cid for cp in history.get(history.newest).r.choices} if history.size else set()
        self.open_kind = "current"
        if finished and b.open is not None:
            self.open_kind = "abandoned"
            # The run ended on this branch: by a failure with nothing left to try (amb-exhausted),
            # or otherwise (an error, a budget, exit).
            lo = max(history.oldest, b.open.start or 0, history.newest - 10_000)
            for s in range(history.newest, lo - 1, -1):
                c, _v, k = R.entry_parts(history, s)
                span = R.fail_site(c, k)
                if span is not None:
                    self.open_kind = "failed"
                    b.open.span, b.open.step = span, s
                    break
        self.pending: dict[int, list[tuple[int, Any]]] = {}
        self.counts = self._count()

    def kind(self, node: TreeNode) -> str:
        return self.open_kind if node.kind == "open" else node.kind

    def untried(self, node: TreeNode) -> list[tuple[int, Any]]:
        """A choice node's untried alternatives: (position, thunk)."""
        cached = self.pending.get(node.nid)
        if cached is None:
            cp = node.cp
            cached = []
            if cp is not None and len(node.taken) < cp.total:
                taken = {id(t) for t in node.taken}
                for i, t in enumerate(_list_items(cp.state.v)):
                    if id(t) not in taken:
                        cached.append((R.alternative_position(cp, t) or i + 1, t))
            self.pending[node.nid] = cached
        return cached

    def _count(self) -> list[list[int]]:
        """[choicePoints, failed, solutions, pending, abandoned] of every subtree, by node id (a
        child's id is always above its parent's, so one backward pass adds them up)."""
        nodes = self.b.nodes
        counts = [[0, 0, 0, 0, 0, 1] for _ in nodes]  # the sixth: the subtree's number of nodes
        for n in reversed(nodes):
            c = counts[n.nid]
            i = _KIND_INDEX.get(self.kind(n))
            if i is not None:
                c[i] += 1
            if i == 0 and n.cp is not None and len(n.taken) < n.cp.total:
                c[3] += len(self.untried(n))
            if n.parent is not None:
                p = counts[n.parent.nid]
                p[0] += c[0]
                p[1] += c[1]
                p[2] += c[2]
                p[3] += c[3]
                p[4] += c[4]
                p[5] += c[5]
        return counts

    def counts_json(self, nid: int) -> dict[str, int]:
        return _counts_json(self.counts[nid])

    def current_path(self) -> list[TreeNode]:
        """The root, then each node whose branch holds the current step, outermost first (a
        node's children are in the order their branches began)."""
        path = [self.b.root]
        node = self.b.root
        while True:
            nxt = None
            for ch in node.children:
                if ch.start is not None and ch.start <= self.current:
                    nxt = ch
            if nxt is None:
                return path
            path.append(nxt)
            node = nxt

    def render(self, start: TreeNode, budget: int, depth: int | None, sources: dict[str, Any],
               line_out: Any = None, col_out: Any = None) -> dict[str, Any]:
        """The subtree at `start` as JSON: breadth-first up to `budget` nodes, the current path
        and the paths to (the first) solutions always included, the rest in clusters."""
        lo = line_out or (lambda x: x)
        co = col_out or (lambda x: x)
        path = self.current_path()
        on_path = {n.nid for n in path}
        wanted = set(on_path)
        for n in self.b.nodes:
            if n.kind == "solution" and len(wanted) < budget:
                m: TreeNode | None = n
                while m is not None and m.nid not in wanted:
                    wanted.add(m.nid)
                    m = m.parent
        shown: set[int] = {start.nid}
        level: deque[tuple[TreeNode, int]] = deque([(start, 0)])
        room = budget - len(wanted | shown)  # the wanted nodes have their places kept
        counts = self.counts

        def only_failures(n: TreeNode) -> bool:
            c = counts[n.nid]
            return c[2] == 0 and c[3] == 0 and c[5] > 1

        # A tree too big to show whole: subtrees holding nothing but failures are summarised first
        # (as Gist hides failed subtrees), so the paths to solutions, pending alternatives and the
        # current branch stay readable. An expanded cluster (`start` all failures) shows breadth-first.
        hide_failures = counts[start.nid][5] > budget and not only_failures(start)
        while level:
            n, d = level.popleft()
            if depth is not None and d >= depth:
                continue
            for ch in n.children:
                if ch.nid in wanted:
                    shown.add(ch.nid)
                    level.append((ch, d + 1))
                elif hide_failures and only_failures(ch):
                    continue
                elif room > 0:
                    shown.add(ch.nid)
                    room -= 1
                    level.append((ch, d + 1))
        here = path[-1].nid

        def place(out: dict[str, Any], span: Any) -> None:
            if span is not None:
                out["line"], out["column"] = lo(span.start_line), co(span.start_col)
                out["location"] = short_location(span)

        def edge(out: dict[str, Any], cp: ChoicePoint, thunk: Any) -> None:
            out["alternative"] = R.alternative_position(cp, thunk)
            label = R.alternative_label(cp, thunk, sources, cp.state.s)
            if label:
                out["label"] = label

        def one(n: TreeNode) -> dict[str, Any]:
            kind = self.kind(n)
            out: dict[str, Any] = {"id": n.nid, "kind": kind, "step": n.step, "line": 0, "column": 0}
            place(out, n.span)
            if n.start is not None:
                out["start"] = n.start
            parent_cp = n.parent.cp if n.parent is not None else None
            if n.thunk is not None and parent_cp is not None:
                edge(out, parent_cp, n.thunk)
            if n.label:
                out["label"] = n.label
            if n.edge:
                out["edge"] = n.edge
            detail = n.detail
            if n.value is not None:
                detail = "collected " + _short(write_repr(n.value, parent_cp.state.s if parent_cp else EMPTY_STORE))
            if detail:
                out["detail"] = detail
            if n.rolled_back:
                out["rolledBack"] = [f"tx-{t}" for t in n.rolled_back]
            if n.cp is not None:
                out["choicePoint"] = f"cp-{n.cp.cid}"
                out["alternatives"] = n.cp.total
            if kind == "collect":
                out["boundary"] = "amb-collect"
            if n.nid in on_path:
                out["onPath"] = True
            if n.nid == here:
                out["here"] = True
            out["counts"] = self.counts_json(n.nid)
            return out

        def children(n: TreeNode) -> list[dict[str, Any]]:
            kids: list[dict[str, Any]] = []
            hidden: list[TreeNode] = []

            def flush() -> None:
                if hidden:
                    total = [0, 0, 0, 0, 0]
                    for h in hidden:
                        for i, x in enumerate(self.counts[h.nid][:5]):
                            total[i] += x
                    first = hidden[0]
                    cluster: dict[str, Any] = {"id": -1 - first.nid, "kind": "cluster", "step": first.step,
                                               "line": 0, "column": 0, "members": [h.nid for h in hidden],
                                               "counts": _counts_json(total), "label": _cluster_label(total),
                                               "children": []}
                    place(cluster, first.span)
                    kids.append(cluster)
                    hidden.clear()

            for ch in n.children:
                if ch.nid in shown:
                    flush()
                    kids.append(push(ch))
                else:
                    hidden.append(ch)
            flush()
            cp = n.cp
            if cp is not None and self.kind(n) == "choice":
                discarded = cp.cid not in self.pending_now
                for _pos, thunk in self.untried(n):
                    p: dict[str, Any] = {"id": -1, "kind": "pending", "step": None, "line": 0, "column": 0,
                                         "choicePoint": f"cp-{cp.cid}", "children": [],
                                         "counts": _counts_json([0, 0, 0, 1, 0])}
                    place(p, _thunk_span(thunk))
                    edge(p, cp, thunk)
                    if discarded:
                        p["discarded"] = True
                    kids.append(p)
            return kids

        work: list[tuple[TreeNode, dict[str, Any]]] = []

        def push(n: TreeNode) -> dict[str, Any]:
            js = one(n)
            work.append((n, js))
            return js

        top = push(start)
        while work:
            n, js = work.pop()
            js["children"] = children(n)
        return top


def _counts_json(c: list[int]) -> dict[str, int]:
    return {"choicePoints": c[0], "failed": c[1], "solutions": c[2], "pending": c[3], "abandoned": c[4]}


def _cluster_label(c: list[int]) -> str:
    """`1,234 more failed · 1 solution`: what a cluster holds."""
    parts = []
    if c[1]:
        parts.append(f"{c[1]:,} more failed")
    if c[2]:
        parts.append(f"{c[2]:,} solutions" if c[2] != 1 else "1 solution")
    if c[3]:
        parts.append(f"{c[3]:,} pending")
    if c[4]:
        parts.append(f"{c[4]:,} abandoned")
    return " · ".join(parts) if parts else f"{c[0]:,} choice points"


def _list_items(v: Any) -> list[Any]:
    out = []
    while hasattr(v, "car"):
        out.append(v.car)
        v = v.cdr
    return out


def search_tree(ctl: Any, node: int | None = None, budget: int = DEFAULT_BUDGET, depth: int | None = None,
                line_out: Any = None, col_out: Any = None) -> dict[str, Any]:
    """The body of `omega/searchTree`: `totals` of the whole search so far, and `root` (or the
    node `node`) rendered within `budget` nodes and `depth` levels."""
    b = builder_for(ctl)
    history = ctl.history
    key = (b.read_to, history.oldest, ctl.cur, ctl.finished is not None)
    view = b.view if b.view is not None and b.view_key == key else None
    if view is None:
        view = TreeView(b, history, ctl.cur, ctl.finished is not None)
        b.view, b.view_key = view, key
    if node is None:
        start = b.root
    elif 0 <= node < len(b.nodes):
        start = b.nodes[node]
    else:
        raise KeyError(node)
    totals = view.counts_json(b.root.nid)
    return {"totals": totals, "root": view.render(start, max(1, budget), depth, ctl.sources, line_out, col_out),
            "current": ctl.cur, "newest": history.newest, "oldest": history.oldest, "nodes": len(b.nodes)}


def iter_nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a rendered tree, depth-first, pre-order."""
    todo = [tree]
    while todo:
        n = todo.pop()
        yield n
        todo.extend(reversed(n.get("children", [])))


def _node_text(n: dict[str, Any]) -> str:
    kind = n["kind"]
    where = f" at {n['location']}" if "location" in n else ""
    step = f" (step {n['step']})" if n.get("step") is not None else ""
    if kind == "choice":
        text = f"{n['choicePoint']} amb{where}{step}"
    elif kind == "collect":
        text = f"amb-collect{where}{step}"
    elif kind == "cluster":
        text = f"[{n['label']}] (node {', '.join(str(m) for m in n['members'][:5])}{'…' if len(n['members']) > 5 else ''})"
    elif kind == "pending":
        text = "pending" + (" (discarded)" if n.get("discarded") else "")
    else:
        detail = f": {n['detail']}" if n.get("detail") and kind != "failed" else ""
        text = f"{kind}{where}{step}{detail}"
    if n.get("rolledBack"):
        text += f" · rolled back {', '.join(n['rolledBack'])}"
    if n.get("here"):
        text += "   <- current step"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def render_text(body: dict[str, Any]) -> list[str]:
    """An `omega/searchTree` body as lines of text (`omega debug`'s `tree` command)."""
    t = body["totals"]
    lines = [f"Search tree: {_plural(t['choicePoints'], 'choice point')} · {t['failed']:,} failed · "
             f"{_plural(t['solutions'], 'solution')} · {t['pending']:,} pending"
             + (f" · {t['abandoned']:,} abandoned" if t.get("abandoned") else "")
             + f" (current step {body['current']})"]
    root = body["root"]
    top = root["children"] if root["kind"] == "root" else [root]
    todo: list[tuple[dict[str, Any], str, str]] = [(ch, "", "") for ch in reversed(top)]
    while todo:
        n, lead, rest = todo.pop()
        edge = ""
        if "alternative" in n:
            edge = f"#{n['alternative']}" + (f" {n['label']}" if n.get("label") else "") + ": "
        elif n.get("edge") == "after":
            edge = "after amb-collect: "
        lines.append(f"{lead}{edge}{_node_text(n)}")
        kids = n.get("children", [])
        for i in range(len(kids) - 1, -1, -1):
            last = i == len(kids) - 1
            todo.append((kids[i], rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  ")))
    return lines
