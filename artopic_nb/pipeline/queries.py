"""The queries of a :class:`~artopic_nb.pipeline.study.Study`, one of its parts: read-only views
of its results, as pandas objects (cluster sizes and genre shares, agreement with known genres,
genre scores, caption agreement, an analyst's own claim checked against a cluster). Scores that
need scikit-learn are cached, so a warm study answers them without importing it.

Example
-------
>>> queries = Queries(study.runner)                      # doctest: +SKIP
>>> queries.agreement(by="all")                          # doctest: +SKIP
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ..data.cache import JSON_CODEC, make_key
from ..models.hub import quiet_model_loading
from ..steps import cluster as cluster_mod
from ..steps.commonalities import description_texts
from ..steps.predict_genres import known_genres
from .runner import StepRunner

__all__ = ["Queries"]


class Queries:
    """Queries over the results a :class:`~artopic_nb.pipeline.runner.StepRunner` holds."""

    def __init__(self, runner: StepRunner):
        self.runner = runner

    def _scores(self, query: str, reads: Sequence[str], compute: Callable[[], Any]) -> Any:
        """A query's JSON-able answer, cached by the digests of the results it reads."""
        run = self.runner
        key = None if not run.cache.enabled else make_key(
            "scores", query, {r: run.digest(r) for r in reads}, known_genres(run.collection))
        return run.cache.get_or_compute("scores", key, compute, JSON_CODEC)

    # -- queries --------------------------------------------------------------------------------
    def cluster_summary(self) -> pd.DataFrame:
        """Per cluster: size, share, medoid id, and each known genre's share."""
        run = self.runner
        run.require("labels_")
        return cluster_mod.cluster_summary(run.result("labels_"), run.result("embeddings_"),
                                           run.collection.genres)

    def agreement(self, by: str | Sequence[str] | None = None) -> pd.Series | pd.DataFrame:
        """ARI, NMI, purity, noise share and cluster count against known labels.

        ``by``: None (the known genres: a Series, empty without any), a label column (a
        Series), a list of them, or ``"all"``: every known label column with values
        (:data:`LABEL_COLUMNS`: genre, style, artist, school, period, timeframe, type ...;
        a column identical to one before it is left out), as a DataFrame with one row per
        column, which adds the works with a label and the distinct labels.

        Example: ``study.agreement(by="all")``, ``study.agreement(by="style")``.
        """
        self.runner.require("labels_")
        if by is None or isinstance(by, str) and by != "all":
            column = by or "genre"
            values = _label_values(self.runner.collection.metadata, column)
            if values is None:
                return pd.Series(dtype="float64", name="agreement")
            return pd.Series(self._agreement(column, values), name="agreement")
        meta = self.runner.collection.metadata
        columns = label_columns(meta) if by == "all" else list(by)
        rows = {}
        for column in columns:
            values = _label_values(meta, column)
            if values is not None:
                rows[column] = {**self._agreement(column, values),
                                "n_works": int(values.notna().sum()),
                                "n_labels": int(values.nunique())}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("label")

    def _agreement(self, column: str, values: pd.Series) -> dict:
        # cached: scoring needs scikit-learn, whose import costs more than a warm study
        query = "agreement" if column == "genre" else ["agreement", column, values.tolist()]
        return self._scores(query, ["labels_"], lambda: cluster_mod.agreement(self.runner.result("labels_"), values))

    def caption_agreement(self) -> pd.Series:
        """Per artwork, the cosine similarity of the first two models' captions."""
        from ..steps.describe import caption_agreement

        self.runner.require("descriptions_")
        models = list(dict.fromkeys(self.runner.result("descriptions_")["model"]))
        if len(models) < 2:
            raise ValueError(f"caption agreement needs two describing models; this study has {models}")
        with quiet_model_loading(not self.runner.progress):
            return caption_agreement(self.runner.result("descriptions_"), models[0], models[1])

    def genre_report(self) -> pd.DataFrame:
        """Accuracy, macro-F1 and the majority baseline per describing model (no rows without
        known genres)."""
        from ..genre.evaluation import compare_models

        self.runner.require("genre_predictions_")
        found = self._scores("genre_report", ["genre_predictions_"],
                             lambda: compare_models(self.runner.result("genre_predictions_")).to_json(orient="table"))
        return pd.read_json(io.StringIO(found), orient="table")

    def check_claim(self, text: str, cluster: int, judge: Any = "embedding", *,
                    llm: Any = None, prompt: str | None = None, **options: Any) -> pd.DataFrame:
        """An analyst's claim about ``cluster``, checked as the keywords are: a one-row
        claims table (support among the cluster's described works, contrast outside,
        difference and lift with intervals, flags, supporting and contradicting ids).

        ``judge``: ``"embedding"`` (offline default), ``"lexical"``, ``"nli[:model]"``,
        ``"llm"`` (with ``llm=``, a text model or spec), ``"image[:clip model]"``, or a judge
        object (:mod:`artopic_nb.models.judges`). ``prompt``: which texts are read (the one
        ``find_commonalities`` used, else ``"description"``). ``options`` go to
        :func:`artopic_nb.text.claims.score_claims` (``min_support``, ``max_outside`` ...).

        Example: ``study.check_claim("gold background", cluster=3)``.
        """
        from ..models.judges import load_judge
        from ..text.claims import check_claim

        self.runner.require("descriptions_", "labels_")
        prompt = prompt or self.runner.params_.get("commonalities", {}).get("prompt", "description")
        texts = description_texts(self.runner.result("descriptions_"), prompt)  # as find_commonalities reads them
        texts = texts.assign(cluster=self.runner.result("labels_")[texts["id"].to_numpy()])[["id", "text", "cluster"]]
        judge = load_judge(judge, llm=llm, collection=self.runner.collection)
        with quiet_model_loading(not self.runner.progress):
            return check_claim(text, texts, cluster, judge, seed=self.runner.seed, **options)

    def provenance(self) -> pd.DataFrame:
        """What each result rests on: one row per model (or no-model fallback) behind the
        study's results, read from its results and parameters, with ``result``, ``model``,
        ``no_model`` (a fallback that measures instead of seeing) and ``means`` (what that
        implies, in plain words). The report's first section, the CLI summary and the
        explorer's header show it.

        Example: ``study.provenance()`` -> ``image embedding | color-texture-v1 | True |
        colour and texture only: clusters group works by palette, not subject``.
        """
        from ..models.backends.attributes import AttributeDescriber
        from ..models.backends.color import ColorTextureEmbedder

        run, rows = self.runner, []
        parts = run.get("embed_parts_") or {}
        text = parts.get("text") or {}
        words = bool(text.get("model") and text.get("works_with_text"))
        if run.has("embed"):
            image = (parts.get("image") or {}).get("model") if parts else run.get("embedder_id_")
            if image is None:
                rows.append(("image embedding", "none", False, "words only (image=False): the "
                             "images do not enter the clusters"))
            elif str(image).startswith(ColorTextureEmbedder.model_id.rsplit("-", 1)[0]):
                rows.append(("image embedding", image, True, "colour and texture only: clusters "
                             "group works by palette, not subject" + (
                                 "; the works' words carry the subject" if words else "")))
            else:
                rows.append(("image embedding", image, False, f"clusters follow what {image} "
                             "sees in the images"))
        if words:
            rows.append(("text embedding", text["model"], False, f"the works' own words "
                         f"({', '.join(text.get('columns', []))}) join the images"))
        if run.has("describe"):
            models = list(dict.fromkeys(run.result("descriptions_")["model"].astype(str)))
            record = any(m.startswith("column:") for m in models)
            for model in models:
                if model == AttributeDescriber.model_id:
                    rows.append(("descriptions", model, True, "measured colour, light and "
                                 "texture, not what the works show: " + (
                                     "the record's words carry the subjects" if record else
                                     "keywords, claims and names speak of palette and "
                                     "composition only")))
                elif model.startswith("column:"):
                    rows.append(("descriptions", model, False, "the collection's own text "
                                 f"(column {model.split(':', 1)[1]}), not a model's"))
                else:
                    rows.append(("descriptions", model, False, f"what {model} says it sees"))
        if run.has("predict_genres"):
            rows.append(("genres", str(run.params_["predict_genres"]["predictor"]), False,
                         "genres predicted from the captions"))
        if run.has("commonalities"):
            llm = run.params_["commonalities"].get("llm")
            rows.append(("names and summaries", llm or "none", False,
                         f"{llm} names and summarises the clusters" if llm else
                         "no text model: names come from keywords and claims, no summaries"))
            judge = run.result("commonalities_").params.get("judge")
            if judge:
                rows.append(("claims", judge, False, "claims checked against the descriptions"))
        return pd.DataFrame(rows, columns=["result", "model", "no_model", "means"])

    def genre_reports(self) -> dict:
        """Per describing model, its full :class:`~artopic_nb.genre.predict.GenreReport`."""
        from ..genre.evaluation import evaluate_genres

        self.runner.require("genre_predictions_")
        return {model: evaluate_genres(g["known"].tolist(), g["predicted"].tolist(), model=model)
                for model, g in self.runner.result("genre_predictions_").groupby("model", sort=True)}


#: Metadata columns that hold known labels a clustering can be compared with.
LABEL_COLUMNS = ("genre", "style", "movement", "artist", "school", "period", "timeframe", "type",
                 "classification", "culture", "department", "wikiart_genre")


def _label_values(meta: pd.DataFrame, column: str) -> pd.Series | None:
    """A label column with blanks as None; None when it is absent or has no value."""
    if column not in meta.columns:
        return None
    values = meta[column].astype(object).map(lambda v: None if pd.isna(v) or not str(v).strip()
                                              else str(v))
    return values if values.notna().any() else None


def label_columns(meta: pd.DataFrame) -> list[str]:
    """The :data:`LABEL_COLUMNS` of ``meta`` that have values, each unlike the ones before."""
    found: list[str] = []
    for column in LABEL_COLUMNS:
        values = _label_values(meta, column)
        if values is not None and not any(values.equals(_label_values(meta, c)) for c in found):
            found.append(column)
    return found
