"""A file whose folder the scan cannot resolve, said in words, never in the code's own terms
(``sys.argv.1 / train.tsv``).

``os.path.join(sys.argv[1], "train.tsv")`` reads "train.tsv in the folder given as the first
command-line argument"; ``os.environ["DATA_DIR"] + "/train.tsv"`` (also ``os.getenv`` and
``os.environ.get``) "train.tsv in the folder named by the DATA_DIR environment variable"; an
argparse option without a default "... in the folder given by the data_dir command-line option";
any other folder "train.tsv (folder not resolved from the code)". The item's value is the file
name and its `folder_words` attr the rest, which `document.archive_words` appends.
"""

from __future__ import annotations

from typing import Any

from autodoc.scan.code.rules.sources import NOT_RESOLVED
from autodoc.scan.code.rules.vocab import PATHLIKE

FILE_KINDS = frozenset({"data_source", "data_write", "model_save", "model_load"})
_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def unresolved_file(value: Any) -> tuple[str, str] | None:
    """(file name, folder words) of a joined path whose file is a literal and whose folder is not
    known; None for anything else."""
    if not (isinstance(value, dict) and isinstance(value.get("$concat"), list)):
        return None
    parts: list[Any] = value["$concat"]
    unknown = [n for n, p in enumerate(parts) if not isinstance(p, str)]
    if not unknown or unknown[-1] == len(parts) - 1:
        return None  # the file itself is not known
    tail = [p.strip("/\\") for p in parts[unknown[-1] + 1 :]]
    name = "/".join(p for p in tail if p)
    if not name or not PATHLIKE.match(name.rsplit("/", 1)[-1]):
        return None
    words = folder_words(parts[0]) if unknown == [0] else None
    return name, f"in {words}" if words else NOT_RESOLVED


def folder_words(part: Any) -> str | None:
    """``the folder given as the first command-line argument`` for ``sys.argv[1]``, the environment
    variable or command-line option that names a folder; None when the code does not say."""
    while isinstance(part, dict) and isinstance(part.get("$concat"), list) and len(part["$concat"]) == 1:
        part = part["$concat"][0]  # Path(os.getenv("DATA_DIR")) / "x.csv"
    if not isinstance(part, dict):
        return None
    ref = part.get("$ref")
    if isinstance(ref, list) and len(ref) == 3 and ref[:2] == ["sys", "argv"] and isinstance(ref[2], int):
        n = ref[2]
        nth = (
            f"the {_ORDINALS[n]} command-line argument"
            if 0 < n < len(_ORDINALS)
            else f"command-line argument {n}"
        )
        return f"the folder given as {nth}"
    if isinstance(ref, list) and len(ref) == 3 and ref[:2] == ["os", "environ"] and isinstance(ref[2], str):
        return f"the folder named by the {ref[2]} environment variable"
    if isinstance(part.get("$arg"), str) and not part["$arg"].startswith("widget:"):
        return f"the folder given by the {part['$arg']} command-line option"
    return None


def file_words(value: Any) -> str | None:
    """``the file given as the first command-line argument``: a path that is the argument itself (an
    environment variable, a command-line option), in words; None for anything else."""
    words = folder_words(value)
    return words.replace("the folder", "the file", 1) if words else None


def in_words(value: Any) -> str | None:
    """``train.tsv in the folder given as the first command-line argument``: an unresolved joined
    path in words (None when it is not one)."""
    found = unresolved_file(value)
    return f"{found[0]} {found[1]}" if found else None
