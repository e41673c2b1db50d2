// artopic_nb page "site": bundled by esbuild 0.28.2 from artopic_nb/widgets/js/site/main.js with minisearch 7.2.0; sources sha256 ace3af6e82e90eba3c985de9ce45da691a293703b1677d9a8de6cfc13d4cd06c. Do not edit: npm run build.
(() => {
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
    const last2 = s.lastPics;
    if (!cull && !s.picsDirty && last2.all && !last2.cull && last2.level === level) {
      last2.size = D;
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
    const cellOf = new Int32Array(n), start2 = new Int32Array(G * G + 1);
    const fx = G / (maxX - minX) * 0.999999, fy = G / (maxY - minY) * 0.999999;
    for (let i = 0; i < n; i++) {
      const cx = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i] - minX) * fx)));
      const cy = Math.min(G - 1, Math.max(0, Math.floor((xy[2 * i + 1] - minY) * fy)));
      cellOf[i] = cy * G + cx;
      start2[cellOf[i] + 1]++;
    }
    for (let c = 0; c < G * G; c++) start2[c + 1] += start2[c];
    const fill = start2.slice(0, G * G), items = new Int32Array(n);
    for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
    s.index = { start: start2, items, fx, fy };
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

  // artopic_nb/widgets/js/site/clicks.js
  function openOnClick(mapEl, open) {
    let down = null;
    mapEl.addEventListener("pointerdown", (e) => {
      const stage = mapEl.querySelector(".artopic-plot-stage");
      const card = mapEl.querySelector(".artopic-plot-tooltip");
      const onWork = card && card.style.display !== "none" && card.dataset.id;
      down = e.button === 0 && stage && stage.dataset.mode === "pan" && onWork ? { id: Number(card.dataset.id), x: e.clientX, y: e.clientY } : null;
    }, { capture: true });
    mapEl.addEventListener("pointerup", (e) => {
      const d = down;
      down = null;
      if (d && Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) <= 4) open(d.id);
    }, { capture: true });
  }

  // artopic_nb/widgets/js/site/filters.js
  var Filters = class {
    constructor(works) {
      this.works = works;
      this.hits = null;
      this.query = "";
      this.picked = works.facets.map(() => /* @__PURE__ */ new Set());
    }
    /** The works matching the words searched (ids), or null to search nothing. */
    setHits(query, ids) {
      this.query = query;
      if (ids === null) {
        this.hits = null;
        return;
      }
      this.hits = new Uint8Array(this.works.n);
      for (const i of ids) this.hits[i] = 1;
    }
    toggle(f, v) {
      const s = this.picked[f];
      if (s.has(v)) s.delete(v);
      else s.add(v);
    }
    clear() {
      this.hits = null;
      this.query = "";
      for (const s of this.picked) s.clear();
    }
    active() {
      return this.hits !== null || this.picked.some((s) => s.size > 0);
    }
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
  };

  // artopic_nb/widgets/js/site/parts.js
  function loadedParts() {
    if (!window.ARTOPIC_PARTS) window.ARTOPIC_PARTS = {};
    return window.ARTOPIC_PARTS;
  }
  function partLoader(doc = document) {
    const pending = /* @__PURE__ */ new Map();
    function load(name) {
      const have = loadedParts()[name];
      if (have !== void 0) return Promise.resolve(have);
      if (pending.has(name)) return pending.get(name);
      const promise = new Promise((resolve, reject) => {
        const tag = doc.createElement("script");
        tag.src = `data/${name}.js`;
        tag.onload = () => {
          const value = loadedParts()[name];
          if (value === void 0) reject(new Error(`data/${name}.js holds no part "${name}"`));
          else resolve(value);
        };
        tag.onerror = () => {
          pending.delete(name);
          reject(new Error(`data/${name}.js could not be read`));
        };
        doc.head.appendChild(tag);
      });
      pending.set(name, promise);
      return promise;
    }
    return { load };
  }
  function bytesOf(b64) {
    const s = atob(b64 || "");
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function typedOf(b64, Ctor) {
    const b = bytesOf(b64);
    return new Ctor(b.buffer, 0, Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT));
  }

  // artopic_nb/widgets/js/site/model.js
  var NOISE = "#bbbbbb";
  function mapTraits(map, height) {
    return {
      coords: typedOf(map.coords, Float32Array),
      n_points: map.n,
      codes: typedOf(map.codes, Int32Array),
      colors: map.colors,
      categories: map.categories,
      counts: map.counts,
      noise_label: "noise",
      noise_count: map.noise_count,
      noise_color: map.noise_color || NOISE,
      hidden_categories: [],
      selected_ids: [],
      highlighted_ids: [],
      filter_mask: new Uint8Array(0),
      supporting_ids: [],
      contradicting_ids: [],
      color_by: "cluster",
      color_options: ["cluster"],
      height,
      point_size: 0,
      thumb_size: 128,
      draw: map.draw,
      show_labels: true,
      cluster_labels: map.cluster_labels,
      data_version: 1,
      debug: false,
      aspects: typedOf(map.aspects, Float32Array),
      ranks: typedOf(map.ranks, Int32Array),
      atlas_ids: typedOf(map.atlas_ids, Int32Array),
      atlas_version: 1,
      atlas_cell: map.atlas_cell,
      atlas_page_size: map.atlas_page_size,
      mini_cell: map.mini_cell,
      mini_page_size: map.mini_page_size,
      detail_size: 128,
      rendered_points: 0,
      rendered_version: -1,
      renderer: ""
    };
  }
  var SiteModel = class {
    /** `traits`: the initial state; `answer(msg)`: a promise of [reply, buffers] or null. */
    constructor(traits, answer) {
      this.state = { ...traits };
      this.answer = answer;
      this.fns = /* @__PURE__ */ new Map();
    }
    get(name) {
      return this.state[name];
    }
    set(name, value) {
      this.state[name] = value;
      this.emit(`change:${name}`, value);
    }
    save_changes() {
    }
    on(event, fn) {
      if (!this.fns.has(event)) this.fns.set(event, /* @__PURE__ */ new Set());
      this.fns.get(event).add(fn);
    }
    off(event, fn) {
      const set = this.fns.get(event);
      if (set) set.delete(fn);
    }
    emit(event, ...args) {
      for (const fn of [...this.fns.get(event) || []]) fn(...args);
    }
    send(msg) {
      Promise.resolve(this.answer(msg)).then((got) => {
        if (got) this.emit("msg:custom", got[0], got[1]);
      }).catch((e) => {
        console.warn(`artopic site: ${e.message}`);
      });
    }
  };
  function pictureAnswers(parts, works, site, model) {
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
        if (!b64 && !info) continue;
        const bytes = bytesOf(b64);
        ids.push(id);
        lengths.push(bytes.length);
        chunks.push(bytes);
        if (info) infos.push(works.info(id));
      }
      if (!ids.length) return null;
      const packed = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
      let off = 0;
      for (const c of chunks) {
        packed.set(c, off);
        off += c.length;
      }
      const reply = { type: "thumbs", req: msg.req, ids, lengths };
      if (info) reply.info = infos;
      return [reply, [packed]];
    }
    return (msg) => msg && msg.type === "atlas" ? atlas(msg) : msg && msg.type === "thumbs" ? thumbs(msg) : null;
  }
  async function thumbOf(parts, site, works, id) {
    if (!works.hasThumb(id)) return "";
    const chunk = await parts.load(`thumbs-${Math.floor(id / site.thumb_chunk)}`);
    return chunk[id % site.thumb_chunk] || "";
  }

  // artopic_nb/widgets/js/site/tables.js
  function buildTables(root2, tables) {
    if (!tables || !tables.length) return null;
    const box = el_("section", "artopic-site-tables", root2);
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

  // artopic_nb/widgets/js/site/layout.js
  function header(root2, site) {
    const head = el_("header", "artopic-site-header", root2);
    el_("h1", "artopic-site-title", head, site.title);
    const search = el_("input", "artopic-site-search", head);
    search.type = "search";
    search.placeholder = "Search titles, artists, descriptions…";
    search.setAttribute("aria-label", "search the works");
    const status = el_("span", "artopic-site-status", head);
    const clear = button("artopic-site-clear", head, "Clear filters");
    if (site.report) {
      const a = el_("a", "artopic-site-report", head, "Report");
      a.href = site.report;
    }
    return { search, status, clear };
  }
  function buildLayout(root2, site) {
    root2.classList.add("artopic-site");
    root2.replaceChildren();
    const parts = header(root2, site);
    const notices = el_("div", "artopic-site-notices", root2);
    for (const text of site.notices || []) el_("p", "artopic-site-notice", notices, text);
    const main = el_("div", "artopic-site-main", root2);
    const mapEl = el_("div", "artopic-site-map", main);
    const side = el_("aside", "artopic-site-side", main);
    el_("h2", "", side, "Clusters");
    const levelBox = el_("div", "artopic-site-levelbox", side);
    const clusters = el_("div", "artopic-site-clusters", side);
    const facetsBox = el_("div", "artopic-site-facets", side);
    const gridBox = el_("section", "artopic-site-gridbox", root2);
    const gridHead = el_("div", "artopic-site-gridhead", gridBox);
    const gridLabel = el_("h2", "artopic-site-gridlabel", gridHead);
    const pager = el_("span", "artopic-site-pager", gridHead);
    const prev = button("artopic-site-prev", pager, "‹ Previous");
    const pageInfo = el_("span", "artopic-site-pageinfo", pager);
    const next = button("artopic-site-next", pager, "Next ›");
    const grid = el_("div", "artopic-site-grid", gridBox);
    buildTables(root2, site.tables);
    const record = el_("aside", "artopic-site-record", root2);
    record.hidden = true;
    const foot = el_("footer", "artopic-site-footer", root2);
    foot.textContent = `${site.n.toLocaleString()} works · made with artopic_nb ${site.artopic_nb} · every file of this site is in its folder: nothing is fetched from elsewhere`;
    return { ...parts, notices, mapEl, levelBox, clusters, facetsBox, gridLabel, prev, next, pageInfo, grid, record };
  }
  function tile(parent, works, i, onOpen) {
    const t = button("artopic-site-tile", parent);
    t.dataset.id = String(i);
    const pic = el_("div", "artopic-site-pic", t);
    const c = works.cluster(i);
    if (!works.hasThumb(i)) {
      const dot2 = el_("span", "artopic-site-dot", pic);
      dot2.style.backgroundColor = c ? c.color : "#bbb";
      pic.title = "no picture in this export";
    }
    el_("span", "artopic-site-tile-title", t, works.title[i] || `#${i}`);
    el_("span", "artopic-site-tile-sub", t, [works.artist[i], works.date[i]].filter(Boolean).join(" · "));
    t.addEventListener("click", () => onOpen(i));
    return { el: t, pic };
  }
  function jpeg(parent, b64, alt) {
    const img = el_("img", "", parent);
    img.alt = alt || "";
    img.src = `data:image/jpeg;base64,${b64}`;
    return img;
  }

  // artopic_nb/widgets/js/site/grid.js
  var PAGE = 60;
  var Grid = class {
    constructor(dom, ctx) {
      this.dom = dom;
      this.ctx = ctx;
      this.source = { kind: "all", label: "All works", ids: null };
      this.page = 0;
      this.ids = [];
      this.version = 0;
      dom.prev.addEventListener("click", () => {
        if (this.page > 0) {
          this.page--;
          this.render();
        }
      });
      dom.next.addEventListener("click", () => {
        if ((this.page + 1) * PAGE < this.ids.length) {
          this.page++;
          this.render();
        }
      });
    }
    /** Show `ids` (null: every work) under `label`. */
    show(kind, label, ids) {
      this.source = { kind, label, ids };
      this.page = 0;
      this.refresh();
    }
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
      dom.prev.disabled = this.page === 0;
      dom.next.disabled = this.page + 1 >= pages;
      const shown = ids.slice(this.page * PAGE, (this.page + 1) * PAGE);
      for (const i of shown) {
        const t = tile(dom.grid, works, i, this.ctx.open);
        if (!works.hasThumb(i)) continue;
        thumbOf(parts, site, works, i).then((b64) => {
          if (b64 && version === this.version) jpeg(t.pic, b64, works.title[i]);
        }).catch((e) => {
          t.pic.title = e.message;
        });
      }
    }
  };

  // artopic_nb/widgets/js/site/levels.js
  function cutTree(nodes, level) {
    const byNode = new Map(nodes.map((n) => [n.node, n]));
    const group = /* @__PURE__ */ new Map();
    for (const leaf of nodes) {
      if (leaf.level !== 0) continue;
      let top = leaf;
      while (top.parent !== -1 && byNode.get(top.parent).level <= level) top = byNode.get(top.parent);
      group.set(leaf.node, top);
    }
    return group;
  }
  function groupName(node) {
    if (node.name) return node.name;
    if (node.level === 0) return "";
    return node.keywords.length ? node.keywords.slice(0, 3).join(", ") : `clusters ${node.clusters.join(", ")}`;
  }
  function levelView(hierarchy, leaves, coords, level) {
    const group = cutTree(hierarchy.nodes, level);
    const colors = hierarchy.colors, k = colors.length, n = leaves.length;
    const labels = new Int32Array(n), counts = new Array(k).fill(0);
    const sx = new Float64Array(k), sy = new Float64Array(k);
    let noise = 0;
    for (let i = 0; i < n; i++) {
      const g = leaves[i] < 0 ? null : group.get(leaves[i]);
      const c = g ? g.label : -1;
      labels[i] = c;
      if (c < 0) {
        noise++;
        continue;
      }
      counts[c]++;
      sx[c] += coords[2 * i];
      sy[c] += coords[2 * i + 1];
    }
    const tops = [...new Set(group.values())].sort((a, b) => a.label - b.label);
    const entries = tops.map((g) => ({
      id: g.label,
      name: groupName(g),
      size: counts[g.label],
      color: colors[g.label],
      keywords: g.keywords,
      claims: [],
      clusters: g.clusters
    }));
    if (noise) entries.push({ id: -1, name: "noise", size: noise, color: hierarchy.noise_color, keywords: [], claims: [], clusters: [] });
    const named = new Map(entries.map((e) => [e.id, e.name]));
    const categories = colors.map((_, c) => named.get(c) ? `${c}: ${named.get(c)}` : `cluster ${c}`);
    const at = tops.map((g) => ({
      code: g.label,
      text: groupName(g) || String(g.label),
      x: sx[g.label] / counts[g.label],
      y: sy[g.label] / counts[g.label]
    }));
    return { labels, entries, traits: { codes: labels, categories, colors, counts, noise_label: "noise", noise_count: noise, cluster_labels: at } };
  }
  function buildLevelSlider(box, hierarchy, onLevel) {
    if (!hierarchy || hierarchy.max < 1) return null;
    const row = el_("label", "artopic-site-level", box);
    el_("span", "artopic-site-level-name", row, "coarser →");
    const input = el_("input", "", row);
    input.type = "range";
    input.min = "0";
    input.max = String(hierarchy.max);
    input.step = "1";
    input.value = String(hierarchy.level);
    input.setAttribute("aria-label", "level of the cluster hierarchy (0: the finest clusters)");
    const shown = el_("span", "artopic-site-level-value", row);
    const say = () => {
      shown.textContent = `level ${input.value}`;
    };
    say();
    input.addEventListener("input", () => {
      say();
      onLevel(Number(input.value));
    });
    return input;
  }

  // artopic_nb/widgets/js/site/panel.js
  function buildClusters(box, entries, onPick) {
    box.replaceChildren();
    for (const c of entries) {
      const b = button("artopic-site-cluster", box);
      b.dataset.cluster = String(c.id);
      const sw = el_("span", "artopic-site-swatch", b);
      sw.style.backgroundColor = c.color;
      el_("span", "artopic-site-cluster-name", b, c.id < 0 ? "noise" : c.name ? `${c.id}: ${c.name}` : `cluster ${c.id}`);
      el_("span", "artopic-site-count", b, c.size.toLocaleString());
      const held = c.clusters && c.clusters.length > 1 ? `clusters ${c.clusters.join(", ")}` : "";
      b.title = [held, c.keywords.join(", ")].filter(Boolean).join(" · ");
      if (held) b.dataset.clusters = c.clusters.join(",");
      b.addEventListener("click", () => onPick(c));
    }
  }
  function buildFacets(box, works, filters, onToggle) {
    box.replaceChildren();
    works.facets.forEach((facet, f) => {
      const sec = el_("div", "artopic-site-facet", box);
      sec.dataset.facet = facet.column;
      el_("h2", "", sec, facet.column);
      const counts = filters.counts(f);
      facet.values.forEach((value, v) => {
        const b = button("artopic-site-facet-value", sec);
        b.dataset.facet = facet.column;
        b.dataset.value = value;
        const on = filters.picked[f].has(v);
        b.setAttribute("aria-pressed", String(on));
        b.classList.toggle("is-on", on);
        el_("span", "artopic-site-facet-label", b, value);
        el_("span", "artopic-site-count", b, counts[v].toLocaleString());
        if (!counts[v] && !on) b.classList.add("is-empty");
        b.addEventListener("click", () => onToggle(f, v));
      });
    });
  }

  // artopic_nb/widgets/js/site/record.js
  var SAFE_LINK = /^https?:\/\//i;
  function rightsLine(box, rec) {
    const parts = [rec.rights, rec.attribution].filter(Boolean);
    const p = el_("p", "artopic-site-rights", box, `Rights: ${parts.length ? parts.join(" · ") : "not stated by the source"}`);
    return p;
  }
  function picture(box, ctx, i) {
    const { works, parts, site } = ctx;
    const pic = el_("div", "artopic-site-record-pic", box);
    if (!works.hasThumb(i)) {
      el_("p", "artopic-site-nopic", pic, "The picture is not in this export (its rights, or no image here): the work is a dot on the map.");
      return;
    }
    thumbOf(parts, site, works, i).then((b64) => {
      if (b64) jpeg(pic, b64, works.title[i]);
    });
  }
  function clusterPart(box, ctx, i) {
    const c = ctx.works.cluster(i);
    if (!c) return;
    const p = el_("p", "artopic-site-record-cluster", box);
    const sw = el_("span", "artopic-site-swatch", p);
    sw.style.backgroundColor = c.color;
    el_("span", "", p, ctx.works.clusterName(i));
    if (c.keywords.length) el_("p", "artopic-site-keywords", box, `Keywords: ${c.keywords.join(", ")}`);
    if (!c.claims.length) return;
    el_("h3", "", box, "What its cluster's descriptions share");
    const ul = el_("ul", "artopic-site-claims", box);
    for (const cl of c.claims) {
      const support = cl.support === null ? "" : ` (${Math.round(cl.support * 100)} % of the cluster)`;
      el_("li", "", ul, `${cl.claim}${support}`);
    }
  }
  function details(box, rec) {
    if (rec.fields.length) {
      const dl = el_("dl", "artopic-site-fields", box);
      for (const [k, v] of rec.fields) {
        el_("dt", "", dl, k);
        el_("dd", "", dl, v);
      }
    }
    for (const d of rec.descriptions) {
      const sec = el_("div", "artopic-site-description", box);
      el_("h3", "", sec, d.model);
      if (d.caption) el_("p", "artopic-site-caption", sec, d.caption);
      if (d.description) el_("p", "", sec, d.description);
    }
  }
  function similarPart(box, ctx, i) {
    const ids = ctx.works.similar(i);
    if (!ids.length) return;
    const btn = button("artopic-site-similar-btn", box, `Similar works (${ids.length})`);
    const list = el_("div", "artopic-site-similar", box);
    btn.addEventListener("click", () => {
      list.replaceChildren();
      for (const j of ids) {
        const t = tile(list, ctx.works, j, ctx.open);
        if (ctx.works.hasThumb(j)) thumbOf(ctx.parts, ctx.site, ctx.works, j).then((b64) => {
          if (b64) jpeg(t.pic, b64, "");
        });
      }
      ctx.showSimilar(i, ids);
    });
  }
  async function openRecord(panel, ctx, i) {
    const { works, parts, site } = ctx;
    panel.hidden = false;
    panel.dataset.id = String(i);
    panel.replaceChildren();
    const close = button("artopic-site-close", panel, "×");
    close.title = "close";
    close.addEventListener("click", () => {
      panel.hidden = true;
    });
    el_("h2", "artopic-site-record-title", panel, works.title[i] || `#${i}`);
    el_("p", "artopic-site-record-sub", panel, [works.artist[i], works.date[i]].filter(Boolean).join(" · "));
    picture(panel, ctx, i);
    let rec;
    try {
      rec = (await parts.load(`records-${Math.floor(i / site.record_chunk)}`))[i % site.record_chunk];
    } catch (e) {
      el_("p", "artopic-site-notice", panel, e.message);
      return;
    }
    if (panel.dataset.id !== String(i)) return;
    rightsLine(panel, rec);
    if (rec.link && SAFE_LINK.test(rec.link)) {
      const a = el_("a", "artopic-site-source", panel, "See it at its source ↗");
      a.href = rec.link;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    clusterPart(panel, ctx, i);
    similarPart(panel, ctx, i);
    details(panel, rec);
  }

  // node_modules/minisearch/dist/es/index.js
  var ENTRIES = "ENTRIES";
  var KEYS = "KEYS";
  var VALUES = "VALUES";
  var LEAF = "";
  var TreeIterator = class {
    constructor(set, type) {
      const node = set._tree;
      const keys = Array.from(node.keys());
      this.set = set;
      this._type = type;
      this._path = keys.length > 0 ? [{ node, keys }] : [];
    }
    next() {
      const value = this.dive();
      this.backtrack();
      return value;
    }
    dive() {
      if (this._path.length === 0) {
        return { done: true, value: void 0 };
      }
      const { node, keys } = last$1(this._path);
      if (last$1(keys) === LEAF) {
        return { done: false, value: this.result() };
      }
      const child = node.get(last$1(keys));
      this._path.push({ node: child, keys: Array.from(child.keys()) });
      return this.dive();
    }
    backtrack() {
      if (this._path.length === 0) {
        return;
      }
      const keys = last$1(this._path).keys;
      keys.pop();
      if (keys.length > 0) {
        return;
      }
      this._path.pop();
      this.backtrack();
    }
    key() {
      return this.set._prefix + this._path.map(({ keys }) => last$1(keys)).filter((key) => key !== LEAF).join("");
    }
    value() {
      return last$1(this._path).node.get(LEAF);
    }
    result() {
      switch (this._type) {
        case VALUES:
          return this.value();
        case KEYS:
          return this.key();
        default:
          return [this.key(), this.value()];
      }
    }
    [Symbol.iterator]() {
      return this;
    }
  };
  var last$1 = (array) => {
    return array[array.length - 1];
  };
  var fuzzySearch = (node, query, maxDistance) => {
    const results = /* @__PURE__ */ new Map();
    if (query === void 0)
      return results;
    const n = query.length + 1;
    const m = n + maxDistance;
    const matrix = new Uint8Array(m * n).fill(maxDistance + 1);
    for (let j = 0; j < n; ++j)
      matrix[j] = j;
    for (let i = 1; i < m; ++i)
      matrix[i * n] = i;
    recurse(node, query, maxDistance, results, matrix, 1, n, "");
    return results;
  };
  var recurse = (node, query, maxDistance, results, matrix, m, n, prefix) => {
    const offset = m * n;
    key: for (const key of node.keys()) {
      if (key === LEAF) {
        const distance = matrix[offset - 1];
        if (distance <= maxDistance) {
          results.set(prefix, [node.get(key), distance]);
        }
      } else {
        let i = m;
        for (let pos = 0; pos < key.length; ++pos, ++i) {
          const char = key[pos];
          const thisRowOffset = n * i;
          const prevRowOffset = thisRowOffset - n;
          let minDistance = matrix[thisRowOffset];
          const jmin = Math.max(0, i - maxDistance - 1);
          const jmax = Math.min(n - 1, i + maxDistance);
          for (let j = jmin; j < jmax; ++j) {
            const different = char !== query[j];
            const rpl = matrix[prevRowOffset + j] + +different;
            const del = matrix[prevRowOffset + j + 1] + 1;
            const ins = matrix[thisRowOffset + j] + 1;
            const dist = matrix[thisRowOffset + j + 1] = Math.min(rpl, del, ins);
            if (dist < minDistance)
              minDistance = dist;
          }
          if (minDistance > maxDistance) {
            continue key;
          }
        }
        recurse(node.get(key), query, maxDistance, results, matrix, i, n, prefix + key);
      }
    }
  };
  var SearchableMap = class _SearchableMap {
    /**
     * The constructor is normally called without arguments, creating an empty
     * map. In order to create a {@link SearchableMap} from an iterable or from an
     * object, check {@link SearchableMap.from} and {@link
     * SearchableMap.fromObject}.
     *
     * The constructor arguments are for internal use, when creating derived
     * mutable views of a map at a prefix.
     */
    constructor(tree = /* @__PURE__ */ new Map(), prefix = "") {
      this._size = void 0;
      this._tree = tree;
      this._prefix = prefix;
    }
    /**
     * Creates and returns a mutable view of this {@link SearchableMap},
     * containing only entries that share the given prefix.
     *
     * ### Usage:
     *
     * ```javascript
     * let map = new SearchableMap()
     * map.set("unicorn", 1)
     * map.set("universe", 2)
     * map.set("university", 3)
     * map.set("unique", 4)
     * map.set("hello", 5)
     *
     * let uni = map.atPrefix("uni")
     * uni.get("unique") // => 4
     * uni.get("unicorn") // => 1
     * uni.get("hello") // => undefined
     *
     * let univer = map.atPrefix("univer")
     * univer.get("unique") // => undefined
     * univer.get("universe") // => 2
     * univer.get("university") // => 3
     * ```
     *
     * @param prefix  The prefix
     * @return A {@link SearchableMap} representing a mutable view of the original
     * Map at the given prefix
     */
    atPrefix(prefix) {
      if (!prefix.startsWith(this._prefix)) {
        throw new Error("Mismatched prefix");
      }
      const [node, path] = trackDown(this._tree, prefix.slice(this._prefix.length));
      if (node === void 0) {
        const [parentNode, key] = last(path);
        for (const k of parentNode.keys()) {
          if (k !== LEAF && k.startsWith(key)) {
            const node2 = /* @__PURE__ */ new Map();
            node2.set(k.slice(key.length), parentNode.get(k));
            return new _SearchableMap(node2, prefix);
          }
        }
      }
      return new _SearchableMap(node, prefix);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/clear
     */
    clear() {
      this._size = void 0;
      this._tree.clear();
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/delete
     * @param key  Key to delete
     */
    delete(key) {
      this._size = void 0;
      return remove(this._tree, key);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/entries
     * @return An iterator iterating through `[key, value]` entries.
     */
    entries() {
      return new TreeIterator(this, ENTRIES);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/forEach
     * @param fn  Iteration function
     */
    forEach(fn) {
      for (const [key, value] of this) {
        fn(key, value, this);
      }
    }
    /**
     * Returns a Map of all the entries that have a key within the given edit
     * distance from the search key. The keys of the returned Map are the matching
     * keys, while the values are two-element arrays where the first element is
     * the value associated to the key, and the second is the edit distance of the
     * key to the search key.
     *
     * ### Usage:
     *
     * ```javascript
     * let map = new SearchableMap()
     * map.set('hello', 'world')
     * map.set('hell', 'yeah')
     * map.set('ciao', 'mondo')
     *
     * // Get all entries that match the key 'hallo' with a maximum edit distance of 2
     * map.fuzzyGet('hallo', 2)
     * // => Map(2) { 'hello' => ['world', 1], 'hell' => ['yeah', 2] }
     *
     * // In the example, the "hello" key has value "world" and edit distance of 1
     * // (change "e" to "a"), the key "hell" has value "yeah" and edit distance of 2
     * // (change "e" to "a", delete "o")
     * ```
     *
     * @param key  The search key
     * @param maxEditDistance  The maximum edit distance (Levenshtein)
     * @return A Map of the matching keys to their value and edit distance
     */
    fuzzyGet(key, maxEditDistance) {
      return fuzzySearch(this._tree, key, maxEditDistance);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/get
     * @param key  Key to get
     * @return Value associated to the key, or `undefined` if the key is not
     * found.
     */
    get(key) {
      const node = lookup(this._tree, key);
      return node !== void 0 ? node.get(LEAF) : void 0;
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/has
     * @param key  Key
     * @return True if the key is in the map, false otherwise
     */
    has(key) {
      const node = lookup(this._tree, key);
      return node !== void 0 && node.has(LEAF);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/keys
     * @return An `Iterable` iterating through keys
     */
    keys() {
      return new TreeIterator(this, KEYS);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/set
     * @param key  Key to set
     * @param value  Value to associate to the key
     * @return The {@link SearchableMap} itself, to allow chaining
     */
    set(key, value) {
      if (typeof key !== "string") {
        throw new Error("key must be a string");
      }
      this._size = void 0;
      const node = createPath(this._tree, key);
      node.set(LEAF, value);
      return this;
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/size
     */
    get size() {
      if (this._size) {
        return this._size;
      }
      this._size = 0;
      const iter = this.entries();
      while (!iter.next().done)
        this._size += 1;
      return this._size;
    }
    /**
     * Updates the value at the given key using the provided function. The function
     * is called with the current value at the key, and its return value is used as
     * the new value to be set.
     *
     * ### Example:
     *
     * ```javascript
     * // Increment the current value by one
     * searchableMap.update('somekey', (currentValue) => currentValue == null ? 0 : currentValue + 1)
     * ```
     *
     * If the value at the given key is or will be an object, it might not require
     * re-assignment. In that case it is better to use `fetch()`, because it is
     * faster.
     *
     * @param key  The key to update
     * @param fn  The function used to compute the new value from the current one
     * @return The {@link SearchableMap} itself, to allow chaining
     */
    update(key, fn) {
      if (typeof key !== "string") {
        throw new Error("key must be a string");
      }
      this._size = void 0;
      const node = createPath(this._tree, key);
      node.set(LEAF, fn(node.get(LEAF)));
      return this;
    }
    /**
     * Fetches the value of the given key. If the value does not exist, calls the
     * given function to create a new value, which is inserted at the given key
     * and subsequently returned.
     *
     * ### Example:
     *
     * ```javascript
     * const map = searchableMap.fetch('somekey', () => new Map())
     * map.set('foo', 'bar')
     * ```
     *
     * @param key  The key to update
     * @param initial  A function that creates a new value if the key does not exist
     * @return The existing or new value at the given key
     */
    fetch(key, initial) {
      if (typeof key !== "string") {
        throw new Error("key must be a string");
      }
      this._size = void 0;
      const node = createPath(this._tree, key);
      let value = node.get(LEAF);
      if (value === void 0) {
        node.set(LEAF, value = initial());
      }
      return value;
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/values
     * @return An `Iterable` iterating through values.
     */
    values() {
      return new TreeIterator(this, VALUES);
    }
    /**
     * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map/@@iterator
     */
    [Symbol.iterator]() {
      return this.entries();
    }
    /**
     * Creates a {@link SearchableMap} from an `Iterable` of entries
     *
     * @param entries  Entries to be inserted in the {@link SearchableMap}
     * @return A new {@link SearchableMap} with the given entries
     */
    static from(entries) {
      const tree = new _SearchableMap();
      for (const [key, value] of entries) {
        tree.set(key, value);
      }
      return tree;
    }
    /**
     * Creates a {@link SearchableMap} from the iterable properties of a JavaScript object
     *
     * @param object  Object of entries for the {@link SearchableMap}
     * @return A new {@link SearchableMap} with the given entries
     */
    static fromObject(object) {
      return _SearchableMap.from(Object.entries(object));
    }
  };
  var trackDown = (tree, key, path = []) => {
    if (key.length === 0 || tree == null) {
      return [tree, path];
    }
    for (const k of tree.keys()) {
      if (k !== LEAF && key.startsWith(k)) {
        path.push([tree, k]);
        return trackDown(tree.get(k), key.slice(k.length), path);
      }
    }
    path.push([tree, key]);
    return trackDown(void 0, "", path);
  };
  var lookup = (tree, key) => {
    if (key.length === 0 || tree == null) {
      return tree;
    }
    for (const k of tree.keys()) {
      if (k !== LEAF && key.startsWith(k)) {
        return lookup(tree.get(k), key.slice(k.length));
      }
    }
  };
  var createPath = (node, key) => {
    const keyLength = key.length;
    outer: for (let pos = 0; node && pos < keyLength; ) {
      for (const k of node.keys()) {
        if (k !== LEAF && key[pos] === k[0]) {
          const len = Math.min(keyLength - pos, k.length);
          let offset = 1;
          while (offset < len && key[pos + offset] === k[offset])
            ++offset;
          const child2 = node.get(k);
          if (offset === k.length) {
            node = child2;
          } else {
            const intermediate = /* @__PURE__ */ new Map();
            intermediate.set(k.slice(offset), child2);
            node.set(key.slice(pos, pos + offset), intermediate);
            node.delete(k);
            node = intermediate;
          }
          pos += offset;
          continue outer;
        }
      }
      const child = /* @__PURE__ */ new Map();
      node.set(key.slice(pos), child);
      return child;
    }
    return node;
  };
  var remove = (tree, key) => {
    const [node, path] = trackDown(tree, key);
    if (node === void 0) {
      return;
    }
    node.delete(LEAF);
    if (node.size === 0) {
      cleanup(path);
    } else if (node.size === 1) {
      const [key2, value] = node.entries().next().value;
      merge(path, key2, value);
    }
  };
  var cleanup = (path) => {
    if (path.length === 0) {
      return;
    }
    const [node, key] = last(path);
    node.delete(key);
    if (node.size === 0) {
      cleanup(path.slice(0, -1));
    } else if (node.size === 1) {
      const [key2, value] = node.entries().next().value;
      if (key2 !== LEAF) {
        merge(path.slice(0, -1), key2, value);
      }
    }
  };
  var merge = (path, key, value) => {
    if (path.length === 0) {
      return;
    }
    const [node, nodeKey] = last(path);
    node.set(nodeKey + key, value);
    node.delete(nodeKey);
  };
  var last = (array) => {
    return array[array.length - 1];
  };
  var OR = "or";
  var AND = "and";
  var AND_NOT = "and_not";
  var MiniSearch = class _MiniSearch {
    /**
     * @param options  Configuration options
     *
     * ### Examples:
     *
     * ```javascript
     * // Create a search engine that indexes the 'title' and 'text' fields of your
     * // documents:
     * const miniSearch = new MiniSearch({ fields: ['title', 'text'] })
     * ```
     *
     * ### ID Field:
     *
     * ```javascript
     * // Your documents are assumed to include a unique 'id' field, but if you want
     * // to use a different field for document identification, you can set the
     * // 'idField' option:
     * const miniSearch = new MiniSearch({ idField: 'key', fields: ['title', 'text'] })
     * ```
     *
     * ### Options and defaults:
     *
     * ```javascript
     * // The full set of options (here with their default value) is:
     * const miniSearch = new MiniSearch({
     *   // idField: field that uniquely identifies a document
     *   idField: 'id',
     *
     *   // extractField: function used to get the value of a field in a document.
     *   // By default, it assumes the document is a flat object with field names as
     *   // property keys and field values as string property values, but custom logic
     *   // can be implemented by setting this option to a custom extractor function.
     *   extractField: (document, fieldName) => document[fieldName],
     *
     *   // tokenize: function used to split fields into individual terms. By
     *   // default, it is also used to tokenize search queries, unless a specific
     *   // `tokenize` search option is supplied. When tokenizing an indexed field,
     *   // the field name is passed as the second argument.
     *   tokenize: (string, _fieldName) => string.split(SPACE_OR_PUNCTUATION),
     *
     *   // processTerm: function used to process each tokenized term before
     *   // indexing. It can be used for stemming and normalization. Return a falsy
     *   // value in order to discard a term. By default, it is also used to process
     *   // search queries, unless a specific `processTerm` option is supplied as a
     *   // search option. When processing a term from a indexed field, the field
     *   // name is passed as the second argument.
     *   processTerm: (term, _fieldName) => term.toLowerCase(),
     *
     *   // searchOptions: default search options, see the `search` method for
     *   // details
     *   searchOptions: undefined,
     *
     *   // fields: document fields to be indexed. Mandatory, but not set by default
     *   fields: undefined
     *
     *   // storeFields: document fields to be stored and returned as part of the
     *   // search results.
     *   storeFields: []
     * })
     * ```
     */
    constructor(options) {
      if ((options === null || options === void 0 ? void 0 : options.fields) == null) {
        throw new Error('MiniSearch: option "fields" must be provided');
      }
      const autoVacuum = options.autoVacuum == null || options.autoVacuum === true ? defaultAutoVacuumOptions : options.autoVacuum;
      this._options = {
        ...defaultOptions,
        ...options,
        autoVacuum,
        searchOptions: { ...defaultSearchOptions, ...options.searchOptions || {} },
        autoSuggestOptions: { ...defaultAutoSuggestOptions, ...options.autoSuggestOptions || {} }
      };
      this._index = new SearchableMap();
      this._documentCount = 0;
      this._documentIds = /* @__PURE__ */ new Map();
      this._idToShortId = /* @__PURE__ */ new Map();
      this._fieldIds = {};
      this._fieldLength = /* @__PURE__ */ new Map();
      this._avgFieldLength = [];
      this._nextId = 0;
      this._storedFields = /* @__PURE__ */ new Map();
      this._dirtCount = 0;
      this._currentVacuum = null;
      this._enqueuedVacuum = null;
      this._enqueuedVacuumConditions = defaultVacuumConditions;
      this.addFields(this._options.fields);
    }
    /**
     * Adds a document to the index
     *
     * @param document  The document to be indexed
     */
    add(document2) {
      const { extractField, stringifyField, tokenize, processTerm, fields, idField } = this._options;
      const id = extractField(document2, idField);
      if (id == null) {
        throw new Error(`MiniSearch: document does not have ID field "${idField}"`);
      }
      if (this._idToShortId.has(id)) {
        throw new Error(`MiniSearch: duplicate ID ${id}`);
      }
      const shortDocumentId = this.addDocumentId(id);
      this.saveStoredFields(shortDocumentId, document2);
      for (const field of fields) {
        const fieldValue = extractField(document2, field);
        if (fieldValue == null)
          continue;
        const tokens = tokenize(stringifyField(fieldValue, field), field);
        const fieldId = this._fieldIds[field];
        const uniqueTerms = new Set(tokens).size;
        this.addFieldLength(shortDocumentId, fieldId, this._documentCount - 1, uniqueTerms);
        for (const term of tokens) {
          const processedTerm = processTerm(term, field);
          if (Array.isArray(processedTerm)) {
            for (const t of processedTerm) {
              this.addTerm(fieldId, shortDocumentId, t);
            }
          } else if (processedTerm) {
            this.addTerm(fieldId, shortDocumentId, processedTerm);
          }
        }
      }
    }
    /**
     * Adds all the given documents to the index
     *
     * @param documents  An array of documents to be indexed
     */
    addAll(documents) {
      for (const document2 of documents)
        this.add(document2);
    }
    /**
     * Adds all the given documents to the index asynchronously.
     *
     * Returns a promise that resolves (to `undefined`) when the indexing is done.
     * This method is useful when index many documents, to avoid blocking the main
     * thread. The indexing is performed asynchronously and in chunks.
     *
     * @param documents  An array of documents to be indexed
     * @param options  Configuration options
     * @return A promise resolving to `undefined` when the indexing is done
     */
    addAllAsync(documents, options = {}) {
      const { chunkSize = 10 } = options;
      const acc = { chunk: [], promise: Promise.resolve() };
      const { chunk, promise } = documents.reduce(({ chunk: chunk2, promise: promise2 }, document2, i) => {
        chunk2.push(document2);
        if ((i + 1) % chunkSize === 0) {
          return {
            chunk: [],
            promise: promise2.then(() => new Promise((resolve) => setTimeout(resolve, 0))).then(() => this.addAll(chunk2))
          };
        } else {
          return { chunk: chunk2, promise: promise2 };
        }
      }, acc);
      return promise.then(() => this.addAll(chunk));
    }
    /**
     * Removes the given document from the index.
     *
     * The document to remove must NOT have changed between indexing and removal,
     * otherwise the index will be corrupted.
     *
     * This method requires passing the full document to be removed (not just the
     * ID), and immediately removes the document from the inverted index, allowing
     * memory to be released. A convenient alternative is {@link
     * MiniSearch#discard}, which needs only the document ID, and has the same
     * visible effect, but delays cleaning up the index until the next vacuuming.
     *
     * @param document  The document to be removed
     */
    remove(document2) {
      const { tokenize, processTerm, extractField, stringifyField, fields, idField } = this._options;
      const id = extractField(document2, idField);
      if (id == null) {
        throw new Error(`MiniSearch: document does not have ID field "${idField}"`);
      }
      const shortId = this._idToShortId.get(id);
      if (shortId == null) {
        throw new Error(`MiniSearch: cannot remove document with ID ${id}: it is not in the index`);
      }
      for (const field of fields) {
        const fieldValue = extractField(document2, field);
        if (fieldValue == null)
          continue;
        const tokens = tokenize(stringifyField(fieldValue, field), field);
        const fieldId = this._fieldIds[field];
        const uniqueTerms = new Set(tokens).size;
        this.removeFieldLength(shortId, fieldId, this._documentCount, uniqueTerms);
        for (const term of tokens) {
          const processedTerm = processTerm(term, field);
          if (Array.isArray(processedTerm)) {
            for (const t of processedTerm) {
              this.removeTerm(fieldId, shortId, t);
            }
          } else if (processedTerm) {
            this.removeTerm(fieldId, shortId, processedTerm);
          }
        }
      }
      this._storedFields.delete(shortId);
      this._documentIds.delete(shortId);
      this._idToShortId.delete(id);
      this._fieldLength.delete(shortId);
      this._documentCount -= 1;
    }
    /**
     * Removes all the given documents from the index. If called with no arguments,
     * it removes _all_ documents from the index.
     *
     * @param documents  The documents to be removed. If this argument is omitted,
     * all documents are removed. Note that, for removing all documents, it is
     * more efficient to call this method with no arguments than to pass all
     * documents.
     */
    removeAll(documents) {
      if (documents) {
        for (const document2 of documents)
          this.remove(document2);
      } else if (arguments.length > 0) {
        throw new Error("Expected documents to be present. Omit the argument to remove all documents.");
      } else {
        this._index = new SearchableMap();
        this._documentCount = 0;
        this._documentIds = /* @__PURE__ */ new Map();
        this._idToShortId = /* @__PURE__ */ new Map();
        this._fieldLength = /* @__PURE__ */ new Map();
        this._avgFieldLength = [];
        this._storedFields = /* @__PURE__ */ new Map();
        this._nextId = 0;
      }
    }
    /**
     * Discards the document with the given ID, so it won't appear in search results
     *
     * It has the same visible effect of {@link MiniSearch.remove} (both cause the
     * document to stop appearing in searches), but a different effect on the
     * internal data structures:
     *
     *   - {@link MiniSearch#remove} requires passing the full document to be
     *   removed as argument, and removes it from the inverted index immediately.
     *
     *   - {@link MiniSearch#discard} instead only needs the document ID, and
     *   works by marking the current version of the document as discarded, so it
     *   is immediately ignored by searches. This is faster and more convenient
     *   than {@link MiniSearch#remove}, but the index is not immediately
     *   modified. To take care of that, vacuuming is performed after a certain
     *   number of documents are discarded, cleaning up the index and allowing
     *   memory to be released.
     *
     * After discarding a document, it is possible to re-add a new version, and
     * only the new version will appear in searches. In other words, discarding
     * and re-adding a document works exactly like removing and re-adding it. The
     * {@link MiniSearch.replace} method can also be used to replace a document
     * with a new version.
     *
     * #### Details about vacuuming
     *
     * Repetite calls to this method would leave obsolete document references in
     * the index, invisible to searches. Two mechanisms take care of cleaning up:
     * clean up during search, and vacuuming.
     *
     *   - Upon search, whenever a discarded ID is found (and ignored for the
     *   results), references to the discarded document are removed from the
     *   inverted index entries for the search terms. This ensures that subsequent
     *   searches for the same terms do not need to skip these obsolete references
     *   again.
     *
     *   - In addition, vacuuming is performed automatically by default (see the
     *   `autoVacuum` field in {@link Options}) after a certain number of
     *   documents are discarded. Vacuuming traverses all terms in the index,
     *   cleaning up all references to discarded documents. Vacuuming can also be
     *   triggered manually by calling {@link MiniSearch#vacuum}.
     *
     * @param id  The ID of the document to be discarded
     */
    discard(id) {
      const shortId = this._idToShortId.get(id);
      if (shortId == null) {
        throw new Error(`MiniSearch: cannot discard document with ID ${id}: it is not in the index`);
      }
      this._idToShortId.delete(id);
      this._documentIds.delete(shortId);
      this._storedFields.delete(shortId);
      (this._fieldLength.get(shortId) || []).forEach((fieldLength, fieldId) => {
        this.removeFieldLength(shortId, fieldId, this._documentCount, fieldLength);
      });
      this._fieldLength.delete(shortId);
      this._documentCount -= 1;
      this._dirtCount += 1;
      this.maybeAutoVacuum();
    }
    maybeAutoVacuum() {
      if (this._options.autoVacuum === false) {
        return;
      }
      const { minDirtFactor, minDirtCount, batchSize, batchWait } = this._options.autoVacuum;
      this.conditionalVacuum({ batchSize, batchWait }, { minDirtCount, minDirtFactor });
    }
    /**
     * Discards the documents with the given IDs, so they won't appear in search
     * results
     *
     * It is equivalent to calling {@link MiniSearch#discard} for all the given
     * IDs, but with the optimization of triggering at most one automatic
     * vacuuming at the end.
     *
     * Note: to remove all documents from the index, it is faster and more
     * convenient to call {@link MiniSearch.removeAll} with no argument, instead
     * of passing all IDs to this method.
     */
    discardAll(ids) {
      const autoVacuum = this._options.autoVacuum;
      try {
        this._options.autoVacuum = false;
        for (const id of ids) {
          this.discard(id);
        }
      } finally {
        this._options.autoVacuum = autoVacuum;
      }
      this.maybeAutoVacuum();
    }
    /**
     * It replaces an existing document with the given updated version
     *
     * It works by discarding the current version and adding the updated one, so
     * it is functionally equivalent to calling {@link MiniSearch#discard}
     * followed by {@link MiniSearch#add}. The ID of the updated document should
     * be the same as the original one.
     *
     * Since it uses {@link MiniSearch#discard} internally, this method relies on
     * vacuuming to clean up obsolete document references from the index, allowing
     * memory to be released (see {@link MiniSearch#discard}).
     *
     * @param updatedDocument  The updated document to replace the old version
     * with
     */
    replace(updatedDocument) {
      const { idField, extractField } = this._options;
      const id = extractField(updatedDocument, idField);
      this.discard(id);
      this.add(updatedDocument);
    }
    /**
     * Triggers a manual vacuuming, cleaning up references to discarded documents
     * from the inverted index
     *
     * Vacuuming is only useful for applications that use the {@link
     * MiniSearch#discard} or {@link MiniSearch#replace} methods.
     *
     * By default, vacuuming is performed automatically when needed (controlled by
     * the `autoVacuum` field in {@link Options}), so there is usually no need to
     * call this method, unless one wants to make sure to perform vacuuming at a
     * specific moment.
     *
     * Vacuuming traverses all terms in the inverted index in batches, and cleans
     * up references to discarded documents from the posting list, allowing memory
     * to be released.
     *
     * The method takes an optional object as argument with the following keys:
     *
     *   - `batchSize`: the size of each batch (1000 by default)
     *
     *   - `batchWait`: the number of milliseconds to wait between batches (10 by
     *   default)
     *
     * On large indexes, vacuuming could have a non-negligible cost: batching
     * avoids blocking the thread for long, diluting this cost so that it is not
     * negatively affecting the application. Nonetheless, this method should only
     * be called when necessary, and relying on automatic vacuuming is usually
     * better.
     *
     * It returns a promise that resolves (to undefined) when the clean up is
     * completed. If vacuuming is already ongoing at the time this method is
     * called, a new one is enqueued immediately after the ongoing one, and a
     * corresponding promise is returned. However, no more than one vacuuming is
     * enqueued on top of the ongoing one, even if this method is called more
     * times (enqueuing multiple ones would be useless).
     *
     * @param options  Configuration options for the batch size and delay. See
     * {@link VacuumOptions}.
     */
    vacuum(options = {}) {
      return this.conditionalVacuum(options);
    }
    conditionalVacuum(options, conditions) {
      if (this._currentVacuum) {
        this._enqueuedVacuumConditions = this._enqueuedVacuumConditions && conditions;
        if (this._enqueuedVacuum != null) {
          return this._enqueuedVacuum;
        }
        this._enqueuedVacuum = this._currentVacuum.then(() => {
          const conditions2 = this._enqueuedVacuumConditions;
          this._enqueuedVacuumConditions = defaultVacuumConditions;
          return this.performVacuuming(options, conditions2);
        });
        return this._enqueuedVacuum;
      }
      if (this.vacuumConditionsMet(conditions) === false) {
        return Promise.resolve();
      }
      this._currentVacuum = this.performVacuuming(options);
      return this._currentVacuum;
    }
    async performVacuuming(options, conditions) {
      const initialDirtCount = this._dirtCount;
      if (this.vacuumConditionsMet(conditions)) {
        const batchSize = options.batchSize || defaultVacuumOptions.batchSize;
        const batchWait = options.batchWait || defaultVacuumOptions.batchWait;
        let i = 1;
        for (const [term, fieldsData] of this._index) {
          for (const [fieldId, fieldIndex] of fieldsData) {
            for (const [shortId] of fieldIndex) {
              if (this._documentIds.has(shortId)) {
                continue;
              }
              if (fieldIndex.size <= 1) {
                fieldsData.delete(fieldId);
              } else {
                fieldIndex.delete(shortId);
              }
            }
          }
          if (this._index.get(term).size === 0) {
            this._index.delete(term);
          }
          if (i % batchSize === 0) {
            await new Promise((resolve) => setTimeout(resolve, batchWait));
          }
          i += 1;
        }
        this._dirtCount -= initialDirtCount;
      }
      await null;
      this._currentVacuum = this._enqueuedVacuum;
      this._enqueuedVacuum = null;
    }
    vacuumConditionsMet(conditions) {
      if (conditions == null) {
        return true;
      }
      let { minDirtCount, minDirtFactor } = conditions;
      minDirtCount = minDirtCount || defaultAutoVacuumOptions.minDirtCount;
      minDirtFactor = minDirtFactor || defaultAutoVacuumOptions.minDirtFactor;
      return this.dirtCount >= minDirtCount && this.dirtFactor >= minDirtFactor;
    }
    /**
     * Is `true` if a vacuuming operation is ongoing, `false` otherwise
     */
    get isVacuuming() {
      return this._currentVacuum != null;
    }
    /**
     * The number of documents discarded since the most recent vacuuming
     */
    get dirtCount() {
      return this._dirtCount;
    }
    /**
     * A number between 0 and 1 giving an indication about the proportion of
     * documents that are discarded, and can therefore be cleaned up by vacuuming.
     * A value close to 0 means that the index is relatively clean, while a higher
     * value means that the index is relatively dirty, and vacuuming could release
     * memory.
     */
    get dirtFactor() {
      return this._dirtCount / (1 + this._documentCount + this._dirtCount);
    }
    /**
     * Returns `true` if a document with the given ID is present in the index and
     * available for search, `false` otherwise
     *
     * @param id  The document ID
     */
    has(id) {
      return this._idToShortId.has(id);
    }
    /**
     * Returns the stored fields (as configured in the `storeFields` constructor
     * option) for the given document ID. Returns `undefined` if the document is
     * not present in the index.
     *
     * @param id  The document ID
     */
    getStoredFields(id) {
      const shortId = this._idToShortId.get(id);
      if (shortId == null) {
        return void 0;
      }
      return this._storedFields.get(shortId);
    }
    /**
     * Search for documents matching the given search query.
     *
     * The result is a list of scored document IDs matching the query, sorted by
     * descending score, and each including data about which terms were matched and
     * in which fields.
     *
     * ### Basic usage:
     *
     * ```javascript
     * // Search for "zen art motorcycle" with default options: terms have to match
     * // exactly, and individual terms are joined with OR
     * miniSearch.search('zen art motorcycle')
     * // => [ { id: 2, score: 2.77258, match: { ... } }, { id: 4, score: 1.38629, match: { ... } } ]
     * ```
     *
     * ### Restrict search to specific fields:
     *
     * ```javascript
     * // Search only in the 'title' field
     * miniSearch.search('zen', { fields: ['title'] })
     * ```
     *
     * ### Field boosting:
     *
     * ```javascript
     * // Boost a field
     * miniSearch.search('zen', { boost: { title: 2 } })
     * ```
     *
     * ### Prefix search:
     *
     * ```javascript
     * // Search for "moto" with prefix search (it will match documents
     * // containing terms that start with "moto" or "neuro")
     * miniSearch.search('moto neuro', { prefix: true })
     * ```
     *
     * ### Fuzzy search:
     *
     * ```javascript
     * // Search for "ismael" with fuzzy search (it will match documents containing
     * // terms similar to "ismael", with a maximum edit distance of 0.2 term.length
     * // (rounded to nearest integer)
     * miniSearch.search('ismael', { fuzzy: 0.2 })
     * ```
     *
     * ### Combining strategies:
     *
     * ```javascript
     * // Mix of exact match, prefix search, and fuzzy search
     * miniSearch.search('ismael mob', {
     *  prefix: true,
     *  fuzzy: 0.2
     * })
     * ```
     *
     * ### Advanced prefix and fuzzy search:
     *
     * ```javascript
     * // Perform fuzzy and prefix search depending on the search term. Here
     * // performing prefix and fuzzy search only on terms longer than 3 characters
     * miniSearch.search('ismael mob', {
     *  prefix: term => term.length > 3
     *  fuzzy: term => term.length > 3 ? 0.2 : null
     * })
     * ```
     *
     * ### Combine with AND:
     *
     * ```javascript
     * // Combine search terms with AND (to match only documents that contain both
     * // "motorcycle" and "art")
     * miniSearch.search('motorcycle art', { combineWith: 'AND' })
     * ```
     *
     * ### Combine with AND_NOT:
     *
     * There is also an AND_NOT combinator, that finds documents that match the
     * first term, but do not match any of the other terms. This combinator is
     * rarely useful with simple queries, and is meant to be used with advanced
     * query combinations (see later for more details).
     *
     * ### Filtering results:
     *
     * ```javascript
     * // Filter only results in the 'fiction' category (assuming that 'category'
     * // is a stored field)
     * miniSearch.search('motorcycle art', {
     *   filter: (result) => result.category === 'fiction'
     * })
     * ```
     *
     * ### Wildcard query
     *
     * Searching for an empty string (assuming the default tokenizer) returns no
     * results. Sometimes though, one needs to match all documents, like in a
     * "wildcard" search. This is possible by passing the special value
     * {@link MiniSearch.wildcard} as the query:
     *
     * ```javascript
     * // Return search results for all documents
     * miniSearch.search(MiniSearch.wildcard)
     * ```
     *
     * Note that search options such as `filter` and `boostDocument` are still
     * applied, influencing which results are returned, and their order:
     *
     * ```javascript
     * // Return search results for all documents in the 'fiction' category
     * miniSearch.search(MiniSearch.wildcard, {
     *   filter: (result) => result.category === 'fiction'
     * })
     * ```
     *
     * ### Advanced combination of queries:
     *
     * It is possible to combine different subqueries with OR, AND, and AND_NOT,
     * and even with different search options, by passing a query expression
     * tree object as the first argument, instead of a string.
     *
     * ```javascript
     * // Search for documents that contain "zen" and ("motorcycle" or "archery")
     * miniSearch.search({
     *   combineWith: 'AND',
     *   queries: [
     *     'zen',
     *     {
     *       combineWith: 'OR',
     *       queries: ['motorcycle', 'archery']
     *     }
     *   ]
     * })
     *
     * // Search for documents that contain ("apple" or "pear") but not "juice" and
     * // not "tree"
     * miniSearch.search({
     *   combineWith: 'AND_NOT',
     *   queries: [
     *     {
     *       combineWith: 'OR',
     *       queries: ['apple', 'pear']
     *     },
     *     'juice',
     *     'tree'
     *   ]
     * })
     * ```
     *
     * Each node in the expression tree can be either a string, or an object that
     * supports all {@link SearchOptions} fields, plus a `queries` array field for
     * subqueries.
     *
     * Note that, while this can become complicated to do by hand for complex or
     * deeply nested queries, it provides a formalized expression tree API for
     * external libraries that implement a parser for custom query languages.
     *
     * @param query  Search query
     * @param searchOptions  Search options. Each option, if not given, defaults to the corresponding value of `searchOptions` given to the constructor, or to the library default.
     */
    search(query, searchOptions = {}) {
      const { searchOptions: globalSearchOptions } = this._options;
      const searchOptionsWithDefaults = { ...globalSearchOptions, ...searchOptions };
      const rawResults = this.executeQuery(query, searchOptions);
      const results = [];
      for (const [docId, { score, terms, match }] of rawResults) {
        const quality = terms.length || 1;
        const result = {
          id: this._documentIds.get(docId),
          score: score * quality,
          terms: Object.keys(match),
          queryTerms: terms,
          match
        };
        Object.assign(result, this._storedFields.get(docId));
        if (searchOptionsWithDefaults.filter == null || searchOptionsWithDefaults.filter(result)) {
          results.push(result);
        }
      }
      if (query === _MiniSearch.wildcard && searchOptionsWithDefaults.boostDocument == null) {
        return results;
      }
      results.sort(byScore);
      return results;
    }
    /**
     * Provide suggestions for the given search query
     *
     * The result is a list of suggested modified search queries, derived from the
     * given search query, each with a relevance score, sorted by descending score.
     *
     * By default, it uses the same options used for search, except that by
     * default it performs prefix search on the last term of the query, and
     * combine terms with `'AND'` (requiring all query terms to match). Custom
     * options can be passed as a second argument. Defaults can be changed upon
     * calling the {@link MiniSearch} constructor, by passing a
     * `autoSuggestOptions` option.
     *
     * ### Basic usage:
     *
     * ```javascript
     * // Get suggestions for 'neuro':
     * miniSearch.autoSuggest('neuro')
     * // => [ { suggestion: 'neuromancer', terms: [ 'neuromancer' ], score: 0.46240 } ]
     * ```
     *
     * ### Multiple words:
     *
     * ```javascript
     * // Get suggestions for 'zen ar':
     * miniSearch.autoSuggest('zen ar')
     * // => [
     * //  { suggestion: 'zen archery art', terms: [ 'zen', 'archery', 'art' ], score: 1.73332 },
     * //  { suggestion: 'zen art', terms: [ 'zen', 'art' ], score: 1.21313 }
     * // ]
     * ```
     *
     * ### Fuzzy suggestions:
     *
     * ```javascript
     * // Correct spelling mistakes using fuzzy search:
     * miniSearch.autoSuggest('neromancer', { fuzzy: 0.2 })
     * // => [ { suggestion: 'neuromancer', terms: [ 'neuromancer' ], score: 1.03998 } ]
     * ```
     *
     * ### Filtering:
     *
     * ```javascript
     * // Get suggestions for 'zen ar', but only within the 'fiction' category
     * // (assuming that 'category' is a stored field):
     * miniSearch.autoSuggest('zen ar', {
     *   filter: (result) => result.category === 'fiction'
     * })
     * // => [
     * //  { suggestion: 'zen archery art', terms: [ 'zen', 'archery', 'art' ], score: 1.73332 },
     * //  { suggestion: 'zen art', terms: [ 'zen', 'art' ], score: 1.21313 }
     * // ]
     * ```
     *
     * @param queryString  Query string to be expanded into suggestions
     * @param options  Search options. The supported options and default values
     * are the same as for the {@link MiniSearch#search} method, except that by
     * default prefix search is performed on the last term in the query, and terms
     * are combined with `'AND'`.
     * @return  A sorted array of suggestions sorted by relevance score.
     */
    autoSuggest(queryString, options = {}) {
      options = { ...this._options.autoSuggestOptions, ...options };
      const suggestions = /* @__PURE__ */ new Map();
      for (const { score, terms } of this.search(queryString, options)) {
        const phrase = terms.join(" ");
        const suggestion = suggestions.get(phrase);
        if (suggestion != null) {
          suggestion.score += score;
          suggestion.count += 1;
        } else {
          suggestions.set(phrase, { score, terms, count: 1 });
        }
      }
      const results = [];
      for (const [suggestion, { score, terms, count }] of suggestions) {
        results.push({ suggestion, terms, score: score / count });
      }
      results.sort(byScore);
      return results;
    }
    /**
     * Total number of documents available to search
     */
    get documentCount() {
      return this._documentCount;
    }
    /**
     * Number of terms in the index
     */
    get termCount() {
      return this._index.size;
    }
    /**
     * Deserializes a JSON index (serialized with `JSON.stringify(miniSearch)`)
     * and instantiates a MiniSearch instance. It should be given the same options
     * originally used when serializing the index.
     *
     * ### Usage:
     *
     * ```javascript
     * // If the index was serialized with:
     * let miniSearch = new MiniSearch({ fields: ['title', 'text'] })
     * miniSearch.addAll(documents)
     *
     * const json = JSON.stringify(miniSearch)
     * // It can later be deserialized like this:
     * miniSearch = MiniSearch.loadJSON(json, { fields: ['title', 'text'] })
     * ```
     *
     * @param json  JSON-serialized index
     * @param options  configuration options, same as the constructor
     * @return An instance of MiniSearch deserialized from the given JSON.
     */
    static loadJSON(json, options) {
      if (options == null) {
        throw new Error("MiniSearch: loadJSON should be given the same options used when serializing the index");
      }
      return this.loadJS(JSON.parse(json), options);
    }
    /**
     * Async equivalent of {@link MiniSearch.loadJSON}
     *
     * This function is an alternative to {@link MiniSearch.loadJSON} that returns
     * a promise, and loads the index in batches, leaving pauses between them to avoid
     * blocking the main thread. It tends to be slower than the synchronous
     * version, but does not block the main thread, so it can be a better choice
     * when deserializing very large indexes.
     *
     * @param json  JSON-serialized index
     * @param options  configuration options, same as the constructor
     * @return A Promise that will resolve to an instance of MiniSearch deserialized from the given JSON.
     */
    static async loadJSONAsync(json, options) {
      if (options == null) {
        throw new Error("MiniSearch: loadJSON should be given the same options used when serializing the index");
      }
      return this.loadJSAsync(JSON.parse(json), options);
    }
    /**
     * Returns the default value of an option. It will throw an error if no option
     * with the given name exists.
     *
     * @param optionName  Name of the option
     * @return The default value of the given option
     *
     * ### Usage:
     *
     * ```javascript
     * // Get default tokenizer
     * MiniSearch.getDefault('tokenize')
     *
     * // Get default term processor
     * MiniSearch.getDefault('processTerm')
     *
     * // Unknown options will throw an error
     * MiniSearch.getDefault('notExisting')
     * // => throws 'MiniSearch: unknown option "notExisting"'
     * ```
     */
    static getDefault(optionName) {
      if (defaultOptions.hasOwnProperty(optionName)) {
        return getOwnProperty(defaultOptions, optionName);
      } else {
        throw new Error(`MiniSearch: unknown option "${optionName}"`);
      }
    }
    /**
     * @ignore
     */
    static loadJS(js, options) {
      const { index, documentIds, fieldLength, storedFields, serializationVersion } = js;
      const miniSearch = this.instantiateMiniSearch(js, options);
      miniSearch._documentIds = objectToNumericMap(documentIds);
      miniSearch._fieldLength = objectToNumericMap(fieldLength);
      miniSearch._storedFields = objectToNumericMap(storedFields);
      for (const [shortId, id] of miniSearch._documentIds) {
        miniSearch._idToShortId.set(id, shortId);
      }
      for (const [term, data] of index) {
        const dataMap = /* @__PURE__ */ new Map();
        for (const fieldId of Object.keys(data)) {
          let indexEntry = data[fieldId];
          if (serializationVersion === 1) {
            indexEntry = indexEntry.ds;
          }
          dataMap.set(parseInt(fieldId, 10), objectToNumericMap(indexEntry));
        }
        miniSearch._index.set(term, dataMap);
      }
      return miniSearch;
    }
    /**
     * @ignore
     */
    static async loadJSAsync(js, options) {
      const { index, documentIds, fieldLength, storedFields, serializationVersion } = js;
      const miniSearch = this.instantiateMiniSearch(js, options);
      miniSearch._documentIds = await objectToNumericMapAsync(documentIds);
      miniSearch._fieldLength = await objectToNumericMapAsync(fieldLength);
      miniSearch._storedFields = await objectToNumericMapAsync(storedFields);
      for (const [shortId, id] of miniSearch._documentIds) {
        miniSearch._idToShortId.set(id, shortId);
      }
      let count = 0;
      for (const [term, data] of index) {
        const dataMap = /* @__PURE__ */ new Map();
        for (const fieldId of Object.keys(data)) {
          let indexEntry = data[fieldId];
          if (serializationVersion === 1) {
            indexEntry = indexEntry.ds;
          }
          dataMap.set(parseInt(fieldId, 10), await objectToNumericMapAsync(indexEntry));
        }
        if (++count % 1e3 === 0)
          await wait(0);
        miniSearch._index.set(term, dataMap);
      }
      return miniSearch;
    }
    /**
     * @ignore
     */
    static instantiateMiniSearch(js, options) {
      const { documentCount, nextId, fieldIds, averageFieldLength, dirtCount, serializationVersion } = js;
      if (serializationVersion !== 1 && serializationVersion !== 2) {
        throw new Error("MiniSearch: cannot deserialize an index created with an incompatible version");
      }
      const miniSearch = new _MiniSearch(options);
      miniSearch._documentCount = documentCount;
      miniSearch._nextId = nextId;
      miniSearch._idToShortId = /* @__PURE__ */ new Map();
      miniSearch._fieldIds = fieldIds;
      miniSearch._avgFieldLength = averageFieldLength;
      miniSearch._dirtCount = dirtCount || 0;
      miniSearch._index = new SearchableMap();
      return miniSearch;
    }
    /**
     * @ignore
     */
    executeQuery(query, searchOptions = {}) {
      if (query === _MiniSearch.wildcard) {
        return this.executeWildcardQuery(searchOptions);
      }
      if (typeof query !== "string") {
        const options2 = { ...searchOptions, ...query, queries: void 0 };
        const results2 = query.queries.map((subquery) => this.executeQuery(subquery, options2));
        return this.combineResults(results2, options2.combineWith);
      }
      const { tokenize, processTerm, searchOptions: globalSearchOptions } = this._options;
      const options = { tokenize, processTerm, ...globalSearchOptions, ...searchOptions };
      const { tokenize: searchTokenize, processTerm: searchProcessTerm } = options;
      const terms = searchTokenize(query).flatMap((term) => searchProcessTerm(term)).filter((term) => !!term);
      const queries = terms.map(termToQuerySpec(options));
      const results = queries.map((query2) => this.executeQuerySpec(query2, options));
      return this.combineResults(results, options.combineWith);
    }
    /**
     * @ignore
     */
    executeQuerySpec(query, searchOptions) {
      const options = { ...this._options.searchOptions, ...searchOptions };
      const boosts = (options.fields || this._options.fields).reduce((boosts2, field) => ({ ...boosts2, [field]: getOwnProperty(options.boost, field) || 1 }), {});
      const { boostDocument, weights, maxFuzzy, bm25: bm25params } = options;
      const { fuzzy: fuzzyWeight, prefix: prefixWeight } = { ...defaultSearchOptions.weights, ...weights };
      const data = this._index.get(query.term);
      const results = this.termResults(query.term, query.term, 1, query.termBoost, data, boosts, boostDocument, bm25params);
      let prefixMatches;
      let fuzzyMatches;
      if (query.prefix) {
        prefixMatches = this._index.atPrefix(query.term);
      }
      if (query.fuzzy) {
        const fuzzy = query.fuzzy === true ? 0.2 : query.fuzzy;
        const maxDistance = fuzzy < 1 ? Math.min(maxFuzzy, Math.round(query.term.length * fuzzy)) : fuzzy;
        if (maxDistance)
          fuzzyMatches = this._index.fuzzyGet(query.term, maxDistance);
      }
      if (prefixMatches) {
        for (const [term, data2] of prefixMatches) {
          const distance = term.length - query.term.length;
          if (!distance) {
            continue;
          }
          fuzzyMatches === null || fuzzyMatches === void 0 ? void 0 : fuzzyMatches.delete(term);
          const weight = prefixWeight * term.length / (term.length + 0.3 * distance);
          this.termResults(query.term, term, weight, query.termBoost, data2, boosts, boostDocument, bm25params, results);
        }
      }
      if (fuzzyMatches) {
        for (const term of fuzzyMatches.keys()) {
          const [data2, distance] = fuzzyMatches.get(term);
          if (!distance) {
            continue;
          }
          const weight = fuzzyWeight * term.length / (term.length + distance);
          this.termResults(query.term, term, weight, query.termBoost, data2, boosts, boostDocument, bm25params, results);
        }
      }
      return results;
    }
    /**
     * @ignore
     */
    executeWildcardQuery(searchOptions) {
      const results = /* @__PURE__ */ new Map();
      const options = { ...this._options.searchOptions, ...searchOptions };
      for (const [shortId, id] of this._documentIds) {
        const score = options.boostDocument ? options.boostDocument(id, "", this._storedFields.get(shortId)) : 1;
        results.set(shortId, {
          score,
          terms: [],
          match: {}
        });
      }
      return results;
    }
    /**
     * @ignore
     */
    combineResults(results, combineWith = OR) {
      if (results.length === 0) {
        return /* @__PURE__ */ new Map();
      }
      const operator = combineWith.toLowerCase();
      const combinator = combinators[operator];
      if (!combinator) {
        throw new Error(`Invalid combination operator: ${combineWith}`);
      }
      return results.reduce(combinator) || /* @__PURE__ */ new Map();
    }
    /**
     * Allows serialization of the index to JSON, to possibly store it and later
     * deserialize it with {@link MiniSearch.loadJSON}.
     *
     * Normally one does not directly call this method, but rather call the
     * standard JavaScript `JSON.stringify()` passing the {@link MiniSearch}
     * instance, and JavaScript will internally call this method. Upon
     * deserialization, one must pass to {@link MiniSearch.loadJSON} the same
     * options used to create the original instance that was serialized.
     *
     * ### Usage:
     *
     * ```javascript
     * // Serialize the index:
     * let miniSearch = new MiniSearch({ fields: ['title', 'text'] })
     * miniSearch.addAll(documents)
     * const json = JSON.stringify(miniSearch)
     *
     * // Later, to deserialize it:
     * miniSearch = MiniSearch.loadJSON(json, { fields: ['title', 'text'] })
     * ```
     *
     * @return A plain-object serializable representation of the search index.
     */
    toJSON() {
      const index = [];
      for (const [term, fieldIndex] of this._index) {
        const data = {};
        for (const [fieldId, freqs] of fieldIndex) {
          data[fieldId] = Object.fromEntries(freqs);
        }
        index.push([term, data]);
      }
      return {
        documentCount: this._documentCount,
        nextId: this._nextId,
        documentIds: Object.fromEntries(this._documentIds),
        fieldIds: this._fieldIds,
        fieldLength: Object.fromEntries(this._fieldLength),
        averageFieldLength: this._avgFieldLength,
        storedFields: Object.fromEntries(this._storedFields),
        dirtCount: this._dirtCount,
        index,
        serializationVersion: 2
      };
    }
    /**
     * @ignore
     */
    termResults(sourceTerm, derivedTerm, termWeight, termBoost, fieldTermData, fieldBoosts, boostDocumentFn, bm25params, results = /* @__PURE__ */ new Map()) {
      if (fieldTermData == null)
        return results;
      for (const field of Object.keys(fieldBoosts)) {
        const fieldBoost = fieldBoosts[field];
        const fieldId = this._fieldIds[field];
        const fieldTermFreqs = fieldTermData.get(fieldId);
        if (fieldTermFreqs == null)
          continue;
        let matchingFields = fieldTermFreqs.size;
        const avgFieldLength = this._avgFieldLength[fieldId];
        for (const docId of fieldTermFreqs.keys()) {
          if (!this._documentIds.has(docId)) {
            this.removeTerm(fieldId, docId, derivedTerm);
            matchingFields -= 1;
            continue;
          }
          const docBoost = boostDocumentFn ? boostDocumentFn(this._documentIds.get(docId), derivedTerm, this._storedFields.get(docId)) : 1;
          if (!docBoost)
            continue;
          const termFreq = fieldTermFreqs.get(docId);
          const fieldLength = this._fieldLength.get(docId)[fieldId];
          const rawScore = calcBM25Score(termFreq, matchingFields, this._documentCount, fieldLength, avgFieldLength, bm25params);
          const weightedScore = termWeight * termBoost * fieldBoost * docBoost * rawScore;
          const result = results.get(docId);
          if (result) {
            result.score += weightedScore;
            assignUniqueTerm(result.terms, sourceTerm);
            const match = getOwnProperty(result.match, derivedTerm);
            if (match) {
              match.push(field);
            } else {
              result.match[derivedTerm] = [field];
            }
          } else {
            results.set(docId, {
              score: weightedScore,
              terms: [sourceTerm],
              match: { [derivedTerm]: [field] }
            });
          }
        }
      }
      return results;
    }
    /**
     * @ignore
     */
    addTerm(fieldId, documentId, term) {
      const indexData = this._index.fetch(term, createMap);
      let fieldIndex = indexData.get(fieldId);
      if (fieldIndex == null) {
        fieldIndex = /* @__PURE__ */ new Map();
        fieldIndex.set(documentId, 1);
        indexData.set(fieldId, fieldIndex);
      } else {
        const docs = fieldIndex.get(documentId);
        fieldIndex.set(documentId, (docs || 0) + 1);
      }
    }
    /**
     * @ignore
     */
    removeTerm(fieldId, documentId, term) {
      if (!this._index.has(term)) {
        this.warnDocumentChanged(documentId, fieldId, term);
        return;
      }
      const indexData = this._index.fetch(term, createMap);
      const fieldIndex = indexData.get(fieldId);
      if (fieldIndex == null || fieldIndex.get(documentId) == null) {
        this.warnDocumentChanged(documentId, fieldId, term);
      } else if (fieldIndex.get(documentId) <= 1) {
        if (fieldIndex.size <= 1) {
          indexData.delete(fieldId);
        } else {
          fieldIndex.delete(documentId);
        }
      } else {
        fieldIndex.set(documentId, fieldIndex.get(documentId) - 1);
      }
      if (this._index.get(term).size === 0) {
        this._index.delete(term);
      }
    }
    /**
     * @ignore
     */
    warnDocumentChanged(shortDocumentId, fieldId, term) {
      for (const fieldName of Object.keys(this._fieldIds)) {
        if (this._fieldIds[fieldName] === fieldId) {
          this._options.logger("warn", `MiniSearch: document with ID ${this._documentIds.get(shortDocumentId)} has changed before removal: term "${term}" was not present in field "${fieldName}". Removing a document after it has changed can corrupt the index!`, "version_conflict");
          return;
        }
      }
    }
    /**
     * @ignore
     */
    addDocumentId(documentId) {
      const shortDocumentId = this._nextId;
      this._idToShortId.set(documentId, shortDocumentId);
      this._documentIds.set(shortDocumentId, documentId);
      this._documentCount += 1;
      this._nextId += 1;
      return shortDocumentId;
    }
    /**
     * @ignore
     */
    addFields(fields) {
      for (let i = 0; i < fields.length; i++) {
        this._fieldIds[fields[i]] = i;
      }
    }
    /**
     * @ignore
     */
    addFieldLength(documentId, fieldId, count, length) {
      let fieldLengths = this._fieldLength.get(documentId);
      if (fieldLengths == null)
        this._fieldLength.set(documentId, fieldLengths = []);
      fieldLengths[fieldId] = length;
      const averageFieldLength = this._avgFieldLength[fieldId] || 0;
      const totalFieldLength = averageFieldLength * count + length;
      this._avgFieldLength[fieldId] = totalFieldLength / (count + 1);
    }
    /**
     * @ignore
     */
    removeFieldLength(documentId, fieldId, count, length) {
      if (count === 1) {
        this._avgFieldLength[fieldId] = 0;
        return;
      }
      const totalFieldLength = this._avgFieldLength[fieldId] * count - length;
      this._avgFieldLength[fieldId] = totalFieldLength / (count - 1);
    }
    /**
     * @ignore
     */
    saveStoredFields(documentId, doc) {
      const { storeFields, extractField } = this._options;
      if (storeFields == null || storeFields.length === 0) {
        return;
      }
      let documentFields = this._storedFields.get(documentId);
      if (documentFields == null)
        this._storedFields.set(documentId, documentFields = {});
      for (const fieldName of storeFields) {
        const fieldValue = extractField(doc, fieldName);
        if (fieldValue !== void 0)
          documentFields[fieldName] = fieldValue;
      }
    }
  };
  MiniSearch.wildcard = /* @__PURE__ */ Symbol("*");
  var getOwnProperty = (object, property) => Object.prototype.hasOwnProperty.call(object, property) ? object[property] : void 0;
  var combinators = {
    [OR]: (a, b) => {
      for (const docId of b.keys()) {
        const existing = a.get(docId);
        if (existing == null) {
          a.set(docId, b.get(docId));
        } else {
          const { score, terms, match } = b.get(docId);
          existing.score = existing.score + score;
          existing.match = Object.assign(existing.match, match);
          assignUniqueTerms(existing.terms, terms);
        }
      }
      return a;
    },
    [AND]: (a, b) => {
      const combined = /* @__PURE__ */ new Map();
      for (const docId of b.keys()) {
        const existing = a.get(docId);
        if (existing == null)
          continue;
        const { score, terms, match } = b.get(docId);
        assignUniqueTerms(existing.terms, terms);
        combined.set(docId, {
          score: existing.score + score,
          terms: existing.terms,
          match: Object.assign(existing.match, match)
        });
      }
      return combined;
    },
    [AND_NOT]: (a, b) => {
      for (const docId of b.keys())
        a.delete(docId);
      return a;
    }
  };
  var defaultBM25params = { k: 1.2, b: 0.7, d: 0.5 };
  var calcBM25Score = (termFreq, matchingCount, totalCount, fieldLength, avgFieldLength, bm25params) => {
    const { k, b, d } = bm25params;
    const invDocFreq = Math.log(1 + (totalCount - matchingCount + 0.5) / (matchingCount + 0.5));
    return invDocFreq * (d + termFreq * (k + 1) / (termFreq + k * (1 - b + b * fieldLength / avgFieldLength)));
  };
  var termToQuerySpec = (options) => (term, i, terms) => {
    const fuzzy = typeof options.fuzzy === "function" ? options.fuzzy(term, i, terms) : options.fuzzy || false;
    const prefix = typeof options.prefix === "function" ? options.prefix(term, i, terms) : options.prefix === true;
    const termBoost = typeof options.boostTerm === "function" ? options.boostTerm(term, i, terms) : 1;
    return { term, fuzzy, prefix, termBoost };
  };
  var defaultOptions = {
    idField: "id",
    extractField: (document2, fieldName) => document2[fieldName],
    stringifyField: (fieldValue, fieldName) => fieldValue.toString(),
    tokenize: (text) => text.split(SPACE_OR_PUNCTUATION),
    processTerm: (term) => term.toLowerCase(),
    fields: void 0,
    searchOptions: void 0,
    storeFields: [],
    logger: (level, message) => {
      if (typeof (console === null || console === void 0 ? void 0 : console[level]) === "function")
        console[level](message);
    },
    autoVacuum: true
  };
  var defaultSearchOptions = {
    combineWith: OR,
    prefix: false,
    fuzzy: false,
    maxFuzzy: 6,
    boost: {},
    weights: { fuzzy: 0.45, prefix: 0.375 },
    bm25: defaultBM25params
  };
  var defaultAutoSuggestOptions = {
    combineWith: AND,
    prefix: (term, i, terms) => i === terms.length - 1
  };
  var defaultVacuumOptions = { batchSize: 1e3, batchWait: 10 };
  var defaultVacuumConditions = { minDirtFactor: 0.1, minDirtCount: 20 };
  var defaultAutoVacuumOptions = { ...defaultVacuumOptions, ...defaultVacuumConditions };
  var assignUniqueTerm = (target, term) => {
    if (!target.includes(term))
      target.push(term);
  };
  var assignUniqueTerms = (target, source) => {
    for (const term of source) {
      if (!target.includes(term))
        target.push(term);
    }
  };
  var byScore = ({ score: a }, { score: b }) => b - a;
  var createMap = () => /* @__PURE__ */ new Map();
  var objectToNumericMap = (object) => {
    const map = /* @__PURE__ */ new Map();
    for (const key of Object.keys(object)) {
      map.set(parseInt(key, 10), object[key]);
    }
    return map;
  };
  var objectToNumericMapAsync = async (object) => {
    const map = /* @__PURE__ */ new Map();
    let count = 0;
    for (const key of Object.keys(object)) {
      map.set(parseInt(key, 10), object[key]);
      if (++count % 1e3 === 0) {
        await wait(0);
      }
    }
    return map;
  };
  var wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  var SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;

  // artopic_nb/widgets/js/site/search.js
  function makeSearch(parts, works) {
    let index = null;
    async function build() {
      const texts = await parts.load("search");
      const ms = new MiniSearch({
        fields: ["title", "artist", "date", "text"],
        idField: "id",
        storeFields: []
      });
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
    return { find, warm: () => {
      if (!index) index = build();
      return index;
    } };
  }

  // artopic_nb/widgets/js/site/works.js
  var Works = class {
    constructor(part, site) {
      this.n = part.labels.length;
      this.title = part.title;
      this.artist = part.artist;
      this.date = part.date;
      this.labels = Int32Array.from(part.labels);
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
    hasThumb(i) {
      return this.thumbs[i] === 1;
    }
    hasLink(i) {
      return this.links[i] === 1;
    }
    cluster(i) {
      return this.clusters.get(this.labels[i] < 0 ? -1 : this.labels[i]) || null;
    }
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
      for (let j = 0; j < this.k; j++) {
        const v = this.similarIds[i * this.k + j];
        if (v >= 0) out.push(v);
      }
      return out;
    }
    /** The works of cluster c (noise: -1), in id order. */
    members(c) {
      const out = [];
      for (let i = 0; i < this.n; i++) if ((this.labels[i] < 0 ? -1 : this.labels[i]) === c) out.push(i);
      return out;
    }
  };

  // artopic_nb/widgets/js/site/main.js
  var MAP_HEIGHT = 560;
  function colourBy(ctx, by) {
    const { model, works } = ctx;
    const f = works.facets.findIndex((x) => x.column === by);
    let traits = ctx.clusterTraits;
    if (f >= 0) {
      const facet = works.facets[f], codes = Int32Array.from(facet.codes);
      const counts = new Array(facet.values.length).fill(0);
      let missing = 0;
      for (const v of codes) {
        if (v >= 0) counts[v]++;
        else missing++;
      }
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
    const toggle = (f, v) => {
      filters.toggle(f, v);
      apply();
    };
    let timer = 0, asked = 0;
    dom.search.addEventListener("focus", () => {
      search.warm().catch(() => {
      });
    }, { once: true });
    dom.search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = dom.search.value, mine = ++asked;
        let ids;
        try {
          ids = await search.find(q);
        } catch (e) {
          dom.status.textContent = e.message;
          return;
        }
        if (mine !== asked) return;
        filters.setHits(q, ids);
        apply();
      }, 150);
    });
    dom.clear.addEventListener("click", () => {
      dom.search.value = "";
      filters.clear();
      apply();
      model.set("selected_ids", []);
    });
    buildFacets(dom.facetsBox, works, filters, toggle);
  }
  function wireSelection(ctx, dom) {
    const { model, works, grid } = ctx;
    let picking = null;
    model.on("change:selected_ids", (ids) => {
      if (picking) {
        const c = picking;
        picking = null;
        grid.show("cluster", c.id < 0 ? "Noise" : c.name ? `Cluster ${c.id}: ${c.name}` : `Cluster ${c.id}`, ids);
        return;
      }
      if (!ids.length) {
        grid.show("all", "All works", null);
        return;
      }
      grid.show("selection", "Selection on the map", ids);
      if (ids.length === 1) ctx.open(ids[0]);
    });
    ctx.pickCluster = (c) => {
      picking = c;
      model.set("selected_ids", works.members(c.id));
    };
    buildClusters(dom.clusters, ctx.site.clusters, ctx.pickCluster);
  }
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
      if (ctx.grid.source.kind === "cluster") model.set("selected_ids", []);
      else ctx.grid.refresh();
    });
  }
  async function start(root2) {
    const parts = partLoader();
    const [site, map, worksPart] = await Promise.all(["site", "map", "works"].map((p) => parts.load(p)));
    const dom = buildLayout(root2, site);
    const works = new Works(worksPart, site);
    const model = new SiteModel(mapTraits(map, MAP_HEIGHT), () => null);
    model.answer = pictureAnswers(parts, works, site, model);
    model.state.thumb_size = site.thumb_size;
    model.state.color_options = ["cluster", ...works.facets.map((f) => f.column)];
    const clusterTraits = Object.fromEntries(["codes", "categories", "colors", "counts", "noise_label", "noise_count"].map((k) => [k, model.get(k)]));
    const ctx = { site, parts, works, model, clusterTraits, filters: new Filters(works) };
    ctx.open = (i) => openRecord(dom.record, ctx, i);
    ctx.showSimilar = (i, ids) => {
      model.set("highlighted_ids", [i, ...ids]);
      ctx.grid.show("similar", `Similar to “${works.title[i] || `#${i}`}”`, ids);
    };
    ctx.grid = new Grid(dom, ctx);
    model.on("change:color_by", (by) => colourBy(ctx, by));
    wireSelection(ctx, dom);
    wireLevels(ctx, dom);
    wireFilters(ctx, dom);
    plot_default.render({ model, el: dom.mapEl });
    openOnClick(dom.mapEl, (i) => {
      model.set("highlighted_ids", [i]);
      ctx.open(i);
    });
    ctx.grid.show("all", "All works", null);
    root2.dataset.ready = "1";
  }
  var root = document.getElementById("artopic-site") || el_("div", "artopic-site", document.body);
  start(root).catch((e) => {
    root.replaceChildren();
    el_("p", "artopic-site-error", root, `This site could not start: ${e.message}`);
    console.error(e);
  });
})();
