"""Shapes of project that none of our corpus has, found by documenting public repositories
nobody here wrote: a Hydra entry point whose estimator reads its settings from the composed
config, a forecasting split by dates, a network built from the parsed command line. Each test
writes a small project of our own and reads the Word document the offline default produces."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import parse_spec
from autodoc.spec_templates import template_text


def document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], template: str = "model_risk"
) -> list[str]:
    """The paragraphs and table rows (cells joined by " | ") of the `template` document of `files`."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    code = tmp_path / "project"
    for rel, text in files.items():
        (code / rel).parent.mkdir(parents=True, exist_ok=True)
        (code / rel).write_text(textwrap.dedent(text))
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(parse_spec(template_text(template)), settings)
    doc = Document(str(result.outputs.docx))
    rows = [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs] + rows


HYDRA_PROJECT = {
    "src/final_model.py": """
        import hydra
        import joblib
        import pandas as pd
        from lightgbm import LGBMClassifier


        @hydra.main(config_path="../config/model", config_name="model")
        def final_model(config):
            df = pd.read_csv("data/train.csv")
            model = LGBMClassifier(
                num_leaves=config.params.num_leaves,
                learning_rate=config.params.learning_rate,
            )
            model.fit(df.drop("churned", axis=1), df["churned"])
            joblib.dump(model, "models/final.joblib")


        if __name__ == "__main__":
            final_model()
    """,
    "config/model/model.yaml": """
        params:
          num_leaves: 37
          learning_rate: 0.035
    """,
}


def test_a_hydra_entry_points_estimator_settings_are_read_from_the_config_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, HYDRA_PROJECT)
    rows = [line for line in lines if line.startswith("LGBMClassifier (production model) |")]
    assert "num_leaves | 37 | config/model/model.yaml, line 3" in " / ".join(rows)
    assert "learning_rate | 0.035 | config/model/model.yaml, line 4" in " / ".join(rows)
    summary = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "num_leaves = 37 (from config/model/model.yaml, line 3)" in summary
    assert not [line for line in lines if "set at run time" in line]


FORECAST_PROJECT = {
    "forecast/train.py": """
        import joblib
        import pandas as pd
        from lightgbm import LGBMRegressor

        CUTOFF = "2016-04-01"


        def main():
            sales = pd.read_csv("data/sales.csv", parse_dates=["sale_date"])
            X_train = sales[sales.sale_date < CUTOFF].drop(["units", "sale_date"], axis=1)
            y_train = sales[sales.sale_date < CUTOFF]["units"]
            X_valid = sales[CUTOFF <= sales.sale_date].drop(["units", "sale_date"], axis=1)
            y_valid = sales[CUTOFF <= sales.sale_date]["units"]
            model = LGBMRegressor(n_estimators=300)
            model.fit(X_train, y_train, eval_set=[(X_valid, y_valid)], eval_metric="l1")
            joblib.dump(model, "model.pkl")
            test = sales[(sales.sale_date >= "2016-05-16") & (sales.sale_date <= "2016-05-22")]
            test.assign(pred=model.predict(test.drop(["units", "sale_date"], axis=1))).to_csv("pred.csv")


        if __name__ == "__main__":
            main()
    """,
}


def test_a_split_by_date_masks_is_said_with_its_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FORECAST_PROJECT)
    split = next(line for line in lines if line.startswith("Split:"))
    assert split.startswith(
        "Split: The rows are split in time by sale_date: training rows have sale_date < 2016-04-01"
    )
    assert "validation rows have sale_date >= 2016-04-01 (forecast/train.py, line 14)" in split
    assert "test rows have sale_date >= 2016-05-16 and sale_date <= 2016-05-22" in split
    assert not [line for line in lines if "No train/test split was found" in line]
    made = next(line for line in lines if line.startswith("A hold-out split is made by"))
    assert made.startswith("A hold-out split is made by the date boundary sale_date < 2016-04-01 (")


