"""End to end: secrets planted in scanned code and MLflow never leave the machine or land
in an output, and the API key lands in no file and no log.

One verbose CLI run (openai provider against the fake LLM server) over a copy of the demo
project with a fake secret of each kind in code, comments, docstrings, a notebook, the
README and a YAML config, and over a copy of the demo MLflow store whose registered runs
carry a secret param and tags. Then every request body the fake server received, every
output file (the .docx also as raw XML), stdout, stderr and every log record is searched.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient

from autodoc.cli import main
from tests.support.fake_llm import FakeLLM
from tests.support.mlflow_fixtures import clone_store

REPO = Path(__file__).resolve().parent.parent
API_KEY = "sk-test-KEY-123"

SK = "sk-proj-Q7vLm2Xp9Rt4Wz8Ks1Ny6Bc3Hd5Fg0Ja"
AKIA = "AKIAQ3ZT7WXV2N5K8RMA"
GHP = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
HF = "hf_XyZ0123456789abcdefGhIjKlMnOpQrS"
PG_PW = "Pg-Audit-Pw-4471"
API_KEY_VALUE = "Zk81-audit-apikey-val"
README_KEY = "Rd55-readme-apikey-val"
CFG_SECRET = "Cfg-Secret-Key-7781"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0AUDITPEMBODYLINE1xyz"
MLFLOW_PARAM_PW = "Mlf-Param-Pw-93kq"
MLFLOW_TAG_PW = "Tag-Url-Pw-55zz"
MLFLOW_TAG_GHP = "ghp_MLFLOWtag0123456789abcdefghijklmnopqr"
AT_PW_TAIL = "ss-W0rd-at-77"  # the part after an unencoded '@' inside a URL password
AZURE_KEY = "Zm9vYmFyYmF6cXV4QVVESVQxMjM0NTY3ODkw=="
HEADER_KEY = "Hdr-Key-Value-4411"
BODY_TOKEN = "Body-Tok-Canary-7731"  # inside the body of a function the training code calls
# Unquoted passphrases with spaces: each must go whole, not only its first word.
CFG_PHRASE = "amber walrus cobbler lantern"  # a YAML config
ENV_PHRASE = "violet quokka saddle harbor"  # a .env file, and a .env block in a notebook's markdown
README_PHRASE = "maroon pelican ladder quartz"  # a sentence in the README
INI_PHRASE = "ochre bison trellis gravel"  # an ini block in a notebook's markdown cell
NB_PHRASE = "saffron narwhal kettle orbit"  # a comment in a notebook's code cell
PY_PHRASE = "cobalt lemur anvil meadow"  # a Python string holding a connection string
MLF_PHRASE = "indigo heron tundra whisk"  # an MLflow param holding a connection string
PHRASES = [CFG_PHRASE, ENV_PHRASE, README_PHRASE, INI_PHRASE, NB_PHRASE, PY_PHRASE, MLF_PHRASE]
SECRETS = [
    SK, AKIA, GHP, HF, PG_PW, API_KEY_VALUE, README_KEY, CFG_SECRET, PEM_BODY,
    MLFLOW_PARAM_PW, MLFLOW_TAG_PW, MLFLOW_TAG_GHP, AT_PW_TAIL, AZURE_KEY, HEADER_KEY, BODY_TOKEN,
    *(word for phrase in PHRASES for word in phrase.split()[1:]),  # each word after the first
]  # fmt: skip

DATA_PY_EXTRA = f'''

# fallback credentials for the feature store: {AKIA}
DB_URL = "postgresql://analyst:{PG_PW}@db.internal:5432/risk"
api_key = "{API_KEY_VALUE}"


BACKUP_URL = "postgresql://backup:p@{AT_PW_TAIL}@db2.internal/risk"
BLOB = "DefaultEndpointsProtocol=https;AccountName=riskdata;AccountKey={AZURE_KEY};EndpointSuffix=x"
SCORING_HEADERS = {{"x-api-key": "{HEADER_KEY}"}}
WAREHOUSE_DSN = "host=db.internal user=analyst password={PY_PHRASE} dbname=risk"


def load_from_warehouse():
    """Read the warehouse copy of the features (token {GHP})."""
    import pandas as pd

    return pd.read_sql("SELECT * FROM risk.features", DB_URL)


_load_frame_plain = load_frame


def load_frame():
    service_token = "{BODY_TOKEN}"
    session_token: SessionToken = open_session()
    passphrase = not session_token
    return _load_frame_plain() if service_token and passphrase else None
'''
KEYS_PY = f'''"""Signing key for model artifacts."""

SIGNING_KEY = """-----BEGIN RSA PRIVATE KEY-----
{PEM_BODY}
AUDITSECONDLINEOFTHEKEYBODY0123456789abcdef
-----END RSA PRIVATE KEY-----"""
'''
CONFIG_EXTRA = f"""
warehouse:
  url: postgresql://analyst:{PG_PW}@db.internal:5432/risk
  secret_key: "{CFG_SECRET}"
  aws_access_key_id: {AKIA}
  passphrase: {CFG_PHRASE}
