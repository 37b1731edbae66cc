"""The summary's data fact: the files the training code reads, each named once, and apart from
them the new data a scoring script reads (scoring input, not training data)."""

from __future__ import annotations

import posixpath

from autodoc.document import SummaryFact, archive_words, cite, figure_text, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import by_pipeline_role, champions, own_first
from autodoc.plan.offers import item_key
from autodoc.plan.topics import is_data_metric, production_facts
from autodoc.plan.values import UNNAMED_FILE, by_caller_words
from autodoc.scan.code.file_links import base_name, one_file
from autodoc.write import settings_facts as sf
from autodoc.write.places import lines_words, where

_MAX_LISTED = 6


def data_fact(evidence: EvidenceStore) -> SummaryFact | None:
    own, upstream, others = by_pipeline_role(evidence, production_facts(evidence, "data_source"))
    if any(is_unnamed_read(s) or s.attrs.get("at_run_time") for s in own):  # what feeds it is not known
        own, upstream, others = own + upstream + others, [], []
    sources = own + upstream + others
    joins = _joins(evidence)
    if not sources:
        return sf.data_settings_fact(evidence)
    training = each_file_once([s for s in own + upstream if s.role != "serving"])[:_MAX_LISTED]
    listed = {_name(s) for s in training}
    elsewhere = each_file_once([s for s in others if s.role != "serving" and _name(s) not in listed])
    scoring = each_file_once([s for s in sources if s.role == "serving"])[:3]
    made = written_upstream(evidence, training)
    writers = {str(w.source.path) for w, _ in made.values()}  # what prepares the training files, first
    named = [s for s in training if not is_unnamed_read(s) and s.id not in made]
    named.sort(key=lambda s: str(s.source.path) not in writers)
    text = "Data are read from " + join_words([source_phrase(s) for s in named]) + "." if named else ""
    text += made_upstream(made, training)
    unread = [f"{s.label} ({where(s)}) {cite(s)}" for s in training + elsewhere if is_unnamed_read(s)]
    if unnamed := unnamed_reads(unread):
        text += " " + unnamed
    if shown := [s for s in elsewhere if not is_unnamed_read(s)][: max(0, _MAX_LISTED - len(training))]:
        text += f" Other scripts read {join_words([source_phrase(s) for s in shown])}."
    if scoring:
        scripts = join_words(list(dict.fromkeys(str(s.source.path) for s in scoring)))
        read = join_words([f"{_name(s)} {cite(s)}" for s in scoring])
        text += f" The scoring code ({scripts}) reads {read}: new data to score, not training data."
    text += sf.stage_inputs(evidence)
    if joins:
        text += " Joins: " + join_words([f"{phrase} {cite(*same)}" for phrase, same in joins]) + "."
    rows = _data_metric(evidence)
    if rows:
        text += f" The training run recorded {item_key(rows)} = {figure_text(rows.value)} {cite(rows)}."
    items = training + [w for w, _ in made.values()] + shown + [s for s in elsewhere if is_unnamed_read(s)]
    items += scoring
    items += [j for _, same in joins for j in same] + ([rows] if rows else [])
    return SummaryFact.citing("data", "Data", text.strip(), items)


def written_upstream(
    evidence: EvidenceStore, reads: list[EvidenceItem]
) -> dict[str, tuple[EvidenceItem, EvidenceItem]]:
    """Read id -> (the write, the read) of each file the training code reads that another production
    script writes (a preparation script's split or cleaned rows), by `file_links.one_file`."""
    writes = [w for w in production_facts(evidence, "data_write") if isinstance(w.value, str)]
    out: dict[str, tuple[EvidenceItem, EvidenceItem]] = {}
    for read in reads:
        if not isinstance(read.value, str):
            continue
        for write in writes:
            if write.source.path != read.source.path and one_file(
                write.value, str(write.source.path), read.value, str(read.source.path)
            ):
                out[read.id] = (write, read)
                break
    return out


