"""Finding and reading the files of a code tree, and the facts of each file on its own.

Everything here depends on one file's bytes only, so a `FileResult` is cached by
(path, sha256). Cross-file work (indirection, liveness, ids) lives in `code.py`.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import gc
import hashlib
import json
import os
import pickle
import re
import stat
import subprocess
import sys
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from autodoc.scan.code.facts import Fact, ModuleFacts, extract
from autodoc.scan.secrets import PLACEHOLDER, is_secret_name, redact

MAX_BYTES = 1_000_000
MAX_CONFIG_LEAVES = 200
MAX_JSON_CONFIG = 200_000
MAX_README_CHUNKS = 20
README_CHUNK = 600

EXCLUDED_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "mlruns",
    "mlartifacts",
    "output",
    ".ipynb_checkpoints",
    ".idea",
    ".eggs",
    "wandb",
    ".cache",
}
SECRET_FILE_GLOBS = (
    "*.pem",
    "*.key",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*.p12",
    "*.pfx",
    ".netrc",
    ".pgpass",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    ".htpasswd",
)
LAUNCHER_NAMES = {
    "Makefile",
    "makefile",
    "MLproject",
    "Dockerfile",
    "Procfile",
    "justfile",
    "setup.py",
    "tox.ini",
    "noxfile.py",
    "setup.cfg",
}
CONFIG_EXT = (".yaml", ".yml", ".json", ".toml")
SKIP_CONFIG_NAMES = {
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "composer.json",
    ".eslintrc.json",
    "poetry.lock",
    "Pipfile.lock",
    "conda-lock.yml",
    "environment.lock.yaml",
    "renovate.json",
    ".pre-commit-config.yaml",
    "mkdocs.yml",
    ".readthedocs.yaml",
    "codecov.yml",
    ".codecov.yml",
}
_RUN_RE = re.compile(r"python[0-9.]*\s+(?:-[a-zA-Z]+\s+)*(?:-m\s+([\w.]+)|([\w./\\-]+\.py))")
_MAIN_COMMENT_RE = re.compile(r"^\s*#+\s*if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)
_MAGIC_RE = re.compile(r"^\s*[%!]")


@dataclass
class FileResult:
    """One file's own facts (cacheable)."""

    kind: str  # python | notebook | databricks | readme | config | launcher
    facts: list[Fact] = field(default_factory=list)
    module: ModuleFacts | None = None
    config_data: Any = None
    redactions: list[tuple[str, int | None, int | None, int]] = field(
        default_factory=list
    )  # kind,line,cell,n
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)  # scripts/modules a launcher runs
    console_scripts: list[str] = field(default_factory=list)  # "pkg.mod:func"
    unsafe: bool = False  # parsed from unredacted text: every value must be redacted again


@dataclass
class Candidate:
    relpath: str
    abspath: str
    kind: str
    size: int


def classify(name: str) -> str | None:
    """What kind of file this is for the scanner, or None to ignore it."""
    low = name.lower()
    if low.endswith(".py"):
        return "launcher" if name in ("setup.py", "noxfile.py") else "python"
    if low.endswith(".ipynb"):
        return "notebook"
    if low.startswith("readme") and (low == "readme" or low.endswith((".md", ".rst", ".txt", ".markdown"))):
        return "readme"
    if name in LAUNCHER_NAMES or low.endswith((".sh", ".bash")) or name == "pyproject.toml":
        return "launcher"
    if low.endswith(CONFIG_EXT) and name not in SKIP_CONFIG_NAMES:
        return "config"
    return None


def is_secret_file(name: str) -> bool:
    return name.startswith(".env") or any(fnmatch.fnmatch(name, g) for g in SECRET_FILE_GLOBS)


def _excluded(relpath: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(
        fnmatch.fnmatch(relpath, p) or fnmatch.fnmatch(name, p) or relpath.startswith(p.rstrip("/") + "/")
        for p in patterns
    )


def git_ignored(root: str) -> set[str]:
    """Paths under `root` that git ignores (folders end with "/"): generated outputs, data, caches.

    Empty when `root` is not in a git work tree, git is missing, or `root` itself is ignored
    (then the user pointed at it on purpose).
    """
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                root,
                "ls-files",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
                "-z",
            ],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if out.returncode != 0:
        return set()
    paths = {p for p in out.stdout.decode("utf-8", "replace").split("\0") if p}
    return set() if "./" in paths else paths


