"""The plain data one module's analysis produces (cacheable by content hash, picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAIN, MODULE = "<main>", "<module>"


@dataclass
class Fact:
    """One code fact before it becomes an EvidenceItem (cheap, picklable)."""

    kind: str
    name: str | None
    label: str
    line: int
    line_end: int | None = None
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    scope: str = MODULE
    cell: int | None = None
    params: list[tuple[str, Any, int, dict[str, Any]]] | None = None  # (name, value or ref, line, extras)
    star: list[Any] | None = None  # **expansions still to resolve (refs)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its values in field order: a third quicker both ways than the default (its
        ``__dict__``), and tens of thousands of facts cross from the scan's workers on a large tree."""
        d = self.__dict__
        return _fact, tuple([d[name] for name in _FACT_FIELDS])


_FACT_FIELDS = tuple(Fact.__dataclass_fields__)


def _fact(*values: Any) -> Fact:
    """A `Fact` from its pickled values (no ``__init__``: no defaults to fill)."""
    made = Fact.__new__(Fact)
    made.__dict__.update(zip(_FACT_FIELDS, values, strict=True))
    return made


@dataclass
class ModuleFacts:
    """Everything known about one Python module, independent of other files."""

    facts: list[Fact] = field(default_factory=list)
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)  # qualname -> lines
    classes: dict[str, list[str]] = field(default_factory=dict)  # class -> method qualnames
    refs: dict[str, set[str]] = field(default_factory=dict)  # scope -> names used (Name ids, attrs)
    attr_refs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # scope -> (base, attr)
    imports: list[tuple[str, str, int]] = field(default_factory=list)  # (scope, module, level)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted origin
    bindings: dict[str, Any] = field(default_factory=dict)  # module-level literal names
    binding_lines: dict[str, int] = field(default_factory=dict)
    argparse: dict[str, tuple[Any, int]] = field(default_factory=dict)  # dest -> (default, line)
    namespaces: set[str] = field(default_factory=set)  # names bound to parser.parse_args()
    # a top-level function defined again later in the module: (name, first line, last line, line of
    # the definition that wins); the earlier definition's facts are never used
    shadowed: list[tuple[str, int, int, int]] = field(default_factory=list)
    has_main: bool = False
    commented_main: bool = False
    top_level_ml: bool = False  # ML facts in module-level code (script style)
    redactions: list[tuple[str, int, int | None]] = field(default_factory=list)  # (kind, line, cell)
    # calls of imported functions: (dotted origin, line, cell, positional values, keyword values)
    calls: list[tuple[str, int, int | None, list[Any], dict[str, Any]]] = field(default_factory=list)
    # what a function returns, followed to an estimator here or to an imported call (rules/origins)
    returns: dict[str, dict[str, Any]] = field(default_factory=dict)  # func -> {"" or tuple index: ref}
    path_returns: dict[str, Any] = field(default_factory=dict)  # parameterless func -> the path it returns
    # calls of imported functions that may save a model: (origin, line, cell, arg refs, keyword refs)
    save_calls: list[tuple[str, int, int | None, list[Any], dict[str, Any]]] = field(default_factory=list)
