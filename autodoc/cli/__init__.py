"""The command line (`autodoc`, `python main.py`): parse flags, call the pipeline, show progress."""

from autodoc.cli.main import main

__all__ = ["main"]
