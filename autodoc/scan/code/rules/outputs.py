"""What a module writes: data files (``df.to_csv("train.csv")``, ``np.save``, ``json.dump``) and
trained models (``joblib.dump(best, "model.pkl")``, ``torch.save``, ``model.save("m.h5")``,
``mlflow.sklearn.log_model(best, ...)``).

The call rules only remember the calls; `finish` runs once the module's facts are known, so a
saved object can be followed back to the estimator that built it (`origins.Origins`) and a
written frame to the statements that build it. The tree scan links a saved file to the code that
loads it and a written file to the production code that reads it (`scan.code.lineage`).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE, Fact
from autodoc.scan.code.rules import loops
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.origins import SAVEISH, Origins
from autodoc.scan.code.syntax import dotted, path_parts
from autodoc.scan.code.value_text import expr_text, is_concat
from autodoc.scan.code.values import is_ref

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Chunk, Extractor

FRAME_WRITES, ARRAY_WRITES, MODEL_SAVES = v.FRAME_WRITES, v.ARRAY_WRITES, v.MODEL_SAVES
TAILS = FRAME_WRITES | ARRAY_WRITES | MODEL_SAVES
_PICKLERS = ("joblib", "pickle", "dill", "cloudpickle", "torch")
_TEXT_DUMPS = ("json", "yaml")
_ARRAYS = ("numpy", "np")
_MODELISH = re.compile(
    r"model|clf|classifier|regressor|estimator|pipe|best|net|booster|learner|checkpoint|ckpt", re.I
)
_MODEL_KEYWORDS = re.compile(r"(^|_)model$")


def remember(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """A call that may write a file or save a model: decided in `finish`."""
    ex.outputs.append((node, scope, full, tail, ex.cell))


def finish(ex: Extractor, chunks: list[Chunk]) -> None:
    """The facts of the remembered calls (and the saved object of ``log_model`` calls); what the
    module's functions return and what its calls of imported saving helpers pass (for other modules)."""
    estimators = any(f.kind == "estimator" for f in ex.m.facts)
    helpers = any(  # an imported saving helper the module calls (its names: most modules have none)
        "." in o and SAVEISH.search(n) and any(n in refs for refs in ex.m.refs.values())
        for n, o in ex.m.aliases.items()
    )
    if not ex.outputs and not estimators and not helpers:
        return
    origins = Origins(ex)
    if estimators:
        ex.m.returns = origins.returns_map()
    if helpers:
        ex.m.save_calls = origins.save_calls()
    current = ex.cell
    for node, scope, full, tail, cell in ex.outputs:
        ex.at_cell(cell)
        pos = (-1 if cell is None else cell, node.lineno)
        if tail == "log_model":
            _logged(ex, origins, node, scope, pos)
            continue
        head = full.split(".", 1)[0]
        if tail in FRAME_WRITES and type(node.func) is ast.Attribute:
            _write(ex, origins, node, scope, pos, node.func.value, _arg(node, 0, "path", "path_or_buf"), full)
        elif head in _ARRAYS and tail in ARRAY_WRITES | {"save"}:
            _write(ex, origins, node, scope, pos, _arg(node, 1, "arr"), _arg(node, 0, "file"), full)
        elif head in _TEXT_DUMPS and tail == "dump":
            _write(ex, origins, node, scope, pos, _arg(node, 0, "obj"), _arg(node, 1, "fp"), full)
        elif head in _PICKLERS and tail in ("dump", "save"):
            _save(
                ex,
                origins,
                node,
                scope,
                pos,
                _arg(node, 0, "value", "obj"),
                _arg(node, 1, "filename", "f"),
                full,
            )
        elif type(node.func) is ast.Attribute and tail in MODEL_SAVES and tail != "dump":
            path = _arg(node, 0, "filepath", "path", "fname", "save_directory", "filename", "output_dir")
            _save(ex, origins, node, scope, pos, node.func.value, path, f"{dotted(node.func.value)}.{tail}")
    loops.kept_checkpoints(ex)
    ex.at_cell(current)


