"""A fresh repository read as a validator reads it (offline writer, code only, model_risk template).

The fixture (tests/fixtures/code/scoring) has the constructs a small public project often has:
a training script with two definitions of its loader (the second wins), a stratified split, a
baseline and a tuned estimator, evaluation metrics; a batch scoring script that reads new data
and writes the predictions to a column; a FastAPI route whose module loads the kept model; a
notebook that builds the label and one that explores. Each test asserts what the reader of the Word
document sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceItem, EvidenceStore, Source
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.writer import write_block
from autodoc.plan.values import stratify_target
from autodoc.progress import Progress
from autodoc.scan.code.tree import scan_code
from autodoc.settings import Settings
from autodoc.spec import parse_spec, template_text
from autodoc.write.gaps import known_gap, summary_gaps
from autodoc.write.summary import summary_facts
from autodoc.write.tables import resolved_settings

SCORING = Path(__file__).parent / "fixtures" / "code" / "scoring"


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("scoring_doc")
    settings = Settings(code_root=str(SCORING), output_dir=str(out), provider="offline")
    result = pipeline.generate(parse_spec(template_text("model_risk"), "model_risk"), settings)
    document = Document(str(result.outputs.docx))
    summary: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    gaps: list[str] = []
    current = ""
    for para in document.paragraphs:
        text, style = para.text, para.style.name
        if style.startswith("Heading"):
            current = text
            continue
        if current == "Summary" and ": " in text and style == "List Bullet":
            head, body = text.split(": ", 1)
            summary[head] = body
        elif current == "What the evidence does not show" and style == "List Bullet":
            gaps.append(text)
        sections.setdefault(current, []).append(text)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return {"summary": summary, "gaps": gaps, "sections": sections, "tables": tables}


def _section(doc: dict[str, Any], start: str) -> str:
    return "\n".join(t for head, texts in doc["sections"].items() if head.startswith(start) for t in texts)


def test_a_route_and_its_handler_are_one_serving_fact_with_what_the_module_loads(doc) -> None:
    serving = doc["summary"]["Serving"]
    assert serving.count("/lapse") == 1, serving
    model = doc["summary"]["Production model"]  # the lineage names who loads the saved file: not again
    assert "service/api.py (line 8)" in model and "lapse_model.joblib" not in serving, serving
    assert "pipeline/batch.py (__main__ block, loads a model to score with it)" in serving, serving
    assert "POST /lapse" in serving and "lapse (" not in serving.replace("/lapse (", ""), serving


def test_without_a_saved_model_in_the_code_serving_names_the_file_the_served_module_loads() -> None:
    def code(eid: str, kind: str, value: object, **attrs: object) -> EvidenceItem:
        src = Source(kind="code", path="api.py", line_start=int(eid.split(":")[2]))
        return EvidenceItem(
            id=eid, kind=kind, label=kind, value=value, attrs=attrs, source=src, live=True, role="serving"
        )

    route = code(
        "c:api.py:9:route:POST_/score", "route", "POST /score", method="POST", path="/score", function="score"
    )
    handler = code("c:api.py:10:function:score", "function", "score")
    load = code("c:api.py:5:model_load:joblib.load", "model_load", "model.pkl")
    store = EvidenceStore(
        created_at="2026-12-03T00:00:00Z", generator_version="t", items=[handler, route, load]
    )
    (serving,) = [f.text for f in summary_facts(store) if f.topic == "serving"]
    assert serving == (
        f"The model is served by the route POST /score (api.py, line 9, handled by score) [[{route.id}]]"
        f"; the served code loads the model from model.pkl (api.py, line 5) [[{load.id}]]."
    )


def test_a_missing_decision_threshold_is_said_once(doc) -> None:
    assert sum("decision threshold" in gap for gap in doc["gaps"]) == 1, doc["gaps"]


def test_without_monitoring_code_the_evaluation_metrics_are_what_a_plan_could_track(doc) -> None:
    monitoring = _section(doc, "7 Ongoing Monitoring")
    assert monitoring.count("No monitoring code") == 1, monitoring
    assert "roc_auc_score" in monitoring and "a monitoring plan could track" in monitoring, monitoring
    assert "The code computes the metrics" not in monitoring


def test_limitations_do_not_restate_the_models(doc) -> None:
    limits = _section(doc, "6 Limitations")
    assert "LogisticRegression" not in limits and "GradientBoostingClassifier" not in limits, limits
    assert "No limitation or assumption of the model is documented" in limits


def test_monitoring_code_is_described_as_monitoring() -> None:
    def code(eid: str, kind: str, value: object, label: str, **attrs: object) -> EvidenceItem:
        src = Source(kind="code", path=eid.split(":")[1], line_start=int(eid.split(":")[2]))
        return EvidenceItem(id=eid, kind=kind, label=label, value=value, attrs=attrs, source=src, live=True)

    drift = code("c:watch.py:9:monitoring:drift", "monitoring", "PSI", "drift test: PSI", tests=["PSI"])
    metric = code("c:fit.py:40:metric:f1_score", "metric", "f1_score", "f1_score", on="test")
    task = WriteTask(
        document_title="Doc", section_id="s", section_name="Ongoing Monitoring", heading="Ongoing Monitoring"
    )
    text = write_block(task.model_copy(update={"evidence": [drift, metric]})).text
    assert "drift test: PSI" in text and f"[[{drift.id}]]" in text and "No monitoring code" not in text


def test_a_split_stratified_by_the_labels_says_it_is_stratified_by_the_target(doc) -> None:
    assert "stratified by the target (lapsed)" in doc["summary"]["Split"]
    rows = [
        " | ".join(row) for table in doc["tables"] for row in table if row[0].startswith("train_test_split")
    ]
    assert rows and all("stratified by the target (lapsed)" in r and "stratify=" not in r for r in rows), rows


@pytest.mark.parametrize(
    ("expr", "stratified"),
    [
        ('frame["lapsed"]', True),
        ("frame.lapsed", True),
        ("y_train", True),
        ('frame["region"]', False),
        ('y if split["stratify"] else None', True),  # config.yaml sets split.stratify: true
        ('y if split["balanced"] else None', False),  # ... and split.balanced: false
        ("y if args.unknown else None", False),  # a condition nothing sets
    ],
)
def test_stratify_resolves_to_the_target_only_when_it_names_the_target(expr: str, stratified: bool) -> None:
    def code(eid: str, kind: str, value: object, **attrs: object) -> EvidenceItem:
        src = Source(kind="code", path="fit.py", line_start=int(eid.split(":")[2]))
        return EvidenceItem(id=eid, kind=kind, label=kind, value=value, attrs=attrs, source=src, live=True)

    target = code("c:fit.py:5:target:lapsed", "target", "lapsed", name="labels")
    split = code("c:fit.py:9:split:train_test_split", "split", {})
    param = code(
        "c:fit.py:9:param:stratify",
        "param",
        None,
        owner=split.id,
        owner_kind="split",
        key="stratify",
        expr=expr,
    )
    settings = [
        code("c:config.yaml:7:config:split.stratify", "config", True),
        code("c:config.yaml:8:config:split.balanced", "config", False),
    ]
    assert (stratify_target(param, [target, split, param, *settings]) is target) is stratified


def test_a_split_stratified_by_data_columns_names_them_never_a_run_time_setting(tmp_path: Path) -> None:
    (tmp_path / "split.py").write_text(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n\n"
        "class Splitter:\n    def __init__(self):\n        self.data = pd.read_csv('visits.csv')\n\n"
        "    def run(self):\n"
        "        return train_test_split(\n            self.data, test_size=0.25, random_state=1,\n"
        "            stratify=self.data[['month', 'segment']],\n        )\n\n\n"
        "if __name__ == '__main__':\n    Splitter().run()\n"
    )
    store = EvidenceStore(
        created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan_code(str(tmp_path)).items
    )
    split = next(f.text for f in summary_facts(store) if f.topic == "split")
    assert (
        "random_state = 1 [[c:split.py:11:param:random_state]], stratified by the columns month and segment"
        in split
    )
    assert "[[c:split.py:12:param:stratify]]" in split and "run time" not in split
    (item,) = store.by_kind("split")
    assert resolved_settings(item, store) == (
        "test_size=0.25, random_state=1, stratified by the columns month, segment"
    )


def test_a_read_whose_path_the_scan_cannot_resolve_is_never_named_by_its_call(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "import os\nimport sys\n\nimport pandas as pd\n\n\n"
        "def load(name):\n    return pd.read_csv(os.path.join(os.environ['DATA'], name + sys.argv[1]))\n\n\n"
        "if __name__ == '__main__':\n    print(load('sales').shape)\n"
    )
    store = EvidenceStore(
        created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan_code(str(tmp_path)).items
    )
    data = next(f.text for f in summary_facts(store) if f.topic == "data")
    assert data.startswith("The scan does not resolve the file or table read by read_csv (load.py, line 8)")
    task = WriteTask(document_title="Doc", section_id="s", section_name="Data", heading="Data")
    text = write_block(task.model_copy(update={"evidence": store.by_kind("data_source")})).text
    assert "The scan does not resolve the file or table read by `read_csv` (`load.py`, line 8)" in text, text


def test_the_data_fact_names_the_training_file_once_and_the_scoring_input_apart(doc) -> None:
    data = doc["summary"]["Data"]
    assert data.startswith("Data are read from policies.csv (notebooks/label.ipynb, cell 0, line 3)"), data
    made = "notebooks/label.ipynb writes policies_labelled.csv (cell 1, line 3) [14]"
    assert f"{made}, which pipeline/fit.py reads (line 16)" in data, data  # where its file comes from
    assert data.count("policies_labelled.csv") == 1 and "read_csv [" not in data, data
    training, scoring = data.split("The scoring code", 1)
    assert "policies_this_month.csv" not in training and "policies_this_month.csv" in scoring
    assert "not training data" in scoring
    section = _section(doc, "2 Data")
    assert "The training data are read from policies_labelled.csv" in section, section


def test_a_function_defined_again_keeps_only_the_facts_of_the_definition_that_wins(doc) -> None:
    rows = [row for table in doc["tables"] for row in table if "policies_labelled.csv" in row]
    assert [row[-1] for row in rows] == ["pipeline/fit.py:16"], rows
    scan = scan_code(str(SCORING), commit_info=False)
    earlier = next(i for i in scan.items if i.id == "c:pipeline/fit.py:12:data_source:read_csv")
    assert earlier.live is False and earlier.role == "legacy"
    assert "defined again at line 15" in earlier.attrs["live_reason"]
    pipeline_item = next(i for i in scan.items if i.kind == "pipeline")
    loads = [s["line"] for s in pipeline_item.attrs["steps"] if s["step"] == "load"]
    assert loads == [16], loads


def test_a_column_holding_a_models_predictions_is_never_a_feature(doc) -> None:
    body = "\n".join(t for texts in doc["sections"].values() for t in texts)
    assert "lapse_flag" not in doc["summary"].get("Features", "") and "derived column lapse_flag" not in body
    scan = scan_code(str(SCORING), commit_info=False)
    (column,) = [i for i in scan.items if i.value == "lapse_flag"]
    assert column.kind == "prediction" and column.label == "prediction column lapse_flag"


def test_a_column_assigned_a_predict_call_directly_is_a_prediction(tmp_path: Path) -> None:
    (tmp_path / "score.py").write_text(
        "import joblib\nimport pandas as pd\n\n\ndef main():\n"
        "    model = joblib.load('m.pkl')\n    frame = pd.read_csv('new.csv')\n"
        "    frame['ratio'] = frame['a'] / frame['b']\n"
        "    frame['chance'] = model.predict_proba(frame)[:, 1]\n\n\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    kinds = {
        i.value: i.kind
        for i in scan_code(str(tmp_path), commit_info=False).items
        if i.value in ("ratio", "chance")
    }
    assert kinds == {"ratio": "feature", "chance": "prediction"}


def test_columns_built_on_the_predictions_are_no_features(tmp_path: Path) -> None:
    """Features are what the fit receives: a column computed after the last prediction (an error
    column) or on a frame of predictions (a submission's day id) is no feature; a lag the fit
    receives is one."""
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "train.py").write_text(
        "import pandas as pd\nfrom sklearn.linear_model import LinearRegression\n\n\n"
        "def submit():\n    preds = pd.read_csv('predictions.csv')\n"
        "    preds['day_id'] = 'F' + preds['day'].astype(str)\n\n\n"
        "if __name__ == '__main__':\n    sales = pd.read_csv('sales.csv')\n"
        "    sales['lag_7'] = sales['units'].shift(7)\n"
        "    model = LinearRegression().fit(sales[['lag_7']], sales['units'])\n"
        "    sales['pred'] = model.predict(sales[['lag_7']])\n"
        "    sales['error'] = sales['pred'] - sales['units']\n    submit()\n"
    )
    settings = Settings(code_root=str(tmp_path / "code"), output_dir=str(tmp_path / "out"))
    said = {f.topic: f.text for f in summary_facts(pipeline.scan(settings, Progress()))}["features"]
    assert said.startswith("The code builds 1 derived column (lag_7 ["), said
    assert "error" not in said and "day_id" not in said


def test_one_exploratory_estimator_is_counted_in_the_singular(doc) -> None:
    notes = [
        t for texts in doc["sections"].values() for t in texts if t.startswith("Not listed (exploratory")
    ]
    assert notes == ["Not listed (exploratory, not the model): 1 estimator in notebooks/explore.ipynb."], (
        notes
    )


def test_the_features_fact_names_each_dropped_column_once_never_the_target_or_the_scoring_codes() -> None:
    def code(eid: str, kind: str, value: object, role: str = "production") -> EvidenceItem:
        src = Source(kind="code", path=eid.split(":")[1], line_start=int(eid.split(":")[2]))
        return EvidenceItem(
            id=eid, kind=kind, label=f"{kind} {value}", value=value, source=src, live=True, role=role
        )

    store = EvidenceStore(
        created_at="2026-12-03T00:00:00Z",
        generator_version="t",
        items=[
            code("c:fit.py:19:target:lapsed", "target", "lapsed"),
            code("c:fit.py:21:feature:ratio", "feature", "ratio"),
            code("c:fit.py:17:dropped_column:policy_id", "dropped_column", ["policy_id"]),
            code("c:fit.py:18:dropped_column:lapsed", "dropped_column", ["lapsed"]),
            code("c:batch.py:10:dropped_column:policy_id", "dropped_column", ["policy_id"], role="serving"),
        ],
    )
    (features,) = [f.text for f in summary_facts(store) if f.topic == "features"]
    assert features == (
        "The code builds 1 derived column (ratio [[c:fit.py:21:feature:ratio]]) "
        "and drops policy_id [[c:fit.py:17:dropped_column:policy_id]]."
    )


def test_the_data_table_lists_the_training_code_facts_not_the_scoring_scripts(doc) -> None:
    (data,) = [
        t for t in doc["tables"] if t[0] == ["Fact", "Value", "Source"] and any("read_csv" in r[0] for r in t)
    ]
    sources = {row[-1].split(":")[0] for row in data[1:]}
    assert "pipeline/fit.py" in sources and "pipeline/batch.py" not in sources, data


def test_a_drift_tests_bound_is_no_decision_threshold_and_missing_metrics_are_said_once() -> None:
    service = (
        Path(__file__).parent / "fixtures" / "code" / "service"
    )  # monitoring/drift.py: P_VALUE_THRESHOLD
    store = EvidenceStore(
        created_at="2026-12-03T00:00:00Z",
        generator_version="t",
        items=scan_code(str(service), commit_info=False).items,
    )
    facts = summary_facts(store)
    assert "threshold" not in {f.topic for f in facts}
    gaps = summary_gaps(store, facts)
    assert "No decision threshold was found in the code or its configuration." in gaps
    assert "No metric computation was found in the code, and no MLflow run was read." in gaps
    assert known_gap("No metric computation was found in the code.")  # a section's gap: said once
