// The page's elements: the header (title, search, what is shown, report link), the notices,
// the map beside the clusters panel and the facets, the grid, the report's tables and the
// record (a side panel).
// Every text from the data is set with textContent, never parsed as HTML.
import { button, el_ } from "../shared/dom.js";
import { buildTables } from "./tables.js";

function header(root, site) {
  const head = el_("header", "artopic-site-header", root);
  el_("h1", "artopic-site-title", head, site.title);
  const search = el_("input", "artopic-site-search", head);
  search.type = "search"; search.placeholder = "Search titles, artists, descriptions…";
  search.setAttribute("aria-label", "search the works");
  const status = el_("span", "artopic-site-status", head);
  const clear = button("artopic-site-clear", head, "Clear filters");
  if (site.report) {
    const a = el_("a", "artopic-site-report", head, "Report");
    a.href = site.report;
  }
  return { search, status, clear };
}

/** Build the page in `root`; returns its parts. */
export function buildLayout(root, site) {
  root.classList.add("artopic-site");
  root.replaceChildren();
  const parts = header(root, site);
  const notices = el_("div", "artopic-site-notices", root);
  for (const text of site.notices || []) el_("p", "artopic-site-notice", notices, text);
  const main = el_("div", "artopic-site-main", root);
  const mapEl = el_("div", "artopic-site-map", main);
  const side = el_("aside", "artopic-site-side", main);
  el_("h2", "", side, "Clusters");
  const levelBox = el_("div", "artopic-site-levelbox", side);
  const clusters = el_("div", "artopic-site-clusters", side);
  const facetsBox = el_("div", "artopic-site-facets", side);
  const gridBox = el_("section", "artopic-site-gridbox", root);
  const gridHead = el_("div", "artopic-site-gridhead", gridBox);
  const gridLabel = el_("h2", "artopic-site-gridlabel", gridHead);
  const pager = el_("span", "artopic-site-pager", gridHead);
  const prev = button("artopic-site-prev", pager, "‹ Previous");
  const pageInfo = el_("span", "artopic-site-pageinfo", pager);
  const next = button("artopic-site-next", pager, "Next ›");
  const grid = el_("div", "artopic-site-grid", gridBox);
  buildTables(root, site.tables);
  const record = el_("aside", "artopic-site-record", root);
  record.hidden = true;
  const foot = el_("footer", "artopic-site-footer", root);
  foot.textContent = `${site.n.toLocaleString()} works · made with artopic_nb ${site.artopic_nb}`
    + " · every file of this site is in its folder: nothing is fetched from elsewhere";
  return { ...parts, notices, mapEl, levelBox, clusters, facetsBox, gridLabel, prev, next, pageInfo, grid, record };
}

/** A work's tile: its thumbnail (or a dot when it has none), title, artist and date. */
export function tile(parent, works, i, onOpen) {
  const t = button("artopic-site-tile", parent);
  t.dataset.id = String(i);
  const pic = el_("div", "artopic-site-pic", t);
  const c = works.cluster(i);
  if (!works.hasThumb(i)) {
    const dot = el_("span", "artopic-site-dot", pic);
    dot.style.backgroundColor = c ? c.color : "#bbb";
    pic.title = "no picture in this export";
  }
  el_("span", "artopic-site-tile-title", t, works.title[i] || `#${i}`);
  el_("span", "artopic-site-tile-sub", t, [works.artist[i], works.date[i]].filter(Boolean).join(" · "));
  t.addEventListener("click", () => onOpen(i));
  return { el: t, pic };
}

/** An <img> of a base64 JPEG in `parent` (a data: URL: nothing is fetched). */
export function jpeg(parent, b64, alt) {
  const img = el_("img", "", parent);
  img.alt = alt || "";
  img.src = `data:image/jpeg;base64,${b64}`;
  return img;
}
