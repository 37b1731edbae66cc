"""Topics a code fact's item gets: its kind's, and what a symbol's name or a config key suggests."""

from __future__ import annotations

import re

from autodoc.kind_topics import KIND_TOPICS
from autodoc.scan.code.model import Fact

TRAIN_RE = re.compile(r"train|fit|model|pipeline|learn", re.I)
FEAT_RE = re.compile(r"feature|preprocess|transform|clean|prep|encod", re.I)
EVAL_RE = re.compile(r"eval|metric|valid|score|report|monitor", re.I)
# Any of the three: most names match none, so one search usually settles it (tens of thousands of symbols).
# For lowered ASCII names: without re.I the search is four times faster.
ANY_ROLE_RE = re.compile("|".join(r.pattern for r in (TRAIN_RE, FEAT_RE, EVAL_RE)), re.I)
_ANY_ROLE_LOWER_RE = re.compile(ANY_ROLE_RE.pattern)
_HYPER_KEY_RE = re.compile(
    r"lr|learning_rate|depth|estimator|epoch|batch|alpha|lambda|gamma|leaves|"
    r"regulari|dropout|hidden|layers|n_|num_|max_|min_|C$",
    re.I,
)
_DATA_KEY_RE = re.compile(r"path|file|table|dataset|data|sql|query|uri|bucket|target|label|column", re.I)
# The same for ASCII keys once lowered: a search without re.I is several times faster (12k config keys).
_HYPER_KEY_LOWER_RE = re.compile(_HYPER_KEY_RE.pattern.replace("C$", "c$"))
_DATA_KEY_LOWER_RE = re.compile(_DATA_KEY_RE.pattern)


def topics_of_name(name: str) -> list[str]:
    """Topics a function, class or module name suggests (train_model -> training)."""
    name = name.lower()
    if not (_ANY_ROLE_LOWER_RE if name.isascii() else ANY_ROLE_RE).search(name):
        return []
    found = [("training", TRAIN_RE), ("features", FEAT_RE), ("evaluation", EVAL_RE)]
    return [topic for topic, pattern in found if pattern.search(name)]


def _key_topics(key: str) -> list[str]:
    hyper, data = _HYPER_KEY_RE, _DATA_KEY_RE
    if key.isascii():
        key, hyper, data = key.lower(), _HYPER_KEY_LOWER_RE, _DATA_KEY_LOWER_RE
    found = ["model"] if hyper.search(key.rsplit(".", 1)[-1]) else []
    return [*found, "data"] if data.search(key) else found


_NAMED = frozenset({"function", "class", "module"})  # topics from the symbol's name
_KEYED = frozenset({"config", "mlflow_call"})  # topics from the config key or the MLflow function
_MODEL_CALLS = frozenset(
    {
        "load_model",
        "log_model",
        "register_model",
        "set_registered_model_alias",
        "create_registered_model",
        "create_model_version",
    }
)
# The topics of each (kind, name) of a fact, kept per scan-wide string (libraries repeat `__init__`,
# `get`, `name`, `version`... thousands of times); cleared when large so a long-lived process stays small.
_TOPICS: dict[tuple[str, str | None], tuple[str, ...]] = {}


def kind_name_topics(kind: str, name: str | None) -> tuple[str, ...] | None:
    """The topics of every fact of this kind and name; None when they depend on more (a parameter's
    on its owner, a nameless symbol's on its file's name)."""
    found = _TOPICS.get((kind, name))
    if found is None:
        if kind == "param" or (kind in _NAMED and not name):
            return None
        if len(_TOPICS) > 200_000:
            _TOPICS.clear()
        said = name if kind in _NAMED or kind in _KEYED else None  # other kinds' topics are their kind's
        found = _TOPICS[(kind, name)] = tuple(_topics(kind, said))
    return found


def fact_topics(fact: Fact, rel: str) -> list[str]:
    """The topics of a fact's item: its kind's, and what its name or config key says."""
    found = kind_name_topics(fact.kind, fact.name)
    if found is not None:
        return list(found)
    if fact.kind == "param":
        argparse = (fact.attrs or {}).get("owner_kind") == "argparse"
        return ["training"] if argparse else list(KIND_TOPICS.get(fact.kind, ("code",)))
    return _topics(fact.kind, rel)


def _topics(kind: str, name: str | None) -> list[str]:
    topics = list(KIND_TOPICS.get(kind, ("code",)))
    if kind in _NAMED:
        topics += topics_of_name(name or "")
    elif kind == "config":
        topics += _key_topics(name or "")
    elif kind == "mlflow_call" and name in _MODEL_CALLS:
        topics.append("deployment")
    return topics
