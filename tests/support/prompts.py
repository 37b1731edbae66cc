"""Fake-LLM helpers by what a prompt asks for: request matchers (for `FakeLLM.fault(match=...)`)
and `realistic_responder`, answers that plan and cite from the prompt's own handles."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.support.fake_llm import prompt_text, request_schema


def writes_narrative(section: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a request that writes a narrative block of the section whose prompt names `section`."""

    def match(body: dict[str, Any]) -> bool:
        text = prompt_text(body)
        return section in text and "Write narrative" in text

    return match


HANDLE_LINE = re.compile(r"^(E\d+) \|", re.M)


def prompt_handles(text: str) -> list[str]:
    """The evidence handles (E1..) a prompt lists."""
    return HANDLE_LINE.findall(text.split("Evidence (handle")[-1])


def realistic_responder(body: dict[str, Any]) -> dict[str, Any]:
    """Plans of 2-3 blocks naming handles from the prompt; narratives that cite them."""
    text = prompt_text(body)
    handles = prompt_handles(text)
    schema = request_schema(body) or {}
    if "blocks" in schema.get("properties", {}):
        blocks: list[dict[str, Any]] = [
            {"type": "narrative", "guidance": "Describe what the evidence shows.", "evidence": handles[:3]},
            {
                "type": "list",
                "title": "Key facts",
                "guidance": "List the main facts.",
                "evidence": handles[3:6],
            },
        ]
        model = re.search(r"Registered model of this subsection: (\S+)", text)
        kinds = schema.get("$defs", {}).get("TableKind", {}).get("enum", [])
        if model and "model_versions" in kinds:
            blocks.append(
                {"type": "table", "title": "Versions", "kind": "model_versions", "model": model.group(1)}
            )
        elif handles:
            blocks.append({"type": "table", "title": "Facts", "kind": "evidence", "evidence": handles[:4]})
        return {"blocks": blocks}
    cites = " ".join(f"[[{h}]]" for h in handles[:2])
    if "a bulleted list" in text:
        return {"text": f"- The section draws on recorded facts {cites}\n- Nothing else was found."}
    summary = f"This part summarises the recorded evidence {cites}."
    return {"text": summary + " Details not recorded are stated as missing."}
