"""Progress on the terminal: a rewritten status line on a terminal, else a line per phase."""

from __future__ import annotations

import shutil
import sys
import time
from typing import IO

from autodoc.progress import PHASES, Event, Progress, Snapshot


class ProgressDisplay:
    """Draws `Progress` snapshots: a rewritten status line on a terminal, else a line per phase."""

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
        self.phase: str | None = None
        self.width = 0
        self.closed = False
        self.announced: set[str] = set()
        self.reported: set[str] = set()

    def poll(self) -> None:
        snap = self.progress.snapshot(self.seen_events)
        self.seen_events += len(snap.events)
        self._phase_starts(snap)
        for event in snap.events:
            self._event(event)
        self._phase_ends(snap)
        self.phase = snap.phase
        if self.tty and snap.phase in PHASES:
            self._status(phase_line(snap, snap.phase))

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
                if not self.tty:
                    self._line(f"{phase}...")

    def _phase_ends(self, snap: Snapshot) -> None:
        """A permanent line with the final counts when a phase ends."""
        for phase in PHASES:
            state = snap.phases.get(phase)
            if state is None or state.started is None or state.finished is None:
                continue
            if phase not in self.reported:
                self.reported.add(phase)
                took = state.finished - state.started
                self.message(phase_line(snap, phase) + f" · done in {took:.1f} s")

    def message(self, text: str) -> None:
        self._clear()
        self._line(text)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        snap = self.progress.snapshot(10**9)
        self._phase_starts(snap)
        self._phase_ends(snap)
        for phase in PHASES:  # phases cut short (Ctrl-C, an error): show where they stood
            if phase in self.announced and phase not in self.reported:
                self.reported.add(phase)
                self.message(phase_line(snap, phase) + " · not finished")
        self._clear()

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _status(self, text: str) -> None:
        columns = _terminal_columns()
        text = text[: columns - 1]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def _clear(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def phase_line(snap: Snapshot, phase: str) -> str:
    """e.g. `[2/4] planning 3/10 · Model Performance · 1,234 tokens · 0:12`."""
    state = snap.phases.get(phase)
    number = PHASES.index(phase) + 1 if phase in PHASES else 0
    parts = [f"[{number}/{len(PHASES)}] {phase}"]
    if state is not None and state.total:
        parts[0] += f" {state.done}/{state.total}"
    if state is not None and state.current:
        parts.append(state.current)
    tokens = snap.input_tokens + snap.output_tokens
    if tokens:
        parts.append(f"{tokens:,} tokens")
    if snap.errors:
        parts.append(f"{snap.errors} errors")
    minutes, seconds = divmod(int(snap.elapsed), 60)
    parts.append(f"{minutes}:{seconds:02d}")
    return " · ".join(parts)


def _terminal_columns() -> int:
    columns = shutil.get_terminal_size(fallback=(100, 24)).columns  # 0 (some ptys) -> fallback
    return columns if columns >= 20 else 100