def walk(root: str, exclude: tuple[str, ...]) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Files worth reading under `root`, and (relpath, reason) of those skipped at once."""
    found: list[Candidate] = []
    skipped: list[tuple[str, str]] = []
    ignored = git_ignored(root)
    seen_dirs = {os.path.realpath(root)}
    stack = [("", root)]
    while stack:
        rel_dir, abs_dir = stack.pop()
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as err:
            skipped.append((rel_dir or ".", f"unreadable folder: {err.strerror or err}"))
            continue
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if _excluded(rel, entry.name, exclude):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if entry.is_symlink():
                reason = _symlink_problem(entry.path, root, seen_dirs, is_dir)
                if reason:
                    skipped.append((rel, reason))
                    continue
            if is_dir:
                if _skip_dir(entry):
                    continue
                if rel + "/" in ignored:
                    skipped.append((rel + "/", "ignored by git (.gitignore): generated or local files"))
                    continue
                seen_dirs.add(os.path.realpath(entry.path))
                subdirs.append((rel, entry.path))
                continue
            if rel in ignored:
                skipped.append((rel, "ignored by git (.gitignore): generated or local files"))
                continue
            _add_file(entry, rel, found, skipped)
        stack.extend(reversed(subdirs))
    return found, skipped


def _symlink_problem(path: str, root: str, seen: set[str], is_dir: bool) -> str | None:
    try:
        os.stat(path)
    except OSError as err:
        return "symlink loop" if err.errno == 40 else "broken symlink"
    real = os.path.realpath(path)
    if is_dir and (real in seen or os.path.realpath(root).startswith(real + os.sep)):
        return "symlink loop"
    if not (real + os.sep).startswith(os.path.realpath(root) + os.sep):
        return "symlink to outside the code root"
    return None


def _skip_dir(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name in EXCLUDED_DIRS or name.endswith(".egg-info"):
        return True
    if name.startswith(".") and name != ".github":
        return True
    return os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


def _add_file(
    entry: os.DirEntry[str], rel: str, found: list[Candidate], skipped: list[tuple[str, str]]
) -> None:
    name = entry.name
    if is_secret_file(name):
        skipped.append((rel, "secret or key file: never read"))
        return
    if name.startswith(".") and name != ".env":  # hidden files: tool state, caches
        return
    kind = classify(name)
    if kind is None:
        return
    try:
        st = entry.stat()
    except OSError as err:
        skipped.append((rel, f"unreadable: {err.strerror or err}"))
        return
    if not stat.S_ISREG(st.st_mode):
        return
    if st.st_size > MAX_BYTES:
        skipped.append((rel, "over 1 MB"))
        return
    found.append(Candidate(rel, entry.path, kind, st.st_size))


def read_bytes(cand: Candidate) -> tuple[bytes | None, str | None]:
    try:
        with open(cand.abspath, "rb") as fh:
            return fh.read(MAX_BYTES + 1), None
    except OSError as err:
        return None, f"unreadable: {err.strerror or err}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in data[:8192]:
        return None, "binary"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        return None, f"not UTF-8 (bad byte at offset {err.start})"


# -- many files at once ---------------------------------------------------------------------
PARALLEL_MIN_FILES = 200  # below this, starting worker interpreters costs more than it saves
_MAX_WORKERS = 8


class _GcPause:
    """Pauses the cyclic garbage collector while scans run; nested and concurrent scans share one pause.

    The analysis makes no reference cycles (none found on pandas' 1440 files), so refcounting frees
    everything; with the collector on, its repeated passes over the growing results cost about a
    third of the scan. It resumes, if it was on, when the last scan ends.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holds = 0
        self.was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.holds == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holds += 1
        try:
            yield
        finally:
            with self.lock:
                self.holds -= 1
                if self.holds == 0 and self.was_enabled:
                    gc.enable()


gc_paused = _GcPause()


def analyse_data(cand: Candidate, data: bytes) -> FileResult:
    """Facts of one file's bytes (decoding problems become `skipped`)."""
    text, problem = decode(data)
    return analyse(cand, text) if text is not None else FileResult(cand.kind, skipped=problem)


def analyse_batch(jobs: list[tuple[Candidate, bytes]]) -> list[FileResult]:
    """`analyse_data` over a chunk; what a worker process runs."""
    return [analyse_data(cand, data) for cand, data in jobs]


def analyse_many(jobs: list[tuple[Candidate, bytes]]) -> list[FileResult]:
    """`analyse_batch` over all jobs, spread over the cores for large trees; same results, same order.

    Each file's facts depend on its bytes only, so splitting the work cannot change them. This
    process analyses one share while fresh interpreters (``python -c``, never a fork: the app
    scans from threads, and unlike `multiprocessing` this never re-runs the caller's script)
    analyse the others. A worker that fails in any way has its share analysed here instead.
    """
    cores = _core_count()
    if len(jobs) < PARALLEL_MIN_FILES or cores < 2 or not sys.executable:
        return analyse_batch(jobs)
    shares = _split([len(data) for _, data in jobs], cores)
    results: list[FileResult | None] = [None] * len(jobs)
    with tempfile.TemporaryDirectory(prefix="autodoc-scan-") as tmp:
        workers = [_Worker([jobs[i] for i in share], tmp, n) for n, share in enumerate(shares[1:])]
        for i, res in zip(shares[0], analyse_batch([jobs[i] for i in shares[0]]), strict=True):
            results[i] = res
        for share, worker in zip(shares[1:], workers, strict=True):
            done = worker.results()
            if done is None:
                done = analyse_batch([jobs[i] for i in share])
            for i, res in zip(share, done, strict=True):
                results[i] = res
    return [res for res in results if res is not None]


def _core_count() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, _MAX_WORKERS)


