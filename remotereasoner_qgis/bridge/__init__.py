"""The engine bridge: everything that talks to the engine process (worker, subprocesses, its options and events), no widgets."""
