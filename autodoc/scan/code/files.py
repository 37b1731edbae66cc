"""The facts of one file on its own, by kind (Python, notebook, Databricks, README, config, launcher).

Everything here depends on one file's bytes only, so a `FileResult` is cached by
(path, sha256). Cross-file work (indirection, liveness, ids) lives in `tree.py`.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Any

from autodoc.scan.code import launchers
from autodoc.scan.code.configs import analyse_config, redact_data, short
from autodoc.scan.code.facts import Fact, extract_with_calls
from autodoc.scan.code.outline import outline
from autodoc.scan.code.result import FileResult
from autodoc.scan.code.testcode import read_test_module
from autodoc.scan.code.walk import TEST_PATH_RE, Candidate
from autodoc.scan.secrets import redact

__all__ = ["FileResult", "analyse", "strip_markup"]

MAX_README_CHUNKS = 20
README_CHUNK = 600

_MAIN_COMMENT_RE = re.compile(r"^\s*#+\s*if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)
_MAGIC_RE = re.compile(r"^\s*[%!]")
_NOTEBOOK_TASK_RE = re.compile(r"""["']notebook_path["']\s*:\s*[rf]?["']([^"'{}]+)["']""")


# -- per-kind analysis -----------------------------------------------------------------------
def analyse(cand: Candidate, text: str) -> FileResult:
    """Facts of one decoded file; never raises for bad content."""
    try:
        if cand.kind == "python":
            if text.startswith("# Databricks notebook source"):
                return _databricks(cand.relpath, text)
            if TEST_PATH_RE.search(cand.relpath):
                return read_test_module(cand.relpath, text)
            return _python(cand.relpath, text)
        if cand.kind == "notebook":
            return _notebook(cand.relpath, text)
        if cand.kind == "readme":
            return _readme(cand.relpath, text)
        if cand.kind == "config":
            return analyse_config(cand.relpath, text)
        return _launcher(cand.relpath, text)
    except RecursionError:
        return FileResult(cand.kind, skipped="too deeply nested to parse")


def _redact_text(text: str, relpath: str, res: FileResult, cell: int | None = None) -> str:
    out, found = redact(text, relpath)
    if found:
        # Count per line so the report can say where (never what).
        for lineno, line in enumerate(out.splitlines(), start=1):
            for kind in _PLACEHOLDER_RE.findall(line):
                res.redactions.append((kind, lineno, cell, 1))
    return out


_PLACEHOLDER_RE = re.compile(r"\[REDACTED:([a-z_]+)\]")


def _parse(
    text: str, original: str | None = None, res: FileResult | None = None
) -> tuple[ast.Module | None, str | None]:
    try:
        return ast.parse(text), None
    except SyntaxError as err:
        if original is not None and original != text:
            try:  # the redaction itself broke the syntax (e.g. a bare value): parse the original
                tree = ast.parse(original)
                if res is not None:
                    res.unsafe = True  # values come from unredacted code: redact each again
                return tree, None
            except SyntaxError:
                pass
        return None, f"syntax error at line {err.lineno}: {err.msg}"
    except ValueError as err:  # null bytes etc.
        return None, f"cannot parse: {err}"


def _python(relpath: str, text: str) -> FileResult:
    res, _ = _python_source("python", relpath, text)
    if res.module is not None and not res.module.has_main and "__main__" in text:
        res.module.commented_main = bool(_MAIN_COMMENT_RE.search(text))
    return res


def _python_source(kind: str, relpath: str, text: str) -> tuple[FileResult, list[str]]:
    """Redact, parse and extract Python source: the result and the redacted lines.

    When it cannot be parsed, the result only says why (`skipped`) and there are no lines.
    """
    res = FileResult(kind)
    red = _redact_text(text, relpath, res)
    tree, problem = _parse(red, text, res)
    if tree is None:
        return FileResult(kind, skipped=problem), []
    lines = red.splitlines()
    res.module, calls = extract_with_calls(relpath, [(None, tree, lines)])
    res.outline = outline([(None, tree, lines)], red, calls)
    res.facts = res.module.facts + res.outline.facts
    res.source = red
    return res, lines


def _databricks(relpath: str, text: str) -> FileResult:
    res, lines = _python_source("databricks", relpath, text)
    if res.module is None:
        return res
    if "notebook_path" in text:  # a Databricks job definition: its tasks run these notebooks
        res.runs += [p.strip("./") for p in _NOTEBOOK_TASK_RE.findall(text)]
    cell, start = 0, 1
    for i, line in enumerate([*lines, "# COMMAND ----------"], start=1):
        if line.strip() == "# COMMAND ----------":
            _databricks_cell(relpath, lines[start - 1 : i - 1], start, cell, res)
            cell, start = cell + 1, i + 1
    return res


def _databricks_cell(relpath: str, cell_lines: list[str], start: int, cell: int, res: FileResult) -> None:
    magic = [
        (start + i, ln[len("# MAGIC") :].strip())
        for i, ln in enumerate(cell_lines)
        if ln.startswith("# MAGIC")
    ]
    if not magic:
        return
    first_line, first = magic[0]
    body = "\n".join(t for _, t in magic).strip()
    if first.startswith("%md"):
        body = body[3:].strip()
        if body:
            res.facts.append(
                Fact(
                    "notebook_markdown",
                    None,
                    f"{relpath} cell {cell} (markdown)",
                    first_line,
                    magic[-1][0],
                    value=None,
                    text=short(body),
                    attrs={"cell": cell},
                )
            )
    elif first.startswith("%sql"):
        sql = body[4:].strip()
        tables = sorted({t.strip('`"[]') for t in re.findall(r"\b(?:from|join)\s+([\w.`]+)", sql, re.I)})
        res.facts.append(
            Fact(
                "data_source",
                "sql",
                f"SQL cell {cell}",
                first_line,
                magic[-1][0],
                value=None,
                attrs={"sql": short(sql, 300), "tables": tables, "cell": cell},
            )
        )


def _notebook(relpath: str, text: str) -> FileResult:
    res = FileResult("notebook")
    cells, problem = _notebook_cells(text)
    if cells is None:
        return FileResult("notebook", skipped=f"not a valid notebook: {problem}"[:200])
    chunks = []
    md_facts: list[Fact] = []
    for idx, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        red = _redact_text(src, f"{relpath} [cell {idx}]", res, idx)
        if cell.get("cell_type") == "markdown":
            if red.strip():
                md_facts.append(
                    Fact(
                        "notebook_markdown",
                        None,
                        f"{relpath} cell {idx} (markdown)",
                        1,
                        red.count("\n") + 1,
                        text=short(red),
                        cell=idx,
                    )
                )
        elif cell.get("cell_type") == "code":
            code = "\n".join("" if _MAGIC_RE.match(ln) else ln for ln in red.splitlines())
            tree, problem = _parse(code)
            if tree is None:
                res.warnings.append(f"{relpath} cell {idx}: {problem}")
                continue
            chunks.append((idx, tree, code.splitlines()))
            res.cells[idx] = code
    res.module, calls = extract_with_calls(relpath, chunks)
    res.outline = outline(chunks, "\n".join(res.cells.values()), calls)
    res.facts = md_facts[:50] + res.module.facts + res.outline.facts
    return res


def _notebook_cells(text: str) -> tuple[list[Any] | None, str]:
    """The cells of a notebook of any nbformat version, upgraded to version 4, or why not."""
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns about missing ids and minor schema slips
            nb = nbformat.reads(text, as_version=4)
        cells = nb.get("cells")
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
        return cells, ""
    except Exception as err:  # nbformat raises its own, JSON and validation errors
        return None, str(err).splitlines()[0] if str(err) else type(err).__name__


def _readme(relpath: str, text: str) -> FileResult:
    res = FileResult("readme")
    red = _redact_text(text, relpath, res)
    lines = [strip_markup(ln) for ln in red.splitlines()]  # same line numbers, no badges or HTML
    heads = [
        i
        for i, ln in enumerate(lines)
        if ln.startswith("#")
        or (
            i + 1 < len(lines)
            and ln.strip()
            and set(lines[i + 1].strip()) <= set("=-~^")
            and len(lines[i + 1].strip()) >= 3
        )
    ]
    starts = [0] + [h for h in heads if h > 0]
    for n, start in enumerate(starts[:MAX_README_CHUNKS]):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = "\n".join(lines[start:end]).strip()
        if not chunk:
            continue
        title = lines[start].lstrip("#").strip() if start in heads else relpath
        res.facts.append(
            Fact(
                "readme",
                title[:60],
                f"{relpath}: {title[:60]}",
                start + 1,
                end,
                text=short(chunk, README_CHUNK),
            )
        )
    return res


_BADGE_RE = re.compile(
    r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|\[!\[[^\]]*\]\[[^\]]*\]\]\[[^\]]*\]|!\[[^\]]*\]\([^)]*\)"
)
_HTML_RE = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>")


