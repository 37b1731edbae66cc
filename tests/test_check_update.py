"""`autodoc --update` on the demo project: LLM calls only for the blocks whose evidence changed.

The writer is the real OpenAI provider talking to the fake LLM server; the server counts
the calls. MLflow is a clone of the seeded demo store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autodoc import pipeline
from autodoc.check.update import run_update
from autodoc.pipeline.cache import load_state
from autodoc.spec import SectionSpec, Spec
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings
from tests.support.mlflow_fixtures import clone_store
from tests.support.prompts import realistic_responder

SPEC = Spec(
    title="Breast cancer risk",
    sections=[
        SectionSpec(name="Training Pipeline"),
        SectionSpec(name="Model Architecture"),
        SectionSpec(name="Model Performance", per_model=True),
    ],
)


def test_update_rewrites_only_the_blocks_whose_evidence_changed(
    fake_llm: FakeLLM, demo_store_uri: str, demo_project: Path, tmp_path: Path
) -> None:
    fake_llm.responder = realistic_responder
    code = tmp_path / "code"
    shutil.copytree(demo_project, code)
    uri = clone_store(demo_store_uri, tmp_path / "store")
    settings = llm_settings(
        fake_llm, "openai", code_root=str(code), mlflow_uri=uri, output_dir=str(tmp_path / "out")
    )
    first = pipeline.generate(SPEC, settings)
    assert len(fake_llm.requests) > 5
    state = first.state
    # edit one line of the training code that written blocks cite: StratifiedKFold(shuffle=...)
    train = code / "train.py"
    lines = train.read_text().splitlines()
    assert "StratifiedKFold(" in lines[108] and "shuffle=True" in lines[108]
    lines[108] = lines[108].replace("shuffle=True", "shuffle=False")
    train.write_text("\n".join(lines) + "\n")
    on_line = ("c:train.py:109:",)

    def rests_on_line(blk) -> bool:
        ids = [*(blk.content.citations if blk.content else []), *getattr(blk.plan, "evidence_ids", [])]
        return any(eid.startswith(on_line) for eid in ids)

    affected = {b.id for _, b in state.blocks() if b.plan.type in ("narrative", "list") and rests_on_line(b)}
    assert affected, "no written block rests on the edited line"

    fake_llm.reset()
    fake_llm.responder = realistic_responder
    shown = []
    result, plan = run_update(SPEC, settings, confirm=lambda p: shown.append(p.lines()) or True)
    assert set(plan.redo) == affected
    assert len(fake_llm.requests) == len(affected)  # one write call per affected block, none else
    assert any("StratifiedKFold" in line for line in shown[0])  # told before any call
    after = load_state(Path(settings.output_dir) / ".autodoc_cache.json")
    unchanged = [b for _, b in after.blocks() if b.id not in affected and b.plan.type == "narrative"]
    before = {b.id: b.content for _, b in state.blocks()}
    assert unchanged and all(b.content == before[b.id] for b in unchanged)
    assert (Path(settings.output_dir) / ".autodoc_cache.prev.json").is_file()
    assert result.outputs.docx is not None and result.outputs.docx.is_file()
