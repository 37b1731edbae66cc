"""`python -m autodoc [options]`: the same CLI as the `autodoc` command."""

import sys

from autodoc.cli import main

if __name__ == "__main__":
    sys.exit(main())
