// The atlas: every work's picture in JPEG pages the view asks the kernel for, one message a
// page ({ type: "atlas", page, level, req }; the reply { type: "atlas", req, version, error }
// carries the JPEG as its buffer). "full" pages hold atlas_cell squares, "mini" pages
// mini_cell squares (the far view). Where a picture is, in its page or in a texture layer.
import { typed, u8 } from "../shared/buffers.js";
import { LAYER, detailPerRow, pictureBox } from "./constants.js";
import { cpuFar, ensureRenderer } from "./renderer.js";
import { imagesOn } from "./state.js";

const LEVELS = [["full", "atlas_cell", "atlas_page_size"], ["mini", "mini_cell", "mini_page_size"]];

/** Read the atlas' layout from the model (a new atlas_version) and ask for its pages. */
export function loadAtlas(s) {
  if (!imagesOn(s)) return;
  const model = s.model;
  const version = model.get("atlas_version");
  if (version === s.atlasVersion && s.renderer) return;
  s.atlasVersion = version;
  s.atlasIds = typed(model.get("atlas_ids"), Int32Array);
  const n = s.n, atlasIds = s.atlasIds;
  s.slotOf = new Int32Array(n).fill(-1);
  for (let k = 0; k < atlasIds.length; k++) if (atlasIds[k] >= 0 && atlasIds[k] < n) s.slotOf[atlasIds[k]] = k;
  const layers = {};
  for (const [level, cellKey, sizeKey] of LEVELS) {
    const P = s.pages[level];
    for (const b of P.bitmaps) if (b) b.close?.();
    P.cell = Math.max(1, model.get(cellKey) | 0);
    P.size = Math.min(LAYER, Math.max(P.cell, model.get(sizeKey) | 0));
    P.perRow = Math.floor(P.size / P.cell);
    P.per = P.perRow * P.perRow;
    P.perLayer = (LAYER / P.size) ** 2;
    const count = Math.ceil(atlasIds.length / P.per);
    P.state = new Array(count).fill(0); P.bitmaps = new Array(count).fill(null); P.pix = [];
    layers[level] = Math.ceil(count / P.perLayer);
  }
  s.atlasReqs.clear(); s.atlasError = "";
  ensureRenderer(s, () => { s.atlasVersion = -1; loadAtlas(s); s.requestDraw(); });
  if (s.renderer.setLayers) s.renderer.setLayers(layers.full, layers.mini);
  // the mini pages first (the far view: every work, small), then the full ones in picture
  // order, two at a time, so that what the first frame needs is not decoded beside the rest
  s.atlasQueue = [];
  for (const level of ["mini", "full"])
    for (let k = 0; k < s.pages[level].state.length; k++) s.atlasQueue.push([level, k]);
  askPages(s);
  s.picsDirty = true;
}

/** Ask for the next pages: two in flight at most, the mini pages before any full one. */
export function askPages(s) {
  const inFlight = s.atlasReqs.size;
  const miniPending = s.pages.mini.state.some((x) => x < 2);
  for (let k = inFlight; k < 2 && s.atlasQueue.length; k++) {
    if (s.atlasQueue[0][0] === "full" && miniPending && inFlight + k > 0) break;
    const [level, page] = s.atlasQueue.shift();
    const req = ++s.reqCounter;
    s.atlasReqs.set(req, [level, page]);
    s.model.send({ type: "atlas", page, level, req });
  }
}

export function loaded(s, level, slot) {
  const P = s.pages[level];
  return slot >= 0 && P.state[Math.floor(slot / P.per)] === 2;
}
export function hasPicture(s, i) {
  const slot = s.slotOf[i];
  return s.detailSlotOf[i] >= 0 || loaded(s, "mini", slot) || loaded(s, "full", slot);
}

