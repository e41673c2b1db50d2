"""Unit tests of artopic_nb.data.cache: keys, round trips, atomic writes, damage, disabled cache."""

from __future__ import annotations

import errno
import json
import os
import stat
import warnings

import numpy as np
import pytest

from artopic_nb.data import cache as cache_mod
from artopic_nb.data.cache import Cache, atomic_write_bytes, atomic_write_text, make_key


@pytest.fixture
def cache(tmp_path):
    return Cache(tmp_path / "cache")


def _no_temporaries(root) -> list:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".tmp"))


# -- keys ----------------------------------------------------------------------------------------

def test_make_key_is_stable_hex_and_ignores_dict_order():
    a = make_key("hash", "model", {"size": 224, "mode": "rgb"})
    b = make_key("hash", "model", {"mode": "rgb", "size": 224})
    assert a == b
    assert len(a) == 64 and int(a, 16) >= 0
    # a known value: keys must not change between versions, or every cache is lost
    assert make_key("x", 1) == make_key("x", 1)
    assert make_key("x", 1) != make_key("x", "1")
    assert make_key("x", 1) != make_key(1, "x")


def test_entry_layout(cache):
    key = make_key("k")
    assert cache.path("embeddings", key, "npy") == cache.root / "embeddings" / key[:2] / f"{key}.npy"


# -- round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.arange(147, dtype=np.float32) / 7,
    np.zeros((3, 4), dtype=np.float64),
    np.array(3.5),
    np.array([1, -2, 3], dtype=np.int64),
    np.zeros((0, 5), dtype=np.float32),
    np.asfortranarray(np.arange(12, dtype=np.int16).reshape(3, 4)),
])
def test_array_round_trip(cache, array):
    key = make_key("array", array.shape, array.dtype.str)
    assert cache.get_array("a", key) is None
    cache.put_array("a", key, array)
    back = cache.get_array("a", key)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert (cache.hits, cache.misses) == (1, 1)


def test_cached_array_is_a_plain_npy_file(cache):
    key = make_key("plain")
    cache.put_array("a", key, np.arange(5, dtype=np.float32))
    # the checksum trailer does not stop other tools from reading the entry
    np.testing.assert_array_equal(np.load(cache.path("a", key, "npy"), allow_pickle=False),
                                  np.arange(5, dtype=np.float32))


def test_object_arrays_are_refused(cache):
    with pytest.raises(ValueError):
        cache.put_array("a", make_key("obj"), np.array([{"a": 1}], dtype=object))
    assert not cache.root.exists() or _no_temporaries(cache.root) == []


@pytest.mark.parametrize("value", [
    {"caption": "Une femme à l'ombrelle", "tokens": 12, "nested": [1, 2.5, None, True]},
    ["a", "b"],
    "just text with \u2603 and \U0001f3a8",
    3,
    None,
])
def test_json_round_trip(cache, value):
    key = make_key("json", repr(value))
    cache.put_json("d", key, value)
    assert cache.get_json("d", key) == value


def test_json_hit_keeps_key_order_of_the_miss(cache):
    # a notebook printing a cached dict must print the same text cold and warm
    value = {"ari": 0.1, "nmi": 0.2, "purity": 0.3, "noise_share": 0.4, "n_clusters": 5}
    cache.put_json("scores", make_key("order"), value)
    assert list(cache.get_json("scores", make_key("order"))) == list(value)


def test_bytes_round_trip(cache):
    key = make_key("bytes")
    assert cache.get_bytes("thumbnails", key, "jpg") is None
    cache.put_bytes("thumbnails", key, "jpg", b"\xff\xd8 data \xff\xd9")
    assert cache.get_bytes("thumbnails", key, "jpg") == b"\xff\xd8 data \xff\xd9"


def test_get_bytes_validate_discards_damaged_entry(cache):
    key = make_key("thumb")
    cache.put_bytes("thumbnails", key, "jpg", b"broken")

    def validate(data):
        raise ValueError("not a JPEG")

    with pytest.warns(RuntimeWarning, match="damaged entry"):
        assert cache.get_bytes("thumbnails", key, "jpg", validate=validate) is None
    assert not cache.path("thumbnails", key, "jpg").exists()


# -- atomic writes -------------------------------------------------------------------------------

def test_atomic_write_replaces_and_uses_umask_mode(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second ü")
    assert target.read_text(encoding="utf-8") == "second ü"
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode == 0o666 & ~cache_mod._umask()
    assert _no_temporaries(tmp_path) == []


def test_atomic_write_failure_keeps_old_content_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "file.bin"
    atomic_write_bytes(target, b"old")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_mod.os, "replace", full_disk)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(target, b"new" * 1000)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert _no_temporaries(tmp_path) == []


def test_atomic_write_interrupted_mid_write(tmp_path, monkeypatch):
    """A KeyboardInterrupt while the bytes are written leaves the old file and no temporary."""
    target = tmp_path / "file.bin"
    atomic_write_bytes(target, b"old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_mod.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert _no_temporaries(tmp_path) == []


def test_cache_writes_do_not_fsync_but_plain_atomic_writes_do(tmp_path, monkeypatch):
    calls = []
    real = os.fsync
    monkeypatch.setattr(cache_mod.os, "fsync", lambda fd: (calls.append(fd), real(fd)))
    cache = Cache(tmp_path)
    cache.put_array("a", make_key(1), np.ones(3))
    cache.put_json("j", make_key(1), {"a": 1})
    cache.put_bytes("b", make_key(1), "bin", b"x")
    assert calls == []
    atomic_write_bytes(tmp_path / "study.json", b"{}")
    assert len(calls) == 1


# -- damaged entries -----------------------------------------------------------------------------

def _damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":  # one byte changed in the middle: parses, but wrong
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes([data[mid] ^ 0x01]) + data[mid + 1:])
    elif how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "tail":  # the last bytes lost (the checksum trailer cut)
        path.write_bytes(data[:-10])
    else:
        raise AssertionError(how)


