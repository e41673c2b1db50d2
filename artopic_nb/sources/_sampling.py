"""Seeded samples that are fair across labels, drawn before any image is read."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def fair_order(labels: Sequence, seed: int = 0, per_label: int | None = None,
               keep_unlabelled: bool = False) -> list[int]:
    """Positions of ``labels`` in a seeded order that is fair across labels: one of each
    label in turn (the labels in a seeded order each round, the positions within a label
    shuffled), so that any first ``k`` of it is a fair sample of ``k``.

    ``per_label`` keeps at most that many of each label. Rows without a label (None, NaN,
    blank) are left out, unless no row has one or ``keep_unlabelled`` (then they are a
    label of their own).
    """
    positions = np.arange(len(labels))
    rng = np.random.default_rng(seed)
    keys = pd.Series(list(labels), dtype=object)
    known = (keys.notna() & (keys.astype(str).str.strip() != "")).to_numpy()
    if keep_unlabelled or not known.any():
        keys = keys.where(known, "\0unlabelled")
        known = np.ones(len(keys), bool)
    keys = keys.astype(str).to_numpy()
    groups = [rng.permutation(positions[known & (keys == key)])
              for key in sorted(set(keys[known]))]
    if per_label is not None:
        groups = [g[:per_label] for g in groups]
    order: list[int] = []
    for k in range(max((len(g) for g in groups), default=0)):
        for g in (groups[i] for i in rng.permutation(len(groups))):
            if k < len(g):
                order.append(int(g[k]))
    return order


def fair_sample(labels: Sequence, n: int | None = None, per_label: int | None = None,
                seed: int = 0) -> list[int]:
    """Positions (ascending) of a seeded sample of ``labels`` that is fair across labels.

    ``per_label`` takes at most that many of each label; ``n`` at most that many in all,
    dealt round-robin (every label gives one more in turn), so a rare label is all in
    before a common one gives more. With neither, every position. Rows without a label
    are left out of a sample unless no row has one (then the sample is a seeded random
    choice).
    """
    if n is None and per_label is None:
        return list(range(len(labels)))
    chosen = fair_order(labels, seed, per_label)
    return sorted(chosen if n is None else chosen[:n])
