"""Print the modules in autodoc/ over 400 lines and the functions over 60 lines.

`python scripts/sizes.py` lists them (exit 0); `--check` exits 1 when any exist, so the
house rules (small modules, small functions) can gate a build.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "autodoc"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def long_modules(root: Path) -> list[tuple[str, int]]:
    """(path, lines) of every module over the limit, longest first."""
    sizes = [(str(p.relative_to(root.parent)), len(p.read_text().splitlines())) for p in root.rglob("*.py")]
    return sorted((s for s in sizes if s[1] > MAX_MODULE_LINES), key=lambda s: -s[1])


def long_functions(root: Path) -> list[tuple[str, int]]:
    """(path:line name, lines) of every function or method over the limit, longest first."""
    found: list[tuple[str, int]] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(root.parent)}:{node.lineno} {node.name}"
                    found.append((where, lines))
    return sorted(found, key=lambda f: -f[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when any module or function is too long")
    args = parser.parse_args()
    modules, functions = long_modules(ROOT), long_functions(ROOT)
    print(f"modules over {MAX_MODULE_LINES} lines: {len(modules)}")
    for where, lines in modules:
        print(f"  {lines:5d}  {where}")
    print(f"functions over {MAX_FUNCTION_LINES} lines: {len(functions)}")
    for where, lines in functions:
        print(f"  {lines:5d}  {where}")
    return 1 if args.check and (modules or functions) else 0


if __name__ == "__main__":
    sys.exit(main())
