"""Writing: narratives from evidence, figures checked against it, tables and charts filled by code."""
