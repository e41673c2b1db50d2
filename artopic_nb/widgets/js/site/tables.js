// The report's tables in the site (study.provenance, steps, agreement with known labels,
// clusters, edits, genres: export/tables.py), each a collapsed <details> under the grid. The
// cells are text already formatted in Python, set with textContent (never parsed as HTML).
import { el_ } from "../shared/dom.js";

/** The "Tables" section in `root` (nothing when the export has no tables). */
export function buildTables(root, tables) {
  if (!tables || !tables.length) return null;
  const box = el_("section", "artopic-site-tables", root);
  el_("h2", "", box, "Tables");
  for (const t of tables) {
    const d = el_("details", "artopic-site-table", box);
    d.dataset.table = t.key;
    el_("summary", "", d, `${t.title} (${t.rows.length.toLocaleString()} rows)`);
    if (t.note) el_("p", "artopic-site-note", d, t.note);
    const table = el_("table", "", d);
    const head = el_("tr", "", el_("thead", "", table));
    for (const c of t.columns) el_("th", "", head, c);
    const body = el_("tbody", "", table);
    for (const row of t.rows) {
      const tr = el_("tr", "", body);
      for (const v of row) el_("td", "", tr, v);
    }
  }
  return box;
}
