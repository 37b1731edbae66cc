"""The summary's features fact: what the training code does to its columns (derived columns, column
sets, dropped columns, transformations), each once and cited."""

from __future__ import annotations

from autodoc.document import SummaryFact, cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.formula_words import formula_inputs, formula_sentence
from autodoc.plan.lineage import by_pipeline_role
from autodoc.plan.topics import production_facts
from autodoc.write import prep_words
from autodoc.write import settings_facts as sf
from autodoc.write.places import lines_words, where

_MAX_LISTED = 6


def features_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """What the training code does to its columns: derived columns, column sets, the columns it drops
    (each once; not the target, not what a scoring script drops) and the transformations."""
    targets = [t.value for t in production_facts(evidence, "target")] + [
        t.value for t in sf.settings_named(evidence, sf.TARGET_KEY)
    ]
    derived = [f for f in production_facts(evidence, "feature", "derived_column") if f.value not in targets]
    formulas, derived = formula_inputs(evidence, derived)  # y ~ a + C(b): the inputs the formula names
    own, upstream, others = by_pipeline_role(evidence, derived)  # a dashboard's columns are not the model's
    derived, apart = own + upstream, others
    prep = prep_words.transform_steps(evidence)
    made = sf.unique_values([f for f in derived if not isinstance(f.value, list)], 99)  # each column once
    sets = prep_words.column_sets_first([f for f in derived if isinstance(f.value, list)])[:4]
    if not derived and not prep and not formulas and not apart:  # dropped columns alone say little
        return None
    dropped = dropped_columns(evidence, targets)
    parts = []
    if made:
        named = [f"{f.value} {cite(f)}" for f in made[:_MAX_LISTED]]
        named += [f"{len(made) - len(named)} more"] if len(made) > len(named) else []  # never reads as all
        parts.append(f"builds {len(made)} derived column{'s' if len(made) > 1 else ''} ({join_words(named)})")
    parts += prep_words.column_set_words(sets)
    if dropped:  # every column counted: a list cut short never reads as complete
        shown = [f"{col} {cite(d)}" for col, d in dropped[:_MAX_LISTED]]
        more = len(dropped) - len(shown)
        shown += [f"{more} more column" + ("s" if more > 1 else "")] if more else []
        parts.append(f"drops {join_words(shown)}")
    if prep:
        parts.append(f"applies {join_words([prep_words.step_words(p) for p in prep])}")
    said = [formula_sentence(f) for f in formulas] + (
        ["The code " + join_words(parts) + "."] if parts else []
    )
    elsewhere, shown_apart = _other_scripts(apart)
    leak, leaking = _leaking(derived)
    said += [leak] if leak else []
    if apart and not parts and (rest := _all_but_target(evidence, targets)) is not None:
        said.append(
            f"The training code uses every column of its data but the target ({where(rest)}) {cite(rest)}."
        )
        shown_apart.append(rest)
    items = made[:_MAX_LISTED] + sets + list({d.id: d for _, d in dropped[:_MAX_LISTED]}.values()) + prep
    return SummaryFact.citing(
        "features", "Features", " ".join([*said, elsewhere]).strip(), formulas + items + shown_apart + leaking
    )


def _other_scripts(apart: list[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """`` Other scripts (dashboard.py) derive 4 columns (a [n], b [n], ...).``: columns made by scripts
    that run on their own and train nothing (`plan.lineage.by_pipeline_role`), said apart."""
    made = sf.unique_values([f for f in apart if not isinstance(f.value, list)], 99)
    if not made:
        return "", []
    shown = made[:4]
    named = [f"{f.value} {cite(f)}" for f in shown] + (
        [f"{len(made) - len(shown)} more"] if len(made) > 4 else []
    )
    scripts = join_words(list(dict.fromkeys(str(f.source.path) for f in made)))
    column = "column" if len(made) == 1 else "columns"
    return f"Other scripts ({scripts}) derive {len(made)} {column} ({join_words(named)}).", shown


def dropped_columns(evidence: EvidenceStore, targets: list[object]) -> list[tuple[str, EvidenceItem]]:
    """The columns the training code drops, each once (the target leaves the inputs: not a drop)."""
    out: dict[str, EvidenceItem] = {}
    for item in production_facts(evidence, "dropped_column"):
        columns = item.value if isinstance(item.value, list) else [item.value]
        for col in columns:
            if item.role != "serving" and isinstance(col, str) and col not in targets:
                out.setdefault(col, item)
    return list(out.items())


def _all_but_target(evidence: EvidenceStore, targets: list[object]) -> EvidenceItem | None:
    """The production model's own drop of the target alone (``X = df.drop(columns=[target])``): every
    other column is an input."""
    drops, _, _ = by_pipeline_role(evidence, production_facts(evidence, "dropped_column"))
    for item in drops:
        columns = item.value if isinstance(item.value, list) else [item.value]
        if columns and all(c in targets for c in columns):
            return item
    return None


def _leaking(derived: list[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """`` diff_1 and yoy_change (feature_utils.py, lines 21 and 29) [c] read the target (Weekly_Sales) at the
    row itself: as model inputs they hold the value to predict.``: the model's own time-series columns the
    scan found reading the current target (`scan.code.rules.leakage`), each column once."""
    found = sf.unique_values([f for f in derived if f.attrs.get("reads_current_target")], 99)
    if not found:
        return "", []
    target = found[0].attrs["reads_current_target"]
    paths = list(dict.fromkeys(str(f.source.path) for f in found))
    first = lines_words([f for f in found if str(f.source.path) == paths[0]])
    where_said = f"{paths[0]}, {first}" + (" and elsewhere" if len(paths) > 1 else "")
    names = join_words([str(f.value) for f in found[:6]])
    verb = "reads" if len(found) == 1 else "read"
    return (
        f"{names} ({where_said}) {cite(*found[:6])} {verb} the target ({target}) at the row itself: as model "
        "inputs they hold the value to predict.",
        found[:6],
    )
