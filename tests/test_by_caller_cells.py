"""What `autodoc lint` would send back on a search run by one helper for several models: each
caller's grid whole in the settings cell (never cut), and a setting the code writes as None said in
words in the references (never ``= None``, which reads as an unresolved expression)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from autodoc import pipeline
from autodoc.render.lint import lint_docx
from autodoc.settings import Settings
from autodoc.spec import parse_spec, template_text

TRAIN = """\
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

df = pd.read_csv("data/train.csv")
X, y = df.drop(columns=["churned"]), df["churned"]


def run(model, grid):
    search = GridSearchCV(estimator=model, param_grid=grid, cv=3)
    search.fit(X, y)


run(RandomForestClassifier(), {"n_estimators": [100, 200], "max_depth": [None, 5]})
run(GradientBoostingClassifier(), {"learning_rate": [0.05, 0.1], "n_estimators": [100, 300]})
run(LogisticRegression(class_weight=None), {"C": [0.1, 1.0, 10.0], "penalty": ["l2"], "solver": ["lbfgs"]})
"""


def test_each_callers_grid_is_whole_and_a_written_none_is_words(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text(TRAIN)
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(parse_spec(template_text("default"), "default"), settings)
    data = Path(result.outputs.docx).read_bytes()
    document = Document(str(result.outputs.docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    grids = (
        "param_grid by caller: n_estimators=100, 200, max_depth=None, 5 (line 15); "
        "learning_rate=0.05, 0.1, n_estimators=100, 300 (line 16); "
        "C=0.1, 1.0, 10.0, penalty=l2, solver=lbfgs (line 17)"
    )
    assert any(grids in cell for cell in cells), cells
    texts = [p.text for p in document.paragraphs]
    assert any("LogisticRegression class_weight set to None in the code" in t for t in texts), texts
    assert [f.line() for f in lint_docx(data) if f.rule in ("cut", "code")] == []
