"""Make the small fixture thumbnails of tests/data/images/ from the CC0 demo paintings.

Run once (``python tests/data/make_fixtures.py``); the output is committed, so the tests
need neither this script nor the demo package. Picks the first few paintings of each demo
genre (by Met object id), shrinks them to at most 112 px on the longer side, saves them as
JPEG quality 80 and writes ``metadata.csv`` (file_name, title, artist, date, genre).
"""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image

from artopic_nb.datasets import demo_data_dir, met_paintings

#: How many paintings of each demo genre to keep (24 in all).
PER_GENRE = {
    "religious": 4, "portrait": 4, "genre scene": 4, "asian art": 3,
    "mythological": 3, "landscape": 3, "still life": 2, "animal": 1,
}
LONGER_SIDE = 112
OUT = Path(__file__).parent / "images"


def main() -> None:
    meta = met_paintings(progress=False).metadata.sort_values("object_id", kind="stable")
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for genre, k in PER_GENRE.items():
        for rec in meta[meta.genre == genre].head(k).itertuples():
            name = f"{rec.object_id}.jpg"
            with Image.open(demo_data_dir() / name) as im:
                im = im.convert("RGB")
                im.thumbnail((LONGER_SIDE, LONGER_SIDE), Image.Resampling.LANCZOS)
                im.save(OUT / name, format="JPEG", quality=80, optimize=True)
            rows.append({"file_name": name, "title": rec.title, "artist": rec.artist,
                         "date": rec.date, "genre": genre})
    rows.sort(key=lambda r: r["file_name"])
    with open(OUT / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file_name", "title", "artist", "date", "genre"])
        writer.writeheader()
        writer.writerows(rows)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(rows)} images and metadata.csv to {OUT} ({total / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
