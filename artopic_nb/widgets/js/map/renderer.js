// Which renderer draws the pictures: WebGL 2 (webgl.js) where the browser gives a context,
// else the 2-D canvas (canvas.js), which is slower and says so in the toolbar.
import { imagesOn } from "./state.js";
import { makeGL } from "./webgl.js";

/** The 2-D canvas fallback: pictures kept as ImageBitmaps and drawn with drawImage. */
export function makeFallback() {
  return { kind: "canvas-fallback", upload() {} };
}

/** Make the renderer once; `onLost()` runs when a WebGL context is lost (the state then holds
 *  the 2-D fallback, and the pages must be asked for again). */
export function ensureRenderer(s, onLost) {
  if (s.renderer) return;
  const { glCanvas, canvas, notice } = s.dom;
  s.renderer = makeGL(glCanvas);
  if (s.renderer) {
    glCanvas.addEventListener("webglcontextlost", (e) => {
      e.preventDefault();
      s.renderer = makeFallback();  // pages are asked for again and drawn on the 2-D canvas
      onLost();
    }, { once: true });
  } else s.renderer = makeFallback();
  const kind = s.renderer.kind;
  canvas.dataset.renderer = kind;
  notice.textContent = kind === "webgl2" ? "" : "drawn without WebGL (slower)";
  notice.title = kind === "webgl2" ? "" : "this browser gave no WebGL 2 context: the pictures are drawn on a 2-D canvas, which is slower";
  if (s.model.get("renderer") !== kind) { s.model.set("renderer", kind); s.model.save_changes(); }
}

/** Show the WebGL canvas and the dots under it only while WebGL draws the pictures. */
export function showLayers(s) {
  const gl = imagesOn(s) && s.renderer && s.renderer.kind === "webgl2" && !s.cpuFrame;
  s.dom.glCanvas.style.display = gl ? "block" : "none";
  s.dom.base.style.display = gl ? "block" : "none";
}

// Far out, where a software rasterizer draws (SwiftShader, or no WebGL at all), the pictures
// are a few pixels each: copied from the mini pages' pixels on the CPU (canvas.js mosaic()).
export function cpuFar(s) { return s.renderer && (s.renderer.kind !== "webgl2" || s.renderer.software); }
