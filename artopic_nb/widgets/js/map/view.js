// The view: which part of the data plane is on screen (centre and scale), fitted to the data,
// and the canvases' size in device pixels.
import { DATE_SLOT, MAX_FIT_PX, PIC_FILL } from "./constants.js";
import { imagesOn } from "./state.js";

/** The whole map in view (a margin, and room for half a picture when pictures are drawn). */
export function fit(s) {
  const { minX, maxX, minY, maxY, W, H, dpr } = s;
  const area = (maxX - minX) * (maxY - minY);
  const scaleFor = (pad) => Math.max(1e-9, Math.min((W - 2 * pad) / (maxX - minX), (H - 2 * pad) / (maxY - minY)));
  let scale = scaleFor(16 * dpr);
  // the pictures' size in data units: at the fitted view they would tile PIC_FILL of the box;
  // with pictures, the margin leaves room for half of one
  // (the date layout's slots are one unit tall: a picture fills one at most)
  const slot = s.model.get("map_layout") === "date" ? DATE_SLOT : Infinity;
  const natural = Math.min(slot, Math.sqrt(PIC_FILL * area / Math.max(1, s.n)));
  if (imagesOn(s)) scale = scaleFor(16 * dpr + Math.min(natural * scale, MAX_FIT_PX * dpr) / 2);
  s.view = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale };
  s.fitScale = scale;
  s.uWorld = Math.min(natural, MAX_FIT_PX * dpr / s.fitScale);
  s.picsDirty = true;
}

export const toScreenX = (s, x) => (x - s.view.cx) * s.view.scale + s.W / 2;
export const toScreenY = (s, y) => s.H / 2 - (y - s.view.cy) * s.view.scale;
export const toDataX = (s, sx) => (sx - s.W / 2) / s.view.scale + s.view.cx;
export const toDataY = (s, sy) => s.view.cy - (sy - s.H / 2) / s.view.scale;

/** Size the canvases to the stage (CSS width, the model's height); false if nothing changed. */
export function resize(s) {
  const { stage, canvas, overlay, glCanvas, base, ctx } = s.dom;
  s.dpr = window.devicePixelRatio || 1;
  const cssW = Math.max(50, stage.clientWidth || 600);
  const cssH = Math.max(50, s.model.get("height") | 0);
  stage.style.height = cssH + "px";
  const newW = Math.round(cssW * s.dpr), newH = Math.round(cssH * s.dpr);
  if (newW === s.W && newH === s.H) return false;
  const first = s.W === 0;
  s.W = newW; s.H = newH;
  for (const c of [canvas, overlay, glCanvas, base]) {
    c.width = newW; c.height = newH; c.style.width = cssW + "px"; c.style.height = cssH + "px";
  }
  s.image = ctx.createImageData(newW, newH);
  s.pix = new Uint32Array(s.image.data.buffer);
  if (first || !s.userMoved) fit(s);
  return true;
}
