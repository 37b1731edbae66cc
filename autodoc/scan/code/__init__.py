"""Reading a codebase without running it: files, facts, values and which code is live."""
