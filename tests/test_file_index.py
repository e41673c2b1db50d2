"""The stat-keyed index of image probes (artopic_nb.data.file_index) and the hub cache check."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from artopic_nb.data import file_index, images
from artopic_nb.data.collection import ImageCollection

FIXTURES = Path(__file__).parent / "data" / "images"


@pytest.fixture
def index(tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    monkeypatch.setenv(file_index.INDEX_ENV, str(path))
    return path


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "art"
    out.mkdir()
    for src in sorted(FIXTURES.glob("*.jpg"))[:4]:
        shutil.copy(src, out / src.name)
    return out


def _counting_probes(monkeypatch) -> list[Path]:
    seen: list[Path] = []
    real = images.probe_file

    def probe(path, max_pixels=images.DEFAULT_MAX_PIXELS):
        seen.append(Path(path))
        return real(path, max_pixels)

    monkeypatch.setattr(file_index, "probe_file", probe)
    return seen


def test_unchanged_files_are_not_read_again(index, folder, monkeypatch):
    seen = _counting_probes(monkeypatch)
    first = ImageCollection.from_folder(folder, progress=False)
    assert len(seen) == 4 and index.is_file()
    seen.clear()
    second = ImageCollection.from_folder(folder, progress=False)
    assert seen == []
    assert second.metadata[["path", "hash", "width", "height"]].equals(
        first.metadata[["path", "hash", "width", "height"]])


def test_a_changed_file_is_probed_again_and_gets_its_new_hash(index, folder, monkeypatch):
    ImageCollection.from_folder(folder, progress=False)
    target = sorted(folder.glob("*.jpg"))[0]
    before = os.stat(target)
    Image.new("RGB", (40, 30), "red").save(target)  # new content
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old mtime
    seen = _counting_probes(monkeypatch)
    col = ImageCollection.from_folder(folder, progress=False)
    assert seen == [target]
    row = col.metadata[col.metadata.file_name == target.name].iloc[0]
    assert row.hash == hashlib.sha256(target.read_bytes()).hexdigest()
    assert (row.width, row.height) == (40, 30)


def test_a_file_damaged_after_its_probe_is_skipped(index, folder):
    ImageCollection.from_folder(folder, progress=False)
    target = sorted(folder.glob("*.jpg"))[1]
    target.write_bytes(target.read_bytes()[: 200])
    with pytest.warns(UserWarning, match="skipped"):
        col = ImageCollection.from_folder(folder, progress=False)
    assert len(col) == 3 and col.skipped.path.str.endswith(target.name).all()


def test_the_index_can_be_turned_off_or_be_unusable(tmp_path, folder, monkeypatch):
    seen = _counting_probes(monkeypatch)
    monkeypatch.setenv(file_index.INDEX_ENV, "off")
    assert file_index.file_index_path() is None
    ImageCollection.from_folder(folder, progress=False)
    ImageCollection.from_folder(folder, progress=False)
    assert len(seen) == 8
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    monkeypatch.setenv(file_index.INDEX_ENV, str(blocker / "index.sqlite"))  # cannot be created
    assert len(ImageCollection.from_folder(folder, progress=False)) == 4


def test_hub_cache_check_reads_the_cache_layout(tmp_path, monkeypatch):
    from huggingface_hub import constants, try_to_load_from_cache

    from artopic_nb.models import hub

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    repo = tmp_path / "models--org--model"
    assert not hub._cached("org/model")
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    assert not hub._cached("org/model")  # a snapshot without config.json
    (repo / "snapshots" / "abc123").mkdir(parents=True)
    (repo / "snapshots" / "abc123" / "config.json").write_text("{}")
    assert hub._cached("org/model")
    assert isinstance(try_to_load_from_cache("org/model", "config.json", cache_dir=tmp_path), str)
    assert not hub._cached("not a repo id") and not hub._cached("a/b/c")
