"""The offline writer's wording: values not expressions, plain words for readers, feedback it follows."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem, Source
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.feedback import read_feedback
from autodoc.llm.offline.plain import class_words, metric_words
from autodoc.llm.offline.writer import write_block
from autodoc.plan.values import resolve_param


def _code(eid: str, kind: str, value: object, **attrs) -> EvidenceItem:
    line = int(eid.split(":")[2])
    src = Source(kind="code", path="train.py", line_start=line)
    return EvidenceItem(
        id=eid, kind=kind, label=f"{kind} {value}", value=value, attrs=attrs, source=src, live=True
    )


def _mlflow(eid: str, kind: str, value: object, run: str, **attrs) -> EvidenceItem:
    src = Source(kind="mlflow", run_id=run, model_name=attrs.get("model"))
    return EvidenceItem(id=eid, kind=kind, label=f"{kind} {value}", value=value, attrs=attrs, source=src)


def _task(name: str, evidence: list[EvidenceItem], heading: str | None = None) -> WriteTask:
    """The offline writer's task for one section of a document titled 'Doc'."""
    return WriteTask(
        document_title="Doc", section_id="s", section_name=name, heading=heading or name, evidence=evidence
    )


EST = _code("c:train.py:84:estimator:LogisticRegression", "estimator", "LogisticRegression")
C_EXPR = _code(
    "c:train.py:85:param:C", "param", None, owner=EST.id, owner_name="LogisticRegression", expr='params["C"]'
)
CHAMPION = _mlflow(
    "mv:churn_logreg:2",
    "model_version",
    "2",
    "run2",
    model="churn_logreg",
    run_id="run2",
    aliases=["champion"],
)
CHALLENGER = _mlflow(
    "mv:churn_logreg:3",
    "model_version",
    "3",
    "run3",
    model="churn_logreg",
    run_id="run3",
    aliases=["challenger"],
)
LOGGED_CHAMPION = _mlflow(
    "r:run2:param:logreg.C", "run_param", "0.5", "run2", key="logreg.C", run_name="base"
)
LOGGED_CHALLENGER = _mlflow(
    "r:run3:param:logreg.C", "run_param", "2.0", "run3", key="logreg.C", run_name="wide"
)
CONFIG = _code("c:config.yaml:4:config:logreg.C", "config", 1.0)


def test_an_expression_resolves_to_the_value_the_champion_run_logged():
    items = [EST, C_EXPR, CHALLENGER, CHAMPION, LOGGED_CHALLENGER, LOGGED_CHAMPION, CONFIG]
    found = resolve_param(C_EXPR, items)
    assert (found.value, found.item.id) == ("0.5", LOGGED_CHAMPION.id)
    assert found.origin == "logged by run base as logreg.C"


def test_without_a_logged_value_the_configuration_key_the_expression_reads_is_used():
    found = resolve_param(C_EXPR, [EST, C_EXPR, CONFIG])
    assert (found.value, found.item.id) == (1.0, CONFIG.id)
    assert resolve_param(C_EXPR, [EST, C_EXPR]) is None  # unresolved: the writer says "set at run time"


def test_the_model_section_states_values_then_origin_never_the_expression():
    task = _task("Model Architecture", [EST, C_EXPR, CHAMPION, LOGGED_CHAMPION])
    text = write_block(task).text
    assert "C = 0.5 [[r:run2:param:logreg.C]] (the value logged by run base)" in text
    assert 'params["C"]' not in text and "= None" not in text


def test_readers_get_words_not_identifiers():
    assert class_words("GradientBoostingClassifier") == "gradient boosting classifier"
    assert class_words("sklearn.linear_model.LogisticRegression") == "logistic regression"
    assert metric_words("test_roc_auc") == "ROC AUC on the test split"
    assert metric_words("cv_f1") == "F1 score in cross-validation"
    from autodoc.llm.offline.plain import article

    words = class_words("OneHotEncoder")
    assert f"{article(words)} {words}" == "a one-hot encoder" and article("XGB classifier") == "an"


def test_a_code_only_executive_summary_says_what_the_model_learns_from_in_words():
    src = _code("c:data.py:12:data_source:read_csv", "data_source", "data/raw/churn.csv")
    prep = _code("c:features.py:40:preprocessing:StandardScaler", "preprocessing", "StandardScaler")
    pipe = _code("c:train.py:92:preprocessing:Pipeline", "preprocessing", "Pipeline")  # holds steps, is none
    task = _task("Executive Summary", [src, pipe, prep], heading="Summary")
    text = write_block(task).text
    assert "It learns from churn.csv [[c:data.py:12:data_source:read_csv]]." in text
    assert (
        "Its inputs are prepared with a standard scaler [[c:features.py:40:preprocessing:StandardScaler]]."
        in text
    )


def test_a_file_two_launchers_read_is_learnt_from_once():
    local = _code("c:flows/local.py:10:data_source:IncludeFile", "data_source", "data/daily-load.csv")
    batch = _code("c:flows/batch.py:10:data_source:IncludeFile", "data_source", "data/daily-load.csv")
    text = write_block(_task("Executive Summary", [local, batch], heading="Summary")).text
    assert "It learns from daily-load.csv [[c:flows/local.py:10:data_source:IncludeFile]]." in text


