"""A careless model: schema-valid, never tuned to autodoc, seeded.

A responder for `FakeLLM` (`fake.responder = CarelessModel(seed)`) that behaves like a
weak model behind a server that enforces the schema:

- every enum is picked at random, arrays get a random length within their bounds, strings
  are words drawn from the prompt (so plans are valid by the schema, often poor);
- narratives quote figures found in the prompt's evidence lines and cite the line's handle,
  copying the handle wrong 30% of the time (`E12` -> `E012`, `e12`, `E112`, `E13`);
- 20% of narratives plant a figure found nowhere in the prompt (recorded in `planted`);
- 20% of JSON answers come wrapped in a code fence, with a line of prose before it.

`bench_spec()` is the bench-sized spec: 14 sections, 3 of them per_model.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import threading
from typing import Any

from autodoc.spec import SectionSpec, Spec
from tests.support.fake_llm import prompt_text, request_schema, resolve_ref

EVIDENCE_LINE = re.compile(r"^(E\d+) \| ([^|]*) \| ([^|]*)", re.M)
FIGURE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
WORD = re.compile(r"[A-Za-z]{3,}")


class CarelessModel:
    def __init__(
        self, seed: int = 0, wrong_handle: float = 0.3, fence: float = 0.2, plant: float = 0.2
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.wrong_handle, self.fence, self.plant = wrong_handle, fence, plant
        self.planted: list[str] = []
        self.fenced = 0
        self.wrong = 0
        self._lock = threading.Lock()  # the fake server answers on many threads

    def __call__(self, body: dict[str, Any]) -> str:
        with self._lock:
            schema = request_schema(body) or {}
            text = prompt_text(body)
            # Seeded per request: the workers' requests arrive in any order, and one shared
            # sequence of draws made the same test pass or fail with the threads' timing.
            digest = hashlib.sha256(f"{self.seed}\n{text}\n{json.dumps(schema, sort_keys=True)}".encode())
            self.rng = random.Random(digest.hexdigest())
            if set(schema.get("properties", {})) == {"text"}:
                answer: Any = {"text": self._narrative(text)}
            else:
                answer = self._instance(schema, schema, WORD.findall(text) or ["evidence"])
            raw = json.dumps(answer)
            if self.rng.random() < self.fence:
                self.fenced += 1
                raw = f"Here is the JSON you asked for:\n```json\n{raw}\n```"
            return raw

    # -- narratives --------------------------------------------------------------------------
    def _narrative(self, prompt: str) -> str:
        lines = EVIDENCE_LINE.findall(prompt.split("Evidence (handle", 1)[-1])
        self.rng.shuffle(lines)
        sentences = []
        for handle, what, value in lines[: self.rng.randint(1, 4)]:
            figure = FIGURE.search(value)
            fact = f"is {figure.group(0)}" if figure else f"reads {value.strip()[:40]!r}"
            sentences.append(f"The {what.strip()[:60]} {fact} [[{self._copy(handle)}]].")
        if not sentences:
            sentences.append("Nothing about this was found in the code or MLflow.")
        if self.rng.random() < self.plant:
            figure = self._fresh_figure(prompt)
            self.planted.append(figure)
            sentences.append(f"It was also observed to reach {figure} on the holdout data.")
        return " ".join(sentences)

    def _copy(self, handle: str) -> str:
        if self.rng.random() >= self.wrong_handle:
            return handle
        self.wrong += 1
        n = int(handle[1:])
        return self.rng.choice([f"E0{n}", f"e{n}", f"E1{n}", f"E{n + 1}", f"E {n}"])

    def _fresh_figure(self, prompt: str) -> str:
        while True:
            figure = f"0.{self.rng.randint(1000, 9999)}"
            if figure not in prompt and figure[:-1] not in prompt:
                return figure

    # -- any schema --------------------------------------------------------------------------
    def _instance(self, node: dict[str, Any], root: dict[str, Any], words: list[str]) -> Any:
        node = resolve_ref(node, root)
        if "const" in node:
            return copy.deepcopy(node["const"])
        if "enum" in node:
            return self.rng.choice(node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                return self._instance(self.rng.choice(node[key]), root, words)
        kind = node.get("type")
        if isinstance(kind, list):
            kind = self.rng.choice(kind)
        if kind == "object" or "properties" in node:
            props = node.get("properties", {})
            return {name: self._instance(sub, root, words) for name, sub in props.items()}
        if kind == "array":
            low, high = node.get("minItems", 0), min(node.get("maxItems", 4), 4)
            count = self.rng.randint(low, max(low, high))
            return [self._instance(node.get("items", {}), root, words) for _ in range(count)]
        if kind == "string":
            limit = node.get("maxLength", 200)
            return " ".join(self.rng.choice(words) for _ in range(self.rng.randint(2, 12)))[:limit]
        if kind == "integer":
            return self.rng.randint(node.get("minimum", 0), node.get("maximum", 10))
        if kind == "number":
            return round(self.rng.uniform(node.get("minimum", 0), node.get("maximum", 1)), 3)
        if kind == "boolean":
            return self.rng.random() < 0.5
        return None


def bench_spec() -> Spec:
    """The benchmark's document: 14 sections, 3 per_model (17 sections with 2 models)."""
    names = [
        ("Executive Summary", False, None),
        ("Purpose and Intended Use", False, None),
        ("Data Sources", False, None),
        ("Feature Engineering", False, None),
        ("Methodology", True, None),
        ("Training Pipeline", False, None),
        ("Hyperparameters", True, None),
        ("Model Performance", True, "compare versions; show metric histories when they exist"),
        ("Validation", False, "do not describe validation that was not implemented"),
        ("Limitations and Assumptions", False, None),
        ("Deployment", False, None),
        ("Monitoring", False, None),
        ("Governance and Change Log", False, None),
        ("Appendix: Code Reference", False, None),
    ]
    return Spec(
        title="Breast cancer risk models: model documentation",
        authors="Benchmark",
        sections=[SectionSpec(name=n, per_model=p, hint=h) for n, p, h in names],
    )
