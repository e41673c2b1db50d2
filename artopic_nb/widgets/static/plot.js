// EmbeddingPlot front end. Two ways to draw the map:
// - draw = "points": a canvas scatter rasterised into ImageData (100,000 points stay fluid);
// - draw = "images" (the image map): each work's thumbnail at its position, from sprite atlases
//   (JPEG pages the kernel sends as binary buffers), with WebGL 2 instancing; a 2-D canvas
//   fallback draws the same map more slowly where WebGL 2 is missing, and says so.
// Legend toggles, wheel zoom, drag pan, box and lasso selection, hover card, cluster names.
// All data-derived text is set with textContent, never parsed as HTML. One self-contained ES
// module (anywidget loads it from a blob URL), so the helpers it shares with the other views
// are written here too.

function u8(buf) {  // a traitlet Bytes value or a message buffer as a Uint8Array view (no copy)
  if (!buf) return new Uint8Array(0);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(0);
}
function el_(tag, cls, parent, text) {  // text is set with textContent, never parsed as HTML
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
// A "thumbs" reply (JPEGs packed in one buffer, msg.lengths their sizes) as [{ id, blob, info }];
// blob is null for a work without a thumbnail.
function unpackThumbBlobs(msg, buffers) {
  if (!msg || msg.type !== "thumbs") return [];
  const data = u8(buffers && buffers[0]);
  let off = 0;
  return msg.ids.map((id, k) => {
    const len = msg.lengths[k] | 0;
    const blob = len ? new Blob([data.slice(off, off + len)], { type: "image/jpeg" }) : null;
    off += len;
    return { id, blob, info: msg.info ? msg.info[k] : {} };
  });
}

function typed(buf, Ctor) {
  const b = u8(buf);
  const n = Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n);
  return new Ctor(b.slice(0, n * Ctor.BYTES_PER_ELEMENT).buffer);  // unaligned: copy
}
function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
  const v = m ? parseInt(m[1], 16) : 0x888888;
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
function packRGBA(r, g, b) {  // little-endian ImageData pixel
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
function stamp(radius) {  // pixel offsets of a disc
  const out = [];
  const r = Math.max(0, radius);
  const ri = Math.ceil(r);
  for (let dy = -ri; dy <= ri; dy++)
    for (let dx = -ri; dx <= ri; dx++)
      if (dx * dx + dy * dy <= r * r + 0.5) out.push(dx, dy);
  return Int32Array.from(out.length ? out : [0, 0]);
}
function pointInPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 2; i < poly.length; j = i, i += 2) {
    const xi = poly[i], yi = poly[i + 1], xj = poly[j], yj = poly[j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// -- the image map -----------------------------------------------------------------------------
const PIC_FILL = 0.9;     // at the fitted view, all pictures together would cover this share of the map's box
const MAX_FIT_PX = 64;    // ... but none larger than this (CSS px) at the fitted view
const MIN_ALL_PX = 3;     // below this a picture is a smudge: dots and representatives instead
const REP_PX = 40;        // representatives' size far out (CSS px)
const FETCH_LIMIT = 400;  // pictures fetched on demand for at most this many works on screen
const SHARPEN = 1.25;     // sharper thumbnails once a picture is this many times its atlas square
const LAYER = 2048, DETAIL_LAYERS = 2;
// Far out a picture is a few pixels: it is drawn from the "mini" pages (8-px squares, which
// the view asks for first); one bilinear sample a pixel, no mipmaps.
const MINI_PX = 10;

// A picture's box in a square of side `cell`: the same arithmetic as data/atlas.picture_boxes.
function pictureBox(a, cell) {
  if (a >= 1) return [cell, Math.min(cell, Math.max(1, Math.floor(cell / a + 0.5)))];
  return [Math.min(cell, Math.max(1, Math.floor(cell * (a > 0 ? a : 1) + 0.5))), cell];
}

const VS_PICS = `#version 300 es
layout(location = 1) in vec2 a_pos;
layout(location = 2) in vec4 a_uv;
layout(location = 3) in vec4 a_info;
uniform vec2 u_scale, u_offset, u_px;
uniform float u_size, u_frame;
uniform vec4 u_pal[64];
out vec2 v_local;
flat out vec4 v_uv;
flat out vec2 v_inner;
flat out float v_layer, v_dim;
flat out vec4 v_frame;
void main() {
  vec2 inner = 0.5 * u_size * a_info.xy;
  vec2 half_ = inner + u_frame;
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 local = (corner * 2.0 - 1.0) * half_;
  gl_Position = vec4(a_pos * u_scale + u_offset + local * u_px, 0.0, 1.0);
  int meta = int(a_info.w + 0.5);
  v_local = local; v_inner = inner; v_uv = a_uv; v_layer = a_info.z;
  v_frame = u_pal[meta >> 3];
  v_dim = (meta & 2) != 0 ? 1.0 : 0.0;
}`;
const FS_PICS = `#version 300 es
precision highp float;
precision highp sampler2DArray;
in vec2 v_local;
flat in vec4 v_uv;
flat in vec2 v_inner;
flat in float v_layer, v_dim;
flat in vec4 v_frame;
uniform sampler2DArray u_tex;
out vec4 o;
void main() {
  vec2 t = clamp(v_local / max(v_inner, vec2(1e-3)) * 0.5 + 0.5, 0.0, 1.0);
  t.y = 1.0 - t.y;
  vec2 uv = mix(v_uv.xy, v_uv.zw, t);
  vec4 c = texture(u_tex, vec3(uv, v_layer));
  if (any(greaterThan(abs(v_local), v_inner))) c = v_frame;
  if (v_dim > 0.5) c.rgb = mix(c.rgb, vec3(0.93), 0.7);
  o = vec4(c.rgb, 1.0);
}`;

function compileProgram(gl, vs, fs) {
  const prog = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const sh = gl.createShader(type);
    gl.shaderSource(sh, src); gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(sh) || "shader");
    gl.attachShader(prog, sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog) || "link");
  return prog;
}

