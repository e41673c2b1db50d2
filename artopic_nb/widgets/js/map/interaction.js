// Pan, zoom, box and lasso selection, click to select, hover, on the overlay canvas (which
// also shows the box or lasso being drawn). A selection is written to the model's selected_ids.
import { hideTooltip, hover, nearest } from "./hover.js";
import { visible } from "./state.js";
import { fit, toDataX, toDataY, toScreenX, toScreenY } from "./view.js";

/** Whether (x, y) is inside the polygon [x0, y0, x1, y1, ...] (even-odd rule). */
export function pointInPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 2; i < poly.length; j = i, i += 2) {
    const xi = poly[i], yi = poly[i + 1], xj = poly[j], yj = poly[j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inBox(s, d) {
  const xa = toDataX(s, Math.min(d.x0, d.x1)), xb = toDataX(s, Math.max(d.x0, d.x1));
  const ya = toDataY(s, Math.max(d.y0, d.y1)), yb = toDataY(s, Math.min(d.y0, d.y1));
  const out = [], { n, xy } = s;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x >= xa && x <= xb && y >= ya && y <= yb && visible(s, i)) out.push(i);
  }
  return out;
}

function inLasso(s, path) {
  if (path.length < 6) return [];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k < path.length; k += 2) {
    x0 = Math.min(x0, path[k]); x1 = Math.max(x1, path[k]);
    y0 = Math.min(y0, path[k + 1]); y1 = Math.max(y1, path[k + 1]);
  }
  const out = [], { n, xy } = s;
  for (let i = 0; i < n; i++) {
    const sx = toScreenX(s, xy[2 * i]), sy = toScreenY(s, xy[2 * i + 1]);
    if (sx < x0 || sx > x1 || sy < y0 || sy > y1) continue;
    if (visible(s, i) && pointInPolygon(sx, sy, path)) out.push(i);
  }
  return out;
}

function drawOverlay(s) {
  const { octx } = s.dom, { drag, dpr } = s;
  octx.clearRect(0, 0, s.W, s.H);
  if (!drag) return;
  octx.lineWidth = 1 * dpr;
  octx.strokeStyle = "#333";
  octx.fillStyle = "rgba(60, 120, 220, 0.12)";
  octx.setLineDash([4 * dpr, 3 * dpr]);
  octx.beginPath();
  if (drag.mode === "box") {
    octx.rect(Math.min(drag.x0, drag.x1), Math.min(drag.y0, drag.y1),
              Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
  } else {
    const p = drag.path;
    octx.moveTo(p[0], p[1]);
    for (let k = 2; k < p.length; k += 2) octx.lineTo(p[k], p[k + 1]);
    octx.closePath();
  }
  octx.fill(); octx.stroke(); octx.setLineDash([]);
}

function select(s, ids) { s.model.set("selected_ids", ids); s.model.save_changes(); }

/** The pointer (device px) over the overlay. */
function eventXY(s, e) {
  const rect = s.dom.overlay.getBoundingClientRect();
  return [(e.clientX - rect.left) * s.dpr, (e.clientY - rect.top) * s.dpr];
}

function onWheel(s, e) {
  e.preventDefault();
  const [sx, sy] = eventXY(s, e);
  const dx = toDataX(s, sx), dy = toDataY(s, sy), view = s.view;
  const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
  view.scale = Math.min(1e9, Math.max(1e-9, view.scale * factor));
  view.cx = dx - (sx - s.W / 2) / view.scale;
  view.cy = dy + (sy - s.H / 2) / view.scale;
  s.userMoved = true;
  s.requestDraw();
}

function onPointerDown(s, e) {
  if (e.button !== 0) return;
  try { s.dom.overlay.setPointerCapture?.(e.pointerId); } catch (err) { /* a synthetic pointer */ }
  const [sx, sy] = eventXY(s, e);
  const m = e.shiftKey && s.mode === "pan" ? "box" : s.mode;
  s.drag = { mode: m, x0: sx, y0: sy, x1: sx, y1: sy, cx: s.view.cx, cy: s.view.cy, path: [sx, sy], moved: false };
  hideTooltip(s);
}

function onPointerMove(s, e) {
  const [sx, sy] = eventXY(s, e);
  const drag = s.drag;
  if (!drag) { hover(s, sx, sy); return; }
  drag.x1 = sx; drag.y1 = sy;
  if (Math.abs(sx - drag.x0) + Math.abs(sy - drag.y0) > 3 * s.dpr) drag.moved = true;
  if (drag.mode === "pan") {
    s.view.cx = drag.cx - (sx - drag.x0) / s.view.scale;
    s.view.cy = drag.cy + (sy - drag.y0) / s.view.scale;
    s.userMoved = true;
    s.requestDraw();
  } else {
    if (drag.mode === "lasso") drag.path.push(sx, sy);
    drawOverlay(s);
  }
}

function endDrag(s) {
  if (!s.drag) return;
  const d = s.drag; s.drag = null;
  s.dom.octx.clearRect(0, 0, s.W, s.H);
  if (d.mode === "pan") return;
  if (!d.moved) {  // a click: select the work under the pointer, or clear
    const i = nearest(s, d.x0, d.y0);
    select(s, i >= 0 ? [i] : []);
    return;
  }
  select(s, d.mode === "box" ? inBox(s, d) : inLasso(s, d.path));
}

/** The whole map in view again (the reset button, a double click). */
export function resetView(s) { s.userMoved = false; fit(s); s.requestDraw(); }

/** Wire the overlay's pointer and wheel input; `onDom` is the view's listener bag's. */
export function attachInteraction(s, onDom) {
  const { overlay } = s.dom;
  onDom(overlay, "wheel", (e) => onWheel(s, e), { passive: false });
  onDom(overlay, "pointerdown", (e) => onPointerDown(s, e));
  onDom(overlay, "pointermove", (e) => onPointerMove(s, e));
  onDom(overlay, "pointerup", () => endDrag(s));
  onDom(overlay, "pointercancel", () => { s.drag = null; s.dom.octx.clearRect(0, 0, s.W, s.H); });
  onDom(overlay, "pointerleave", () => { if (!s.drag) hideTooltip(s); });
  onDom(overlay, "dblclick", () => resetView(s));
}
