"""WikiArt (the archive's ``wikiart_csv`` layout), SemArt and Hugging Face datasets, from
small real-format fixtures built here out of the fixture paintings; each also runs through
``artopic run``. ArtGAN's repository layouts and partial downloads: test_sources_wikiart.py."""

from __future__ import annotations

import re
import shutil
import sys

import pandas as pd
import pytest

import artopic_nb as an
from artopic_nb.cli import main
from artopic_nb.data.skips import NOT_ON_DISK
from artopic_nb.sources.wikiart import parse_wikiart_name

datasets = pytest.importorskip("datasets")

# (fixture file, ArtGAN style folder, file name, genre index or None, artist index or None)
WIKIART = [
    ("435802.jpg", "Mannerism_Late_Renaissance", "bronzino_portrait-of-a-young-man-1530.jpg", 6, None),
    ("436253.jpg", "Baroque", "anthony-van-dyck_lucas-van-uffel-1622.jpg", 6, 0),
    ("435876.jpg", "Post_Impressionism", "paul-cezanne_madame-cezanne-in-a-red-dress-1890.jpg", 6, 1),
    ("436535.jpg", "Post_Impressionism", "vincent-van-gogh_wheat-field-with-cypresses-1889.jpg", 4, 2),
    ("436575.jpg", "Mannerism_Late_Renaissance", "el-greco_view-of-toledo.jpg", 4, None),
    ("435839.jpg", "Baroque", "canaletto_piazza-san-marco-1725.jpg", 4, None),
    ("435641.jpg", "Early_Renaissance", "giovanni-bellini_madonna-and-child-1485.jpg", 7, None),
    ("435600.jpg", "Northern_Renaissance", "hans-baldung_saint-john-on-patmos-1511.jpg", 7, None),
    ("435728.jpg", "Early_Renaissance", "sandro-botticelli_the-last-communion-of-saint-jerome.jpg", 7, None),
    ("435882.jpg", "Post_Impressionism", "paul-cezanne_still-life-with-apples-1890.jpg", None, 1),
]
GENRE_CLASSES = ["abstract_painting", "cityscape", "genre_painting", "illustration", "landscape",
                 "nude_painting", "portrait", "religious_painting", "sketch_and_study", "still_life"]
STYLES = sorted({style for _, style, *_ in WIKIART})


@pytest.fixture(scope="module")
def wikiart_root(tmp_path_factory, fixture_dir):
    """The ArtGAN layout: ``wikiart/<Style>/<artist>_<title>.jpg`` and ``wikiart_csv/``."""
    root = tmp_path_factory.mktemp("wikiart_root")
    csvs = root / "wikiart_csv"
    csvs.mkdir()
    (csvs / "genre_class.txt").write_text("".join(f"{i} {g}\n" for i, g in enumerate(GENRE_CLASSES)))
    (csvs / "style_class.txt").write_text("".join(f"{i} {s}\n" for i, s in enumerate(STYLES)))
    (csvs / "artist_class.txt").write_text("0 Anthony_van_Dyck\n1 Paul_Cezanne\n2 Vincent_van_Gogh\n")
    rows = {task: {"train": [], "val": []} for task in ("genre", "style", "artist")}
    for i, (source, style, name, genre, artist) in enumerate(WIKIART):
        (root / "wikiart" / style).mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture_dir / source, root / "wikiart" / style / name)
        split = "val" if i % 4 == 3 else "train"
        rel = f"{style}/{name}"
        rows["style"][split].append(f"{rel},{STYLES.index(style)}")
        if genre is not None:
            rows["genre"][split].append(f"{rel},{genre}")
        if artist is not None:
            rows["artist"][split].append(f"{rel},{artist}")
    rows["genre"]["train"].append("Baroque/listed-but-missing_a-lost-work.jpg,4")
    for task, splits in rows.items():
        for split, lines in splits.items():
            (csvs / f"{task}_{split}.csv").write_text("\n".join(lines) + "\n")
    return root


