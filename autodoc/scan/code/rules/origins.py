"""Where an object in one module comes from: the estimator that built a saved model, and the
statements that build a written frame.

`Origins(ex)` indexes the module's assignments (loop variables too), returns and ``with open(...) as
f`` bindings by scope once (only for modules that save or write something). `estimator(expr, ...)`
follows a name back through assignments (tuple unpacking included), a local function's ``return``,
``search.best_estimator_`` of a search, a Pipeline's last step, calls that return their object
(``fit``, ``to``, ``eval``) and what other methods hand on (`handoffs`) to the estimator fact that
built it. `builds(name, ...)` is the backward slice of a name: the statements that assign it or
anything it is computed from."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.by_default import default_assignment, passed_over_fallback
from autodoc.scan.code.rules.flow import cell_key, defines_uses, inner_estimator, span
from autodoc.scan.code.rules.handoffs import handed, loop_items
from autodoc.scan.code.syntax import Buckets, dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor
    from autodoc.scan.code.model import Fact

Pos = tuple[int, int]  # (cell or -1, line)
# Calls that hand back the object they are called on (scikit-learn's fit returns self).
_PASSTHROUGH = {"fit", "to", "cpu", "cuda", "eval", "train", "state_dict", "float", "double", "half"}
_PASSTHROUGH |= {"write", "overwrite"}  # Spark: model.write().overwrite().save(path) saves the model
_SEARCH_RESULTS = {"best_estimator_", "best_model_", "best_model", "bestModel"}  # bestModel: Spark's
_MODEL_KEY = re.compile(r"model|state_dict|estimator", re.I)
_WRAPPERS = {"compile", "DistributedDataParallel", "DataParallel", "DDP"}  # wrap the model they are given
SAVEISH = re.compile(r"save|dump|persist|export|store|serialize|pickle|log_model|register", re.I)
_MAX_DEPTH = 12
MAX_SPANS = 200
_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)  # what a backward slice reads


def hf_trainer_model(call: ast.Call, tail: str) -> ast.expr | None:
    """``Trainer(model=model, args=...)`` (Hugging Face, TRL): the model the trainer trains and saves."""
    if not tail.endswith("Trainer"):
        return None
    given = next((k.value for k in call.keywords if k.arg == "model"), None)
    return given if given is not None else (call.args[0] if call.args else None)


class Origins:
    """The assignments, returns and statements of one module, by scope."""

    def __init__(self, ex: Extractor) -> None:
        self.ex = ex
        self.assigns: dict[tuple[str, str], list[tuple[Pos, int | None, ast.expr]]] = {}
        self.returns: dict[str, list[tuple[Pos, ast.expr]]] = {}
        self.opened: dict[tuple[str, str], ast.expr] = {}  # (scope, f) -> the path of open(path) as f
        self.stmts: dict[str, list[tuple[Pos, ast.stmt]]] = {}
        self.params: dict[str, list[str]] = {}  # function scope -> its parameter names, in order
        self.functions: dict[str, tuple[int, int, int]] = {}  # function scope -> (cell, start, end)
        self.branches: list[tuple[int, tuple[int, int], tuple[int, int] | None]] = []  # if: body, else
        self.tests: list[ast.expr] = []  # each branch's test
        self.callers: dict[str, list[tuple[str, Pos, ast.Call]]] = {}  # function -> (scope, pos, call)
        self.built: dict[Pos, list[Fact]] = {}
        for fact in ex.m.facts:
            if fact.kind in ("estimator", "hyperparameter_search", "preprocessing"):
                self.built.setdefault((cell_key(fact.cell), fact.line), []).append(fact)
        self.networks = {str(f.value): f for f in ex.m.facts if f.kind == "estimator" and f.attrs.get("base")}
        for cell, scope, nodes, root in ex.indexed:  # the facts walk's nodes: no second walk
            self._index(scope, nodes, root, cell_key(cell))
        for calls in self.callers.values():
            calls.sort(key=lambda c: (c[1], c[2].col_offset))
        for bound in self.assigns.values():
            bound.sort(key=lambda b: (b[0], b[2].col_offset))
        for found in self.returns.values():
            found.sort(key=lambda r: (r[0], r[1].col_offset))
        for stmts in self.stmts.values():
            stmts.sort(key=lambda s: (s[0], s[1].col_offset))

    def _index(self, scope: str, nodes: Buckets, root: ast.AST | None, cell: int) -> None:
        """One walked part of `scope` (in the walk's order: sorted into source order afterwards)."""
        stmts = self.stmts.setdefault(scope, [])
        if root is not None:  # a function or method
            self.functions[scope] = (cell, root.lineno, getattr(root, "end_lineno", None) or root.lineno)  # type: ignore[attr-defined]
            args = root.args  # type: ignore[attr-defined]
            self.params[scope] = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
        for node in nodes.get(ast.Call, ()):
            if type(node.func) is ast.Name:
                self.callers.setdefault(node.func.id, []).append((scope, (cell, node.lineno), node))
        for t in _STATEMENTS:
            stmts.extend(((cell, node.lineno), node) for node in nodes.get(t, ()))
        for node in nodes.get(ast.Assign, ()):
            for target in node.targets:
                self._bind(scope, target, (cell, node.lineno), node.value)
        annotated = [(n.target, n.value, n.lineno) for n in nodes.get(ast.AnnAssign, ()) if n.value]
        for target, value, line in [*annotated, *loop_items(nodes.get(ast.For, ()))]:  # loop variables too
            self._bind(scope, target, (cell, line), value)
        for node in nodes.get(ast.Return, ()):
            if node.value is not None:
                self.returns.setdefault(scope, []).append(((cell, node.lineno), node.value))
        for node in nodes.get(ast.If, ()):
            self.branches.append((cell, span(node.body), span(node.orelse) if node.orelse else None))
            self.tests.append(node.test)
        for node in sorted(nodes.get(ast.With, ()), key=lambda n: n.lineno):  # the later one wins
            for item in node.items:
                if type(item.optional_vars) is ast.Name:
                    self.opened[(scope, item.optional_vars.id)] = item.context_expr

    def _bind(self, scope: str, target: ast.expr, pos: Pos, value: ast.expr) -> None:
        if type(target) is ast.Name:
            self.assigns.setdefault((scope, target.id), []).append((pos, None, value))
        elif type(target) in (ast.Tuple, ast.List):
            for i, elt in enumerate(target.elts):
                if type(elt) is ast.Name:
                    self.assigns.setdefault((scope, elt.id), []).append((pos, i, value))

    # -- the estimator behind an object --------------------------------------------------------
    def estimator(self, expr: ast.expr, scope: str, pos: Pos) -> dict[str, Any] | None:
        """``{"line", "cell", "name"}`` of the estimator fact that built `expr` (and ``tuned_by``,
        ``via``), or None when the object cannot be followed."""
        via: list[str] = []
        found = self._trace(expr, scope, pos, None, via, 0)
        if found is not None and via:
            found["via"] = via[:6]
        return found

    def _trace(
        self, expr: ast.expr, scope: str, pos: Pos, index: int | None, via: list[str], depth: int
    ) -> dict[str, Any] | None:
        if depth > _MAX_DEPTH:
            return None
        t = type(expr)
        if t is ast.Name:
            return self._trace_name(expr.id, scope, pos, index, via, depth)
        if t in (ast.Tuple, ast.List) and index is not None and index < len(expr.elts):  # type: ignore[attr-defined]
            return self._trace(expr.elts[index], scope, pos, None, via, depth + 1)  # type: ignore[attr-defined]
        if t is ast.Attribute and expr.attr in _SEARCH_RESULTS:  # type: ignore[attr-defined]
            via.append(dotted(expr) or expr.attr)  # type: ignore[attr-defined]
            return self._trace(expr.value, scope, pos, None, via, depth + 1)  # type: ignore[attr-defined]
        if t is ast.Call:
            return self._trace_call(expr, scope, pos, index, via, depth)  # type: ignore[arg-type]
        if t in (ast.Subscript, ast.Attribute):  # info["model"], self.model set by another step
            sites = handed(self, expr, scope, pos)  # type: ignore[arg-type]
            return next(filter(None, (self._trace(e, s, p, None, via, depth + 1) for e, s, p in sites)), None)
        if t is ast.IfExp:  # model.module if ddp else model
            body = self._trace(expr.body, scope, pos, index, via, depth + 1)  # type: ignore[attr-defined]
            return body or self._trace(expr.orelse, scope, pos, index, via, depth + 1)  # type: ignore[attr-defined]
        if t is ast.Dict:  # a checkpoint: {"model": model.state_dict(), "optimizer": ...}
            for key, value in zip(expr.keys, expr.values, strict=True):  # type: ignore[attr-defined]
                if type(key) is ast.Constant and isinstance(key.value, str) and _MODEL_KEY.search(key.value):
                    return self._trace(value, scope, pos, None, via, depth + 1)
        return None

    def _trace_name(
        self, name: str, scope: str, pos: Pos, index: int | None, via: list[str], depth: int
    ) -> dict[str, Any] | None:
        if name in self.params.get(scope, ()) and (
            passed := passed_over_fallback(self, name, scope, via, depth)
        ):
            return passed  # def f(model=None): if model is None: model = LR(): what the callers pass
        for where in (scope, MODULE) if scope != MODULE else (MODULE,):
            bound = self.assigns.get((where, name))
            if not bound:
                continue
            before = [b for b in bound if b[0] < pos] or bound
            chosen = default_assignment(self, before, where)
            at, idx, value = chosen
            found = self._trace(value, where, at, idx if idx is not None else index, via, depth + 1)
            if found is not None and depth < 8:
                self._options(found, name, before, chosen, where, index, depth)
            return found
        if name in self.params.get(scope, ()):
            found = self._trace_argument(name, scope, via, depth)
            if found is None and not self.callers.get(scope):  # called from another module
                return {"param": [scope, self.params[scope].index(name), name]}
            return found
        return None

    def _options(
        self,
        found: dict[str, Any],
        name: str,
        before: list[Any],
        last: Any,
        scope: str,
        index: int | None,
        depth: int,
    ) -> None:
        """Other branches' assignments (``if a: m = A() else: m = B()``): a setting's other choices."""
        if any(type(n) is ast.Name and n.id == name for n in ast.walk(last[2])):
            return  # model = Search(model): the last one builds on the earlier one
        if last is not before[-1]:
            found["by_default"] = True  # the default settings chose it over the last assignment
        same = [(p.get("line"), p.get("cell")) for p in [found, *found.get("parts", [])]]  # a part: no other
        for at, idx, value in before:
            if at != last[0] and self.exclusive(at, last[0]):
                other = self._trace(value, scope, at, idx if idx is not None else index, [], depth + 1)
                if other is not None and "line" in other and (other["line"], other["cell"]) not in same:
                    found.setdefault("options", []).append({k: other[k] for k in ("line", "cell", "name")})

    def exclusive(self, a: Pos, b: Pos) -> bool:
        """Two places in different branches: the body and the else of one ``if``, or the bodies of two."""
        sides_a, sides_b = self._sides(a), self._sides(b)
        if any(i == j and s != t for i, s in sides_a for j, t in sides_b):
            return True
        return bool(sides_a and sides_b) and not {i for i, _ in sides_a} & {i for i, _ in sides_b}

    def _sides(self, at: Pos) -> set[tuple[int, str]]:
        return {
            (i, side)
            for i, (cell, body, orelse) in enumerate(self.branches)
            for side, span in (("body", body), ("else", orelse))
            if span and cell == at[0] and span[0] <= at[1] <= span[1]
        }

    def _trace_argument(self, name: str, scope: str, via: list[str], depth: int) -> dict[str, Any] | None:
        """A function's parameter: the argument its callers in this module pass for it."""
        position = self.params[scope].index(name)
        found: list[dict[str, Any]] = []
        places: list[Pos] = []
        for caller, at, call in self.callers.get(scope, []):
            keyword = next((k.value for k in call.keywords if k.arg == name), None)
            arg = call.args[position] if position < len(call.args) else keyword
            one = (
                self._trace(arg, caller, at, None, via if not found else [], depth + 1)
                if arg is not None
                else None
            )
            if one is not None and one not in found:
                found.append(one)
                places.append(at)
        if len(found) > 1:
            # calls in the branches of a setting save whichever model it chose (options); calls that
            # all run save every model they pass (``run_model("rf", RF()); run_model("gb", GB())``)
            chosen = all(self.exclusive(places[0], at) for at in places[1:5])
            others = [{k: v for k, v in f.items() if k != "via"} for f in found[1:5]]
            found[0]["options" if chosen else "also"] = others
        return found[0] if found else None

    def _trace_call(
        self, call: ast.Call, scope: str, pos: Pos, index: int | None, via: list[str], depth: int
    ) -> dict[str, Any] | None:
        func = call.func
        tail = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
        if tail == "from_formula":  # sm.Logit.from_formula(...) built a Logit
            tail = str(dotted(func.value)).rsplit(".", 1)[-1]  # type: ignore[attr-defined]
        built = self.built.get((pos[0], call.lineno), [])
        named = (  # AutoModelForX.from_pretrained(...) builds the class it is called on
            (dotted(func.value) or "").rsplit(".", 1)[-1]
            if tail == "from_pretrained" and type(func) is ast.Attribute
            else tail
        )
        fact = next((f for f in built if f.name == named or str(f.name).endswith(f".{named}")), None)  # xgb
        if fact is not None:
            return self._from_fact(fact, call, scope, pos, via, depth)
        if type(func) is ast.Name and func.id in self.networks:
            net = self.networks[func.id]
            return {"line": net.line, "cell": net.cell, "name": net.name}
        if type(func) is ast.Name and func.id in self.ex.m.functions:
            via.append(f"{func.id}()")
            for at, value in self.returns.get(func.id, []):
                found = self._trace(value, func.id, at, index, via, depth + 1)
                if found is not None:
                    return found
            return None
        if type(func) is ast.Attribute and tail in _PASSTHROUGH:
            return self._trace(func.value, scope, pos, None, via, depth + 1)
        if tail in _WRAPPERS and call.args:  # torch.compile(model), DDP(model)
            return self._trace(call.args[0], scope, pos, None, via, depth + 1)
        trained = hf_trainer_model(call, tail)
        if trained is not None:  # Trainer(model=model, ...).save_model(): the model it trains
            return self._trace(trained, scope, pos, None, via, depth + 1)
        base = func.value if type(func) is ast.Attribute else None
        if type(base) is ast.Name and base.id in self.networks:  # GPT.from_pretrained(...)
            net = self.networks[base.id]
            return {"line": net.line, "cell": net.cell, "name": net.name}
        full = self.ex.full_name(func)
        if full and full != dotted(func):  # an imported function or class: followed by the tree scan
            return {"import": full, "index": index}
        return None

    def _from_fact(
        self, fact: Fact, call: ast.Call, scope: str, pos: Pos, via: list[str], depth: int
    ) -> dict[str, Any] | None:
        if fact.kind == "estimator":
            found: dict[str, Any] = {"line": fact.line, "cell": fact.cell, "name": fact.name}
            parts = self._parts(call, scope, pos, depth)
            if parts:
                found["parts"] = parts
            return found
        inner = inner_estimator(call, fact)
        if inner is None:
            return None
        found = self._trace(inner, scope, pos, None, via, depth + 1)
        if found is not None:
            key = "tuned_by" if fact.kind == "hyperparameter_search" else "in_pipeline"
            found.setdefault(key, {"line": fact.line, "cell": fact.cell, "name": fact.name})
        return found

    def _parts(self, call: ast.Call, scope: str, pos: Pos, depth: int) -> list[dict[str, Any]]:
        """Estimators an ensemble or wrapper is built from (``AdaBoostClassifier(base)``, a voting
        list of ``(name, model)`` pairs): parts of the model, not alternatives to it."""
        args: list[ast.expr] = [*call.args, *(k.value for k in call.keywords)]
        parts: list[dict[str, Any]] = []
        while args and len(parts) < 20:
            arg = args.pop()
            if type(arg) in (ast.List, ast.Tuple):
                args.extend(arg.elts)  # type: ignore[attr-defined]
            elif type(arg) in (ast.Name, ast.Call):
                found = self._trace(arg, scope, pos, None, [], depth + 1)
                if found is not None and "line" in found:  # with the models a setting saves instead
                    keys = ("line", "cell", "name", "options", "by_default", "fallback")
                    parts.append({k: found[k] for k in keys if k in found})
        return parts

    # -- what other modules need ----------------------------------------------------------------
    def returns_map(self) -> dict[str, dict[str, Any]]:
        """For each top-level function: what it returns (or each item of a returned tuple), followed."""
        out: dict[str, dict[str, Any]] = {}
        for func in (f for f in self.ex.m.functions if "." not in f):
            for at, value in self.returns.get(func, []):
                found = self._trace(value, func, at, None, [], 0)
                if found is not None:
                    out.setdefault(func, {})[""] = found
                for i, elt in enumerate(value.elts if type(value) is ast.Tuple else []):
                    item = self._trace(elt, func, at, None, [], 0)
                    if item is not None:
                        out.setdefault(func, {})[str(i)] = item
        return out

    def save_calls(self) -> list[tuple[str, int, int | None, list[Any], dict[str, Any]]]:
        """Calls of imported helpers that may save a model (``save_model(model, path)``): what their
        arguments are, followed, so the tree scan can follow a helper's parameter to its caller."""
        out: list[tuple[str, int, int | None, list[Any], dict[str, Any]]] = []
        for name, calls in self.callers.items():
            origin = self.ex.m.aliases.get(name, "")
            if "." not in origin or not SAVEISH.search(name):
                continue
            for scope, at, call in calls:
                args = [self._trace(a, scope, at, None, [], 0) for a in call.args[:6]]
                kwargs = {k.arg: self._trace(k.value, scope, at, None, [], 0) for k in call.keywords if k.arg}
                out.append((origin, call.lineno, None if at[0] < 0 else at[0], args, kwargs))
        return out

    # -- files and slices ----------------------------------------------------------------------
    def file_name(self, expr: ast.expr | None, scope: str) -> str | None:
        """The file a call writes to: a literal or resolved name, ``open(name)``, ``with open(name) as f``."""
        if expr is None:
            return None
        found = self.path_expr(expr, scope)
        if type(expr) is ast.Name and found is expr:
            if expr.id in self.ex.path_hints:
                return self.ex.path_hints[expr.id]
            if expr.id in self.params.get(scope, ()) and (scope, expr.id) not in self.assigns:
                return self._argument_file(expr.id, scope)
        expr = found
        val = self.ex.value(expr, scope)
        if isinstance(val, str):
            return val
        if type(expr) is ast.Call:  # os.path.join(DATA_DIR, "train.csv"), Path(...) / "x"
            names = [a.value for a in expr.args if type(a) is ast.Constant and isinstance(a.value, str)]
            return next((n for n in reversed(names) if v.PATHLIKE.match(n)), None)
        return None

    def path_expr(self, expr: ast.expr, scope: str) -> ast.expr:
        """The expression naming the file a call writes: `name` of ``open(name)`` and of the `f` of
        ``with open(name) as f``, else `expr` itself."""
        if type(expr) is ast.Name:
            expr = self.opened.get((scope, expr.id)) or self.opened.get((MODULE, expr.id)) or expr
        if type(expr) is ast.Call and (dotted(expr.func) or "").endswith("open") and expr.args:
            return expr.args[0]
        return expr

    def _argument_file(self, name: str, scope: str) -> str | None:
        """The file name the callers of `scope` pass for its parameter `name` (the first one known)."""
        position = self.params[scope].index(name)
        for caller, _at, call in self.callers.get(scope, []):
            keyword = next((k.value for k in call.keywords if k.arg == name), None)
            arg = call.args[position] if position < len(call.args) else keyword
            found = self.file_name(arg, caller) if arg is not None and caller != scope else None
            if found:
                return found
        return None

    def builds(self, name: str, scope: str, pos: Pos) -> list[list[int]]:
        """``[cell, start, end]`` of the statements before `pos` that build `name` (backward slice)."""
        needed = {name}
        spans: list[list[int]] = []
        stmts = self.stmts.get(scope, [])
        if scope != MODULE:
            stmts = self.stmts.get(MODULE, []) + stmts
        for at, stmt in sorted((s for s in stmts if s[0] < pos), key=lambda s: s[0], reverse=True):
            defined, used = defines_uses(stmt)
            if defined & needed:
                needed |= used
                spans.append([at[0], stmt.lineno, getattr(stmt, "end_lineno", None) or stmt.lineno])
                if len(spans) >= MAX_SPANS:
                    break
        spans += [list(self.functions[n]) for n in sorted(needed) if n in self.functions]  # helpers it calls
        return sorted(spans)
