"""Across files: which estimator is the production model, and which producer of a file that the
production code reads belongs to the production pipeline.

A model production code saves or logs (followed back to its estimator, `rules.outputs`) is the
production model: where it is saved (``saved_by``), the search that tuned it (``tuned_by``), the
code that loads its file by name (``served_by``; the other saved models then ``saved_besides``) and
the other estimators the same entry point trains (``alternatives``, each ``compared_with`` it). A
script or notebook writing a file a production script reads prepares its data upstream: the facts
that build the written frame become production evidence (``upstream``), after the script's own.
Writer and reader are linked by file name: a shared folder, or a bare name in one project folder
tree when nothing more specific links them (`file_links`)."""

from __future__ import annotations

from typing import Any

from autodoc.evidence import EvidenceItem
from autodoc.scan.code.beside import mark_parts, untraced_save
from autodoc.scan.code.derived import pipeline_text
from autodoc.scan.code.facts import Fact
from autodoc.scan.code.file_links import base_name, keep, one_file, shared_parts
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.items import ItemBuilder
from autodoc.scan.code.liveness import Liveness
from autodoc.scan.code.resolve import find_module
from autodoc.scan.code.rules.outputs import is_model_save

_PRODUCTION = ("production", "serving")
_LINKED = frozenset({"model_save", "mlflow_call", "data_write", "data_source"})


class _Index:
    def __init__(self, files: dict[str, FileResult], builder: ItemBuilder) -> None:
        self.fact_items = builder.fact_items
        self.files = files
        self.saves: list[tuple[str, Fact]] = []  # (rel, fact) of each model save, in file order
        self.writes: list[tuple[str, Fact]] = []  # and of each data write
        self.reads: list[tuple[str, Fact]] = []  # and of each data source
        for rel, res in files.items():
            for fact in res.facts:
                if fact.kind not in _LINKED:
                    continue
                if fact.kind == "data_write":
                    self.writes.append((rel, fact))
                elif fact.kind == "data_source":
                    self.reads.append((rel, fact))
                elif is_model_save(fact):
                    self.saves.append((rel, fact))

    def item(self, fact: Fact) -> EvidenceItem | None:
        return self.fact_items.get(id(fact))

    def at(self, rel: str, ref: dict[str, Any], kind: str) -> EvidenceItem | None:
        """The item of the `kind` fact of file `rel` at ``ref``'s cell and line (and name)."""
        for fact in self.files[rel].facts:
            if (
                fact.kind == kind
                and fact.line == ref.get("line")
                and fact.cell == ref.get("cell")
                and fact.name == ref.get("name")
            ):
                return self.item(fact)
        return None


def link(files: dict[str, FileResult], live: Liveness, builder: ItemBuilder) -> set[tuple[str, int | None]]:
    """Mark the production model and upstream producers; the notebook cells now on the production path."""
    index = _Index(files, builder)
    chosen = _saved_models(files, live, builder, index)
    _served(builder, chosen)
    return _upstream(files, builder, index)


# -- the production model ---------------------------------------------------------------------
def _saved_models(
    files: dict[str, FileResult], live: Liveness, builder: ItemBuilder, index: _Index
) -> list[EvidenceItem]:
    chosen: list[EvidenceItem] = []
    for rel, fact in index.saves:
        save = index.item(fact)
        if save is None or save.role != "production":
            continue
        found = resolve(files, rel, fact.attrs["estimator"])
        est = index.at(found[0], found[1], "estimator") if found else None
        if found is None or est is None:
            continue
        est_rel, ref = found
        saved = {"id": save.id, "path": rel, "line": fact.line, "call": fact.attrs.get("call")}
        if isinstance(save.value, str) and save.kind == "model_save":
            saved["file"] = save.value
        _append(est.attrs, "saved_by", saved)
        refs = [resolve(files, est_rel, o) for o in ref.get("also", [])]  # one helper
        also = [i for o in refs if o and (i := index.at(o[0], o[1], "estimator"))]  # called with each
        for other in also:
            _append(other.attrs, "saved_by", saved)
        save.attrs["estimator_id"] = est.id
        tuned = (
            ref.get("tuned_by") or est.attrs.get("trial_of") or est.attrs.get("best_of")
        )  # or built with its best
        search = index.at(est_rel, tuned, "hyperparameter_search") if tuned else None
        if search is not None:
            est.attrs["tuned_by"] = search.id
            search.attrs["tunes"] = est.id
        if est not in chosen:
            chosen.append(est)
            located = [(p, _estimator(files, index, est_rel, p)) for p in ref.get("parts", [])]
            options = [_estimator(files, index, est_rel, o) for o in mark_parts(est, ref, located)]
            chosen_instead = [i for i in options if i is not None]  # where each option is built
            if chosen_instead:  # the code saves whichever model a setting selects: no comparison
                est.attrs["options"] = [i.id for i in chosen_instead]
                for option in chosen_instead:
                    option.attrs["option_of"] = est.id
            else:
                _alternatives(files, live, index, (est, ref, est_rel), rel, fact.scope)
        chosen += [other for other in also if other not in chosen]
    _first(builder, chosen)
    return chosen


