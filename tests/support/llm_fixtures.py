"""Fake LLM server fixtures (owned by the providers work)."""
