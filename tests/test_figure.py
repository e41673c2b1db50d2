"""The labelled map figure (artopic_nb.export.figure): formats, names that never overlap (boxes
of the drawn text), edge cases (one cluster, only noise, 60 clusters), special characters,
sizes, bad arguments, and the report using it."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from artopic_nb.export import figure  # noqa: E402
from artopic_nb.export.figure import draw_map, place_labels, save_figure  # noqa: E402
from artopic_nb.pipeline.study import Study  # noqa: E402


@pytest.fixture(scope="module")
def study(fixture_collection, tmp_path_factory):
    s = Study(fixture_collection, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=4)


def blobs(k: int, n: int = 1500, noise: float = 0.15, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, 2)) * 5
    labels = rng.integers(0, k, n)
    labels[rng.random(n) < noise] = -1
    return centres[np.maximum(labels, 0)] + rng.normal(size=(n, 2)), labels


def name_boxes(fig):
    """The drawn names' boxes in pixels, read back from the rendered figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in fig.axes[0].texts]


def overlapping(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def test_png_svg_pdf_files_are_written_and_valid(study, tmp_path):
    png = study.plot_map(tmp_path / "map.png")
    assert png == tmp_path / "map.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = study.plot_map(tmp_path / "map.SVG")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")} >= {"0", "1", "2", "3"}
    pdf = study.plot_map(tmp_path / "map.pdf")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    assert b"DejaVu" in data  # the font embedded, never looked up elsewhere


def test_without_a_path_the_figure_is_returned_and_shows_in_a_notebook(study):
    fig = study.plot_map()
    assert sorted(fig.label_artists) == [0, 1, 2, 3] and fig.unlabelled == []
    assert fig._repr_png_()[:4] == b"\x89PNG"


def test_names_come_from_the_study_else_the_cluster_number(study):
    study.rename_cluster(2, "dark interiors")
    try:
        texts = {c: t.get_text() for c, t in study.plot_map().label_artists.items()}
    finally:
        study.undo()
    assert texts[2] == "dark interiors" and texts[0] == "0" and texts[3] == "3"


@pytest.mark.parametrize("k", [5, 20, 60])
@pytest.mark.parametrize("size", ["column", "slide"])
def test_names_never_overlap(k, size):
    coords, labels = blobs(k)
    names = {c: f"cluster {c} still lifes and flowers" for c in range(k)}
    fig = draw_map(coords, labels, names, size=size)
    boxes = name_boxes(fig)
    assert len(boxes) == len(fig.label_artists) == k - len(fig.unlabelled)
    assert len(fig.unlabelled) <= k // 10  # a crowded column may drop a few, never many
    assert not overlapping(boxes)
    frame = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
               for b in boxes)


def test_the_overlap_check_can_fail():
    # a guard on the test itself: two names drawn at one spot are seen to overlap
    fig = draw_map(*blobs(2), size="column")
    ax = fig.axes[0]
    ax.text(0, 0, "one long name"), ax.text(0, 0, "another long name")
    assert overlapping(name_boxes(fig)[-2:])


def test_one_cluster_only_noise_and_no_clustering_all_draw(tmp_path):
    coords, _ = blobs(3)
    one = draw_map(coords, np.zeros(len(coords), int), {0: "everything"})
    assert [t.get_text() for t in one.axes[0].texts] == ["everything"]
    noise = draw_map(coords, np.full(len(coords), -1))
    assert len(noise.axes[0].texts) == 0 and noise.label_artists == {}
    assert save_figure(noise, tmp_path / "noise.png").stat().st_size > 1000
    plain = draw_map(coords, None)
    assert len(plain.axes[0].texts) == 0
    assert draw_map(np.zeros((1, 2)), [0]).label_artists[0].get_text() == "0"
    assert len(draw_map(np.zeros((0, 2)), []).axes[0].collections) == 0


