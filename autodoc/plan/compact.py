"""Evidence as prompt text: one short line per item (`compact`), values clipped.

`compact` renders items as ``id | label | value[ | where][ | legacy]``; `short_value` and
`clip` are what the handle lines of a request (`plan.handles`) use too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autodoc.evidence import EvidenceItem, run_evidence_id, user_tags

# --------------------------------------------------------------------------- compact
_MAX_VALUE = 70
_MAX_REGISTRY_VALUE = 260  # a registered model's or version's tags and description: a few per document
_REGISTRY_KINDS = {"registered_model", "model_version"}
_MAX_LABEL = 40


_GROUPABLE = {"run_metric": "metric", "run_param": "param", "run_tag": "tag"}


def compact(items: Iterable[EvidenceItem]) -> str:
    """One short line per item: ``id | label | value[ | where][ | legacy]``.

    The label is left empty when the id already says it; `where` appears only when the id
    does not already encode the location (code ids carry file:line). A run's metrics,
    params and tags share one line, ``r:<run8>:metric:<key> | | auc=0.91; f1=0.8``, which
    stands for the ids ``r:<run8>:metric:auc`` and ``r:<run8>:metric:f1`` (a first line
    says so): this halves the characters a prompt spends on MLflow runs.
    """
    order: list[EvidenceItem | tuple[str, str]] = []
    groups: dict[tuple[str, str], list[EvidenceItem]] = {}
    for item in items:
        part, run = _GROUPABLE.get(item.kind), run_evidence_id(item.id)
        if part and run and item.id.startswith(f"{run}:{part}:"):
            key = (run, part)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(item)
        else:
            order.append(item)
    lines: list[str] = []
    example = ""
    seen: dict[tuple[str, str], str] = {}  # (part, pairs) -> first run with exactly these values
    for entry in order:
        if isinstance(entry, EvidenceItem):
            lines.append(compact_line(entry))
        elif len(groups[entry]) == 1:
            lines.append(compact_line(groups[entry][0]))
        else:
            line = _group_line(entry, groups[entry])
            pairs = line.split(" | | ", 1)[1]
            first = seen.setdefault((entry[1], pairs), entry[0])
            if first != entry[0]:  # runs often log identical params: say so instead of repeating
                line = f"{entry[0]}:{entry[1]}:<key> | | same keys and values as {first}:{entry[1]}:<key>"
            lines.append(line)
            example = example or groups[entry][0].id
    if example:
        lines.insert(0, f"(an id ending in :<key> stands for one id per key=value listed, e.g. {example})")
    return "\n".join(lines)


def _group_line(key: tuple[str, str], members: list[EvidenceItem]) -> str:
    run, part = key
    prefix = f"{run}:{part}:"
    pairs = [f"{m.id[len(prefix) :]}={clip(fmt_compact(m.value), 40)}" for m in members]
    return f"{prefix}<key> | | " + "; ".join(pairs)


_RUN_PARTS = {"run_metric", "run_param", "run_tag", "metric_history", "artifact"}


def compact_line(item: EvidenceItem) -> str:
    # a run's parts are named by their id; the run's own line carries its name and status
    label = "" if item.kind in _RUN_PARTS or _label_redundant(item) else clip(item.label, _MAX_LABEL)
    if item.kind == "param" and item.attrs.get("owner_name"):
        label = f"argument of {item.attrs['owner_name']}"
    elif item.kind == "param" and item.attrs.get("owner_kind") == "argparse":
        label = "command-line option"
    line = f"{item.id} | {label} | {short_value(item)}".replace(" |  | ", " | | ")
    where = _where(item)
    if where:
        line += f" | {where}"
    if item.live is False:
        line += " | legacy (not reached from an entry point)"
    return line


def short_value(item: EvidenceItem, limit: int = _MAX_VALUE) -> str:
    """The item's value (and its few most useful attrs) in at most `limit` characters."""
    text = fmt_compact(item.value)
    if text == item.id.rsplit(":", 1)[-1]:
        text = ""  # e.g. the version number of mv:<model>:<version>
    extras = {
        k: clip(fmt_compact(v), 30)
        for k, v in item.attrs.items()
        if k in _USEFUL_ATTRS
        and v not in (None, "", [], {})
        and v != item.value
        and not (k == "status" and item.kind in _RUN_PARTS)
    }
    if item.kind in _REGISTRY_KINDS:  # what people wrote in the registry: its tags and description
        tags = user_tags(item.attrs.get("tags"))
        if tags:
            extras["tags"] = clip(fmt_compact(tags), 90)
        limit = _MAX_REGISTRY_VALUE
        if item.text:
            said = "{" + ", ".join(f"{k}={v}" for k, v in extras.items()) + "} " if extras else ""
            return clip(said + '"' + " ".join(item.text.split()) + '"', limit)
    if item.kind == "param" and item.value is None and "expr" in extras:
        text, extras = "= " + str(extras.pop("expr")), {}  # set from an expression, not a literal
    if extras and len(text) < limit - 10:
        text = (text + " " if text else "") + "{" + ", ".join(f"{k}={v}" for k, v in extras.items()) + "}"
    if not text and item.text:
        text = '"' + " ".join(item.text.split()) + '"'
    return clip(text, limit)


# attrs worth their characters in a prompt (the rest, such as liveness reasons, owners and
# MLflow plumbing, is kept in the evidence file but not sent)
_USEFUL_ATTRS = {
    "status",
    "aliases",
    "created_at",
    "expr",
    "steps",
    "tables",
    "sql",
    "n_splits",
    "test_size",
    "train_size",
    "stratify",
    "random_state",
    "shuffle",
    "scoring",
    "runs",
    "status_counts",
    "n_features",
    "keys",
    "args",
    "alias",
    "version",
    "metric",
    "on",
    "epochs",
    "batch_size",
    "artifact_path",
    "registered_model_name",
    "experiment_name",
}
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?$")


def fmt_compact(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, str) and _ISO.match(value):
        return value[:10]  # the date is what a document states; the time only costs characters
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={fmt_compact(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt_compact(v) for v in value[:12]) + (", …" if len(value) > 12 else "") + "]"
    return " ".join(str(value).split())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FILLER = {
    "of",
    "run",
    "the",
    "in",
    "model",
    "version",
    "v",
    "for",
    "at",
    "param",
    "metric",
    "tag",
    "registered",
    "experiment",
    "history",
    "on",
    "a",
    "an",
    "by",
}


def _label_redundant(item: EvidenceItem) -> bool:
    """True when every word of the label is already in the id or the value."""
    words = re.findall(r"[a-z0-9_.\-]+", item.label.lower())
    known = item.id.lower() + " " + fmt_compact(item.value).lower()
    return all(w in known or w in _FILLER for w in words)


def _where(item: EvidenceItem) -> str:
    src = item.source
    if src.kind != "code":
        return ""
    if src.path and src.line_start and f"{src.path}:{src.line_start}" in item.id and not src.cell:
        if src.line_end and src.line_end != src.line_start:
            return f"to line {src.line_end}"
        return ""
    return src.cite()