def _arg(node: ast.Call, index: int, *names: str) -> ast.expr | None:
    if len(node.args) > index:
        return node.args[index]
    return next((k.value for k in node.keywords if k.arg in names), None)


def _write(
    ex: Extractor,
    origins: Origins,
    node: ast.Call,
    scope: str,
    pos: tuple[int, int],
    frame: ast.expr | None,
    path: ast.expr | None,
    full: str,
) -> None:
    name = dotted(frame) if frame is not None else None
    if not name:
        return
    tail = full.rsplit(".", 1)[-1]
    for file, written, at_scope, at, extra in _written(ex, origins, path, name, scope, pos):
        builds = origins.builds(written.split(".")[0], at_scope, at)
        attrs = {"call": full, "frame": written, "builds": builds}
        label = f"writes {file if isinstance(file, str) else expr_text(file)} ({tail})"
        ex.add_at(node, "data_write", tail, label, scope, value=file, attrs={**attrs, **extra})


Written = tuple[Any, str, str, tuple[int, int], dict[str, Any]]  # file, frame, scope, position, attrs


def _written(
    ex: Extractor, origins: Origins, path: ast.expr | None, frame: str, scope: str, pos: tuple[int, int]
) -> list[Written]:
    """The file a write names with the frame it writes; one per caller of its function when a
    parameter names the file and the callers differ (``os.path.join(self.folder, name)`` called for
    train.csv and test.csv): each caller's file, the frame it passes and the statements building it."""
    named = origins.path_expr(path, scope) if path is not None else None
    each = ex.sites.per_caller(named, scope) if ex.sites and named is not None else None
    if each is None:
        file = origins.file_name(path, scope)
        return [(file, frame, scope, pos, {})] if file else []
    out: list[Written] = []
    for file, via, site in each:
        extra = {"via": via} if via else {}
        arg = ex.sites.passed(site, scope, frame.split(".")[0]) if site else None
        if site is None or arg is None or not dotted(arg):
            out.append((file, frame, scope, pos, extra))
            continue
        at_scope, call, cell, _lines = site
        passed = str(dotted(arg)) + frame[len(frame.split(".")[0]) :]  # the caller's X_train for `data`
        out.append((file, passed, at_scope, (-1 if cell is None else cell, call.lineno), extra))
    return out


def _save(
    ex: Extractor,
    origins: Origins,
    node: ast.Call,
    scope: str,
    pos: tuple[int, int],
    obj: ast.expr | None,
    path: ast.expr | None,
    full: str,
) -> None:
    if obj is None:
        return
    shown = ex.snippet(obj, 80) or "?"
    built = origins.estimator(obj, scope, pos)
    if built is None and type(obj) in (ast.Tuple, ast.List):  # joblib.dump((model, threshold), path)
        built = next(filter(None, (origins.estimator(e, scope, pos) for e in obj.elts)), None)
    if (built is None or "line" not in built) and not _MODELISH.search(shown):
        return  # a scaler, a vocabulary, a checkpoint dict: not the model
    file = origins.file_name(path, scope) or file_pattern(origins, path, scope, pos)
    attrs: dict[str, Any] = {"call": full, "object": shown}
    if file is None and type(path) is ast.Name:  # an imported constant: `scan.code.load_paths`
        attrs["path_name"] = path.id
        if ref := _passed_path(ex, path, scope):
            attrs["path_ref"] = ref
    elif file is None and (parts := path_parts(path)):  # configuration keys: `scan.code.config_paths`
        attrs["path_parts"] = parts
    if built is not None:
        attrs["estimator"] = built
    kept = saved_values(ex, obj, scope)
    if kept:
        attrs["saved_values"] = kept
    tail = full.rsplit(".", 1)[-1]
    label = f"saves {shown} with {tail}" + (f" to {file}" if file else "")
    ex.add_at(node, "model_save", tail, label[:200], scope, value=file, attrs=attrs)


