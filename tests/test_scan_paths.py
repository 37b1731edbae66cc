"""File names the code builds from parts (``data_path + "x.csv"``, f-strings, ``os.path.join``,
``Path(a) / b``, a member of a zip archive): the Summary's Data line names the file read, and a
part the scan cannot know leaves the file unnamed (never a guess)."""

from __future__ import annotations

from pathlib import Path

from autodoc.evidence import EvidenceStore
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.writer import write_block
from autodoc.scan.code.tree import scan_code
from autodoc.write.summary import summary_facts

TRAIN = """\
import os
from pathlib import Path
from zipfile import ZipFile

import pandas as pd
from sklearn.linear_model import LogisticRegression

DATA_DIR = r"inputs/run 7/"
STEM = "loans"


def load(data_file):
    return pd.read_csv(data_file)


with ZipFile("inputs/raw/loans.zip", "r") as zf:
    with zf.open("applications.csv", mode="r") as f:
        raw = pd.read_csv(f)
    with zf.open("dictionary.csv", mode="r") as f:
        notes = pd.read_csv(f)

frame = load(DATA_DIR + "loans__clean.csv")
extra = pd.read_csv(f"{DATA_DIR}{STEM}_extra.csv")
joined = pd.read_csv(os.path.join(DATA_DIR, "parts", "joined.csv"))
pathed = pd.read_csv(Path("inputs") / STEM / "pathed.csv")
model = LogisticRegression().fit(frame.drop(columns="y"), frame["y"])
"""


def _data_line(tmp_path: Path, code: str = TRAIN) -> str:
    (tmp_path / "train.py").write_text(code)
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=scan.items)
    return next(f for f in summary_facts(store) if f.topic == "data").text


def test_the_data_line_names_files_built_from_parts(tmp_path: Path) -> None:
    data = _data_line(tmp_path)
    # through a module constant and the argument of the function that reads it
    assert "inputs/run 7/loans__clean.csv (train.py, line 13)" in data, data
    assert "inputs/run 7/loans_extra.csv (train.py, line 23)" in data, data
    assert "inputs/run 7/parts/joined.csv (train.py, line 24)" in data, data
    assert "inputs/loans/pathed.csv (train.py, line 25)" in data, data


def test_a_member_read_from_a_zip_archive_is_named_with_its_archive(tmp_path: Path) -> None:
    data = _data_line(tmp_path)
    assert "applications.csv from the archive inputs/raw/loans.zip (train.py, line 18)" in data, data
    assert "dictionary.csv from the archive inputs/raw/loans.zip (train.py, line 20)" in data, data
    items = scan_code(str(tmp_path), commit_info=False).items
    task = WriteTask(document_title="D", section_id="s", section_name="Data", heading="Data", evidence=items)
    section = write_block(task).text  # the data section says it too
    said = "`applications.csv` from the archive inputs/raw/loans.zip (`train.py`, line 18)"
    assert said in section, section


def test_a_part_the_code_does_not_fix_leaves_the_file_unnamed(tmp_path: Path) -> None:
    code = TRAIN.split("frame = ")[0] + (
        'frame = pd.read_csv(os.environ["DATA_ROOT"] + "/hidden.csv")\n'
        'scored = pd.read_csv(f"{os.getcwd()}/{STEM}.csv")\n'
        'model = LogisticRegression().fit(frame.drop(columns="y"), frame["y"])\n'
        "def load_dir(folder):\n"
        '    return pd.read_csv(os.path.join(folder, "in_dir.csv"))\n'
        "load_dir(os.getcwd())\n"
    )
    data = _data_line(tmp_path, code)
    # the folder said in words: an environment variable, else not resolved; an unknown file: unnamed
    env = "hidden.csv in the folder named by the DATA_ROOT environment variable (train.py, line 22) [["
    assert env in data, data
    assert "read_csv (train.py, line 23) [[c:train.py:23:data_source:read_csv]]" in data, data
    in_dir = "in_dir.csv (folder not resolved from the code) (train.py, line 26)"
    unresolved = "The scan does not resolve the file or table read by read_csv (train.py, line 23)"
    assert f"and {in_dir} [[c:train.py:26:data_source:read_csv]]. {unresolved}" in data, data
    assert "os.environ" not in data and "getcwd" not in data, data
    scan = scan_code(str(tmp_path), commit_info=False)
    unnamed = {i.source.line_start: i.value for i in scan.items if i.kind == "data_source"}
    assert unnamed[22] == "hidden.csv" and unnamed[23] is None, unnamed


SETTINGS = """\
from pathlib import Path

DATA_DIR = "inputs/shared"
ROOT = Path(__file__).parent
"""

SHARED = """\
import os

import pandas as pd
import settings
from settings import DATA_DIR, ROOT
from sklearn.linear_model import LogisticRegression


def load(folder):
    return pd.read_csv(folder + "/by_call.csv")


first = pd.read_csv(DATA_DIR + "/first.csv")
second = pd.read_csv(os.path.join(settings.DATA_DIR, "second.csv"))
third = pd.read_csv(f"{DATA_DIR}/third.csv")
fourth = load(DATA_DIR)
unknown = pd.read_csv(ROOT / "unknown.csv")
hinted = pd.read_csv(os.path.join(ROOT, "hinted.csv"))
model = LogisticRegression().fit(first.drop(columns="y"), first["y"])
"""


def test_a_folder_named_in_another_module_joins_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(SETTINGS)
    data = _data_line(tmp_path, SHARED)
    assert "inputs/shared/first.csv (train.py, line 13)" in data, data
    assert "inputs/shared/second.csv (train.py, line 14)" in data, data
    assert "inputs/shared/third.csv (train.py, line 15)" in data, data
    assert "inputs/shared/by_call.csv (train.py, line 10)" in data, data
    # settings.ROOT is the folder of settings.py (Path(__file__).parent): the code root
    assert "unknown.csv (train.py, line 17)" in data and "hinted.csv (train.py, line 18)" in data, data
    assert "ROOT" not in data and "./" not in data and "not resolved" not in data, data
