"""The Training Pipeline section walks through the production pipeline: its steps in order, each with
its calls and lines, files by their bare names, an upstream preparation script's writes included."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

PREPARE = """\
import pandas as pd
from sklearn.model_selection import train_test_split

raw = pd.read_csv("data/claims.csv")
train, test = train_test_split(raw, test_size=0.2, random_state=1, stratify=raw["fraud"])
train.to_csv("prepared/train.csv", index=False)
test.to_csv("prepared/test.csv", index=False)
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

train = pd.read_csv("prepared/train.csv")
test = pd.read_csv("prepared/test.csv")
model = LogisticRegression(C=0.3).fit(train.drop(columns=["fraud"]), train["fraud"])
print(roc_auc_score(test["fraud"], model.predict_proba(test.drop(columns=["fraud"]))[:, 1]))
joblib.dump(model, "models/model.joblib")
"""


def test_the_training_section_walks_through_the_pipeline_in_order(tmp_path: Path) -> None:
    files = {"jobs/prepare.py": PREPARE, "jobs/train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    heading = paragraphs.index(next(p for p in paragraphs if p.endswith("Training Pipeline")))
    walk = next(p for p in paragraphs[heading:] if "runs these steps in order" in p)
    assert walk.startswith("The production pipeline of jobs/train.py runs these steps in order [")
    assert (
        "prepare (upstream): prepare.py writes train.csv and test.csv (jobs/prepare.py, lines 6 and 7)"
        in walk
    )
    assert "; load: read_csv train.csv and test.csv (lines 6 and 7); fit:" in walk, walk


TEXT_TRAIN = """\
import joblib
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

rows = pd.read_csv("data/messages.csv")
X_train, X_test, y_train, y_test = train_test_split(rows["text"], rows["junk"], test_size=0.1, random_state=3)
model = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=200))])
model.fit(X_train, y_train)
joblib.dump(model, "models/model.joblib")
"""

TEXT_EVALUATE = """\
import joblib
import pandas as pd
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split

rows = pd.read_csv("data/messages.csv")
_, X_test, _, y_test = train_test_split(rows["text"], rows["junk"], test_size=0.1, random_state=3)
model = joblib.load("models/model.joblib")
print(classification_report(y_test, model.predict(X_test)))
"""


def test_a_repeated_split_is_said_and_a_pipeline_is_no_preparation_step(tmp_path: Path) -> None:
    files = {"text/train.py": TEXT_TRAIN, "text/evaluate.py": TEXT_EVALUATE}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    text = "\n".join(paragraphs)
    assert "text/evaluate.py repeats the split of text/train.py with the same settings and seed" in text, text
    assert "given the same data, it holds out the same rows" in text
    assert "transformed with Pipeline" not in text and "prepared by Pipeline" not in text, text
    assert "Inputs are transformed with TfidfVectorizer" in text, text


LABELLED_TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

TARGET = "defaulted"

frame = pd.read_csv("data/loans.csv")
frame[TARGET] = 1 - frame.pop("repaid")
frame["ratio"] = frame["debt"] / frame["income"]
X = frame[["ratio", "income"]]
y = frame[TARGET]
joblib.dump(LogisticRegression().fit(X, y), "models/model.joblib")
"""


def test_the_label_the_code_builds_is_not_a_feature_step(tmp_path: Path) -> None:
    paragraphs, _ = document_lines(
        write_tree(tmp_path / "code", {"train.py": LABELLED_TRAIN}), tmp_path / "out"
    )
    walk = next(p for p in paragraphs if "runs these steps in order" in p)
    features = walk.split("; features: ", 1)[1].split(";", 1)[0]
    assert "ratio" in features and "defaulted" not in features, walk
