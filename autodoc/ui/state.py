"""What one browser session holds: its settings, its spec and its messages.

Everything lives in the session's own state mapping (`st.session_state`), passed in as
`ss`, so two browser sessions never share keys, jobs or documents. Values that must
survive a page switch live in `ss["kept"]`, a plain dict no widget owns: Streamlit drops
the state of a widget that a run does not draw, so a widget key alone would be lost when
the user visits another page. No module-level mutable state here.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

from autodoc import demo
from autodoc.errors import AutodocError, ConfigError, SpecError
from autodoc.paths import check_allowed
from autodoc.settings import KEY_VARS, Settings, load_settings
from autodoc.spec import Spec, list_templates, load_spec, parse_spec, template_text
from autodoc.ui.spec_form import rows_from_spec, spec_extra

State = MutableMapping[str, Any]

MAX_SPEC_BYTES = 256 * 1024  # an uploaded spec larger than this is refused
PROVIDERS = ("offline", "anthropic", "openai")
VIEWS = ("Scan overview", "Plan review", "Write review", "Build")

# widget key -> Settings field, for the plain (non-path, non-key) options
NUMBER_FIELDS = (
    "generation_workers",
    "planning_workers",
    "max_files",
    "timeout",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "backoff_jitter",
)
FLAG_FIELDS = ("notebook", "verbose", "latest_only", "project_filtering")
TEXT_FIELDS = ("code_root", "output_dir", "mlflow_uri", "model", "base_url", "notebook_path")
# widget keys whose values are kept in `ss["kept"]` besides every `opt_*` key
KEPT_KEYS = ("spec_title", "spec_authors", "spec_template")
CODE_ROOT_VARS = ("CODE_ROOT", "AUTODOC_CODE_ROOT")
CARD_FIELDS = (  # row field, widget key
    ("name", "sec_name"),
    ("per_model", "sec_pm"),
    ("required", "sec_req"),
    ("hint", "sec_hint"),
)


# --------------------------------------------------------------------------- start-up
def base_settings() -> tuple[Settings, str | None]:
    """Defaults from the environment and `.env`, or plain defaults with the reason they failed."""
    try:
        return load_settings(), None
    except ConfigError as err:
        try:
            return load_settings({"provider": "offline"}), str(err)
        except ConfigError as err2:
            return Settings(), str(err2)


def demo_defaults(defaults: Settings) -> bool:
    """No code root configured anywhere: the app opens on the demo project and its store."""
    if any(os.environ.get(name) for name in CODE_ROOT_VARS):
        return False
    return defaults.code_root in (".", "") and not defaults.allowed_root


def init_session(ss: State) -> None:
    """Seed this session's settings and spec once, from the settings defaults."""
    if ss.get("_ready"):
        return
    defaults, problem = base_settings()
    ss["defaults"] = defaults
    ss["defaults_problem"] = problem
    kept: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        kept[f"opt_{name}"] = getattr(defaults, name) or ""
    for name in NUMBER_FIELDS:
        kept[f"opt_{name}"] = getattr(defaults, name)
    for name in FLAG_FIELDS:
        kept[f"opt_{name}"] = bool(getattr(defaults, name))
    kept["opt_provider"] = defaults.provider if defaults.provider in PROVIDERS else "offline"
    kept["opt_api_key"] = ""
    kept["opt_models"] = ", ".join(defaults.models)
    kept["opt_experiments"] = ", ".join(defaults.experiments)
    kept["opt_spec_path"] = defaults.spec_path or "doc_spec.yaml"
    ss["demo"] = demo_defaults(defaults)
    if ss["demo"]:
        kept["opt_code_root"] = str(demo.DEMO_PROJECT)
        kept["opt_mlflow_uri"] = demo.default_uri()
    ss["kept"] = kept
    for key, value in (
        ("doc", None),
        ("evidence", None),
        ("outputs", None),
        ("job", None),
        ("png_cache", {}),
        ("mode", {}),
        ("notices", []),
        ("restored_from", None),
        ("doc_rev", 0),
        ("outputs_rev", 0),
        ("field_errors", {}),
    ):
        ss.setdefault(key, value)
    if "spec_rows" not in ss:
        spec, source = initial_spec(kept["opt_spec_path"])
        set_spec(ss, spec, source)
    ss["_ready"] = True


def initial_spec(spec_path: str) -> tuple[Spec, str]:
    """The spec to start from: the spec file, else the default template, else a minimal one."""
    try:
        return load_spec(spec_path), spec_path
    except AutodocError:
        pass
    try:
        names = [name for name, _ in list_templates()]
        name = "default" if "default" in names else names[0]
        return parse_spec(template_text(name), f"template {name}"), f"template {name}"
    except (AutodocError, IndexError):
        text = "title: Model Documentation\nsections:\n  - Executive Summary\n  - Model Performance\n"
        return parse_spec(text, "<built-in>"), "a minimal starting spec"


