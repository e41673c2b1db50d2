"""Bad and unusual input files: each is reported (or converted) and the run completes."""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import artopic_nb as an
from artopic_nb.models.backends.color import ColorTextureEmbedder
from artopic_nb.pipeline.study import Study

from ._helpers import (
    GOOD,
    copy_good,
    is_root,
    jpeg_bytes,
    load_quietly,
    png_bytes,
    png_header_claiming,
    run_study,
    run_unprivileged,
)

# -- files that must be skipped, with the reason -------------------------------------------------


def _truncated_jpeg(d: Path) -> str:
    data = jpeg_bytes((200, 150), quality=90)
    (d / "truncated.jpg").write_bytes(data[: len(data) // 2])
    return "truncated.jpg"


def _truncated_png(d: Path) -> str:
    rng = np.random.default_rng(0)
    data = png_bytes(Image.fromarray(rng.integers(0, 255, (80, 80, 3), dtype=np.uint8)))
    (d / "truncated.png").write_bytes(data[: len(data) // 2])
    return "truncated.png"


def _corrupt_header(d: Path) -> str:
    data = bytearray(png_bytes(Image.new("RGB", (30, 30), "red")))
    data[16:24] = b"\xff" * 8  # IHDR width/height garbled: its CRC no longer matches
    (d / "corrupt_header.png").write_bytes(bytes(data))
    return "corrupt_header.png"


def _corrupt_jpeg_after_marker(d: Path) -> str:
    (d / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 2)
    return "corrupt.jpg"


def _writes(name: str, data: bytes | str):
    """A case maker that writes ``data`` to ``name`` and returns the name."""
    def make(d: Path) -> str:
        (d / name).write_bytes(data.encode() if isinstance(data, str) else data)
        return name
    return make


def _links(name: str, target):
    def make(d: Path) -> str:
        os.symlink(target(d) if callable(target) else target, d / name)
        return name
    return make


def _fifo(d: Path) -> str:
    os.mkfifo(d / "pipe.jpg")
    return "pipe.jpg"


SKIPPED = {
    "zero-byte": (_writes("zero.jpg", b""), r"^empty file \(0 bytes\)$"),
    "truncated jpeg": (_truncated_jpeg, r"^truncated file$"),
    "truncated png": (_truncated_png, r"^truncated file$|^corrupt data"),
    "corrupt header": (_corrupt_header, r"^not an image|^corrupt header"),
    "corrupt jpeg": (_corrupt_jpeg_after_marker,
                     r"^corrupt header|^corrupt data|^truncated file$|^not an image"),
    "text named .jpg": (_writes("notes.jpg", "shopping list: eggs, milk"),
                        r"^not an image \(unrecognised format\)$"),
    "html saved as .png": (
        _writes("page.png", "<!DOCTYPE html><html><body><img src='a.png'></body></html>"),
        r"^not an image \(unrecognised format\)$"),
    "png header claiming 100000x100000": (
        _writes("bomb.png", png_header_claiming(100_000, 100_000)), r"^over the pixel limit"),
    "broken symlink": (_links("dangling.jpg", lambda d: d / "nowhere.jpg"),
                       r"^unreadable \(No such file or directory\)$"),
    "symlink loop": (_links("loop.jpg", "loop.jpg"),
                     r"^unreadable \(Too many levels of symbolic links\)$"),
    "fifo named .jpg": (_fifo, r"^not a regular file$"),
}


@pytest.mark.timeout(30)  # a FIFO read would block forever
@pytest.mark.parametrize("case", list(SKIPPED))
def test_bad_file_is_skipped_with_reason_and_run_completes(tmp_path, case):
    make, reason = SKIPPED[case]
    folder = copy_good(tmp_path / "images")
    name = make(folder)
    with pytest.warns(UserWarning, match=r"1 file\(s\) skipped"):
        col = an.load_folder(folder, progress=False)
    assert len(col) == len(GOOD)
    assert len(col.skipped) == 1
    row = col.skipped.iloc[0]
    assert Path(row.path).name == name
    assert re.search(reason, row.reason), row.reason
    run_study(col, tmp_path / "cache")


def test_image_over_a_small_pixel_limit(tmp_path):
    folder = copy_good(tmp_path / "images")
    Image.new("RGB", (300, 300), "green").save(folder / "big.png")
    with pytest.warns(UserWarning, match="skipped"):
        col = an.load_folder(folder, max_pixels=50_000, progress=False)
    assert col.skipped.reason.tolist() == ["over the pixel limit (300x300 > 50,000 pixels)"]
    run_study(col, tmp_path / "cache")


def test_non_utf8_file_name_is_skipped_and_the_study_saves(tmp_path):
    folder = copy_good(tmp_path / "images")
    raw = os.path.join(os.fsencode(folder), b"caf\xe9 latin-1.jpg")  # latin-1, not UTF-8
    with open(raw, "wb") as fh:
        fh.write(jpeg_bytes())
    with pytest.warns(UserWarning, match="skipped"):
        col = an.load_folder(folder, progress=False)
    assert len(col) == len(GOOD)
    (row,) = col.skipped.itertuples()
    assert "not valid UTF-8" in row.reason
    assert row.path.endswith("caf\\xe9 latin-1.jpg")  # shown escaped, valid text
    row.path.encode("utf-8")
    study = run_study(col, tmp_path / "cache")
    loaded = Study.load(study.save(tmp_path / "study"), progress=False)
    assert loaded.collection.skipped.path.tolist() == col.skipped.path.tolist()


# -- files that must be kept, converted the right way --------------------------------------------

def _frames(d: Path, name: str, **kwargs) -> None:
    frames = [Image.new("RGB", (24, 24), c) for c in ((250, 0, 0), (0, 250, 0), (0, 0, 250))]
    frames[0].save(d / name, save_all=True, append_images=frames[1:], **kwargs)


def _exif_rotated(d: Path) -> None:
    im = Image.new("RGB", (60, 20), (250, 0, 0))
    im.paste((0, 0, 250), (30, 0, 60, 20))
    exif = Image.Exif()
    exif[0x0112] = 8  # display rotated 90 degrees counter-clockwise
    im.save(d / "rotated.jpg", exif=exif, quality=95)


def _close(expected, tol=8):
    def check(im):
        got = np.array(im.getpixel((0, 0)), dtype=int)
        assert np.abs(got - np.array(expected)).max() <= tol, (got.tolist(), expected)
    return check


def _palette_transparent(path: Path) -> None:
    im = Image.new("P", (16, 16), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.save(path, transparency=0)


def _exif_check(im):
    assert im.getpixel((10, 5))[2] > 200   # the right (blue) half is on top
    assert im.getpixel((10, 55))[0] > 200  # the left (red) half at the bottom


KEPT = {
    "animated gif (first frame)": (
        lambda d: _frames(d, "animated.gif", duration=100, loop=0), "animated.gif", (24, 24),
        _close((250, 0, 0), 10)),
    "multi-page tiff (first page)": (
        lambda d: _frames(d, "pages.tif"), "pages.tif", (24, 24), _close((250, 0, 0), 0)),
    "cmyk jpeg": (
        lambda d: Image.new("RGB", (40, 30), (20, 100, 200)).convert("CMYK").save(
            d / "cmyk.jpg", quality=100), "cmyk.jpg", (40, 30), _close((20, 100, 200), 12)),
    "16-bit png": (
        lambda d: Image.fromarray(np.full((20, 30), 65535, np.uint16)).save(d / "deep.png"),
        "deep.png", (30, 20), _close((255, 255, 255), 0)),
    "palette with transparency": (
        lambda d: _palette_transparent(d / "palette.png"), "palette.png", (16, 16),
        _close((255, 255, 255), 0)),
    "exif-rotated": (_exif_rotated, "rotated.jpg", (20, 60), _exif_check),
    "1x1": (lambda d: Image.new("RGB", (1, 1), (9, 99, 199)).save(d / "dot.png"), "dot.png",
            (1, 1), _close((9, 99, 199), 0)),
    "20000x20": (lambda d: Image.new("RGB", (20_000, 20), (90, 90, 30)).save(d / "strip.png"),
                 "strip.png", (20_000, 20), _close((90, 90, 30), 0)),
    "png named .jpg": (
        lambda d: Image.new("RGB", (12, 12), (1, 2, 3)).save(d / "misnamed.jpg", format="PNG"),
        "misnamed.jpg", (12, 12), _close((1, 2, 3), 0)),
    "unicode name": (lambda d: (d / "Ünïcødé 名画 🎨.jpg").write_bytes(jpeg_bytes()),
                     "Ünïcødé 名画 🎨.jpg", (64, 48), _close((180, 60, 40))),
    "spaces and quotes": (
        lambda d: (d / "it's a \"quoted\" name  .jpg").write_bytes(jpeg_bytes()),
        "it's a \"quoted\" name  .jpg", (64, 48), _close((180, 60, 40))),
}


@pytest.mark.parametrize("case", list(KEPT))
def test_unusual_file_is_kept_and_converted(tmp_path, case):
    make, name, size, check = KEPT[case]
    folder = copy_good(tmp_path / "images")
    make(folder)
    col = an.load_folder(folder, progress=False)
    assert col.skipped.empty
    assert len(col) == len(GOOD) + 1
    (i,) = np.flatnonzero(col.metadata.file_name == name)
    assert (col.metadata.width[i], col.metadata.height[i]) == size
    im = col.image(i)
    assert im.mode == "RGB" and im.size == size
    check(im)
    thumb = col.thumbnail(i, size=64)
    assert thumb.mode == "RGB" and max(thumb.size) <= 64 and min(thumb.size) >= 1
    run_study(col, tmp_path / "cache")


def test_unusual_names_survive_save_load_and_report(tmp_path):
    folder = copy_good(tmp_path / "dir with spaces & 'quotes'")
    for make, *_ in (KEPT["unicode name"], KEPT["spaces and quotes"]):
        make(folder)
    col = an.load_folder(folder, progress=False)
    study = run_study(col, tmp_path / "cache")
    loaded = Study.load(study.save(tmp_path / "saved study"), progress=False)
    assert loaded.collection.metadata.file_name.tolist() == col.metadata.file_name.tolist()
    assert loaded.collection.image(len(col) - 1).size == (64, 48)
    report = study.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    for name in ("Ünïcødé 名画 🎨.jpg", "it's a \"quoted\" name  .jpg"):
        assert html.escape(name) in report


# -- the walk ------------------------------------------------------------------------------------

def test_symlinked_folder_loop_does_not_hang_or_duplicate(tmp_path):
    folder = copy_good(tmp_path / "images")
    sub = folder / "sub"
    sub.mkdir()
    os.symlink("..", sub / "up")          # sub/up -> images: a loop
    os.symlink(sub, sub / "self")         # sub/self -> sub
    col = an.load_folder(folder, progress=False)
    assert len(col) == len(GOOD) and col.duplicates.empty and col.skipped.empty
    run_study(col, tmp_path / "cache")


def test_symlinked_file_is_a_duplicate_not_an_error(tmp_path):
    folder = copy_good(tmp_path / "images")
    os.symlink(folder / GOOD[0], folder / "alias.jpg")
    col = an.load_folder(folder, progress=False)
    assert len(col) == len(GOOD) + 1
    assert len(col.duplicates) == 1 and len(col.duplicates.ids[0]) == 2


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """The reason for a file the user may not read (simulated: works as root too)."""
    folder = copy_good(tmp_path / "images")
    (folder / "secret.jpg").write_bytes(jpeg_bytes())
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.jpg":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.warns(UserWarning, match="skipped"):
        col = an.load_folder(folder, progress=False)
    assert col.skipped.reason.tolist() == ["unreadable (Permission denied)"]
    monkeypatch.undo()
    run_study(col, tmp_path / "cache")


def test_unreadable_folder_simulated(tmp_path, monkeypatch):
    folder = copy_good(tmp_path / "images")
    copy_good(folder / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.warns(UserWarning, match="skipped"):
        col = an.load_folder(folder, progress=False)
    monkeypatch.undo()
    assert len(col) == len(GOOD)
    assert col.skipped.reason.tolist() == ["unreadable folder (Permission denied)"]
    assert col.skipped.path[0].endswith("locked")
    run_study(col, tmp_path / "cache")


def _load_and_report(folder: str):
    col = load_quietly(folder)
    return col.paths, col.skipped.to_dict("records")


@pytest.mark.timeout(60)
def test_unreadable_file_and_folder_for_real(tmp_path):
    """chmod 000 for real. Root reads anything, so as root the walk runs in a forked child
    that has dropped to user ``nobody``; the run then completes on what it could read."""
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    base = Path(tempfile.mkdtemp(prefix="artopic-perm-", dir="/tmp"))  # tmp_path is 0700
    try:
        base.chmod(0o755)
        folder = copy_good(base / "images")
        copy_good(folder / "locked", names=GOOD[:1])
        (folder / "secret.jpg").write_bytes(jpeg_bytes())
        for p in folder.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        (folder / "secret.jpg").chmod(0)
        (folder / "locked").chmod(0)
        if is_root():
            try:
                paths, skipped = run_unprivileged(_load_and_report, str(folder))
            except (KeyError, PermissionError, OSError) as exc:
                pytest.skip(f"cannot drop root privileges here ({exc})")
        else:
            paths, skipped = _load_and_report(str(folder))
        reasons = {Path(s["path"]).name: s["reason"] for s in skipped}
        assert reasons == {"secret.jpg": "unreadable (Permission denied)",
                           "locked": "unreadable folder (Permission denied)"}
        assert sorted(p.name for p in paths) == sorted(GOOD)
        run_study(an.ImageCollection.from_paths(paths, progress=False), tmp_path / "cache")
    finally:
        for p in (base / "images" / "locked", base / "images" / "secret.jpg"):
            if p.exists() or p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


# -- duplicates ----------------------------------------------------------------------------------

def test_duplicates_are_reported_and_embedded_once(tmp_path, monkeypatch):
    folder = copy_good(tmp_path / "images")
    shutil.copy(folder / GOOD[0], folder / "copy 1.jpg")
    shutil.copy(folder / GOOD[0], folder / "copy 2.jpg")
    calls = []
    real = ColorTextureEmbedder.features
    monkeypatch.setattr(ColorTextureEmbedder, "features",
                        lambda self, im: calls.append(1) or real(self, im))
    col = an.load_folder(folder, progress=False)
    assert len(col) == len(GOOD) + 2
    (dup,) = col.duplicates.itertuples()
    assert len(dup.ids) == 3
    study = run_study(col, tmp_path / "cache")
    assert len(calls) == len(GOOD)  # identical bytes are embedded once
    rows = study.embeddings_[dup.ids]
    np.testing.assert_array_equal(rows, np.repeat(rows[:1], 3, axis=0))


# -- nothing to work with ------------------------------------------------------------------------

def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no images found in .*empty"):
        an.load_folder(tmp_path / "empty", progress=False)


def test_folder_without_image_files_is_a_clear_error(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.txt").write_text("hello")
    (folder / "sub").mkdir()
    with pytest.raises(ValueError, match="no images found"):
        an.load_folder(folder, progress=False)
    with pytest.raises(ValueError, match="not in subfolders"):
        an.load_folder(folder, recursive=False, progress=False)


def test_missing_folder_or_a_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        an.load_folder(tmp_path / "missing", progress=False)
    (tmp_path / "a.jpg").write_bytes(jpeg_bytes())
    with pytest.raises(FileNotFoundError, match="no such folder"):
        an.load_folder(tmp_path / "a.jpg", progress=False)


def test_folder_of_only_bad_files(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"")
    (folder / "b.png").write_text("not an image")
    with pytest.warns(UserWarning, match=r"2 file\(s\) skipped"):
        col = an.load_folder(folder, progress=False)
    assert len(col) == 0 and len(col.skipped) == 2
    assert col.duplicates.empty
    with pytest.raises(ValueError, match="no readable images"):
        Study(col, cache_dir=tmp_path / "cache")


def test_many_bad_files_at_once(tmp_path):
    """Every skipped case together in one folder, with the good images: one report."""
    folder = copy_good(tmp_path / "images")
    names = {make(folder): reason for make, reason in SKIPPED.values()
             if make is not _fifo}
    with pytest.warns(UserWarning, match=rf"{len(names)} file\(s\) skipped"):
        col = an.load_folder(folder, progress=False)
    got = dict(zip(col.skipped.path.map(lambda p: Path(p).name), col.skipped.reason,
                   strict=True))
    assert set(got) == set(names)
    for name, reason in names.items():
        assert re.search(reason, got[name]), (name, got[name])
    assert stat.S_ISDIR(folder.stat().st_mode)
    run_study(col, tmp_path / "cache")
