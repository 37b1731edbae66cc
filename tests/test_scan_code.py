"""The code scanner on a realistic fixture tree: what a person checking the code would agree with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autodoc.errors import ScanError
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.scan import run_scan
from autodoc.scan.code.tree import CodeScan, scan_code
from autodoc.settings import Settings

FIXTURE = Path(__file__).parent / "fixtures" / "code" / "project"
FAKE_SECRETS = [
    "AKIAZZZZFAKEFIXTURE1",
    "fakeSecretKeyFixture",
    "fakefixturekey0123456789abcdef",
    "fakefixturekeyabcdefghij",
    "fakefixturetokenabcdefghijklmn",
    "fakefixturetokenabcdefghijklmnopqrst",
    "fakefixtureslack",
    "fakefixturebearertoken123",
    "fixturePassw0rd",
    "fixture-hunter2",
    "MIIfakefixtureprivatekeymaterial",
    "fixture-apikey-987654",
    "fixture-doc-token-555",
    "yaml-pa55w0rd-value",
    "env-file-secret-value",
]


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project plus the cases that cannot live in git (big file, symlink loop, .env, venv)."""
    root = tmp_path_factory.mktemp("code") / "project"
    shutil.copytree(FIXTURE, root, symlinks=True)
    (root / "bad" / "huge.py").write_text("x = 1\n" * 200_000)
    os.symlink("loop_b", root / "bad" / "loop_a")
    os.symlink("loop_a", root / "bad" / "loop_b")
    os.symlink(".", root / "bad" / "self_dir")
    (root / ".env").write_text("OPENAI_API_KEY=env-file-secret-value\n")
    venv = root / "myenv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "train_in_venv.py").write_text("from xgboost import XGBClassifier\nXGBClassifier(max_depth=99)\n")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.py").write_text("y = 2\n")
    (root / "mlruns").mkdir()
    (root / "mlruns" / "meta.yaml").write_text("a: 1\n")
    return root


@pytest.fixture(scope="module")
def scan(tree: Path) -> CodeScan:
    return scan_code(str(tree), commit_info=False)


def _one(
    scan: CodeScan, kind: str, path: str, name: str | None = None, line: int | None = None
) -> EvidenceItem:
    hits = [
        i
        for i in scan.items
        if i.kind == kind
        and i.source.path == path
        and (name is None or i.id.endswith(f":{name}"))
        and (line is None or i.source.line_start == line)
    ]
    assert len(hits) == 1, [i.id for i in scan.items if i.kind == kind and i.source.path == path]
    return hits[0]


def test_live_trainer_hyperparameters_are_cited_at_their_line(scan: CodeScan) -> None:
    line = _line_of(FIXTURE / "train.py", "max_depth=6")
    item = _one(scan, "param", "train.py", "max_depth")
    assert (item.value, item.source.line_start, item.live) == (6, line, True)
    assert item.id == f"c:train.py:{line}:param:max_depth"
    est = scan.items[[i.id for i in scan.items].index(item.attrs["owner"])]
    assert est.kind == "estimator" and est.value == "XGBClassifier" and est.live is True
    assert est.attrs["params"]["learning_rate"] == 0.05
    assert "main()" in est.attrs["live_reason"]


def test_legacy_trainer_and_unused_function_are_dead(scan: CodeScan) -> None:
    rf = _one(scan, "estimator", "legacy/train_v1.py")
    assert rf.value == "RandomForestClassifier" and rf.live is False
    assert "commented out" in rf.attrs["live_reason"]
    assert _one(scan, "param", "legacy/train_v1.py", "max_depth").live is False
    svc = _one(scan, "estimator", "src/churn/serve.py")
    assert svc.live is False and "unused_helper" in svc.attrs["live_reason"]
    assert _one(scan, "preprocessing", "features.py", "SimpleImputer").live is False


