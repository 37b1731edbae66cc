"""The real anthropic and openai SDKs against the fake LLM server: parsing, retries, failures."""

from __future__ import annotations

import inspect
import json
import re
import socket
import threading
import time
from pathlib import Path

import anthropic
import openai
import pytest

from autodoc.document import NarrativeReply, PlanReply
from autodoc.errors import Cancelled, ConfigError, LLMConfigError, LLMError
from autodoc.llm.base import LLMRequest, LLMResponse, Message
from autodoc.llm.openai_provider import OpenAIProvider
from autodoc.llm.registry import available, get_provider, register
from autodoc.settings import DEFAULT_MODELS, Settings
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings

PROVIDERS = ["openai", "anthropic"]
KEY_VARIABLE = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
SCHEMA_PATH = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}


def request(model: type = PlanReply, **extra: object) -> LLMRequest:
    return LLMRequest(
        purpose="plan overview",
        system="You plan sections of model documentation.",
        messages=[Message(role="user", content="Plan the section 'Overview'.")],
        response_model=model,
        **extra,
    )


@pytest.mark.parametrize("name", PROVIDERS)
@pytest.mark.parametrize("model", [PlanReply, NarrativeReply])
def test_provider_parses_structured_output(fake_llm: FakeLLM, name: str, model: type) -> None:
    provider = get_provider(llm_settings(fake_llm, name))
    response = provider.complete(request(model))
    assert isinstance(response.parsed, model)
    assert response.error is None and response.retries == 0
    assert response.input_tokens > 0 and response.output_tokens > 0
    (sent,) = fake_llm.requests
    assert sent.path == SCHEMA_PATH[name]
    assert sent.body["model"] == "fake-model"
    assert "Plan the section 'Overview'." in sent.text


def test_openai_sends_json_schema_response_format(fake_llm: FakeLLM) -> None:
    get_provider(llm_settings(fake_llm, "openai")).complete(request(NarrativeReply))
    fmt = fake_llm.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "NarrativeReply"
    assert fmt["json_schema"]["schema"]["required"] == ["text"]
    # a compatible server gets max_tokens, which every OpenAI-compatible server knows
    assert fake_llm.requests[0].body["max_tokens"] == 2000


