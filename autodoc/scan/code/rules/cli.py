"""Rules for command-line options (argparse, click, typer): their defaults and choices are values."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

OPTION_TAILS = ("option", "argument", "Option", "Argument", *("text", "dropdown", "combobox", "multiselect"))
WIDGET = "widget:"  # prefix of a Databricks notebook widget among the command-line options


def first_pass(ex: Extractor, node: ast.Call) -> None:
    """Record a command-line option so later reads of its value resolve to its default."""
    tail = node.func.attr if type(node.func) is ast.Attribute else ""
    if tail == "add_argument":
        _option(ex, node, "argparse", None)
    elif tail in OPTION_TAILS:
        full = ex.full_name(node.func)
        owner = full.split(".", 1)[0]
        if owner in ("click", "typer"):
            _option(ex, node, owner, 0 if owner == "typer" else None)
        elif full.endswith(f"widgets.{tail}"):
            _widget(ex, node, tail)


def _widget(ex: Extractor, node: ast.Call, tail: str) -> None:
    """``dbutils.widgets.text("outcome_id", "9203")``: a notebook parameter and its default."""
    args = [ex.value(a, "") for a in node.args[:3]]
    kw = {k.arg: ex.value(k.value, "") for k in node.keywords if k.arg}
    name, default = kw.get("name", args[0] if args else None), kw.get("defaultValue", UNKNOWN)
    if default is UNKNOWN and len(args) > 1:
        default = args[1]
    if not isinstance(name, str) or not isinstance(default, str | int | float):
        return
    ex.m.argparse[WIDGET + name] = (default, node.lineno)
    attrs: dict[str, Any] = {"owner_kind": "widget", "widget": tail}
    choices = kw.get("choices", args[2] if len(args) > 2 else UNKNOWN)
    if isinstance(choices, list):
        attrs["choices"] = choices[:30]
    label = f"{name} (notebook widget)"
    ex.add(Fact("param", name, label, node.lineno, value=default, attrs=attrs, text=ex.line(node.lineno)))


def flow_parameters(ex: Extractor, assigns: list[ast.Assign | ast.AnnAssign]) -> None:
    """``trials = Parameter("n_trials", default=30)`` in a Metaflow flow's class body: the option
    ``--n_trials`` of ``python flow.py run``, whose default the steps read as ``self.trials``."""
    for node in assigns:
        call = node.value
        if type(node) is not ast.Assign or len(node.targets) != 1 or type(node.targets[0]) is not ast.Name:
            continue
        if type(call) is not ast.Call or ex.full_name(call.func) != "metaflow.Parameter":
            continue
        named = next((k.value for k in call.keywords if k.arg == "name"), call.args[0] if call.args else None)
        if type(named) is ast.Constant and isinstance(named.value, str) and named.value:
            _option(ex, call, "metaflow", None, named.value)
            if named.value in ex.m.argparse:
                ex.m.argparse[node.targets[0].id] = ex.m.argparse[named.value]


def _option(ex: Extractor, node: ast.Call, owner: str, default_arg: int | None, option: str = "") -> None:
    flags = [a.value for a in node.args if type(a) is ast.Constant and isinstance(a.value, str)]
    if owner == "typer" and node.args and flags and not flags[0].startswith("-"):
        flags = flags[1:]  # typer.Option("adam", "--optimizer"): the first argument is the default
    kw = {k.arg: k.value for k in node.keywords if k.arg}
    if option:  # named by the caller (a Metaflow Parameter's first argument)
        kw["dest"], flags = ast.Constant(option), [f"--{option}"]
    dest = kw.get("dest")
    name = dest.value if type(dest) is ast.Constant else None
    if not name:
        longs = (
            [f for f in flags if f.startswith("--")] or [f for f in flags if not f.startswith("-")] or flags
        )
        if not longs:
            return
        name = longs[0].lstrip("-").replace("-", "_")
    default: Any = None
    if "default" in kw:
        default = ex.value(kw["default"], "")
    elif default_arg is not None and len(node.args) > default_arg:
        default = ex.value(node.args[default_arg], "")
    if default is UNKNOWN or isinstance(default, dict):
        default = None
    ex.m.argparse[name] = (default, node.lineno)
    attrs: dict[str, Any] = {"owner_kind": "argparse", "flags": flags}
    if owner != "argparse":
        attrs["library"] = owner
    choices = ex.value(kw["choices"], "") if "choices" in kw else UNKNOWN
    if isinstance(choices, list):
        attrs["choices"] = choices[:30]
    ex.add(
        Fact("param", f"--{name}", f"--{name} (command-line option)", node.lineno, value=default, attrs=attrs)
    )
    if v.THRESH_NAMES.search(name) and isinstance(default, int | float) and not isinstance(default, bool):
        label = f"decision threshold --{name} = {default} (command-line default)"
        origin = {"path": ex.relpath, "line": node.lineno}
        attrs = {"origin": origin, "source": "command-line default", "option": f"--{name}", "library": owner}
        ex.add(
            Fact("threshold", name, label, node.lineno, value=default, attrs=attrs, text=ex.line(node.lineno))
        )
