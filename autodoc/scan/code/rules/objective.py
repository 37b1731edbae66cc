"""What a hyperparameter search optimises: the objective function it is given, the metric that
function returns, and the direction (``study.optimize(objective)`` with
``optuna.create_study(direction="maximize")``, ``hyperopt.fmin(objective)`` which minimises).

At the call, `remember` finds the objective's ``def`` (in this cell or file, nested or not);
after all facts of the module exist, `link` reads the facts and lines inside it and writes on the
search fact: ``objective``, ``objective_at``, ``direction``, ``objective_metric``, ``objective_returns``;
and on each estimator built inside the objective, ``trial_of`` (the search whose trials build it).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact
from autodoc.scan.code.syntax import dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_METRIC_KEY = re.compile(
    r"""["'](\w*(?:score|auc|acc(?:uracy)?|f1|recall|precision|rmse|mae|mse|r2|logloss|loss)\w*)["']""", re.I
)
_RETURN = re.compile(r"^\s*return\b\s*(.*)$")
_LOSS = re.compile(r"""^\s*(?:loss|["']loss["']\s*:)\s*=?\s*(.+?)\s*,?\s*$""")


def remember(ex: Extractor, node: ast.Call, tail: str) -> None:
    """Called right after the search fact was added: note where its objective function is."""
    arg = (
        node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("func", "fn")), None)
    )
    if type(arg) is ast.Lambda and type(arg.body) is ast.Call and type(arg.body.func) is ast.Name:
        arg = arg.body.func  # lambda trial: objective(trial): the function the lambda calls
    if type(arg) is not ast.Name:
        return
    span = _def_span(ex, arg.id)
    if span is not None:
        ex.objectives.append((ex.m.facts[-1], arg.id, tail, *span))


def link(ex: Extractor) -> None:
    """Write what each remembered search optimises onto its fact (all facts of the module exist now)."""
    for fact, name, tail, cell, start, end, lines in ex.objectives:
        inside = [f for f in ex.m.facts if f.cell == cell and start <= f.line <= end and f is not fact]
        for est in (f for f in inside if f.kind == "estimator"):  # built anew, with its values, per trial
            est.attrs.setdefault("trial_of", {"line": fact.line, "cell": fact.cell, "name": fact.name})
        metric = _metric(inside, lines[start - 1 : end])
        direction = "minimize" if tail == "fmin" else _direction(ex, fact)
        returns = _returns(lines[start - 1 : end])
        fact.attrs.update(objective=name, objective_at=f"line {start}" + (f" of cell {cell}" if cell else ""))
        if direction:
            fact.attrs["direction"] = direction
        if metric:
            fact.attrs["objective_metric"] = metric
        if returns:
            fact.attrs["objective_returns"] = returns
        what = " ".join(w for w in (direction, metric) if w)
        fact.label = f"{fact.label}: {what or 'optimises'} returned by {name}()"[:200]
        _best_of(ex, fact)


def _best_of(ex: Extractor, search: Fact) -> None:
    """``best = KNeighborsClassifier(**study.best_params)`` (or of a name bound to it) after
    ``study.optimize(...)``: the estimator is built with the search's best trial, ``best_of`` it."""
    study = str(search.attrs.get("call") or "").removesuffix(".optimize")
    if not study or study == search.attrs.get("call"):
        return
    best = {f"{study}.best_params"}
    for _cell, scope, nodes, _root in ex.indexed:
        if scope == search.scope:
            best |= {
                t.id
                for node in nodes.get(ast.Assign, ())
                if dotted(node.value) == f"{study}.best_params"
                for t in node.targets
                if type(t) is ast.Name
            }
    for est in ex.m.facts:
        if est.kind != "estimator" or est.scope != search.scope or est.line <= search.line:
            continue
        if any(isinstance(s, dict) and s.get("$expr") in best for s in est.star or []):  # **best_params
            est.attrs.setdefault("best_of", {"line": search.line, "cell": search.cell, "name": search.name})


def _def_span(ex: Extractor, name: str) -> tuple[int | None, int, int, list[str]] | None:
    """(cell, first line, last line, the cell's lines) of ``def name(``: this cell first, then the others."""
    pattern = re.compile(rf"^([ \t]*)def[ \t]+{re.escape(name)}[ \t]*\(")
    cells = [ex.cell, *(c for c in reversed(list(ex.cell_lines)) if c != ex.cell)]
    for cell in cells:
        lines = ex.cell_lines.get(cell, ex.lines if cell == ex.cell else [])
        for i, text in enumerate(lines):
            m = pattern.match(text)
            if m:
                return cell, i + 1, _block_end(lines, i, len(m.group(1).expandtabs())), lines
    return None


def _block_end(lines: list[str], first: int, indent: int) -> int:
    last = first
    for j in range(first + 1, len(lines)):
        text = lines[j]
        if not text.strip():
            continue
        if len(text) - len(text.lstrip()) <= indent:
            break
        last = j
    return last + 1


def _metric(inside: list[Fact], lines: list[str]) -> str | None:
    """The metric the objective computes: a loss it returns, a scoring it cross-validates, a metric call."""
    for text in lines:
        m = _LOSS.match(text)
        key = _METRIC_KEY.search(m.group(1)) if m else None
        if key:
            return key.group(1)
    for f in inside:
        scoring = next((v for n, v, *_ in f.params or [] if n == "scoring" and isinstance(v, str)), None)
        if f.kind == "cv" and scoring:
            folds = f.attrs.get("folds")
            return f"{scoring} ({f.name}" + (f", {folds} folds)" if folds else ")")
    names = [f.name for f in inside if f.kind == "metric" and f.name]
    return ", ".join(dict.fromkeys(names)) if names else None


def _direction(ex: Extractor, search: Fact) -> str | None:
    """``create_study(direction=...)`` before the search (nearest first); Optuna's default minimises."""
    studies = [f for f in ex.m.facts if f.kind == "hyperparameter_search" and f.name == "create_study"]
    before = [f for f in studies if (f.cell or 0, f.line) <= (search.cell or 0, search.line)] or studies
    for study in reversed(before):
        value: Any = next((v for n, v, *_ in study.params or [] if n == "direction"), None)
        if isinstance(value, str):
            return value
    return "minimize" if studies else None


def _returns(lines: list[str]) -> str | None:
    """The last ``return`` expression when it fits on its line."""
    found = [m.group(1).strip() for m in (_RETURN.match(t) for t in lines) if m and m.group(1).strip()]
    return found[-1][:80] if found and not found[-1].endswith(("{", "(", "[", "\\")) else None
