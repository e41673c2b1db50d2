"""Genre prediction from one-sentence captions.

Two predictors share one small interface (``predict(captions) -> list of labels``):

- :class:`~artopic_nb.genre.embedding.EmbeddingGenrePredictor` (the default): each genre is
  a *prototype* in sentence-embedding space (all-MiniLM-L6-v2 by default), the mean of
  caption-style templates on its name ("The artwork depicts a portrait.") and of definition
  sentences (:mod:`artopic_nb.genre.names`); a caption gets the genre of the nearest
  prototype (:mod:`artopic_nb.genre.embedding`: calibration, few-shot ``fit``).
- :class:`~artopic_nb.genre.llm.LLMGenrePredictor`: a constrained choice by a text model
  (:mod:`artopic_nb.genre.llm`): each genre's log-likelihood with an in-process model, the
  ``genre_choice`` prompt and its retry with an HTTP one.

:func:`predict_genres` runs a predictor over a study's captions, per describing model. Scoring
(:func:`evaluate_genres`, :func:`compare_models`, :class:`GenreReport` ...) lives in
:mod:`artopic_nb.genre.evaluation`; the names of all these modules are importable from here.

Example
-------
>>> preds = predict_genres(study.descriptions_, known=col.metadata["genre"])   # doctest: +SKIP
>>> evaluate_genres(preds["known"], preds["predicted"]).accuracy                # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from ..datasets import DEMO_GENRES
from ..text.encoder import load_sentence_encoder
from .calibration import CALIBRATIONS
from .embedding import (
    DEFAULT_CALIBRATION,
    FIT_WEIGHT_GRID,
    LABEL_TEMPLATES,
    EmbeddingGenrePredictor,
)
from .evaluation import (
    NOT_SCORED,
    UNPARSED,
    GenreReport,
    compare_models,
    evaluate_genres,
    predictions_side_by_side,
)
from .llm import LLMGenrePredictor, genre_choice_prompt, parse_genre_answer
from .names import CAPTION_TEMPLATES, GENRE_ALIASES, GENRE_DEFINITIONS, resolve_genre

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "CALIBRATIONS",
    "CAPTION_TEMPLATES",
    "DEFAULT_CALIBRATION",
    "DEMO_GENRES",
    "GENRE_ALIASES",
    "FIT_WEIGHT_GRID",
    "GENRE_DEFINITIONS",
    "LABEL_TEMPLATES",
    "NOT_SCORED",
    "UNPARSED",
    "EmbeddingGenrePredictor",
    "GenrePredictor",
    "GenreReport",
    "LLMGenrePredictor",
    "compare_models",
    "confusion_chart",
    "evaluate_genres",
    "genre_choice_prompt",
    "load_sentence_encoder",
    "parse_genre_answer",
    "predict_genres",
    "predictions_side_by_side",
    "resolve_genre",
]


class GenrePredictor(Protocol):
    """What :func:`predict_genres` runs: one label per caption, and a readable ``model_id``.
    A ``cache_id`` (its full identity, or None) lets a study cache its predictions."""

    model_id: str

    def predict(self, captions: Sequence[str]) -> list[str]: ...


def predict_genres(descriptions: pd.DataFrame, predictor: GenrePredictor | None = None,
                   known: pd.Series | Mapping[int, str] | None = None, *,
                   prompt: str = "caption") -> pd.DataFrame:
    """Predict a genre for every caption, per describing model.

    ``descriptions`` has columns ``id``, ``text`` and optionally ``model`` and ``prompt``
    (rows whose ``prompt`` differs from ``prompt`` are skipped). ``predictor`` has
    ``predict(texts) -> labels`` (default: :class:`EmbeddingGenrePredictor` on the demo
    genres). ``known``: a Series or mapping id -> known genre. Returns
    DataFrame(id, model, predicted, known) — the Study's ``genre_predictions_``.
    """
    df = descriptions
    if "prompt" in df.columns and prompt is not None:
        df = df[df["prompt"] == prompt]
    if "model" not in df.columns:
        df = df.assign(model="")
    predictor = predictor if predictor is not None else EmbeddingGenrePredictor()
    predicted = predictor.predict(df["text"].tolist()) if len(df) else []
    out = pd.DataFrame({"id": df["id"].to_numpy(), "model": df["model"].astype(str).to_numpy(),
                        "predicted": pd.array(predicted, dtype=object)})
    if known is not None:
        mapping = known.to_dict() if isinstance(known, pd.Series) else dict(known)
        out["known"] = [mapping.get(i) for i in out["id"]]
    else:
        out["known"] = None
    return out.reset_index(drop=True)


def confusion_chart(report: GenreReport, *, normalize: bool = True,
                    width: int = 320) -> alt.LayerChart:
    """Deprecated: :func:`artopic_nb.charts.confusion_matrix` draws it (charts live
    with the widgets, so that the core never imports altair)."""
    warnings.warn("artopic_nb.genre.predict.confusion_chart is deprecated and goes in the next release: "
                  "use artopic_nb.charts.confusion_matrix(report)",
                  DeprecationWarning, stacklevel=2)
    from ..widgets import charts

    return charts.confusion_matrix(report, normalize=normalize, width=width)
