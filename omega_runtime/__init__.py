"""The Omega language runtime: reader, expander, CESK machine and the OmegaRuntime facade."""
