"""What the scanner knows about one file on its own (cacheable by content hash)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autodoc.scan.code.facts import Fact, ModuleFacts
from autodoc.scan.code.outline import Outline


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
    serves: list[str] = field(default_factory=list)  # web apps a launcher serves: "pkg.app:app" or "app.py"
    outline: Outline | None = None  # blocks, routes, hooks (Python and notebooks)
    source: str | None = None  # redacted text (Python), for excerpts
    cells: dict[int, str] = field(default_factory=dict)  # redacted code cells (notebooks)
    hydra_package: str | None = None  # a config file's "# @package x" header (Hydra)
    unsafe: bool = False  # parsed from unredacted text: every value must be redacted again
    relpath: str = ""  # for warnings that name the file
    test_named: bool = False  # named like a test, holds none (test_train_split.py): test code unless run
