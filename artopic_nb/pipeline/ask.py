"""Asking a collection: text search, similar works and metadata filters; one part of a
:class:`~artopic_nb.pipeline.study.Study`, which delegates its verbs to it.

- :meth:`Asking.search`: words and phrases over titles, every metadata column, captions and
  descriptions (BM25), meaning over the captions and descriptions (the sentence encoder) and
  over the images (the embedder's text tower: CLIP, SigLIP), alone or fused (``over="all"``);
- :meth:`Asking.similar`: the works nearest a work, an image file, a URL or a PIL image by
  image embedding (the work itself left out), exact or through an approximate index above
  50,000 works (:mod:`artopic_nb.query.vectors`);
- :meth:`Asking.where`: the works that pass metadata conditions or a pandas query, as a
  table or a mask (a work's date is an interval: ``date=(1600, 1650)`` keeps those that
  overlap it); :meth:`Asking.where_query` the same filter as a pandas query string;
  :meth:`Asking.facets` the values and ranges to filter on, with counts;
- :meth:`Asking.over_time`: works per cluster (or any column) and period, an uncertain date
  spread over the periods it covers; :meth:`Asking.periods` a sentence per cluster on its
  period.

The indexes are built on first use and kept by the part while the results they read stay
the same (keyed by their digests); the word index and the approximate image index are also
kept in the study's cache, so a study opened again does not rebuild them.

Example
-------
>>> study.search("ship", top_k=5)                                  # doctest: +SKIP
>>> study.similar(12, top_k=5)                                     # doctest: +SKIP
>>> study.where(genre=["portrait"], begin_year=(1600, 1700))       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..query import (
    Facet,
    TextMeaningIndex,
    VectorIndex,
    WordIndex,
    combine_rankings,
    facets,
    filter_frame,
    filter_mask,
    filter_query,
    image_text_search,
    over_time,
    period_summary,
    query_image_embedding,
    text_tower,
    work_dates,
    work_texts,
)
from .runner import StepRunner

__all__ = ["OVER", "Asking"]

#: What :meth:`Asking.search` searches: words (BM25 over every text), texts (meaning of the
#: captions and descriptions), images (meaning of the images, by a text tower), or all three.
OVER = ("all", "words", "texts", "images")
#: Each ranking fused by ``over="all"`` contributes its best this many works (or ``top_k``).
FUSED_DEPTH = 50


class Asking:
    """Search, similar works and filters over what a
    :class:`~artopic_nb.pipeline.runner.StepRunner` holds, with the indexes they build."""

    def __init__(self, runner: StepRunner):
        self.runner = runner
        self._indexes: dict[tuple, Any] = {}

    def clear(self) -> None:
        """Forget the indexes built so far (they are built again on next use)."""
        self._indexes.clear()

    # -- search ---------------------------------------------------------------------------------
    def search(self, query: str, top_k: int = 10, over: str = "all", *,
               embedder: Any = None) -> pd.DataFrame:
        """The works that answer ``query``, best first: a frame ``(id, score, matched, snippet,
        over, title)``.

        ``over``: ``"words"`` (words and ``"quoted phrases"`` in titles, every metadata column,
        captions and descriptions; BM25, ``score`` its value), ``"texts"`` (the meaning of the
        captions and descriptions, by the sentence encoder; ``score`` a cosine), ``"images"``
        (the meaning of the images, by the embedder's text tower: CLIP or SigLIP; a cosine), or
        ``"all"``: those that can run, fused by reciprocal rank (``score`` the fused value;
        ``result.attrs["over"]`` names them, ``result.attrs["skipped"]`` says why others did
        not). Meaning results are kept only when closer to the query than chance (the best
        score nonsense queries reach: :func:`artopic_nb.query.meaning.chance_floor`), so a
        query that matches nothing returns no rows and says so (``result.attrs["note"]``).
        ``matched`` names the column or text that matched (``"image"`` for images);
        ``snippet`` quotes it around the match, the matched words in «». ``embedder``: the
        embedder object that made the embeddings, needed only when ``study.embed`` was given
        an object of your own (a name is loaded again).

        Example
        -------
        >>> study.search('"gold background" saint', top_k=5, over="words")   # doctest: +SKIP
        """
        if over not in OVER:
            raise ValueError(f"over must be one of {OVER}, not {over!r}")
        if not isinstance(query, str) or not query.strip():
            raise ValueError("query must be a non-empty string: words, \"a phrase\" or a "
                             "description of what the works show")
        depth = top_k if over != "all" else max(top_k, FUSED_DEPTH)
        rankings, used, skipped = [], [], {}
        if over in ("all", "words"):
            rankings.append(self._word_index().search(query, depth))
            used.append("words")
        if over in ("all", "texts"):
            try:
                index = self._text_index()
            except ValueError as exc:
                if over == "texts":
                    raise
                skipped["texts"] = str(exc)
            else:
                rankings.append(index.search(query, depth))
                used.append("texts")
        if over in ("all", "images"):
            try:
                tower = text_tower(self._image_embedder(embedder))
            except ValueError as exc:
                if over == "images":
                    raise
                skipped["images"] = str(exc)
            else:
                rankings.append(image_text_search(tower, self._image_index(), query, depth))
                used.append("images")
        rankings = [r for r in rankings if len(r)] or rankings[:1]
        found = rankings[0].head(top_k) if len(rankings) == 1 \
            else combine_rankings(rankings, top_k)
        found = self._titled(found.reset_index(drop=True))
        found.attrs.update(over=used, skipped=skipped)
        if found.empty:  # say so: an empty table alone looks like a failure
            found.attrs["note"] = (f"nothing matches {query!r}: " + "; ".join(
                {"words": "no work has these words",
                 "texts": "no caption or description is closer in meaning than chance",
                 "images": "no image is closer to it than to nonsense"}[u] for u in used))
            print(f"artopic_nb: {found.attrs['note']}.")
        return found

    # -- similar works ----------------------------------------------------------------------------
    def similar(self, work: Any, top_k: int = 10, *, embedder: Any = None) -> pd.DataFrame:
        """The ``top_k`` works nearest ``work`` by image embedding, best first: a frame
        ``(id, score, title)`` (``score``: the cosine of the embeddings).

        ``work``: a work's id (left out of its own answer), an image file, an ``http(s)`` URL
        or a PIL image (embedded with the study's embedder; works whose image has the same
        bytes are left out). Exact search up to 50,000 works, an approximate index beyond
        (faiss IVF, its recall@10 against exact search at least 0.95; built once, cached).
        ``embedder`` as in :meth:`search`.

        Example
        -------
        >>> study.similar(12, top_k=5)                   # doctest: +SKIP
        >>> study.similar("my_photo_of_an_altarpiece.jpg")   # doctest: +SKIP
        """
        self.runner.require("embeddings_")
        n = len(self.runner.result("embeddings_"))
        if isinstance(work, (int, np.integer)) and not isinstance(work, bool):
            if not 0 <= int(work) < n:
                raise ValueError(f"no work {int(work)}: ids run from 0 to {n - 1}")
            row, exclude = self._image_rows()[int(work)], [int(work)]
        else:
            row, sha = query_image_embedding(self._image_embedder(embedder), work)
            hashes = self.runner.collection.metadata["hash"].to_numpy()
            exclude = np.flatnonzero(hashes == sha).tolist()
        ids, scores = self._image_index().search(row, top_k, exclude=exclude)
        keep = ids >= 0
        found = pd.DataFrame({"id": ids[keep], "score": scores[keep].astype("float64")})
        return self._titled(found)

    # -- filters --------------------------------------------------------------------------------
    def where(self, query: str | dict | None = None, *, as_mask: bool = False,
              **conditions: Any) -> pd.DataFrame | np.ndarray:
        """The works that meet every condition and the pandas ``query``: their rows of the
        metadata (with a ``<column>_year`` for each other text column of dates), or with
        ``as_mask=True`` a boolean array by id.

        A condition per column: a list of values (``genre=["portrait", "religious"]``; text
        matches ignore case unless ``case_sensitive=True``; a value no work has is an error
        naming the nearest ones), a tuple ``(low, high)`` as an inclusive range
        (``begin_year=(1600, 1700)``; ``None`` leaves an end open), or one value. ``date``
        is each work's interval (``date_start``, ``date_end``, read from the catalogue's
        date as :func:`artopic_nb.dates.parse` reads it): ``date=(1600, 1650)`` keeps the
        works whose interval overlaps the range, with ``within=True`` those inside it.
        Columns whose names are not Python names go in a dict: ``study.where({"on view":
        [True]})``. :meth:`where_query` gives the same filter as a pandas query string.

        Example
        -------
        >>> study.where(genre=["portrait"], date=(1600, 1700))                   # doctest: +SKIP
        >>> study.where(date=(1600, 1650), within=True)                           # doctest: +SKIP
        >>> study.where("begin_year >= 1600 and culture == 'Dutch'", as_mask=True)  # doctest: +SKIP
        """
        frame = self._filter_frame()
        mask = filter_mask(frame, query, **conditions)
        return mask if as_mask else frame[mask]

    def where_query(self, query: str | dict | None = None, **conditions: Any) -> str:
        """:meth:`where`'s filter as a pandas query string over its table (``""``: none):
        ``study.where(study.where_query(...))`` selects the same works.

        Example
        -------
        >>> study.where_query(genre=["portrait"], date=(1600, 1700))        # doctest: +SKIP
        "genre in ['portrait'] and date_year >= 1600 and date_year <= 1700"
        """
        return filter_query(self._filter_frame(), query, **conditions)

    def facets(self, conditions: dict | None = None, **more: Any) -> dict[str, Facet]:
        """The metadata columns to filter on: per column a
        :class:`~artopic_nb.query.filters.Facet` (``kind`` category, number or date; a
        category's ``counts`` by value; a range's ``low`` and ``high``), its counts those of
        the works that meet the conditions on the other columns.

        Example
        -------
        >>> {name: f.kind for name, f in study.facets().items()}     # doctest: +SKIP
        """
        return facets(self._filter_frame(), {**(conditions or {}), **more})

    # -- time -----------------------------------------------------------------------------------
    def _dated(self, by: str) -> tuple[Any, Any, Any]:
        """Each work's group (``by``: "cluster" or a metadata column) and its years."""
        meta = self.runner.collection.metadata
        start, end = work_dates(meta)  # "time views need a date column" when there is none
        if by == "cluster":
            return self.runner.result("labels_"), start, end
        if by not in meta.columns:
            raise ValueError(f"by must be 'cluster' or a metadata column; there is no column "
                             f"{by!r} (the columns are {list(meta.columns)})")
        return meta[by], start, end

    def over_time(self, by: str = "cluster", bins: int | Sequence[int] = 25) -> pd.DataFrame:
        """Works per group and period, a long table: ``period``, ``start``, ``end``, the group
        (``by``: ``"cluster"`` or a metadata column such as ``"genre"``), ``count`` (each work
        spread over the periods its date interval covers, so fractional) and ``share`` (of the
        period's dated works). ``bins``: at most this many periods of a round width, or their
        edges. Undated works are counted in ``attrs["undated"]``.
        ``artopic_nb.charts.over_time(table, names=study.cluster_names_)`` draws it.

        Example
        -------
        >>> table = study.over_time(bins=10)                                     # doctest: +SKIP
        >>> table.pivot(index="period", columns="cluster", values="share")       # doctest: +SKIP
        """
        labels, start, end = self._dated(by)
        return over_time(labels, start, end, by=by, bins=bins)

    def periods(self, by: str = "cluster") -> pd.DataFrame:
        """Each group's period, one row per group: ``works``, ``dated``, ``low``, ``high``
        (the central 80 % of its dated works' years), ``median`` and a ``sentence`` ("mostly
        1600–1675; median 1642 (14 dated works)").

        >>> study.periods().loc[0, "sentence"]                                   # doctest: +SKIP
        """
        labels, start, end = self._dated(by)
        return period_summary(labels, start, end, by=by)

    # -- the indexes, kept while their inputs stay the same --------------------------------------
    def _asked(self, key: tuple, build) -> Any:
        store = self._indexes
        if key not in store:
            for old in [k for k in store if k[0] == key[0]]:
                del store[old]  # one of each kind: the results it read have changed
            store[key] = build()
        return store[key]

    def _filter_frame(self) -> pd.DataFrame:
        meta = self.runner.collection.metadata
        return self._asked(("filter", id(meta), meta.shape), lambda: filter_frame(meta))

    def _descriptions_key(self) -> str | None:
        return self.runner.digest("descriptions_") if self.runner.get("descriptions_") is not None else None

    def _word_index(self) -> WordIndex:
        meta = self.runner.collection.metadata
        return self._asked(("words", id(meta), meta.shape, self._descriptions_key()),
                           lambda: WordIndex.from_frames(meta, self.runner.get("descriptions_"),
                                                         n=len(meta), cache=self.runner.cache,
                                                         progress=self.runner.progress))

    def _text_index(self) -> TextMeaningIndex:
        descriptions = self.runner.get("descriptions_")
        if descriptions is None or not len(descriptions):
            raise ValueError("searching texts by meaning needs captions or descriptions: run "
                             "study.describe(...) first")

        def build() -> TextMeaningIndex:
            from ..models.hub import quiet_model_loading

            with quiet_model_loading(not self.runner.progress):
                return TextMeaningIndex(work_texts(None, descriptions), cache=self.runner.cache)

        return self._asked(("texts", self._descriptions_key()), build)

    def _image_rows(self) -> np.ndarray:
        """The image part of ``embeddings_`` (all of it for images alone; the words when the
        study embedded words alone: ``study.embed(image=False)``)."""
        from ..steps.embed import image_part

        self.runner.require("embeddings_")
        rows = self.runner.result("embeddings_")
        part = image_part(rows, self.runner.get("embed_parts_"))
        return rows if part is None else part

    def _image_index(self) -> VectorIndex:
        key = self.runner.digest("embeddings_")
        return self._asked(("images", key), lambda: VectorIndex(
            self._image_rows(), cache=self.runner.cache, key=key, seed=self.runner.seed))

    def _image_embedder(self, embedder: Any = None) -> Any:
        """The embedder that made ``embeddings_`` (the one given, or loaded again from the
        name ``study.embed`` was given), checked by its ``model_id``."""
        from ..models.embedders import DEFAULT_EMBEDDER, ColorTextureEmbedder, load_embedder

        self.runner.require("embeddings_")
        want = self.runner.get("embedder_id_")
        if want is None:
            raise ValueError("the study embedded words alone (study.embed(image=False)): no "
                             "image embedder to compare an image or a query with")
        if embedder is not None:
            model = load_embedder(embedder)
        else:
            def load() -> Any:
                if want == ColorTextureEmbedder.model_id:
                    return ColorTextureEmbedder()
                params = self.runner.params_.get("embed", {})
                spec = str(params.get("embedder", ""))
                if not spec or any(c in spec for c in "<>( ") or spec in ("color", "colour"):
                    raise ValueError(
                        f"the study's images were embedded by {want!r}, an embedder object that "
                        "cannot be loaded again by name: give it, e.g. "
                        "study.similar(image, embedder=my_embedder)")
                from ..models.hub import quiet_model_loading

                with quiet_model_loading(not self.runner.progress):
                    return load_embedder(DEFAULT_EMBEDDER if spec == "auto" else spec,
                                         batch_size=int(params.get("batch_size", 32)))

            model = self._asked(("embedder", want), load)
        if getattr(model, "model_id", None) != want:
            raise ValueError(f"the study's images were embedded by {want!r}, not by "
                             f"{getattr(model, 'model_id', model)!r}: a query must be embedded by "
                             "the same model")
        return model

    def _titled(self, found: pd.DataFrame) -> pd.DataFrame:
        """``found`` with each work's title (its file name when it has none)."""
        meta = self.runner.collection.metadata
        ids = found["id"].to_numpy(np.int64)
        titles = pd.Series([""] * len(ids), dtype=object)
        for col in ("file_name", "title"):
            if col in meta.columns:
                values = meta[col].to_numpy(object)[ids]
                ok = pd.notna(values) & (pd.Series(values, dtype=object).astype(str).str.strip()
                                          != "").to_numpy()
                titles[ok] = values[ok]
        return found.assign(title=titles.astype(str).to_numpy())
