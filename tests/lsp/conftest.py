"""pytest-lsp fixtures: one `omega-lsp` process per test module and client preset.

Every test runs under the capabilities VS Code, Neovim and Emacs declare (pytest-lsp's presets),
which between them cover the three position encodings and both push and pull diagnostics.
"""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

CLIENTS = ["visual-studio-code", "neovim", "emacs"]


@pytest_lsp.fixture(
    scope="module",
    params=CLIENTS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "omega_lsp"]),
)
async def client(lsp_client: LanguageClient, request):  # type: ignore[no-untyped-def]
    params = lsp.InitializeParams(capabilities=client_capabilities(request.param),
                                  initialization_options={"debounceMs": 10})
    lsp_client.diagnostic_versions = {}  # type: ignore[attr-defined]

    def on_publish(p: lsp.PublishDiagnosticsParams) -> None:
        lsp_client.diagnostics[p.uri] = p.diagnostics
        lsp_client.diagnostic_versions[p.uri] = p.version  # type: ignore[attr-defined]
        lsp_client.publish_count = getattr(lsp_client, "publish_count", 0) + 1  # type: ignore[attr-defined]

    # Keep the version too, so that tests can wait for the diagnostics of a given edit.
    lsp_client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    result = await lsp_client.initialize_session(params)
    lsp_client.init_result = result  # type: ignore[attr-defined]
    lsp_client.preset = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
