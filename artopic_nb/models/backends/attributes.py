"""The no-model describer: deterministic sentences about measured colour, light, format,
texture and symmetry, for machines where no vision-language model can be loaded.

Its ``model_id`` is ``"attributes"`` and every text starts with :data:`ATTRIBUTE_LABEL`
(``"[attribute describer]"``), so it can never pass for a model's description.
:func:`image_attributes` gives the measurements themselves.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

from ...data.colour import srgb_to_lab
from ...text.prompts import Prompt, get_prompt
from ..kinds import register
from ..protocols import Description

__all__ = ["ATTRIBUTE_LABEL", "ATTRIBUTE_PREAMBLE", "AttributeDescriber", "image_attributes"]

ATTRIBUTE_LABEL = "[attribute describer]"
#: The sentence that opens the attribute describer's paragraphs (a label, not content).
ATTRIBUTE_PREAMBLE = "Measured from the pixels, not seen by a model."

# sRGB anchors of colour names, matched in CIE Lab (perceptual distance).
_COLOUR_NAMES = {
    "black": (20, 20, 20), "dark grey": (70, 70, 70), "grey": (128, 128, 128),
    "light grey": (190, 190, 190), "white": (245, 245, 245), "cream": (240, 230, 200),
    "beige": (210, 190, 155), "red": (200, 30, 30), "dark red": (115, 20, 25),
    "pink": (230, 150, 170), "orange": (235, 130, 40), "ochre": (195, 150, 60),
    "yellow": (240, 220, 60), "brown": (125, 80, 45), "dark brown": (65, 40, 25),
    "olive": (110, 110, 50), "green": (60, 150, 60), "dark green": (30, 70, 40),
    "teal": (40, 130, 130), "sky blue": (135, 185, 230), "blue": (40, 80, 200),
    "navy": (25, 35, 90), "purple": (120, 50, 140), "lavender": (170, 145, 200),
}


_NAMES = list(_COLOUR_NAMES)
_NAME_LAB = srgb_to_lab(np.array(list(_COLOUR_NAMES.values())))


def _colour_name(rgb) -> str:
    d = np.linalg.norm(_NAME_LAB - srgb_to_lab(np.asarray(rgb))[None, :], axis=1)
    return _NAMES[int(np.argmin(d))]


def image_attributes(image: Image.Image, size: int = 128) -> dict:
    """Measured visual attributes of ``image`` (numpy and PIL only, deterministic).

    Keys: ``width``, ``height``, ``aspect``, ``format`` (portrait/landscape/square),
    ``palette`` (list of (colour name, share), largest first), ``lightness`` (mean L*,
    0..100), ``contrast`` (std of L*), ``saturation`` (mean HSV saturation, 0..1),
    ``warmth`` (mean red minus blue, -1..1), ``edge_density`` (share of pixels on an edge),
    ``symmetry`` (left-right mirror similarity, 0..1), ``centre_vs_border`` and
    ``top_vs_bottom`` (differences of mean L*).
    """
    image = image if image.mode == "RGB" else image.convert("RGB")
    width, height = image.size
    small = image.copy()
    small.thumbnail((size, size), Image.Resampling.BILINEAR)
    rgb = np.asarray(small, dtype=np.float64)
    lab = srgb_to_lab(rgb)
    L = lab[..., 0]
    hsv = np.asarray(small.convert("HSV"), dtype=np.float64) / 255.0
    sat = hsv[..., 1]

    quant = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    pal = np.array(quant.getpalette()[: 3 * 8], dtype=np.float64).reshape(-1, 3)
    shares: dict[str, float] = {}
    total = rgb.shape[0] * rgb.shape[1]
    for count, idx in sorted(quant.getcolors() or [], key=lambda x: (-x[0], x[1])):
        name = _colour_name(pal[idx])
        shares[name] = shares.get(name, 0.0) + count / total
    palette = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))

    gray = L / 100.0
    gx = np.abs(np.diff(gray, axis=1))[:-1, :]
    gy = np.abs(np.diff(gray, axis=0))[:, :-1]
    mag = np.hypot(gx, gy) if gx.size else np.zeros((1, 1))
    h, w = L.shape
    ch, cw = max(1, h // 3), max(1, w // 3)
    centre = L[ch:h - ch, cw:w - cw]
    border_mask = np.ones_like(L, dtype=bool)
    border_mask[ch:h - ch, cw:w - cw] = False
    border = L[border_mask] if border_mask.any() else L.ravel()
    return {
        "width": width, "height": height, "aspect": width / max(height, 1),
        "format": ("landscape" if width / max(height, 1) > 1.15
                   else "portrait" if width / max(height, 1) < 0.87 else "square"),
        "palette": [(n, round(s, 4)) for n, s in palette],
        "lightness": float(L.mean()),
        "contrast": float(L.std()),
        "saturation": float(sat.mean()),
        "warmth": float(((rgb[..., 0] - rgb[..., 2]) / 255.0 * sat).mean()),
        "edge_density": float((mag > 0.08).mean()),
        "symmetry": float(1.0 - np.abs(gray - gray[:, ::-1]).mean()),
        "centre_vs_border": float((centre.mean() if centre.size else L.mean()) - border.mean()),
        "top_vs_bottom": float(L[: h // 2].mean() - L[h - h // 2:].mean()) if h > 1 else 0.0,
    }


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@register("describer", "attributes", aliases=("attribute", "no-model", "none"),
          what="no model: sentences about measured colour, light, format and texture")
class AttributeDescriber:
    """A no-model describer: sentences about measured colour, light, format and texture.

    Deterministic and instant, for machines where no vision-language model can be loaded.
    ``model_id`` is ``"attributes"``; every text starts with :data:`ATTRIBUTE_LABEL`
    (``"[attribute describer]"``) so it is never mistaken for a model's description. The
    ``caption`` prompt gives one sentence (format, main colours, tone, contrast, warmth);
    any other prompt gives a paragraph of several sentences (palette shares, light,
    colour temperature, edges and texture, symmetry, where the light falls). The prompt's
    text is not read; ``tokens`` is 0.
    """

    model_id = "attributes"
    batch_size = 16

    def __repr__(self) -> str:
        return "AttributeDescriber()"

    def cache_params(self, prompt: Prompt) -> dict:
        return {"style": "caption" if prompt.name == "caption" else "paragraph", "v": 1}

    @staticmethod
    def _words(a: dict) -> dict:
        colours = [n for n, s in a["palette"] if s >= 0.08][:3] or [a["palette"][0][0]]
        light = a["lightness"]
        return {
            "colours": _join(colours),
            "tone": "dark" if light < 35 else "light" if light > 65 else "mid-toned",
            "contrast": "low" if a["contrast"] < 12 else "high" if a["contrast"] > 25 else "moderate",
            "warmth": "warm" if a["warmth"] > 0.04 else "cool" if a["warmth"] < -0.04 else "neutral",
            "saturation": ("muted, near-monochrome" if a["saturation"] < 0.12
                           else "vivid" if a["saturation"] > 0.45 else "moderately saturated"),
        }

    def caption(self, image: Image.Image) -> str:
        a = image_attributes(image)
        w = self._words(a)
        return (f"{ATTRIBUTE_LABEL} A {a['format']}-format image in {w['colours']}, {w['tone']} "
                f"with {w['contrast']} contrast and {w['warmth']}, {w['saturation']} colour.")

    def paragraph(self, image: Image.Image) -> str:
        a = image_attributes(image)
        w = self._words(a)
        shares = _join([f"{n} ({s:.0%})" for n, s in a["palette"][:4] if s >= 0.03])
        edges = a["edge_density"]
        texture = ("smooth, broad areas with few edges" if edges < 0.04
                   else "a busy, finely detailed surface with many edges" if edges > 0.15
                   else "a moderate amount of detail")
        sym = a["symmetry"]
        symmetry = ("nearly symmetrical from left to right" if sym > 0.93
                    else "asymmetrical" if sym < 0.8 else "loosely balanced from left to right")
        cb = a["centre_vs_border"]
        focus = ("The centre is lighter than its surroundings, as if lit from the front or "
                 "spotlit." if cb > 10 else "The centre is darker than the surroundings."
                 if cb < -10 else "The light is spread evenly between centre and edges.")
        tb = a["top_vs_bottom"]
        if tb > 12:
            focus += " The upper half is clearly lighter than the lower half."
        elif tb < -12:
            focus += " The lower half is clearly lighter than the upper half."
        return (
            f"{ATTRIBUTE_LABEL} {ATTRIBUTE_PREAMBLE} "
            f"The image is in {a['format']} format ({a['width']} x {a['height']} pixels). "
            f"Its palette is dominated by {shares}. "
            f"Overall it is {w['tone']} (mean lightness {a['lightness']:.0f} of 100) with "
            f"{w['contrast']} contrast. The colours are {w['warmth']} and {w['saturation']}. "
            f"It shows {texture}, and the composition is {symmetry}. {focus}"
        )

    def describe(self, images: list[Image.Image], prompt: Prompt | str) -> list[Description]:
        prompt = get_prompt(prompt)
        fn = self.caption if prompt.name == "caption" else self.paragraph
        out = []
        for image in images:
            t0 = time.perf_counter()
            text = fn(image)
            out.append(Description(text, time.perf_counter() - t0, 0))
        return out
