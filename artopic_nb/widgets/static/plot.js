// artopic_nb view "plot": bundled by esbuild 0.28.2 from artopic_nb/widgets/js/plot.js; sources sha256 a39177d4d571326389caf148f93c96c852f54c84787e55c06742a4a256ef2640. Do not edit: npm run build.

// artopic_nb/widgets/js/shared/dom.js
function el_(tag, cls, parent, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== void 0) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
function button(cls, parent, text) {
  const b = el_("button", cls, parent);
  b.type = "button";
  if (text !== void 0) b.textContent = String(text);
  return b;
}
function listeners(model) {
  const modelListeners = [], domListeners = [];
  return {
    on(name, fn) {
      model.on(name, fn);
      modelListeners.push([name, fn]);
    },
    onDom(target, name, fn, opts) {
      target.addEventListener(name, fn, opts);
      domListeners.push([target, name, fn, opts]);
    },
    dispose() {
      for (const [name, fn] of modelListeners) model.off(name, fn);
      for (const [target, name, fn, opts] of domListeners) target.removeEventListener(name, fn, opts);
      modelListeners.length = 0;
      domListeners.length = 0;
    }
  };
}

// artopic_nb/widgets/js/shared/buffers.js
function u8(buf) {
  if (!buf) return new Uint8Array(0);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(0);
}
function typed(buf, Ctor) {
  const b = u8(buf);
  const n = Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n);
  return new Ctor(b.slice(0, n * Ctor.BYTES_PER_ELEMENT).buffer);
}

// artopic_nb/widgets/js/map/constants.js
var PIC_FILL = 0.9;
var MAX_FIT_PX = 64;
var MIN_ALL_PX = 3;
var REP_PX = 40;
var FETCH_LIMIT = 400;
var SHARPEN = 1.25;
var LAYER = 2048;
var DETAIL_LAYERS = 2;
var MINI_PX = 10;
var DATE_SLOT = 0.92;
function pictureBox(a, cell) {
  if (a >= 1) return [cell, Math.min(cell, Math.max(1, Math.floor(cell / a + 0.5)))];
  return [Math.min(cell, Math.max(1, Math.floor(cell * (a > 0 ? a : 1) + 0.5))), cell];
}
function picturePx(a, size) {
  return a >= 1 ? [size, size / a] : [size * a, size];
}
function frameWidth(dpr, size) {
  return Math.min(3 * dpr, Math.max(1 * dpr, Math.round(size * 0.06)));
}
var detailPerRow = (model) => Math.floor(LAYER / Math.max(1, model.get("detail_size") | 0));

// artopic_nb/widgets/js/map/state.js
function createState(model, el) {
  return {
    model,
    el,
    dom: null,
    // the works: positions, categories (codes), colours, what is hidden, selected, filtered
    n: 0,
    xy: new Float32Array(0),
    codes: new Int32Array(0),
    minX: 0,
    maxX: 1,
    minY: 0,
    maxY: 1,
    catColors: [],
    catDim: [],
    noiseColor: 0,
    noiseDim: 0,
    pal: new Float32Array(256),
    hidden: /* @__PURE__ */ new Set(),
    hiddenArr: new Uint8Array(1),
    // hiddenArr[code + 1]
    selMask: new Uint8Array(0),
    selCount: 0,
    picked: 0,
    filtering: false,
    passing: 0,
    // selected ids; the filter and its count
    highlighted: [],
    supporting: [],
    contradicting: [],
    index: null,
    // spatial grid for hover (hover.js)
    // the view: screen = ((x - cx) * scale + W / 2, H / 2 - (y - cy) * scale), device pixels
    view: { cx: 0.5, cy: 0.5, scale: 1 },
    fitScale: 1,
    uWorld: 0,
    W: 0,
    H: 0,
    dpr: 1,
    image: null,
    pix: null,
    userMoved: false,
    mode: "pan",
    drag: null,
    frame: 0,
    draws: 0,
    drawnVersion: -1,
    reqCounter: 0,
    hoverId: -1,
    thumbCache: /* @__PURE__ */ new Map(),
    // id -> { url, info } (hover cards)
    // the image map
    renderer: null,
    // makeGL(...) or the 2-D fallback (null until pictures are drawn)
    aspects: new Float32Array(0),
    ranks: new Int32Array(0),
    atlasIds: new Int32Array(0),
    slotOf: new Int32Array(0),
    byRank: new Int32Array(0),
    // the atlas: "full" pages (atlas_cell squares) and "mini" pages (mini_cell squares), each
    // { size, cell, per (works a page), state: [0 asked / 2 loaded / 3 failed], bitmaps (fallback) }
    // (mini pages also as pixels, pix, where the far view is drawn on the CPU: see mosaic())
    pages: { full: { state: [], bitmaps: [] }, mini: { state: [], bitmaps: [], pix: [] } },
    atlasVersion: -1,
    atlasError: "",
    atlasReqs: /* @__PURE__ */ new Map(),
    atlasQueue: [],
    picsDirty: true,
    dotsDirty: true,
    lastPics: { list: new Int32Array(0), count: 0, size: 0, all: false, level: "", cull: false, total: 0 },
    baseClear: true,
    gpuEmpty: false,
    cpuFrame: false,
    inst: new Float32Array(0),
    picturesDrawnFor: "",
    lastComplete: false,
    // sharper thumbnails (detail.js): a slot per picture in the detail layers
    detailSlotOf: new Int32Array(0),
    detailOwner: [],
    detailUsed: [],
    detailClock: 0,
    detailBitmaps: /* @__PURE__ */ new Map(),
    // fallback: id -> ImageBitmap
    detailPending: /* @__PURE__ */ new Set(),
    detailReqs: /* @__PURE__ */ new Set(),
    wantDetail: [],
    detailTimer: 0,
    detailMissing: /* @__PURE__ */ new Set(),
    // works the kernel has no thumbnail for: not asked again
    blitCols: new Int32Array(256),
    // mosaic(): a far picture's source column per screen column
    // the layout drawn ("map" or "date") and a move between two (layout.js)
    layoutShown: "",
    transition: null,
    requestDraw: () => {
    }
    // set by the view (draw.js)
  };
}
var imagesOn = (s) => s.model.get("draw") === "images";
var selecting = (s) => s.selCount > 0 || s.filtering;
function codeOf(s, i) {
  const c = s.codes[i];
  return c === void 0 || c >= s.catColors.length || c < 0 ? -1 : c;
}
function visible(s, i) {
  return s.hiddenArr[codeOf(s, i) + 1] === 0;
}
function radius(s) {
  const p = s.model.get("point_size");
  const n = s.n;
  const r = p > 0 ? p : n <= 2e3 ? 4 : n <= 2e4 ? 3 : n <= 6e4 ? 2 : 1.5;
  return r * s.dpr;
}

