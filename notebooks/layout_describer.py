"""A second no-model "eye" for the teaching notebooks: layout heuristics.

On a machine with no vision-language model, artopic_nb's built-in fallback is the
:class:`~artopic_nb.AttributeDescriber` (colour, light, texture). To show two describers
side by side offline, the notebooks add this one: it follows the same small protocol
(a ``model_id`` and ``describe(images, prompt) -> list[Description]``) and reports where
things are in the picture: the direction of its lines, where the light is, a blue band at
the top (possibly sky), skin-toned areas (possibly faces or figures). It is a heuristic,
not a model, and every text says so. Notebook 03 explains it; 04-06 import it.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

from artopic_nb.models.protocols import Description
from artopic_nb.text.prompts import get_prompt

LABEL = "[layout heuristics]"
_ROWS = ("upper", "middle", "lower")
_COLS = ("left", "centre", "right")


def layout_features(image: Image.Image, size: int = 96) -> dict:
    """Measured layout of ``image``: line direction, brightest ninth, sky-blue top, skin share."""
    small = image.convert("RGB")
    small.thumbnail((size, size))
    rgb = np.asarray(small, dtype=np.float64) / 255.0
    grey = rgb.mean(axis=2)
    gx = np.abs(np.diff(grey, axis=1)).sum()
    gy = np.abs(np.diff(grey, axis=0)).sum()
    h, w = grey.shape
    ninths = np.array([[grey[r * h // 3:(r + 1) * h // 3, c * w // 3:(c + 1) * w // 3].mean()
                        for c in range(3)] for r in range(3)])
    r_, c_ = np.unravel_index(int(ninths.argmax()), ninths.shape)
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    top = slice(0, max(1, h // 3))
    sky = ((blue[top] > red[top] + 0.03) & (blue[top] > 0.35)).mean()
    skin = ((red > 0.35) & (red > green + 0.06) & (green > blue + 0.02) & (red - blue < 0.45)).mean()
    return {"vertical_share": float(gx / max(gx + gy, 1e-9)), "brightest": (_ROWS[r_], _COLS[c_]),
            "sky_share": float(sky), "skin_share": float(skin)}


class LayoutDescriber:
    """Describes where the lines, the light, a sky and skin tones are (see the module doc)."""

    model_id = "layout-heuristics-v1"
    batch_size = 16

    def __repr__(self) -> str:
        return "LayoutDescriber()"

    def cache_params(self, prompt) -> dict:
        return {"style": "caption" if prompt.name == "caption" else "paragraph"}

    def text(self, image: Image.Image, detailed: bool) -> str:
        f = layout_features(image)
        v = f["vertical_share"]
        lines = ("upright, vertical lines" if v > 0.56 else
                 "broad, horizontal lines" if v < 0.44 else "no dominant direction of lines")
        where = " ".join(f["brightest"])
        parts = [f"{LABEL} A composition with {lines}, the light gathered in the {where}"]
        if f["sky_share"] > 0.3:
            parts.append("a blue upper band that may be sky")
        if f["skin_share"] > 0.12:
            parts.append("large skin-toned areas that may be faces or figures")
        elif f["skin_share"] > 0.04:
            parts.append("small skin-toned areas that may be figures")
        text = ", ".join(parts) + "."
        if detailed:
            text += (f" Measured shares: vertical edges {v:.0%}, sky-blue top {f['sky_share']:.0%}, "
                     f"skin tones {f['skin_share']:.0%}. A heuristic from pixels, not a model's reading.")
        return text

    def describe(self, images, prompt) -> list[Description]:
        detailed = get_prompt(prompt).name != "caption"
        out = []
        for image in images:
            start = time.perf_counter()
            out.append(Description(self.text(image, detailed), time.perf_counter() - start, 0))
        return out
