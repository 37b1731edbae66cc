"""Rules for calls that read data, talk to MLflow, set seeds or reshape columns."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code import returned
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.syntax import Buckets, path_parts, snip
from autodoc.scan.code.value_text import RET
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


NOT_RESOLVED = "(folder not resolved from the code)"  # a file name read inside an unknown folder, in words


def read_label(tail: str, file: str | None) -> str:
    """``read_csv(train.csv)``: the reading call and the file it reads, when the file is known (and short)."""
    return f"{tail}({file})" if file and len(file) < 80 else tail


def _literal_path(ex: Extractor, args: list[ast.expr], scope: str) -> str | None:
    """The one file name among `args` (``os.path.join(base, "data.csv")``, or a name bound to it:
    ``file_name = "train.csv"; os.path.join(path, file_name)``), if exactly one."""
    values = [a.value if type(a) is ast.Constant else ex.value(a, scope) for a in args]
    paths = [a for a in values if isinstance(a, str) and v.PATHLIKE.match(a)]
    return paths[0] if len(paths) == 1 else None


def data_source(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    val = ex.value(node.args[0], scope) if node.args else UNKNOWN
    if val is UNKNOWN and node.args:
        val = returned.reference(ex, node.args[0], scope) or UNKNOWN  # path = download_dataset()
    attrs: dict[str, Any] = {"call": full}
    if isinstance(val, str) and v.SQL_RE.search(val):
        attrs["sql"] = snip(val)
        attrs["tables"] = v.sql_tables(val)
    if tail in ("table",) and isinstance(val, str):
        attrs["tables"] = [val]
    shown = val if isinstance(val, str) else None
    first = node.args[0] if node.args else None
    member = member_of(ex, first, scope) if first is not None else None
    if shown is None and member:  # pd.read_csv(f) of ``with zf.open("train.csv") as f``
        shown, attrs["archive"] = member
    elif shown is None and type(first) is ast.Name and first.id in ex.path_hints:
        shown = ex.path_hints[first.id]
        attrs["path_from"] = f"file name inside the path expression {first.id}"
    elif shown is None and type(first) is ast.Call:  # os.path.join(base, "x.csv")
        shown = _literal_path(ex, first.args, scope)
        if shown:
            attrs["path_from"] = "file name inside the path expression"
    label = read_label(tail, shown)
    if "archive" in attrs:
        label = f"{tail}({shown} from the archive {attrs['archive']})"
    if isinstance(val, dict) and any(t in val for t in ("$ref", "$cfg", "$arg", "$param", "$concat", RET)):
        if shown and attrs.pop("path_from", None):
            attrs["file_hint"] = shown  # the file name, should the reference stay unresolved
        shown = val  # resolved across files later
    if "path_from" in attrs:
        attrs["folder_words"] = NOT_RESOLVED
    if shown is None and (parts := path_parts(first)):
        attrs["path_parts"] = parts  # self.config.train_path: a configuration key may name the file
    ex.add_at(node, "data_source", tail, label, scope, value=shown, attrs=attrs)


def included_file(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``IncludeFile("datafile", default="data/temps.txt")`` (Metaflow): the flow reads that file (its
    contents travel with the run); ``--datafile`` on the command line may name another."""
    default = next((ex.value(k.value, scope) for k in node.keywords if k.arg == "default"), None)
    if not full.startswith("metaflow.") or not isinstance(default, str) or not default:
        return
    option = ex.value(node.args[0], scope) if node.args else None
    attrs: dict[str, Any] = {"call": full}
    if isinstance(option, str):
        attrs["note"] = f"the default of the flow's --{option} option"
    ex.add_at(node, "data_source", tail, read_label(tail, default), scope, value=default, attrs=attrs)


# after ``s3.Object(bucket_name=..., key=...)``: the object's body is read (``.get()``), not written
_S3_READ_AFTER = re.compile(r"\s*\\?\s*\.\s*(?:get|download_file|download_fileobj)\s*\(")


