"""Genre prediction from one-sentence captions.

Two predictors share one small interface (``predict(captions) -> list of labels``):

- :class:`EmbeddingGenrePredictor` (the default): each genre is a *prototype* in
  sentence-embedding space (all-MiniLM-L6-v2 by default), the mean of the embeddings of a few
  templates on the label name ("a painting of a portrait") and of a few short definition
  sentences (:data:`GENRE_DEFINITIONS`); a caption gets the genre of the nearest prototype
  (cosine arg-max). :meth:`~EmbeddingGenrePredictor.fit` calibrates it with a few labelled
  captions by moving each prototype toward the centroid of its examples.
- :class:`~artopic_nb.genre_llm.LLMGenrePredictor`: the versioned ``genre_choice`` prompt
  sent to a text model (:mod:`artopic_nb.genre_llm`).

:func:`predict_genres` runs a predictor over a study's captions, per describing model. The
default label set is the demo collection's, :data:`artopic_nb.datasets.DEMO_GENRES`. Scoring
(:func:`evaluate_genres`, :func:`compare_models`, :class:`GenreReport` ...) lives in
:mod:`artopic_nb.genre_eval` and the charts in :mod:`artopic_nb.widgets.charts`; the names
are importable from here too.

Example
-------
>>> from artopic_nb.genre import EmbeddingGenrePredictor, evaluate_genres
>>> pred = EmbeddingGenrePredictor(["portrait", "landscape", "still life"])  # doctest: +SKIP
>>> pred.predict(["A vase of roses on a table."])                             # doctest: +SKIP
['still life']
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from .datasets import DEMO_GENRES
from .genre_eval import (
    NOT_SCORED,
    UNPARSED,
    GenreReport,
    compare_models,
    evaluate_genres,
    is_missing,
    predictions_side_by_side,
    text_list,
)
from .genre_llm import LLMGenrePredictor, genre_choice_prompt, parse_genre_answer
from .text import encode_texts, encoder_id, l2_normalise, load_sentence_encoder

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "DEMO_GENRES",
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
]

#: Short definition sentences per genre, written as a captioning model would describe such a
#: work. Each genre's prototype averages their embeddings with templates on the label name, so
#: several sentences covering the genre's typical subjects beat one abstract definition.
#: The first eight are the demo genres; the rest are common genres users may name.
GENRE_DEFINITIONS: dict[str, list[str]] = {
    "portrait": [
        "A portrait of a person posing and looking at the viewer.",
        "A half-length likeness of a man or woman in fine clothes against a plain background.",
        "The head and shoulders of a sitter with a calm expression.",
        "A seated lady or gentleman poses for a formal portrait.",
        "A self-portrait of the artist.",
    ],
    "religious": [
        "A Christian religious scene from the Bible.",
        "The Virgin Mary and the Christ child with halos.",
        "Jesus Christ, the crucifixion, angels, saints and apostles.",
        "A saint with a halo praying, an altarpiece with a gold background.",
        "A biblical story from the Old or New Testament.",
    ],
    "mythological": [
        "A scene from classical Greek and Roman mythology.",
        "Gods and goddesses such as Venus, Cupid, Diana, Apollo and Bacchus.",
        "Nymphs, satyrs, centaurs and heroes of ancient legend.",
        "Nude figures of gods in an idealised classical landscape.",
        "A hero from Greek myth fighting a monster.",
    ],
    "landscape": [
        "A landscape view of nature with hills, trees, fields and sky.",
        "Mountains, a river or a lake under clouds.",
        "A seascape with waves, ships and a coastline.",
        "A forest, a country road or a village in the distance.",
        "A panoramic view of the countryside or a city.",
    ],
    "still life": [
        "A still life of objects arranged on a table.",
        "Fruit, flowers in a vase, bread and glasses on a tabletop.",
        "Dishes, food, dead game and kitchen utensils on a ledge.",
        "A vanitas with a skull, a candle and books.",
        "A bouquet of flowers in a vase.",
    ],
    "genre scene": [
        "A scene of everyday life with ordinary people at work or leisure.",
        "Peasants, villagers or townspeople eating, drinking, dancing or working.",
        "A domestic interior where a woman does household chores.",
        "Children playing, people at a market, a tavern or a street.",
        "A family in a kitchen or a cottage.",
    ],
    "animal": [
        "A painting of an animal.",
        "A horse, a dog, a cat, cattle or sheep.",
        "Wild animals such as a lion, a tiger, a deer or birds in nature.",
        "Farm animals grazing in a meadow or a farmyard.",
        "A hunting dog or a racehorse.",
    ],
    "asian art": [
        "A Chinese or Japanese painting in ink on silk or paper.",
        "A hanging scroll, handscroll or folding screen from East Asia.",
        "A Japanese ukiyo-e woodblock print.",
        "Bamboo, plum blossoms, cranes or misty mountains brushed in ink with calligraphy and seals.",
        "An Indian, Persian or Korean miniature painting, or a Buddhist painting.",
    ],
    "history painting": ["A dramatic scene from history with many figures.",
                         "Kings, generals and soldiers at a famous historical event."],
    "battle scene": ["A battle with soldiers, cavalry, swords, cannons and smoke.",
                     "Warriors fighting on a battlefield."],
    "cityscape": ["A view of a city with streets, buildings and squares.",
                  "Houses, churches and bridges along a canal or river in a town."],
    "seascape": ["A seascape with ships at sea, waves and sky.",
                 "Boats in a harbour or a stormy sea along a coast."],
    "interior": ["The inside of a room with furniture, windows and doors.",
                 "A church interior or a quiet room of a house."],
    "nude": ["A nude figure, an unclothed body reclining or standing.",
             "A study of the naked human figure."],
    "allegory": ["An allegory in which figures personify virtues, seasons or ideas.",
                 "Symbolic figures representing abstract concepts."],
    "abstract": ["An abstract composition of shapes, lines and colours with no recognisable subject.",
                 "Geometric forms and colour fields."],
    "botanical": ["A detailed botanical study of a plant, its leaves, flowers and roots."],
    "architecture": ["A building, a church facade, ruins or a monument.",
                     "An architectural view of columns, arches and towers."],
}

#: Templates on the bare label name, averaged into each prototype.
LABEL_TEMPLATES = ("{}", "a painting of {}", "a {} painting", "an artwork in the genre of {}")

#: The weights that ``fit_weight="auto"`` chooses from (0 keeps the zero-shot prototypes).
FIT_WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


class GenrePredictor(Protocol):
    """What :func:`predict_genres` runs: one label per caption, and a readable ``model_id``.
    A ``cache_id`` (its full identity, or None) lets a study cache its predictions."""

    model_id: str

    def predict(self, captions: Sequence[str]) -> list[str]: ...


class EmbeddingGenrePredictor:
    """Zero-shot genre prediction by nearest genre prototype in sentence-embedding space.

    Parameters
    ----------
    genres
        Genre names (definitions are taken from :data:`GENRE_DEFINITIONS` where known), or a
        mapping ``{name: definition}`` where a definition is a string, a list of strings, or
        ``None`` (label templates only). Unknown names without a definition use the label
        templates alone.
    model
        ``None`` (all-MiniLM-L6-v2, offline), a sentence-transformers model name or folder,
        or any object with ``encode(list[str]) -> array``.
    use_definitions
        ``False`` builds prototypes from the bare label templates only (the baseline).
    fit_weight
        In :meth:`fit`, how far each prototype moves toward the centroid of its labelled
        examples: ``prototype = normalise((1 - w) * zero_shot + w * centroid)``. ``"auto"``
        (default) picks ``w`` from :data:`FIT_WEIGHT_GRID` by leave-one-out accuracy on the
        examples themselves, ties going to the smaller weight, and keeps ``w = 0`` unless
        another weight gets at least max(2, 7.5%) more examples right: with good definitions the
        zero-shot prototypes are hard to beat with 5 examples a genre (a fixed ``w = 0.7``
        cost 6 points of accuracy on the benchmark), while with bare label names the examples
        add 10-20 points. The chosen weight is ``fit_weight_``.
    temperature
        Softmax temperature of :meth:`predict_proba` over cosine similarities.

    Attributes after construction or :meth:`fit`: ``classes_`` (genre names),
    ``prototypes_`` (n_classes, d) L2-normalised, ``zero_shot_prototypes_``; after
    :meth:`fit`: ``n_examples_`` (dict genre -> count), ``fit_weight_``, ``loo_accuracy_``
    (dict weight -> leave-one-out accuracy, with ``"auto"``).
    """

    def __init__(
        self,
        genres: Sequence[str] | Mapping[str, str | Sequence[str] | None] = DEMO_GENRES,
        model: str | os.PathLike | Any | None = None,
        *,
        use_definitions: bool = True,
        fit_weight: float | str = "auto",
        temperature: float = 0.05,
    ):
        self.genres = genres
        self.model = model
        self.use_definitions = use_definitions
        self.fit_weight = fit_weight
        self.temperature = temperature
        self._encoder = None

    # -- prototypes
    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = load_sentence_encoder(self.model)
        return self._encoder

    def genre_texts(self) -> dict[str, list[str]]:
        """The texts averaged into each genre's zero-shot prototype."""
        if isinstance(self.genres, Mapping):
            items = list(self.genres.items())
        else:
            items = [(g, GENRE_DEFINITIONS.get(str(g).lower())) for g in self.genres]
        if not items:
            raise ValueError("at least one genre is needed")
        texts: dict[str, list[str]] = {}
        for name, definition in items:
            name = str(name)
            own = [t.format(name) for t in LABEL_TEMPLATES]
            if self.use_definitions and definition is not None:
                own += [definition] if isinstance(definition, str) else list(definition)
            texts[name] = own
        return texts

    def _zero_shot(self) -> None:
        if getattr(self, "zero_shot_prototypes_", None) is not None:
            return
        texts = self.genre_texts()
        self.classes_ = np.array(list(texts), dtype=object)
        flat = [t for ts in texts.values() for t in ts]
        emb = encode_texts(self.encoder, flat)
        protos, start = [], 0
        for ts in texts.values():
            protos.append(emb[start : start + len(ts)].mean(axis=0))
            start += len(ts)
        self.zero_shot_prototypes_ = l2_normalise(np.stack(protos))
        self.prototypes_ = self.zero_shot_prototypes_.copy()

    def fit(self, captions: Sequence[str], labels: Sequence[str]) -> EmbeddingGenrePredictor:
        """Calibrate the prototypes with a few labelled captions (returns ``self``).

        Each genre's prototype moves toward the centroid of its examples (see ``fit_weight``);
        genres without examples keep their zero-shot prototype; labels that are not genres
        yet become new classes whose prototype is their centroid alone. Missing labels
        (``None``/NaN) are ignored. Refitting starts again from the zero-shot prototypes.
        """
        self._zero_shot()
        captions = text_list(captions)
        labels = list(labels)
        if len(captions) != len(labels):
            raise ValueError(f"{len(captions)} captions but {len(labels)} labels")
        keep = [i for i, lab in enumerate(labels) if not is_missing(lab)]
        emb = encode_texts(self.encoder, [captions[i] for i in keep])
        labs = np.array([str(labels[i]) for i in keep], dtype=object)
        n_zero = len(self.genre_texts())
        classes = list(self.classes_[:n_zero])
        classes += [lab for lab in dict.fromkeys(labs) if lab not in classes]  # new classes
        y = np.array([classes.index(lab) for lab in labs], dtype=int)
        zero = np.zeros((len(classes), self.zero_shot_prototypes_.shape[1]), np.float32)
        zero[:n_zero] = self.zero_shot_prototypes_[:n_zero]
        has_prior = np.arange(len(classes)) < n_zero
        sums = np.zeros_like(zero)
        np.add.at(sums, y, emb)
        counts = np.bincount(y, minlength=len(classes))

        def prototypes(w: float, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
            cent = l2_normalise(sums)
            with_ex = (counts > 0)[:, None]
            mixed = np.where(has_prior[:, None], (1.0 - w) * zero + w * cent, cent)
            return l2_normalise(np.where(with_ex, mixed, zero))

        if self.fit_weight == "auto":
            self.loo_accuracy_ = {}
            for w in FIT_WEIGHT_GRID:
                hits = 0
                for i in range(len(y)):  # leave example i out of its class centroid
                    s2, c2 = sums.copy(), counts.copy()
                    s2[y[i]] -= emb[i]
                    c2[y[i]] -= 1
                    hits += int(np.argmax(prototypes(w, s2, c2) @ emb[i]) == y[i])
                self.loo_accuracy_[w] = hits / max(len(y), 1)
            best = max(self.loo_accuracy_.values())
            weight = min(w for w, a in self.loo_accuracy_.items() if a == best)
            # leave-one-out on 5 examples a genre is noisy: move away from the zero-shot
            # prototypes only for a clear gain (measured: a smaller margin lost 2 points
            # median with definitions, a larger one gained nothing more with bare names)
            margin = max(2, round(0.075 * len(y))) / max(len(y), 1)
            if best - self.loo_accuracy_[0.0] < margin - 1e-9:
                weight = 0.0
        else:
            weight = float(self.fit_weight)
        self.classes_ = np.array(classes, dtype=object)
        self.prototypes_ = prototypes(weight, sums, counts).astype(np.float32)
        self.fit_weight_ = weight
        self.n_examples_ = {c: int(n) for c, n in zip(classes, counts, strict=True) if n}
        return self

    # -- prediction
    def similarities(self, captions: Sequence[str]) -> pd.DataFrame:
        """Cosine similarity of each caption to each genre prototype (rows: captions)."""
        self._zero_shot()
        emb = encode_texts(self.encoder, text_list(captions))
        sims = emb @ self.prototypes_.T if len(emb) else np.zeros((0, len(self.classes_)))
        return pd.DataFrame(sims, columns=list(self.classes_))

    def predict_proba(self, captions: Sequence[str]) -> pd.DataFrame:
        """Softmax over the cosine similarities (temperature ``temperature``); columns ``classes_``."""
        sims = self.similarities(captions)
        z = sims.to_numpy() / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True)) if len(z) else z
        return pd.DataFrame(z / np.maximum(z.sum(axis=1, keepdims=True), 1e-300), columns=sims.columns)

    def predict(self, captions: Sequence[str]) -> list[str]:
        """The nearest genre of each caption; an empty or missing caption gives :data:`UNPARSED`."""
        texts = text_list(captions)
        sims = self.similarities(texts).to_numpy()
        labels = [str(self.classes_[k]) for k in sims.argmax(axis=1)] if len(sims) else []
        return [UNPARSED if not t.strip() else lab for t, lab in zip(texts, labels, strict=True)]

    @property
    def model_id(self) -> str:
        """A readable name (for tables); :attr:`cache_id` names the weights too."""
        m = self.model
        name = ("all-MiniLM-L6-v2" if m is None else os.fspath(m)
                if isinstance(m, (str, os.PathLike)) else type(m).__name__)
        return f"embedding:{name}"

    @property
    def cache_id(self) -> str | None:
        """The encoder's full identity (its weights' fingerprint), or None when it has none."""
        encoder = encoder_id(self.model)
        return None if encoder is None else f"embedding:{encoder}"

    def __repr__(self) -> str:
        n = len(self.genres)
        return f"EmbeddingGenrePredictor({n} genres, model={self.model_id!r})"


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
    """Deprecated: :func:`artopic_nb.widgets.charts.confusion_matrix` draws it (charts live
    with the widgets, so that the core never imports altair)."""
    warnings.warn("artopic_nb.genre.confusion_chart is deprecated and goes in the next release: "
                  "use artopic_nb.widgets.charts.confusion_matrix(report)",
                  DeprecationWarning, stacklevel=2)
    from .widgets import charts

    return charts.confusion_matrix(report, normalize=normalize, width=width)
