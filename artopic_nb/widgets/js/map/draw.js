// A frame: the dots or the pictures, the rings and names, then what the frame says about
// itself (data-* attributes on the top canvas, read by tests and benchmarks, and the
// rendered_points / rendered_version traits the kernel waits for).
import { rasterDots } from "./canvas.js";
import { drawLabels, drawRings } from "./labels.js";
import { drawAxis, stepTransition } from "./layout.js";
import { drawPictures } from "./pictures.js";
import { showLayers } from "./renderer.js";
import { imagesOn } from "./state.js";
import { resize } from "./view.js";

/** A frame at the next animation frame (one at most). */
export function requestDraw(s) {
  if (s.frame) return;
  s.frame = requestAnimationFrame(() => { s.frame = 0; draw(s); });
}

/** Draw now. */
export function draw(s) {
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
    // complete: every work on screen drawn, each picture at the resolution this zoom wants
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

// the frame's figures: the view, the version drawn (and when), the info line
function report(s, drawn, images) {
  const { canvas, info } = s.dom, model = s.model, { view, dpr } = s;
  // the view in CSS pixels: screen = ((x - cx) * scale + width / 2, height / 2 - (y - cy) * scale)
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
  // the first frame with every atlas page in it (what the benchmark times for the image map)
  const complete = `${version}/${s.atlasVersion}`;
  if (images && s.lastComplete && s.picturesDrawnFor !== complete) {
    s.picturesDrawnFor = complete;
    canvas.dataset.picturesDrawnAt = String(performance.now());
  }
  const what = images ? "works" : "points";
  info.textContent = `${s.n.toLocaleString()} ${what}` + (s.picked ? ` · ${s.picked.toLocaleString()} selected` : "")
    + (s.filtering ? ` · ${s.passing.toLocaleString()} pass the filter` : "")
    + (s.atlasError ? ` · pictures: ${s.atlasError}` : "");
}

function checksum(s) {  // debug only (tests): sum of (code + 2) * (i % 1000 + 1)
  let sum = 0;
  for (let i = 0; i < s.n; i++) sum += (s.codes[i] + 2) * ((i % 1000) + 1);
  return sum;
}
