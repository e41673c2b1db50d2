"""Scoring genre predictions against known genres: accuracy, macro-F1, per-class table,
confusion matrix and the majority-class baseline.

:func:`evaluate_genres` scores one model's predictions into a :class:`GenreReport`;
:func:`compare_models` puts several describing models side by side, on one label set;
:func:`predictions_side_by_side` shows each work's known genre beside every model's guess.
The inputs are what :func:`artopic_nb.genre.predict.predict_genres` returns, DataFrame(id, model,
predicted, known), or plain lists. A prediction that names no genre is :data:`UNPARSED` and
counts as wrong; a work without a known genre is not scored (:data:`NOT_SCORED` when none
has one). The confusion matrix is drawn by :func:`artopic_nb.charts.confusion_matrix`.

Example
-------
>>> report = evaluate_genres(["portrait", "landscape", "portrait"],
...                          ["portrait", "portrait", UNPARSED], model="m")
>>> round(report.accuracy, 3), report.n_unparsed, report.majority_label
(0.333, 1, 'portrait')
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["NOT_SCORED", "UNPARSED", "GenreReport", "compare_models", "evaluate_genres",
           "is_missing", "predictions_side_by_side", "text_list"]

#: The value recorded for an answer that names no genre of the label set (counts as wrong).
UNPARSED = "<unparsed>"
#: What a study says instead of scores when no work has a known genre.
NOT_SCORED = "no known genres: predictions not scored"


def is_missing(value: Any) -> bool:
    """``None`` or NaN: a caption, label or prediction that is not there."""
    return value is None or (isinstance(value, float) and np.isnan(value))


def text_list(values: Iterable[Any], *, missing: str = "") -> list[str]:
    """``values`` as strings, ``missing`` in place of ``None``/NaN (one string is refused:
    it would be read as a list of characters)."""
    if isinstance(values, str):
        raise TypeError("expected a list of strings, not one string")
    return [missing if is_missing(v) else str(v) for v in values]


_SUMMARY_COLUMNS = ("model", "n", "accuracy", "macro_f1", "majority_label", "majority_accuracy",
                    "majority_macro_f1", "accuracy_vs_majority", "n_unparsed", "n_unknown")


@dataclass
class GenreReport:
    """Scores of genre predictions against known labels (see :func:`evaluate_genres`)."""

    n: int
    accuracy: float
    macro_f1: float
    majority_label: str | None
    majority_accuracy: float
    majority_macro_f1: float
    n_unparsed: int
    n_unknown: int
    labels: list[str]
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    model: str | None = None
    extra: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The headline numbers as a flat dict (one row of :func:`compare_models`)."""
        return {
            "model": self.model, "n": self.n, "accuracy": self.accuracy, "macro_f1": self.macro_f1,
            "majority_label": self.majority_label, "majority_accuracy": self.majority_accuracy,
            "majority_macro_f1": self.majority_macro_f1,
            "accuracy_vs_majority": (self.accuracy / self.majority_accuracy
                                     if self.majority_accuracy else float("nan")),
            "n_unparsed": self.n_unparsed, "n_unknown": self.n_unknown,
        }

    def __repr__(self) -> str:
        who = f" {self.model}" if self.model else ""
        return (f"GenreReport{who}: n={self.n} accuracy={self.accuracy:.3f} "
                f"macro-F1={self.macro_f1:.3f} (majority '{self.majority_label}' "
                f"{self.majority_accuracy:.3f}), unparsed={self.n_unparsed}")

    def _repr_html_(self) -> str:
        who = f" — {html.escape(self.model)}" if self.model else ""
        head = (
            f"<h4>Genre prediction{who}</h4><p>n = {self.n} captions with a known genre: "
            f"<b>accuracy {self.accuracy:.1%}</b>, <b>macro-F1 {self.macro_f1:.3f}</b>; "
            f"majority baseline ('{html.escape(str(self.majority_label))}') "
            f"{self.majority_accuracy:.1%}; unparsed {self.n_unparsed}"
            + (f"; {self.n_unknown} without a known genre skipped" if self.n_unknown else "")
            + ".</p>"
        )
        per = self.per_class.to_html(float_format=lambda v: f"{v:.2f}")  # no jinja2 needed
        conf = self.confusion.to_html()
        return (f"<div class='artopic-genre-report'>{head}"
                "<div style='display:flex;gap:2em;flex-wrap:wrap'>"
                f"<div><b>Per class</b>{per}</div>"
                f"<div><b>Confusion (rows: known, columns: predicted)</b>{conf}</div>"
                "</div></div>")


