"""Shapes found by documenting public repositories nobody here wrote (an insurance pricing GLM
with statsmodels' formula API, a Hugging Face fine-tune): each test writes a small project of
our own and reads the Word document the offline default produces."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.test_unseen_shapes import document

FORMULA_GLM_PROJECT = {
    "pricing/frequency.py": """
        import joblib
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm
        import statsmodels.formula.api as smf

        policies = pd.read_csv("data/policies.csv")
        spec = "n_claims ~ region + fuel"
        model = smf.glm(
            spec,
            data=policies,
            offset=np.log(policies["years_insured"]),
            family=sm.families.Poisson(link=sm.families.links.Log()),
        ).fit()
        joblib.dump(model, "frequency.joblib")
    """,
}


def test_a_formula_glm_is_the_model_and_the_left_of_its_formula_is_the_target(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FORMULA_GLM_PROJECT)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is glm (pricing/frequency.py")
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts n_claims (pricing/frequency.py, line 10)")
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))  # the family is written out
    assert "family = sm.families.Poisson(link=sm.families.links.Log())" in hyper
    # the fit() that trains it and the Poisson family it is given are not models of their own
    assert not [line for line in lines if line.startswith(("fit |", "fit (production model)", "Poisson |"))]
    wrong = ("constructs fit", "constructs Poisson", "a fit [", "a poisson [", "Poisson (pricing")
    assert not [line for line in lines if any(w in line for w in wrong)]


SURVIVAL_PROJECT = {
    "train.py": """
        import joblib
        import pandas as pd
        from lifelines import CoxPHFitter
        from lifelines.utils import concordance_index
        from sklearn.model_selection import train_test_split

        loans = pd.read_csv("data/loans.csv")
        train, test = train_test_split(loans, test_size=0.25, random_state=7)
        cox = CoxPHFitter(penalizer=0.05)
        cox.fit(train, duration_col="months_on_book", event_col="defaulted")
        risk = -cox.predict_partial_hazard(test)
        print(concordance_index(test["months_on_book"], risk, test["defaulted"]))
        joblib.dump(cox, "models/cox.joblib")
    """,
}


def test_a_lifelines_cox_model_its_event_and_its_concordance_are_documented(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, SURVIVAL_PROJECT)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is CoxPHFitter (train.py, line 10)")
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "penalizer = 0.05" in hyper
    target = next(line for line in lines if line.startswith("Target:"))
    assert "months_on_book (train.py, line 11)" in target and "defaulted (train.py, line 11)" in target
    performance = next(line for line in lines if line.startswith("Performance:"))
    assert "concordance_index" in performance


FINE_TUNE_PROJECT = {
    "tune.py": """
        import numpy as np
        import pandas as pd
        from datasets import Dataset
        from sklearn.metrics import f1_score
        from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

        notes = pd.read_csv("data/notes.csv")
        y = notes["readmitted"]


        def compute_metrics(pred):
            labels = pred.label_ids
            guesses = np.argmax(pred.predictions, axis=-1)
            return {"f1": f1_score(labels, guesses)}


        net = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)
        args = TrainingArguments(output_dir="out", learning_rate=3e-5, num_train_epochs=2)
        train_set = Dataset.from_pandas(notes)
        trainer = Trainer(model=net, args=args, train_dataset=train_set, compute_metrics=compute_metrics)
        trainer.train()
    """,
}


def test_the_labels_of_a_hugging_face_evaluation_are_not_a_target_column(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FINE_TUNE_PROJECT)
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts readmitted (tune.py, line 9)")
    assert not [line for line in lines if "label_ids" in line]


def test_a_trainer_state_file_is_a_training_log_not_the_models_settings(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [{"step": 10 * k, "learning_rate": 1.5e-06 * k, "loss": 0.7 - 0.01 * k} for k in range(1, 9)]
    state = {"global_step": 80, "best_metric": 0.91, "log_history": steps}
    files = {**FINE_TUNE_PROJECT, "out/checkpoint-80/trainer_state.json": json.dumps(state, indent=2)}
    lines = document(tmp_path, monkeypatch, files)
    assert not [line for line in lines if "log_history" in line or "trainer_state.json" in line]


def test_a_tokenizers_special_tokens_are_not_secrets(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    markers = {"pad_token": "[PAD]", "cls_token": "[CLS]", "eos_token": "</s>", "bos_token": "<|endoftext|>"}
    files = {**FINE_TUNE_PROJECT, "out/tokenizer/special_tokens_map.json": json.dumps(markers)}
    files["settings.yaml"] = "hub_token: hf_live_value_that_is_long_enough_1234\n"
    lines = document(tmp_path, monkeypatch, files)
    assert "1 secret(s) found in the scanned material were redacted before any use." in lines


def test_the_training_arguments_of_a_hugging_face_trainer_are_its_settings(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FINE_TUNE_PROJECT)
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert hyper.startswith("Hyperparameters: AutoModelForSequenceClassification (tune.py, line 18) [")
    assert "; for fine-tuning, tune.py sets learning_rate = 3e-05 [" in hyper
    assert next(line for line in lines if line.startswith("Training:")).startswith(
        "Training: tune.py sets num_train_epochs = 2 ["
    )


def test_settings_unpacked_from_a_dict_with_a_path_among_them_are_still_read(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "settings.py": """
            from pathlib import Path

            OUT = Path(__file__).parent / "checkpoints"
            ARGS = {"output_dir": str(OUT), "learning_rate": 4e-5, "num_train_epochs": 5}
        """,
        "tune.py": textwrap.dedent(FINE_TUNE_PROJECT["tune.py"])
        .replace("import numpy as np", "import numpy as np\nimport settings")
        .replace("args = TrainingArguments(", "args = TrainingArguments(**settings.ARGS)  # ("),
    }
    lines = document(tmp_path, monkeypatch, files)
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "; for fine-tuning, settings.py sets learning_rate = 4e-05 [" in hyper  # where written
    assert "num_train_epochs = 5 [" in next(line for line in lines if line.startswith("Training:"))


SAVED_FINE_TUNE = {
    "train.py": """
        from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

        CHECKPOINT = "bert-base-cased"
        model = AutoModelForSequenceClassification.from_pretrained(CHECKPOINT, num_labels=3)
        settings = TrainingArguments(
            output_dir="runs", learning_rate=2e-5, load_best_model_at_end=True, metric_for_best_model="f1"
        )
        trainer = Trainer(model=model, args=settings)
        trainer.train()
        trainer.save_model("artifacts/classifier")
    """,
}
PIPELINE_SERVER = """
    from fastapi import FastAPI
    from transformers import pipeline

    app = FastAPI()
    classify = pipeline("text-classification", model="artifacts/classifier")


    @app.post("/classify")
    def route(text: str):
        return classify(text)[0]
