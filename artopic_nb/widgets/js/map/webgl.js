// WebGL 2 renderer of the pictures: quads sampling one texture array whose layers hold the
// atlas pages, their reduced copies and the sharper thumbnails. The dots are drawn on the CPU
// into a canvas under this one (a software WebGL, as in headless browsers, pays dearly per point).
// Knows nothing of the model: it is given layers, pixels, pictures and a frame to draw.
import { DETAIL_LAYERS, LAYER } from "./constants.js";

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
const UNIFORMS = ["u_scale", "u_offset", "u_px", "u_size", "u_frame", "u_pal", "u_tex"];
/** Floats a picture: x, y; u0, v0, u1, v1; width and height shares; layer; frame colour + dim. */
export const PICTURE_FLOATS = 10;

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

function context(glCanvas) {
  try {
    return glCanvas.getContext("webgl2", { antialias: false, alpha: true, depth: false, stencil: false,
                                           premultipliedAlpha: true, preserveDrawingBuffer: false });
  } catch (e) { return null; }
}

// One picture a quad, its corner from gl_VertexID. On a GPU, instancing: one record a picture.
// On a software rasterizer (SwiftShader, as in headless browsers), which pays dearly per
// instance, four vertices a picture and an index buffer instead.
function vertexBuffers(gl, instanced) {
  const picVao = gl.createVertexArray();
  gl.bindVertexArray(picVao);
  const vertBuf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, vertBuf);
  for (const [loc, size, off] of [[1, 2, 0], [2, 4, 8], [3, 4, 24]]) {
    gl.enableVertexAttribArray(loc); gl.vertexAttribPointer(loc, size, gl.FLOAT, false, 4 * PICTURE_FLOATS, off);
    if (instanced) gl.vertexAttribDivisor(loc, 1);
  }
  const indexBuf = gl.createBuffer();
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indexBuf);
  gl.bindVertexArray(null);
  return { picVao, vertBuf, indexBuf };
}

/** The WebGL 2 renderer on `glCanvas`, or null when WebGL 2 (or its shaders) is not available.
 *  Its layers: full pages from layout.full, mini pages from layout.mini, then DETAIL_LAYERS. */
export function makeGL(glCanvas) {
  const gl = context(glCanvas);
  if (!gl) return null;
  let prog;
  try { prog = compileProgram(gl, VS_PICS, FS_PICS); }
  catch (e) { console.warn("artopic plot: WebGL 2 shaders failed, drawing on a 2-D canvas", e); return null; }
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const software = /swiftshader|llvmpipe|software/i.test(
    String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
  const instanced = !software;
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  const g = {
    gl, prog, instanced, ...vertexBuffers(gl, instanced),
    up: Object.fromEntries(UNIFORMS.map((k) => [k, gl.getUniformLocation(prog, k)])),
    tex: null, indexCap: 0, nPics: 0, verts: new Float32Array(0),
    layout: { full: 0, mini: 0, detail: 0 },  // first layer of each kind
  };
  return {
    kind: "webgl2", instanced, software, layout: g.layout,
    setLayers: (full, mini) => setLayers(g, full, mini),
    upload: (layer, x, y, source) => upload(g, layer, x, y, source),
    setPictures: (inst, count) => setPictures(g, inst, count),
    draw: (f) => drawFrame(g, f),
    destroy: () => destroy(g),
  };
}

// layers: full pages, then mini pages, then sharper thumbnails
function setLayers(g, full, mini) {
  const gl = g.gl;
  if (g.tex) gl.deleteTexture(g.tex);
  g.layout.full = 0; g.layout.mini = full; g.layout.detail = full + mini;
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
  gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, x, y, layer, Math.min(LAYER - x, source.width),
                   Math.min(LAYER - y, source.height), 1, gl.RGBA, gl.UNSIGNED_BYTE, source);
}

// inst: PICTURE_FLOATS floats a picture (see drawPictures in pictures.js)
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

// f: { W, H, scale, cx, cy, pal, picSize, frame }
function drawFrame(g, f) {
  const { gl, up } = g;
  gl.viewport(0, 0, f.W, f.H);
  gl.clearColor(0, 0, 0, 0);
  gl.clear(gl.COLOR_BUFFER_BIT);
  if (!g.nPics || !g.tex) return;
  const sx = 2 * f.scale / f.W, sy = 2 * f.scale / f.H;
  gl.useProgram(g.prog);
  gl.uniform2f(up.u_scale, sx, sy); gl.uniform2f(up.u_offset, -f.cx * sx, -f.cy * sy);
  gl.uniform2f(up.u_px, 2 / f.W, 2 / f.H);
  gl.uniform1f(up.u_size, f.picSize); gl.uniform1f(up.u_frame, f.frame);
  gl.uniform4fv(up.u_pal, f.pal);
  gl.activeTexture(gl.TEXTURE0); gl.bindTexture(gl.TEXTURE_2D_ARRAY, g.tex);
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