def _split(sizes: list[int], n: int) -> list[list[int]]:
    """Job indices in `n` shares of about equal bytes (largest first), each share in job order."""
    shares: list[list[int]] = [[] for _ in range(n)]
    loads = [0] * n
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += sizes[i] + 2000  # a per-file floor: tiny files still cost something
    return [sorted(share) for share in shares]


_WORKER_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from autodoc.scan.code.files import worker_main; worker_main(sys.argv[2], sys.argv[3])"
)


class _Worker:
    """One child interpreter analysing a share; pickles in and out through files in `tmp`.

    Files, not pipes: feeding a pipe from a thread would need the GIL that this process's own
    analysis holds, starving the worker of input.
    """

    def __init__(self, jobs: list[tuple[Candidate, bytes]], tmp: str, n: int) -> None:
        self.count = len(jobs)
        self.proc: subprocess.Popen[bytes] | None = None
        self.outbox = os.path.join(tmp, f"out-{n}.pkl")
        inbox = os.path.join(tmp, f"in-{n}.pkl")
        package_parent = str(Path(__file__).resolve().parents[3])  # the folder holding `autodoc`
        try:
            with open(inbox, "wb") as fh:
                pickle.dump(jobs, fh, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, package_parent, inbox, self.outbox],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, pickle.PicklingError):
            self.proc = None

    def results(self) -> list[FileResult] | None:
        """The share's results in job order, or None if the worker failed."""
        if self.proc is None:
            return None
        try:
            if self.proc.wait() != 0:
                return None
            with open(self.outbox, "rb") as fh:
                done = pickle.load(fh)
        except Exception:
            return None
        if not isinstance(done, list) or len(done) != self.count:
            return None
        return done


def worker_main(inbox: str, outbox: str) -> None:
    """Entry of a worker interpreter: analyse the pickled jobs in `inbox`, pickle the results to `outbox`."""
    gc.disable()  # a short-lived process that makes no reference cycles (see `_GcPause`)
    with open(inbox, "rb") as fh:
        jobs = pickle.load(fh)
    results = analyse_batch(jobs)
    with open(outbox, "wb") as fh:
        pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)


# -- per-kind analysis -----------------------------------------------------------------------
def analyse(cand: Candidate, text: str) -> FileResult:
    """Facts of one decoded file; never raises for bad content."""
    try:
        if cand.kind == "python":
            if text.startswith("# Databricks notebook source"):
                return _databricks(cand.relpath, text)
            return _python(cand.relpath, text)
        if cand.kind == "notebook":
            return _notebook(cand.relpath, text)
        if cand.kind == "readme":
            return _readme(cand.relpath, text)
        if cand.kind == "config":
            return _config(cand.relpath, text)
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
    if res.module is not None:
        res.module.commented_main = bool(_MAIN_COMMENT_RE.search(text)) and not res.module.has_main
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
    res.module = extract(relpath, [(None, tree, lines)])
    res.facts = res.module.facts
    return res, lines


def _databricks(relpath: str, text: str) -> FileResult:
    res, lines = _python_source("databricks", relpath, text)
    if res.module is None:
        return res
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
                    text=_short(body),
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
                attrs={"sql": _short(sql, 300), "tables": tables, "cell": cell},
            )
        )


