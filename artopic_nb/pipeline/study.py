"""Study: one object that holds a collection and the results of every step.

A :class:`Study` only orchestrates: each step method resolves its parameters, and
:meth:`Study._run` reads the step's declaration in :mod:`artopic_nb.pipeline.graph` to check its
inputs ran, derive its cache key, compute or read the result through
:meth:`Cache.get_or_compute <artopic_nb.data.cache.Cache.get_or_compute>`, drop what depended on
an older result, and record parameters and timings. Results are attributes that exist once
their step ran (``embeddings_``, ``coords_``, ``labels_`` ...); ``study.get(name)`` reads one
that may not exist. Every step returns the study; queries (``cluster_summary``,
``agreement``, ``genre_report`` ...) return pandas objects. Randomness takes one ``seed``
(the study's, unless a step is given its own). :meth:`Study.save` writes plain files
(parquet, npy, JSON; no pickle) and :meth:`Study.load` reads them back.

Example
-------
>>> import artopic_nb as an
>>> study = an.Study(an.datasets.met_paintings(), cache_dir=".artopic")   # doctest: +SKIP
>>> study.embed().reduce().cluster("hdbscan", min_cluster_size=8)          # doctest: +SKIP
>>> study.sample(per_cluster=6, strategy="diverse")                        # doctest: +SKIP
>>> study.save("my_study/"); an.Study.load("my_study/")                    # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..data.cache import Cache
from ..data.collection import ImageCollection
from ..genre.names import DEFAULT_GENRES
from ..models.registry import load_describers, load_embedder, text_model_id
from ..steps import cluster as cluster_step
from ..steps.predict_genres import load_genre_predictor
from . import storage
from .ask import StudyAsk
from .queries import StudyQueries
from .runner import StepNotRunError, StepRunner
from .shaping import StudyShaping

__all__ = ["Study", "StepNotRunError"]


class Study(StepRunner, StudyQueries, StudyAsk, StudyShaping):
    """A collection of artworks and every step's results.

    Parameters
    ----------
    collection:
        An :class:`~artopic_nb.data.collection.ImageCollection` (never modified).
    cache_dir:
        Folder of the content-addressed cache; ``None`` caches nothing. A step rerun on the
        same inputs and parameters reads its result from it.
    seed:
        Seed of every random step unless a step is given its own.
    progress:
        Show progress bars.
    """

    def __init__(self, collection: ImageCollection, cache_dir: str | os.PathLike | None = ".artopic",
                 seed: int = 0, progress: bool = True):
        if not isinstance(collection, ImageCollection):
            raise TypeError(f"collection must be an ImageCollection, not {type(collection).__name__}; "
                            "build one with artopic_nb.load_folder(...)")
        if len(collection) == 0:
            raise ValueError("the collection has no readable images (see collection.skipped)")
        self.cache_dir = cache_dir
        super().__init__(collection, Cache(cache_dir), seed, progress)

    # -- steps: each turns the user's arguments into its step's parameters ----------------------
    def embed(self, embedder: Any = "auto", batch_size: int = 32, device: str = "auto") -> Study:
        """Embed every image (``embeddings_``), reading cached rows where they exist.

        ``embedder``: ``"auto"`` (CLIP when it can be loaded, else the no-model embedder, said
        out loud), ``"color"`` (no model), a ``transformers`` hub id or local folder, or an
        embedder object (:mod:`artopic_nb.models.embedders`).
        """
        named = isinstance(embedder, (str, os.PathLike))
        kwargs = {"batch_size": batch_size, "device": device} \
            if named and str(embedder) not in ("color", "colour") else {}
        model = load_embedder(embedder, **kwargs)
        params = {"embedder": str(embedder) if named else repr(embedder), "batch_size": batch_size}
        return self._run("embed", params, {"embedder": model})

    def reduce(self, n_components: int = 5, n_neighbors: int = 15, min_dist: float = 0.0,
               metric: str = "cosine", method: str = "auto", seed: int | None = None) -> Study:
        """Reduce embeddings to n-D (``reduced_``, for clustering) and 2-D (``coords_``)."""
        return self._run("reduce", {"n_components": n_components, "n_neighbors": n_neighbors,
                                    "min_dist": min_dist, "metric": metric, "method": method,
                                    "seed": self._seed(seed)})

    def cluster(self, method: str | None = None, *, level: int | None = None,
                **method_params: Any) -> Study:
        """Cluster the reduced embeddings (``labels_``; -1 is noise), then apply the edit log.

        ``method_params`` are ``method``'s own (see :data:`artopic_nb.steps.cluster.METHOD_PARAMS`):
        HDBSCAN's ``min_cluster_size``, ``min_samples``, ``cluster_selection_epsilon``,
        ``max_cluster_size``; k-means' ``n_clusters`` (and ``seed``); agglomerative's
        ``n_clusters`` and ``linkage``. With no ``min_cluster_size``, HDBSCAN picks a size a
        person can read (:func:`artopic_nb.steps.cluster.readable_hdbscan`: 5 to 50 clusters,
        at most 40 % noise); unset k fits the collection; ``notes_["cluster"]`` says what was
        chosen and why. Edits (``rename_cluster``, ``merge_clusters`` ...) are replayed on the
        new labels (``edit_problems_``: those that no longer apply). ``level``: show the
        clusters ``level`` merges up :attr:`cluster_tree_` (0: all of them); alone
        (``study.cluster(level=2)``) it keeps the algorithm and its labels.

        >>> study.cluster()                          # doctest: +SKIP
        >>> study.cluster(level=3)                   # doctest: +SKIP
        """
        self._require("reduced_")
        if method is None and not method_params and level is not None and self.has("cluster"):
            return self._cluster_with({**self.params_["cluster"], "level": int(level)})
        method = method or "hdbscan"
        n = len(self.reduced_)
        params, why = cluster_step.resolve_params(method, n, self.seed, **method_params)
        if method == "hdbscan" and method_params.get("min_cluster_size") is None and n >= 2:
            chosen, labels, why = cluster_step.readable_hdbscan(
                self.reduced_, method_params.get("min_samples"))
            params.update(chosen)
            algo = {k: v for k, v in params.items()}
            cluster_step.remember(self.reduced_, algo, labels)
        if self.edit_log:  # no edits, no level: the parameters (and key) of plain clustering
            params["edits"] = list(self.edit_log)
        if level:
            params["level"] = int(level)
        return self._cluster_with(params, why and f"chosen for {n} works: {why}")

    def _cluster_with(self, params: dict, why: str = "") -> Study:
        """Run the cluster step with ``params`` (the algorithm's, ``edits`` and ``level``);
        note ``why`` and say which edits no longer apply."""
        why = why or self.notes_.get("cluster", "").split(" | ")[0]
        params = {k: v for k, v in params.items() if k not in ("edits", "level") or v}
        self._run("cluster", params)
        problems = self.edit_problems_
        self._note("cluster", " | ".join([t for t in (why, *problems) if t]))
        if problems:
            print("artopic_nb: " + "; ".join(problems) + ".")
        return self

    def recluster(self, n_neighbors: int | None = None, **changes: Any) -> Study:
        """Cluster again with some parameters changed, reusing the reduction.

        Only a new ``n_neighbors`` reruns the reduction (read from the cache when it was
        computed before). A new ``method`` keeps the parameters that apply to it.
        """
        self._require("labels_")
        old = self.params_["cluster"]
        method = changes.pop("method", old["method"])
        kept = {k: v for k, v in old.items() if k in cluster_step.METHOD_PARAMS[method]}
        if n_neighbors is not None and n_neighbors != self.params_["reduce"]["n_neighbors"]:
            self.reduce(**{**self.params_["reduce"], "n_neighbors": n_neighbors})
        return self.cluster(method, **{**kept, **changes})

    def sample(self, per_cluster: int = 6, strategy: str = "diverse", seed: int | None = None,
               include_noise: bool = False) -> Study:
        """Pick up to ``per_cluster`` works per cluster (``samples_``: id, cluster, rank).

        Noise is left out unless ``include_noise``, or unless clustering found no cluster:
        then the noise is sampled as one group, and the study says so.
        """
        self._require("labels_")
        only_noise = not include_noise and not (self.labels_ >= 0).any()
        self._run("sample", {"per_cluster": per_cluster, "strategy": strategy,
                             "seed": self._seed(seed), "include_noise": include_noise or only_noise})
        if only_noise:
            n = len(self.labels_)
            self._note("sample", "a single work forms no cluster: it is described and "
                       "summarised as a group of its own" if n == 1 else
                       f"clustering found no cluster: all {n} works are noise (-1), sampled as "
                       "one group so that they are still described and summarised; a smaller "
                       "min_cluster_size, or k-means, makes groups", say=True)
        return self

    def describe(self, describers: Sequence[Any] | None = None,
                 prompts: Sequence[str] = ("caption", "description"),
                 ids: Sequence[int] | str | None = None) -> Study:
        """Describe the sampled works with each describer and prompt (``descriptions_``).

        ``describers``: describer specs (``"hf:<id or folder>"``, ``"openai:<model>@<url>"``,
        ``"attributes"``, or an :mod:`artopic_nb.models` spec carrying its own options) or
        describer objects; ``None`` means the two default vision-language models, each
        replaced (with one notice) by the no-model attribute describer when it cannot be
        loaded. A model named explicitly that cannot be loaded is an error. ``ids``: ``None``
        (the samples), ``"all"``, or ids. Texts are cached per image, model, prompt version
        and generation settings, so an interrupted run resumes where it stopped.
        """
        if ids is None:
            self._require("samples_")
            ids = self.samples_["id"].tolist()
        elif isinstance(ids, str) and ids == "all":
            ids = self.collection.ids.tolist()
        ids = [int(i) for i in ids]
        models = load_describers(describers)
        params = {"describers": [d.model_id for d in models], "prompts": list(prompts),
                  "n_ids": len(ids)}
        return self._run("describe", params, {"describers": models, "ids": ids})

    def predict_genres(self, predictor: Any = "embedding", genres: Sequence[str] | None = None,
                       llm: Any = None) -> Study:
        """Predict each described work's genre from its caption, per model (``genre_predictions_``).

        ``predictor``: ``"embedding"`` (sentence-embedding prototypes, offline), ``"llm"`` (a
        constrained choice by ``llm``, a text-model spec or object with ``complete``), or any
        object with ``predict(captions)``. ``genres``: names or a name -> definition mapping;
        by default the collection's known genres.
        """
        self._require("descriptions_")
        known = self.collection.genres
        if genres is None:
            genres = sorted(known.dropna().unique()) if known is not None else DEFAULT_GENRES
        model = load_genre_predictor(predictor, genres, llm)
        params = {"predictor": str(getattr(model, "model_id", type(model).__name__)),
                  "genres": [str(g) for g in genres]}
        return self._run("predict_genres", params, {"predictor": model})

    def find_commonalities(self, llm: Any = None, top_k: int = 10,
                           prompt: str = "description") -> Study:
        """Keywords (visual / content), representative descriptions and, with ``llm``, a
        summary per cluster and aspect (``commonalities_``).

        ``llm``: a text model: a spec (``"smollm2"`` or ``an.models.smollm2()`` run offline)
        or an object with ``complete``.
        Uses the ``prompt`` texts of every model, with each work's current cluster. Noise is
        summarised as a group of its own only when no described work is in a cluster.
        """
        self._require("descriptions_", "labels_")
        llm_id = text_model_id(llm)  # the weights and precision, not only a name
        params = {"llm": None if llm is None else llm_id if llm_id and not isinstance(
            llm, (str, os.PathLike)) else str(llm), "top_k": top_k, "prompt": prompt}
        return self._run("commonalities", params, {"llm": llm, "llm_id": llm_id})

    # -- display and files ----------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"Study({self.collection.name!r}, {len(self.collection)} images, "
                f"steps done: {', '.join(self.steps_done()) or 'none'})")

    def _repr_html_(self) -> str:
        return _study_html(self)

    def to_html(self, path: str | os.PathLike, **kwargs: Any) -> Path:
        """Write the self-contained HTML report (see :mod:`artopic_nb.report`)."""
        from ..report import write_report

        return write_report(self, path, **kwargs)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the study to folder ``path`` (parquet, npy, JSON; no pickle), atomically."""
        return storage.save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, cache_dir: str | os.PathLike | None | bool = True,
             progress: bool = True) -> Study:
        """Read a study written by :meth:`save`. ``cache_dir=True`` keeps the saved cache folder."""
        return storage.load(cls, path, cache_dir, progress)


def _study_html(study) -> str:
    """A study's steps, parameters, timings and notes as an HTML table."""
    rows = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{html.escape(json.dumps(study.params_.get(s, {})))}"
        f"</td><td>{study.timings_.get(s, 0):.2f} s</td>"
        f"<td>{html.escape(study.notes_.get(s, ''))}</td></tr>"
        for s in study.steps_done())
    extra = ""
    if study.has("cluster"):
        labels = study.labels_
        extra = (f"<p>{len(set(labels.tolist()) - {-1})} clusters, {int((labels < 0).sum())} "
                 f"noise points, embedder {html.escape(str(study.get('embedder_id_')))}</p>")
    return (f"<div><b>{html.escape(repr(study))}</b>{extra}<table><tr><th>step</th>"
            f"<th>parameters</th><th>time</th><th>note</th></tr>{rows}</table></div>")