"""
README_EXTRA = f"""
## Credentials (do not commit!)

Experiments used the OpenAI key {SK} and `api_key = "{README_KEY}"`.

## Warehouse
The password: {README_PHRASE}. Ask the data team for your own.
"""


def _notebook() -> str:
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": [
                f"Exploration. OpenAI key: {SK}\n",
                "\n",
                "[warehouse]\n",
                f"password = {INI_PHRASE}\n",
            ],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "from huggingface_hub import InferenceClient\n",
                f'client = InferenceClient(token="{HF}")\n',
                f"# aws: {AKIA}\n",
                f"# db password: {NB_PHRASE}\n",
                "session_token: SessionToken = open_session()\n",  # code, not a secret
            ],
        },
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": [f"DB_PASSWORD={ENV_PHRASE}\n", "DB_USER=analyst\n"],
        },
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _code_tree(demo_project: Path, dest: Path) -> Path:
    root = dest / "project"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("__pycache__", "*.db", "mlruns"))
    with open(root / "data.py", "a", encoding="utf-8") as fh:
        fh.write(DATA_PY_EXTRA)
    with open(root / "config.yaml", "a", encoding="utf-8") as fh:
        fh.write(CONFIG_EXTRA)
    with open(root / "README.md", "a", encoding="utf-8") as fh:
        fh.write(README_EXTRA)
    (root / "keys.py").write_text(KEYS_PY, encoding="utf-8")
    (root / "explore.ipynb").write_text(_notebook(), encoding="utf-8")
    (root / ".env").write_text(f"DB_USER=analyst\nDB_PASSWORD={ENV_PHRASE}\n", encoding="utf-8")
    return root


def _plant_mlflow_secrets(uri: str) -> None:
    client = MlflowClient(uri)
    for model in client.search_registered_models():
        client.set_registered_model_tag(model.name, "deploy_note", f"pushed with {MLFLOW_TAG_GHP}")
        for mv in client.search_model_versions(f"name='{model.name}'"):
            client.log_param(mv.run_id, "db_password", MLFLOW_PARAM_PW)
            client.log_param(mv.run_id, "warehouse_dsn", f"host=db password={MLF_PHRASE}")
            client.set_tag(mv.run_id, "warehouse_uri", f"postgresql://svc:{MLFLOW_TAG_PW}@db:5432/x")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted still gets its raw parts
            self.lines.append(f"{record.msg} {record.args}")


@pytest.fixture(scope="module")
def run(demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("e2e_secrets")
    code_root = _code_tree(demo_project, root)
    uri = clone_store(demo_store_uri, root / "store")
    _plant_mlflow_secrets(uri)
    out = root / "out"
    fake = FakeLLM()
    argv = [
        "-s", str(REPO / "doc_spec.yaml"), "-c", str(code_root), "-o", str(out), "-p", "openai",
        "-m", "fake-model", "--base-url", fake.openai_url, "--mlflow-uri", uri, "--notebook", "-v",
        "--timeout", "10", "--max-retries", "1", "--initial-backoff", "0.01", "--max-backoff", "0.05",
    ]  # fmt: skip
    records = _Records()
    root_logger = logging.getLogger()
    old_level = root_logger.level
    root_logger.addHandler(records)
    root_logger.setLevel(logging.DEBUG)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("OPENAI_API_KEY", API_KEY)
            mp.chdir(root)
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(argv)
    finally:
        root_logger.removeHandler(records)
        root_logger.setLevel(old_level)
        fake.close()
    return {
        "code": code,
        "out": out,
        "root": root,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "logs": "\n".join(records.lines),
        "requests": fake.requests,
    }


def _output_texts(out: Path) -> dict[str, str]:
    """Every file under the output folder as text; the .docx also as each raw XML part."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts[str(path.relative_to(out))] = data.decode("utf-8", errors="replace")
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    texts[f"{path.name}!{name}"] = zf.read(name).decode("utf-8", errors="replace")
    return texts


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    props = doc.core_properties
    parts += [props.title or "", props.author or "", props.subject or "", props.comments or ""]
    return "\n".join(parts)