def test_wikiart_artgan_layout(wikiart_root):
    with pytest.warns(UserWarning, match="1 listed image is not on disk"):
        col = an.datasets.load_wikiart(wikiart_root, progress=False)
    assert len(col) == len(WIKIART)
    assert col.skipped.path.str.endswith("listed-but-missing_a-lost-work.jpg").all()
    meta = col.metadata.set_index("wikiart_path")
    row = meta.loc["Post_Impressionism/vincent-van-gogh_wheat-field-with-cypresses-1889.jpg"]
    assert (row.genre, row.style, row.artist, row.title, row.date) == (
        "landscape", "Post Impressionism", "Vincent van Gogh", "Wheat field with cypresses", "1889")
    row = meta.loc["Mannerism_Late_Renaissance/el-greco_view-of-toledo.jpg"]
    assert (row.artist, row.title) == ("El Greco", "View of toledo") and pd.isna(row.date)
    assert pd.isna(meta.loc["Post_Impressionism/paul-cezanne_still-life-with-apples-1890.jpg"].genre)
    assert set(col.genres.dropna()) == {"portrait", "landscape", "religious painting"}


def test_wikiart_samples_fairly_by_genre(wikiart_root):
    per_genre = an.datasets.load_wikiart(wikiart_root, per_genre=1, seed=3, progress=False)
    assert sorted(per_genre.genres) == ["landscape", "portrait", "religious painting"]
    sample = an.datasets.load_wikiart(wikiart_root, n=6, seed=3, progress=False)
    assert sample.genres.value_counts().tolist() == [2, 2, 2]
    again = an.datasets.load_wikiart(wikiart_root, n=6, seed=3, progress=False)
    assert again.hashes == sample.hashes  # seeded
    val = an.datasets.load_wikiart(wikiart_root, split="val", progress=False)
    assert len(val) == 2


def test_wikiart_without_label_files(wikiart_root, tmp_path):
    shutil.copytree(wikiart_root / "wikiart", tmp_path / "wikiart")
    col = an.datasets.load_wikiart(tmp_path, progress=False)
    assert len(col) == len(WIKIART) and col.metadata.genre.isna().all()
    assert "Post Impressionism" in set(col.metadata["style"])


def test_parse_wikiart_name():
    assert parse_wikiart_name("pierre-auguste-renoir_dance-at-le-moulin-de-la-galette-1876.jpg") == {
        "artist": "Pierre Auguste Renoir", "title": "Dance at le moulin de la galette", "date": "1876"}


# -- SemArt ----------------------------------------------------------------------------------
SEMART_HEADER = "IMAGE_FILE\tDESCRIPTION\tAUTHOR\tTITLE\tTECHNIQUE\tDATE\tTYPE\tSCHOOL\tTIMEFRAME"
SEMART = [
    ("435641.jpg", "The Virgin &amp; Child, a theme Bellini painted &#39;countless&#39; times.",
     "BELLINI, Giovanni", "Madonna and Child", "Oil on panel, 89 x 71 cm", "c. 1485",
     "religious", "Italian", "1451-1500"),
    ("435802.jpg", "A young man in black; the \"cool\" elegance of Bronzino&#8217;s portraits.",
     "BRONZINO, Agnolo", "Portrait of a Young Man", "Oil on wood", "1530s", "portrait",
     "Italian", "1501-1550"),
    ("436575.jpg", "Toledo under a stormy sky &eacute;clair&eacute; by lightning.",
     "GRECO, El", "View of Toledo", "Oil on canvas", "1597-99", "landscape", "Spanish",
     "1551-1600"),
    ("435868.jpg", "Peasants at cards, painted by C\u00e9zanne in Aix.", "C\u00c9ZANNE, Paul",
     "The Card Players", "Oil on canvas", "1890-92", "genre", "French", "1851-1900"),
    ("436037.jpg", "Paris judges the goddesses \u2014 D\u00fcrer&apos;s contemporary.",
     "CRANACH, Lucas the Elder", "The Judgment of Paris", "Oil on wood", "c. 1528",
     "mythological", "German", "1501-1550"),
    ("missing.jpg", "Listed, but its image is not in Images/.", "UNKNOWN", "Lost", "", "", "other",
     "", ""),
]


