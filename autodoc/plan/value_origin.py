"""Where a resolved setting's value comes from, in words: the code (or its configuration) or a run."""

from __future__ import annotations

from autodoc.document import join_words
from autodoc.plan.values import Resolved


def logged_run(found: Resolved) -> str | None:
    """The run a value was read from (its name, else its id's start), or None for a value the code
    or a config file gives."""
    if found.item.kind != "run_param":
        return None
    return found.origin.split(" as ", 1)[0].removeprefix("logged by run ")


def origin_tail(found: list[Resolved]) -> str:
    """Where a list of settings comes from, said once after it: ``as set in the code``, ``as logged
    by run gbm-shallow`` (and why that run, when no registered version says so) or both (a run's
    logged value is never said to be set in the code)."""
    runs = sorted({r for f in found if (r := logged_run(f))})
    if not runs:
        return "as set in the code"
    logged = f"logged by run{'s' if len(runs) > 1 else ''} {join_words(runs)}"
    whys = {f.why for f in found if logged_run(f) and f.why}
    if len(runs) == 1 and whys:  # why that run's values are the model's, when no version says so
        logged += f" ({whys.pop()})"
    return f"as {logged}" if all(logged_run(f) for f in found) else f"as set in the code and {logged}"
