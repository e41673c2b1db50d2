"""The predict_genres step: each described work's genre from its one-sentence caption, per
describing model, beside the known genre when the collection has one.

The predictors are in :mod:`artopic_nb.genre` (sentence-embedding prototypes, an LLM's
constrained choice), registered as kind ``genre_predictor`` of the model registry;
:func:`~artopic_nb.models.genre_predictors.load_genre_predictor` (imported here too, where it
was) turns a name into one.

Example
-------
>>> load_genre_predictor("embedding", ["portrait", "landscape"]).genres   # doctest: +SKIP
['portrait', 'landscape']
"""

from __future__ import annotations

from ..genre.embedding import EmbeddingGenrePredictor
from ..genre.predict import predict_genres
from ..models.genre_predictors import load_genre_predictor
from .base import Inputs, Step

__all__ = ["STEP", "known_genres", "load_genre_predictor"]


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
