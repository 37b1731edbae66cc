"""Fixtures for runs of the whole CLI: a clean working directory and the example project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_PROJECT = REPO / "examples" / "breast_cancer_risk"


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory without autodoc, LLM, Domino or MLflow variables."""
    for name in list(os.environ):
        if name.startswith(("AUTODOC_", "LLM_", "DOMINO_", "ANTHROPIC_", "OPENAI_", "MLFLOW_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