// artopic_nb/widgets/js/map/webgl.js
var VS_PICS = `#version 300 es
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
var FS_PICS = `#version 300 es
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
var UNIFORMS = ["u_scale", "u_offset", "u_px", "u_size", "u_frame", "u_pal", "u_tex"];
var PICTURE_FLOATS = 10;
function compileProgram(gl, vs, fs) {
  const prog = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const sh = gl.createShader(type);
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(sh) || "shader");
    gl.attachShader(prog, sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog) || "link");
  return prog;
}
function context(glCanvas) {
  try {
    return glCanvas.getContext("webgl2", {
      antialias: false,
      alpha: true,
      depth: false,
      stencil: false,
      premultipliedAlpha: true,
      preserveDrawingBuffer: false
    });
  } catch (e) {
    return null;
  }
}
function vertexBuffers(gl, instanced) {
  const picVao = gl.createVertexArray();
  gl.bindVertexArray(picVao);
  const vertBuf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, vertBuf);
  for (const [loc, size, off] of [[1, 2, 0], [2, 4, 8], [3, 4, 24]]) {
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, gl.FLOAT, false, 4 * PICTURE_FLOATS, off);
    if (instanced) gl.vertexAttribDivisor(loc, 1);
  }
  const indexBuf = gl.createBuffer();
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indexBuf);
  gl.bindVertexArray(null);
  return { picVao, vertBuf, indexBuf };
}
function makeGL(glCanvas) {
  const gl = context(glCanvas);
  if (!gl) return null;
  let prog;
  try {
    prog = compileProgram(gl, VS_PICS, FS_PICS);
  } catch (e) {
    console.warn("artopic plot: WebGL 2 shaders failed, drawing on a 2-D canvas", e);
    return null;
  }
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const software = /swiftshader|llvmpipe|software/i.test(
    String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
  );
  const instanced = !software;
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  const g = {
    gl,
    prog,
    instanced,
    ...vertexBuffers(gl, instanced),
    up: Object.fromEntries(UNIFORMS.map((k) => [k, gl.getUniformLocation(prog, k)])),
    tex: null,
    indexCap: 0,
    nPics: 0,
    verts: new Float32Array(0),
    layout: { full: 0, mini: 0, detail: 0 }
    // first layer of each kind
  };
  return {
    kind: "webgl2",
    instanced,
    software,
    layout: g.layout,
    setLayers: (full, mini) => setLayers(g, full, mini),
    upload: (layer, x, y, source) => upload(g, layer, x, y, source),
    setPictures: (inst, count) => setPictures(g, inst, count),
    draw: (f) => drawFrame(g, f),
    destroy: () => destroy(g)
  };
}
function setLayers(g, full, mini) {
  const gl = g.gl;
  if (g.tex) gl.deleteTexture(g.tex);
  g.layout.full = 0;
  g.layout.mini = full;
  g.layout.detail = full + mini;
  g.tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, g.tex);
  gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, gl.RGBA8, LAYER, LAYER, full + mini + DETAIL_LAYERS);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
}
function upload(g, layer, x, y, source) {
  const gl = g.gl;
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, g.tex);
  gl.texSubImage3D(
    gl.TEXTURE_2D_ARRAY,
    0,
    x,
    y,
    layer,
    Math.min(LAYER - x, source.width),
    Math.min(LAYER - y, source.height),
    1,
    gl.RGBA,
    gl.UNSIGNED_BYTE,
    source
  );
}
function setPictures(g, inst, count) {
  const gl = g.gl, F = PICTURE_FLOATS;
  g.nPics = count;
  if (g.instanced) {
    gl.bindBuffer(gl.ARRAY_BUFFER, g.vertBuf);
    gl.bufferData(gl.ARRAY_BUFFER, inst.subarray(0, count * F), gl.DYNAMIC_DRAW);
    return;
  }
  if (g.verts.length < count * 4 * F) g.verts = new Float32Array(Math.max(count, 1024) * 4 * F);
  const verts = g.verts;
  for (let k = 0; k < count; k++) {
    const src = inst.subarray(k * F, k * F + F);
    for (let v = 0; v < 4; v++) verts.set(src, (4 * k + v) * F);
  }
  gl.bindVertexArray(g.picVao);
  gl.bindBuffer(gl.ARRAY_BUFFER, g.vertBuf);
  gl.bufferData(gl.ARRAY_BUFFER, verts.subarray(0, count * 4 * F), gl.DYNAMIC_DRAW);
  if (count > g.indexCap) {
    g.indexCap = Math.max(count, 2 * g.indexCap, 1024);
    const idx = new Uint32Array(g.indexCap * 6);
    for (let k = 0; k < g.indexCap; k++) idx.set([4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 2, 4 * k + 1, 4 * k + 3], 6 * k);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, g.indexBuf);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STATIC_DRAW);
  }
  gl.bindVertexArray(null);
}
function drawFrame(g, f) {
  const { gl, up } = g;
  gl.viewport(0, 0, f.W, f.H);
  gl.clearColor(0, 0, 0, 0);
  gl.clear(gl.COLOR_BUFFER_BIT);
  if (!g.nPics || !g.tex) return;
  const sx = 2 * f.scale / f.W, sy = 2 * f.scale / f.H;
  gl.useProgram(g.prog);
  gl.uniform2f(up.u_scale, sx, sy);
  gl.uniform2f(up.u_offset, -f.cx * sx, -f.cy * sy);
  gl.uniform2f(up.u_px, 2 / f.W, 2 / f.H);
  gl.uniform1f(up.u_size, f.picSize);
  gl.uniform1f(up.u_frame, f.frame);
  gl.uniform4fv(up.u_pal, f.pal);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, g.tex);
  gl.uniform1i(up.u_tex, 0);
  gl.bindVertexArray(g.picVao);
  if (g.instanced) gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, g.nPics);
  else gl.drawElements(gl.TRIANGLES, 6 * g.nPics, gl.UNSIGNED_INT, 0);
  gl.bindVertexArray(null);
}
function destroy(g) {
  const gl = g.gl;
  if (g.tex) gl.deleteTexture(g.tex);
  for (const b of [g.vertBuf, g.indexBuf]) gl.deleteBuffer(b);
  gl.getExtension("WEBGL_lose_context")?.loseContext();
}

// artopic_nb/widgets/js/map/renderer.js
function makeFallback() {
  return { kind: "canvas-fallback", upload() {
  } };
}
function ensureRenderer(s, onLost) {
  if (s.renderer) return;
  const { glCanvas, canvas, notice } = s.dom;
  s.renderer = makeGL(glCanvas);
  if (s.renderer) {
    glCanvas.addEventListener("webglcontextlost", (e) => {
      e.preventDefault();
      s.renderer = makeFallback();
      onLost();
    }, { once: true });
  } else s.renderer = makeFallback();
  const kind = s.renderer.kind;
  canvas.dataset.renderer = kind;
  notice.textContent = kind === "webgl2" ? "" : "drawn without WebGL (slower)";
  notice.title = kind === "webgl2" ? "" : "this browser gave no WebGL 2 context: the pictures are drawn on a 2-D canvas, which is slower";
  if (s.model.get("renderer") !== kind) {
    s.model.set("renderer", kind);
    s.model.save_changes();
  }
}
function showLayers(s) {
  const gl = imagesOn(s) && s.renderer && s.renderer.kind === "webgl2" && !s.cpuFrame;
  s.dom.glCanvas.style.display = gl ? "block" : "none";
  s.dom.base.style.display = gl ? "block" : "none";
}
function cpuFar(s) {
  return s.renderer && (s.renderer.kind !== "webgl2" || s.renderer.software);
}

// artopic_nb/widgets/js/map/atlas.js
var LEVELS = [["full", "atlas_cell", "atlas_page_size"], ["mini", "mini_cell", "mini_page_size"]];
function loadAtlas(s) {
  if (!imagesOn(s)) return;
  const model = s.model;
  const version = model.get("atlas_version");
  if (version === s.atlasVersion && s.renderer) return;
  s.atlasVersion = version;
  s.atlasIds = typed(model.get("atlas_ids"), Int32Array);
  const n = s.n, atlasIds = s.atlasIds;
  s.slotOf = new Int32Array(n).fill(-1);
  for (let k = 0; k < atlasIds.length; k++) if (atlasIds[k] >= 0 && atlasIds[k] < n) s.slotOf[atlasIds[k]] = k;
  const layers = {};
  for (const [level, cellKey, sizeKey] of LEVELS) {
    const P = s.pages[level];
    for (const b of P.bitmaps) if (b) b.close?.();
    P.cell = Math.max(1, model.get(cellKey) | 0);
    P.size = Math.min(LAYER, Math.max(P.cell, model.get(sizeKey) | 0));
    P.perRow = Math.floor(P.size / P.cell);
    P.per = P.perRow * P.perRow;
    P.perLayer = (LAYER / P.size) ** 2;
    const count = Math.ceil(atlasIds.length / P.per);
    P.state = new Array(count).fill(0);
    P.bitmaps = new Array(count).fill(null);
    P.pix = [];
    layers[level] = Math.ceil(count / P.perLayer);
  }
  s.atlasReqs.clear();
  s.atlasError = "";
  ensureRenderer(s, () => {
    s.atlasVersion = -1;
    loadAtlas(s);
    s.requestDraw();
  });
  if (s.renderer.setLayers) s.renderer.setLayers(layers.full, layers.mini);
  s.atlasQueue = [];
  for (const level of ["mini", "full"])
    for (let k = 0; k < s.pages[level].state.length; k++) s.atlasQueue.push([level, k]);
  askPages(s);
  s.picsDirty = true;
}
function askPages(s) {
  const inFlight = s.atlasReqs.size;
  const miniPending = s.pages.mini.state.some((x) => x < 2);
  for (let k = inFlight; k < 2 && s.atlasQueue.length; k++) {
    if (s.atlasQueue[0][0] === "full" && miniPending && inFlight + k > 0) break;
    const [level, page] = s.atlasQueue.shift();
    const req = ++s.reqCounter;
    s.atlasReqs.set(req, [level, page]);
    s.model.send({ type: "atlas", page, level, req });
  }
}
function loaded(s, level, slot) {
  const P = s.pages[level];
  return slot >= 0 && P.state[Math.floor(slot / P.per)] === 2;
}
function hasPicture(s, i) {
  const slot = s.slotOf[i];
  return s.detailSlotOf[i] >= 0 || loaded(s, "mini", slot) || loaded(s, "full", slot);
}
function pictureSource(s, i, want) {
  const d = s.detailSlotOf[i], slot = s.slotOf[i];
  const full = loaded(s, "full", slot), mini = loaded(s, "mini", slot);
  if (d >= 0 && (want === "detail" || !(want === "mini" ? mini || full : full))) {
    const ds = s.model.get("detail_size") | 0, per = detailPerRow(s.model);
    const [w2, h2] = pictureBox(s.aspects[i] || 1, ds);
    s.detailUsed[d] = s.detailClock;
    return ["detail", d, d % per * ds, Math.floor(d / per) * ds, w2, h2, true];
  }
  const level = want === "mini" ? mini ? "mini" : "full" : full ? "full" : "mini";
  const P = s.pages[level];
  const page = Math.floor(slot / P.per), k = slot % P.per;
  const [w, h] = pictureBox(s.aspects[i] || 1, P.cell);
  const exact = want === "mini" ? true : want === "atlas" ? level === "full" : false;
  return [level, page, k % P.perRow * P.cell, Math.floor(k / P.perRow) * P.cell, w, h, exact];
}
function glSource(s, i, want) {
  const [level, page, x, y, w, h, exact] = pictureSource(s, i, want);
  const layout = s.renderer.layout;
  if (level === "detail") {
    const ds = s.model.get("detail_size") | 0, per = detailPerRow(s.model), perLayer = per * per;
    const k2 = page % perLayer;
    return [layout.detail + Math.floor(page / perLayer), k2 % per * ds, Math.floor(k2 / per) * ds, w, h, exact];
  }
  const P = s.pages[level], q = LAYER / P.size, k = page % P.perLayer;
  return [layout[level] + Math.floor(page / P.perLayer), k % q * P.size + x, Math.floor(k / q) * P.size + y, w, h, exact];
}
async function onAtlas(s, msg, buffers) {
  const at = s.atlasReqs.get(msg.req);
  if (at === void 0 || msg.version !== s.atlasVersion) return;
  s.atlasReqs.delete(msg.req);
  const [level, page] = at, P = s.pages[level];
  const data = u8(buffers && buffers[0]);
  if (msg.error || !data.length) {
    P.state[page] = 3;
    s.atlasError = msg.error || "empty page";
    askPages(s);
    s.requestDraw();
    return;
  }
  try {
    const bitmap = await createImageBitmap(new Blob([data], { type: "image/jpeg" }));
    if (msg.version !== s.atlasVersion || !s.renderer) {
      bitmap.close?.();
      return;
    }
    if (level === "mini" && cpuFar(s)) P.pix[page] = pixelsOf(bitmap);
    if (s.renderer.kind === "webgl2") {
      const q = LAYER / P.size, k = page % P.perLayer;
      s.renderer.upload(s.renderer.layout[level] + Math.floor(page / P.perLayer), k % q * P.size, Math.floor(k / q) * P.size, bitmap);
      bitmap.close?.();
    } else P.bitmaps[page] = bitmap;
    P.state[page] = 2;
    s.picsDirty = true;
    const all = [...s.pages.full.state, ...s.pages.mini.state];
    s.dom.canvas.dataset.pages = `${all.filter((x) => x >= 2).length}/${all.length}`;
    s.requestDraw();
  } catch (e) {
    P.state[page] = 3;
    s.atlasError = String(e);
    s.requestDraw();
  }
  askPages(s);
}
function pixelsOf(bitmap) {
  const oc = new OffscreenCanvas(bitmap.width, bitmap.height);
  const octx2 = oc.getContext("2d", { willReadFrequently: true });
  octx2.drawImage(bitmap, 0, 0);
  return { px: new Uint32Array(octx2.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer), w: bitmap.width };
}

