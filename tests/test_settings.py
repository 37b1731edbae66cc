"""Settings: flags > environment > .env > defaults, every variable with or without AUTODOC_."""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc.errors import ConfigError
from autodoc.settings import in_domino, load_settings, parse_dotenv, provider_was_chosen

NO_DOTENV = None


def load(overrides=None, env=None, dotenv=NO_DOTENV):
    return load_settings(overrides, env=env or {}, dotenv_path=dotenv)


def write_dotenv(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- defaults


def test_defaults_outside_domino_are_local_and_offline():
    s = load()
    assert (s.code_root, s.output_dir, s.allowed_root) == (".", "./output", None)
    assert s.provider == "offline"
    assert (s.max_files, s.generation_workers, s.planning_workers) == (50, 4, 4)
    assert (s.timeout, s.max_retries, s.initial_backoff, s.max_backoff, s.backoff_jitter) == (
        120.0,
        3,
        3.0,
        30.0,
        0.2,
    )


def test_domino_defaults_use_its_mounts_and_project():
    env = {"DOMINO_PROJECT_NAME": "churn", "DOMINO_RUN_ID": "abc"}
    assert in_domino(env)
    s = load(env=env)
    assert (s.code_root, s.output_dir, s.allowed_root) == ("/mnt/code", "/mnt/data/churn", "/mnt")
    assert s.domino_project == "churn"


def test_domino_defaults_yield_to_explicit_values():
    env = {"DOMINO_PROJECT_NAME": "churn", "CODE_ROOT": "/mnt/code/sub"}
    s = load({"output_dir": "/mnt/data/other"}, env=env)
    assert (s.code_root, s.output_dir) == ("/mnt/code/sub", "/mnt/data/other")


def test_not_domino_without_its_variables():
    assert not in_domino({"HOME": "/root", "DOMINO_PROJECT_NAME": ""})


# ------------------------------------------------------------------------- precedence


def test_flag_beats_environment_and_absent_flag_does_not_override():
    env = {"MAX_FILES": "80", "PLANNING_WORKERS": "2"}
    s = load({"max_files": 7}, env=env)
    assert s.max_files == 7  # passed flag wins
    assert s.planning_workers == 2  # flag not passed: environment stays


def test_environment_beats_dotenv_and_dotenv_beats_defaults(tmp_path):
    dotenv = write_dotenv(tmp_path, "MAX_FILES=11\nPLANNING_WORKERS=3\n")
    s = load(env={"MAX_FILES": "22"}, dotenv=dotenv)
    assert s.max_files == 22
    assert s.planning_workers == 3
    assert s.generation_workers == 4


@pytest.mark.parametrize("name", ["MAX_FILES", "AUTODOC_MAX_FILES"])
def test_every_variable_works_with_and_without_prefix(name):
    assert load(env={name: "9"}).max_files == 9


def test_prefixed_variable_wins_over_bare_one():
    assert load(env={"MAX_FILES": "9", "AUTODOC_MAX_FILES": "12"}).max_files == 12


def test_manual_variables_map_to_settings(tmp_path):
    env = {
        "LLM_PROVIDER": "openai",
        "OPENAI_API_KEY": "sk-test-1",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "CODE_ROOT": "/src",
        "OUTPUT_DIR": "/out",
        "MAX_FILES": "70",
        "PARALLEL_WORKERS": "6",
        "PLANNING_WORKERS": "5",
        "LLM_MODEL": "gpt-x",
        "LLM_MAX_RETRIES": "1",
        "LLM_INITIAL_BACKOFF": "0.5",
        "LLM_MAX_BACKOFF": "4",
        "LLM_BACKOFF_JITTER": "0",
        "MLFLOW_TRACKING_URI": "sqlite:///m.db",
        "MLFLOW_EXPERIMENT_NAME": "churn",
        "AUTODOC_TIMEOUT": "15",
        "AUTODOC_ALLOWED_ROOT": "/srv",
    }
    s = load(env=env)
    assert s.provider == "openai" and s.api_key() == "sk-test-1"
    assert s.base_url == "http://127.0.0.1:9/v1"
    assert (s.code_root, s.output_dir, s.max_files) == ("/src", "/out", 70)
    assert (s.generation_workers, s.planning_workers) == (6, 5)
    assert (s.model, s.model_name) == ("gpt-x", "gpt-x")
    assert (s.max_retries, s.initial_backoff, s.max_backoff, s.backoff_jitter) == (1, 0.5, 4.0, 0.0)
    assert (s.mlflow_uri, s.experiment_name) == ("sqlite:///m.db", "churn")
    assert (s.timeout, s.allowed_root) == (15.0, "/srv")


def test_prefixed_forms_of_manual_variables():
    env = {
        "AUTODOC_LLM_PROVIDER": "anthropic",
        "AUTODOC_ANTHROPIC_API_KEY": "sk-ant-x",
        "AUTODOC_PARALLEL_WORKERS": "3",
        "AUTODOC_MLFLOW_TRACKING_URI": "http://127.0.0.1:5000",
    }
    s = load(env=env)
    assert (s.provider, s.api_key(), s.generation_workers, s.mlflow_uri) == (
        "anthropic",
        "sk-ant-x",
        3,
        "http://127.0.0.1:5000",
    )


def test_base_url_of_the_other_provider_is_not_used():
    env = {"ANTHROPIC_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}
    s = load(env=env)
    assert s.provider == "anthropic" and s.base_url is None
    env["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:2"
    assert load(env=env).base_url == "http://127.0.0.1:2"


def test_list_and_bool_overrides():
    s = load(
        {
            "models": "churn*, fraud_?",
            "experiments": "prod_*",
            "latest_only": True,
            "project_filtering": False,
            "notebook": True,
        }
    )
    assert s.models == ["churn*", "fraud_?"] and s.experiments == ["prod_*"]
    assert s.latest_only and not s.project_filtering and s.notebook


# ---------------------------------------------------------------------------- provider


def test_provider_follows_configured_key():
    assert load(env={"OPENAI_API_KEY": "sk-o"}).provider == "openai"
    assert load(env={"OPENAI_API_KEY": "sk-o", "ANTHROPIC_API_KEY": "sk-a"}).provider == "anthropic"
    assert load(env={"ANTHROPIC_API_KEY": ""}).provider == "offline"


def test_explicit_offline_wins_over_keys():
    s = load({"provider": "offline"}, env={"OPENAI_API_KEY": "sk-o"})
    assert s.provider == "offline"


def test_chosen_provider_without_key_names_the_variable_and_offline():
    with pytest.raises(ConfigError) as err:
        load({"provider": "anthropic"}, env={"OPENAI_API_KEY": "sk-o"})
    text = str(err.value)
    assert "ANTHROPIC_API_KEY" in text and "--provider offline" in text


def test_api_key_flag_sets_the_chosen_provider_key():
    s = load({"provider": "openai", "api_key": "sk-flag"}, env={"OPENAI_API_KEY": "sk-env"})
    assert s.api_key() == "sk-flag"
    assert load({"api_key": "sk-ant-abc"}).provider == "anthropic"


def test_keys_are_secret_and_never_in_public_settings():
    s = load(env={"OPENAI_API_KEY": "sk-very-secret"})
    assert "sk-very-secret" not in repr(s) and "sk-very-secret" not in str(s.public())
    assert "openai_api_key" not in s.public()


def test_provider_was_chosen(tmp_path):
    assert not provider_was_chosen({}, env={}, dotenv_path=None)
    assert provider_was_chosen({"provider": "offline"}, env={}, dotenv_path=None)
    assert provider_was_chosen({}, env={"AUTODOC_LLM_PROVIDER": "offline"}, dotenv_path=None)
    dotenv = write_dotenv(tmp_path, "LLM_PROVIDER=offline\n")
    assert provider_was_chosen({}, env={}, dotenv_path=dotenv)


# -------------------------------------------------------------------------- bad values

BAD_ENV = [
    ("MAX_FILES", "abc", "whole number >= 1"),
    ("AUTODOC_MAX_FILES", "0", "whole number >= 1"),
    ("PARALLEL_WORKERS", "0", "whole number >= 1 and <= 64"),
    ("PLANNING_WORKERS", "2.5", "whole number >= 1"),
    ("LLM_MAX_RETRIES", "-1", "whole number >= 0"),
    ("LLM_INITIAL_BACKOFF", "soon", "a number >= 0"),
    ("LLM_MAX_BACKOFF", "-3", "a number >= 0"),
    ("LLM_BACKOFF_JITTER", "1.5", "a number >= 0 and <= 1"),
    ("AUTODOC_TIMEOUT", "0", "a number > 0"),
    ("LLM_PROVIDER", "gemini", "one of anthropic, openai, offline"),
    ("AUTODOC_LATEST_ONLY", "maybe", "true/false"),
]


@pytest.mark.parametrize(("name", "value", "accepted"), BAD_ENV)
def test_bad_environment_value_names_variable_and_what_is_accepted(name, value, accepted):
    with pytest.raises(ConfigError) as err:
        load(env={name: value})
    text = str(err.value)
    assert f"environment variable {name}" in text
    assert repr(value) in text and accepted in text


@pytest.mark.parametrize(
    ("field", "value", "flag", "accepted"),
    [
        ("max_files", "abc", "--max-files", "whole number >= 1"),
        ("generation_workers", 0, "--generation-workers", "whole number >= 1"),
        ("backoff_jitter", 1.5, "--backoff-jitter", "<= 1"),
        ("timeout", -2, "--timeout", "> 0"),
        ("base_url", "localhost:8000", "--base-url", "http:// or https:// URL"),
    ],
)
def test_bad_flag_value_names_the_flag(field, value, flag, accepted):
    with pytest.raises(ConfigError) as err:
        load({field: value})
    assert str(err.value).startswith(flag) and accepted in str(err.value)


def test_bad_dotenv_value_names_file_line_and_variable(tmp_path):
    dotenv = write_dotenv(tmp_path, "# settings\nMAX_FILES=50\nLLM_BACKOFF_JITTER=2\n")
    with pytest.raises(ConfigError) as err:
        load(dotenv=dotenv)
    assert f"LLM_BACKOFF_JITTER in {dotenv}:3" in str(err.value)


def test_max_backoff_below_initial_is_refused():
    with pytest.raises(ConfigError, match="max backoff"):
        load({"initial_backoff": 10, "max_backoff": 2})


def test_bad_key_value_is_never_echoed():
    with pytest.raises(ConfigError) as err:
        load({"max_files": "x"}, env={"OPENAI_API_KEY": "sk-should-not-show"})
    assert "sk-should-not-show" not in str(err.value)


def test_unknown_override_is_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        load({"max_filez": 3})


# ------------------------------------------------------------------------------ .env


def test_dotenv_parser_handles_quotes_comments_and_export():
    text = (
        "# a comment\n\n"
        "export LLM_MODEL=gpt-4.1  # inline comment\n"
        'OUTPUT_DIR="/data/my docs"\n'
        "CODE_ROOT='/src/#not-a-comment'\n"
        'MLFLOW_EXPERIMENT_NAME="say \\"hi\\""\n'
        "EMPTY=\n"
    )
    values = {k: v for k, (v, _) in parse_dotenv(text).items()}
    assert values == {
        "LLM_MODEL": "gpt-4.1",
        "OUTPUT_DIR": "/data/my docs",
        "CODE_ROOT": "/src/#not-a-comment",
        "MLFLOW_EXPERIMENT_NAME": 'say "hi"',
        "EMPTY": "",
    }


def test_dotenv_malformed_line_names_line_not_content():
    with pytest.raises(ConfigError) as err:
        parse_dotenv("OK=1\nthis is sk-secret-content\n", "proj/.env")
    assert "proj/.env:2" in str(err.value) and "sk-secret" not in str(err.value)


def test_dotenv_unclosed_quote():
    with pytest.raises(ConfigError, match=r"\.env:1: OPENAI_API_KEY: the quoted value is not closed"):
        parse_dotenv('OPENAI_API_KEY="sk-abc\n')


def test_dotenv_key_selects_provider(tmp_path):
    dotenv = write_dotenv(tmp_path, "OPENAI_API_KEY=sk-from-file\n")
    s = load(dotenv=dotenv)
    assert s.provider == "openai" and s.api_key() == "sk-from-file"


def test_missing_dotenv_is_fine(tmp_path):
    assert load(dotenv=str(tmp_path / "absent.env")).provider == "offline"


def test_none_override_means_not_given():
    s = load({"max_files": None, "model": None}, env={"MAX_FILES": "33", "LLM_MODEL": "m-env"})
    assert (s.max_files, s.model) == (33, "m-env")


def test_openai_compatible_server_needs_no_key():
    settings = load(env={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"})
    assert settings.provider == "openai" and settings.openai_api_key is None


def test_a_registered_plugin_provider_can_be_chosen():
    from autodoc.llm import registry
    from autodoc.llm.offline.provider import OfflineProvider

    registry.register("inhouse", lambda settings: OfflineProvider(settings))
    try:
        assert load(env={"LLM_PROVIDER": "inhouse"}).provider == "inhouse"
    finally:
        registry._factories.pop("inhouse", None)
    with pytest.raises(ConfigError, match="inhouse"):
        load(env={"LLM_PROVIDER": "inhouse"})