def _notebook(relpath: str, text: str) -> FileResult:
    res = FileResult("notebook")
    try:
        nb = json.loads(text)
        cells = nb["cells"] if isinstance(nb, dict) else nb
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (ValueError, KeyError, TypeError) as err:
        return FileResult("notebook", skipped=f"not a valid notebook: {err}"[:200])
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
                        text=_short(red),
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
    res.module = extract(relpath, chunks)
    res.facts = md_facts[:50] + res.module.facts
    return res


def _readme(relpath: str, text: str) -> FileResult:
    res = FileResult("readme")
    red = _redact_text(text, relpath, res)
    lines = red.splitlines()
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
                text=_short(chunk, README_CHUNK),
            )
        )
    return res


def _launcher(relpath: str, text: str) -> FileResult:
    res = FileResult("launcher")
    for mod, script in _RUN_RE.findall(text):
        res.runs.append(mod or script.replace("\\", "/").removeprefix("./"))
    if relpath.rsplit("/", 1)[-1] == "MLproject":  # its parameters and defaults are configuration too
        cfg = _config(relpath, text)
        res.facts, res.config_data, res.redactions = cfg.facts, cfg.config_data, cfg.redactions
    if relpath.endswith("pyproject.toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            res.warnings.append(f"{relpath}: invalid TOML ({err})")
            return res
        scripts = dict(data.get("project", {}).get("scripts", {}) or {})
        scripts.update(data.get("tool", {}).get("poetry", {}).get("scripts", {}) or {})
        res.console_scripts = [v for v in scripts.values() if isinstance(v, str)]
    elif relpath.endswith(("setup.py", "setup.cfg")):
        res.console_scripts = re.findall(r"[\w.-]+\s*=\s*([\w.]+:[\w.]+)", text)
    return res


def _config(relpath: str, text: str) -> FileResult:
    res = FileResult("config")
    if relpath.endswith(".json") and len(text) > MAX_JSON_CONFIG:
        return FileResult("config", skipped="JSON over 200 KB: treated as data, not configuration")
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
    data = _redact_data(data, relpath, res)
    res.config_data = data
    lines = text.splitlines()
    leaves: list[tuple[str, Any, int]] = []
    _flatten(data, "", lines, 0, leaves)
    for key, value, line in leaves[:MAX_CONFIG_LEAVES]:
        res.facts.append(
            Fact("config", key, f"{key} = {_short(str(value), 60)} ({relpath})", line, value=value)
        )
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


def _redact_data(data: Any, relpath: str, res: FileResult, key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: _redact_data(v, relpath, res, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_redact_data(v, relpath, res, key) for v in data]
    if isinstance(data, str):
        if is_secret_name(key) and len(data) >= 3 and not data.startswith(("${", "{{", "???")):
            res.redactions.append(("assigned_secret", None, None, 1))
            return PLACEHOLDER.format(kind="assigned_secret")
        out, found = redact(data, relpath)
        for r in found:
            res.redactions.append((r.kind, None, None, r.count))
        return out
    if isinstance(data, int | float | bool) or data is None:
        return data
    return str(data)  # dates and other YAML types


def _flatten(data: Any, prefix: str, lines: list[str], start: int, out: list[tuple[str, Any, int]]) -> None:
    if len(out) > MAX_CONFIG_LEAVES:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            line = _find_key(lines, str(k), start)
            if isinstance(v, dict) or (isinstance(v, list) and v and isinstance(v[0], dict)):
                _flatten(v, key, lines, line - 1 if line else start, out)
            else:
                out.append((key, _leaf(v), line or start + 1))
    elif isinstance(data, list):
        for i, v in enumerate(data[:50]):
            _flatten(v, f"{prefix}[{i}]", lines, start, out)


def _leaf(v: Any) -> Any:
    if isinstance(v, list):
        return [x if isinstance(x, str | int | float | bool) or x is None else str(x) for x in v[:50]]
    return v


def _find_key(lines: list[str], key: str, start: int) -> int | None:
    pat = re.compile(rf"^\s*(?:-\s*)?[\"']?{re.escape(key)}[\"']?\s*[:=]")
    for i in range(start, len(lines)):
        if pat.match(lines[i]):
            return i + 1
    return None


def _short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text[:limit] + ("…" if len(text) > limit else "")
