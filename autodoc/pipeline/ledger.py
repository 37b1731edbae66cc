"""The egress ledger: an append-only record beside the cache of every request that left.

`<output>/.autodoc_egress.jsonl` holds one JSON line per event: a run starting (`run`), a
request about to be sent (`sent`, written BEFORE the request leaves), what came
back (`outcome`: an HTTP status and size, or a timeout, a lost connection...) and a run
ending (`end`). A killed run leaves `sent` lines without an outcome and a `run` without an
`end`: both still count. The document's history is every run with the same document key
(spec hash, provider, model: what resume matches), so a resumed run's report and the
provenance count the calls of every run that wrote the text. Never content, never a secret.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autodoc.document import EgressRecord, EgressSummary
from autodoc.llm.egress import CallInfo
from autodoc.pipeline.lock import alive, process_start

LEDGER_NAME = ".autodoc_egress.jsonl"
NO_ANSWER = "no answer recorded"  # sent, then the run was killed or abandoned the call


def ledger_path(output_dir: str | Path) -> Path:
    return Path(output_dir) / LEDGER_NAME


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Ledger:
    """Appends this run's events (thread-safe); with `path=None` it keeps them in memory only."""

    def __init__(
        self,
        path: str | Path | None,
        document: str,
        provider: str,
        model: str,
        on_failed_attempt: Callable[[str, str], None] | None = None,
    ) -> None:
        self.path = Path(path) if path else None
        self.on_failed_attempt = on_failed_attempt  # (purpose, outcome) as it happens
        self._purposes: dict[str, str] = {}
        self.run = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{os.urandom(2).hex()}"
        self.lines: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._fd: int | None = None
        self._append(
            {
                "t": "run",
                "document": document,
                "provider": provider,
                "model": model,
                "pid": os.getpid(),
                "pid_start": process_start(os.getpid()),  # a reused PID is not this run
            }
        )

    def _append(self, line: dict[str, Any]) -> None:
        line = {"run": self.run, "at": _now(), **line}
        with self._lock:
            self.lines.append(line)
            if self.path is None:
                return
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            # Written before the request leaves: once write() returns the system holds the line,
            # so a kill -9 cannot hide it. No fsync per line: that guards against the machine
            # going down, not the process, and each one waited for the journal to flush the
            # cache file just saved (14-26 ms of every call's time at 8 workers); `end` syncs.
            os.write(self._fd, (json.dumps(line, separators=(",", ":")) + "\n").encode())

    # -- the egress.Recorder protocol (called from the transport's hooks) -------------------
    def sent(self, call: CallInfo, request_bytes: int) -> str:
        attempt = f"{self.run}#{next(self._numbers)}"
        self._purposes[attempt] = call.purpose
        self._append(
            {
                "t": "sent",
                "attempt": attempt,
                "provider": call.provider,
                "model": call.model,
                "purpose": call.purpose,
                "chars": call.chars,
                "bytes": request_bytes,
                "evidence_ids": call.evidence_ids,
                "files": call.files,
                "redactions": call.redactions,
                "request_hash": call.request_hash,
            }
        )
        return attempt

    def outcome(self, attempt: str, outcome: str, status: int | None = None, response_bytes: int = 0) -> None:
        self._append(
            {
                "t": "outcome",
                "attempt": attempt,
                "outcome": outcome,
                "status": status,
                "bytes": response_bytes,
            }
        )
        if self.on_failed_attempt is not None and not (status is not None and 200 <= status < 300):
            self.on_failed_attempt(self._purposes.get(attempt, "?"), f"HTTP {status}" if status else outcome)

    def end(self, outcome: str) -> None:
        """finished, stopped or failed; a run without an end line was killed."""
        self._append({"t": "end", "outcome": outcome})
        with self._lock:
            if self._fd is not None:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None

    def records(self) -> list[EgressRecord]:
        """This run's requests (the in-memory lines)."""
        with self._lock:
            return records_of(list(self.lines))


def read_lines(path: str | Path) -> list[dict[str, Any]]:
    """Every whole line of a ledger (a line torn by a kill -9 is skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            out.append(line)
    return out


def document_lines(lines: list[dict[str, Any]], document: str) -> list[dict[str, Any]]:
    """The lines of every run that worked on `document`."""
    runs = {line["run"] for line in lines if line.get("t") == "run" and line.get("document") == document}
    return [line for line in lines if line.get("run") in runs]


def records_of(lines: list[dict[str, Any]]) -> list[EgressRecord]:
    outcomes = {line["attempt"]: line for line in lines if line.get("t") == "outcome"}
    records = []
    for line in lines:
        if line.get("t") != "sent":
            continue
        done = outcomes.get(line["attempt"], {})
        records.append(
            EgressRecord(
                provider=line["provider"],
                model=line["model"],
                purpose=line["purpose"],
                chars=line["chars"],
                evidence_ids=line["evidence_ids"],
                files=line["files"],
                redactions_applied=line["redactions"],
                request_hash=line["request_hash"],
                run=line["run"],
                sent_at=line["at"],
                bytes_sent=line["bytes"],
                outcome=done.get("outcome", NO_ANSWER),
                status=done.get("status"),
                bytes_received=done.get("bytes", 0),
            )
        )
    return records


def outcome_label(rec: EgressRecord) -> str:
    return f"HTTP {rec.status}" if rec.status is not None else rec.outcome


def summarize(lines: list[dict[str, Any]]) -> EgressSummary:
    """Requests by run, by provider and model, by outcome, with sizes."""
    records = records_of(lines)
    ends = {line["run"]: line["outcome"] for line in lines if line.get("t") == "end"}
    per_run = Counter(rec.run for rec in records)
    runs = [
        {
            "run": line["run"],
            "started": line["at"],
            "pid": line.get("pid"),
            "outcome": ends.get(line["run"])
            or ("running" if alive(int(line.get("pid") or 0), line.get("pid_start")) else "killed"),
            "requests": per_run.get(line["run"], 0),
        }
        for line in lines
        if line.get("t") == "run"
    ]
    return EgressSummary(
        requests=len(records),
        answered=sum(1 for r in records if r.status is not None and 200 <= r.status < 300),
        bytes_sent=sum(r.bytes_sent for r in records),
        bytes_received=sum(r.bytes_received for r in records),
        redactions_applied=sum(r.redactions_applied for r in records),
        runs=runs,
        by_model=dict(Counter(f"{r.provider}/{r.model}" for r in records)),
        by_outcome=dict(Counter(outcome_label(r) for r in records)),
    )


def history(path: str | Path, document: str) -> tuple[list[EgressRecord], EgressSummary]:
    """The document's whole egress history in the ledger at `path`."""
    lines = document_lines(read_lines(path), document)
    return records_of(lines), summarize(lines)
