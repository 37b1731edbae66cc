"""A per-row keyword argument read from a data column, said in words.

``offset=np.log(train["Exposure"])`` gives a GLM one value per row: there is no single value to
show, but the expression says exactly what it is, "the log of the column Exposure". Only plain
shapes are said (a frame's column, alone or inside one numpy function); any other expression
stays "set at run time".
"""

from __future__ import annotations

import ast

from autodoc.scan.code.rules.formula import FUNCTION_WORDS

# keyword arguments that take one value per row of the data (statsmodels GLMs, scikit-learn fits)
PER_ROW_KEYS = frozenset({"offset", "exposure", "sample_weight", "weights", "freq_weights", "var_weights"})
_MODULES = frozenset({"np", "numpy", "math"})
# names that hold settings, not data: cfg["weights"] is a configured value, not a column
_SETTINGS_NAMES = frozenset(
    {"self", "cls", "args", "cfg", "config", "conf", "params", "settings", "opts", "options", "hparams", "hp"}
)
# attributes of a frame that are no column of it
_FRAME_ATTRIBUTES = frozenset({"values", "index", "columns", "shape", "T", "dtypes", "size", "loc", "iloc"})


def per_row_words(key: str, node: ast.expr) -> str | None:
    """``the log of the column Exposure`` for ``offset=np.log(train['Exposure'])`` (None when the
    argument is not a per-row one or its expression is not a column, plain or in one function)."""
    if key not in PER_ROW_KEYS:
        return None
    lead = ""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        lead = FUNCTION_WORDS.get(_function_name(node.func), "")
        if not lead:
            return None
        node = node.args[0]
    column = _column(node)
    return f"{lead}the column {column}" if column else None


def _function_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MODULES:
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _column(node: ast.expr) -> str | None:
    """``train['Exposure']`` or ``train.Exposure``: a column of a frame held by a plain name."""
    if isinstance(node, ast.Subscript):
        frame, key = node.value, node.slice
        column = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    elif isinstance(node, ast.Attribute):
        frame, column = node.value, (node.attr if node.attr not in _FRAME_ATTRIBUTES else None)
    else:
        return None
    if not isinstance(frame, ast.Name) or frame.id in _SETTINGS_NAMES:
        return None
    return column