@pytest.fixture(scope="module")
def semart_root(tmp_path_factory, fixture_dir):
    """``semart_train.csv`` / ``semart_val.csv``: tab-separated, Windows-1252, HTML entities."""
    root = tmp_path_factory.mktemp("SemArt")
    (root / "Images").mkdir()
    for split, rows in (("train", SEMART[:4]), ("val", SEMART[4:])):
        lines = [SEMART_HEADER] + ["\t".join(r) for r in rows]
        (root / f"semart_{split}.csv").write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
        for row in rows:
            if (fixture_dir / row[0]).exists():
                shutil.copy(fixture_dir / row[0], root / "Images" / row[0])
    return root


def test_semart_reads_windows_1252_with_entities(semart_root):
    train = an.datasets.load_semart(semart_root, progress=False)
    assert len(train) == 4 and train.skipped.empty
    meta = train.metadata.set_index("title")
    assert meta.description["Madonna and Child"] == \
        "The Virgin & Child, a theme Bellini painted 'countless' times."
    assert meta.description["Portrait of a Young Man"] == \
        "A young man in black; the \"cool\" elegance of Bronzino\u2019s portraits."
    assert meta.description["View of Toledo"] == "Toledo under a stormy sky \u00e9clair\u00e9 by lightning."
    assert meta.artist["The Card Players"] == "C\u00c9ZANNE, Paul"
    assert list(train.genres) == ["religious", "portrait", "landscape", "genre"]
    assert {"technique", "date", "school", "timeframe", "split", "image_file"} <= set(train.metadata)
    with pytest.warns(UserWarning, match="skipped"):
        both = an.datasets.load_semart(semart_root, split=("train", "val"), progress=False)
    assert len(both) == 5 and both.skipped.path.str.endswith("missing.jpg").all()
    assert meta.index.tolist() == train.metadata.title.tolist()
    assert "D\u00fcrer's" in both.metadata.description.iloc[-1]
    assert len(an.datasets.load_semart(semart_root, per_genre=1, n=2, progress=False)) == 2
    with pytest.raises(FileNotFoundError, match="semart_test.csv"):
        an.datasets.load_semart(semart_root, split="test")