// artopic_nb/widgets/js/map/chrome.js
var MODES = [
  ["pan", "Pan", "drag to pan, wheel to zoom"],
  ["box", "Box", "drag a rectangle to select"],
  ["lasso", "Lasso", "draw around points to select"]
];
function toolbar(el) {
  const bar = el_("div", "artopic-plot-toolbar", el);
  const modes = {};
  for (const [mode, label, tip] of MODES) {
    const b = button("artopic-plot-mode", bar, label);
    b.title = tip;
    b.dataset.mode = mode;
    modes[mode] = b;
  }
  const resetBtn = button("artopic-plot-reset", bar, "Reset view");
  const clearBtn = button("artopic-plot-clear", bar, "Clear selection");
  const colorLabel = el_("label", "artopic-plot-colorby", bar);
  colorLabel.appendChild(document.createTextNode("Colour by "));
  const colorSelect = el_("select", "", colorLabel);
  const notice = el_("span", "artopic-plot-notice", bar);
  const info = el_("span", "artopic-plot-info", bar);
  return { modes, resetBtn, clearBtn, colorSelect, notice, info };
}
function buildDom(el) {
  el.classList.add("artopic-plot");
  const parts = toolbar(el);
  const body = el_("div", "artopic-plot-body", el);
  const stage = el_("div", "artopic-plot-stage", body);
  const base = el_("canvas", "artopic-plot-base", stage);
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
  return {
    ...parts,
    body,
    stage,
    base,
    glCanvas,
    canvas,
    overlay,
    tooltip,
    tipImg,
    tipTitle,
    tipSub,
    legend,
    ctx: canvas.getContext("2d"),
    bctx: base.getContext("2d"),
    octx: overlay.getContext("2d")
  };
}
function buildLegend(s) {
  const model = s.model, legend = s.dom.legend;
  legend.replaceChildren();
  const cats = model.get("categories") || [];
  const colors = model.get("colors") || [];
  const counts = model.get("counts") || [];
  const entries = cats.map((name, c) => [c, name, colors[c], counts[c] ?? 0]).filter((e) => !counts.length || e[3] > 0);
  if ((model.get("noise_count") | 0) > 0)
    entries.push([-1, model.get("noise_label"), model.get("noise_color"), model.get("noise_count")]);
  for (const [c, name, color, count] of entries) {
    const item = button("artopic-plot-legend-item", legend);
    item.dataset.code = String(c);
    if (s.hidden.has(c)) item.classList.add("is-hidden");
    const sw = el_("span", "artopic-plot-swatch", item);
    sw.style.backgroundColor = /^#[0-9a-f]{6}$/i.test(color) ? color : "#888";
    el_("span", "artopic-plot-legend-label", item, String(name));
    el_("span", "artopic-plot-legend-count", item, String(count));
    item.title = "click to show / hide";
  }
}
function onLegendClick(s, e) {
  const item = e.target.closest(".artopic-plot-legend-item");
  if (!item) return;
  const c = Number(item.dataset.code);
  const next = new Set(s.model.get("hidden_categories") || []);
  if (next.has(c)) next.delete(c);
  else next.add(c);
  s.model.set("hidden_categories", [...next].sort((a, b) => a - b));
  s.model.save_changes();
}
function buildColorMenu(s) {
  const colorSelect = s.dom.colorSelect;
  colorSelect.replaceChildren();
  for (const opt of s.model.get("color_options") || []) {
    const o = el_("option", "", colorSelect);
    o.value = opt;
    o.textContent = opt;
  }
  colorSelect.value = s.model.get("color_by");
}
function setMode(s, m) {
  s.mode = m;
  for (const [k, b] of Object.entries(s.dom.modes)) b.classList.toggle("is-active", k === m);
  s.dom.stage.dataset.mode = m;
}

// artopic_nb/widgets/js/shared/color.js
function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
  const v = m ? parseInt(m[1], 16) : 8947848;
  return [v >> 16 & 255, v >> 8 & 255, v & 255];
}
function packRGBA(r, g, b) {
  return (255 << 24 | b << 16 | g << 8 | r) >>> 0;
}
function dimmed(r, g, b, keep, grey) {
  return packRGBA(Math.round(r * keep + grey), Math.round(g * keep + grey), Math.round(b * keep + grey));
}

// artopic_nb/widgets/js/map/data.js
function loadCoords(s) {
  const xy = typed(s.model.get("coords"), Float32Array);
  const n = Math.min(s.model.get("n_points") | 0, xy.length >> 1);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!(maxX >= minX)) {
    minX = 0;
    maxX = 1;
    minY = 0;
    maxY = 1;
  }
  if (maxX - minX < 1e-9) {
    minX -= 0.5;
    maxX += 0.5;
  }
  if (maxY - minY < 1e-9) {
    minY -= 0.5;
    maxY += 0.5;
  }
  Object.assign(s, { xy, n, minX, maxX, minY, maxY });
  s.index = null;
  s.dotsDirty = true;
  s.picsDirty = true;
  s.detailMissing.clear();
  if (s.detailSlotOf.length !== n) {
    s.detailSlotOf = new Int32Array(n).fill(-1);
    s.detailOwner = [];
    s.detailUsed = [];
    s.detailBitmaps.clear();
  }
  loadSelection(s);
}
function loadCodes(s) {
  s.codes = typed(s.model.get("codes"), Int32Array);
  s.dotsDirty = true;
  s.picsDirty = true;
}
function loadColors(s) {
  s.catColors = [];
  s.catDim = [];
  s.pal = new Float32Array(256);
  const [nr, ng, nb] = hexToRgb(s.model.get("noise_color"));
  s.pal.set([nr / 255, ng / 255, nb / 255, 1], 0);
  (s.model.get("colors") || []).forEach((hex, c) => {
    const [r, g, b] = hexToRgb(hex);
    s.catColors.push(packRGBA(r, g, b));
    s.catDim.push(dimmed(r, g, b, 0.2, 204));
    if (c < 63) s.pal.set([r / 255, g / 255, b / 255, 1], 4 * (c + 1));
  });
  s.noiseColor = packRGBA(nr, ng, nb);
  s.noiseDim = dimmed(nr, ng, nb, 0.3, 178);
  loadHidden(s);
}
function loadHidden(s) {
  s.hidden = new Set(s.model.get("hidden_categories") || []);
  s.hiddenArr = new Uint8Array(s.catColors.length + 1);
  for (const h of s.hidden) if (h >= -1 && h < s.catColors.length) s.hiddenArr[h + 1] = 1;
  s.dotsDirty = true;
  s.picsDirty = true;
}
function loadSelection(s) {
  const n = s.n;
  const selMask = new Uint8Array(n);
  let selCount = 0;
  for (const i of s.model.get("selected_ids") || []) {
    if (i >= 0 && i < n && !selMask[i]) {
      selMask[i] = 1;
      selCount++;
    }
  }
  const picked = selCount;
  const f = u8(s.model.get("filter_mask"));
  const filtering = f.length === n && n > 0;
  let passing = s.passing;
  if (filtering) {
    selCount = 0;
    passing = 0;
    for (let i = 0; i < n; i++) {
      const keep = f[i] && (picked === 0 || selMask[i]) ? 1 : 0;
      selMask[i] = keep;
      selCount += keep;
      passing += f[i] ? 1 : 0;
    }
  }
  Object.assign(s, { selMask, selCount, picked, filtering, passing });
  s.el.dataset.filtered = filtering ? String(passing) : "";
  s.dotsDirty = true;
  s.picsDirty = true;
}
var inRange = (s, ids) => (ids || []).filter((i) => i >= 0 && i < s.n);
function loadHighlighted(s) {
  s.highlighted = inRange(s, s.model.get("highlighted_ids"));
}
function loadEvidence(s) {
  s.supporting = inRange(s, s.model.get("supporting_ids"));
  s.contradicting = inRange(s, s.model.get("contradicting_ids"));
}
function loadPictures(s) {
  const n = s.n;
  s.aspects = typed(s.model.get("aspects"), Float32Array);
  s.ranks = typed(s.model.get("ranks"), Int32Array);
  const byRank = new Int32Array(n), ranks = s.ranks;
  if (ranks.length === n) {
    for (let i = 0; i < n; i++) if (ranks[i] >= 0 && ranks[i] < n) byRank[ranks[i]] = i;
  } else for (let i = 0; i < n; i++) byRank[i] = i;
  s.byRank = byRank;
  s.picsDirty = true;
}

