"""Facts from one Python module (a .py file or a notebook's cells), read with `ast` only.

One walk per top-level statement, tagged with its scope (``<module>``, ``<main>`` for a real
``if __name__ == "__main__":`` block, or a function's qualified name) for liveness. The result is plain
data (cacheable by content hash); values pointing into another module or a config file stay references
(``{"$ref": ...}``, ``{"$cfg": ...}``) the tree scan resolves across files. `values.Values` reads values;
the rules in `rules/` decide what each call or assignment means.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from operator import attrgetter
from typing import Any

from autodoc.scan.code import kedro, loads, metric_rows, orchestrators, params, returned, rules
from autodoc.scan.code.model import MAIN, MODULE, Fact, ModuleFacts
from autodoc.scan.code.rules import assign as assign_rules
from autodoc.scan.code.rules import (
    cli,
    configclass,
    dataflow,
    evalscope,
    models,
    objective,
    outputs,
    selection,
    sources,
    splits,
    training,
    vocab,
)
from autodoc.scan.code.syntax import (
    FUNC_TYPES,
    SNIPPET_MAX,
    Buckets,
    doc_summary,
    dotted,
    is_dead_test,
    is_main_test,
    script_folder,
    segment,
    signature,
    walk,
)
from autodoc.scan.code.values import UNKNOWN, Values

__all__ = ["MAIN", "MODULE", "SNIPPET_MAX", "UNKNOWN", "Extractor", "Fact", "ModuleFacts", "extract"]

_ID, _ATTR, _LINENO = attrgetter("id"), attrgetter("attr"), attrgetter("lineno")  # read in C loops
_interesting = lru_cache(maxsize=1 << 16)(vocab.maybe_interesting)  # call tails repeat across files
_OPTION_ATTRS = frozenset({"add_argument", *cli.OPTION_TAILS})
Chunk = tuple[int | None, ast.Module, list[str]]


class Extractor:
    """Collects the facts of one module; `run()` over a list of (cell, tree, lines)."""

    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self.m = ModuleFacts()
        self.env: dict[str, dict[str, Any]] = {MODULE: self.m.bindings}
        self.signatures = params.Signatures()
        self.values = Values(self.m, self.env, self.signatures)
        self.value = self.values.value
        self.cell: int | None = None
        self.lines: list[str] = []
        self.pending_models: list[tuple[ast.ClassDef, list[str], int | None, list[str]]] = []
        self.notes: dict[str, str] = {}  # name -> how its value was decided (argv defaults)
        self.path_hints = self.values.path_hints  # name -> a literal file name inside an unresolved path
        self.archives: dict[str, str] = {}  # name -> the archive file it opens (``with ZipFile(p) as zf``)
        # (cell, scope, name) -> (line, member, archive) of each ``with zf.open(member) as name``
        self.members: dict[tuple[int | None, str, str], list[tuple[int, str, str]]] = {}
        self.sorted_by: dict[str, Any] = {}  # frame name -> the column(s) it was sorted by
        self.fractions: dict[str, float] = {}  # name -> the fraction in ``int(0.8 * len(df))``
        self.target_names: set[str] = set()  # literal target column names (TARGET = "churn")
        self.predicted: set[tuple[int | None, str, str]] = set()  # (cell, scope, name) = model.predict(...)
        self.seen: set[Any] = set()  # facts a rule emits once per module
        self.cell_lines: dict[int | None, list[str]] = {}  # each chunk's lines, by cell
        self.objectives: list[Any] = []  # searches whose objective function `objective.link` reads
        self.calls: dict[tuple[int | None, str], list[ast.Call]] = {}  # (cell, scope) -> its calls
        self.outputs: list[Any] = []  # (call, scope, full name, tail, cell) of writes and saves
        # (cell, scope, nodes, function node or None) of what runs (no class body, no __main__ test's else)
        self.indexed: list[tuple[int | None, str, Buckets, ast.AST | None]] = []
        self.sites: params.ParamResolver | None = None  # set once the module is walked
        self.helper_results: dict[tuple[str, str], dict[str, Any]] = {}  # (scope, name) = helper()

    # -- driver --------------------------------------------------------------------------
    def run(self, chunks: list[Chunk]) -> ModuleFacts:
        scoped: list[tuple[int | None, list[str], str, Buckets]] = []
        for cell, tree, lines in chunks:
            self.cell, self.lines = cell, lines
            self.cell_lines[cell] = lines
            chunk = self._scopes(tree)
            self.values.instance.note(chunk)
            for scope, nodes in chunk:
                scoped.append((cell, lines, scope, nodes))
                self._first_pass(scope, nodes)
        parts = models.network_parts(
            [(node, bases) for node, bases, *_ in self.pending_models], self.m.aliases
        )
        for node, bases, cell, lines in self.pending_models:
            self.cell, self.lines = cell, lines
            models.model_class(self, node, bases, "layer" if node.name in parts else "estimator")
        orchestrators.flows(self)  # a Metaflow flow's steps and parameters, before the values are read
        for cell, lines, scope, nodes in scoped:
            self.cell, self.lines = cell, lines
            self._second_pass(scope, nodes)
        assign_rules.after_module(self)
        rules.after_walk(self, scoped)  # for epoch in range(num_epochs): resolved like any value
        self.sites = params.ParamResolver(self, scoped)  # a parameter's values at its call sites
        if self.values.param_refs:
            self.m.facts = self.sites.finish(self.m.facts)
        training.branches(self, scoped)  # if ...: Adadelta(...) else: Adam(...); if val_split: split
        if self.objectives:
            objective.link(self)
        loads.loaded_not_trained(self)
        self.m.path_returns = returned.path_returns(self)
        outputs.finish(self, chunks)
        for cell, _lines, scope, nodes in scoped:  # for the outline: no second walk of the same code
            self.calls.setdefault((cell, scope), []).extend(nodes.get(ast.Call, ()))
        for post in (*evalscope.PASSES, rules.spark.evaluated_on, metric_rows.mark, selection.mark):
            post(self, scoped)
        self.m.facts.sort(key=lambda f: (f.cell or 0, f.line))  # the walk is depth-first, reversed
        return self.m

    def _scopes(self, tree: ast.Module) -> list[tuple[str, Buckets]]:
        """Split a module into (scope, nodes) with every node walked once."""
        out: list[tuple[str, Buckets]] = []
        doc = doc_summary(tree)
        if doc and self.cell is None:
            self.add(Fact("module", None, self.relpath, 1, value=self.relpath, text=doc))
        for stmt in tree.body:
            st = type(stmt)
            if st in FUNC_TYPES:
                earlier = self.m.functions.get(stmt.name)
                if earlier and self.cell is None:  # redefined: the later definition wins
                    self.m.shadowed.append((stmt.name, *earlier, stmt.lineno))
                self._symbol(stmt, stmt.name, "function")
                out.append((stmt.name, self._indexed(stmt.name, walk([stmt]), stmt)))
            elif st is ast.ClassDef:
                self._class(stmt, out)
            elif st is ast.If and is_main_test(stmt.test):
                self.m.has_main = True
                out.append((MAIN, self._indexed(MAIN, walk(stmt.body))))
                out.append((MODULE, walk(stmt.orelse)))
            elif st is ast.If and is_dead_test(stmt.test):
                out.append((MODULE, self._indexed(MODULE, walk([stmt.test, *stmt.orelse]))))
            else:
                out.append((MODULE, self._indexed(MODULE, walk([stmt]))))
        return out

    def _indexed(self, scope: str, nodes: Buckets, root: ast.AST | None = None) -> Buckets:
        self.indexed.append((self.cell, scope, nodes, root))
        return nodes

    def _class(self, node: ast.ClassDef, out: list[tuple[str, Buckets]]) -> None:
        self._symbol(node, node.name, "class")
        if node.decorator_list or node.bases:
            configclass.config_class(self, node)
        bases = [d for d in (dotted(b) for b in node.bases) if d]
        if bases:
            self.pending_models.append((node, bases, self.cell, self.lines))
        methods = self.m.classes.setdefault(node.name, [])
        class_roots: list[ast.AST] = list(node.bases)
        for stmt in node.body:
            if type(stmt) in FUNC_TYPES:
                qual = f"{node.name}.{stmt.name}"
                methods.append(qual)
                self._symbol(stmt, qual, "function")
                out.append((qual, self._indexed(qual, walk([stmt]), stmt)))
            else:
                class_roots.append(stmt)
        out.append((MODULE, walk(class_roots)))

    def _symbol(self, node: Any, qual: str, kind: str) -> None:
        end = getattr(node, "end_lineno", None) or node.lineno
        self.m.functions[qual] = (node.lineno, end)
        if kind == "function":
            self.signatures.add(qual, node, "." in qual)
            sig = f"{node.name}({signature(node.args)})"
        else:
            bases = ", ".join(dotted(b) or "?" for b in node.bases)
            sig = f"class {node.name}({bases})" if bases else f"class {node.name}"
        attrs, doc, scope = (
            {"signature": sig[:SNIPPET_MAX]},
            doc_summary(node),
            qual if kind == "function" else MODULE,
        )
        self.add(Fact(kind, qual, qual, node.lineno, end, value=qual, attrs=attrs, text=doc, scope=scope))

    # -- pass 1: imports, bindings -------------------------------------------------------
    def _first_pass(self, scope: str, nodes: Buckets) -> None:
        env = self.env.setdefault(scope, {})
        for node in nodes.get(ast.Import, ()):
            for a in node.names:
                self.m.aliases[a.asname or a.name.split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0]
                )
                self.m.imports.append((scope, a.name, 0))
        for node in nodes.get(ast.ImportFrom, ()):
            mod = node.module or ""
            self.m.imports.append((scope, mod, node.level))
            for a in node.names:
                prefix = "." * node.level + mod
                self.m.aliases[a.asname or a.name] = f"{prefix}.{a.name}" if mod else f"{prefix}{a.name}"
        assigns = [*nodes.get(ast.Assign, ()), *nodes.get(ast.AnnAssign, ())]
        assigns.sort(key=_LINENO)  # the walk is breadth-first; the last binding wins
        for node in assigns:
            if type(node) is ast.Assign:
                if len(node.targets) == 1 and type(node.targets[0]) is ast.Name:
                    self._bind(env, node.targets[0].id, node.value, node.lineno, scope)
            elif type(node.target) is ast.Name and node.value is not None:
                self._bind(env, node.target.id, node.value, node.lineno, scope)
        for node in nodes.get(ast.Call, ()):
            if type(node.func) is ast.Attribute and node.func.attr in _OPTION_ATTRS:
                cli.first_pass(self, node)
        if ast.withitem in nodes:
            sources.archive_members(self, nodes[ast.withitem], scope)

    def _bind(self, env: dict[str, Any], name: str, value: ast.expr, line: int, scope: str) -> None:
        if type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr == "parse_args":
            self.m.namespaces.add(name)  # args = parser.parse_args(): its options, by dest
        val = self.value(value, scope)
        if val is UNKNOWN and (up := script_folder(value)) is not None:
            val = {"$here": up}  # ROOT = Path(__file__).parent: the tree scan knows the folder
        if type(value) is ast.IfExp and val is not UNKNOWN:
            self.notes[name] = f"default used when no command-line argument is given (line {line})"
        if val is UNKNOWN:
            env.pop(name, None)
            splits.remember(self, name, value, scope)
            returned.remember(self, name, value, scope)
            if type(value) is ast.Call:  # os.path.join(base, "data.csv"): remember the file name
                paths = [
                    a.value
                    for a in value.args
                    if type(a) is ast.Constant and isinstance(a.value, str) and vocab.PATHLIKE.match(a.value)
                ]
                if len(paths) == 1:
                    self.path_hints[name] = paths[0]
            return
        env[name] = val
        if scope == MODULE:
            self.m.binding_lines[name] = line

    # -- pass 2: facts -------------------------------------------------------------------
    def _second_pass(self, scope: str, nodes: Buckets) -> None:
        refs = self.m.refs.setdefault(scope, set())
        attr_refs = self.m.attr_refs.setdefault(scope, set())
        refs.update(map(_ID, nodes.get(ast.Name, ())))
        attrs = nodes.get(ast.Attribute)
        if attrs:
            refs.update(map(_ATTR, attrs))
            attr_refs.update([(n.value.id, n.attr) for n in attrs if type(n.value) is ast.Name])
        before = len(self.m.facts)
        for node in nodes.get(ast.Call, ()):
            self._call(node, scope)
        for node in nodes.get(ast.Assign, ()):
            assign_rules.assign(self, node, scope)
        for node in nodes.get(ast.AnnAssign, ()):
            if node.value is not None:
                fake = ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
                assign_rules.assign(self, fake, scope)
        if ast.Compare in nodes:
            alerts = assign_rules.alert_tests(nodes.get(ast.If, []))
            for node in nodes[ast.Compare]:
                assign_rules.compare(self, node, scope, alerts)
        if ast.For in nodes:
            for node in nodes[ast.For]:
                dataflow.loop_columns(self, node, scope)
            splits.appended_parts(self, nodes, scope)  # train_parts.append(rows.iloc[:-8]) in a loop
        if ast.withitem in nodes or ast.For in nodes:
            sources.text_reads(self, nodes, scope)
        if scope == MODULE and not self.m.top_level_ml:
            self.m.top_level_ml = any(
                f.kind not in ("module", "class", "function", "import", "param")
                for f in self.m.facts[before:]
            )

    def full_name(self, func: ast.AST) -> str:
        """Dotted name with the first part mapped through the import aliases."""
        name = dotted(func) or ""
        head, _, rest = name.partition(".")
        origin = self.m.aliases.get(head)
        if origin:
            return f"{origin}.{rest}" if rest else origin
        return name

    def _call(self, node: ast.Call, scope: str) -> None:
        func = node.func
        ft = type(func)
        if ft is ast.Name and "." in self.m.aliases.get(func.id, ""):
            self._imported_call(node, scope, self.m.aliases[func.id])
            called = kedro.node_call(self.m.aliases, node) if func.id == "node" else None
            if called:  # a Kedro node calls its function with datasets and parameters
                self.m.calls.append((called[0], node.lineno, self.cell, called[1], called[2]))
        elif self.m.namespaces and ft is ast.Attribute and type(func.value) is ast.Name:
            module = self.m.aliases.get(func.value.id)  # train.train(model, args): the options go along
            if module and any(type(a) is ast.Name and a.id in self.m.namespaces for a in node.args):
                self._imported_call(node, scope, f"{module}.{func.attr}")
        tail0 = func.attr if ft is ast.Attribute else func.id if ft is ast.Name else ""
        if not _interesting(tail0):  # most calls are never facts
            return
        full = self.full_name(func)
        if not full and ft is ast.Attribute and type(func.value) is ast.Subscript:  # ds["x"].train_test_split
            full = f"{dotted(func.value.value) or '?'}[].{func.attr}"
        if full:
            rules.apply_call(self, node, scope, full, full.rsplit(".", 1)[-1].removesuffix("()"))

    def _imported_call(self, node: ast.Call, scope: str, origin: str) -> None:
        """Remember ``select_features(frame, TARGET)`` so the callee's parameters resolve across files."""
        args = [self._argument(a, scope) for a in node.args[:12]]
        kwargs = {k.arg: self._argument(k.value, scope) for k in node.keywords if k.arg}
        self.m.calls.append((origin, node.lineno, self.cell, args, kwargs))

    def _argument(self, expr: ast.expr, scope: str) -> Any:
        """A call's argument for the callee's module: the parsed command line is ``{"$argns": name}``,
        so ``args.lr`` there reads this module's ``--lr`` default."""
        if type(expr) is ast.Name and expr.id in self.m.namespaces:
            return {"$argns": expr.id}
        val = self.value(expr, scope)
        if val is UNKNOWN:  # a file a helper of another module returns, else the expression
            return returned.reference(self, expr, scope) or {"$expr": self.snippet(expr, 80)}
        return val

    # -- what rules use ------------------------------------------------------------------
    def kwargs_attrs(self, node: ast.Call, scope: str) -> dict[str, Any]:
        """The call's keyword arguments that have a static value."""
        out: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg:
                v = self.value(kw.value, scope)
                if v is not UNKNOWN:
                    out[kw.arg] = v
        return out

    def value_or_expr(self, expr: ast.expr, scope: str) -> Any:
        """The value of `expr`, or ``{"$expr": its source}`` when it has no static value."""
        val = self.value(expr, scope)
        return val if val is not UNKNOWN else {"$expr": self.snippet(expr, 80)}

    def at_cell(self, cell: int | None) -> None:
        """Make `cell` the chunk facts are added to (its lines give their text), in a pass after the walk."""
        self.cell, self.lines = cell, self.cell_lines.get(cell, [])

    def line(self, line: int) -> str | None:
        if 0 < line <= len(self.lines):
            return self.lines[line - 1].strip()[:SNIPPET_MAX]
        return None

    def snippet(self, node: ast.AST, limit: int = SNIPPET_MAX) -> str | None:
        """The source of `node` on one line (at most 12 lines of it), cut at `limit` characters."""
        start = getattr(node, "lineno", None)
        if start is None:
            return None
        end = getattr(node, "end_lineno", None) or start
        if end == start:
            seg = (
                segment(self.lines[start - 1], node.col_offset, node.end_col_offset)
                if start <= len(self.lines)
                else ""
            )
        else:
            seg = " ".join(x.strip() for x in self.lines[start - 1 : min(end, start + 12)])
        seg = " ".join(seg.split())
        return seg[:limit] + ("…" if len(seg) > limit else "")

    def add_at(self, node: ast.AST, kind: str, name: str | None, label: str, scope: str, **kw: Any) -> None:
        """A fact about `node` (its line; its text is the node's source unless given)."""
        kw.setdefault("text", self.snippet(node))
        self.add(Fact(kind, name, label, node.lineno, scope=scope, **kw))

    def add(self, fact: Fact) -> None:
        fact.cell = self.cell
        self.m.facts.append(fact)


def extract(relpath: str, chunks: list[Chunk]) -> ModuleFacts:
    """Facts of one module (texts in `chunks` must already be redacted)."""
    return Extractor(relpath).run(chunks)


def extract_with_calls(
    relpath: str, chunks: list[Chunk]
) -> tuple[ModuleFacts, dict[tuple[int | None, str], list[ast.Call]]]:
    """`extract`, and the call nodes of each (cell, scope) it walked (the outline reads them too)."""
    ex = Extractor(relpath)
    return ex.run(chunks), ex.calls