def test_feedback_the_offline_writer_follows_and_what_needs_an_llm():
    wanted = read_feedback("Shorter please, and leave out the legacy code.")
    assert wanted.shorter and wanted.leave_out == ["the legacy code"] and wanted.note is None
    assert read_feedback("Show this as a table").table
    assert read_feedback("Include the parameter values").parameter_values
    poem = read_feedback("Rewrite it in the tone of our risk policy")
    assert not poem.understood and "needs an LLM" in poem.note


def test_leave_out_drops_the_passages_that_mention_it():
    task = _task("Model Architecture", [EST, C_EXPR, CHAMPION, LOGGED_CHAMPION])
    assert "LogisticRegression" in write_block(task).text
    left_out = write_block(task.model_copy(update={"feedback": "leave out LogisticRegression"})).text
    assert "LogisticRegression" not in left_out


def test_exploratory_values_appear_only_in_a_labelled_passage_of_the_appendix():
    def notebook(eid: str, kind: str, value: object) -> EvidenceItem:
        src = Source(kind="code", path="notebooks/eda.ipynb", cell=4, line_start=2)
        return EvidenceItem(id=eid, kind=kind, label=f"{kind} {value}", value=value, source=src, live=True)

    items = [
        notebook("c:notebooks/eda.ipynb:2:threshold:t", "threshold", 0.3),
        _code("c:score.py:7:threshold:t", "threshold", 0.35),
    ]

    def text(name: str) -> str:
        return write_block(_task(name, items)).text

    validation = text("Validation Results")  # where the threshold is set out (once)
    assert "0.35" in validation and "0.3 " not in validation and "eda.ipynb" not in validation
    appendix = text("Appendix")
    assert "Exploratory work, not part of the production pipeline" in appendix and "0.3" in appendix


def test_exploratory_scripts_are_not_called_notebooks():
    src = Source(kind="code", path="analysis/explore.py", line_start=4)
    item = EvidenceItem(
        id="c:analysis/explore.py:4:threshold:t",
        kind="threshold",
        label="threshold 0.2",
        value=0.2,
        source=src,
        live=True,
        role="exploratory",
    )
    appendix = write_block(
        _task("Appendix", [item, _code("c:score.py:7:threshold:t", "threshold", 0.35)])
    ).text
    assert "Exploratory work, not part of the production pipeline: the scripts also contain" in appendix, (
        appendix
    )


def test_a_table_instead_of_prose_is_planned_when_the_reviewer_asks_for_one():
    from autodoc.llm.base import PlanTask
    from autodoc.llm.offline.planner import plan_section

    task = PlanTask(
        document_title="Doc",
        section_id="model",
        section_name="Model Architecture",
        heading="Model Architecture",
        evidence=[EST, C_EXPR],
        table_kinds=["evidence"],
    )
    assert [b.type for b in plan_section(task).blocks] == ["narrative"]
    asked = plan_section(task.model_copy(update={"feedback": "Please show this as a table"}))
    table = asked.blocks[1]
    assert table.type == "table" and table.source.kind == "evidence" and EST.id in table.source.evidence_ids


def test_training_names_where_the_model_is_fitted_not_the_call_or_a_transformers_fit():
    fits = [
        _code("c:train.py:40:fit:model", "fit", "fit", call="model.fit", on="model"),
        _code(
            "c:train.py:74:fit:encoder", "fit", "fit_transform", call="encoder.fit_transform", on="encoder"
        ),
    ]
    fits[0].text, fits[1].text = "model.fit(X_train, y_train)", "encoder.fit_transform(X)"
    task = _task("Training Pipeline", fits, heading="Training")
    text = write_block(task).text
    assert "The model is fitted at `train.py`, line 40 [[c:train.py:40:fit:model]]." in text
    assert "model.fit(" not in text and "fit_transform" not in text


def test_the_code_appendix_adds_the_mlflow_calls_and_does_not_relist_estimators():
    call = _code("c:train.py:189:mlflow_call:log_model", "mlflow_call", None, function="log_model")
    metric = _code("c:train.py:112:mlflow_call:log_metric", "mlflow_call", "cv_auc", function="log_metric")
    task = _task("Appendix", [EST, call, metric])
    text = write_block(task).text
    assert (
        "The code calls MLflow's log_model (`train.py`, line 189) [[c:train.py:189:mlflow_call:log_model]]"
        in text
    )
    assert "log_metric for cv_auc (`train.py`, line 112)" in text
    assert "LogisticRegression" not in text and "The scan also found" not in text


