// What is written over the map on the top canvas: a claim's evidence (rings), highlighted
// works (black and white rings) and the cluster names at their centroids.
import { picturePx } from "./constants.js";
import { radius } from "./state.js";
import { toScreenX, toScreenY } from "./view.js";

// a ring's radius around work i: its dot, or the picture drawn there
function ringRadius(s, i, images) {
  if (!images) return radius(s);
  const [w, h] = picturePx(s.aspects[i] || 1, s.lastPics.size || 0);
  return Math.max(radius(s), 0.5 * Math.hypot(w, h));
}

/** A claim's evidence: supporting works ringed green, contradicting ones red (dashed);
 *  highlighted works with a black and a white ring. */
export function drawRings(s, images) {
  const { ctx, canvas } = s.dom, { dpr, xy } = s;
  ctx.lineWidth = 2 * dpr;
  for (const [ids, color, dash] of [[s.supporting, "#1a9e3f", []], [s.contradicting, "#d62728", [3 * dpr, 2 * dpr]]]) {
    ctx.strokeStyle = color; ctx.setLineDash(dash);
    for (const i of ids) {
      ctx.beginPath();
      ctx.arc(toScreenX(s, xy[2 * i]), toScreenY(s, xy[2 * i + 1]), ringRadius(s, i, images) + 3 * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  canvas.dataset.evidence = `${s.supporting.length}/${s.contradicting.length}`;
  if (!s.highlighted.length) return;
  ctx.lineWidth = 2 * dpr;  // a few points: drawn with the 2D API
  for (const i of s.highlighted) {
    const px = toScreenX(s, xy[2 * i]), py = toScreenY(s, xy[2 * i + 1]), rr = ringRadius(s, i, images);
    ctx.beginPath(); ctx.arc(px, py, rr + 5 * dpr, 0, 2 * Math.PI);
    ctx.strokeStyle = "#000"; ctx.stroke();
    ctx.beginPath(); ctx.arc(px, py, rr + 7 * dpr, 0, 2 * Math.PI);
    ctx.strokeStyle = "#fff"; ctx.stroke();
  }
}

/** Cluster names (or numbers) at their centroids: the model's cluster_labels
 *  ([{ code, x, y, text, align? }]; align "left": the text starts at x) when show_labels is on. */
export function drawLabels(s) {
  const model = s.model, { ctx } = s.dom, { dpr, W, H } = s;
  if (!model.get("show_labels")) return;
  const labels = model.get("cluster_labels") || [];
  if (!labels.length) return;
  ctx.font = `600 ${Math.round(13 * dpr)}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round"; ctx.lineWidth = 4 * dpr;
  for (const lab of labels) {
    if (s.hidden.has(lab.code)) continue;
    const x = toScreenX(s, lab.x), y = toScreenY(s, lab.y);
    if (x < -100 || y < -20 || x > W + 100 || y > H + 20) continue;
    const text = String(lab.text);
    ctx.textAlign = lab.align === "left" ? "left" : "center";  // left: a row's name (date layout)
    ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.strokeText(text, x, y);
    ctx.fillStyle = "#111"; ctx.fillText(text, x, y);
  }
}
