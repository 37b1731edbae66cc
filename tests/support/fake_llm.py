"""A fake LLM HTTP server speaking the OpenAI and Anthropic wire protocols.

The real SDKs talk to it over HTTP on 127.0.0.1, so their request building, response
parsing, error mapping and our retry layer all run for real. Endpoints:

- `POST /v1/chat/completions` (OpenAI chat completions; `response_format` json_schema)
- `POST /v1/responses` (OpenAI responses; `text.format` json_schema)
- `POST /v1/messages` (Anthropic messages; `output_config.format` json_schema, or a forced
  tool via `tools` + `tool_choice`, answered with a `tool_use` block)

Answers come from, in order: an injected fault, a canned reply queued with `reply()`, the
`responder(request_json) -> str | dict` callback, or the default responder, which builds a
minimal valid object for the requested JSON schema (a sensible one for PlanReply- and
NarrativeReply-shaped schemas). Usage token counts are about chars / 4.

Faults (`fault(kind, ...)`, consumed one per matching request, optionally filtered by path
substring and/or a `match` on the request): "429" (with `retry_after` seconds, or
`retry_after_ms`), "500", "503", "408", "409", "400", "401", "403", "404", "hang" (sleep
`seconds`, default 30, before answering: past any sane client timeout), "invalid_json",
"truncate" (half an answer, finish_reason length / stop_reason max_tokens / status
incomplete), "fabricated" (a narrative with a figure no evidence holds, `text=` overrides),
"text" (answer exactly `text=`), "malformed" (HTTP 200 whose body is HTML, not JSON);
`headers=` adds response headers to an error (e.g. `x-should-retry`).

Dead endpoints: `fake.dead_status = 500` answers every request (GET too) with that status;
`fake.silent = True` accepts every request and never answers. GET requests (the models
endpoint the preflight asks) are listed in `fake.probes`, apart from `fake.requests`.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], "str | dict[str, Any]"]
FAULT_KINDS = {
    "429",
    "500",
    "503",
    "408",
    "409",
    "400",
    "401",
    "403",
    "404",
    "hang",
    "invalid_json",
    "truncate",
    "fabricated",
    "text",
    "malformed",
}
FABRICATED_TEXT = "The model reaches an accuracy of 0.9731 and an AUC of 0.8842 on held-out data."
_SECRET_HEADERS = {"authorization", "x-api-key", "api-key"}


@dataclass
class Fault:
    kind: str
    path: str | None = None  # substring of the request path, e.g. "messages"
    match: str | Callable[[dict[str, Any]], bool] | None = None  # body substring or predicate
    count: int = 1
    retry_after: float | None = None
    retry_after_ms: float | None = None
    seconds: float = 30.0
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers (x-should-retry)

    def applies(self, path: str, body: dict[str, Any], raw: str) -> bool:
        if self.path and self.path not in path:
            return False
        if isinstance(self.match, str):
            return self.match in raw
        return self.match(body) if callable(self.match) else True


@dataclass
class Recorded:
    """One request as the server saw it (secret headers removed)."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    fault: str | None = None

    @property
    def text(self) -> str:
        """Every message text of the request (system + turns), for assertions."""
        return prompt_text(self.body)


