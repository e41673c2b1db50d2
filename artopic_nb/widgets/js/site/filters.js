// What the visitor filters on: the words searched (the works that match) and the facet values
// picked (within a facet any picked value, across facets all). Each facet's counts are over
// the works the other filters keep (cross-filtered, as in the explorer's ask panel).

export class Filters {
  constructor(works) {
    this.works = works;
    this.hits = null;  // Uint8Array a work (1: matches the words), or null: no search
    this.query = "";
    this.picked = works.facets.map(() => new Set());
  }
  /** The works matching the words searched (ids), or null to search nothing. */
  setHits(query, ids) {
    this.query = query;
    if (ids === null) { this.hits = null; return; }
    this.hits = new Uint8Array(this.works.n);
    for (const i of ids) this.hits[i] = 1;
  }
  toggle(f, v) { const s = this.picked[f]; if (s.has(v)) s.delete(v); else s.add(v); }
  clear() { this.hits = null; this.query = ""; for (const s of this.picked) s.clear(); }
  active() { return this.hits !== null || this.picked.some((s) => s.size > 0); }
  /** Whether work i passes every filter but facet `skip`'s. */
  passes(i, skip = -1) {
    if (this.hits && !this.hits[i]) return false;
    const facets = this.works.facets;
    for (let f = 0; f < facets.length; f++) {
      if (f === skip || !this.picked[f].size) continue;
      if (!this.picked[f].has(facets[f].codes[i])) return false;
    }
    return true;
  }
  /** A byte a work (1: passes), or null when nothing is filtered. */
  mask() {
    if (!this.active()) return null;
    const m = new Uint8Array(this.works.n);
    for (let i = 0; i < m.length; i++) m[i] = this.passes(i) ? 1 : 0;
    return m;
  }
  /** Works a value of facet f among those the other filters keep. */
  counts(f) {
    const facet = this.works.facets[f], out = new Int32Array(facet.values.length);
    for (let i = 0; i < this.works.n; i++) {
      const v = facet.codes[i];
      if (v >= 0 && this.passes(i, f)) out[v]++;
    }
    return out;
  }
}
