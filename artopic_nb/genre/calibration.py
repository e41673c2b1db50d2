"""Label-free calibration of genre scores over the batch of captions being classified.

A zero-shot prototype that sits near the middle of caption space (a vague name, a name
without a definition) is close to every caption and becomes an *attractor*: it takes the
captions of other genres. These corrections look at the whole batch, never at labels, and
re-score so that no genre wins by being close to everything:

``"centre"``
    subtract each genre's mean similarity over the batch (its "pull");
``"zscore"``
    centre, then divide by each genre's standard deviation over the batch;
``"csls"``
    hubness reduction (cross-domain similarity local scaling): subtract each genre's mean
    similarity to its ``k`` nearest captions, so a prototype near everything is penalised most;
``"em"``
    re-estimate the genre priors of the batch by expectation-maximisation (Saerens et al.,
    2002) over softmax probabilities, and re-weight each caption's probabilities by them.

:func:`calibrate` applies one by name; a batch smaller than ``min_batch`` is left as is (the
statistics of a few captions would be noise). Each returns scores on the scale of cosine
similarities, so one softmax temperature serves them all.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CALIBRATIONS", "MIN_BATCH", "calibrate", "softmax"]

#: The names :func:`calibrate` knows (``"none"`` leaves the scores as they are).
CALIBRATIONS = ("none", "centre", "zscore", "csls", "em")
#: Fewer captions than this are not calibrated.
MIN_BATCH = 20


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = np.asarray(scores, dtype=np.float64) / temperature
    if not len(z):
        return z
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _centre(s: np.ndarray) -> np.ndarray:
    return s - s.mean(axis=0, keepdims=True)


def _zscore(s: np.ndarray) -> np.ndarray:
    std = s.std(axis=0, keepdims=True)
    return _centre(s) / np.maximum(std, 1e-6) * float(std.mean())  # back on a cosine scale


def _csls(s: np.ndarray, k: int = 10) -> np.ndarray:
    k = max(1, min(k, len(s)))
    pull = -np.sort(-s, axis=0)[:k].mean(axis=0, keepdims=True)
    return s - 0.5 * pull  # = (2 s - pull) / 2, the CSLS score halved: argmax unchanged


def _em(s: np.ndarray, temperature: float, iterations: int = 50) -> np.ndarray:
    base = softmax(s, temperature)
    k = base.shape[1]
    start = np.full(k, 1.0 / k)
    prior = start
    for _ in range(iterations):
        post = base * (prior / start)
        post /= post.sum(axis=1, keepdims=True)
        new = post.mean(axis=0)
        if np.abs(new - prior).max() < 1e-6:
            prior = new
            break
        prior = new
    # as scores: the log posterior on the cosine scale of the input
    return s + temperature * np.log(np.maximum(prior / start, 1e-12))[None, :]


def calibrate(scores: np.ndarray, method: str = "centre", *, temperature: float = 0.05,
              min_batch: int = MIN_BATCH) -> np.ndarray:
    """``scores`` (captions x genres, cosine similarities) corrected by ``method`` over the
    batch; unchanged for ``"none"`` or a batch of fewer than ``min_batch`` captions."""
    if method not in CALIBRATIONS:
        raise ValueError(f"calibration must be one of {CALIBRATIONS}, not {method!r}")
    s = np.asarray(scores, dtype=np.float64)
    if method == "none" or len(s) < min_batch:
        return s
    if method == "centre":
        return _centre(s)
    if method == "zscore":
        return _zscore(s)
    if method == "csls":
        return _csls(s)
    return _em(s, temperature)