class FakeLLM:
    """A running fake server. Use `openai_url` / `anthropic_url` as SDK base URLs."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.dead_status: int | None = None  # answer every request (GET too) with this status
        self.silent = False  # accept every request and never answer (until closed)
        self.probes: list[str] = []  # GET paths (models endpoint: the preflight)
        self._prefixes: set[str] = set()
        self.responder: Responder | None = None
        self.requests: list[Recorded] = []
        self._faults: list[Fault] = []
        self._replies: deque[str] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.request_queue_size = 256
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-llm", daemon=True, kwargs={"poll_interval": 0.05}
        )
        self._thread.start()

    # -- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.url  # the Anthropic SDK appends /v1/messages itself

    # -- scripting -------------------------------------------------------------------------
    def fault(self, kind: str, **opts: Any) -> Fault:
        """Queue one fault (see module docstring); returns it."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {sorted(FAULT_KINDS)}")
        item = Fault(kind, **opts)
        with self._lock:
            self._faults.append(item)
        return item

    def script(self, *faults: Fault | str) -> None:
        """Queue several faults in order (strings are fault kinds with default options)."""
        for item in faults:
            if isinstance(item, str):
                self.fault(item)
            else:
                with self._lock:
                    self._faults.append(item)

    def reply(self, *answers: str | dict[str, Any]) -> None:
        """Queue canned answers (text, or an object sent as JSON) for the next requests."""
        with self._lock:
            self._replies.extend(a if isinstance(a, str) else json.dumps(a) for a in answers)

    def reset(self) -> None:
        """Forget faults, replies, responder, latency and recorded requests."""
        with self._lock:
            self._faults.clear()
            self._replies.clear()
            self.requests.clear()
        self.responder = None
        self.latency = 0.0

    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.count for f in self._faults)

    def requests_to(self, path_part: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if path_part in r.path]

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- used by the handler ---------------------------------------------------------------
    def _take_fault(self, path: str, body: dict[str, Any], raw: str) -> Fault | None:
        with self._lock:
            for item in self._faults:
                if item.applies(path, body, raw):
                    item.count -= 1
                    if item.count <= 0:
                        self._faults.remove(item)
                    return item
        return None

    def _take_reply(self) -> str | None:
        with self._lock:
            return self._replies.popleft() if self._replies else None

    def _record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)

    def _answer_text(self, body: dict[str, Any]) -> str:
        canned = self._take_reply()
        if canned is not None:
            return canned
        answer = self.responder(body) if self.responder else default_answer(body)
        return answer if isinstance(answer, str) else json.dumps(answer)

    def _cached_tokens(self, body: dict[str, Any]) -> int:
        """Prompt caching as the providers do it: a prefix seen before is read from cache
        (OpenAI: the system message; Anthropic: system blocks up to a `cache_control`)."""
        prefix = cacheable_prefix(body)
        if not prefix:
            return 0
        with self._lock:
            seen = prefix in self._prefixes
            self._prefixes.add(prefix)
        return _tokens(prefix) if seen else 0

    def _sleep(self, seconds: float) -> None:
        self._closing.wait(seconds)


# ------------------------------------------------------------------------- HTTP handler
def _handler_for(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes; with Nagle on, a kept-alive client waits
        # ~40 ms for its delayed ACK on every answer, which no real LLM server costs
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            if self._dead():
                return
            fake.probes.append(self.path)  # kept apart: `requests` are the LLM calls
            path = self.path.split("?")[0].rstrip("/")
            if path.endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
            elif "/models/" in path:
                name = path.rsplit("/", 1)[-1]
                self._send(
                    200,
                    {
                        "id": name,
                        "object": "model",
                        "type": "model",
                        "display_name": name,
                        "created_at": "2026-01-01T00:00:00Z",
                        "created": 0,
                        "owned_by": "fake",
                    },
                )
            else:
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})

        def _dead(self) -> bool:
            """Answer as a dead endpoint would (an error status, or nothing at all)."""
            if fake.silent:
                fake._sleep(3600)
                return True
            if fake.dead_status is not None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self._send(fake.dead_status, {"error": {"message": "server error", "type": "server_error"}})
                return True
            return False

        def do_POST(self) -> None:
            if self._dead():
                return
            raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            try:
                body = json.loads(raw or "{}")
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            path = self.path.split("?")[0]
            fault = fake._take_fault(path, body, raw)
            headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in _SECRET_HEADERS}
            fake._record(Recorded(path, body, headers, fault=fault.kind if fault else None))
            if fake.latency:
                fake._sleep(fake.latency)
            # the client may have given up (timeout): then there is nobody to answer
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._dispatch(path, body, fault)

        def _dispatch(self, path: str, body: dict[str, Any], fault: Fault | None) -> None:
            protocol = _protocol(path)
            if protocol is None:
                self._send(404, {"error": {"message": f"no route {path}", "type": "not_found"}})
                return
            if fault and fault.kind == "hang":
                fake._sleep(fault.seconds)
            if fault and fault.kind == "malformed":
                self._send_raw(200, b"<html>upstream proxy error</html>", "text/html")
                return
            if fault and fault.kind.isdigit():
                self._send_error(protocol, int(fault.kind), fault, body)
                return
            text, truncated = _answer_for(fake, body, fault)
            reply = _WIRE[protocol](body, text, truncated)
            _report_cache(reply, fake._cached_tokens(body))
            self._send(200, reply)

        def _send_error(self, protocol: str, status: int, fault: Fault, body: dict[str, Any]) -> None:
            message = _ERROR_MESSAGES.get(status, "error").format(model=body.get("model"))
            if fault.text:  # a server that quotes the request: "{key}" is the key it received
                message = fault.text.replace("{key}", self._received_key())
            headers = dict(fault.headers)
            if fault.retry_after is not None:
                headers["retry-after"] = f"{fault.retry_after:g}"
            if fault.retry_after_ms is not None:
                headers["retry-after-ms"] = f"{fault.retry_after_ms:g}"
            if protocol == "anthropic":
                payload: dict[str, Any] = {
                    "type": "error",
                    "error": {"type": _ANTHROPIC_TYPES.get(status, "api_error"), "message": message},
                }
            else:
                payload = {
                    "error": {
                        "message": message,
                        "type": _OPENAI_TYPES.get(status, "server_error"),
                        "param": None,
                        "code": None,
                    }
                }
            self._send(status, payload, headers)

        def _received_key(self) -> str:
            bearer = self.headers.get("authorization") or ""
            return bearer.removeprefix("Bearer ").strip() or self.headers.get("x-api-key") or ""

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

        def _send_raw(
            self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    return Handler


_ERROR_MESSAGES = {
    400: "invalid request for model {model}",
    401: "invalid x-api-key / incorrect API key provided",
    403: "permission denied",
    404: "The model `{model}` does not exist or you do not have access to it.",
    408: "request timeout",
    409: "conflict",
    429: "rate limit exceeded, slow down",
    500: "internal server error",
    503: "service unavailable (overloaded)",
}
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    503: "overloaded_error",
}
_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
}


