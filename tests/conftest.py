"""Shared fixtures live in tests/support/*; each area owns its own module."""

import os

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")

pytest_plugins = [
    "tests.support.mlflow_fixtures",
    "tests.support.llm_fixtures",
    "tests.support.ops_fixtures",
]