// artopic_nb/widgets/js/shared/thumbs.js
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

// artopic_nb/widgets/js/map/detail.js
var capacity = (s) => DETAIL_LAYERS * detailPerRow(s.model) ** 2;
function scheduleDetail(s) {
  if (!s.wantDetail.length) return;
  if (s.detailTimer) clearTimeout(s.detailTimer);
  s.detailTimer = setTimeout(() => sendDetail(s), 120);
}
function sendDetail(s) {
  s.detailTimer = 0;
  const ids = s.wantDetail.filter((i) => !s.detailPending.has(i) && s.detailSlotOf[i] < 0 && !s.detailMissing.has(i));
  const room = Math.max(0, Math.floor(capacity(s) * 0.9) - s.detailPending.size);
  const take = ids.slice(0, room);
  for (let k = 0; k < take.length; k += 64) {
    const batch = take.slice(k, k + 64);
    const req = ++s.reqCounter;
    s.detailReqs.add(req);
    for (const i of batch) s.detailPending.add(i);
    s.model.send({ type: "thumbs", ids: batch, size: s.model.get("detail_size"), info: false, req });
  }
}
function freeDetailSlot(s) {
  const cap = capacity(s);
  const { detailOwner, detailUsed } = s;
  if (detailOwner.length < cap) {
    detailOwner.push(-1);
    detailUsed.push(-1);
    return detailOwner.length - 1;
  }
  let best = -1, oldest = Infinity;
  for (let k = 0; k < cap; k++) {
    if (detailUsed[k] < oldest && detailUsed[k] < s.detailClock) {
      oldest = detailUsed[k];
      best = k;
    }
  }
  if (best >= 0 && detailOwner[best] >= 0) {
    const old = detailOwner[best];
    s.detailSlotOf[old] = -1;
    const bm = s.detailBitmaps.get(old);
    if (bm) {
      bm.close?.();
      s.detailBitmaps.delete(old);
    }
  }
  return best;
}
async function onDetail(s, msg, buffers) {
  const ds = s.model.get("detail_size") | 0;
  const per = detailPerRow(s.model), perLayer = per * per;
  let added = 0;
  for (const { id, blob } of unpackThumbBlobs(msg, buffers)) {
    s.detailPending.delete(id);
    if (!blob) s.detailMissing.add(id);
    if (!blob || id < 0 || id >= s.n || s.detailSlotOf[id] >= 0) continue;
    const [w, h] = pictureBox(s.aspects[id] || 1, ds);
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: "medium" });
    } catch (e) {
      s.detailMissing.add(id);
      continue;
    }
    if (!s.renderer) {
      bitmap.close?.();
      return;
    }
    const slot = freeDetailSlot(s);
    if (slot < 0) {
      bitmap.close?.();
      continue;
    }
    if (s.renderer.kind === "webgl2") {
      const k = slot % perLayer;
      s.renderer.upload(s.renderer.layout.detail + Math.floor(slot / perLayer), k % per * ds, Math.floor(k / per) * ds, bitmap);
      bitmap.close?.();
    } else s.detailBitmaps.set(id, bitmap);
    s.detailOwner[slot] = id;
    s.detailUsed[slot] = s.detailClock;
    s.detailSlotOf[id] = slot;
    s.picsDirty = true;
    added++;
  }
  s.dom.canvas.dataset.detail = String(s.detailOwner.filter((i) => i >= 0).length);
  if (added) s.requestDraw();
}

// artopic_nb/widgets/js/map/canvas.js
function stamp(rad, W) {
  const out = [];
  const r = Math.max(0, rad);
  const ri = Math.ceil(r);
  for (let dy = -ri; dy <= ri; dy++)
    for (let dx = -ri; dx <= ri; dx++)
      if (dx * dx + dy * dy <= r * r + 0.5) out.push(dx, dy);
  const xy = Int32Array.from(out.length ? out : [0, 0]);
  const offsets = new Int32Array(xy.length / 2);
  for (let k = 0; k < offsets.length; k++) offsets[k] = xy[2 * k + 1] * W + xy[2 * k];
  return { xy, offsets, reach: ri };
}
function dot(pix, st, px, py, W, H, color) {
  const { xy, offsets, reach } = st;
  if (px >= reach && py >= reach && px < W - reach && py < H - reach) {
    const base = py * W + px;
    for (let k = 0; k < offsets.length; k++) pix[base + offsets[k]] = color;
    return;
  }
  for (let k = 0; k < xy.length; k += 2) {
    const x = px + xy[k], y = py + xy[k + 1];
    if (x >= 0 && y >= 0 && x < W && y < H) pix[y * W + x] = color;
  }
}
function rasterDots(s, target, put = true) {
  const { n, xy, codes, selMask, catColors, catDim, noiseColor, noiseDim, hidden, pix, W, H } = s;
  pix.fill(4294967295);
  const r = radius(s);
  const big = stamp(r, W), small = stamp(Math.max(0.5, r - 1 * s.dpr), W);
  const nCat = catColors.length;
  const sel = selecting(s);
  const noiseHidden = hidden.has(-1);
  const hiddenCat = new Uint8Array(nCat + 1);
  for (const h of hidden) if (h >= 0 && h < nCat) hiddenCat[h] = 1;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  let drawn = 0;
  for (let pass = 0; pass < 3; pass++) {
    if (pass === 2 && !sel) break;
    for (let i = 0; i < n; i++) {
      let c = codes[i];
      if (c >= nCat || c === void 0) c = -1;
      const isNoise = c < 0;
      if (pass === 0 && !isNoise) continue;
      if (pass === 1 && isNoise) continue;
      if (isNoise ? noiseHidden : hiddenCat[c]) continue;
      const isSel = sel && selMask[i] === 1;
      if (pass < 2 ? isSel : !isSel) continue;
      const px = Math.round(xy[2 * i] * sc + ox), py = Math.round(oy - xy[2 * i + 1] * sc);
      if (px < -8 || py < -8 || px >= W + 8 || py >= H + 8) continue;
      const color = isNoise ? sel && !isSel ? noiseDim : noiseColor : sel && !isSel ? catDim[c] : catColors[c];
      dot(pix, isNoise ? small : big, px, py, W, H, color);
      drawn++;
    }
  }
  if (put) (target || s.dom.ctx).putImageData(s.image, 0, 0);
  return drawn;
}
function blit(s, src, slot, a, x0, y0, iw, ih, dim) {
  const P = s.pages.mini, { pix, W, H } = s;
  const xs = Math.max(0, x0), xe = Math.min(W, x0 + iw), n = xe - xs;
  if (n <= 0) return;
  const kk = slot % P.per;
  const [bw, bh] = pictureBox(a, P.cell);
  const sx0 = kk % P.perRow * P.cell, sy0 = Math.floor(kk / P.perRow) * P.cell;
  const px = src.px, sw = src.w;
  if (s.blitCols.length < n) s.blitCols = new Int32Array(n);
  const cols = s.blitCols;
  for (let k = 0; k < n; k++) cols[k] = sx0 + Math.min(bw - 1, (xs + k - x0 + 0.5) * bw / iw | 0);
  for (let y = Math.max(0, y0), ye = Math.min(H, y0 + ih); y < ye; y++) {
    const srow = (sy0 + Math.min(bh - 1, (y - y0 + 0.5) * bh / ih | 0)) * sw, d = y * W + xs;
    if (dim) {
      for (let k = 0; k < n; k++) {
        const p = px[srow + cols[k]];
        pix[d + k] = 4278190080 | (p & 255) * 77 + 42602 >> 8 | (p >> 8 & 255) * 77 + 42602 >> 8 << 8 | (p >> 16 & 255) * 77 + 42602 >> 8 << 16;
      }
    } else for (let k = 0; k < n; k++) pix[d + k] = px[srow + cols[k]] | 4278190080;
  }
}
function frame(s, color, x0, y0, iw, ih, f, whole) {
  const { pix, W, H } = s;
  const ya = Math.max(0, y0 - f), yb = Math.min(H, y0 + ih + f), xa = Math.max(0, x0 - f), xb = Math.min(W, x0 + iw + f);
  const left = Math.min(xb, Math.max(xa, x0)), right = Math.max(xa, Math.min(xb, x0 + iw));
  for (let y = ya; y < yb; y++) {
    const row = y * W;
    if (whole || y < y0 || y >= y0 + ih) {
      for (let x = xa; x < xb; x++) pix[row + x] = color;
      continue;
    }
    for (let x = xa; x < left; x++) pix[row + x] = color;
    for (let x = right; x < xb; x++) pix[row + x] = color;
  }
}
function mosaic(s, list, count, size, fw) {
  const { xy, aspects, selMask, slotOf, catColors, catDim, noiseColor, noiseDim, W, H } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const sel = selecting(s), P = s.pages.mini, f = Math.round(fw);
  let exact = true;
  for (let k = 0; k < count; k++) {
    const i = list[k];
    const a = aspects[i] || 1;
    const iw = Math.max(1, Math.round(a >= 1 ? size : size * a)), ih = Math.max(1, Math.round(a >= 1 ? size / a : size));
    const x0 = Math.round(xy[2 * i] * sc + ox - iw / 2), y0 = Math.round(oy - xy[2 * i + 1] * sc - ih / 2);
    if (x0 + iw + f <= 0 || y0 + ih + f <= 0 || x0 - f >= W || y0 - f >= H) continue;
    const c = codeOf(s, i), dim = sel && !selMask[i];
    const frameColor = c < 0 ? dim ? noiseDim : noiseColor : dim ? catDim[c] : catColors[c];
    const slot = slotOf[i], src = slot >= 0 ? P.pix[Math.floor(slot / P.per)] : null;
    frame(s, frameColor, x0, y0, iw, ih, f, !src);
    if (!src) {
      exact = false;
      continue;
    }
    blit(s, src, slot, a, x0, y0, iw, ih, dim);
  }
  return exact;
}
function drawCanvasPictures(s, list, count, size, fw) {
  const { ctx } = s.dom, { xy, aspects, selMask, W, H, model } = s;
  rasterDots(s);
  s.picsDirty = false;
  let exact = true;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const sel = selecting(s);
  for (let k = 0; k < count; k++) {
    const i = list[k];
    const [w, h] = picturePx(aspects[i] || 1, size);
    const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
    if (px + w / 2 + fw < 0 || py + h / 2 + fw < 0 || px - w / 2 - fw > W || py - h / 2 - fw > H) continue;
    const c = codeOf(s, i);
    ctx.fillStyle = (model.get("colors") || [])[c] || model.get("noise_color");
    ctx.fillRect(px - w / 2 - fw, py - h / 2 - fw, w + 2 * fw, h + 2 * fw);
    const [level, page, x, y, bw, bh, ok] = pictureSource(s, i, s.lastPics.level);
    exact = exact && ok;
    const source = level === "detail" ? s.detailBitmaps.get(i) : s.pages[level].bitmaps[page];
    if (source && level === "detail") ctx.drawImage(source, px - w / 2, py - h / 2, w, h);
    else if (source) ctx.drawImage(source, x, y, bw, bh, px - w / 2, py - h / 2, w, h);
    if (sel && !selMask[i]) {
      ctx.fillStyle = "rgba(237,237,237,0.7)";
      ctx.fillRect(px - w / 2, py - h / 2, w, h);
    }
  }
  return exact;
}

