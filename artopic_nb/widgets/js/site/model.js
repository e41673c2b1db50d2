// A model for the map outside a kernel: the interface render({ model, el }) needs (see
// ../plot.js: get, set, save_changes, on, off, send), with the traits read from the site's
// "map" part and the requests for pictures answered from its atlas and thumbnail parts.
import { bytesOf, typedOf } from "./parts.js";

const NOISE = "#bbbbbb";

/** The map's traits from the "map" part (as EmbeddingPlot would send them). */
export function mapTraits(map, height) {
  return {
    coords: typedOf(map.coords, Float32Array), n_points: map.n, codes: typedOf(map.codes, Int32Array),
    colors: map.colors, categories: map.categories, counts: map.counts,
    noise_label: "noise", noise_count: map.noise_count, noise_color: map.noise_color || NOISE,
    hidden_categories: [], selected_ids: [], highlighted_ids: [], filter_mask: new Uint8Array(0),
    supporting_ids: [], contradicting_ids: [], color_by: "cluster", color_options: ["cluster"],
    height, point_size: 0, thumb_size: 128, draw: map.draw, show_labels: true,
    cluster_labels: map.cluster_labels, data_version: 1, debug: false,
    aspects: typedOf(map.aspects, Float32Array), ranks: typedOf(map.ranks, Int32Array),
    atlas_ids: typedOf(map.atlas_ids, Int32Array), atlas_version: 1,
    atlas_cell: map.atlas_cell, atlas_page_size: map.atlas_page_size, mini_cell: map.mini_cell,
    mini_page_size: map.mini_page_size, detail_size: 128,
    rendered_points: 0, rendered_version: -1, renderer: "",
  };
}

export class SiteModel {
  /** `traits`: the initial state; `answer(msg)`: a promise of [reply, buffers] or null. */
  constructor(traits, answer) {
    this.state = { ...traits };
    this.answer = answer;
    this.fns = new Map();
  }
  get(name) { return this.state[name]; }
  set(name, value) { this.state[name] = value; this.emit(`change:${name}`, value); }
  save_changes() {}
  on(event, fn) {
    if (!this.fns.has(event)) this.fns.set(event, new Set());
    this.fns.get(event).add(fn);
  }
  off(event, fn) { const set = this.fns.get(event); if (set) set.delete(fn); }
  emit(event, ...args) { for (const fn of [...(this.fns.get(event) || [])]) fn(...args); }
  send(msg) {
    Promise.resolve(this.answer(msg)).then((got) => {
      if (got) this.emit("msg:custom", got[0], got[1]);
    }).catch((e) => { console.warn(`artopic site: ${e.message}`); });
  }
}

/** Answers the map's requests: atlas pages and thumbnails, from the site's parts. */
export function pictureAnswers(parts, works, site, model) {
  async function atlas(msg) {
    const reply = { type: "atlas", req: msg.req, page: msg.page, level: msg.level, version: model.get("atlas_version") };
    try {
      return [reply, [bytesOf(await parts.load(`atlas-${msg.level}-${msg.page}`))]];
    } catch (e) {
      reply.error = e.message;
      return [reply, [new Uint8Array(0)]];
    }
  }
  async function thumbs(msg) {
    const info = !!msg.info, ids = [], lengths = [], chunks = [], infos = [];
    for (const id of msg.ids) {
      const b64 = await thumbOf(parts, site, works, id);
      // a work without a picture (its rights, or no image here) is no close-up to wait for:
      // left unanswered, the map does not ask for it again
      if (!b64 && !info) continue;
      const bytes = bytesOf(b64);
      ids.push(id); lengths.push(bytes.length); chunks.push(bytes);
      if (info) infos.push(works.info(id));
    }
    if (!ids.length) return null;
    const packed = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
    let off = 0;
    for (const c of chunks) { packed.set(c, off); off += c.length; }
    const reply = { type: "thumbs", req: msg.req, ids, lengths };
    if (info) reply.info = infos;
    return [reply, [packed]];
  }
  return (msg) => (msg && msg.type === "atlas" ? atlas(msg) : msg && msg.type === "thumbs" ? thumbs(msg) : null);
}

/** Work `id`'s thumbnail (base64 JPEG), "" when it has none. */
export async function thumbOf(parts, site, works, id) {
  if (!works.hasThumb(id)) return "";
  const chunk = await parts.load(`thumbs-${Math.floor(id / site.thumb_chunk)}`);
  return chunk[id % site.thumb_chunk] || "";
}
