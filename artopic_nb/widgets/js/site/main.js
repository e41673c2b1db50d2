// The static site's page (entry of the classic script export/static/site.js, built as IIFE so
// that it runs from file://): the image map drawn by the widget's own renderer (../plot.js)
// with a model that reads the site's data parts instead of a kernel, the clusters panel, the
// facets, search, the grid and one work's record. See artopic_nb/export/site.py.
import plot from "../plot.js";
import { el_ } from "../shared/dom.js";
import { openOnClick } from "./clicks.js";
import { Filters } from "./filters.js";
import { Grid } from "./grid.js";
import { buildLayout } from "./layout.js";
import { SiteModel, mapTraits, pictureAnswers } from "./model.js";
import { buildLevelSlider, levelView } from "./levels.js";
import { buildClusters, buildFacets } from "./panel.js";
import { partLoader } from "./parts.js";
import { openRecord } from "./record.js";
import { makeSearch } from "./search.js";
import { Works } from "./works.js";

const MAP_HEIGHT = 560;

// colour the map by the clusters (of the level shown) or by a facet's values (the map's
// "Colour by" menu)
function colourBy(ctx, by) {
  const { model, works } = ctx;
  const f = works.facets.findIndex((x) => x.column === by);
  let traits = ctx.clusterTraits;
  if (f >= 0) {
    const facet = works.facets[f], codes = Int32Array.from(facet.codes);
    const counts = new Array(facet.values.length).fill(0);
    let missing = 0;
    for (const v of codes) { if (v >= 0) counts[v]++; else missing++; }
    traits = { codes, categories: facet.values, colors: facet.colors, counts, noise_label: "no value", noise_count: missing };
  }
  model.set("hidden_categories", []);
  for (const [k, v] of Object.entries(traits)) model.set(k, v);
  model.set("data_version", model.get("data_version") + 1);
}

function wireFilters(ctx, dom) {
  const { filters, model, works, grid } = ctx;
  const search = makeSearch(ctx.parts, works);
  const apply = () => {
    const mask = filters.mask();
    model.set("filter_mask", mask || new Uint8Array(0));
    buildFacets(dom.facetsBox, works, filters, toggle);
    const passing = mask ? mask.reduce((a, b) => a + b, 0) : works.n;
    dom.status.textContent = filters.active() ? `${passing.toLocaleString()} of ${works.n.toLocaleString()} works match` : "";
    grid.refresh();
  };
  const toggle = (f, v) => { filters.toggle(f, v); apply(); };
  let timer = 0, asked = 0;
  dom.search.addEventListener("focus", () => { search.warm().catch(() => {}); }, { once: true });
  dom.search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = dom.search.value, mine = ++asked;
      let ids;
      try { ids = await search.find(q); } catch (e) { dom.status.textContent = e.message; return; }
      if (mine !== asked) return;  // a newer query was typed meanwhile
      filters.setHits(q, ids);
      apply();
    }, 150);
  });
  dom.clear.addEventListener("click", () => {
    dom.search.value = ""; filters.clear(); apply();
    model.set("selected_ids", []);
  });
  buildFacets(dom.facetsBox, works, filters, toggle);
}

function wireSelection(ctx, dom) {
  const { model, works, grid } = ctx;
  let picking = null;  // the cluster whose works are being selected from the panel
  model.on("change:selected_ids", (ids) => {
    if (picking) { const c = picking; picking = null; grid.show("cluster", c.id < 0 ? "Noise" : c.name ? `Cluster ${c.id}: ${c.name}` : `Cluster ${c.id}`, ids); return; }
    if (!ids.length) { grid.show("all", "All works", null); return; }
    grid.show("selection", "Selection on the map", ids);
    if (ids.length === 1) ctx.open(ids[0]);
  });
  ctx.pickCluster = (c) => { picking = c; model.set("selected_ids", works.members(c.id)); };
  buildClusters(dom.clusters, ctx.site.clusters, ctx.pickCluster);
}

// the "coarser →" slider: the panel, the map's colours and names, the grid at another level
function wireLevels(ctx, dom) {
  const { site, works, model } = ctx, h = site.hierarchy;
  const own = { labels: works.labels, entries: site.clusters, traits: ctx.clusterTraits, names: model.get("cluster_labels") };
  buildLevelSlider(dom.levelBox, h, (level) => {
    const view = level === h.level ? own : levelView(h, works.leaves, model.get("coords"), level);
    works.regroup(view.labels, view.entries);
    ctx.clusterTraits = view.traits;
    buildClusters(dom.clusters, view.entries, ctx.pickCluster);
    model.set("cluster_labels", view.names || view.traits.cluster_labels);
    colourBy(ctx, model.get("color_by"));
    // a cluster of another level in the grid: back to every work; else the same works, regrouped
    if (ctx.grid.source.kind === "cluster") model.set("selected_ids", []);
    else ctx.grid.refresh();
  });
}

async function start(root) {
  const parts = partLoader();
  const [site, map, worksPart] = await Promise.all(["site", "map", "works"].map((p) => parts.load(p)));
  const dom = buildLayout(root, site);
  const works = new Works(worksPart, site);
  const model = new SiteModel(mapTraits(map, MAP_HEIGHT), () => null);
  model.answer = pictureAnswers(parts, works, site, model);
  model.state.thumb_size = site.thumb_size;
  model.state.color_options = ["cluster", ...works.facets.map((f) => f.column)];
  const clusterTraits = Object.fromEntries(["codes", "categories", "colors", "counts", "noise_label", "noise_count"].map((k) => [k, model.get(k)]));
  const ctx = { site, parts, works, model, clusterTraits, filters: new Filters(works) };
  ctx.open = (i) => openRecord(dom.record, ctx, i);
  ctx.showSimilar = (i, ids) => { model.set("highlighted_ids", [i, ...ids]); ctx.grid.show("similar", `Similar to “${works.title[i] || `#${i}`}”`, ids); };
  ctx.grid = new Grid(dom, ctx);
  model.on("change:color_by", (by) => colourBy(ctx, by));
  wireSelection(ctx, dom);
  wireLevels(ctx, dom);
  wireFilters(ctx, dom);
  plot.render({ model, el: dom.mapEl });
  openOnClick(dom.mapEl, (i) => { model.set("highlighted_ids", [i]); ctx.open(i); });
  ctx.grid.show("all", "All works", null);
  root.dataset.ready = "1";
}

const root = document.getElementById("artopic-site") || el_("div", "artopic-site", document.body);
start(root).catch((e) => {
  root.replaceChildren();
  el_("p", "artopic-site-error", root, `This site could not start: ${e.message}`);
  console.error(e);
});