def test_the_metric_a_boosting_fit_measures_on_its_eval_set_is_the_models_metric(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FORECAST_PROJECT)
    assert any(line.startswith("Performance: The evaluation code computes l1 [") for line in lines)
    assert not [line for line in lines if "No metric computation was found" in line]


RAVEL_PROJECT = {
    "src/train.py": """
        import joblib
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import train_test_split


        def main():
            df = pd.read_csv("data/sessions.csv")
            X = df.drop("purchased", axis=1)
            y = df["purchased"].ravel()
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7)
            model = RandomForestClassifier(n_estimators=50).fit(X_train, y_train)
            joblib.dump(model, "model.joblib")


        if __name__ == "__main__":
            main()
    """,
}


def test_a_label_column_read_through_ravel_is_the_target_not_a_dropped_feature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, RAVEL_PROJECT)
    assert any(
        line.startswith("Target: The model predicts purchased (src/train.py, line 11)") for line in lines
    )
    assert not [line for line in lines if "No target column was identified" in line]
    assert not [line for line in lines if line.startswith("Features:") and "purchased" in line]


ARGS_NETWORK_PROJECT = {
    "model.py": """
        import torch.nn as nn


        class TextNet(nn.Module):
            def __init__(self, args):
                super().__init__()
                self.args = args
                self.embed = nn.Embedding(args.vocab_size, args.embed_dim)
                self.drop = nn.Dropout(args.dropout)
                self.out = nn.Linear(args.embed_dim, 2)
                if self.args.freeze:
                    self.embed.weight.requires_grad = False

            def forward(self, x):
                return self.out(self.drop(self.embed(x).mean(1)))
    """,
    "main.py": """
        import argparse

        import torch
        import torch.nn.functional as F

        import model

        parser = argparse.ArgumentParser()
        parser.add_argument("-lr", type=float, default=0.002)
        parser.add_argument("-embed-dim", type=int, default=96)
        parser.add_argument("-dropout", type=float, default=0.3)
        parser.add_argument("-freeze", action="store_true", default=False)
        parser.add_argument("-optimizer", default="adam")
        args = parser.parse_args()
        args.vocab_size = 5000

        net = model.TextNet(args)
        if args.optimizer == "sgd":
            optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
        else:
            optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
        for feature, target in torch.load("batches.pt"):
            optimizer.zero_grad()
            loss = F.cross_entropy(net(feature), target)
            loss.backward()
            optimizer.step()
        torch.save(net.state_dict(), "textnet.pt")
        corrects = (net(feature).argmax(1) == target).sum().item()
        accuracy = 100.0 * corrects / len(target)
    """,
}


def test_a_network_built_from_the_parsed_options_lists_the_options_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, ARGS_NETWORK_PROJECT)
    rows = [line for line in lines if line.startswith("TextNet |")]
    assert rows == [
        "TextNet | --embed_dim | 96 | main.py, line 11",
        "TextNet | --dropout | 0.3 | main.py, line 12",
        "TextNet | --freeze | False | main.py, line 13",  # as the code writes it, as the summary says it
    ]
    summary = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "TextNet (model.py, line 5)" in summary
    assert "is built from the command-line options --embed_dim = 96" in summary
    assert any(
        line.startswith("The code trains a neural network TextNet [") for line in lines
    )  # not "a text net"
    assert any(line.startswith("Performance: The evaluation code computes accuracy (100.0") for line in lines)
    training = next(line for line in lines if line.startswith("Training:"))
    assert (
        "the optimiser is SGD [" in training and 'when args.optimizer == "sgd", otherwise Adam [' in training
    )


