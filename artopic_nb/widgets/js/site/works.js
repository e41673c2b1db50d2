// The works as the site knows them from the "works" part: title, artist and date (the hover
// card and the grid), cluster, facet values, nearest neighbours, whether a thumbnail and a
// source page were exported; and the clusters from the "site" part (or a level's groups).
import { typedOf } from "./parts.js";

export class Works {
  constructor(part, site) {
    this.n = part.labels.length;
    this.title = part.title; this.artist = part.artist; this.date = part.date;
    this.labels = Int32Array.from(part.labels);
    // the finest clusters (study.curated_labels_) when the study shows a coarser level
    this.leaves = part.leaves ? typedOf(part.leaves, Int32Array) : this.labels;
    this.k = part.k | 0;
    this.similarIds = typedOf(part.similar, Int32Array);
    this.thumbs = typedOf(part.thumbs, Uint8Array);
    this.links = typedOf(part.links, Uint8Array);
    this.facets = part.facets.map((f) => ({ ...f, codes: typedOf(f.codes, Int16Array) }));
    this.clusters = new Map(site.clusters.map((c) => [c.id, c]));
  }
  /** Show another level of the hierarchy: each work's group, and the groups (the panel's). */
  regroup(labels, entries) {
    this.labels = labels;
    this.clusters = new Map(entries.map((c) => [c.id, c]));
  }
  hasThumb(i) { return this.thumbs[i] === 1; }
  hasLink(i) { return this.links[i] === 1; }
  cluster(i) { return this.clusters.get(this.labels[i] < 0 ? -1 : this.labels[i]) || null; }
  /** The name shown for work i's cluster: its name, else its number, or "noise". */
  clusterName(i) {
    const c = this.cluster(i);
    if (!c) return "";
    return c.id < 0 ? "noise" : c.name ? `${c.id}: ${c.name}` : `cluster ${c.id}`;
  }
  /** The hover card's record (as the widget's "thumbs" replies carry it). */
  info(i) {
    return { id: String(i), title: this.title[i] || `#${i}`, artist: this.artist[i], date: this.date[i], group: this.clusterName(i) };
  }
  /** Work i's nearest works, best first. */
  similar(i) {
    const out = [];
    for (let j = 0; j < this.k; j++) { const v = this.similarIds[i * this.k + j]; if (v >= 0) out.push(v); }
    return out;
  }
  /** The works of cluster c (noise: -1), in id order. */
  members(c) {
    const out = [];
    for (let i = 0; i < this.n; i++) if ((this.labels[i] < 0 ? -1 : this.labels[i]) === c) out.push(i);
    return out;
  }
}
