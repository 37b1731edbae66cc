"""A store that belongs to another project is said, and one autodoc merely found is not used.

MLflow's default store is ./mlflow.db of the working directory: running autodoc from a folder
that holds one (the demo's, say) against other code must not describe the demo's models as
that code's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from autodoc.cli import main
from autodoc.evidence import ExperimentInfo, MlflowSnapshot, RegisteredModelInfo, RunInfo
from autodoc.scan.code.tree import scan_code
from autodoc.scan.mlflow.relation import relates
from tests.support.mlflow_fixtures import clone_store, empty_store, sqlite_path

DOC_SPEC = str(Path(__file__).resolve().parents[1] / "doc_spec.yaml")
LIGHTNING = """\
import lightning as L


class DigitModule(L.LightningModule):
    def training_step(self, batch, batch_idx):
        loss = self.criterion(batch)
        self.log("train/loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val/loss", self.criterion(batch))
        self.log("val/acc", self.accuracy(batch))


if __name__ == "__main__":
    L.Trainer(max_epochs=10).fit(DigitModule())
"""


@pytest.fixture
def another_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_store_uri: str) -> Path:
    """The demo's store in the working directory, and code of an unrelated project to document."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    work = tmp_path / "work"
    clone_store(demo_store_uri, work)
    monkeypatch.chdir(work)
    code = tmp_path / "digits-lightning"
    (code / "src").mkdir(parents=True)
    (code / "src" / "train.py").write_text(LIGHTNING)
    return code


def _doc_text(path: Path) -> list[str]:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return [p.text for p in doc.paragraphs] + cells


@pytest.mark.slow
def test_a_store_found_in_the_working_directory_for_other_code_is_said_and_not_used(
    another_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Path.cwd() / "mlflow.db"
    assert main(["scan", "-c", str(another_project), "--out", "ev.json"]) == 0
    said = capsys.readouterr().out
    assert f"The MLflow store found in the working directory (sqlite:///{store}) was not used" in said
    assert "registered models breast_cancer_gbm, breast_cancer_logreg" in said  # what it holds
    assert "breast_cancer_gbm: versions" not in said  # not listed as this project's models

    assert main(["-s", DOC_SPEC, "-c", str(another_project), "-o", "out", "-p", "offline"]) in (0, 1)
    assert f"sqlite:///{store}) was not used" in Path("out/run_report.md").read_text()
    doc = Document("out/model_documentation.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert not [h for h in headings if "breast_cancer" in h]
    texts = _doc_text(Path("out/model_documentation.docx"))
    mentions = [t for t in texts if "breast_cancer" in t]
    assert mentions and all("was not used" in t for t in mentions)  # only where the store is set aside
    assert not [t for t in texts if "tracking server was configured" in t]  # one was found, not used
    assert any("store found in the working directory was not used, as nothing in it" in t for t in texts)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["--mlflow-uri", "--disable-project-filtering"])
def test_the_same_store_named_by_the_user_is_read_with_a_warning(
    how: str, another_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = f"sqlite:///{Path.cwd() / 'mlflow.db'}"
    named = [how, uri] if how == "--mlflow-uri" else [how]
    assert main(["scan", "-c", str(another_project), *named, "--out", "ev.json"]) == 0
    said = capsys.readouterr().out
    assert "breast_cancer_gbm: versions 1, 2, 3" in said
    assert f"warning: The MLflow store {uri} may belong to another project" in said


@pytest.mark.slow
def test_a_store_committed_with_the_code_is_read_instead(
    another_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(sqlite_path(empty_store(another_project.parent / "own")), another_project / "mlflow.db")
    assert main(["scan", "-c", str(another_project), "--out", "ev.json"]) == 0
    said = capsys.readouterr().out
    assert "committed in the code root (digits-lightning/mlflow.db)" in said
    assert "found in the working directory" in said and "was not used" in said
    assert "breast_cancer_gbm: versions" not in said


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["breast_cancer_risk", "risk_model"])
def test_the_demo_store_is_its_own_code_s_wherever_the_code_is_checked_out(
    folder: str, demo_project: Path, another_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = another_project.parent / "checkout" / folder
    shutil.copytree(demo_project, code, ignore=shutil.ignore_patterns("__pycache__"))
    assert main(["scan", "-c", str(code), "--out", "ev.json"]) == 0
    said = capsys.readouterr().out
    assert "breast_cancer_gbm: versions 1, 2, 3" in said
    assert "was not used" not in said and "another project" not in said


# ---------------------------------------------------------------------------- the rule
def _snapshot(experiment: str = "exp", model: str | None = None, **run: object) -> MlflowSnapshot:
    runs = [RunInfo(run_id="r1", experiment_id="1", status="FINISHED", evidence_id="r:r1", **run)]
    models = [RegisteredModelInfo(name=model, evidence_id=f"m:{model}")] if model else []
    exp = ExperimentInfo(experiment_id="1", name=experiment, runs=runs, evidence_id="x:1")
    return MlflowSnapshot(tracking_uri="sqlite:///elsewhere.db", experiments=[exp], registered_models=models)


CODE = {
    "train.py": 'import mlflow\nmlflow.log_metric("val_auc", 0.9)\n'
    'mlflow.log_metric("val_f1", 0.8)\nmlflow.sklearn.log_model(clf, "model")\n',
    "config.yaml": "experiment: churn-weekly\nstage: default\n",
}


@pytest.mark.parametrize(
    ("snapshot", "related"),
    [
        (_snapshot(tags={"mlflow.source.name": "/home/ana/churn-model/train.py"}), True),
        (_snapshot(tags={"mlflow.source.name": "/srv/other/train.py"}), False),
        (_snapshot(tags={"mlflow.source.name": "train.py"}), False),  # a bare name: anyone's
        (_snapshot(tags={"mlflow.source.git.repoURL": "git@github.com:acme/Churn_Model.git"}), True),
        (_snapshot(experiment="churn-weekly"), True),  # named by the code's config
        (_snapshot(experiment="Churn Model"), True),  # named like the project
        (_snapshot(model="churn_model"), True),
        (_snapshot(experiment="Default", model="model"), False),  # bare names say nothing
        (_snapshot(metrics={"val_auc": 0.9, "val_f1": 0.8}), True),  # logs what the code logs
        (_snapshot(metrics={"val_auc": 0.9, "loss": 0.3}), False),  # one shared key is chance
    ],
)
def test_a_store_relates_when_a_run_experiment_or_model_points_at_the_code(
    snapshot: MlflowSnapshot, related: bool, tmp_path: Path
) -> None:
    root = tmp_path / "churn-model"
    root.mkdir()
    for name, text in CODE.items():
        (root / name).write_text(text)
    code = scan_code(str(root), commit_info=False)
    assert relates(snapshot, code.report, code.items) is related


def test_a_run_started_from_a_file_inside_the_code_root_relates(tmp_path: Path) -> None:
    root = tmp_path / "churn-model"
    (root / "jobs").mkdir(parents=True)
    (root / "jobs" / "nightly.py").write_text("x = 1\n")
    code = scan_code(str(root), commit_info=False)
    since_deleted = str(root / "scratch" / "try_it.py")  # no longer in the code, still inside it
    assert relates(_snapshot(tags={"mlflow.source.name": since_deleted}), code.report, code.items)
