// The map's data from the model's traits into the state (state.js): positions, categories,
// colours, hidden categories, the selection and the ask panel's filter, rings, picture order.
// Each loader marks what it changes as dirty; the caller asks for a frame.
import { typed, u8 } from "../shared/buffers.js";
import { dimmed, hexToRgb, packRGBA } from "../shared/color.js";

export function loadCoords(s) {
  const xy = typed(s.model.get("coords"), Float32Array);
  const n = Math.min(s.model.get("n_points") | 0, xy.length >> 1);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  if (!(maxX >= minX)) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
  if (maxX - minX < 1e-9) { minX -= 0.5; maxX += 0.5; }
  if (maxY - minY < 1e-9) { minY -= 0.5; maxY += 0.5; }
  Object.assign(s, { xy, n, minX, maxX, minY, maxY });
  s.index = null;
  s.dotsDirty = true; s.picsDirty = true;
  s.detailMissing.clear();  // new works: ask again
  if (s.detailSlotOf.length !== n) {
    s.detailSlotOf = new Int32Array(n).fill(-1); s.detailOwner = []; s.detailUsed = [];
    s.detailBitmaps.clear();
  }
  loadSelection(s);
}

export function loadCodes(s) {
  s.codes = typed(s.model.get("codes"), Int32Array);
  s.dotsDirty = true; s.picsDirty = true;
}

export function loadColors(s) {
  s.catColors = []; s.catDim = [];
  s.pal = new Float32Array(256);
  const [nr, ng, nb] = hexToRgb(s.model.get("noise_color"));
  s.pal.set([nr / 255, ng / 255, nb / 255, 1], 0);
  (s.model.get("colors") || []).forEach((hex, c) => {
    const [r, g, b] = hexToRgb(hex);
    s.catColors.push(packRGBA(r, g, b));
    s.catDim.push(dimmed(r, g, b, 0.2, 204));
    if (c < 63) s.pal.set([r / 255, g / 255, b / 255, 1], 4 * (c + 1));
  });
  s.noiseColor = packRGBA(nr, ng, nb);
  s.noiseDim = dimmed(nr, ng, nb, 0.3, 178);
  loadHidden(s);
}

export function loadHidden(s) {
  s.hidden = new Set(s.model.get("hidden_categories") || []);
  s.hiddenArr = new Uint8Array(s.catColors.length + 1);
  for (const h of s.hidden) if (h >= -1 && h < s.catColors.length) s.hiddenArr[h + 1] = 1;
  s.dotsDirty = true; s.picsDirty = true;
}

export function loadSelection(s) {
  const n = s.n;
  const selMask = new Uint8Array(n);
  let selCount = 0;
  for (const i of s.model.get("selected_ids") || []) {
    if (i >= 0 && i < n && !selMask[i]) { selMask[i] = 1; selCount++; }
  }
  // the ask panel's filter (a byte a point, 1: passes; empty: none): the points outside it
  // are dimmed as unselected ones are, and a selection keeps the points inside it
  const picked = selCount;
  const f = u8(s.model.get("filter_mask"));
  const filtering = f.length === n && n > 0;
  let passing = s.passing;
  if (filtering) {
    selCount = 0; passing = 0;
    for (let i = 0; i < n; i++) {
      const keep = f[i] && (picked === 0 || selMask[i]) ? 1 : 0;
      selMask[i] = keep; selCount += keep; passing += f[i] ? 1 : 0;
    }
  }
  Object.assign(s, { selMask, selCount, picked, filtering, passing });
  s.el.dataset.filtered = filtering ? String(passing) : "";
  s.dotsDirty = true; s.picsDirty = true;
}

const inRange = (s, ids) => (ids || []).filter((i) => i >= 0 && i < s.n);

export function loadHighlighted(s) { s.highlighted = inRange(s, s.model.get("highlighted_ids")); }

export function loadEvidence(s) {
  s.supporting = inRange(s, s.model.get("supporting_ids"));
  s.contradicting = inRange(s, s.model.get("contradicting_ids"));
}

/** The pictures' aspect ratios and their order (ranks: the most representative first). */
export function loadPictures(s) {
  const n = s.n;
  s.aspects = typed(s.model.get("aspects"), Float32Array);
  s.ranks = typed(s.model.get("ranks"), Int32Array);
  const byRank = new Int32Array(n), ranks = s.ranks;
  if (ranks.length === n) { for (let i = 0; i < n; i++) if (ranks[i] >= 0 && ranks[i] < n) byRank[ranks[i]] = i; }
  else for (let i = 0; i < n; i++) byRank[i] = i;
  s.byRank = byRank;
  s.picsDirty = true;
}
