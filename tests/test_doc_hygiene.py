"""Small rules a validator would otherwise send back: no variant values as the model's, no markup
in the flagged-figures table, a split cell that reads as its rule, rounded figures inside a cell."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem, Source
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.prose import config
from autodoc.render.word.backmatter import plain_context
from autodoc.write.cells import plain


def _config(key: str, value: object, path: str, **attrs: object) -> EvidenceItem:
    return EvidenceItem(
        id=f"c:{path}:3:config:{key}",
        kind="config",
        label=f"{key} = {value}",
        value=value,
        source=Source(kind="code", path=path, line_start=3),
        role="production",
        attrs=dict(attrs),
    )


def test_a_debug_experiment_or_sweep_variant_never_stands_for_the_models_configuration() -> None:
    facts = Facts(
        [
            _config("optimizer.lr", 0.001, "configs/model/mnist.yaml"),
            _config("model.optimizer.lr", 0.002, "configs/experiment/example.yaml", variant="experiment"),
            _config(
                "hydra.sweeper.n_trials",
                20,
                "configs/hparams_search/optuna.yaml",
                variant="hyperparameter sweep",
            ),
        ]
    )
    text = config(facts, None, "The configuration sets")
    assert "optimizer.lr = 0.001" in text
    assert "0.002" not in text and "n_trials" not in text


def test_flagged_context_split_values_and_figures_in_cells_read_as_text() -> None:
    assert plain_context("OptunaSweeper` [[c:configs/hparams_search/mnist_optuna.") == "OptunaSweeper"
    assert plain_context("a = 1 [[c:x.py:3:config:a]] and `b`") == "a = 1 and b"
    rule = {
        "how": "time",
        "fraction": 0.8,
        "rule": "first 0.8 of rows ordered by issue_d train, the rest test",
    }
    assert plain(rule) == "first 0.8 of rows ordered by issue_d train, the rest test"
    # settings inside a joined string read exactly as written (a tuned value is a setting)
    tuned = {"lambda_l2": 10.761904282341032, "max_bin": 434}
    assert plain(tuned) == "lambda_l2=10.761904282341032, max_bin=434"
    assert plain(0.123456789) == 0.123456789  # a single value stays exact: the renderer rounds it


def test_exploratory_estimators_never_share_the_models_hyperparameter_table() -> None:
    from autodoc.document import TablePlan, TableSource
    from autodoc.evidence import EvidenceStore
    from autodoc.write.fill import fill_table
    from tests.support.builders.store import section

    def est(path: str, role: str) -> EvidenceItem:
        return EvidenceItem(
            id=f"c:{path}:5:estimator:XGBClassifier",
            kind="estimator",
            label="XGBClassifier",
            value="XGBClassifier",
            source=Source(kind="code", path=path, line_start=5),
            role=role,
        )

    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[est("scripts/run_pipeline.py", "production"), est("notebooks/EDA.ipynb", "exploratory")],
    )
    plan = TablePlan(title="T", source=TableSource(kind="estimators"))
    tab = fill_table(plan, store, section("Model Architecture"))
    assert [row[-1].value for row in tab.rows] == ["scripts/run_pipeline.py:5"]
    assert "exploratory" in tab.note and "notebooks/EDA.ipynb" in tab.note


def test_long_unbreakable_cells_neither_transpose_the_table_nor_break_a_header() -> None:
    from autodoc.render.measure import longest_part_pt
    from autodoc.render.word.layout import lay_out

    rows = [
        [
            "train_test_split (scripts/run_pipeline.py)",
            "test_size=0.2, random_state=42",
            "scripts/run_pipeline.py:93-98",
        ],
        [
            "read_csv(data/raw/Telco-Customer-Churn.csv)",
            "data/raw/Telco-Customer-Churn.csv",
            "scripts/prepare.py:12",
        ],
        ["read_csv", "—", "src/data/load_data.py:17"],
    ]
    lay = lay_out(["Fact", "Value", "Source"], rows, None, 300.0)
    assert lay.columns == [
        "Fact",
        "Value",
        "Source",
    ]  # transposing would put 'Source' in a narrow label column
    for header, width in zip(lay.columns, lay.widths_pt, strict=True):
        assert width >= longest_part_pt(header, bold=True, size=lay.header_pt)


def test_articles_follow_the_sound() -> None:
    from autodoc.llm.offline.plain import article

    assert [
        article(w) for w in ("XGB classifier", "logistic regression", "MLP", "random forest", "elastic net")
    ] == [
        "an",
        "a",
        "an",
        "a",
        "an",
    ]


def test_an_empty_section_names_its_own_gap_not_a_neighbours() -> None:
    from autodoc.llm.base import WriteTask
    from autodoc.llm.offline.writer import write_block

    task = WriteTask(
        document_title="D",
        section_id="feature-engineering",
        section_name="Feature Engineering",
        heading="Feature Engineering",
        missing=[
            "No data source (file, table or query read) was found in the code.",
            "No feature transformation was found in the code.",
        ],
    )
    assert write_block(task).text == "No feature transformation was found in the code."


def test_a_metric_computed_at_three_lines_is_named_once_and_a_hydra_class_key_reads_plainly() -> None:
    from autodoc.evidence import EvidenceStore
    from autodoc.llm.offline.prose import code_list
    from autodoc.write.summary import summary_facts

    def metric(line: int) -> EvidenceItem:
        return EvidenceItem(
            id=f"c:m.py:{line}:metric:Accuracy",
            kind="metric",
            label="Accuracy",
            value="Accuracy",
            source=Source(kind="code", path="m.py", line_start=line),
            role="production",
        )

    text = code_list(Facts([metric(67), metric(68), metric(69)]), ("metric",), "The evaluation code computes")
    assert text.count("`Accuracy`") == 1 and "line 67" in text and "line 68" not in text
    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[_config("optimizer._target_", "torch.optim.Adam", "configs/model/mnist.yaml")],
    )
    hyper = next(f.text for f in summary_facts(store) if f.topic == "hyperparameters")
    assert "sets optimizer = torch.optim.Adam [[" in hyper  # the class it builds, not the key "_target_"


def test_a_named_column_list_reads_as_a_list_unless_its_name_says_dropped() -> None:
    from autodoc.llm.base import WriteTask
    from autodoc.llm.offline.writer import write_block

    def columns(name: str) -> EvidenceItem:
        return EvidenceItem(
            id=f"c:f.py:10:feature:{name}",
            kind="feature",
            label=f"{name} (2 columns)",
            value=["gender", "tenure"],
            source=Source(kind="code", path="f.py", line_start=10),
            role="production",
            attrs={"how": "list"},
        )

    def text(name: str) -> str:
        task = WriteTask(
            document_title="D",
            section_id="feature-engineering",
            section_name="Feature Engineering",
            heading="Feature Engineering",
            evidence=[columns(name)],
        )
        return write_block(task).text

    assert "`required_columns` lists 2 columns (gender and tenure)" in text("required_columns")
    assert "The pipeline drops 2 columns (gender and tenure)" in text("DROPPED_COLUMNS")


def test_a_table_column_of_close_scores_shows_the_digits_that_tell_them_apart() -> None:
    from autodoc.render.format import distinct_columns

    rows = [["v1", 0.99768, 0.97, None], ["v2", 0.99802, 0.98, "x"], ["v3", 0.99768, 0.97, 3]]
    assert distinct_columns(rows) == [
        ["v1", "0.9977", "0.97", "—"],
        ["v2", "0.9980", "0.98", "x"],
        ["v3", "0.9977", "0.97", "3"],
    ]


def test_deployment_names_serving_entry_points_and_leaves_training_ones_to_training() -> None:
    from autodoc.llm.base import WriteTask
    from autodoc.llm.offline.writer import write_block

    def entry(path: str, role: str) -> EvidenceItem:
        return EvidenceItem(
            id=f"c:{path}:1:entry_point",
            kind="entry_point",
            label=f"entry point {path}",
            value=path,
            source=Source(kind="code", path=path, line_start=1),
            role=role,
        )

    task = WriteTask(
        document_title="D",
        section_id="deployment-considerations",
        section_name="Deployment Considerations",
        heading="Deployment Considerations",
        evidence=[entry("train.py", "production"), entry("serve.py", "serving")],
    )
    text = write_block(task).text
    assert "served from" in text and "serve.py" in text
    assert "train.py" not in text
