"""Finding and reading the files of a code tree: what to read, what to skip and why."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import stat
import subprocess
from dataclasses import dataclass

MAX_BYTES = 1_000_000
# A notebook is big because of its outputs (images, tables), which the scan never reads: its file may
# be up to 50 MB; its outputs are dropped on reading, and MAX_BYTES applies to what is left.
NOTEBOOK_MAX_BYTES = 50_000_000
# Test code, wherever it sits: tests/ or testing/ folders (integration_tests/, e2e-tests/ too),
# test_*.py, *_test.py, conftest.py.
TEST_PATH_RE = re.compile(
    r"(^|/)(tests?|testing|[\w-]*[_-]tests?)/|(^|/)test_[^/]*$|_test\.py$|(^|/)conftest\.py$"
)
# A module named like a test (test_*.py, *_test.py) outside any test folder: test code only when it
# holds a test (a test function or class, pytest or unittest imported); else (test_train_split.py)
# it is test code only if nothing runs it (`liveness`).
_TEST_NAME_RE = re.compile(r"(^|/)test_[^/]*$|_test\.py$")
_HOLDS_TESTS_RE = re.compile(
    r"^[ \t]*(?:async[ \t]+)?def[ \t]+test|^[ \t]*class[ \t]+Test"
    r"|^[ \t]*(?:import|from)[ \t]+(?:pytest|unittest)\b",
    re.MULTILINE,
)


def named_like_a_test(relpath: str, text: str) -> bool:
    """A module whose name alone makes it look like test code and that holds no test."""
    folder = relpath.rpartition("/")[0]
    named = bool(_TEST_NAME_RE.search(relpath)) and not TEST_PATH_RE.search(folder + "/")
    return named and not _HOLDS_TESTS_RE.search(text)


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
    if name in LAUNCHER_NAMES or low.endswith((".sh", ".bash")) or name in ("pyproject.toml", "dvc.yaml"):
        return "launcher"
    if low.startswith("dockerfile") or low.endswith(".dockerfile") or low == "containerfile":
        return "launcher"
    if low.endswith(CONFIG_EXT) and name not in SKIP_CONFIG_NAMES:
        return "config"
    return None


def is_secret_file(name: str) -> bool:
    return name.startswith(".env") or bool(_SECRET_FILE_RE.match(os.path.normcase(name)))


_SECRET_FILE_RE = re.compile("|".join(fnmatch.translate(os.path.normcase(g)) for g in SECRET_FILE_GLOBS))


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
    if kind == "config" and rel.startswith(".github/workflows/"):
        kind = "launcher"  # CI workflows run the code
    if kind is None:
        return
    try:
        st = entry.stat()
    except OSError as err:
        skipped.append((rel, f"unreadable: {err.strerror or err}"))
        return
    if not stat.S_ISREG(st.st_mode):
        return
    if kind == "notebook" and st.st_size > NOTEBOOK_MAX_BYTES:
        skipped.append((rel, "over 50 MB (a notebook's limit, outputs included)"))
        return
    if kind != "notebook" and st.st_size > MAX_BYTES:
        skipped.append((rel, "over 1 MB"))
        return
    found.append(Candidate(rel, entry.path, kind, st.st_size))


def read_bytes(cand: Candidate) -> tuple[bytes | None, str | None]:
    """A file's bytes as on disk (a notebook's outputs included: see `notebook_sources`)."""
    limit = NOTEBOOK_MAX_BYTES if cand.kind == "notebook" else MAX_BYTES
    try:
        with open(cand.abspath, "rb") as fh:
            return fh.read(limit + 1), None
    except OSError as err:
        return None, f"unreadable: {err.strerror or err}"


def notebook_sources(data: bytes) -> tuple[bytes | None, str | None]:
    """A notebook's JSON without its outputs, embedded attachments and widget state (what the scan
    reads is the cells' code and markdown), or why not: over MAX_BYTES without them, not JSON.

    A notebook that is not a JSON object and fits MAX_BYTES is passed on as it is, for the notebook
    reader to say what is wrong with it.
    """
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError) as err:
        nb, problem = None, f"not a valid notebook: {str(err).splitlines()[0]}"[:200]
    else:
        problem = "not a valid notebook: not a JSON object"
    if not isinstance(nb, dict):
        return (data, None) if len(data) <= MAX_BYTES else (None, problem)
    sheets = [nb, *(s for s in nb.get("worksheets") or [] if isinstance(s, dict))]  # nbformat 3: worksheets
    for cell in (c for sheet in sheets if isinstance(sheet.get("cells"), list) for c in sheet["cells"]):
        if isinstance(cell, dict):
            for key in ("outputs", "attachments"):
                if key in cell:
                    cell[key] = [] if key == "outputs" else {}
    if isinstance(nb.get("metadata"), dict):
        nb["metadata"].pop("widgets", None)
    try:
        out = json.dumps(nb, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an escape in the JSON): keep it escaped
        out = json.dumps(nb, separators=(",", ":")).encode("ascii")
    if len(out) > MAX_BYTES:
        return None, "over 1 MB of code and markdown (a notebook's outputs are not counted)"
    return out, None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Text of a file: UTF-8, or the encoding its PEP 263 line declares (``# -*- coding: latin-1 -*-``)."""
    if b"\x00" in data[:8192]:
        return None, "binary"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        declared = _CODING_RE.search(b"\n".join(data.split(b"\n", 2)[:2]))
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii")), None
            except (LookupError, UnicodeDecodeError):
                pass
        return None, f"not UTF-8 (bad byte at offset {err.start})"


_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