CONFIG_CHOICE_PROJECT = {
    "src/pipeline.py": """
        import sys

        import joblib
        import pandas as pd
        import yaml
        from lightgbm import LGBMRegressor


        def main(name):
            config = yaml.safe_load(open(f"configs/{name}.yaml"))
            sales = pd.read_csv("data/sales.csv")
            model = LGBMRegressor(**config["lgb_params"])
            model.fit(sales.drop("units", axis=1), sales["units"])
            joblib.dump(model, "model.pkl")


        if __name__ == "__main__":
            main(sys.argv[1])
    """,
    "src/configs/full.yaml": """
        lgb_params:
          n_estimators: 1500
          learning_rate: 0.05
    """,
    "src/configs/smoke.yaml": """
        lgb_params:
          n_estimators: 3
          learning_rate: 0.05
    """,
}


def test_a_setting_the_config_files_disagree_on_is_given_with_every_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CONFIG_CHOICE_PROJECT)
    said = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "src/configs/full.yaml sets lgb_params.n_estimators = 1500" in said
    assert "other configuration files set lgb_params.n_estimators = 3 (src/configs/smoke.yaml [" in said
    assert "which file a run reads decides the value" in said
    assert "learning_rate = 0.05 (" not in said  # the files agree on it: said once
    section = "the lgb_params section of src/configs/full.yaml and src/configs/smoke.yaml"
    assert any(section in line for line in lines)  # the table's LGBMRegressor(**config["lgb_params"])


LOOP_SAVES_PROJECT = {
    "src/utils.py": """
        import joblib


        def save_model(model, name_file):
            joblib.dump(model, f"models/{name_file}.joblib")
    """,
    "src/final_model.py": """
        import pandas as pd
        from sklearn.ensemble import GradientBoostingClassifier

        from utils import save_model


        def final_model():
            df = pd.read_csv("data/train.csv")
            model = GradientBoostingClassifier(n_estimators=120)
            model.fit(df.drop("bought", axis=1), df["bought"])
            save_model(model, "final_model")


        if __name__ == "__main__":
            final_model()
    """,
    "src/compare.py": """
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.tree import DecisionTreeClassifier

        from utils import save_model


        def compare():
            df = pd.read_csv("data/train.csv")
            models = {"logreg": LogisticRegression(max_iter=500), "tree": DecisionTreeClassifier()}
            for name, model in models.items():
                fitted = model.fit(df.drop("bought", axis=1), df["bought"])
                save_model(model=fitted, name_file=name)


        if __name__ == "__main__":
            compare()
    """,
}


def test_models_saved_in_a_loop_the_scan_cannot_follow_are_never_called_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, LOOP_SAVES_PROJECT)
    said = next(line for line in lines if line.startswith("Production model:"))
    assert "The production model is GradientBoostingClassifier (src/final_model.py, line 10)" in said
    assert "LogisticRegression (src/compare.py, line 11)" in said
    assert "it also saves models (src/compare.py, line 14) that the scan does not follow" in said
    assert not [line for line in lines if "does not save" in line or "not saved" in line]
    assert any(line.startswith("LogisticRegression (compared) | max_iter | 500") for line in lines)
    purpose = "Besides the production model, stated in the Summary, the code trains "
    said = next(line for line in lines if line.startswith(purpose))  # not "The code trains a logistic ..."
    assert "a logistic regression [" in said and said.endswith("to compare with it.")


def test_the_purpose_quotes_the_readmes_opening_prose_not_its_list_numbers_or_link_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = """
        ## Introduction
        ![build](https://example.org/badge.svg)
        This is a [convolutional network](https://example.org/paper) for sentence polarity in PyTorch.\\
        It reads movie reviews!

        1. An older implementation in Theano:
        [https://example.org/theano](https://example.org/theano)
        2. Another one in Keras.
    """
    lines = document(tmp_path, monkeypatch, {**ARGS_NETWORK_PROJECT, "README.md": readme})
    said = next(line for line in lines if line.startswith("Purpose:"))
    quote = "This is a convolutional network for sentence polarity in PyTorch. It reads movie reviews!"
    assert said.startswith(f"Purpose: The project README states: \u201c{quote}\u201d [")


