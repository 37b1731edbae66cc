"""Static values inside one module: literals, names bound to literals, and references to resolve later.

A value is a JSON-able literal, a reference (``{"$ref": [module, name, *keys]}`` into another
module, ``{"$cfg": [path, *keys]}`` into a config file, ``{"$arg": dest}`` to a command-line
default) that the tree scan resolves across files, or `UNKNOWN`."""

from __future__ import annotations

import ast
import re
from typing import Any

from autodoc.scan.code.instance import InstanceAttributes
from autodoc.scan.code.model import ModuleFacts
from autodoc.scan.code.returned import one_return
from autodoc.scan.code.syntax import dotted, dotted_names, open_path, script_folder
from autodoc.scan.code.value_text import CWD, cast_literal, is_concat, is_cwd, star_origin


class _Unknown:
    """Marker for a value we cannot resolve statically."""


UNKNOWN = _Unknown()
REF_TAGS = ("$ref", "$cfg")


def is_ref(value: Any) -> bool:
    """A reference to another module, a config file or a function parameter (still to resolve)."""
    return isinstance(value, dict) and ("$ref" in value or "$cfg" in value or "$param" in value)


def extend_ref(value: dict[str, Any], key: Any) -> dict[str, Any]:
    """``ref[key]`` / ``ref.key``: the same reference one step deeper."""
    tag = next(t for t in ("$ref", "$cfg", "$param") if t in value)
    return {tag: [*value[tag], key]}


class ConfigObject(dict):
    """An instance of a config class (a dataclass, pydantic settings): its field values by name."""


# An imported class whose instance is a configuration (its fields are resolved in its own module)
_CONFIG_CLASS = re.compile(r"(Config|Conf|Cfg|Settings|Params|Parameters|Hparams|HParams|Args|Options)$")

# A project's own helper that reads a settings file: ``config = load_config("config.json")``
_CONFIG_LOADER = re.compile(
    r"^(?:load|read|get|parse|open)_?(?:config|conf|cfg|params|parameters|settings|yaml|json|toml)s?$", re.I
)
_CONFIG_FILE = (".json", ".yaml", ".yml", ".toml")
_CONFIG_OPTIONS = ("config", "config_path", "config_file", "cfg", "conf", "params", "params_file", "settings")

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b if b else UNKNOWN,
    ast.Pow: lambda a, b: a**b if abs(b) < 64 else UNKNOWN,
}


