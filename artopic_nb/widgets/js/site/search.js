// Search in the page: minisearch (bundled) over each work's title, artist, date and its other
// words (metadata, descriptions: the "search" part, loaded on the first search). Every word
// typed must match (a word or the start of one); no server, nothing fetched from elsewhere.
import MiniSearch from "minisearch";

/** A search over `works`, its index built on first use; `find(query)` -> ids (null: none). */
export function makeSearch(parts, works) {
  let index = null;
  async function build() {
    const texts = await parts.load("search");
    const ms = new MiniSearch({ fields: ["title", "artist", "date", "text"], idField: "id",
                                storeFields: [] });
    const docs = [];
    for (let i = 0; i < works.n; i++)
      docs.push({ id: i, title: works.title[i], artist: works.artist[i], date: works.date[i], text: texts[i] || "" });
    ms.addAll(docs);
    return ms;
  }
  async function find(query) {
    const q = String(query || "").trim();
    if (!q) return null;
    if (!index) index = build();
    const ms = await index;
    return ms.search(q, { prefix: true, combineWith: "AND", boost: { title: 2, artist: 1.5 } }).map((r) => r.id);
  }
  return { find, warm: () => { if (!index) index = build(); return index; } };
}
