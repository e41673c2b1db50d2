"""Unit tests of artopic_nb.data.collection on the committed fixture thumbnails (tests/data/images)."""

from __future__ import annotations

import hashlib
import io
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from artopic_nb.data import collection as collection_mod
from artopic_nb.data.collection import (
    ImageCollection,
    ImageLoadError,
    load_folder,
    load_image,
    to_rgb,
)

FIXTURES = Path(__file__).parent / "data" / "images"
N_FIXTURES = 24


@pytest.fixture
def folder(tmp_path):
    """A private copy of the fixture images (tests may add or damage files)."""
    dest = tmp_path / "images"
    shutil.copytree(FIXTURES, dest)
    return dest


def _solid(path: Path, colour=(200, 30, 30), size=(32, 24), **save) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, **save)
    return path


# -- building collections ------------------------------------------------------------------------

def test_fixtures_are_small_real_images():
    files = sorted(FIXTURES.glob("*.jpg"))
    assert len(files) == N_FIXTURES
    assert sum(p.stat().st_size for p in FIXTURES.iterdir()) < 300_000
    for p in files:
        with Image.open(p) as im:
            assert im.format == "JPEG" and 96 <= max(im.size) <= 128


def test_from_folder_with_metadata_csv():
    col = ImageCollection.from_folder(FIXTURES, metadata=FIXTURES / "metadata.csv", progress=False)
    assert len(col) == N_FIXTURES
    assert col.ids.tolist() == list(range(N_FIXTURES))
    assert col.metadata.index.name == "id"
    assert list(col.metadata.columns[:5]) == ["path", "file_name", "hash", "width", "height"]
    assert {"title", "artist", "date", "genre"} <= set(col.metadata.columns)
    assert col.skipped.empty and col.metadata_issues.empty
    # ids follow the sorted file names, so they are stable across loads and machines
    assert col.metadata.file_name.tolist() == sorted(p.name for p in FIXTURES.glob("*.jpg"))
    csv = pd.read_csv(FIXTURES / "metadata.csv", dtype=str).set_index("file_name")
    for row in col.metadata.itertuples():
        assert row.title == csv.at[row.file_name, "title"]
        assert row.genre == csv.at[row.file_name, "genre"]
    assert col.genres.value_counts().to_dict()["religious"] == 4
    assert isinstance(col.paths[0], Path) and col.paths[0].parent == FIXTURES
    assert col.name == "images"


def test_hashes_are_sha256_of_file_bytes_and_sizes_match():
    col = load_folder(FIXTURES, progress=False)
    for i, path in enumerate(col.paths):
        assert col.hashes[i] == hashlib.sha256(path.read_bytes()).hexdigest()
        with Image.open(path) as im:
            assert (col.metadata.width[i], col.metadata.height[i]) == im.size
    assert col.metadata.width.dtype == np.int64


