"""artopic_nb: Jupyter-native topic modeling of artworks with multimodal LLMs."""
from . import datasets
from .cache import Cache
from .collection import ImageCollection, ImageLoadError, load_folder, load_image
from .study import Study

__version__ = "0.1.0"
__all__ = ["Cache", "ImageCollection", "ImageLoadError", "datasets", "load_folder", "load_image", "Study"]
