// artopic_nb view "timeline": bundled by esbuild 0.28.2 from artopic_nb/widgets/js/timeline.js; sources sha256 a57a01018fc957e5b42227afa0e26cb791007623b2a1e6b50c1582a33c86ad0c. Do not edit: npm run build.

// artopic_nb/widgets/js/shared/dom.js
function el_(tag, cls, parent, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== void 0) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
function button(cls, parent, text) {
  const b = el_("button", cls, parent);
  b.type = "button";
  if (text !== void 0) b.textContent = String(text);
  return b;
}
function listeners(model) {
  const modelListeners = [], domListeners = [];
  return {
    on(name, fn) {
      model.on(name, fn);
      modelListeners.push([name, fn]);
    },
    onDom(target, name, fn, opts) {
      target.addEventListener(name, fn, opts);
      domListeners.push([target, name, fn, opts]);
    },
    dispose() {
      for (const [name, fn] of modelListeners) model.off(name, fn);
      for (const [target, name, fn, opts] of domListeners) target.removeEventListener(name, fn, opts);
      modelListeners.length = 0;
      domListeners.length = 0;
    }
  };
}

// artopic_nb/widgets/js/timeline.js
var PAD = 6;
function build(el) {
  el.classList.add("artopic-timeline");
  const stage = el_("div", "artopic-timeline-stage", el);
  const canvas = el_("canvas", "artopic-timeline-canvas", stage);
  const foot = el_("div", "artopic-timeline-foot", el);
  const first = el_("span", "artopic-timeline-first", foot);
  const picked = el_("span", "artopic-timeline-picked", foot);
  const clear = button("artopic-timeline-clear", foot, "×");
  clear.title = "clear the range of years";
  const last = el_("span", "artopic-timeline-last", foot);
  const note = el_("div", "artopic-timeline-note", el);
  return { stage, canvas, foot, first, picked, clear, last, note };
}
function scale(model, width) {
  const edges = model.get("edges") || [];
  const lo = edges.length ? edges[0] : 0, hi = edges.length ? edges[edges.length - 1] : 1;
  const w = Math.max(1, width - 2 * PAD);
  return {
    lo,
    hi,
    x: (year) => PAD + (year - lo) / Math.max(1e-9, hi - lo) * w,
    year: (x) => lo + (x - PAD) / w * (hi - lo)
  };
}
function bars(ctx, edges, values, sc, h, max, color) {
  ctx.fillStyle = color;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] || 0;
    if (v <= 0) continue;
    const x0 = sc.x(edges[i]), x1 = sc.x(edges[i + 1]);
    const bh = Math.max(1, v / max * (h - 4));
    ctx.fillRect(x0 + 0.5, h - bh, Math.max(1, x1 - x0 - 1), bh);
  }
}
function draw(v) {
  const { model, dom, drag } = v;
  const width = Math.max(60, dom.stage.clientWidth || 240), h = Math.max(24, model.get("height") | 0);
  const dpr = window.devicePixelRatio || 1, c = dom.canvas;
  c.width = Math.round(width * dpr);
  c.height = Math.round(h * dpr);
  c.style.width = width + "px";
  c.style.height = h + "px";
  const ctx = c.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, h);
  const edges = model.get("edges") || [], counts = model.get("counts") || [];
  const passing = model.get("passing") || [];
  const sc = scale(model, width);
  const max = Math.max(1e-9, ...counts);
  bars(ctx, edges, counts, sc, h, max, passing.length ? "#cfd4da" : "#4a78c2");
  if (passing.length) bars(ctx, edges, passing, sc, h, max, "#4a78c2");
  const range = drag ? [Math.min(drag.a, drag.b), Math.max(drag.a, drag.b)] : model.get("brushed") || [];
  if (range.length === 2) {
    const x0 = sc.x(range[0]), x1 = sc.x(range[1] + 1);
    ctx.fillStyle = "rgba(42, 107, 209, 0.16)";
    ctx.fillRect(x0, 0, x1 - x0, h);
    ctx.strokeStyle = "#2a6bd1";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0, 0.75, x1 - x0, h - 1.5);
  }
  const brushed = model.get("brushed") || [];
  dom.first.textContent = edges.length ? String(Math.round(sc.lo)) : "";
  dom.last.textContent = edges.length ? String(Math.round(sc.hi - 1)) : "";
  dom.picked.textContent = brushed.length === 2 ? `${brushed[0]}–${brushed[1]}` : "drag to pick years";
  dom.clear.style.visibility = brushed.length === 2 ? "visible" : "hidden";
  dom.note.textContent = model.get("note") || "";
  v.el.dataset.bars = String(counts.length);
  v.el.dataset.brushed = brushed.length === 2 ? `${brushed[0]},${brushed[1]}` : "";
  v.el.dataset.years = edges.length ? `${sc.lo},${sc.hi - 1}` : "";
}
function yearAt(v, e) {
  const rect = v.dom.canvas.getBoundingClientRect(), sc = scale(v.model, rect.width);
  return Math.min(sc.hi - 1, Math.max(sc.lo, Math.floor(sc.year(e.clientX - rect.left))));
}
function save(v, value) {
  v.model.set("brushed", value);
  v.model.save_changes();
  draw(v);
}
function wire(v, bag) {
  const c = v.dom.canvas;
  bag.onDom(c, "pointerdown", (e) => {
    if (e.button !== 0) return;
    try {
      c.setPointerCapture?.(e.pointerId);
    } catch (err) {
    }
    const y = yearAt(v, e);
    v.drag = { a: y, b: y, x0: e.clientX, moved: false };
    draw(v);
  });
  bag.onDom(c, "pointermove", (e) => {
    if (!v.drag) return;
    v.drag.b = yearAt(v, e);
    if (Math.abs(e.clientX - v.drag.x0) > 3) v.drag.moved = true;
    draw(v);
  });
  const end = () => {
    const d = v.drag;
    if (!d) return;
    v.drag = null;
    save(v, d.moved ? [Math.min(d.a, d.b), Math.max(d.a, d.b)] : []);
  };
  bag.onDom(c, "pointerup", end);
  bag.onDom(c, "pointercancel", () => {
    v.drag = null;
    draw(v);
  });
  bag.onDom(v.dom.clear, "click", () => save(v, []));
  for (const k of ["edges", "counts", "passing", "brushed", "height", "note", "undated"]) {
    bag.on(`change:${k}`, () => draw(v));
  }
}
function render({ model, el }) {
  const v = { model, el, dom: build(el), drag: null };
  const bag = listeners(model);
  wire(v, bag);
  const ro = new ResizeObserver(() => draw(v));
  ro.observe(v.dom.stage);
  draw(v);
  return () => {
    bag.dispose();
    ro.disconnect();
  };
}
var timeline_default = { render };
export {
  timeline_default as default
};