def test_ids_do_not_depend_on_creation_order(tmp_path):
    names = sorted(p.name for p in FIXTURES.glob("*.jpg"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for name in names:
        shutil.copy(FIXTURES / name, a / name)
    for name in reversed(names):
        shutil.copy(FIXTURES / name, b / name)
    ca, cb = load_folder(a, progress=False), load_folder(b, progress=False)
    assert ca.hashes == cb.hashes
    assert ca.metadata.file_name.tolist() == cb.metadata.file_name.tolist()


def test_recursive_and_flat(folder):
    _solid(folder / "sub" / "deeper" / "red.png")
    _solid(folder / "sub" / "blue.png", (20, 20, 200))
    (folder / "notes.txt").write_text("not an image")
    deep = load_folder(folder, progress=False)
    flat = load_folder(folder, recursive=False, progress=False)
    assert len(deep) == N_FIXTURES + 2 and len(flat) == N_FIXTURES
    # relative paths sort: "sub/blue.png" < "sub/deeper/red.png", after the top-level files
    assert deep.metadata.file_name.tolist()[-2:] == ["blue.png", "red.png"]


def test_from_paths_keeps_the_given_order():
    paths = sorted(FIXTURES.glob("*.jpg"), reverse=True)[:5]
    col = ImageCollection.from_paths([str(p) for p in paths], progress=False)
    assert col.paths == paths
    assert col.root is None and col.name == "collection"


def test_from_paths_with_metadata_drops_rows_of_skipped_files(tmp_path):
    good = _solid(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    meta = pd.DataFrame({"title": ["Bad", "Good"]})
    with pytest.warns(UserWarning, match="1 file"):
        col = ImageCollection.from_paths([bad, good], metadata=meta, progress=False)
    assert col.metadata.title.tolist() == ["Good"]
    assert col.skipped.reason.tolist() == ["empty file (0 bytes)"]
    with pytest.raises(ValueError, match="2 rows for 1 paths"):
        ImageCollection.from_paths([good], metadata=pd.DataFrame({"t": [1, 2]}))


def test_from_dataframe():
    paths = sorted(FIXTURES.glob("*.jpg"))[:4]
    df = pd.DataFrame({"image_path": [str(p) for p in paths], "title": list("ABCD"),
                       "year": [1500, 1600, 1700, 1800]}, index=[10, 20, 30, 40])
    col = ImageCollection.from_dataframe(df, path_column="image_path", progress=False)
    assert col.metadata.index.tolist() == [0, 1, 2, 3]
    assert col.metadata.title.tolist() == list("ABCD")
    assert col.metadata.year.tolist() == [1500, 1600, 1700, 1800]
    assert col.genres is None
    with pytest.raises(KeyError, match="path_column"):
        ImageCollection.from_dataframe(df)


def test_metadata_join_by_relative_path_and_ambiguous_names(folder):
    _solid(folder / "x" / "same.png", (255, 0, 0))
    _solid(folder / "y" / "same.png", (0, 0, 255))
    meta = pd.DataFrame({"file": ["x/same.png", "same.png", "y\\same.png", "./x/../36029.jpg"],
                         "title": ["red", "which?", "blue", "moon"]})
    with pytest.warns(UserWarning, match="metadata row"):
        col = load_folder(folder, metadata=meta, progress=False)
    by_path = col.metadata.set_index(col.metadata.path.map(
        lambda p: Path(p).relative_to(folder).as_posix())).title
    assert by_path["x/same.png"] == "red" and by_path["y/same.png"] == "blue"
    assert by_path["36029.jpg"] == "moon"
    problems = col.metadata_issues.set_index("row").problem
    assert "ambiguous" in problems[1]


def test_metadata_csv_with_byte_order_mark(folder):
    rows = pd.read_csv(folder / "metadata.csv", dtype=str)
    (folder / "metadata.csv").write_bytes(b"\xef\xbb\xbf" + rows.to_csv(index=False).encode())
    col = load_folder(folder, metadata=folder / "metadata.csv", progress=False)
    assert col.metadata_issues.empty
    assert col.metadata.title.notna().all()


def test_metadata_without_key_column_is_a_clear_error(folder):
    with pytest.raises(ValueError, match="key columns"):
        load_folder(folder, metadata=pd.DataFrame({"name": ["a"]}), progress=False)


# -- images --------------------------------------------------------------------------------------

def test_image_and_max_size():
    col = load_folder(FIXTURES, progress=False)
    im = col.image(0)
    assert im.mode == "RGB" and im.size == (col.metadata.width[0], col.metadata.height[0])
    small = col.image(0, max_size=40)
    assert max(small.size) == 40


def test_exif_orientation_is_applied(tmp_path):
    base = Image.new("RGB", (40, 20), (255, 0, 0))
    base.paste((0, 0, 255), (20, 0, 40, 20))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    base.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    col = load_folder(tmp_path, progress=False)
    assert (col.metadata.width[0], col.metadata.height[0]) == (20, 40)
    im = col.image(0)
    assert im.size == (20, 40)
    top, bottom = im.getpixel((10, 5)), im.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60      # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def _mode_cases(tmp_path):
    """(file, expected pixel at (0, 0) after conversion, tolerance) per PIL mode."""
    cases = {}
    Image.new("RGB", (16, 16), (10, 120, 230)).convert("CMYK").save(tmp_path / "cmyk.jpg",
                                                                     quality=100)
    cases["cmyk.jpg"] = ((10, 120, 230), 12)
    p = Image.new("P", (8, 8), 1)
    p.putpalette([0, 0, 0, 30, 160, 90] + [0] * 762)
    p.save(tmp_path / "palette.png")
    cases["palette.png"] = ((30, 160, 90), 0)
    pt = Image.new("P", (8, 8), 0)
    pt.putpalette([0, 0, 0, 30, 160, 90] + [0] * 762)
    pt.save(tmp_path / "palette_transparent.png", transparency=0)
    cases["palette_transparent.png"] = ((255, 255, 255), 0)  # black but transparent -> white
    Image.new("LA", (8, 8), (0, 0)).save(tmp_path / "la.png")
    cases["la.png"] = ((255, 255, 255), 0)
    Image.new("RGBA", (8, 8), (255, 0, 0, 128)).save(tmp_path / "rgba.png")
    cases["rgba.png"] = ((255, 127, 127), 1)  # half-transparent red on white
    g16 = np.full((8, 8), 32768, dtype=np.uint16)
    Image.fromarray(g16).save(tmp_path / "grey16.png")
    cases["grey16.png"] = ((128, 128, 128), 1)  # rescaled, not clipped to 255
    Image.new("1", (8, 8), 1).save(tmp_path / "bilevel.png")
    cases["bilevel.png"] = ((255, 255, 255), 0)
    Image.new("F", (8, 8), 0.25).save(tmp_path / "float.tif")
    cases["float.tif"] = ((64, 64, 64), 1)  # float images in 0..1
    Image.new("L", (8, 8), 77).save(tmp_path / "grey.bmp")
    cases["grey.bmp"] = ((77, 77, 77), 0)
    return cases


def test_any_mode_is_converted_to_rgb(tmp_path):
    cases = _mode_cases(tmp_path)
    col = load_folder(tmp_path, progress=False)
    assert col.skipped.empty
    for i, name in enumerate(col.metadata.file_name):
        expected, tol = cases[name]
        im = col.image(i)
        assert im.mode == "RGB", name
        got = np.array(im.getpixel((0, 0)), dtype=int)
        assert np.abs(got - np.array(expected)).max() <= tol, (name, got.tolist(), expected)
        assert col.thumbnail(i).mode == "RGB"


def test_sixteen_bit_range_is_preserved():
    arr = np.linspace(0, 65535, 256, dtype=np.uint16).reshape(16, 16)
    rgb = np.asarray(to_rgb(Image.fromarray(arr)))
    assert rgb.min() == 0 and rgb.max() == 255
    assert len(np.unique(rgb[..., 0])) > 200  # not collapsed to black and white


def _swapped_primaries_icc() -> bytes:
    """A valid ICC v2 matrix/TRC RGB profile whose red and blue primaries are sRGB's blue
    and red: an image tagged with it shows (255, 0, 0) as blue once colour-managed."""
    import struct

    def s15(v):
        return struct.pack(">i", round(v * 65536))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    desc_text = b"swapped primaries\0"
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text)) + desc_text
            + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*blue)),
            (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*red)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text" + b"\0" * 4 + b"none\0\0\0\0")]
    offset, table, data = 128 + 4 + 12 * len(tags), b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_embedded_colour_profile_is_converted_to_srgb(tmp_path, fmt):
    from PIL import ImageCms

    red = Image.new("RGB", (40, 30), (255, 0, 0))
    red.save(tmp_path / f"tagged.{fmt}", icc_profile=_swapped_primaries_icc())
    red.save(tmp_path / f"srgb.{fmt}",
             icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    red.save(tmp_path / f"damaged.{fmt}", icc_profile=b"not a colour profile at all" * 8)
    red.save(tmp_path / f"plain.{fmt}")
    col = load_folder(tmp_path, progress=False)
    assert col.skipped.empty  # a damaged profile loses nothing
    for i, name in enumerate(col.metadata.file_name):
        r, g, b = col.image(i).getpixel((20, 15))
        if name.startswith("tagged"):  # colour-managed: the profile's "red" is blue
            assert b > 200 and r < 60, (name, (r, g, b))
            assert col.thumbnail(i).getpixel((5, 5))[2] > 200
        else:
            assert r > 230 and b < 30, (name, (r, g, b))


def test_load_image_errors_name_the_file(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageLoadError, match="empty.png: empty file") as info:
        load_image(tmp_path / "empty.png")
    assert info.value.reason == "empty file (0 bytes)"
    with pytest.raises(ImageLoadError, match="unreadable"):
        load_image(tmp_path / "missing.png")


# -- thumbnails ----------------------------------------------------------------------------------

def test_thumbnails_are_cached_on_disk_and_in_memory(tmp_path):
    col = load_folder(FIXTURES, cache_dir=tmp_path / "cache", progress=False)
    data = col.thumbnail_bytes(3, size=64)
    assert data.startswith(b"\xff\xd8")
    assert col.thumbnail_bytes(3, size=64) is data  # memory
    files = list((tmp_path / "cache" / "thumbnails").rglob("*.jpg"))
    assert len(files) == 1 and files[0].read_bytes() == data
    thumb = col.thumbnail(3, size=64)
    assert thumb.mode == "RGB" and max(thumb.size) == 64
    # a second collection on the same cache reads the file instead of decoding the image
    again = load_folder(FIXTURES, cache_dir=tmp_path / "cache", progress=False)
    again.image = None  # would fail if called
    assert again.thumbnail_bytes(3, size=64) == data
    assert again.cache.hits == 1


def test_thumbnails_without_disk_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    col = load_folder(FIXTURES, progress=False)
    assert not col.cache.enabled
    assert max(col.thumbnail(0, size=32).size) == 32
    assert list(tmp_path.iterdir()) == []


def test_damaged_thumbnail_on_disk_is_recomputed(tmp_path):
    col = load_folder(FIXTURES, cache_dir=tmp_path / "cache", progress=False)
    data = col.thumbnail_bytes(0, size=48)
    (entry,) = (tmp_path / "cache" / "thumbnails").rglob("*.jpg")
    entry.write_bytes(data[: len(data) // 2])
    fresh = load_folder(FIXTURES, cache_dir=tmp_path / "cache", progress=False)
    with pytest.warns(RuntimeWarning, match="damaged entry"):
        assert fresh.thumbnail_bytes(0, size=48) == data
    assert entry.read_bytes() == data


@pytest.mark.parametrize("damage", [
    lambda jpeg: jpeg[: len(jpeg) // 2],                      # truncated
    lambda jpeg: b"\xff\xd8" + b"not a jpeg at all" + b"\xff\xd9",  # right markers, no header
    lambda jpeg: b"\xff\xd8" + _png_bytes() + b"\xff\xd9",       # another format inside
])
def test_check_jpeg_rejects_damaged_thumbnails(damage):
    from artopic_nb.data.images import check_jpeg

    jpeg = load_folder(FIXTURES, progress=False).thumbnail_bytes(0, size=48)
    check_jpeg(jpeg)
    with pytest.raises((ValueError, OSError)):  # OSError: PIL's UnidentifiedImageError
        check_jpeg(damage(jpeg))


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def test_memory_thumbnail_cache_is_bounded(monkeypatch):
    col = load_folder(FIXTURES, progress=False)
    one = len(col.thumbnail_bytes(0, size=32))
    monkeypatch.setattr(collection_mod, "THUMBNAIL_MEMORY_BYTES", 3 * one)
    for i in range(10):
        col.thumbnail_bytes(i, size=32)
    memory = col._thumbs
    assert 1 <= len(memory.entries) <= 5
    assert memory.bytes == sum(len(v) for v in memory.entries.values())
    assert (9, 32) in memory.entries  # the most recent stays


def test_thumbnails_go_to_the_cache_given_and_the_collection_is_not_changed(tmp_path):
    from artopic_nb import Cache

    col = load_folder(FIXTURES, progress=False)  # no cache of its own
    own = col.cache
    study_cache = Cache(tmp_path / "study")
    data = col.thumbnail_bytes(2, size=40, cache=study_cache)
    assert col.cache is own and not own.enabled
    (entry,) = (tmp_path / "study" / "thumbnails").rglob("*.jpg")
    assert entry.read_bytes() == data
    assert max(col.thumbnail(2, size=40, cache=study_cache).size) == 40
    # another collection of the same files reads the study's file instead of decoding
    again = load_folder(FIXTURES, progress=False)
    again.image = None  # would fail if called
    assert again.thumbnail_bytes(2, size=40, cache=Cache(tmp_path / "study")) == data


def test_with_cache_is_a_copy_on_another_cache(tmp_path):
    col = load_folder(FIXTURES, metadata=FIXTURES / "metadata.csv", progress=False)
    own = col.cache
    images = col.with_cache(tmp_path / "study")
    assert images is not col and col.cache is own
    assert images.cache.root == tmp_path / "study" and images.cache.enabled
    assert images.metadata is col.metadata and len(images) == len(col)
    data = images.thumbnail_bytes(1, size=40)
    assert len(list((tmp_path / "study" / "thumbnails").rglob("*.jpg"))) == 1
    assert col.thumbnail_bytes(1, size=40) is data  # one memory cache for the same images
    assert not col.with_cache(None).cache.enabled
    assert col.with_cache(images.cache).cache is images.cache


# -- duplicates, subsets, display ----------------------------------------------------------------

def test_duplicates_are_reported_and_kept(folder):
    shutil.copy(folder / "36029.jpg", folder / "zz_copy.jpg")
    shutil.copy(folder / "36029.jpg", folder / "sub_copy.jpg")
    col = load_folder(folder, progress=False)
    assert len(col) == N_FIXTURES + 2
    dup = col.duplicates
    assert len(dup) == 1
    names = sorted(col.metadata.file_name[i] for i in dup.ids[0])
    assert names == ["36029.jpg", "sub_copy.jpg", "zz_copy.jpg"]
    assert dup.hash[0] == hashlib.sha256((folder / "36029.jpg").read_bytes()).hexdigest()
    assert "1 duplicate groups" in repr(col)


def test_no_duplicates_gives_an_empty_frame():
    dup = load_folder(FIXTURES, progress=False).duplicates
    assert dup.empty and list(dup.columns) == ["hash", "ids", "paths"]


def test_subset_renumbers_and_shares_the_cache(tmp_path):
    col = load_folder(FIXTURES, metadata=FIXTURES / "metadata.csv",
                      cache_dir=tmp_path, progress=False)
    sub = col.subset([5, 2])
    assert len(sub) == 2 and sub.ids.tolist() == [0, 1]
    assert sub.metadata.file_name.tolist() == [col.metadata.file_name[5],
                                               col.metadata.file_name[2]]
    assert sub.cache is col.cache


def test_html_repr_escapes_metadata(folder):
    meta = pd.DataFrame({"file_name": ["36029.jpg"], "title": ['<script>alert("x")</script>']})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        col = load_folder(folder, metadata=meta, progress=False)
    out = col._repr_html_()
    assert "<script>" not in out and "&lt;script&gt;" in out
    im = Image.open(io.BytesIO(col.thumbnail_bytes(0, 96)))
    assert max(im.size) <= 96


def test_constructor_refuses_metadata_without_base_columns():
    with pytest.raises(ValueError, match="lacks the columns"):
        ImageCollection(pd.DataFrame({"path": ["a.jpg"]}))
