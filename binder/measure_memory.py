"""Peak memory of the kernel running notebooks/01_quickstart.ipynb (mybinder.org gives 1-2 GB).

Executes the quickstart with nbclient in a temporary folder (so the cache starts empty: the
worst case, every step computed), with one extra cell appended that prints the kernel's own
peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux). A
second run in the same folder measures the warm case (everything read from the cache).

    python binder/measure_memory.py
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

QUICKSTART = Path(__file__).resolve().parents[1] / "notebooks" / "01_quickstart.ipynb"
PROBE = ("import json, resource\n"
         "print(json.dumps({'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")


def peak_rss_mib(folder: Path) -> tuple[float, float]:
    nb = nbformat.read(QUICKSTART, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    seconds = time.perf_counter() - start
    return json.loads(nb.cells[-1].outputs[0]["text"])["peak_rss_mib"], seconds


if __name__ == "__main__":
    folder = Path(tempfile.mkdtemp(prefix="artopic_mem_"))
    try:
        for label in ("cold cache", "warm cache"):
            mib, seconds = peak_rss_mib(folder)
            print(f"01_quickstart, {label}: kernel peak RSS {mib:.0f} MiB, {seconds:.0f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
