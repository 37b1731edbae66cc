"""Reading an MLflow tracking server: client, snapshot of runs and models, evidence items."""
