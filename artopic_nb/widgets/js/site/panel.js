// The side panel: the clusters (read-only: colour, name, size; a click shows the cluster in
// the grid and on the map; at a coarser level of the hierarchy, the groups and the clusters
// they hold) and the facets (a button a value with its cross-filtered count).
import { button, el_ } from "../shared/dom.js";

/** The clusters list (`entries`: the "site" part's clusters or a level's groups);
 * `onPick(c)` when one is clicked. */
export function buildClusters(box, entries, onPick) {
  box.replaceChildren();
  for (const c of entries) {
    const b = button("artopic-site-cluster", box);
    b.dataset.cluster = String(c.id);
    const sw = el_("span", "artopic-site-swatch", b);
    sw.style.backgroundColor = c.color;
    el_("span", "artopic-site-cluster-name", b, c.id < 0 ? "noise" : c.name ? `${c.id}: ${c.name}` : `cluster ${c.id}`);
    el_("span", "artopic-site-count", b, c.size.toLocaleString());
    const held = c.clusters && c.clusters.length > 1 ? `clusters ${c.clusters.join(", ")}` : "";
    b.title = [held, c.keywords.join(", ")].filter(Boolean).join(" · ");
    if (held) b.dataset.clusters = c.clusters.join(",");
    b.addEventListener("click", () => onPick(c));
  }
}

/** The facets' buttons, their counts and pressed states from `filters`; `onToggle(f, v)`. */
export function buildFacets(box, works, filters, onToggle) {
  box.replaceChildren();
  works.facets.forEach((facet, f) => {
    const sec = el_("div", "artopic-site-facet", box);
    sec.dataset.facet = facet.column;
    el_("h2", "", sec, facet.column);
    const counts = filters.counts(f);
    facet.values.forEach((value, v) => {
      const b = button("artopic-site-facet-value", sec);
      b.dataset.facet = facet.column; b.dataset.value = value;
      const on = filters.picked[f].has(v);
      b.setAttribute("aria-pressed", String(on));
      b.classList.toggle("is-on", on);
      el_("span", "artopic-site-facet-label", b, value);
      el_("span", "artopic-site-count", b, counts[v].toLocaleString());
      if (!counts[v] && !on) b.classList.add("is-empty");
      b.addEventListener("click", () => onToggle(f, v));
    });
  });
}
