"""Keeping a document current: `autodoc check`, change logs, diffs, and what only people know."""
