"""Metadata CSVs with missing, extra, duplicate, malformed rows and paths outside the folder."""

from __future__ import annotations

import pandas as pd
import pytest

import artopic_nb as an

from ._helpers import GOOD, copy_good, jpeg_bytes, run_study

HEADER = "file_name,title,artist,date,genre\n"


def _write_csv(path, body: str, header: str = HEADER, bom: bool = False):
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (header + body).encode("utf-8"))
    return path


def _issues(col) -> list[str]:
    return col.metadata_issues.problem.tolist()


def test_missing_rows(tmp_path):
    folder = copy_good(tmp_path / "images")
    csv = _write_csv(tmp_path / "meta.csv", f"{GOOD[0]},Moon,Anon,1300,asian art\n")
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=csv, progress=False)
    assert len(col) == len(GOOD)
    assert col.metadata.title.isna().sum() == 2
    assert col.metadata.set_index("file_name").title[GOOD[0]] == "Moon"
    assert _issues(col) == ["2 image(s) have no metadata row"]
    assert col.metadata_issues.row.tolist() == [-1]
    run_study(col, tmp_path / "cache")


def test_extra_rows_for_images_that_do_not_exist(tmp_path):
    folder = copy_good(tmp_path / "images")
    body = "".join(f"{n},T{n},A,1500,portrait\n" for n in GOOD) + "ghost.jpg,Ghost,A,1500,x\n"
    with pytest.warns(UserWarning, match="1 metadata row"):
        col = an.load_folder(folder, metadata=_write_csv(tmp_path / "m.csv", body),
                             progress=False)
    assert _issues(col) == ["no image named 'ghost.jpg'"]
    assert col.metadata_issues.row.tolist() == [3]
    assert col.metadata.title.notna().all()
    run_study(col, tmp_path / "cache")


def test_duplicate_rows_keep_the_first(tmp_path):
    folder = copy_good(tmp_path / "images")
    body = "".join(f"{n},T{n},A,1500,portrait\n" for n in GOOD) + f"{GOOD[1]},Second,B,1,x\n"
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=_write_csv(tmp_path / "m.csv", body),
                             progress=False)
    assert col.metadata.set_index("file_name").title[GOOD[1]] == f"T{GOOD[1]}"
    assert _issues(col) == [f"duplicate row for '{GOOD[1]}' (row 1 kept)"]
    run_study(col, tmp_path / "cache")


def test_malformed_rows(tmp_path):
    """Too many fields: left out and reported; too few: missing values; empty key; BOM."""
    folder = copy_good(tmp_path / "images")
    body = (f'{GOOD[0]},"A title, with a comma",Anon,1300,asian art\n'
            f"{GOOD[1]},Too,many,fields,here,and,more\n"
            f"{GOOD[2]},Short row\n"
            ",No file,A,1,x\n"
            '"unclosed.jpg,oops,A,1,x\n')
    csv = _write_csv(tmp_path / "m.csv", body, bom=True)
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=csv, progress=False)
    meta = col.metadata.set_index("file_name")
    assert meta.title[GOOD[0]] == "A title, with a comma"
    assert meta.title[GOOD[2]] == "Short row" and pd.isna(meta.artist[GOOD[2]])
    assert pd.isna(meta.title[GOOD[1]])
    issues = " | ".join(_issues(col))
    assert "malformed line left out (7 fields)" in issues
    assert "empty file name" in issues
    assert "1 image(s) have no metadata row" in issues
    run_study(col, tmp_path / "cache")


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage\x81\x82", b'a,b\n"x,y\n'])
def test_unreadable_csv_is_a_clear_error(tmp_path, content):
    folder = copy_good(tmp_path / "images")
    (tmp_path / "m.csv").write_bytes(content)
    with pytest.raises(ValueError, match="could not read the metadata CSV|key columns"):
        an.load_folder(folder, metadata=tmp_path / "m.csv", progress=False)


def test_paths_outside_the_folder_are_rejected(tmp_path):
    folder = copy_good(tmp_path / "images")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stray.jpg").write_bytes(jpeg_bytes())
    body = (f"{GOOD[0]},Inside,A,1,x\n"
            "../elsewhere/stray.jpg,Stray,A,1,x\n"
            f"{outside / 'stray.jpg'},Absolute,A,1,x\n"
            "../../../../../../etc/passwd,Passwd,A,1,x\n"
            f"sub/../../images/{GOOD[1]},Sneaky but inside? no,A,1,x\n")
    csv = _write_csv(tmp_path / "m.csv", body)
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=csv, progress=False)
    assert len(col) == len(GOOD)
    assert all(p.parent == folder for p in col.paths)
    outside_issues = [p for p in _issues(col) if "points outside" in p]
    assert len(outside_issues) == 4
    assert all("allow_outside=True" in p for p in outside_issues)
    assert "Stray" not in col.metadata.title.tolist()
    run_study(col, tmp_path / "cache")


def test_paths_outside_the_folder_with_allow_outside(tmp_path):
    folder = copy_good(tmp_path / "images")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stray.jpg").write_bytes(jpeg_bytes())
    (outside / "second.jpg").write_bytes(jpeg_bytes(colour=(10, 200, 10)))
    body = (f"{GOOD[0]},Inside,A,1,x\n"
            "../elsewhere/stray.jpg,Stray,A,1,x\n"
            f"{outside / 'second.jpg'},Second,A,1,x\n"
            "../elsewhere/missing.jpg,Missing,A,1,x\n")
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=_write_csv(tmp_path / "m.csv", body),
                             allow_outside=True, progress=False)
    assert len(col) == len(GOOD) + 2
    meta = col.metadata.set_index("file_name")
    assert meta.title["stray.jpg"] == "Stray" and meta.title["second.jpg"] == "Second"
    assert col.metadata.file_name.tolist()[: len(GOOD)] == sorted(GOOD)  # folder first
    assert any("no image at '../elsewhere/missing.jpg'" in p for p in _issues(col))
    run_study(col, tmp_path / "cache")


def test_symlink_inside_the_folder_to_a_file_outside_is_inside(tmp_path):
    folder = copy_good(tmp_path / "images")
    (tmp_path / "real.jpg").write_bytes(jpeg_bytes())
    (folder / "link.jpg").symlink_to(tmp_path / "real.jpg")
    body = "link.jpg,Linked,A,1,x\n"
    with pytest.warns(UserWarning, match="metadata row"):  # the other images have no row
        col = an.load_folder(folder, metadata=_write_csv(tmp_path / "m.csv", body),
                             progress=False)
    assert col.metadata.set_index("file_name").title["link.jpg"] == "Linked"
    assert not any("outside" in p for p in _issues(col))


def test_metadata_dataframe_with_odd_keys(tmp_path):
    folder = copy_good(tmp_path / "images")
    meta = pd.DataFrame({"filename": [f"  {GOOD[0]}  ", None, float("nan"), "a\x00b.jpg"],
                         "title": ["Padded", "None key", "NaN key", "NUL"]})
    with pytest.warns(UserWarning, match="metadata row"):
        col = an.load_folder(folder, metadata=meta, progress=False)
    assert col.metadata.set_index("file_name").title[GOOD[0]] == "Padded"
    issues = _issues(col)
    assert issues.count("empty file name") == 2
    assert any("NUL" in p for p in issues)
    run_study(col, tmp_path / "cache")