// artopic_nb/widgets/js/map/view.js
function fit(s) {
  const { minX, maxX, minY, maxY, W, H, dpr } = s;
  const area = (maxX - minX) * (maxY - minY);
  const scaleFor = (pad) => Math.max(1e-9, Math.min((W - 2 * pad) / (maxX - minX), (H - 2 * pad) / (maxY - minY)));
  let scale = scaleFor(16 * dpr);
  const slot = s.model.get("map_layout") === "date" ? DATE_SLOT : Infinity;
  const natural = Math.min(slot, Math.sqrt(PIC_FILL * area / Math.max(1, s.n)));
  if (imagesOn(s)) scale = scaleFor(16 * dpr + Math.min(natural * scale, MAX_FIT_PX * dpr) / 2);
  s.view = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale };
  s.fitScale = scale;
  s.uWorld = Math.min(natural, MAX_FIT_PX * dpr / s.fitScale);
  s.picsDirty = true;
}
var toScreenX = (s, x) => (x - s.view.cx) * s.view.scale + s.W / 2;
var toScreenY = (s, y) => s.H / 2 - (y - s.view.cy) * s.view.scale;
var toDataX = (s, sx) => (sx - s.W / 2) / s.view.scale + s.view.cx;
var toDataY = (s, sy) => s.view.cy - (sy - s.H / 2) / s.view.scale;
function resize(s) {
  const { stage, canvas, overlay, glCanvas, base, ctx } = s.dom;
  s.dpr = window.devicePixelRatio || 1;
  const cssW = Math.max(50, stage.clientWidth || 600);
  const cssH = Math.max(50, s.model.get("height") | 0);
  stage.style.height = cssH + "px";
  const newW = Math.round(cssW * s.dpr), newH = Math.round(cssH * s.dpr);
  if (newW === s.W && newH === s.H) return false;
  const first = s.W === 0;
  s.W = newW;
  s.H = newH;
  for (const c of [canvas, overlay, glCanvas, base]) {
    c.width = newW;
    c.height = newH;
    c.style.width = cssW + "px";
    c.style.height = cssH + "px";
  }
  s.image = ctx.createImageData(newW, newH);
  s.pix = new Uint32Array(s.image.data.buffer);
  if (first || !s.userMoved) fit(s);
  return true;
}

