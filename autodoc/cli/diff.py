"""`autodoc diff`: a redline between two document versions (see `autodoc.cli.check`)."""

from autodoc.cli.check import diff_command as command

__all__ = ["command"]
