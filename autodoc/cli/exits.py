"""The CLI's exit codes, one home for every command."""

EXIT_OK, EXIT_ISSUES, EXIT_INPUT, EXIT_STOPPED = 0, 1, 2, 130
