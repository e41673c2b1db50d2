"""The step declarations: keys derived from everything a result depends on, the dependency
graph derived from the declared inputs, and storage through the steps' codecs."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from artopic_nb import Study
from artopic_nb.data.cache import digest
from artopic_nb.pipeline.graph import STEPS, StepCodec, downstream, step_key

#: For every step, a base value and another value of each declared parameter.
PARAMS = {
    "embed": {"embedder": ("color", "hf:clip"), "batch_size": (32, 8), "text": (None, "auto"),
              "image": (True, False), "weights": ({"image": 1.0, "text": 1.0},
                                                  {"image": 0.5, "text": 1.0}),
              "text_encoder": ("auto", "st:other")},
    "reduce": {"n_components": (5, 3), "n_neighbors": (15, 5), "min_dist": (0.0, 0.1),
               "metric": ("cosine", "euclidean"), "method": ("auto", "pca"), "seed": (0, 1)},
    "cluster": {"method": ("hdbscan", "kmeans"), "min_cluster_size": (8, 5),
                "min_samples": (None, 2), "cluster_selection_epsilon": (0.0, 0.5),
                "n_clusters": (8, 4), "linkage": ("ward", "average"), "seed": (0, 1),
                "max_cluster_size": (0, 100), "level": (0, 1),
                "edits": ([], [{"what": "rename", "cluster": 0, "members": [0], "name": "a"}])},
    "sample": {"per_cluster": (6, 2), "strategy": ("diverse", "random"), "seed": (0, 1),
               "include_noise": (False, True)},
    "describe": {"describers": (["attributes"], ["hf:x"]), "prompts": (["caption"], ["description"]),
                 "n_ids": (6, 7)},
    "predict_genres": {"predictor": ("embedding:a", "embedding:b"),
                       "genres": (["portrait"], ["landscape"])},
    "commonalities": {"llm": (None, "smollm2"), "top_k": (10, 5),
                      "prompt": ("description", "caption")},
}


def test_every_step_and_parameter_is_covered():
    assert set(PARAMS) == set(STEPS)
    for name, step in STEPS.items():
        assert set(PARAMS[name]) == set(step.params), name


@pytest.mark.parametrize("name", list(STEPS))
def test_the_key_changes_with_each_input_and_only_then(name):
    step = STEPS[name]
    params = {p: base for p, (base, _) in PARAMS[name].items()}
    digests = {r: f"digest-of-{r}" for r in step.reads}
    identity = {"model": "weights@abc", "prompt": "caption@v1"}
    key = step_key(name, digests, params, identity)
    assert step_key(name, dict(digests), dict(params), dict(identity)) == key  # only then
    for p, (_, other) in PARAMS[name].items():
        assert step_key(name, digests, {**params, p: other}, identity) != key, p
    for r in step.reads:
        assert step_key(name, {**digests, r: "another"}, params, identity) != key, r
    for what in identity:
        assert step_key(name, digests, params, {**identity, what: "changed"}) != key, what
    with pytest.raises(ValueError, match="undeclared"):
        step_key(name, digests, {**params, "not_a_parameter": 1}, identity)


def test_the_key_names_library_versions(monkeypatch):
    import artopic_nb.pipeline.graph as steps

    key = step_key("reduce", {"embeddings_": "d"}, {}, {})
    steps._library_versions.cache_clear()
    monkeypatch.setattr(steps.metadata, "version", lambda name: "99.0")
    try:
        assert step_key("reduce", {"embeddings_": "d"}, {}, {}) != key
    finally:
        steps._library_versions.cache_clear()


def test_the_graph_is_derived_from_the_inputs():
    assert downstream("embed") == ("reduce", "cluster", "sample", "commonalities")
    assert downstream("describe") == ("predict_genres", "commonalities")
    assert downstream("sample") == () and downstream("commonalities") == ()


def test_digests_ignore_bookkeeping_columns():
    a = pd.DataFrame({"id": [1], "text": ["a saint"], "seconds": [0.5], "cached": [False]})
    assert digest(a) == digest(a.assign(seconds=9.0, cached=True))
    assert digest(a) != digest(a.assign(text="a dog"))
    assert digest(np.zeros(3, "float32")) != digest(np.zeros(3, "float64"))


def test_codec_round_trip_keeps_every_result():
    results = {"reduced_": np.arange(6, dtype="float32").reshape(3, 2),
               "coords_": np.ones((3, 2), "float32"), "reducer_": "umap"}
    back = StepCodec("reduce").decode(StepCodec("reduce").encode(results))
    assert back["reducer_"] == "umap"
    np.testing.assert_array_equal(back["reduced_"], results["reduced_"])


@pytest.fixture()
def described(fixture_collection, tmp_path):
    study = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    return study.embed("color").reduce(method="pca").cluster("kmeans", n_clusters=3) \
        .sample(per_cluster=2).describe(describers=["attributes"])


def test_commonalities_follow_the_vocabulary_and_the_summary_prompt(described, monkeypatch):
    """Stale-result bug: the key left out the stop words, the lexicon and the prompt text."""
    import dataclasses

    import artopic_nb.text.keywords as keywords
    import artopic_nb.text.prompts as prompts

    described.find_commonalities()
    hits = described.cache.hits
    described.find_commonalities()
    assert described.cache.hits == hits + 1  # same inputs: read back
    summary = prompts.get_prompt("cluster_summary")
    for module, name, value in [
        (keywords, "ART_STOP_WORDS", keywords.ART_STOP_WORDS | {"measured"}),
        (keywords, "VISUAL_LEXICON", {**keywords.VISUAL_LEXICON, "extra": frozenset({"sfumato"})}),
        (prompts, "PROMPTS", {**prompts.PROMPTS, "cluster_summary": dataclasses.replace(
            summary, text=summary.text.replace("one or two sentences", "one sentence"))}),
    ]:
        with monkeypatch.context() as m:
            m.setattr(module, name, value)
            hits = described.cache.hits
            described.find_commonalities()
            assert described.cache.hits == hits, f"{name} changed but the result was reused"


def test_results_live_in_one_mapping_and_the_collection_is_not_touched(described):
    assert described.get("labels_") is described.labels_
    assert described.get("commonalities_") is None and described.get("nope", 3) == 3
    assert "labels_" not in vars(described)
    assert described.collection.cache.root is None  # the study never set its cache there


def test_a_study_saved_by_0_1_0_loads(tmp_path):
    fixture = Path(__file__).parent / "data" / "study_v0_1_0"
    folder = tmp_path / "old"
    shutil.copytree(fixture, folder)
    back = Study.load(folder, cache_dir=None)
    assert back.steps_done() == ["embed", "reduce", "cluster", "sample", "describe",
                                 "predict_genres", "commonalities"]
    assert back.embedder_id_ == "color-texture-v1" and back.reducer_ == "pca"
    assert len(back.labels_) == len(back.collection) == 24
    assert set(back.commonalities_.to_frames()) >= {"keywords", "representatives"}
    assert back.notes_ == {}
    resaved = Study.load(back.save(tmp_path / "new"), cache_dir=None)
    for name in ("embeddings_", "labels_"):
        np.testing.assert_array_equal(resaved.get(name), back.get(name))
    pd.testing.assert_frame_equal(resaved.descriptions_, back.descriptions_)


def test_an_unknown_format_says_which_version_reads_it(tmp_path):
    import json

    folder = tmp_path / "future"
    shutil.copytree(Path(__file__).parent / "data" / "study_v0_1_0", folder)
    manifest = json.loads((folder / "study.json").read_text())
    manifest["format_version"] = 99
    (folder / "study.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="format 99 is not one this version"):
        Study.load(folder)