def test_indirection_config_module_star_params_argparse_and_yaml(scan: CodeScan) -> None:
    n_est = _one(
        scan, "param", "train.py", "n_estimators", _line_of(FIXTURE / "train.py", "n_estimators=PARAMS")
    )
    assert n_est.value == 300 and n_est.attrs["defined_at"].startswith("config.py:")
    lr_line = _line_of(FIXTURE / "train.py", "LogisticRegression(**PARAMS")
    assert _one(scan, "param", "train.py", "C", lr_line).value == 0.5
    assert _one(scan, "param", "train.py", "max_iter", lr_line).value == 1000
    mcw = _one(scan, "param", "train.py", "min_child_weight")
    assert mcw.value == 2.0 and "argparse default" in mcw.attrs["defined_at"]
    lgbm_line = _line_of(FIXTURE / "train.py", "LGBMClassifier(**CFG")
    leaves = _one(scan, "param", "train.py", "num_leaves", lgbm_line)
    assert leaves.value == 31 and leaves.attrs["defined_at"] == "params.yaml:2"
    assert leaves.attrs["origin"] == {"path": "params.yaml", "line": 2}
    seed = _one(
        scan, "param", "train.py", "random_state", _line_of(FIXTURE / "train.py", "random_state=SEED,")
    )
    assert seed.value == 42


def test_split_cv_metrics_threshold_target_features_data(scan: CodeScan) -> None:
    split = _one(scan, "split", "train.py")
    assert split.value == {"test_size": 0.2, "random_state": 42, "stratify": "y"}
    assert {"evaluation", "validation"} <= set(split.topics)
    folds = _one(scan, "param", "train.py", "n_splits")
    assert folds.value == 5 and folds.attrs["owner_kind"] == "cv"
    metrics = {i.value for i in scan.items if i.kind == "metric" and i.live}
    assert metrics == {"roc_auc_score", "f1_score"}
    thresholds = {(i.source.path, i.value) for i in scan.items if i.kind == "threshold"}
    assert ("evaluate.py", 0.35) in thresholds
    targets = {i.value for i in scan.items if i.kind == "target" and i.source.path == "train.py"}
    assert targets == {"churned"}
    derived = _one(scan, "feature", "features.py", "charges_per_month")
    assert derived.live is True and "features" in derived.topics
    assert _one(scan, "dropped_column", "features.py").value == ["customer_id", "signup_date"]
    src = _one(scan, "data_source", "train.py", "read_csv")
    assert src.value == "data/customers.csv"
    steps = _one(scan, "preprocessing", "features.py", "ColumnTransformer").attrs["steps"]
    assert steps == ["num: StandardScaler", "cat: OneHotEncoder"]


def test_mlflow_calls(scan: CodeScan) -> None:
    calls = {
        i.attrs["function"]: i for i in scan.items if i.kind == "mlflow_call" and i.source.path == "train.py"
    }
    assert calls["set_experiment"].value == "churn"
    assert calls["log_model"].value == "churn-xgb" and "deployment" in calls["log_model"].topics
    assert calls["log_metric"].value == "cv_auc"
    assert {"mlflow", "training"} <= set(calls["log_params"].topics)


def test_notebook_and_databricks(scan: CodeScan) -> None:
    nb = "notebooks/explore.ipynb"
    depth = _one(scan, "param", nb, "max_depth")
    assert (depth.value, depth.source.cell, depth.source.line_start, depth.live) == (8, 2, 5, True)
    md = [i for i in scan.items if i.kind == "notebook_markdown" and i.source.path == nb]
    assert md and md[0].source.cell == 0 and "Exploration" in (md[0].text or "")
    assert _one(scan, "data_source", nb).value == "load_breast_cancer"
    assert any("cell 3" in w and "syntax error" in w for w in scan.report.warnings)
    gb = _one(scan, "param", "dbx_train.py", "max_depth")
    assert gb.value == 3 and gb.live is True
    sql = _one(scan, "data_source", "dbx_train.py", "sql")
    assert sql.attrs["tables"] == ["analytics.customers", "analytics.usage"]
    assert any(i.kind == "notebook_markdown" and "Weekly retrain" in (i.text or "") for i in scan.items)