"""
LOADING_SERVER = """
    from fastapi import FastAPI
    from transformers import AutoModelForSequenceClassification

    app = FastAPI()
    net = AutoModelForSequenceClassification.from_pretrained("artifacts/classifier")


    @app.post("/classify")
    def route(text: str):
        return net(text)
"""


@pytest.mark.parametrize("server", [PIPELINE_SERVER, LOADING_SERVER], ids=["pipeline", "from_pretrained"])
def test_a_fine_tuned_model_is_the_production_model_saved_by_its_trainer_and_loaded_by_the_server(
    tmp_path, monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    lines = document(tmp_path, monkeypatch, {**SAVED_FINE_TUNE, "serve.py": server})
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith(
        "Production model: The production model is AutoModelForSequenceClassification (train.py, line 5) ["
    )
    assert "saves it to artifacts/classifier with trainer.save_model (train.py, line 11)" in production
    assert "and serve.py (line 6) [" in production and "loads that file to serve it" in production
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "pretrained_model_name_or_path = bert-base-cased [" in hyper
    assert "num_labels = 3 [" in hyper and "for fine-tuning, train.py sets learning_rate = 2e-05 [" in hyper
    training = next(line for line in lines if line.startswith("Training:"))
    assert training.startswith("Training: The trainer keeps the checkpoint with the best f1 on the eval")
    assert not [line for line in lines if "constructs AutoModelForSequenceClassification at serve.py" in line]


def test_a_saved_models_architecture_file_is_not_called_a_fine_tuning_setting(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    architecture = json.dumps({"n_layers": 6, "n_heads": 12, "dropout": 0.1})
    files = {**SAVED_FINE_TUNE, "artifacts/classifier/config.json": architecture}
    lines = document(tmp_path, monkeypatch, files)
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "; for fine-tuning, train.py sets learning_rate = 2e-05 [" in hyper
    assert "; artifacts/classifier/config.json sets n_layers = 6 [" in hyper
    assert "for fine-tuning, artifacts" not in hyper


def test_the_column_copied_into_a_batchs_labels_is_the_target(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        **SAVED_FINE_TUNE,
        "prepare.py": """
            import pandas as pd
            from datasets import Dataset

            reviews = pd.read_csv("data/reviews.csv")


            def encode(example):
                batch = {"text": example["text"].lower()}
                batch["labels"] = example["sentiment"]
                return batch


            encoded = Dataset.from_pandas(reviews).map(encode)
            encoded.save_to_disk("data/encoded")
        """,
    }
    lines = document(tmp_path, monkeypatch, files)
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts sentiment (prepare.py, line 10) [")


def test_a_secret_repeated_by_a_yaml_alias_is_counted_once(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A docker-compose file writes its database URL once and merges it into every service."""
    compose = """
        x-common-env: &common-env
          DB_CONN: postgresql://app:s3cret-pw@db/app
        services:
          web:
            environment:
              <<: *common-env
              PORT: "8080"
          worker:
            environment:
              <<: *common-env
          db:
            environment:
              POSTGRES_PASSWORD: s3cret-pw
    """
    files = {**FORMULA_GLM_PROJECT, "docker-compose.yaml": compose}
    lines = document(tmp_path, monkeypatch, files)
    assert "2 secret(s) found in the scanned material were redacted before any use." in lines
    assert not [line for line in lines if "s3cret-pw" in line]