class Values:
    """Reads the value of an expression in a scope of one module."""

    def __init__(self, m: ModuleFacts, env: dict[str, dict[str, Any]], parameters: dict[str, Any]) -> None:
        self.m = m
        self.env = env
        self.parameters = parameters  # function qualname -> its parameters (`params.Signatures`)
        self.param_refs = False  # a value read a function parameter: resolve at the call sites
        self.path_hints: dict[str, str] = {}  # name -> a literal file name inside an unresolved path
        self._active: set[str] = set()  # functions whose return value is being read (no recursion)
        self._returns: dict[str, Any] = {}  # function -> the config object or file it returns
        self.instance = InstanceAttributes()  # self.x values, noted by the extractor

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
        reader = self._READERS.get(t)
        if reader is not None:
            return reader(self, node, scope)
        if t is ast.IfExp:  # float(sys.argv[1]) if len(sys.argv) > 1 else 0.5 -> the default
            test = dotted_names(node.test)
            if "sys.argv" in test or "argv" in test:
                return self.value(node.orelse, scope)
        return UNKNOWN

    def dict_value(self, node: ast.Dict, scope: str) -> Any:
        out: dict[str, Any] = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:  # {**base, ...}
                base = self.value(v, scope)
                if not isinstance(base, dict) or "$ref" in base or "$cfg" in base:
                    return UNKNOWN
                out.update(base)
                continue
            key = self.value(k, scope)
            if not isinstance(key, str | int | float):
                return UNKNOWN
            val = self.value(v, scope)
            if val is not UNKNOWN:  # {"output_dir": str(MODEL_DIR), "learning_rate": 2e-5}: the rest is known
                out[str(key)] = val
        return out if out or not node.keys else UNKNOWN

    def lookup(self, name: str, scope: str) -> Any:
        """A name in `scope`: bound there, else a parameter of it (which hides a module-level name
        of the same spelling: ``def fit(n_trees)`` never reads ``n_trees = 100`` at top level), else
        the module's binding or import."""
        local = self.env.get(scope, {})
        if name in local:
            return local[name]
        sig = self.parameters.get(scope)
        if sig is not None and sig.config and sig.names[:1] == [name]:
            return {"$cfg": [sig.config]}  # @hydra.main(...) def train(cfg): cfg.model.lr
        if sig is not None and (name in sig.names or name == sig.kwarg):
            self.param_refs = True
            return {"$param": [scope, name]}
        if name in self.m.bindings:
            return self.m.bindings[name]
        origin = self.m.aliases.get(name) or star_origin(self.m.aliases, name)
        if origin and "." in origin:  # from config import PARAMS
            mod, _, attr = origin.rpartition(".")
            return {"$ref": [mod, attr]}
        return UNKNOWN

    def _name(self, node: ast.Name, scope: str) -> Any:
        return self.lookup(node.id, scope)

    def _subscript(self, node: ast.Subscript, scope: str) -> Any:
        base = self.value(node.value, scope)
        key = self.value(node.slice, scope)
        if base is UNKNOWN or not isinstance(key, str | int):
            return UNKNOWN
        if is_ref(base):
            return extend_ref(base, key)
        try:
            return base[key]
        except (KeyError, IndexError, TypeError):
            return UNKNOWN

    def _attribute(self, node: ast.Attribute, scope: str) -> Any:
        if type(node.value) is ast.Name:
            base = node.value.id
            if base == "self" and "." in scope:  # self.n_trees, set in another method of the class
                held = self.instance.value(self, scope.split(".", 1)[0], node.attr, UNKNOWN)
                if held is not UNKNOWN:
                    return held
            if node.attr in self.m.argparse and base not in self.m.aliases:
                return {"$arg": node.attr}
            origin = self.m.aliases.get(base)
            if origin and base not in self.env.get(scope, {}) and base not in self.m.bindings:
                return {"$ref": [origin, node.attr]}  # import config; config.PARAMS
            val = self.lookup(base, scope)
            if is_ref(val):
                return extend_ref(val, node.attr)  # cfg.model (OmegaConf attribute access)
            if isinstance(val, ConfigObject):  # cfg.lr of cfg = TrainConfig(...)
                return val.get(node.attr, UNKNOWN)
        elif type(node.value) is ast.Attribute:  # cfg.model.lr: one step deeper than cfg.model
            val = self._attribute(node.value, scope)
            if is_ref(val):
                return extend_ref(val, node.attr)
            if isinstance(val, ConfigObject):
                return val.get(node.attr, UNKNOWN)
        return UNKNOWN

    def _call(self, node: ast.Call, scope: str) -> Any:
        """``yaml.safe_load(open("config.yaml"))`` / ``OmegaConf.load("c.yaml")`` -> a config ref."""
        fname = dotted(node.func) or ""
        tail = fname.rsplit(".", 1)[-1]
        if type(node.func) is ast.Name:
            made = self._config_instance(node, node.func.id, scope)
            if made is UNKNOWN:
                made = self.returned(node.func.id)
            if made is not UNKNOWN:
                return made
        if fname.startswith("self.") and fname.count(".") == 1 and "." in scope:  # self._path_raw_data()
            made = self.returned(f"{scope.split('.', 1)[0]}.{fname[5:]}")
            if isinstance(made, str) or is_concat(made):  # a path the method returns
                return made
        if tail in ("safe_load", "load", "full_load") and node.args:
            path = open_path(node.args[0])
            if path:
                return {"$cfg": [path]}
        if fname.endswith(("widgets.get", "widgets.getArgument")) and node.args:
            name = self.value(node.args[0], scope)  # dbutils.widgets.get("outcome_id"): the widget's default
            return {"$arg": f"widget:{name}"} if isinstance(name, str) else UNKNOWN
        if _CONFIG_LOADER.match(tail) and node.args:
            path = self._config_path(node.args[0], scope)
            if path:
                return {"$cfg": [path]}
        if self._imported_name(fname) in _PATH_CALLS:
            return self._path(node, scope)
        if self._imported_name(fname) in _CWD_CALLS and not node.args:
            return {CWD: 0}
        if tail in _CASTS and "." not in fname and len(node.args) == 1:
            return self._cast(tail, node.args[0], scope)
        if tail == "dict" and not node.args:  # dict(max_depth=6, ...)
            keys = [ast.Constant(k.arg) if k.arg else None for k in node.keywords]
            return self.dict_value(ast.Dict(keys=keys, values=[k.value for k in node.keywords]), scope)
        return UNKNOWN

    def _cast(self, to: str, arg: ast.expr, scope: str) -> Any:
        """``float(0.1)``, ``str(path)``: a literal kept; a path still to resolve kept through ``str``
        (``str(Path(root, cfg["model"]))``), a configured sequence through ``list(cfg.data.codes)``."""
        inner = self.value(arg, scope)
        if to in ("list", "tuple"):
            return inner if isinstance(inner, list) or (is_ref(inner) and "$param" not in inner) else UNKNOWN
        if to == "str" and (is_concat(inner) or is_ref(inner)):
            return inner
        if isinstance(inner, dict) and "$arg" in inner and to in ("int", "float"):
            return inner  # int(args.epochs), int(self.n_trials): the option's default (already a number)
        try:
            return cast_literal(to, inner)
        except ValueError:
            return UNKNOWN

    def _imported_name(self, fname: str) -> str:
        """``Path`` -> ``pathlib.Path`` (``from pathlib import Path``), ``op.join`` -> ``os.path.join``."""
        head, dot, rest = fname.partition(".")
        origin = self.m.aliases.get(head)
        return f"{origin}{dot}{rest}" if origin else ""

    def _path(self, node: ast.Call, scope: str) -> Any:
        """``os.path.join(a, b)`` / ``Path(a, b)`` whose every part is a known string: the joined path."""
        if node.keywords or not node.args or any(type(a) is ast.Starred for a in node.args):
            return UNKNOWN
        return join_parts([self._path_part(a, scope) for a in node.args], "/")

    def _path_part(self, node: ast.expr, scope: str) -> Any:
        """A part of a path: its value, or the environment variable it reads (``os.getenv("DATA_DIR")``,
        ``os.environ.get(...)``), kept as the reference ``os.environ["DATA_DIR"]`` would be."""
        val = self.value(node, scope)
        if val is UNKNOWN and type(node) is ast.Call and node.args and type(node.args[0]) is ast.Constant:
            key = node.args[0].value
            if isinstance(key, str) and self._imported_name(dotted(node.func) or "") in _ENV_READS:
                return {"$ref": ["os", "environ", key]}
        up = script_folder(node) if val is UNKNOWN else None
        return {"$here": up} if up is not None else val  # Path(__file__).parent: the tree scan knows it

    def _fstring(self, node: ast.JoinedStr, scope: str) -> Any:
        """``f"{data_dir}/train.csv"`` whose every placeholder has a known str or int value."""
        out: list[Any] = []
        for part in node.values:
            if type(part) is ast.Constant:
                out.append(str(part.value))
                continue
            if type(part) is not ast.FormattedValue or part.format_spec is not None or part.conversion != -1:
                return UNKNOWN
            val = self._path_part(part.value, scope)
            out.append(str(val) if isinstance(val, int) and not isinstance(val, bool) else val)
        return join_parts(out, "+")

    def returned(self, func: str) -> Any:
        """``cfg = default_config()``: the config object or file a function of this module returns
        (its last statement ``return TrainConfig(depth=6)`` / ``return cfg``), or the path it builds
        (from no parameter), else UNKNOWN."""
        if func in self._returns:
            return self._returns[func]
        found = self.parameters.nodes.get(func)
        if found is None or func in self._active or func not in self.env:  # not read yet: no guess
            return UNKNOWN
        last = found[0].body[-1] if found[0].body else None
        if type(last) is not ast.Return or type(last.value) not in (ast.Call, ast.Name, ast.BinOp):
            self._returns[func] = UNKNOWN
            return UNKNOWN
        self._active.add(func)
        try:
            value = self.value(last.value, func)
            if isinstance(value, ConfigObject) and type(last.value) is ast.Name:
                value = self._set_fields(value, last.value.id, found[0].body, func)
        finally:
            self._active.discard(func)
        joined = is_concat(value) and not any(isinstance(p, dict) and "$param" in p for p in value["$concat"])
        # a path it builds from no parameter, in its only return (or every return names the same variable)
        path = (isinstance(value, str) or joined) and one_return(found[0], last.value)
        if not (path or isinstance(value, ConfigObject) or (is_ref(value) and "$param" not in value)):
            value = UNKNOWN
        self._returns[func] = value  # its scope is read: the value no longer changes
        return value

    def _set_fields(self, obj: ConfigObject, name: str, body: list[ast.stmt], scope: str) -> ConfigObject:
        """``cfg.depth = 8`` on the object a factory returns: the fields it sets (top-level statements)."""
        out = ConfigObject(obj)
        for stmt in body:
            target = stmt.targets[0] if type(stmt) is ast.Assign and len(stmt.targets) == 1 else None
            if type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id == name:
                _set_field(out, target.attr, self.value(stmt.value, scope))
        return out

    def _config_path(self, arg: ast.expr, scope: str) -> str | None:
        """The settings file a project's loader reads: a literal path, an expression or a name holding
        one, or the parsed arguments (``load_config(args)``: the default of their --config option)."""
        held = self.value(arg, scope) if type(arg) in (ast.Name, ast.Call) else None
        path = open_path(arg) or (held if isinstance(held, str) else None)
        path = path or (self.path_hints.get(arg.id) if type(arg) is ast.Name else None)
        if path is None and type(arg) is ast.Name:
            options = [self.m.argparse.get(k, (None, 0))[0] for k in _CONFIG_OPTIONS]
            path = next((o for o in options if isinstance(o, str)), None)
        return path if path and path.lower().endswith(_CONFIG_FILE) else None

    def _config_instance(self, node: ast.Call, name: str, scope: str) -> Any:
        """``TrainConfig(epochs=5)``: the class's field defaults with the call's keywords over them."""
        cls = self.lookup(name, scope)
        if isinstance(cls, ConfigObject):
            out = ConfigObject(cls)
            for kw in node.keywords:
                if kw.arg:
                    _set_field(out, kw.arg, self.value(kw.value, scope))
            return out
        if (
            is_ref(cls)
            and "$ref" in cls
            and not node.args
            and not node.keywords
            and _CONFIG_CLASS.search(name)
        ):
            return cls  # an imported config class: its defaults, read in its own module
        return UNKNOWN

    def _binop(self, node: ast.BinOp, scope: str) -> Any:
        left, right = self._path_part(node.left, scope), self._path_part(node.right, scope)
        config_file = isinstance(right, str) and right.lower().endswith(_CONFIG_FILE)
        if type(node.op) is ast.Div and config_file and not isinstance(left, str):
            return right  # HERE / "config.yaml": the settings file's name
        if type(node.op) is ast.Div and is_cwd(left):  # Path.cwd() / cfg["data"]: the path read from there
            return join_parts([left, right], "/")
        if type(node.op) in (ast.Add, ast.Div) and (isinstance(left, str) or isinstance(right, str)):
            how = "+" if type(node.op) is ast.Add else "/"  # data_path + "x.csv" / Path("data") / "x.csv"
            return join_parts([left, right], how)
        if isinstance(left, int | float) and isinstance(right, int | float) and not isinstance(left, bool):
            op = _BINOPS.get(type(node.op))
            return op(left, right) if op else UNKNOWN
        return UNKNOWN

    _READERS: dict[type, Any] = {
        ast.Dict: dict_value,
        ast.Name: _name,
        ast.Subscript: _subscript,
        ast.Attribute: _attribute,
        ast.Call: _call,
        ast.BinOp: _binop,
        ast.JoinedStr: _fstring,
    }


