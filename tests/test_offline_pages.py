"""What a validator reads in the offline writer's sections: each fact named for what it is, once."""

from __future__ import annotations

from autodoc.document import TablePlan, TableSource
from autodoc.evidence import EvidenceItem, EvidenceStore, Source
from autodoc.llm.base import PlanTask, WriteTask
from autodoc.llm.offline.planner import plan_section
from autodoc.llm.offline.writer import write_block
from autodoc.plan.planner import _no_models_section
from autodoc.plan.select import select_evidence
from autodoc.write.data_fact import data_fact
from autodoc.write.fill import fill_table
from autodoc.write.gaps import summary_gaps
from autodoc.write.summary import summary_facts
from tests.support.builders.store import sample_store, section


def _code(eid: str, kind: str, value: object, label: str | None = None, **attrs) -> EvidenceItem:
    path, line = eid.split(":")[1], int(eid.split(":")[2])
    src = Source(kind="code", path=path, line_start=line)
    return EvidenceItem(
        id=eid, kind=kind, label=label or f"{kind} {value}", value=value, attrs=attrs, source=src, live=True
    )


def _task(name: str, evidence: list[EvidenceItem]) -> WriteTask:
    return WriteTask(document_title="Doc", section_id="s", section_name=name, heading=name, evidence=evidence)


ONE_SPLIT = _code(
    "c:split.py:26:cv:GroupShuffleSplit", "cv", "GroupShuffleSplit", scheme="single split", role="production"
)
FOLDS = _code("c:tune.py:156:cv:GroupKFold", "cv", "GroupKFold", folds=5)
SPLIT_PARAMS = [
    _code("c:split.py:26:param:n_splits", "param", 1, owner=ONE_SPLIT.id),
    _code("c:split.py:26:param:test_size", "param", 0.2, owner=ONE_SPLIT.id),
    _code("c:tune.py:156:param:n_splits", "param", 5, owner=FOLDS.id),
]


def test_a_shuffle_splitter_asked_for_one_split_is_a_hold_out_not_cross_validation():
    evidence = [ONE_SPLIT, FOLDS, *SPLIT_PARAMS]
    text = write_block(_task("Validation Results", evidence)).text
    assert (
        "A hold-out split is made by `GroupShuffleSplit` (`split.py`, line 26)"
        " [[c:split.py:26:cv:GroupShuffleSplit]] with test_size = 0.2 [[c:split.py:26:param:test_size]]."
        in text
    )
    assert (
        "Cross-validation uses `GroupKFold` (`tune.py`, line 156) [[c:tune.py:156:cv:GroupKFold]]"
        " with n_splits = 5 [[c:tune.py:156:param:n_splits]]." in text
    )
    training = write_block(_task("Training Pipeline", evidence)).text
    assert "GroupShuffleSplit" not in training  # the split is stated in the Summary, never as CV


def _target(path: str, line: int) -> EvidenceItem:
    return _code(f"c:{path}:{line}:target:target", "target", "target", label="target column target")


CUT = _code(
    "c:prep.py:47:dropped_column:cols",
    "dropped_column",
    [
        "age",
        "weight",
        "medical_specialty",
        "payer_code",
        "encounter_id",
        "max_glu_serum",
        "A1Cresult",
        "examide",
    ],
    label="dropped columns age, weight, medical_specialty, payer_code, encounter_id, max_glu_serum, A1Cresu",
)


def test_a_fact_stated_at_several_places_is_one_row_named_without_its_value():
    targets = [_target("tune.py", 259), _target("main.py", 70), _target("main.py", 71)]
    store = sample_store().model_copy(update={"items": [*sample_store().items, *targets, CUT]})
    plan = TablePlan(
        title="T", source=TableSource(kind="code_facts", evidence_ids=[t.id for t in [*targets, CUT]])
    )
    tab = fill_table(plan, store, section("Data Overview"))
    assert [[str(c.value) for c in row] for row in tab.rows] == [
        ["target column", "target", "tune.py:259; main.py:70, 71"],
        [
            "dropped columns",
            "age, weight, medical_specialty, payer_code, encounter_id, max_glu_serum, A1Cresult, examide",
            "prep.py:47",
        ],
    ]
    assert {t.id for t in targets} <= set(tab.citations)  # every place is still cited


