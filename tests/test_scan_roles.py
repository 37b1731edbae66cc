"""Which code is the production model's: entry points from what launches them, roles, the pipeline,
excerpts, and what surrounds the model (serving, packaging, monitoring)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autodoc.document import CITATION_RE
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.scan.code.tree import CodeScan, scan_code

SERVICE = Path(__file__).parent / "fixtures" / "code" / "service"
CANARY = "Hx9-CANARY-body-secret-4471"


@pytest.fixture(scope="module")
def scan() -> CodeScan:
    return scan_code(str(SERVICE), commit_info=False)


def _items(scan: CodeScan, kind: str, path: str | None = None) -> list[EvidenceItem]:
    return [i for i in scan.items if i.kind == kind and (path is None or i.source.path == path)]


def _one(scan: CodeScan, kind: str, path: str, name: str | None = None) -> EvidenceItem:
    found = [i for i in _items(scan, kind, path) if name is None or i.id.endswith(f":{name}")]
    assert len(found) == 1, [i.id for i in _items(scan, kind, path)]
    return found[0]


def _store(scan: CodeScan) -> EvidenceStore:
    return EvidenceStore(created_at="2026-01-01T00:00:00", generator_version="t", items=scan.items)


def test_entry_points_say_what_launches_them(scan: CodeScan) -> None:
    reasons = {i.value: (i.role, i.attrs["reason"]) for i in _items(scan, "entry_point")}
    assert reasons["pipelines/run_pipeline.py"] == ("production", "run by dvc.yaml")
    assert reasons["app/main.py"][0] == "serving" and "Dockerfile.serve" in reasons["app/main.py"][1]
    assert reasons["monitoring/drift.py"][0] == "production"
    assert reasons["notebooks/eda.ipynb"] == ("exploratory", "notebook")
    assert reasons["scratch/try_boost.py"][0] == "exploratory"
    assert "tests/check_app.py" not in reasons and "model/old_train.py" not in reasons


def test_every_code_item_has_a_role_consistent_with_live(scan: CodeScan) -> None:
    assert all(i.role is not None for i in scan.items)
    for item in scan.items:
        if item.live is not None:
            assert item.live == (item.role in ("production", "serving", "exploratory")), item.id
    assert _one(scan, "param", "model/train.py", "C").role == "production"
    assert _one(scan, "param", "model/old_train.py", "n_estimators").role == "legacy"
    assert _one(scan, "param", "scratch/try_boost.py", "n_estimators").role == "exploratory"
    assert {i.role for i in scan.items if i.source.path == "tests/check_app.py"} == {"test"}
    assert _one(scan, "route", "app/main.py", "POST_/predict").role == "serving"


def test_production_values_come_first(scan: CodeScan) -> None:
    estimators = [i.value for i in _store(scan).by_kind("estimator")]
    assert estimators[0] == "LogisticRegression"
    assert estimators[-1] == "RandomForestClassifier"  # the legacy trainer's, after the notebook's
    roles = [i.role for i in _store(scan).by_topic("model")]
    assert roles == sorted(roles, key=["production", "serving", "exploratory", "legacy", "test"].index)


def test_pipeline_item_orders_the_production_call_chain(scan: CodeScan) -> None:
    pipe = _one(scan, "pipeline", "pipelines/run_pipeline.py")
    assert pipe.role == "production" and pipe.value == "load -> join -> split -> fit -> log/register"
    steps = pipe.attrs["steps"]
    assert (steps[0]["step"], steps[0]["path"], steps[0]["line"]) == ("load", "model/train.py", 10)
    fit = next(s for s in steps if s["step"] == "fit")
    assert (fit["path"], fit["line"]) == ("model/train.py", 22) and fit["id"] in {i.id for i in scan.items}
    assert [s["call"] for s in steps if s["step"] == "log/register"] == [
        "mlflow log_model",
        "mlflow log_metric",
    ]


def test_excerpts_quote_production_and_serving_code_only(scan: CodeScan) -> None:
    excerpts = {i.id: i for i in _items(scan, "excerpt")}
    fit = excerpts["c:model/train.py:15:excerpt:fit_model"]
    assert "model = LogisticRegression(C=0.5, max_iter=300)" in (fit.text or "")
    assert (fit.source.line_start, fit.source.line_end, fit.role) == (15, 25, "production")
    predict = excerpts["c:app/main.py:31:excerpt:predict"]
    assert predict.attrs["decorators"] == ['app.post("/predict", response_model=ScoreResponse)']  # as written
    assert predict.text.startswith("@app.post") and predict.role == "serving"
    assert "c:app/main.py:42:excerpt:decision_threshold" in excerpts  # a helper a route calls
    assert not [
        i for i in excerpts.values() if i.source.path.startswith(("model/old", "scratch", "notebooks"))
    ]


def test_secret_in_a_function_body_is_redacted_in_the_excerpt(scan: CodeScan) -> None:
    fit = _one(scan, "excerpt", "model/train.py", "fit_model")
    assert "[REDACTED:" in (fit.text or "") and CANARY not in (fit.text or "")
    assert CANARY not in _store(scan).to_json()


def test_long_blocks_are_cut_and_say_so(tmp_path: Path) -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(120))
    (tmp_path / "train.py").write_text(
        "from sklearn.linear_model import Ridge\n\n\ndef main():\n"
        + body
        + "    Ridge().fit([[0]], [0])\n\n\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    item = _one(scan_code(str(tmp_path), commit_info=False), "excerpt", "train.py", "main")
    lines = (item.text or "").splitlines()
    assert len(lines) == 81 and lines[-1] == "# … cut: 42 more lines (84-125) not shown"
    assert item.attrs["cut_lines"] == 42 and item.source.line_end == 125


def test_serving_routes_schemas_and_the_model_they_load(scan: CodeScan) -> None:
    route = _one(scan, "route", "app/main.py", "POST_/predict")
    assert route.value == "POST /predict"
    assert (route.attrs["request"], route.attrs["response"]) == (["ScoreRequest"], "ScoreResponse")
    schema = _one(scan, "schema", "app/main.py", "ScoreRequest")
    assert schema.value == {"tenure_months": "int", "monthly_charges": "float", "contract": "str"}
    loaded = _one(scan, "mlflow_call", "app/main.py", "load_model")
    assert (loaded.attrs["registered_model"], loaded.attrs["alias"]) == ("churn-clf", "champion")
    assert "deployment" in loaded.topics


def test_packaging_deployment_and_ci(scan: CodeScan) -> None:
    docker = _one(scan, "deployment", "Dockerfile.serve", "docker")
    assert docker.value == "python:3.11-slim" and docker.attrs["expose"] == ["8000"]
    assert docker.attrs["cmd"] == "uvicorn app.main:app --host 0.0.0.0 --port 8000"
    k8s = _one(scan, "deployment", "k8s/deployment.yaml", "k8s_Deployment")
    assert (k8s.value, k8s.attrs["replicas"], k8s.attrs["ports"]) == (
        "registry.example.com/churn-api:1.4.0",
        3,
        [8000],
    )
    assert _one(scan, "deployment", "docker-compose.yml", "compose").value == ["api"]
    ci = _one(scan, "deployment", ".github/workflows/monitor.yml", "ci")
    assert ci.value == "nightly-drift" and ci.attrs["commands"] == ["python monitoring/drift.py"]
    assert _one(scan, "deployment", "dvc.yaml", "dvc").attrs["stages"] == {
        "train": "python pipelines/run_pipeline.py"
    }


def test_monitoring_drift_tests_thresholds_and_alerts(scan: CodeScan) -> None:
    drift = _one(scan, "monitoring", "monitoring/drift.py", "drift")
    assert drift.attrs["tests"] == ["KS test", "PSI"]
    assert [t["value"] for t in drift.attrs["thresholds"]] == [0.01, 0.2]
    assert "monitoring" in drift.topics and drift.source.line_start == 9
    assert _one(scan, "monitoring", "monitoring/drift.py", "alert").source.line_start == 12


def test_notebook_ids_carry_the_cell_and_every_id_is_citable(scan: CodeScan) -> None:
    params = [i for i in _items(scan, "param", "notebooks/eda.ipynb")]
    assert [(i.id, i.value) for i in params] == [
        ("c:notebooks/eda.ipynb#1:2:param:n_estimators", 500),
        ("c:notebooks/eda.ipynb#2:1:param:n_estimators", 800),
        ("c:notebooks/eda.ipynb#3:2:param:n_estimators", 900),
    ]
    assert all(i.attrs["key"] == "n_estimators" for i in params)
    cite = re.compile(CITATION_RE)
    for item in scan.items:
        assert cite.fullmatch(f"[[{item.id}]]"), item.id
    assert any("containers(0)" in i.id for i in scan.items)  # config keys with [0] stay citable


def test_readme_badges_and_html_are_not_quoted(scan: CodeScan) -> None:
    text = " ".join(i.text or "" for i in _items(scan, "readme"))
    assert "Scores customers for churn risk" in text
    assert "badge" not in text and "<img" not in text and "shields.io" not in text


def test_launchers_in_every_spelling(tmp_path: Path) -> None:
    trainer = "from sklearn.linear_model import Ridge\nRidge(alpha={a}).fit([[0]], [0])\n"
    for name, alpha in (("docker_train.py", 1), ("make_train.py", 2), ("ml_train.py", 3), ("sh_train.py", 4)):
        (tmp_path / name).write_text(trainer.format(a=alpha))
    (tmp_path / "lib.py").write_text("import docker_train, make_train, ml_train, sh_train\n")
    (tmp_path / "train.dockerfile").write_text('FROM python:3.11\nENTRYPOINT ["python", "docker_train.py"]\n')
    (tmp_path / "Makefile").write_text("train:\n\tpython -u make_train.py --fast\n")
    (tmp_path / "MLproject").write_text("name: x\nentry_points:\n  main:\n    command: python ml_train.py\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\npython3 sh_train.py\n")
    (tmp_path / "api.py").write_text("from flask import Flask\nsvc = Flask(__name__)\n")
    (tmp_path / "Procfile").write_text(
        "web: gunicorn -k uvicorn.workers.UvicornWorker api:svc --bind 0.0.0.0:80\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    reasons = {i.value: i.attrs["reason"] for i in _items(scan, "entry_point")}
    assert reasons["docker_train.py"] == "run by train.dockerfile"
    assert reasons["make_train.py"] == "run by Makefile"
    assert reasons["ml_train.py"] == "run by MLproject"
    assert reasons["sh_train.py"] == "run by run.sh"
    assert reasons["api.py"] == "served by Procfile"
    assert {i.role for i in _items(scan, "param")} == {"production"}


def test_flask_routes_and_hooks_are_entry_points(tmp_path: Path) -> None:
    (tmp_path / "web.py").write_text(
        "from flask import Flask\n"
        "import joblib\n"
        "app = Flask(__name__)\n\n"
        "@app.route('/score', methods=['POST', 'PUT'])\n"
        "def score():\n    return helper()\n\n"
        "@app.before_request\n"
        "def auth():\n    return None\n\n"
        "def helper():\n    return 1\n\n"
        "def unused():\n    return 2\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    assert _one(scan, "route", "web.py").value == "POST/PUT /score"
    roles = {i.value: i.role for i in _items(scan, "function")}
    assert roles == {"score": "serving", "auth": "serving", "helper": "serving", "unused": "legacy"}


def test_notebooks_are_production_when_nothing_else_trains(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "from helpers import make_model\nm = make_model()\nm.fit([[0]], [0])"},
    ]  # fmt: skip
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "model.ipynb").write_text(json.dumps(nb))
    (tmp_path / "helpers.py").write_text(
        "from sklearn.svm import SVC\n\ndef make_model():\n    return SVC(C=2.5)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    entry = _one(scan, "entry_point", "model.ipynb")
    assert entry.role == "production" and "the only code that trains" in entry.attrs["reason"]
    assert _one(scan, "param", "helpers.py", "C").role == "production"
    assert _one(scan, "excerpt", "model.ipynb").text.startswith("from helpers import make_model")


def test_version_3_notebooks_are_read(tmp_path: Path) -> None:
    nb = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [{"cells": [{"cell_type": "code", "language": "python", "input": "x = 1\n",
                                   "outputs": [], "metadata": {}}], "metadata": {}}],
    }  # fmt: skip
    (tmp_path / "old.ipynb").write_text(json.dumps(nb))
    scan = scan_code(str(tmp_path), commit_info=False)
    assert [f.path for f in scan.report.files] == ["old.ipynb"] and not scan.report.skipped


def test_a_library_without_entry_points_is_production_code(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text(
        "from sklearn.svm import SVC\n\ndef build():\n    return SVC(C=1.5)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    param = _one(scan, "param", "pkg/model.py", "C")
    assert (param.role, param.live) == ("production", None)
    assert not _items(scan, "excerpt")  # nothing is known to run: no code is quoted


def test_files_that_cannot_be_read_are_said_in_the_report_and_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from docx import Document

    from autodoc.cli import main

    code = tmp_path / "code"
    code.mkdir()
    (code / "bad.py").write_text("def f(:\n    pass\n")
    (code / "train.py").write_text("from sklearn.svm import SVC\nSVC(C=2.0).fit([[0]], [0])\n")
    monkeypatch.chdir(tmp_path)
    spec = Path(__file__).resolve().parent.parent / "doc_spec.yaml"
    assert main(["-s", str(spec), "-c", str(code), "-o", "out", "-p", "offline"]) in (0, 1)
    said = "bad.py (syntax error at line 1: invalid syntax)"
    assert said in capsys.readouterr().out
    assert said in (tmp_path / "out" / "run_report.md").read_text()
    doc = Document(str(tmp_path / "out" / "model_documentation.docx"))
    rows = {r.cells[0].text: r.cells[1].text for t in doc.tables for r in t.rows if len(r.cells) >= 2}
    assert rows["Files not read"] == said


def test_model_artifacts_a_service_loads(tmp_path: Path) -> None:
    (tmp_path / "serve.py").write_text(
        "import joblib, pickle\nfrom flask import Flask\napp = Flask(__name__)\n"
        "model = joblib.load('models/churn.joblib')\n"
        "with open('enc.pkl', 'rb') as fh:\n    encoder = pickle.load(fh)\n"
        "scaler = pickle.load(open('scaler.pkl', 'rb'))\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    loads = {i.value: i for i in _items(scan, "model_load")}
    assert set(loads) == {"models/churn.joblib", "scaler.pkl", "enc.pkl"}  # enc.pkl: with open(...) as fh
    assert loads["models/churn.joblib"].role == "serving" and "deployment" in loads["scaler.pkl"].topics


def test_mlflow_recipe_steps_are_production_and_torch_loops_train(tmp_path: Path) -> None:
    (tmp_path / "recipe.yaml").write_text('recipe: "classification/v1"\ntarget_col: "churn"\n')
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "train.py").write_text(
        "def estimator_fn():\n    from sklearn.ensemble import RandomForestClassifier\n"
        "    return RandomForestClassifier(n_estimators=40)\n"
    )
    (tmp_path / "explore.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    (tmp_path / "loop.py").write_text(
        "import torch\nfrom torch import nn\n\ndef main():\n    net = nn.Linear(2, 1)\n"
        "    opt = torch.optim.AdamW(net.parameters(), lr=3e-4)\n    opt.step()\n\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    assert _one(scan, "param", "steps/train.py", "n_estimators").role == "production"
    assert "MLflow Recipes step" in _one(scan, "entry_point", "steps/train.py").attrs["reason"]
    assert "fit" in _one(scan, "pipeline", "loop.py").attrs["stages"]


def test_test_modules_are_listed_by_name_never_read_for_values(scan: CodeScan) -> None:
    """A test module is one item naming its tests; no estimator, value or body text comes from it."""
    found = [i for i in scan.items if i.source.path == "tests/check_model.py"]
    assert [(i.kind, i.role) for i in found] == [("module", "test")]
    tests = found[0]
    assert tests.attrs["tests"] == [
        "TestForest",
        "TestForest.test_fits",
        "test_secret_stays_in_the_body",
        "test_async_route",
    ]
    assert tests.attrs["test_count"] == 4 and "4 tests" in tests.label
    assert CANARY not in _store(scan).to_json()


def test_notebooks_a_databricks_job_runs_are_production(tmp_path: Path) -> None:
    head = "# Databricks notebook source\n"
    (tmp_path / "RUNME.py").write_text(
        head + 'job = {"tasks": [{"notebook_task": {"notebook_path": f"01-prep"}}]}\n'
    )
    (tmp_path / "01-prep.py").write_text(head + 'import pandas as pd\ndf = pd.read_csv("raw.csv")\n')
    (tmp_path / "02-train.py").write_text(
        head + "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)\n"
    )
    (tmp_path / "03-explore.py").write_text(head + 'import pandas as pd\npd.read_csv("raw.csv").describe()\n')
    scan = scan_code(str(tmp_path), commit_info=False)
    entries = {i.value: (i.role, i.attrs["reason"]) for i in _items(scan, "entry_point")}
    assert entries["01-prep.py"] == ("production", "run by RUNME.py")
    assert entries["02-train.py"][0] == "production" and entries["03-explore.py"][0] == "exploratory"
    assert _one(scan, "data_source", "01-prep.py", "read_csv").role == "production"


TRAINER = """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/loans.csv")
y = df["default"]
X = df.drop(columns=["default"])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
model = LogisticRegression(C=0.5, max_iter=500)
model.fit(X_train, y_train)
print(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
"""
# A short timing script that repeats the trainer's loading: it sorts first by name.
BENCH = """\
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/loans.csv")
y = df["default"]
LogisticRegression().fit(df.drop(columns=["default"]), y)
"""


def test_a_fact_two_scripts_share_is_cited_from_the_main_trainer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document

    from autodoc.cli import main

    code = tmp_path / "loans"
    code.mkdir()
    (code / "train.py").write_text(TRAINER)
    (code / "bench.py").write_text(BENCH)
    monkeypatch.chdir(tmp_path)
    spec = Path(__file__).resolve().parent.parent / "doc_spec.yaml"
    assert main(["-s", str(spec), "-c", str(code), "-o", "out", "-p", "offline"]) in (0, 1)
    doc = Document(str(tmp_path / "out" / "model_documentation.docx"))
    texts = [p.text for p in doc.paragraphs]
    said = [t for t in texts if "predicts default" in t or "target is default" in t]
    cited = {n for t in said for n in re.findall(r"default(?: \([^)]*\))? \[(\d+)\]", t)}
    refs = {t.split("\t", 1)[0].strip("[]"): t for t in texts if re.match(r"\[\d+\]\t", t)}
    assert cited and all("Code: train.py, line 7" in refs[n] for n in cited), (said, refs)
    assert all("(bench.py" not in t for t in said)


def test_a_module_left_with_merge_conflict_markers_is_said_as_such(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(
        "import os\n<<<<<<< HEAD\nfrom db import Base\n=======\n"
        "from app.db import Base\n>>>>>>> 0bf1011 (dashboard)\n"
    )
    (tmp_path / "train.py").write_text("from sklearn.svm import SVC\nSVC(C=2.0).fit([[0]], [0])\n")
    reasons = {s.path: s.reason for s in scan_code(str(tmp_path), commit_info=False).report.skipped}
    assert reasons == {"models.py": "unresolved merge conflict: its <<<<<<< marker is at line 2"}, reasons
