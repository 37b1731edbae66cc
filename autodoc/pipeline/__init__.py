"""The one pipeline API the CLI and the app call: scan -> plan -> write -> build.

`api` holds the public functions; `run` is one scheduling run and `schedule` runs its
planning and writing calls on a pool of workers; `resume` carries the cache's finished
work over; `cache`, `report` and `provenance` are what a run keeps beside the document;
`lock` keeps one writer per output folder (`busy_message` tells the app before it starts).
"""

from autodoc.pipeline import cache, report
from autodoc.pipeline.api import (
    build,
    from_cache,
    generate,
    new_state,
    plan_and_write,
    regenerate,
    scan,
    write_planned,
)
from autodoc.pipeline.lock import OutputBusyError, busy_message, output_lock
from autodoc.pipeline.outputs import (
    DOCX_NAME,
    NOTEBOOK_NAME,
    Outputs,
    RunResult,
    check_outputs,
    docx_path,
    exit_code,
    notebook_path,
    write_output,
)
from autodoc.pipeline.resume import FINISHED, PROTECTED

__all__ = [
    "DOCX_NAME",
    "FINISHED",
    "NOTEBOOK_NAME",
    "PROTECTED",
    "OutputBusyError",
    "Outputs",
    "RunResult",
    "build",
    "busy_message",
    "cache",
    "check_outputs",
    "docx_path",
    "exit_code",
    "from_cache",
    "generate",
    "new_state",
    "notebook_path",
    "output_lock",
    "plan_and_write",
    "regenerate",
    "report",
    "scan",
    "write_output",
    "write_planned",
]