// WebGL 2 renderer of the pictures: quads sampling one texture array whose layers hold the
// atlas pages, their reduced copies and the sharper thumbnails. The dots are drawn on the CPU
// into a canvas under this one (a software WebGL, as in headless browsers, pays dearly per point).
// Returns null when WebGL 2 is not available.
function makeGL(glCanvas) {
  let gl = null;
  try {
    gl = glCanvas.getContext("webgl2", { antialias: false, alpha: true, depth: false, stencil: false,
                                          premultipliedAlpha: true, preserveDrawingBuffer: false });
  } catch (e) { gl = null; }
  if (!gl) return null;
  let pics;
  try { pics = compileProgram(gl, VS_PICS, FS_PICS); }
  catch (e) { console.warn("artopic plot: WebGL 2 shaders failed, drawing on a 2-D canvas", e); return null; }
  const up = Object.fromEntries(["u_scale", "u_offset", "u_px", "u_size", "u_frame", "u_pal", "u_tex"]
    .map((k) => [k, gl.getUniformLocation(pics, k)]));
  // One picture a quad, its corner from gl_VertexID. On a GPU, instancing: one record a picture.
  // On a software rasterizer (SwiftShader, as in headless browsers), which pays dearly per
  // instance, four vertices a picture and an index buffer instead.
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const software = /swiftshader|llvmpipe|software/i.test(
    String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
  const instanced = !software;
  const picVao = gl.createVertexArray();
  gl.bindVertexArray(picVao);
  const vertBuf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, vertBuf);
  for (const [loc, size, off] of [[1, 2, 0], [2, 4, 8], [3, 4, 24]]) {
    gl.enableVertexAttribArray(loc); gl.vertexAttribPointer(loc, size, gl.FLOAT, false, 40, off);
    if (instanced) gl.vertexAttribDivisor(loc, 1);
  }
  const indexBuf = gl.createBuffer();
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indexBuf);
  gl.bindVertexArray(null);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  let tex = null, indexCap = 0, nPics = 0, verts = new Float32Array(0);
  const layout = { full: 0, mini: 0, detail: 0 };  // first layer of each kind
  const api = {
    kind: "webgl2",
    instanced,
    software,
    layout,
    setLayers(full, mini) {  // layers: full pages, then mini pages, then sharper thumbnails
      if (tex) gl.deleteTexture(tex);
      layout.full = 0; layout.mini = full; layout.detail = full + mini;
      tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D_ARRAY, tex);
      gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, gl.RGBA8, LAYER, LAYER, full + mini + DETAIL_LAYERS);
      gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    },
    upload(layer, x, y, source) {
      gl.bindTexture(gl.TEXTURE_2D_ARRAY, tex);
      gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, x, y, layer, Math.min(LAYER - x, source.width),
                       Math.min(LAYER - y, source.height), 1, gl.RGBA, gl.UNSIGNED_BYTE, source);
    },
    setPictures(inst, count) {
      nPics = count;
      if (instanced) {
        gl.bindBuffer(gl.ARRAY_BUFFER, vertBuf);
        gl.bufferData(gl.ARRAY_BUFFER, inst.subarray(0, count * 10), gl.DYNAMIC_DRAW);
        return;
      }
      if (verts.length < count * 40) verts = new Float32Array(Math.max(count, 1024) * 40);
      for (let k = 0; k < count; k++) {
        const src = inst.subarray(k * 10, k * 10 + 10);
        for (let v = 0; v < 4; v++) verts.set(src, (4 * k + v) * 10);
      }
      gl.bindVertexArray(picVao);
      gl.bindBuffer(gl.ARRAY_BUFFER, vertBuf);
      gl.bufferData(gl.ARRAY_BUFFER, verts.subarray(0, count * 40), gl.DYNAMIC_DRAW);
      if (count > indexCap) {
        indexCap = Math.max(count, 2 * indexCap, 1024);
        const idx = new Uint32Array(indexCap * 6);
        for (let k = 0; k < indexCap; k++) idx.set([4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 2, 4 * k + 1, 4 * k + 3], 6 * k);
        gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indexBuf);
        gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STATIC_DRAW);
      }
      gl.bindVertexArray(null);
      nPics = count;
    },
    draw(f) {  // f: { W, H, scale, cx, cy, pal, picSize, frame }
      gl.viewport(0, 0, f.W, f.H);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (!nPics || !tex) return;
      const sx = 2 * f.scale / f.W, sy = 2 * f.scale / f.H;
      gl.useProgram(pics);
      gl.uniform2f(up.u_scale, sx, sy); gl.uniform2f(up.u_offset, -f.cx * sx, -f.cy * sy);
      gl.uniform2f(up.u_px, 2 / f.W, 2 / f.H);
      gl.uniform1f(up.u_size, f.picSize); gl.uniform1f(up.u_frame, f.frame);
      gl.uniform4fv(up.u_pal, f.pal);
      gl.activeTexture(gl.TEXTURE0); gl.bindTexture(gl.TEXTURE_2D_ARRAY, tex);
      gl.uniform1i(up.u_tex, 0);
      gl.bindVertexArray(picVao);
      if (instanced) gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, nPics);
      else gl.drawElements(gl.TRIANGLES, 6 * nPics, gl.UNSIGNED_INT, 0);
      gl.bindVertexArray(null);
    },
    destroy() {
      if (tex) gl.deleteTexture(tex);
      for (const b of [vertBuf, indexBuf]) gl.deleteBuffer(b);
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    },
  };
  return api;
}