// artopic_nb/widgets/js/map/labels.js
function ringRadius(s, i, images) {
  if (!images) return radius(s);
  const [w, h] = picturePx(s.aspects[i] || 1, s.lastPics.size || 0);
  return Math.max(radius(s), 0.5 * Math.hypot(w, h));
}
function drawRings(s, images) {
  const { ctx, canvas } = s.dom, { dpr, xy } = s;
  ctx.lineWidth = 2 * dpr;
  for (const [ids, color, dash] of [[s.supporting, "#1a9e3f", []], [s.contradicting, "#d62728", [3 * dpr, 2 * dpr]]]) {
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    for (const i of ids) {
      ctx.beginPath();
      ctx.arc(toScreenX(s, xy[2 * i]), toScreenY(s, xy[2 * i + 1]), ringRadius(s, i, images) + 3 * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  canvas.dataset.evidence = `${s.supporting.length}/${s.contradicting.length}`;
  if (!s.highlighted.length) return;
  ctx.lineWidth = 2 * dpr;
  for (const i of s.highlighted) {
    const px = toScreenX(s, xy[2 * i]), py = toScreenY(s, xy[2 * i + 1]), rr = ringRadius(s, i, images);
    ctx.beginPath();
    ctx.arc(px, py, rr + 5 * dpr, 0, 2 * Math.PI);
    ctx.strokeStyle = "#000";
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(px, py, rr + 7 * dpr, 0, 2 * Math.PI);
    ctx.strokeStyle = "#fff";
    ctx.stroke();
  }
}
function drawLabels(s) {
  const model = s.model, { ctx } = s.dom, { dpr, W, H } = s;
  if (!model.get("show_labels")) return;
  const labels = model.get("cluster_labels") || [];
  if (!labels.length) return;
  ctx.font = `600 ${Math.round(13 * dpr)}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round";
  ctx.lineWidth = 4 * dpr;
  for (const lab of labels) {
    if (s.hidden.has(lab.code)) continue;
    const x = toScreenX(s, lab.x), y = toScreenY(s, lab.y);
    if (x < -100 || y < -20 || x > W + 100 || y > H + 20) continue;
    const text = String(lab.text);
    ctx.textAlign = lab.align === "left" ? "left" : "center";
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = "#111";
    ctx.fillText(text, x, y);
  }
}

// artopic_nb/widgets/js/map/layout.js
var TRANSITION_MS = 500;
var layoutOf = (s) => s.model.get("map_layout") || "map";
var ease = (u) => u < 0.5 ? 2 * u * u : 1 - 2 * (1 - u) * (1 - u);
function onCoords(s) {
  const layout = layoutOf(s), switching = s.layoutShown !== "" && layout !== s.layoutShown;
  const from = s.transition ? s.xy.slice() : s.xy, fromView = { ...s.view };
  s.transition = null;
  loadCoords(s);
  loadHighlighted(s);
  loadEvidence(s);
  loadPictures(s);
  dateBounds(s);
  if (switching) s.userMoved = false;
  fit(s);
  s.layoutShown = layout;
  s.el.dataset.layout = layout;
  if (switching && from.length === s.xy.length && s.n > 0) startTransition(s, from, fromView);
  s.requestDraw();
}
function dateBounds(s) {
  if (layoutOf(s) !== "date" || !s.n) return;
  for (const lab of s.model.get("cluster_labels") || []) s.maxY = Math.max(s.maxY, lab.y + 0.5);
  s.minY -= 0.8;
}
function startTransition(s, from, fromView) {
  const to = s.xy;
  s.transition = {
    from,
    to,
    cur: new Float32Array(to.length),
    t0: performance.now(),
    fromView,
    toView: { ...s.view },
    frames: 0
  };
  s.el.dataset.layoutMoving = "true";
  stepTransition(s);
}
function stepTransition(s) {
  const tr = s.transition;
  if (!tr) return;
  const u = Math.min(1, (performance.now() - tr.t0) / TRANSITION_MS), e = ease(u);
  const { from, to, cur, fromView: a, toView: b } = tr;
  if (u >= 1) {
    s.xy = to;
    s.transition = null;
    if (!s.userMoved) s.view = b;
    s.el.dataset.layoutMoving = "false";
    s.el.dataset.layoutFrames = String(tr.frames);
  } else {
    for (let k = 0; k < cur.length; k++) cur[k] = from[k] + (to[k] - from[k]) * e;
    s.xy = cur;
    tr.frames++;
    if (!s.userMoved) {
      s.view = {
        cx: a.cx + (b.cx - a.cx) * e,
        cy: a.cy + (b.cy - a.cy) * e,
        scale: a.scale * Math.pow(b.scale / a.scale, e)
      };
    }
    s.requestDraw();
  }
  s.index = null;
  s.dotsDirty = true;
  s.picsDirty = true;
}
function tickLabel(ctx, text, x, y) {
  ctx.strokeStyle = "rgba(255,255,255,0.92)";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = "#333";
  ctx.fillText(text, x, y);
}
function drawAxis(s) {
  const axis = s.model.get("layout_axis") || [];
  if (layoutOf(s) !== "date" || s.transition || !axis.length) return;
  const { ctx } = s.dom, { dpr, W, H } = s;
  ctx.save();
  ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
  ctx.lineJoin = "round";
  ctx.lineWidth = 3 * dpr;
  for (const item of axis) {
    const x = toScreenX(s, item.x);
    if (x < -60 || x > W + 60) continue;
    if (item.kind === "strip") {
      ctx.setLineDash([4 * dpr, 4 * dpr]);
      ctx.strokeStyle = "#999";
      ctx.lineWidth = 1 * dpr;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, H);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 3 * dpr;
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      tickLabel(ctx, String(item.text), x + 4 * dpr, 4 * dpr);
    } else {
      ctx.strokeStyle = "#666";
      ctx.lineWidth = 1 * dpr;
      ctx.beginPath();
      ctx.moveTo(x, H);
      ctx.lineTo(x, H - 6 * dpr);
      ctx.stroke();
      ctx.lineWidth = 3 * dpr;
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      tickLabel(ctx, String(item.text), x, H - 7 * dpr);
    }
  }
  ctx.restore();
  s.dom.canvas.dataset.axis = String(axis.length);
}
function initLayout(s, onDom) {
  dateBounds(s);
  s.layoutShown = layoutOf(s);
  s.el.dataset.layout = s.layoutShown;
  const label = el_("label", "artopic-plot-layout", null);
  label.appendChild(document.createTextNode("Layout "));
  const select2 = el_("select", "", label);
  for (const name of ["map", "date"]) el_("option", "", select2, name).value = name;
  s.dom.colorSelect.parentElement.after(label);
  s.dom.layoutSelect = select2;
  s.dom.layoutLabel = label;
  onDom(select2, "change", () => {
    s.model.set("map_layout", select2.value);
    s.model.save_changes();
  });
  showLayoutMenu(s);
}
function showLayoutMenu(s) {
  const { layoutSelect: select2, layoutLabel: label } = s.dom;
  if (!select2) return;
  const offered = s.model.get("layouts");
  label.style.display = Array.isArray(offered) ? "" : "none";
  if (!Array.isArray(offered)) return;
  for (const o of select2.options) o.disabled = !offered.includes(o.value);
  select2.value = layoutOf(s);
  label.title = s.model.get("layout_note") || "";
  label.dataset.note = label.title;
}

// artopic_nb/widgets/js/map/lod.js
function choosePictures(s) {
  const D = s.uWorld * s.view.scale;
  const repSize = Math.max(D, REP_PX * s.dpr);
  const m = Math.max(D, repSize) / 2;
  const { n, xy, slotOf, detailSlotOf, W, H } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  let V = 0, Vpic = 0, Vcov = 0;
  for (let i = 0; i < n; i++) {
    if (!visible(s, i)) continue;
    const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
    if (px < -m || py < -m || px > W + m || py > H + m) continue;
    V++;
    if (slotOf[i] >= 0 || detailSlotOf[i] >= 0) Vcov++;
    if (hasPicture(s, i)) Vpic++;
  }
  const all = D >= MIN_ALL_PX * s.dpr && (V <= FETCH_LIMIT || Vcov >= 0.95 * V);
  const cell = s.model.get("atlas_cell") | 0;
  const shown = all ? D : repSize;
  const sharpen = shown > SHARPEN * cell;
  const level = sharpen ? "detail" : shown <= MINI_PX * s.dpr ? "mini" : "atlas";
  s.wantDetail = [];
  if (!all) return chooseRepresentatives(s, V, repSize, level, sharpen);
  chooseAll(s, m, D, level, Vpic < 0.5 * s.lastPics.total);
  if (V <= FETCH_LIMIT) {
    for (let i = 0; i < n; i++) {
      if (!visible(s, i) || detailSlotOf[i] >= 0) continue;
      const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
      if (px < -m || py < -m || px > W + m || py > H + m) continue;
      if (sharpen || !hasPicture(s, i)) s.wantDetail.push(i);
    }
  }
  return { all, V, size: D, dots: Vpic < V, complete: Vpic === V };
}
function chooseAll(s, m, D, level, cull) {
  const last = s.lastPics;
  if (!cull && !s.picsDirty && last.all && !last.cull && last.level === level) {
    last.size = D;
    return;
  }
  const { n, xy, byRank, selMask, hiddenArr, W, H } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const list = new Int32Array(n);
  let total = 0, k = 0;
  const sel = selecting(s);
  for (let pass = 0; pass < 3; pass++) {
    if (pass === 2 && !sel) break;
    for (let r = n - 1; r >= 0; r--) {
      const i = byRank[r];
      const c = codeOf(s, i);
      if (hiddenArr[c + 1] || !hasPicture(s, i)) continue;
      const isSel = sel && selMask[i] === 1;
      if (pass === 2 ? !isSel : isSel || pass === 0 !== c < 0) continue;
      total++;
      if (cull) {
        const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
        if (px < -m || py < -m || px > W + m || py > H + m) continue;
      }
      list[k++] = i;
    }
  }
  s.lastPics = { list, count: k, size: D, all: true, level, cull, total };
  s.picsDirty = true;
}
function chooseRepresentatives(s, V, repSize, level, sharpen) {
  const { n, xy, byRank, W, H, detailSlotOf, wantDetail } = s;
  const sc = s.view.scale, ox = W / 2 - s.view.cx * sc, oy = H / 2 + s.view.cy * sc;
  const z = sc / s.fitScale;
  const budget = Math.max(48, 2 * s.catColors.length) * Math.max(1, z * z * z);
  const gcell = repSize * 1.05;
  const gw = Math.ceil(W / gcell) + 2, gh = Math.ceil(H / gcell) + 2;
  const taken = new Uint8Array(gw * gh);
  const list = [];
  const half = repSize / 2;
  let missing = 0;
  for (let r = 0; r < n && r < budget; r++) {
    const i = byRank[r];
    if (!visible(s, i)) continue;
    const px = xy[2 * i] * sc + ox, py = oy - xy[2 * i + 1] * sc;
    if (px < -half || py < -half || px > W + half || py > H + half) continue;
    const g = (Math.floor(py / gcell) + 1) * gw + Math.floor(px / gcell) + 1;
    if (taken[g]) continue;
    if (!hasPicture(s, i)) {
      missing++;
      if (z >= 2 && wantDetail.length < 64) wantDetail.push(i);
      continue;
    }
    taken[g] = 1;
    list.push(i);
    if (sharpen && detailSlotOf[i] < 0 && wantDetail.length < 128) wantDetail.push(i);
  }
  list.reverse();
  const selMask = s.selMask;
  if (s.selCount) list.sort((a, b) => selMask[a] - selMask[b]);
  s.lastPics = { list: Int32Array.from(list), count: list.length, size: repSize, all: false, level, cull: true, total: 0 };
  s.picsDirty = true;
  return { all: false, V, size: repSize, dots: true, complete: missing === 0 };
}

// artopic_nb/widgets/js/map/pictures.js
function drawPictures(s) {
  s.detailClock++;
  const chosen = choosePictures(s);
  const { list, count, size } = s.lastPics;
  const fw = frameWidth(s.dpr, size);
  const { ctx } = s.dom;
  if (s.lastPics.level === "mini" && cpuFar(s)) {
    if (chosen.dots) rasterDots(s, null, false);
    else s.pix.fill(4294967295);
    s.lastPics.exact = mosaic(s, list, count, size, fw);
    ctx.putImageData(s.image, 0, 0);
    s.cpuFrame = true;
    s.gpuEmpty = true;
    s.picsDirty = false;
  } else if (s.renderer.kind === "webgl2") {
    s.cpuFrame = false;
    if (chosen.dots) {
      rasterDots(s, s.dom.bctx);
      s.baseClear = false;
    } else if (!s.baseClear) {
      s.dom.bctx.clearRect(0, 0, s.W, s.H);
      s.baseClear = true;
    }
    if (s.picsDirty || s.gpuEmpty) {
      s.gpuEmpty = false;
      s.lastPics.exact = fillInstances(s, list, count);
      s.renderer.setPictures(s.inst, count);
      s.picsDirty = false;
    }
    const { W, H, view, pal } = s;
    s.renderer.draw({ W, H, scale: view.scale, cx: view.cx, cy: view.cy, pal, picSize: size, frame: fw });
    ctx.clearRect(0, 0, W, H);
  } else {
    s.lastPics.exact = drawCanvasPictures(s, list, count, size, fw);
  }
  scheduleDetail(s);
  return chosen;
}
function fillInstances(s, list, count) {
  const F = PICTURE_FLOATS;
  if (s.inst.length < count * F) s.inst = new Float32Array(Math.max(count, 1024) * F);
  const { inst, xy, aspects, selMask } = s, level = s.lastPics.level;
  const sel = selecting(s);
  let exact = true;
  for (let k = 0; k < count; k++) {
    const i = list[k];
    const [layer, x, y, w, h, ok] = glSource(s, i, level);
    exact = exact && ok;
    const a = aspects[i] || 1;
    const o = k * F;
    inst[o] = xy[2 * i];
    inst[o + 1] = xy[2 * i + 1];
    inst[o + 2] = (x + 0.5) / LAYER;
    inst[o + 3] = (y + 0.5) / LAYER;
    inst[o + 4] = (x + w - 0.5) / LAYER;
    inst[o + 5] = (y + h - 0.5) / LAYER;
    inst[o + 6] = a >= 1 ? 1 : a;
    inst[o + 7] = a >= 1 ? 1 / a : 1;
    inst[o + 8] = layer;
    const c = codeOf(s, i);
    inst[o + 9] = (c < 0 ? 0 : Math.min(63, c + 1)) * 8 + (sel && !selMask[i] ? 2 : 0);
  }
  return exact;
}

// artopic_nb/widgets/js/map/draw.js
function requestDraw(s) {
  if (s.frame) return;
  s.frame = requestAnimationFrame(() => {
    s.frame = 0;
    draw(s);
  });
}
function draw(s) {
  if (!s.W) resize(s);
  stepTransition(s);
  const t0 = performance.now();
  const { canvas } = s.dom;
  let drawn;
  const images = imagesOn(s) && s.renderer;
  showLayers(s);
  if (images) {
    const chosen = drawPictures(s);
    showLayers(s);
    drawn = chosen.V;
    canvas.dataset.pictures = String(s.lastPics.count);
    canvas.dataset.lod = chosen.all ? "all" : "representatives";
    canvas.dataset.pictureSize = (chosen.size / s.dpr).toFixed(1);
    s.lastComplete = chosen.complete && s.lastPics.exact;
    canvas.dataset.complete = String(s.lastComplete);
  } else {
    drawn = rasterDots(s);
  }
  drawRings(s, images);
  drawLabels(s);
  drawAxis(s);
  const ms = performance.now() - t0;
  s.draws++;
  canvas.dataset.renderedPoints = String(drawn);
  canvas.dataset.draws = String(s.draws);
  canvas.dataset.lastDrawMs = ms.toFixed(2);
  report(s, drawn, images);
}
function report(s, drawn, images) {
  const { canvas, info } = s.dom, model = s.model, { view, dpr } = s;
  canvas.dataset.view = JSON.stringify({ cx: view.cx, cy: view.cy, scale: view.scale / dpr, width: s.W / dpr, height: s.H / dpr });
  const version = model.get("data_version");
  canvas.dataset.renderedVersion = String(version);
  if (s.drawnVersion !== version) {
    s.drawnVersion = version;
    if (model.get("debug")) canvas.dataset.codesChecksum = String(checksum(s));
    canvas.dataset.versionDrawnAt = String(performance.now());
    model.set("rendered_points", drawn);
    model.set("rendered_version", version);
    model.save_changes();
  }
  const complete = `${version}/${s.atlasVersion}`;
  if (images && s.lastComplete && s.picturesDrawnFor !== complete) {
    s.picturesDrawnFor = complete;
    canvas.dataset.picturesDrawnAt = String(performance.now());
  }
  const what = images ? "works" : "points";
  info.textContent = `${s.n.toLocaleString()} ${what}` + (s.picked ? ` · ${s.picked.toLocaleString()} selected` : "") + (s.filtering ? ` · ${s.passing.toLocaleString()} pass the filter` : "") + (s.atlasError ? ` · pictures: ${s.atlasError}` : "");
}
function checksum(s) {
  let sum = 0;
  for (let i = 0; i < s.n; i++) sum += (s.codes[i] + 2) * (i % 1e3 + 1);
  return sum;
}

// artopic_nb/widgets/js/map/hover.js
var G = 128;
function buildIndex(s) {
  const { n, xy, minX, maxX, minY, maxY } = s;
  const cellOf = new Int32Array(n), start = new Int32Array(G * G + 1);
  const fx = G / (maxX - minX) * 0.999999, fy = G / (maxY - minY) * 0.999999;
  for (let i = 0; i < n; i++) {
    const cx = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i] - minX) * fx)));
    const cy = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i + 1] - minY) * fy)));
    cellOf[i] = cy * G + cx;
    start[cellOf[i] + 1]++;
  }
  for (let c = 0; c < G * G; c++) start[c + 1] += start[c];
  const fill = start.slice(0, G * G), items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
  s.index = { start, items, fx, fy };
}
function pictureUnder(s, sx, sy) {
  if (!imagesOn(s) || !s.renderer) return -1;
  const { list, count, size } = s.lastPics;
  const fw = frameWidth(s.dpr, size), { xy, aspects } = s;
  for (let k = count - 1; k >= 0; k--) {
    const i = list[k];
    const [w, h] = picturePx(aspects[i] || 1, size);
    const hw = w / 2 + fw, hh = h / 2 + fw;
    if (Math.abs(sx - toScreenX(s, xy[2 * i])) <= hw && Math.abs(sy - toScreenY(s, xy[2 * i + 1])) <= hh && visible(s, i)) return i;
  }
  return -1;
}
function nearest(s, sx, sy) {
  if (!s.n) return -1;
  const p = pictureUnder(s, sx, sy);
  if (p >= 0) return p;
  if (!s.index) buildIndex(s);
  const { index, xy, minX, minY, dpr } = s;
  const rad = Math.max(radius(s) + 3 * dpr, 6 * dpr);
  const dx = toDataX(s, sx), dy = toDataY(s, sy), rd = rad / s.view.scale;
  const cx0 = Math.max(0, Math.floor((dx - rd - minX) * index.fx)), cx1 = Math.min(G - 1, Math.floor((dx + rd - minX) * index.fx));
  const cy0 = Math.max(0, Math.floor((dy - rd - minY) * index.fy)), cy1 = Math.min(G - 1, Math.floor((dy + rd - minY) * index.fy));
  let best = -1, bestD = rd * rd;
  for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
    const c = cy * G + cx;
    for (let k = index.start[c]; k < index.start[c + 1]; k++) {
      const i = index.items[k];
      const ddx = xy[2 * i] - dx, ddy = xy[2 * i + 1] - dy, d2 = ddx * ddx + ddy * ddy;
      if (d2 <= bestD && visible(s, i)) {
        bestD = d2;
        best = i;
      }
    }
  }
  return best;
}
function hideTooltip(s) {
  s.dom.tooltip.style.display = "none";
  s.hoverId = -1;
}
function hover(s, sx, sy) {
  const { tooltip, tipTitle, tipSub, tipImg } = s.dom;
  const i = nearest(s, sx, sy);
  if (i < 0) {
    hideTooltip(s);
    return;
  }
  const left = sx / s.dpr + 14, top = sy / s.dpr + 14;
  tooltip.style.left = Math.min(left, s.W / s.dpr - 180) + "px";
  tooltip.style.top = Math.min(top, s.H / s.dpr - 60) + "px";
  if (i === s.hoverId) return;
  s.hoverId = i;
  tooltip.style.display = "block";
  tooltip.dataset.id = String(i);
  const cached = s.thumbCache.get(i);
  if (cached) showCard(s, i, cached);
  else {
    tipTitle.textContent = `#${i}`;
    tipSub.textContent = "…";
    tipImg.removeAttribute("src");
    s.model.send({ type: "thumbs", ids: [i], size: s.model.get("thumb_size"), info: true, req: ++s.reqCounter });
  }
}
function showCard(s, i, entry) {
  if (i !== s.hoverId) return;
  const { tipTitle, tipSub, tipImg } = s.dom;
  if (entry.url) tipImg.src = entry.url;
  else tipImg.removeAttribute("src");
  const inf = entry.info || {};
  tipTitle.textContent = inf.title || `#${i}`;
  tipSub.textContent = [inf.artist, inf.date, inf.group].filter(Boolean).join(" · ");
}
function onCardThumbs(s, msg, buffers) {
  for (const { id, blob, info } of unpackThumbBlobs(msg, buffers)) {
    const old = s.thumbCache.get(id);
    if (old && old.url) URL.revokeObjectURL(old.url);
    const entry = { url: blob ? URL.createObjectURL(blob) : "", info };
    s.thumbCache.set(id, entry);
    showCard(s, id, entry);
  }
}

// artopic_nb/widgets/js/map/interaction.js
function pointInPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 2; i < poly.length; j = i, i += 2) {
    const xi = poly[i], yi = poly[i + 1], xj = poly[j], yj = poly[j + 1];
    if (yi > y !== yj > y && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function inBox(s, d) {
  const xa = toDataX(s, Math.min(d.x0, d.x1)), xb = toDataX(s, Math.max(d.x0, d.x1));
  const ya = toDataY(s, Math.max(d.y0, d.y1)), yb = toDataY(s, Math.min(d.y0, d.y1));
  const out = [], { n, xy } = s;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x >= xa && x <= xb && y >= ya && y <= yb && visible(s, i)) out.push(i);
  }
  return out;
}
function inLasso(s, path) {
  if (path.length < 6) return [];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k < path.length; k += 2) {
    x0 = Math.min(x0, path[k]);
    x1 = Math.max(x1, path[k]);
    y0 = Math.min(y0, path[k + 1]);
    y1 = Math.max(y1, path[k + 1]);
  }
  const out = [], { n, xy } = s;
  for (let i = 0; i < n; i++) {
    const sx = toScreenX(s, xy[2 * i]), sy = toScreenY(s, xy[2 * i + 1]);
    if (sx < x0 || sx > x1 || sy < y0 || sy > y1) continue;
    if (visible(s, i) && pointInPolygon(sx, sy, path)) out.push(i);
  }
  return out;
}
function drawOverlay(s) {
  const { octx } = s.dom, { drag, dpr } = s;
  octx.clearRect(0, 0, s.W, s.H);
  if (!drag) return;
  octx.lineWidth = 1 * dpr;
  octx.strokeStyle = "#333";
  octx.fillStyle = "rgba(60, 120, 220, 0.12)";
  octx.setLineDash([4 * dpr, 3 * dpr]);
  octx.beginPath();
  if (drag.mode === "box") {
    octx.rect(
      Math.min(drag.x0, drag.x1),
      Math.min(drag.y0, drag.y1),
      Math.abs(drag.x1 - drag.x0),
      Math.abs(drag.y1 - drag.y0)
    );
  } else {
    const p = drag.path;
    octx.moveTo(p[0], p[1]);
    for (let k = 2; k < p.length; k += 2) octx.lineTo(p[k], p[k + 1]);
    octx.closePath();
  }
  octx.fill();
  octx.stroke();
  octx.setLineDash([]);
}
function select(s, ids) {
  s.model.set("selected_ids", ids);
  s.model.save_changes();
}
function eventXY(s, e) {
  const rect = s.dom.overlay.getBoundingClientRect();
  return [(e.clientX - rect.left) * s.dpr, (e.clientY - rect.top) * s.dpr];
}
function onWheel(s, e) {
  e.preventDefault();
  const [sx, sy] = eventXY(s, e);
  const dx = toDataX(s, sx), dy = toDataY(s, sy), view = s.view;
  const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 15e-4));
  view.scale = Math.min(1e9, Math.max(1e-9, view.scale * factor));
  view.cx = dx - (sx - s.W / 2) / view.scale;
  view.cy = dy + (sy - s.H / 2) / view.scale;
  s.userMoved = true;
  s.requestDraw();
}
function onPointerDown(s, e) {
  if (e.button !== 0) return;
  try {
    s.dom.overlay.setPointerCapture?.(e.pointerId);
  } catch (err) {
  }
  const [sx, sy] = eventXY(s, e);
  const m = e.shiftKey && s.mode === "pan" ? "box" : s.mode;
  s.drag = { mode: m, x0: sx, y0: sy, x1: sx, y1: sy, cx: s.view.cx, cy: s.view.cy, path: [sx, sy], moved: false };
  hideTooltip(s);
}
function onPointerMove(s, e) {
  const [sx, sy] = eventXY(s, e);
  const drag = s.drag;
  if (!drag) {
    hover(s, sx, sy);
    return;
  }
  drag.x1 = sx;
  drag.y1 = sy;
  if (Math.abs(sx - drag.x0) + Math.abs(sy - drag.y0) > 3 * s.dpr) drag.moved = true;
  if (drag.mode === "pan") {
    s.view.cx = drag.cx - (sx - drag.x0) / s.view.scale;
    s.view.cy = drag.cy + (sy - drag.y0) / s.view.scale;
    s.userMoved = true;
    s.requestDraw();
  } else {
    if (drag.mode === "lasso") drag.path.push(sx, sy);
    drawOverlay(s);
  }
}
function endDrag(s) {
  if (!s.drag) return;
  const d = s.drag;
  s.drag = null;
  s.dom.octx.clearRect(0, 0, s.W, s.H);
  if (d.mode === "pan") return;
  if (!d.moved) {
    const i = nearest(s, d.x0, d.y0);
    select(s, i >= 0 ? [i] : []);
    return;
  }
  select(s, d.mode === "box" ? inBox(s, d) : inLasso(s, d.path));
}
function resetView(s) {
  s.userMoved = false;
  fit(s);
  s.requestDraw();
}
function attachInteraction(s, onDom) {
  const { overlay } = s.dom;
  onDom(overlay, "wheel", (e) => onWheel(s, e), { passive: false });
  onDom(overlay, "pointerdown", (e) => onPointerDown(s, e));
  onDom(overlay, "pointermove", (e) => onPointerMove(s, e));
  onDom(overlay, "pointerup", () => endDrag(s));
  onDom(overlay, "pointercancel", () => {
    s.drag = null;
    s.dom.octx.clearRect(0, 0, s.W, s.H);
  });
  onDom(overlay, "pointerleave", () => {
    if (!s.drag) hideTooltip(s);
  });
  onDom(overlay, "dblclick", () => resetView(s));
}

