"""WikiArt as it is published: ArtGAN's label files in each of their layouts, with their
exact names and formats, beside a partial download of small generated images; through the
Python API and ``artopic run``.

The repository's folder ``WikiArt Dataset/`` holds ``Genre/genre_class`` (no extension),
``Genre/genre_train.csv``, ``Genre/genre_val.csv``, ``Style/style_class.txt``,
``Style/style_train.csv``, ``Style/style_val.csv``, ``Artist/artist_class``,
``Artist/artist_train`` and ``Artist/artist_val`` (no extensions): class lists of
``index name`` lines and index files of ``Style/file.jpg,index`` lines. The archive's variant
puts ``*_class.txt``, ``*_train.csv`` and ``*_val.csv`` in ``wikiart_csv/``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import artopic_nb as an
from artopic_nb.cli import main
from artopic_nb.data.skips import NOT_ON_DISK, CollectionNotice
from artopic_nb.sources.wikiart import find_label_files, load_wikiart

GENRES = ["abstract_painting", "cityscape", "genre_painting", "illustration", "landscape",
          "nude_painting", "portrait", "religious_painting", "sketch_and_study", "still_life"]
STYLES = ["Baroque", "Impressionism", "Realism"]
ARTISTS = ["Claude_Monet", "Gustave_Courbet", "Rembrandt"]
COLOURS = {4: (40, 140, 60), 6: (200, 150, 110), 7: (150, 30, 30)}  # landscape, portrait, religious


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
           genre_class: bool = True) -> Path:
    """``listed`` works in the label files, the first ``present`` of them on disk."""
    where = {"repository": lambda task: root / task.capitalize(),
             "flat": lambda task: root,
             "nested": lambda task: root / "WikiArt Dataset" / task.capitalize(),
             "archive": lambda task: root / "wikiart_csv"}[layout]
    images = root / "wikiart" if layout in ("nested", "archive") else root
    archive = layout == "archive"
    names = {"genre": ("genre_class.txt" if archive else "genre_class", ".csv"),
             "style": ("style_class.txt", ".csv"),
             "artist": ("artist_class.txt" if archive else "artist_class",
                        ".csv" if archive else "")}
    classes = {"genre": GENRES, "style": STYLES, "artist": ARTISTS}
    lines: dict[tuple[str, str], list[str]] = {}
    for i in range(listed):
        rel, style, genre, artist = _work(i)
        split = "val" if i % 4 == 3 else "train"
        for task, index in (("genre", genre), ("style", style), ("artist", artist)):
            if index is not None:
                lines.setdefault((task, split), []).append(f"{rel},{index}")
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
                "\n".join(lines.get((task, split), [])) + "\n")
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
    col = load_wikiart(root, progress=False)
    assert len(col) == 6 and col.metadata.genre.isna().all() and col.genres is None
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
    assert "364 listed images are not on disk" in report and "report_skipped.csv" in report
    listed = pd.read_csv(out / "report_skipped.csv")
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
    assert len(pd.read_csv(tmp_path / "report_skipped.csv")) == 80_000
