"""LLM providers behind one contract (`base.complete(LLMRequest) -> LLMResponse`).

- `registry`: providers by name (`get_provider(settings)`, `register`, `available`).
- `anthropic_provider`, `openai_provider`, `offline_provider`: the built-in providers.
- `retry`: the single transport retry layer (SDK retries are off).
- `reask`: the bounded re-ask for unusable answers (`ask(provider, request, validate)`).
- `sdk`: error classification and answer parsing shared by the SDK providers.
"""
