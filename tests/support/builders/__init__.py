"""Builders of synthetic evidence, specs and document states that tests share."""
