"""Answer-key benchmark: does autodoc find what a model validator checks first?

Each benchmarks/corpus/<name>.yaml describes one public ML repository (owner/name at a
fixed commit) and 5-8 facts a validator looks for first: the target, the data source,
the split, key hyperparameters, the threshold, the metrics, tuning, serving. A fact is
a list of keywords; it counts as found in a corpus when one single line of that corpus
contains every keyword (case-insensitive, whole tokens, `a|b` means either spelling).

For each repository checked out under the corpus root (default /work/corpus/<local>;
`--root` or AUTODOC_CORPUS_ROOT), the benchmark runs

    autodoc scan --code-root DIR --out TMP/evidence.json
    autodoc -s doc_spec.yaml -c DIR -o TMP/out -p offline        (no MLflow, no LLM)

with the console script next to this interpreter, then measures
  evidence recall  facts found in evidence.json, one line per evidence item;
  document recall  facts found in model_documentation.docx, one line per paragraph or
                   table row;
  prod. named      every production keyword appears somewhere in the document;
  expl. in doc     exploratory (notebook, stale-script) values that a document line
                   states without calling them exploratory or legacy (reference
                   entries, which only cite, do not count).
A repository missing locally is reported as skipped. Always exits 0.

    .venv/bin/python benchmarks/corpus.py [--root DIR] [--only NAME] [--json] [--keep DIR] [-v]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "benchmarks" / "corpus"
SPEC_PATH = ROOT / "doc_spec.yaml"
DEFAULT_CORPUS_ROOT = "/work/corpus"
MATCH_SHOWN = 160  # characters of a matching line kept in the report


# --------------------------------------------------------------------------- answer keys


@dataclass(frozen=True)
class Fact:
    id: str
    what: str
    where: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    name: str
    repo: str
    commit: str
    local: str
    shape: str
    production_model: str
    production_keywords: tuple[str, ...]
    facts: tuple[Fact, ...]
    exploratory: tuple[Fact, ...]


def _keywords(raw: Any, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: keywords must be a non-empty list")
    return tuple(str(k).strip().lower() for k in raw if str(k).strip())


def load_case(path: Path) -> Case:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    facts = tuple(
        Fact(
            id=str(f["id"]),
            what=str(f.get("what", "")),
            where=str(f.get("where", "")),
            keywords=_keywords(f.get("keywords"), f"{path.name}:{f.get('id')}"),
        )
        for f in data.get("facts") or []
    )
    exploratory: list[Fact] = []
    for i, e in enumerate(data.get("exploratory_values") or []):
        if isinstance(e, dict):
            value = str(e.get("value", f"value {i}"))
            exploratory.append(
                Fact(
                    id=f"x{i}",
                    what=value,
                    where=str(e.get("where", "")),
                    keywords=_keywords(e.get("keywords") or value, f"{path.name}:x{i}"),
                )
            )
        else:  # a bare value: the value itself is the one keyword
            exploratory.append(Fact(id=f"x{i}", what=str(e), where="", keywords=_keywords(str(e), path.name)))
    repo = str(data["repo"])
    return Case(
        name=path.stem,
        repo=repo,
        commit=str(data.get("commit", "")),
        local=str(data.get("local") or path.stem),
        shape=str(data.get("shape", "")),
        production_model=str(data.get("production_model", "")),
        production_keywords=_keywords(data.get("production_keywords") or [], f"{path.name}:production"),
        facts=facts,
        exploratory=tuple(exploratory),
    )


def load_cases(directory: Path) -> list[Case]:
    return [load_case(p) for p in sorted(directory.glob("*.yaml"))]


# --------------------------------------------------------------------------- matching


def _alternative(alt: str) -> str:
    """One spelling of a keyword as a regex: whole tokens, any run of spaces between words."""
    body = r"\s+".join(re.escape(part) for part in alt.split())
    if re.match(r"\w", alt):
        body = r"(?<![a-z0-9_])" + body
    if re.search(r"\w$", alt):
        body += r"(?![a-z0-9_])"
    return body


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    alts = [a.strip() for a in keyword.split("|") if a.strip()]
    return re.compile("|".join(_alternative(a) for a in alts))


def first_match(lines: list[str], keywords: Iterable[str]) -> str | None:
    """The first line that contains every keyword, or None."""
    patterns = [keyword_pattern(k) for k in keywords]
    for line in lines:
        if all(p.search(line) for p in patterns):
            return line
    return None


def source_match(lines: list[str], keywords: Iterable[str], where: str) -> tuple[str | None, bool]:
    """The best line with every keyword: one that also names the answer key's file if any.

    Returns the line and whether it names that file (the fact was found where it lives,
    not in a notebook, README or alternative config that happens to say the same).
    """
    patterns = [keyword_pattern(k) for k in keywords]
    source = where.split(":", 1)[0].strip().lower()
    first = None
    for line in lines:
        if all(p.search(line) for p in patterns):
            if source and source in line:
                return line, True
            if first is None:
                first = line
    return first, False


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


# --------------------------------------------------------------------------- corpora


def _scalars(value: Any) -> Iterator[str]:
    """Every string and number in a JSON value; mapping keys come before their values."""
    if value is None:
        return
    if isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, int | float | str):
        yield str(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _scalars(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _scalars(v)


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """One line per evidence item: id, kind, label, its place, value, attributes and text."""
    lines = []
    for item in evidence.get("items") or []:
        source = item.get("source") or {}
        place = []
        if source.get("path"):
            place.append(f"{source['path']}:{source.get('line_start') or ''}")
        for key in ("cell", "run_id", "model_name", "model_version", "uri"):
            if source.get(key) not in (None, ""):
                place.append(str(source[key]))
        parts = [
            str(item.get("id", "")),
            str(item.get("kind", "")),
            str(item.get("label") or ""),
            *place,
            *_scalars(item.get("value")),
            *_scalars(item.get("attrs")),
            str(item.get("text") or ""),
        ]
        lines.append(_normal(" ".join(p for p in parts if p)))
    return lines


# lines that say what they state is not the model's: a labelled passage, a note, a reference entry
_LABELLED = re.compile(r"exploratory|not part of the production|legacy|^\[\d+\] ", re.I)


def document_lines(path: Path) -> list[str]:
    """One line per body paragraph and one per table row (cells joined, merged cells once)."""
    import docx  # python-docx, a dependency of autodoc

    document = docx.Document(str(path))
    lines = [_normal(p.text) for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                text = cell.text.strip()
                if text and (not cells or cells[-1] != text):
                    cells.append(text)
            if cells:
                lines.append(_normal(" | ".join(cells)))
    return lines


# --------------------------------------------------------------------------- running


@dataclass
class FactResult:
    id: str
    where: str
    keywords: list[str]
    evidence: bool = False
    document: bool = False
    evidence_match: str | None = None
    evidence_at_source: bool = False
    document_match: str | None = None


@dataclass
class RepoResult:
    name: str
    repo: str
    commit: str
    path: str
    status: str = "ok"  # ok | skipped | failed
    notes: list[str] = field(default_factory=list)
    facts: list[FactResult] = field(default_factory=list)
    evidence_found: int = 0
    evidence_at_source: int = 0
    document_found: int = 0
    production_named: bool | None = None
    production_missing: list[str] = field(default_factory=list)
    exploratory_in_doc: list[str] = field(default_factory=list)
    exploratory_total: int = 0
    evidence_items: int = 0
    failed_blocks: int = 0
    document_lines: int = 0
    scan_seconds: float | None = None
    doc_seconds: float | None = None


def autodoc_script() -> Path:
    return Path(sys.executable).with_name("autodoc")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MLFLOW_TRACKING_URI", None)  # code only: no MLflow server
    env.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    return env


def _run(args: list[str], cwd: Path, timeout: float) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - t0, proc


def _tail(text: str, n: int = 3) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-n:])


def _head_commit(path: Path) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def autodoc_version() -> str:
    """The commit of the autodoc tree being measured (+dirty), or "unknown"."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _clip(line: str | None) -> str | None:
    if line is None or len(line) <= MATCH_SHOWN:
        return line
    return line[: MATCH_SHOWN - 3] + "..."


