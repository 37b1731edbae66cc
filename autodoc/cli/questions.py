"""`autodoc questions`: what evidence cannot answer, as a questionnaire (see `autodoc.cli.check`)."""

from autodoc.cli.check import questions_command as command

__all__ = ["command"]
