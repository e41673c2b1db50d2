"""Shaping a study's clusters: every edit verb, undo, levels, names, export, save/load with
edits, replay after an upstream re-run, the cache keys of later steps, and the default
granularity (artopic_nb.pipeline.shaping, artopic_nb.steps.cluster)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from artopic_nb.pipeline.study import Study
from artopic_nb.steps.cluster import readable_hdbscan, target_clusters


@pytest.fixture()
def study(fixture_collection, tmp_path):
    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    return s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=4)


def sizes(labels) -> list[int]:
    return np.bincount(labels[labels >= 0]).tolist()


def test_every_edit_returns_the_study_and_changes_labels_(study):
    before = study.labels_.copy()
    assert study.algorithm_labels_.tolist() == before.tolist()
    assert study.rename_cluster(1, "dark ones") is study
    assert study.cluster_names_[1] == "dark ones"
    assert study.merge_clusters([2, 3]) is study
    assert set(study.labels_.tolist()) == {0, 1, 2}
    assert (study.labels_[before == 3] == 2).all()
    assert study.split_cluster(0, n=2) is study
    assert len(set(study.labels_.tolist())) == 4
    moved = np.flatnonzero(study.labels_ == 1)[:2].tolist()
    assert study.move_works(moved, to=2) is study
    assert (study.labels_[moved] == 2).all()
    assert study.new_cluster([0, 5]) is study
    assert study.labels_[[0, 5]].tolist() == [study.labels_.max()] * 2
    assert study.algorithm_labels_.tolist() == before.tolist()  # the algorithm's stay
    edits = study.edits_
    assert edits["what"].tolist() == ["rename", "merge", "split", "move", "new"]
    assert edits.loc[3, "ids"] == moved and edits["applied"].all()
    assert pd.to_datetime(edits["when"]).notna().all()


def test_undo_drops_the_last_edit(study):
    states = [study.labels_.copy()]
    study.merge_clusters([0, 1])
    states.append(study.labels_.copy())
    study.new_cluster([3, 4])
    states.append(study.labels_.copy())
    study.new_cluster([5, 6])
    for expected in reversed(states):
        study.undo()
        assert study.labels_.tolist() == expected.tolist()
    assert study.edits_.empty and len({tuple(s) for s in states}) == 3
    with pytest.raises(ValueError, match="no edit to undo"):
        study.undo()


def test_a_bad_edit_leaves_the_log_as_it_was(study):
    with pytest.raises(ValueError, match="no cluster 9"):
        study.rename_cluster(9, "x")
    with pytest.raises(ValueError, match="not in the collection"):
        study.move_works([999], to=0)
    assert study.edits_.empty


@pytest.mark.parametrize(("verb", "args", "message"), [
    ("move_works", (["abc"], 2), r"each of ids \(work ids 0 to \d+\) must be a whole number, not 'abc'"),
    ("move_works", ("abc", 2), "ids must be a list of work ids"),
    ("move_works", ([1], "x"), "to .* must be a whole number, not 'x'"),
    ("merge_clusters", (3,), r"clusters must be a list of cluster numbers, e\.g\. \[3, 5\]"),
    ("rename_cluster", ("one", "x"), "a cluster must be a whole number, not 'one'"),
    ("split_cluster", (0, 100), r"cluster 0 has \d+ works: split it into 2 to \d+ parts"),
])
def test_bad_arguments_name_themselves_and_change_nothing(study, verb, args, message):
    before = study.labels_.copy()
    with pytest.raises(ValueError, match=message):
        getattr(study, verb)(*args)
    assert study.edits_.empty and study.labels_.tolist() == before.tolist()


def test_has_names_the_steps_for_an_unknown_one(study):
    assert study.has("cluster") and study.has("reduce") and not study.has("describe")
    with pytest.raises(ValueError, match=r"there is no step 'edits'; the steps are \['embed'"):
        study.has("edits")


def test_later_steps_follow_the_edits_and_their_keys_change(study):
    study.sample(per_cluster=3)
    plain = study.samples_.copy()
    study.merge_clusters([0, 1])
    assert not study.has("sample")  # dropped: it read the old labels
    study.sample(per_cluster=3)
    assert set(study.samples_["cluster"]) == set(study.labels_[study.labels_ >= 0].tolist())
    assert not plain.equals(study.samples_)
    hits = study.cache.hits
    study.undo().sample(per_cluster=3)  # the same labels as before: the same cache entries
    assert study.cache.hits >= hits + 2
    pd.testing.assert_frame_equal(study.samples_, plain)


def test_commonalities_and_names_follow_curated_clusters(study):
    study.merge_clusters([2, 3]).rename_cluster(0, "first")
    study.sample(per_cluster=4).describe(describers=["attributes"]).find_commonalities()
    clusters = set(study.commonalities_.keywords["cluster"])
    assert clusters <= set(study.labels_.tolist()) and 3 not in clusters
    names = study.cluster_names_
    assert names[0] == "first" and all(names.get(c) for c in clusters if c >= 0)
    tree = study.cluster_tree_
    assert tree.loc[tree["node"] == 0, "name"].item() == "first"
    assert all(len(k) > 0 for k in tree["keywords"])


def test_levels_of_the_hierarchy(study):
    tree = study.cluster_tree_
    assert (tree["level"] == 0).sum() == 4 and tree["level"].max() == 3
    study.cluster(level=2)
    assert len(set(study.labels_.tolist()) - {-1}) == 2
    assert study.params_["cluster"]["method"] == "kmeans"  # the algorithm is not rerun
    study.cluster(level=0)
    assert len(set(study.labels_.tolist())) == 4
    study.cluster(level=3).rename_cluster(0, "all")  # an edit at a level keeps what is shown
    assert set(study.labels_.tolist()) == {0} and study.params_["cluster"].get("level", 0) == 0
    assert study.edits_["what"].tolist().count("merge") == 1
    with pytest.raises(ValueError, match="between 0 and"):
        study.cluster(level=9)


def test_save_and_load_keep_the_edits(study, tmp_path):
    study.merge_clusters([1, 2]).rename_cluster(1, "joined").move_works([0], to=-1)
    study.save(tmp_path / "saved")
    back = Study.load(tmp_path / "saved", progress=False)
    assert back.labels_.tolist() == study.labels_.tolist()
    assert back.cluster_names_ == {1: "joined"}
    pd.testing.assert_frame_equal(back.edits_, study.edits_)
    back.undo()
    assert back.labels_[0] != -1


def test_replay_after_an_upstream_rerun_reports_what_no_longer_applies(study, capsys):
    big = int(np.bincount(study.labels_).argmax())
    small = int(np.bincount(study.labels_).argmin())
    members = np.flatnonzero(study.labels_ == big).tolist()
    study.rename_cluster(big, "biggest").rename_cluster(small, "smallest")
    study.new_cluster(members[:2], name="pair")
    study.recluster(n_clusters=2)  # the algorithm again: the log is replayed on new labels
    assert study.algorithm_labels_.max() == 1
    # the biggest cluster is (most of) one of the two; the smallest is a sliver of the other
    assert study.edits_["applied"].tolist() == [True, False, True]
    assert len(study.edit_problems_) == 1 and "edit 2 (rename" in study.edit_problems_[0]
    assert "edit 2 (rename" in study.notes_["cluster"] and "edit 2" in capsys.readouterr().out
    assert sorted(study.cluster_names_.values()) == ["biggest", "pair"]
    study.recluster(n_clusters=4)  # back: every edit applies again
    assert study.edits_["applied"].all() and study.edit_problems_ == []
    assert set(study.cluster_names_.values()) == {"biggest", "smallest", "pair"}


def test_export_csv_and_parquet(study, tmp_path):
    study.rename_cluster(1, "named")
    csv = pd.read_csv(study.export(tmp_path / "c.csv"))
    assert len(csv) == len(study.labels_) and set(csv.columns) >= {"id", "cluster", "name", "size"}
    assert (csv.loc[csv["cluster"] == 1, "name"] == "named").all()
    per = pd.read_parquet(study.export(tmp_path / "c.parquet", members="lists"))
    assert sorted(i for m in per["members"] for i in m) == list(range(len(study.labels_)))
    with pytest.raises(ValueError, match="csv or .parquet"):
        study.export(tmp_path / "c.xlsx")


def test_export_after_a_recluster_says_what_is_missing(study, tmp_path, capsys):
    study.rename_cluster(0, "kept")
    study.recluster(n_clusters=3)
    capsys.readouterr()
    frame = pd.read_csv(study.export(tmp_path / "after.csv"))
    assert "run study.find_commonalities()" in capsys.readouterr().out
    assert len(frame) == len(study.labels_) and (frame.loc[frame["cluster"] == 0, "name"] == "kept").all()


def test_default_granularity_is_readable_and_says_why():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 6, (12, 5))
    sizes_ = rng.integers(20, 200, 12)
    X = np.vstack([c + rng.normal(0, 0.5, (s, 5)) for c, s in zip(centres, sizes_, strict=True)])
    params, labels, why = readable_hdbscan(X)
    k = labels.max() + 1
    assert 5 <= k <= 50 and (labels < 0).mean() <= 0.4
    assert "nearest sqrt(n)/2" in why and str(params["min_cluster_size"]) in why
    assert target_clusters(174) == 7 and target_clusters(10**6) == 50


def test_study_default_notes_the_choice(fixture_collection):
    s = Study(fixture_collection, cache_dir=None, progress=False)
    s.embed(embedder="color").reduce(method="pca").cluster()
    assert "min_cluster_size" in s.notes_["cluster"] and "chosen" in s.notes_["cluster"]
    # the parameter as given; the step's choice beside the labels
    assert s.params_["cluster"]["min_cluster_size"] == "auto"
    assert isinstance(s.cluster_fit_["params"]["min_cluster_size"], int)


def test_claims_with_no_support_never_rank_first():
    from artopic_nb.text.claims import rank_claims

    claims = pd.DataFrame({"claim": ["nowhere", "true", "half"], "lift": [2.7, 1.2, 1.5],
                           "support": [0.0, 0.9, 0.5]})
    assert rank_claims(claims)["claim"].tolist() == ["half", "true", "nowhere"]


def test_the_report_shows_names_and_edits(study, tmp_path):
    study.rename_cluster(2, "Dutch <still> lifes")
    html = study.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Cluster 2 · Dutch &lt;still&gt; lifes" in html
    assert "<h3>Edits</h3>" in html and "rename" in html


def test_claims_of_puts_unsupported_claims_last():
    from artopic_nb.steps.commonalities import Commonalities
    from artopic_nb.text.claims import CLAIM_COLUMNS

    rows = [{c: None for c in CLAIM_COLUMNS} | {"cluster": 0, "claim": claim, "judge": "j",
                                                 "source": "keyword", "lift": lift, "support": s}
            for claim, lift, s in (("nowhere", 2.7, 0.0), ("true", 1.3, 0.8))]
    com = Commonalities.__new__(Commonalities)
    com.claims = pd.DataFrame(rows)
    assert com.claims_of(0)["claim"].tolist() == ["true", "nowhere"]
