"""Seeded samples that are fair across labels, drawn before any image is read."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def fair_sample(labels: Sequence, n: int | None = None, per_label: int | None = None,
                seed: int = 0) -> list[int]:
    """Positions (ascending) of a seeded sample of ``labels`` that is fair across labels.

    ``per_label`` takes at most that many of each label; ``n`` at most that many in all,
    dealt round-robin (every label gives one more in turn), so a rare label is all in
    before a common one gives more. With neither, every position. Rows without a label
    are left out of a sample unless no row has one (then the sample is a seeded random
    choice).
    """
    positions = np.arange(len(labels))
    if n is None and per_label is None:
        return positions.tolist()
    rng = np.random.default_rng(seed)
    keys = pd.Series(list(labels), dtype=object)
    known = (keys.notna() & (keys.astype(str).str.strip() != "")).to_numpy()
    if not known.any():
        known = np.ones(len(keys), bool)
        keys = pd.Series(["all"] * len(keys), dtype=object)
    keys = keys.astype(str).to_numpy()
    groups = [rng.permutation(positions[known & (keys == key)])
              for key in sorted(set(keys[known]))]
    if per_label is not None:
        groups = [g[:per_label] for g in groups]
    chosen: list[int] = []
    for k in range(max((len(g) for g in groups), default=0)):
        for g in (groups[i] for i in rng.permutation(len(groups))):
            if k < len(g):
                chosen.append(int(g[k]))
    if n is not None:
        chosen = chosen[:n]
    return sorted(chosen)
