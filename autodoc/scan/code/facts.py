"""Facts from one Python module (a .py file or a notebook's cells), read with `ast` only.

One walk per top-level statement, tagged with the scope it runs in (``<module>``,
``<main>`` for a real ``if __name__ == "__main__":`` block, or a function's qualified name),
so liveness can later be decided per scope. The result is plain data (cacheable by content
hash); values that point into another module or a config file stay as references
(``{"$ref": ...}``, ``{"$cfg": ...}``) that `code.py` resolves across files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

MAIN, MODULE = "<main>", "<module>"
SNIPPET_MAX = 300

_SKLEARN_PRE = (
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.compose",
    "sklearn.feature_selection",
    "sklearn.pipeline",
    "sklearn.decomposition",
    "sklearn.feature_extraction",
    "category_encoders",
    "imblearn.over_sampling",
    "imblearn.under_sampling",
)
_CV = {
    "cross_val_score",
    "cross_validate",
    "cross_val_predict",
    "KFold",
    "StratifiedKFold",
    "GroupKFold",
    "TimeSeriesSplit",
    "RepeatedKFold",
    "RepeatedStratifiedKFold",
    "ShuffleSplit",
    "StratifiedShuffleSplit",
    "LeaveOneOut",
    "StratifiedGroupKFold",
    "GroupShuffleSplit",
    "learning_curve",
    "validation_curve",
}
_SEARCH = {
    "GridSearchCV",
    "RandomizedSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "BayesSearchCV",
    "create_study",
    "fmin",
    "Tuner",
    "RandomSearch",
    "Hyperband",
    "BayesianOptimization",
}
_ESTIMATOR_MODULES = (
    "sklearn.",
    "xgboost",
    "lightgbm",
    "catboost",
    "statsmodels",
    "keras",
    "tensorflow.keras",
    "torch.nn",
    "tf.keras",
    "pygam",
    "prophet",
    "interpret",
    "ngboost",
)
_ESTIMATOR_SUFFIX = (
    "Classifier",
    "Regressor",
    "Regression",
    "Classification",
    "Estimator",
    "Booster",
    "SVC",
    "SVR",
    "NB",
)
_READERS = {
    "read_csv",
    "read_parquet",
    "read_sql",
    "read_sql_query",
    "read_sql_table",
    "read_excel",
    "read_json",
    "read_table",
    "read_feather",
    "read_pickle",
    "read_orc",
    "read_delta",
    "load_dataset",
    "read_hdf",
    "loadtxt",
    "genfromtxt",
}
_SPARK_READ = {"csv", "parquet", "table", "json", "load", "orc", "delta"}
_SEED_CALLS = {"seed", "manual_seed", "set_seed", "set_random_seed", "seed_everything", "manual_seed_all"}
_MLFLOW_CLIENT = {
    "register_model",
    "set_registered_model_alias",
    "create_registered_model",
    "create_model_version",
    "transition_model_version_stage",
    "set_model_version_tag",
    "set_registered_model_tag",
    "update_registered_model",
    "update_model_version",
}
_SEED_NAMES = re.compile(r"^(?:random_?state|random_?seed|seed|rng_?seed|global_?seed)$", re.IGNORECASE)
_THRESH_NAMES = re.compile(r"thresh|cutoff|cut_off", re.IGNORECASE)
_TARGET_NAMES = re.compile(
    r"^(?:target|target_?col(?:umn)?|label_?col(?:umn)?|label|y_?col(?:umn)?|"
    r"target_?name|outcome(?:_col)?)$",
    re.IGNORECASE,
)
# Names that hold a data frame (df["x"] = ... is a derived column; cfg["x"] = ... is not).
_FRAME_NAMES = re.compile(
    r"(?:^|_)(?:df|data|frame|x|train|test|val|valid|dataset|features?|table|sample|pdf|sdf|"
    r"raw|clean|processed|customers?|transactions?)(?:_|$|\d)|^df",
    re.IGNORECASE,
)
_NOT_FRAMES = re.compile(
    r"^(?:cfg|conf|config|configs|params?|hparams|settings|args|kwargs|opts|options|metrics|"
    r"results?|info|meta|metadata|summary|report|cache|registry|mapping|aliases|tags|env|"
    r"environ|headers|context|ctx|state|stats|kw|d|row|record|best|scores?|out_dict|payload|"
    r"data_dict|os)$",
    re.IGNORECASE,
)
_FEATURE_NAMES = re.compile(r"feature|_cols$|_columns$|^cols$|^columns$|predictors", re.IGNORECASE)
_Y_NAMES = re.compile(
    r"^(?:[yY](?:_?(?:all|data|train|test|val|valid|full))?|(?:train|test|val|valid)_?[yY]|"
    r"target|labels?)$"
)
_PATHLIKE = re.compile(
    r"^[\w./\\:-]*\.(?:csv|parquet|pq|json|jsonl|xlsx?|feather|pkl|pickle|txt|tsv|sql|db|h5|orc|avro)$",
    re.IGNORECASE,
)
_SQL_RE = re.compile(r"\bselect\b.+\bfrom\b", re.IGNORECASE | re.DOTALL)
_TABLE_RE = re.compile(r"\b(?:from|join)\s+([A-Za-z_][\w.`\"\[\]]*)", re.IGNORECASE)

_FUNC_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_DATA_CONTAINERS = {
    "DMatrix",
    "QuantileDMatrix",
    "DeviceQuantileDMatrix",
    "Dataset",
    "Pool",
    "DataLoader",
    "TensorDataset",
    "DataFrame",
    "Series",
}
_NN_BASES = (
    "torch.nn",
    "nn.",
    "keras",
    "tensorflow.keras",
    "tf.keras",
    "pytorch_lightning",
    "lightning",
    "pl.",
)
_BOOSTER_TRAIN = {"xgboost.train", "lightgbm.train", "catboost.train"}
_MLFLOW_FUNCS = {
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "log_artifact",
    "log_artifacts",
    "log_model",
    "set_experiment",
    "start_run",
    "autolog",
    "set_tag",
    "set_tags",
    "load_model",
    "log_input",
    "log_dict",
    "log_figure",
    "log_table",
    "log_text",
    "set_tracking_uri",
    "create_experiment",
    "set_registry_uri",
    "evaluate",
    "end_run",
    "log_image",
}
_INTERESTING_TAILS = frozenset(
    _CV
    | _SEARCH
    | _READERS
    | _SPARK_READ
    | _SEED_CALLS
    | _MLFLOW_CLIENT
    | _MLFLOW_FUNCS
    | {
        "fit",
        "fit_transform",
        "partial_fit",
        "fit_resample",
        "train",
        "train_test_split",
        "drop",
        "get_dummies",
        "optimize",
        "assign",
        "sql",
        "auc",
        "make_pipeline",
        "make_column_transformer",
        "ols",
        "logit",
        "glm",
    }
)
_METRIC_SUFFIXES = ("_score", "_error", "_loss", "_curve", "_matrix", "_report", "_auc", "_deviance")


def _maybe_interesting(tail: str) -> bool:
    """Cheap filter before resolving a call's full name: most calls are never facts."""
    return bool(tail) and (
        tail[0].isupper()
        or tail in _INTERESTING_TAILS
        or tail.endswith(_METRIC_SUFFIXES)
        or tail.startswith(("load_", "fetch_", "make_", "suggest_"))
    )


