"""Kedro: a pipeline's ``node(func=train_model, inputs=[..., "params:model"])`` calls the function
with the catalog's datasets and the project's parameters.

The module scan records each node as a call of its function (`node_call`), so the tree scan
resolves that function's parameters where the node names them: an input ``params:model`` is the
``model`` key of the project's parameters files (conf/base/parameters*.yml), ``parameters`` all of
them, any other input a dataset of the catalog (read at run time); `parameters_file` finds them.
"""

from __future__ import annotations

import ast
import re
from typing import Any

NODE_CALLS = frozenset(
    {"kedro.pipeline.node", "kedro.pipeline.node.node", "kedro.pipeline.modular_pipeline.node"}
)
KPARAMS = "$kparams"  # {"$kparams": [key, ...]}: a key of the Kedro project's parameters
_PARAMS_FILE = re.compile(r"(^|/)conf/base/(parameters[^/]*|parameters/.+)\.ya?ml$")


def node_call(aliases: dict[str, str], node: ast.Call) -> tuple[str, list[Any], dict[str, Any]] | None:
    """(origin of the node's function, its positional and keyword arguments) of a Kedro ``node(...)``
    call whose function is a name (``func=train_model``, or the first argument); None otherwise."""
    if aliases.get("node") not in NODE_CALLS:
        return None
    given = {k.arg: k.value for k in node.keywords if k.arg in ("func", "inputs")}
    for name, arg in zip(("func", "inputs"), node.args, strict=False):
        given.setdefault(name, arg)
    func = given.get("func")
    if type(func) is not ast.Name:
        return None
    origin = aliases.get(func.id)
    star = aliases.get("*")  # from .nodes import *
    origin = origin if origin and "." in origin else f"{star[:-2]}.{func.id}" if star else func.id
    inputs = given.get("inputs")
    if type(inputs) is ast.Constant and isinstance(inputs.value, str):
        return origin, [_input(inputs.value)], {}
    if type(inputs) in (ast.List, ast.Tuple):
        return origin, [_input(e.value if type(e) is ast.Constant else None) for e in inputs.elts], {}  # type: ignore[attr-defined]
    if type(inputs) is ast.Dict:
        keys = [k.value if type(k) is ast.Constant else None for k in inputs.keys]  # type: ignore[union-attr]
        values = [v.value if type(v) is ast.Constant else None for v in inputs.values]  # type: ignore[attr-defined]
        return origin, [], {str(k): _input(v) for k, v in zip(keys, values, strict=True) if k}
    return None


def _input(name: object) -> Any:
    if name == "parameters":
        return {KPARAMS: []}
    if isinstance(name, str) and name.startswith("params:"):
        return {KPARAMS: name.removeprefix("params:").split(".")}
    return {"$expr": f"the Kedro dataset {name}" if isinstance(name, str) else "a Kedro dataset"}


def parameters_file(configs: dict[str, Any], keys: list[Any]) -> str | None:
    """The parameters file of the base environment that holds `keys`' first key (all of them are
    the ``parameters`` input: the first file then), in path order."""
    files = sorted(rel for rel in configs if _PARAMS_FILE.search(rel))
    held = [rel for rel in files if not keys or (isinstance(configs[rel], dict) and keys[0] in configs[rel])]
    return held[0] if held else None
