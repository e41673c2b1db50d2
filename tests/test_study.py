import json

import numpy as np
import pandas as pd
import pytest

from artopic_nb import Study
from artopic_nb.pipeline.study import StepNotRunError


@pytest.fixture()
def study(fixture_collection, tmp_path):
    return Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)


def run_core(study, **cluster):
    study.embed(embedder="color").reduce(method="pca").cluster(
        **({"method": "kmeans", "n_clusters": 3} | cluster))
    return study.sample(per_cluster=3, strategy="diverse")


def test_results_exist_only_after_their_step(study):
    with pytest.raises(StepNotRunError, match=r"study.embed\(\)"):
        _ = study.embeddings_
    with pytest.raises(StepNotRunError, match="embed"):
        study.reduce()
    run_core(study)
    n = len(study.collection)
    assert study.embeddings_.shape[0] == n and study.coords_.shape == (n, 2)
    assert study.labels_.shape == (n,) and set(study.samples_.columns) == {"id", "cluster", "rank"}
    assert study.params_["cluster"]["n_clusters"] == 3 and study.params_["sample"]["seed"] == 0
    assert set(study.timings_) == {"embed", "reduce", "cluster", "sample"}
    assert study.steps_done() == ["embed", "reduce", "cluster", "sample"]


def test_rerunning_a_step_drops_what_depended_on_it(study):
    run_core(study)
    study.reduce(method="pca", n_components=3)
    assert study.has("reduce") and not study.has("cluster") and not study.has("sample")
    assert "cluster" not in study.params_


def test_recluster_reuses_reduction_and_notifies(study):
    run_core(study)
    reduced = study.reduced_
    seen = []
    undo = study.on_change(seen.append)
    labels = study.recluster(n_clusters=2).labels_  # every step returns the study
    assert study.reduced_ is reduced  # nothing else recomputed
    assert len(set(labels.tolist())) == 2 and seen == ["cluster"]
    undo()
    study.recluster(n_clusters=4)
    assert seen == ["cluster"]
    with pytest.raises(TypeError, match="min_cluster_sise"):
        study.recluster(min_cluster_sise=3)


def test_recluster_with_new_neighbours_reduces_again(study):
    study.embed(embedder="color").reduce(method="umap", n_neighbors=5).cluster(min_cluster_size=3)
    study.recluster(n_neighbors=6)
    assert study.params_["reduce"]["n_neighbors"] == 6 and study.has("cluster")


def test_same_seed_same_results(fixture_collection, tmp_path):
    a = run_core(Study(fixture_collection, cache_dir=None, progress=False))
    b = run_core(Study(fixture_collection, cache_dir=tmp_path, progress=False))
    np.testing.assert_array_equal(a.labels_, b.labels_)
    pd.testing.assert_frame_equal(a.samples_, b.samples_)


def test_reduce_is_cached(study):
    study.embed(embedder="color").reduce(method="umap", n_neighbors=5)
    hits = study.cache.hits
    study.reduce(method="umap", n_neighbors=5)
    assert study.cache.hits == hits + 1  # one entry holds the whole result


def test_save_load_round_trip(study, tmp_path):
    run_core(study)
    saved = study.save(tmp_path / "saved")
    assert not list(saved.glob("*.pkl"))
    back = Study.load(saved)
    pd.testing.assert_frame_equal(back.collection.metadata, study.collection.metadata)
    for attr in ("embeddings_", "reduced_", "coords_", "labels_"):
        np.testing.assert_array_equal(getattr(back, attr), getattr(study, attr))
    pd.testing.assert_frame_equal(back.samples_, study.samples_)
    assert back.params_ == study.params_ and back.embedder_id_ == study.embedder_id_
    assert back.cluster_summary().equals(study.cluster_summary())
    # a saved study can be saved over, and keeps working
    back.recluster(n_clusters=2)
    back.save(saved)
    assert Study.load(saved).params_["cluster"]["n_clusters"] == 2
    manifest = json.loads((saved / "study.json").read_text())
    assert manifest["format_version"] == 1


def test_load_refuses_what_is_not_a_study(tmp_path):
    with pytest.raises(FileNotFoundError, match="study.json"):
        Study.load(tmp_path)


def test_study_needs_a_collection():
    with pytest.raises(TypeError, match="load_folder"):
        Study(["a.jpg"])


def test_agreement_and_summary_use_known_genres(study):
    run_core(study)
    stats = study.agreement()
    assert set(stats.index) >= {"ari", "nmi", "purity"}
    table = study.cluster_summary()
    assert table["size"].sum() == len(study.collection)
    assert any(c.startswith("genre: ") for c in table.columns)


def test_html_views(study, tmp_path):
    run_core(study)
    assert "kmeans" in study._repr_html_()
    report = study.to_html(tmp_path / "r.html").read_text()
    assert report.count("<img") >= len(study.collection)
    assert "Cluster 0" in report and "<script" not in report


@pytest.fixture(scope="module")
def tiny_vlm_dir(tmp_path_factory):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _tiny_vlm import build_tiny_llava

    return build_tiny_llava(tmp_path_factory.mktemp("vlm") / "tiny-llava")