NAMED_READ = _code("c:load.py:3:data_source:read_csv", "data_source", "data/raw/x.csv", label="read_csv")
UNNAMED_READS = [
    _code("c:load.py:9:data_source:read_parquet", "data_source", None, label="read_parquet"),
    _code("c:prep.py:63:data_source:sql", "data_source", None, label="SQL cell 6"),
]


def test_reads_whose_file_is_not_resolved_are_said_once_after_the_files_that_are():
    evidence = [*UNNAMED_READS, NAMED_READ]
    text = write_block(_task("Data Overview", evidence)).text
    assert (
        "The training data are read from `data/raw/x.csv` (`load.py`, line 3)"
        " [[c:load.py:3:data_source:read_csv]]. The scan does not resolve the files or tables read by"
        " `read_parquet` (`load.py`, line 9)"
        " [[c:load.py:9:data_source:read_parquet]] and SQL cell 6 (`prep.py`, line 63)"
        " [[c:prep.py:63:data_source:sql]]." in text
    )
    store = EvidenceStore(created_at="now", generator_version="t", items=evidence)
    summary = data_fact(store)
    assert summary is not None and summary.text == (
        "Data are read from data/raw/x.csv (load.py, line 3) [[c:load.py:3:data_source:read_csv]]."
        " The scan does not resolve the files or tables read by read_parquet (load.py, line 9)"
        " [[c:load.py:9:data_source:read_parquet]] and SQL cell 6 (prep.py, line 63)"
        " [[c:prep.py:63:data_source:sql]]."
    )
    scored = _code("c:score.py:5:data_source:read_csv", "data_source", "new.csv").model_copy(
        update={"role": "serving"}
    )
    named_only = data_fact(store.model_copy(update={"items": [NAMED_READ, scored]}))
    assert named_only is not None and "  " not in named_only.text, named_only.text


def test_a_column_set_dropped_at_several_places_is_one_sentence_citing_each_place():
    drops = [
        _code(f"c:train.py:{line}:dropped_column:cols", "dropped_column", ["id", "split_col"])
        for line in (169, 172)
    ]
    listed = _code(
        "c:prep.py:54:feature:cols",
        "feature",
        [f"c{n}" for n in range(10)],
        label="supported_cols (10 columns)",
    )
    text = write_block(_task("Feature Engineering", [*drops, listed])).text
    assert (
        "The pipeline drops 2 columns (id and split_col) "
        "[[c:train.py:169:dropped_column:cols]] [[c:train.py:172:dropped_column:cols]]." in text
    ), text
    assert text.count("drops 2 columns") == 1
    assert "`supported_cols` lists 10 columns (c0, c1, c2, c3, c4, c5, c6, c7 and others)" in text


def test_a_registry_without_models_is_said_once_among_the_gaps():
    store = sample_store()
    read = store.model_copy(
        update={
            "items": [i for i in store.items if i.kind not in ("registered_model", "model_version", "alias")],
            "mlflow": store.mlflow.model_copy(update={"registered_models": []}),
            "mlflow_note": "MLflow was read from the store committed in the code root.",
        }
    )
    facts = {f.topic: f.text for f in summary_facts(read)}
    assert facts["model"].startswith("The production code trains LogisticRegression")
    assert "No registered model version was found" not in facts["model"]
    assert "No registered models were found in MLflow." in summary_gaps(read)
    performance = _no_models_section("s", "6", "Model Performance", read, spec_name="Model Performance")
    assert performance.blocks[0].content.text == (
        "No registered models were found in the MLflow model registry, so this section has no "
        "per-model subsections."
    )