def test_names_with_html_and_special_characters_stay_text(tmp_path):
    coords, labels = blobs(3)
    names = {0: "<script>alert(1)</script> & co", 1: "$x^2$ 100% {braces}", 2: "Café — “Ölbild”"}
    fig = draw_map(coords, labels, names, size="slide", wrap=60)
    assert {c: t.get_text() for c, t in fig.label_artists.items()} == names
    svg = save_figure(fig, tmp_path / "m.svg")
    texts = {t.text for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert set(names.values()) <= texts  # escaped in the file, read back whole; no mathtext
    assert b"<script>" not in svg.read_bytes()
    assert save_figure(fig, tmp_path / "m.pdf").read_bytes()[:5] == b"%PDF-"


def test_long_names_wrap_to_two_lines_at_most():
    coords, labels = blobs(2)
    fig = draw_map(coords, labels, {0: "a very long name " * 8})
    text = fig.label_artists[0].get_text()
    assert text.count("\n") == 1 and text.endswith("…")


@pytest.mark.parametrize("size, inches, dpi", [("column", (3.5, 2.6), 300),
                                               ("slide", (13.33, 7.5), 150),
                                               ((6, 4), (6, 4), 300)])
def test_sizes_column_slide_and_inches(size, inches, dpi, tmp_path):
    from PIL import Image

    fig = draw_map(*blobs(4), size=size)
    assert tuple(fig.get_size_inches()) == pytest.approx(inches)
    for name, d in (("m.png", None), ("small.png", 100)):
        with Image.open(save_figure(fig, tmp_path / name, dpi=d)) as im:  # 1999.5 px: 1999
            assert np.allclose(im.size, np.multiply(inches, d or dpi), atol=1)
    slide_font = draw_map(*blobs(4), size="slide").label_artists[0].get_fontsize()
    assert slide_font > draw_map(*blobs(4), size="column").label_artists[0].get_fontsize() >= 5


def test_bad_arguments_name_the_parameter(study, tmp_path):
    with pytest.raises(ValueError, match=r"size='poster'.*'column', 'slide'"):
        study.plot_map(size="poster")
    with pytest.raises(ValueError, match=r"size=\(0, 4\)"):
        draw_map(*blobs(2), size=(0, 4))
    with pytest.raises(ValueError, match=r"path=.*map\.jpg.*\.png, \.svg, \.pdf"):
        study.plot_map(tmp_path / "map.jpg")
    assert not (tmp_path / "map.jpg").exists()
    with pytest.raises(ValueError, match="labels has 3 entries for 4 points"):
        draw_map(np.zeros((4, 2)), [0, 1, 2])


def test_place_labels_keeps_boxes_apart_and_inside():
    sizes = np.full((30, 2), [20.0, 6.0])
    spots = place_labels(sizes, np.zeros((30, 2)), (-100, -100, 100, 100))
    boxes = [(x - 10, y - 3, x + 10, y + 3) for x, y in (s for s in spots if s)]
    assert len(boxes) == 30
    assert all(not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
               for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert place_labels(np.array([[500.0, 6]]), np.zeros((1, 2)), (-100, -100, 100, 100)) == [None]


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=re.escape('pip install "artopic-nb[figure]"')):
        figure.draw_map(*blobs(2))


def test_the_report_shows_the_labelled_figure_else_the_still_image(study, tmp_path, monkeypatch):
    html = study.to_html(tmp_path / "report.html").read_text()
    m = re.search(r'<img class="map" src="data:image/png;base64,([^"]+)"', html)
    assert m and base64.b64decode(m.group(1))[:4] == b"\x89PNG"

    def missing(*args, **kwargs):
        raise ImportError('the labelled map figure needs matplotlib: pip install "artopic-nb[figure]"')

    monkeypatch.setattr(figure, "plot_map", missing)
    html = study.to_html(tmp_path / "report2.html").read_text()
    assert '<img class="map" src="data:image/jpeg;base64,' in html