GPT_PROJECT = {
    "model.py": """
        import torch
        import torch.nn as nn
        from torch.nn import functional as F
        from transformers import GPT2LMHeadModel


        class TinyGPT(nn.Module):
            def __init__(self, n_embd=64, vocab_size=100):
                super().__init__()
                self.wte = nn.Embedding(vocab_size, n_embd)
                self.head = nn.Linear(n_embd, vocab_size)

            def forward(self, idx, targets):
                logits = self.head(self.wte(idx))
                return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

            @classmethod
            def from_pretrained(cls, name):
                model = TinyGPT()
                hf = GPT2LMHeadModel.from_pretrained(name)
                weights = hf.state_dict()
                model.load_state_dict(weights, strict=False)
                return model

            def optimizer(self):
                return torch.optim.AdamW(self.parameters(), lr=3e-4)
    """,
    "train.py": """
        import torch
        from model import TinyGPT

        if __name__ == "__main__":
            model = TinyGPT()
            opt = model.optimizer()
            data = torch.load("data/tokens.pt")
            for step in range(100):
                loss = model(data[:, :-1], data[:, 1:])
                loss.backward()
                opt.step()
            torch.save(model.state_dict(), "out/ckpt.pt")
    """,
}


def test_a_pretrained_model_read_only_for_its_weights_is_not_a_model_trained_beside_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nanoGPT copies GPT-2's weights into its own network (``hf = GPT2LMHeadModel.from_pretrained(name)``;
    ``hf.state_dict()``): the document said "the code also trains a 2 LM head model to compare with it"."""
    lines = document(tmp_path, monkeypatch, GPT_PROJECT)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is TinyGPT (model.py, line 8)"), (
        production
    )
    assert not [line for line in lines if "to compare with it" in line or "LM head model" in line]
    assert not [line for line in lines if line.startswith("GPT2LMHeadModel |")]
