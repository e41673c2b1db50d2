"""WikiArt as it is published: ArtGAN's label files in each of their layouts, with their
exact names and formats, beside a partial download of small generated images; through the
Python API and ``artopic run``.

The repository's folder ``WikiArt Dataset/`` holds ``Genre/genre_class`` (no extension),
``Genre/genre_train.csv``, ``Genre/genre_val.csv``, ``Style/style_class.txt``,
``Style/style_train.csv``, ``Style/style_val.csv``, ``Artist/artist_class``,
``Artist/artist_train`` and ``Artist/artist_val`` (no extensions): class lists of
``index name`` lines and index files of ``Style/file.jpg,index`` lines, except the artist
lists, which are ``Style/file.jpg,,index`` lines under the header line
``(Path to image),, (Groundtruth class)`` and a blank line. The archive's variant puts
``*_class.txt``, ``*_train.csv`` and ``*_val.csv`` in ``wikiart_csv/``.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _cli_program import artopic
from PIL import Image

import artopic_nb as an
from artopic_nb.cli import main
from artopic_nb.data.skips import NOT_ON_DISK, CollectionNotice
from artopic_nb.sources import open_source
from artopic_nb.sources.wikiart import find_label_files, load_wikiart

GENRES = ["abstract_painting", "cityscape", "genre_painting", "illustration", "landscape",
          "nude_painting", "portrait", "religious_painting", "sketch_and_study", "still_life"]
STYLES = ["Baroque", "Impressionism", "Realism"]
ARTISTS = ["Claude_Monet", "Gustave_Courbet", "Rembrandt"]
COLOURS = {4: (40, 140, 60), 6: (200, 150, 110), 7: (150, 30, 30)}  # landscape, portrait, religious
#: The first lines of ArtGAN's Artist/artist_train and artist_val, as shipped.
ARTIST_HEADER = "(Path to image),, (Groundtruth class) \n\n"


def _work(i: int) -> tuple[str, int, int, int | None]:
    """(relative path, style index, genre index, artist index or None) of work ``i``."""
    style = i % 3
    genre = (4, 6, 7)[(i // 3) % 3]
    artist = (i % 3) if i % 5 else None
    name = f"{ARTISTS[style].lower().replace('_', '-')}_work-{i:05d}-{1600 + i % 300}.jpg"
    return f"{STYLES[style]}/{name}", style, genre, artist


def _image(genre: int, i: int, size: int = 24) -> Image.Image:
    rng = np.random.default_rng(i)
    base = np.array(COLOURS[genre], dtype=np.int16)
    pixels = np.clip(base + rng.integers(-20, 21, (size, size, 3)), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def artgan(root: Path, listed: int, present: int, layout: str = "repository",
           genre_class: bool = True, artist_suffix: str | None = None) -> Path:
    """``listed`` works in the label files, the first ``present`` of them on disk; the artist
    lists as ArtGAN ships them (a header line, ``path,,index``), named ``artist_train`` (or
    with ``artist_suffix``, ``artist_train.csv``)."""
    where = {"repository": lambda task: root / task.capitalize(),
             "flat": lambda task: root,
             "nested": lambda task: root / "WikiArt Dataset" / task.capitalize(),
             "archive": lambda task: root / "wikiart_csv"}[layout]
    images = root / "wikiart" if layout in ("nested", "archive") else root
    archive = layout == "archive"
    names = {"genre": ("genre_class.txt" if archive else "genre_class", ".csv"),
             "style": ("style_class.txt", ".csv"),
             "artist": ("artist_class.txt" if archive else "artist_class",
                        artist_suffix if artist_suffix is not None else
                        (".csv" if archive else ""))}
    classes = {"genre": GENRES, "style": STYLES, "artist": ARTISTS}
    lines: dict[tuple[str, str], list[str]] = {}
    for i in range(listed):
        rel, style, genre, artist = _work(i)
        split = "val" if i % 4 == 3 else "train"
        for task, index in (("genre", genre), ("style", style), ("artist", artist)):
            if index is not None:
                lines.setdefault((task, split), []).append(
                    f"{rel},,{index}" if task == "artist" else f"{rel},{index}")
        if i < present:
            path = images / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            _image(genre, i).save(path, quality=90)
    for task, (class_file, suffix) in names.items():
        folder = where(task)
        folder.mkdir(parents=True, exist_ok=True)
        if task != "genre" or genre_class:
            (folder / class_file).write_text("".join(f"{k} {n}\n" for k, n in
                                                     enumerate(classes[task])))
        for split in ("train", "val"):
            (folder / f"{task}_{split}{suffix}").write_text(
                (ARTIST_HEADER if task == "artist" else "")
                + "\n".join(lines.get((task, split), [])) + "\n")
    return root


@pytest.mark.parametrize("layout", ["repository", "flat", "nested", "archive"])
def test_each_published_layout_gives_names_never_indices(layout, tmp_path):
    root = artgan(tmp_path / layout, listed=30, present=18, layout=layout)
    files = find_label_files(root)
    assert {task for task, _ in files} == {"genre", "style", "artist"}
    with pytest.warns(CollectionNotice, match=r"wikiart: 18 works; 12 listed images are not "
                                              r"on disk \(.*\.jpg, .*\.jpg, .*\.jpg, \.\.\.\)"):
        col = load_wikiart(root, progress=False)
    assert len(col) == 18  # only the images on disk are works
    assert set(col.metadata.genre) == {"landscape", "portrait", "religious painting"}
    assert set(col.metadata["style"]) == set(STYLES)
    assert {"Claude Monet", "Gustave Courbet", "Rembrandt"} <= set(col.metadata.artist)
    assert not col.metadata[["genre", "style", "artist"]].map(
        lambda v: str(v).isdigit()).any().any()
    row = col.metadata.set_index("wikiart_path").loc[_work(2)[0]]
    assert (row.genre, row["style"], row.artist, row.date) == (
        "landscape", "Realism", "Rembrandt", "1602")
    row = col.metadata.set_index("wikiart_path").loc[_work(5)[0]]
    assert row.artist == "Rembrandt"  # not in the artist task: parsed from the file name
    absent = col.skipped[col.skipped.reason == NOT_ON_DISK]
    assert len(absent) == 12 and len(col.skipped) == 12
    assert len(load_wikiart(root, split="val", progress=False)) == 4  # 3, 7, 11, 15 on disk


def test_a_partial_download_samples_among_the_images_on_disk(tmp_path):
    root = artgan(tmp_path, listed=300, present=30)
    with pytest.warns(CollectionNotice, match="270 listed images are not on disk"):
        per_genre = load_wikiart(root, per_genre=5, seed=1, progress=False)
    assert per_genre.metadata.genre.value_counts().to_dict() == {
        "landscape": 5, "portrait": 5, "religious painting": 5}
    with pytest.warns(CollectionNotice):
        fair = load_wikiart(root, n=9, seed=2, progress=False)
    assert len(fair) == 9 and fair.metadata.genre.value_counts().tolist() == [3, 3, 3]
    with pytest.warns(CollectionNotice):
        again = load_wikiart(root, n=9, seed=2, progress=False)
    assert again.hashes == fair.hashes  # seeded


def test_labels_chooses_the_known_genre(tmp_path):
    root = artgan(tmp_path, listed=12, present=12)
    col = load_wikiart(root, labels="style", progress=False)
    assert set(col.genres) == set(STYLES)
    assert set(col.metadata.wikiart_genre) == {"landscape", "portrait", "religious painting"}
    by_artist = load_wikiart(root, labels="artist", per_genre=1, progress=False)
    assert sorted(by_artist.genres) == ["Claude Monet", "Gustave Courbet", "Rembrandt"]
    with pytest.raises(ValueError, match="label tasks are genre, style, artist"):
        load_wikiart(root, labels="school")


def test_genres_without_their_class_file_are_no_known_genres(tmp_path, capsys):
    """ArtGAN's genre indices without genre_class: the genre column stays empty (never '0'
    ... '9'), and ``artopic run`` takes the "no known genres" path, never "at least one
    genre is needed"."""
    root = artgan(tmp_path / "WikiArt", listed=12, present=12, genre_class=False)
    with pytest.warns(CollectionNotice, match="genre labels without a genre_class file"):
        col = load_wikiart(root, progress=False)
    assert col.metadata.genre.isna().all() and col.genres is None
    assert "genre labels without a genre_class file" in col.notes[0]
    code = main(["run", f"wikiart:{root}", "--embedder", "color", "--describe", "attributes",
                 "--cluster-method", "kmeans", "--n-clusters", "3", "--out", str(tmp_path / "out"),
                 "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "genres     : no known genres: predictions not scored" in captured.out
    assert re.findall(r"  vs (\w+) *: ARI", captured.out) == ["style", "artist"]
    assert "source     : genre labels without a genre_class file" in captured.out


def test_agreement_with_every_known_label_column(tmp_path):
    root = artgan(tmp_path, listed=18, present=18)
    study = an.Study(load_wikiart(root, progress=False), cache_dir=tmp_path / "cache",
                     progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    table = study.agreement(by="all")
    assert table.index.tolist() == ["genre", "style", "artist"]
    assert {"ari", "nmi", "purity", "noise_share", "n_clusters", "n_works", "n_labels"} <= \
        set(table.columns)
    assert table.n_labels.tolist() == [3, 3, 3] and table.n_works.tolist() == [18, 18, 18]
    # the clusters follow the colours, which follow the genre: a perfect match there
    assert table.at["genre", "ari"] == pytest.approx(1.0)
    assert table.at["style", "ari"] < 0.5
    assert study.agreement(by="style").to_dict() == table.loc["style"].drop(
        ["n_works", "n_labels"]).to_dict()
    assert study.agreement().to_dict() == study.agreement(by="genre").to_dict()
    assert study.agreement(by=["style"]).index.tolist() == ["style"]
    assert study.agreement(by="school").empty  # no such column: nothing to compare


def test_no_label_files_and_no_images_on_disk(tmp_path):
    root = artgan(tmp_path / "a", listed=6, present=6)
    for path in root.glob("[GSA]*/*_*"):
        path.unlink()
    with pytest.warns(CollectionNotice, match=re.escape(
            f"no ArtGAN label files under {root} (expected Genre/genre_train.csv, ")):
        col = load_wikiart(root, progress=False)
    assert len(col) == 6 and col.metadata.genre.isna().all() and col.genres is None
    assert "every image is taken, its style from its folder" in col.notes[0]
    empty = artgan(tmp_path / "b", listed=6, present=0)
    with pytest.raises(ValueError, match="none of the 6 images the WikiArt label files list is "
                                         "on disk"):
        load_wikiart(empty)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_wikiart(tmp_path / "nowhere")


def test_the_cli_runs_the_repository_layout_with_a_partial_download(tmp_path, capsys):
    root = artgan(tmp_path / "WikiArt", listed=400, present=36)
    out = tmp_path / "out"
    code = main(["run", f"wikiart:{root}?per_genre=6", "--embedder", "color", "--describe",
                 "attributes", "--cluster-method", "kmeans", "--n-clusters", "3", "--out",
                 str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    printed = captured.out
    assert "wikiart: 18 images, 0 skipped; 364 listed images are not on disk" in printed
    for label in ("genre", "style", "artist"):
        assert re.search(rf"vs {label} +: ARI -?\d\.\d\d, NMI \d\.\d\d, purity \d\.\d\d", printed)
    assert "genres     : attributes" in printed and "at least one genre" not in captured.err
    # the notice is one plain line in our words, not a Python warning with a source line
    assert "artopic: wikiart: 18 works; 364 listed images are not on disk" in captured.err
    assert "UserWarning" not in captured.err and "CollectionNotice" not in captured.err
    report = (out / "report.html").read_text()
    # the absent images are one line in the report and a compressed list beside it
    assert "364 listed images are not on disk" in report and "report_skipped.csv.gz" in report
    assert not (out / "report_skipped.csv").exists()
    listed = pd.read_csv(out / "report_skipped.csv.gz")
    assert len(listed) == 364 and set(listed.reason) == {NOT_ON_DISK}


@pytest.mark.slow
def test_a_thousand_work_report_stays_small_with_80000_missing_files(tmp_path):
    root = artgan(tmp_path / "WikiArt", listed=81_000, present=1_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollectionNotice)
        col = load_wikiart(root, progress=False)
    assert len(col) == 1_000 and len(col.skipped) == 80_000
    study = an.Study(col, cache_dir=tmp_path / "cache", progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=6)
    report = study.to_html(tmp_path / "report.html")
    size = report.stat().st_size
    assert size < 10_000_000, size
    print(f"report: {size:,} bytes")
    html = report.read_text()
    assert "80,000 listed images are not on disk" in html
    assert html.count("work-") < 1_000  # the missing files are counted, not listed
    listed = tmp_path / "report_skipped.csv.gz"  # compressed: a tenth of the plain CSV
    assert len(pd.read_csv(listed)) == 80_000 and not (tmp_path / "report_skipped.csv").exists()
    plain = len(col.skipped.to_csv(index=False).encode())
    assert listed.stat().st_size < plain / 10, (listed.stat().st_size, plain)
    print(f"skipped list: {listed.stat().st_size:,} bytes ({plain:,} as plain CSV)")


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_artgan_artist_lists_as_shipped_are_read(suffix, tmp_path):
    """``Artist/artist_train`` (or ``artist_train.csv``): a header line, a blank line, then
    ``path,,index`` lines; ``labels="artist"`` gives the artists named in artist_class, not
    names parsed from the file names."""
    root = artgan(tmp_path, listed=24, present=24, artist_suffix=suffix)
    text = (root / "Artist" / f"artist_train{suffix}").read_text()
    assert text.startswith("(Path to image),, (Groundtruth class) \n\n")
    assert re.search(r"^Realism/rembrandt_work-00002-1602\.jpg,,2$", text, flags=re.M)
    by_artist = load_wikiart(root, labels="artist", progress=False)
    known = by_artist.metadata.dropna(subset=["genre"])
    assert len(known) == sum(1 for i in range(24) if i % 5)  # every work the lists name
    assert set(known.genre) == {"Claude Monet", "Gustave Courbet", "Rembrandt"}
    # a list that names another artist than the file name: the list wins
    listing = root / "Artist" / f"artist_train{suffix}"
    listing.write_text(ARTIST_HEADER + "".join(f"{_work(i)[0]},,1\n" for i in range(24)))
    (root / "Artist" / f"artist_val{suffix}").write_text(ARTIST_HEADER)
    col = load_wikiart(root, labels="artist", progress=False)
    assert set(col.metadata.artist) == set(col.metadata.genre) == {"Gustave Courbet"}


def test_artist_lists_that_cannot_be_read_are_said(tmp_path):
    root = artgan(tmp_path, listed=12, present=12)
    for split in ("train", "val"):  # a format of nobody's: semicolons
        (root / "Artist" / f"artist_{split}").write_text(
            "".join(f"{_work(i)[0]};{i % 3}\n" for i in range(12)))
    with pytest.warns(CollectionNotice) as said:
        col = load_wikiart(root, labels="artist", progress=False)
    text = " ".join(str(w.message) for w in said)
    assert "no line of Artist/artist_train reads as 'path,index' or 'path,,index'" in text
    assert "labels='artist': no work on disk has a known artist label" in text
    assert col.genres is None and col.metadata.genre.isna().all()
    assert col.metadata.artist.notna().all()  # still the names parsed from the file names
    shutil.rmtree(root / "Artist")
    with pytest.warns(CollectionNotice, match="labels='artist': no artist index file"):
        load_wikiart(root, labels="artist", progress=False)


def test_a_plain_folder_with_artgan_label_files_says_to_use_wikiart(tmp_path):
    root = artgan(tmp_path / "WikiArt", listed=12, present=12)
    hint = "this looks like WikiArt (ArtGAN label files found: "
    with pytest.warns(CollectionNotice, match=re.escape(hint)):
        col = open_source(str(root), progress=False)
    assert f"use wikiart:{root} for its labels" in col.notes[-1]
    result = artopic("run", str(root), "--embedder", "color", "--no-describe",
                     "--cluster-method", "kmeans", "--out", str(tmp_path / "out"),
                     "--no-progress", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if "looks like WikiArt" in x)
    assert line.startswith("artopic: this looks like WikiArt (ArtGAN label files found: ")
    assert line.endswith(f"): use wikiart:{root} for its labels"), line
    assert "Traceback" not in result.stderr


def test_wikiart_without_label_files_says_what_it_expected(tmp_path):
    root = artgan(tmp_path / "images_only", listed=12, present=12)
    for folder in ("Genre", "Style", "Artist"):
        shutil.rmtree(root / folder)
    result = artopic("run", f"wikiart:{root}", "--embedder", "color", "--no-describe",
                     "--cluster-method", "kmeans", "--out", str(tmp_path / "out"),
                     "--no-progress", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (f"artopic: wikiart: 12 works; no ArtGAN label files under {root} (expected "
            "Genre/genre_train.csv, Genre/genre_val.csv and Genre/genre_class") in result.stderr
    assert f"source     : no ArtGAN label files under {root}" in result.stdout
