// The grid: the works shown (all, a cluster, the map's selection, a work's neighbours) that
// pass the filters, a page at a time, each with its thumbnail from the thumbnail parts.
import { thumbOf } from "./model.js";
import { jpeg, tile } from "./layout.js";

const PAGE = 60;

export class Grid {
  constructor(dom, ctx) {
    this.dom = dom; this.ctx = ctx;
    this.source = { kind: "all", label: "All works", ids: null };
    this.page = 0; this.ids = []; this.version = 0;
    dom.prev.addEventListener("click", () => { if (this.page > 0) { this.page--; this.render(); } });
    dom.next.addEventListener("click", () => {
      if ((this.page + 1) * PAGE < this.ids.length) { this.page++; this.render(); }
    });
  }
  /** Show `ids` (null: every work) under `label`. */
  show(kind, label, ids) { this.source = { kind, label, ids }; this.page = 0; this.refresh(); }
  /** The shown works that pass the filters, again (after a filter changed). */
  refresh() {
    const { works, filters } = this.ctx;
    const base = this.source.ids || Array.from({ length: works.n }, (_, i) => i);
    this.ids = filters.active() ? base.filter((i) => filters.passes(i)) : base;
    if (this.page * PAGE >= this.ids.length) this.page = 0;
    this.render();
  }
  render() {
    const { dom, ids } = this, { works, parts, site } = this.ctx;
    const version = ++this.version;
    const filtered = this.ctx.filters.active() ? " (filtered)" : "";
    dom.gridLabel.textContent = `${this.source.label}${filtered}: ${ids.length.toLocaleString()} works`;
    dom.grid.dataset.count = String(ids.length);
    dom.grid.replaceChildren();
    const pages = Math.max(1, Math.ceil(ids.length / PAGE));
    dom.pageInfo.textContent = `page ${this.page + 1} of ${pages}`;
    dom.prev.disabled = this.page === 0; dom.next.disabled = this.page + 1 >= pages;
    const shown = ids.slice(this.page * PAGE, (this.page + 1) * PAGE);
    for (const i of shown) {
      const t = tile(dom.grid, works, i, this.ctx.open);
      if (!works.hasThumb(i)) continue;
      thumbOf(parts, site, works, i).then((b64) => {
        if (b64 && version === this.version) jpeg(t.pic, b64, works.title[i]);
      }).catch((e) => { t.pic.title = e.message; });
    }
  }
}
