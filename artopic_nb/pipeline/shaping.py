"""Shaping a study's clusters: names, merges, splits, moves, undo and the cluster hierarchy,
as verbs of a :class:`~artopic_nb.pipeline.study.Study` (mixed into it)."""

from __future__ import annotations

__all__ = ["StudyShaping"]


class StudyShaping:
    """Cluster names, edits and hierarchy (mixed into :class:`~artopic_nb.pipeline.study.Study`)."""
