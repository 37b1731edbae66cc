"""The offline writer's walk through a production pipeline: its steps in order, each with its calls and
lines (the scan's ``pipeline`` item of an entry point), for the Training Pipeline section."""

from __future__ import annotations

import re
from typing import Any

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.prose import code_span
from autodoc.scan.code.file_links import base_name

_MAX_CALLS = 4
_READ = re.compile(r"^(\w+)\((.+)\)$")  # read_csv(C:\data\x.csv): the call on a file


def pipeline_passage(f: Facts) -> str:
    """``The production pipeline of `train.py` runs these steps in order [p]: load: read_csv x.csv (line 10);
    fit: fit on model (line 34); evaluate: roc_auc_score (line 40).``, for each production pipeline the
    section was given (at most two), the production model's first."""
    pipes = [p for p in f.kind("pipeline") if isinstance(p.attrs.get("steps"), list)]
    return " ".join(_sentence(p) for p in f.fresh(pipes[:2]))


def _sentence(item: EvidenceItem) -> str:
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for step in item.attrs["steps"]:
        if not isinstance(step, dict) or not step.get("step"):
            continue
        if groups and groups[-1][0] == step["step"]:
            groups[-1][1].append(step)
        else:
            groups.append((str(step["step"]), [step]))
    entry = str(item.attrs.get("entry_point") or item.source.path)
    parts = [f"{name}: {_calls(steps)} ({_where(steps, entry)})" for name, steps in groups]
    return f"The production pipeline of {code_span(entry)} runs these steps in order {cite(item)}: " + (
        "; ".join(parts) + "."
    )


def _calls(steps: list[dict[str, Any]]) -> str:
    """The steps' calls in words, each once, the leading words that calls share said once (``prep.py
    writes a.csv and b.csv``, ``derived column a and b``), files by their bare names."""
    words = list(dict.fromkeys(_call_words(s) for s in steps))
    shown, more = words[:_MAX_CALLS], len(words) - _MAX_CALLS
    groups: dict[str, list[str]] = {}
    for word in shown:
        head, _, last = word.rpartition(" ")
        groups.setdefault(head or word, []).append(last if head else "")
    listed = [f"{head} {join_words(tails)}" if tails[0] else head for head, tails in groups.items()]
    return join_words(listed + ([f"{more} more"] if more > 0 else []))


def _call_words(step: dict[str, Any]) -> str:
    call = str(step.get("call") or "")
    path = str(step.get("path") or "")
    call = call.removesuffix(f" ({path})") if path else call
    if read := _READ.match(call):
        return f"{read.group(1)} {base_name(read.group(2))}"
    return " ".join(base_name(w) if ("/" in w or "\\" in w) and "." in w else w for w in call.split())


def _where(steps: list[dict[str, Any]], entry: str) -> str:
    """``lines 10 and 11`` in the entry point's file, else ``prep.py, line 18``; in a notebook
    ``cell 23, lines 9 and 11``: per file and cell, in order, parts apart by semicolons."""
    by_place: dict[tuple[str, Any], list[str]] = {}
    for step in steps:
        if step.get("line"):
            place = (str(step.get("path") or entry), step.get("cell"))
            by_place.setdefault(place, []).append(str(step["line"]))
    places = []
    for (path, cell), lines in by_place.items():
        lines = sorted(set(lines), key=int)  # in the order of the file
        said = f"line{'s' if len(lines) > 1 else ''} {join_words(lines)}"
        said = f"cell {cell}, {said}" if cell is not None else said
        places.append(said if path == entry else f"{path}, {said}")
    return "; ".join(places)