def test_a_file_name_bound_to_a_name_inside_a_path_join_is_the_data_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    utils = """
        import os

        import pandas as pd


        def load_train_data():
            path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../data/processed")
            file_name = "sessions_train.csv"
            return pd.read_csv(os.path.join(path, file_name))
    """
    train = (
        RAVEL_PROJECT["src/train.py"]
        .replace('df = pd.read_csv("data/sessions.csv")', "df = load_train_data()")
        .replace("import joblib\n", "import joblib\nfrom utils import load_train_data\n")
    )
    lines = document(tmp_path, monkeypatch, {"src/train.py": train, "src/utils.py": utils})
    said = next(line for line in lines if line.startswith("Data:"))
    # the script's own folder (src/) joined with ../data/processed: the file from the code root
    read = "data/processed/sessions_train.csv (src/utils.py, line 10)"
    assert said.startswith(f"Data: Data are read from {read}"), said


def test_a_long_list_of_dropped_columns_is_counted_not_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped = '["id", "region", "ts", "snap_a", "snap_b", "snap_c", "snap_d", "snap_e"]'
    train = (
        RAVEL_PROJECT["src/train.py"]
        .replace(
            'X = df.drop("purchased", axis=1)', f'X = df.drop({dropped}, axis=1).drop("purchased", axis=1)'
        )
        .replace(
            'df = pd.read_csv("data/sessions.csv")',
            'df = pd.read_csv("data/sessions.csv")\n            df["visits_per_day"] = df["visits"] / 7',
        )
    )
    lines = document(tmp_path, monkeypatch, {"src/train.py": train})
    said = next(line for line in lines if line.startswith("Features:"))
    assert "drops id [" in said and "snap_c [" in said and "and 2 more columns." in said
    assert "snap_d" not in said


def test_a_long_list_of_derived_columns_is_counted_not_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    derived = "".join(f'\n            df["ratio_{n}"] = df["visits"] / {n + 2}' for n in range(8))
    train = RAVEL_PROJECT["src/train.py"].replace(
        'df = pd.read_csv("data/sessions.csv")', 'df = pd.read_csv("data/sessions.csv")' + derived
    )
    lines = document(tmp_path, monkeypatch, {"src/train.py": train})
    said = next(line for line in lines if line.startswith("Features:"))
    assert "builds 8 derived columns (ratio_0 [" in said and "ratio_5 [" in said, said
    assert "and 2 more)" in said and "ratio_6" not in said, said


def test_a_list_cut_at_a_share_counted_from_its_end_is_the_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = """
        import random


        def splits(lines, dev_ratio=0.15, shuffle=True):
            if shuffle:
                random.shuffle(lines)
            dev_index = -1 * int(dev_ratio * len(lines))
            train_examples = lines[:dev_index]
            dev_examples = lines[dev_index:]
            return train_examples, dev_examples
    """
    main = ARGS_NETWORK_PROJECT["main.py"].replace(
        "import model\n",
        "import data\nimport model\n\ntrain_rows, dev_rows = data.splits(open('r.txt').readlines())\n",
    )
    lines = document(tmp_path, monkeypatch, {**ARGS_NETWORK_PROJECT, "main.py": main, "data.py": data})
    said = next(line for line in lines if line.startswith("Split:"))
    assert said.startswith(
        "Split: The rows are split by position: the first 0.85 of them train the model and the rest"
    )
    assert "(data.py, line" in said


MAKEFILE_PROJECT = {
    "Makefile": "train:\n\tpython src/train.py --n-estimators 300 \\\n\t  --lr=0.2\n"
    "setup:\n\tpython -m pip install --upgrade pip\n",
    "src/train.py": """
        import argparse

        import joblib
        import pandas as pd
        from xgboost import XGBClassifier

        parser = argparse.ArgumentParser()
        parser.add_argument("--n-estimators", type=int, default=100)
        parser.add_argument("--lr", type=float, default=0.1)
        parser.add_argument("--max-depth", type=int, default=4)
        args = parser.parse_args()

        df = pd.read_csv("data/loans.csv")
        model = XGBClassifier(n_estimators=args.n_estimators, learning_rate=args.lr, max_depth=args.max_depth)
        model.fit(df.drop("default", axis=1), df["default"])
        joblib.dump(model, "model.joblib")
    """,
}


