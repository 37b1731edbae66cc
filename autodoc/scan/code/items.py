"""Building `EvidenceItem`s from per-file facts: ids, topics, sources, resolved parameters."""

from __future__ import annotations

import operator
from itertools import repeat
from typing import Any

from autodoc.evidence import EvidenceItem, Redaction, Source
from autodoc.kind_topics import KIND_TOPICS, PARAM_TOPICS
from autodoc.scan.code import hydra, recipes
from autodoc.scan.code.callers import across_label, by_caller_attrs, is_by_caller
from autodoc.scan.code.facts import Fact
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.folders import FILE_KINDS, file_words, unresolved_file
from autodoc.scan.code.itemparts import (
    ID_UNSAFE,
    code_id,
    code_source,
    drain,
    evidence_item,
    jsonable,
    model_uri_parts,
    models,
    origin,
    short_value,
)
from autodoc.scan.code.liveness import GROUPS, Liveness, shadowed_by
from autodoc.scan.code.resolve import Resolver
from autodoc.scan.code.rules.sources import hinted_file
from autodoc.scan.code.topics import fact_topics, kind_name_topics
from autodoc.scan.code.value_text import CWD, RET, expr_text
from autodoc.scan.secrets import redact


class ItemBuilder:
    def __init__(self, commit: str | None) -> None:
        self.commit = commit
        self.items: list[EvidenceItem] = []
        self.ids: set[str] = set()
        self.redactions: list[Redaction] = []
        self.unsafe = False  # the current file was parsed from unredacted text
        self.role: str | None = None  # role of the code the current items come from
        self.cell: int | None = None  # notebook cell of the current fact
        self.fact_items: dict[int, EvidenceItem] = {}  # id(Fact) -> its item
        self.config_notes: dict[str, dict[str, dict[str, Any]]] = {}  # rel -> key -> attrs (hydra.compose)

    def _id(self, rel: str, line: int, kind: str, name: str | None) -> str:
        """``c:<rel>:<line>:<kind>[:<name>]``; in a notebook ``c:<rel>#<cell>:<line>:...``; unique."""
        where = f"{rel}#{self.cell}" if self.cell is not None else rel
        return self._unique(code_id(where, line, kind, name))

    def _unique(self, base: str) -> str:
        eid, n = base, 1
        while eid in self.ids:
            n, eid = n + 1, f"{base}~{n + 1}"  # never ":<n>", which reads as a key
        self.ids.add(eid)
        return eid

    def _source(self, rel: str, line: int, end: int | None, cell: int | None) -> Source:
        return code_source(rel, line, end, cell, self.commit)

    def _item(
        self,
        eid: str,
        kind: str,
        label: str,
        value: Any,
        attrs: dict[str, Any],
        text: str | None,
        topics: list[str],
        source: Source,
        live: bool | None,
    ) -> EvidenceItem:
        if live is not None:  # live means reached by something that runs: consistent with the role
            live = self.role in GROUPS
        if self.unsafe:
            place = source.cite()
            value, attrs, text, label = (self._safe(v, place) for v in (value, attrs, text, label))
        item = evidence_item(eid, kind, label, value, attrs, text, topics, source, live, self.role)
        self.items.append(item)
        return item

    def _safe(self, value: Any, place: str) -> Any:
        """Last line of defence: no string leaves the scanner unredacted."""
        if isinstance(value, str):
            out, found = redact(value, place)
            self.redactions.extend(found)
            return out
        if isinstance(value, dict):
            return {k: self._safe(v, place) for k, v in value.items()}
        if isinstance(value, list):
            return [self._safe(v, place) for v in value]
        return value

    def add_entry(self, rel: str, reason: str, role: str) -> None:
        self.role, self.cell, self.unsafe = role, None, False
        eid = self._id(rel, 1, "entry_point", None)
        self._item(
            eid,
            "entry_point",
            f"entry point {rel}",
            rel,
            {"reason": reason, "role": role},
            None,
            list(KIND_TOPICS["entry_point"]),
            self._source(rel, 1, None, None),
            True,
        )

    def add_derived(
        self,
        rel: str,
        cell: int | None,
        line: int,
        end: int | None,
        kind: str,
        name: str,
        label: str,
        value: Any,
        attrs: dict[str, Any],
        text: str | None,
        topics: list[str],
        role: str,
    ) -> EvidenceItem:
        """An item built across files (excerpt, pipeline): its text is already redacted."""
        self.role, self.cell, self.unsafe = role, cell, False
        eid = self._id(rel, line, kind, name)
        source = self._source(rel, line, end, cell)
        return self._item(eid, kind, label, value, attrs, text, topics, source, True)

    def add_file(self, rel: str, result: FileResult, live: Liveness, resolver: Resolver) -> int:
        """The items of one file's facts (private helpers without ML facts left out); how many.

        Most facts need nothing resolved, redacted or composed: their items are made here, with what
        the file, each scope and each (kind, name) decide found once, the models made together."""
        facts, owners, scopes, state = result.facts, None, {}, live.scopes_of(rel)
        plain = not (result.unsafe or (result.module and result.module.shadowed) or rel in self.config_notes)
        where = None if ID_UNSAFE.search(rel) else f"c:{rel}:"
        place = code_source(rel, 0, None, None, self.commit).__dict__
        run: _Run = ([], [], [])
        n = 0
        for fact in facts:
            kind, name = fact.kind, fact.name
            if kind in _SYMBOLS and name and (name[0] == "_" or "._" in name) and private(name):
                owners = _owners_of(facts) if owners is None else owners
                if name not in owners:
                    continue  # private helpers without ML facts: not worth an item (libraries have thousands)
            if (
                not plain
                or fact.params is not None
                or fact.star is not None
                or isinstance(fact.value, dict)
                or (kind == "mlflow_call" and name == "load_model")
            ):
                n += self._made(run) + self.add_fact(rel, result, fact, live, resolver)
                run = ([], [], [])
                continue
            role, is_live, reason = scopes.get(fact.scope) or scopes.setdefault(fact.scope, state(fact.scope))
            attrs = dict(fact.attrs)
            if is_live is not None:
                attrs["live_reason"] = reason
            if kind == "config" and ("variant" in attrs or "overridden_by" in attrs):
                role = hydra.role_of(attrs) or role
            topics, tail = _KIND_NAMES.get((kind, name)) or _kind_name(kind, name)
            line, cell = fact.line, fact.cell
            if where is None or cell is not None or tail is None:
                eid = code_id(f"{rel}#{cell}" if cell is not None else rel, line, kind, name)
            else:
                eid = f"{where}{line}{tail}"
            src = place.copy()
            src["line_start"], src["line_end"], src["cell"] = line, fact.line_end or line, cell
            run[0].append(fact)
            run[1].append(src)
            run[2].append(
                {
                    "id": eid,
                    "kind": kind,
                    "label": fact.label,
                    "value": fact.value,
                    "attrs": attrs,
                    "text": fact.text,
                    "topics": list(topics) if topics is not None else fact_topics(fact, rel),
                    "source": None,  # made in `_made`
                    "live": None if is_live is None else role in GROUPS,
                    "role": role,
                }
            )
        return n + self._made(run)

    def _made(self, run: _Run) -> int:
        """The items of a run of plain facts from their rows (ids made unique, models made together)."""
        facts, places, rows = run
        if not facts:
            return 0
        self._unique_ids(rows)
        drain(map(operator.setitem, rows, repeat("source"), models(Source, places)))
        made = models(EvidenceItem, rows)
        self.items.extend(made)
        self.fact_items.update(zip(map(id, facts), made, strict=True))
        return len(facts)

    def _unique_ids(self, rows: list[dict[str, Any]]) -> None:
        """Each row's id made unique as `_id` does, in order (most ids are: checked all at once)."""
        ids = [row["id"] for row in rows]
        fresh = set(ids)
        if len(fresh) == len(ids) and self.ids.isdisjoint(fresh):
            self.ids |= fresh
            return
        for row in rows:
            row["id"] = self._unique(row["id"])

    def add_fact(self, rel: str, result: FileResult, fact: Fact, live: Liveness, resolver: Resolver) -> int:
        """The item of one fact (and one item per parameter it carries); how many were added."""
        self.unsafe = result.unsafe
        self.role = live.role(rel, fact.scope)
        self.cell = fact.cell
        is_live, reason = live.of(rel, fact.scope)
        if shadow := shadowed_by(result, fact):
            is_live, reason, self.role = False, shadow, "legacy"
        attrs = dict(fact.attrs)
        if is_live is not None:
            attrs["live_reason"] = reason
        topics = fact_topics(fact, rel)
        source = self._source(rel, fact.line, fact.line_end, fact.cell)
        if fact.params is None and fact.star is None:
            value, label, name = self._plain_value(rel, fact, resolver, attrs)
            if fact.kind == "target" and across_label(fact.value, value, attrs):
                return 0  # a label its callers leave unknown, or another module's target constant
            if fact.kind == "config":
                value, label = self._composed(rel, fact, attrs, value, label)
            eid = self._id(rel, fact.line, fact.kind, name)
            item = self._item(eid, fact.kind, label, value, attrs, fact.text, topics, source, is_live)
            self.fact_items[id(fact)] = item
            return 1
        params = self._params(rel, fact, resolver, attrs)
        if params and fact.kind in (
            "estimator",
            "hyperparameter_search",
            "preprocessing",
            "cv",
            "split",
            "fit",
            "optimizer",
            "scheduler",
            "early_stopping",
            "resampling",
        ):
            attrs["params"] = {name: val for name, val, _, _ in params}
        value = fact.value
        if fact.kind == "split":
            exprs = {name: extra.get("expr") for name, _, _, extra in params}
            value = {
                k: attrs["params"][k] if attrs["params"][k] is not None else exprs.get(k)
                for k in ("test_size", "train_size", "random_state", "stratify", "shuffle")
                if k in attrs.get("params", {})
            }
        eid = self._id(rel, fact.line, fact.kind, fact.name)
        item = self._item(eid, fact.kind, fact.label, value, attrs, fact.text, topics, source, is_live)
        self.fact_items[id(fact)] = item
        for name, val, line, extra in params:
            pattrs = {"owner": eid, "owner_kind": fact.kind, "owner_name": fact.name, "key": name, **extra}
            if is_live is not None:
                pattrs["live_reason"] = reason
            self._param_item(rel, fact, name, val, line, pattrs, is_live)
        return 1 + len(params)

    def _composed(
        self, rel: str, fact: Fact, attrs: dict[str, Any], value: Any, label: str
    ) -> tuple[Any, str]:
        """A config fact with what Hydra composition or a Recipes profile says of it (attrs, role, label)."""
        note = self.config_notes.get(rel, {}).get(fact.name or "")
        if note:
            attrs.update(note)
            label = hydra.label(fact.name or "", label, attrs)
            value, label = recipes.rendered(attrs, value, label)
        role = hydra.role_of(attrs)
        if role:
            self.role = role
        return value, label

    def _plain_value(
        self, rel: str, fact: Fact, resolver: Resolver, attrs: dict[str, Any]
    ) -> tuple[Any, str, str | None]:
        """(value, label, name) of a fact without parameters, references resolved."""
        value, label, name = fact.value, fact.label, fact.name
        if isinstance(value, dict) and any(t in value for t in _TO_RESOLVE):
            value, at, ok = resolver.resolve(rel, value)
            hint = hinted_file(attrs) if not ok else None  # os.path.join(ROOT, "x.csv"), ROOT unknown: x.csv
            attrs.pop("file_hint", None)
            named = unresolved_file(fact.value) if not ok and fact.kind in FILE_KINDS else None
            if not ok and fact.kind in FILE_KINDS and not hint and (given := file_words(fact.value)):
                hint, attrs["at_run_time"] = given, True  # an argument or variable: known at run time
            if named:  # os.path.join(sys.argv[1], "x.csv"): the file, its folder in words
                hint, attrs["folder_words"] = named
            if ok:
                attrs.update(origin(at), **resolver.saved_attrs(rel, fact.value))
            elif is_by_caller(value):  # callers in other modules pass different values
                attrs.update(by_caller_attrs(value))
                hint = None
            elif hint is None:
                attrs.update(expr=expr_text(fact.value), unresolved=True)
            value = jsonable(value) if ok else hint
            if fact.kind == "target" and isinstance(value, list) and len(value) == 1:
                value = value[0]  # y = data[params["target"]] with target: [label]
            if isinstance(value, str):
                label = f"{label} {value}" if fact.kind == "target" else f"{fact.name}({value})"
                name = name or value
            elif fact.kind == "threshold" and ok:
                label = f"{label} = {value}"
        if fact.kind == "mlflow_call" and fact.name == "load_model":
            attrs.update(model_uri_parts(value))  # which registered model, alias or stage is served
        return value, label, name

    def _param_item(
        self, rel: str, fact: Fact, name: str, val: Any, line: int, attrs: dict[str, Any], live: bool | None
    ) -> None:
        self._item(
            self._id(rel, line, "param", name),
            "param",
            f"{fact.name} {name} = {attrs.get('per_row') or short_value(val, attrs)}",  # offset = column X
            val,
            attrs,
            None,
            list(PARAM_TOPICS.get(fact.kind, ("model",))),
            self._source(rel, line, None, fact.cell),
            live,
        )

    def _params(
        self, rel: str, fact: Fact, resolver: Resolver, attrs: dict[str, Any]
    ) -> list[tuple[str, Any, int, dict[str, Any]]]:
        out: list[tuple[str, Any, int, dict[str, Any]]] = []
        for star in fact.star or []:
            val, at, ok = resolver.resolve(rel, star)
            if ok and isinstance(val, dict):
                for k, v in val.items():
                    out.append(
                        (str(k), jsonable(v), fact.line, origin(resolver.leaf_place(star, at, str(k))))
                    )
            else:
                attrs.setdefault("unresolved", []).append(expr_text(star))
        for name, raw, line, notes in fact.params or []:
            val, at, ok = resolver.resolve(rel, raw)
            extra: dict[str, Any] = dict(notes)
            if not ok:
                extra.update(expr=expr_text(raw), unresolved=True)  # the writer says "set from <expr>"
                extra.update(by_caller_attrs(val) if is_by_caller(val) else {})
                val = None
            else:
                extra.update(origin(at), **resolver.saved_attrs(rel, raw))
                extra.pop("per_row", None)  # a value after all: no column of the data
            out.append((name, jsonable(val), line, extra))
        return out


