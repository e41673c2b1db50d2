"""Shared fixtures: small real images, tiny real models built from configs (never downloaded)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never touch a model hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# the index of probed files lives with the test run, not in the user's cache
os.environ.setdefault("ARTOPIC_FILE_INDEX", os.path.join(tempfile.mkdtemp(prefix="artopic_tests_"), "file_index.sqlite"))

FIXTURES = Path(__file__).parent / "data" / "images"


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    """A folder of small real artwork thumbnails (CC0 Met paintings) with metadata.csv."""
    if not any(FIXTURES.glob("*.jpg")):
        pytest.skip("tests/data/images is missing (run tests/data/make_fixtures.py)")
    return FIXTURES


@pytest.fixture(scope="session")
def fixture_collection(fixture_dir):
    from artopic_nb import ImageCollection

    return ImageCollection.from_folder(fixture_dir, fixture_dir / "metadata.csv", progress=False)


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory) -> Path:
    """A tiny random-weight CLIP saved with save_pretrained, as a user's local folder would be."""
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    config = CLIPConfig(
        text_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                     "num_attention_heads": 2, "vocab_size": 64, "max_position_embeddings": 16},
        vision_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
        projection_dim=12,
    )
    import torch

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny_clip")
    CLIPModel(config).save_pretrained(folder)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}) \
        .save_pretrained(folder)
    return folder