_ENV_READS = frozenset({"os.getenv", "os.environ.get"})
_CWD_CALLS = frozenset({"os.getcwd", "pathlib.Path.cwd"})
_CASTS = ("float", "int", "str", "bool", "list", "tuple")  # a value passed through a builtin
# Calls that build a path from their arguments (by their imported name: not a project's own ``join``)
_PATH_CALLS = frozenset(
    {"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"}
)


def join_parts(parts: list[Any], how: str) -> Any:
    """Strings joined by ``+`` (concatenation) or ``/`` (a path join). A part still to resolve in another
    module or at a call site (a reference) makes ``{"$concat": parts, "how": how}``; any other part
    the scan cannot know makes the whole UNKNOWN (never a partial name). A path joined onto the working
    directory (``Path(os.getcwd(), "data/x.csv")``) is that path: the path alone is read from there too."""
    if how == "/" and parts and is_cwd(parts[0]):
        if len(parts) == 1:
            return parts[0]  # root = Path(os.getcwd()): a root a later join drops
        parts = parts[1:]
        if len(parts) == 1 and not isinstance(parts[0], str):
            return {"$concat": parts, "how": how} if is_ref(parts[0]) or is_concat(parts[0]) else UNKNOWN
    if all(isinstance(p, str) for p in parts):
        out = parts[0]
        for part in parts[1:]:
            out = out + part if how == "+" else _join_path(out, part)
        return out
    if all(isinstance(p, str) or is_ref(p) or is_concat(p) or _is_arg(p) for p in parts):
        return {"$concat": parts, "how": how}
    return UNKNOWN


def _is_arg(value: Any) -> bool:
    return isinstance(value, dict) and ("$arg" in value or "$here" in value)


def _join_path(base: str, part: str) -> str:
    """``os.path.join`` / ``Path.__truediv__`` on two strings, written with ``/`` whatever the OS."""
    if not base or part.startswith(("/", "\\")):
        return part
    return base + part if base.endswith(("/", "\\")) else f"{base}/{part}"


def _set_field(obj: ConfigObject, name: str, value: Any) -> None:
    """A field set to a value the scan cannot know is dropped: no stale default stands for it."""
    if value is UNKNOWN:
        obj.pop(name, None)
    else:
        obj[name] = value