_Run = tuple[list[Fact], list[dict[str, Any]], list[dict[str, Any]]]  # plain facts, their sources, items
# (kind, name) -> (the topics of its items when they depend on nothing else, the end ":<kind>:<name>"
# of its ids when it needs no escaping); kept per scan-wide pair (libraries repeat names), cleared when large
_KIND_NAMES: dict[tuple[str, str | None], tuple[tuple[str, ...] | None, str | None]] = {}


def _kind_name(kind: str, name: str | None) -> tuple[tuple[str, ...] | None, str | None]:
    if len(_KIND_NAMES) > 200_000:
        _KIND_NAMES.clear()
    tail = f":{kind}:{name[:60]}" if name else f":{kind}"
    found = _KIND_NAMES[(kind, name)] = (
        kind_name_topics(kind, name),
        tail if (name is None or type(name) is str) and not ID_UNSAFE.search(tail) else None,
    )
    return found


def _owners_of(facts: list[Fact]) -> set[str]:
    """The scopes holding ML facts, and their parents."""
    return owner_scopes({f.scope for f in facts if f.kind not in SYMBOL_KINDS})


SYMBOL_KINDS = frozenset({"module", "class", "function", "import", "readme", "config", "notebook_markdown"})
_SYMBOLS = frozenset({"function", "class"})


def private(qualname: str | None) -> bool:
    """Does any part of a dotted name start with "_" (``__init__`` aside)?"""
    q = qualname or ""
    if not q.startswith("_") and "._" not in q:
        return False  # no part starts with "_" (the common case, checked without splitting)
    return any(part.startswith("_") and part != "__init__" for part in q.split("."))


def owner_scopes(scopes: set[str]) -> set[str]:
    """The scopes and every dotted prefix of them (``A.fit`` -> ``A``, ``A.fit``): whose code holds them."""
    out: set[str] = set()
    for scope in scopes:
        parts = scope.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


_TO_RESOLVE = ("$ref", "$cfg", "$arg", "$xparam", "$concat", CWD, RET)  # what the tree scan resolves
