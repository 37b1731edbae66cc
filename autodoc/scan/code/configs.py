"""Configuration files (YAML, JSON, TOML, MLproject): their leaves as facts, secrets redacted."""

from __future__ import annotations

import bisect
import json
import re
import tomllib
from typing import Any

import yaml

from autodoc.scan.code import dialects, launchers
from autodoc.scan.code.facts import Fact
from autodoc.scan.code.result import FileResult
from autodoc.scan.secrets import PLACEHOLDER, is_secret_name, is_special_token, redact_counts

MAX_CONFIG_LEAVES = 200
MAX_JSON_CONFIG = 200_000
TRAINING_LOG = "training log (a Hugging Face Trainer state), not configuration"


def analyse_config(relpath: str, text: str) -> FileResult:
    res = FileResult("config")
    if relpath.endswith(".json") and len(text) > MAX_JSON_CONFIG:
        return FileResult("config", skipped="JSON over 200 KB: treated as data, not configuration")
    variables: list[str] = []
    if relpath.endswith((".yaml", ".yml")):
        text, variables = dialects.render_jinja(text)
    try:
        data = _load_config(relpath, text)
    except Exception as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        where = f" at line {line + 1}" if line is not None else ""
        lineno = getattr(err, "lineno", None)
        where = where or (f" at line {lineno}" if lineno else "")
        return FileResult("config", skipped=f"invalid {relpath.rsplit('.', 1)[-1].upper()}{where}")
    if isinstance(data, dict) and "generator_version" in data and "schema_version" in data:
        return FileResult("config", skipped="autodoc output, not configuration")
    if isinstance(data, dict) and isinstance(data.get("log_history"), list) and "global_step" in data:
        return FileResult("config", skipped=TRAINING_LOG)  # its learning rates are a schedule's steps
    data = redact_data(data, relpath, res)
    res.config_data = data
    leaves: list[tuple[str, Any, int]] = []
    _flatten(data, "", KeyLines(text.splitlines()), 0, leaves)
    for key, value, line in leaves[:MAX_CONFIG_LEAVES]:
        res.facts.append(
            Fact("config", key, f"{key} = {short(str(value), 60)} ({relpath})", line, value=value)
        )
    dialects.annotate(relpath, text, data, res.facts, variables)
    res.hydra_package = dialects.package_header(text)
    res.facts += launchers.manifest_facts(relpath, data)
    return res


def _load_config(relpath: str, text: str) -> Any:
    if relpath.endswith(".json"):
        return json.loads(text)
    if relpath.endswith(".toml"):
        return tomllib.loads(text)
    docs = [
        d for d in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d is not None
    ]
    return docs[0] if len(docs) == 1 else docs


def redact_data(
    data: Any, relpath: str, res: FileResult, key: str = "", seen: dict[tuple[int, str], Any] | None = None
) -> Any:
    """`data` with its secrets redacted and counted once as written: a YAML alias (``<<: *common``)
    repeats the same objects, redacted once and counted once."""
    seen = {} if seen is None else seen
    if isinstance(data, dict | list | str) and (id(data), key) in seen:
        return seen[(id(data), key)]
    seen[(id(data), key)] = out = _redacted(data, relpath, res, key, seen)
    return out


def _redacted(data: Any, relpath: str, res: FileResult, key: str, seen: dict[tuple[int, str], Any]) -> Any:
    if isinstance(data, dict):
        return {k: redact_data(v, relpath, res, str(k), seen) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v, relpath, res, key, seen) for v in data]
    if isinstance(data, str):
        placeholder = data.startswith(("${", "{{", "???")) or is_special_token(data)
        if is_secret_name(key) and len(data) >= 3 and not placeholder:
            res.redactions.append(("assigned_secret", None, None, 1))
            return PLACEHOLDER.format(kind="assigned_secret")
        out, found = redact_counts(data)
        for kind, n in sorted(found.items()):
            res.redactions.append((kind, None, None, n))
        return out
    if isinstance(data, int | float | bool) or data is None:
        return data
    return str(data)  # dates and other YAML types


def _flatten(data: Any, prefix: str, lines: KeyLines, start: int, out: list[tuple[str, Any, int]]) -> None:
    if len(out) > MAX_CONFIG_LEAVES:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            if len(out) > MAX_CONFIG_LEAVES:
                return
            key = f"{prefix}.{k}" if prefix else str(k)
            line = lines.find(str(k), start)
            if isinstance(v, dict) or (isinstance(v, list) and v and isinstance(v[0], dict)):
                _flatten(v, key, lines, line - 1 if line else start, out)
            else:
                out.append((key, _leaf(v), line or start + 1))
    elif isinstance(data, list):
        for i, v in enumerate(data[:50]):
            _flatten(v, f"{prefix}[{i}]", lines, start, out)
            if out and isinstance(v, dict):
                start = max(start, out[-1][2])  # the next item is written below this one


def _leaf(v: Any) -> Any:
    if isinstance(v, list):
        return [x if isinstance(x, str | int | float | bool) or x is None else str(x) for x in v[:50]]
    return v


_KEY_AT_START = re.compile(r"""^\s*(?:-\s*)?["']?([^"':=\n]+?)["']?\s*[:=]""")


class KeyLines:
    """Where each key is written: the lines that start with ``key:`` / ``key =`` / ``- key:``, indexed
    once per file (a search per key over all lines was quadratic on large JSON files), and only as
    far as the keys looked for so far (the first leaves of a large file are all a document uses)."""

    def __init__(self, lines: list[str]) -> None:
        self.text = lines
        self.lines: dict[str, list[int]] = {}
        self.indexed = 0  # lines [0, indexed) are in `lines`

    def find(self, key: str, start: int) -> int | None:
        """The 1-based line of the first ``key`` at or after 0-based line `start`."""
        found = self.lines.get(key)
        if found and found[-1] >= start:
            return found[bisect.bisect_left(found, start)] + 1
        match, lines, text = _KEY_AT_START.match, self.lines, self.text
        for i in range(self.indexed, len(text)):
            m = match(text[i])
            if m:
                lines.setdefault(m.group(1), []).append(i)
                if i >= start and m.group(1) == key:
                    self.indexed = i + 1
                    return i + 1
        self.indexed = len(text)
        return None


def short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text[:limit] + ("…" if len(text) > limit else "")
