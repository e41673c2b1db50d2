"""Asking a collection: word search, meaning search over texts and images, similar works and
metadata filters, as plain functions over numpy and pandas and small index classes.

:mod:`~artopic_nb.query.words`
    :class:`WordIndex`: BM25 over titles, metadata columns, captions and descriptions.
:mod:`~artopic_nb.query.vectors`
    :class:`VectorIndex`: cosine nearest neighbours, exact or approximate (faiss).
:mod:`~artopic_nb.query.meaning`
    :class:`TextMeaningIndex` (sentence encoder over texts), images by a text through a
    CLIP or SigLIP text tower, a query image's embedding, rankings combined.
:mod:`~artopic_nb.query.filters`
    Facets over metadata columns, and filters as a boolean mask and a pandas query string
    (dates as intervals: ``date=(1600, 1650)`` overlaps, ``within=True`` inside).
:mod:`~artopic_nb.query.time`
    Groups over time: works per cluster and period (uncertain dates spread over the periods
    they cover) and a sentence per cluster on its period.
:mod:`~artopic_nb.query.timeline`
    The works on a time line: the map's date layout (by year and cluster), the histogram of
    dates that brushes the map.

A :class:`~artopic_nb.pipeline.study.Study` asks through them: ``study.search``,
``study.similar``, ``study.where`` (and ``study.over_time``).
"""

from .filters import Facet, facets, filter_frame, filter_mask, filter_query
from .meaning import (
    TextMeaningIndex,
    combine_rankings,
    image_text_search,
    query_image_embedding,
    text_tower,
)
from .time import over_time, period_summary, time_bins, work_dates
from .timeline import DateLayout, date_histogram, date_layout
from .vectors import EXACT_MAX_ROWS, VectorIndex, embeddings_digest, exact_search, recall_at_k
from .words import WordIndex, parse_query, work_texts

__all__ = ["EXACT_MAX_ROWS", "DateLayout", "Facet", "TextMeaningIndex", "VectorIndex", "WordIndex",
           "combine_rankings", "date_histogram", "date_layout", "embeddings_digest", "exact_search", "facets", "filter_frame",
           "filter_mask", "filter_query", "image_text_search", "over_time", "parse_query",
           "period_summary", "query_image_embedding", "recall_at_k", "text_tower", "time_bins",
           "work_dates", "work_texts"]