def test_semart_as_released_unpacked_with_part_of_its_images(semart_root, tmp_path):
    """The three CSVs (exact names) in an unpacked ``SemArt/`` folder, ``Images/`` beside
    them holding only part of the images; ``labels=`` picks the known genre."""
    root = tmp_path / "download"
    shutil.copytree(semart_root, root / "SemArt")
    lines = [SEMART_HEADER] + ["\t".join(r) for r in SEMART[:2]] + [
        "\t".join((f"{i:05d}-absent.jpg", "Not downloaded.", "X", f"Absent {i}", "", "", "portrait",
                   "Dutch", "1601-1650")) for i in range(40)]
    (root / "SemArt" / "semart_test.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    with pytest.warns(UserWarning, match="semart: 2 works; 40 listed images are not on disk"):
        test = an.datasets.load_semart(root, split="test", progress=False)
    assert len(test) == 2 and (test.skipped.reason == NOT_ON_DISK).sum() == 40
    assert test.metadata.type.tolist() == ["religious", "portrait"] == test.genres.tolist()
    with pytest.warns(UserWarning):
        everything = an.datasets.load_semart(root, split="all", labels="school", n=3, seed=0,
                                             progress=False)
    assert len(everything) == 3 and set(everything.genres) <= {"Italian", "Spanish", "French",
                                                               "German"}
    assert everything.genres.nunique() == 3  # a fair sample across schools, among those on disk
    with pytest.raises(ValueError, match="choose one of type, school"):
        an.datasets.load_semart(root, labels="genre")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        an.datasets.load_semart(tmp_path / "nowhere")


# -- Hugging Face datasets -------------------------------------------------------------------
@pytest.fixture(scope="module")
def hf_dataset(fixture_dir):
    """A ``datasets`` dataset with an Image column, a ClassLabel genre and an artist; one row
    holds bytes that are not an image."""
    meta = pd.read_csv(fixture_dir / "metadata.csv")
    meta = meta[meta.genre.isin(["religious", "portrait", "landscape", "still life"])]
    names = ["landscape", "portrait", "religious", "still life"]
    images = [{"bytes": (fixture_dir / f).read_bytes(), "path": None} for f in meta.file_name]
    images.append({"bytes": b"<html>not an image</html>", "path": None})
    features = datasets.Features({"image": datasets.Image(),
                                  "genre": datasets.ClassLabel(names=names),
                                  "artist": datasets.Value("string")})
    return datasets.Dataset.from_dict({
        "image": images, "genre": [names.index(g) for g in meta.genre] + [0],
        "artist": list(meta.artist) + ["nobody"]}, features=features)


def test_huggingface_save_to_disk_folder(hf_dataset, tmp_path):
    folder = tmp_path / "hf_paintings"
    datasets.DatasetDict({"train": hf_dataset, "test": hf_dataset.select(range(3))}).save_to_disk(folder)
    with pytest.warns(UserWarning, match="skipped"):
        col = an.from_huggingface(str(folder), cache_dir=tmp_path / "dl", progress=False)
    assert len(col) == len(hf_dataset) - 1
    assert set(col.genres) == {"landscape", "portrait", "religious", "still life"}  # names
    assert col.skipped.path.tolist() == [f"{folder}[train][{len(hf_dataset) - 1}]"]
    assert "not an image" in col.skipped.reason[0]
    # the bytes are kept in the local cache, named by their hash
    assert all(p.parent.parent.name == "blobs" and p.stem == h for p, h in zip(col.paths, col.hashes, strict=True))
    fair = an.from_huggingface(folder, labels="genre", per_label=2, seed=1,
                               cache_dir=tmp_path / "dl", progress=False)
    assert fair.genres.value_counts().to_dict() == {"landscape": 2, "portrait": 2, "religious": 2,
                                                    "still life": 2}
    assert len(an.from_huggingface(folder, "test", cache_dir=tmp_path / "dl", progress=False)) == 3
    with pytest.raises(ValueError, match="no split 'validation'"):
        an.from_huggingface(folder, "validation", cache_dir=tmp_path / "dl")


def test_huggingface_parquet_folder_and_stream(hf_dataset, tmp_path):
    folder = tmp_path / "hub_snapshot"
    (folder / "data").mkdir(parents=True)
    hf_dataset.to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    col = an.from_huggingface(folder, labels="genre", n=5, seed=0, cache_dir=tmp_path / "dl",
                              progress=False)
    assert len(col) == 5 and col.genres.nunique() == 4 and "artist" in col.metadata
    stream = hf_dataset.to_iterable_dataset()
    streamed = an.from_huggingface(stream, labels="genre", per_label=1, cache_dir=tmp_path / "dl",
                                   progress=False)
    assert sorted(streamed.genres) == ["landscape", "portrait", "religious", "still life"]
    with pytest.raises(ValueError, match="give n= or per_label="):
        an.from_huggingface(stream, cache_dir=tmp_path / "dl")


def test_huggingface_hub_unreachable_and_missing_package(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="no such folder: someone/paintings; .*hub could not "
                                         "be reached"):
        an.from_huggingface("someone/paintings", n=5, cache_dir=tmp_path)
    for missing in (tmp_path / "not" / "here", "./paintings", "data/wikiart/train"):
        with pytest.raises(FileNotFoundError, match="no such folder"):
            an.from_huggingface(missing, n=5, cache_dir=tmp_path)
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ImportError, match=r'pip install "artopic-nb\[sources\]"'):
        an.from_huggingface(tmp_path, cache_dir=tmp_path)


