// The image map's sizes and limits, and a picture's box (shared by the renderers and the level
// of detail). The atlas arithmetic matches the kernel's (artopic_nb/data/atlas.py).

export const PIC_FILL = 0.9;     // at the fitted view, all pictures together would cover this share of the map's box
export const MAX_FIT_PX = 64;    // ... but none larger than this (CSS px) at the fitted view
export const MIN_ALL_PX = 3;     // below this a picture is a smudge: dots and representatives instead
export const REP_PX = 40;        // representatives' size far out (CSS px)
export const FETCH_LIMIT = 400;  // pictures fetched on demand for at most this many works on screen
export const SHARPEN = 1.25;     // sharper thumbnails once a picture is this many times its atlas square
export const LAYER = 2048, DETAIL_LAYERS = 2;  // texture layers' side; layers of sharper thumbnails
// Far out a picture is a few pixels: it is drawn from the "mini" pages (8-px squares, which
// the view asks for first); one bilinear sample a pixel, no mipmaps.
export const MINI_PX = 10;
// The date layout stacks works in slots one unit tall: a picture there is at most this tall
// (in data units), so the rows stay apart.
export const DATE_SLOT = 0.92;

// A picture's box in a square of side `cell`: the same arithmetic as data/atlas.picture_boxes.
export function pictureBox(a, cell) {
  if (a >= 1) return [cell, Math.min(cell, Math.max(1, Math.floor(cell / a + 0.5)))];
  return [Math.min(cell, Math.max(1, Math.floor(cell * (a > 0 ? a : 1) + 0.5))), cell];
}

/** A picture's width and height on screen when its longer side is `size` (a: its aspect). */
export function picturePx(a, size) {
  return a >= 1 ? [size, size / a] : [size * a, size];
}

/** The coloured frame around a picture of `size` device pixels. */
export function frameWidth(dpr, size) { return Math.min(3 * dpr, Math.max(1 * dpr, Math.round(size * 0.06))); }

/** Sharper thumbnails a row of a detail layer. */
export const detailPerRow = (model) => Math.floor(LAYER / Math.max(1, model.get("detail_size") | 0));