def test_entry_points_and_ranking(scan: CodeScan) -> None:
    report = scan.report
    assert report.entry_points == [
        "dbx_train.py",
        "notebooks/explore.ipynb",
        "src/churn/serve.py",
        "train.py",
    ]
    assert report.files[0].path == "train.py" and report.files[0].role == "entry_point"
    roles = [f.role for f in report.files]
    assert roles.index("docs") > roles.index("training") and roles.index("setup") > roles.index("config")
    assert [f.rank for f in report.files] == list(range(len(report.files)))
    assert scan_code(str(FIXTURE), commit_info=False).report.files[0].path == "train.py"


def test_bad_files_are_skipped_with_reasons(scan: CodeScan) -> None:
    reasons = {s.path: s.reason for s in scan.report.skipped}
    assert reasons["bad/syntax_error.py"] == "syntax error at line 1: invalid syntax"
    assert "bad/latin1.py" not in reasons  # it declares its encoding (PEP 263): read, not skipped
    assert reasons["bad/blob.py"] == "binary"
    assert reasons["bad/huge.py"] == "over 1 MB"
    assert reasons["bad/loop_a"] == "symlink loop" and reasons["bad/self_dir"] == "symlink loop"
    assert reasons[".env"] == "secret or key file: never read"
    scanned = {f.path for f in scan.report.files}
    assert "bad/latin1.py" in scanned
    assert not any(p.startswith(("myenv/", "node_modules/", "mlruns/")) for p in scanned)


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    (tmp_path / "locked.py").write_text("x = 1\n")
    (tmp_path / "locked.py").chmod(0)
    reasons = {s.path: s.reason for s in scan_code(str(tmp_path), commit_info=False).report.skipped}
    assert reasons["locked.py"].startswith("unreadable")


def test_secrets_never_reach_the_evidence_and_are_counted(tree: Path) -> None:
    store = run_scan(Settings(code_root=str(tree), output_dir=str(tree / "output")))
    text = store.to_json()
    leaked = [s for s in FAKE_SECRETS if s in text]
    assert leaked == []
    kinds = {r.kind for r in store.redactions if r.place.startswith(("db.py", "params.yaml"))}
    assert kinds >= {
        "aws_access_key",
        "assigned_secret",
        "sk_token",
        "anthropic_key",
        "hf_token",
        "github_token",
        "slack_token",
        "bearer_token",
        "url_password",
        "private_key",
    }
    connect = next(
        i for i in store.items if i.id.startswith("c:db.py:") and i.id.endswith("function:connect")
    )
    assert connect.text.startswith("Open a connection. Old token was token=[REDACTED:assigned_secret]")
    assert "[REDACTED:assigned_secret]" in connect.attrs["signature"]
    # Redacting the multi-line private key kept every later line number true.
    assert connect.source.line_start == _line_of(FIXTURE / "db.py", "def connect")
    assert EvidenceStore.from_json(text).items[0].id == store.items[0].id
    assert store.generator_version and store.timings["scan_code"] >= 0


def test_ids_unique_and_exclude_globs(tree: Path) -> None:
    scan = scan_code(str(tree), exclude=["legacy/*", "notebooks"], commit_info=False)
    ids = [i.id for i in scan.items]
    assert len(ids) == len(set(ids))
    paths = {f.path for f in scan.report.files}
    assert "legacy/train_v1.py" not in paths and "notebooks/explore.ipynb" not in paths


def test_missing_code_root_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ScanError, match="nope"):
        scan_code(str(missing))
    (tmp_path / "file.py").write_text("x = 1\n")
    with pytest.raises(ScanError, match=r"file\.py"):
        run_scan(Settings(code_root=str(tmp_path / "file.py")))


