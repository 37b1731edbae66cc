"""Test code, read by a line scan: which tests exist, never a value (test code is not the model).

A test module becomes one ``module`` fact naming its test functions and classes (``test_*``,
``Test*``), with their count; nothing in it is parsed, walked or quoted, so a large test suite
costs a fraction of parsing it. Names are redacted like any text that leaves the scanner.
"""

from __future__ import annotations

import re

from autodoc.scan.code.model import Fact, ModuleFacts
from autodoc.scan.code.result import FileResult
from autodoc.scan.secrets import redact_counts

MAX_NAMED = 40  # test names kept on the fact; the count says how many there are
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_MAIN = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)


def read_test_module(relpath: str, text: str) -> FileResult:
    """The fact of one test module: its tests by name (`module.functions` keeps every symbol's line)."""
    res = FileResult("python")
    mod = res.module = ModuleFacts()
    tests: list[str] = []
    classes: list[tuple[int, str]] = []  # (indent, name) of the classes enclosing the current line
    line_starts = _LineIndex(text)
    for m in _DEF.finditer(text):
        indent, what, name = len(m.group(1).expandtabs()), m.group(2), m.group(3)
        while classes and classes[-1][0] >= indent:
            classes.pop()
        qual = ".".join([*(c for _, c in classes), name])
        line = line_starts.line(m.start())
        mod.functions[qual] = (line, line)
        if what == "class":
            mod.classes.setdefault(qual, [])
            classes.append((indent, name))
            if name.startswith("Test"):
                tests.append(qual)
        elif name.startswith("test"):
            tests.append(qual)
    mod.has_main = bool(_MAIN.search(text)) if "__main__" in text else False
    if tests:
        names, _ = redact_counts(", ".join(tests[:MAX_NAMED]))
        more = f" and {len(tests) - MAX_NAMED} more" if len(tests) > MAX_NAMED else ""
        res.facts.append(
            Fact(
                "module",
                None,
                f"test module {relpath}: {len(tests)} tests ({names}{more})"[:400],
                1,
                value=relpath,
                attrs={"tests": names.split(", "), "test_count": len(tests)},
            )
        )
    mod.facts = res.facts
    return res


class _LineIndex:
    """Line numbers of offsets found in increasing order (one pass over the text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lineno = 1

    def line(self, offset: int) -> int:
        self.lineno += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.lineno