def test_an_option_the_launcher_passes_is_the_value_not_the_parsers_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, MAKEFILE_PROJECT)
    said = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "n_estimators = 300 (passed by Makefile, line 2; default 100 at src/train.py, line 9) [" in said
    assert "learning_rate = 0.2 (passed by Makefile, line 2; default 0.1" in said
    assert "max_depth = 4 [" in said  # nothing passed: the default
    rows = [line for line in lines if line.startswith("XGBClassifier (production model) |")]
    assert "XGBClassifier (production model) | n_estimators | 300 | passed by Makefile, line 2" in rows[0]
    evidence = json.loads((tmp_path / "out" / "evidence.json").read_text())
    passed = sorted(i["id"] for i in evidence["items"] if i["attrs"].get("owner_kind") == "launcher")
    assert passed == ["c:Makefile:2:param:--lr", "c:Makefile:2:param:--n_estimators"]  # not pip's --upgrade


def test_a_network_option_the_launcher_passes_replaces_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**ARGS_NETWORK_PROJECT, "run.sh": "#!/bin/sh\npython main.py -dropout 0.45 -lr 0.01\n"}
    lines = document(tmp_path, monkeypatch, files)
    said = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "--embed_dim = 96 [" in said and "--dropout = 0.45 [" in said and "0.3" not in said
    assert any(line.startswith("TextNet | --dropout | 0.45 | passed by run.sh, line 2") for line in lines)


def test_a_line_of_newer_python_syntax_leaves_out_that_line_not_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = """
        import pandas as pd
        from lightgbm import LGBMRegressor

        data = pd.read_pickle("sales.pkl")
        keys = {"store": "a"}
        model = LGBMRegressor(n_estimators=250)
        model.fit(data.drop("quantity", axis=1), data["quantity"])
        print(f'{'-'.join(keys.values())}')
        preds = model.predict(data.drop("quantity", axis=1))
        data["pred"] = preds
        data.to_csv("predictions.csv")
        # weekly sales per store, one model for all stores
        # (a line of Python 3.12 f-string syntax above)
    """
    lines = document(tmp_path, monkeypatch, {"forecast.py": script})
    said = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert (
        said.startswith("Hyperparameters: LGBMRegressor (forecast.py, line 7) [")
        and "n_estimators = 250" in said
    )
    assert "Not in the evidence: forecast.py: line 9 could not be parsed and was left out." in lines
    from autodoc.cli import main

    assert main(["scan", "-c", str(tmp_path / "project"), "--out", str(tmp_path / "ev.json")]) == 0
    assert "warning: forecast.py: line 9 could not be parsed and was left out" in capsys.readouterr().out


KERAS_PROJECT = {
    "train.py": """
        import pandas as pd
        from keras.layers import Dense
        from keras.models import Sequential

        if __name__ == "__main__":
            df = pd.read_csv("data/flow.csv")
            model = Sequential([Dense(16, activation="relu"), Dense(1)])
            model.compile(loss="mse", optimizer="rmsprop", metrics=["mape", "mae"])
            model.fit(df[["lag_1", "lag_2"]], df["flow"], epochs=5)
            model.save("model.h5")
    """,
}


def test_the_metrics_keras_compiles_are_named_not_shown_as_a_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A traffic-flow project's Performance line read "The evaluation code computes ['mape']"."""
    lines = document(tmp_path, monkeypatch, KERAS_PROJECT)
    performance = next(line for line in lines if line.startswith("Performance:"))
    assert performance.startswith("Performance: The evaluation code computes mape and mae ["), performance
    assert "['" not in performance