def _estimator(files: dict[str, FileResult], index: _Index, rel: str, ref: Any) -> EvidenceItem | None:
    found = resolve(files, rel, ref)
    return index.at(found[0], found[1], "estimator") if found else None


def resolve(
    files: dict[str, FileResult], rel: str, ref: Any, depth: int = 0
) -> tuple[str, dict[str, Any]] | None:
    """(file, ``{line, cell, name}``) of the estimator a module-scan reference leads to: one in the
    same file, what an imported function returns or the imported network class, or what the callers
    of a saving helper in other modules pass for its parameter."""
    if not isinstance(ref, dict) or depth > 4:
        return None
    if "line" in ref:
        return rel, ref
    if "import" in ref:
        return _imported(files, rel, str(ref["import"]), ref.get("index"), depth)
    if "param" in ref:
        func, position, name = ref["param"]
        for caller, res in files.items():
            for origin, _line, _cell, args, kwargs in res.module.save_calls if res.module else []:
                module, _, called = origin.rpartition(".")
                if called != func or find_module(files, module, caller) != rel:
                    continue
                arg = args[position] if position < len(args) else kwargs.get(name)
                found = resolve(files, caller, arg, depth + 1)
                if found is not None:
                    return found
    return None


def _imported(
    files: dict[str, FileResult], rel: str, origin: str, index: Any, depth: int
) -> tuple[str, dict[str, Any]] | None:
    parts = origin.split(".")
    for cut in (1, 2):  # model.get_lstm -> get_lstm of model; model.GPT.from_pretrained -> GPT of model
        hit = find_module(files, ".".join(parts[:-cut]), rel) if len(parts) > cut else None
        mod = files[hit].module if hit else None
        if hit is None or mod is None:
            continue
        name = parts[-cut]
        returned = mod.returns.get(name, {}) if cut == 1 else {}
        key = "" if index is None else str(index)
        if key in returned:
            return resolve(files, hit, returned[key], depth + 1)
        net = next((f for f in files[hit].facts if f.kind == "estimator" and f.value == name), None)
        if net is not None and net.attrs.get("base"):  # a network class built here: class GPT(nn.Module)
            return hit, {"line": net.line, "cell": net.cell, "name": net.name}
    return None


def _alternatives(
    files: dict[str, FileResult],
    live: Liveness,
    index: _Index,
    chosen: tuple[EvidenceItem, dict[str, Any], str],
    rel: str,
    scope: str,
) -> None:
    """The other estimators the entry point that saves `est` trains: compared, not deployed (the
    estimators it is built from are parts of it)."""
    est, ref, est_rel = chosen
    reach: set[tuple[str, str]] = {(rel, scope)}
    for trained in live.trainers.values():
        if (rel, scope) in trained:
            reach |= set(trained)
    span = (est.source.line_start or 0, est.source.line_end or est.source.line_start or 0)
    given = [*ref.get("parts", []), *(p["fallback"] for p in ref.get("parts", []) if "fallback" in p)]
    parts = {(p["cell"], p["line"], p["name"]) for p in given}  # a fallback for None: not built here
    others: list[str] = []
    for path, scope_name in sorted(reach):
        for fact in files[path].facts if path in files else []:
            other = index.item(fact) if fact.kind == "estimator" and fact.scope == scope_name else None
            inside = path == est_rel and (
                span[0] <= fact.line <= span[1]
                or (fact.cell, fact.line, fact.name) in parts
                or fact.attrs.get("trial_of", 0) in (ref.get("tuned_by"), est.attrs.get("best_of"))  # trials
            )
            if other is None or other.id == est.id or inside or other.role != "production":
                continue
            if "saved_by" not in other.attrs and other.id not in others:
                others.append(other.id)
                other.attrs["compared_with"] = est.id
                if untraced := untraced_save(files, path):
                    other.attrs["untraced_save"] = untraced  # it may be what that save writes
    if others:
        est.attrs["alternatives"] = others


