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
(:func:`~artopic_nb.genre.evaluation.evaluate_genres`, :func:`~artopic_nb.genre.evaluation.compare_models`
...) lives in :mod:`artopic_nb.genre.evaluation`.

Example
-------
>>> preds = predict_genres(study.descriptions_, known=col.metadata["genre"])   # doctest: +SKIP
>>> evaluate_genres(preds["known"], preds["predicted"]).accuracy                # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

import pandas as pd

from .embedding import EmbeddingGenrePredictor

__all__ = ["GenrePredictor", "predict_genres"]


@runtime_checkable
class GenrePredictor(Protocol):
    """What :func:`predict_genres` runs (kind ``genre_predictor`` of the model registry): one
    label per caption, and a readable ``model_id``. A ``cache_id`` (its full identity, or
    None) lets a study cache its predictions. Re-exported by :mod:`artopic_nb.models.protocols`.

    >>> isinstance(EmbeddingGenrePredictor(["portrait"]), GenrePredictor)
    True
    """

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
