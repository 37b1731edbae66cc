"""Secrets never survive redaction; ordinary code is left alone."""

import pytest

from autodoc.scan.secrets import is_secret_name, redact, redact_counts, redact_mapping

SECRETS = [
    ("aws_access_key", 'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"', "AKIAIOSFODNN7EXAMPLE"),
    ("assigned_secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("sk_token", 'OpenAI(api_key="sk-proj-abcdefghijklmnop1234567890")', "abcdefghijklmnop1234567890"),
    ("sk_token", "key sk-abcdefghijklmnopqrstu12345 in a comment", "abcdefghijklmnopqrstu12345"),
    ("anthropic_key", 'k = "sk-ant-api03-abcdefghijklmnopqrstuv"', "abcdefghijklmnopqrstuv"),
    ("hf_token", "HF = 'hf_abcdefghijklmnopqrstuvwxyz12'", "hf_abcdefghijklmnopqrstuvwxyz12"),
    ("github_token", "ghp_abcdefghijklmnopqrstuvwxyz1234567890", "ghp_abcdefghijklmnopqrstuvwxyz1234567890"),
    ("github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "11ABCDEFG0123456789"),
    ("slack_token", "slack = 'xoxb-123456789012-abcdefghijkl'", "123456789012-abcdefghijkl"),
    ("bearer_token", '{"Authorization": "Bearer abc.def.ghijklmnopqrst"}', "abc.def.ghijklmnopqrst"),
    ("url_password", 'create_engine("postgresql+psycopg2://scott:tiger99@db:5432/prod")', "tiger99"),
    ("url_password", "see https://admin:Pa55w0rd@example.com/x", "Pa55w0rd"),
    ("assigned_secret", 'password = "hunter2!"', "hunter2!"),
    ("assigned_secret", 'db_password: str = "s3cr3t-value"', "s3cr3t-value"),
    ("assigned_secret", 'connect(user="u", password="pa55word")', "pa55word"),
    ("assigned_secret", '{"api_key": "abcdef123456"}', "abcdef123456"),
    ("assigned_secret", 'dbPassword = "camelCaseSecret"', "camelCaseSecret"),
    ("assigned_secret", "password: hunter2\n", "hunter2"),
    ("assigned_secret", "secret=abc123xyz", "abc123xyz"),
    ("assigned_secret", 'credential = "cr3d3nt1al"', "cr3d3nt1al"),
    (
        "private_key",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA",
    ),
]


@pytest.mark.parametrize(("kind", "text", "value"), SECRETS)
def test_secret_is_replaced_and_counted(kind: str, text: str, value: str) -> None:
    out, reds = redact(text, "train.py:3")
    assert value not in out
    assert f"[REDACTED:{kind}]" in out
    assert any(r.kind == kind and r.place == "train.py:3" and r.count >= 1 for r in reds)
    assert value not in repr(reds)


@pytest.mark.parametrize(
    "text",
    [
        "token_count = 5",
        'tokenizer = "bert-base-uncased"',
        'password = os.environ["DB_PASSWORD"]',
        "connect(password=password)",
        "pwd = get_pwd()",
        'url = f"postgresql://{user}:{password}@host/db"',
        'uri = "http://localhost:5000"',
        "model = XGBClassifier(max_depth=6, n_estimators=300)",
        'compass = "north"',
        'password = "${DB_PASSWORD}"',
        "flops_per_token = 6*N + 12*L*H*Q*T",  # an expression, not a value
        "next_page_token = SearchUtils.create_page_token(offset)",  # a call on a dotted name: code
        "token = _REQUEST_CONTEXT.set(context)",
        "api_key = auth_config.get(API_KEY_FIELD)",
        "    password: Optional[str] = None",  # a subscript is code
        "    token = tokens[i]",
        "- Password: the one in the vault",  # a sentence, even as an entry of its own
        "    passphrase: Optional passphrase. If None, reads it from the environment.",  # docstrings
        "    - credentials: List of upload credentials with presigned URLs",
        "    max_traces_per_pass: Maximum number of traces to archive",
        'key = "backend_token:offset"',  # a format inside a string, not an entry
    ],
)
def test_ordinary_code_is_untouched(text: str) -> None:
    assert redact(text, "x.py") == (text, [])


def test_redact_mapping_blanks_secret_keys_and_scans_values() -> None:
    out, reds = redact_mapping(
        {"db_password": "abcd1234", "url": "mysql://a:b1234@h/d", "alpha": "0.5"}, "MLflow run 3f2a1b9c"
    )
    assert out == {
        "db_password": "[REDACTED:assigned_secret]",
        "url": "mysql://a:[REDACTED:url_password]@h/d",
        "alpha": "0.5",
    }
    assert {(r.kind, r.count) for r in reds} == {("assigned_secret", 1), ("url_password", 1)}


def test_secret_names() -> None:
    assert all(map(is_secret_name, ["password", "DB_PASSWORD", "openai_api_key", "token", "client_secret"]))
    assert not any(map(is_secret_name, ["token_count", "tokenizer", "passes", "compass"]))


def test_long_text_keeps_lines_and_redacts_every_secret() -> None:
    filler = "\n".join(f"value_{i} = {i}  # ordinary code" for i in range(400))
    pem = "-----BEGIN EC PRIVATE KEY-----\nAAAAsecretmaterial\nBBBB\n-----END EC PRIVATE KEY-----"
    text = f"{filler}\n{pem}\ntoken = 'tok-abcdef123'\n{filler}\nurl = 'redis://:hunter22@cache:6379'\n"
    out, reds = redact(text, "big.py")
    assert out.count("\n") == text.count("\n")
    assert "secretmaterial" not in out and "tok-abcdef123" not in out and "hunter22" not in out
    assert {r.kind for r in reds} == {"private_key", "assigned_secret", "url_password"}


def test_a_pgp_key_block_in_a_long_file_is_redacted_whole() -> None:
    filler = "\n".join(f"value_{i} = {i}  # key, pass and token in ordinary code" for i in range(100))
    pgp = (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBFpgpKeyMaterialLine1\n=abcd\n"
        "-----END PGP PRIVATE KEY BLOCK-----"
    )
    out, reds = redact(f"{filler}\n{pgp}\n{filler}\n", "keys.md")
    assert "pgpKeyMaterial" not in out and "=abcd" not in out
    assert [(r.kind, r.count) for r in reds] == [("private_key", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "The model splits each token: the first half is kept.",
        "token: the",
        "The secret: trust the held-out data.",
        "Each pass: one epoch over the training rows.",
        "Where is the api_key: it is read from the environment.",
    ],
)
def test_a_sentence_is_not_a_secret(text: str) -> None:
    assert redact(text, "narrative") == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        "    secret: bool = False",
        "    api_secret: float = 0.5",
        "def connect(password: Path, token: Literal['a', 'b'], hook: Callable[[str], str]) -> None:",
    ],
)
def test_a_type_annotation_is_not_a_secret(text: str) -> None:
    """An annotated name (``secret: bool = False``) keeps its type: redacting it would also break the
    module's syntax, so the file would be parsed twice and its excerpts cut."""
    assert redact(text, "config.py") == (text, [])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("password: hunter2 for the db", "hunter2"),  # not a word: digits
        ("login ok password=sunshine for user bob", "sunshine"),  # prose writes no `password=`
        ("password: admin  # the default", "admin"),  # a comment is not the sentence going on
        ("POSTGRES_PASSWORD: airflow\nuser: the one", "airflow"),
        ("token: XkPqZw for the job", "XkPqZw"),  # inner capitals
        ("password: s3cret - change me", "s3cret"),  # a dash is not an operator continuing code
    ],
)
def test_a_secret_written_beside_prose_is_still_redacted(text: str, value: str) -> None:
    out, reds = redact(text, "notes.md")
    assert value not in out and "[REDACTED:assigned_secret]" in out
    assert reds