def _served(builder: ItemBuilder, chosen: list[EvidenceItem]) -> None:
    """Code that loads a saved model file by its name serves (or scores with) that model."""
    files_of = {
        base_name(s["file"]): est
        for est in chosen
        for s in est.attrs.get("saved_by", [])  # type: ignore[union-attr]
        if isinstance(s, dict) and isinstance(s.get("file"), str)
    }
    if not files_of:
        return
    for load in builder.items:
        if load.kind != "model_load" or not isinstance(load.value, str):
            continue
        named = base_name(load.value)  # saved_models/{name}_model.pkl names it too (a save in a loop)
        est = files_of.get(named) or next((e for f, e in files_of.items() if shared_parts(f, named)), None)
        saves = est.attrs.get("saved_by", []) if est else []
        saved = [(str(x.get("file")), str(x.get("path"))) for x in saves if isinstance(x, dict)]  # type: ignore[union-attr]
        if est is not None and any(one_file(f, at, load.value, str(load.source.path)) for f, at in saved):
            where = {
                "id": load.id,
                "path": load.source.path,
                "line": load.source.line_start,
                "role": load.role,
            }
            _append(est.attrs, "served_by", where)
            load.attrs["estimator_id"] = est.id
    served = [e for e in chosen if e.attrs.get("served_by")]
    for est in (e for e in chosen if served and not e.attrs.get("served_by")):
        est.attrs["saved_besides"] = served[0].id  # an experiment's model, saved besides the served one
    _first(builder, served + [e for e in chosen if not e.attrs.get("served_by")])


def _first(builder: ItemBuilder, chosen: list[EvidenceItem]) -> None:
    """The production models before every other estimator item (the order readers take them in)."""
    if not chosen:
        return
    ids = {e.id for e in chosen}
    rest = [i for i in builder.items if i.id not in ids]
    at = next((n for n, i in enumerate(rest) if i.kind == "estimator"), len(rest))
    builder.items[:] = rest[:at] + chosen + rest[at:]


# -- upstream data preparation ----------------------------------------------------------------
def _upstream(
    files: dict[str, FileResult], builder: ItemBuilder, index: _Index
) -> set[tuple[str, int | None]]:
    readers: dict[str, list[EvidenceItem]] = {}
    for _rel, fact in index.reads if index.writes else ():  # the items of the reads, in their order
        item = index.item(fact)
        for name in files_of(item) if item is not None and item.role == "production" else ():
            readers.setdefault(base_name(name), []).append(item)
    promoted: dict[str, EvidenceItem] = {}
    cells: set[tuple[str, int | None]] = set()
    links = _links(index, readers)
    # a file the production code writes itself is its own: a notebook writing one of that name is
    # not where the production reader's data comes from
    own = [w for _rel, fact in index.writes if (w := index.item(fact)) is not None and w.role in _PRODUCTION]
    made = {reader.id for w in own for reader in links.get(w.id, [])}
    made |= {  # the reading module writes the file itself (links leave a file's own reads out)
        reader.id
        for w in own
        if isinstance(w.value, str)
        for reader in readers.get(base_name(w.value), [])
        if reader.source.path == w.source.path
    }
    for rel, fact in index.writes:
        write, res = index.item(fact), files[rel]
        if write is None or not isinstance(write.value, str):
            continue
        spans = write.attrs.pop("builds", None) or []
        hits = links.get(write.id, [])
        if write.role not in _PRODUCTION:
            hits = [r for r in hits if r.id not in made]
        if not hits:
            continue
        write.attrs["read_by"] = [_place(r) for r in hits]
        for reader in hits:
            reader.attrs["written_by"] = _place(write)
        if write.role in _PRODUCTION:
            continue
        why = f"writes {write.value}, which {hits[0].source.path} reads (upstream data preparation)"
        for other in [fact, *(f for f in res.facts if _inside(f, spans))]:
            item = index.item(other)
            if item is not None and item.role not in _PRODUCTION:
                promoted[item.id] = item
                cells.add((rel, other.cell))
                item.attrs["upstream"] = why
        _entry(builder, rel, why)
    _promote(builder, promoted)
    return cells


