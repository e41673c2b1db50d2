"""Colour maths shared by the no-model embedder and the attribute describer, and the cluster
palette shared by the charts and the widgets."""

from __future__ import annotations

import colorsys

import numpy as np

__all__ = ["NOISE_COLOR", "palette", "srgb_to_lab"]

_SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                         [0.0193, 0.1192, 0.9505]], dtype=np.float32)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) from 8-bit sRGB, shape (..., 3) -> (..., 3) with L in 0..100."""
    c = rgb.astype(np.float32) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = c @ _SRGB_TO_XYZ.T / _D65_WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16.0 / 116.0)
    L = 116.0 * f[..., 1] - 16.0
    a = 500.0 * (f[..., 0] - f[..., 1])
    b = 200.0 * (f[..., 1] - f[..., 2])
    return np.stack([L, a, b], axis=-1)


#: Cluster colours: matplotlib's tab20, then golden-angle hues; noise is grey.
_TAB20 = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
    "#17becf", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79",
]
NOISE_COLOR = "#b4b4b4"


def palette(n: int) -> list[str]:
    """``n`` distinct hex colours: tab20, then golden-angle hues."""
    colors = list(_TAB20[:n])
    for i in range(len(colors), n):
        h = (i * 0.618033988749895) % 1.0
        light = 0.45 + 0.15 * ((i // 7) % 2)
        r, g, b = colorsys.hls_to_rgb(h, light, 0.65)
        colors.append(f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}")
    return colors