@dataclass
class Fact:
    """One code fact before it becomes an EvidenceItem (cheap, picklable)."""

    kind: str
    name: str | None
    label: str
    line: int
    line_end: int | None = None
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    scope: str = MODULE
    cell: int | None = None
    params: list[tuple[str, Any, int, dict[str, Any]]] | None = None  # (name, value or ref, line, extras)
    star: list[Any] | None = None  # **expansions still to resolve (refs)


@dataclass
class ModuleFacts:
    """Everything known about one Python module, independent of other files."""

    facts: list[Fact] = field(default_factory=list)
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)  # qualname -> lines
    classes: dict[str, list[str]] = field(default_factory=dict)  # class -> method qualnames
    refs: dict[str, set[str]] = field(default_factory=dict)  # scope -> names used (Name ids, attrs)
    attr_refs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # scope -> (base, attr)
    imports: list[tuple[str, str, int]] = field(default_factory=list)  # (scope, module, level)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted origin
    bindings: dict[str, Any] = field(default_factory=dict)  # module-level literal names
    binding_lines: dict[str, int] = field(default_factory=dict)
    argparse: dict[str, tuple[Any, int]] = field(default_factory=dict)  # dest -> (default, line)
    has_main: bool = False
    commented_main: bool = False
    top_level_ml: bool = False  # ML facts in module-level code (script style)
    redactions: list[tuple[str, int, int | None]] = field(default_factory=list)  # (kind, line, cell)


class _Unknown:
    """Marker for a value we cannot resolve statically."""


UNKNOWN = _Unknown()


