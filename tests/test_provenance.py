"""What the results rest on (issue 28, item 5): ``study.provenance()`` names the model behind
each result and says plainly when a no-model fallback was used; the report's first section,
the CLI summary and the explorer's header show it."""

from __future__ import annotations

import pytest

from artopic_nb.cli.summary import print_summary, provenance_lines
from artopic_nb.pipeline.study import Study

PALETTE = "colour and texture only: clusters group works by palette, not subject"


@pytest.fixture()
def study(fixture_collection, tmp_path):
    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    s.embed("color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    return s.sample(per_cluster=3).describe(["attributes"])


def test_the_no_model_embedder_and_describer_are_said_plainly(study):
    table = study.provenance()
    assert list(table.columns) == ["result", "model", "no_model", "means"]
    rows = table.set_index("result")
    assert rows.loc["image embedding", "model"] == "color-texture-v1"
    assert rows.loc["image embedding", "no_model"] and rows.loc["image embedding", "means"] == PALETTE
    assert rows.loc["descriptions", "model"] == "attributes" and rows.loc["descriptions", "no_model"]
    assert "not what the works show" in rows.loc["descriptions", "means"]
    study.find_commonalities()
    rows = study.provenance().set_index("result")
    assert rows.loc["names and summaries", "model"] == "none"
    assert "names come from keywords" in rows.loc["names and summaries", "means"]
    assert rows.loc["claims", "model"].startswith("embedding:")
    assert not rows.loc[["names and summaries", "claims"], "no_model"].any()


def test_before_any_step_and_with_words_beside_the_images(fixture_collection, study, tmp_path):
    assert Study(fixture_collection, cache_dir=None, progress=False).provenance().empty
    # the embed step's account of its parts (embed(text=...)): the words carry the subject
    study.runner.set("embed_parts_", {
        "image": {"model": "color-texture-v1", "dims": [0, 147], "weight": 1.0},
        "text": {"model": "sentence-transformers/all-MiniLM-L6-v2", "columns": ["title", "tags"],
                 "works_with_text": 20, "works_without_text": 4, "dims": [147, 531], "weight": 1.0}})
    rows = study.provenance().set_index("result")
    assert rows.loc["image embedding", "means"] == PALETTE + "; the works' words carry the subject"
    assert rows.loc["text embedding", "model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert "title, tags" in rows.loc["text embedding", "means"]
    assert not rows.loc["text embedding", "no_model"]
    # words alone (image=False): no image embedder to name
    study.runner.set("embed_parts_", {"image": None, "text": {
        "model": "minilm", "columns": ["title"], "works_with_text": 24}})
    rows = study.provenance().set_index("result")
    assert rows.loc["image embedding", "model"] == "none"
    assert "words only" in rows.loc["image embedding", "means"]


def test_a_real_embedder_is_named_without_a_warning(fixture_collection, tiny_clip_dir, tmp_path):
    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    s.embed(str(tiny_clip_dir))
    row = s.provenance().set_index("result").loc["image embedding"]
    assert not row["no_model"] and row["model"] == s.embedder_id_
    assert "sees in the images" in row["means"]


def test_the_report_opens_with_what_the_results_rest_on(study, tmp_path):
    page = study.to_html(tmp_path / "report.html").read_text()
    first = page.index("<h2>What these results rest on</h2>")
    assert first < page.index("<h2>Steps</h2>") and first == page.index("<h2>")
    section = page[first:page.index("<h2>Steps</h2>")]
    assert f"<b>No model for the image embedding</b> (<code>color-texture-v1</code>): {PALETTE}." in section
    assert "<b>No model for the descriptions</b>" in section
    assert "color-texture-v1 (no model)" in section


def test_the_cli_summary_says_it_in_one_line_each(study, tmp_path, capsys):
    study.predict_genres().find_commonalities()
    print_summary(study, tmp_path / "study", tmp_path / "report.html", 1.0)
    out = capsys.readouterr().out
    assert (f"  rests on   : image embedding: color-texture-v1 -- NO MODEL: {PALETTE}\n") in out
    assert "  rests on   : descriptions: attributes -- NO MODEL: measured colour" in out
    assert "  rests on   : names and summaries: none\n" in out
    lines = provenance_lines(study.provenance())
    assert len(lines) == len(study.provenance()) and all("\n" not in line for line in lines)


def test_the_explorer_header_names_the_models(study):
    pytest.importorskip("anywidget")
    from artopic_nb.widgets import explore

    ex = explore(study)
    header = ex.header.value
    assert header.startswith("<div class='artopic-explorer-header'>Results rest on: ")
    assert "image embedding: no model</b> (color-texture-v1): " + PALETTE in header
    assert ex.children[0] is ex.header
    study.find_commonalities()                       # the header follows the study
    assert "names and summaries: none" in ex.header.value
