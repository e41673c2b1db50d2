// What is under the pointer (the topmost picture, else the nearest dot through a spatial grid)
// and the hover card: the work's thumbnail and record, asked for once and kept as a blob URL.
import { unpackThumbBlobs } from "../shared/thumbs.js";
import { frameWidth, picturePx } from "./constants.js";
import { imagesOn, radius, visible } from "./state.js";
import { toDataX, toDataY, toScreenX, toScreenY } from "./view.js";

const G = 128;  // the spatial grid's cells a side (data space)

function buildIndex(s) {
  const { n, xy, minX, maxX, minY, maxY } = s;
  const cellOf = new Int32Array(n), start = new Int32Array(G * G + 1);
  const fx = G / (maxX - minX) * 0.999999, fy = G / (maxY - minY) * 0.999999;
  for (let i = 0; i < n; i++) {
    const cx = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i] - minX) * fx)));
    const cy = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i + 1] - minY) * fy)));
    cellOf[i] = cy * G + cx; start[cellOf[i] + 1]++;
  }
  for (let c = 0; c < G * G; c++) start[c + 1] += start[c];
  const fill = start.slice(0, G * G), items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
  s.index = { start, items, fx, fy };
}

// the topmost picture under the pointer (device px), or -1
function pictureUnder(s, sx, sy) {
  if (!imagesOn(s) || !s.renderer) return -1;
  const { list, count, size } = s.lastPics;
  const fw = frameWidth(s.dpr, size), { xy, aspects } = s;
  for (let k = count - 1; k >= 0; k--) {
    const i = list[k];
    const [w, h] = picturePx(aspects[i] || 1, size);
    const hw = w / 2 + fw, hh = h / 2 + fw;
    if (Math.abs(sx - toScreenX(s, xy[2 * i])) <= hw && Math.abs(sy - toScreenY(s, xy[2 * i + 1])) <= hh && visible(s, i)) return i;
  }
  return -1;
}

/** The work under the pointer at (sx, sy) device px: a picture, else the nearest visible dot
 *  within a few pixels; -1 for none. */
export function nearest(s, sx, sy) {
  if (!s.n) return -1;
  const p = pictureUnder(s, sx, sy);
  if (p >= 0) return p;
  if (!s.index) buildIndex(s);
  const { index, xy, minX, minY, dpr } = s;
  const rad = Math.max(radius(s) + 3 * dpr, 6 * dpr);
  const dx = toDataX(s, sx), dy = toDataY(s, sy), rd = rad / s.view.scale;
  const cx0 = Math.max(0, Math.floor((dx - rd - minX) * index.fx)), cx1 = Math.min(G - 1, Math.floor((dx + rd - minX) * index.fx));
  const cy0 = Math.max(0, Math.floor((dy - rd - minY) * index.fy)), cy1 = Math.min(G - 1, Math.floor((dy + rd - minY) * index.fy));
  let best = -1, bestD = rd * rd;
  for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
    const c = cy * G + cx;
    for (let k = index.start[c]; k < index.start[c + 1]; k++) {
      const i = index.items[k];
      const ddx = xy[2 * i] - dx, ddy = xy[2 * i + 1] - dy, d2 = ddx * ddx + ddy * ddy;
      if (d2 <= bestD && visible(s, i)) { bestD = d2; best = i; }
    }
  }
  return best;
}

export function hideTooltip(s) { s.dom.tooltip.style.display = "none"; s.hoverId = -1; }

/** The hover card of the work at (sx, sy), its thumbnail and record asked for the first time. */
export function hover(s, sx, sy) {
  const { tooltip, tipTitle, tipSub, tipImg } = s.dom;
  const i = nearest(s, sx, sy);
  if (i < 0) { hideTooltip(s); return; }
  const left = sx / s.dpr + 14, top = sy / s.dpr + 14;
  tooltip.style.left = Math.min(left, s.W / s.dpr - 180) + "px";
  tooltip.style.top = Math.min(top, s.H / s.dpr - 60) + "px";
  if (i === s.hoverId) return;
  s.hoverId = i;
  tooltip.style.display = "block";
  tooltip.dataset.id = String(i);
  const cached = s.thumbCache.get(i);
  if (cached) showCard(s, i, cached);
  else {
    tipTitle.textContent = `#${i}`; tipSub.textContent = "…"; tipImg.removeAttribute("src");
    s.model.send({ type: "thumbs", ids: [i], size: s.model.get("thumb_size"), info: true, req: ++s.reqCounter });
  }
}

function showCard(s, i, entry) {
  if (i !== s.hoverId) return;
  const { tipTitle, tipSub, tipImg } = s.dom;
  if (entry.url) tipImg.src = entry.url; else tipImg.removeAttribute("src");
  const inf = entry.info || {};
  tipTitle.textContent = inf.title || `#${i}`;
  tipSub.textContent = [inf.artist, inf.date, inf.group].filter(Boolean).join(" · ");
}

/** A "thumbs" reply for hover cards: kept (blob URLs) and shown if still hovered. */
export function onCardThumbs(s, msg, buffers) {
  for (const { id, blob, info } of unpackThumbBlobs(msg, buffers)) {
    const old = s.thumbCache.get(id);
    if (old && old.url) URL.revokeObjectURL(old.url);
    const entry = { url: blob ? URL.createObjectURL(blob) : "", info };
    s.thumbCache.set(id, entry);
    showCard(s, id, entry);
  }
}
