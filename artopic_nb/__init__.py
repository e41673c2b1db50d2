"""artopic_nb: Jupyter-native topic modeling of artworks with multimodal LLMs.

The folders are the layers, and imports point one way (``widgets`` -> ``pipeline`` ->
``steps`` -> ``models`` -> ``genre`` -> ``text`` -> ``data``): ``data`` holds collections,
the cache and dates; ``text`` the text tools (prompts, keywords, claims), ``genre`` genre
names and predictors, ``models`` one registry for every kind of model; ``steps`` one module
per pipeline step; ``pipeline`` the :class:`Study`, a facade over its parts (the step runner,
queries, asking, shaping); ``widgets`` shows them in JupyterLab; ``sources`` loads collections from
the web and ``scale`` runs the steps on Ray Data. See ``docs/architecture.md``.
"""

from . import _lazy, datasets, models
from ._version import __version__
from .data.cache import Cache
from .data.collection import ImageCollection, ImageLoadError, load_folder, load_image
from .genre.embedding import EmbeddingGenrePredictor
from .genre.evaluation import evaluate_genres
from .genre.llm import LLMGenrePredictor
from .models.backends.attributes import AttributeDescriber
from .models.backends.clip import TransformersEmbedder
from .models.backends.color import ColorTextureEmbedder
from .models.backends.openai import OpenAIDescriber
from .models.backends.transformers import TransformersDescriber
from .models.hub import ModelUnavailableError
from .models.registry import load_backend, load_embedder
from .pipeline.study import Study
from .steps.commonalities import find_commonalities

__all__ = [
    "__version__",
    "AttributeDescriber",
    "Cache",
    "ColorTextureEmbedder",
    "EmbeddingGenrePredictor",
    "ImageCollection",
    "ImageLoadError",
    "LLMGenrePredictor",
    "ModelUnavailableError",
    "OpenAIDescriber",
    "Study",
    "TransformersDescriber",
    "TransformersEmbedder",
    "datasets",
    "dates",
    "evaluate_genres",
    "explore",
    "find_commonalities",
    "load_backend",
    "from_csv",
    "from_dataframe",
    "from_huggingface",
    "from_iiif",
    "load_embedder",
    "load_folder",
    "load_image",
    "models",
]


def explore(study, **kwargs):
    """The linked explorer (plot, grid, caption viewer, re-cluster controls) of a study."""
    from .widgets import explore as _explore

    return _explore(study, **kwargs)


#: The sources (``an.from_iiif`` ...) are imported on first use: 12 ms of every start-up.
_source_getattr, _source_dir = _lazy.from_module_on_use(
    __name__, ("from_csv", "from_dataframe", "from_huggingface", "from_iiif"),
    "artopic_nb.sources")


def __getattr__(name: str):
    """``an.dates`` (art dates as intervals: :mod:`artopic_nb.data.dates`), then the sources."""
    if name == "dates":
        from .data import dates

        return dates
    return _source_getattr(name)


def __dir__() -> list[str]:
    return sorted({*_source_dir(), "dates"})


# The names of 0.1.0, each warning with the release that removes it (see CHANGELOG.md).
from . import _compat  # noqa: E402

_compat.install()
