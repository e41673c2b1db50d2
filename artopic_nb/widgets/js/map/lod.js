// Level of detail: which works are drawn as pictures this frame, and how large.
// - "all": every visible work that has a picture, at its natural size uWorld * scale;
// - "lod": far out, dots for every work and, on top, representatives in picture order (cluster
//   medoids first), one per cell of a screen grid, budget growing with the zoom.
// The choice lands in s.lastPics ({ list, count, size, all, level, cull, total }); the works
// to fetch sharper in s.wantDetail.
import { FETCH_LIMIT, MINI_PX, MIN_ALL_PX, REP_PX, SHARPEN } from "./constants.js";
import { hasPicture } from "./atlas.js";
import { codeOf, selecting, visible } from "./state.js";

/** Choose this frame's pictures: { all, V (works on screen), size, dots, complete }. */
export function choosePictures(s) {
  const D = s.uWorld * s.view.scale;
  const repSize = Math.max(D, REP_PX * s.dpr);
  const m = Math.max(D, repSize) / 2;
  const { n, xy, slotOf, detailSlotOf, W, H } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  let V = 0, Vpic = 0, Vcov = 0;  // works on screen, with a picture loaded, in the atlas
  for (let i = 0; i < n; i++) {
    if (!visible(s, i)) continue;
    const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
    if (px < -m || py < -m || px > W + m || py > H + m) continue;
    V++;
    if (slotOf[i] >= 0 || detailSlotOf[i] >= 0) Vcov++;
    if (hasPicture(s, i)) Vpic++;
  }
  const all = D >= MIN_ALL_PX * s.dpr && (V <= FETCH_LIMIT || Vcov >= 0.95 * V);
  const cell = s.model.get("atlas_cell") | 0;
  const shown = all ? D : repSize;
  const sharpen = shown > SHARPEN * cell;
  const level = sharpen ? "detail" : shown <= MINI_PX * s.dpr ? "mini" : "atlas";
  s.wantDetail = [];
  if (!all) return chooseRepresentatives(s, V, repSize, level, sharpen);
  chooseAll(s, m, D, level, Vpic < 0.5 * s.lastPics.total);
  // fetch: works on screen without a picture, and sharper ones when zoomed in
  if (V <= FETCH_LIMIT) {
    for (let i = 0; i < n; i++) {
      if (!visible(s, i) || detailSlotOf[i] >= 0) continue;
      const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
      if (px < -m || py < -m || px > W + m || py > H + m) continue;
      if (sharpen || !hasPicture(s, i)) s.wantDetail.push(i);
    }
  }
  return { all, V, size: D, dots: Vpic < V, complete: Vpic === V };
}

// Zoomed in, only the works on screen go to the GPU (rebuilt each frame, cull); out to the whole
// map, every work once (pan and zoom then change two uniforms).
function chooseAll(s, m, D, level, cull) {
  const last = s.lastPics;
  if (!cull && !s.picsDirty && last.all && !last.cull && last.level === level) {
    last.size = D;
    return;
  }
  // every work with a picture: noise first, then clusters with the most representative on
  // top, the selection above all
  const { n, xy, byRank, selMask, hiddenArr, W, H } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const list = new Int32Array(n);
  let total = 0, k = 0;
  const sel = selecting(s);
  for (let pass = 0; pass < 3; pass++) {
    if (pass === 2 && !sel) break;
    for (let r = n - 1; r >= 0; r--) {
      const i = byRank[r];
      const c = codeOf(s, i);
      if (hiddenArr[c + 1] || !hasPicture(s, i)) continue;
      const isSel = sel && selMask[i] === 1;
      if (pass === 2 ? !isSel : isSel || (pass === 0) !== (c < 0)) continue;
      total++;
      if (cull) {
        const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
        if (px < -m || py < -m || px > W + m || py > H + m) continue;
      }
      list[k++] = i;
    }
  }
  s.lastPics = { list, count: k, size: D, all: true, level, cull, total };
  s.picsDirty = true;
}

// Far out: representatives on a screen grid, in picture order, as many as the zoom allows.
function chooseRepresentatives(s, V, repSize, level, sharpen) {
  const { n, xy, byRank, W, H, detailSlotOf, wantDetail } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const z = sc / s.fitScale;
  const budget = Math.max(48, 2 * s.catColors.length) * Math.max(1, z * z * z);
  const gcell = repSize * 1.05;
  const gw = Math.ceil(W / gcell) + 2, gh = Math.ceil(H / gcell) + 2;
  const taken = new Uint8Array(gw * gh);
  const list = [];
  const half = repSize / 2;
  let missing = 0;
  for (let r = 0; r < n && r < budget; r++) {
    const i = byRank[r];
    if (!visible(s, i)) continue;
    const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
    if (px < -half || py < -half || px > W + half || py > H + half) continue;
    const g = (Math.floor(py / gcell) + 1) * gw + Math.floor(px / gcell) + 1;
    if (taken[g]) continue;
    if (!hasPicture(s, i)) { missing++; if (z >= 2 && wantDetail.length < 64) wantDetail.push(i); continue; }
    taken[g] = 1;
    list.push(i);
    if (sharpen && detailSlotOf[i] < 0 && wantDetail.length < 128) wantDetail.push(i);
  }
  // selected on top, the most representative above the rest
  list.reverse();
  const selMask = s.selMask;
  if (s.selCount) list.sort((a, b) => selMask[a] - selMask[b]);
  s.lastPics = { list: Int32Array.from(list), count: list.length, size: repSize, all: false, level, cull: true, total: 0 };
  s.picsDirty = true;
  return { all: false, V, size: repSize, dots: true, complete: missing === 0 };
}
