// artopic_nb view "captions": bundled by esbuild 0.28.2 from artopic_nb/widgets/js/captions.js; sources sha256 438fff499b9708c1dcf656e4aad9a5a199a62f070d79014c19b5b2efcc327016. Do not edit: npm run build.

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
function jpegUrl(bytes) {
  const b = u8(bytes);
  return b.length ? URL.createObjectURL(new Blob([b.slice()], { type: "image/jpeg" })) : "";
}

// artopic_nb/widgets/js/captions.js
function buildDom(el, model) {
  const nav = el_("div", "artopic-captions-nav", el);
  const prev = button("artopic-captions-prev", nav, "‹ previous");
  const pos = el_("span", "artopic-captions-pos", nav);
  const next = button("artopic-captions-next", nav, "next ›");
  const similar = button("artopic-captions-similar", nav, "similar works");
  similar.title = "the works nearest this one by image embedding, in the grid and on the map";
  const main = el_("div", "artopic-captions-main", el);
  const figure = el_("div", "artopic-captions-figure", main);
  const img = el_("img", "artopic-captions-image", figure);
  img.alt = "";
  const side = el_("div", "artopic-captions-side", main);
  const title = el_("h3", "artopic-captions-title", side);
  const genres = el_("div", "artopic-captions-genres", side);
  const fields = el_("dl", "artopic-captions-fields", side);
  const models = el_("div", "artopic-captions-models", el);
  return { el, model, prev, pos, next, similar, img, side, title, genres, fields, models };
}
function step(model, d) {
  const seq = model.get("sequence") || [];
  if (!seq.length) return;
  const k = seq.indexOf(model.get("artwork_id"));
  model.set("artwork_id", seq[(k + d + seq.length) % seq.length]);
  model.save_changes();
}
function showNav(v) {
  const model = v.model;
  const seq = model.get("sequence") || [];
  const k = seq.indexOf(model.get("artwork_id"));
  const label = model.get("sequence_label");
  v.similar.disabled = (model.get("artwork_id") | 0) < 0;
  v.pos.textContent = seq.length ? `${k >= 0 ? k + 1 : "–"} of ${seq.length}${label ? " in " + label : ""}` : "";
  v.prev.disabled = v.next.disabled = seq.length < 2;
}
function showGenres(v, r) {
  const known = el_("div", "artopic-captions-known", v.genres);
  el_("span", "artopic-captions-key", known, "known genre");
  el_("span", "artopic-captions-value", known, r.known_genre || "—");
  for (const m of r.models || []) {
    if (!m.predicted) continue;
    const p = el_("div", "artopic-captions-predicted", v.genres);
    const hit = r.known_genre && m.predicted.toLowerCase() === r.known_genre.toLowerCase();
    p.classList.add(r.known_genre ? hit ? "is-right" : "is-wrong" : "is-unknown");
    el_("span", "artopic-captions-key", p, `predicted by ${m.model}`);
    el_("span", "artopic-captions-value", p, m.predicted);
  }
}
function showDescriptions(v, list) {
  if (!list.some((m) => m.caption || m.description)) {
    el_("p", "artopic-captions-none", v.models, "No descriptions yet: run study.describe(...) to compare two models here.");
  }
  for (const m of list) {
    if (!m.caption && !m.description) continue;
    const col = el_("section", "artopic-captions-model", v.models);
    el_("h4", "", col, m.model);
    el_("div", "artopic-captions-label", col, "caption");
    el_("p", "artopic-captions-caption", col, m.caption || "—");
    el_("div", "artopic-captions-label", col, "description");
    el_("p", "artopic-captions-description", col, m.description || "—");
  }
}
function showRecord(v) {
  const r = v.model.get("record") || {};
  v.el.dataset.artworkId = String(r.id ?? -1);
  v.genres.replaceChildren();
  v.fields.replaceChildren();
  v.models.replaceChildren();
  if (r.id === void 0) {
    v.title.textContent = "Click an artwork in the grid or the plot";
    v.el.classList.add("is-empty");
    finish(v, -1);
    return;
  }
  v.el.classList.remove("is-empty");
  v.title.textContent = r.title || `#${r.id}`;
  showGenres(v, r);
  if (r.cluster !== null && r.cluster !== void 0) {
    el_("dt", "", v.fields, "cluster");
    el_("dd", "", v.fields, r.cluster < 0 ? "noise" : r.cluster_name ? `${r.cluster} · ${r.cluster_name}` : String(r.cluster));
  }
  for (const [k, val] of r.fields || []) {
    el_("dt", "", v.fields, k);
    el_("dd", "", v.fields, val);
  }
  showDescriptions(v, r.models || []);
  if (r.image_error) el_("p", "artopic-captions-error", v.side, `image: ${r.image_error}`);
  finish(v, r.id);
}
function finish(v, id) {
  showNav(v);
  if (v.model.get("rendered_id") !== id) {
    v.model.set("rendered_id", id);
    v.model.save_changes();
  }
}
function render({ model, el }) {
  el.classList.add("artopic-captions");
  const { on, onDom, dispose } = listeners(model);
  const v = buildDom(el, model);
  let url = "";
  const showImage = () => {
    if (url) URL.revokeObjectURL(url);
    url = jpegUrl(model.get("image"));
    if (url) v.img.src = url;
    else v.img.removeAttribute("src");
    v.img.style.visibility = url ? "visible" : "hidden";
  };
  onDom(v.similar, "click", () => model.send({ type: "similar", id: model.get("artwork_id") }));
  onDom(v.prev, "click", () => step(model, -1));
  onDom(v.next, "click", () => step(model, 1));
  on("change:record", () => showRecord(v));
  on("change:image", showImage);
  for (const name of ["sequence", "sequence_label", "artwork_id"]) on(`change:${name}`, () => showNav(v));
  showImage();
  showRecord(v);
  return () => {
    dispose();
    if (url) URL.revokeObjectURL(url);
  };
}
var captions_default = { render };
export {
  captions_default as default
};
