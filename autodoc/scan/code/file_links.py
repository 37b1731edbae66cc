"""Whether a file one script writes is the file another reads, by their names alone.

Names that share a folder (``data/train.csv`` in both) are linked. A bare name (``train.csv``, no
folder on one side) is relative to where each script runs, so it links a writer and a reader only
when nothing more specific links either of them and both scripts are in one project folder tree
(`project_of`): the code root, except that each entry of a folder holding code apart from the
project's own (examples, samples, demos, tutorials, docs, tests, benchmarks, templates, old code)
is a tree of its own. ``notebooks/label.ipynb`` and ``pipeline/fit.py`` are one tree;
``examples/x.py`` and ``src/y.py``, or ``examples/a/`` and ``examples/b/``, never are.
"""

from __future__ import annotations

import posixpath
import re

from autodoc.evidence import EvidenceItem

# folders that hold code apart from the project's own: examples, demos, tutorials, docs, tests, old code
_APART = re.compile(
    r"^(?:examples?|samples?|demos?|tutorials?|docs?|tests?|benchmarks?|templates?|archive|legacy|old|"
    r"deprecated)$",
    re.I,
)


def keep(pairs: list[tuple[EvidenceItem, EvidenceItem, int]]) -> dict[str, list[EvidenceItem]]:
    """Writer id -> its readers, from (writer, reader, shared trailing parts) pairs: every pair whose
    names share a folder; a bare pair only when neither side has such a pair and both scripts are
    in one project folder tree."""
    specific = {x.id for w, r, n in pairs if n > 1 for x in (w, r)}
    out: dict[str, list[EvidenceItem]] = {}
    for write, reader, n in pairs:
        bare_ok = write.id not in specific and reader.id not in specific
        if n > 1 or (bare_ok and same_tree(str(write.source.path), str(reader.source.path))):
            out.setdefault(write.id, []).append(reader)
    return out


def one_file(written: str, writer: str, read: str, reader: str) -> bool:
    """Is the file `writer` writes as `written` the one `reader` reads as `read` (a saved model and
    the code that loads it): names sharing a folder, or a bare name within one project folder tree."""
    n = shared_parts(written, read)
    return n > 1 or (n == 1 and same_tree(writer, reader))


def base_name(path: str) -> str:
    """A file's name without its folders, also in a Windows path (``C:\\models\\m.pkl`` -> ``m.pkl``)."""
    return posixpath.basename(path.replace("\\", "/"))


def same_tree(a: str, b: str) -> bool:
    """Two files of one project folder tree (`project_of`)."""
    return project_of(a) == project_of(b)


def project_of(path: str) -> str:
    """The project folder tree a file belongs to: the code root (``""``), except under a folder that
    holds code apart (`_APART`), where each entry is a project of its own (``examples/a``)."""
    folders = path.split("/")[:-1]
    for n, folder in enumerate(folders):
        if _APART.match(folder):
            return "/".join(folders[: n + 2])
    return ""


def shared_parts(a: str, b: str) -> int:
    """How many trailing path parts two names that can be the same file share (1: the bare name;
    0: not the same file)."""
    parts_a = [p for p in posixpath.normpath(a.replace("\\", "/")).split("/") if p not in ("", ".", "..")]
    parts_b = [p for p in posixpath.normpath(b.replace("\\", "/")).split("/") if p not in ("", ".", "..")]
    n = min(len(parts_a), len(parts_b))
    return n if n > 0 and all(map(_same_part, parts_a[-n:], parts_b[-n:])) else 0


def _same_part(a: str, b: str) -> bool:
    """Two parts of a path that can name the same file; a part written with placeholders
    (``{name}_model.pkl``, a save in a loop) stands for every name they can fill."""
    if "{" not in a:
        return a == b
    pieces = re.split(r"(\{[^{}]*\})", a)
    return re.fullmatch("".join(".+" if p.startswith("{") else re.escape(p) for p in pieces), b) is not None
