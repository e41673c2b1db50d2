// EmbeddingPlot front end: a canvas scatter rasterised into ImageData (100,000 points stay
// fluid), legend toggles, wheel zoom, drag pan, box and lasso selection, hover card.
// All data-derived text is set with textContent, never parsed as HTML.

function typed(buf, Ctor) {
  const b = u8(buf);
  const n = Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n);
  return new Ctor(b.slice(0, n * Ctor.BYTES_PER_ELEMENT).buffer);  // unaligned: copy
}
function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
  const v = m ? parseInt(m[1], 16) : 0x888888;
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
function packRGBA(r, g, b) {  // little-endian ImageData pixel
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
function stamp(radius) {  // pixel offsets of a disc
  const out = [];
  const r = Math.max(0, radius);
  const ri = Math.ceil(r);
  for (let dy = -ri; dy <= ri; dy++)
    for (let dx = -ri; dx <= ri; dx++)
      if (dx * dx + dy * dy <= r * r + 0.5) out.push(dx, dy);
  return Int32Array.from(out.length ? out : [0, 0]);
}
function pointInPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 2; i < poly.length; j = i, i += 2) {
    const xi = poly[i], yi = poly[i + 1], xj = poly[j], yj = poly[j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function render({ model, el }) {
  el.classList.add("artopic-plot");
  const listeners = [];
  const on = (name, fn) => { model.on(name, fn); listeners.push([name, fn]); };
  const domListeners = [];
  const onDom = (target, name, fn, opts) => {
    target.addEventListener(name, fn, opts); domListeners.push([target, name, fn, opts]);
  };

  // -- DOM -------------------------------------------------------------------------------------
  const toolbar = el_("div", "artopic-plot-toolbar", el);
  const modes = {};
  for (const [mode, label, tip] of [["pan", "Pan", "drag to pan, wheel to zoom"],
                                    ["box", "Box", "drag a rectangle to select"],
                                    ["lasso", "Lasso", "draw around points to select"]]) {
    const b = el_("button", "artopic-plot-mode", toolbar);
    b.type = "button"; b.textContent = label; b.title = tip; b.dataset.mode = mode;
    modes[mode] = b;
  }
  const resetBtn = el_("button", "artopic-plot-reset", toolbar);
  resetBtn.type = "button"; resetBtn.textContent = "Reset view";
  const clearBtn = el_("button", "artopic-plot-clear", toolbar);
  clearBtn.type = "button"; clearBtn.textContent = "Clear selection";
  const colorLabel = el_("label", "artopic-plot-colorby", toolbar);
  colorLabel.appendChild(document.createTextNode("Colour by "));
  const colorSelect = el_("select", "", colorLabel);
  const info = el_("span", "artopic-plot-info", toolbar);

  const body = el_("div", "artopic-plot-body", el);
  const stage = el_("div", "artopic-plot-stage", body);
  const canvas = el_("canvas", "artopic-plot-canvas", stage);
  const overlay = el_("canvas", "artopic-plot-overlay", stage);
  const tooltip = el_("div", "artopic-plot-tooltip", stage);
  const tipImg = el_("img", "", tooltip);
  tipImg.alt = "";
  const tipTitle = el_("div", "artopic-plot-tooltip-title", tooltip);
  const tipSub = el_("div", "artopic-plot-tooltip-sub", tooltip);
  tooltip.style.display = "none";
  const legend = el_("div", "artopic-plot-legend", body);
  canvas.dataset.renderStart = String(performance.now());
  const ctx = canvas.getContext("2d");
  const octx = overlay.getContext("2d");

  // -- state -----------------------------------------------------------------------------------
  let n = 0, xy = new Float32Array(0), codes = new Int32Array(0);
  let minX = 0, maxX = 1, minY = 0, maxY = 1;
  let catColors = [], catDim = [], noiseColor = 0, noiseDim = 0;
  let hidden = new Set();
  let selMask = new Uint8Array(0), selCount = 0;
  let highlighted = [], supporting = [], contradicting = [];
  let view = { cx: 0.5, cy: 0.5, scale: 1 };
  let W = 0, H = 0, dpr = 1, image = null, pix = null;
  let mode = "pan", userMoved = false;
  let frame = 0, draws = 0, drawnVersion = -1;
  let index = null;  // spatial grid for hover
  const thumbCache = new Map();  // id -> {url, info}
  let reqCounter = 0, hoverId = -1;

  // -- data from the model ---------------------------------------------------------------------
  function loadCoords() {
    xy = typed(model.get("coords"), Float32Array);
    n = Math.min(model.get("n_points") | 0, xy.length >> 1);
    minX = Infinity; maxX = -Infinity; minY = Infinity; maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    if (!(maxX >= minX)) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
    if (maxX - minX < 1e-9) { minX -= 0.5; maxX += 0.5; }
    if (maxY - minY < 1e-9) { minY -= 0.5; maxY += 0.5; }
    index = null;
    loadSelection();
  }
  function loadCodes() {
    codes = typed(model.get("codes"), Int32Array);
  }
  function loadColors() {
    catColors = []; catDim = [];
    for (const hex of model.get("colors") || []) {
      const [r, g, b] = hexToRgb(hex);
      catColors.push(packRGBA(r, g, b));
      catDim.push(packRGBA(Math.round(r * 0.2 + 204), Math.round(g * 0.2 + 204), Math.round(b * 0.2 + 204)));
    }
    const [r, g, b] = hexToRgb(model.get("noise_color"));
    noiseColor = packRGBA(r, g, b);
    noiseDim = packRGBA(Math.round(r * 0.3 + 178), Math.round(g * 0.3 + 178), Math.round(b * 0.3 + 178));
  }
  function loadHidden() { hidden = new Set(model.get("hidden_categories") || []); }
  function loadSelection() {
    selMask = new Uint8Array(n); selCount = 0;
    for (const i of model.get("selected_ids") || []) {
      if (i >= 0 && i < n && !selMask[i]) { selMask[i] = 1; selCount++; }
    }
  }
  function loadHighlighted() { highlighted = (model.get("highlighted_ids") || []).filter((i) => i >= 0 && i < n); }
  function loadEvidence() {
    supporting = (model.get("supporting_ids") || []).filter((i) => i >= 0 && i < n);
    contradicting = (model.get("contradicting_ids") || []).filter((i) => i >= 0 && i < n);
  }

  // -- view ------------------------------------------------------------------------------------
  function fit() {
    const pad = 16 * dpr;
    const sx = (W - 2 * pad) / (maxX - minX), sy = (H - 2 * pad) / (maxY - minY);
    view = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale: Math.max(1e-9, Math.min(sx, sy)) };
  }
  const toScreenX = (x) => (x - view.cx) * view.scale + W / 2;
  const toScreenY = (y) => H / 2 - (y - view.cy) * view.scale;
  const toDataX = (sx) => (sx - W / 2) / view.scale + view.cx;
  const toDataY = (sy) => view.cy - (sy - H / 2) / view.scale;

  function resize() {
    dpr = window.devicePixelRatio || 1;
    const cssW = Math.max(50, stage.clientWidth || 600);
    const cssH = Math.max(50, model.get("height") | 0);
    stage.style.height = cssH + "px";
    const newW = Math.round(cssW * dpr), newH = Math.round(cssH * dpr);
    if (newW === W && newH === H) return false;
    const first = W === 0;
    W = newW; H = newH;
    for (const c of [canvas, overlay]) {
      c.width = W; c.height = H; c.style.width = cssW + "px"; c.style.height = cssH + "px";
    }
    image = ctx.createImageData(W, H);
    pix = new Uint32Array(image.data.buffer);
    if (first || !userMoved) fit();
    return true;
  }

  function radius() {
    const p = model.get("point_size");
    const r = p > 0 ? p : n <= 2000 ? 4 : n <= 20000 ? 3 : n <= 60000 ? 2 : 1.5;
    return r * dpr;
  }

  // -- drawing ---------------------------------------------------------------------------------
  function requestDraw() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; draw(); });
  }

  function draw() {
    if (!W) resize();
    const t0 = performance.now();
    pix.fill(0xffffffff);
    const r = radius();
    const big = stamp(r), small = stamp(Math.max(0.5, r - 1 * dpr));
    const nCat = catColors.length;
    const sel = selCount > 0;
    const noiseHidden = hidden.has(-1);
    const hiddenCat = new Uint8Array(nCat + 1);
    for (const h of hidden) if (h >= 0 && h < nCat) hiddenCat[h] = 1;
    const s = view.scale, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
    let drawn = 0;
    // passes: 0 noise, 1 clustered, 2 selected on top
    for (let pass = 0; pass < 3; pass++) {
      if (pass === 2 && !sel) break;
      for (let i = 0; i < n; i++) {
        let c = codes[i];
        if (c >= nCat || c === undefined) c = -1;
        const isNoise = c < 0;
        if (pass === 0 && !isNoise) continue;
        if (pass === 1 && isNoise) continue;
        if (isNoise ? noiseHidden : hiddenCat[c]) continue;
        const isSel = sel && selMask[i] === 1;
        if (pass < 2 ? isSel : !isSel) continue;  // selected points only in the top pass
        const px = Math.round(xy[2 * i] * s + ox), py = Math.round(oy - xy[2 * i + 1] * s);
        if (px < -8 || py < -8 || px >= W + 8 || py >= H + 8) continue;
        const color = isNoise ? (sel && !isSel ? noiseDim : noiseColor)
                              : (sel && !isSel ? catDim[c] : catColors[c]);
        const st = isNoise ? small : big;
        for (let k = 0; k < st.length; k += 2) {
          const x = px + st[k], y = py + st[k + 1];
          if (x >= 0 && y >= 0 && x < W && y < H) pix[y * W + x] = color;
        }
        drawn++;
      }
    }
    ctx.putImageData(image, 0, 0);
    // a claim's evidence: supporting works ringed green, contradicting ones red (dashed)
    ctx.lineWidth = 2 * dpr;
    for (const [ids, color, dash] of [[supporting, "#1a9e3f", []], [contradicting, "#d62728", [3 * dpr, 2 * dpr]]]) {
      ctx.strokeStyle = color; ctx.setLineDash(dash);
      for (const i of ids) {
        ctx.beginPath(); ctx.arc(toScreenX(xy[2 * i]), toScreenY(xy[2 * i + 1]), r + 3 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    canvas.dataset.evidence = `${supporting.length}/${contradicting.length}`;
    // highlighted points: a ring drawn with the 2D API (few points)
    if (highlighted.length) {
      ctx.lineWidth = 2 * dpr;
      for (const i of highlighted) {
        const px = toScreenX(xy[2 * i]), py = toScreenY(xy[2 * i + 1]);
        ctx.beginPath(); ctx.arc(px, py, r + 5 * dpr, 0, 2 * Math.PI);
        ctx.strokeStyle = "#000"; ctx.stroke();
        ctx.beginPath(); ctx.arc(px, py, r + 7 * dpr, 0, 2 * Math.PI);
        ctx.strokeStyle = "#fff"; ctx.stroke();
      }
    }
    const ms = performance.now() - t0;
    draws++;
    canvas.dataset.renderedPoints = String(drawn);
    canvas.dataset.draws = String(draws);
    canvas.dataset.lastDrawMs = ms.toFixed(2);
    // the view in CSS pixels: screen = ((x - cx) * scale + width / 2, height / 2 - (y - cy) * scale)
    canvas.dataset.view = JSON.stringify({ cx: view.cx, cy: view.cy, scale: view.scale / dpr, width: W / dpr, height: H / dpr });
    const version = model.get("data_version");
    canvas.dataset.renderedVersion = String(version);
    if (drawnVersion !== version) {
      drawnVersion = version;
      canvas.dataset.codesChecksum = String(checksum());
      if (window.__artopicFirstFrame === undefined) window.__artopicFirstFrame = performance.now();
      canvas.dataset.versionDrawnAt = String(performance.now());
      model.set("rendered_points", drawn);
      model.set("rendered_version", version);
      model.save_changes();
    }
    info.textContent = `${n.toLocaleString()} points` + (sel ? ` · ${selCount.toLocaleString()} selected` : "");
  }

  function checksum() {  // mirrors EmbeddingPlot tests: sum of (code + 2) * (i % 1000 + 1)
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (codes[i] + 2) * ((i % 1000) + 1);
    return sum;
  }

  // -- legend and colour menu ------------------------------------------------------------------
  function buildLegend() {
    legend.replaceChildren();
    const cats = model.get("categories") || [];
    const colors = model.get("colors") || [];
    const counts = model.get("counts") || [];
    const entries = cats.map((name, c) => [c, name, colors[c], counts[c] ?? 0]);
    if ((model.get("noise_count") | 0) > 0)
      entries.push([-1, model.get("noise_label"), model.get("noise_color"), model.get("noise_count")]);
    for (const [c, name, color, count] of entries) {
      const item = el_("button", "artopic-plot-legend-item", legend);
      item.type = "button";
      item.dataset.code = String(c);
      if (hidden.has(c)) item.classList.add("is-hidden");
      const sw = el_("span", "artopic-plot-swatch", item);
      sw.style.backgroundColor = /^#[0-9a-f]{6}$/i.test(color) ? color : "#888";
      const label = el_("span", "artopic-plot-legend-label", item);
      label.textContent = String(name);
      const cnt = el_("span", "artopic-plot-legend-count", item);
      cnt.textContent = String(count);
      item.title = "click to show / hide";
    }
  }
  onDom(legend, "click", (e) => {
    const item = e.target.closest(".artopic-plot-legend-item");
    if (!item) return;
    const c = Number(item.dataset.code);
    const next = new Set(model.get("hidden_categories") || []);
    if (next.has(c)) next.delete(c); else next.add(c);
    model.set("hidden_categories", [...next].sort((a, b) => a - b));
    model.save_changes();
  });
  function buildColorMenu() {
    colorSelect.replaceChildren();
    for (const opt of model.get("color_options") || []) {
      const o = el_("option", "", colorSelect);
      o.value = opt; o.textContent = opt;
    }
    colorSelect.value = model.get("color_by");
  }
  onDom(colorSelect, "change", () => { model.set("color_by", colorSelect.value); model.save_changes(); });

  // -- interaction -----------------------------------------------------------------------------
  function setMode(m) {
    mode = m;
    for (const [k, b] of Object.entries(modes)) b.classList.toggle("is-active", k === m);
    stage.dataset.mode = m;
  }
  for (const [k, b] of Object.entries(modes)) onDom(b, "click", () => setMode(k));
  setMode("pan");
  onDom(resetBtn, "click", () => { userMoved = false; fit(); requestDraw(); });
  onDom(clearBtn, "click", () => { model.set("selected_ids", []); model.save_changes(); });

  function eventXY(e) {
    const rect = overlay.getBoundingClientRect();
    return [(e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr];
  }

  onDom(overlay, "wheel", (e) => {
    e.preventDefault();
    const [sx, sy] = eventXY(e);
    const dx = toDataX(sx), dy = toDataY(sy);
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    view.scale = Math.min(1e9, Math.max(1e-9, view.scale * factor));
    view.cx = dx - (sx - W / 2) / view.scale;
    view.cy = dy + (sy - H / 2) / view.scale;
    userMoved = true;
    requestDraw();
  }, { passive: false });

  let drag = null;
  onDom(overlay, "pointerdown", (e) => {
    if (e.button !== 0) return;
    overlay.setPointerCapture?.(e.pointerId);
    const [sx, sy] = eventXY(e);
    const m = e.shiftKey && mode === "pan" ? "box" : mode;
    drag = { mode: m, x0: sx, y0: sy, x1: sx, y1: sy, cx: view.cx, cy: view.cy, path: [sx, sy], moved: false };
    hideTooltip();
  });
  onDom(overlay, "pointermove", (e) => {
    const [sx, sy] = eventXY(e);
    if (!drag) { hover(sx, sy); return; }
    drag.x1 = sx; drag.y1 = sy;
    if (Math.abs(sx - drag.x0) + Math.abs(sy - drag.y0) > 3 * dpr) drag.moved = true;
    if (drag.mode === "pan") {
      view.cx = drag.cx - (sx - drag.x0) / view.scale;
      view.cy = drag.cy + (sy - drag.y0) / view.scale;
      userMoved = true;
      requestDraw();
    } else {
      if (drag.mode === "lasso") drag.path.push(sx, sy);
      drawOverlay();
    }
  });
  const endDrag = (e) => {
    if (!drag) return;
    const d = drag; drag = null;
    octx.clearRect(0, 0, W, H);
    if (d.mode === "pan") return;
    if (!d.moved) {  // a click: select the point under the pointer, or clear
      const i = nearest(d.x0, d.y0);
      model.set("selected_ids", i >= 0 ? [i] : []);
      model.save_changes();
      return;
    }
    const ids = d.mode === "box" ? inBox(d) : inLasso(d.path);
    model.set("selected_ids", ids);
    model.save_changes();
  };
  onDom(overlay, "pointerup", endDrag);
  onDom(overlay, "pointercancel", () => { drag = null; octx.clearRect(0, 0, W, H); });
  onDom(overlay, "pointerleave", () => { if (!drag) hideTooltip(); });
  onDom(overlay, "dblclick", () => { userMoved = false; fit(); requestDraw(); });

  function drawOverlay() {
    octx.clearRect(0, 0, W, H);
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

  function visible(i) {
    let c = codes[i];
    if (c === undefined || c >= catColors.length) c = -1;
    return !hidden.has(c);
  }
  function inBox(d) {
    const xa = toDataX(Math.min(d.x0, d.x1)), xb = toDataX(Math.max(d.x0, d.x1));
    const ya = toDataY(Math.max(d.y0, d.y1)), yb = toDataY(Math.min(d.y0, d.y1));
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x >= xa && x <= xb && y >= ya && y <= yb && visible(i)) out.push(i);
    }
    return out;
  }
  function inLasso(path) {
    if (path.length < 6) return [];
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let k = 0; k < path.length; k += 2) {
      x0 = Math.min(x0, path[k]); x1 = Math.max(x1, path[k]);
      y0 = Math.min(y0, path[k + 1]); y1 = Math.max(y1, path[k + 1]);
    }
    const out = [];
    for (let i = 0; i < n; i++) {
      const sx = toScreenX(xy[2 * i]), sy = toScreenY(xy[2 * i + 1]);
      if (sx < x0 || sx > x1 || sy < y0 || sy > y1) continue;
      if (visible(i) && pointInPolygon(sx, sy, path)) out.push(i);
    }
    return out;
  }

  // spatial grid in data space for hover look-ups
  const G = 128;
  function buildIndex() {
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
    index = { start, items, fx, fy };
  }
  function nearest(sx, sy) {
    if (!n) return -1;
    if (!index) buildIndex();
    const rad = Math.max(radius() + 3 * dpr, 6 * dpr);
    const dx = toDataX(sx), dy = toDataY(sy), rd = rad / view.scale;
    const cx0 = Math.max(0, Math.floor((dx - rd - minX) * index.fx)), cx1 = Math.min(G - 1, Math.floor((dx + rd - minX) * index.fx));
    const cy0 = Math.max(0, Math.floor((dy - rd - minY) * index.fy)), cy1 = Math.min(G - 1, Math.floor((dy + rd - minY) * index.fy));
    let best = -1, bestD = rd * rd;
    for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
      const c = cy * G + cx;
      for (let k = index.start[c]; k < index.start[c + 1]; k++) {
        const i = index.items[k];
        const ddx = xy[2 * i] - dx, ddy = xy[2 * i + 1] - dy, d2 = ddx * ddx + ddy * ddy;
        if (d2 <= bestD && visible(i)) { bestD = d2; best = i; }
      }
    }
    return best;
  }

  // -- hover card ------------------------------------------------------------------------------
  function hideTooltip() { tooltip.style.display = "none"; hoverId = -1; }
  function hover(sx, sy) {
    const i = nearest(sx, sy);
    if (i < 0) { hideTooltip(); return; }
    const left = sx / dpr + 14, top = sy / dpr + 14;
    tooltip.style.left = Math.min(left, W / dpr - 180) + "px";
    tooltip.style.top = Math.min(top, H / dpr - 60) + "px";
    if (i === hoverId) return;
    hoverId = i;
    tooltip.style.display = "block";
    tooltip.dataset.id = String(i);
    const cached = thumbCache.get(i);
    if (cached) showCard(i, cached);
    else {
      tipTitle.textContent = `#${i}`; tipSub.textContent = "…"; tipImg.removeAttribute("src");
      model.send({ type: "thumbs", ids: [i], size: model.get("thumb_size"), info: true, req: ++reqCounter });
    }
  }
  function showCard(i, entry) {
    if (i !== hoverId) return;
    if (entry.url) tipImg.src = entry.url; else tipImg.removeAttribute("src");
    const inf = entry.info || {};
    tipTitle.textContent = inf.title || `#${i}`;
    tipSub.textContent = [inf.artist, inf.date, inf.group].filter(Boolean).join(" · ");
  }
  function onCustom(msg, buffers) {
    for (const { id, url, info } of unpackThumbs(msg, buffers)) {
      const old = thumbCache.get(id);
      if (old && old.url) URL.revokeObjectURL(old.url);
      const entry = { url, info };
      thumbCache.set(id, entry);
      showCard(id, entry);
    }
  }

  // -- model events ----------------------------------------------------------------------------
  on("change:coords", () => { loadCoords(); loadHighlighted(); loadEvidence(); fit(); requestDraw(); });
  on("change:n_points", () => { loadCoords(); fit(); requestDraw(); });
  on("change:codes", () => { loadCodes(); requestDraw(); });
  on("change:colors", () => { loadColors(); buildLegend(); requestDraw(); });
  on("change:categories", () => { buildLegend(); });
  on("change:counts", () => { buildLegend(); });
  on("change:noise_count", () => { buildLegend(); });
  on("change:hidden_categories", () => { loadHidden(); buildLegend(); requestDraw(); });
  on("change:selected_ids", () => { loadSelection(); requestDraw(); });
  on("change:highlighted_ids", () => { loadHighlighted(); requestDraw(); });
  on("change:supporting_ids", () => { loadEvidence(); requestDraw(); });
  on("change:contradicting_ids", () => { loadEvidence(); requestDraw(); });
  on("change:data_version", () => { requestDraw(); });
  on("change:color_by", () => { colorSelect.value = model.get("color_by"); });
  on("change:color_options", buildColorMenu);
  on("change:height", () => { if (resize()) requestDraw(); });
  on("change:point_size", requestDraw);
  on("msg:custom", onCustom);

  loadCoords(); loadCodes(); loadColors(); loadHidden(); loadHighlighted(); loadEvidence();
  buildLegend(); buildColorMenu();
  const ro = new ResizeObserver(() => { if (resize()) { requestDraw(); } });
  ro.observe(stage);
  resize();
  draw();

  return () => {
    for (const [name, fn] of listeners) model.off(name, fn);
    for (const [target, name, fn, opts] of domListeners) target.removeEventListener(name, fn, opts);
    ro.disconnect();
    if (frame) cancelAnimationFrame(frame);
    for (const entry of thumbCache.values()) if (entry.url) URL.revokeObjectURL(entry.url);
    thumbCache.clear();
  };
}

export default { render };