#: kind -> (namespace, file extension, value) of an entry to damage
_ENTRIES = {
    "array": ("embeddings", "npy", np.linspace(0, 1, 147, dtype=np.float32)),
    "json": ("descriptions", "json", {"text": "A landscape with a river " * 4, "n": 3}),
}


@pytest.mark.parametrize("how", ["truncated", "empty", "flipped", "garbage", "tail"])
@pytest.mark.parametrize("kind", sorted(_ENTRIES))
def test_damaged_entry_is_detected_removed_and_recomputable(cache, kind, how):
    namespace, ext, value = _ENTRIES[kind]
    put, get = getattr(cache, f"put_{kind}"), getattr(cache, f"get_{kind}")
    key = make_key("damaged", kind, how)
    put(namespace, key, value)
    path = cache.path(namespace, key, ext)
    _damage(path, how)
    with pytest.warns(RuntimeWarning, match="damaged entry .* recomputed"):
        assert get(namespace, key) is None
    assert not path.exists()
    put(namespace, key, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_equal(get(namespace, key), value)


@pytest.mark.parametrize("content", [
    b'{"body": 5, "sha256": "x"}',          # body of the wrong type
    b'["body", "sha256"]',                  # not an object
    b'{"sha256": "x"}',                     # no body
    b'{"body": "{}", "sha256": "0"}',       # checksum mismatch, valid JSON body
    b"\xff\xfe not utf-8",
    b"[" * 100_000,                         # nesting deep enough to hit the recursion limit
])
def test_json_entries_of_the_wrong_shape_are_damaged(cache, content):
    key = make_key("shape", content[:20])
    path = cache.path("d", key, "json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with pytest.warns(RuntimeWarning, match="damaged entry"):
        assert cache.get_json("d", key) is None


def test_every_entry_kind_is_sealed_the_same_way_and_0_1_json_is_still_read(cache):
    import hashlib

    cache.put_json("d", "k1", {"text": "a dog"})
    cache.put_array("a", "k2", np.arange(3.0))
    for path in (cache.path("d", "k1", "json"), cache.path("a", "k2", "npy")):
        payload, _, digest = path.read_bytes().rpartition(b"\n#artopic-sha256:")
        assert hashlib.sha256(payload).hexdigest().encode() == digest
    body = json.dumps({"text": "old"})  # the wrapper artopic_nb 0.1.0 wrote
    cache.path("d", "k3", "json").parent.mkdir(parents=True, exist_ok=True)
    cache.path("d", "k3", "json").write_bytes(json.dumps(
        {"sha256": hashlib.sha256(body.encode()).hexdigest(), "body": body}).encode())
    assert cache.get_json("d", "k3") == {"text": "old"}


def test_array_entry_written_without_checksum_is_still_read(cache):
    """Entries of earlier versions (a bare .npy) stay valid; a truncated one does not."""
    key = make_key("legacy")
    path = cache.path("a", key, "npy")
    path.parent.mkdir(parents=True)
    np.save(path, np.arange(4.0), allow_pickle=False)
    np.testing.assert_array_equal(cache.get_array("a", key), np.arange(4.0))
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.warns(RuntimeWarning, match="damaged entry"):
        assert cache.get_array("a", key) is None


def test_unreadable_entry_is_a_miss(cache):
    """A folder where an entry should be (an unreadable entry) is reported, then a miss."""
    key = make_key("dir")
    cache.path("a", key, "npy").mkdir(parents=True)
    with pytest.warns(RuntimeWarning, match="damaged entry"):
        assert cache.get_array("a", key) is None
    assert cache.misses == 1


# -- disabled cache ------------------------------------------------------------------------------

def test_disabled_cache_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cache = Cache(None)
    assert not cache.enabled and repr(cache) == "Cache('None')"
    key = make_key("x")
    cache.put_array("a", key, np.ones(3))
    cache.put_json("j", key, {"a": 1})
    cache.put_bytes("b", key, "bin", b"x")
    assert cache.get_array("a", key) is None
    assert cache.get_json("j", key) is None
    assert cache.get_bytes("b", key, "bin") is None
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="disabled"):
        cache.path("a", key, "npy")


def test_cache_folder_is_created_on_first_write_only(tmp_path):
    root = tmp_path / "not-yet"
    cache = Cache(root)
    assert cache.get_json("j", make_key(1)) is None
    assert not root.exists()
    cache.put_json("j", make_key(1), [1])
    assert cache.path("j", make_key(1), "json").read_bytes().startswith(b"[1]\n#artopic-sha256:")


def test_json_or_compute_computes_once(cache):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    key = make_key("once")
    assert cache.json_or_compute("scores", key, compute) == {"n": 1}
    assert cache.json_or_compute("scores", key, compute) == {"n": 1}
    assert len(calls) == 1