// Where work i's picture is: [level, page, x, y, w, h, exact] in its page at the level wanted
// ("mini", "atlas" or "detail"), else the nearest one loaded; exact: it is the one wanted
export function pictureSource(s, i, want) {
  const d = s.detailSlotOf[i], slot = s.slotOf[i];
  const full = loaded(s, "full", slot), mini = loaded(s, "mini", slot);
  if (d >= 0 && (want === "detail" || !(want === "mini" ? mini || full : full))) {
    const ds = s.model.get("detail_size") | 0, per = detailPerRow(s.model);
    const [w, h] = pictureBox(s.aspects[i] || 1, ds);
    s.detailUsed[d] = s.detailClock;
    return ["detail", d, (d % per) * ds, Math.floor(d / per) * ds, w, h, true];
  }
  const level = want === "mini" ? (mini ? "mini" : "full") : (full ? "full" : "mini");
  const P = s.pages[level];
  const page = Math.floor(slot / P.per), k = slot % P.per;
  const [w, h] = pictureBox(s.aspects[i] || 1, P.cell);
  const exact = want === "mini" ? true : want === "atlas" ? level === "full" : false;
  return [level, page, (k % P.perRow) * P.cell, Math.floor(k / P.perRow) * P.cell, w, h, exact];
}

// the same in the texture array: [layer, x, y, w, h, exact]
export function glSource(s, i, want) {
  const [level, page, x, y, w, h, exact] = pictureSource(s, i, want);
  const layout = s.renderer.layout;
  if (level === "detail") {
    const ds = s.model.get("detail_size") | 0, per = detailPerRow(s.model), perLayer = per * per;
    const k = page % perLayer;
    return [layout.detail + Math.floor(page / perLayer), (k % per) * ds, Math.floor(k / per) * ds, w, h, exact];
  }
  const P = s.pages[level], q = LAYER / P.size, k = page % P.perLayer;
  return [layout[level] + Math.floor(page / P.perLayer), (k % q) * P.size + x, Math.floor(k / q) * P.size + y, w, h, exact];
}

/** A page from the kernel: decoded, uploaded (WebGL) or kept (2-D canvas), then the next asked. */
export async function onAtlas(s, msg, buffers) {
  const at = s.atlasReqs.get(msg.req);
  if (at === undefined || msg.version !== s.atlasVersion) return;
  s.atlasReqs.delete(msg.req);
  const [level, page] = at, P = s.pages[level];
  const data = u8(buffers && buffers[0]);
  if (msg.error || !data.length) {
    P.state[page] = 3; s.atlasError = msg.error || "empty page"; askPages(s); s.requestDraw(); return;
  }
  try {
    const bitmap = await createImageBitmap(new Blob([data], { type: "image/jpeg" }));
    if (msg.version !== s.atlasVersion || !s.renderer) { bitmap.close?.(); return; }
    if (level === "mini" && cpuFar(s)) P.pix[page] = pixelsOf(bitmap);  // for mosaic()
    if (s.renderer.kind === "webgl2") {
      const q = LAYER / P.size, k = page % P.perLayer;
      s.renderer.upload(s.renderer.layout[level] + Math.floor(page / P.perLayer), (k % q) * P.size, Math.floor(k / q) * P.size, bitmap);
      bitmap.close?.();
    } else P.bitmaps[page] = bitmap;
    P.state[page] = 2;
    s.picsDirty = true;
    const all = [...s.pages.full.state, ...s.pages.mini.state];
    s.dom.canvas.dataset.pages = `${all.filter((x) => x >= 2).length}/${all.length}`;
    s.requestDraw();
  } catch (e) {
    P.state[page] = 3; s.atlasError = String(e); s.requestDraw();
  }
  askPages(s);
}

// a page's pixels (the far view drawn on the CPU reads them): { px: Uint32Array, w }
function pixelsOf(bitmap) {
  const oc = new OffscreenCanvas(bitmap.width, bitmap.height);
  const octx2 = oc.getContext("2d", { willReadFrequently: true });
  octx2.drawImage(bitmap, 0, 0);
  return { px: new Uint32Array(octx2.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer), w: bitmap.width };
}
