"""`offline` provider: no LLM, no network; the deterministic offline writer answers.

It dispatches on the structured `request.task` (`PlanTask` -> `autodoc.llm.offline.planner.plan_section`,
`WriteTask` -> `autodoc.llm.offline.writer.write_block`) and reports zero tokens.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from autodoc.errors import Cancelled, LLMError
from autodoc.llm.base import LLMRequest, LLMResponse, PlanTask, WriteTask


class OfflineProvider:
    name = "offline"
    model = "offline"

    def __init__(self, settings: Any = None, *, stop: threading.Event | None = None) -> None:
        self.stop = stop

    def complete(self, request: LLMRequest) -> LLMResponse:
        stop = request.stop or self.stop
        if stop is not None and stop.is_set():
            raise Cancelled(f"stopped: {request.purpose} not written")
        task = request.task
        if not isinstance(task, PlanTask | WriteTask):
            raise LLMError(
                f"the offline writer cannot answer {request.purpose!r}: "
                "the request carries no structured task"
            )
        started = time.monotonic()
        from autodoc.llm.offline.planner import plan_section  # lazy: only the offline provider needs them
        from autodoc.llm.offline.writer import write_block

        parsed = plan_section(task) if isinstance(task, PlanTask) else write_block(task)
        return LLMResponse(
            parsed=parsed, raw_text=parsed.model_dump_json(), seconds=time.monotonic() - started
        )
