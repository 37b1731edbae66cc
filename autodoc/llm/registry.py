"""Providers by name: built-in and third-party ones register the same way.

`register(name, factory)` with `factory(settings) -> Provider`; third-party packages may
also declare an entry point in the group `autodoc.providers` whose object is such a factory.
`get_provider(settings)` builds the provider named by `settings.provider`.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from autodoc.errors import ConfigError
from autodoc.llm.base import Provider

Factory = Callable[[Any], Provider]
ENTRY_POINT_GROUP = "autodoc.providers"

SDK_MODULES = {"openai": "openai", "anthropic": "anthropic"}  # what a built-in provider imports first
_factories: dict[str, Factory] = {}
_lock = threading.Lock()
_loaded = False


def register(name: str, factory: Factory) -> None:
    """Make `factory(settings) -> Provider` available as provider `name` (replaces any)."""
    with _lock:
        _factories[name] = factory


def available() -> list[str]:
    _load()
    with _lock:
        return sorted(_factories)


def get_provider(settings: Any, *, stop: threading.Event | None = None) -> Provider:
    """The provider `settings.provider` names; `stop` (if given) interrupts its calls."""
    _load()
    with _lock:
        factory = _factories.get(settings.provider)
    if factory is None:
        raise ConfigError(
            f"Unknown LLM provider {settings.provider!r}.", hint=f"choose one of: {', '.join(available())}"
        )
    provider = factory(settings)
    if stop is not None:
        provider.stop = stop  # type: ignore[attr-defined]  # read by the built-in providers
    return provider


def sdk_pending(provider: str) -> bool:
    """True when building `provider` will first import its SDK (a built-in one this process
    has not loaded yet): start-up work worth overlapping with the scan."""
    module = SDK_MODULES.get(provider)
    return module is not None and module not in sys.modules


def _openai(settings: Any) -> Provider:
    from autodoc.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(settings)


def _anthropic(settings: Any) -> Provider:
    from autodoc.llm.anthropic_provider import AnthropicProvider

    return AnthropicProvider(settings)


def _offline(settings: Any) -> Provider:
    from autodoc.llm.offline.provider import OfflineProvider

    return OfflineProvider(settings)


def _load() -> None:
    """Register the built-ins and any entry-point providers, once."""
    global _loaded
    with _lock:
        if _loaded:
            return
        _loaded = True
        builtins = {"anthropic": _anthropic, "openai": _openai, "offline": _offline}
        for name, factory in builtins.items():
            _factories.setdefault(name, factory)
    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            register(point.name, point.load())
        except Exception as exc:  # a broken plug-in must not break the built-ins
            warnings.warn(f"LLM provider plug-in {point.name!r} failed to load: {exc}", stacklevel=2)