def set_spec(ss: State, spec: Spec, source: str) -> None:
    """Load `spec` into the editor: its rows, title, authors and the fields the editor has no box for."""
    put(ss, "spec_title", spec.title)
    put(ss, "spec_authors", spec.authors or "")
    ss["spec_rows"] = rows_from_spec(spec, start=ss.get("spec_uid", 0))
    ss["spec_uid"] = ss.get("spec_uid", 0) + len(spec.sections)
    ss["spec_extra"] = spec_extra(spec)
    ss["spec_source"] = source


# ------------------------------------------------------------------- kept widget values
def kept(ss: State, key: str, default: Any = None) -> Any:
    """A setting as the user last left it: its widget's value while drawn, else the kept value."""
    if key in ss:
        return ss[key]
    return ss.get("kept", {}).get(key, default)


def put(ss: State, key: str, value: Any) -> None:
    """Set a kept value and its widget (call before the widget is drawn, or from a callback)."""
    ss.setdefault("kept", {})[key] = value
    ss[key] = value


def enter_page(ss: State, page: str) -> None:
    """What every page does first: seed the session once, give kept widgets their values back."""
    init_session(ss)
    restore_widgets(ss, page)


def restore_widgets(ss: State, page: str) -> None:
    """Give every kept widget its value back when the user arrives on `page` (or a widget was dropped)."""
    arrived = ss.get("_page") != page
    ss["_page"] = page
    for key, value in ss.get("kept", {}).items():
        if arrived or key not in ss:
            ss[key] = value
    if arrived:
        for row in ss.get("spec_rows", []):
            for field, prefix in CARD_FIELDS:
                ss[f"{prefix}_{row['uid']}"] = row.get(field, False)


def remember_widgets(ss: State) -> None:
    """Copy the widgets' current values into the kept store (end of the main page's run)."""
    store = ss.setdefault("kept", {})
    for key in list(store) + list(KEPT_KEYS):
        if key in ss:
            store[key] = ss[key]


def notify(ss: State, level: str, message: str) -> None:
    """Queue a message shown once at the top of the main area."""
    ss.setdefault("notices", []).append((level, message))


# ----------------------------------------------------------------------- spec sources
def spec_from_path(ss: State, path: str) -> Spec:
    defaults: Settings = ss["defaults"]
    checked = check_allowed(path, defaults.allowed_root)
    return load_spec(checked)


def spec_from_upload(name: str, data: bytes) -> Spec:
    """Parse an uploaded spec (size-limited; the parser only uses safe YAML)."""
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"the file is {len(data) // 1024} KB; specs are limited to {MAX_SPEC_BYTES // 1024} KB", path=name
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError("the file is not UTF-8 text", path=name) from None
    return parse_spec(text, name)


# --------------------------------------------------------------------------- settings
def api_key_available(ss: State) -> bool:
    provider = kept(ss, "opt_provider", "offline")
    if provider not in KEY_VARS:
        return False
    if (kept(ss, "opt_api_key") or "").strip():
        return True
    defaults: Settings = ss["defaults"]
    return bool(getattr(defaults, f"{provider}_api_key", None))


def effective_provider(ss: State) -> str:
    """The provider a run will use: with no key for an LLM provider, the offline writer."""
    provider = kept(ss, "opt_provider", "offline")
    return provider if provider in KEY_VARS and api_key_available(ss) else "offline"


def overrides(ss: State) -> dict[str, object]:
    """The settings the page's widgets set (field names, as `load_settings` expects)."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        text = str(kept(ss, f"opt_{name}") or "").strip()
        if text:
            values[name] = text
    for name in NUMBER_FIELDS + FLAG_FIELDS:
        values[name] = kept(ss, f"opt_{name}")
    values["models"] = kept(ss, "opt_models") or ""
    values["experiments"] = kept(ss, "opt_experiments") or ""
    provider = effective_provider(ss)
    values["provider"] = provider
    key = (kept(ss, "opt_api_key") or "").strip()
    if key and provider in KEY_VARS:
        values["api_key"] = key  # lives in this session's memory only; never written
    if provider == "offline":
        values.pop("model", None)
        values.pop("base_url", None)
    return values


def make_settings(ss: State) -> Settings:
    """Settings for a run; paths must lie under the allowed root (raises AutodocError)."""
    defaults: Settings = ss["defaults"]
    settings = load_settings(overrides(ss))
    root = defaults.allowed_root
    settings.code_root = str(check_allowed(settings.code_root, root))
    settings.output_dir = str(check_allowed(settings.output_dir, root))
    if settings.notebook_path:
        settings.notebook_path = str(check_allowed(settings.notebook_path, root))
    settings.allowed_root = root
    return settings


def on_demo(settings: Settings) -> bool:
    """The run documents the demo project from its local store (seeded on first use)."""
    from pathlib import Path

    return Path(settings.code_root).resolve() == demo.DEMO_PROJECT.resolve() and (
        settings.mlflow_uri == demo.default_uri()
    )
