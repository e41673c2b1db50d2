"""The zero-shot genre predictor: the nearest genre prototype in sentence-embedding space.

:class:`EmbeddingGenrePredictor` (the default of :func:`artopic_nb.genre.predict.predict_genres`):
each genre is a *prototype*, the mean of caption-style templates on its name ("The artwork
depicts a portrait.") and of definition sentences (:mod:`artopic_nb.genre.names`: names as
users write them, WikiArt/SemArt/Met/Iconclass aliases), embedded by a sentence encoder
(all-MiniLM-L6-v2 by default); a caption gets the genre of the nearest prototype. Optional
batch calibration (:mod:`artopic_nb.genre.calibration`); :meth:`~EmbeddingGenrePredictor.fit`
mixes in the centroids of a few labelled captions with a cross-validated weight. Import it
from :mod:`artopic_nb.genre.predict` or :mod:`artopic_nb`.

Example
-------
>>> pred = EmbeddingGenrePredictor(["portrait", "landscape", "Still_Life"])  # doctest: +SKIP
>>> pred.predict(["A vase of roses on a table."])                             # doctest: +SKIP
['Still_Life']
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..text.encoder import encode_texts, encoder_id, l2_normalise, load_sentence_encoder
from .calibration import calibrate, softmax
from .evaluation import UNPARSED, is_missing, text_list
from .names import (
    BARE_TEMPLATES,
    CAPTION_TEMPLATES,
    DEFAULT_GENRES,
    GENRE_DEFINITIONS,
    describe_resolved,
    normalise_genre_name,
    resolve_genre,
)

__all__ = [
    "DEFAULT_CALIBRATION",
    "FIT_WEIGHT_GRID",
    "LABEL_TEMPLATES",
    "EmbeddingGenrePredictor",
]

#: The bare-label templates of the first version (the naive anchor); see also
#: :data:`~artopic_nb.genre.names.CAPTION_TEMPLATES`, the default.
LABEL_TEMPLATES = BARE_TEMPLATES

#: The weights that ``fit_weight="auto"`` chooses from (0 keeps the zero-shot prototypes).
FIT_WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

#: The batch calibration used by default: none, as no correction of
#: :mod:`artopic_nb.genre.calibration` helped on the sets whose texts we did not write
#: (``benchmarks/genre_accuracy.py``: each cost accuracy on the Met titles).
DEFAULT_CALIBRATION = "none"


class EmbeddingGenrePredictor:
    """Zero-shot genre prediction by nearest genre prototype in sentence-embedding space.

    Parameters
    ----------
    genres
        Names as the user writes them (``"religious painting"``, ``"Still_Life"`` ...), or a
        mapping ``{name: definition}`` (a string, a list of strings, or ``None``). A name is
        resolved to a built-in genre (:func:`~artopic_nb.genre.names.resolve_genre`: case,
        underscores, plurals, WikiArt/SemArt/Met/Iconclass aliases) whose definition joins its
        prototype; predictions are the names as given. A name with no built-in meaning uses
        the templates alone, and a notice says so.
    model
        ``None`` (all-MiniLM-L6-v2, offline), a sentence-transformers name or folder, or any
        object with ``encode(list[str]) -> array``.
    use_definitions, aliases
        ``False``: templates only; ``False``: only a built-in name written exactly (any case)
        gets its definition.
    templates
        ``"caption"`` (default: :data:`~artopic_nb.genre.names.CAPTION_TEMPLATES`, "The artwork
        depicts ..."), ``"bare"`` (:data:`LABEL_TEMPLATES`), ``"both"``, or ``"{}"`` templates.
    template_weight
        The templates' share of a prototype that has definitions (the rest: the definitions).
    calibration
        A label-free correction over the batch being classified (:mod:`~artopic_nb.genre.calibration`):
        ``"none"`` (default, see :data:`DEFAULT_CALIBRATION`), ``"centre"``, ``"zscore"``,
        ``"csls"`` or ``"em"``. Batches under 20 captions are not calibrated.
    fit_weight
        In :meth:`fit`, the weight ``w`` of the examples' class centroids against the zero-shot
        prototypes: ``prototype = (1 - w) * zero_shot + w * centroid``. ``"auto"`` (default)
        chooses ``w`` from :data:`FIT_WEIGHT_GRID` by leave-one-out cross-validation on the
        examples, and keeps ``w = 0`` unless another weight gets at least max(2, 7.5%) more
        examples right, so that fitting never does worse than zero-shot by chance. The chosen
        weight is ``fit_weight_`` (shown in the repr).
    temperature
        Softmax temperature of :meth:`predict_proba` over the (calibrated) similarities.

    Attributes after construction or :meth:`fit`: ``classes_`` (genre names as given),
    ``resolved_`` (name -> (built-in genre or None, source): ``"built-in"``, ``"alias"``,
    ``"given"`` or ``"templates only"``), ``prototypes_`` (n_classes, d),
    ``zero_shot_prototypes_``; after :meth:`fit`: ``n_examples_``, ``fit_weight_``,
    ``cv_accuracy_`` (weight -> leave-one-out accuracy, with ``"auto"``).
    """

    def __init__(
        self,
        genres: Sequence[str] | Mapping[str, str | Sequence[str] | None] = DEFAULT_GENRES,
        model: str | os.PathLike | Any | None = None,
        *,
        use_definitions: bool = True,
        aliases: bool = True,
        templates: str | Sequence[str] = "caption",
        template_weight: float = 0.5,
        calibration: str = DEFAULT_CALIBRATION,
        fit_weight: float | str = "auto",
        temperature: float = 0.05,
    ):
        self.genres = genres
        self.model = model
        self.use_definitions = use_definitions
        self.aliases = aliases
        self.templates = templates
        self.template_weight = template_weight
        self.calibration = calibration
        self.fit_weight = fit_weight
        self.temperature = temperature
        self._encoder = None

    # -- prototypes
    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = load_sentence_encoder(self.model)
        return self._encoder

    def _templates(self) -> tuple[str, ...]:
        t = self.templates
        if isinstance(t, str):
            named = {"caption": CAPTION_TEMPLATES, "bare": BARE_TEMPLATES,
                     "both": CAPTION_TEMPLATES + BARE_TEMPLATES}
            if t not in named:
                raise ValueError(f"templates must be 'caption', 'bare', 'both' or a list, not {t!r}")
            return named[t]
        return tuple(t)

    def _resolve(self, name: str, definition: Any) -> tuple[tuple[str | None, str], list[str]]:
        """((built-in genre, source), definition sentences) of one name."""
        if definition is not None:
            return (None, "given"), [definition] if isinstance(definition, str) else list(definition)
        if self.aliases:
            canonical, source = resolve_genre(name)
        else:
            key = name.lower()
            canonical, source = (key, "built-in") if key in GENRE_DEFINITIONS else (None, "templates only")
        return (canonical, source), list(GENRE_DEFINITIONS.get(canonical, [])) if canonical else []

    def _parts(self) -> dict[str, tuple[list[str], list[str]]]:
        """name -> (template sentences, definition sentences); sets ``resolved_``."""
        items = (list(self.genres.items()) if isinstance(self.genres, Mapping)
                 else [(g, None) for g in self.genres])
        if not items:
            raise ValueError("at least one genre is needed")
        parts, resolved = {}, {}
        for name, definition in items:
            name = str(name)
            resolved[name], defs = self._resolve(name, definition)
            phrases = list(dict.fromkeys([normalise_genre_name(name) or name]
                                         + ([resolved[name][0]] if resolved[name][0] else [])))
            temps = [t.format(p) for t in self._templates() for p in phrases]
            parts[name] = (temps, defs if self.use_definitions else [])
        self.resolved_ = resolved
        return parts

    def genre_texts(self) -> dict[str, list[str]]:
        """The texts embedded into each genre's zero-shot prototype (templates, then definitions)."""
        return {name: t + d for name, (t, d) in self._parts().items()}

    def describe_labels(self) -> str:
        """Which taxonomy, aliases and calibration were applied, one line a genre."""
        parts = self._parts()
        lines = describe_resolved(self.resolved_, {n: len(d) for n, (_, d) in parts.items()})
        fitted = getattr(self, "fit_weight_", None)
        lines.append(f"calibration: {self.calibration}; templates: {self.templates}"
                     + ("" if fitted is None else f"; fit weight {fitted} on "
                        f"{sum(self.n_examples_.values())} examples"))
        return "\n".join(lines)

    def _zero_shot(self) -> None:
        if getattr(self, "zero_shot_prototypes_", None) is not None:
            return
        parts = self._parts()
        unknown = [n for n, (_, src) in self.resolved_.items() if src == "templates only"]
        if unknown:
            print(f"artopic_nb genres: no built-in definition for {', '.join(map(repr, unknown))}: "
                  "templates only (caption templates on the name). Pass {name: 'a sentence or "
                  "two describing such a work'} to define one; describe_labels() lists them all.")
        self.classes_ = np.array(list(parts), dtype=object)
        flat = [t for temps, defs in parts.values() for t in temps + defs]
        emb = encode_texts(self.encoder, flat)
        protos, start = [], 0
        for temps, defs in parts.values():
            t_mean = emb[start : start + len(temps)].mean(axis=0)
            start += len(temps)
            if defs:
                d_mean = emb[start : start + len(defs)].mean(axis=0)
                start += len(defs)
                w = self.template_weight
                t_mean = w * t_mean + (1 - w) * d_mean
            protos.append(t_mean)
        self.zero_shot_prototypes_ = l2_normalise(np.stack(protos))
        self.prototypes_ = self.zero_shot_prototypes_.copy()

    def fit(self, captions: Sequence[str], labels: Sequence[str]) -> EmbeddingGenrePredictor:
        """Few-shot: mix each genre's prototype with the centroid of its labelled captions.

        The weight is chosen by leave-one-out cross-validation (see ``fit_weight``); genres
        without examples keep their zero-shot prototype; labels that are not genres yet become
        new classes whose prototype is their centroid alone. Missing labels are ignored.
        Refitting starts again from the zero-shot prototypes. Returns ``self``.
        """
        self._zero_shot()
        captions = text_list(captions)
        labels = list(labels)
        if len(captions) != len(labels):
            raise ValueError(f"{len(captions)} captions but {len(labels)} labels")
        keep = [i for i, lab in enumerate(labels) if not is_missing(lab)]
        emb = encode_texts(self.encoder, [captions[i] for i in keep]).astype(np.float64)
        labs = [str(labels[i]) for i in keep]
        n_zero = len(self.zero_shot_prototypes_)
        classes = list(self.classes_[:n_zero])
        classes += [lab for lab in dict.fromkeys(labs) if lab not in classes]  # new classes
        y = np.array([classes.index(lab) for lab in labs], dtype=int)
        k = len(classes)
        zero = np.zeros((k, emb.shape[1]))
        zero[:n_zero] = self.zero_shot_prototypes_
        sums = np.zeros((k, emb.shape[1]))
        np.add.at(sums, y, emb)
        counts = np.bincount(y, minlength=k)
        cent = l2_normalise(sums).astype(np.float64)
        has_prior = np.arange(k) < n_zero

        def mix(w: float, zs, ce, with_examples):
            return np.where(with_examples, np.where(has_prior, (1 - w) * zs + w * ce, ce),
                            np.where(has_prior, zs, -np.inf))

        if self.fit_weight == "auto" and len(y):
            zs_s = emb @ zero.T
            ce_s = emb @ cent.T
            # leave-one-out: example i's own class centroid without it
            own = sums[y] - emb
            norm = np.linalg.norm(own, axis=1)
            ce_s[np.arange(len(y)), y] = np.where(norm > 1e-9, (emb * own).sum(1) / np.maximum(norm, 1e-9), 0)
            with_ex = np.broadcast_to(counts > 0, ce_s.shape).copy()
            with_ex[np.arange(len(y)), y] = counts[y] > 1
            self.cv_accuracy_ = {w: float((mix(w, zs_s, ce_s, with_ex).argmax(1) == y).mean())
                                 for w in FIT_WEIGHT_GRID}
            best = max(self.cv_accuracy_.values())
            weight = min(w for w, a in self.cv_accuracy_.items() if a == best)
            # leave-one-out on 5 examples a genre is noisy: leave the zero-shot prototypes only
            # for a clear gain, so that fitting does not score below zero-shot by chance
            margin = max(2, round(0.075 * len(y))) / len(y)
            if best - self.cv_accuracy_[0.0] < margin - 1e-9:
                weight = 0.0
        else:
            weight = 0.0 if self.fit_weight == "auto" else float(self.fit_weight)
        protos = mix(weight, zero.T, cent.T, (counts > 0)[None, :]).T  # classes last, as scores
        self.classes_ = np.array(classes, dtype=object)
        self.prototypes_ = np.where(np.isfinite(protos), protos, 0.0).astype(np.float32)
        self.fit_weight_ = weight
        self.n_examples_ = {c: int(n) for c, n in zip(classes, counts, strict=True) if n}
        return self

    # -- prediction
    def similarities(self, captions: Sequence[str], *, calibrated: bool = True) -> pd.DataFrame:
        """Similarity of each caption to each genre prototype (rows: captions), calibrated over
        the batch (``calibration``) unless ``calibrated=False`` (plain cosine)."""
        self._zero_shot()
        emb = encode_texts(self.encoder, text_list(captions))
        sims = emb @ self.prototypes_.T if len(emb) else np.zeros((0, len(self.classes_)))
        if calibrated:
            sims = calibrate(sims, self.calibration, temperature=self.temperature)
        return pd.DataFrame(sims, columns=list(self.classes_))

    def predict_proba(self, captions: Sequence[str]) -> pd.DataFrame:
        """Softmax over the calibrated similarities (temperature ``temperature``)."""
        sims = self.similarities(captions)
        return pd.DataFrame(softmax(sims.to_numpy(), self.temperature), columns=sims.columns)

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
        """The encoder's full identity (its weights' fingerprint) and the settings that change
        predictions, or None when the encoder has none."""
        encoder = encoder_id(self.model)
        if encoder is None:
            return None
        return (f"embedding:{encoder}|templates={self._templates()}|tw={self.template_weight}"
                f"|calibration={self.calibration}")

    def __repr__(self) -> str:
        n = len(self.genres)
        fitted = getattr(self, "fit_weight_", None)
        fit = "" if fitted is None else f", fit_weight_={fitted}"
        return (f"EmbeddingGenrePredictor({n} genres, model={self.model_id!r}, "
                f"calibration={self.calibration!r}{fit})")
