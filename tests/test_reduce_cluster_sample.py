import numpy as np
import pandas as pd
import pytest

from artopic_nb.steps.cluster import agreement, cluster_labels, cluster_summary
from artopic_nb.steps.reduce import reduce_embeddings
from artopic_nb.steps.sample import sample_per_cluster


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 32)) * 4
    X = np.vstack([c + rng.normal(size=(40, 32)) for c in centres]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    truth = np.repeat(["a", "b", "c"], 40)
    return X, truth


def test_umap_is_deterministic_and_finds_the_blobs(blobs):
    X, truth = blobs
    r1, c1, used = reduce_embeddings(X, n_components=5, n_neighbors=10, seed=0)
    r2, c2, _ = reduce_embeddings(X, n_components=5, n_neighbors=10, seed=0)
    assert used == "umap" and r1.shape == (120, 5) and c1.shape == (120, 2)
    assert r1.dtype == np.float32 and c1.dtype == np.float32
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_array_equal(c1, c2)
    labels = cluster_labels(r1, min_cluster_size=10)
    assert agreement(labels, truth)["ari"] > 0.9


def test_pca_for_tiny_collections_and_on_request(blobs):
    X, _ = blobs
    _, _, used = reduce_embeddings(X[:20], n_neighbors=15)
    assert used == "pca"
    r, c, used = reduce_embeddings(X, method="pca")
    assert used == "pca" and r.shape == (120, 5) and c.shape == (120, 2)
    with pytest.raises(ValueError, match="method"):
        reduce_embeddings(X, method="tsne")
    # one or two works are a collection too: one at the origin, two on a line
    r, c, used = reduce_embeddings(X[:1])
    assert used == "pca" and r.shape == (1, 5) and not c.any()
    r, c, used = reduce_embeddings(X[:2])
    assert c.shape == (2, 2) and np.isclose(c[0, 0], -c[1, 0]) and c[0, 0] != 0
    assert np.allclose(c[:, 1], 0)


def test_size_defaults_scale_with_the_collection():
    from artopic_nb.steps.cluster import size_defaults

    assert [size_defaults(n)[0] for n in (1, 5, 12, 20, 50, 174, 10_000)] == [2, 2, 2, 3, 4, 8, 60]
    assert [size_defaults(n, "kmeans")[1] for n in (1, 3, 12, 50, 174, 10_000)] == [1, 1, 2, 5, 8, 8]
    assert size_defaults(20, "hdbscan", 5)[2] == ""  # given values are kept, not explained
    assert "n_clusters 5" in size_defaults(50, "kmeans")[2]
    for method in ("hdbscan", "kmeans", "agglomerative"):  # one work is a legal collection
        assert cluster_labels(np.zeros((1, 5)), method=method).tolist() == \
            ([-1] if method == "hdbscan" else [0])


@pytest.mark.parametrize("method", ["hdbscan", "kmeans", "agglomerative"])
def test_each_method_recovers_blobs(blobs, method):
    X, truth = blobs
    labels = cluster_labels(X, method=method, n_clusters=3, min_cluster_size=10, seed=0)
    assert labels.dtype == np.int64
    assert agreement(labels, truth)["ari"] > 0.9
    # clusters are numbered by size, largest first
    sizes = np.bincount(labels[labels >= 0])
    assert list(sizes) == sorted(sizes, reverse=True)


def test_hdbscan_marks_noise():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 0.05, (30, 2)), rng.normal(3, 0.05, (30, 2)),
                   rng.uniform(-10, 10, (5, 2))])
    labels = cluster_labels(X, min_cluster_size=10)
    assert (labels[-5:] == -1).sum() >= 4 and set(labels[:60]) == {0, 1}


def test_bad_parameters_name_themselves(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="method"):
        cluster_labels(X, method="dbscan")
    with pytest.raises(ValueError, match="min_cluster_size"):
        cluster_labels(X, min_cluster_size=1)
    with pytest.raises(ValueError, match="n_clusters"):
        cluster_labels(X, method="kmeans", n_clusters=0)


def test_summary_and_agreement_by_hand():
    labels = np.array([0, 0, 0, 1, 1, -1])
    known = pd.Series(["x", "x", "y", "y", "y", "x"])
    X = np.array([[0, 0], [0, 1], [0, 5], [9, 9], [9, 8], [5, 5]], dtype=np.float32)
    table = cluster_summary(labels, X, known)
    assert table.loc[0, "size"] == 3 and table.loc[-1, "size"] == 1
    assert table.loc[0, "medoid_id"] == 1  # nearest the mean (0, 2)
    assert table.loc[0, "genre: x"] == pytest.approx(2 / 3)
    assert table.loc[1, "top_genre"] == "y"
    stats = agreement(labels, known)
    assert stats["purity"] == pytest.approx(4 / 5)
    assert stats["noise_share"] == pytest.approx(1 / 6) and stats["n_clusters"] == 2
    from sklearn.metrics import adjusted_rand_score

    assert stats["ari"] == pytest.approx(adjusted_rand_score(known, labels))


@pytest.mark.parametrize("strategy", ["random", "central", "diverse"])
def test_sampling_is_fair_seeded_and_excludes_noise(blobs, strategy):
    X, _ = blobs
    labels = np.repeat([0, 1, 2], 40)
    labels[:5] = -1
    labels[40:75] = 3  # cluster 1 keeps only 5 members
    a = sample_per_cluster(X, labels, per_cluster=6, strategy=strategy, seed=3)
    b = sample_per_cluster(X, labels, per_cluster=6, strategy=strategy, seed=3)
    pd.testing.assert_frame_equal(a, b)
    counts = a.groupby("cluster").size().to_dict()
    assert counts == {0: 6, 1: 5, 2: 6, 3: 6}
    assert -1 not in counts and a.id.is_unique
    assert (labels[a.id] == a.cluster).all()
    with_noise = sample_per_cluster(X, labels, per_cluster=6, strategy=strategy, include_noise=True)
    assert with_noise.groupby("cluster").size()[-1] == 5


def test_central_and_diverse_pick_what_they_say():
    X = np.array([[0, 0], [0.1, 0], [-0.1, 0], [5, 0], [-5, 0]], dtype=np.float32)
    labels = np.zeros(5, dtype=int)
    central = sample_per_cluster(X, labels, per_cluster=3, strategy="central").id.tolist()
    diverse = sample_per_cluster(X, labels, per_cluster=3, strategy="diverse").id.tolist()
    assert set(central) == {0, 1, 2}
    assert diverse[0] == 0 and set(diverse[1:]) == {3, 4}


def test_random_sampling_depends_on_seed(blobs):
    X, _ = blobs
    labels = np.zeros(len(X), dtype=int)
    a = sample_per_cluster(X, labels, per_cluster=5, strategy="random", seed=0).id.tolist()
    b = sample_per_cluster(X, labels, per_cluster=5, strategy="random", seed=1).id.tolist()
    assert a != b


def test_sample_errors_name_the_parameter(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="strategy"):
        sample_per_cluster(X, np.zeros(len(X)), strategy="best")
    with pytest.raises(ValueError, match="per_cluster"):
        sample_per_cluster(X, np.zeros(len(X)), per_cluster=0)