def run_case(case: Case, root: Path, work: Path, timeout: float) -> RepoResult:
    code = root / case.local
    result = RepoResult(
        name=case.name,
        repo=case.repo,
        commit=case.commit,
        path=str(code),
        exploratory_total=len(case.exploratory),
    )
    result.facts = [FactResult(id=f.id, where=f.where, keywords=list(f.keywords)) for f in case.facts]
    if not code.is_dir():
        result.status = "skipped"
        result.notes.append(f"no checkout at {code}")
        return result
    head = _head_commit(code)
    if head and case.commit and head != case.commit:
        result.notes.append(f"checkout is at {head[:10]}, answer key at {case.commit[:10]}")

    script = autodoc_script()
    out = work / case.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    evidence_path = out / "evidence.json"
    try:
        result.scan_seconds, proc = _run(
            [str(script), "scan", "--code-root", str(code), "--out", str(evidence_path)], out, timeout
        )
        if proc.returncode != 0 or not evidence_path.exists():
            result.notes.append(f"scan exited {proc.returncode}: {_tail(proc.stderr or proc.stdout)}")
        result.doc_seconds, proc = _run(
            [str(script), "-s", str(SPEC_PATH), "-c", str(code), "-o", str(out / "out"), "-p", "offline"],
            out,
            timeout,
        )
        if proc.returncode not in (0, 1):  # 1: written, with flagged figures or failed blocks
            result.notes.append(f"document run exited {proc.returncode}: {_tail(proc.stderr or proc.stdout)}")
    except (OSError, subprocess.SubprocessError) as exc:
        result.notes.append(f"could not run {script}: {exc}")

    ev_lines: list[str] | None = None
    if evidence_path.exists():
        try:
            ev_lines = evidence_lines(json.loads(evidence_path.read_text(encoding="utf-8")))
            result.evidence_items = len(ev_lines)
        except (OSError, ValueError) as exc:
            result.notes.append(f"unreadable evidence.json: {exc}")
    report_path = out / "out" / "run_report.json"
    if report_path.exists():
        try:
            failures = json.loads(report_path.read_text(encoding="utf-8")).get("failures") or []
        except (OSError, ValueError):
            failures = []
        result.failed_blocks = len(failures)
        if failures:
            first = failures[0].get("error", "") if isinstance(failures[0], dict) else str(failures[0])
            result.notes.append(f"{len(failures)} document block(s) failed, e.g. {first[:160]}")
    doc_path = out / "out" / "model_documentation.docx"
    doc_lines: list[str] | None = None
    if doc_path.exists():
        try:
            doc_lines = document_lines(doc_path)
            result.document_lines = len(doc_lines)
        except Exception as exc:  # a broken docx is a finding, not a crash
            result.notes.append(f"unreadable document: {exc}")
    if ev_lines is None and doc_lines is None:
        result.status = "failed"
        return result

    for fact, fr in zip(case.facts, result.facts, strict=True):
        if ev_lines is not None:
            match, fr.evidence_at_source = source_match(ev_lines, fact.keywords, fact.where)
            fr.evidence_match = _clip(match)
            fr.evidence = fr.evidence_match is not None
        if doc_lines is not None:
            fr.document_match = _clip(first_match(doc_lines, fact.keywords))
            fr.document = fr.document_match is not None
    result.evidence_found = sum(f.evidence for f in result.facts)
    result.evidence_at_source = sum(f.evidence_at_source for f in result.facts)
    result.document_found = sum(f.document for f in result.facts)
    if doc_lines is not None:
        whole = "\n".join(doc_lines)
        result.production_missing = [
            k for k in case.production_keywords if not keyword_pattern(k).search(whole)
        ]
        result.production_named = not result.production_missing
        unlabelled = [line for line in doc_lines if not _LABELLED.search(line)]
        result.exploratory_in_doc = [
            f"{x.what} ({x.where})" for x in case.exploratory if first_match(unlabelled, x.keywords)
        ]
    return result


