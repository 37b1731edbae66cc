"""Targets chosen through a data dictionary (`rules.datadict`): the column named in the dictionary
file when the repository holds it as text, else what the code does, in words.

The dictionary file is the one the data read at the recorded line reads (its name as the tree
scan resolved it). It is read only when it is a ``.csv``, ``.tsv`` or ``.txt`` file inside the
code root, at most 1 MB of UTF-8, whose first row names both the name column and the type column;
the rows whose type column equals the type value (``target``) name the target, and exactly one
such name is taken. Anything else (an Excel file, a file the repository does not hold, an archive
member, several or no matching rows) names no column: the target is said as "the column whose
feature_type is 'target' in <file>". A column name is never guessed.

The file may lie outside what the scan walks (a csv, perhaps git-ignored): `name_targets` returns
the digest of each file it looked at (`digest`), so a cached scan is reused only while they are
unchanged (`scan.code.tree`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from autodoc.evidence import EvidenceItem
from autodoc.scan.secrets import redact

MAX_BYTES = 1_000_000
_DELIMITERS = {".csv": ",", ".tsv": "\t", ".txt": None}  # None: sniffed


def name_targets(items: list[EvidenceItem], root: Path) -> dict[str, str]:
    """Give each data-dictionary target its column, or say how the code chooses it (in place); the
    `digest` of each file looked at, by absolute path (what the result depends on beyond the code)."""
    targets = [i for i in items if i.kind == "target"]  # few: the rest is read only if there are any
    targets = [i for i in targets if i.attrs.get("how") == "data dictionary" and i.value is None]
    looked: dict[str, str] = {}
    if not targets:
        return looked
    reads = {(i.source.path, i.source.cell, i.source.line_start): i for i in items if i.kind == "data_source"}
    for item in targets:
        a = item.attrs
        read = reads.get((item.source.path, a.get("dictionary_cell"), a.get("dictionary_line")))  # type: ignore[arg-type]
        file, readable = _file_of(read)
        if read is not None:
            a["dictionary_read"] = read.id
        if file:
            a["dictionary"] = file
        names = _names(root, item.source.path, file, a, looked) if file and readable else []
        if len(names) == 1:
            item.value = names[0]
            item.label = f"target column {names[0]} (the {a['type_value']} row of the data dictionary {file})"
            continue
        where = f"in {file}" if file else f"in the data dictionary {a['dictionary_frame']}"
        item.value = f"the column whose {a['type_column']} is {a['type_value']!r} {where}"
        item.label = f"target column: {item.value}"
        a["unnamed"] = True
    return looked


def digest(path: Path) -> str:
    """What a dictionary file holds, in short: its bytes' SHA-256 ("" when it is not there; its size
    alone when it is too large to be read)."""
    try:
        size = path.stat().st_size
        return f"size {size}" if size > MAX_BYTES else hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _file_of(read: EvidenceItem | None) -> tuple[str | None, bool]:
    """The dictionary file in words, and whether it can be opened as a file of the repository."""
    if read is None or not isinstance(read.value, str) or read.attrs.get("unresolved"):
        return None, False
    if read.attrs.get("archive"):
        return f"{read.value} from the archive {read.attrs['archive']}", False
    folder = read.attrs.get("folder_words")
    if isinstance(folder, str) and folder:  # a name inside a folder the code leaves open: never opened
        return f"{read.value} {folder}", False
    return read.value, not read.attrs.get("path_from")


def _names(root: Path, script: str, file: str, attrs: dict[str, object], looked: dict[str, str]) -> list[str]:
    """The names in the name column of the rows whose type column holds the type value."""
    text = _text(root, script, file, looked)
    if text is None:
        return []
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(file, text)))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    name_col, type_col = attrs.get("name_column"), attrs.get("type_column")
    if name_col not in header or type_col not in header:
        return []
    ni, ti = header.index(str(name_col)), header.index(str(type_col))
    found = [r[ni].strip() for r in rows[1:] if len(r) > max(ni, ti) and r[ti].strip() == attrs["type_value"]]
    names = list(dict.fromkeys(n for n in found if n))
    return [n for n in names if redact(n, file)[0] == n]  # a name the secrets scanner would change is no name


def _text(root: Path, script: str, file: str, looked: dict[str, str]) -> str | None:
    """The file's text, looked for from the code root and from the script's folder; None if it is not
    a small UTF-8 text file inside the root (each place looked at goes in `looked`)."""
    suffix = Path(file).suffix.lower()
    if suffix not in _DELIMITERS:
        return None
    for base in (root, (root / script).parent):
        path = (base / file).resolve()
        if not path.is_relative_to(root):
            continue
        looked[str(path)] = digest(path)
        if not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_BYTES:
                return None
            return path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
    return None


def _delimiter(file: str, text: str) -> str:
    known = _DELIMITERS.get(Path(file).suffix.lower())
    if known:
        return known
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","
