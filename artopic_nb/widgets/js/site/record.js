// One work's record in the side panel: its picture, title, artist and date, rights and
// attribution, the link to its page at the source, its fields, its descriptions by model, its
// cluster's keywords and claims, and its nearest works ("Similar works").
import { button, el_ } from "../shared/dom.js";
import { thumbOf } from "./model.js";
import { jpeg, tile } from "./layout.js";

const SAFE_LINK = /^https?:\/\//i;

function rightsLine(box, rec) {
  const parts = [rec.rights, rec.attribution].filter(Boolean);
  const p = el_("p", "artopic-site-rights", box, `Rights: ${parts.length ? parts.join(" · ") : "not stated by the source"}`);
  return p;
}

function picture(box, ctx, i) {
  const { works, parts, site } = ctx;
  const pic = el_("div", "artopic-site-record-pic", box);
  if (!works.hasThumb(i)) {
    el_("p", "artopic-site-nopic", pic, "The picture is not in this export (its rights, or no image here): the work is a dot on the map.");
    return;
  }
  thumbOf(parts, site, works, i).then((b64) => { if (b64) jpeg(pic, b64, works.title[i]); });
}

function clusterPart(box, ctx, i) {
  const c = ctx.works.cluster(i);
  if (!c) return;
  const p = el_("p", "artopic-site-record-cluster", box);
  const sw = el_("span", "artopic-site-swatch", p);
  sw.style.backgroundColor = c.color;
  el_("span", "", p, ctx.works.clusterName(i));
  if (c.keywords.length) el_("p", "artopic-site-keywords", box, `Keywords: ${c.keywords.join(", ")}`);
  if (!c.claims.length) return;
  el_("h3", "", box, "What its cluster's descriptions share");
  const ul = el_("ul", "artopic-site-claims", box);
  for (const cl of c.claims) {
    const support = cl.support === null ? "" : ` (${Math.round(cl.support * 100)} % of the cluster)`;
    el_("li", "", ul, `${cl.claim}${support}`);
  }
}

function details(box, rec) {
  if (rec.fields.length) {
    const dl = el_("dl", "artopic-site-fields", box);
    for (const [k, v] of rec.fields) { el_("dt", "", dl, k); el_("dd", "", dl, v); }
  }
  for (const d of rec.descriptions) {
    const sec = el_("div", "artopic-site-description", box);
    el_("h3", "", sec, d.model);
    if (d.caption) el_("p", "artopic-site-caption", sec, d.caption);
    if (d.description) el_("p", "", sec, d.description);
  }
}

function similarPart(box, ctx, i) {
  const ids = ctx.works.similar(i);
  if (!ids.length) return;
  const btn = button("artopic-site-similar-btn", box, `Similar works (${ids.length})`);
  const list = el_("div", "artopic-site-similar", box);
  btn.addEventListener("click", () => {
    list.replaceChildren();
    for (const j of ids) {
      const t = tile(list, ctx.works, j, ctx.open);
      if (ctx.works.hasThumb(j)) thumbOf(ctx.parts, ctx.site, ctx.works, j).then((b64) => { if (b64) jpeg(t.pic, b64, ""); });
    }
    ctx.showSimilar(i, ids);
  });
}

/** Open work i's record in `panel` (its full record read from its records part). */
export async function openRecord(panel, ctx, i) {
  const { works, parts, site } = ctx;
  panel.hidden = false;
  panel.dataset.id = String(i);
  panel.replaceChildren();
  const close = button("artopic-site-close", panel, "×");
  close.title = "close"; close.addEventListener("click", () => { panel.hidden = true; });
  el_("h2", "artopic-site-record-title", panel, works.title[i] || `#${i}`);
  el_("p", "artopic-site-record-sub", panel, [works.artist[i], works.date[i]].filter(Boolean).join(" · "));
  picture(panel, ctx, i);
  let rec;
  try { rec = (await parts.load(`records-${Math.floor(i / site.record_chunk)}`))[i % site.record_chunk]; }
  catch (e) { el_("p", "artopic-site-notice", panel, e.message); return; }
  if (panel.dataset.id !== String(i)) return;  // another work was opened meanwhile
  rightsLine(panel, rec);
  if (rec.link && SAFE_LINK.test(rec.link)) {
    const a = el_("a", "artopic-site-source", panel, "See it at its source ↗");
    a.href = rec.link; a.target = "_blank"; a.rel = "noopener noreferrer";
  }
  clusterPart(panel, ctx, i);
  similarPart(panel, ctx, i);
  details(panel, rec);
}
