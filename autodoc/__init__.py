"""autodoc: model documentation written from an ML codebase and its MLflow server."""

__version__ = "0.1.0"
