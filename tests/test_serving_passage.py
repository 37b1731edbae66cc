"""The Deployment section says how the model is served: the scoring route with the schema it takes
and returns (their fields), the model file the service loads and the container it runs in."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

rows = pd.read_csv("data/claims.csv")
model = LogisticRegression().fit(rows.drop(columns=["fraud"]), rows["fraud"])
joblib.dump(model, "models/model.joblib")
"""

SCHEMAS = """\
from pydantic import BaseModel


class Claim(BaseModel):
    amount: float
    age: int
    region: str
    V1: float
    V2: float
    V3: float
    V4: float
    V5: float


class Scores(BaseModel):
    fraud: list[int]
    probability: list[float]
"""

APP = """\
import joblib
import pandas as pd
from fastapi import FastAPI

from service.schemas import Claim, Scores

model = joblib.load("models/model.joblib")
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"ok": True}


@app.post("/score", response_model=Scores)
def score(claims: list[Claim]) -> Scores:
    proba = model.predict_proba(pd.DataFrame([c.dict() for c in claims]))[:, 1]
    return Scores(fraud=[int(p >= 0.4) for p in proba], probability=list(proba))
"""

DOCKERFILE = """\
FROM python:3.11-slim
COPY . /app
EXPOSE 8080
CMD ["uvicorn", "service.app:app", "--port", "8080"]
"""


def test_the_deployment_section_says_route_schemas_model_file_and_container(tmp_path: Path) -> None:
    files = {
        "train.py": TRAIN,
        "service/__init__.py": "",
        "service/schemas.py": SCHEMAS,
        "service/app.py": APP,
    }
    files["Dockerfile"] = DOCKERFILE
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    heading = max(
        i for i, p in enumerate(paragraphs) if p.endswith("Deployment Considerations")
    )  # not the TOC
    text = " ".join(paragraphs[heading : heading + 4])
    assert "The service answers POST /score (service/app.py, line 16) [" in text, text
    assert "it takes a list of Claim (8 fields: amount, age, region, V1, V2, … and V5) [" in text, text
    assert "and returns Scores (fraud and probability) [" in text, text
    assert "it also answers GET /health [" in text, text
    assert "service/app.py (line 7) loads the model from models/model.joblib [" in text, text
    assert "is built from python:3.11-slim, exposes port 8080 and runs" in text, text
    flagged = paragraphs[paragraphs.index("Flagged figures") + 1]
    assert flagged.startswith("None"), flagged
