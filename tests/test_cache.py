"""The cache file and atomic writes: round trip, refusal of bad caches, never a key."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from autodoc.atomic import atomic_write, atomic_write_all
from autodoc.document import Block, DocumentState, NarrativeContent, NarrativePlan, Section
from autodoc.errors import CacheError
from autodoc.pipeline.cache import CacheWriter, cache_path, dump_state, load_state, save_state
from autodoc.settings import Settings


def _state(settings: Settings | None = None) -> DocumentState:
    block = Block(
        id="intro.b1",
        plan=NarrativePlan(guidance="overview"),
        status="written",
        content=NarrativeContent(
            text="Uses GBM [[c:train.py:10:estimator]].", citations=["c:train.py:10:estimator"]
        ),
    )
    return DocumentState(
        title="Doc",
        spec={"title": "Doc"},
        settings=(settings or Settings()).public(),
        sections=[Section(id="intro", number="1", heading="Intro", spec_name="Intro", blocks=[block])],
    )


def test_cache_path_is_in_the_output_dir(tmp_path: Path) -> None:
    assert cache_path(tmp_path) == tmp_path / ".autodoc_cache.json"


def test_round_trip_keeps_every_block(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    save_state(_state(), path)
    loaded = load_state(path)
    assert loaded == _state()
    assert loaded.section("intro").blocks[0].content.text.startswith("Uses GBM")


def test_api_keys_never_reach_the_cache(tmp_path: Path) -> None:
    settings = Settings(
        provider="openai", openai_api_key="sk-live-secret-123456", anthropic_api_key="sk-ant-secret-987"
    )
    path = cache_path(tmp_path)
    save_state(_state(settings), path)
    text = path.read_text()
    assert "sk-live-secret-123456" not in text and "sk-ant-secret-987" not in text
    assert "api_key" not in text


def test_corrupt_cache_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    path.write_text('{"schema_version": 1, "title": ')
    with pytest.raises(CacheError, match="corrupt"):
        load_state(path)


def test_incompatible_schema_version_is_refused(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    data = json.loads(dump_state(_state()))
    data["schema_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(CacheError, match="schema version 99 is not supported") as err:
        load_state(path)
    assert "generate again" in str(err.value)


def test_cache_with_unknown_shape_is_refused(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    data = json.loads(dump_state(_state()))
    data["sections"][0]["blocks"][0]["status"] = "half-done"
    path.write_text(json.dumps(data))
    with pytest.raises(CacheError, match="does not match"):
        load_state(path)


def test_missing_cache_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match="no cache at"):
        load_state(cache_path(tmp_path))


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "doc.docx"
    atomic_write(target, b"old")
    atomic_write(target, "new text")
    assert target.read_text() == "new text"
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.docx"]


def test_atomic_write_gives_the_usual_permissions_and_keeps_existing_ones(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    os.umask(mask)  # read it back unchanged
    atomic_write(tmp_path / "new.docx", b"x")
    assert (tmp_path / "new.docx").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600
    (tmp_path / "new.docx").chmod(0o640)
    atomic_write(tmp_path / "new.docx", b"y")
    assert (tmp_path / "new.docx").stat().st_mode & 0o777 == 0o640


def test_atomic_write_failure_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "doc.txt"
    atomic_write(target, "complete")
    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "complete"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]


def test_writing_outputs_together_writes_each_whole_in_order_and_stops_at_a_failure(tmp_path: Path) -> None:
    old = tmp_path / "report.json"
    old.write_text("previous")
    atomic_write_all([(tmp_path / "doc.docx", b"doc"), (old, "new"), (tmp_path / "sub" / "nb.ipynb", "{}")])
    assert [(tmp_path / "doc.docx").read_bytes(), old.read_text()] == [b"doc", "new"]
    assert (tmp_path / "sub" / "nb.ipynb").read_text() == "{}"
    folder = tmp_path / "taken"
    folder.mkdir()  # a path the user gave that is a folder
    with pytest.raises(IsADirectoryError) as err:
        atomic_write_all([(old, "newer"), (folder, "x"), (tmp_path / "last.md", "z")])
    assert err.value.filename == str(folder)  # the file a user named, not a temporary one
    assert old.read_text() == "newer" and not (tmp_path / "last.md").exists()
    assert not [p.name for p in tmp_path.rglob("*.tmp")]  # no temporary file is left behind


def test_cache_writer_reports_a_failed_write(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    writer = CacheWriter(blocker / "c.json", lambda: "{}")  # parent is a file: cannot write
    writer.save()
    with pytest.raises(CacheError, match="could not write the cache"):
        writer.flush()


def test_cache_writer_persists_every_change_from_many_threads(tmp_path: Path) -> None:
    counter = {"n": 0}
    lock = threading.Lock()

    def snapshot() -> str:  # serialising the state takes a varying while (images, large blocks)
        text = json.dumps(counter)
        time.sleep(0.002 if counter["n"] % 2 else 0.0)
        return text

    writer = CacheWriter(tmp_path / "c.json", snapshot)

    def bump() -> None:
        for _ in range(20):
            with lock:
                counter["n"] += 1
            writer.save()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.flush()
    assert json.loads((tmp_path / "c.json").read_text()) == {"n": 80}
    assert 1 <= writer.writes <= 80