def test_the_code_appendix_says_what_the_code_records_before_the_clients_set_up():
    setup = [
        _code(f"c:train.py:{n}:mlflow_call:{name}", "mlflow_call", None, function=name)
        for n, name in enumerate(["set_tracking_uri", "set_experiment", "MlflowClient", "start_run"], 10)
    ]
    setup += [
        _code(f"c:train.py:{n}:mlflow_call:set_tag", "mlflow_call", f"tag_{n}", function="set_tag")
        for n in (20, 21, 22, 23, 24)
    ]
    metric = _code("c:train.py:112:mlflow_call:log_metric", "mlflow_call", "accuracy", function="log_metric")
    text = write_block(_task("Appendix", [*setup, metric])).text
    assert text.startswith("The code calls MLflow's log_metric for accuracy (`train.py`, line 112) [[")
    assert "set_tracking_uri (`train.py`, line 10)" in text  # set-up calls follow, as many as fit


def test_the_executive_summary_names_each_measure_once_in_words():
    metrics = [
        _code("c:train.py:117:metric:precision_score", "metric", "precision_score"),
        _code("c:train.py:119:metric:fbeta_score", "metric", "fbeta_score"),
        _code("c:train.py:162:metric:precision_score", "metric", "precision_score"),
    ]
    task = _task("Executive Summary", metrics, heading="Summary")
    text = write_block(task).text
    assert "measured by precision [[c:train.py:117:metric:precision_score]] and F-beta score" in text
    assert text.count("precision ") == 1  # the id in a citation says precision_score


def test_an_early_stopping_threshold_is_no_decision_threshold():
    stop = _code(
        "c:cfg.yaml:12:config:early_stopping.stopping_threshold", "config", None, key="stopping_threshold"
    )
    div = _code("c:cfg.yaml:13:config:early_stopping.divergence_threshold", "config", 5.0)
    for name in ("Validation Results", "Deployment Considerations"):
        assert "decision threshold" not in write_block(_task(name, [stop, div])).text, name


def test_the_features_table_lists_a_derived_column_once_and_never_the_target():
    from autodoc.llm.base import PlanTask
    from autodoc.llm.offline.planner import plan_section

    items = [
        _code("c:train.py:8:feature:TotalCharges", "feature", "TotalCharges"),
        _code("c:train.py:29:feature:TotalCharges", "feature", "TotalCharges"),
        _code("c:train.py:30:feature:Churn", "feature", "Churn"),
        _code("c:train.py:31:target:Churn", "target", "Churn"),
    ]
    task = PlanTask(
        document_title="Doc",
        section_id="f",
        section_name="Feature Engineering",
        heading="Feature Engineering",
        evidence=items,
        table_kinds=["code_facts"],
    )
    table = next(b for b in plan_section(task).blocks if b.type == "table")
    assert table.source.evidence_ids == ["c:train.py:8:feature:TotalCharges"]


def _planned(name: str, items: list[EvidenceItem], kinds: list[str] | None = None):
    """The offline plan of a section given `items` (its selection, most relevant first)."""
    from autodoc.llm.base import PlanTask
    from autodoc.llm.offline.planner import plan_section

    task = PlanTask(
        document_title="Doc",
        section_id="s",
        section_name=name,
        heading=name,
        evidence=items,
        table_kinds=kinds or [],
    )
    return plan_section(task).blocks


def _in(path: str, item: EvidenceItem) -> EvidenceItem:
    return item.model_copy(update={"source": item.source.model_copy(update={"path": path})})


def test_the_executive_summary_states_the_metrics_however_many_entry_points_and_readme_sections():
    items = [_code(f"c:README.md:{n}:readme:part_{n}", "readme", None) for n in range(1, 15)]
    items += [_code(f"c:eda.ipynb:{n}:notebook_markdown", "notebook_markdown", None) for n in range(1, 15)]
    items += [
        _in(f"job_{n}.py", _code(f"c:job_{n}.py:1:entry_point", "entry_point", None)) for n in range(14)
    ]
    items += [_in(f"job_{n}.py", _code(f"c:job_{n}.py:5:target:y", "target", "default")) for n in range(14)]
    items += [_code("c:train.py:68:metric:roc_auc_score", "metric", "roc_auc_score")]
    narrative = _planned("Executive Summary", items)[0]
    by_id = {i.id: i for i in items}
    text = write_block(_task("Executive Summary", [by_id[i] for i in narrative.evidence_ids])).text
    assert "Its quality is measured by ROC AUC [[c:train.py:68:metric:roc_auc_score]]." in text


def test_a_facts_table_counts_its_rows_not_the_places_that_repeat_one_fact():
    items = [_in(f"job_{n}.py", _code(f"c:job_{n}.py:5:target:y", "target", "default")) for n in range(40)]
    items += [_code("c:train.py:157:data_source:read_csv", "data_source", "data/iv-table.csv")]
    table = next(b for b in _planned("Data Overview", items, ["code_facts"]) if b.type == "table")
    assert table.source.evidence_ids[-1] == "c:train.py:157:data_source:read_csv"
    assert len(table.source.evidence_ids) == 41  # one row citing the 40 places, and the read


def test_a_recorded_origin_reads_as_a_place_not_a_mapping():
    param = _code("c:train.py:39:param:random_state", "param", 42, origin={"path": "config.json", "line": 3})
    found = resolve_param(param, [param])
    assert found is not None and found.origin == "config.json, line 3"