def _first_para(doc: str | None) -> str | None:
    if not doc:
        return None
    para = doc.strip().split("\n\n", 1)[0]
    return " ".join(para.split())[:SNIPPET_MAX]


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        parts.append(node.id)
        return ".".join(reversed(parts))
    if type(node) is ast.Call:  # spark.read.format(...).load(...) -> keep the tail
        inner = _dotted(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def _is_main_test(node: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if type(node) is not ast.Compare or len(node.ops) != 1 or type(node.ops[0]) is not ast.Eq:
        return False
    sides = [node.left, node.comparators[0]]
    has_name = any(type(s) is ast.Name and s.id == "__name__" for s in sides)
    has_main = any(type(s) is ast.Constant and s.value == "__main__" for s in sides)
    return has_name and has_main


def _is_dead_test(node: ast.expr) -> bool:
    return type(node) is ast.Constant and not node.value


class Extractor:
    """Collects the facts of one module; `run()` over a list of (cell, tree, lines)."""

    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self.m = ModuleFacts()
        self.env: dict[str, dict[str, Any]] = {MODULE: self.m.bindings}
        self.cell: int | None = None
        self.lines: list[str] = []
        self.pending_models: list[tuple[ast.ClassDef, list[str], int | None, list[str]]] = []
        self.notes: dict[str, str] = {}  # name -> how its value was decided (argv defaults)
        self.path_hints: dict[str, str] = {}  # name -> a literal file name inside an unresolved path

    # -- driver --------------------------------------------------------------------------
    def run(self, chunks: list[tuple[int | None, ast.Module, list[str]]]) -> ModuleFacts:
        scoped: list[tuple[int | None, list[str], str, Buckets]] = []
        for cell, tree, lines in chunks:
            self.cell, self.lines = cell, lines
            for scope, nodes in self._scopes(tree):
                scoped.append((cell, lines, scope, nodes))
                self._first_pass(scope, nodes)
        for node, bases, cell, lines in self.pending_models:
            self.cell, self.lines = cell, lines
            self._model_class(node, bases)
        for cell, lines, scope, nodes in scoped:
            self.cell, self.lines = cell, lines
            self._second_pass(scope, nodes)
        self.m.facts.sort(key=lambda f: (f.cell or 0, f.line))  # the walk is depth-first, reversed
        return self.m

    def _scopes(self, tree: ast.Module) -> list[tuple[str, Buckets]]:
        """Split a module into (scope, nodes) with every node walked once."""
        out: list[tuple[str, Buckets]] = []
        doc = ast.get_docstring(tree)
        if doc and self.cell is None:
            self._add(Fact("module", None, self.relpath, 1, value=self.relpath, text=_first_para(doc)))
        for stmt in tree.body:
            st = type(stmt)
            if st in _FUNC_TYPES:
                self._symbol(stmt, stmt.name, "function")
                out.append((stmt.name, _walk([stmt])))
            elif st is ast.ClassDef:
                self._class(stmt, out)
            elif st is ast.If and _is_main_test(stmt.test):
                self.m.has_main = True
                out.append((MAIN, _walk(stmt.body)))
                out.append((MODULE, _walk(stmt.orelse)))
            elif st is ast.If and _is_dead_test(stmt.test):
                out.append((MODULE, _walk([stmt.test, *stmt.orelse])))
            else:
                out.append((MODULE, _walk([stmt])))
        return out

    def _class(self, node: ast.ClassDef, out: list[tuple[str, Buckets]]) -> None:
        self._symbol(node, node.name, "class")
        bases = [d for d in (_dotted(b) for b in node.bases) if d]
        if bases:
            self.pending_models.append((node, bases, self.cell, self.lines))
        methods = self.m.classes.setdefault(node.name, [])
        class_roots: list[ast.AST] = list(node.bases)
        for stmt in node.body:
            if type(stmt) in _FUNC_TYPES:
                qual = f"{node.name}.{stmt.name}"
                methods.append(qual)
                self._symbol(stmt, qual, "function")
                out.append((qual, _walk([stmt])))
            else:
                class_roots.append(stmt)
        out.append((MODULE, _walk(class_roots)))

    def _symbol(self, node: Any, qual: str, kind: str) -> None:
        end = getattr(node, "end_lineno", None) or node.lineno
        self.m.functions[qual] = (node.lineno, end)
        if kind == "function":
            sig = f"{node.name}({_signature(node.args)})"
        else:
            bases = ", ".join(_dotted(b) or "?" for b in node.bases)
            sig = f"class {node.name}({bases})" if bases else f"class {node.name}"
        self._add(
            Fact(
                kind,
                qual,
                qual,
                node.lineno,
                end,
                value=qual,
                attrs={"signature": sig[:SNIPPET_MAX]},
                text=_first_para(ast.get_docstring(node)),
                scope=qual if kind == "function" else MODULE,
            )
        )

    def _model_class(self, node: ast.ClassDef, bases: list[str]) -> None:
        """``class Net(nn.Module)`` / ``keras.Model`` / ``LightningModule`` subclasses are models."""
        for base in bases:
            head, _, rest = base.partition(".")
            origin = self.m.aliases.get(head)
            full = (f"{origin}.{rest}" if rest else origin) if origin else base
            if full.startswith(_NN_BASES) and full.rsplit(".", 1)[-1] in (
                "Module",
                "Model",
                "LightningModule",
            ):
                self._add(
                    Fact(
                        "estimator",
                        node.name,
                        f"{node.name} (neural network, {full})",
                        node.lineno,
                        getattr(node, "end_lineno", None),
                        value=node.name,
                        attrs={"call": full, "base": full},
                        text=_first_para(ast.get_docstring(node)),
                    )
                )
                return

    # -- pass 1: imports, bindings -------------------------------------------------------
    def _first_pass(self, scope: str, nodes: Buckets) -> None:
        env = self.env.setdefault(scope, {})
        for node in nodes.get(ast.Import, ()):
            for a in node.names:
                self.m.aliases[a.asname or a.name.split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0]
                )
                self.m.imports.append((scope, a.name, 0))
        for node in nodes.get(ast.ImportFrom, ()):
            mod = node.module or ""
            self.m.imports.append((scope, mod, node.level))
            for a in node.names:
                prefix = "." * node.level + mod
                self.m.aliases[a.asname or a.name] = f"{prefix}.{a.name}" if mod else f"{prefix}{a.name}"
        assigns = [*nodes.get(ast.Assign, ()), *nodes.get(ast.AnnAssign, ())]
        assigns.sort(key=lambda n: n.lineno)  # the walk is breadth-first; the last binding wins
        for node in assigns:
            if type(node) is ast.Assign:
                if len(node.targets) == 1 and type(node.targets[0]) is ast.Name:
                    self._bind(env, node.targets[0].id, node.value, node.lineno, scope)
            elif type(node.target) is ast.Name and node.value is not None:
                self._bind(env, node.target.id, node.value, node.lineno, scope)
        for node in nodes.get(ast.Call, ()):
            if type(node.func) is ast.Attribute and node.func.attr == "add_argument":
                self._argparse(node)

    def _bind(self, env: dict[str, Any], name: str, value: ast.expr, line: int, scope: str) -> None:
        val = self.value(value, scope)
        if type(value) is ast.IfExp and val is not UNKNOWN:
            self.notes[name] = f"default used when no command-line argument is given (line {line})"
        if val is UNKNOWN:
            env.pop(name, None)
            if type(value) is ast.Call:  # os.path.join(base, "data.csv"): remember the file name
                paths = [
                    a.value
                    for a in value.args
                    if type(a) is ast.Constant and isinstance(a.value, str) and _PATHLIKE.match(a.value)
                ]
                if len(paths) == 1:
                    self.path_hints[name] = paths[0]
            return
        env[name] = val
        if scope == MODULE:
            self.m.binding_lines[name] = line

    def _argparse(self, node: ast.Call) -> None:
        flags = [a.value for a in node.args if type(a) is ast.Constant and isinstance(a.value, str)]
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        dest = kw.get("dest")
        name = dest.value if type(dest) is ast.Constant else None
        if not name:
            longs = [f for f in flags if f.startswith("--")] or flags
            if not longs:
                return
            name = longs[0].lstrip("-").replace("-", "_")
        default = self.value(kw["default"], MODULE) if "default" in kw else None
        if default is UNKNOWN:
            default = None
        self.m.argparse[name] = (default, node.lineno)
        self._add(
            Fact(
                "param",
                f"--{name}",
                f"--{name} (command-line option)",
                node.lineno,
                value=default,
                attrs={"owner_kind": "argparse", "flags": flags},
            )
        )

    # -- values --------------------------------------------------------------------------
    def value(self, node: ast.AST, scope: str) -> Any:
        """A JSON-able literal, a ``{"$ref"|"$cfg": [...]}`` reference, or UNKNOWN."""
        t = type(node)
        if t is ast.Constant:
            v = node.value
            return v if v is None or isinstance(v, str | int | float | bool) else UNKNOWN
        if t is ast.UnaryOp and type(node.op) is ast.USub and type(node.operand) is ast.Constant:
            v = node.operand.value
            return -v if isinstance(v, int | float) and not isinstance(v, bool) else UNKNOWN
        if t in (ast.List, ast.Tuple, ast.Set):
            vals = [self.value(e, scope) for e in node.elts]
            return UNKNOWN if any(v is UNKNOWN for v in vals) else vals
        if t is ast.Dict:
            return self._dict(node, scope)
        if t is ast.Name:
            return self._lookup(node.id, scope)
        if t is ast.Subscript:
            return self._subscript(node, scope)
        if t is ast.Attribute:
            return self._attribute(node, scope)
        if t is ast.Call:
            return self._call_value(node, scope)
        if t is ast.BinOp:
            return self._binop(node, scope)
        if t is ast.IfExp:  # float(sys.argv[1]) if len(sys.argv) > 1 else 0.5 -> the default
            test = _dotted_names(node.test)
            if "sys.argv" in test or "argv" in test:
                return self.value(node.orelse, scope)
        return UNKNOWN

    def _dict(self, node: ast.Dict, scope: str) -> Any:
        out: dict[str, Any] = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:  # {**base, ...}
                base = self.value(v, scope)
                if not isinstance(base, dict) or "$ref" in base or "$cfg" in base:
                    return UNKNOWN
                out.update(base)
                continue
            key = self.value(k, scope)
            val = self.value(v, scope)
            if not isinstance(key, str | int | float) or val is UNKNOWN:
                return UNKNOWN
            out[str(key)] = val
        return out

    def _lookup(self, name: str, scope: str) -> Any:
        for env in (self.env.get(scope, {}), self.m.bindings):
            if name in env:
                return env[name]
        origin = self.m.aliases.get(name)
        if origin and "." in origin:  # from config import PARAMS
            mod, _, attr = origin.rpartition(".")
            return {"$ref": [mod, attr]}
        return UNKNOWN

    def _subscript(self, node: ast.Subscript, scope: str) -> Any:
        base = self.value(node.value, scope)
        key = self.value(node.slice, scope)
        if base is UNKNOWN or not isinstance(key, str | int):
            return UNKNOWN
        if isinstance(base, dict) and ("$ref" in base or "$cfg" in base):
            tag = "$ref" if "$ref" in base else "$cfg"
            return {tag: [*base[tag], key]}
        try:
            return base[key]
        except (KeyError, IndexError, TypeError):
            return UNKNOWN

    def _attribute(self, node: ast.Attribute, scope: str) -> Any:
        if type(node.value) is ast.Name:
            base = node.value.id
            if node.attr in self.m.argparse and base not in self.m.aliases:
                return {"$arg": node.attr}
            origin = self.m.aliases.get(base)
            if origin and base not in self.env.get(scope, {}) and base not in self.m.bindings:
                return {"$ref": [origin, node.attr]}  # import config; config.PARAMS
            val = self._lookup(base, scope)
            if isinstance(val, dict) and ("$ref" in val or "$cfg" in val):
                tag = "$ref" if "$ref" in val else "$cfg"
                return {tag: [*val[tag], node.attr]}  # cfg.model (OmegaConf attribute access)
        return UNKNOWN

    def _call_value(self, node: ast.Call, scope: str) -> Any:
        """``yaml.safe_load(open("config.yaml"))`` / ``OmegaConf.load("c.yaml")`` -> a config ref."""
        fname = _dotted(node.func) or ""
        tail = fname.rsplit(".", 1)[-1]
        if tail in ("safe_load", "load", "full_load") and node.args:
            path = _open_path(node.args[0])
            if path:
                return {"$cfg": [path]}
        if tail in ("float", "int", "str", "bool") and "." not in fname and len(node.args) == 1:
            inner = self.value(node.args[0], scope)
            return inner if isinstance(inner, int | float | str) and not isinstance(inner, bool) else UNKNOWN
        if tail == "dict" and not node.args:  # dict(max_depth=6, ...)
            return self._dict(
                ast.Dict(
                    keys=[ast.Constant(k.arg) if k.arg else None for k in node.keywords],
                    values=[k.value for k in node.keywords],
                ),
                scope,
            )
        return UNKNOWN

    def _binop(self, node: ast.BinOp, scope: str) -> Any:
        left, right = self.value(node.left, scope), self.value(node.right, scope)
        if isinstance(left, int | float) and isinstance(right, int | float) and not isinstance(left, bool):
            ops = {
                ast.Add: lambda a, b: a + b,
                ast.Sub: lambda a, b: a - b,
                ast.Mult: lambda a, b: a * b,
                ast.Div: lambda a, b: a / b if b else UNKNOWN,
                ast.Pow: lambda a, b: a**b if abs(b) < 64 else UNKNOWN,
            }
            op = ops.get(type(node.op))
            return op(left, right) if op else UNKNOWN
        return UNKNOWN

    # -- pass 2: facts -------------------------------------------------------------------
    def _second_pass(self, scope: str, nodes: Buckets) -> None:
        refs = self.m.refs.setdefault(scope, set())
        attr_refs = self.m.attr_refs.setdefault(scope, set())
        refs.update(n.id for n in nodes.get(ast.Name, ()))
        for node in nodes.get(ast.Attribute, ()):
            refs.add(node.attr)
            if type(node.value) is ast.Name:
                attr_refs.add((node.value.id, node.attr))
        before = len(self.m.facts)
        for node in nodes.get(ast.Call, ()):
            self._call(node, scope)
        for node in nodes.get(ast.Assign, ()):
            self._assign(node, scope)
        for node in nodes.get(ast.AnnAssign, ()):
            if node.value is not None:
                self._assign(ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno), scope)
        for node in nodes.get(ast.Compare, ()):
            self._compare(node, scope)
        if scope == MODULE and not self.m.top_level_ml:
            self.m.top_level_ml = any(
                f.kind not in ("module", "class", "function", "import", "param")
                for f in self.m.facts[before:]
            )

    def _full(self, func: ast.AST) -> str:
        """Dotted name with the first part mapped through the import aliases."""
        name = _dotted(func) or ""
        head, _, rest = name.partition(".")
        origin = self.m.aliases.get(head)
        if origin:
            return f"{origin}.{rest}" if rest else origin
        return name

    def _call(self, node: ast.Call, scope: str) -> None:
        func = node.func
        ft = type(func)
        tail0 = func.attr if ft is ast.Attribute else func.id if ft is ast.Name else ""
        if not _maybe_interesting(tail0):
            return
        full = self._full(func)
        if not full:
            return
        tail = full.rsplit(".", 1)[-1].removesuffix("()")
        kind = self._classify(full, tail)
        if kind:
            self._construction(node, scope, kind, tail, full)
            return
        if full in _BOOSTER_TRAIN:
            self._booster(node, scope, full)
        elif tail in ("fit", "fit_transform", "partial_fit", "fit_resample"):
            self._fit(node, scope, full, tail)
        elif (
            tail in _READERS
            or (tail in _SPARK_READ and ".read" in full)
            or (tail in ("sql", "table") and "spark" in full)
        ):
            self._data_source(node, scope, full, tail)
        elif tail.startswith(("load_", "fetch_", "make_")) and full.startswith("sklearn.datasets"):
            self._add(
                Fact(
                    "data_source",
                    tail,
                    f"{tail} (scikit-learn dataset)",
                    node.lineno,
                    value=tail,
                    attrs={"call": full, **self._kwargs_attrs(node, scope)},
                    text=self._snippet(node),
                    scope=scope,
                )
            )
        elif full.startswith("mlflow.") or tail in _MLFLOW_CLIENT:
            self._mlflow(node, scope, full, tail)
        elif tail in _SEED_CALLS and node.args and ("random" in full or "torch" in full or "seed" in tail):
            val = self.value(node.args[0], scope)
            if isinstance(val, int):
                self._add(
                    Fact(
                        "seed",
                        tail,
                        f"seed {val} ({full})",
                        node.lineno,
                        value=val,
                        attrs={"call": full},
                        text=self._snippet(node),
                        scope=scope,
                    )
                )
        elif tail.startswith("suggest_") and node.args:
            self._suggest(node, scope, tail)
        elif tail == "drop" and type(node.func) is ast.Attribute:
            self._drop(node, scope)
        elif tail == "get_dummies":
            self._construction(node, scope, "preprocessing", tail, full)
        elif tail in ("optimize",) and type(node.func) is ast.Attribute:
            self._construction(node, scope, "hyperparameter_search", "optimize", full)
        elif tail == "assign" and type(node.func) is ast.Attribute and node.keywords:
            for kw in node.keywords:
                if kw.arg:
                    self._add(
                        Fact(
                            "feature",
                            kw.arg,
                            f"derived column {kw.arg}",
                            node.lineno,
                            value=kw.arg,
                            attrs={"how": "assign"},
                            text=self._snippet(kw.value),
                            scope=scope,
                        )
                    )

    def _classify(self, full: str, tail: str) -> str | None:
        if tail == "train_test_split":
            return "split"
        if tail in _DATA_CONTAINERS:
            return None
        if full in ("xgboost.cv", "lightgbm.cv"):
            return "cv"
        if tail in _SEARCH and (
            full.startswith(("sklearn", "optuna", "hyperopt", "skopt", "keras_tuner", "kt.", "bayes_opt"))
            or tail.endswith("CV")
        ):
            return "hyperparameter_search"
        if tail in _CV and (full.startswith("sklearn") or "." not in full):
            return "cv"
        if full.startswith("sklearn.metrics") or (full.startswith(("torchmetrics", "keras.metrics"))):
            return (
                "metric" if tail[:1].islower() or full.startswith(("torchmetrics", "keras.metrics")) else None
            )
        if full.startswith(_SKLEARN_PRE):
            return "preprocessing"
        if not tail[:1].isupper():
            return (
                "estimator"
                if full.startswith(("statsmodels.formula.api", "smf.")) and tail.islower()
                else None
            )
        if full.startswith(_ESTIMATOR_MODULES) or full.startswith(("nn.", "layers.")):
            if full.startswith(
                (
                    "sklearn.datasets",
                    "sklearn.model_selection",
                    "sklearn.metrics",
                    "sklearn.utils",
                    "sklearn.base",
                    "sklearn.inspection",
                    "sklearn.calibration.Calibration",
                )
            ):
                return None
            return "estimator"
        if tail.endswith(_ESTIMATOR_SUFFIX) and "." not in full:
            return "estimator"
        return None

    def _construction(self, node: ast.Call, scope: str, kind: str, tail: str, full: str) -> None:
        params: list[tuple[str, Any, int, dict[str, Any]]] = []
        star: list[Any] = []
        for kw in node.keywords:
            val = self.value(kw.value, scope)
            if kw.arg is None:
                star.append(val if val is not UNKNOWN else {"$expr": self._snippet(kw.value, 80)})
                continue
            if val is UNKNOWN:
                val = {"$expr": self._snippet(kw.value, 80)}
            note = self.notes.get(kw.value.id) if type(kw.value) is ast.Name else None
            params.append(
                (kw.arg, val, getattr(kw.value, "lineno", node.lineno), {"note": note} if note else {})
            )
        args = [self.value(a, scope) for a in node.args]
        attrs: dict[str, Any] = {"call": full}
        literal_args = [a for a in args if a is not UNKNOWN and not isinstance(a, dict)]
        if literal_args and kind in ("estimator", "preprocessing"):
            attrs["args"] = literal_args[:10]
        if kind == "metric":
            attrs["metric"] = tail
        if (
            kind == "split"
            and full.startswith("sklearn")
            and not any(k.arg in ("test_size", "train_size") for k in node.keywords)
        ):
            attrs["note"] = (
                "no test_size or train_size given: scikit-learn then holds out 25% for the test set"
            )
        if kind == "preprocessing" and tail in (
            "Pipeline",
            "make_pipeline",
            "ColumnTransformer",
            "make_column_transformer",
        ):
            attrs["steps"] = _step_names(node)
        if kind == "hyperparameter_search" and tail == "optimize":
            attrs["library"] = "optuna"
        fact = Fact(
            kind,
            tail,
            f"{tail} ({self.relpath})",
            node.lineno,
            getattr(node, "end_lineno", None),
            value=tail,
            attrs=attrs,
            text=self._snippet(node),
            scope=scope,
            params=params,
            star=star or None,
        )
        self._add(fact)

    def _suggest(self, node: ast.Call, scope: str, tail: str) -> None:
        """Optuna search space: ``trial.suggest_int("max_depth", 3, 10)``."""
        name = self.value(node.args[0], scope)
        if not isinstance(name, str):
            return
        rest = [self.value(a, scope) for a in node.args[1:]]
        space: dict[str, Any] = {"type": tail.removeprefix("suggest_")}
        keys = ["choices"] if tail == "suggest_categorical" else ["low", "high"]
        for key, val in zip(keys, rest, strict=False):
            if val is not UNKNOWN:
                space[key] = val
        for kw in node.keywords:
            val = self.value(kw.value, scope)
            if kw.arg and val is not UNKNOWN:
                space[kw.arg] = val
        self._add(
            Fact(
                "hyperparameter_search",
                name,
                f"search space of {name}",
                node.lineno,
                value=space,
                attrs={"call": tail, "library": "optuna"},
                text=self._snippet(node),
                scope=scope,
            )
        )

    def _booster(self, node: ast.Call, scope: str, full: str) -> None:
        """``xgb.train(params, dtrain, num_round)``: the model is defined by its params dict."""
        star: list[Any] = []
        params: list[tuple[str, Any, int, dict[str, Any]]] = []

        def add_star(expr: ast.expr) -> None:
            val = self.value(expr, scope)
            star.append(val if val is not UNKNOWN else {"$expr": self._snippet(expr, 80)})

        def add_param(name: str, expr: ast.expr) -> None:
            val = self.value(expr, scope)
            params.append(
                (name, val if val is not UNKNOWN else {"$expr": self._snippet(expr, 80)}, node.lineno, {})
            )

        if node.args:
            add_star(node.args[0])
        if len(node.args) >= 3:
            add_param("num_boost_round", node.args[2])
        for kw in node.keywords:
            if kw.arg == "params":
                add_star(kw.value)
            elif kw.arg in ("num_boost_round", "early_stopping_rounds", "iterations"):
                add_param(kw.arg, kw.value)
        self._add(
            Fact(
                "estimator",
                full,
                f"{full} ({self.relpath})",
                node.lineno,
                getattr(node, "end_lineno", None),
                value=full,
                attrs={"call": full},
                text=self._snippet(node),
                scope=scope,
                params=params,
                star=star or None,
            )
        )

    def _fit(self, node: ast.Call, scope: str, full: str, tail: str) -> None:
        target = _dotted(node.func.value) if type(node.func) is ast.Attribute else full
        attrs: dict[str, Any] = {"call": full, "on": target}
        for kw in node.keywords:
            if kw.arg in (
                "epochs",
                "batch_size",
                "num_boost_round",
                "early_stopping_rounds",
                "validation_split",
                "sample_weight",
                "eval_metric",
                "verbose_eval",
            ):
                val = self.value(kw.value, scope)
                if val is not UNKNOWN and not isinstance(val, dict):
                    attrs[kw.arg] = val
        if node.args:
            attrs["args"] = [_dotted(a) or self._snippet(a, 40) for a in node.args[:3]]
        params = None
        if full in ("xgboost.train", "lightgbm.train") and node.args:
            val = self.value(node.args[0], scope)
            if isinstance(val, dict) and "$ref" not in val and "$cfg" not in val:
                params = [(k, v, node.lineno, {}) for k, v in val.items()]
        self._add(
            Fact(
                "fit",
                target or tail,
                f"{tail} on {target}",
                node.lineno,
                value=tail,
                attrs=attrs,
                text=self._snippet(node),
                scope=scope,
                params=params,
            )
        )

    def _data_source(self, node: ast.Call, scope: str, full: str, tail: str) -> None:
        val = self.value(node.args[0], scope) if node.args else UNKNOWN
        attrs: dict[str, Any] = {"call": full}
        if isinstance(val, str) and _SQL_RE.search(val):
            attrs["sql"] = _snip(val)
            attrs["tables"] = sorted({t.strip('`"[]') for t in _TABLE_RE.findall(val)})
        if tail in ("table",) and isinstance(val, str):
            attrs["tables"] = [val]
        shown = val if isinstance(val, str) else None
        if (
            shown is None
            and node.args
            and type(node.args[0]) is ast.Name
            and node.args[0].id in self.path_hints
        ):
            shown = self.path_hints[node.args[0].id]
            attrs["path_from"] = f"file name inside the path expression {node.args[0].id}"
        elif shown is None and node.args and type(node.args[0]) is ast.Call:  # os.path.join(base, "x.csv")
            paths = [
                a.value
                for a in node.args[0].args
                if type(a) is ast.Constant and isinstance(a.value, str) and _PATHLIKE.match(a.value)
            ]
            if len(paths) == 1:
                shown = paths[0]
                attrs["path_from"] = "file name inside the path expression"
        label = f"{tail}({shown})" if shown and len(shown) < 80 else tail
        if isinstance(val, dict) and ("$ref" in val or "$cfg" in val or "$arg" in val):
            shown = val  # resolved across files later
        self._add(
            Fact(
                "data_source",
                tail,
                label,
                node.lineno,
                value=shown,
                attrs=attrs,
                text=self._snippet(node),
                scope=scope,
            )
        )

    def _mlflow(self, node: ast.Call, scope: str, full: str, tail: str) -> None:
        attrs: dict[str, Any] = {"call": full, "function": tail}
        args = [self.value(a, scope) for a in node.args[:3]]
        lits = [a for a in args if a is not UNKNOWN and not (isinstance(a, dict) and "$expr" in a)]
        for kw in node.keywords:
            if kw.arg in (
                "registered_model_name",
                "experiment_name",
                "name",
                "artifact_path",
                "run_name",
                "alias",
                "version",
                "key",
                "value",
                "model_uri",
                "tags",
                "log_models",
            ):
                val = self.value(kw.value, scope)
                if val is not UNKNOWN:
                    attrs[kw.arg] = val
        if lits:
            attrs["args"] = lits
        value: Any = attrs.get("registered_model_name") or (
            lits[0] if lits and not isinstance(lits[0], dict) else None
        )
        if tail in ("log_params", "log_metrics") and lits and isinstance(lits[0], dict):
            attrs["keys"] = sorted(lits[0])[:50]
        elif tail in ("log_params", "log_metrics") and node.args and type(node.args[0]) is ast.Dict:
            attrs["keys"] = [k.value for k in node.args[0].keys if type(k) is ast.Constant][:50]
        if isinstance(value, list | dict):
            value = None
        self._add(
            Fact(
                "mlflow_call",
                tail,
                f"mlflow {tail}",
                node.lineno,
                value=value,
                attrs=attrs,
                text=self._snippet(node),
                scope=scope,
            )
        )

    def _drop(self, node: ast.Call, scope: str) -> None:
        cols: Any = None
        axis_cols = any(
            k.arg == "axis" and self.value(k.value, scope) in (1, "columns") for k in node.keywords
        )
        for kw in node.keywords:
            if kw.arg == "columns":
                cols = self.value(kw.value, scope)
        if cols is None and node.args and axis_cols:
            cols = self.value(node.args[0], scope)
        if cols is None or cols is UNKNOWN:
            return
        cols = [cols] if isinstance(cols, str) else cols
        if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
            return
        self._add(
            Fact(
                "dropped_column",
                ",".join(cols)[:60],
                f"dropped columns {', '.join(cols)[:80]}",
                node.lineno,
                value=cols,
                text=self._snippet(node),
                scope=scope,
            )
        )

    def _assign(self, node: ast.Assign, scope: str) -> None:
        if len(node.targets) != 1:
            return
        tgt, val_node = node.targets[0], node.value
        tt = type(tgt)
        if tt is ast.Name:
            self._assign_name(tgt.id, val_node, node.lineno, scope)
        elif tt is ast.Subscript:
            col = self.value(tgt.slice, scope)
            if isinstance(col, str) and type(tgt.value) is ast.Name and _is_frame(tgt.value.id, val_node):
                self._add(
                    Fact(
                        "feature",
                        col,
                        f"derived column {col}",
                        node.lineno,
                        value=col,
                        attrs={"frame": tgt.value.id, "how": "assignment"},
                        text=self._snippet(node),
                        scope=scope,
                    )
                )
        elif tt is ast.Tuple and type(val_node) is ast.Call:
            pass

    def _assign_name(self, name: str, val_node: ast.expr, line: int, scope: str) -> None:
        t = type(val_node)
        if t is ast.Constant:
            v = val_node.value
            if isinstance(v, str) and _TARGET_NAMES.match(name):
                self._add(
                    Fact(
                        "target",
                        v,
                        f"target column {v}",
                        line,
                        value=v,
                        attrs={"name": name},
                        text=self._snippet(val_node, line_of=line),
                        scope=scope,
                    )
                )
            elif isinstance(v, int | float) and not isinstance(v, bool):
                if _SEED_NAMES.match(name) and isinstance(v, int):
                    self._add(
                        Fact("seed", name, f"{name} = {v}", line, value=v, scope=scope, text=self._line(line))
                    )
                elif _THRESH_NAMES.search(name):
                    self._add(
                        Fact(
                            "threshold",
                            name,
                            f"{name} = {v}",
                            line,
                            value=v,
                            scope=scope,
                            text=self._line(line),
                        )
                    )
            elif isinstance(v, str) and re.search(r"sql|query", name, re.IGNORECASE) and _SQL_RE.search(v):
                self._add(
                    Fact(
                        "data_source",
                        name,
                        f"SQL query {name}",
                        line,
                        value=None,
                        attrs={
                            "sql": _snip(v),
                            "tables": sorted({x.strip('`"[]') for x in _TABLE_RE.findall(v)}),
                        },
                        scope=scope,
                    )
                )
        elif t is ast.Subscript and _Y_NAMES.match(name):
            col = self.value(val_node.slice, scope)
            if isinstance(col, list) and len(col) == 1:  # y = df[["quality"]]
                col = col[0]
            if isinstance(col, dict) and ("$ref" in col or "$cfg" in col):
                self._add(
                    Fact(
                        "target",
                        None,
                        "target column",
                        line,
                        value=col,
                        attrs={"name": name, "frame": _dotted(val_node.value)},
                        text=self._line(line),
                        scope=scope,
                    )
                )
            elif isinstance(col, str):
                self._add(
                    Fact(
                        "target",
                        col,
                        f"target column {col}",
                        line,
                        value=col,
                        attrs={"name": name, "frame": _dotted(val_node.value)},
                        text=self._line(line),
                        scope=scope,
                    )
                )
        elif t is ast.Attribute and _Y_NAMES.match(name) and type(val_node.value) is ast.Name:
            if val_node.attr not in ("values", "target", "data", "T", "shape"):
                self._add(
                    Fact(
                        "target",
                        val_node.attr,
                        f"target column {val_node.attr}",
                        line,
                        value=val_node.attr,
                        attrs={"name": name},
                        text=self._line(line),
                        scope=scope,
                    )
                )
        elif t in (ast.List, ast.Tuple) and _FEATURE_NAMES.search(name):
            cols = self.value(val_node, scope)
            if isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols):
                self._add(
                    Fact(
                        "feature",
                        name,
                        f"{name} ({len(cols)} columns)",
                        line,
                        getattr(val_node, "end_lineno", None),
                        value=cols,
                        attrs={"how": "list"},
                        scope=scope,
                    )
                )

    def _compare(self, node: ast.Compare, scope: str) -> None:
        if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Gt, ast.GtE, ast.Lt, ast.LtE):
            return
        right = node.comparators[0]
        val = self.value(right, scope)
        if not isinstance(val, float) or not 0 < val < 1:
            return
        left = self._snippet(node.left, 80) or ""
        if not re.search(r"prob|proba|score|pred|p_hat|yhat|y_hat", left, re.IGNORECASE):
            return
        self._add(
            Fact(
                "threshold",
                left[:40],
                f"decision threshold {val}",
                node.lineno,
                value=val,
                attrs={"expr": self._snippet(node, 120)},
                scope=scope,
                text=self._line(node.lineno),
            )
        )

    # -- helpers -------------------------------------------------------------------------
    def _kwargs_attrs(self, node: ast.Call, scope: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg:
                v = self.value(kw.value, scope)
                if v is not UNKNOWN:
                    out[kw.arg] = v
        return out

    def _line(self, line: int) -> str | None:
        if 0 < line <= len(self.lines):
            return self.lines[line - 1].strip()[:SNIPPET_MAX]
        return None

    def _snippet(self, node: ast.AST, limit: int = SNIPPET_MAX, line_of: int | None = None) -> str | None:
        start = getattr(node, "lineno", None)
        if line_of is not None:
            return self._line(line_of)
        if start is None:
            return None
        end = getattr(node, "end_lineno", None) or start
        if end == start:
            seg = (
                _segment(self.lines[start - 1], node.col_offset, node.end_col_offset)
                if start <= len(self.lines)
                else ""
            )
        else:
            seg = " ".join(x.strip() for x in self.lines[start - 1 : min(end, start + 12)])
        seg = " ".join(seg.split())
        return seg[:limit] + ("…" if len(seg) > limit else "")

    def _add(self, fact: Fact) -> None:
        fact.cell = self.cell
        self.m.facts.append(fact)


Buckets = dict[type, list[Any]]
_KEEP = frozenset(
    {ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.Call, ast.Compare, ast.Name, ast.Attribute}
)
# Fields that never hold a node we need (names, flags, operators, contexts): not walked.
_PRIMITIVE_FIELDS = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "type_ignores",
        "type_comment",
        "id",
        "attr",
        "name",
        "arg",
        "module",
        "level",
        "kind",
        "asname",
        "conversion",
        "is_async",
        "simple",
        "names",
        "lineno",
        "col_offset",
        "end_lineno",
        "end_col_offset",
        "tag",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {type(None): (), str: (), ast.Constant: ()}


def _walk(roots: list[ast.AST]) -> Buckets:
    """All nodes under `roots`, bucketed by the node types the passes use (faster than ast.walk)."""
    out: Buckets = {}
    stack: list[Any] = list(roots)
    keep = _KEEP
    fields_of = _FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        t = type(node)
        fields = fields_of.get(t)
        if fields is None:
            fields = fields_of[t] = tuple(f for f in t._fields if f not in _PRIMITIVE_FIELDS)
        if t in keep:
            bucket = out.get(t)
            if bucket is None:
                out[t] = bucket = []
            bucket.append(node)
        for name in fields:
            child = getattr(node, name)
            if type(child) is list:
                extend(child)
            elif child is not None:
                push(child)
    return out


def _signature(args: ast.arguments) -> str:
    """``a, b=1, *rest, key=None, **kw`` without unparsing annotations (cheap)."""
    pos = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(pos) - len(args.defaults)) + list(args.defaults)
    parts = [a.arg + (f"={_default(d)}" if d is not None else "") for a, d in zip(pos, defaults, strict=True)]
    if args.vararg:
        parts.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        parts.append("*")
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        parts.append(a.arg + (f"={_default(d)}" if d is not None else ""))
    if args.kwarg:
        parts.append(f"**{args.kwarg.arg}")
    return ", ".join(parts)


