// ClusterGrid front end: a cluster picker, a page of tiles whose thumbnails load lazily
// (IntersectionObserver -> one binary request per batch, cached as blob URLs), click selects.
// Data-derived text is set with textContent only.

// Helpers every view carries (each view is one self-contained ES module: widgets/_base.esm).
function u8(buf) {  // a traitlet Bytes value or a message buffer as a Uint8Array view (no copy)
  if (!buf) return new Uint8Array(0);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(0);
}
function el_(tag, cls, parent, text) {  // text is set with textContent, never parsed as HTML
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
// A "thumbs" reply (JPEGs packed in one buffer, msg.lengths their sizes) as
// [{ id, url, info }]; url is a blob URL, or "" for a work without a thumbnail.
function unpackThumbs(msg, buffers) {
  if (!msg || msg.type !== "thumbs") return [];
  const data = u8(buffers && buffers[0]);
  let off = 0;
  return msg.ids.map((id, k) => {
    const len = msg.lengths[k] | 0;
    const url = len ? URL.createObjectURL(new Blob([data.slice(off, off + len)], { type: "image/jpeg" })) : "";
    off += len;
    return { id, url, info: msg.info ? msg.info[k] : {} };
  });
}

function render({ model, el }) {
  el.classList.add("artopic-grid");
  const listeners = [];
  const on = (name, fn) => { model.on(name, fn); listeners.push([name, fn]); };

  const head = el_("div", "artopic-grid-head", el);
  const picker = el_("select", "artopic-grid-picker", head);
  const summary = el_("span", "artopic-grid-summary", head);
  const prev = el_("button", "artopic-grid-prev", head); prev.type = "button"; prev.textContent = "‹";
  const pageLabel = el_("span", "artopic-grid-page", head);
  const next = el_("button", "artopic-grid-next", head); next.type = "button"; next.textContent = "›";
  const tilesBox = el_("div", "artopic-grid-tiles", el);

  const cache = new Map();   // id -> blob URL ("" when the kernel had no image)
  const pending = new Set();
  let queue = new Set(), flushTimer = 0, req = 0;
  const imgs = new Map();    // id -> [img elements waiting]

  function syncHeight() { tilesBox.style.maxHeight = (model.get("height") | 0) + "px"; }

  function buildPicker() {
    picker.replaceChildren();
    const sel = model.get("selection_size") | 0;
    if (sel > 0) {
      const o = el_("option", "", picker);
      o.value = "selection"; o.textContent = `${model.get("selection_label") || "plot selection"} (${sel})`;
    }
    for (const c of model.get("clusters") || []) {
      const o = el_("option", "", picker);
      o.value = "c" + c.id; o.textContent = `${c.label} (${c.size})`;
    }
    picker.value = model.get("source") === "selection" && sel > 0 ? "selection" : "c" + model.get("cluster");
  }
  picker.addEventListener("change", () => {
    if (picker.value === "selection") model.set("source", "selection");
    else { model.set("cluster", Number(picker.value.slice(1))); model.set("source", "cluster"); }
    model.save_changes();
  });
  const turn = (d) => () => {
    const pages = Math.max(1, Math.ceil((model.get("total") | 0) / Math.max(1, model.get("page_size"))));
    const p = Math.min(pages - 1, Math.max(0, (model.get("page") | 0) + d));
    if (p !== model.get("page")) { model.set("page", p); model.save_changes(); }
  };
  prev.addEventListener("click", turn(-1));
  next.addEventListener("click", turn(1));

  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      io.unobserve(e.target);
      want(Number(e.target.dataset.id), e.target.querySelector("img"));
    }
  }, { root: tilesBox, rootMargin: "200px" });

  function want(id, img) {
    if (cache.has(id)) { setSrc(img, cache.get(id)); return; }
    if (!imgs.has(id)) imgs.set(id, []);
    imgs.get(id).push(img);
    if (pending.has(id)) return;
    pending.add(id); queue.add(id);
    if (!flushTimer) flushTimer = setTimeout(flush, 16);
  }
  function flush() {
    flushTimer = 0;
    const ids = [...queue]; queue = new Set();
    for (let k = 0; k < ids.length; k += 32)
      model.send({ type: "thumbs", ids: ids.slice(k, k + 32), size: model.get("thumb_size"), info: false, req: ++req });
  }
  function setSrc(img, url) {
    if (url) img.src = url; else img.classList.add("is-missing");
    img.closest(".artopic-grid-tile")?.classList.add("is-loaded");
  }
  function onCustom(msg, buffers) {
    for (const { id, url } of unpackThumbs(msg, buffers)) {
      if (!cache.has(id)) cache.set(id, url); else if (url) URL.revokeObjectURL(url);
      pending.delete(id);
      for (const img of imgs.get(id) || []) setSrc(img, cache.get(id));
      imgs.delete(id);
    }
    el.dataset.thumbsLoaded = String(cache.size);
  }

  function buildTiles() {
    io.disconnect(); imgs.clear();
    tilesBox.replaceChildren();
    const selected = model.get("selected_id");
    const tiles = model.get("tiles") || [];
    for (const t of tiles) {
      const tile = el_("button", "artopic-grid-tile", tilesBox);
      tile.type = "button";
      tile.dataset.id = String(t.id);
      if (t.sampled) tile.classList.add("is-sampled");
      if (t.evidence === 1) tile.classList.add("is-supporting");
      if (t.evidence === -1) tile.classList.add("is-contradicting");
      if (t.id === selected) tile.classList.add("is-selected");
      const img = el_("img", "", tile);
      img.alt = ""; img.loading = "lazy"; img.decoding = "async";
      const cap = el_("span", "artopic-grid-caption", tile);
      cap.textContent = t.title || `#${t.id}`;
      tile.title = (t.title || `#${t.id}`) + (t.sampled ? " (sampled)" : "")
        + (t.rights ? `\n${t.rights}` : "")
        + (t.evidence === 1 ? " · supports the claim" : t.evidence === -1 ? " · does not support the claim" : "");
      if (t.sampled) { const m = el_("span", "artopic-grid-mark", tile); m.textContent = "sampled"; }
      io.observe(tile);
    }
    const total = model.get("total") | 0, size = Math.max(1, model.get("page_size") | 0);
    const pages = Math.max(1, Math.ceil(total / size)), page = model.get("page") | 0;
    summary.textContent = `${total} works`;
    pageLabel.textContent = `page ${page + 1} / ${pages}`;
    prev.disabled = page <= 0; next.disabled = page >= pages - 1;
    el.dataset.renderedTiles = String(tiles.length);
    el.dataset.tilesVersion = String(model.get("tiles_version"));
    model.set("rendered_tiles", tiles.length);
    model.save_changes();
  }
  function markSelected() {
    const id = model.get("selected_id");
    for (const tile of tilesBox.children) tile.classList.toggle("is-selected", Number(tile.dataset.id) === id);
  }
  tilesBox.addEventListener("click", (e) => {
    const tile = e.target.closest(".artopic-grid-tile");
    if (!tile) return;
    model.set("selected_id", Number(tile.dataset.id));
    model.save_changes();
  });

  on("change:clusters", buildPicker);
  on("change:selection_size", buildPicker);
  on("change:selection_label", buildPicker);
  on("change:source", buildPicker);
  on("change:cluster", buildPicker);
  on("change:tiles_version", buildTiles);
  on("change:selected_id", markSelected);
  on("change:height", syncHeight);
  on("msg:custom", onCustom);
  syncHeight(); buildPicker(); buildTiles();

  return () => {
    for (const [name, fn] of listeners) model.off(name, fn);
    io.disconnect();
    if (flushTimer) clearTimeout(flushTimer);
    for (const url of cache.values()) if (url) URL.revokeObjectURL(url);
    cache.clear();
  };
}

export default { render };
