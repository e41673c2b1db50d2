"""The names of artopic_nb 0.1.0 still work in 0.2.0, each with a warning that names its new
home and the release that removes it; nothing else in the package goes through them."""

from __future__ import annotations

import importlib
import sys
import warnings

import pytest

import artopic_nb as an
from artopic_nb import _compat
from artopic_nb.data.collection import ImageCollection
from artopic_nb.genre.names import DEFAULT_GENRES
from artopic_nb.models.backends.clip import DEFAULT_EMBEDDER
from artopic_nb.models.backends.transformers import DEFAULT_DESCRIBER
from artopic_nb.models.registry import load_backend
from artopic_nb.pipeline.graph import STEPS

pytestmark = pytest.mark.filterwarnings("default::DeprecationWarning")


@pytest.mark.parametrize("old", sorted(set(_compat.MOVED_MODULES) - set(_compat._NOW_PACKAGES)))
def test_every_old_module_imports_with_a_warning(old):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=rf"{old} is now .* goes in artopic_nb 0\.3\.0"):
        module = importlib.import_module(old)
    # every public name of its new home is there
    home = importlib.import_module(_compat.MOVED_MODULES[old][0])
    for name in getattr(home, "__all__", ())[:5]:
        assert getattr(module, name) is getattr(home, name)


@pytest.mark.parametrize("old, name, expected", [
    ("artopic_nb.describe", "load_describer", load_backend),
    ("artopic_nb.describe", "DEFAULT_MODEL", DEFAULT_DESCRIBER),
    ("artopic_nb.embed", "DEFAULT_MODEL", DEFAULT_EMBEDDER),
    ("artopic_nb.collection", "ImageCollection", ImageCollection),
])
def test_renamed_names_resolve_to_their_replacement(old, name, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match="0.3.0") if (old, name) in _compat.RENAMED \
            else warnings.catch_warnings():
        assert getattr(module, name) is expected


def test_old_names_in_what_are_now_packages():
    with pytest.warns(DeprecationWarning, match="artopic_nb.genre.DEMO_GENRES is now"):
        from artopic_nb.genre import DEMO_GENRES
    assert DEMO_GENRES == DEFAULT_GENRES
    with pytest.warns(DeprecationWarning, match="artopic_nb.steps.STEPS is now"):
        from artopic_nb.steps import STEPS as old_steps
    assert old_steps is STEPS
    with pytest.warns(DeprecationWarning, match="DEFAULT_DESCRIBER"):
        assert an.models.DEFAULT_MODEL == DEFAULT_DESCRIBER
    with pytest.raises(AttributeError):
        an.genre.no_such_name  # noqa: B018


def test_old_chart_functions_draw_with_the_new_charts():
    from artopic_nb.genre.evaluation import evaluate_genres

    report = evaluate_genres(["a", "b"], ["a", "a"], model="m")
    with pytest.warns(DeprecationWarning, match="artopic_nb.charts.confusion_matrix"):
        from artopic_nb.genre import confusion_chart
    assert confusion_chart(report).to_dict()["layer"][0]["mark"]["type"] == "rect"


def test_study_commonalities_is_find_commonalities(tmp_path):
    col = an.datasets.met_paintings().subset(range(12))
    study = an.Study(col, cache_dir=tmp_path, progress=False)
    study.embed("color").reduce(method="pca").cluster("kmeans", n_clusters=2)
    study.sample(per_cluster=1).describe(["attributes"], prompts=("description",))
    with pytest.warns(DeprecationWarning, match="find_commonalities"):
        study.commonalities()
    assert study.has("find_commonalities")