def test_the_production_model_is_named_first_in_the_model_section():
    tried = _code("c:tune.py:186:estimator:LogisticRegression", "estimator", "LogisticRegression")
    saved = _code(
        "c:pipeline.py:64:estimator:LogisticRegression",
        "estimator",
        "LogisticRegression",
        saved_by="c:x:1:save",
    )
    text = write_block(_task("Model Architecture", [tried, saved])).text
    assert text.startswith(
        "The code constructs `LogisticRegression` at `pipeline.py`, line 64 (production model)"
        " [[c:pipeline.py:64:estimator:LogisticRegression]]. The code constructs `LogisticRegression` at"
        " `tune.py`, line 186"
    ), text
    store = EvidenceStore(created_at="now", generator_version="t", items=[tried, saved])
    table = fill_table(TablePlan(title="T", source=TableSource(kind="estimators")), store, section("Model"))
    assert str(table.rows[0][0].value) == "LogisticRegression (production model)"


POINTER = "This notebook is also available at https://github.com/example/risk"


def _readme(line: int, text: str) -> EvidenceItem:
    src = Source(kind="code", path="README.md", line_start=line)
    return EvidenceItem(
        id=f"c:README.md:{line}:readme",
        kind="readme",
        label="README.md",
        value="README.md",
        text=text,
        source=src,
    )


def test_a_pointer_to_where_a_copy_is_kept_is_never_quoted_as_the_purpose():
    opening = _readme(1, POINTER)  # the README's text before its first heading
    about = _readme(
        7, "Predicts the risk of an emergency admission of a heart-failure patient. It ranks patients."
    )
    store = EvidenceStore(created_at="now", generator_version="t", items=[opening, about])
    purpose = {f.topic: f.text for f in summary_facts(store)}["purpose"]
    assert purpose.startswith(
        "The project README states: \u201cPredicts the risk of an emergency admission"
    ), purpose
    overview = write_block(_task("Executive Summary", [opening])).text
    assert "github.com" not in overview and "purpose is stated" not in overview, overview


SEARCH = [
    _code(
        "c:tune.py:138:hyperparameter_search:model",
        "hyperparameter_search",
        {"type": "categorical"},
        label="search space of model",
        call="suggest_categorical",
    ),
    _code(
        "c:tune.py:147:hyperparameter_search:C",
        "hyperparameter_search",
        {"type": "loguniform"},
        label="search space of C",
        call="suggest_loguniform",
    ),
    _code(
        "c:tune.py:269:hyperparameter_search:create_study",
        "hyperparameter_search",
        "create_study",
        label="create_study (tune.py)",
        call="optuna.create_study",
    ),
    _code(
        "c:tune.py:278:hyperparameter_search:optimize",
        "hyperparameter_search",
        "optimize",
        label="optimize (tune.py)",
        call="study.optimize",
    ),
]


def test_a_search_is_named_by_its_call_with_the_hyperparameters_its_space_chooses():
    for section_name in ("Training Pipeline", "Validation Results"):
        text = write_block(_task(section_name, SEARCH)).text
        assert (
            "Hyperparameters are searched with `optimize` (`tune.py`, line 278)"
            " [[c:tune.py:278:hyperparameter_search:optimize]] over model and C"
            " (`tune.py`, line 138 to line 147)"
            " [[c:tune.py:138:hyperparameter_search:model]] [[c:tune.py:147:hyperparameter_search:C]]."
            in text
        ), text
        assert "search space of" not in text and "create_study" not in text


def _mlflow(eid: str, kind: str, value: object, **attrs) -> EvidenceItem:
    src = Source(kind="mlflow", run_id=attrs.get("run_id"), experiment_id="1")
    return EvidenceItem(id=eid, kind=kind, label=f"{kind} {value}", value=value, attrs=attrs, source=src)


def test_finished_runs_the_experiment_counts_are_not_listed_again():
    exp = _mlflow("x:1", "experiment", "churn", runs=3, status_counts={"FINISHED": 2, "FAILED": 1})
    runs = [
        _mlflow("r:aaaa1111", "run", "FINISHED", run_id="aaaa1111", run_name="base", status="FINISHED"),
        _mlflow("r:bbbb2222", "run", "FINISHED", run_id="bbbb2222", run_name="wide", status="FINISHED"),
        _mlflow("r:cccc3333", "run", "FAILED", run_id="cccc3333", run_name="lasso", status="FAILED"),
    ]
    text = write_block(_task("Training Pipeline", [exp, *runs])).text
    assert (
        "Runs are tracked in the MLflow experiment `churn` [[x:1]], which holds 3 runs"
        " (1 FAILED and 2 FINISHED)." in text
    )
    assert "The run `lasso` [[r:cccc3333]] ended with status FAILED." in text
    assert "ended with status FINISHED" not in text, text


