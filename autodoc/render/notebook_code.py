"""The notebook's code cells: the setup helpers every table and chart cell calls, and the
cells that embed a table's rows or a chart's series as Python literals.

All of it is written here, never by an LLM, and needs only pandas and matplotlib to run.
"""

from __future__ import annotations

import math
from typing import Any

from autodoc.document import ChartContent, TableContent
from autodoc.render.format import format_rule_source

SETUP_CODE = (
    """\
# Helpers that rebuild the tables and charts of this document from the data embedded below.
# Written by autodoc (no LLM-written code); needs only pandas and matplotlib.
# Numbers are shown by the document's rule: settings exactly as written, measured values to
# 4 significant digits (format_float); the embedded rows keep every value unrounded.
import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

"""
    + format_rule_source()
    + '''

PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#5b9bd5"]


def show_table(columns, rows):
    """The table as the document shows it; compute with `rows`, which holds the values unrounded."""
    width = max([len(columns), *(len(r) for r in rows)]) if rows else len(columns)
    names = list(columns) + [f"column {i + 1}" for i in range(len(columns), width)]
    shown = [[_shown(v) for v in list(r) + [None] * (width - len(r))] for r in rows]
    return pd.DataFrame(shown, columns=names, dtype=object)


def _shown(v):
    if v is None:
        return "\u2014"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    return format_float(v) if isinstance(v, float) else v


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def draw_chart(chart):
    """Draw one chart: bar, line or scatter, one or more series."""
    series = [s for s in chart["series"] if s["y"]]
    if chart["type"] == "bar" and len(series) == 1 and len(series[0]["y"]) > 12:
        return draw_ranking(chart, series[0])
    fig, ax = plt.subplots(figsize=(8, 4.2))
    numeric = all(_is_number(x) for s in series for x in s["x"])
    if chart["type"] == "bar" or not numeric:
        categories = list(dict.fromkeys(str(x) for s in series for x in s["x"][: len(s["y"])]))
        width = 0.8 / max(len(series), 1)
        for i, s in enumerate(series):
            lookup = dict(zip((str(x) for x in s["x"]), s["y"]))
            xs = [j for j, c in enumerate(categories) if c in lookup]
            ys = [lookup[categories[j]] for j in xs]
            color = PALETTE[i % len(PALETTE)]
            if chart["type"] == "bar":
                offset = (i - (len(series) - 1) / 2) * width
                ax.bar([x + offset for x in xs], ys, width=width * 0.95, color=color, label=s["name"])
            elif chart["type"] == "scatter":
                ax.scatter(xs, ys, color=color, label=s["name"])
            else:
                ax.plot(xs, ys, marker="o", color=color, label=s["name"])
        ax.set_xticks(range(len(categories)))
        ax.set_xticklabels(categories, rotation=30 if sum(map(len, categories)) > 60 else 0)
    else:
        for i, s in enumerate(series):
            color = PALETTE[i % len(PALETTE)]
            if chart["type"] == "scatter":
                ax.scatter(s["x"][: len(s["y"])], s["y"], color=color, label=s["name"])
            else:
                ax.plot(s["x"][: len(s["y"])], s["y"], marker="o", color=color, label=s["name"])
        if all(isinstance(x, int) for s in series for x in s["x"]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not series:
        ax.text(0.5, 0.5, "No data", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel(chart.get("x_label", ""))
    ax.set_ylabel(chart.get("y_label", ""))
    ax.set_title(chart.get("title", ""))
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend(frameon=False)
    fig.tight_layout()
    plt.show()


def draw_ranking(chart, s):
    """Many bars of one series (e.g. feature importance): horizontal, first on top."""
    labels = [str(x) for x in s["x"][: len(s["y"])]]
    fig, ax = plt.subplots(figsize=(8, min(12, 1 + 0.25 * len(labels))))
    ax.barh(range(len(labels)), s["y"], color=PALETTE[0])
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(chart.get("y_label", ""))
    ax.set_ylabel(chart.get("x_label", ""))
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    fig.tight_layout()
    plt.show()
'''
)


def _py(value: Any) -> str:
    """A Python literal for a JSON value (NaN and infinities included)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(str(k))}: {_py(v)}" for k, v in value.items()) + "}"
    return repr(value)


def table_code(content: TableContent) -> str:
    """The code cell that shows a table from its embedded rows."""
    rows = "".join(f"    {_py([c.value for c in row])},\n" for row in content.rows)
    return (
        f"# {_one_line(content.caption)}\n"
        "# Values copied from the evidence by autodoc (unrounded).\n"
        f"columns = {_py(content.columns)}\n"
        f"rows = [\n{rows}]\n"
        "show_table(columns, rows)"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def chart_code(content: ChartContent) -> str:
    """The code cell that draws a chart from its embedded series."""
    series = ",\n".join(
        f"        {{'name': {_py(s.name)}, 'x': {_py(s.x)}, 'y': {_py(s.y)}}}" for s in content.series
    )
    return (
        f"# {_one_line(content.caption)}\n"
        "# Values copied from the evidence by autodoc.\n"
        "chart = {\n"
        f"    'type': {_py(content.chart_type)},\n"
        f"    'x_label': {_py(content.x_label)},\n"
        f"    'y_label': {_py(content.y_label)},\n"
        f"    'series': [\n{series}\n    ],\n"
        "}\n"
        "draw_chart(chart)"
    )
