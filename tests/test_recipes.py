"""docs/architecture.md's recipes, done as written: a step, a source and a widget in a temporary
copy of the package (run in a fresh interpreter that imports the copy), a model as a
test-only plug-in. When a recipe and the code part ways, this fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


@pytest.fixture()
def package_copy(tmp_path) -> Path:
    """A copy of artopic_nb under ``tmp_path`` (what a contributor's checkout would be)."""
    shutil.copytree(ROOT / "artopic_nb", tmp_path / "artopic_nb",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer has {old!r}: update the recipe and this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_in(copy: Path, script: str) -> str:
    """Run ``script`` in a new interpreter that imports the package from ``copy``."""
    env = {**os.environ, "PYTHONPATH": str(copy), "HF_HUB_OFFLINE": "1"}
    head = ("import artopic_nb, pathlib\n"
            f"assert pathlib.Path(artopic_nb.__file__).is_relative_to({str(copy)!r}), artopic_nb.__file__\n")
    done = subprocess.run([sys.executable, "-c", head + textwrap.dedent(script)], cwd=copy,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_new_step(package_copy, fixture_dir):
    assert "### A new step" in GUIDE
    pkg = package_copy / "artopic_nb"
    # 1. the step's module, its declaration beside its code
    (pkg / "steps" / "faces.py").write_text(textwrap.dedent('''
        """A step of the recipe: the brightest works (a stand-in for faces)."""
        import numpy as np
        import pandas as pd

        from .base import Inputs, Step


        def _compute(inputs: Inputs, *, min_size: float) -> dict:
            norms = np.linalg.norm(inputs["embeddings_"], axis=1)
            return {"faces_": pd.DataFrame({"id": np.flatnonzero(norms >= min_size)})}


        STEP = Step("faces", reads=("embeddings_",), results={"faces_": "parquet"},
                    params=("min_size",), compute=_compute)
    '''))
    # 2. the step in the graph, in pipeline order
    graph = pkg / "pipeline" / "graph.py"
    edit(graph, "from ..steps import cluster,", "from ..steps import faces\nfrom ..steps import cluster,")
    edit(graph, "    embed, reduce,", "    embed, faces, reduce,")
    # 3. the verb
    edit(pkg / "pipeline" / "study.py", "    def reduce(self,", textwrap.indent(textwrap.dedent('''
        def faces(self, min_size: float = 0.5) -> "Study":
            return self._run("faces", {"min_size": min_size})

        '''), "    ") + "    def reduce(self,")
    out = run_in(package_copy, f'''
        import artopic_nb as an
        col = an.ImageCollection.from_folder({str(fixture_dir)!r}, progress=False)
        study = an.Study(col, cache_dir="cache", progress=False).embed(embedder="color")
        study.faces(min_size=0.0)
        assert len(study.faces_) == len(col) and study.has("faces")
        study.save("saved")
        again = an.Study.load("saved")
        assert again.faces_["id"].tolist() == study.faces_["id"].tolist()
        warm = an.Study(col, cache_dir="cache", progress=False).embed(embedder="color").faces(min_size=0.0)
        assert warm.timings_["faces"] < 5
        study.embed(embedder="color", batch_size=4)   # an upstream rerun drops the result
        assert not study.has("faces")
        print("faces ok")
    ''')
    assert "faces ok" in out


def test_a_new_source(package_copy, fixture_dir):
    assert "### A new source" in GUIDE
    pkg = package_copy / "artopic_nb"
    (pkg / "sources" / "mysource.py").write_text(textwrap.dedent('''
        """A source of the recipe: a folder whose file names carry the genre (genre--title.jpg)."""
        from ..data.collection import ImageCollection


        def load_mysource(root, progress=True):
            col = ImageCollection.from_folder(root, progress=progress)
            col.metadata["genre"] = col.metadata["file_name"].str.split("--").str[0]
            return col
    '''))
    edit(pkg / "sources" / "__init__.py", "PREFIXES = {", "from .mysource import load_mysource\n\nPREFIXES = {\"mysource\": (load_mysource, False), ")
    folder = package_copy / "shots"
    folder.mkdir()
    for i, image in enumerate(sorted(fixture_dir.glob("*.jpg"))[:4]):
        shutil.copy(image, folder / f"{'portrait' if i % 2 else 'landscape'}--{i}.jpg")
    out = run_in(package_copy, f'''
        from artopic_nb.sources import open_source
        col = open_source("mysource:{folder}", progress=False)
        print(sorted(set(col.metadata["genre"])))
    ''')
    assert "['landscape', 'portrait']" in out


def test_a_new_model_is_registered_once_and_found_everywhere(fixture_collection, tmp_path):
    from artopic_nb import Study, models
    from artopic_nb.models.kinds import unregister

    assert "### A new model backend" in GUIDE
    name = "recipe-mean-colour"

    @models.register("embedder", name, what="mean colour (the recipe's plug-in)")
    class MeanColour:
        model_id = f"{name}-v1"

        def __init__(self, model=None, **options):
            self.options = options

        def embed(self, collection, ids=None, progress=True):
            ids = range(len(collection)) if ids is None else ids
            rows = np.array([np.asarray(collection.image(i).convert("RGB"), np.float32).mean((0, 1)) + 1
                             for i in ids])
            return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)

    try:
        table = models.available()
        row = table[(table["kind"] == "embedder") & (table["name"] == name)]
        assert len(row) == 1 and bool(row["loads_here"].iloc[0])
        study = Study(fixture_collection, cache_dir=tmp_path, progress=False).embed(embedder=name)
        assert study.embeddings_.shape == (len(fixture_collection), 3)
        assert study.get("embedder_id_") == f"{name}-v1"
    finally:
        unregister("embedder", name)


def test_a_new_widget(package_copy):
    assert "### A new widget" in GUIDE
    pkg = package_copy / "artopic_nb"
    (pkg / "widgets" / "myview.py").write_text(textwrap.dedent('''
        """A widget of the recipe: a counter."""
        import traitlets as t

        from ._base import ArtopicWidget, esm


        class MyView(ArtopicWidget):
            _esm = esm("myview")
            count = t.Int(0).tag(sync=True)
    '''))
    (pkg / "widgets" / "js" / "myview.js").write_text(textwrap.dedent('''
        // The recipe's view: a button that counts.
        export default {
          render({ model, el }) {
            el.classList.add("artopic-myview");
            const button = document.createElement("button");
            const show = () => { button.textContent = `clicked ${model.get("count")}`; };
            button.onclick = () => { model.set("count", model.get("count") + 1); model.save_changes(); };
            model.on("change:count", show);
            show();
            el.appendChild(button);
            return () => model.off("change:count", show);
          },
        };
    '''))
    build = pkg / "widgets" / "js" / "build.mjs"  # every .js at the top of js/ is an entry
    node_modules = ROOT / "node_modules" / "esbuild"
    if shutil.which("node") and node_modules.is_dir():  # the build, as a contributor runs it
        (package_copy / "node_modules").symlink_to(ROOT / "node_modules")
        shutil.copy(ROOT / "package.json", package_copy / "package.json")
        done = subprocess.run(["node", str(build)], cwd=package_copy, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    else:  # CI installs no Node: the committed bundle is what the build writes
        (pkg / "widgets" / "static" / "myview.js").write_text(
            (pkg / "widgets" / "js" / "myview.js").read_text())
    out = run_in(package_copy, '''
        from artopic_nb.widgets.myview import MyView
        view = MyView()
        view.set_state({"count": 2})
        assert view.count == 2 and "clicked" in str(view._esm)  # anywidget read the bundle
        print("myview ok")
    ''')
    assert "myview ok" in out