def _protocol(path: str) -> str | None:
    if path.endswith("/chat/completions"):
        return "chat"
    if path.endswith("/responses"):
        return "responses"
    if path.endswith("/messages"):
        return "anthropic"
    return None


def _answer_for(fake: FakeLLM, body: dict[str, Any], fault: Fault | None) -> tuple[str, bool]:
    """The answer text and whether it is truncated."""
    kind = fault.kind if fault else None
    if kind == "invalid_json":
        return fault.text or '{"text": "The evidence shows', False  # type: ignore[union-attr]
    if kind == "text":
        return fault.text or "", False  # type: ignore[union-attr]
    if kind == "fabricated":
        return json.dumps({"text": fault.text or FABRICATED_TEXT}), False  # type: ignore[union-attr]
    text = fake._answer_text(body)
    if kind == "truncate":
        return text[: max(1, len(text) // 2)], True
    return text, False


# --------------------------------------------------------------------------- wire formats
def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _chat_reply(body: dict[str, Any], text: str, truncated: bool) -> dict[str, Any]:
    prompt, out = _tokens(prompt_text(body)), _tokens(text)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "logprobs": None,
                "finish_reason": "length" if truncated else "stop",
                "message": {"role": "assistant", "content": text, "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out},
    }


def _responses_reply(body: dict[str, Any], text: str, truncated: bool) -> dict[str, Any]:
    prompt, out = _tokens(prompt_text(body)), _tokens(text)
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "model": body.get("model", "fake-model"),
        "status": "incomplete" if truncated else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if truncated else None,
        "error": None,
        "instructions": body.get("instructions"),
        "metadata": {},
        "parallel_tool_calls": True,
        "temperature": None,
        "top_p": None,
        "tool_choice": "auto",
        "tools": [],
        "output": [
            {
                "type": "message",
                "id": "msg_fake",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "usage": {
            "input_tokens": prompt,
            "output_tokens": out,
            "total_tokens": prompt + out,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def _anthropic_reply(body: dict[str, Any], text: str, truncated: bool) -> dict[str, Any]:
    prompt, out = _tokens(prompt_text(body)), _tokens(text)
    tool = _forced_tool(body)
    if tool is not None and not truncated:
        try:
            content: list[dict[str, Any]] = [
                {"type": "tool_use", "id": "toolu_fake", "name": tool, "input": json.loads(text)}
            ]
            stop = "tool_use"
        except json.JSONDecodeError:
            content, stop = [{"type": "text", "text": text}], "end_turn"
    else:
        content, stop = [{"type": "text", "text": text}], "max_tokens" if truncated else "end_turn"
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "fake-model"),
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": prompt, "output_tokens": out},
    }


def cacheable_prefix(body: dict[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, list):
        marked = [i for i, part in enumerate(system) if isinstance(part, dict) and part.get("cache_control")]
        return "\n".join(str(p.get("text", "")) for p in system[: marked[-1] + 1]) if marked else ""
    messages = body.get("messages") or []
    if messages and messages[0].get("role") == "system":
        return _content_text(messages[0].get("content"))
    return _content_text(body.get("instructions"))


def _report_cache(reply: dict[str, Any], cached: int) -> None:
    usage = reply.get("usage") or {}
    if "prompt_tokens" in usage:
        usage["prompt_tokens_details"] = {"cached_tokens": cached}
    elif "input_tokens_details" in usage:
        usage["input_tokens_details"]["cached_tokens"] = cached
    else:
        usage["cache_read_input_tokens"] = cached


_WIRE = {"chat": _chat_reply, "responses": _responses_reply, "anthropic": _anthropic_reply}


def _forced_tool(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice") or {}
    tools = body.get("tools") or []
    if choice.get("type") == "tool":
        return choice.get("name")
    if tools and choice.get("type") == "any":
        return tools[0].get("name")
    return None


# ----------------------------------------------------------------------- request reading
def prompt_text(body: dict[str, Any]) -> str:
    """All instruction and message text of a request in any of the three protocols."""
    parts: list[str] = [_content_text(body.get("system")), _content_text(body.get("instructions"))]
    for msg in body.get("messages") or []:
        parts.append(_content_text(msg.get("content")))
    inp = body.get("input")
    if isinstance(inp, str):
        parts.append(inp)
    elif isinstance(inp, list):
        parts.extend(_content_text(m.get("content")) for m in inp if isinstance(m, dict))
    return "\n".join(p for p in parts if p)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return ""


def request_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request asks the answer to follow, whatever the protocol."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("json_schema", {}).get("schema")
    fmt = (body.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("schema")
    fmt = (body.get("output_config") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("schema")
    tool = _forced_tool(body)
    for item in body.get("tools") or []:
        if item.get("name") == tool:
            return item.get("input_schema")
    return None


# -------------------------------------------------------------------- default responder
def default_answer(body: dict[str, Any]) -> str | dict[str, Any]:
    """A valid answer for the requested schema; plans and narratives get sensible content."""
    schema = request_schema(body)
    if schema is None:
        return "OK"
    props = schema.get("properties", {})
    if "blocks" in props:
        plans = [d for d in schema.get("$defs", {}).values() if "guidance" in d.get("properties", {})]
        key = "evidence_ids" if plans and "evidence_ids" in plans[0]["properties"] else "evidence"
        return {
            "blocks": [
                {
                    "type": "narrative",
                    "title": None,
                    "guidance": "Summarise the evidence for this section and say what was not found.",
                    key: [],
                }
            ]
        }
    if set(props) == {"text"}:
        return {
            "text": "This section summarises the evidence available for it; "
            "details not found in the code or MLflow are stated as missing."
        }
    return minimal_instance(schema, schema)


def minimal_instance(node: dict[str, Any], root: dict[str, Any]) -> Any:
    """The smallest value that validates against a JSON schema node (common subset)."""
    node = resolve_ref(node, root)
    if "const" in node:
        return copy.deepcopy(node["const"])
    if "enum" in node:
        return node["enum"][0]
    if "default" in node and node["default"] is not None:
        return copy.deepcopy(node["default"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if resolve_ref(o, root).get("type") != "null"] or node[key]
            return minimal_instance(options[0], root)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return _MINIMAL.get(kind, _minimal_object)(node, root)


def resolve_ref(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _minimal_object(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    props = node.get("properties", {})
    # required properties, plus constants: discriminators such as a block's "type" may
    # have a default (so are not required) yet must be present to pick the union member
    wanted = [n for n in props if n in node.get("required", []) or "const" in resolve_ref(props[n], root)]
    return {name: minimal_instance(props[name], root) for name in wanted}


def _minimal_array(node: dict[str, Any], root: dict[str, Any]) -> list[Any]:
    return [minimal_instance(node.get("items", {}), root) for _ in range(node.get("minItems", 0))]


def _minimal_string(node: dict[str, Any], root: dict[str, Any]) -> str:
    return "x" * max(1, node.get("minLength", 1))


_MINIMAL: dict[str | None, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
    "object": _minimal_object,
    "array": _minimal_array,
    "string": _minimal_string,
    "integer": lambda n, r: int(n.get("minimum", 0)),
    "number": lambda n, r: float(n.get("minimum", 0)),
    "boolean": lambda n, r: False,
    "null": lambda n, r: None,
}
