"""The offline writer: a deterministic planner and prose from evidence, no network."""
