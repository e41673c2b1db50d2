// The map's layouts (the model's `map_layout`: "map", the 2-D reduction, or "date", by year and
// cluster): the kernel sends the new positions as `coords`; here the works move from where
// they were to where they go over TRANSITION_MS (and the view from one fit to the other), the
// date layout's time line is drawn (year ticks, the strip of undated works), and the toolbar
// gets a layout menu. A model without `map_layout` (a static page) keeps "map" and never animates.
import { el_ } from "../shared/dom.js";
import { loadCoords, loadEvidence, loadHighlighted, loadPictures } from "./data.js";
import { fit, toScreenX } from "./view.js";

export const TRANSITION_MS = 500;

const layoutOf = (s) => s.model.get("map_layout") || "map";
const ease = (u) => (u < 0.5 ? 2 * u * u : 1 - 2 * (1 - u) * (1 - u));

/** New `coords` from the model: load them; when the layout changed, animate to them. */
export function onCoords(s) {
  const layout = layoutOf(s), switching = s.layoutShown !== "" && layout !== s.layoutShown;
  const from = s.transition ? s.xy.slice() : s.xy, fromView = { ...s.view };
  s.transition = null;
  loadCoords(s); loadHighlighted(s); loadEvidence(s); loadPictures(s);
  dateBounds(s);
  if (switching) s.userMoved = false;
  fit(s);
  s.layoutShown = layout;
  s.el.dataset.layout = layout;
  if (switching && from.length === s.xy.length && s.n > 0) startTransition(s, from, fromView);
  s.requestDraw();
}

// the date layout's view holds the rows' names above the rows and the years below them
function dateBounds(s) {
  if (layoutOf(s) !== "date" || !s.n) return;
  for (const lab of s.model.get("cluster_labels") || []) s.maxY = Math.max(s.maxY, lab.y + 0.5);
  s.minY -= 0.8;
}

function startTransition(s, from, fromView) {
  const to = s.xy;
  s.transition = { from, to, cur: new Float32Array(to.length), t0: performance.now(),
                   fromView, toView: { ...s.view }, frames: 0 };
  s.el.dataset.layoutMoving = "true";
  stepTransition(s);
}

/** Before a frame: the works' positions (and the view) this far into the move. */
export function stepTransition(s) {
  const tr = s.transition;
  if (!tr) return;
  const u = Math.min(1, (performance.now() - tr.t0) / TRANSITION_MS), e = ease(u);
  const { from, to, cur, fromView: a, toView: b } = tr;
  if (u >= 1) {
    s.xy = to; s.transition = null;
    if (!s.userMoved) s.view = b;
    s.el.dataset.layoutMoving = "false";
    s.el.dataset.layoutFrames = String(tr.frames);
  } else {
    for (let k = 0; k < cur.length; k++) cur[k] = from[k] + (to[k] - from[k]) * e;
    s.xy = cur; tr.frames++;
    if (!s.userMoved) {
      s.view = { cx: a.cx + (b.cx - a.cx) * e, cy: a.cy + (b.cy - a.cy) * e,
                 scale: a.scale * Math.pow(b.scale / a.scale, e) };
    }
    s.requestDraw();  // the next step at the next frame
  }
  s.index = null;  // hover's grid is built again from where the works are
  s.dotsDirty = true; s.picsDirty = true;
}

function tickLabel(ctx, text, x, y) {
  ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.strokeText(text, x, y);
  ctx.fillStyle = "#333"; ctx.fillText(text, x, y);
}

/** The date layout's time line: year ticks along the bottom, the undated strip's caption. */
export function drawAxis(s) {
  const axis = s.model.get("layout_axis") || [];
  if (layoutOf(s) !== "date" || s.transition || !axis.length) return;
  const { ctx } = s.dom, { dpr, W, H } = s;
  ctx.save();
  ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
  ctx.lineJoin = "round"; ctx.lineWidth = 3 * dpr;
  for (const item of axis) {
    const x = toScreenX(s, item.x);
    if (x < -60 || x > W + 60) continue;
    if (item.kind === "strip") {
      ctx.setLineDash([4 * dpr, 4 * dpr]); ctx.strokeStyle = "#999"; ctx.lineWidth = 1 * dpr;
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, H); ctx.stroke();
      ctx.setLineDash([]); ctx.lineWidth = 3 * dpr;
      ctx.textAlign = "left"; ctx.textBaseline = "top";
      tickLabel(ctx, String(item.text), x + 4 * dpr, 4 * dpr);
    } else {
      ctx.strokeStyle = "#666"; ctx.lineWidth = 1 * dpr;
      ctx.beginPath(); ctx.moveTo(x, H); ctx.lineTo(x, H - 6 * dpr); ctx.stroke();
      ctx.lineWidth = 3 * dpr;
      ctx.textAlign = "center"; ctx.textBaseline = "bottom";
      tickLabel(ctx, String(item.text), x, H - 7 * dpr);
    }
  }
  ctx.restore();
  s.dom.canvas.dataset.axis = String(axis.length);
}

/** At mount: the layout shown, and the toolbar's layout menu (after the colour menu; none
 *  for a model without `layouts`). "date" is offered where the model lists it in `layouts`,
 *  else shown disabled with the reason (`layout_note`). */
export function initLayout(s, onDom) {
  dateBounds(s);
  s.layoutShown = layoutOf(s);
  s.el.dataset.layout = s.layoutShown;
  const label = el_("label", "artopic-plot-layout", null);
  label.appendChild(document.createTextNode("Layout "));
  const select = el_("select", "", label);
  for (const name of ["map", "date"]) el_("option", "", select, name).value = name;
  s.dom.colorSelect.parentElement.after(label);
  s.dom.layoutSelect = select; s.dom.layoutLabel = label;
  onDom(select, "change", () => { s.model.set("map_layout", select.value); s.model.save_changes(); });
  showLayoutMenu(s);
}

/** The menu as the model says: the layout, which are offered, the note. */
export function showLayoutMenu(s) {
  const { layoutSelect: select, layoutLabel: label } = s.dom;
  if (!select) return;
  const offered = s.model.get("layouts");
  label.style.display = Array.isArray(offered) ? "" : "none";
  if (!Array.isArray(offered)) return;
  for (const o of select.options) o.disabled = !offered.includes(o.value);
  select.value = layoutOf(s);
  label.title = s.model.get("layout_note") || "";
  label.dataset.note = label.title;
}
