"""The CESK machine: compiled nodes, continuation frames, registers and the step loop."""
