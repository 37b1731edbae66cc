"""The target chosen through a data dictionary: a frame of column metadata filtered on a type
column equal to ``'target'``, then its name column taken.

``target_col = list(d["feature"][d["feature_type"] == "target"])`` (also ``d.loc[mask, "feature"]``
and ``d[mask]["feature"]``, with ``.tolist()``, ``.values``, ``[0]`` or ``.iloc[0]`` around it)
gives a target fact with no column yet: the tree scan (`scan.code.dictionaries`) reads the
dictionary file the frame was read from, when it is text in the repository, else says what the
code does. The column is never guessed.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

# the value a dictionary's type column gives the label's row
TARGET_TYPES = re.compile(r"^(?:target|label|outcome|response|dependent|y)$", re.IGNORECASE)
_WRAPPERS = frozenset({"list", "tuple", "set", "sorted"})
_METHODS = frozenset({"tolist", "to_list", "item", "squeeze", "unique", "to_numpy"})
_ATTRS = frozenset({"values", "iloc", "array"})


def dictionary_target(ex: Extractor, name: str, node: ast.expr, line: int, scope: str) -> bool:
    """``name = <dictionary>[<name column>][<dictionary>[<type column>] == "target"]``: a target fact
    that says which dictionary, which columns and where the dictionary frame is read."""
    found = _selection(_unwrap(node), ex, scope)
    if found is None:
        return False
    frame, name_col, type_col, type_value = found
    attrs: dict[str, Any] = {
        "name": name,
        "how": "data dictionary",
        "dictionary_frame": frame,
        "name_column": name_col,
        "type_column": type_col,
        "type_value": type_value,
    }
    read = _read_line(ex, frame, line, scope)
    if read is not None:
        attrs["dictionary_cell"], attrs["dictionary_line"] = read
    label = f"target column: the {name_col} whose {type_col} is {type_value!r} in a data dictionary"
    ex.add(Fact("target", None, label, line, scope=scope, value=None, attrs=attrs, text=ex.line(line)))
    return True


def _unwrap(node: ast.expr) -> ast.expr:
    """The selection inside ``list(...)``, ``.tolist()``, ``.values``, ``[0]``, ``.iloc[0]``."""
    while True:
        t = type(node)
        if t is ast.Call and type(node.func) is ast.Name and node.func.id in _WRAPPERS and node.args:
            node = node.args[0]
        elif t is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _METHODS:
            node = node.func.value
        elif (t is ast.Attribute and node.attr in _ATTRS) or (
            t is ast.Subscript and type(node.slice) is ast.Constant and isinstance(node.slice.value, int)
        ):
            node = node.value
        else:
            return node


def _selection(node: ast.expr, ex: Extractor, scope: str) -> tuple[str, str, str, str] | None:
    """(frame, name column, type column, type value) of a dictionary's target selection."""
    if type(node) is not ast.Subscript:
        return None
    outer, inner = node.value, node.slice
    if type(outer) is ast.Attribute and outer.attr == "loc" and type(inner) is ast.Tuple:
        if len(inner.elts) != 2:
            return None
        frame, (mask, col) = outer.value, inner.elts  # d.loc[d["type"] == "target", "feature"]
    elif type(inner) is ast.Compare and type(outer) is ast.Subscript:
        frame, mask, col = outer.value, inner, outer.slice  # d["feature"][d["type"] == "target"]
    elif type(outer) is ast.Subscript and type(outer.slice) is ast.Compare:
        frame, mask, col = outer.value, outer.slice, inner  # d[d["type"] == "target"]["feature"]
    else:
        return None
    name_col = ex.value(col, scope)
    test = _type_test(mask, ex, scope)
    if type(frame) is not ast.Name or not isinstance(name_col, str) or test is None:
        return None
    if test[0] != frame.id:
        return None
    return frame.id, name_col, test[1], test[2]


def _type_test(mask: ast.expr, ex: Extractor, scope: str) -> tuple[str, str, str] | None:
    """``d["feature_type"] == "target"``: (frame, type column, type value)."""
    if type(mask) is not ast.Compare or len(mask.ops) != 1 or type(mask.ops[0]) is not ast.Eq:
        return None
    left, right = mask.left, mask.comparators[0]
    if type(left) is ast.Constant:
        left, right = right, left
    value = ex.value(right, scope)
    if type(left) is not ast.Subscript or type(left.value) is not ast.Name:
        return None
    column = ex.value(left.slice, scope)
    if not isinstance(column, str) or not isinstance(value, str) or not TARGET_TYPES.match(value):
        return None
    return left.value.id, column, value


def _read_line(ex: Extractor, frame: str, line: int, scope: str) -> tuple[int | None, int] | None:
    """(cell, line) of the data read whose result is bound to `frame` last before `line` in `scope`
    (``d = pd.read_excel(path)``): the tree scan finds the file it reads there."""
    binds = re.compile(rf"^\s*{re.escape(frame)}\s*=[^=]")
    best: tuple[int | None, int] | None = None
    for fact in ex.m.facts:
        if fact.kind != "data_source" or fact.scope != scope:
            continue
        if fact.cell == ex.cell and fact.line >= line:
            continue
        lines = ex.cell_lines.get(fact.cell, ())
        here = (fact.cell, fact.line)
        later = best is None or (here[0] or 0, here[1]) > (best[0] or 0, best[1])
        if later and 0 < fact.line <= len(lines) and binds.match(lines[fact.line - 1]):
            best = here
    return best