@pytest.mark.slow
def test_the_run_finished_and_found_every_planted_secret(run: dict[str, Any]) -> None:
    """Guards the absence checks below: the secrets were really scanned, then redacted."""
    assert run["code"] == 0, run["stdout"] + run["stderr"]
    assert len(run["requests"]) >= 10
    evidence = json.loads((run["out"] / "evidence.json").read_text(encoding="utf-8"))
    kinds = {r["kind"] for r in evidence["redactions"]}
    assert {"sk_token", "aws_access_key", "github_token", "hf_token", "url_password"} <= kinds, kinds
    assert {"assigned_secret", "private_key"} <= kinds, kinds
    places = " ".join(r["place"] for r in evidence["redactions"])
    for where in ("data.py", "keys.py", "explore.ipynb", "README.md", "config.yaml"):
        assert where in places, (where, places)
    assert "MLflow run" in places and "MLflow model" in places, places  # params, run and model tags
    lines = (run["root"] / "project" / "data.py").read_text(encoding="utf-8").splitlines()
    for name in ("BACKUP_URL", "BLOB", "SCORING_HEADERS"):  # each of these lines was recognised
        number = next(n for n, line in enumerate(lines, 1) if line.startswith(f"{name} = "))
        assert f"data.py:{number}" in places, (name, number, places)
    # the function body holding a secret was quoted, redacted (so its absence below means something)
    bodies = [
        i["text"] or ""
        for i in evidence["items"]
        if i["kind"] == "excerpt" and "service_token" in (i["text"] or "")
    ]
    assert bodies and all('service_token = "[REDACTED:assigned_secret]"' in b for b in bodies), bodies
    # the redacted material did reach the writer, as placeholders
    sent = "\n".join(json.dumps(r.body) for r in run["requests"])
    assert "[REDACTED:" in sent


@pytest.mark.slow
def test_each_passphrase_went_whole_and_the_text_around_it_stayed(run: dict[str, Any]) -> None:
    """Guards the absence checks below for the passphrases: each line was scanned and redacted."""
    evidence = json.loads((run["out"] / "evidence.json").read_text(encoding="utf-8"))
    places = {r["place"] for r in evidence["redactions"]}
    assert {"explore.ipynb [cell 0]:4", "explore.ipynb [cell 1]:4"} <= places, places  # ini, comment
    texts = "\n".join([i["text"] or "" for i in evidence["items"]] + [i["label"] for i in evidence["items"]])
    for line in (
        "The password: [REDACTED:assigned_secret]. Ask the data team for your own.",
        "DB_PASSWORD=[REDACTED:assigned_secret]\nDB_USER=analyst",
        "password = [REDACTED:assigned_secret]",
        'user=analyst password=[REDACTED:assigned_secret] dbname=risk"',
        "warehouse.passphrase = [REDACTED:assigned_secret] (config.yaml)",
    ):
        assert line in texts, line
    params = [i["value"] for i in evidence["items"] if "warehouse_dsn" in i["label"]]
    assert params and all(v == "host=db password=[REDACTED:assigned_secret]" for v in params), params
    sent = "\n".join(json.dumps(r.body) for r in run["requests"])  # what the writer saw of them
    assert "DB_PASSWORD=[REDACTED:assigned_secret] DB_USER=analyst" in sent
    assert "host=db password=[REDACTED:assigned_secret]" in _docx_text(
        run["out"] / "model_documentation.docx"
    )


@pytest.mark.slow
def test_names_and_expressions_beside_a_secret_stay_as_written(run: dict[str, Any]) -> None:
    """An annotation (``session_token: SessionToken``) and an expression (``passphrase = not ...``)
    are code, not secrets: the quoted body shows them, and no redaction is counted for their lines."""
    evidence = json.loads((run["out"] / "evidence.json").read_text(encoding="utf-8"))
    bodies = [i["text"] or "" for i in evidence["items"] if "service_token" in (i["text"] or "")]
    lines = (run["root"] / "project" / "data.py").read_text(encoding="utf-8").splitlines()
    places = {r["place"] for r in evidence["redactions"]}
    for code in ("session_token: SessionToken = open_session()", "passphrase = not session_token"):
        assert bodies and all(code in b for b in bodies), (code, bodies)
        number = next(n for n, line in enumerate(lines, 1) if line.strip() == code)
        assert f"data.py:{number}" not in places, (code, places)
    assert f"data.py:{number - 2}" in places  # the literal two lines above is still a secret
    assert "explore.ipynb [cell 1]:4" in places and "explore.ipynb [cell 1]:5" not in places  # a code cell