# --------------------------------------------------------------------------- report


def _ratio(found: int, total: int) -> str:
    return f"{found}/{total} {100 * found / total:3.0f}%" if total else "-"


def _secs(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def print_table(results: list[RepoResult], verbose: bool, version: str) -> None:
    print(f"autodoc {version}; answer keys in {CASES_DIR.relative_to(ROOT)}")
    header = (
        "repo",
        "facts",
        "evidence recall",
        "E@src",
        "document recall",
        "prod. named",
        "expl. in doc",
        "scan s",
        "doc s",
    )
    rows: list[tuple[str, ...]] = []
    for r in results:
        if r.status == "skipped":
            rows.append((r.name, str(len(r.facts)), "skipped", "", "", "", "", "", ""))
            continue
        named = "-" if r.production_named is None else ("yes" if r.production_named else "no")
        expl = f"{len(r.exploratory_in_doc)}/{r.exploratory_total}" if r.exploratory_total else "-"
        rows.append(
            (
                r.name,
                str(len(r.facts)),
                _ratio(r.evidence_found, len(r.facts)),
                str(r.evidence_at_source),
                _ratio(r.document_found, len(r.facts)),
                named,
                expl,
                _secs(r.scan_seconds),
                _secs(r.doc_seconds),
            )
        )
    ran = [r for r in results if r.status != "skipped"]
    n_facts = sum(len(r.facts) for r in ran)
    named = sum(1 for r in ran if r.production_named)
    scan_total = sum(r.scan_seconds or 0.0 for r in ran)
    doc_total = sum(r.doc_seconds or 0.0 for r in ran)
    totals = (
        "TOTAL",
        str(n_facts),
        _ratio(sum(r.evidence_found for r in ran), n_facts),
        str(sum(r.evidence_at_source for r in ran)),
        _ratio(sum(r.document_found for r in ran), n_facts),
        f"{named}/{len(ran)}",
        f"{sum(len(r.exploratory_in_doc) for r in ran)}/{sum(r.exploratory_total for r in ran)}",
        f"{scan_total:.1f}",
        f"{doc_total:.1f}",
    )
    widths = [max(len(row[i]) for row in [header, *rows, totals]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells)

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))
    print("  ".join("-" * w for w in widths))
    print(fmt(totals))
    skipped = [r.name for r in results if r.status == "skipped"]
    if skipped:
        print(f"skipped (no local checkout): {', '.join(skipped)}")

    print("E@src: facts whose matching evidence item comes from the answer key's own file.")
    print("\nmissed facts (E = not in evidence, e = only in another file's evidence, D = not in document):")
    for r in ran:
        for f in r.facts:
            if f.evidence_at_source and f.document:
                continue
            mark = "E" if not f.evidence else ("e" if not f.evidence_at_source else "-")
            where = mark + ("D" if not f.document else "-")
            print(f"  {r.name:<22} {f.id:<20} {where}  [{', '.join(f.keywords)}]  {f.where}")
            if verbose and f.evidence_match and not (f.document and f.evidence_at_source):
                print(f"      evidence: {f.evidence_match}")
    for r in ran:
        for note in r.notes:
            print(f"note: {r.name}: {note}")
        if r.production_missing:
            print(f"note: {r.name}: production model not named (missing {', '.join(r.production_missing)})")
        for x in r.exploratory_in_doc:
            print(f"note: {r.name}: document states exploratory value: {x}")
    if verbose:
        print("\nfound facts and the line that matched:")
        for r in ran:
            for f in r.facts:
                if f.evidence:
                    print(f"  {r.name} {f.id} E: {f.evidence_match}")
                if f.document:
                    print(f"  {r.name} {f.id} D: {f.document_match}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root",
        default=os.environ.get("AUTODOC_CORPUS_ROOT", DEFAULT_CORPUS_ROOT),
        help="where the repositories are checked out (default %(default)s)",
    )
    parser.add_argument("--cases", default=str(CASES_DIR), help="folder of answer keys (default %(default)s)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only this answer key"
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="keep evidence and documents here (default: a temp dir)"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per autodoc run")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the line that matched each fact")
    args = parser.parse_args(argv)

    try:
        cases = load_cases(Path(args.cases))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        print(f"cannot read answer keys: {exc}", file=sys.stderr)
        return 0
    if args.only:
        cases = [c for c in cases if c.name in args.only or c.local in args.only]
    root = Path(args.root)
    if not autodoc_script().exists():
        print(f"note: {autodoc_script()} not found; run with the project's venv python", file=sys.stderr)

    version = autodoc_version()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="autodoc-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[RepoResult] = []
    try:
        for case in cases:
            if not args.json:
                print(f"running {case.name} ...", file=sys.stderr, flush=True)
            try:
                results.append(run_case(case, root, work, args.timeout))
            except Exception as exc:  # a benchmark reports, it does not stop
                failed = RepoResult(
                    name=case.name,
                    repo=case.repo,
                    commit=case.commit,
                    path=str(root / case.local),
                    status="failed",
                    notes=[repr(exc)],
                )
                failed.facts = [
                    FactResult(id=f.id, where=f.where, keywords=list(f.keywords)) for f in case.facts
                ]
                results.append(failed)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    if args.json:
        ran = [r for r in results if r.status != "skipped"]
        n_facts = sum(len(r.facts) for r in ran)
        totals = {
            "repos": len(results),
            "ran": len(ran),
            "facts": n_facts,
            "evidence_found": sum(r.evidence_found for r in ran),
            "evidence_at_source": sum(r.evidence_at_source for r in ran),
            "document_found": sum(r.document_found for r in ran),
            "evidence_recall": sum(r.evidence_found for r in ran) / n_facts if n_facts else None,
            "document_recall": sum(r.document_found for r in ran) / n_facts if n_facts else None,
            "production_named": sum(1 for r in ran if r.production_named),
            "exploratory_in_doc": sum(len(r.exploratory_in_doc) for r in ran),
            "scan_seconds": sum(r.scan_seconds or 0.0 for r in ran),
            "doc_seconds": sum(r.doc_seconds or 0.0 for r in ran),
        }
        print(
            json.dumps(
                {
                    "autodoc": version,
                    "root": str(root),
                    "repos": [asdict(r) for r in results],
                    "totals": totals,
                },
                indent=2,
            )
        )
    else:
        print_table(results, args.verbose, version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
