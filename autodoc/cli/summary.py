"""What a finished command prints: outputs, sections, flagged figures, failures, calls."""

from __future__ import annotations

from collections import Counter
from typing import Any

from autodoc.cli.exits import EXIT_ISSUES, EXIT_OK

EXTRA_LABELS = {"report_md": "run report (Markdown)"}


def print_summary(result: Any, seconds: float) -> int:
    """Files, sections, flagged figures, failed blocks, calls and tokens; returns the exit code."""
    state = result.state
    print(f"\nfinished in {seconds:.1f} s")
    print_outputs(result.outputs)
    sections = [s for s in state.sections if not s.is_container]
    written = [s for s in sections if s.status in ("written", "approved", "edited", "flagged")]
    print(f"sections written: {len(written)} of {len(sections)}")
    flagged = [(s, b, f) for s, b in state.flagged() for f in b.flags]
    failed = state.failed()
    if flagged:
        print(f"flagged figures: {len(flagged)} (not backed by the evidence; check them)")
        for sec, blk, flag in flagged:
            where = f"{sec.number} {sec.heading} ({blk.id})"
            print(f'  - {where}: {flag.figure!r} in "{flag.context}": {flag.reason}')
    if failed:
        print(f"failed blocks: {len(failed)} (the document says what is missing)")
        for sec, blk in failed:
            error = (blk.error if blk else sec.error) or "failed"
            print(f"  - {sec.number} {sec.heading}" + (f" ({blk.id})" if blk else "") + f": {error}")
    usage = state.usage
    provider = state.provenance.provider if state.provenance else state.settings.get("provider")
    if provider == "offline":
        print("LLM calls: none (offline writer)")
    else:
        print(
            f"LLM calls: {usage.calls}, tokens: {usage.input_tokens:,} in / {usage.output_tokens:,} out"
            + (f", retries: {usage.retries}" if usage.retries else "")
        )
        print(egress_line(state.egress_summary))
    for note in state.notes:
        print(f"note: {note}")
    code = result.exit_code
    if code == EXIT_OK and (flagged or failed):
        code = EXIT_ISSUES
    return code


def egress_line(summary: Any) -> str:
    """`requests sent: 46 over 2 runs (HTTP 200 38, HTTP 500 8)`: every request that left."""
    runs = len(summary.runs)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_outcome.items()))
    return f"requests sent: {summary.requests} over {runs} run{'s' if runs != 1 else ''}" + (
        f" ({outcomes})" if outcomes else ""
    )


def print_outputs(outputs: Any) -> None:
    names = {
        "docx": "Word document",
        "notebook": "notebook",
        "cache": "cache",
        "evidence": "evidence",
        "report": "run report",
    }
    for attr, label in names.items():
        path = getattr(outputs, attr, None)
        if path:
            print(f"  {label}: {path}")
    for label, path in (getattr(outputs, "extra", None) or {}).items():
        print(f"  {EXTRA_LABELS.get(label, label.replace('_', ' '))}: {path}")


def print_scan_summary(store: Any, out: str) -> None:
    """What `autodoc scan` found, in a few lines; never a secret value."""
    print(f"evidence written to {out} ({len(store.items)} items)")
    code = store.code
    if code is not None:
        print(
            f"code: {len(code.files)} files scanned under {code.root}"
            + (
                f" at commit {code.commit[:10]}" + (" (uncommitted changes)" if code.dirty else "")
                if code.commit
                else ""
            )
        )
        if code.skipped:
            reasons = Counter(_reason_group(s.reason) for s in code.skipped)
            print(
                f"  skipped {len(code.skipped)}: " + ", ".join(f"{n} {r}" for r, n in reasons.most_common())
            )
            for skipped in code.skipped[:10]:
                print(f"    {skipped.path}: {skipped.reason}")
            if len(code.skipped) > 10:
                print(f"    ... and {len(code.skipped) - 10} more")
        if code.entry_points:
            print("  entry points: " + ", ".join(code.entry_points[:8]))
        for warning in code.warnings:
            print(f"  warning: {warning}")
    quoted = Counter(i.kind for i in store.items if i.kind in ("excerpt", "pipeline"))
    facts = Counter(i.kind for i in store.items if i.source.kind == "code" and i.kind not in quoted)
    if quoted:
        print(f"  production pipelines: {quoted['pipeline']}, code excerpts: {quoted['excerpt']}")
    if facts:
        print(
            f"  facts: {sum(facts.values())} (" + ", ".join(f"{k} {n}" for k, n in facts.most_common(8)) + ")"
        )
    print_mlflow_summary(store)
    total = sum(r.count for r in store.redactions)
    if total:
        kinds = Counter()
        for r in store.redactions:
            kinds[r.kind] += r.count
        print(
            f"redactions: {total} secrets removed before any use ("
            + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
            + ")"
        )
        for redaction in store.redactions[:10]:  # where, and what kind: never the value
            print(
                f"  {redaction.place}: {redaction.kind}"
                + (f" x{redaction.count}" if redaction.count > 1 else "")
            )
        if len(store.redactions) > 10:
            print(f"  ... and {len(store.redactions) - 10} more places")
    else:
        print("redactions: none needed")


def print_mlflow_summary(store: Any) -> None:
    mlflow = store.mlflow
    if mlflow is None:
        print(f"MLflow: {store.mlflow_note or 'not scanned'}")
        return
    versions = sum(len(m.versions) for m in mlflow.registered_models)
    runs = sum(len(e.runs) for e in mlflow.experiments)
    print(
        f"MLflow {mlflow.tracking_uri}: {len(mlflow.registered_models)} models, {versions} versions, "
        f"{len(mlflow.experiments)} experiments, {runs} runs ({mlflow.client_calls} client calls)"
    )
    for model in mlflow.registered_models[:10]:
        aliases = ", ".join(f"@{a}=v{v}" for a, v in model.aliases.items())
        print(
            f"  {model.name}: versions {', '.join(v.version for v in model.versions)}"
            + (f" ({aliases})" if aliases else "")
        )
    for warning in mlflow.warnings:
        print(f"  warning: {warning}")
    if store.mlflow_note:
        print(f"  note: {store.mlflow_note}")


def _reason_group(reason: str) -> str:
    """'syntax error at line 3' -> 'syntax error' (for counting)."""
    return reason.split(" at ")[0].split(":")[0].split("(")[0].strip()
