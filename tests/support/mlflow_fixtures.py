"""MLflow fixtures (owned by the MLflow scanner work)."""