def test_the_executive_summary_names_measures_not_curves_or_reports():
    metrics = [
        _code(f"c:evaluate.py:{n}:metric:{name}", "metric", name)
        for n, name in enumerate(
            ("roc_auc_score", "precision_recall_curve", "brier_score_loss", "classification_report"), 10
        )
    ]
    text = write_block(_task("Executive Summary", metrics)).text
    assert (
        "Its quality is measured by ROC AUC [[c:evaluate.py:10:metric:roc_auc_score]]"
        " and Brier score [[c:evaluate.py:12:metric:brier_score_loss]]." in text
    ), text


def test_settings_from_two_files_are_said_file_by_file():
    settings = [
        _code("c:a.json:3:config:C", "config", 0.5, key="C"),
        _code("c:b.json:4:config:C", "config", 0.1, key="C"),
        _code("c:b.json:5:config:solver", "config", "saga", key="solver"),
    ]
    text = write_block(_task("Appendix", settings)).text
    assert (
        "`a.json` sets C = 0.5 [[c:a.json:3:config:C]]; `b.json` sets C = 0.1 [[c:b.json:4:config:C]]"
        " and solver = `saga` [[c:b.json:5:config:solver]]." in text
    ), text


def test_the_production_models_written_settings_are_said_beside_those_it_unpacks():
    model = _code(
        "c:pipeline.py:64:estimator:LogisticRegression",
        "estimator",
        "LogisticRegression",
        saved_by=[{"id": "c:train.py:9:model_save:dump"}],
        unresolved=["params"],
    )
    solver = _code(
        "c:pipeline.py:64:param:solver", "param", "liblinear", owner=model.id, owner_kind="estimator"
    )
    tried = _code("c:tune.py:10:estimator:SGDClassifier", "estimator", "SGDClassifier")
    many = [  # a tuning script's settings, written before the production model's
        _code(f"c:tune.py:{n}:param:p{n}", "param", n, owner=tried.id, owner_kind="estimator")
        for n in range(11, 200)
    ]
    store = EvidenceStore(created_at="now", generator_version="t", items=[tried, *many, model, solver])
    chosen = select_evidence(section("Model Architecture"), store)
    assert solver.id in {i.id for i in chosen}
    text = write_block(_task("Model Architecture", chosen)).text
    assert (
        "(production model) [[c:pipeline.py:64:estimator:LogisticRegression]], with solver = `liblinear`"
        " [[c:pipeline.py:64:param:solver]] and its settings unpacked from an expression the scan does not"
        " resolve (not defaults)." in text
    ), text


def _part(line: int, part: str, word: str) -> EvidenceItem:
    value = {"how": "column", "column": "fold", "rule": f"fold == '{part}'", "part": part}
    return _code(
        f"c:train.py:{line}:split:{part}", "split", value, label=f"column split: fold == '{part}'", part=word
    )


def test_rows_split_by_a_column_naming_their_part_are_said_in_words():
    splits = [_part(164, "train", "training"), _part(165, "test", "test")]
    validation = write_block(_task("Validation Results", splits)).text
    assert validation.startswith(
        "The rows are split by the column fold: training rows have fold == 'train' (`train.py`, line 164)"
        " [[c:train.py:164:split:train]] and test rows have fold == 'test' (`train.py`, line 165)"
        " [[c:train.py:165:split:test]]."
    ), validation
    store = EvidenceStore(created_at="now", generator_version="t", items=splits)
    summary = {f.topic: f.text for f in summary_facts(store)}["split"]
    assert summary.startswith("The rows are split by the column fold: training rows have fold == 'train'"), (
        summary
    )