def test_git_commit_and_dirty_flag(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("no git")
    (tmp_path / "train.py").write_text("from sklearn.svm import SVC\nSVC(C=2.0)\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    import subprocess

    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run([git, "-C", str(tmp_path), *args], check=True, env=env)
    scan = scan_code(str(tmp_path))
    assert scan.report.commit and len(scan.report.commit) == 40 and scan.report.dirty is False
    assert _one(scan, "param", "train.py", "C").source.commit == scan.report.commit
    (tmp_path / "train.py").write_text("from sklearn.svm import SVC\nSVC(C=3.0)\n")
    again = scan_code(str(tmp_path))
    assert again.report.dirty is True and _one(again, "param", "train.py", "C").value == 3.0
    assert scan_code(str(tmp_path / ".git" / ".."), commit_info=False).report.commit is None


def test_rescan_uses_the_disk_cache(tree: Path, tmp_path: Path) -> None:
    from autodoc.scan.code import tree as code_mod

    first = scan_code(str(tree), commit_info=False, cache_dir=str(tmp_path))
    code_mod._MEMO.clear()
    code_mod._ASSEMBLED.clear()
    code_mod.cache.wait()  # written in the background, after the scan returned
    assert list(tmp_path.glob("scan-*.pkl"))
    second = scan_code(str(tree), commit_info=False, cache_dir=str(tmp_path))
    assert [i.model_dump() for i in second.items] == [i.model_dump() for i in first.items]


def test_a_cached_tree_with_one_changed_file_is_built_anew(tmp_path: Path) -> None:
    from autodoc.scan.code import tree as code_mod

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("EPOCHS = 5\n")
    cache = str(tmp_path / "cache")
    assert (
        _one(
            scan_code(str(tmp_path / "src"), commit_info=False, cache_dir=cache), "setting", "train.py"
        ).value
        == 5
    )
    (tmp_path / "src" / "train.py").write_text("EPOCHS = 9\n")
    code_mod._MEMO.clear()
    code_mod._ASSEMBLED.clear()
    again = scan_code(str(tmp_path / "src"), commit_info=False, cache_dir=cache)
    assert _one(again, "setting", "train.py").value == 9


def test_script_defaults_from_argv_mlproject_and_path_join(tmp_path: Path) -> None:
    (tmp_path / "fit_model.py").write_text(
        "import os, sys\n"
        "import pandas as pd\n"
        "from sklearn.linear_model import Ridge\n"
        "from sklearn.model_selection import train_test_split\n"
        "if __name__ == '__main__':\n"
        "    path = os.path.join(os.path.dirname(__file__), 'houses.csv')\n"
        "    df = pd.read_csv(path)\n"
        "    train, test = train_test_split(df)\n"
        "    y_train = train[['price']]\n"
        "    strength = float(sys.argv[1]) if len(sys.argv) > 1 else 0.7\n"
        "    Ridge(alpha=strength).fit(train.drop(['price'], axis=1), y_train)\n"
    )
    (tmp_path / "MLproject").write_text(
        "name: houses\nentry_points:\n  main:\n    parameters:\n      strength: {type: float, default: 0.3}\n"
        "    command: 'python fit_model.py {strength}'\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    alpha = _one(scan, "param", "fit_model.py", "alpha")
    assert alpha.value == 0.7 and "no command-line argument" in alpha.attrs["note"]
    assert _one(scan, "data_source", "fit_model.py").value == "houses.csv"
    assert _one(scan, "target", "fit_model.py").value == "price"
    assert "25%" in _one(scan, "split", "fit_model.py").attrs["note"]
    default = _one(scan, "config", "MLproject", "entry_points.main.parameters.strength.default")
    assert (default.value, default.source.line_start) == (0.3, 5)
    assert scan.report.entry_points == ["fit_model.py"]


@pytest.mark.slow
def test_run_scan_reads_code_and_mlflow_together(
    demo_store_uri: str, demo_project: Path, tmp_path: Path
) -> None:
    from autodoc.progress import Progress

    progress = Progress()
    settings = Settings(code_root=str(demo_project), mlflow_uri=demo_store_uri, output_dir=str(tmp_path))
    store = run_scan(settings, progress)
    assert store.code is not None and store.code.entry_points
    assert store.mlflow is not None and store.mlflow.registered_models
    assert any(i.id.startswith("c:") for i in store.items) and any(i.id.startswith("m:") for i in store.items)
    assert {"scan_code", "scan_mlflow", "scan_total"} <= set(store.timings)
    snap = progress.snapshot()
    assert snap.phases["scanning"].done == 2
    assert any(e.message.startswith("scan done:") for e in snap.events)
    assert EvidenceStore.from_json(store.to_json()).content_hash() == store.content_hash()


def test_native_booster_training_and_inline_path(tmp_path: Path) -> None:
    (tmp_path / "booster.py").write_text(
        "import os\n"
        "import numpy as np\n"
        "import pandas as pd\n"
        "import xgboost as xgb\n"
        "frame = pd.read_csv(os.path.join(os.environ['DATA'], 'loans.csv'))\n"
        "PARAMS = {'max_depth': 4, 'eta': 0.3, 'objective': 'binary:logistic'}\n"
        "dtrain = xgb.DMatrix(np.zeros((2, 2)), label=[0, 1])\n"
        "booster = xgb.train(PARAMS, dtrain, 150)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    assert not [i for i in scan.items if i.kind == "estimator" and i.value != "xgboost.train"]
    est = _one(scan, "estimator", "booster.py")
    assert est.attrs["params"] == {
        "max_depth": 4,
        "eta": 0.3,
        "objective": "binary:logistic",
        "num_boost_round": 150,
    }
    assert _one(scan, "param", "booster.py", "max_depth").source.line_start == 8
    assert _one(scan, "data_source", "booster.py").value == "loans.csv"


def test_torch_module_layers_and_optuna_space(tmp_path: Path) -> None:
    (tmp_path / "net.py").write_text(
        "import optuna\n"
        "from torch import nn\n"
        "class Scorer(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.body = nn.Linear(30, 16)\n"
        "        self.drop = nn.Dropout(p=0.2)\n"
        "def objective(trial):\n"
        "    depth = trial.suggest_int('depth', 2, 8)\n"
        "    return Scorer()\n"
        "if __name__ == '__main__':\n"
        "    optuna.create_study(direction='maximize').optimize(objective, n_trials=25)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    model = _one(scan, "estimator", "net.py", "Scorer")
    assert model.live is True and model.attrs["base"] == "torch.nn.Module"
    layer = _one(scan, "layer", "net.py", "Linear")  # a layer of the network, not a model of its own
    assert layer.attrs["args"] == [30, 16] and layer.label == "layer Linear(30, 16)"
    assert _one(scan, "param", "net.py", "p").value == 0.2
    space = _one(scan, "hyperparameter_search", "net.py", "depth")
    assert space.value == {"type": "int", "low": 2, "high": 8} and space.live is True
    assert _one(scan, "param", "net.py", "n_trials").value == 25


def test_parallel_workers_give_the_same_evidence_as_one_process(
    tree: Path, scan: CodeScan, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autodoc.scan.code import tree as code
    from autodoc.scan.code import workers as code_files

    used: list[int] = []

    class CountingWorker(code_files._Worker):
        def results(self):  # type: ignore[no-untyped-def]
            done = super().results()
            used.append(0 if done is None else len(done))
            return done

    monkeypatch.setattr(code_files, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(code_files, "_core_count", lambda: 2)
    monkeypatch.setattr(code_files, "_MIN_CHUNK_BYTES", 1)  # a chunk per file: work for the worker
    monkeypatch.setattr(code_files, "_Worker", CountingWorker)
    monkeypatch.setattr(code, "_MEMO", {})  # analyse again instead of reusing this process's results
    monkeypatch.setattr(code, "_ASSEMBLED", {})  # (an unchanged tree would reuse its items unread)
    parallel = scan_code(str(tree), commit_info=False)
    assert used and all(used), "a worker process analysed a share of the files"
    dump = lambda s: [i.model_dump_json() for i in s.items]  # noqa: E731
    assert dump(parallel) == dump(scan)
    assert parallel.report.model_dump_json() == scan.report.model_dump_json()


def test_a_failing_worker_leaves_its_chunks_to_the_scan_itself(
    tree: Path, scan: CodeScan, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from autodoc.scan.code import tree as code
    from autodoc.scan.code import workers as code_files

    monkeypatch.setattr(code_files, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(code_files, "_core_count", lambda: 3)
    monkeypatch.setattr(code_files, "_MIN_CHUNK_BYTES", 1)
    monkeypatch.setattr(sys, "executable", shutil.which("false") or "/bin/false")  # workers exit at once
    monkeypatch.setattr(code, "_MEMO", {})
    monkeypatch.setattr(code, "_ASSEMBLED", {})
    alone = scan_code(str(tree), commit_info=False)
    assert [i.model_dump_json() for i in alone.items] == [i.model_dump_json() for i in scan.items]


def test_files_git_ignores_are_skipped_with_the_reason(tmp_path: Path) -> None:
    import subprocess

    repo = tmp_path / "repo"
    (repo / "out").mkdir(parents=True)
    (repo / "train.py").write_text(
        "from sklearn.linear_model import LogisticRegression\nLogisticRegression(C=2.0)\n"
    )
    (repo / "out" / "generated.py").write_text("x = 1\n")
    (repo / "scratch.py").write_text("y = 2\n")
    (repo / ".gitignore").write_text("out/\nscratch.py\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = scan_code(str(repo), commit_info=False)
    reasons = {s.path: s.reason for s in result.report.skipped}
    assert "ignored by git" in reasons["out/"] and "ignored by git" in reasons["scratch.py"]
    assert [f.path for f in result.report.files if f.kind == "python"] == ["train.py"]
    # pointing at an ignored folder on purpose scans it
    assert [f.path for f in scan_code(str(repo / "out"), commit_info=False).report.files] == ["generated.py"]


def test_match_statements_with_literal_patterns_scan(tmp_path: Path) -> None:
    """``case True:`` holds a bare bool in the tree (MatchSingleton): the walk must not trip on it."""
    (tmp_path / "route.py").write_text(
        "def route(flag, n):\n"
        "    match flag:\n"
        "        case True:\n"
        "            return 1\n"
        "        case None:\n"
        "            return 0\n"
        "    match n:\n"
        "        case 3 | 4:\n"
        "            return n\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    assert not scan.report.skipped
    assert [i.id for i in scan.items if i.kind == "function"] == ["c:route.py:1:function:route"]


def test_each_item_of_a_list_of_mappings_is_cited_at_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "recipe.yaml").write_text(
        "steps:\n"
        "  evaluate:\n"
        "    validation_criteria:\n"
        "      - metric: f1_score\n"
        "        threshold: 0.5\n"
        "      - metric: precision_score\n"
        "        threshold: 0.7\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    lines = {i.id.split(":config:")[1]: i.source.line_start for i in scan.items if i.kind == "config"}
    assert lines == {
        "steps.evaluate.validation_criteria(0).metric": 4,
        "steps.evaluate.validation_criteria(0).threshold": 5,
        "steps.evaluate.validation_criteria(1).metric": 6,
        "steps.evaluate.validation_criteria(1).threshold": 7,
    }


def test_generated_protobuf_code_is_listed_not_read_and_hand_written_code_is(tmp_path: Path) -> None:
    header = "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: churn.proto\n"
    stub = "from sklearn.linear_model import LogisticRegression\nLogisticRegression(C=7.5)\n"
    (tmp_path / "churn_pb2.py").write_text(header + stub)
    indented = "import google.protobuf\nif True:\n  " + header.replace("\n#", "\n  #") + "  X = 1\n"
    (tmp_path / "wrapped_pb2.py").write_text(indented)
    grpc = "# Generated by the gRPC Python protocol compiler plugin. DO NOT EDIT!\nimport grpc\n"
    (tmp_path / "churn_pb2_grpc.py").write_text(grpc)
    # hand-written: a _pb2 name without the header, and a module that only quotes the header later
    (tmp_path / "helpers_pb2.py").write_text("def build_request(x):\n    return x\n")
    quoted = '"""Notes.\n\n' + "x" * 1200 + "\n" + header + '"""\n'
    (tmp_path / "train.py").write_text(quoted + stub)
    scan = scan_code(str(tmp_path), commit_info=False)
    reasons = {s.path: s.reason for s in scan.report.unread()}  # what the document's provenance lists
    generated = "generated protocol buffer code (its DO NOT EDIT header): not read"
    assert reasons == dict.fromkeys(["churn_pb2.py", "churn_pb2_grpc.py", "wrapped_pb2.py"], generated)
    assert {f.path for f in scan.report.files} == {"helpers_pb2.py", "train.py"}
    cited = {i.source.path for i in scan.items}
    assert cited == {"helpers_pb2.py", "train.py"}
    assert [i.value for i in scan.items if i.kind == "param" and i.label.endswith("C = 7.5")] == [7.5]


def test_a_cache_folder_removed_while_the_scan_writes_it_is_not_made_again(
    tmp_path: Path, monkeypatch
) -> None:
    import threading

    from autodoc.scan.code import cache

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("EPOCHS = 5\n")
    folder = tmp_path / "cache"
    removed = threading.Event()
    write = cache._write
    monkeypatch.setattr(cache, "_write", lambda *args: removed.wait(10) and write(*args))
    scan = scan_code(str(tmp_path / "src"), commit_info=False, cache_dir=str(folder))
    assert _one(scan, "setting", "train.py").value == 5  # the scan returned before its cache is written
    shutil.rmtree(folder)
    removed.set()
    cache.wait()
    assert not folder.exists()


def test_what_a_scan_keeps_is_not_left_to_the_young_collections(tmp_path: Path) -> None:
    """The collector is paused while a scan runs; what the scan keeps (its memo, the items it hands
    back) moves to the oldest generation, so the next young collection does not walk all of it."""
    import gc

    (tmp_path / "train.py").write_text("from sklearn.svm import SVC\n\ndef fit():\n    return SVC(C=2.0)\n")
    was = gc.isenabled()
    gc.enable()
    try:
        scan = scan_code(str(tmp_path), commit_info=False)
        young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    finally:
        if not was:
            gc.disable()
    kept = [scan.items[0], scan.items[0].source, scan.report]
    assert not [o for o in kept if id(o) in young]
    assert _one(scan, "param", "train.py", "C").value == 2.0


def test_a_worker_analyses_files_with_secrets_without_loading_the_evidence_models(tmp_path: Path) -> None:
    """The file analysis runs in fresh worker interpreters: it must not pay for pydantic's import
    (a redaction once built evidence records just to count them)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from autodoc.scan.code.walk import Candidate\n"
        "from autodoc.scan.code.workers import analyse_batch\n"
        "py = 'API_KEY = \"sk-proj-abcdefghijklmnop1234567890\"\\nx = 1\\n'\n"
        "cfg = 'db:\\n  password: hunter2hunter2\\n'\n"
        "done = analyse_batch([\n"
        "    (Candidate('a.py', '/x/a.py', 'python', len(py)), py.encode()),\n"
        "    (Candidate('c.yaml', '/x/c.yaml', 'config', len(cfg)), cfg.encode()),\n"
        "])\n"
        "print(len(done[0].redactions), len(done[1].redactions), 'pydantic' in sys.modules)\n"
    )
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.split() == ["1", "1", "False"]


def test_items_made_without_validation_behave_as_validated_ones(tmp_path: Path) -> None:
    """A scan makes its items without validating them (tens of thousands in a large tree): each is the
    model validation makes of its data, and assigning a field of one item changes no other."""
    (tmp_path / "train.py").write_text(
        "from sklearn.linear_model import LogisticRegression\n"
        "def fit(X, y):\n    return LogisticRegression(C=0.5).fit(X, y)\n"
        "if __name__ == '__main__':\n    fit([[0]], [0])\n"
    )
    (tmp_path / "conf.yaml").write_text("lr: 0.1\nepochs: 3\n")
    items = scan_code(str(tmp_path), commit_info=False, cache_dir="").items
    assert len(items) > 5
    for item in items:
        again = EvidenceItem.model_validate(item.model_dump())
        assert item.model_dump(mode="json") == again.model_dump(mode="json")
        assert item.model_fields_set == again.model_fields_set == set(EvidenceItem.model_fields)
        assert item.source.model_fields_set == again.source.model_fields_set
        assert item == item.model_copy(deep=True)
    first, others = items[0], items[1:]
    before = [(i.role, i.source.line_start) for i in others]
    first.role = "legacy"
    first.source.line_start = 999
    assert [(i.role, i.source.line_start) for i in others] == before
    assert all(i.model_fields_set == set(EvidenceItem.model_fields) for i in items)
