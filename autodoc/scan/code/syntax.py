"""Small, cheap readers of Python syntax trees shared by the fact rules (no project knowledge)."""

from __future__ import annotations

import ast
import inspect
import re
from typing import Any

SNIPPET_MAX = 300
FUNC_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)

Buckets = dict[type, list[Any]]
_KEEP = frozenset(
    {
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
        ast.Call,
        ast.Compare,
        ast.Name,
        ast.Attribute,
        ast.For,
        ast.withitem,
        ast.AugAssign,  # these five for `rules.origins` (assignments, returns, branches, `with`)
        ast.Expr,
        ast.Return,
        ast.If,
        ast.With,
    }
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
# Leaves: no children to walk (MatchSingleton holds a bare True/False, MatchValue a Constant)
_LEAVES = (type(None), str, bool, int, float, bytes, ast.Constant)
_FIELDS: dict[type, tuple[str, ...]] = dict.fromkeys(_LEAVES, ())


def _learn_fields(t: type) -> tuple[str, ...]:
    """The fields of node type `t` that can hold other nodes (kept in `_FIELDS` for the walks)."""
    names = getattr(t, "_fields", ())  # anything else that is not a node has none either
    fields = _FIELDS[t] = tuple(f for f in names if f not in _PRIMITIVE_FIELDS)
    return fields


_NAME, _CONSTANT = ast.Name, ast.Constant


def walk(roots: list[ast.AST]) -> Buckets:
    """All nodes under `roots`, bucketed by the node types the passes use (faster than ast.walk)."""
    out: Buckets = {}
    stack: list[Any] = list(roots)
    keep = _KEEP
    fields_of = _FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    names: list[Any] | None = None  # Name and Constant, half of all nodes, have no children to walk
    while stack:
        node = pop()
        t = type(node)
        if t is _NAME:
            if names is None:
                out[t] = names = []
            names.append(node)
            continue
        if t is _CONSTANT:
            continue
        fields = fields_of.get(t)
        if fields is None:
            fields = _learn_fields(t)
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


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` of a Name/Attribute chain; a call inside keeps its tail (``spark.read.format().load``)."""
    if type(node) is _NAME:  # the most common case, without the list
        return node.id  # type: ignore[attr-defined]
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        parts.append(node.id)
        return ".".join(reversed(parts))
    if type(node) is ast.Call:
        inner = dotted(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def dotted_names(node: ast.AST) -> set[str]:
    return {d for n in ast.walk(node) if type(n) in (ast.Name, ast.Attribute) and (d := dotted(n))}


def is_main_test(node: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if type(node) is not ast.Compare or len(node.ops) != 1 or type(node.ops[0]) is not ast.Eq:
        return False
    sides = [node.left, node.comparators[0]]
    has_name = any(type(s) is ast.Name and s.id == "__name__" for s in sides)
    has_main = any(type(s) is ast.Constant and s.value == "__main__" for s in sides)
    return has_name and has_main


def is_dead_test(node: ast.expr) -> bool:
    return type(node) is ast.Constant and not node.value


_INNER_BLANK_RE = re.compile(r"\n[^\S\n]+\n")  # a line of spaces or tabs between two lines


def doc_summary(node: ast.AST) -> str | None:
    """``first_para(ast.get_docstring(node))``, cleaning the docstring only when that can matter.

    `first_para` joins the words of the first paragraph, so removing the indentation
    (`inspect.cleandoc`, a loop over every line of long docstrings) changes its result only where
    a line of spaces becomes empty and so ends a paragraph.
    """
    body = getattr(node, "body", None)
    if not body or type(body[0]) is not ast.Expr:
        return None
    value = body[0].value
    if type(value) is not ast.Constant or not isinstance(value.value, str):
        return None
    raw = value.value
    exact = not raw.strip() or _INNER_BLANK_RE.search(raw)
    return first_para(inspect.cleandoc(raw) if exact else raw)


def first_para(doc: str | None) -> str | None:
    if not doc:
        return None
    para = doc.strip().split("\n\n", 1)[0]
    return " ".join(para.split())[:SNIPPET_MAX]


def signature(args: ast.arguments) -> str:
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
    return dotted(node) or "…"


def segment(line: str, start: int, end: int | None) -> str:
    """Slice by ast's UTF-8 byte offsets."""
    if line.isascii():
        return line[start:end]
    return line.encode()[start:end].decode(errors="ignore")


def step_names(node: ast.Call) -> list[str]:
    """Names of Pipeline / ColumnTransformer steps: ``[("scale", StandardScaler()), ...]``."""
    names: list[str] = []
    for arg in node.args:
        if type(arg) is ast.List:
            for el in arg.elts:
                if type(el) is ast.Tuple and el.elts:
                    first = el.elts[0]
                    step = el.elts[1] if len(el.elts) > 1 else None
                    label = first.value if type(first) is ast.Constant else "?"
                    kind = dotted(step.func) if step is not None and type(step) is ast.Call else None
                    names.append(f"{label}: {kind}" if kind else str(label))
        elif type(arg) is ast.Call:
            names.append(dotted(arg.func) or "?")
    return names[:20]


def open_path(node: ast.AST) -> str | None:
    """The literal path of ``open("x.yaml")``, ``Path("x.yaml").read_text()`` or ``"x.yaml"``."""
    t = type(node)
    if t is ast.Constant and isinstance(node.value, str):
        return node.value
    if t is ast.Call:
        fname = dotted(node.func) or ""
        if fname.endswith(("open", "read_text")) or fname.split(".")[-1] in ("Path",):
            if node.args:
                return open_path(node.args[0])
            if type(node.func) is ast.Attribute:
                return open_path(node.func.value)
    if t is ast.withitem:
        return open_path(node.context_expr)
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of the call's keyword argument `name`, if given."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def constant(node: ast.AST | None) -> Any:
    """A literal's value, else None."""
    return node.value if type(node) is ast.Constant else None


def snip(text: str, limit: int = SNIPPET_MAX) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


_DIRNAMES = frozenset({"dirname"})
_ABSOLUTE = frozenset({"abspath", "realpath", "normpath"})


def script_folder(node: ast.AST) -> int | None:
    """How many folders above the script's own folder `node` names: 0 for ``os.path.dirname(__file__)``
    (also through ``abspath``/``realpath``) and ``Path(__file__).parent`` (also ``.resolve()``), one
    more per further ``dirname`` or ``.parent``; None for anything else."""
    ups = -1
    while True:
        t = type(node)
        tail = (dotted(node.func) or "").rsplit(".", 1)[-1] if t is ast.Call else ""
        if t is ast.Attribute and node.attr == "parent":
            ups, node = ups + 1, node.value
        elif tail in _DIRNAMES and len(node.args) == 1:
            ups, node = ups + 1, node.args[0]
        elif (tail in _ABSOLUTE or tail in ("Path", "PurePath")) and len(node.args) == 1:
            node = node.args[0]
        elif t is ast.Call and tail in ("resolve", "absolute") and not node.args:
            node = node.func.value
        elif t is ast.Name and node.id == "__file__":
            return ups if ups >= 0 else None
        else:
            return None


def mentions(lines: list[str], node: ast.AST, word: str) -> bool:
    """Whether the source lines of `node` hold `word`: a cheap test before walking the node for it."""
    end = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
    return any(word in lines[i] for i in range(node.lineno - 1, min(end, len(lines))))  # type: ignore[attr-defined]


def path_parts(expr: ast.AST | None) -> list[list[str]] | None:
    """A file path built from attribute reads (``self.config.model_path``,
    ``os.path.join(self.config.root_dir, "model.joblib")``, ``Path(cfg.root) / cfg.name``) as its parts,
    ``["key", "self.config.root_dir"]`` or ``["text", "model.joblib"]``; None for any other expression
    or one without an attribute read (a configuration key may name what the scan cannot resolve)."""
    parts = _path_parts(expr)
    return parts if parts and any(kind == "key" for kind, _ in parts) else None


def _path_parts(expr: ast.AST | None) -> list[list[str]] | None:
    if type(expr) is ast.Attribute:
        chain = dotted(expr)
        return [["key", chain]] if chain else None
    if type(expr) is ast.Constant and isinstance(expr.value, str):
        return [["text", expr.value]]
    if type(expr) is ast.BinOp and type(expr.op) is ast.Div:  # Path(root) / "model.joblib"
        left, right = _path_parts(expr.left), _path_parts(expr.right)
        return left + right if left is not None and right is not None else None
    if type(expr) is ast.Call and not expr.keywords and expr.args:
        name = dotted(expr.func) or ""
        if name.endswith(("path.join", "Path")):
            found = [_path_parts(a) for a in expr.args]
            return [p for part in found for p in part] if all(p is not None for p in found) else None  # type: ignore[union-attr]
    return None
