"""The one pipeline API the CLI and the app call: scan -> plan -> write -> build.

`api` holds the public functions; `schedule` runs the planning and writing calls on a
pool of workers; `cache` and `report` are the outputs a run keeps beside the document.
"""

from autodoc.pipeline import cache, report
from autodoc.pipeline.api import (
    DOCX_NAME,
    FINISHED,
    NOTEBOOK_NAME,
    PROTECTED,
    Outputs,
    RunResult,
    build,
    check_outputs,
    docx_path,
    exit_code,
    from_cache,
    generate,
    new_state,
    notebook_path,
    plan_and_write,
    regenerate,
    scan,
    write_output,
    write_planned,
)

__all__ = [
    "DOCX_NAME",
    "FINISHED",
    "NOTEBOOK_NAME",
    "PROTECTED",
    "Outputs",
    "RunResult",
    "build",
    "cache",
    "check_outputs",
    "docx_path",
    "exit_code",
    "from_cache",
    "generate",
    "new_state",
    "notebook_path",
    "plan_and_write",
    "regenerate",
    "report",
    "scan",
    "write_output",
    "write_planned",
]
