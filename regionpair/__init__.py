"""regionpair: the CLI, the offline check, the mock-runtime harness and the operations library."""