def test_a_notebooks_settings_never_crowd_the_models_own_out_of_its_section():
    def _nb(cell: int) -> EvidenceItem:
        src = Source(kind="code", path="eda.ipynb", cell=cell, line_start=2)
        return EvidenceItem(
            id=f"c:eda.ipynb#{cell}:2:param:p{cell}",
            kind="param",
            label="p",
            value=cell,
            source=src,
            live=True,
        )

    model = _code("c:train.py:104:estimator:XGBClassifier", "estimator", "XGBClassifier")
    depth = _code("c:train.py:105:param:max_depth", "param", 4, owner=model.id, owner_kind="estimator")
    evidence = [*(_nb(c) for c in range(1, 30)), model, depth]
    plan = plan_section(
        PlanTask(
            document_title="D",
            section_id="s",
            section_name="Model Architecture",
            heading="Model Architecture",
            evidence=evidence,
        )
    )
    chosen = [i for i in evidence if i.id in plan.blocks[0].evidence_ids]
    text = write_block(_task("Model Architecture", chosen)).text
    assert "with max_depth = 4 [[c:train.py:105:param:max_depth]]" in text, text


def test_the_production_models_settings_are_sent_first_only_where_the_model_is_the_topic():
    model = _code("c:train.py:9:estimator:SGDClassifier", "estimator", "SGDClassifier", saved_by=[{}])
    settings = [
        _code(f"c:train.py:{n}:param:p{n}", "param", n, owner=model.id, owner_kind="estimator")
        for n in range(10, 110)
    ]
    store = EvidenceStore(
        created_at="now", generator_version="t", items=[ONE_SPLIT, *SPLIT_PARAMS, model, *settings]
    )
    for name in ("Executive Summary", "Validation Results"):
        chosen = {i.id for i in select_evidence(section(name), store)}
        assert "c:split.py:26:param:test_size" in chosen, name


def test_the_executive_summary_cites_the_production_model_not_a_tuning_copy_of_its_class():
    tried = _code("c:tune.py:186:estimator:LogisticRegression", "estimator", "LogisticRegression")
    saved = _code(
        "c:pipeline.py:64:estimator:LogisticRegression", "estimator", "LogisticRegression", saved_by=[{}]
    )
    text = write_block(_task("Executive Summary", [tried, saved])).text
    assert (
        "The production model is a logistic regression [[c:pipeline.py:64:estimator:LogisticRegression]]"
        in text
    )
    assert "tune.py" not in text, text


def test_a_setting_left_to_run_time_is_placed_like_every_other_in_the_hyperparameter_table():
    model = _code("c:tune.py:308:estimator:SGDClassifier", "estimator", "SGDClassifier")
    alpha = _code(
        "c:tune.py:308:param:alpha", "param", None, owner=model.id, owner_kind="estimator", unresolved=True
    )
    loss = _code("c:tune.py:308:param:loss", "param", "log_loss", owner=model.id, owner_kind="estimator")
    store = EvidenceStore(created_at="now", generator_version="t", items=[model, alpha, loss])
    table = fill_table(TablePlan(title="T", source=TableSource(kind="estimators")), store, section("Model"))
    rows = [[str(c.value) for c in row[1:]] for row in table.rows]
    assert ["alpha", "set at run time (not resolved from the code)", "tune.py, line 308"] in rows, rows
    assert ["loss", "log_loss", "tune.py, line 308"] in rows, rows


def test_one_file_spelled_with_and_without_a_leading_dot_slash_is_one_read():
    """A readmission project reads data/raw/diabetic_data.csv in one module and
    ./data/raw/diabetic_data.csv in another: the Data line named the file twice."""
    again = _code("c:loader.py:7:data_source:read_csv", "data_source", "./data/raw/x.csv", label="read_csv")
    store = EvidenceStore(created_at="now", generator_version="t", items=[NAMED_READ, again])
    summary = data_fact(store)
    assert summary is not None and summary.text == (
        "Data are read from data/raw/x.csv (load.py, line 3) [[c:load.py:3:data_source:read_csv]]."
    ), summary.text
    text = write_block(_task("Data Overview", [NAMED_READ, again])).text
    assert "`data/raw/x.csv` (`load.py`, line 3) [[c:load.py:3:data_source:read_csv]]." in text, text
    assert "./data/raw/x.csv" not in text, text
