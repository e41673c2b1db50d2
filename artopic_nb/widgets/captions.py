"""CaptionViewer: one artwork large, with every describing model's caption and description.

Shows the image, its metadata, the known genre beside each model's predicted genre, and the
models' one-sentence captions and detailed descriptions side by side (texts read from the
record, ``"column:<column>"``, are headed "from the record"). Previous / next walk
through :attr:`CaptionViewer.sequence` (a selection or a cluster); "similar works" calls
the callbacks of :meth:`CaptionViewer.on_similar` (the explorer shows the nearest works).

Example
-------
>>> viewer = CaptionViewer.from_study(study)          # doctest: +SKIP
>>> viewer.show(12, sequence=[3, 12, 40])             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import traitlets as t

from ..models.backends.column import is_from_record, text_source
from ._base import (
    INTERNAL_COLUMNS,
    STATIC,
    ArtopicWidget,
    ThumbnailSource,
    artwork_title,
    as_int_list,
    clean_text,
    esm,
    study_thumbnails,
)

__all__ = ["CaptionViewer", "artwork_record"]


def artwork_record(i: int, metadata: pd.DataFrame | None, descriptions: pd.DataFrame | None,
                   genre_predictions: pd.DataFrame | None, labels=None, names=None) -> dict:
    """Everything the viewer shows about artwork ``i``, as plain JSON-able data."""
    record: dict = {"id": int(i), "title": "", "fields": [], "known_genre": "", "models": [],
                    "cluster": None}
    if metadata is not None and i in metadata.index:
        row = metadata.loc[i]
        record["title"] = artwork_title(metadata, i)
        record["known_genre"] = clean_text(row.get("genre", ""))
        record["fields"] = [[str(c), clean_text(row[c])] for c in metadata.columns
                            if c not in INTERNAL_COLUMNS and c != "title"
                            and clean_text(row[c]) != ""]
    if labels is not None and 0 <= i < len(labels):
        record["cluster"] = int(labels[i])
        record["cluster_name"] = str((names or {}).get(int(labels[i]), ""))
    models: dict[str, dict] = {}
    if descriptions is not None and len(descriptions) and "id" in descriptions.columns:
        rows = descriptions[descriptions["id"].to_numpy() == i]
        for _, d in rows.iterrows():
            entry = models.setdefault(str(d.get("model", "")), {"model": str(d.get("model", "")),
                                                                "caption": "", "description": "",
                                                                "predicted": ""})
            prompt = str(d.get("prompt", ""))
            if prompt in ("caption", "description"):
                entry[prompt] = clean_text(d.get("text", ""))
    if genre_predictions is not None and len(genre_predictions) \
            and "id" in genre_predictions.columns:
        rows = genre_predictions[genre_predictions["id"].to_numpy() == i]
        for _, p in rows.iterrows():
            name = str(p.get("model", ""))
            entry = models.setdefault(name, {"model": name, "caption": "", "description": "",
                                             "predicted": ""})
            entry["predicted"] = clean_text(p.get("predicted", ""))
            if not record["known_genre"]:
                record["known_genre"] = clean_text(p.get("known", ""))
    for entry in models.values():  # a record's own words are said to be so, not a model's
        if is_from_record(entry["model"]):
            entry["model"] = f"{entry['model']} · {text_source(entry['model'])}"
    record["models"] = list(models.values())
    return record


class CaptionViewer(ArtopicWidget):
    """One artwork with its captions; see the module docstring.

    Parameters
    ----------
    metadata:
        DataFrame indexed by id (``collection.metadata``).
    descriptions:
        DataFrame(id, model, prompt, text, ...) (``study.descriptions_``), optional.
    genre_predictions:
        DataFrame(id, model, predicted, known) (``study.genre_predictions_``), optional.
    labels:
        Cluster labels, to show an artwork's cluster (optional).
    thumbnails:
        ``f(id, size) -> JPEG bytes``; the shown image is ``image_size`` pixels.
    **traits:
        Any public trait (``artwork_id``, ``image_size`` ...); others are an error.
    """

    _esm = esm("captions")
    _css = STATIC / "captions.css"

    artwork_id = t.Int(-1).tag(sync=True)
    sequence = t.List(t.Int()).tag(sync=True)      # prev / next walk through these ids
    sequence_label = t.Unicode("").tag(sync=True)
    record = t.Dict().tag(sync=True)
    image = t.Bytes(b"").tag(sync=True)            # JPEG of the shown artwork only
    image_size = t.Int(384).tag(sync=True)
    rendered_id = t.Int(-1).tag(sync=True)         # set by the front end

    def __init__(self, metadata: pd.DataFrame | None = None, *,
                 descriptions: pd.DataFrame | None = None,
                 genre_predictions: pd.DataFrame | None = None, labels=None,
                 thumbnails: ThumbnailSource | None = None, **traits):
        artwork_id = traits.pop("artwork_id", -1)
        self._descriptions = descriptions
        self._predictions = genre_predictions
        self._labels = None if labels is None else np.asarray(labels, dtype=np.int64)
        self._similar_callbacks: list[Callable[[int], None]] = []
        super().__init__(thumbnails=thumbnails, metadata=metadata, **traits)
        if artwork_id >= 0:
            self.artwork_id = artwork_id
        else:
            self._refresh()

    @classmethod
    def from_study(cls, study, **traits) -> CaptionViewer:
        viewer = cls(study.collection.metadata, descriptions=study.get("descriptions_"),
                     genre_predictions=study.get("genre_predictions_"),
                     labels=study.get("labels_"), thumbnails=study_thumbnails(study),
                     **traits)
        viewer._names = dict(study.get("cluster_names_") or {})
        return viewer

    # -- Python API ---------------------------------------------------------------------------
    def show(self, artwork_id: int, sequence=None, label: str | None = None) -> None:
        """Show ``artwork_id``; prev / next then walk ``sequence`` (kept if not given)."""
        with self.hold_sync():
            if sequence is not None:
                self.sequence = as_int_list(sequence)
            if label is not None:
                self.sequence_label = label
            if artwork_id == self.artwork_id:
                self._refresh()
            else:
                self.artwork_id = int(artwork_id)

    def set_sources(self, *, descriptions=None, genre_predictions=None, labels=None,
                    names=None) -> None:
        """New descriptions / predictions / labels / cluster names (a later step ran);
        redraws the record."""
        self._names = dict(names or {})
        self._descriptions = descriptions
        self._predictions = genre_predictions
        self._labels = None if labels is None else np.asarray(labels, dtype=np.int64)
        self._refresh(image=False)

    def on_similar(self, callback) -> Callable[[], None]:
        """Call ``callback(artwork_id)`` when "similar works" is clicked; returns an undo."""
        self._similar_callbacks.append(callback)
        return lambda: self._similar_callbacks.remove(callback) \
            if callback in self._similar_callbacks else None

    def ask_similar(self, artwork_id: int | None = None) -> None:
        """What the "similar works" button does (for the shown artwork by default)."""
        i = self.artwork_id if artwork_id is None else int(artwork_id)
        if i < 0:
            return
        for callback in list(self._similar_callbacks):
            callback(i)

    def handle_request(self, content: dict) -> tuple[dict | None, list[bytes]]:
        if isinstance(content, dict) and content.get("type") == "similar":
            work = content.get("id")
            self.ask_similar(work if isinstance(work, int) else None)
            return None, []
        return super().handle_request(content)

    def step(self, delta: int) -> None:
        """Move ``delta`` places through the sequence (as the prev / next buttons do)."""
        seq = self.sequence
        if not seq:
            return
        pos = seq.index(self.artwork_id) if self.artwork_id in seq else -1
        self.artwork_id = seq[(pos + delta) % len(seq)]

    # -- internals ----------------------------------------------------------------------------
    def _n_items(self) -> int:
        return 0 if self._metadata is None else len(self._metadata)

    @t.observe("artwork_id")
    def _on_artwork(self, _change) -> None:
        self._refresh()

    def _refresh(self, image: bool = True) -> None:
        i = self.artwork_id
        with self.hold_sync():
            if i < 0 or (self._metadata is not None and i not in self._metadata.index):
                self.record = {}
                self.image = b""
                return
            self.record = artwork_record(i, self._metadata, self._descriptions,
                                         self._predictions, self._labels,
                                         getattr(self, "_names", None))
            if image:
                data = b""
                if self._thumbnails is not None:
                    try:
                        data = bytes(self._thumbnails(i, self.image_size))
                    except Exception as exc:  # shown as a missing image and said in the record
                        self.record = {**self.record, "image_error": str(exc)}
                self.image = data
