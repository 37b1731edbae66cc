"""How a search scores its candidates and the grid it tries, in words (Spark's CrossValidator and
TrainValidationSplit: ``5-fold cross-validation``, ``a grid of 6 combinations: maxDepth 3, 5, 7``), and
what a Spark evaluator computes (``areaUnderPR (BinaryClassificationEvaluator) on the test split``)."""

from __future__ import annotations

from autodoc.document import setting_text
from autodoc.evidence import EvidenceItem


def scheme_and_grid(search: EvidenceItem) -> list[str]:
    """``5-fold cross-validation``, ``a grid of 6 combinations: maxDepth 3, 5, 7; stepSize 0.05, 0.1``:
    how a Spark search scores its candidates and the grid it tries (CrossValidator, TrainValidationSplit)."""
    a, out = search.attrs, []
    if isinstance(a.get("folds"), int):
        out.append(f"{a['folds']}-fold cross-validation")
    if isinstance(a.get("train_ratio"), float):
        share = f"{a['train_ratio'] * 100:g}%"
        out.append(f"a validation split that fits each candidate on {share} of the rows it is given")
    grid = a.get("grid")
    if isinstance(grid, dict) and grid:
        dims = "; ".join(
            f"{k} {', '.join(setting_text(x) for x in v) if isinstance(v, list) else v}"
            for k, v in grid.items()
        )
        n = a.get("combinations")
        out.append(f"a grid of {n} combinations: {dims}" if n else f"a grid over {dims}")
    return out


def evaluator_words(metric: EvidenceItem, shown: list[str]) -> tuple[list[str], str]:
    """(what to show beside a metric's name, the split it is computed on): a Spark evaluator's name, or
    that the metric is its default; `shown` (the metric's settings) for any other metric."""
    evaluator = metric.attrs.get("evaluator")
    if not evaluator:
        return shown, ""
    named = f"{evaluator}'s default metric" if metric.attrs.get("default") else str(evaluator)
    return [named], f" on the {metric.attrs['on']} split" if metric.attrs.get("on") else ""
