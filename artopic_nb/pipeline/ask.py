"""Asking a collection: text search, similar works and metadata filters, as queries of a
:class:`~artopic_nb.pipeline.study.Study` (mixed into it)."""

from __future__ import annotations

__all__ = ["StudyAsk"]


class StudyAsk:
    """Search, similar works and filters (mixed into :class:`~artopic_nb.pipeline.study.Study`)."""
