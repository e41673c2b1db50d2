"""Helpers shared by the benchmarks: timing with medians, real-size test images, tables."""

from __future__ import annotations

import platform
import statistics
import time
from pathlib import Path


def median_time(fn, repeats: int = 3, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def real_size_jpegs(folder: Path, n: int, long_side: int = 1000) -> list[Path]:
    """``n`` JPEGs about ``long_side`` px made from the demo paintings (cycled, upscaled)."""
    from PIL import Image

    from artopic_nb.datasets import demo_data_dir

    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(demo_data_dir().glob("*.jpg"))
    paths = []
    for i in range(n):
        path = folder / f"img_{i:05d}.jpg"
        if not path.exists():
            im = Image.open(sources[i % len(sources)]).convert("RGB")
            scale = long_side / max(im.size)
            im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.BICUBIC)
            if i >= len(sources):  # vary crops so repeated sources are not identical files
                im = im.crop((i % 7, i % 5, im.width - i % 3, im.height - i % 11))
            im.save(path, quality=90)
        paths.append(path)
    return paths


def print_table(title: str, rows: list[tuple], headers: tuple) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(f"\n{title}\n" + line.format(*headers) + "\n" + line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
