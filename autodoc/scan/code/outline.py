"""The shape of one Python module beyond its ML facts: code blocks, web routes and hooks, schemas,
monitoring and data checks. Read from the top-level statements (and, for keyword-bearing files,
function bodies) of an already parsed, already redacted module.

Blocks are what excerpts quote (functions, methods, the ``__main__`` block, runs of module-level
statements, notebook cells). Routes and hooks are entry points of a serving app: a framework calls
them, nothing in the code does.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from autodoc.scan.code import loads
from autodoc.scan.code.facts import MAIN, MODULE, Fact
from autodoc.scan.code.syntax import constant, keyword

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_HTTP_METHODS = {"get", "post", "put", "delete", "patch", "head", "options"}
_ROUTE_ATTRS = _HTTP_METHODS | {"route", "api_route", "websocket"}
# Decorators by which a framework (not our code) calls a function: web hooks, UI callbacks, tasks.
_HOOK_ATTRS = {
    "on_event", "middleware", "exception_handler", "before_request", "after_request",
    "before_first_request", "teardown_request", "errorhandler", "callback", "task", "shared_task",
    "validator", "field_validator", "model_validator", "root_validator", "listener", "on",
}  # fmt: skip
_APP_CTORS = {"FastAPI": "FastAPI", "Flask": "Flask", "APIRouter": "FastAPI", "Blueprint": "Flask"}
_APP_CTORS |= {"Dash": "Dash", "Starlette": "Starlette", "Sanic": "Sanic", "Litestar": "Litestar"}
# Words without which a function holds no drift test, alert or data check (most code: skip the walk).
# Substrings of the lowered text: twenty times faster than one case-insensitive regex on large trees.
_MONITOR_WORDS = (
    "ks_2samp", "kstest", "psi", "population_stability", "drift", "wasserstein", "chi2_contingency",
    "jensenshannon", "evidently", "alert", "notify", "slack", "great_expectations", "pandera",
    "expect_column", "dataframeschema", "joblib", "pickle.load", "torch.load", "load_model",
    "inferencesession", "model_file", "pipeline(", "model.load(",  # Spark: PipelineModel.load(path)
)  # fmt: skip
# Calls that load a trained model or artifact from a file (MLflow's load_model is an mlflow_call fact).
_DRIFT_CALLS = {
    "ks_2samp": "KS test",
    "kstest": "KS test",
    "wasserstein_distance": "Wasserstein distance",
    "chi2_contingency": "chi-squared test",
    "jensenshannon": "Jensen-Shannon distance",
    "DataDriftPreset": "Evidently data drift",
    "DataDriftTable": "Evidently data drift",
    "TestSuite": "Evidently test suite",
}
_PSI_NAME = re.compile(r"(^|_)psi($|_)|population_stability", re.I)
_ALERT_NAME = re.compile(r"alert|notify|slack|pagerduty|send_mail|sendmail|webhook", re.I)
_CHECK_CALLS = re.compile(r"^expect_|^(DataFrameSchema|Column|Check|SchemaModel|DataFrameModel)$|^validate$")
_THRESH_NAME = re.compile(r"thresh|p_?val|alpha|psi|drift|ks|limit|tolerance|cutoff", re.I)


@dataclass
class Block:
    """A quotable span of code: one function or method, the ``__main__`` block, module-level code."""

    scope: str  # qualname, MAIN or MODULE
    start: int  # first line (decorators included)
    end: int
    cell: int | None = None
    decorators: list[str] = field(default_factory=list)
    kind: str = "function"  # function | method | main | module | cell


@dataclass
class Outline:
    blocks: list[Block] = field(default_factory=list)
    starts: dict[str, str] = field(default_factory=dict)  # qualname -> why a framework calls it
    apps: dict[str, str] = field(default_factory=dict)  # module-level name -> framework
    facts: list[Fact] = field(default_factory=list)  # route, schema, monitoring, data_check


Calls = dict[tuple[int | None, str], list[ast.Call]]
Words = tuple[str, ...]


def outline(
    chunks: list[tuple[int | None, ast.Module, list[str]]], text: str, calls: Calls | None = None
) -> Outline:
    """The outline of a module given as (cell, tree, lines) chunks (one chunk for a .py file).

    `calls`: the call nodes of each (cell, scope) when the facts walk has gathered them already."""
    out = Outline()
    words = _hints(text) if calls is None or _any_monitored(calls) else ()
    for cell, tree, lines in chunks:
        before = len(out.facts)
        if cell is not None and tree.body:
            out.blocks.append(Block(MODULE, 1, len(lines) or 1, cell, kind="cell"))
        _statements(tree.body, lines, cell, out)
        if words:
            _monitoring(tree, lines, out, cell, calls, words)
        for fact in out.facts[before:]:
            fact.cell = cell
    return out


def _statements(body: list[ast.stmt], lines: list[str], cell: int | None, out: Outline) -> None:
    run: list[ast.stmt] = []
    for stmt in body:
        t = type(stmt)
        if t in _FUNCS or t is ast.ClassDef or _is_main(stmt):
            _flush(run, cell, out)
            run = []
            if t in _FUNCS:
                _function(stmt, stmt.name, cell, out, "function", lines)
            elif t is ast.ClassDef:
                _class(stmt, cell, out, lines)
            else:
                out.blocks.append(Block(MAIN, stmt.lineno, _end(stmt), cell, kind="main"))
            continue
        if t is ast.Assign:
            _app(stmt, out)
        run.append(stmt)
    _flush(run, cell, out)


def _flush(run: list[ast.stmt], cell: int | None, out: Outline) -> None:
    """A run of module-level statements becomes a block unless it is only imports and docstrings."""
    code = [s for s in run if not isinstance(s, ast.Import | ast.ImportFrom) and not _is_docstring(s)]
    if code and cell is None:
        out.blocks.append(Block(MODULE, code[0].lineno, _end(code[-1]), cell, kind="module"))


def _function(node: Any, qual: str, cell: int | None, out: Outline, kind: str, lines: list[str]) -> None:
    decorators = [_source_line(lines, d) for d in node.decorator_list]
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    out.blocks.append(Block(qual, start, _end(node), cell, decorators, kind))
    for dec in node.decorator_list:
        _decorator(dec, node, qual, out)


def _class(node: ast.ClassDef, cell: int | None, out: Outline, lines: list[str]) -> None:
    for stmt in node.body:
        if type(stmt) in _FUNCS:
            _function(stmt, f"{node.name}.{stmt.name}", cell, out, "method", lines)
    bases = {_tail(b) for b in node.bases}
    if bases & {"BaseModel", "BaseSettings", "SQLModel"}:
        out.facts.append(_schema(node))


def _decorator(dec: ast.expr, fn: Any, qual: str, out: Outline) -> None:
    call = dec if type(dec) is ast.Call else None
    attr = _tail(call.func if call else dec)
    if attr in _ROUTE_ATTRS and call is not None and type(call.func) is ast.Attribute:
        out.starts.setdefault(qual, f"web route @{ast.unparse(call.func)[:60]}")
        out.facts.append(_route(call, attr, fn, qual))
    elif attr in _HOOK_ATTRS and (call is not None or type(dec) is ast.Attribute):
        out.starts.setdefault(qual, f"framework hook @{ast.unparse(dec)[:60]}")


def _route(call: ast.Call, attr: str, fn: Any, qual: str) -> Fact:
    path = constant(call.args[0]) if call.args else constant(keyword(call, "path"))
    methods = [attr.upper()] if attr in _HTTP_METHODS else []
    listed = keyword(call, "methods")
    if type(listed) in (ast.List, ast.Tuple):
        methods = [str(constant(e)).upper() for e in listed.elts if constant(e)]
    methods = methods or (["WEBSOCKET"] if attr == "websocket" else ["GET"])
    request = [_ann(a.annotation) for a in fn.args.args if a.annotation is not None and _ann(a.annotation)]
    response = keyword(call, "response_model")
    attrs: dict[str, Any] = {
        "method": "/".join(methods),
        "path": path,
        "function": qual,
        "request": [
            r for r in request if r[:1].isupper() or r.rsplit("[", 1)[-1][:1].isupper()
        ],  # list[Claim]
        "response": ast.unparse(response)[:80] if response is not None else _ann(fn.returns),
    }
    shown = f"{attrs['method']} {path}"
    return Fact("route", shown, f"route {shown} ({qual})", call.lineno, value=shown, attrs=attrs, scope=qual)


def _schema(node: ast.ClassDef) -> Fact:
    fields = []
    for stmt in node.body:
        if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name:
            default = ast.unparse(stmt.value)[:60] if stmt.value is not None else None
            fields.append(
                {"name": stmt.target.id, "type": ast.unparse(stmt.annotation)[:60], "default": default}
            )
    value = {f["name"]: f["type"] for f in fields}
    return Fact(
        "schema",
        node.name,
        f"schema {node.name} ({len(fields)} fields)",
        node.lineno,
        _end(node),
        value=value,
        attrs={"fields": fields[:60], "bases": [ast.unparse(b)[:60] for b in node.bases]},
        text=_doc(node),
    )


def _app(stmt: ast.Assign, out: Outline) -> None:
    if type(stmt.value) is ast.Call and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
        framework = _APP_CTORS.get(_tail(stmt.value.func) or "")
        if framework:
            out.apps[stmt.targets[0].id] = framework


# -- monitoring and data checks ---------------------------------------------------------------
def _monitoring(
    tree: ast.Module, lines: list[str], out: Outline, cell: int | None, known: Calls | None, words: Words
) -> None:
    for scope, node in _scoped(tree):
        span = lines[node.lineno - 1 : _end(node)] if hasattr(node, "lineno") else lines
        if not _hints("\n".join(span), words):  # a scope holds no word its module does not
            continue
        hits = [(c, _tail(c.func) or "") for c in _calls(node, scope, cell, known)]
        tests = [(c, _DRIFT_CALLS[t]) for c, t in hits if t in _DRIFT_CALLS]
        tests += [(c, "PSI") for c, t in hits if _PSI_NAME.search(t)]
        if tests:
            out.facts.append(_drift_fact(node, scope, tests))
        for c, t in hits:
            if t in loads.TAILS and (fact := loads.model_load(c, t, scope, node)):
                out.facts.append(fact)
            elif _ALERT_NAME.search(t):
                out.facts.append(_call_fact("monitoring", "alert", f"alerting call {t}()", c, scope))
            elif _CHECK_CALLS.search(t):
                out.facts.append(_call_fact("data_check", t, f"data check {t}()", c, scope))


def _calls(node: ast.AST, scope: str, cell: int | None, known: Calls | None) -> list[ast.Call]:
    """The calls inside `node` in source order: from the facts walk when it has them, else walked here."""
    if known is not None and (cell, scope) in known:
        found = known[(cell, scope)]
        if scope == MODULE:  # the facts walk also holds class bodies: keep the module's own statements
            spans = [(s.lineno, _end(s)) for s in getattr(node, "body", [])]
            found = [c for c in found if any(a <= c.lineno <= b for a, b in spans)]
    else:
        found = [n for n in ast.walk(node) if type(n) is ast.Call]
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _scoped(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """(scope, node) for each function and method; module-level code as one node."""
    out: list[tuple[str, ast.AST]] = []
    rest: list[ast.stmt] = []
    for stmt in tree.body:
        if type(stmt) in _FUNCS:
            out.append((stmt.name, stmt))
        elif type(stmt) is ast.ClassDef:
            out += [(f"{stmt.name}.{s.name}", s) for s in stmt.body if type(s) in _FUNCS]
        elif _is_main(stmt):
            out.append((MAIN, stmt))
        else:
            rest.append(stmt)
    return [*out, (MODULE, ast.Module(body=rest, type_ignores=[]))]


def _drift_fact(node: ast.AST, scope: str, tests: list[tuple[ast.Call, str]]) -> Fact:
    first = min(tests, key=lambda t: t[0].lineno)[0]
    names = sorted({name for _, name in tests})
    thresholds = _thresholds(node)
    attrs: dict[str, Any] = {"tests": names, "calls": [ast.unparse(c)[:120] for c, _ in tests][:5]}
    if thresholds:
        attrs["thresholds"] = thresholds
    label = f"drift test: {', '.join(names)}" + (
        " with thresholds " + ", ".join(f"{t['expr']}" for t in thresholds) if thresholds else ""
    )
    return Fact("monitoring", "drift", label[:200], first.lineno, value=names[0], attrs=attrs, scope=scope)


def _thresholds(node: ast.AST) -> list[dict[str, Any]]:
    """Numeric constants a drift statistic is compared with, or assigned to threshold-like names."""
    found: list[dict[str, Any]] = []
    for n in ast.walk(node):
        if type(n) is ast.Compare and len(n.comparators) == 1:
            num = _number(n.comparators[0])
            if num is not None and _THRESH_NAME.search(ast.unparse(n.left)):
                found.append({"value": num, "expr": ast.unparse(n)[:80], "line": n.lineno})
        elif type(n) is ast.Assign and len(n.targets) == 1 and type(n.targets[0]) is ast.Name:
            num = _number(n.value)
            if num is not None and _THRESH_NAME.search(n.targets[0].id):
                found.append({"value": num, "expr": ast.unparse(n)[:80], "line": n.lineno})
    return found[:8]


def _call_fact(kind: str, name: str, label: str, call: ast.Call, scope: str) -> Fact:
    return Fact(
        kind, name, label, call.lineno, value=name, attrs={"call": ast.unparse(call)[:160]}, scope=scope
    )


# -- small helpers ----------------------------------------------------------------------------
def _is_main(stmt: ast.stmt) -> bool:
    if type(stmt) is not ast.If or type(stmt.test) is not ast.Compare:
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(type(s) is ast.Name and s.id == "__name__" for s in sides) and any(
        type(s) is ast.Constant and s.value == "__main__" for s in sides
    )


def _hints(text: str, words: Words = _MONITOR_WORDS) -> Words:
    """Which of `words` (monitoring words) the text holds, in any case."""
    low = text.lower()
    return tuple(word for word in words if word in low)


_MONITORED: dict[str, bool] = {}  # call tail -> can `_monitoring` make a fact of it (tails repeat)


def _any_monitored(calls: Calls) -> bool:
    """Is any call of the module one `_monitoring` makes a fact of? Its facts come only from such calls
    (found among these), so without one it has nothing to find: cheaper than scanning the text."""
    for found in calls.values():
        for call in found:
            tail = _tail(call.func)
            if tail is None:
                continue
            hit = _MONITORED.get(tail)
            if hit is None:
                if len(_MONITORED) > 100_000:
                    _MONITORED.clear()
                hit = _MONITORED[tail] = bool(
                    tail in _DRIFT_CALLS
                    or tail in loads.TAILS
                    or _PSI_NAME.search(tail)
                    or _ALERT_NAME.search(tail)
                    or _CHECK_CALLS.search(tail)
                )
            if hit:
                return True
    return False


def _source_line(lines: list[str], node: ast.expr) -> str:
    """A decorator as written (its first line, without the @): cheaper than unparsing it."""
    line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
    return line.strip().removeprefix("@")[:120]


def _is_docstring(stmt: ast.stmt) -> bool:
    return type(stmt) is ast.Expr and type(stmt.value) is ast.Constant and isinstance(stmt.value.value, str)


def _end(node: ast.AST) -> int:
    return getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]


def _tail(node: ast.AST | None) -> str | None:
    if type(node) is ast.Attribute:
        return node.attr
    if type(node) is ast.Name:
        return node.id
    return None


def _number(node: ast.AST) -> float | int | None:
    if (
        type(node) is ast.Constant
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def _ann(node: ast.AST | None) -> str | None:
    return ast.unparse(node)[:80] if node is not None else None


def _doc(node: ast.ClassDef) -> str | None:
    doc = ast.get_docstring(node)
    return " ".join(doc.strip().split("\n\n", 1)[0].split())[:300] if doc else None
