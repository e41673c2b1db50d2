"""The predict_genres step: each described work's genre from its one-sentence caption, per
describing model, beside the known genre when the collection has one.

The predictors are in :mod:`artopic_nb.genre` (sentence-embedding prototypes, an LLM's
constrained choice); :func:`load_genre_predictor` turns a name into one.

Example
-------
>>> load_genre_predictor("embedding", ["portrait", "landscape"]).genres   # doctest: +SKIP
['portrait', 'landscape']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..genre.embedding import EmbeddingGenrePredictor
from ..genre.llm import LLMGenrePredictor
from ..genre.predict import predict_genres
from ..models.registry import load_text_model
from .base import Inputs, Step

__all__ = ["STEP", "known_genres", "load_genre_predictor"]


def load_genre_predictor(predictor: Any, genres: Sequence[str], llm: Any = None):
    """The genre predictor ``predictor`` names: ``"embedding"``, ``"llm"`` (with ``llm``, a
    text-model spec or object), or an object with ``predict``."""
    if predictor == "embedding":
        return EmbeddingGenrePredictor(genres)
    if predictor == "llm":
        if llm is None:
            raise ValueError("predictor='llm' needs llm=<text model spec or object>")
        return LLMGenrePredictor(genres, load_text_model(llm))
    if not hasattr(predictor, "predict"):
        raise ValueError("predictor must be 'embedding', 'llm' or an object with predict()")
    return predictor


def known_genres(collection) -> list | None:
    """The collection's known genres as strings, in id order (None without any)."""
    genres = collection.genres
    return None if genres is None else genres.astype(str).tolist()


def _compute(inputs: Inputs, *, predictor: str, genres: list) -> dict:
    return {"genre_predictions_": predict_genres(
        inputs["descriptions_"], inputs.given["predictor"], known=inputs.collection.genres)}


def _identity(inputs: Inputs, *, predictor: str, genres: list) -> dict | None:
    """Cached when the predictor names all it depends on (not when fitted on examples)."""
    model = inputs.given["predictor"]
    cache_id = None if hasattr(model, "n_examples_") else getattr(model, "cache_id", None)
    if cache_id is None:
        return None
    return {"predictor": cache_id, "known": known_genres(inputs.collection),
            "genre_texts": model.genre_texts()
            if isinstance(model, EmbeddingGenrePredictor) else None}


STEP = Step("predict_genres", reads=("descriptions_",), results={"genre_predictions_": "parquet"},
            params=("predictor", "genres"), compute=_compute, identity=_identity,
            libraries=("sentence-transformers",))