function render({ model, el }) {
  el.classList.add("artopic-plot");
  const listeners = [];
  const on = (name, fn) => { model.on(name, fn); listeners.push([name, fn]); };
  const domListeners = [];
  const onDom = (target, name, fn, opts) => {
    target.addEventListener(name, fn, opts); domListeners.push([target, name, fn, opts]);
  };

  // -- DOM -------------------------------------------------------------------------------------
  const toolbar = el_("div", "artopic-plot-toolbar", el);
  const modes = {};
  for (const [mode, label, tip] of [["pan", "Pan", "drag to pan, wheel to zoom"],
                                    ["box", "Box", "drag a rectangle to select"],
                                    ["lasso", "Lasso", "draw around points to select"]]) {
    const b = el_("button", "artopic-plot-mode", toolbar);
    b.type = "button"; b.textContent = label; b.title = tip; b.dataset.mode = mode;
    modes[mode] = b;
  }
  const resetBtn = el_("button", "artopic-plot-reset", toolbar);
  resetBtn.type = "button"; resetBtn.textContent = "Reset view";
  const clearBtn = el_("button", "artopic-plot-clear", toolbar);
  clearBtn.type = "button"; clearBtn.textContent = "Clear selection";
  const colorLabel = el_("label", "artopic-plot-colorby", toolbar);
  colorLabel.appendChild(document.createTextNode("Colour by "));
  const colorSelect = el_("select", "", colorLabel);
  const notice = el_("span", "artopic-plot-notice", toolbar);
  const info = el_("span", "artopic-plot-info", toolbar);

  const body = el_("div", "artopic-plot-body", el);
  const stage = el_("div", "artopic-plot-stage", body);
  const base = el_("canvas", "artopic-plot-base", stage);  // dots under the pictures (WebGL)
  const glCanvas = el_("canvas", "artopic-plot-gl", stage);
  const canvas = el_("canvas", "artopic-plot-canvas", stage);
  const overlay = el_("canvas", "artopic-plot-overlay", stage);
  const tooltip = el_("div", "artopic-plot-tooltip", stage);
  const tipImg = el_("img", "", tooltip);
  tipImg.alt = "";
  const tipTitle = el_("div", "artopic-plot-tooltip-title", tooltip);
  const tipSub = el_("div", "artopic-plot-tooltip-sub", tooltip);
  tooltip.style.display = "none";
  glCanvas.style.display = "none";
  base.style.display = "none";
  const legend = el_("div", "artopic-plot-legend", body);
  canvas.dataset.renderStart = String(performance.now());
  const ctx = canvas.getContext("2d");
  const bctx = base.getContext("2d");
  const octx = overlay.getContext("2d");

  // -- state -----------------------------------------------------------------------------------
  let n = 0, xy = new Float32Array(0), codes = new Int32Array(0);
  let minX = 0, maxX = 1, minY = 0, maxY = 1;
  let catColors = [], catDim = [], noiseColor = 0, noiseDim = 0;
  let hidden = new Set(), hiddenArr = new Uint8Array(1);  // hiddenArr[code + 1]
  let selMask = new Uint8Array(0), selCount = 0;
  let picked = 0, filtering = false, passing = 0;  // selected ids; the filter and its count
  let highlighted = [], supporting = [], contradicting = [];
  let view = { cx: 0.5, cy: 0.5, scale: 1 };
  let fitScale = 1;
  let W = 0, H = 0, dpr = 1, image = null, pix = null;
  let mode = "pan", userMoved = false;
  let frame = 0, draws = 0, drawnVersion = -1;
  let index = null;  // spatial grid for hover
  const thumbCache = new Map();  // id -> {url, info} (hover cards)
  let reqCounter = 0, hoverId = -1;

  // image map state
  let renderer = null;          // makeGL(...) or the 2-D fallback (null until pictures are drawn)
  let aspects = new Float32Array(0), ranks = new Int32Array(0), atlasIds = new Int32Array(0);
  let slotOf = new Int32Array(0), byRank = new Int32Array(0);
  // the atlas: "full" pages (atlas_cell squares) and "mini" pages (mini_cell squares), each
  // { size, cell, per (works a page), state: [0 asked / 2 loaded / 3 failed], bitmaps (fallback) }
  // (mini pages also as pixels, pix, where the far view is drawn on the CPU: see mosaic())
  const pages = { full: { state: [], bitmaps: [] }, mini: { state: [], bitmaps: [], pix: [] } };
  let atlasVersion = -1, atlasError = "";
  let uWorld = 0, picsDirty = true, dotsDirty = true, pal = new Float32Array(256);
  let lastPics = { list: new Int32Array(0), count: 0, size: 0, all: false, level: "", cull: false, total: 0 };
  let baseClear = true, gpuEmpty = false, cpuFrame = false;
  let inst = new Float32Array(0);
  let picturesDrawnFor = "", lastComplete = false;
  const DETAIL_PER_ROW = () => Math.floor(LAYER / Math.max(1, model.get("detail_size") | 0));
  let detailSlotOf = new Int32Array(0), detailOwner = [], detailUsed = [], detailClock = 0;
  const detailBitmaps = new Map();  // fallback: id -> ImageBitmap
  const detailPending = new Set(), detailReqs = new Set();
  let wantDetail = [], detailTimer = 0;
  const atlasReqs = new Map();  // req -> [level, page]
  let atlasQueue = [];             // pages not asked for yet

  const imagesOn = () => model.get("draw") === "images";

  // -- data from the model ---------------------------------------------------------------------
  function loadCoords() {
    xy = typed(model.get("coords"), Float32Array);
    n = Math.min(model.get("n_points") | 0, xy.length >> 1);
    minX = Infinity; maxX = -Infinity; minY = Infinity; maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    if (!(maxX >= minX)) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
    if (maxX - minX < 1e-9) { minX -= 0.5; maxX += 0.5; }
    if (maxY - minY < 1e-9) { minY -= 0.5; maxY += 0.5; }
    index = null;
    dotsDirty = true; picsDirty = true;
    if (detailSlotOf.length !== n) { detailSlotOf = new Int32Array(n).fill(-1); detailOwner = []; detailUsed = []; detailBitmaps.clear(); }
    loadSelection();
  }
  function loadCodes() { codes = typed(model.get("codes"), Int32Array); dotsDirty = true; picsDirty = true; }
  function loadColors() {
    catColors = []; catDim = [];
    pal = new Float32Array(256);
    const [nr, ng, nb] = hexToRgb(model.get("noise_color"));
    pal.set([nr / 255, ng / 255, nb / 255, 1], 0);
    (model.get("colors") || []).forEach((hex, c) => {
      const [r, g, b] = hexToRgb(hex);
      catColors.push(packRGBA(r, g, b));
      catDim.push(packRGBA(Math.round(r * 0.2 + 204), Math.round(g * 0.2 + 204), Math.round(b * 0.2 + 204)));
      if (c < 63) pal.set([r / 255, g / 255, b / 255, 1], 4 * (c + 1));
    });
    noiseColor = packRGBA(nr, ng, nb);
    noiseDim = packRGBA(Math.round(nr * 0.3 + 178), Math.round(ng * 0.3 + 178), Math.round(nb * 0.3 + 178));
    loadHidden();
  }
  function loadHidden() {
    hidden = new Set(model.get("hidden_categories") || []);
    hiddenArr = new Uint8Array(catColors.length + 1);
    for (const h of hidden) if (h >= -1 && h < catColors.length) hiddenArr[h + 1] = 1;
    dotsDirty = true; picsDirty = true;
  }
  function loadSelection() {
    selMask = new Uint8Array(n); selCount = 0;
    for (const i of model.get("selected_ids") || []) {
      if (i >= 0 && i < n && !selMask[i]) { selMask[i] = 1; selCount++; }
    }
    // the ask panel's filter (a byte a point, 1: passes; empty: none): the points outside it
    // are dimmed as unselected ones are, and a selection keeps the points inside it
    picked = selCount;
    const f = u8(model.get("filter_mask"));
    filtering = f.length === n && n > 0;
    if (filtering) {
      selCount = 0; passing = 0;
      for (let i = 0; i < n; i++) {
        const keep = f[i] && (picked === 0 || selMask[i]) ? 1 : 0;
        selMask[i] = keep; selCount += keep; passing += f[i] ? 1 : 0;
      }
    }
    el.dataset.filtered = filtering ? String(passing) : "";
    dotsDirty = true; picsDirty = true;
  }
  function loadHighlighted() { highlighted = (model.get("highlighted_ids") || []).filter((i) => i >= 0 && i < n); }
  function loadEvidence() {
    supporting = (model.get("supporting_ids") || []).filter((i) => i >= 0 && i < n);
    contradicting = (model.get("contradicting_ids") || []).filter((i) => i >= 0 && i < n);
  }
  function loadPictures() {
    aspects = typed(model.get("aspects"), Float32Array);
    ranks = typed(model.get("ranks"), Int32Array);
    byRank = new Int32Array(n);
    if (ranks.length === n) { for (let i = 0; i < n; i++) if (ranks[i] >= 0 && ranks[i] < n) byRank[ranks[i]] = i; }
    else for (let i = 0; i < n; i++) byRank[i] = i;
    picsDirty = true;
  }
  function loadAtlas() {
    if (!imagesOn()) return;
    const version = model.get("atlas_version");
    if (version === atlasVersion && renderer) return;
    atlasVersion = version;
    atlasIds = typed(model.get("atlas_ids"), Int32Array);
    slotOf = new Int32Array(n).fill(-1);
    for (let k = 0; k < atlasIds.length; k++) if (atlasIds[k] >= 0 && atlasIds[k] < n) slotOf[atlasIds[k]] = k;
    const layers = {};
    for (const [level, cellKey, sizeKey] of [["full", "atlas_cell", "atlas_page_size"], ["mini", "mini_cell", "mini_page_size"]]) {
      const P = pages[level];
      for (const b of P.bitmaps) if (b) b.close?.();
      P.cell = Math.max(1, model.get(cellKey) | 0);
      P.size = Math.min(LAYER, Math.max(P.cell, model.get(sizeKey) | 0));
      P.perRow = Math.floor(P.size / P.cell);
      P.per = P.perRow * P.perRow;
      P.perLayer = (LAYER / P.size) ** 2;
      const count = Math.ceil(atlasIds.length / P.per);
      P.state = new Array(count).fill(0); P.bitmaps = new Array(count).fill(null); P.pix = [];
      layers[level] = Math.ceil(count / P.perLayer);
    }
    atlasReqs.clear(); atlasError = "";
    ensureRenderer();
    if (renderer.setLayers) renderer.setLayers(layers.full, layers.mini);
    // the mini pages first (the far view: every work, small), then the full ones in picture
    // order, two at a time, so that what the first frame needs is not decoded beside the rest
    atlasQueue = [];
    for (const level of ["mini", "full"])
      for (let k = 0; k < pages[level].state.length; k++) atlasQueue.push([level, k]);
    askPages();
    picsDirty = true;
  }

  // -- renderers of the image map --------------------------------------------------------------
  function ensureRenderer() {
    if (renderer) return;
    renderer = makeGL(glCanvas);
    if (renderer) {
      glCanvas.addEventListener("webglcontextlost", (e) => {
        e.preventDefault();
        renderer = makeFallback();  // pages are asked for again and drawn on the 2-D canvas
        atlasVersion = -1; loadAtlas(); requestDraw();
      }, { once: true });
    } else renderer = makeFallback();
    canvas.dataset.renderer = renderer.kind;
    notice.textContent = renderer.kind === "webgl2" ? "" : "drawn without WebGL (slower)";
    notice.title = renderer.kind === "webgl2" ? "" : "this browser gave no WebGL 2 context: the pictures are drawn on a 2-D canvas, which is slower";
    if (model.get("renderer") !== renderer.kind) { model.set("renderer", renderer.kind); model.save_changes(); }
  }
  function makeFallback() {
    return { kind: "canvas-fallback", upload() {} };
  }
  function showLayers() {
    const gl = imagesOn() && renderer && renderer.kind === "webgl2" && !cpuFrame;
    glCanvas.style.display = gl ? "block" : "none";
    base.style.display = gl ? "block" : "none";
  }

  // -- view ------------------------------------------------------------------------------------
  function fit() {
    const area = (maxX - minX) * (maxY - minY);
    const scaleFor = (pad) => Math.max(1e-9, Math.min((W - 2 * pad) / (maxX - minX), (H - 2 * pad) / (maxY - minY)));
    let scale = scaleFor(16 * dpr);
    // the pictures' size in data units: at the fitted view they would tile PIC_FILL of the box;
    // with pictures, the margin leaves room for half of one
    const natural = Math.sqrt(PIC_FILL * area / Math.max(1, n));
    if (imagesOn()) scale = scaleFor(16 * dpr + Math.min(natural * scale, MAX_FIT_PX * dpr) / 2);
    view = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale };
    fitScale = scale;
    uWorld = Math.min(natural, MAX_FIT_PX * dpr / fitScale);
    picsDirty = true;
  }
  const toScreenX = (x) => (x - view.cx) * view.scale + W / 2;
  const toScreenY = (y) => H / 2 - (y - view.cy) * view.scale;
  const toDataX = (sx) => (sx - W / 2) / view.scale + view.cx;
  const toDataY = (sy) => view.cy - (sy - H / 2) / view.scale;

  function resize() {
    dpr = window.devicePixelRatio || 1;
    const cssW = Math.max(50, stage.clientWidth || 600);
    const cssH = Math.max(50, model.get("height") | 0);
    stage.style.height = cssH + "px";
    const newW = Math.round(cssW * dpr), newH = Math.round(cssH * dpr);
    if (newW === W && newH === H) return false;
    const first = W === 0;
    W = newW; H = newH;
    for (const c of [canvas, overlay, glCanvas, base]) {
      c.width = W; c.height = H; c.style.width = cssW + "px"; c.style.height = cssH + "px";
    }
    image = ctx.createImageData(W, H);
    pix = new Uint32Array(image.data.buffer);
    if (first || !userMoved) fit();
    return true;
  }

  function radius() {
    const p = model.get("point_size");
    const r = p > 0 ? p : n <= 2000 ? 4 : n <= 20000 ? 3 : n <= 60000 ? 2 : 1.5;
    return r * dpr;
  }
  function codeOf(i) {
    const c = codes[i];
    return c === undefined || c >= catColors.length || c < 0 ? -1 : c;
  }
  function visible(i) { return hiddenArr[codeOf(i) + 1] === 0; }

  // -- drawing ---------------------------------------------------------------------------------
  function requestDraw() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; draw(); });
  }

  function rasterDots(target, put = true) {  // every visible point into the ImageData, then on a canvas
    pix.fill(0xffffffff);
    const r = radius();
    const big = stamp(r), small = stamp(Math.max(0.5, r - 1 * dpr));
    const nCat = catColors.length;
    const sel = selCount > 0 || filtering;
    const noiseHidden = hidden.has(-1);
    const hiddenCat = new Uint8Array(nCat + 1);
    for (const h of hidden) if (h >= 0 && h < nCat) hiddenCat[h] = 1;
    const s = view.scale, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
    let drawn = 0;
    // passes: 0 noise, 1 clustered, 2 selected on top
    for (let pass = 0; pass < 3; pass++) {
      if (pass === 2 && !sel) break;
      for (let i = 0; i < n; i++) {
        let c = codes[i];
        if (c >= nCat || c === undefined) c = -1;
        const isNoise = c < 0;
        if (pass === 0 && !isNoise) continue;
        if (pass === 1 && isNoise) continue;
        if (isNoise ? noiseHidden : hiddenCat[c]) continue;
        const isSel = sel && selMask[i] === 1;
        if (pass < 2 ? isSel : !isSel) continue;  // selected points only in the top pass
        const px = Math.round(xy[2 * i] * s + ox), py = Math.round(oy - xy[2 * i + 1] * s);
        if (px < -8 || py < -8 || px >= W + 8 || py >= H + 8) continue;
        const color = isNoise ? (sel && !isSel ? noiseDim : noiseColor)
                              : (sel && !isSel ? catDim[c] : catColors[c]);
        const st = isNoise ? small : big;
        for (let k = 0; k < st.length; k += 2) {
          const x = px + st[k], y = py + st[k + 1];
          if (x >= 0 && y >= 0 && x < W && y < H) pix[y * W + x] = color;
        }
        drawn++;
      }
    }
    if (put) (target || ctx).putImageData(image, 0, 0);
    return drawn;
  }

  function askPages() {
    const inFlight = atlasReqs.size;
    const miniPending = pages.mini.state.some((x) => x < 2);
    for (let k = inFlight; k < 2 && atlasQueue.length; k++) {
      if (atlasQueue[0][0] === "full" && miniPending && inFlight + k > 0) break;
      const [level, page] = atlasQueue.shift();
      const req = ++reqCounter;
      atlasReqs.set(req, [level, page]);
      model.send({ type: "atlas", page, level, req });
    }
  }
  function loaded(level, s) { const P = pages[level]; return s >= 0 && P.state[Math.floor(s / P.per)] === 2; }
  function hasPicture(i) {
    const s = slotOf[i];
    return detailSlotOf[i] >= 0 || loaded("mini", s) || loaded("full", s);
  }

  // Which works are drawn as pictures this frame, and how large (the level of detail):
  // - "all": every visible work that has a picture, at its natural size uWorld * scale;
  // - "lod": far out, dots for every work and, on top, representatives in picture order (cluster
  //   medoids first), one per cell of a screen grid, budget growing with the zoom.
  function choosePictures() {
    const s = view.scale, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
    const D = uWorld * s;
    const repSize = Math.max(D, REP_PX * dpr);
    const m = Math.max(D, repSize) / 2;
    let V = 0, Vpic = 0, Vcov = 0;  // works on screen, with a picture loaded, in the atlas
    for (let i = 0; i < n; i++) {
      if (!visible(i)) continue;
      const px = xy[2 * i] * s + ox, py = oy - xy[2 * i + 1] * s;
      if (px < -m || py < -m || px > W + m || py > H + m) continue;
      V++;
      if (slotOf[i] >= 0 || detailSlotOf[i] >= 0) Vcov++;
      if (hasPicture(i)) Vpic++;
    }
    const all = D >= MIN_ALL_PX * dpr && (V <= FETCH_LIMIT || Vcov >= 0.95 * V);
    const cell = model.get("atlas_cell") | 0;
    const shown = all ? D : repSize;
    const sharpen = shown > SHARPEN * cell;
    const level = sharpen ? "detail" : shown <= MINI_PX * dpr ? "mini" : "atlas";
    wantDetail = [];
    if (all) {
      // zoomed in, only the works on screen go to the GPU (rebuilt each frame); out to the whole
      // map, every work once (pan and zoom then change two uniforms)
      const cull = Vpic < 0.5 * lastPics.total;
      if (!cull && !picsDirty && lastPics.all && !lastPics.cull && lastPics.level === level) {
        lastPics.size = D;
      } else {
        // every work with a picture: noise first, then clusters with the most representative on
        // top, the selection above all
        const list = new Int32Array(n);
        let total = 0;
        let k = 0;
        const sel = selCount > 0 || filtering;
        for (let pass = 0; pass < 3; pass++) {
          if (pass === 2 && !sel) break;
          for (let r = n - 1; r >= 0; r--) {
            const i = byRank[r];
            const c = codeOf(i);
            if (hiddenArr[c + 1] || !hasPicture(i)) continue;
            const isSel = sel && selMask[i] === 1;
            if (pass === 2 ? !isSel : isSel || (pass === 0) !== (c < 0)) continue;
            total++;
            if (cull) {
              const px = xy[2 * i] * s + ox, py = oy - xy[2 * i + 1] * s;
              if (px < -m || py < -m || px > W + m || py > H + m) continue;
            }
            list[k++] = i;
          }
        }
        lastPics = { list, count: k, size: D, all: true, level, cull, total };
        picsDirty = true;
      }
      // fetch: works on screen without a picture, and sharper ones when zoomed in
      if (V <= FETCH_LIMIT) {
        for (let i = 0; i < n; i++) {
          if (!visible(i) || detailSlotOf[i] >= 0) continue;
          const px = xy[2 * i] * s + ox, py = oy - xy[2 * i + 1] * s;
          if (px < -m || py < -m || px > W + m || py > H + m) continue;
          if (sharpen || !hasPicture(i)) wantDetail.push(i);
        }
      }
      return { all, V, size: D, dots: Vpic < V, complete: Vpic === V };
    }
    // level of detail: representatives on a screen grid
    const z = s / fitScale;
    const nClusters = catColors.length;
    const budget = Math.max(48, 2 * nClusters) * Math.max(1, z * z * z);
    const gcell = repSize * 1.05;
    const gw = Math.ceil(W / gcell) + 2, gh = Math.ceil(H / gcell) + 2;
    const taken = new Uint8Array(gw * gh);
    const list = [];
    const half = repSize / 2;
    let missing = 0;
    for (let r = 0; r < n && r < budget; r++) {
      const i = byRank[r];
      if (!visible(i)) continue;
      const px = xy[2 * i] * s + ox, py = oy - xy[2 * i + 1] * s;
      if (px < -half || py < -half || px > W + half || py > H + half) continue;
      const g = (Math.floor(py / gcell) + 1) * gw + Math.floor(px / gcell) + 1;
      if (taken[g]) continue;
      if (!hasPicture(i)) { missing++; if (z >= 2 && wantDetail.length < 64) wantDetail.push(i); continue; }
      taken[g] = 1;
      list.push(i);
      if (sharpen && detailSlotOf[i] < 0 && wantDetail.length < 128) wantDetail.push(i);
    }
    // selected on top, the most representative above the rest
    list.reverse();
    if (selCount) list.sort((a, b) => selMask[a] - selMask[b]);
    lastPics = { list: Int32Array.from(list), count: list.length, size: repSize, all: false, level, cull: true, total: 0 };
    picsDirty = true;
    return { all, V, size: repSize, dots: true, complete: missing === 0 };
  }

  // Where work i's picture is: [level, page, x, y, w, h] in its page at the level wanted
  // ("mini", "atlas" or "detail"), else the nearest one loaded, and whether it is the one wanted
  function pictureAt_(i, want) {
    const d = detailSlotOf[i], s = slotOf[i];
    const full = loaded("full", s), mini = loaded("mini", s);
    if (d >= 0 && (want === "detail" || !(want === "mini" ? mini || full : full))) {
      const ds = model.get("detail_size") | 0, per = DETAIL_PER_ROW();
      const [w, h] = pictureBox(aspects[i] || 1, ds);
      detailUsed[d] = detailClock;
      return ["detail", d, (d % per) * ds, Math.floor(d / per) * ds, w, h, true];
    }
    const level = want === "mini" ? (mini ? "mini" : "full") : (full ? "full" : "mini");
    const P = pages[level];
    const page = Math.floor(s / P.per), k = s % P.per;
    const [w, h] = pictureBox(aspects[i] || 1, P.cell);
    const exact = want === "mini" ? true : want === "atlas" ? level === "full" : false;
    return [level, page, (k % P.perRow) * P.cell, Math.floor(k / P.perRow) * P.cell, w, h, exact];
  }
  // the same in the texture array: [layer, x, y, w, h, exact]
  function glSource(i, want) {
    const [level, page, x, y, w, h, exact] = pictureAt_(i, want);
    if (level === "detail") {
      const ds = model.get("detail_size") | 0, per = DETAIL_PER_ROW(), perLayer = per * per;
      const k = page % perLayer;
      return [renderer.layout.detail + Math.floor(page / perLayer), (k % per) * ds, Math.floor(k / per) * ds, w, h, exact];
    }
    const P = pages[level], q = LAYER / P.size, k = page % P.perLayer;
    return [renderer.layout[level] + Math.floor(page / P.perLayer), (k % q) * P.size + x, Math.floor(k / q) * P.size + y, w, h, exact];
  }

  function frameWidth(size) { return Math.min(3 * dpr, Math.max(1 * dpr, Math.round(size * 0.06))); }

  // Far out, where a software rasterizer draws (SwiftShader, or no WebGL at all), the pictures
  // are a few pixels each: copied from the mini pages' pixels into the dots' ImageData on the
  // CPU (nearest pixel), as cheap as the dots themselves, instead of 10^4 quads or drawImage calls.
  function cpuFar() { return renderer && (renderer.kind !== "webgl2" || renderer.software); }
  function mosaic(list, count, size, fw) {
    const s = view.scale, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
    const sel = selCount > 0 || filtering, P = pages.mini, f = Math.round(fw);
    let exact = true;
    for (let k = 0; k < count; k++) {
      const i = list[k];
      const a = aspects[i] || 1;
      const iw = Math.max(1, Math.round(a >= 1 ? size : size * a)), ih = Math.max(1, Math.round(a >= 1 ? size / a : size));
      const x0 = Math.round(xy[2 * i] * s + ox - iw / 2), y0 = Math.round(oy - xy[2 * i + 1] * s - ih / 2);
      if (x0 + iw + f <= 0 || y0 + ih + f <= 0 || x0 - f >= W || y0 - f >= H) continue;
      const c = codeOf(i), dim = sel && !selMask[i];
      const frameColor = c < 0 ? (dim ? noiseDim : noiseColor) : (dim ? catDim[c] : catColors[c]);
      const ya = Math.max(0, y0 - f), yb = Math.min(H, y0 + ih + f), xa = Math.max(0, x0 - f), xb = Math.min(W, x0 + iw + f);
      for (let y = ya; y < yb; y++) pix.fill(frameColor, y * W + xa, y * W + xb);
      const slot = slotOf[i], src = slot >= 0 ? P.pix[Math.floor(slot / P.per)] : null;
      if (!src) { exact = false; continue; }
      const kk = slot % P.per;
      const [bw, bh] = pictureBox(a, P.cell);
      const sx0 = (kk % P.perRow) * P.cell, sy0 = Math.floor(kk / P.perRow) * P.cell;
      const px = src.px, sw = src.w;
      const xs = Math.max(0, x0), xe = Math.min(W, x0 + iw);
      for (let y = Math.max(0, y0), ye = Math.min(H, y0 + ih); y < ye; y++) {
        const srow = (sy0 + Math.min(bh - 1, ((y - y0 + 0.5) * bh / ih) | 0)) * sw + sx0, drow = y * W;
        for (let x = xs; x < xe; x++) {
          let p = px[srow + Math.min(bw - 1, ((x - x0 + 0.5) * bw / iw) | 0)];
          if (dim) {  // 30% of the picture over the page's grey, as the dots are dimmed
            p = (((p & 255) * 77 + 42602) >> 8) | ((((p >> 8) & 255) * 77 + 42602) >> 8) << 8
              | ((((p >> 16) & 255) * 77 + 42602) >> 8) << 16;
          }
          pix[drow + x] = (p | 0xff000000) >>> 0;
        }
      }
    }
    return exact;
  }

  function drawPictures() {
    detailClock++;
    const chosen = choosePictures();
    const { list, count, size } = lastPics;
    const fw = frameWidth(size);
    if (lastPics.level === "mini" && cpuFar()) {
      if (chosen.dots) rasterDots(null, false); else pix.fill(0xffffffff);
      lastPics.exact = mosaic(list, count, size, fw);
      // on the top canvas, as the dots plot: the WebGL and base canvases are hidden meanwhile
      ctx.putImageData(image, 0, 0);
      cpuFrame = true; gpuEmpty = true;
      picsDirty = false;
    } else if (renderer.kind === "webgl2") {
      cpuFrame = false;
      // dots on the canvas under the pictures, where some work on screen has no picture
      if (chosen.dots) { rasterDots(bctx); baseClear = false; }
      else if (!baseClear) { bctx.clearRect(0, 0, W, H); baseClear = true; }
      if (picsDirty || gpuEmpty) {
        gpuEmpty = false;
        if (inst.length < count * 10) inst = new Float32Array(Math.max(count, 1024) * 10);
        const sel = selCount > 0 || filtering;
        let exact = true;
        for (let k = 0; k < count; k++) {
          const i = list[k];
          const [layer, x, y, w, h, ok] = glSource(i, lastPics.level);
          exact = exact && ok;
          const a = aspects[i] || 1;
          const o = k * 10;
          inst[o] = xy[2 * i]; inst[o + 1] = xy[2 * i + 1];
          inst[o + 2] = (x + 0.5) / LAYER; inst[o + 3] = (y + 0.5) / LAYER;
          inst[o + 4] = (x + w - 0.5) / LAYER; inst[o + 5] = (y + h - 0.5) / LAYER;
          inst[o + 6] = a >= 1 ? 1 : a; inst[o + 7] = a >= 1 ? 1 / a : 1;
          inst[o + 8] = layer;
          const c = codeOf(i);
          inst[o + 9] = (c < 0 ? 0 : Math.min(63, c + 1)) * 8 + (sel && !selMask[i] ? 2 : 0);
        }
        renderer.setPictures(inst, count);
        lastPics.exact = exact;
        picsDirty = false;
      }
      renderer.draw({ W, H, scale: view.scale, cx: view.cx, cy: view.cy, pal, picSize: size, frame: fw });
      ctx.clearRect(0, 0, W, H);
    } else {
      // 2-D canvas: the dots raster, then each picture with drawImage (slower, said in the toolbar)
      rasterDots();
      picsDirty = false;
      let exact = true;
      const s = view.scale, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
      const sel = selCount > 0 || filtering;
      for (let k = 0; k < count; k++) {
        const i = list[k];
        const a = aspects[i] || 1;
        const w = a >= 1 ? size : size * a, h = a >= 1 ? size / a : size;
        const px = xy[2 * i] * s + ox, py = oy - xy[2 * i + 1] * s;
        if (px + w / 2 + fw < 0 || py + h / 2 + fw < 0 || px - w / 2 - fw > W || py - h / 2 - fw > H) continue;
        const c = codeOf(i);
        ctx.fillStyle = (model.get("colors") || [])[c] || model.get("noise_color");
        ctx.fillRect(px - w / 2 - fw, py - h / 2 - fw, w + 2 * fw, h + 2 * fw);
        const [level, page, x, y, bw, bh, ok] = pictureAt_(i, lastPics.level);
        exact = exact && ok;
        const source = level === "detail" ? detailBitmaps.get(i) : pages[level].bitmaps[page];
        if (source && level === "detail") ctx.drawImage(source, px - w / 2, py - h / 2, w, h);
        else if (source) ctx.drawImage(source, x, y, bw, bh, px - w / 2, py - h / 2, w, h);
        if (sel && !selMask[i]) { ctx.fillStyle = "rgba(237,237,237,0.7)"; ctx.fillRect(px - w / 2, py - h / 2, w, h); }
      }
      lastPics.exact = exact;
    }
    scheduleDetail();
    return chosen;
  }

  function draw() {
    if (!W) resize();
    const t0 = performance.now();
    let drawn;
    const images = imagesOn() && renderer;
    showLayers();
    if (images) {
      const chosen = drawPictures();
      showLayers();
      drawn = chosen.V;
      canvas.dataset.pictures = String(lastPics.count);
      canvas.dataset.lod = chosen.all ? "all" : "representatives";
      canvas.dataset.pictureSize = (chosen.size / dpr).toFixed(1);
      // complete: every work on screen drawn, each picture at the resolution this zoom wants
      lastComplete = chosen.complete && lastPics.exact;
      canvas.dataset.complete = String(lastComplete);
    } else {
      drawn = rasterDots();
    }
    const r = radius();
    // a claim's evidence: supporting works ringed green, contradicting ones red (dashed)
    const ringR = (i) => images ? pictureRing(i) : r;
    ctx.lineWidth = 2 * dpr;
    for (const [ids, color, dash] of [[supporting, "#1a9e3f", []], [contradicting, "#d62728", [3 * dpr, 2 * dpr]]]) {
      ctx.strokeStyle = color; ctx.setLineDash(dash);
      for (const i of ids) {
        ctx.beginPath(); ctx.arc(toScreenX(xy[2 * i]), toScreenY(xy[2 * i + 1]), ringR(i) + 3 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    canvas.dataset.evidence = `${supporting.length}/${contradicting.length}`;
    // highlighted points: a ring drawn with the 2D API (few points)
    if (highlighted.length) {
      ctx.lineWidth = 2 * dpr;
      for (const i of highlighted) {
        const px = toScreenX(xy[2 * i]), py = toScreenY(xy[2 * i + 1]), rr = ringR(i);
        ctx.beginPath(); ctx.arc(px, py, rr + 5 * dpr, 0, 2 * Math.PI);
        ctx.strokeStyle = "#000"; ctx.stroke();
        ctx.beginPath(); ctx.arc(px, py, rr + 7 * dpr, 0, 2 * Math.PI);
        ctx.strokeStyle = "#fff"; ctx.stroke();
      }
    }
    drawLabels();
    const ms = performance.now() - t0;
    draws++;
    canvas.dataset.renderedPoints = String(drawn);
    canvas.dataset.draws = String(draws);
    canvas.dataset.lastDrawMs = ms.toFixed(2);
    // the view in CSS pixels: screen = ((x - cx) * scale + width / 2, height / 2 - (y - cy) * scale)
    canvas.dataset.view = JSON.stringify({ cx: view.cx, cy: view.cy, scale: view.scale / dpr, width: W / dpr, height: H / dpr });
    const version = model.get("data_version");
    canvas.dataset.renderedVersion = String(version);
    if (drawnVersion !== version) {
      drawnVersion = version;
      if (model.get("debug")) canvas.dataset.codesChecksum = String(checksum());
      canvas.dataset.versionDrawnAt = String(performance.now());
      model.set("rendered_points", drawn);
      model.set("rendered_version", version);
      model.save_changes();
    }
    // the first frame with every atlas page in it (what the benchmark times for the image map)
    const complete = `${version}/${atlasVersion}`;
    if (images && lastComplete && picturesDrawnFor !== complete) {
      picturesDrawnFor = complete;
      canvas.dataset.picturesDrawnAt = String(performance.now());
    }
    const what = images ? "works" : "points";
    info.textContent = `${n.toLocaleString()} ${what}` + (picked ? ` · ${picked.toLocaleString()} selected` : "")
      + (filtering ? ` · ${passing.toLocaleString()} pass the filter` : "")
      + (atlasError ? ` · pictures: ${atlasError}` : "");
  }
  const sel = () => selCount > 0 || filtering;
  function pictureRing(i) {
    const size = lastPics.size || 0;
    const a = aspects[i] || 1;
    return Math.max(radius(), 0.5 * Math.hypot(a >= 1 ? size : size * a, a >= 1 ? size / a : size));
  }

  function drawLabels() {  // cluster names (or numbers) at their centroids
    if (!model.get("show_labels")) return;
    const labels = model.get("cluster_labels") || [];
    if (!labels.length) return;
    ctx.font = `600 ${Math.round(13 * dpr)}px system-ui, sans-serif`;
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.lineJoin = "round"; ctx.lineWidth = 4 * dpr;
    for (const lab of labels) {
      if (hidden.has(lab.code)) continue;
      const x = toScreenX(lab.x), y = toScreenY(lab.y);
      if (x < -100 || y < -20 || x > W + 100 || y > H + 20) continue;
      const text = String(lab.text);
      ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.strokeText(text, x, y);
      ctx.fillStyle = "#111"; ctx.fillText(text, x, y);
    }
  }

  function checksum() {  // debug only (tests): sum of (code + 2) * (i % 1000 + 1)
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (codes[i] + 2) * ((i % 1000) + 1);
    return sum;
  }

  // -- pictures from the kernel ----------------------------------------------------------------
  async function onAtlas(msg, buffers) {
    const at = atlasReqs.get(msg.req);
    if (at === undefined || msg.version !== atlasVersion) return;
    atlasReqs.delete(msg.req);
    const [level, page] = at, P = pages[level];
    const data = u8(buffers && buffers[0]);
    if (msg.error || !data.length) {
      P.state[page] = 3; atlasError = msg.error || "empty page"; askPages(); requestDraw(); return;
    }
    try {
      const bitmap = await createImageBitmap(new Blob([data], { type: "image/jpeg" }));
      if (msg.version !== atlasVersion || !renderer) { bitmap.close?.(); return; }
      if (level === "mini" && cpuFar()) {  // the far view's pixels, for mosaic()
        const oc = new OffscreenCanvas(bitmap.width, bitmap.height);
        const octx2 = oc.getContext("2d", { willReadFrequently: true });
        octx2.drawImage(bitmap, 0, 0);
        P.pix[page] = { px: new Uint32Array(octx2.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer), w: bitmap.width };
      }
      if (renderer.kind === "webgl2") {
        const q = LAYER / P.size, k = page % P.perLayer;
        renderer.upload(renderer.layout[level] + Math.floor(page / P.perLayer), (k % q) * P.size, Math.floor(k / q) * P.size, bitmap);
        bitmap.close?.();
      } else P.bitmaps[page] = bitmap;
      P.state[page] = 2;
      picsDirty = true;
      const all = [...pages.full.state, ...pages.mini.state];
      canvas.dataset.pages = `${all.filter((x) => x >= 2).length}/${all.length}`;
      requestDraw();
    } catch (e) {
      P.state[page] = 3; atlasError = String(e); requestDraw();
    }
    askPages();
  }

  function scheduleDetail() {
    if (!wantDetail.length) return;
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = setTimeout(sendDetail, 120);  // once the view rests
  }
  function sendDetail() {
    detailTimer = 0;
    const ids = wantDetail.filter((i) => !detailPending.has(i) && detailSlotOf[i] < 0);
    const cap = DETAIL_LAYERS * DETAIL_PER_ROW() ** 2;
    const room = Math.max(0, Math.floor(cap * 0.9) - detailPending.size);
    const take = ids.slice(0, room);
    for (let k = 0; k < take.length; k += 64) {
      const batch = take.slice(k, k + 64);
      const req = ++reqCounter;
      detailReqs.add(req);
      for (const i of batch) detailPending.add(i);
      model.send({ type: "thumbs", ids: batch, size: model.get("detail_size"), info: false, req });
    }
  }
  function freeDetailSlot() {
    const cap = DETAIL_LAYERS * DETAIL_PER_ROW() ** 2;
    if (detailOwner.length < cap) { detailOwner.push(-1); detailUsed.push(-1); return detailOwner.length - 1; }
    let best = -1, oldest = Infinity;
    for (let k = 0; k < cap; k++) {
      if (detailUsed[k] < oldest && detailUsed[k] < detailClock) { oldest = detailUsed[k]; best = k; }
    }
    if (best >= 0 && detailOwner[best] >= 0) {
      const old = detailOwner[best];
      detailSlotOf[old] = -1;
      const bm = detailBitmaps.get(old);
      if (bm) { bm.close?.(); detailBitmaps.delete(old); }
    }
    return best;
  }
  async function onDetail(msg, buffers) {
    const ds = model.get("detail_size") | 0;
    const per = DETAIL_PER_ROW(), perLayer = per * per;
    for (const { id, blob } of unpackThumbBlobs(msg, buffers)) {
      detailPending.delete(id);
      if (!blob || id < 0 || id >= n || detailSlotOf[id] >= 0) continue;
      const [w, h] = pictureBox(aspects[id] || 1, ds);
      let bitmap;
      try { bitmap = await createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: "medium" }); }
      catch (e) { continue; }
      if (!renderer) { bitmap.close?.(); return; }
      const slot = freeDetailSlot();
      if (slot < 0) { bitmap.close?.(); continue; }
      if (renderer.kind === "webgl2") {
        const k = slot % perLayer;
        renderer.upload(renderer.layout.detail + Math.floor(slot / perLayer), (k % per) * ds, Math.floor(k / per) * ds, bitmap);
        bitmap.close?.();
      } else detailBitmaps.set(id, bitmap);
      detailOwner[slot] = id; detailUsed[slot] = detailClock; detailSlotOf[id] = slot;
      picsDirty = true;
    }
    canvas.dataset.detail = String(detailOwner.filter((i) => i >= 0).length);
    requestDraw();
  }

  // -- legend and colour menu ------------------------------------------------------------------
  function buildLegend() {
    legend.replaceChildren();
    const cats = model.get("categories") || [];
    const colors = model.get("colors") || [];
    const counts = model.get("counts") || [];
    const entries = cats.map((name, c) => [c, name, colors[c], counts[c] ?? 0]);
    if ((model.get("noise_count") | 0) > 0)
      entries.push([-1, model.get("noise_label"), model.get("noise_color"), model.get("noise_count")]);
    for (const [c, name, color, count] of entries) {
      const item = el_("button", "artopic-plot-legend-item", legend);
      item.type = "button";
      item.dataset.code = String(c);
      if (hidden.has(c)) item.classList.add("is-hidden");
      const sw = el_("span", "artopic-plot-swatch", item);
      sw.style.backgroundColor = /^#[0-9a-f]{6}$/i.test(color) ? color : "#888";
      const label = el_("span", "artopic-plot-legend-label", item);
      label.textContent = String(name);
      const cnt = el_("span", "artopic-plot-legend-count", item);
      cnt.textContent = String(count);
      item.title = "click to show / hide";
    }
  }
  onDom(legend, "click", (e) => {
    const item = e.target.closest(".artopic-plot-legend-item");
    if (!item) return;
    const c = Number(item.dataset.code);
    const next = new Set(model.get("hidden_categories") || []);
    if (next.has(c)) next.delete(c); else next.add(c);
    model.set("hidden_categories", [...next].sort((a, b) => a - b));
    model.save_changes();
  });
  function buildColorMenu() {
    colorSelect.replaceChildren();
    for (const opt of model.get("color_options") || []) {
      const o = el_("option", "", colorSelect);
      o.value = opt; o.textContent = opt;
    }
    colorSelect.value = model.get("color_by");
  }
  onDom(colorSelect, "change", () => { model.set("color_by", colorSelect.value); model.save_changes(); });

  // -- interaction -----------------------------------------------------------------------------
  function setMode(m) {
    mode = m;
    for (const [k, b] of Object.entries(modes)) b.classList.toggle("is-active", k === m);
    stage.dataset.mode = m;
  }
  for (const [k, b] of Object.entries(modes)) onDom(b, "click", () => setMode(k));
  setMode("pan");
  onDom(resetBtn, "click", () => { userMoved = false; fit(); requestDraw(); });
  onDom(clearBtn, "click", () => { model.set("selected_ids", []); model.save_changes(); });

  function eventXY(e) {
    const rect = overlay.getBoundingClientRect();
    return [(e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr];
  }

  onDom(overlay, "wheel", (e) => {
    e.preventDefault();
    const [sx, sy] = eventXY(e);
    const dx = toDataX(sx), dy = toDataY(sy);
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    view.scale = Math.min(1e9, Math.max(1e-9, view.scale * factor));
    view.cx = dx - (sx - W / 2) / view.scale;
    view.cy = dy + (sy - H / 2) / view.scale;
    userMoved = true;
    requestDraw();
  }, { passive: false });

  let drag = null;
  onDom(overlay, "pointerdown", (e) => {
    if (e.button !== 0) return;
    try { overlay.setPointerCapture?.(e.pointerId); } catch (err) { /* a synthetic pointer */ }
    const [sx, sy] = eventXY(e);
    const m = e.shiftKey && mode === "pan" ? "box" : mode;
    drag = { mode: m, x0: sx, y0: sy, x1: sx, y1: sy, cx: view.cx, cy: view.cy, path: [sx, sy], moved: false };
    hideTooltip();
  });
  onDom(overlay, "pointermove", (e) => {
    const [sx, sy] = eventXY(e);
    if (!drag) { hover(sx, sy); return; }
    drag.x1 = sx; drag.y1 = sy;
    if (Math.abs(sx - drag.x0) + Math.abs(sy - drag.y0) > 3 * dpr) drag.moved = true;
    if (drag.mode === "pan") {
      view.cx = drag.cx - (sx - drag.x0) / view.scale;
      view.cy = drag.cy + (sy - drag.y0) / view.scale;
      userMoved = true;
      requestDraw();
    } else {
      if (drag.mode === "lasso") drag.path.push(sx, sy);
      drawOverlay();
    }
  });
  const endDrag = () => {
    if (!drag) return;
    const d = drag; drag = null;
    octx.clearRect(0, 0, W, H);
    if (d.mode === "pan") return;
    if (!d.moved) {  // a click: select the work under the pointer, or clear
      const i = nearest(d.x0, d.y0);
      model.set("selected_ids", i >= 0 ? [i] : []);
      model.save_changes();
      return;
    }
    const ids = d.mode === "box" ? inBox(d) : inLasso(d.path);
    model.set("selected_ids", ids);
    model.save_changes();
  };
  onDom(overlay, "pointerup", endDrag);
  onDom(overlay, "pointercancel", () => { drag = null; octx.clearRect(0, 0, W, H); });
  onDom(overlay, "pointerleave", () => { if (!drag) hideTooltip(); });
  onDom(overlay, "dblclick", () => { userMoved = false; fit(); requestDraw(); });

  function drawOverlay() {
    octx.clearRect(0, 0, W, H);
    if (!drag) return;
    octx.lineWidth = 1 * dpr;
    octx.strokeStyle = "#333";
    octx.fillStyle = "rgba(60, 120, 220, 0.12)";
    octx.setLineDash([4 * dpr, 3 * dpr]);
    octx.beginPath();
    if (drag.mode === "box") {
      octx.rect(Math.min(drag.x0, drag.x1), Math.min(drag.y0, drag.y1),
                Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
    } else {
      const p = drag.path;
      octx.moveTo(p[0], p[1]);
      for (let k = 2; k < p.length; k += 2) octx.lineTo(p[k], p[k + 1]);
      octx.closePath();
    }
    octx.fill(); octx.stroke(); octx.setLineDash([]);
  }

  function inBox(d) {
    const xa = toDataX(Math.min(d.x0, d.x1)), xb = toDataX(Math.max(d.x0, d.x1));
    const ya = toDataY(Math.max(d.y0, d.y1)), yb = toDataY(Math.min(d.y0, d.y1));
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x >= xa && x <= xb && y >= ya && y <= yb && visible(i)) out.push(i);
    }
    return out;
  }
  function inLasso(path) {
    if (path.length < 6) return [];
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let k = 0; k < path.length; k += 2) {
      x0 = Math.min(x0, path[k]); x1 = Math.max(x1, path[k]);
      y0 = Math.min(y0, path[k + 1]); y1 = Math.max(y1, path[k + 1]);
    }
    const out = [];
    for (let i = 0; i < n; i++) {
      const sx = toScreenX(xy[2 * i]), sy = toScreenY(xy[2 * i + 1]);
      if (sx < x0 || sx > x1 || sy < y0 || sy > y1) continue;
      if (visible(i) && pointInPolygon(sx, sy, path)) out.push(i);
    }
    return out;
  }

  // spatial grid in data space for hover look-ups
  const G = 128;
  function buildIndex() {
    const cellOf = new Int32Array(n), start = new Int32Array(G * G + 1);
    const fx = G / (maxX - minX) * 0.999999, fy = G / (maxY - minY) * 0.999999;
    for (let i = 0; i < n; i++) {
      const cx = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i] - minX) * fx)));
      const cy = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i + 1] - minY) * fy)));
      cellOf[i] = cy * G + cx; start[cellOf[i] + 1]++;
    }
    for (let c = 0; c < G * G; c++) start[c + 1] += start[c];
    const fill = start.slice(0, G * G), items = new Int32Array(n);
    for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
    index = { start, items, fx, fy };
  }
  function pictureAt(sx, sy) {  // the topmost picture under the pointer, or -1
    if (!imagesOn() || !renderer) return -1;
    const { list, count, size } = lastPics;
    const fw = frameWidth(size);
    for (let k = count - 1; k >= 0; k--) {
      const i = list[k];
      const a = aspects[i] || 1;
      const hw = (a >= 1 ? size : size * a) / 2 + fw, hh = (a >= 1 ? size / a : size) / 2 + fw;
      if (Math.abs(sx - toScreenX(xy[2 * i])) <= hw && Math.abs(sy - toScreenY(xy[2 * i + 1])) <= hh && visible(i)) return i;
    }
    return -1;
  }
  function nearest(sx, sy) {
    if (!n) return -1;
    const p = pictureAt(sx, sy);
    if (p >= 0) return p;
    if (!index) buildIndex();
    const rad = Math.max(radius() + 3 * dpr, 6 * dpr);
    const dx = toDataX(sx), dy = toDataY(sy), rd = rad / view.scale;
    const cx0 = Math.max(0, Math.floor((dx - rd - minX) * index.fx)), cx1 = Math.min(G - 1, Math.floor((dx + rd - minX) * index.fx));
    const cy0 = Math.max(0, Math.floor((dy - rd - minY) * index.fy)), cy1 = Math.min(G - 1, Math.floor((dy + rd - minY) * index.fy));
    let best = -1, bestD = rd * rd;
    for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
      const c = cy * G + cx;
      for (let k = index.start[c]; k < index.start[c + 1]; k++) {
        const i = index.items[k];
        const ddx = xy[2 * i] - dx, ddy = xy[2 * i + 1] - dy, d2 = ddx * ddx + ddy * ddy;
        if (d2 <= bestD && visible(i)) { bestD = d2; best = i; }
      }
    }
    return best;
  }

  // -- hover card ------------------------------------------------------------------------------
  function hideTooltip() { tooltip.style.display = "none"; hoverId = -1; }
  function hover(sx, sy) {
    const i = nearest(sx, sy);
    if (i < 0) { hideTooltip(); return; }
    const left = sx / dpr + 14, top = sy / dpr + 14;
    tooltip.style.left = Math.min(left, W / dpr - 180) + "px";
    tooltip.style.top = Math.min(top, H / dpr - 60) + "px";
    if (i === hoverId) return;
    hoverId = i;
    tooltip.style.display = "block";
    tooltip.dataset.id = String(i);
    const cached = thumbCache.get(i);
    if (cached) showCard(i, cached);
    else {
      tipTitle.textContent = `#${i}`; tipSub.textContent = "…"; tipImg.removeAttribute("src");
      model.send({ type: "thumbs", ids: [i], size: model.get("thumb_size"), info: true, req: ++reqCounter });
    }
  }
  function showCard(i, entry) {
    if (i !== hoverId) return;
    if (entry.url) tipImg.src = entry.url; else tipImg.removeAttribute("src");
    const inf = entry.info || {};
    tipTitle.textContent = inf.title || `#${i}`;
    tipSub.textContent = [inf.artist, inf.date, inf.group].filter(Boolean).join(" · ");
  }
  function onCustom(msg, buffers) {
    if (msg && msg.type === "atlas") { onAtlas(msg, buffers); return; }
    if (msg && detailReqs.has(msg.req)) { detailReqs.delete(msg.req); onDetail(msg, buffers); return; }
    for (const { id, blob, info: inf } of unpackThumbBlobs(msg, buffers)) {
      const old = thumbCache.get(id);
      if (old && old.url) URL.revokeObjectURL(old.url);
      const entry = { url: blob ? URL.createObjectURL(blob) : "", info: inf };
      thumbCache.set(id, entry);
      showCard(id, entry);
    }
  }

  // -- model events ----------------------------------------------------------------------------
  function startImages() {
    if (!userMoved) fit();
    if (!imagesOn()) { showLayers(); requestDraw(); return; }
    loadPictures();
    loadAtlas();
    requestDraw();
  }
  on("change:coords", () => { loadCoords(); loadHighlighted(); loadEvidence(); loadPictures(); fit(); requestDraw(); });
  on("change:n_points", () => { loadCoords(); loadPictures(); fit(); requestDraw(); });
  on("change:codes", () => { loadCodes(); requestDraw(); });
  on("change:colors", () => { loadColors(); buildLegend(); requestDraw(); });
  on("change:categories", () => { buildLegend(); });
  on("change:counts", () => { buildLegend(); });
  on("change:noise_count", () => { buildLegend(); });
  on("change:hidden_categories", () => { loadHidden(); buildLegend(); requestDraw(); });
  on("change:selected_ids", () => { loadSelection(); requestDraw(); });
  on("change:filter_mask", () => { loadSelection(); requestDraw(); });
  on("change:highlighted_ids", () => { loadHighlighted(); requestDraw(); });
  on("change:supporting_ids", () => { loadEvidence(); requestDraw(); });
  on("change:contradicting_ids", () => { loadEvidence(); requestDraw(); });
  on("change:data_version", () => { requestDraw(); });
  on("change:color_by", () => { colorSelect.value = model.get("color_by"); });
  on("change:color_options", buildColorMenu);
  on("change:height", () => { if (resize()) requestDraw(); });
  on("change:point_size", requestDraw);
  on("change:draw", startImages);
  on("change:ranks", () => { loadPictures(); requestDraw(); });
  on("change:aspects", () => { loadPictures(); requestDraw(); });
  on("change:atlas_version", () => { loadAtlas(); requestDraw(); });
  on("change:cluster_labels", requestDraw);
  on("change:show_labels", requestDraw);
  on("msg:custom", onCustom);

  loadCoords(); loadCodes(); loadColors(); loadHighlighted(); loadEvidence();
  buildLegend(); buildColorMenu();
  const ro = new ResizeObserver(() => { if (resize()) { requestDraw(); } });
  ro.observe(stage);
  resize();
  if (imagesOn()) { loadPictures(); loadAtlas(); }
  draw();

  return () => {
    for (const [name, fn] of listeners) model.off(name, fn);
    for (const [target, name, fn, opts] of domListeners) target.removeEventListener(name, fn, opts);
    ro.disconnect();
    if (frame) cancelAnimationFrame(frame);
    if (detailTimer) clearTimeout(detailTimer);
    for (const entry of thumbCache.values()) if (entry.url) URL.revokeObjectURL(entry.url);
    thumbCache.clear();
    for (const P of Object.values(pages)) for (const b of P.bitmaps) if (b) b.close?.();
    for (const b of detailBitmaps.values()) b.close?.();
    detailBitmaps.clear();
    if (renderer && renderer.destroy) renderer.destroy();
    renderer = null;
  };
}

export default { render };