// artopic_nb/widgets/js/map/mount.js
function startImages(s) {
  if (!s.userMoved) fit(s);
  if (!imagesOn(s)) {
    showLayers(s);
    s.requestDraw();
    return;
  }
  loadPictures(s);
  loadAtlas(s);
  s.requestDraw();
}
function onCustom(s, msg, buffers) {
  if (msg && msg.type === "atlas") {
    onAtlas(s, msg, buffers);
    return;
  }
  if (msg && s.detailReqs.has(msg.req)) {
    s.detailReqs.delete(msg.req);
    onDetail(s, msg, buffers);
    return;
  }
  onCardThumbs(s, msg, buffers);
}
function wireModel(s, on) {
  const redraw = (...loaders) => () => {
    for (const f of loaders) f(s);
    s.requestDraw();
  };
  const legend = () => buildLegend(s);
  on("change:coords", () => onCoords(s));
  on("change:n_points", redraw(loadCoords, loadPictures, fit));
  on("change:codes", redraw(loadCodes));
  on("change:colors", redraw(loadColors, buildLegend));
  on("change:categories", legend);
  on("change:counts", legend);
  on("change:noise_count", legend);
  on("change:hidden_categories", redraw(loadHidden, buildLegend));
  on("change:selected_ids", redraw(loadSelection));
  on("change:filter_mask", redraw(loadSelection));
  on("change:highlighted_ids", redraw(loadHighlighted));
  on("change:supporting_ids", redraw(loadEvidence));
  on("change:contradicting_ids", redraw(loadEvidence));
  on("change:data_version", redraw());
  on("change:color_by", () => {
    s.dom.colorSelect.value = s.model.get("color_by");
  });
  on("change:color_options", () => buildColorMenu(s));
  on("change:height", () => {
    if (resize(s)) s.requestDraw();
  });
  on("change:point_size", redraw());
  on("change:draw", () => startImages(s));
  on("change:ranks", redraw(loadPictures));
  on("change:aspects", redraw(loadPictures));
  on("change:atlas_version", redraw(loadAtlas));
  on("change:cluster_labels", redraw());
  on("change:show_labels", redraw());
  for (const k of ["map_layout", "layouts", "layout_note"]) on(`change:${k}`, () => showLayoutMenu(s));
  on("change:layout_axis", redraw());
  on("msg:custom", (msg, buffers) => onCustom(s, msg, buffers));
}
function wireDom(s, onDom) {
  const { modes, legend, colorSelect, resetBtn, clearBtn } = s.dom, model = s.model;
  onDom(legend, "click", (e) => onLegendClick(s, e));
  onDom(colorSelect, "change", () => {
    model.set("color_by", colorSelect.value);
    model.save_changes();
  });
  for (const [k, b] of Object.entries(modes)) onDom(b, "click", () => setMode(s, k));
  setMode(s, "pan");
  onDom(resetBtn, "click", () => resetView(s));
  onDom(clearBtn, "click", () => {
    model.set("selected_ids", []);
    model.save_changes();
  });
  attachInteraction(s, onDom);
}
function dispose(s) {
  if (s.frame) cancelAnimationFrame(s.frame);
  if (s.detailTimer) clearTimeout(s.detailTimer);
  for (const entry of s.thumbCache.values()) if (entry.url) URL.revokeObjectURL(entry.url);
  s.thumbCache.clear();
  for (const P of Object.values(s.pages)) for (const b of P.bitmaps) if (b) b.close?.();
  for (const b of s.detailBitmaps.values()) b.close?.();
  s.detailBitmaps.clear();
  if (s.renderer && s.renderer.destroy) s.renderer.destroy();
  s.renderer = null;
}
function mountMap(model, el) {
  const s = createState(model, el);
  const bag = listeners(model);
  s.dom = buildDom(el);
  s.requestDraw = () => requestDraw(s);
  wireDom(s, bag.onDom);
  wireModel(s, bag.on);
  loadCoords(s);
  loadCodes(s);
  loadColors(s);
  loadHighlighted(s);
  loadEvidence(s);
  buildLegend(s);
  buildColorMenu(s);
  initLayout(s, bag.onDom);
  const ro = new ResizeObserver(() => {
    if (resize(s)) s.requestDraw();
  });
  ro.observe(s.dom.stage);
  resize(s);
  if (imagesOn(s)) {
    loadPictures(s);
    loadAtlas(s);
  }
  draw(s);
  return () => {
    bag.dispose();
    ro.disconnect();
    dispose(s);
  };
}

// artopic_nb/widgets/js/plot.js
function render({ model, el }) {
  return mountMap(model, el);
}
var plot_default = { render };
export {
  plot_default as default
};
