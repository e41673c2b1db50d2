// The map's state: one plain object every module of the map reads and writes (created with
// every field, so its shape never changes). No DOM here, no model calls: the loaders in
// data.js fill it from the model, the renderers draw it.

/** A fresh state for `model` (the anywidget model, or any object with its interface). */
export function createState(model, el) {
  return {
    model, el, dom: null,
    // the works: positions, categories (codes), colours, what is hidden, selected, filtered
    n: 0, xy: new Float32Array(0), codes: new Int32Array(0),
    minX: 0, maxX: 1, minY: 0, maxY: 1,
    catColors: [], catDim: [], noiseColor: 0, noiseDim: 0, pal: new Float32Array(256),
    hidden: new Set(), hiddenArr: new Uint8Array(1),  // hiddenArr[code + 1]
    selMask: new Uint8Array(0), selCount: 0,
    picked: 0, filtering: false, passing: 0,  // selected ids; the filter and its count
    highlighted: [], supporting: [], contradicting: [],
    index: null,  // spatial grid for hover (hover.js)
    // the view: screen = ((x - cx) * scale + W / 2, H / 2 - (y - cy) * scale), device pixels
    view: { cx: 0.5, cy: 0.5, scale: 1 }, fitScale: 1, uWorld: 0,
    W: 0, H: 0, dpr: 1, image: null, pix: null, userMoved: false, mode: "pan", drag: null,
    frame: 0, draws: 0, drawnVersion: -1, reqCounter: 0, hoverId: -1,
    thumbCache: new Map(),  // id -> { url, info } (hover cards)
    // the image map
    renderer: null,  // makeGL(...) or the 2-D fallback (null until pictures are drawn)
    aspects: new Float32Array(0), ranks: new Int32Array(0), atlasIds: new Int32Array(0),
    slotOf: new Int32Array(0), byRank: new Int32Array(0),
    // the atlas: "full" pages (atlas_cell squares) and "mini" pages (mini_cell squares), each
    // { size, cell, per (works a page), state: [0 asked / 2 loaded / 3 failed], bitmaps (fallback) }
    // (mini pages also as pixels, pix, where the far view is drawn on the CPU: see mosaic())
    pages: { full: { state: [], bitmaps: [] }, mini: { state: [], bitmaps: [], pix: [] } },
    atlasVersion: -1, atlasError: "", atlasReqs: new Map(), atlasQueue: [],
    picsDirty: true, dotsDirty: true,
    lastPics: { list: new Int32Array(0), count: 0, size: 0, all: false, level: "", cull: false, total: 0 },
    baseClear: true, gpuEmpty: false, cpuFrame: false, inst: new Float32Array(0),
    picturesDrawnFor: "", lastComplete: false,
    // sharper thumbnails (detail.js): a slot per picture in the detail layers
    detailSlotOf: new Int32Array(0), detailOwner: [], detailUsed: [], detailClock: 0,
    detailBitmaps: new Map(),  // fallback: id -> ImageBitmap
    detailPending: new Set(), detailReqs: new Set(), wantDetail: [], detailTimer: 0,
    detailMissing: new Set(),  // works the kernel has no thumbnail for: not asked again
    blitCols: new Int32Array(256),  // mosaic(): a far picture's source column per screen column
    // the layout drawn ("map" or "date") and a move between two (layout.js)
    layoutShown: "", transition: null,
    requestDraw: () => {},  // set by the view (draw.js)
  };
}

export const imagesOn = (s) => s.model.get("draw") === "images";
/** Whether a selection (or the ask panel's filter) dims the other works. */
export const selecting = (s) => s.selCount > 0 || s.filtering;

/** Work i's category, -1 for noise or a code without a colour. */
export function codeOf(s, i) {
  const c = s.codes[i];
  return c === undefined || c >= s.catColors.length || c < 0 ? -1 : c;
}
export function visible(s, i) { return s.hiddenArr[codeOf(s, i) + 1] === 0; }

/** A point's radius in device pixels: point_size, else by the number of points. */
export function radius(s) {
  const p = s.model.get("point_size");
  const n = s.n;
  const r = p > 0 ? p : n <= 2000 ? 4 : n <= 20000 ? 3 : n <= 60000 ? 2 : 1.5;
  return r * s.dpr;
}