def test_openai_schema_is_strict_mode_safe(fake_llm: FakeLLM) -> None:
    response = get_provider(llm_settings(fake_llm, "openai")).complete(request(PlanReply))
    assert type(response.parsed) is PlanReply  # the contract class itself, not a subclass
    fmt = fake_llm.requests[0].body["response_format"]["json_schema"]
    assert fmt["name"] == "PlanReply" and fmt["strict"] is True
    text = json.dumps(fmt["schema"])
    # api.openai.com rejects these (pydantic writes them for discriminated unions/defaults)
    for keyword in ('"oneOf"', '"default"', '"discriminator"', '"const"'):
        assert keyword not in text
    assert '"anyOf"' in text

    def check_objects(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert sorted(node["required"]) == sorted(node["properties"])
            for value in node.values():
                check_objects(value)
        elif isinstance(node, list):
            for value in node:
                check_objects(value)

    check_objects(fmt["schema"])


def test_anthropic_sends_output_config_schema(fake_llm: FakeLLM) -> None:
    get_provider(llm_settings(fake_llm, "anthropic")).complete(request(PlanReply))
    body = fake_llm.requests[0].body
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert "blocks" in body["output_config"]["format"]["schema"]["properties"]
    assert body["system"] == "You plan sections of model documentation."
    assert "temperature" not in body


def test_anthropic_accepts_base_url_with_v1(fake_llm: FakeLLM) -> None:
    settings = llm_settings(fake_llm, "anthropic", base_url=fake_llm.openai_url)
    parsed = get_provider(settings).complete(request()).parsed
    assert [b.type for b in parsed.blocks] == ["narrative"]
    assert fake_llm.requests[0].path == "/v1/messages"  # not /v1/v1/messages


def test_openai_responses_api_parses_and_reports_truncation(fake_llm: FakeLLM) -> None:
    provider = OpenAIProvider(llm_settings(fake_llm, "openai"), api="responses")
    assert isinstance(provider.complete(request()).parsed, PlanReply)
    fake_llm.fault("truncate")
    truncated = provider.complete(request())
    assert truncated.parsed is None and "cut off" in (truncated.error or "")
    assert [r.path for r in fake_llm.requests] == ["/v1/responses"] * 2


@pytest.mark.parametrize("name", PROVIDERS)
def test_sdk_retries_are_off_so_one_layer_retries(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("500")
    with pytest.raises(LLMError, match="1 attempt"):
        get_provider(llm_settings(fake_llm, name, max_retries=0)).complete(request())
    assert len(fake_llm.requests) == 1
    assert fake_llm.requests[0].headers["x-stainless-retry-count"] == "0"


@pytest.mark.parametrize("name", PROVIDERS)
def test_429_honours_retry_after(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("429", retry_after=0.6)
    settings = llm_settings(fake_llm, name, initial_backoff=0.01, max_backoff=5.0)
    started = time.monotonic()
    response = get_provider(settings).complete(request())
    elapsed = time.monotonic() - started
    assert response.parsed is not None and response.retries == 1
    assert 0.6 <= elapsed < 3.0  # generous upper bound: the machine is shared
    assert len(fake_llm.requests) == 2


def test_retry_after_ms_is_used_and_capped_at_max_backoff(fake_llm: FakeLLM) -> None:
    fake_llm.fault("429", retry_after=30)  # capped at max_backoff 0.2
    fake_llm.fault("503", retry_after_ms=300)
    settings = llm_settings(fake_llm, "openai", initial_backoff=5.0, max_backoff=0.2)
    started = time.monotonic()
    response = get_provider(settings).complete(request())
    elapsed = time.monotonic() - started
    assert response.retries == 2
    assert 0.4 <= elapsed < 3.0  # 0.2 + 0.2, not 30 s


@pytest.mark.parametrize("name", PROVIDERS)
def test_server_errors_are_retried_with_bounded_backoff(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.script("500", "503", "500")
    settings = llm_settings(fake_llm, name, initial_backoff=0.2, max_backoff=0.3, backoff_jitter=0.0)
    response = get_provider(settings).complete(request())
    assert response.parsed is not None and response.retries == 3
    gaps = [b.at - a.at for a, b in zip(fake_llm.requests, fake_llm.requests[1:], strict=False)]
    # waits 0.2, then 0.4 and 0.8 capped at 0.3: never shorter, and the cap holds
    for gap, wait in zip(gaps, [0.2, 0.3, 0.3], strict=True):
        assert wait - 0.02 <= gap < wait + 0.45


@pytest.mark.parametrize("status", ["408", "409"])
def test_408_and_409_are_retried(fake_llm: FakeLLM, status: str) -> None:
    fake_llm.fault(status)
    assert get_provider(llm_settings(fake_llm, "openai")).complete(request()).retries == 1


def test_retries_exhausted_raise_llm_error(fake_llm: FakeLLM) -> None:
    fake_llm.fault("500", count=10)
    with pytest.raises(LLMError) as caught:
        get_provider(llm_settings(fake_llm, "anthropic", max_retries=2)).complete(request())
    assert not isinstance(caught.value, LLMConfigError)
    assert "3 attempt(s)" in str(caught.value) and "HTTP 500" in str(caught.value)
    assert len(fake_llm.requests) == 3


@pytest.mark.parametrize("name", PROVIDERS)
def test_hang_past_timeout_is_retried_then_fails(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("hang", seconds=5, count=2)
    settings = llm_settings(fake_llm, name, timeout=0.3, max_retries=1)
    started = time.monotonic()
    with pytest.raises(LLMError, match="within the timeout"):
        get_provider(settings).complete(request())
    assert time.monotonic() - started < 4.0  # two 0.3 s timeouts, not two 5 s hangs
    assert len(fake_llm.requests) == 2


def test_hang_once_then_answer(fake_llm: FakeLLM) -> None:
    fake_llm.fault("hang", seconds=5)
    response = get_provider(llm_settings(fake_llm, "openai", timeout=0.3)).complete(request())
    assert response.parsed is not None and response.retries == 1


@pytest.mark.parametrize("name", PROVIDERS)
def test_401_fails_at_once_naming_the_key_variable(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("401")
    with pytest.raises(LLMConfigError) as caught:
        get_provider(llm_settings(fake_llm, name)).complete(request())
    message = str(caught.value)
    assert KEY_VARIABLE[name] in message and "401" in message
    assert "sk-test-not-a-real-key" not in message
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("name", PROVIDERS)
def test_404_fails_at_once_naming_the_model_and_base_url(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("404")
    with pytest.raises(LLMConfigError) as caught:
        get_provider(llm_settings(fake_llm, name, model="no-such-model")).complete(request())
    message = str(caught.value)
    assert "'no-such-model'" in message and "--model" in message and "base URL" in message
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize(("status", "needle"), [("400", "model 'fake-model'"), ("403", "OPENAI_API_KEY")])
def test_400_and_403_fail_at_once(fake_llm: FakeLLM, status: str, needle: str) -> None:
    fake_llm.fault(status)
    with pytest.raises(LLMConfigError, match=needle):
        get_provider(llm_settings(fake_llm, "openai")).complete(request())
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_non_api_answer_is_a_clear_error(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("malformed")
    with pytest.raises(LLMError, match="answered with something that is not a") as caught:
        get_provider(llm_settings(fake_llm, name)).complete(request())
    assert "--base-url" in str(caught.value)


def test_unreachable_server_is_retried_then_reported() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(
        provider="openai",
        base_url=f"http://127.0.0.1:{port}/v1",
        max_retries=1,
        initial_backoff=0.01,
        max_backoff=0.01,
        timeout=2.0,
    )
    with pytest.raises(LLMError, match=f"cannot connect to http://127.0.0.1:{port}/v1"):
        get_provider(settings).complete(request())


def stop_after(seconds: float) -> tuple[threading.Event, list[float]]:
    """A stop flag set by a timer; the list receives the moment it was set."""
    stop, set_at = threading.Event(), []

    def fire() -> None:
        set_at.append(time.monotonic())
        stop.set()

    threading.Timer(seconds, fire).start()
    return stop, set_at


@pytest.mark.parametrize("name", PROVIDERS)
def test_stop_interrupts_a_long_backoff(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("429", retry_after=30)
    stop, set_at = stop_after(0.5)
    settings = llm_settings(fake_llm, name, max_backoff=60.0)
    with pytest.raises(Cancelled, match="while waiting to retry"):
        get_provider(settings, stop=stop).complete(request())
    assert time.monotonic() - set_at[0] < 2.0
    assert len(fake_llm.requests) == 1


def test_stop_interrupts_an_in_flight_call(fake_llm: FakeLLM) -> None:
    fake_llm.fault("hang", seconds=10)
    stop, set_at = stop_after(0.5)
    with pytest.raises(Cancelled, match="during anthropic plan overview"):
        get_provider(llm_settings(fake_llm, "anthropic", timeout=60)).complete(request(stop=stop))
    assert time.monotonic() - set_at[0] < 2.0


def test_stop_already_set_sends_nothing(fake_llm: FakeLLM) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        get_provider(llm_settings(fake_llm, "openai")).complete(request(stop=stop))
    assert fake_llm.requests == []


@pytest.mark.parametrize("name", PROVIDERS)
def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.delenv(KEY_VARIABLE[name], raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LLMConfigError, match=KEY_VARIABLE[name]):
        get_provider(Settings(provider=name))


def test_openai_compatible_server_needs_no_key(fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = Settings(provider="openai", model="local", base_url=fake_llm.openai_url)
    fake_llm.reply({"blocks": [{"type": "narrative", "guidance": "Describe the data.", "evidence_ids": []}]})
    parsed = get_provider(settings).complete(request()).parsed
    assert [(b.type, b.guidance) for b in parsed.blocks] == [("narrative", "Describe the data.")]


def test_openai_base_url_from_environment_goes_through_the_settings(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autodoc.settings import load_settings

    env = {"OPENAI_BASE_URL": fake_llm.openai_url, "LLM_PROVIDER": "openai"}
    settings = load_settings({"model": "local"}, env=env, dotenv_path=None)
    get_provider(settings).complete(request())
    assert len(fake_llm.requests) == 1


def test_providers_never_reread_the_environment(fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings are resolved once, at the edge: a variable set later changes nothing."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    with pytest.raises(LLMConfigError, match="OPENAI_API_KEY"):
        get_provider(Settings(provider="openai", model="local"))
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_llm.anthropic_url)
    llm = get_provider(Settings(provider="anthropic", anthropic_api_key="sk-test"))
    assert llm.target.base_url == "https://api.anthropic.com"


def test_registry_lists_builtins_and_accepts_new_providers() -> None:
    assert {"anthropic", "openai", "offline"} <= set(available())

    class Echo:
        name, model = "echo", "echo-1"

        def complete(self, req: LLMRequest) -> LLMResponse:
            return LLMResponse(parsed=req.response_model.model_validate({"text": "hi"}))

    register("echo", lambda settings: Echo())
    assert "echo" in available()
    reply = get_provider(Settings(provider="echo")).complete(request(NarrativeReply))
    assert reply.parsed == NarrativeReply(text="hi")


def test_unknown_provider_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"choose one of: .*offline"):
        get_provider(Settings(provider="nope"))


def test_default_models_are_not_flagged_deprecated_by_the_sdks() -> None:
    from anthropic.resources.messages.messages import DEPRECATED_MODELS

    assert DEFAULT_MODELS["anthropic"] not in DEPRECATED_MODELS
    assert DEFAULT_MODELS["anthropic"] in anthropic.types.Model.__args__[0].__args__
    deprecated = openai_deprecated_models()
    assert deprecated, "the openai SDK no longer documents deprecated models here; check by hand"
    assert DEFAULT_MODELS["openai"] not in deprecated
    assert "gpt-4o" in deprecated  # the reference manual's default is listed
    assert Settings(provider="openai", model="my-model").model_name == "my-model"


def openai_deprecated_models() -> set[str]:
    """Model names the installed openai SDK documents under "Deprecated values:"."""
    source = Path(inspect.getfile(openai.resources.chat.completions.completions)).read_text()
    names: set[str] = set()
    for block in source.split("Deprecated values:")[1:]:
        listing = block.lstrip("\n").split("\n\n", 1)[0]  # the bullets end at a blank line
        names.update(re.findall(r'"([A-Za-z0-9.:_-]+)"', listing))
    return names


@pytest.mark.parametrize("sdk", ["openai", "anthropic"])
def test_the_sdks_load_without_their_aiohttp_transport_and_leave_aiohttp_importable(sdk: str) -> None:
    """A fresh process (as the CLI starts): the provider loads its SDK without the optional
    aiohttp client (0.1 s of imports on the way to the first call); aiohttp still imports."""
    import subprocess
    import sys

    code = (
        f"import sys; import autodoc.llm.{sdk}_provider; "
        "print('aiohttp' in sys.modules); import aiohttp; print(aiohttp.__name__)"
    )
    root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "aiohttp"]


def test_a_plain_http_endpoint_skips_the_ca_bundle_but_never_connects_unverified() -> None:
    """A local http:// server needs no CA bundle (20-30 ms to load before the first call); if it
    redirected to https, the certificate would be verified against an empty trust store."""
    import ssl

    from autodoc.llm.sdk import http_client_options

    plain = http_client_options("http://127.0.0.1:8080/v1")["verify"]
    assert isinstance(plain, ssl.SSLContext)
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname
    assert plain.cert_store_stats()["x509_ca"] == 0
    assert "verify" not in http_client_options("https://api.openai.com/v1")  # the system's trust store
    assert "verify" not in http_client_options("HTTPS://llm.example.com")
