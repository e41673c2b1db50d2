"""Saving a study: plain files only (no pickle), and a full disk never harms the last save."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import uuid

import numpy as np
import pandas as pd
import pytest

import artopic_nb as an
from artopic_nb.pipeline.study import Study

from ._helpers import FIXTURES, is_root, run_study


@pytest.fixture
def study(tmp_path):
    col = an.load_folder(FIXTURES, metadata=FIXTURES / "metadata.csv", progress=False)
    return run_study(col, tmp_path / "cache")


def _assert_same(a: Study, b: Study) -> None:
    for attr in ("embeddings_", "reduced_", "coords_", "labels_"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
    pd.testing.assert_frame_equal(a.collection.metadata, b.collection.metadata)
    assert a.params_ == b.params_


def test_saved_study_loads_without_pickle(study, tmp_path):
    folder = study.save(tmp_path / "saved")
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".joblib"))]
    assert {p.suffix for p in folder.iterdir()} <= {".npy", ".parquet", ".json"}
    for p in folder.glob("*.npy"):
        np.load(p, allow_pickle=False)  # raises on an object array
    for p in folder.glob("*.parquet"):
        pd.read_parquet(p)
    json.loads((folder / "study.json").read_text(encoding="utf-8"))
    _assert_same(study, Study.load(folder, progress=False))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".saved")]


def _failing_after(n_calls: int, real):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n_calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    return wrapper


def test_disk_full_midway_keeps_the_previous_save(study, tmp_path, monkeypatch):
    target = study.save(tmp_path / "saved")
    before = Study.load(target, progress=False)
    study.cluster(method="kmeans", n_clusters=3)  # new results to save
    # the disk fills up after the first array of the second save
    monkeypatch.setattr(np, "save", _failing_after(1, np.save))
    with pytest.raises(OSError, match="could not save the study .*previously saved study "
                                      "there is unchanged") as info:
        study.save(target)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    _assert_same(before, Study.load(target, progress=False))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".saved")]
    assert leftovers == []


def test_interrupt_while_saving_keeps_the_previous_save(study, tmp_path, monkeypatch):
    target = study.save(tmp_path / "saved")
    real = pd.DataFrame.to_parquet

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", interrupted)
    with pytest.raises(KeyboardInterrupt):
        study.save(target)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    _assert_same(study, Study.load(target, progress=False))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".saved")]


def _mount_tmpfs(path, size: int) -> bool:
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                            capture_output=True)
    return result.returncode == 0


@pytest.mark.timeout(60)
def test_disk_full_for_real_on_a_tiny_tmpfs(study, tmp_path):
    """A real ENOSPC: a tmpfs with room for one saved study, not two."""
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    probe = study.save(tmp_path / "probe")
    # tmpfs counts whole 4 KiB pages per file
    pages = sum(-(-p.stat().st_size // 4096) for p in probe.iterdir()) + 2
    mnt = tmp_path / f"tmpfs-{uuid.uuid4().hex[:6]}"
    if not _mount_tmpfs(mnt, int(pages * 1.5) * 4096):
        pytest.skip("mount -t tmpfs is not permitted here")
    try:
        target = study.save(mnt / "saved")
        before = Study.load(target, progress=False)
        study.cluster(method="kmeans", n_clusters=3)
        with pytest.raises(OSError, match="previously saved study there is unchanged") as info:
            study.save(target)
        assert info.value.errno == errno.ENOSPC, info.value
        _assert_same(before, Study.load(target, progress=False))
        assert sorted(p.name for p in mnt.iterdir()) == ["saved"]  # no temporary folder left
        os.sync()
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
