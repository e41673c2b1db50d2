"""artopic_nb: Jupyter-native topic modeling of artworks with multimodal LLMs.

Each pipeline step is a module of plain functions (``embed``, ``reduce``, ``cluster``,
``sample``, ``describe``, ``genre``, ``topics``); :class:`Study` composes them and keeps
their results; ``artopic_nb.widgets`` shows them in JupyterLab.
"""

from . import _lazy, datasets, models
from .cache import Cache
from .collection import ImageCollection, ImageLoadError, load_folder, load_image
from .describe import AttributeDescriber, OpenAIDescriber, TransformersDescriber, load_describer
from .embed import ColorTextureEmbedder, TransformersEmbedder, load_embedder
from .genre import EmbeddingGenrePredictor, LLMGenrePredictor, evaluate_genres
from .hub import ModelUnavailableError
from .study import Study
from .topics import find_commonalities

__version__ = "0.1.0"
__all__ = [
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
    "evaluate_genres",
    "explore",
    "find_commonalities",
    "from_csv",
    "from_dataframe",
    "from_huggingface",
    "from_iiif",
    "load_describer",
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
__getattr__, __dir__ = _lazy.from_module_on_use(
    __name__, ("from_csv", "from_dataframe", "from_huggingface", "from_iiif"),
    "artopic_nb.sources")
