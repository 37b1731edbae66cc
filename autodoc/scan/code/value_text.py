"""How a value still to resolve reads (``settings.ROOT / unknown.csv``, ``args.lr``) and the shapes
such a value takes beside the references of `values`: a name joined from parts (``$concat``) and the
working directory a path is joined onto (``$cwd``), the path a helper returns (``$ret``)."""

from __future__ import annotations

import math
import re
from typing import Any

CWD = "$cwd"  # ``{"$cwd": 0}``: the working directory (``os.getcwd()``, ``Path.cwd()``), a path's root
RET = "$ret"  # ``{"$ret": [module, function]}``: the path a function of another module returns
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def star_origin(aliases: dict[str, str], name: str) -> str | None:
    """``from config import *`` then ``lr=LEARNING_RATE``: a constant's name (upper case, as settings
    are written) comes from the module imported with ``*`` (``config.LEARNING_RATE``), else None."""
    star = aliases.get("*")
    return f"{star[:-2]}.{name}" if star and _CONSTANT.match(name) else None


def expr_text(value: Any) -> str:
    """A value still to resolve in words of code: ``settings.ROOT / unknown.csv``, ``args.lr``."""
    if isinstance(value, dict):
        if "$expr" in value:
            return str(value["$expr"])
        for tag in ("$ref", "$cfg"):
            if tag in value:
                return ".".join(str(p) for p in value[tag])
        if "$arg" in value:
            return f"args.{value['$arg']}"
        if "$param" in value:
            return str(value["$param"][1])
        if "$here" in value:
            return "the script's folder"
        if CWD in value:
            return "the working directory"
        if RET in value:
            return f"{value[RET][1]}()"
        if "$argns" in value:  # the parsed command line passed along
            return str(value["$argns"])
        if "$concat" in value:
            return f" {value.get('how', '+')} ".join(expr_text(p) for p in value["$concat"])[:80]
    return str(value)[:80]


def is_concat(value: Any) -> bool:
    """A name joined from parts of which some are references (``join_parts``)."""
    return isinstance(value, dict) and "$concat" in value


def is_cwd(value: Any) -> bool:
    """The working directory (``os.getcwd()``, ``Path.cwd()``, a name bound to either)."""
    return isinstance(value, dict) and CWD in value


def cast_literal(to: str, inner: Any) -> Any:
    """What ``int``, ``float``, ``str`` or ``bool`` makes of a literal the code casts: ``int(0.75 * 10)``
    is 7, ``int("5")`` 5, ``float("0.35")`` 0.35 (a number stays as written for ``float``, ``str``
    and ``bool``: 3 for ``float(3)``). ValueError for what is no literal number or text, or a text
    that reads as no number."""
    if not isinstance(inner, int | float | str) or isinstance(inner, bool):
        raise ValueError(f"not a literal: {inner!r}")
    if to == "int" and isinstance(inner, float):
        if not math.isfinite(inner):
            raise ValueError(f"no whole number: {inner!r}")
        return int(inner)
    if to in ("int", "float") and isinstance(inner, str):
        return int(inner) if to == "int" else float(inner)
    return inner
