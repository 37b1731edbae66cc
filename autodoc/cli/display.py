"""Progress on the terminal: live `rich` bars on a terminal, one plain line per event elsewhere.

On a terminal each of the four phases gets a bar with its count, elapsed time and ETA;
under the bars a status line names the calls in flight, tokens, failed attempts (retried
as they happen) and flagged figures. Warnings and errors print above the bars. When stdout
is not a terminal (CI, Domino job logs) every event is one plain line, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import IO

from rich.console import Console, Group
from rich.live import Live
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as Bars
from rich.text import Text

from autodoc.progress import PHASES, Event, Progress, Snapshot

MAX_IN_FLIGHT_SHOWN = 4


class ProgressDisplay:
    """Draws `Progress` snapshots: rich bars on a terminal, else a line per phase and event."""

    def __init__(
        self,
        progress: Progress,
        *,
        verbose: bool = False,
        stream: IO[str] | None = None,
        tty: bool | None = None,
    ) -> None:
        self.progress, self.verbose = progress, verbose
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.seen_events = 0
        self.closed = False
        self.announced: set[str] = set()
        self.reported: set[str] = set()
        self.live: LiveBars | None = LiveBars(self.stream) if self.tty else None

    def poll(self) -> None:
        snap = self.progress.snapshot(self.seen_events)
        self.seen_events += len(snap.events)
        self._phase_starts(snap)
        for event in snap.events:
            self._event(event)
        self._phase_ends(snap)
        if self.live is not None:
            self.live.draw(snap)

    def _event(self, event: Event) -> None:
        """Warnings and errors always; everything else with --verbose."""
        if not (self.verbose or event.level in ("warning", "error")):
            return
        if event.message.endswith(" started") and event.level == "info":
            return  # the phase lines say that already
        where = event.block or event.section
        suffix = f" [{where}]" if where and where not in event.message else ""
        self.message(f"  {event.phase}: {event.message}{suffix}")

    def _phase_starts(self, snap: Snapshot) -> None:
        for phase in PHASES:
            state = snap.phases.get(phase)
            if state is not None and state.started is not None and phase not in self.announced:
                self.announced.add(phase)
                if self.live is None:
                    self.message(f"{phase}...")

    def _phase_ends(self, snap: Snapshot) -> None:
        """A permanent line with the final counts when a phase ends (the bar stays on a terminal)."""
        for phase in PHASES:
            state = snap.phases.get(phase)
            if state is None or state.started is None or state.finished is None or phase in self.reported:
                continue
            self.reported.add(phase)
            if self.live is None:
                self.message(phase_line(snap, phase) + f" · done in {state.finished - state.started:.1f} s")

    def message(self, text: str) -> None:
        if self.live is not None:
            self.live.print(text)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        snap = self.progress.snapshot(10**9)
        self._phase_starts(snap)
        self._phase_ends(snap)
        for phase in PHASES:  # phases cut short (a stop, an error): show where they stood
            if phase in self.announced and phase not in self.reported:
                self.reported.add(phase)
                self.message(phase_line(snap, phase) + " · not finished")
        if self.live is not None:
            self.live.draw(snap)
            self.live.stop()


class LiveBars:
    """The four phase bars and a status line, redrawn in place on a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.console = Console(file=stream, force_terminal=True, highlight=False)
        self.bars = Bars(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
            auto_refresh=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.status = Text("")
        self.view = Live(Group(self.bars, self.status), console=self.console, auto_refresh=False)
        self.view.start()

    def draw(self, snap: Snapshot) -> None:
        for number, phase in enumerate(PHASES, 1):
            state = snap.phases.get(phase)
            if state is None or state.started is None:
                continue
            if phase not in self.tasks:
                self.tasks[phase] = self.bars.add_task(f"[{number}/{len(PHASES)}] {phase}", total=None)
            total = state.total or (1 if state.finished is not None else None)
            done = state.done if state.total and state.finished is None else (total or 0)
            self.bars.update(self.tasks[phase], total=total, completed=done)
            if state.finished is not None:
                self.bars.stop_task(self.tasks[phase])
        self.status.plain = status_line(snap)
        self.view.refresh()

    def print(self, text: str) -> None:
        self.view.console.print(Text(text))

    def stop(self) -> None:
        self.view.stop()


def status_line(snap: Snapshot) -> str:
    """e.g. `in flight: write data.b1, plan model · 12,345 tokens · 3 failed attempts · 1 flagged`."""
    parts = []
    if snap.in_flight:
        shown = ", ".join(snap.in_flight[:MAX_IN_FLIGHT_SHOWN])
        more = len(snap.in_flight) - MAX_IN_FLIGHT_SHOWN
        parts.append(f"in flight: {shown}" + (f" +{more}" if more > 0 else ""))
    parts += counters(snap)
    if snap.cancelled:
        parts.append("stopping")
    return " · ".join(parts)


def counters(snap: Snapshot) -> list[str]:
    """Tokens, failed attempts, flagged figures and errors so far (those that are not zero)."""
    tokens = snap.input_tokens + snap.output_tokens
    parts = [f"{tokens:,} tokens"] if tokens else []
    parts += [
        f"{snap.counts[name]} {name}" for name in ("failed attempts", "flagged") if snap.counts.get(name)
    ]
    return parts + ([f"{snap.errors} errors"] if snap.errors else [])


def phase_line(snap: Snapshot, phase: str) -> str:
    """e.g. `[2/4] planning 3/10 · Model Performance · 1,234 tokens · 0:12`."""
    state = snap.phases.get(phase)
    number = PHASES.index(phase) + 1 if phase in PHASES else 0
    parts = [f"[{number}/{len(PHASES)}] {phase}"]
    if state is not None and state.total:
        parts[0] += f" {state.done}/{state.total}"
    if state is not None and state.current:
        parts.append(state.current)
    parts += counters(snap)
    minutes, seconds = divmod(int(snap.elapsed), 60)
    parts.append(f"{minutes}:{seconds:02d}")
    return " · ".join(parts)