def _default(node: ast.expr) -> str:
    if type(node) is ast.Constant:
        text = repr(node.value)
        return text if len(text) <= 30 else "…"
    return _dotted(node) or "…"


def _is_frame(name: str, value: ast.expr) -> bool:
    """Is ``name[...] = value`` a derived data-frame column (not a config dict entry)?"""
    if _NOT_FRAMES.match(name) or "config" in name.lower() or "param" in name.lower():
        return False
    if _FRAME_NAMES.search(name):
        return True
    # Column arithmetic on the right-hand side (out["a"] / out["b"]) says it is a frame.
    stack = [value]
    while stack:
        node = stack.pop()
        if (
            type(node) is ast.Subscript
            and type(node.slice) is ast.Constant
            and isinstance(node.slice.value, str)
        ):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _dotted_names(node: ast.AST) -> set[str]:
    return {d for n in ast.walk(node) if type(n) in (ast.Name, ast.Attribute) and (d := _dotted(n))}


def _segment(line: str, start: int, end: int | None) -> str:
    """Slice by ast's UTF-8 byte offsets."""
    if line.isascii():
        return line[start:end]
    return line.encode()[start:end].decode(errors="ignore")


def _step_names(node: ast.Call) -> list[str]:
    """Names of Pipeline / ColumnTransformer steps: ``[("scale", StandardScaler()), ...]``."""
    names: list[str] = []
    for arg in node.args:
        if type(arg) is ast.List:
            for el in arg.elts:
                if type(el) is ast.Tuple and el.elts:
                    first = el.elts[0]
                    step = el.elts[1] if len(el.elts) > 1 else None
                    label = first.value if type(first) is ast.Constant else "?"
                    kind = _dotted(step.func) if step is not None and type(step) is ast.Call else None
                    names.append(f"{label}: {kind}" if kind else str(label))
        elif type(arg) is ast.Call:
            names.append(_dotted(arg.func) or "?")
    return names[:20]


def _open_path(node: ast.AST) -> str | None:
    """The literal path of ``open("x.yaml")``, ``Path("x.yaml").read_text()`` or ``"x.yaml"``."""
    t = type(node)
    if t is ast.Constant and isinstance(node.value, str):
        return node.value
    if t is ast.Call:
        fname = _dotted(node.func) or ""
        if fname.endswith(("open", "read_text")) or fname.split(".")[-1] in ("Path",):
            if node.args:
                return _open_path(node.args[0])
            if type(node.func) is ast.Attribute:
                return _open_path(node.func.value)
    if t is ast.withitem:
        return _open_path(node.context_expr)
    return None


def _snip(text: str, limit: int = SNIPPET_MAX) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def extract(relpath: str, chunks: list[tuple[int | None, ast.Module, list[str]]]) -> ModuleFacts:
    """Facts of one module (texts in `chunks` must already be redacted)."""
    return Extractor(relpath).run(chunks)