PHRASE = "correct horse battery staple"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"PASSWORD: {PHRASE}", "PASSWORD: [REDACTED:assigned_secret]"),  # YAML
        (f"  db_passphrase: {PHRASE}  # rotated", "  db_passphrase: [REDACTED:assigned_secret]  # rotated"),
        (f"password = {PHRASE}", "password = [REDACTED:assigned_secret]"),  # ini
        (f"DB_PASSWORD={PHRASE}\nDB_USER=bob", "DB_PASSWORD=[REDACTED:assigned_secret]\nDB_USER=bob"),  # .env
        (f"export SMTP_PASS={PHRASE}", "export SMTP_PASS=[REDACTED:assigned_secret]"),
        ("password: purple monkey in dishwasher", "password: [REDACTED:assigned_secret]"),  # lowercase
        (f"- credentials: {PHRASE}", "- credentials: [REDACTED:assigned_secret]"),  # a README list
        (f"`dbPassword: {PHRASE}`", "`dbPassword: [REDACTED:assigned_secret]`"),
        (f's = "PASSWORD: {PHRASE}"', 's = "PASSWORD: [REDACTED:assigned_secret]"'),  # a Python string
        (
            f'dsn = "host=db password={PHRASE} port=5432"',
            'dsn = "host=db password=[REDACTED:assigned_secret] port=5432"',
        ),
        # within a sentence, the passphrase ends where the sentence's own words resume
        (f"The wifi password: {PHRASE}. Ask Bob.", "The wifi password: [REDACTED:assigned_secret]. Ask Bob."),
        (
            "The db password: hunter2 was in the notebook.",
            "The db password: [REDACTED:assigned_secret] was in the notebook.",
        ),
        (
            f"Log in with password={PHRASE} or a key",
            "Log in with password=[REDACTED:assigned_secret] or a key",
        ),
    ],
)
def test_a_passphrase_with_spaces_is_redacted_whole(text: str, expected: str) -> None:
    out, reds = redact(text, "notes.md")
    assert out == expected
    assert [(r.kind, r.count) for r in reds] == [("assigned_secret", 1)]