@pytest.fixture
def imagefolder(fixture_dir, tmp_path):
    """A ``datasets`` imagefolder: ``train/`` and ``test/`` with their images and a
    ``metadata.csv`` (``file_name`` first), one listed file not downloaded."""
    meta = pd.read_csv(fixture_dir / "metadata.csv")
    root = tmp_path / "paintings_imagefolder"
    for split, rows in (("train", meta.iloc[:16]), ("test", meta.iloc[16:22])):
        (root / split).mkdir(parents=True)
        for name in rows.file_name:
            shutil.copy(fixture_dir / name, root / split / name)
        table = rows[["file_name", "genre", "artist", "title"]]
        if split == "train":
            table = pd.concat([table, pd.DataFrame([{"file_name": "lost.jpg", "genre": "portrait"}])])
        table.to_csv(root / split / "metadata.csv", index=False)
    return root


def test_huggingface_imagefolder(imagefolder, tmp_path, fixture_dir):
    with pytest.warns(UserWarning, match="1 listed image is not on disk"):
        col = an.from_huggingface(imagefolder, progress=False)
    assert len(col) == 16 and {"genre", "artist", "title", "source_file"} <= set(col.metadata)
    assert col.skipped.path.str.endswith("lost.jpg").all()
    assert len(an.from_huggingface(imagefolder, "test", progress=False)) == 6
    with pytest.warns(UserWarning):
        fair = an.from_huggingface(imagefolder, labels="genre", per_label=1, progress=False)
    assert fair.genres.value_counts().max() == 1 and fair.genres.nunique() == len(fair)
    with pytest.raises(ValueError, match=r"no split 'validation' \(splits: \['train', 'test'\]\)"):
        an.from_huggingface(imagefolder, "validation")
    # one folder per class, no metadata file: the folder names are the labels
    classes = tmp_path / "by_class"
    for name, genre in pd.read_csv(fixture_dir / "metadata.csv")[["file_name", "genre"]].values[:9]:
        (classes / genre).mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture_dir / name, classes / genre / name)
    by_class = an.from_huggingface(classes, labels="label", per_label=1, genre="label",
                                   progress=False)
    assert set(by_class.genres) == {p.name for p in classes.iterdir()}


def test_the_cli_reads_an_imagefolder_and_says_no_such_folder(imagefolder, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", f"hf:{imagefolder}?genre=genre", "--embedder", "color", "--no-describe",
                 "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "paintings_imagefolder: 16 images, 0 skipped; 1 listed image is not on disk" in \
        captured.out and "vs genre" in captured.out and "vs artist" in captured.out
    assert main(["run", f"hf:{tmp_path / 'nowhere'}", "--no-progress"]) == 2
    assert f"no such folder: {tmp_path / 'nowhere'}" in capsys.readouterr().err


# -- every source through the command line ---------------------------------------------------
@pytest.mark.parametrize("kind", ["wikiart", "semart", "hf"])
def test_the_cli_runs_each_dataset_to_a_report(kind, wikiart_root, semart_root, hf_dataset,
                                               tmp_path, capsys):
    if kind == "hf":
        hf_dataset.save_to_disk(tmp_path / "hf")
        spec, expected = f"hf:{tmp_path / 'hf'}?labels=genre&per_label=4", "13 images, 1 skipped"
    elif kind == "wikiart":
        spec, expected = f"wikiart:{wikiart_root}?split=train", \
            "8 images, 0 skipped; 1 listed image is not on disk"
    else:
        spec, expected = f"semart:{semart_root}?split=train", "4 images, 0 skipped"
    out = tmp_path / "out"
    code = main(["run", spec, "--embedder", "color", "--describe", "attributes", "--out",
                 str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert expected in printed and "genres     :" in printed
    labels = {"hf": ["genre", "artist"], "wikiart": ["genre", "style", "artist"],
              "semart": ["genre", "artist", "school", "timeframe"]}[kind]
    assert re.findall(r"  vs (\w+) *: ARI", printed) == labels  # "type" is the genre: once
    assert (out / "report.html").stat().st_size > 10_000
    assert main(["run", f"{kind}:{tmp_path}?bogus=1", "--no-progress"]) == 2
    assert "does not take bogus" in capsys.readouterr().err
