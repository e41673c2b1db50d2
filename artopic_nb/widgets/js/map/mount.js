// The map in an element: its DOM, its state, the model's events wired to loaders and frames,
// and a cleanup. Needs only a model-like object (see ../plot.js), never a kernel.
import { listeners } from "../shared/dom.js";
import { loadAtlas, onAtlas } from "./atlas.js";
import { buildColorMenu, buildDom, buildLegend, onLegendClick, setMode } from "./chrome.js";
import { loadCodes, loadColors, loadCoords, loadEvidence, loadHidden, loadHighlighted, loadPictures,
         loadSelection } from "./data.js";
import { onDetail } from "./detail.js";
import { draw, requestDraw } from "./draw.js";
import { onCardThumbs } from "./hover.js";
import { attachInteraction, resetView } from "./interaction.js";
import { initLayout, onCoords, showLayoutMenu } from "./layout.js";
import { showLayers } from "./renderer.js";
import { createState, imagesOn } from "./state.js";
import { fit, resize } from "./view.js";

function startImages(s) {
  if (!s.userMoved) fit(s);
  if (!imagesOn(s)) { showLayers(s); s.requestDraw(); return; }
  loadPictures(s);
  loadAtlas(s);
  s.requestDraw();
}

// a custom message from the kernel (or whatever answers the model's send)
function onCustom(s, msg, buffers) {
  if (msg && msg.type === "atlas") { onAtlas(s, msg, buffers); return; }
  if (msg && s.detailReqs.has(msg.req)) { s.detailReqs.delete(msg.req); onDetail(s, msg, buffers); return; }
  onCardThumbs(s, msg, buffers);
}

function wireModel(s, on) {
  const redraw = (...loaders) => () => { for (const f of loaders) f(s); s.requestDraw(); };
  const legend = () => buildLegend(s);
  on("change:coords", () => onCoords(s));  // a new layout: the works move there
  on("change:n_points", redraw(loadCoords, loadPictures, fit));
  on("change:codes", redraw(loadCodes));
  on("change:colors", redraw(loadColors, buildLegend));
  on("change:categories", legend);
  on("change:counts", legend);
  on("change:noise_count", legend);
  on("change:hidden_categories", redraw(loadHidden, buildLegend));
  on("change:selected_ids", redraw(loadSelection));
  on("change:filter_mask", redraw(loadSelection));
  on("change:highlighted_ids", redraw(loadHighlighted));
  on("change:supporting_ids", redraw(loadEvidence));
  on("change:contradicting_ids", redraw(loadEvidence));
  on("change:data_version", redraw());
  on("change:color_by", () => { s.dom.colorSelect.value = s.model.get("color_by"); });
  on("change:color_options", () => buildColorMenu(s));
  on("change:height", () => { if (resize(s)) s.requestDraw(); });
  on("change:point_size", redraw());
  on("change:draw", () => startImages(s));
  on("change:ranks", redraw(loadPictures));
  on("change:aspects", redraw(loadPictures));
  on("change:atlas_version", redraw(loadAtlas));
  on("change:cluster_labels", redraw());
  on("change:show_labels", redraw());
  for (const k of ["map_layout", "layouts", "layout_note"]) on(`change:${k}`, () => showLayoutMenu(s));
  on("change:layout_axis", redraw());
  on("msg:custom", (msg, buffers) => onCustom(s, msg, buffers));
}

function wireDom(s, onDom) {
  const { modes, legend, colorSelect, resetBtn, clearBtn } = s.dom, model = s.model;
  onDom(legend, "click", (e) => onLegendClick(s, e));
  onDom(colorSelect, "change", () => { model.set("color_by", colorSelect.value); model.save_changes(); });
  for (const [k, b] of Object.entries(modes)) onDom(b, "click", () => setMode(s, k));
  setMode(s, "pan");
  onDom(resetBtn, "click", () => resetView(s));
  onDom(clearBtn, "click", () => { model.set("selected_ids", []); model.save_changes(); });
  attachInteraction(s, onDom);
}

function dispose(s) {
  if (s.frame) cancelAnimationFrame(s.frame);
  if (s.detailTimer) clearTimeout(s.detailTimer);
  for (const entry of s.thumbCache.values()) if (entry.url) URL.revokeObjectURL(entry.url);
  s.thumbCache.clear();
  for (const P of Object.values(s.pages)) for (const b of P.bitmaps) if (b) b.close?.();
  for (const b of s.detailBitmaps.values()) b.close?.();
  s.detailBitmaps.clear();
  if (s.renderer && s.renderer.destroy) s.renderer.destroy();
  s.renderer = null;
}

/** Draw the map of `model` in `el`; returns the cleanup (listeners off, resources freed). */
export function mountMap(model, el) {
  const s = createState(model, el);
  const bag = listeners(model);
  s.dom = buildDom(el);
  s.requestDraw = () => requestDraw(s);
  wireDom(s, bag.onDom);
  wireModel(s, bag.on);
  loadCoords(s); loadCodes(s); loadColors(s); loadHighlighted(s); loadEvidence(s);
  buildLegend(s); buildColorMenu(s); initLayout(s, bag.onDom);
  const ro = new ResizeObserver(() => { if (resize(s)) s.requestDraw(); });
  ro.observe(s.dom.stage);
  resize(s);
  if (imagesOn(s)) { loadPictures(s); loadAtlas(s); }
  draw(s);
  return () => {
    bag.dispose();
    ro.disconnect();
    dispose(s);
  };
}
