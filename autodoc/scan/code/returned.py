"""The file a helper function returns, followed across modules.

``dataset_path = download_dataset()`` (imported) then ``pd.read_csv(dataset_path)``, or
``load_dataset(dataset_path)`` whose body reads its parameter: the file is what the helper returns
(``return DATA_DIR / DATASET_FILE``). Each module keeps the path each of its parameterless top-level
functions returns (`path_returns`); a name bound to such a call of an imported function becomes a
``{"$ret": [module, function]}`` reference (`remember`, `reference`) that the tree scan resolves
(`resolve.Resolver`) like a ``$ref``. Only paths: a helper that returns a frame or a model is no value.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE
from autodoc.scan.code.syntax import walk
from autodoc.scan.code.value_text import RET, is_concat

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


def remember(ex: Extractor, name: str, value: ast.expr, scope: str) -> None:
    """``name = helper()`` with `helper` imported from another module and called with no argument."""
    func = value.func if type(value) is ast.Call and not value.args and not value.keywords else None
    origin = ex.m.aliases.get(func.id, "") if type(func) is ast.Name else ""
    ex.helper_results.pop((scope, name), None)  # bound again: the last binding counts
    if "." in origin:
        module, _, called = origin.rpartition(".")
        ex.helper_results[(scope, name)] = {RET: [module, called]}


def reference(ex: Extractor, expr: ast.expr, scope: str) -> dict[str, Any] | None:
    """The ``$ret`` reference a name holds in `scope` (or at module level), if `remember` saw its binding."""
    if type(expr) is not ast.Name or not ex.helper_results:
        return None
    return ex.helper_results.get((scope, expr.id)) or ex.helper_results.get((MODULE, expr.id))


def path_returns(ex: Extractor) -> dict[str, Any]:
    """Parameterless top-level function -> the path it returns (a string, or parts still to join)."""
    out: dict[str, Any] = {}
    for qual, (node, method) in ex.signatures.nodes.items():
        args = node.args
        if method or args.args or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg:
            continue
        last = node.body[-1] if node.body else None
        if type(last) is not ast.Return or type(last.value) not in (ast.Call, ast.Name, ast.BinOp):
            continue
        value = ex.values.returned(qual)
        if isinstance(value, str) or is_concat(value):
            out[qual] = value
    return out


def one_return(func: ast.AST, last: ast.expr) -> bool:
    """Whether `last` is what every ``return`` of `func` gives: the only one, or all the same name."""
    returns = walk([func]).get(ast.Return, ())
    name = last.id if type(last) is ast.Name else None
    return len(returns) == 1 or (
        name is not None and all(type(r.value) is ast.Name and r.value.id == name for r in returns)
    )