PYTHON_NAMES = """def attach(token: SpanContextToken, flag: bool) -> None:
    self._token: ContextToken | None = None
    passphrase = not flag
    password = other_password_holder
    api_key = ApiKeyHolder
    token = await fetch()
    span_token: "SpanContextToken | None" = None
"""


def test_names_annotations_and_expressions_in_python_are_not_secrets() -> None:
    """What the mlflow package's source is full of: an unquoted value in Python is code."""
    assert redact_counts(PYTHON_NAMES, python=True) == (PYTHON_NAMES, {})
    assert redact("passphrase = not flag", "x") == ("passphrase = not flag", [])  # in any text


PYTHON_LITERALS = f'''password = "hunter2!"
DSN = "host=db password={PHRASE} port=5432"
# db password: {PHRASE}
CONFIG = """
db:
  password: sunshine77
"""
!curl --token=tok123abc http://models
'''
PYTHON_REDACTED = """password = "[REDACTED:assigned_secret]"
DSN = "host=db password=[REDACTED:assigned_secret] port=5432"
# db password: [REDACTED:assigned_secret]
CONFIG = \"\"\"
db:
  password: [REDACTED:assigned_secret]
\"\"\"
!curl --token=[REDACTED:assigned_secret] http://models
"""


@pytest.mark.parametrize("filler", ["", "\n".join(f"value_{i} = {i}  # key=1" for i in range(200)) + "\n"])
def test_literals_comments_and_shell_lines_in_python_are_still_redacted(filler: str) -> None:
    """A short module and a long one (redacted line by line: a string opened lines before still
    holds text)."""
    out, counts = redact_counts(filler + PYTHON_NAMES + PYTHON_LITERALS + filler, python=True)
    assert out == filler + PYTHON_NAMES + PYTHON_REDACTED + filler
    assert counts == {"assigned_secret": 5}