def s3_read(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``s3.Object(bucket_name=b, key=k).get()`` (boto3's resource) or ``s3.get_object(Bucket=b,
    Key=k)`` (its client): data read from an object of an S3 (or MinIO) bucket, named by its key."""
    if not any(o.split(".")[0] == "boto3" for o in ex.m.aliases.values()):
        return
    names = ("bucket_name", "key") if tail == "Object" else ("Bucket", "Key")
    kw = {k.arg: k.value for k in node.keywords if k.arg}
    bucket, key = (kw.get(n, node.args[i] if len(node.args) > i else None) for i, n in enumerate(names))
    end = node.end_lineno or node.lineno
    after = " ".join(ex.lines[end - 1 : end + 1])[(node.end_col_offset or 0) :]
    if key is None or (tail == "Object" and not _S3_READ_AFTER.match(after)):
        return
    name = ex.value(bucket, scope) if bucket is not None else UNKNOWN
    where = f"in the S3 bucket {name}" if isinstance(name, str) and name else "in an S3 bucket"
    value = ex.value(key, scope)
    attrs = {"call": f"boto3 {tail}", "folder_words": where}
    value = None if value is UNKNOWN else value
    ex.add_at(node, "data_source", tail, "S3 object", scope, value=value, attrs=attrs)


_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_NOT_DATA = re.compile(r"(?:\.(?:json|ya?ml|toml|ini|cfg|conf|py|md|rst|html?)$|^requirements)", re.I)
_LINE_READERS = frozenset({"csv.reader", "csv.DictReader"})


def text_reads(ex: Extractor, nodes: Buckets, scope: str) -> None:
    """``with open(os.path.join(path, "rt-polarity.neg")) as f: for line in f``: a text file read line
    by line (``for line in f``, ``f.readlines()``, ``csv.reader(f)``, ``for line in open(p)``) is a
    data source; a settings or code file (json, yaml, .py...) is not."""
    found = [n.iter for n in nodes.get(ast.For, ()) if _reads_text(ex, n.iter)]
    for node in nodes.get(ast.With, ()):
        for item in node.items:
            var = item.optional_vars
            read = type(var) is ast.Name and _reads_text(ex, item.context_expr)
            if read and any(_reads_lines(ex, n, var.id) for stmt in node.body for n in ast.walk(stmt)):  # type: ignore[union-attr]
                found.append(item.context_expr)
    for call in found:
        if ("text", ex.cell, call.lineno) not in ex.seen:
            ex.seen.add(("text", ex.cell, call.lineno))
            _text_source(ex, call, scope)  # type: ignore[arg-type]


def _reads_lines(ex: Extractor, node: ast.AST, handle: str) -> bool:
    """Does `node` read the file `handle` line by line?"""
    if type(node) is ast.For:
        it = node.iter
        if type(it) is ast.Call and type(it.func) is ast.Name and it.func.id == "enumerate" and it.args:
            it = it.args[0]
        return type(it) is ast.Name and it.id == handle
    if type(node) is not ast.Call:
        return False
    func, args = node.func, node.args
    if type(func) is ast.Attribute and func.attr == "readlines":
        return type(func.value) is ast.Name and func.value.id == handle
    return (
        bool(args)
        and ex.full_name(func) in _LINE_READERS
        and type(args[0]) is ast.Name
        and args[0].id == handle
    )


def _reads_text(ex: Extractor, node: ast.expr) -> bool:
    """``open(path)`` / ``open(path, "r", ...)``: a file opened for reading."""
    if type(node) is not ast.Call or not node.args or ex.full_name(node.func) not in _OPENERS:
        return False
    mode = (
        node.args[1]
        if len(node.args) > 1
        else next((k.value for k in node.keywords if k.arg == "mode"), None)
    )
    if mode is None:
        return True
    return type(mode) is ast.Constant and isinstance(mode.value, str) and not set(mode.value) & set("wax+")


def _text_source(ex: Extractor, call: ast.Call, scope: str) -> None:
    data_source(ex, call, scope, "open", "open")
    fact = ex.m.facts[-1]
    fact.attrs["how"] = "text file read line by line"
    first = call.args[0]
    names = [
        a.value for a in getattr(first, "args", ()) if type(a) is ast.Constant and isinstance(a.value, str)
    ]
    if type(first) is ast.Call and names and "." in names[-1]:  # os.path.join(path, "rt-polarity.neg")
        if fact.value is None:  # the folder unknown: the file's name
            fact.value, fact.label = names[-1], read_label("open", names[-1])
            fact.attrs.update(path_from="file name inside the path expression", folder_words=NOT_RESOLVED)
        elif isinstance(fact.value, dict):  # should the folder stay unresolved
            fact.attrs.setdefault("file_hint", names[-1])
    if isinstance(fact.value, str) and _NOT_DATA.search(fact.value.rsplit("/", 1)[-1]):
        ex.m.facts.pop()


def hinted_file(attrs: dict[str, Any]) -> str | None:
    """The file name inside a path expression that stays unresolved (``os.path.join(ROOT, "x.csv")``
    with ROOT unknown): what the data source reads, said to come from the expression."""
    hint = attrs.pop("file_hint", None)
    if isinstance(hint, str):
        attrs["path_from"] = "file name inside the path expression"
        attrs["folder_words"] = NOT_RESOLVED
        return hint
    return None


_ARCHIVES = frozenset({"zipfile.ZipFile", "tarfile.open", "tarfile.TarFile"})
_MEMBER_OPENERS = frozenset({"open", "extractfile"})


def archive_members(ex: Extractor, items: list[ast.withitem], scope: str) -> None:
    """``with ZipFile("d.zip") as zf: with zf.open("train.csv") as f``: `f` reads train.csv of d.zip."""
    for item in items:
        call, var = item.context_expr, item.optional_vars
        archive = type(call) is ast.Call and call.args and ex.full_name(call.func) in _ARCHIVES
        if archive and type(var) is ast.Name:
            path = ex.value(call.args[0], scope)
            if isinstance(path, str):
                ex.archives[var.id] = path
    for item in items:
        var = item.optional_vars
        member = member_of(ex, item.context_expr, scope)
        if member and type(var) is ast.Name:
            ex.members.setdefault((ex.cell, scope, var.id), []).append((item.context_expr.lineno, *member))


def member_of(ex: Extractor, node: ast.expr, scope: str) -> tuple[str, str] | None:
    """(member, archive) a name or a ``zf.open("train.csv")`` call reads, when both are literal."""
    if type(node) is ast.Name:  # the latest ``with zf.open(...) as f`` before the read (f is reused)
        opened = [o for o in ex.members.get((ex.cell, scope, node.id), ()) if o[0] <= node.lineno]
        return max(opened)[1:] if opened else None
    func = node.func if type(node) is ast.Call else None
    opener = type(func) is ast.Attribute and func.attr in _MEMBER_OPENERS
    if not opener or type(func.value) is not ast.Name:
        return None
    archive = ex.archives.get(func.value.id)
    member = ex.value(node.args[0], scope) if archive and node.args else None
    return (member, archive) if isinstance(member, str) else None


LIBRARY_DATASETS = (
    "torchvision.datasets.",
    "keras.datasets.",
    "tensorflow.keras.datasets.",
    "tf.keras.datasets.",
)


def dataset(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``load_breast_cancer()``, ``torchvision.datasets.MNIST(...)``, ``keras.datasets.mnist.load_data()``:
    a dataset a library ships (once per module: the train and test parts are one source)."""
    library = "scikit-learn" if full.startswith("sklearn") else full.split(".", 1)[0]
    name = full.rsplit(".", 2)[-2] if tail == "load_data" and full.count(".") >= 2 else tail
    if ("dataset", name) in ex.seen:
        return
    ex.seen.add(("dataset", name))
    attrs = {"call": full, **ex.kwargs_attrs(node, scope)}
    ex.add_at(node, "data_source", name, f"{name} ({library} dataset)", scope, value=name, attrs=attrs)
    if classes := LABELLED_DATASETS.get(name.lower()):  # the label ships with each image
        said = f"the class label the {name} dataset provides with each image, {classes}"
        ex.add_at(node, "target", name, said, scope, value=said, attrs={"call": full, "how": "dataset label"})


# Image datasets whose every example comes with its class label (what a classifier trained on them predicts)
LABELLED_DATASETS = {
    "mnist": "a digit 0-9",
    "fashionmnist": "one of 10 clothing types",
    "fashion_mnist": "one of 10 clothing types",
    "cifar10": "one of 10 object classes",
    "cifar100": "one of 100 object classes",
}


def mlflow(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    attrs: dict[str, Any] = {"call": full, "function": tail}
    args = [ex.value(a, scope) for a in node.args[:3]]
    lits = [a for a in args if a is not UNKNOWN and not (isinstance(a, dict) and "$expr" in a)]
    for kw in node.keywords:
        if kw.arg in v.MLFLOW_KEYWORDS:
            val = ex.value(kw.value, scope)
            if val is not UNKNOWN:
                attrs[kw.arg] = val
    if lits:
        attrs["args"] = lits
    if tail == "register_model" and "registered_model_name" not in attrs:  # register_model(uri, name)
        name = args[1] if len(args) > 1 else attrs.get("name")
        if isinstance(name, str) and name:
            attrs["registered_model_name"] = name
    value: Any = attrs.get("registered_model_name") or (
        lits[0] if lits and not isinstance(lits[0], dict) else None
    )
    if tail in ("log_params", "log_metrics") and lits and isinstance(lits[0], dict):
        attrs["keys"] = sorted(lits[0])[:50]
    elif tail in ("log_params", "log_metrics") and node.args and type(node.args[0]) is ast.Dict:
        attrs["keys"] = [k.value for k in node.args[0].keys if type(k) is ast.Constant][:50]
    if isinstance(value, list | dict):
        value = None
    ex.add_at(node, "mlflow_call", tail, f"mlflow {tail}", scope, value=value, attrs=attrs)


def seed(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    val = ex.value(node.args[0], scope)
    if isinstance(val, int):
        ex.add_at(node, "seed", tail, f"seed {val} ({full})", scope, value=val, attrs={"call": full})


def drop(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    cols: Any = None
    axis_cols = any(k.arg == "axis" and ex.value(k.value, scope) in (1, "columns") for k in node.keywords)
    for kw in node.keywords:
        if kw.arg == "columns":
            cols = ex.value(kw.value, scope)
    if cols is None and node.args and axis_cols:
        cols = ex.value(node.args[0], scope)
    if cols is None or cols is UNKNOWN:
        return
    cols = [cols] if isinstance(cols, str) else cols
    if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
        return
    label = f"dropped columns {', '.join(cols)[:80]}"
    ex.add_at(node, "dropped_column", ",".join(cols)[:60], label, scope, value=cols)


def assign_columns(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``df.assign(ratio=...)``: one derived column per keyword."""
    for kw in node.keywords:
        if kw.arg:
            text = ex.snippet(kw.value)
            label = f"derived column {kw.arg}"
            ex.add_at(node, "feature", kw.arg, label, scope, value=kw.arg, attrs={"how": "assign"}, text=text)
