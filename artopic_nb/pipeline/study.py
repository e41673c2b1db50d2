"""Study: one object that holds a collection and the results of every step.

A :class:`Study` is a thin facade over four parts, each an object with its own state, which
it composes and delegates to: the step runner (:class:`~artopic_nb.pipeline.runner.StepRunner`:
results, parameters, the cache), the queries (:class:`~artopic_nb.pipeline.queries.Queries`),
asking (:class:`~artopic_nb.pipeline.ask.Asking`: search, similar works, filters, and their
indexes) and shaping (:class:`~artopic_nb.pipeline.shaping.Shaping`: the edit log). Each part
holds the runner and uses only its public methods; none calls another part. Each step verb
turns the user's arguments into its step's parameters and has the runner run it (the runner
reads the step's declaration in :mod:`artopic_nb.pipeline.graph` to check its inputs ran, derive
its cache key, compute or read the result, drop what depended on an older result, and record
parameters and timings). Results are attributes that exist once their step ran (``embeddings_``, ``coords_``, ``labels_`` ...); ``study.get(name)`` reads one
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

import functools
import html
import inspect
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..data.cache import Cache
from ..data.collection import ImageCollection
from ..genre.names import DEFAULT_GENRES
from ..models.registry import load_describers, text_model_id
from ..steps import cluster as cluster_step
from ..steps.predict_genres import load_genre_predictor
from . import storage
from .ask import Asking
from .graph import STEPS, producer
from .queries import Queries
from .runner import StepNotRunError, StepRunner
from .shaping import Shaping

__all__ = ["Study", "StepNotRunError"]


def _delegate(part: str, method: Callable, returns_study: bool = False) -> Callable:
    """``method`` of the study's ``part``, as a method of the study (its signature and
    docstring); with ``returns_study``, the study is returned, so verbs chain."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        result = method(getattr(self, part), *args, **kwargs)
        return self if returns_study else result
    if returns_study:
        call.__signature__ = inspect.signature(method).replace(return_annotation="Study")
    return call


def _delegated(part: str, name: str, cls: type | None = None, settable: bool = False) -> property:
    """Attribute ``name`` of the study's ``part`` (of class ``cls``, whose docstring it
    shows), as a property of the study."""
    def get(self):
        return getattr(getattr(self, part), name)

    def set_(self, value):
        setattr(getattr(self, part), name, value)

    return property(get, set_ if settable else None,
                    doc=getattr(getattr(cls, name, None), "__doc__", None) if cls else None)


def _result(name: str) -> property:
    """Result ``name`` of the runner: it exists once its step ran."""
    return property(lambda self: self.runner.result(name),
                    lambda self, value: self.runner.set(name, value),
                    doc=f"Result of :meth:`Study.{STEPS[producer(name)].verb}`.")


