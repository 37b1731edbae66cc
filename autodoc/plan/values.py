"""The value of a code setting, then where it comes from: one rule for text, tables and references.

A keyword argument written as an expression (``C=params["C"]``) has no value in the code. The
model's value is what its training run logged; failing that, the configuration key the
expression reads. `resolve_param` returns the value with the item that holds it (cite that
item) and a short origin; None when nothing resolves it (say "set at run time", never show
the expression).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from autodoc.document import setting_text
from autodoc.evidence import EvidenceItem, config_key
from autodoc.plan.lineage import family_matches
from autodoc.plan.offers import item_key
from autodoc.plan.standing_run import standing_runs
from autodoc.plan.topics import is_production_code

_SUBSCRIPT = re.compile(r"""\[\s*["']([\w.\-]+)["']\s*\]|\.(\w+)$""")
UNRESOLVED = "set at run time (not resolved from the code)"
_DOTTED = re.compile(r"^\w+(?:\.\w+)+$")  # params.model.lr: the config key it names, if one is written
UNNAMED_FILE = "a file the scan does not resolve"  # a read whose path the code builds beyond the scan


@dataclass(frozen=True)
class Resolved:
    value: object
    origin: (
        str  # "logged by run gbm-shallow as gbm.n_estimators", "config.yaml, line 18", "train.py, line 98"
    )
    item: EvidenceItem  # the evidence that holds the value: cite this one
    why: str = ""  # why a run's logged value stands for the model (`plan.standing_run`), when said


def owned_params(owner: EvidenceItem, items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """The keyword arguments of a call (an estimator, a split): params naming it as their owner, or,
    when the scan recorded no owner, the params at the call's own place (same file and line)."""
    prefix = owner.id.rsplit(f":{owner.kind}", 1)[0] + ":param:"
    return [
        i
        for i in items
        if i.kind == "param"
        and (i.attrs.get("owner") == owner.id or (not i.attrs.get("owner") and i.id.startswith(prefix)))
    ]


def options_read(network: EvidenceItem, items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """A network class of the project built from the parsed command line (``CNN(args)`` whose
    ``__init__`` reads ``args.dropout``): the production command-line options it reads, in its order."""
    reads = network.attrs.get("reads") or []
    if not reads:
        return []
    options = {
        item_key(i).lstrip("-"): i
        for i in items
        if i.kind == "param" and i.attrs.get("owner_kind") == "argparse" and is_production_code(i)
    }
    return [options[name] for name in reads if name in options]


def launched_with(param: EvidenceItem, items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """What launchers pass for a command-line option (``make train`` runs ``train.py --lr 0.05``): the
    launched run does not use the parser's default. For a setting whose value is an option's default
    (``learning_rate=args.lr``), the option's."""
    items = list(items)
    option: EvidenceItem | None = param
    if param.attrs.get("owner_kind") != "argparse":
        origin = param.attrs.get("origin") or {}
        at = f"c:{origin.get('path')}:{origin.get('line')}:param:" if isinstance(origin, dict) else "-"
        option = next(
            (i for i in items if i.id.startswith(at) and i.attrs.get("owner_kind") == "argparse"), None
        )
    if option is None:
        return []
    flags = option.attrs.get("flags") or []
    names = {item_key(option).lstrip("-"), *(str(f).lstrip("-").replace("-", "_") for f in flags)}
    path = (option.source.path or "").split("/")
    return [
        i
        for i in items
        if i.kind == "param"
        and i.attrs.get("owner_kind") == "launcher"
        and item_key(i).lstrip("-") in names
        and _same_tail(str(i.attrs.get("runs") or "").split("/"), path)
    ]


def launched_value(param: EvidenceItem, items: Iterable[EvidenceItem]) -> EvidenceItem | None:
    """The one value launchers pass for a command-line option (None when none, or when they differ)."""
    launched = launched_with(param, items)
    return launched[0] if len({str(i.value) for i in launched}) == 1 else None


def join_at(items: list[EvidenceItem]) -> str:
    """``Makefile, line 2 and run.sh, line 4``."""
    places = [_at(i) for i in items[:3]]
    return ", ".join(places[:-1]) + " and " + places[-1] if len(places) > 1 else places[0]


def _same_tail(a: list[str], b: list[str]) -> bool:
    n = min(len(a), len(b))
    return n > 0 and a[-n:] == b[-n:]


def origin_words(origin: object) -> str:
    """A recorded origin in words: ``{"path": "config.json", "line": 3}`` -> ``config.json, line 3``."""
    if isinstance(origin, dict):
        path, line = origin.get("path"), origin.get("line")
        return f"{path}, line {line}" if path and line else str(path or "")
    return str(origin) if origin else ""


def written_none(param: EvidenceItem) -> bool:
    """The code sets the argument to None itself (``class_weight=None``): a value, not one left to
    run time (those carry ``unresolved``, ``expr`` or their callers' values)."""
    attrs = param.attrs
    return param.value is None and not (
        attrs.get("unresolved") or attrs.get("expr") or attrs.get("by_caller")
    )


def resolve_param(param: EvidenceItem, items: Iterable[EvidenceItem]) -> Resolved | None:
    """The value a code param takes for the documented model, with its origin."""
    if param.value is not None:
        origin = origin_words(param.attrs.get("origin")) or _at(param)
        launched = launched_with(param, items)
        if len({str(i.value) for i in launched}) == 1:  # the launched run's value, not the default
            by = f"passed by {join_at(launched)}; default {param.value} at {origin}"
            return Resolved(launched[0].value, by, launched[0])
        return Resolved(
            param.value, origin + "".join(f"; {_at(i)} passes {i.value}" for i in launched), param
        )
    if param.attrs.get("per_row"):  # offset=np.log(train["Exposure"]): the code says what it is
        return Resolved(str(param.attrs["per_row"]), _at(param), param)
    items = list(items)
    owner = str(param.attrs.get("owner_name") or "")
    key = item_key(param)
    logged = _logged(key, owner, items)
    if logged is not None:
        return logged
    by_caller = by_caller_words(param)
    if by_caller:  # never one caller's value as the value
        return Resolved(by_caller, "differs by caller", param)
    target = stratify_target(param, items)
    if target is not None:
        return Resolved(target.value, f"the target column ({_at(target)})", target)
    expr = str(param.attrs.get("expr") or "").split(" (parameter of ", 1)[0].strip()
    dotted = _configured_once(expr, items) if _DOTTED.match(expr) else None  # clf_params.n_estimators
    return dotted or _configured(_expr_key(expr) or key, owner, items)


# the variable holding the labels (``y``, ``y_train``, ``y_res``, ``labels``): stratified by the target
_LABEL_NAMES = re.compile(r"^(?:y(?:_?(?:all|data|train|full)|_[a-z]\w*)?|train_?y|target|labels?)$", re.I)
# a frame's column: df["label"], df.label, or df[name] with a name holding the target's (group 3)
_COLUMN = re.compile(r"""^\w+\s*(?:\[\s*["']([\w .\-]+)["']\s*\]|\.(\w+)|\[\s*([A-Za-z_]\w*)\s*\])$""")


def stratify_target(param: EvidenceItem, items: Iterable[EvidenceItem]) -> EvidenceItem | None:
    """The target column a split is stratified by: ``stratify=y`` where ``y`` holds the target (or is
    the function parameter it is passed as), ``stratify=df["label"]`` where label is the target, or
    ``stratify=df[target_label]`` where the name holds the target's (``target_label = cfg["label"]``)."""
    if param.value is not None or item_key(param) != "stratify" or param.attrs.get("owner_kind") != "split":
        return None
    expr = str(param.attrs.get("expr") or "").split(" (parameter of ", 1)[0].strip()
    conditional = _CONDITIONAL.match(expr)  # ``y if split["stratify"] else None``: when the setting holds
    if conditional:
        if not _holds(conditional.group(2), str(param.attrs.get("owner_name") or ""), list(items)):
            return None
        expr = conditional.group(1)
    column = _COLUMN.match(expr)
    targets = [  # a label built by a rule (y = df["label"].map(...)) is the target too
        i
        for i in items
        if i.kind in ("target", "label") and isinstance(i.value, str) and is_production_code(i)
    ]
    targets.sort(key=lambda t: t.source.path != param.source.path)  # the split's own file first
    for target in targets:
        if column and (target.value in column.groups()[:2] or column.group(3) == target.attrs.get("name")):
            return target
        if not column and (expr == target.attrs.get("name") or _LABEL_NAMES.match(expr)):
            return target
    return None


_CONDITIONAL = re.compile(r"^(.+?)\s+if\s+(.+?)\s+else\s+None$")
# a frame's column(s) by subscript: df["c"], self.data[["a", "b"]]
_COLUMNS = re.compile(r"""^[\w.]+\s*\[\s*(\[\s*(?:["'][\w .\-]+["']\s*,?\s*)+\]|["'][\w .\-]+["'])\s*\]$""")


def stratify_columns(param: EvidenceItem) -> list[str]:
    """The data columns a split is stratified by: ``stratify=df["c"]`` or ``df[["a", "b"]]`` (kept in
    proportion in both parts; nothing set at run time). The target is `stratify_target`'s."""
    if param.value is not None or item_key(param) != "stratify" or param.attrs.get("owner_kind") != "split":
        return []
    expr = str(param.attrs.get("expr") or "").split(" (parameter of ", 1)[0].strip()
    found = _COLUMNS.match(expr)
    return re.findall(r"""["']([\w .\-]+)["']""", found.group(1)) if found else []


def _holds(condition: str, owner: str, items: list[EvidenceItem]) -> bool:
    """A setting's condition (``split["stratify"]``, ``args.stratify``) that the run logged or the
    configuration sets to a true value."""
    key = _expr_key(condition)
    if not key:
        return False
    found = _logged(key, owner, items) or _configured(key, owner, items)
    value = found.value if found is not None else None
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


def unpacked_settings(estimator: EvidenceItem) -> bool:
    """Whether an estimator's settings are unpacked from a ``**`` expression the scan could not
    resolve (``**{**model.get_params(), "warm_start": False}``): they are then not the library's
    defaults, and never said to be."""
    unresolved = estimator.attrs.get("unresolved")
    return isinstance(unresolved, list) and bool(unresolved)


def unpacked_words(estimator: EvidenceItem, items: Iterable[EvidenceItem]) -> str:
    """Settings unpacked from ``**``: what they are when the scan can say, never the defaults."""
    known = unpacked_from(estimator, items)
    if known is None:
        return "its settings unpacked from an expression the scan does not resolve (not defaults)"
    return known if known.startswith("the settings of") else f"its settings unpacked from {known}"


def unpacked_from(estimator: EvidenceItem, items: Iterable[EvidenceItem]) -> str | None:
    """What unpacked settings are, in words, else None: ``**config["lgb_params"]`` where production
    configuration files hold an ``lgb_params`` section reads ``the lgb_params section of full.yaml and
    quick.yaml``; ``**{**model.get_params(), "warm_start": False}`` reads ``the settings of model (copied
    with get_params()) except warm_start = False``."""
    best = estimator.attrs.get("best_of")  # **study.best_params: the search's best trial
    if isinstance(best, dict):
        return f"the best trial of {best.get('name')} ({estimator.source.path}, line {best.get('line')})"
    unresolved = estimator.attrs.get("unresolved")
    expr = str(unresolved[-1]) if isinstance(unresolved, list) and unresolved else ""
    copied = copied_settings(expr)
    if copied:
        return copied
    match = re.search(r"""\[\s*["']([\w.\-]+)["']\s*\]\s*$|\.(\w+)\s*$""", expr)
    key = (match.group(1) or match.group(2)) if match else None
    files = sorted(
        {
            str(i.source.path)
            for i in items
            if key and i.kind == "config" and is_production_code(i) and item_key(i).startswith(f"{key}.")
        }
    )
    if not files:
        return None
    return (
        f"the {key} section of {', '.join(files[:-1]) + ' and ' + files[-1] if len(files) > 1 else files[0]}"
    )


def copied_settings(expr: str) -> str | None:
    """``model.get_params()``, alone or spread in a dict with literal overrides, in words: another
    estimator's settings copied (what scikit-learn's ``clone`` does), never the library's defaults."""
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    parts = (
        [(None, node)] if not isinstance(node, ast.Dict) else list(zip(node.keys, node.values, strict=True))
    )
    sources, overrides = [], []
    for key, value in parts:
        if key is None:
            if not (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == "get_params"
            ):
                return None
            sources.append(ast.unparse(value.func.value))
        elif isinstance(key, ast.Constant) and isinstance(key.value, str):
            try:
                overrides.append(f"{key.value} = {ast.literal_eval(value)!r}".replace("'", ""))
            except ValueError:
                overrides.append(f"{key.value} set at run time")
        else:
            return None
    if len(sources) != 1:
        return None
    words = f"the settings of {sources[0]} (copied with get_params())"
    return words + (" except " + ", ".join(overrides) if overrides else "")


def param_name(item: EvidenceItem) -> str:
    return str(item.attrs.get("key") or item.id.split(":param:", 1)[-1].split(":")[0])


def by_caller_words(item: EvidenceItem) -> str | None:
    """``100 (train.py, line 13) or 300 (train.py, line 14), by caller``: a value the call sites of
    its function fill differently, said per call site (None when it is one value)."""
    sites = item.attrs.get("by_caller")
    if not isinstance(sites, list) or len(sites) < 2:
        return None
    said = []
    for site in sites[:6]:
        if not isinstance(site, dict):
            return None
        cell = f", cell {site['cell']}" if site.get("cell") is not None else ""
        said.append(f"{site.get('value')} ({site.get('path')}{cell}, line {site.get('line')})")
    more = f" and {len(sites) - 6} more" if len(sites) > 6 else ""
    return ", ".join(said[:-1]) + f" or {said[-1]}{more}, by caller"


def saved_words(item: EvidenceItem) -> str | None:
    """``0.1, saved with the model in models/final_model.joblib (train.py, line 67), from BEST_THRESHOLD
    (train.py, line 20)``: a value code reads back from the model file a save wrote with it (None for
    any other value)."""
    saved = item.attrs.get("saved_with")
    if not isinstance(saved, dict) or item.value is None:
        return None
    words = f"{setting_text(item.value)}, saved with the model in {saved.get('file')}"
    words += f" ({saved.get('path')}, line {saved.get('line')})"
    origin = item.attrs.get("origin")
    if saved.get("name") and isinstance(origin, dict) and origin.get("line") != saved.get("line"):
        words += f", from {saved['name']} ({origin_words(origin)})"
    return words


def _at(item: EvidenceItem) -> str:
    src = item.source
    return f"{src.path}, line {src.line_start}" if src.line_start else str(src.path or item.id)


def _expr_key(expr: str) -> str | None:
    match = _SUBSCRIPT.search(expr.strip())
    return (match.group(1) or match.group(2)) if match else None


def _matches(candidate: str, key: str, owner: str) -> bool:
    """ "gbm.max_depth" matches max_depth of GradientBoostingClassifier, not of LogisticRegression."""
    if candidate == key:
        return True
    prefix, _, last = candidate.rpartition(".")
    return last == key and (not owner or family_matches(prefix.rsplit(".", 1)[-1], owner))


def _runs_of_family(owner: str, items: list[EvidenceItem]) -> set[str]:
    """Runs behind versions of a registered model whose name points to the estimator class."""
    out = set()
    for version in (i for i in items if i.kind == "model_version"):
        tokens = re.split(r"[^a-z0-9]+", str(version.attrs.get("model") or "").lower())
        if owner and any(family_matches(t, owner) for t in tokens):
            out.add(str(version.attrs.get("run_id")))
    return out


def logged_value(key: str, items: Iterable[EvidenceItem], owner: str = "") -> Resolved | None:
    """The value a run logged under `key`: the run standing for the model first (`standing_runs`)."""
    return _logged(key, owner, list(items))


def _logged(key: str, owner: str, items: list[EvidenceItem]) -> Resolved | None:
    logged = [i for i in items if i.kind == "run_param" and _matches(item_key(i), key, owner)]
    if not logged:
        return None
    standing = standing_runs(items)
    order, mine = standing.order, _runs_of_family(owner, items)
    logged.sort(
        key=lambda i: (
            i.source.run_id not in mine,
            order.index(i.source.run_id) if i.source.run_id in order else len(order),
        )
    )
    hit = logged[0]
    run = str(hit.attrs.get("run_name") or (hit.source.run_id or "")[:8])
    why = standing.why if order and hit.source.run_id == order[0] else ""
    return Resolved(hit.value, f"logged by run {run} as {item_key(hit)}", hit, why)


def _configured(key: str, owner: str, items: list[EvidenceItem]) -> Resolved | None:
    found = [
        i for i in items if i.kind == "config" and i.value is not None and _matches(config_key(i), key, owner)
    ]
    if not found:
        return None
    hit = found[0]
    return Resolved(hit.value, f"{_at(hit)} ({config_key(hit)})", hit)


def _configured_once(key: str, items: list[EvidenceItem]) -> Resolved | None:
    """The value the config files give the key its expression names, when they agree (configs that
    differ are each a run's choice: none of them is the value)."""
    found = [i for i in items if i.kind == "config" and i.value is not None and config_key(i) == key]
    found = [i for i in found if is_production_code(i)]
    if not found or len({str(i.value) for i in found}) > 1:
        return None
    return Resolved(found[0].value, f"{_at(found[0])} ({key})", found[0])
