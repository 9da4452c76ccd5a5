"""omega-lsp: the Omega language server (pygls 2.x), built on the runtime's reader and expander."""
