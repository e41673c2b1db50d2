// One frame of the image map: the level of detail chooses the pictures (lod.js), then
// - far out on a software rasterizer: dots and pictures on the CPU (canvas.js mosaic);
// - WebGL 2: dots on the canvas under the pictures, the pictures as quads (webgl.js);
// - no WebGL: the dots raster, then each picture with drawImage (canvas.js).
import { LAYER, frameWidth } from "./constants.js";
import { glSource } from "./atlas.js";
import { drawCanvasPictures, mosaic, rasterDots } from "./canvas.js";
import { scheduleDetail } from "./detail.js";
import { choosePictures } from "./lod.js";
import { cpuFar } from "./renderer.js";
import { codeOf, selecting } from "./state.js";
import { PICTURE_FLOATS } from "./webgl.js";

/** Draw the pictures of this frame; returns the level of detail's choice (lod.js). */
export function drawPictures(s) {
  s.detailClock++;
  const chosen = choosePictures(s);
  const { list, count, size } = s.lastPics;
  const fw = frameWidth(s.dpr, size);
  const { ctx } = s.dom;
  if (s.lastPics.level === "mini" && cpuFar(s)) {
    if (chosen.dots) rasterDots(s, null, false); else s.pix.fill(0xffffffff);
    s.lastPics.exact = mosaic(s, list, count, size, fw);
    // on the top canvas, as the dots plot: the WebGL and base canvases are hidden meanwhile
    ctx.putImageData(s.image, 0, 0);
    s.cpuFrame = true; s.gpuEmpty = true;
    s.picsDirty = false;
  } else if (s.renderer.kind === "webgl2") {
    s.cpuFrame = false;
    // dots on the canvas under the pictures, where some work on screen has no picture
    if (chosen.dots) { rasterDots(s, s.dom.bctx); s.baseClear = false; }
    else if (!s.baseClear) { s.dom.bctx.clearRect(0, 0, s.W, s.H); s.baseClear = true; }
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

// The pictures' records for the GPU (PICTURE_FLOATS each, see webgl.js); returns whether each
// is at the resolution wanted.
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
    inst[o] = xy[2 * i]; inst[o + 1] = xy[2 * i + 1];
    inst[o + 2] = (x + 0.5) / LAYER; inst[o + 3] = (y + 0.5) / LAYER;
    inst[o + 4] = (x + w - 0.5) / LAYER; inst[o + 5] = (y + h - 0.5) / LAYER;
    inst[o + 6] = a >= 1 ? 1 : a; inst[o + 7] = a >= 1 ? 1 / a : 1;
    inst[o + 8] = layer;
    const c = codeOf(s, i);
    inst[o + 9] = (c < 0 ? 0 : Math.min(63, c + 1)) * 8 + (sel && !selMask[i] ? 2 : 0);
  }
  return exact;
}
