"""A network's layers in words: each layer under the network the code builds last before it in its
file, in the order the code builds them, sizes as written."""

from __future__ import annotations

import re

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.prose import code_span, code_where


def layer_stacks(f: Facts, limit: int = 4) -> list[str]:
    """``Sequential (train.py, line 7) is built from the layers Conv2D(32, [3, 3]), MaxPooling2D(), ...``:
    each layer under the network built last before it in its file, in the order the code builds them."""
    nets = sorted((e for e in f.kind("estimator") if e.source.path), key=_place)
    groups: dict[tuple[str, str], list[EvidenceItem]] = {}
    owners: dict[tuple[str, str], EvidenceItem | None] = {}
    for layer in sorted(f.fresh(f.kind("layer")), key=_place):
        if str(layer.value) in _WRAPPERS:
            continue
        path, line = _place(layer)
        owner = next(
            (e for e in reversed(nets) if e.source.path == path and (e.source.line_start or 0) <= line), None
        )
        key = (path, owner.id if owner else "")
        groups.setdefault(key, []).append(layer)
        owners[key] = owner
    out = []
    for key, layers in list(groups.items())[:limit]:
        owner, shown = owners[key], [re.sub(r"^layer ", "", i.label) for i in layers[:16]]
        more = f" and {len(layers) - 16} more" if len(layers) > 16 else ""
        built = f"{code_span(str(owner.value))} ({code_where(owner)})" if owner else key[0]
        out.append(f"{built} is built from the layers {', '.join(shown)}{more} {cite(*layers[:16])}.")
    return out


_WRAPPERS = frozenset({"DistributedDataParallel", "DataParallel", "DDP"})  # wrap a network, add no layer


def _place(item: EvidenceItem) -> tuple[str, int]:
    return item.source.path or "", item.source.line_start or 0


def fine_tuning(f: Facts) -> list[str]:
    """``resnet50 is fine-tuned: its weights are frozen when pretrained (model.py, line 11), except
    layer4 (line 14); its fc (line 19) is replaced by the code's own layers [c].``: how the code
    fine-tunes a backbone (`scan.code.rules.vision.fine_tuning`)."""
    out = []
    for est in f.kind("estimator"):
        frozen, trained = est.attrs.get("frozen"), est.attrs.get("trained_parts") or []
        replaced = est.attrs.get("replaced") or []
        parts = []
        if isinstance(frozen, int):
            when = f" when {est.attrs['frozen_when']}" if est.attrs.get("frozen_when") else ""
            but = join_words([f"{p} (line {n})" for p, n in trained])
            parts.append(
                f"its weights are frozen{when} ({est.source.path}, line {frozen})"
                + (f", except {but}" if but else "")
            )
        if replaced:
            said = join_words([f"{a} (line {n})" for a, n in replaced])
            parts.append(
                f"its {said} {'is' if len(replaced) == 1 else 'are'} replaced by the code's own layers"
            )
        if parts:
            out.append(f"{code_span(str(est.value))} is fine-tuned: " + "; ".join(parts) + f" {cite(est)}.")
    return out