def strip_markup(line: str) -> str:
    """A README line without images, badges and HTML tags (their text kept): prose, not markup."""
    if "![" not in line and "<" not in line:
        return line
    return _HTML_RE.sub("", _BADGE_RE.sub("", line)).rstrip()


def _launcher(relpath: str, text: str) -> FileResult:
    res = FileResult("launcher")
    name = relpath.rsplit("/", 1)[-1]
    shell = text
    if launchers.is_dockerfile(name):
        shell, res.facts = launchers.dockerfile(relpath, text)
    elif launchers.is_ci_workflow(relpath):
        res.facts = launchers.ci_workflow(relpath, launchers.load_yaml(text))
    elif name == "dvc.yaml":
        res.facts = launchers.dvc_stages(relpath, launchers.load_yaml(text))
    res.runs, res.serves = launchers.commands(shell)
    if name == "MLproject":  # its parameters and defaults are configuration too
        cfg = analyse_config(relpath, text)
        res.facts, res.config_data, res.redactions = cfg.facts, cfg.config_data, cfg.redactions
    res.console_scripts, problem = launchers.console_scripts(relpath, text)
    if problem:
        res.warnings.append(problem)
    res.facts = [_safe_fact(f, relpath, res) for f in res.facts]
    return res


def _safe_fact(fact: Fact, relpath: str, res: FileResult) -> Fact:
    """Launcher facts quote commands and manifests: redact every string in them."""
    fact.attrs = redact_data(fact.attrs, relpath, res)
    fact.value = redact_data(fact.value, relpath, res)
    fact.label = redact_data(fact.label, relpath, res)
    return fact
