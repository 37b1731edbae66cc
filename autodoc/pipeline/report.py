"""The run report: calls, tokens and time per phase and section, retries, flagged figures,
failures, and the egress record. Built from `DocumentState` only; never holds a secret
(egress records carry counts and ids, not content; settings are the public ones)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from autodoc.document import Block, DocumentState
from autodoc.llm.offline.feedback import read_feedback


def run_report(state: DocumentState) -> dict[str, Any]:
    egress = [rec.model_dump() for rec in state.egress]
    requests = Counter(rec.purpose.split(" ", 1)[-1] for rec in state.egress)  # section or block id
    return {
        "title": state.title,
        "generator_version": state.provenance.generator_version if state.provenance else None,
        "generated_at": state.provenance.generated_at if state.provenance else None,
        "provider": state.provenance.provider if state.provenance else state.settings.get("provider"),
        "model": state.provenance.model if state.provenance else state.settings.get("model"),
        "spec_hash": state.provenance.spec_hash if state.provenance else None,
        "totals": state.usage.model_dump(),
        "phase_seconds": dict(state.phase_seconds),
        "sections": [_section_row(sec, requests) for sec in state.sections],
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
            "calls": len(egress),  # every request that left, all runs of this document
            "chars": sum(rec["chars"] for rec in egress),
            "redactions_applied": sum(rec["redactions_applied"] for rec in egress),
            **state.egress_summary.model_dump(exclude={"requests", "redactions_applied"}),
            "records": egress,
        },
        "notes": list(state.notes),
        "feedback_notes": feedback_notes(state),
        "document_check": list(state.lint),
        "exit_code": 1 if state.flagged() or state.failed() else 0,
    }


def feedback_notes(state: DocumentState) -> list[str]:
    """Reviewer feedback the offline writer could not follow, one line per block: it needs an LLM."""
    out = []
    for sec in state.sections:
        for blk in sec.blocks:
            note = block_feedback_note(state, blk)
            if note:
                out.append(f"{sec.number} {sec.heading}, block {blk.id}: {note}")
    return out


def block_feedback_note(state: DocumentState, blk: Block) -> str | None:
    """Why the offline writer did not follow a block's reviewer feedback (None: it did, or an LLM wrote)."""
    provider = (state.provenance.provider if state.provenance else state.settings.get("provider")) or ""
    return read_feedback(blk.feedback).note if provider == "offline" else None


def _section_row(sec: Any, requests: Counter[str]) -> dict[str, Any]:
    """`calls`: requests sent for the section (every attempt, also of a plan that failed)."""
    usage = sec.usage.model_copy()
    for blk in sec.blocks:
        usage.add(blk.usage)
    sent = requests.get(sec.id, 0) + sum(requests.get(blk.id, 0) for blk in sec.blocks)
    return {
        "id": sec.id,
        "number": sec.number,
        "heading": sec.heading,
        "status": sec.status,
        "blocks": len(sec.blocks),
        "written": sum(1 for b in sec.blocks if b.content is not None and b.status != "failed"),
        "calls": sent or usage.calls,
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
        f"{tot['retries']}, re-asks: {tot['reasks']}, cached input tokens: {tot.get('cached_tokens', 0)}"
    )
    if tot.get("dropped_blocks") or tot.get("plan_fallbacks"):
        out.append(
            f"- Planning: {tot.get('dropped_blocks', 0)} planned block(s) left out, "
            f"{tot.get('plan_fallbacks', 0)} section(s) given the deterministic plan"
        )
    if rep["phase_seconds"]:
        out.append(
            "- Time per phase: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep["phase_seconds"].items())
        )
    out += [f"- {note}" for note in rep["notes"]]
    out += [f"- Feedback not followed: {note}" for note in rep["feedback_notes"]]
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
    out += ["", f"## Document check ({len(rep['document_check'])})", ""]
    out += [f"- {_cell(line)}" for line in rep["document_check"]] or ["None: autodoc lint found nothing."]
    out += egress_markdown(rep["egress"])
    return "\n".join(out) + "\n"


def egress_markdown(eg: dict[str, Any]) -> list[str]:
    """What left the machine: totals, by run, by provider and model, by outcome, then each request."""
    out = ["", "## What left the machine", ""]
    if not eg["records"]:
        return [*out, "Nothing: no LLM call was made over the network."]
    out.append(
        f"{eg['calls']} requests ({eg['answered']} answered), {eg['chars']} prompt characters, "
        f"{eg['bytes_sent']} bytes sent, {eg['bytes_received']} received, {eg['redactions_applied']} "
        "redactions applied to the material they drew on. Every request that left is counted "
        "(retries, re-asks, failed and unanswered ones), over every run that worked on this document."
    )
    out += ["", "| Run | Started | Ended | Requests |", "|---|---|---|---|"]
    out += [f"| {r['run']} | {r['started']} | {r['outcome']} | {r['requests']} |" for r in eg["runs"]]
    out.append("")
    out.append("By provider and model: " + ", ".join(f"{k} {v}" for k, v in eg["by_model"].items()))
    out.append("By outcome: " + ", ".join(f"{k} {v}" for k, v in sorted(eg["by_outcome"].items())))
    out += [
        "",
        "| Purpose | Provider/model | Outcome | Characters | Evidence ids | Files | Redactions |",
        "|---|---|---|---|---|---|---|",
    ]
    for rec in eg["records"]:
        outcome = f"HTTP {rec['status']}" if rec["status"] is not None else rec["outcome"]
        out.append(
            f"| {rec['purpose']} | {rec['provider']}/{rec['model']} | {outcome} | {rec['chars']} | "
            f"{len(rec['evidence_ids'])} | {_cell(', '.join(rec['files']))} | {rec['redactions_applied']} |"
        )
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
