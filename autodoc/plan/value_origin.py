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
    """Where a list of settings comes from, said once after it: ``as set in the code``, ``as set in
    params.yaml``, ``as logged by run gbm-shallow`` (and why that run, when no registered version
    says so) or a mix (a run's logged value is never said to be set in the code, nor a configuration
    file's)."""
    runs = sorted({r for f in found if (r := logged_run(f))})
    files = list(dict.fromkeys(c for f in found if (c := config_file(f))))
    code = any(not logged_run(f) and not config_file(f) for f in found)
    where = (["the code"] if code else []) + files
    logged = f"logged by run{'s' if len(runs) > 1 else ''} {join_words(runs)}" if runs else ""
    whys = {f.why for f in found if logged_run(f) and f.why}
    if len(runs) == 1 and whys:  # why that run's values are the model's, when no version says so
        logged += f" ({whys.pop()})"
    if not where:
        return f"as {logged}" if logged else "as set in the code"
    return f"as set in {join_words(where)}" + (f" and {logged}" if logged else "")


_CODE_FILES = (".py", ".ipynb")


def config_file(found: Resolved) -> str | None:
    """The configuration file a value was read from (``params.yaml``), or None for one the code
    itself or a run gives."""
    if found.item.kind == "run_param":
        return None
    path = found.origin.split(", line", 1)[0].split(", cell", 1)[0].strip()
    return path if path and "." in path and not path.endswith(_CODE_FILES) and " " not in path else None
