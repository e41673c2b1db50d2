// Colours: "#rrggbb" strings from the model as RGB and as ImageData pixels.

/** [r, g, b] of "#rrggbb" (grey for anything else). */
export function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
  const v = m ? parseInt(m[1], 16) : 0x888888;
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** An opaque little-endian ImageData pixel (a Uint32Array element). */
export function packRGBA(r, g, b) {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** The same colour mixed toward light grey: `keep` of it over `grey` (dimmed points). */
export function dimmed(r, g, b, keep, grey) {
  return packRGBA(Math.round(r * keep + grey), Math.round(g * keep + grey), Math.round(b * keep + grey));
}