def test_describe_two_models_then_genres_and_commonalities(fixture_collection, tmp_path,
                                                            tiny_vlm_dir):
    study = run_core(Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False))
    study.describe(describers=["attributes", f"hf:{tiny_vlm_dir}"])
    d = study.descriptions_
    assert set(d.prompt) == {"caption", "description"} and d.model.nunique() == 2
    assert sorted(d.id.unique()) == sorted(study.samples_.id)
    assert (d.groupby(["model", "prompt"]).size() == len(study.samples_)).all()
    agreement = study.caption_agreement()
    assert len(agreement) == len(study.samples_) and agreement.between(-1, 1).all()

    study.predict_genres()
    pred = study.genre_predictions_
    assert set(pred.columns) >= {"id", "model", "predicted", "known"} and pred.model.nunique() == 2
    table = study.genre_report()
    assert set(table.index) == set(d.model) and table.accuracy.between(0, 1).all()

    study.find_commonalities()
    com = study.commonalities_
    assert set(com.keywords.cluster) <= set(study.labels_.tolist())
    assert not any(w in t for t in com.keywords.term for w in ("attribute describer", "measured"))

    # everything survives save / load, and lands in the report
    back = Study.load(study.save(tmp_path / "saved"))
    pd.testing.assert_frame_equal(back.descriptions_, study.descriptions_)
    pd.testing.assert_frame_equal(back.genre_predictions_, study.genre_predictions_)
    pd.testing.assert_frame_equal(back.commonalities_.keywords, com.keywords)
    html = back.to_html(tmp_path / "r.html").read_text()
    assert "Genres predicted from captions" in html and "Visual:" in html

    # a rerun is read from the cache: nothing generated again
    study.describe(describers=["attributes", f"hf:{tiny_vlm_dir}"])
    assert study.descriptions_.cached.all()

    # re-clustering drops the commonalities (they depend on the clusters) but keeps the texts
    study.recluster(n_clusters=2)
    assert study.has("describe") and not study.has("commonalities")


def test_describe_needs_samples_or_ids(study):
    study.embed(embedder="color").reduce(method="pca").cluster(method="kmeans", n_clusters=2)
    with pytest.raises(StepNotRunError, match="sample"):
        study.describe(describers=["attributes"])
    study.describe(describers=["attributes"], ids=[0, 1], prompts=("caption",))
    assert study.descriptions_.id.tolist() == [0, 1]


def test_explicit_unloadable_model_is_an_error_default_falls_back(study, capsys, monkeypatch):
    from artopic_nb.models.hub import ModelUnavailableError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    run_core(study)
    with pytest.raises(ModelUnavailableError, match="local folder"):
        study.describe(describers=["hf:HuggingFaceTB/SmolVLM-256M-Instruct"])
    study.describe(prompts=("caption",))
    assert set(study.descriptions_.model) == {"attributes"}
    assert "attribute describer instead" in capsys.readouterr().out


def test_load_refuses_a_manifest_naming_other_files(study, tmp_path):
    run_core(study)
    saved = study.save(tmp_path / "s")
    manifest = json.loads((saved / "study.json").read_text())
    manifest["arrays"].append("../../etc/passwd")
    (saved / "study.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="unexpected entries"):
        Study.load(saved)


def test_load_falls_back_to_the_previous_save_after_an_interrupted_swap(study, tmp_path):
    run_core(study)
    saved = study.save(tmp_path / "s")
    saved.rename(tmp_path / ".s.old")  # the state between the two renames of save()
    with pytest.warns(UserWarning, match="previous save"):
        back = Study.load(tmp_path / "s")
    np.testing.assert_array_equal(back.labels_, study.labels_)


def test_genres_and_commonalities_are_cached(fixture_collection, tmp_path, monkeypatch):
    def fresh():
        s = run_core(Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False))
        return s.describe(describers=["attributes"])

    first = fresh().predict_genres().find_commonalities()
    import artopic_nb.genre.predict as genre_mod
    import artopic_nb.steps.commonalities as topics_mod

    def fail(*args, **kwargs):
        raise AssertionError("recomputed instead of read from the cache")

    monkeypatch.setattr(genre_mod, "predict_genres", fail)
    monkeypatch.setattr(topics_mod, "find_commonalities", fail)
    second = fresh().predict_genres().find_commonalities()
    pd.testing.assert_frame_equal(second.genre_predictions_, first.genre_predictions_)
    for name, frame in first.commonalities_.to_frames().items():
        pd.testing.assert_frame_equal(second.commonalities_.to_frames()[name], frame,
                                      check_dtype=False)
    assert second.params_["commonalities"] == first.params_["commonalities"]


def test_parameter_names_deprecated_in_0_1_are_gone(study):
    # their warnings said "the old name goes in the next release": 0.2.0 is that release
    with pytest.raises(TypeError, match="model"):
        study.embed(model="color")
    study.embed("color").reduce(method="pca").cluster("kmeans", n_clusters=2).sample(per_cluster=1)
    with pytest.raises(TypeError, match="models"):
        study.describe(models=["attributes"])
    with pytest.raises(TypeError, match="quantize"):
        study.describe(describers=["attributes"], quantize=True)


def test_cluster_records_only_the_methods_own_parameters(study):
    study.embed(embedder="color").reduce(method="pca")
    study.cluster("kmeans", n_clusters=3)
    assert study.params_["cluster"] == {"method": "kmeans", "n_clusters": 3, "seed": 0}
    study.cluster("hdbscan")
    assert set(study.params_["cluster"]) == {"method", "min_cluster_size", "min_samples",
                                             "cluster_selection_epsilon", "max_cluster_size"}
    with pytest.raises(TypeError, match=r"hdbscan takes \['cluster_selection_epsilon'"):
        study.cluster("hdbscan", n_clusters=3)
    study.recluster(method="agglomerative", linkage="average")
    assert study.params_["cluster"]["linkage"] == "average" and "min_samples" not in study.params_["cluster"]


def test_each_describer_carries_its_own_options(study):
    import artopic_nb as an

    run_core(study)
    study.describe(describers=[an.models.attributes()], prompts=("caption",))
    assert study.params_["describe"]["describers"] == ["attributes"]
