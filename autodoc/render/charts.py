"""Charts as PNG bytes, drawn with matplotlib's object API.

No pyplot: each call builds its own `Figure` and `FigureCanvasAgg`, so charts can be drawn
from several threads at once without sharing global state.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from autodoc.document import ChartContent, Series
from autodoc.render.format import distinct_columns, format_value

FIG_SIZE = (6.5, 3.4)  # inches: the text width of an A4/Letter page with 2.5 cm margins
RANKING_ABOVE = 12  # a single bar series with more categories is drawn horizontally
PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#5b9bd5"]


def chart_png(chart: ChartContent, dpi: int = 200) -> bytes:
    """Draw one chart and return PNG bytes (cached: rebuilding a document redraws nothing)."""
    return _cached_png(chart.model_dump_json(), dpi)


@lru_cache(maxsize=128)  # about 50 kB a chart
def _cached_png(chart_json: str, dpi: int) -> bytes:
    return _draw_png(ChartContent.model_validate_json(chart_json), dpi)


def _draw_png(chart: ChartContent, dpi: int) -> bytes:
    if _is_ranking(chart):
        return _ranking_png(chart, dpi)
    fig = Figure(figsize=FIG_SIZE, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rotated = _draw(ax, chart)
    _decorate(ax, chart)
    # fixed margins: a layout engine would double the drawing time
    top = 0.88 if len(chart.series) > 1 else 0.95  # room for the legend above the axes
    fig.subplots_adjust(left=0.11, right=0.98, top=top, bottom=0.30 if rotated else 0.15)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _is_ranking(chart: ChartContent) -> bool:
    """One bar series with many categories (e.g. feature importance): drawn horizontally."""
    series = [s for s in chart.series if s.y]
    return chart.chart_type == "bar" and len(series) == 1 and len(series[0].y) > RANKING_ABOVE


def _ranking_png(chart: ChartContent, dpi: int) -> bytes:
    """Horizontal bars, first category on top, tall enough for every label to be read."""
    (s,) = [s for s in chart.series if s.y]
    labels = [format_value(x) for x in s.x[: len(s.y)]]
    labels = [c if len(c) <= 40 else c[:39] + "…" for c in labels]
    height = min(9.0, 0.8 + 0.2 * len(labels))
    fig = Figure(figsize=(FIG_SIZE[0], height), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.barh(range(len(labels)), s.y, color=PALETTE[0], height=0.7)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(chart.y_label, fontsize=9)
    ax.set_ylabel(chart.x_label, fontsize=9)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=7 if len(labels) > 30 else 8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    longest = max((len(c) for c in labels), default=1)
    fig.subplots_adjust(left=min(0.45, 0.04 + 0.0125 * longest), right=0.97, top=0.98, bottom=0.6 / height)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def chart_pngs(charts: Iterable[ChartContent], dpi: int = 200, workers: int = 2) -> list[bytes]:
    """Draw many charts in a small thread pool (the object API makes this safe)."""
    charts = list(charts)
    if len(charts) < 2 or workers < 2:
        return [chart_png(c, dpi) for c in charts]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda c: chart_png(c, dpi), charts))


def _draw(ax, chart: ChartContent) -> bool:
    """Draw the series; True when the x labels had to be rotated."""
    series = [s for s in chart.series if s.y]
    if not series:
        ax.text(0.5, 0.5, chart.note or "No data", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return False
    rotated = False
    if chart.chart_type == "bar":
        rotated = _draw_bars(ax, series)
    elif _all_numeric(x for s in series for x in s.x):
        for i, s in enumerate(series):
            _draw_numeric(ax, chart.chart_type, s, PALETTE[i % len(PALETTE)])
        if all(isinstance(x, int) for s in series for x in s.x):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps, versions: no 0.5 ticks
    else:
        rotated = _draw_categorical(ax, chart.chart_type, series)
    if len(series) > 1:
        ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=min(len(series), 4),
            frameon=False,
            fontsize=8,
        )
    return rotated


def _draw_bars(ax, series: list[Series]) -> bool:
    categories = _categories(series)
    width = 0.8 / len(series)
    for i, s in enumerate(series):
        lookup = {_key(x): y for x, y in zip(s.x, s.y, strict=False)}
        xs = [j + (i - (len(series) - 1) / 2) * width for j, cat in enumerate(categories) if cat in lookup]
        ys = [lookup[cat] for cat in categories if cat in lookup]
        bars = ax.bar(xs, ys, width=width * 0.95, color=PALETTE[i % len(PALETTE)], label=s.name)
        if len(categories) * len(series) <= 12:  # label values when there is room
            ax.bar_label(bars, labels=distinct_labels(ys), fontsize=7, padding=2)
    ax.margins(y=0.12)
    zoom_close_bars(ax, [y for s in series for y in s.y if isinstance(y, int | float)])
    return _set_categorical_ticks(ax, categories)


ZOOM_BELOW = 0.05  # bars within 5% of each other look equal on a zero-based axis: zoom and say so


def distinct_labels(ys: list[object]) -> list[str]:
    """Value labels by the table rule (`distinct_columns`): fractions with the same decimals, as many
    as it takes for different values to read differently."""
    return [row[0] for row in distinct_columns([[y] for y in ys])]


def zoom_close_bars(ax, ys: list[float]) -> None:
    """Bars within 5% of each other get a zoomed axis, marked as such (a 0-based axis hides them)."""
    if len(ys) < 2 or min(ys) <= 0:
        return
    low, high = min(ys), max(ys)
    if high - low >= ZOOM_BELOW * high:
        return
    pad = max(high - low, high * 0.001) * 1.5
    ax.set_ylim(low - pad, high + pad)
    if high <= 1.0 < high + pad:  # a fraction (AUC, accuracy): room for the labels, no tick past 1
        ax.set_yticks([t for t in ax.get_yticks() if low - pad <= t <= 1.0])
    ax.text(
        0.0,
        1.02,
        f"Axis zoomed: starts at {format_value(low - pad)}, not 0",
        transform=ax.transAxes,
        fontsize=7,
        color="#aa3300",
    )


def _draw_numeric(ax, chart_type: str, s: Series, color: str) -> None:
    xs = [float(x) for x in s.x[: len(s.y)]]
    if chart_type == "scatter":
        ax.scatter(xs, s.y, s=18, color=color, label=s.name)
    else:
        ax.plot(xs, s.y, color=color, label=s.name, marker="o" if len(xs) <= 30 else None, markersize=3)


def _draw_categorical(ax, chart_type: str, series: list[Series]) -> bool:
    categories = _categories(series)
    for i, s in enumerate(series):
        lookup = {_key(x): y for x, y in zip(s.x, s.y, strict=False)}
        keys = list(categories)
        xs = [j for j, cat in enumerate(keys) if cat in lookup]
        ys = [lookup[keys[j]] for j in xs]
        color = PALETTE[i % len(PALETTE)]
        if chart_type == "scatter":
            ax.scatter(xs, ys, s=18, color=color, label=s.name)
        else:
            ax.plot(xs, ys, color=color, label=s.name, marker="o", markersize=3)
    return _set_categorical_ticks(ax, categories)


def _key(x: object) -> str:
    """Identity of an x value (raw, so 0.8371 and 0.8374 stay two categories)."""
    return repr(x)


def _categories(series: list[Series]) -> dict[str, str]:
    """The x categories of all series in first-seen order: key -> formatted label."""
    cats: dict[str, str] = {}
    for s in series:
        for x in s.x[: len(s.y)]:
            cats.setdefault(_key(x), format_value(x))
    return cats


def _set_categorical_ticks(ax, categories: dict[str, str]) -> bool:
    texts = list(categories.values())
    ax.set_xticks(range(len(texts)))
    longest = max((len(c) for c in texts), default=0)
    rotate = longest * len(texts) > 60
    labels = [c if len(c) <= 28 else c[:27] + "…" for c in texts]
    ax.set_xticklabels(labels, rotation=30 if rotate else 0, ha="right" if rotate else "center")
    return rotate


def _decorate(ax, chart: ChartContent) -> None:
    ax.set_xlabel(chart.x_label, fontsize=9)
    ax.set_ylabel(chart.y_label, fontsize=9)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def _all_numeric(values: Iterable[object]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
