"""The run report: calls, tokens and time per phase and section, retries, flagged figures,
failures, and the egress record. Built from `DocumentState` only; never holds a secret
(egress records carry counts and ids, not content; settings are the public ones)."""

from __future__ import annotations

from typing import Any

from autodoc.document import DocumentState


def run_report(state: DocumentState) -> dict[str, Any]:
    egress = [rec.model_dump() for rec in state.egress]
    return {
        "title": state.title,
        "generator_version": state.provenance.generator_version if state.provenance else None,
        "generated_at": state.provenance.generated_at if state.provenance else None,
        "provider": state.provenance.provider if state.provenance else state.settings.get("provider"),
        "model": state.provenance.model if state.provenance else state.settings.get("model"),
        "spec_hash": state.provenance.spec_hash if state.provenance else None,
        "totals": state.usage.model_dump(),
        "phase_seconds": dict(state.phase_seconds),
        "sections": [_section_row(sec) for sec in state.sections],
        "flagged": [
            {
                "section": sec.id,
                "number": sec.number,
                "block": blk.id,
                "figure": flag.figure,
                "context": flag.context,
                "reason": flag.reason,
            }
            for sec, blk in state.flagged()
            for flag in blk.flags
        ],
        "failures": [
            {
                "section": sec.id,
                "number": sec.number,
                "block": blk.id if blk else None,
                "error": (blk.error if blk else sec.error) or "failed",
            }
            for sec, blk in state.failed()
        ],
        "egress": {
            "calls": len(egress),
            "chars": sum(rec["chars"] for rec in egress),
            "redactions_applied": sum(rec["redactions_applied"] for rec in egress),
            "records": egress,
        },
        "notes": list(state.notes),
        "exit_code": 1 if state.flagged() or state.failed() else 0,
    }


def _section_row(sec: Any) -> dict[str, Any]:
    usage = sec.usage.model_copy()
    for blk in sec.blocks:
        usage.add(blk.usage)
    return {
        "id": sec.id,
        "number": sec.number,
        "heading": sec.heading,
        "status": sec.status,
        "blocks": len(sec.blocks),
        "written": sum(1 for b in sec.blocks if b.content is not None and b.status != "failed"),
        "calls": usage.calls,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "prompt_chars": usage.prompt_chars,
        "retries": usage.retries,
        "reasks": usage.reasks,
        "seconds": round(usage.seconds, 3),
    }


def report_markdown(state: DocumentState) -> str:
    """The same report for a person to read."""
    rep = run_report(state)
    tot = rep["totals"]
    out = [f"# Run report: {rep['title']}", ""]
    out.append(f"- Provider: {rep['provider']} ({rep['model']}); generated {rep['generated_at']}")
    out.append(
        f"- Calls: {tot['calls']}, input tokens: {tot['input_tokens']}, output tokens: "
        f"{tot['output_tokens']}, prompt characters: {tot['prompt_chars']}, retries: "
        f"{tot['retries']}, re-asks: {tot['reasks']}"
    )
    if rep["phase_seconds"]:
        out.append(
            "- Time per phase: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep["phase_seconds"].items())
        )
    out += [f"- {note}" for note in rep["notes"]]
    out += [
        "",
        "## Sections",
        "",
        "| # | Section | Status | Blocks | Calls | Tokens in/out | Retries | Seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rep["sections"]:
        out.append(
            f"| {row['number']} | {_cell(row['heading'])} | {row['status']} | {row['written']}/"
            f"{row['blocks']} | {row['calls']} | {row['input_tokens']}/{row['output_tokens']} | "
            f"{row['retries']} | {row['seconds']:.2f} |"
        )
    out += ["", f"## Flagged figures ({len(rep['flagged'])})", ""]
    out += [
        f'- {f["number"]} `{f["block"]}`: **{_cell(f["figure"])}** ({f["reason"]}): "{_cell(f["context"])}"'
        for f in rep["flagged"]
    ] or ["None."]
    out += ["", f"## Failures ({len(rep['failures'])})", ""]
    out += [
        f"- {f['number']} `{f['block'] or f['section']}`: {_cell(f['error'])}" for f in rep["failures"]
    ] or ["None."]
    eg = rep["egress"]
    out += ["", "## What left the machine", ""]
    if not eg["records"]:
        out.append("Nothing: no LLM call was made over the network.")
    else:
        out.append(
            f"{eg['calls']} calls, {eg['chars']} characters, {eg['redactions_applied']} "
            "redactions applied to the material they drew on."
        )
        out += [
            "",
            "| Purpose | Provider/model | Characters | Evidence ids | Files | Redactions |",
            "|---|---|---|---|---|---|",
        ]
        for rec in eg["records"]:
            out.append(
                f"| {rec['purpose']} | {rec['provider']}/{rec['model']} | {rec['chars']} | "
                f"{len(rec['evidence_ids'])} | {_cell(', '.join(rec['files']))} | "
                f"{rec['redactions_applied']} |"
            )
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