def evaluate_genres(known: Sequence[Any], predicted: Sequence[Any],
                    labels: Sequence[str] | None = None, *, model: str | None = None) -> GenreReport:
    """Score predicted genres against known ones.

    Pairs whose known genre is missing are skipped (counted in ``n_unknown``). Predictions
    that are missing or :data:`UNPARSED` count as wrong. ``labels`` are the classes that
    macro-F1 averages over and the confusion matrix's row order; by default the known
    genres present (sorted). A prediction outside ``labels`` (or unparsed) is a miss of its
    true class and appears as its own confusion column. Numbers equal scikit-learn's
    ``accuracy_score`` and ``f1_score(average="macro", labels=labels, zero_division=0)``.
    """
    from sklearn.metrics import precision_recall_fscore_support

    known = list(known)
    predicted = list(predicted)
    if len(known) != len(predicted):
        raise ValueError(f"{len(known)} known labels but {len(predicted)} predictions")
    keep = [i for i, k in enumerate(known) if not is_missing(k)]
    y_true = [str(known[i]) for i in keep]
    y_pred = text_list([predicted[i] for i in keep], missing=UNPARSED)
    n = len(y_true)
    if labels is None:
        labels = sorted(set(y_true))
    labels = [str(lab) for lab in labels]
    correct = sum(t == p and p != UNPARSED for t, p in zip(y_true, y_pred, strict=True))
    accuracy = correct / n if n else float("nan")
    if n:
        p, r, f, s = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=None, zero_division=0)
        macro_f1 = float(np.mean(f)) if len(labels) else float("nan")
    else:
        p = r = f = s = np.zeros(len(labels))
        macro_f1 = float("nan")
    per_class = pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": np.asarray(s, int)},
                             index=pd.Index(labels, name="genre"))
    per_class["predicted"] = [sum(q == lab for q in y_pred) for lab in labels]

    extra_cols = sorted({q for q in y_pred if q not in labels and q != UNPARSED})
    cols = labels + extra_cols + ([UNPARSED] if UNPARSED in y_pred else [])
    rows = labels + sorted({t for t in y_true if t not in labels})
    conf = pd.crosstab(pd.Series(y_true, name="known"), pd.Series(y_pred, name="predicted"))
    conf = conf.reindex(index=rows, columns=cols, fill_value=0).astype(int)

    counts = pd.Series(y_true).value_counts()
    majority = str(sorted(counts[counts == counts.max()].index)[0]) if n else None
    maj_acc = float(counts.max() / n) if n else float("nan")
    maj_f1 = float("nan")
    if n:
        from sklearn.metrics import f1_score

        maj_f1 = float(f1_score(y_true, [majority] * n, labels=labels, average="macro",
                                zero_division=0))
    return GenreReport(
        n=n, accuracy=float(accuracy), macro_f1=macro_f1, majority_label=majority,
        majority_accuracy=maj_acc, majority_macro_f1=maj_f1,
        n_unparsed=sum(q == UNPARSED for q in y_pred), n_unknown=len(known) - n,
        labels=labels, per_class=per_class, confusion=conf, model=model,
    )


def compare_models(predictions: pd.DataFrame, labels: Sequence[str] | None = None, *,
                   per_class: bool = False) -> pd.DataFrame:
    """Side-by-side scores of several describing models.

    ``predictions``: DataFrame(id, model, predicted, known) as from :func:`predict_genres`.
    All models are scored on the same label set (``labels``, default: every known genre in
    the frame). Without any known genre the table is empty (:data:`NOT_SCORED`). Returns one
    row per model with n, accuracy, macro-F1, the majority baseline, accuracy / majority and
    unparsed count; ``per_class=True`` adds one ``f1:<genre>`` column
    per genre.
    """
    known_all = [k for k in predictions["known"] if not is_missing(k)]
    if not known_all:  # nothing to score against: no row rather than rows of NaN
        return pd.DataFrame(columns=list(_SUMMARY_COLUMNS)).set_index("model")
    if labels is None:
        labels = sorted({str(k) for k in known_all})
    rows = []
    for model, group in predictions.groupby("model", sort=True):
        rep = evaluate_genres(group["known"].tolist(), group["predicted"].tolist(), labels,
                              model=str(model))
        row = rep.summary()
        if per_class:
            row.update({f"f1:{g}": rep.per_class.loc[g, "f1"] for g in labels})
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.set_index("model")


def predictions_side_by_side(predictions: pd.DataFrame) -> pd.DataFrame:
    """One row per artwork id: the known genre and each model's prediction as columns."""
    wide = predictions.pivot_table(index="id", columns="model", values="predicted", aggfunc="first")
    wide.columns.name = None
    known = predictions.groupby("id")["known"].first()
    return pd.concat([known.rename("known"), wide], axis=1)
