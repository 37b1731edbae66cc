"""The provenance facts shown in the docx appendix and the notebook (one definition)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from autodoc.document import DocumentState
from autodoc.render.format import format_value


def provenance_rows(state: DocumentState) -> list[list[str]]:
    """(item, value) rows: how, from what and by whom the document was produced."""
    prov = state.provenance
    usage = state.usage
    if prov is None:
        return [["Provenance", "not recorded"]]
    dirty = {True: "yes (uncommitted changes)", False: "no", None: "unknown"}[prov.code_dirty]
    rows = [
        ["Generator", f"autodoc {prov.generator_version}"],
        ["Generated at", prov.generated_at],
        ["Spec", prov.spec_path or "—"],
        ["Spec hash", prov.spec_hash],
        ["Code root", prov.code_root or "—"],
        ["Code commit", prov.code_commit or "not a git repository"],
        ["Working tree dirty", dirty],
        ["Files scanned", format_value(prov.files_scanned)],
        ["Files not read", _skipped(prov.files_skipped)],
        ["MLflow tracking URI", safe_uri(prov.mlflow_uri) if prov.mlflow_uri else "none"],
        ["Evidence hash", prov.evidence_hash or state.evidence_hash or "—"],
        [
            "Text written by",
            "the offline writer (no LLM)"
            if prov.provider == "offline"
            else prov.provider + (f" ({prov.model})" if prov.model else ""),
        ],
        [
            "LLM calls / tokens in / out",
            "none: the offline writer makes no LLM call"
            if prov.provider == "offline"
            else f"{usage.calls:,} / {usage.input_tokens:,} / {usage.output_tokens:,}",
        ],
    ]
    egress = state.egress_summary
    if prov.provider != "offline" and egress.requests:
        outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(egress.by_outcome.items()))
        runs = len(egress.runs)
        rows.append(["LLM requests sent (every run)", f"{egress.requests:,} over {runs} run(s): {outcomes}"])
    return rows


def _skipped(files: list[str]) -> str:
    if not files:
        return "none"
    return "; ".join(files[:10]) + (f"; and {len(files) - 10} more" if len(files) > 10 else "")


def safe_uri(uri: str) -> str:
    """The URI without any user:password part."""
    parts = urlsplit(uri)
    if parts.password or parts.username:
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return uri