def made_upstream(made: dict[str, tuple[EvidenceItem, EvidenceItem]], order: list[EvidenceItem]) -> str:
    """`` model/prepare.py writes X_train.csv and X_test.csv (lines 18 and 19) [w], which model/train.py
    reads (lines 10 and 11) [r].``: each writing script and reading script once."""
    groups: dict[tuple[str, str], list[tuple[EvidenceItem, EvidenceItem]]] = {}
    for read in order:
        if read.id in made:
            write, _ = made[read.id]
            groups.setdefault((str(write.source.path), str(read.source.path)), []).append(made[read.id])
    out = ""
    for (writer, reader), pairs in groups.items():
        writes, reads = [w for w, _ in pairs], [r for _, r in pairs]
        files = join_words([base_name(str(w.value)) for w in writes])
        out += (
            f" {writer} writes {files} ({lines_words(writes)}) {cite(*writes)}, "
            f"which {reader} reads ({lines_words(reads)}) {cite(*reads)}."
        )
    return out


def _joins(evidence: EvidenceStore) -> list[tuple[str, list[EvidenceItem]]]:
    """Each join the production code makes, once with every place that makes it (several scripts or
    notebooks repeat the same merge), the production model's own file first."""
    same: dict[str, list[EvidenceItem]] = {}
    for item in own_first(evidence, production_facts(evidence, "join")):
        same.setdefault(join_phrase(item), []).append(item)
    return list(same.items())[:_MAX_LISTED]


def join_phrase(item: EvidenceItem) -> str:
    """A join in words: ``df_processed merged with labels on CustomerId (left join)``."""
    frames = [str(f) for f in item.attrs.get("frames") or []][:2]
    value = item.value if isinstance(item.value, dict) else {}
    on = value.get("on", item.attrs.get("on"))
    keys = join_words([str(k) for k in on]) if isinstance(on, list) else str(on or "common columns")
    base, _, note = str(value.get("how") or item.attrs.get("how") or "").partition(" (")
    note = note.rstrip(")")
    how = f" ({base} join{', the ' + note if note else ''})" if base else ""
    what = " merged with ".join(frames) if len(frames) == 2 else f"{frames[0] if frames else 'frames'} merged"
    return f"{what} on {keys}{how}"


def is_unnamed_read(item: EvidenceItem) -> bool:
    """A read whose file or table the scan does not resolve (the code builds its path at run time)."""
    return not (isinstance(item.value, str) and item.value) and not by_caller_words(item)


def unnamed_reads(phrases: list[str], more: int = 0) -> str:
    """The reads whose file the scan does not resolve, said once for all of them (not once each):
    ``The scan does not resolve the files or tables read by read_csv (...) [n] and SQL cell 6 (...) [n].``"""
    if not phrases:
        return ""
    listed = phrases + ([f"{more} more read{'s' if more > 1 else ''}"] if more else [])
    what = "file or table" if len(listed) == 1 else "files or tables"
    return f"The scan does not resolve the {what} read by {join_words(listed)}."


def source_phrase(item: EvidenceItem) -> str:
    """``df.csv (train.py, line 21) [n]``: the file or table read, where, cited."""
    return f"{_name(item)} ({where(item)}) {cite(item)}"


def _name(item: EvidenceItem) -> str:
    """The file or table read (``train.csv from the archive data.zip`` for a member of an archive)."""
    if not (isinstance(item.value, str) and item.value):  # read_csv(path): each caller's file, else
        return by_caller_words(item) or f"{UNNAMED_FILE}, with {item.label}"  # never the call as a file
    return item.value + archive_words(item)


def each_file_once(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """One item per file read (a loader and the call that gives it the path name the same file;
    ``./data/x.csv`` and ``data/x.csv`` are one file)."""
    seen: dict[str, EvidenceItem] = {}
    for item in items:
        name = _name(item)
        seen.setdefault(posixpath.normpath(name) if "/" in name else name, item)
    return list(seen.values())


def _data_metric(evidence: EvidenceStore) -> EvidenceItem | None:
    champion_runs = {run.evidence_id for _, _, run in champions(evidence) if run}
    for item in evidence.by_kind("run_metric", "run_param"):
        run8 = ":".join(item.id.split(":")[:2])
        if run8 in champion_runs and is_data_metric(item_key(item)):
            return item
    return None
