"""Scan a code tree into cited evidence: `scan_code(root) -> CodeScan`.

Reads files with `ast` only (never imports or runs them), caches each file's facts by
content hash, then works across files: resolves values defined elsewhere (config modules,
``**PARAMS``, argparse defaults, YAML configs), decides which code is reached from an entry
point (live) and which is dead or legacy, ranks files, and builds `EvidenceItem`s.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path

from autodoc.errors import ScanError
from autodoc.evidence import CodeReport, EvidenceItem, FileRecord, Redaction, SkippedFile
from autodoc.scan.code import cache, callers, dictionaries, hydra, lineage, metric_rows, recipes
from autodoc.scan.code.config_paths import name_config_paths, say_config_origins
from autodoc.scan.code.derived import add_excerpts, add_pipelines
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.itemparts import models
from autodoc.scan.code.items import ItemBuilder
from autodoc.scan.code.liveness import Liveness, find_liveness
from autodoc.scan.code.load_paths import name_loaded_files
from autodoc.scan.code.resolve import Resolver
from autodoc.scan.code.testcode import read_test_module
from autodoc.scan.code.topics import EVAL_RE, FEAT_RE, TRAIN_RE, topics_of_name
from autodoc.scan.code.walk import Candidate, notebook_sources, read_bytes, sha256, walk
from autodoc.scan.code.workers import Chunk, analyse_many, gc_paused

_MEMO: dict[cache.FileKey, FileResult] = {}  # (relpath, sha256) -> facts, for re-scans in one process
_ROLE_ORDER = [
    "entry_point",
    "training",
    "features",
    "evaluation",
    "other",
    "config",
    "test",
    "docs",
    "setup",
]
_DOCS_RE = re.compile(r"(^|/)(docs?|examples?)/")
_CONFIG_NAME_RE = re.compile(r"config|settings|params|conf", re.I)


@dataclass
class CodeScan:
    report: CodeReport
    items: list[EvidenceItem] = field(default_factory=list)
    redactions: list[Redaction] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # files read beyond the walk -> their digest


@dataclass
class _Loaded:
    cand: Candidate
    sha: str
    result: FileResult


# -- public ----------------------------------------------------------------------------------
def scan_code(
    root: str,
    *,
    exclude: list[str] | tuple[str, ...] = (),
    commit_info: bool = True,
    cache_dir: str | None = None,
) -> CodeScan:
    """Scan `root`; `cache_dir` (default ``$AUTODOC_SCAN_CACHE`` or none) keeps facts between runs.

    The cache is written in the background after the scan returns: `cache.wait()` before removing
    `cache_dir` (a folder removed meanwhile is not made again)."""
    root_path = Path(root)
    if not root_path.exists():
        raise ScanError(
            f"code root {root} does not exist", hint="pass --code-root with the folder of the model code"
        )
    if not root_path.is_dir():
        raise ScanError(
            f"code root {root} is not a folder", hint="pass the folder that holds the code, not a file"
        )
    with gc_paused():
        return _scan(root, str(root_path.resolve()), tuple(exclude), commit_info, cache_dir)


def _scan(
    root: str, root_abs: str, exclude: tuple[str, ...], commit_info: bool, cache_dir: str | None
) -> CodeScan:
    cache_dir = cache_dir if cache_dir is not None else os.environ.get("AUTODOC_SCAN_CACHE") or None
    cands, skipped_now = walk(root_abs, exclude)
    contents = _read(cands)
    commit, dirty = _git_info(root_abs) if commit_info else (None, None)
    key = _tree_key(root, contents, skipped_now, commit, dirty)
    # an unchanged tree reuses the items built last time: in this process, else from the disk cache
    done = _ASSEMBLED.get(key)
    saves: list[cache.Write] = []  # the cache writes, started once the result is ready (see below)
    if done is not None and cache_dir and (cache_dir, root_abs, key) not in _SAVED:
        saves.append(_save_items(cache_dir, root_abs, key, done))  # built in this process for another cache
    if done is None:
        built = cache.load_items(cache_dir, root_abs, key)
        done = CodeScan(*built) if built else None
    if done is not None and any(dictionaries.digest(Path(p)) != d for p, d in done.inputs.items()):
        done = None  # a data dictionary changed (it may lie outside git and the walk): scanned again
    if done is None:
        disk = cache.load_files(cache_dir, root_abs)
        blobs: cache.Blobs | None = [] if cache_dir else None
        loaded, skipped = _load_files(contents, disk, blobs)
        skipped = [SkippedFile(path=p, reason=r) for p, r in skipped_now] + skipped
        done = _assemble(root, loaded, skipped, commit, dirty)
        if cache_dir and any((x.cand.relpath, x.sha) not in disk for x in loaded):
            fresh = {k for keys, _ in blobs or [] for k in keys}
            reused = [((x.cand.relpath, x.sha), x.result) for x in loaded]
            todo = [r for r in reused if r[0] not in fresh]
            saves.append(cache.files_write(cache_dir, root_abs, todo, blobs or []))
        if cache_dir:
            saves.append(_save_items(cache_dir, root_abs, key, done))
    _ASSEMBLED[key] = done
    result = CodeScan(
        report=done.report.model_copy(deep=True),
        items=list(done.items),
        redactions=list(done.redactions),
        inputs=dict(done.inputs),
    )
    # The cache is pickled and written in the background once the result is ready: pickling holds
    # this interpreter's lock, so started earlier it would hold up the assembly and the copy above.
    cache.start(saves)
    return result


def _save_items(cache_dir: str, root_abs: str, key: str, done: CodeScan) -> cache.Write:
    _SAVED.add((cache_dir, root_abs, key))  # to be written: a failed write only costs a later re-scan
    return cache.items_write(
        cache_dir, root_abs, key, (done.report, done.items, done.redactions, done.inputs)
    )


_ASSEMBLED: dict[str, CodeScan] = {}
_SAVED: set[tuple[str, str, str]] = set()  # (cache dir, root, tree key) written in this process
Contents = list[tuple[Candidate, bytes | None, str | None, str | None]]  # cand, data, sha256, problem


def _read(cands: list[Candidate]) -> Contents:
    out: Contents = []
    for cand in cands:
        data, problem = read_bytes(cand)
        digest = sha256(data) if data is not None else None  # the file's own bytes
        if data is not None and cand.kind == "notebook":
            data, problem = notebook_sources(data)
        out.append((cand, data, digest, problem))
    return out


def _tree_key(
    root: str, contents: Contents, skipped: list[tuple[str, str]], commit: str | None, dirty: bool | None
) -> str:
    """Changes iff the scan's result can: scanner version, root, commit, every file's path and bytes."""
    digest = hashlib.sha256(f"{cache.CACHE_VERSION}\0{root}\0{commit}\0{dirty}".encode())
    for cand, _data, sha, problem in contents:
        digest.update(f"{cand.relpath}\0{sha or problem}\0".encode())
    for path, reason in skipped:
        digest.update(f"{path}\0{reason}\0".encode())
    return digest.hexdigest()


# -- reading (cached) --------------------------------------------------------------------------
def _load_files(
    contents: Contents,
    disk: dict[cache.FileKey, FileResult],
    blobs: cache.Blobs | None = None,
) -> tuple[list[_Loaded], list[SkippedFile]]:
    """Each file's facts (this process's memo, the disk cache, else analysed now); `blobs` as in
    `analyse_many`, keyed by (relpath, sha256)."""
    read: list[tuple[Candidate, str | None, FileResult | str]] = []  # cand, sha, facts or problem
    todo: list[tuple[Candidate, bytes]] = []
    keys: list[cache.FileKey] = []
    for cand, data, digest, problem in contents:
        if data is None or digest is None:
            read.append((cand, None, problem or "unreadable"))
            continue
        key = (cand.relpath, digest)
        result = _MEMO.get(key) or disk.get(key)
        if result is None:
            todo.append((cand, data))
            keys.append(key)
            read.append((cand, digest, ""))  # filled in below
        else:
            read.append((cand, digest, result))
    chunks: list[tuple[list[int], Chunk]] | None = [] if blobs is not None else None
    fresh = iter(analyse_many(todo, chunks))  # in the order of `todo`, which follows `cands`
    if blobs is not None and chunks is not None:
        blobs.extend(([keys[i] for i in share], blob) for share, blob in chunks)
    loaded: list[_Loaded] = []
    skipped: list[SkippedFile] = []
    for cand, digest, found in read:
        if digest is None:
            skipped.append(SkippedFile(path=cand.relpath, reason=str(found)))
            continue
        result = found if isinstance(found, FileResult) else next(fresh)
        _MEMO[(cand.relpath, digest)] = result
        if result.skipped:
            skipped.append(SkippedFile(path=cand.relpath, reason=result.skipped))
            continue
        loaded.append(_Loaded(cand, digest, result))
    return loaded, skipped


def _git_info(root: str) -> tuple[str | None, bool | None]:
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        return head.stdout.strip() or None, bool(status.stdout.strip()) if status.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None, None


# -- assembling ------------------------------------------------------------------------------
def _assemble(
    root: str, loaded: list[_Loaded], skipped: list[SkippedFile], commit: str | None, dirty: bool | None
) -> CodeScan:
    files = {x.cand.relpath: x.result for x in loaded}
    live = find_liveness(files)
    _read_unrun_as_tests(loaded, files, live)
    resolver = Resolver(files)
    builder = ItemBuilder(commit)
    builder.config_notes = hydra.compose(files)
    for rel, by_name in recipes.profile_notes(files).items():
        builder.config_notes.setdefault(rel, {}).update(by_name)
    warnings: list[str] = []
    per_file: Counter[str] = Counter()
    for x in loaded:
        warnings.extend(x.result.warnings)
        per_file[x.cand.relpath] += builder.add_file(x.cand.relpath, x.result, live, resolver)
    for rel, reason in live.entries.items():
        builder.add_entry(rel, reason, live.entry_roles.get(rel, "production"))
    callers.resolve_sites(builder.items, resolver.resolve)
    metric_rows.follow(builder.items, resolver)  # precision_score(y, preds) in a helper another module calls
    inputs = dictionaries.name_targets(builder.items, Path(root).resolve())
    name_loaded_files(files, builder.items, resolver)  # before linking: a served model's load names its file
    name_config_paths(builder.items)  # pd.read_csv(self.config.train_path): the path its keys hold
    say_config_origins(builder.items)  # pd.read_csv(config["data"]): data/x.csv named in config.json, line 3
    upstream_cells = lineage.link(files, live, builder)
    lineage.add_upstream_steps(builder, add_pipelines(files, live, builder))
    warnings += add_excerpts(files, live, builder, upstream_cells)
    redactions = _redactions(loaded)
    records = _rank(loaded, live, per_file)
    report = CodeReport(
        root=root,
        commit=commit,
        dirty=dirty,
        files=records,
        skipped=sorted(skipped, key=lambda s: s.path),
        entry_points=sorted(live.entries),
        warnings=warnings + live.warnings,
    )
    return CodeScan(
        report=report,
        items=_by_rank(builder.items, records),
        redactions=redactions + builder.redactions,
        inputs=inputs,
    )


def _by_rank(items: list[EvidenceItem], records: list[FileRecord]) -> list[EvidenceItem]:
    """The items file by file, the most relevant file first (the main trainer before a benchmark
    script that repeats its code): a fact found in several files is cited from there first. Items
    of a file keep their order; those of files without a record come last."""
    by_path: dict[str, list[EvidenceItem]] = {r.path: [] for r in records}
    rest: list[EvidenceItem] = []
    for path, run in groupby(items, key=_PATH):  # a file's items mostly come together: runs of them
        by_path.get(path or "", rest).extend(run)
    return [*chain.from_iterable(by_path.values()), *rest]


_PATH = attrgetter("source.path")


def _redactions(loaded: list[_Loaded]) -> list[Redaction]:
    counts: Counter[tuple[str, str]] = Counter()
    for x in loaded:
        for kind, line, cell, n in x.result.redactions:
            place = (
                x.cand.relpath
                + (f" [cell {cell}]" if cell is not None else "")
                + (f":{line}" if line else "")
            )
            counts[(kind, place)] += n
    return [Redaction(kind=k, place=p, count=n) for (k, p), n in sorted(counts.items())]


def _read_unrun_as_tests(loaded: list[_Loaded], files: dict[str, FileResult], live: Liveness) -> None:
    """A module named like a test that holds none (`FileResult.test_named`) and that nothing runs is
    test code after all: read as one (none of its code is quoted)."""
    for x in loaded:
        rel = x.cand.relpath
        if x.result.test_named and rel not in live.run:
            x.result = files[rel] = read_test_module(rel, x.result.source or "")


def _role(rel: str, result: FileResult, live: Liveness) -> str:
    name = rel.rsplit("/", 1)[-1]
    if live.is_test(rel):
        return "test"
    if result.kind == "readme" or _DOCS_RE.search(rel):
        return "docs"
    if result.kind == "launcher" and result.facts:
        return "config"  # MLproject: parameters and their defaults
    if name in ("setup.py", "conftest.py", "noxfile.py", "__init__.py") or result.kind == "launcher":
        return "setup"
    if rel in live.entries:
        return "entry_point"
    if result.kind == "config":
        return "config"
    kinds = set(map(_KIND, result.facts))
    said = topics_of_name(name) if name.isascii() else None  # one search for most names
    if "estimator" in kinds or "fit" in kinds or (_says(said, "training", name) and result.kind != "config"):
        return "training"
    if "preprocessing" in kinds or "feature" in kinds or _says(said, "features", name):
        return "features"
    if "metric" in kinds or _says(said, "evaluation", name):
        return "evaluation"
    if _CONFIG_NAME_RE.search(name):
        return "config"
    return "other"


_KIND = attrgetter("kind")
_NAME_PATTERNS = {"training": TRAIN_RE, "features": FEAT_RE, "evaluation": EVAL_RE}


def _says(said: list[str] | None, topic: str, name: str) -> bool:
    """Does a file's name suggest `topic` (`said`: what `topics_of_name` found for an ASCII name)?"""
    return topic in said if said is not None else bool(_NAME_PATTERNS[topic].search(name))


def _rank(loaded: list[_Loaded], live: Liveness, per_file: Counter[str]) -> list[FileRecord]:
    rows = []
    for x in loaded:
        if x.result.kind == "launcher" and not x.result.facts:
            continue
        rel = x.cand.relpath
        role = _role(rel, x.result, live)
        dead_penalty = 1 if live.entries and rel in live.modules and not live.file_reached(rel) else 0
        key = (_ROLE_ORDER.index(role), dead_penalty, -per_file[rel], rel)
        rows.append((key, x, role))
    rows.sort(key=lambda r: r[0])
    return models(  # each file's record as validation makes it, fields in their order
        FileRecord,
        [
            {
                "path": x.cand.relpath,
                "sha256": x.sha,
                "size": x.cand.size,
                "kind": "config" if x.result.kind == "launcher" else x.result.kind,
                "rank": i,
                "role": role,
                "facts": per_file[x.cand.relpath],
            }
            for i, (_, x, role) in enumerate(rows)
        ],
    )
