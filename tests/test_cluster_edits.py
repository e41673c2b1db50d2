"""Curated clusters as plain functions: every edit, replay after an upstream change, undo,
the hierarchy and names (artopic_nb.steps.cluster.edits)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from artopic_nb.steps.cluster.edits import (
    apply_edits,
    cluster_tree,
    edits_frame,
    find_cluster,
    labels_at_level,
    names_from_claims,
    names_from_keywords,
    record,
    split_labels,
)


@pytest.fixture
def blobs():
    """Four tight blobs on a line (0 and 1 close, 2 and 3 close), cluster 1 in two halves."""
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [3, 0], [20, 0], [23, 0]], float)
    sizes = [30, 20, 15, 10]
    X = np.vstack([c + rng.normal(0, 0.3, (s, 2)) for c, s in zip(centres, sizes, strict=True)])
    X[30:40, 1] += 6  # cluster 1: two halves, 6 apart
    labels = np.repeat(np.arange(4), sizes)
    return X, labels


def replay(labels, log, X=None):
    return apply_edits(labels, log, X)


def test_rename_names_a_cluster(blobs):
    X, labels = blobs
    out = replay(labels, [record(labels, "rename", cluster=2, name="  Dutch still lifes ")])
    assert out.names == {2: "Dutch still lifes"}
    assert (out.labels == labels).all() and out.applied == [True]


def test_merge_keeps_the_first_number_and_leaves_a_gap(blobs):
    X, labels = blobs
    out = replay(labels, [record(labels, "merge", clusters=[1, 3])])
    assert sorted(set(out.labels.tolist())) == [0, 1, 2]
    assert (out.labels == 1).sum() == 30
    assert (out.labels[labels == 3] == 1).all()


def test_merge_carries_a_name_and_can_name_the_result(blobs):
    X, labels = blobs
    log = [record(labels, "rename", cluster=3, name="small")]
    log.append(record(replay(labels, log).labels, "merge", clusters=[1, 3]))
    assert replay(labels, log).names == {1: "small"}
    log[-1] = record(labels, "merge", clusters=[1, 3], name="joined")
    assert replay(labels, log).names == {1: "joined"}


def test_split_recluster_inside_finds_the_two_halves(blobs):
    X, labels = blobs
    out = replay(labels, [record(labels, "split", cluster=1, n=2)], X)
    halves = out.labels[30:50]
    assert set(halves.tolist()) == {1, 4}  # the larger part keeps 1, the other takes 4
    assert len(set(halves[:10].tolist())) == 1 and len(set(halves[10:].tolist())) == 1
    found = replay(labels, [record(labels, "split", cluster=1)], X).labels[30:50]  # n=None
    assert len(set(found.tolist())) == 2


def test_split_needs_the_reduced_embeddings(blobs):
    X, labels = blobs
    out = replay(labels, [record(labels, "split", cluster=1, n=2)])
    assert out.applied == [False] and "reduced embeddings" in out.problems[0]


def test_move_and_move_to_noise(blobs):
    X, labels = blobs
    log = [record(labels, "move", ids=[0, 1, 2], to=2)]
    out = replay(labels, log)
    assert out.labels[:3].tolist() == [2, 2, 2] and (out.labels == 0).sum() == 27
    log.append(record(out.labels, "move", ids=[3], to=-1))
    assert replay(labels, log).labels[3] == -1


def test_new_cluster_from_ids_takes_the_next_number(blobs):
    X, labels = blobs
    out = replay(labels, [record(labels, "new", ids=[5, 6, 7, 50], name="mine")])
    assert out.labels[[5, 6, 7, 50]].tolist() == [4] * 4 and out.names == {4: "mine"}


def test_undo_is_dropping_the_last_edit(blobs):
    X, labels = blobs
    log = [record(labels, "merge", clusters=[0, 1])]
    log.append(record(replay(labels, log).labels, "new", ids=[60, 61]))
    before = replay(labels, log[:1]).labels
    assert (replay(labels, log[:-1]).labels == before).all()
    assert (replay(labels, []).labels == labels).all()


def test_record_refuses_what_cannot_be_done(blobs):
    X, labels = blobs
    with pytest.raises(ValueError, match="no cluster 9"):
        record(labels, "rename", cluster=9, name="x")
    with pytest.raises(ValueError, match="two different"):
        record(labels, "merge", clusters=[1, 1])
    with pytest.raises(ValueError, match="not in the collection"):
        record(labels, "move", ids=[1000], to=0)
    with pytest.raises(ValueError, match="noise"):
        record(labels, "rename", cluster=-1, name="x")
    with pytest.raises(ValueError, match="one of"):
        record(labels, "delete", cluster=1)
    with pytest.raises(ValueError, match="name"):
        record(labels, "rename", cluster=1, name=" ")


def test_replay_after_an_upstream_rerun_follows_the_works(blobs):
    """The algorithm renumbers its clusters and loses some works to noise: edits still find
    their clusters by their works; one whose cluster dissolved is reported, not guessed."""
    X, labels = blobs
    log = [record(labels, "rename", cluster=0, name="zero")]
    log.append(record(labels, "merge", clusters=[2, 3]))
    log.append(record(replay(labels, log).labels, "move", ids=[0, 1], to=2))
    log.append(record(replay(labels, log).labels, "rename", cluster=1, name="one"))
    rerun = np.select([labels == 0, labels == 1, labels == 2, labels == 3], [3, 2, 1, 0])
    rerun[30:45] = -1  # most of old cluster 1 is noise now
    out = replay(rerun, log, X)
    assert out.names == {3: "zero"}
    # old 2 is now 1 and old 3 is 0: the merge goes into old 2's new number, and so do the moved
    assert (out.labels[labels >= 2] == 1).all() and out.labels[[0, 1]].tolist() == [1, 1]
    assert out.applied == [True, True, True, False]
    assert len(out.problems) == 1 and "edit 4 (rename" in out.problems[0]
    assert "cluster 1 (20 works) is gone" in out.problems[0]


def test_replay_leaves_out_works_that_no_longer_exist(blobs):
    X, labels = blobs
    log = [record(labels, "new", ids=[0, 1, 2])]
    alive = np.ones(len(labels), bool)
    alive[[0, 1, 2]] = False
    out = apply_edits(labels, log, alive=alive)
    assert out.applied == [False] and "none of its works" in out.problems[0]
    assert (out.labels[:3] == -1).all()
    assert find_cluster(labels, 0, []) is None


def test_edits_frame_says_what_which_works_and_when(blobs):
    X, labels = blobs
    log = [record(labels, "move", ids=[4, 5], to=1, when="2024-01-01T00:00:00+00:00"),
           record(labels, "merge", clusters=[2, 3])]
    frame = edits_frame(log, [True, False])
    assert frame["what"].tolist() == ["move", "merge"]
    assert frame["works"].tolist() == [2, 25] and frame["ids"][0] == [4, 5]
    assert frame["when"][0].startswith("2024") and frame["applied"].tolist() == [True, False]


def test_tree_merges_near_clusters_first_and_cuts_at_levels(blobs):
    X, labels = blobs
    kw = {0: ["red", "apple"], 1: ["red", "pear"], 2: ["sea"], 3: ["sky", "sea"]}
    tree = cluster_tree(labels, X, keywords=kw)
    assert len(tree) == 7 and (tree["parent"] == -1).sum() == 1
    assert tree.loc[tree["node"] == 0, "parent"].item() == tree.loc[tree["node"] == 1, "parent"].item()
    root = tree[tree["parent"] == -1].iloc[0]
    assert root["size"] == len(labels) and root["clusters"] == [0, 1, 2, 3] and root["level"] == 3
    assert tree[tree["clusters"].apply(lambda c: c == [0, 1])]["keywords"].item()[0] == "red"
    assert (labels_at_level(labels, tree, level=0) == labels).all()
    two = labels_at_level(labels, tree, n_clusters=2)
    assert sorted(set(two.tolist())) == [0, 2]
    assert (two[labels <= 1] == 0).all() and (two[labels >= 2] == 2).all()
    assert set(labels_at_level(labels, tree, level=3).tolist()) == {0}
    with pytest.raises(ValueError, match="between 0 and 3"):
        labels_at_level(labels, tree, level=4)


def test_tree_keeps_noise_and_gaps():
    labels = np.array([-1, 0, 0, 5, 5, 7, 7])
    X = np.array([[9.], [0], [0.1], [1], [1.1], [8], [8.1]])
    tree = cluster_tree(labels, X)
    assert sorted(tree.loc[tree["level"] == 0, "node"].tolist()) == [0, 5, 7]
    assert labels_at_level(labels, tree, n_clusters=2).tolist() == [-1, 0, 0, 0, 0, 7, 7]
    assert cluster_tree(np.array([-1, -1]), np.zeros((2, 1))).empty


def test_split_labels_gives_every_work_a_part():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 0.2, (40, 3)), rng.normal(4, 0.2, (25, 3)), [[2, 2, 2]]])
    parts = split_labels(X)
    assert (parts >= 0).all() and np.bincount(parts).tolist() in ([41, 25], [40, 26])
    with pytest.raises(ValueError, match="one work"):
        split_labels(X[:1])


def test_names_from_keywords_are_short_and_distinct():
    names = names_from_keywords({0: ["portrait", "portraits", "dark"], 1: ["portrait", "dark", "hat"],
                                 2: []})
    assert names[0] == "portrait, portraits" or names[0].startswith("portrait")
    assert names[0] != names[1] and 2 not in names


def test_names_from_claims_use_only_supported_claims():
    claims = pd.DataFrame({
        "cluster": [0, 0, 0, 1],
        "claim": ["a dog", "gold frame", "a long claim with too many words", "ships"],
        "flags": ["low support", "", "", "no contrast"],
        "support": [0.0, 0.8, 0.9, 0.7], "difference": [0.9, 0.5, 0.6, 0.1]})
    names = names_from_claims(claims, {0: ["kw"], 1: ["sea", "boat"]})
    assert names == {0: "gold frame", 1: "sea, boat"}
