// CaptionViewer front end: the artwork large, metadata, known vs predicted genre, and each
// describing model's caption and description side by side. textContent only, never parsed as HTML.

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

function render({ model, el }) {
  el.classList.add("artopic-captions");
  const listeners = [];
  const on = (name, fn) => { model.on(name, fn); listeners.push([name, fn]); };

  const nav = el_("div", "artopic-captions-nav", el);
  const prev = el_("button", "artopic-captions-prev", nav, "‹ previous"); prev.type = "button";
  const pos = el_("span", "artopic-captions-pos", nav);
  const next = el_("button", "artopic-captions-next", nav, "next ›"); next.type = "button";
  const similar = el_("button", "artopic-captions-similar", nav, "similar works"); similar.type = "button";
  similar.title = "the works nearest this one by image embedding, in the grid and on the map";
  similar.addEventListener("click", () => model.send({ type: "similar", id: model.get("artwork_id") }));
  const main = el_("div", "artopic-captions-main", el);
  const figure = el_("div", "artopic-captions-figure", main);
  const img = el_("img", "artopic-captions-image", figure); img.alt = "";
  const side = el_("div", "artopic-captions-side", main);
  const title = el_("h3", "artopic-captions-title", side);
  const genres = el_("div", "artopic-captions-genres", side);
  const fields = el_("dl", "artopic-captions-fields", side);
  const models = el_("div", "artopic-captions-models", el);
  let url = "";

  function step(d) {
    const seq = model.get("sequence") || [];
    if (!seq.length) return;
    const k = seq.indexOf(model.get("artwork_id"));
    model.set("artwork_id", seq[(k + d + seq.length) % seq.length]);
    model.save_changes();
  }
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));

  function showImage() {
    if (url) URL.revokeObjectURL(url);
    const bytes = u8(model.get("image"));
    url = bytes.length ? URL.createObjectURL(new Blob([bytes.slice()], { type: "image/jpeg" })) : "";
    if (url) img.src = url; else img.removeAttribute("src");
    img.style.visibility = url ? "visible" : "hidden";
  }
  function showNav() {
    const seq = model.get("sequence") || [];
    const k = seq.indexOf(model.get("artwork_id"));
    const label = model.get("sequence_label");
    similar.disabled = (model.get("artwork_id") | 0) < 0;
    pos.textContent = seq.length ? `${k >= 0 ? k + 1 : "–"} of ${seq.length}${label ? " in " + label : ""}` : "";
    prev.disabled = next.disabled = seq.length < 2;
  }
  function showRecord() {
    const r = model.get("record") || {};
    el.dataset.artworkId = String(r.id ?? -1);
    genres.replaceChildren(); fields.replaceChildren(); models.replaceChildren();
    if (r.id === undefined) {
      title.textContent = "Click an artwork in the grid or the plot";
      el.classList.add("is-empty");
      finish(-1);
      return;
    }
    el.classList.remove("is-empty");
    title.textContent = r.title || `#${r.id}`;
    const known = el_("div", "artopic-captions-known", genres);
    el_("span", "artopic-captions-key", known, "known genre");
    el_("span", "artopic-captions-value", known, r.known_genre || "—");
    for (const m of r.models || []) {
      if (!m.predicted) continue;
      const p = el_("div", "artopic-captions-predicted", genres);
      const hit = r.known_genre && m.predicted.toLowerCase() === r.known_genre.toLowerCase();
      p.classList.add(r.known_genre ? (hit ? "is-right" : "is-wrong") : "is-unknown");
      el_("span", "artopic-captions-key", p, `predicted by ${m.model}`);
      el_("span", "artopic-captions-value", p, m.predicted);
    }
    if (r.cluster !== null && r.cluster !== undefined) {
      el_("dt", "", fields, "cluster");
      el_("dd", "", fields, r.cluster < 0 ? "noise" : r.cluster_name ? `${r.cluster} · ${r.cluster_name}` : String(r.cluster));
    }
    for (const [k, v] of r.fields || []) { el_("dt", "", fields, k); el_("dd", "", fields, v); }
    const list = r.models || [];
    if (!list.some((m) => m.caption || m.description)) {
      el_("p", "artopic-captions-none", models, "No descriptions yet: run study.describe(...) to compare two models here.");
    }
    for (const m of list) {
      if (!m.caption && !m.description) continue;
      const col = el_("section", "artopic-captions-model", models);
      el_("h4", "", col, m.model);
      el_("div", "artopic-captions-label", col, "caption");
      el_("p", "artopic-captions-caption", col, m.caption || "—");
      el_("div", "artopic-captions-label", col, "description");
      el_("p", "artopic-captions-description", col, m.description || "—");
    }
    if (r.image_error) el_("p", "artopic-captions-error", side, `image: ${r.image_error}`);
    finish(r.id);
  }
  function finish(id) {
    showNav();
    if (model.get("rendered_id") !== id) { model.set("rendered_id", id); model.save_changes(); }
  }

  on("change:record", showRecord);
  on("change:image", showImage);
  on("change:sequence", showNav);
  on("change:sequence_label", showNav);
  on("change:artwork_id", showNav);
  showImage(); showRecord();

  return () => {
    for (const [name, fn] of listeners) model.off(name, fn);
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
