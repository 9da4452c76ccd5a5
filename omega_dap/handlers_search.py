"""`omega/searchTree`: the amb search tree derived from the history (search_tree.py).

Arguments (all optional): `node` (a node id from an earlier answer: that subtree, e.g. to expand
a cluster), `budget` (nodes in the answer, default 400; the rest is summarised in clusters),
`depth` (levels below the root of the answer). The body: `totals` of the whole search so far
(exact whatever was clustered), `root`, `current`, `oldest`, `newest`, `nodes`.
"""

from __future__ import annotations

from omega_runtime.debug.search_tree import DEFAULT_BUDGET, search_tree

from .session import DapError, Request, Session, handler


@handler("omega/searchTree")
def search_tree_request(s: Session, req: Request) -> None:
    node = req.get("node", int, None)
    budget = req.get("budget", int, DEFAULT_BUDGET)
    depth = req.get("depth", int, None)
    if budget < 1:
        raise DapError(1002, 'omega/searchTree: "budget" must be >= 1')
    if depth is not None and depth < 0:
        raise DapError(1002, 'omega/searchTree: "depth" must be >= 0')
    ctl = s.need_stopped(allow_ended=True)
    if not ctl.history.enabled:
        raise DapError(1005, "Time travel is off: the search tree is read from the history")

    def run() -> None:
        try:
            body = search_tree(ctl, node, budget, depth, s.line_out, s.col_out)
        except KeyError:
            raise DapError(1003, f"Search tree node {node} is unknown") from None
        s.respond(req, body)

    s.queue(req, run)
