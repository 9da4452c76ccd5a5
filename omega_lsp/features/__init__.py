"""LSP features, one module each; `register_all` wires them into a server."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..server import OmegaServer


def register_all(server: OmegaServer) -> None:
    from . import (
        code_actions,
        completion,
        diagnostics,
        formatting,
        hover,
        navigation,
        ranges,
        rename,
        semantic_tokens,
        signature_help,
        symbols,
    )

    for module in (diagnostics, hover, completion, signature_help, navigation, rename, symbols, ranges,
                   semantic_tokens, formatting, code_actions):
        module.register(server)
