// artopic_nb view "grid": bundled by esbuild 0.28.2 from artopic_nb/widgets/js/grid.js; sources sha256 67b4fd97a4163d1109263f948d02cd8853a73c8e69eb05eaceae05d26f71b95c. Do not edit: npm run build.

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

// artopic_nb/widgets/js/shared/buffers.js
function u8(buf) {
  if (!buf) return new Uint8Array(0);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(0);
}

// artopic_nb/widgets/js/shared/thumbs.js
function unpackThumbBlobs(msg, buffers) {
  if (!msg || msg.type !== "thumbs") return [];
  const data = u8(buffers && buffers[0]);
  let off = 0;
  return msg.ids.map((id, k) => {
    const len = msg.lengths[k] | 0;
    const blob = len ? new Blob([data.slice(off, off + len)], { type: "image/jpeg" }) : null;
    off += len;
    return { id, blob, info: msg.info ? msg.info[k] : {} };
  });
}
function unpackThumbs(msg, buffers) {
  return unpackThumbBlobs(msg, buffers).map(({ id, blob, info }) => ({ id, url: blob ? URL.createObjectURL(blob) : "", info }));
}

// artopic_nb/widgets/js/grid.js
function header(el) {
  const head = el_("div", "artopic-grid-head", el);
  const picker = el_("select", "artopic-grid-picker", head);
  const summary = el_("span", "artopic-grid-summary", head);
  const prev = button("artopic-grid-prev", head, "‹");
  const pageLabel = el_("span", "artopic-grid-page", head);
  const next = button("artopic-grid-next", head, "›");
  return { picker, summary, prev, pageLabel, next };
}
function buildPicker(model, picker) {
  picker.replaceChildren();
  const sel = model.get("selection_size") | 0;
  if (sel > 0) {
    const o = el_("option", "", picker);
    o.value = "selection";
    o.textContent = `${model.get("selection_label") || "plot selection"} (${sel})`;
  }
  for (const c of model.get("clusters") || []) {
    const o = el_("option", "", picker);
    o.value = "c" + c.id;
    o.textContent = `${c.label} (${c.size})`;
  }
  picker.value = model.get("source") === "selection" && sel > 0 ? "selection" : "c" + model.get("cluster");
}
function pick(model, picker) {
  if (picker.value === "selection") model.set("source", "selection");
  else {
    model.set("cluster", Number(picker.value.slice(1)));
    model.set("source", "cluster");
  }
  model.save_changes();
}
function turnPage(model, d) {
  const pages = Math.max(1, Math.ceil((model.get("total") | 0) / Math.max(1, model.get("page_size"))));
  const p = Math.min(pages - 1, Math.max(0, (model.get("page") | 0) + d));
  if (p !== model.get("page")) {
    model.set("page", p);
    model.save_changes();
  }
}
function thumbLoader(model, el) {
  const cache = /* @__PURE__ */ new Map();
  const pending = /* @__PURE__ */ new Set(), imgs = /* @__PURE__ */ new Map();
  let queue = /* @__PURE__ */ new Set(), flushTimer = 0, req = 0;
  const setSrc = (img, url) => {
    if (url) img.src = url;
    else img.classList.add("is-missing");
    img.closest(".artopic-grid-tile")?.classList.add("is-loaded");
  };
  const flush = () => {
    flushTimer = 0;
    const ids = [...queue];
    queue = /* @__PURE__ */ new Set();
    for (let k = 0; k < ids.length; k += 32)
      model.send({ type: "thumbs", ids: ids.slice(k, k + 32), size: model.get("thumb_size"), info: false, req: ++req });
  };
  return {
    want(id, img) {
      if (cache.has(id)) {
        setSrc(img, cache.get(id));
        return;
      }
      if (!imgs.has(id)) imgs.set(id, []);
      imgs.get(id).push(img);
      if (pending.has(id)) return;
      pending.add(id);
      queue.add(id);
      if (!flushTimer) flushTimer = setTimeout(flush, 16);
    },
    onCustom(msg, buffers) {
      for (const { id, url } of unpackThumbs(msg, buffers)) {
        if (!cache.has(id)) cache.set(id, url);
        else if (url) URL.revokeObjectURL(url);
        pending.delete(id);
        for (const img of imgs.get(id) || []) setSrc(img, cache.get(id));
        imgs.delete(id);
      }
      el.dataset.thumbsLoaded = String(cache.size);
    },
    forgetWaiting() {
      imgs.clear();
    },
    dispose() {
      if (flushTimer) clearTimeout(flushTimer);
      for (const url of cache.values()) if (url) URL.revokeObjectURL(url);
      cache.clear();
    }
  };
}
function tile(t, parent, selected) {
  const b = button("artopic-grid-tile", parent);
  b.dataset.id = String(t.id);
  if (t.sampled) b.classList.add("is-sampled");
  if (t.evidence === 1) b.classList.add("is-supporting");
  if (t.evidence === -1) b.classList.add("is-contradicting");
  if (t.id === selected) b.classList.add("is-selected");
  const img = el_("img", "", b);
  img.alt = "";
  img.loading = "lazy";
  img.decoding = "async";
  el_("span", "artopic-grid-caption", b, t.title || `#${t.id}`);
  b.title = (t.title || `#${t.id}`) + (t.sampled ? " (sampled)" : "") + (t.rights ? `
${t.rights}` : "") + (t.evidence === 1 ? " · supports the claim" : t.evidence === -1 ? " · does not support the claim" : "");
  if (t.sampled) el_("span", "artopic-grid-mark", b, "sampled");
  return b;
}
function buildTiles(model, el, parts, io, thumbs) {
  const { tilesBox, summary, pageLabel, prev, next } = parts;
  io.disconnect();
  thumbs.forgetWaiting();
  tilesBox.replaceChildren();
  const tiles = model.get("tiles") || [], selected = model.get("selected_id");
  for (const t of tiles) io.observe(tile(t, tilesBox, selected));
  const total = model.get("total") | 0, size = Math.max(1, model.get("page_size") | 0);
  const pages = Math.max(1, Math.ceil(total / size)), page = model.get("page") | 0;
  summary.textContent = `${total} works`;
  pageLabel.textContent = `page ${page + 1} / ${pages}`;
  prev.disabled = page <= 0;
  next.disabled = page >= pages - 1;
  el.dataset.renderedTiles = String(tiles.length);
  el.dataset.tilesVersion = String(model.get("tiles_version"));
  model.set("rendered_tiles", tiles.length);
  model.save_changes();
}
function render({ model, el }) {
  el.classList.add("artopic-grid");
  const { on, onDom, dispose } = listeners(model);
  const parts = { ...header(el), tilesBox: el_("div", "artopic-grid-tiles", el) };
  const { picker, prev, next, tilesBox } = parts;
  const thumbs = thumbLoader(model, el);
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      io.unobserve(e.target);
      thumbs.want(Number(e.target.dataset.id), e.target.querySelector("img"));
    }
  }, { root: tilesBox, rootMargin: "200px" });
  const syncHeight = () => {
    tilesBox.style.maxHeight = (model.get("height") | 0) + "px";
  };
  const picked = () => buildPicker(model, picker);
  const tiles = () => buildTiles(model, el, parts, io, thumbs);
  const markSelected = () => {
    const id = model.get("selected_id");
    for (const t of tilesBox.children) t.classList.toggle("is-selected", Number(t.dataset.id) === id);
  };
  onDom(picker, "change", () => pick(model, picker));
  onDom(prev, "click", () => turnPage(model, -1));
  onDom(next, "click", () => turnPage(model, 1));
  onDom(tilesBox, "click", (e) => {
    const t = e.target.closest(".artopic-grid-tile");
    if (!t) return;
    model.set("selected_id", Number(t.dataset.id));
    model.save_changes();
  });
  for (const name of ["clusters", "selection_size", "selection_label", "source", "cluster"]) on(`change:${name}`, picked);
  on("change:tiles_version", tiles);
  on("change:selected_id", markSelected);
  on("change:height", syncHeight);
  on("msg:custom", thumbs.onCustom);
  syncHeight();
  picked();
  tiles();
  return () => {
    dispose();
    io.disconnect();
    thumbs.dispose();
  };
}
var grid_default = { render };
export {
  grid_default as default
};
