// Sharper thumbnails: zoomed in past the atlas' resolution, the works on screen are asked for
// at detail_size (a "thumbs" request once the view rests) and kept in DETAIL_LAYERS texture
// layers (or as ImageBitmaps for the 2-D canvas), the least recently drawn given up first.
import { unpackThumbBlobs } from "../shared/thumbs.js";
import { DETAIL_LAYERS, detailPerRow, pictureBox } from "./constants.js";

const capacity = (s) => DETAIL_LAYERS * detailPerRow(s.model) ** 2;

/** Ask for s.wantDetail once the view has rested 120 ms. */
export function scheduleDetail(s) {
  if (!s.wantDetail.length) return;
  if (s.detailTimer) clearTimeout(s.detailTimer);
  s.detailTimer = setTimeout(() => sendDetail(s), 120);  // once the view rests
}

function sendDetail(s) {
  s.detailTimer = 0;
  const ids = s.wantDetail.filter((i) => !s.detailPending.has(i) && s.detailSlotOf[i] < 0 && !s.detailMissing.has(i));
  const room = Math.max(0, Math.floor(capacity(s) * 0.9) - s.detailPending.size);
  const take = ids.slice(0, room);
  for (let k = 0; k < take.length; k += 64) {
    const batch = take.slice(k, k + 64);
    const req = ++s.reqCounter;
    s.detailReqs.add(req);
    for (const i of batch) s.detailPending.add(i);
    s.model.send({ type: "thumbs", ids: batch, size: s.model.get("detail_size"), info: false, req });
  }
}

function freeDetailSlot(s) {
  const cap = capacity(s);
  const { detailOwner, detailUsed } = s;
  if (detailOwner.length < cap) { detailOwner.push(-1); detailUsed.push(-1); return detailOwner.length - 1; }
  let best = -1, oldest = Infinity;
  for (let k = 0; k < cap; k++) {
    if (detailUsed[k] < oldest && detailUsed[k] < s.detailClock) { oldest = detailUsed[k]; best = k; }
  }
  if (best >= 0 && detailOwner[best] >= 0) {
    const old = detailOwner[best];
    s.detailSlotOf[old] = -1;
    const bm = s.detailBitmaps.get(old);
    if (bm) { bm.close?.(); s.detailBitmaps.delete(old); }
  }
  return best;
}

/** A reply to one of our detail requests: each thumbnail resized into a free slot. */
export async function onDetail(s, msg, buffers) {
  const ds = s.model.get("detail_size") | 0;
  const per = detailPerRow(s.model), perLayer = per * per;
  let added = 0;
  for (const { id, blob } of unpackThumbBlobs(msg, buffers)) {
    s.detailPending.delete(id);
    // no thumbnail for it (an image not here): asking again would only loop (a redraw asks)
    if (!blob) s.detailMissing.add(id);
    if (!blob || id < 0 || id >= s.n || s.detailSlotOf[id] >= 0) continue;
    const [w, h] = pictureBox(s.aspects[id] || 1, ds);
    let bitmap;
    try { bitmap = await createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: "medium" }); }
    catch (e) { s.detailMissing.add(id); continue; }
    if (!s.renderer) { bitmap.close?.(); return; }
    const slot = freeDetailSlot(s);
    if (slot < 0) { bitmap.close?.(); continue; }
    if (s.renderer.kind === "webgl2") {
      const k = slot % perLayer;
      s.renderer.upload(s.renderer.layout.detail + Math.floor(slot / perLayer), (k % per) * ds, Math.floor(k / per) * ds, bitmap);
      bitmap.close?.();
    } else s.detailBitmaps.set(id, bitmap);
    s.detailOwner[slot] = id; s.detailUsed[slot] = s.detailClock; s.detailSlotOf[id] = slot;
    s.picsDirty = true;
    added++;
  }
  s.dom.canvas.dataset.detail = String(s.detailOwner.filter((i) => i >= 0).length);
  if (added) s.requestDraw();
}