@pytest.mark.slow
def test_no_secret_in_any_request_the_llm_received(run: dict[str, Any]) -> None:
    for req in run["requests"]:
        raw = json.dumps(req.body) + json.dumps(req.headers)
        leaked = [s for s in [*SECRETS, API_KEY] if s in raw]
        assert not leaked, (req.path, leaked)


@pytest.mark.slow
def test_no_secret_in_any_output_file(run: dict[str, Any]) -> None:
    texts = _output_texts(run["out"])
    assert {
        "model_documentation.docx",
        "model_docs_notebook.ipynb",
        ".autodoc_cache.json",
        "evidence.json",
    } <= set(texts)
    assert {"run_report.json", "run_report.md"} <= set(texts)
    for name, text in texts.items():
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, (name, leaked)


@pytest.mark.slow
def test_no_secret_in_the_word_document_as_read_back(run: dict[str, Any]) -> None:
    text = _docx_text(run["out"] / "model_documentation.docx")
    assert "Executive Summary" in text
    assert not [s for s in [*SECRETS, API_KEY] if s in text]


@pytest.mark.slow
def test_no_secret_in_console_output_or_logs(run: dict[str, Any]) -> None:
    assert "redact" in run["stdout"]  # the summary says secrets were removed (by count)
    for name in ("stdout", "stderr", "logs"):
        leaked = [s for s in SECRETS if s in run[name]]
        assert not leaked, (name, leaked)


@pytest.mark.slow
def test_api_key_lands_in_no_file_and_no_log(run: dict[str, Any]) -> None:
    for name, text in _output_texts(run["out"]).items():
        assert API_KEY not in text, name
    for path in run["root"].rglob("*"):  # anything written beside the outputs (the cwd)
        if path.is_file() and "store" not in path.parts and path.stat().st_size < 20_000_000:
            assert API_KEY.encode() not in path.read_bytes(), path
    for name in ("stdout", "stderr", "logs"):
        assert API_KEY not in run[name], name
    for req in run["requests"]:
        assert API_KEY not in json.dumps(req.body), req.path


# ------------------------------------------------------------ credentials inside a URI
URI_PW = "UriPw-Secret-661"


@pytest.mark.slow
def test_password_in_the_mlflow_uri_reaches_no_output_or_console(
    mlflow_server_uri: str, demo_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """MLflow behind basic auth is often given as http://user:password@host; the password
    must not land in the cache, the evidence, the document or the verbose settings line."""
    uri = mlflow_server_uri.replace("http://", f"http://alice:{URI_PW}@")
    out = tmp_path / "out"
    argv = ["-s", str(REPO / "doc_spec.yaml"), "-c", str(demo_project), "-o", str(out)]
    code = main([*argv, "-p", "offline", "--mlflow-uri", uri, "-v", "--notebook"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "breast_cancer_gbm" in _docx_text(out / "model_documentation.docx")  # MLflow was read
    assert URI_PW not in captured.out + captured.err
    for name, text in _output_texts(out).items():
        assert URI_PW not in text, name


def test_password_in_a_postgres_tracking_uri_is_hidden_in_settings_and_messages() -> None:
    from autodoc.scan.mlflow.client import display_uri
    from autodoc.settings import Settings

    uri = f"postgresql://mlflow:{URI_PW}@db.internal:5432/mlflow"
    settings = Settings(mlflow_uri=uri, base_url=f"https://proxy:{URI_PW}@llm.internal/v1")
    assert URI_PW not in json.dumps(settings.public())
    assert settings.public()["mlflow_uri"] == "postgresql://mlflow:***@db.internal:5432/mlflow"
    assert display_uri(uri) == "postgresql://mlflow:***@db.internal:5432/mlflow"
    assert settings.mlflow_uri == uri  # the scanner still connects with the real URI


def test_password_in_the_base_url_is_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    from autodoc.cli.generate import announce
    from autodoc.settings import Settings

    settings = Settings(provider="openai", base_url=f"https://proxy:{URI_PW}@llm.internal/v1")
    announce(settings, {"provider": "openai"})
    assert URI_PW not in capsys.readouterr().out
