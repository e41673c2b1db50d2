"""Study: one object that holds a collection and the results of every step.

A :class:`Study` only composes the step modules (``embed``, ``reduce``, ``cluster``,
``sample`` ...) and keeps their results as attributes that exist once their step ran
(``embeddings_``, ``coords_``, ``labels_`` ...). Each step records its parameters in
``params_`` and its duration in ``timings_``; rerunning a step drops the results that
depended on it. :meth:`Study.save` writes plain files (parquet, npy, JSON; no pickle) and
:meth:`Study.load` reads them back.

Example
-------
>>> import artopic_nb as an
>>> study = an.Study(an.datasets.met_paintings(), cache_dir=".artopic")   # doctest: +SKIP
>>> study.embed().reduce().cluster(min_cluster_size=8)                     # doctest: +SKIP
>>> study.sample(per_cluster=6, strategy="diverse")                        # doctest: +SKIP
>>> study.save("my_study/"); an.Study.load("my_study/")                    # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from . import cluster as cluster_mod
from .cache import Cache, _umask, atomic_write_text, make_key
from .collection import ImageCollection
from .embed import embed_collection, load_embedder
from .reduce import reduce_embeddings
from .sample import sample_per_cluster

__all__ = ["Study", "StepNotRunError"]

FORMAT_VERSION = 1
#: Steps in pipeline order, each with the result attributes it creates.
STEPS: dict[str, tuple[str, ...]] = {
    "embed": ("embeddings_", "embedder_id_"),
    "reduce": ("reduced_", "coords_", "reducer_"),
    "cluster": ("labels_",),
    "sample": ("samples_",),
    "describe": ("descriptions_",),
    "predict_genres": ("genre_predictions_",),
    "commonalities": ("commonalities_",),
}
#: Which steps a step's results feed: rerunning a step drops these.
DOWNSTREAM: dict[str, tuple[str, ...]] = {
    "embed": ("reduce", "cluster", "sample", "commonalities"),
    "reduce": ("cluster", "sample", "commonalities"),
    "cluster": ("sample", "commonalities"),
    "sample": (),
    "describe": ("predict_genres", "commonalities"),
    "predict_genres": (),
    "commonalities": (),
}
_ARRAYS = ("embeddings_", "reduced_", "coords_", "labels_")
_TABLES = ("samples_", "descriptions_", "genre_predictions_")


class StepNotRunError(AttributeError):
    """A result was asked for before the step that makes it ran."""


class Study:
    """A collection of artworks and every step's results.

    Parameters
    ----------
    collection:
        An :class:`~artopic_nb.collection.ImageCollection`.
    cache_dir:
        Folder of the content-addressed cache (embeddings, reductions, descriptions,
        thumbnails); ``None`` caches nothing. Steps rerun on the same images and
        parameters read their results from it.
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
        self.collection = collection
        self.cache_dir = cache_dir
        self.seed = seed
        self.progress = progress
        self.cache = Cache(cache_dir)
        if collection.cache.root is None and cache_dir is not None:
            collection.cache = self.cache  # thumbnails go to the study's cache too
        self.params_: dict[str, dict] = {}
        self.timings_: dict[str, float] = {}
        #: per step, what it chose on its own (defaults fit to the collection) and why
        self.notes_: dict[str, str] = {}
        self._callbacks: list[Callable[[str], None]] = []

    # -- bookkeeping ----------------------------------------------------------------------------
    def __getattr__(self, name: str):
        for step, attrs in STEPS.items():
            if name in attrs:
                raise StepNotRunError(f"{name} does not exist yet: run study.{step}() first")
        raise AttributeError(f"'Study' object has no attribute {name!r}")

    def has(self, step: str) -> bool:
        """Whether ``step`` has run (and its results are current)."""
        return all(a in self.__dict__ for a in STEPS[step])

    def on_change(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(step_name)`` whenever a step changes results; returns an undo."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def _drop(self, step: str) -> None:
        for attr in STEPS[step]:
            self.__dict__.pop(attr, None)
        self.params_.pop(step, None)
        self.notes_.pop(step, None)

    def _note(self, step: str, text: str, say: bool = False) -> None:
        """Record (and with ``say``, print) what ``step`` chose on its own; "" clears it."""
        if text:
            self.notes_[step] = text
            if say:
                print(f"artopic_nb: {text}.")
        else:
            self.notes_.pop(step, None)

    @contextmanager
    def _step(self, name: str, params: dict):
        start = time.perf_counter()
        with _quiet_model_loading(not self.progress and name in _LOADS_MODELS):
            yield
        for later in DOWNSTREAM[name]:
            self._drop(later)
        self.params_[name] = params
        self.timings_[name] = round(time.perf_counter() - start, 3)
        for callback in list(self._callbacks):
            callback(name)

    def _require(self, step: str) -> None:
        if not self.has(step):
            raise StepNotRunError(f"run study.{step}() first")

    # -- steps ----------------------------------------------------------------------------------
    def embed(self, model="auto", batch_size: int = 32, device: str = "auto") -> Study:
        """Embed every image (``embeddings_``), reading cached rows where they exist.

        ``model``: ``"auto"`` (CLIP when it can be loaded, else the no-model embedder, said
        out loud), ``"color"`` (no model), a ``transformers`` hub id or local folder, or an
        embedder object.
        """
        kwargs = {} if model in ("color", "colour") or not isinstance(model, (str, os.PathLike)) \
            else {"batch_size": batch_size, "device": device}
        embedder = load_embedder(model, **kwargs)
        with self._step("embed", {"model": str(model) if isinstance(model, (str, os.PathLike))
                                  else repr(model), "batch_size": batch_size}):
            self.embeddings_ = embed_collection(embedder, self.collection, self.cache,
                                                progress=self.progress)
            self.embedder_id_ = embedder.model_id
        return self

    def reduce(self, n_components: int = 5, n_neighbors: int = 15, min_dist: float = 0.0,
               metric: str = "cosine", method: str = "auto", seed: int | None = None) -> Study:
        """Reduce embeddings to n-D (``reduced_``, for clustering) and 2-D (``coords_``)."""
        self._require("embed")
        params = {"n_components": n_components, "n_neighbors": n_neighbors, "min_dist": min_dist,
                  "metric": metric, "method": method,
                  "seed": self.seed if seed is None else seed}
        key = make_key("reduce", _array_digest(self.embeddings_), params)
        with self._step("reduce", params):
            reduced = self.cache.get_array("reduce", key + "-nd")
            coords = self.cache.get_array("reduce", key + "-2d")
            used = self.cache.get_json("reduce", key)
            if reduced is None or coords is None or used is None:
                reduced, coords, used = reduce_embeddings(self.embeddings_, **params)
                self.cache.put_array("reduce", key + "-nd", reduced)
                self.cache.put_array("reduce", key + "-2d", coords)
                self.cache.put_json("reduce", key, used)
            self.reduced_, self.coords_, self.reducer_ = reduced, coords, used
        return self

    def cluster(self, method: str = "hdbscan", min_cluster_size: int | None = None,
                min_samples: int | None = None, n_clusters: int | None = None,
                cluster_selection_epsilon: float = 0.0, seed: int | None = None) -> Study:
        """Cluster the reduced embeddings (``labels_``; -1 is noise).

        ``min_cluster_size`` (HDBSCAN) and ``n_clusters`` (k-means, agglomerative) left at
        ``None`` scale with the collection's size (see
        :func:`artopic_nb.cluster.size_defaults`); ``params_["cluster"]`` records the values
        used and ``notes_["cluster"]`` says which were chosen so, and why.
        """
        self._require("reduce")
        min_cluster_size, n_clusters, why = cluster_mod.size_defaults(
            len(self.reduced_), method, min_cluster_size, n_clusters)
        params = {"method": method, "min_cluster_size": min_cluster_size,
                  "min_samples": min_samples, "n_clusters": n_clusters,
                  "cluster_selection_epsilon": cluster_selection_epsilon,
                  "seed": self.seed if seed is None else seed}
        key = make_key("cluster", _array_digest(self.reduced_), params)
        with self._step("cluster", params):
            labels = self.cache.get_array("clusters", key)
            if labels is None:  # computing is fast, but a cached answer skips importing hdbscan
                labels = cluster_mod.cluster_labels(self.reduced_, **params)
                self.cache.put_array("clusters", key, labels)
            self.labels_ = labels
        self._note("cluster", why and f"chosen for {len(labels)} works: {why}")
        return self

    def recluster(self, n_neighbors: int | None = None, **changes) -> np.ndarray:
        """Cluster again with some parameters changed; returns the new ``labels_``.

        Reuses the reduced embeddings; only a new ``n_neighbors`` reruns the reduction
        (read from the cache when it was computed before).
        """
        self._require("cluster")
        unknown = set(changes) - set(self.params_["cluster"])
        if unknown:
            raise TypeError(f"unknown clustering parameter(s) {sorted(unknown)}; "
                            f"known: {sorted(self.params_['cluster'])} and n_neighbors")
        params = {**self.params_["cluster"], **changes}
        if n_neighbors is not None and n_neighbors != self.params_["reduce"]["n_neighbors"]:
            self.reduce(**{**self.params_["reduce"], "n_neighbors": n_neighbors})
        self.cluster(**params)
        return self.labels_

    def cluster_summary(self) -> pd.DataFrame:
        """Per cluster: size, share, medoid id, and each known genre's share."""
        self._require("cluster")
        return cluster_mod.cluster_summary(self.labels_, self.embeddings_, self.collection.genres)

    def agreement(self) -> dict[str, float] | None:
        """ARI, NMI and purity of the clusters against the known genres (None without labels)."""
        self._require("cluster")
        genres = self.collection.genres
        if genres is None:
            return None
        # cached: scoring needs scikit-learn, whose import costs more than a warm study
        key = make_key("agreement", _array_digest(self.labels_), genres.astype(str).tolist())
        return self.cache.json_or_compute(
            "scores", key, lambda: cluster_mod.agreement(self.labels_, genres))

    def sample(self, per_cluster: int = 6, strategy: str = "diverse", seed: int | None = None,
               include_noise: bool = False) -> Study:
        """Pick up to ``per_cluster`` works per cluster (``samples_``: id, cluster, rank)."""
        self._require("cluster")
        only_noise = not include_noise and not (self.labels_ >= 0).any()
        params = {"per_cluster": per_cluster, "strategy": strategy,
                  "seed": self.seed if seed is None else seed,
                  "include_noise": include_noise or only_noise}
        with self._step("sample", params):
            self.samples_ = sample_per_cluster(self.embeddings_, self.labels_, **params)
        if only_noise:
            n = len(self.labels_)
            self._note("sample", "a single work forms no cluster: it is described and "
                       "summarised as a group of its own" if n == 1 else
                       f"clustering found no cluster: all {n} works are noise (-1), sampled as "
                       "one group so that they are still described and summarised; a smaller "
                       "min_cluster_size, or k-means, makes groups", say=True)
        return self

    def to_html(self, path: str | os.PathLike, **kwargs) -> Path:
        """Write the self-contained HTML report (see :mod:`artopic_nb.report`)."""
        from .report import write_report

        return write_report(self, path, **kwargs)

    # -- describing, genres, commonalities ------------------------------------------------------
    def describe(self, models=None, prompts=("caption", "description"), ids=None,
                 **describer_kwargs) -> Study:
        """Describe the sampled works with each model and prompt (``descriptions_``).

        ``models``: describer specs (``"hf:<id or folder>"``, ``"openai:<model>@<url>"``,
        ``"attributes"``) or describer objects; ``None`` means the two default
        vision-language models, each replaced (with one notice) by the no-model attribute
        describer when it cannot be loaded. A model named explicitly that cannot be loaded
        is an error. ``ids``: ``None`` (the samples, see :meth:`sample`), ``"all"``, or ids.
        Results are cached per image, model, prompt version and generation settings, so an
        interrupted run resumes where it stopped.
        """
        from .describe import (
            DEFAULT_MODELS,
            AttributeDescriber,
            describe_collection,
            load_describer,
        )
        from .hub import ModelUnavailableError

        if ids is None:
            self._require("sample")
            ids = self.samples_["id"].tolist()
        elif isinstance(ids, str) and ids == "all":
            ids = self.collection.ids.tolist()
        fallback = models is None
        describers = []
        for spec in ([f"hf:{m}" for m in DEFAULT_MODELS] if models is None else models):
            try:
                describers.append(load_describer(spec, **describer_kwargs))
            except ModelUnavailableError as exc:
                if not fallback:
                    raise
                print(f"artopic_nb: {exc.args[0].split('. ')[0]}; describing with the no-model "
                      "attribute describer instead (its texts report measured colour, light "
                      "and texture, not subjects).")
                describers.append(AttributeDescriber())
        unique = {d.model_id: d for d in describers}
        if len(unique) < len(describers):
            print(f"artopic_nb: {len(describers)} describers but {len(unique)} distinct models; "
                  "each model describes once.")
        params = {"models": list(unique), "prompts": list(prompts), "n_ids": len(ids)}
        with self._step("describe", params):
            frames = [describe_collection(d, self.collection, ids, prompts, self.cache,
                                          progress=self.progress) for d in unique.values()]
            self.descriptions_ = pd.concat(frames, ignore_index=True)
        return self

    def caption_agreement(self) -> pd.Series:
        """Per artwork, the cosine similarity of the first two models' captions."""
        self._require("describe")
        from .describe import caption_agreement

        models = list(dict.fromkeys(self.descriptions_["model"]))
        if len(models) < 2:
            raise ValueError("caption agreement needs two describing models; "
                             f"this study has {models}")
        with _quiet_model_loading(not self.progress):
            return caption_agreement(self.descriptions_, models[0], models[1])

    def predict_genres(self, predictor="embedding", genres=None, llm=None) -> Study:
        """Predict each described work's genre from its caption, per model (``genre_predictions_``).

        ``predictor``: ``"embedding"`` (sentence-embedding prototypes, offline),
        ``"llm"`` (a constrained choice by ``llm``, a describer spec or object with
        ``complete``), or any object with ``predict(captions)``. ``genres``: names or a
        name -> definition mapping; by default the collection's known genres.
        """
        self._require("describe")
        from . import genre as genre_mod

        if genres is None:
            known = self.collection.genres
            genres = sorted(known.dropna().unique()) if known is not None else genre_mod.DEMO_GENRES
        if predictor == "embedding":
            predictor = genre_mod.EmbeddingGenrePredictor(genres)
        elif predictor == "llm":
            if llm is None:
                raise ValueError("predictor='llm' needs llm=<describer spec or object>")
            predictor = genre_mod.LLMGenrePredictor(genres, self._text_model(llm))
        elif not hasattr(predictor, "predict"):
            raise ValueError("predictor must be 'embedding', 'llm' or an object with predict()")
        name = getattr(predictor, "model_id", type(predictor).__name__)
        key = None
        if isinstance(predictor, genre_mod.EmbeddingGenrePredictor) and \
                not hasattr(predictor, "n_examples_"):  # zero-shot: a function of its inputs
            captions = self.descriptions_[self.descriptions_["prompt"] == "caption"]
            key = make_key("genres", name, predictor.genre_texts(),
                           captions[["id", "model", "text"]].to_numpy().tolist())
        with self._step("predict_genres", {"predictor": str(name),
                                           "genres": [str(g) for g in genres]}):
            cached = None if key is None else self.cache.get_json("genres", key)
            if cached is not None:  # skips loading the sentence encoder
                table = pd.DataFrame(cached["rows"], columns=cached["columns"])
                self.genre_predictions_ = table.astype({"id": "int64"})
            else:
                self.genre_predictions_ = genre_mod.predict_genres(
                    self.descriptions_, predictor, known=self.collection.genres)
                if key is not None:
                    self.cache.put_json("genres", key, {
                        "columns": list(self.genre_predictions_.columns),
                        "rows": _json_rows(self.genre_predictions_)})
        return self

    def genre_report(self) -> pd.DataFrame:
        """Accuracy, macro-F1 and the majority baseline per describing model."""
        self._require("predict_genres")
        from .genre import compare_models

        key = make_key("genre_report", _json_rows(self.genre_predictions_))
        found = self.cache.json_or_compute(
            "scores", key, lambda: compare_models(self.genre_predictions_).to_json(orient="table"))
        return pd.read_json(io.StringIO(found), orient="table")

    def genre_reports(self) -> dict:
        """Per describing model, its full :class:`~artopic_nb.genre.GenreReport`."""
        self._require("predict_genres")
        from .genre import evaluate_genres

        return {model: evaluate_genres(g["known"].tolist(), g["predicted"].tolist(), model=model)
                for model, g in self.genre_predictions_.groupby("model", sort=True)}

    def commonalities(self, llm=None, top_k: int = 10, prompt: str = "description") -> Study:
        """Keywords (visual / content), representative descriptions and, with ``llm``, a
        summary per cluster and aspect (``commonalities_``).

        ``llm``: a describer spec (``"smollm2"`` runs offline) or object with ``complete``.
        Uses the ``prompt`` texts of every model, with each work's current cluster.
        """
        self._require("describe")
        self._require("cluster")
        from .describe import ATTRIBUTE_LABEL, ATTRIBUTE_PREAMBLE
        from .topics import Commonalities, find_commonalities

        texts = self.descriptions_[self.descriptions_["prompt"] == prompt]
        # the attribute describer's label marks its texts for readers; it is no keyword
        for label in (ATTRIBUTE_LABEL, ATTRIBUTE_PREAMBLE):
            texts = texts.assign(text=texts["text"].str.replace(label, "", regex=False))
        if texts.empty:
            raise ValueError(f"no {prompt!r} texts: run study.describe(prompts=[..., {prompt!r}])")
        texts = texts[["id", "model", "text"]]
        # noise is summarised as a group of its own only when no described work is clustered
        include_noise = not (self.labels_[texts["id"].to_numpy()] >= 0).any()
        # a result is cached when everything it depends on can be named without loading a
        # model: the texts, the clusters, the parameters and the LLM's spec string
        key = None if not (llm is None or isinstance(llm, (str, os.PathLike))) else make_key(
            "commonalities", texts.to_numpy().tolist(), _array_digest(self.labels_),
            None if llm is None else str(llm), top_k, include_noise)
        cached = None if key is None else self.cache.get_json("commonalities", key)
        if cached is not None:
            params = cached["params"]
        else:
            model = None if llm is None else self._text_model(llm)
            params = {"llm": None if model is None else model.model_id, "top_k": top_k,
                      "prompt": prompt}
        with self._step("commonalities", params):
            if cached is not None:  # skips loading the sentence encoder and the LLM
                self.commonalities_ = Commonalities.from_frames({
                    name: pd.read_json(io.StringIO(frame), orient="table")
                    for name, frame in cached["frames"].items()})
            else:
                self.commonalities_ = find_commonalities(
                    texts, pd.Series(self.labels_), top_k=top_k, llm=model,
                    include_noise=include_noise)
                if key is not None:
                    frames = {name: frame.to_json(orient="table", index=False)
                              for name, frame in self.commonalities_.to_frames().items()}
                    self.cache.put_json("commonalities", key, {"params": params, "frames": frames})
        return self

    @staticmethod
    def _text_model(llm):
        from .describe import load_describer

        return load_describer(llm) if isinstance(llm, (str, os.PathLike)) else llm

    # -- display --------------------------------------------------------------------------------
    def steps_done(self) -> list[str]:
        return [s for s in STEPS if self.has(s)]

    def __repr__(self) -> str:
        return (f"Study({self.collection.name!r}, {len(self.collection)} images, "
                f"steps done: {', '.join(self.steps_done()) or 'none'})")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(s)}</td><td>{html.escape(json.dumps(self.params_.get(s, {})))}"
            f"</td><td>{self.timings_.get(s, 0):.2f} s</td></tr>"
            for s in self.steps_done()
        )
        extra = ""
        if self.has("cluster"):
            n = len(set(self.labels_.tolist()) - {-1})
            extra = (f"<p>{n} clusters, {int((self.labels_ < 0).sum())} noise points"
                     f"{'' if not self.has('embed') else ', embedder ' + html.escape(self.embedder_id_)}</p>")
        return (f"<div><b>{html.escape(repr(self))}</b>{extra}<table><tr><th>step</th>"
                f"<th>parameters</th><th>time</th></tr>{rows}</table></div>")

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write the study to folder ``path`` (parquet, npy, JSON; no pickle).

        The files are written to a temporary folder first and swapped in at the end, so a
        failure (a full disk, an interruption) leaves a previously saved study intact.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes a private folder; use the usual mode
        try:
            self._write(tmp)
            if path.exists():
                old = path.with_name(f".{path.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                path.rename(old)
                tmp.rename(path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(path)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            message = (f"could not save the study to {path} ({exc}); any previously saved "
                       "study there is unchanged")
            if isinstance(exc, OSError):
                raise OSError(exc.errno, message) from exc
            if isinstance(exc, Exception):  # e.g. a metadata column parquet cannot store
                raise RuntimeError(message) from exc
            raise
        return path

    def _write(self, folder: Path) -> None:
        col = self.collection
        col.metadata.to_parquet(folder / "collection.parquet")
        col.skipped.to_parquet(folder / "skipped.parquet")
        col.metadata_issues.astype({"row": "int64"}).to_parquet(folder / "metadata_issues.parquet")
        arrays = [a for a in _ARRAYS if a in self.__dict__]
        for a in arrays:
            np.save(folder / f"{a.rstrip('_')}.npy", self.__dict__[a], allow_pickle=False)
        tables = [t for t in _TABLES if t in self.__dict__]
        for t in tables:
            self.__dict__[t].to_parquet(folder / f"{t.rstrip('_')}.parquet")
        objects = {}
        if "commonalities_" in self.__dict__:
            for name, frame in self.commonalities_.to_frames().items():
                frame.to_parquet(folder / f"commonalities_{name}.parquet")
                objects.setdefault("commonalities_", []).append(name)
        manifest = {
            "format_version": FORMAT_VERSION,
            "collection": {"name": col.name, "root": None if col.root is None else str(col.root),
                           "max_pixels": col.max_pixels},
            "cache_dir": None if self.cache_dir is None else str(self.cache_dir),
            "seed": self.seed,
            "params": self.params_,
            "timings": self.timings_,
            "notes": self.notes_,
            "scalars": {k: self.__dict__[k] for k in ("embedder_id_", "reducer_")
                        if k in self.__dict__},
            "arrays": arrays,
            "tables": tables,
            "objects": objects,
        }
        atomic_write_text(folder / "study.json", json.dumps(manifest, indent=2))

    @classmethod
    def load(cls, path: str | os.PathLike, cache_dir: str | os.PathLike | None | bool = True,
             progress: bool = True) -> Study:
        """Read a study written by :meth:`save`. ``cache_dir=True`` keeps the saved cache folder."""
        path = Path(path)
        previous = path.with_name(f".{path.name}.old")
        if not path.exists() and (previous / "study.json").is_file():
            # a save was interrupted between moving the old study aside and the new one in
            warnings.warn(f"{path} is missing; loading the previous save from {previous}",
                          stacklevel=2)
            path = previous
        manifest_path = path / "study.json"
        if not manifest_path.is_file():
            raise FileNotFoundError(f"{path} is not a saved study (no study.json)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported study format {manifest.get('format_version')!r}")
        _check_manifest(manifest, path)
        info = manifest["collection"]
        col = ImageCollection(
            pd.read_parquet(path / "collection.parquet"), pd.read_parquet(path / "skipped.parquet"),
            pd.read_parquet(path / "metadata_issues.parquet"), root=info["root"],
            max_pixels=info["max_pixels"], name=info["name"],
        )
        study = cls(col, manifest["cache_dir"] if cache_dir is True else cache_dir,
                    seed=manifest["seed"], progress=progress)
        study.params_ = manifest["params"]
        study.timings_ = manifest["timings"]
        study.notes_ = manifest.get("notes", {})
        study.__dict__.update(manifest["scalars"])
        for a in manifest["arrays"]:
            study.__dict__[a] = np.load(path / f"{a.rstrip('_')}.npy", allow_pickle=False)
        for t in manifest["tables"]:
            study.__dict__[t] = pd.read_parquet(path / f"{t.rstrip('_')}.parquet")
        if "commonalities_" in manifest["objects"]:
            from .topics import Commonalities

            study.commonalities_ = Commonalities.from_frames({
                name: pd.read_parquet(path / f"commonalities_{name}.parquet")
                for name in manifest["objects"]["commonalities_"]
            })
        return study


def _json_rows(frame: pd.DataFrame) -> list[list]:
    """A frame's rows as JSON-ready lists (missing values as None)."""
    table = frame.astype(object)
    return table.where(table.notna(), None).to_numpy().tolist()


_LOADS_MODELS = ("embed", "describe", "predict_genres", "commonalities")


@contextmanager
def _quiet_model_loading(quiet: bool):
    """Hide transformers' own progress bars ("Loading weights") while ``quiet``."""
    if not quiet:
        yield
        return
    if "transformers" in sys.modules:
        from transformers.utils import logging as bars
        is_on, off, on = bars.is_progress_bar_enabled, bars.disable_progress_bar, \
            bars.enable_progress_bar
    else:  # transformers reads this switch when it is imported; importing it here costs seconds
        from huggingface_hub import utils as bars
        is_on = lambda: not bars.are_progress_bars_disabled()  # noqa: E731
        off, on = bars.disable_progress_bars, bars.enable_progress_bars
    was_on = is_on()
    off()
    try:
        yield
    finally:
        if was_on:
            on()


_FRAME_NAME = re.compile(r"^[a-z_]{1,40}$")


def _check_manifest(manifest: dict, path: Path) -> None:
    """Refuse a study.json naming files other than a study's own (no path tricks)."""
    bad = [a for a in manifest.get("arrays", []) if a not in _ARRAYS]
    bad += [t for t in manifest.get("tables", []) if t not in _TABLES]
    objects = manifest.get("objects", {})
    bad += [o for o in objects if o != "commonalities_"]
    bad += [n for n in objects.get("commonalities_", []) if not _FRAME_NAME.match(str(n))]
    bad += [k for k in manifest.get("scalars", {}) if k not in ("embedder_id_", "reducer_")]
    if bad:
        raise ValueError(f"{path / 'study.json'} names unexpected entries {bad}; "
                         "it was not written by Study.save")


def _array_digest(a: np.ndarray) -> str:
    import hashlib

    a = np.ascontiguousarray(a)
    return hashlib.sha256(a.tobytes() + str((a.shape, a.dtype.str)).encode()).hexdigest()
