"""What launches the code, and how it is packaged: Makefiles, shell scripts, Dockerfiles (any
spelling, shell or exec form), MLproject, dvc.yaml, CI workflows, pyproject/setup console scripts,
docker compose and Kubernetes manifests.

A launcher says which scripts or modules it runs (`runs`), which web apps it serves (`serves`,
``uvicorn pkg.app:app``), and packaging facts (kind ``deployment``) that the document cites.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml

from autodoc.scan.code.facts import Fact

_RUN_RE = re.compile(r"python[0-9.]*\s+(?:-[a-zA-Z]+\s+)*(?:-m\s+([\w.]+)|([\w./\\-]+\.py))")
_SERVERS = ("uvicorn", "gunicorn", "hypercorn", "daphne")
_APP_TOKEN = re.compile(r"^['\"]?([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(\))?['\"]?$")
_STREAMLIT_RE = re.compile(r"streamlit\s+run\s+([\w./\\-]+\.py)")
_K8S_KINDS = {
    "Deployment",
    "Service",
    "Job",
    "CronJob",
    "StatefulSet",
    "Pod",
    "InferenceService",
    "DaemonSet",
}
_COMMAND_HINT = re.compile(r"\b(python[0-9.]*|uvicorn|gunicorn|docker|mlflow|dvc|make|pytest|streamlit)\b")


def is_dockerfile(name: str) -> bool:
    low = name.lower()
    return low.startswith("dockerfile") or low.endswith(".dockerfile") or low == "containerfile"


def is_ci_workflow(relpath: str) -> bool:
    return relpath.startswith(".github/workflows/") and relpath.endswith((".yml", ".yaml"))


def commands(text: str) -> tuple[list[str], list[str]]:
    """(scripts or modules run with python, web apps served as ``module:attr`` or ``file.py``)."""
    runs = [mod or script.replace("\\", "/").removeprefix("./") for mod, script in _RUN_RE.findall(text)]
    serves = [s.replace("\\", "/").removeprefix("./") for s in _STREAMLIT_RE.findall(text)]
    for line in text.replace("\\\n", " ").splitlines():
        tokens = line.replace("=", " ").replace(",", " ").split()
        for i, tok in enumerate(tokens):
            if tok.strip("'\"[").rsplit("/", 1)[-1] in _SERVERS:
                app = next((m for t in tokens[i + 1 :] if (m := _APP_TOKEN.match(t))), None)
                if app:
                    serves.append(f"{app.group(1)}:{app.group(2)}")
                break
    return runs, serves


# Modules run with ``python -m`` that are tools, not the project's code (``python -m pip install -U pip``)
_TOOLS = frozenset(
    {"pip", "pytest", "venv", "virtualenv", "black", "flake8", "isort", "mypy", "ruff", "build", "twine"}
    | {"unittest", "coverage", "pylint", "http", "jupyter", "nbconvert", "ipykernel", "spacy", "nltk"}
    | {"pre_commit", "setuptools", "wheel", "poetry", "pipenv", "tox", "nox", "sphinx", "ensurepip", "json"}
)
_OPTION = re.compile(r"^--?([A-Za-z][\w-]*)(?:=(.*))?$")
_NUMBER = re.compile(r"^-?\d+(\.\d*)?([eE]-?\d+)?$")


def passed_options(text: str) -> list[Fact]:
    """``python train.py --lr 0.1 --epochs=10`` in a Makefile, a shell script or a CI step: each
    option a launcher passes to a script (kind ``param``, ``owner_kind: launcher``), so a document
    never gives the parser's default as the value the launched run uses."""
    facts: list[Fact] = []
    start, logical = 1, ""
    for n, line in enumerate([*text.splitlines(), ""], 1):
        if not logical:
            start = n
        logical += " " + line.rstrip().removesuffix("\\")
        if line.rstrip().endswith("\\"):
            continue
        run = _RUN_RE.search(logical)
        if run is not None and (run.group(1) or "").split(".")[0] not in _TOOLS:
            script = run.group(1) or run.group(2).replace("\\", "/").removeprefix("./")
            facts += _options(script, logical[run.end() :].split(), start)
        logical = ""
    return facts


def _options(script: str, tokens: list[str], line: int) -> list[Fact]:
    out: list[Fact] = []
    for i, tok in enumerate(tokens):
        if tok in ("&&", "||", ";", "|", ">", ">>"):
            break
        found = _OPTION.match(tok)
        if found is None or _NUMBER.match(tok):
            continue
        value = found.group(2)
        if value is None:  # --lr 0.1, or a flag
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            value = after if after and (not after.startswith("-") or _NUMBER.match(after)) else "true"
        key = "--" + found.group(1).replace("-", "_")
        value = value.strip("'\"")
        attrs = {"owner_kind": "launcher", "runs": script, "key": key}
        label = f"{script} {key} = {value} (passed by the launcher)"
        out.append(Fact("param", key, label, line, value=value, attrs=attrs))
    return out


