"""The offline writer's account of how the model is served, for the Deployment section: each scoring
route with what it takes and returns (its request and response schemas and their fields), the model
file the served code loads, and the container the service runs in."""

from __future__ import annotations

from typing import Any

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.prose import code_span, code_where

_MAX_FIELDS = 6


def serving_passage(f: Facts) -> str:
    """``The service answers POST /predict (app.py, line 50) [r]: it takes a list of Transaction (30
    fields: Time, V1, ... and Amount) [s] and returns PredictionResponse (prediction and probability)
    [s]; it also answers GET /health [r]. app/model.py (line 25) loads the model from model.pkl [l]. The
    Docker image is built from python:3.11-slim, exposes port 8000 and runs uvicorn app:app [d].``"""
    routes = f.fresh(f.kind("route"))
    schemas = {
        s.label.removeprefix("schema ").split(" (")[0]: s for s in f.kind("schema")
    }  # "schema X (3 fields)"
    said = [_route(r, schemas, f) for r in routes if r.attrs.get("method") == "POST"][:3]
    others = [r for r in routes if r.attrs.get("method") != "POST"]
    if others:
        said.append(
            ("it also answers " if said else "The service answers ")
            + join_words([f"{r.attrs.get('method')} {r.attrs.get('path')} {cite(r)}" for r in others[:4]])
        )
    text = "; ".join(said) + "." if said else ""
    loads = f.fresh([m for m in f.kind("model_load") if m.role == "serving" and isinstance(m.value, str)])
    if loads:
        text += " " + " ".join(
            f"{m.source.path} (line {m.source.line_start}) loads the model from {m.value} {cite(m)}."
            for m in loads[:2]
        )
    return (text + _container(f)).strip()


def _route(route: EvidenceItem, schemas: dict[str, EvidenceItem], f: Facts) -> str:
    method, path = route.attrs.get("method"), route.attrs.get("path")
    head = f"The service answers {method} {path} ({code_where(route)}) {cite(route)}"
    request = [_schema_words(t, schemas, f) for t in route.attrs.get("request") or []]
    request = [r for r in request if r]
    response = _schema_words(str(route.attrs.get("response") or ""), schemas, f)
    parts = ([f"takes {join_words(request)}"] if request else []) + (
        [f"returns {response}"] if response else []
    )
    return head + (": it " + " and ".join(parts) if parts else "")


def _schema_words(annotation: str, schemas: dict[str, EvidenceItem], f: Facts) -> str:
    """``a list of Transaction (30 fields: Time, V1, ... and Amount) [s]`` for ``List[Transaction]``."""
    many = annotation.lower().startswith(("list[", "sequence[", "iterable["))
    name = annotation.split("[", 1)[1].rstrip("]") if many else annotation
    schema = schemas.get(name)
    if schema is None:
        return ""
    f.used.add(schema.id)
    fields: list[Any] = [d.get("name") for d in schema.attrs.get("fields") or [] if isinstance(d, dict)]
    shown = [code_span(str(n)) for n in fields[:_MAX_FIELDS]]  # V1 is a name, not a figure
    if len(fields) > _MAX_FIELDS:
        shown = [*shown[:-1], "…", code_span(str(fields[-1]))]  # never ". ": a sentence goes on
    listed = f"{len(fields)} fields: {join_words(shown)}" if len(fields) > 3 else join_words(shown)
    return f"{'a list of ' if many else ''}{code_span(name)} ({listed}) {cite(schema)}"


def _container(f: Facts) -> str:
    images = f.fresh([d for d in f.kind("deployment") if d.attrs.get("base_image")])
    if not images:
        return ""
    d = images[0]
    ports = d.attrs.get("expose") or []
    run = d.attrs.get("cmd") or d.attrs.get("entrypoint")
    parts = [f"is built from {d.attrs['base_image']}"]
    parts += (
        [f"exposes port{'s' if len(ports) > 1 else ''} {join_words([str(p) for p in ports])}"]
        if ports
        else []
    )
    parts += [f"runs {code_span(str(run))}"] if run else []
    return f" The Docker image ({d.attrs.get('file') or d.source.path}) {join_words(parts)} {cite(d)}."
