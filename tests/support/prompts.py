"""Fake-LLM request matchers by what a prompt asks for (for `FakeLLM.fault(match=...)`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.fake_llm import prompt_text


def writes_narrative(section: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a request that writes a narrative block of the section whose prompt names `section`."""

    def match(body: dict[str, Any]) -> bool:
        text = prompt_text(body)
        return section in text and "Write narrative" in text

    return match