def _links(index: _Index, readers: dict[str, list[EvidenceItem]]) -> dict[str, list[EvidenceItem]]:
    """Writer id -> the production reads of the file it writes, linked by file name
    (`file_links.keep`: a bare name only within one project folder tree)."""
    pairs: list[tuple[EvidenceItem, EvidenceItem, int]] = []
    for rel, fact in index.writes:
        write = index.item(fact)
        if write is None or not isinstance(write.value, str):
            continue
        for reader in readers.get(base_name(write.value), []):
            common = max(shared_parts(name, write.value) for name in files_of(reader))
            if reader.source.path != rel and common:
                pairs.append((write, reader, common))
    return keep(pairs)


def files_of(item: EvidenceItem) -> list[str]:
    """The file a read names, or each caller's file when its callers name different ones."""
    if isinstance(item.value, str):
        return [item.value]
    sites = item.attrs.get("by_caller")
    found = [s.get("value") for s in sites if isinstance(s, dict)] if isinstance(sites, list) else []
    return [f for f in found if isinstance(f, str)]


def add_upstream_steps(builder: ItemBuilder, pipes: list[EvidenceItem]) -> None:
    """A pipeline (of `pipes`, the builder's) whose load step reads a file another script or notebook
    writes starts there."""
    by_id = {i.id: i for i in builder.items} if pipes else {}
    for pipe in pipes:
        steps = pipe.attrs.get("steps")
        if not isinstance(steps, list):
            continue
        readers = [
            by_id.get(str(s.get("id"))) for s in steps if isinstance(s, dict) and s.get("step") == "load"
        ]
        links = [
            r.attrs["written_by"]
            for r in readers
            if r is not None and isinstance(r.attrs.get("written_by"), dict)
        ]
        writers = [w for w in (by_id.get(str(link.get("id"))) for link in links) if w is not None]
        if not writers:
            continue
        first = [_step(w) for w in {w.id: w for w in writers}.values()]
        pipe.attrs["steps"] = first + steps
        pipe.attrs["stages"] = [UPSTREAM, *pipe.attrs.get("stages", [])]  # type: ignore[misc]
        pipe.value = " -> ".join(pipe.attrs["stages"])  # type: ignore[arg-type]
        pipe.label = f"{pipe.label.split(':', 1)[0]}: {pipe.value}"
        pipe.text = pipeline_text(pipe.attrs["steps"])  # type: ignore[arg-type]


UPSTREAM = "prepare (upstream)"


def _step(writer: EvidenceItem) -> dict[str, Any]:
    step = {"step": UPSTREAM, "call": f"{writer.source.path} writes {writer.value}", **_place(writer)}
    return {k: step[k] for k in ("step", "call", "path", "line", "cell", "id") if k in step}


def _inside(fact: Fact, spans: list[list[int]]) -> bool:
    cell = -1 if fact.cell is None else fact.cell
    return any(c == cell and a <= fact.line <= b for c, a, b in spans)


def _promote(builder: ItemBuilder, promoted: dict[str, EvidenceItem]) -> None:
    """Promoted items (and the params they own) become production, after production's own items."""
    if not promoted:
        return
    for item in builder.items:
        owner = item.attrs.get("owner")
        if isinstance(owner, str) and owner in promoted and item.id not in promoted:
            item.attrs["upstream"] = promoted[owner].attrs["upstream"]
            promoted[item.id] = item
    for item in promoted.values():
        item.role = "production"
        item.attrs["live_reason"] = item.attrs["upstream"]
    builder.items[:] = [i for i in builder.items if i.id not in promoted] + list(promoted.values())


def _entry(builder: ItemBuilder, rel: str, why: str) -> None:
    for item in builder.items:
        if item.kind == "entry_point" and item.source.path == rel and item.role not in _PRODUCTION:
            item.attrs["upstream"] = why
            item.attrs["role"] = "production"
            item.role = "production"


def _place(item: EvidenceItem) -> dict[str, Any]:
    place: dict[str, Any] = {"id": item.id, "path": item.source.path, "line": item.source.line_start}
    if item.source.cell is not None:
        place["cell"] = item.source.cell
    return place


def _append(attrs: dict[str, Any], key: str, value: Any) -> None:
    found = attrs.setdefault(key, [])
    if isinstance(found, list) and value not in found:
        found.append(value)
