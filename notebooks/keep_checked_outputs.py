"""Clean the teaching notebooks for committing: keep only the checked cells' outputs.

nbval (``pytest --nbval-lax notebooks/``) compares a cell's fresh output with its stored
one only for cells marked ``# NBVAL_CHECK_OUTPUT``, so those need their expected output
stored, with their execution count (nbval refuses a stored output without one); every
other output (widgets, charts, tables, notices) is dropped, as are the other cells'
execution counts, timing metadata and saved widget state. Run after executing the notebooks:

    jupyter nbconvert --to notebook --execute --inplace notebooks/0*.ipynb
    python notebooks/keep_checked_outputs.py notebooks/0*.ipynb

tests/test_notebooks_clean.py checks the result.
"""

from __future__ import annotations

import sys

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"


def clean(path: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if not cell.source.lstrip().startswith(MARK):
            cell.execution_count = None
            cell.outputs = []
            continue
        if cell.execution_count is None or not cell.outputs:
            raise SystemExit(f"{path}: checked cell {cell.source[:60]!r} was not run")
        if any(out.output_type == "error" for out in cell.outputs):
            raise SystemExit(f"{path}: a checked cell has an error output; fix it first")
    nbformat.write(nb, path)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        clean(p)
        print("cleaned", p)