def file_pattern(origins: Origins, path: ast.expr | None, scope: str, pos: tuple[int, int]) -> str | None:
    """``f"saved_models/{name}_model.pkl"`` (or a name bound to it) whose placeholders change from run
    to run or loop to loop: the file name with each placeholder kept as written (``{name}``)."""
    if type(path) is ast.Name:
        bound = [(index, value) for at, index, value in origins.assigns.get((scope, path.id), []) if at < pos]
        path = bound[-1][1] if bound and bound[-1][0] is None else None
    if type(path) is not ast.JoinedStr:
        return None
    parts = [p.value for p in path.values]  # the text, or the expression of a placeholder
    text = "".join(p if isinstance(p, str) else "{" + ast.unparse(p) + "}" for p in parts)
    filled = "".join(p if isinstance(p, str) else "x" for p in parts)
    return text if v.PATHLIKE.match(filled) else None


def _passed_path(ex: Extractor, path: ast.Name, scope: str) -> Any:
    """What the callers pass for the parameter `path` names, for the tree scan to resolve
    (`scan.code.load_paths`): a reference that callers in this module agree on
    (``save_model(model, Path(root, cfg["model"]))``), or the parameter for callers in other modules."""
    held = ex.value(path, scope)
    if ex.sites is None or not (isinstance(held, dict) and "$param" in held):
        return None
    ref, ok = ex.sites.resolve(held, {})
    if ok:
        return ref if is_ref(ref) or is_concat(ref) else None
    return {"$xparam": ref["$xparam"]} if isinstance(ref, dict) and "$xparam" in ref else None


def saved_values(ex: Extractor, obj: ast.expr, scope: str) -> dict[str, dict[str, Any]]:
    """The entries of a dict saved with the model (``{"model": pipe, "threshold": BEST_THRESHOLD}``)
    whose key is a literal and whose value is one, or a name bound to one: key -> ``{value, line}``
    (the line that writes the value), and ``name`` for a name. Code that loads the file reads them
    back (`scan.code.resolve`)."""
    if type(obj) is not ast.Dict:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for key, node in zip(obj.keys, obj.values, strict=True):
        if not (type(key) is ast.Constant and isinstance(key.value, str)):
            continue
        value = ex.value(node, scope)
        if not _literal(value):
            continue
        entry: dict[str, Any] = {"value": value, "line": node.lineno}
        if type(node) is ast.Name:
            entry["name"] = node.id
            at = (
                ex.m.binding_lines.get(node.id)
                if scope == MODULE or node.id not in ex.env.get(scope, {})
                else None
            )
            entry["line"] = at or node.lineno
        out[key.value] = entry
    return out


def _literal(value: Any) -> bool:
    if isinstance(value, list):
        return all(_literal(v) for v in value)
    return isinstance(value, str | int | float | bool)


def _logged(ex: Extractor, origins: Origins, node: ast.Call, scope: str, pos: tuple[int, int]) -> None:
    """``mlflow.sklearn.log_model(best, "model")``: the estimator behind the logged object."""
    obj = node.args[0] if node.args else None
    if obj is None:
        obj = next((k.value for k in node.keywords if k.arg and _MODEL_KEYWORDS.search(k.arg)), None)
    built = origins.estimator(obj, scope, pos) if obj is not None else None
    if built is None:
        return
    for fact in ex.m.facts:
        if fact.kind == "mlflow_call" and fact.line == node.lineno and fact.cell == ex.cell:
            fact.attrs["object"] = ex.snippet(obj, 80)
            fact.attrs["estimator"] = built


def is_model_save(fact: Fact) -> bool:
    """A fact that saves or logs a trained model that the scan followed back to its estimator."""
    return (fact.kind == "model_save" or fact.kind == "mlflow_call") and "estimator" in fact.attrs