# -- Dockerfiles -------------------------------------------------------------------------------
def dockerfile(relpath: str, text: str) -> tuple[str, list[Fact]]:
    """The Dockerfile's commands as shell text (exec form joined) and its packaging fact."""
    base: list[str] = []
    found: dict[str, Any] = {"expose": [], "cmd": None, "entrypoint": None}
    shell: list[str] = []
    first_line = 1
    for lineno, instr, rest in _instructions(text):
        if instr == "FROM":
            base.append(rest.split()[0] if rest.split() else rest)
            first_line = first_line if len(base) > 1 else lineno
        elif instr == "EXPOSE":
            found["expose"] += rest.split()
        elif instr in ("CMD", "ENTRYPOINT", "RUN"):
            command = _exec_form(rest)
            shell.append(command)
            if instr != "RUN":
                found[instr.lower()] = command
    attrs = {"file": relpath, "base_image": base[-1] if base else None, "stages": base, **found}
    label = f"Docker image from {attrs['base_image'] or '?'}" + (
        f", exposes {', '.join(found['expose'])}" if found["expose"] else ""
    )
    fact = Fact("deployment", "docker", label, first_line, value=attrs["base_image"], attrs=attrs)
    return "\n".join(shell), [fact]


def _instructions(text: str) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    pending, start = "", 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        start = start or lineno
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        instr, _, rest = full.partition(" ")
        out.append((start, instr.upper(), rest.strip()))
        start = 0
    return out


def _exec_form(rest: str) -> str:
    if rest.startswith("["):
        try:
            parts = json.loads(rest)
            if isinstance(parts, list):
                return " ".join(str(p) for p in parts)
        except ValueError:
            pass
    return rest


# -- YAML launchers: CI workflows, dvc.yaml ---------------------------------------------------
def ci_workflow(relpath: str, data: Any) -> list[Fact]:
    if not isinstance(data, dict):
        return []
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on:` as True
    jobs = data.get("jobs") if isinstance(data.get("jobs"), dict) else {}
    steps = [
        str(step.get("run"))
        for job in jobs.values()
        if isinstance(job, dict)
        for step in job.get("steps") or []
        if isinstance(step, dict) and step.get("run")
    ]
    shown = [ln.strip() for s in steps for ln in s.splitlines() if _COMMAND_HINT.search(ln)][:12]
    trig = sorted(triggers) if isinstance(triggers, dict) else triggers
    attrs = {
        "file": relpath,
        "name": data.get("name"),
        "triggers": trig,
        "jobs": sorted(jobs),
        "commands": shown,
    }
    name = str(data.get("name") or relpath.rsplit("/", 1)[-1])
    return [Fact("deployment", "ci", f"CI workflow {name}", 1, value=name, attrs=attrs)]


def dvc_stages(relpath: str, data: Any) -> list[Fact]:
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, dict):
        return []
    shown = {str(k): str(v.get("cmd"))[:200] for k, v in stages.items() if isinstance(v, dict)}
    attrs = {"file": relpath, "stages": shown}
    return [
        Fact(
            "deployment",
            "dvc",
            f"DVC pipeline: {' -> '.join(shown)}"[:200],
            1,
            value=list(shown),
            attrs=attrs,
        )
    ]


# -- manifests read as configuration -----------------------------------------------------------
def manifest_facts(relpath: str, data: Any) -> list[Fact]:
    """Packaging facts of a docker compose file or Kubernetes manifests (none for other configs)."""
    name = relpath.rsplit("/", 1)[-1].lower()
    if "compose" in name and isinstance(data, dict) and isinstance(data.get("services"), dict):
        services = {
            str(k): {f: v.get(f) for f in ("image", "build", "ports", "command") if v.get(f) is not None}
            for k, v in data["services"].items()
            if isinstance(v, dict)
        }
        attrs = {"file": relpath, "services": _plain(services)}
        return [
            Fact(
                "deployment",
                "compose",
                f"docker compose: {', '.join(services)}",
                1,
                value=list(services),
                attrs=attrs,
            )
        ]
    docs = data if isinstance(data, list) else [data]
    return [f for doc in docs if (f := _k8s(relpath, doc))]


def _k8s(relpath: str, doc: Any) -> Fact | None:
    if not isinstance(doc, dict) or doc.get("kind") not in _K8S_KINDS or "apiVersion" not in doc:
        return None
    containers = _find(doc, "containers")
    images = [c.get("image") for c in containers if isinstance(c, dict) and c.get("image")]
    ports = [p.get("containerPort") for c in containers if isinstance(c, dict) for p in c.get("ports") or []]
    name = (doc.get("metadata") or {}).get("name")
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    attrs = {"file": relpath, "kind": doc["kind"], "name": name, "images": images, "ports": ports}
    if "replicas" in spec:
        attrs["replicas"] = spec["replicas"]
    label = f"Kubernetes {doc['kind']} {name or ''}".strip()
    return Fact(
        "deployment", f"k8s {doc['kind']}", label, 1, value=images[0] if images else name, attrs=_plain(attrs)
    )


def _find(data: Any, key: str) -> list[Any]:
    if isinstance(data, dict):
        if isinstance(data.get(key), list):
            return data[key]
        return [x for v in data.values() for x in _find(v, key)]
    if isinstance(data, list):
        return [x for v in data for x in _find(v, key)]
    return []


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


# -- console scripts --------------------------------------------------------------------------
def console_scripts(relpath: str, text: str) -> tuple[list[str], str | None]:
    """("pkg.mod:func", ...) declared by pyproject.toml / setup.py / setup.cfg, and a warning."""
    if relpath.endswith("pyproject.toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            return [], f"{relpath}: invalid TOML ({err})"
        scripts = dict(data.get("project", {}).get("scripts", {}) or {})
        scripts.update(data.get("tool", {}).get("poetry", {}).get("scripts", {}) or {})
        return [v for v in scripts.values() if isinstance(v, str)], None
    if relpath.endswith(("setup.py", "setup.cfg")):
        return re.findall(r"[\w.-]+\s*=\s*([\w.]+:[\w.]+)", text), None
    return [], None


def load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
