// The map's DOM: the toolbar (modes, reset, clear, colour menu, notice, info line), the stage
// with its four canvases and the hover card, and the legend beside it.
import { button, el_ } from "../shared/dom.js";

const MODES = [["pan", "Pan", "drag to pan, wheel to zoom"],
               ["box", "Box", "drag a rectangle to select"],
               ["lasso", "Lasso", "draw around points to select"]];

function toolbar(el) {
  const bar = el_("div", "artopic-plot-toolbar", el);
  const modes = {};
  for (const [mode, label, tip] of MODES) {
    const b = button("artopic-plot-mode", bar, label);
    b.title = tip; b.dataset.mode = mode;
    modes[mode] = b;
  }
  const resetBtn = button("artopic-plot-reset", bar, "Reset view");
  const clearBtn = button("artopic-plot-clear", bar, "Clear selection");
  const colorLabel = el_("label", "artopic-plot-colorby", bar);
  colorLabel.appendChild(document.createTextNode("Colour by "));
  const colorSelect = el_("select", "", colorLabel);
  const notice = el_("span", "artopic-plot-notice", bar);
  const info = el_("span", "artopic-plot-info", bar);
  return { modes, resetBtn, clearBtn, colorSelect, notice, info };
}

/** Build the map's elements in `el`; returns them (and the canvases' 2-D contexts). */
export function buildDom(el) {
  el.classList.add("artopic-plot");
  const parts = toolbar(el);
  const body = el_("div", "artopic-plot-body", el);
  const stage = el_("div", "artopic-plot-stage", body);
  const base = el_("canvas", "artopic-plot-base", stage);  // dots under the pictures (WebGL)
  const glCanvas = el_("canvas", "artopic-plot-gl", stage);
  const canvas = el_("canvas", "artopic-plot-canvas", stage);
  const overlay = el_("canvas", "artopic-plot-overlay", stage);
  const tooltip = el_("div", "artopic-plot-tooltip", stage);
  const tipImg = el_("img", "", tooltip);
  tipImg.alt = "";
  const tipTitle = el_("div", "artopic-plot-tooltip-title", tooltip);
  const tipSub = el_("div", "artopic-plot-tooltip-sub", tooltip);
  tooltip.style.display = "none";
  glCanvas.style.display = "none";
  base.style.display = "none";
  const legend = el_("div", "artopic-plot-legend", body);
  canvas.dataset.renderStart = String(performance.now());
  return { ...parts, body, stage, base, glCanvas, canvas, overlay, tooltip, tipImg, tipTitle, tipSub, legend,
           ctx: canvas.getContext("2d"), bctx: base.getContext("2d"), octx: overlay.getContext("2d") };
}

/** The legend: a button a category (and noise), its colour, name and count; hidden ones marked;
 * none for a category no work has (a cluster merged away, a level of the hierarchy). */
export function buildLegend(s) {
  const model = s.model, legend = s.dom.legend;
  legend.replaceChildren();
  const cats = model.get("categories") || [];
  const colors = model.get("colors") || [];
  const counts = model.get("counts") || [];
  const entries = cats.map((name, c) => [c, name, colors[c], counts[c] ?? 0])
    .filter((e) => !counts.length || e[3] > 0);
  if ((model.get("noise_count") | 0) > 0)
    entries.push([-1, model.get("noise_label"), model.get("noise_color"), model.get("noise_count")]);
  for (const [c, name, color, count] of entries) {
    const item = button("artopic-plot-legend-item", legend);
    item.dataset.code = String(c);
    if (s.hidden.has(c)) item.classList.add("is-hidden");
    const sw = el_("span", "artopic-plot-swatch", item);
    sw.style.backgroundColor = /^#[0-9a-f]{6}$/i.test(color) ? color : "#888";
    el_("span", "artopic-plot-legend-label", item, String(name));
    el_("span", "artopic-plot-legend-count", item, String(count));
    item.title = "click to show / hide";
  }
}

/** A click on a legend item shows or hides its category (the model's hidden_categories). */
export function onLegendClick(s, e) {
  const item = e.target.closest(".artopic-plot-legend-item");
  if (!item) return;
  const c = Number(item.dataset.code);
  const next = new Set(s.model.get("hidden_categories") || []);
  if (next.has(c)) next.delete(c); else next.add(c);
  s.model.set("hidden_categories", [...next].sort((a, b) => a - b));
  s.model.save_changes();
}

export function buildColorMenu(s) {
  const colorSelect = s.dom.colorSelect;
  colorSelect.replaceChildren();
  for (const opt of s.model.get("color_options") || []) {
    const o = el_("option", "", colorSelect);
    o.value = opt; o.textContent = opt;
  }
  colorSelect.value = s.model.get("color_by");
}

export function setMode(s, m) {
  s.mode = m;
  for (const [k, b] of Object.entries(s.dom.modes)) b.classList.toggle("is-active", k === m);
  s.dom.stage.dataset.mode = m;
}