class Study:
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
        #: the parts the study composes; each holds the runner, none calls another
        self.runner = StepRunner(collection, Cache(cache_dir), seed, progress)
        self.queries = Queries(self.runner)
        self.asking = Asking(self.runner)
        self.shaping = Shaping(self.runner)

    # -- the runner's state ---------------------------------------------------------------------
    collection = _delegated("runner", "collection")
    cache = _delegated("runner", "cache")
    seed = _delegated("runner", "seed")
    progress = _delegated("runner", "progress", settable=True)
    params_ = _delegated("runner", "params_", settable=True)
    timings_ = _delegated("runner", "timings_", settable=True)
    notes_ = _delegated("runner", "notes_", settable=True)
    has = _delegate("runner", StepRunner.has)
    steps_done = _delegate("runner", StepRunner.steps_done)
    on_change = _delegate("runner", StepRunner.on_change)

    def get(self, name: str, default: Any = None) -> Any:
        """Result ``name`` (e.g. ``"labels_"``, or one derived from results such as
        ``"cluster_names_"``), or ``default`` when its step has not run."""
        if isinstance(getattr(type(self), name, None), property) and name.endswith("_"):
            try:
                return getattr(self, name)
            except StepNotRunError:
                return default
        return self.runner.get(name, default)

    def _require(self, *names: str) -> None:
        self.runner.require(*names)

    def _run(self, name: str, params: dict, given: dict | None = None) -> Study:
        self.runner.run(name, params, given)
        return self

    def _seed(self, seed: int | None) -> int:
        return self.runner.seed_for(seed)

    # -- steps: each turns the user's arguments into its step's parameters ----------------------
    def embed(self, embedder: Any = "auto", batch_size: int = 32, device: str = "auto", *,
              text: str | Sequence[str] | None = None, image: bool = True,
              weights: dict | None = None, text_encoder: Any = "auto") -> Study:
        """Embed every work (``embeddings_``), reading cached rows where they exist: its image,
        and with ``text`` its record's words, fused.

        ``embedder``: ``"auto"`` (CLIP when it can be loaded, else the no-model embedder, said
        out loud), ``"color"`` (no model), a ``transformers`` hub id or local folder, or an
        embedder object (:mod:`artopic_nb.models.embedders`). ``text``: None (images alone,
        the default as before), ``"auto"`` (the columns that describe the works, said out
        loud), a column or a list of columns; encoded by ``text_encoder`` (``"auto"``:
        all-MiniLM-L6-v2, offline; ``"st:..."``, ``"hf:..."``, ``"openai:<model>@<url>"``, an
        object) and fused with the image, each part L2-normalised and ``weights``-ed
        (``{"image": 1, "text": 1}``); ``image=False``: the words alone. ``notes_["embed"]``
        and ``embed_parts_`` say which columns, which models, and how many works had no text
        (:mod:`artopic_nb.steps.embed`).

        >>> study.embed(text="auto")                                 # doctest: +SKIP
        >>> study.embed(text=["description"], image=False)           # doctest: +SKIP
        """
        from ..steps.embed import embed_note, embed_request

        params, given = embed_request(self.collection, embedder, batch_size, device, text=text,
                                      image=image, weights=weights, text_encoder=text_encoder)
        self._run("embed", params, given)
        self.runner.note("embed", embed_note(self.collection, self.embed_parts_), say=True)
        return self

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
        ``n_clusters`` and ``linkage``. With no ``min_cluster_size`` (or ``"auto"``), HDBSCAN
        picks a size a person can read (:func:`artopic_nb.steps.cluster.readable_hdbscan`: 5 to
        50 clusters, at most 40 % noise), inside the step, so the choice is cached
        (``cluster_fit_``); unset k fits the collection; ``notes_["cluster"]`` says what was
        chosen and why. Edits (``rename_cluster``, ``merge_clusters`` ...) are replayed on the
        new labels (``edit_problems_``: those that no longer apply). ``level``: show the
        clusters ``level`` merges up :attr:`cluster_tree_` (0: all of them); alone
        (``study.cluster(level=2)``) it keeps the algorithm and its labels.

        >>> study.cluster()                          # doctest: +SKIP
        >>> study.cluster(level=3)                   # doctest: +SKIP
        """
        self._require("reduced_")
        if method is None and not method_params and level is not None and self.has("cluster"):
            self.shaping.run_cluster(self.params_["cluster"], level=int(level))
            return self
        method = method or "hdbscan"
        if method == "hdbscan" and method_params.get("min_cluster_size") is None:
            method_params["min_cluster_size"] = "auto"
        params, why = cluster_step.resolve_params(method, len(self.reduced_), self.seed,
                                                  **method_params)
        self.shaping.run_cluster(params, why and f"chosen for {len(self.reduced_)} works: {why}",
                                 level=int(level or 0))
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
            self.runner.note("sample", "a single work forms no cluster: it is described and "
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
        describer objects; ``None``: the two default vision-language models, each replaced
        (said once) by the no-model attribute describer when it cannot be loaded, beside the
        record's words the study was embedded with (``column:...``: names and claims then carry
        subjects). A model named explicitly that cannot be loaded is an error. ``ids``: ``None``
        (the samples), ``"all"``, or ids. Texts are cached per image, model, prompt version and
        generation settings, so an interrupted run resumes where it stopped.
        """
        if ids is None:
            self._require("samples_")
            ids = self.samples_["id"].tolist()
        elif isinstance(ids, str) and ids == "all":
            ids = self.collection.ids.tolist()
        ids = [int(i) for i in ids]
        words = (self.get("embed_parts_") or {}).get("text") or {}  # the record's, if embedded
        models = load_describers(describers, words.get("works_with_text") and words["columns"])
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

    # -- the parts' verbs (each documented where it is defined) ---------------------------------
    cluster_summary = _delegate("queries", Queries.cluster_summary)
    agreement = _delegate("queries", Queries.agreement)
    caption_agreement = _delegate("queries", Queries.caption_agreement)
    genre_report = _delegate("queries", Queries.genre_report)
    genre_reports = _delegate("queries", Queries.genre_reports)
    check_claim = _delegate("queries", Queries.check_claim)
    provenance = _delegate("queries", Queries.provenance)

    search = _delegate("asking", Asking.search)
    similar = _delegate("asking", Asking.similar)
    where = _delegate("asking", Asking.where)
    where_query = _delegate("asking", Asking.where_query)
    facets = _delegate("asking", Asking.facets)
    over_time = _delegate("asking", Asking.over_time)
    periods = _delegate("asking", Asking.periods)

    rename_cluster = _delegate("shaping", Shaping.rename_cluster, returns_study=True)
    merge_clusters = _delegate("shaping", Shaping.merge_clusters, returns_study=True)
    split_cluster = _delegate("shaping", Shaping.split_cluster, returns_study=True)
    move_works = _delegate("shaping", Shaping.move_works, returns_study=True)
    new_cluster = _delegate("shaping", Shaping.new_cluster, returns_study=True)
    undo = _delegate("shaping", Shaping.undo, returns_study=True)
    clusters_table = _delegate("shaping", Shaping.clusters_table)
    export = _delegate("shaping", Shaping.export)
    edit_log = _delegated("shaping", "edit_log")
    edits_ = _delegated("shaping", "edits_", Shaping)
    edit_problems_ = _delegated("shaping", "edit_problems_", Shaping)
    cluster_tree_ = _delegated("shaping", "cluster_tree_", Shaping)
    cluster_names_ = _delegated("shaping", "cluster_names_", Shaping)

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

    def plot_map(self, path: str | os.PathLike | None = None, **kwargs: Any) -> Any:
        """The map with cluster names placed without overlap, for papers and slides, to ``path``
        (PNG, SVG, PDF by its suffix) or as a figure (None); ``kwargs``: ``size="column" |
        "slide" | (w, h)``, ``dpi``, ``names`` ... (:func:`artopic_nb.export.figure.plot_map`).

        >>> study.plot_map("map.pdf", size="column")          # doctest: +SKIP
        """
        from ..export.figure import plot_map

        return plot_map(self, path, **kwargs)

    def export_site(self, folder: str | os.PathLike, **kwargs: Any) -> Path:
        """A static site of the study, e.g. ``study.export_site("site/")``: see :func:`artopic_nb.export.site.export_site`."""
        from ..export.site import export_site

        return export_site(self, folder, **kwargs)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the study to folder ``path`` (parquet, npy, JSON; no pickle), atomically."""
        return storage.save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, cache_dir: str | os.PathLike | None | bool = True,
             progress: bool = True) -> Study:
        """Read a study written by :meth:`save`. ``cache_dir=True`` keeps the saved cache folder."""
        return storage.load(cls, path, cache_dir, progress)


for _name in dict.fromkeys(r for _step in STEPS.values() for r in _step.results):
    setattr(Study, _name, _result(_name))


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
