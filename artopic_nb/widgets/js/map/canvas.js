// The canvas renderer: every point rasterised into one ImageData (100,000 points stay fluid),
// the far view's pictures copied pixel by pixel into the same ImageData (mosaic), and the
// pictures drawn with drawImage where WebGL 2 is missing (slower).
import { pictureBox, picturePx } from "./constants.js";
import { pictureSource } from "./atlas.js";
import { codeOf, radius, selecting } from "./state.js";

// A disc's pixels: (dx, dy) pairs, the same as offsets in a row-major image W wide, and its
// reach (a dot that far inside the image needs no bounds check a pixel).
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

/** Every visible point into the ImageData, then (put) on `target` (the top canvas by default).
 *  Passes: noise, clustered, the selection on top. Returns the points drawn. */
export function rasterDots(s, target, put = true) {
  const { n, xy, codes, selMask, catColors, catDim, noiseColor, noiseDim, hidden, pix, W, H } = s;
  pix.fill(0xffffffff);
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
      if (c >= nCat || c === undefined) c = -1;
      const isNoise = c < 0;
      if (pass === 0 && !isNoise) continue;
      if (pass === 1 && isNoise) continue;
      if (isNoise ? noiseHidden : hiddenCat[c]) continue;
      const isSel = sel && selMask[i] === 1;
      if (pass < 2 ? isSel : !isSel) continue;  // selected points only in the top pass
      const px = Math.round(xy[2 * i] * sc + ox), py = Math.round(oy - xy[2 * i + 1] * sc);
      if (px < -8 || py < -8 || px >= W + 8 || py >= H + 8) continue;
      const color = isNoise ? (sel && !isSel ? noiseDim : noiseColor)
                            : (sel && !isSel ? catDim[c] : catColors[c]);
      dot(pix, isNoise ? small : big, px, py, W, H, color);
      drawn++;
    }
  }
  if (put) (target || s.dom.ctx).putImageData(s.image, 0, 0);
  return drawn;
}

// One picture from a mini page's pixels into the ImageData, nearest pixel; dim: 30% of the
// picture over the page's grey, as the dots are dimmed. The source column of each screen column
// is found once a picture (cols), not once a pixel.
function blit(s, src, slot, a, x0, y0, iw, ih, dim) {
  const P = s.pages.mini, { pix, W, H } = s;
  const xs = Math.max(0, x0), xe = Math.min(W, x0 + iw), n = xe - xs;
  if (n <= 0) return;
  const kk = slot % P.per;
  const [bw, bh] = pictureBox(a, P.cell);
  const sx0 = (kk % P.perRow) * P.cell, sy0 = Math.floor(kk / P.perRow) * P.cell;
  const px = src.px, sw = src.w;
  if (s.blitCols.length < n) s.blitCols = new Int32Array(n);
  const cols = s.blitCols;
  for (let k = 0; k < n; k++) cols[k] = sx0 + Math.min(bw - 1, ((xs + k - x0 + 0.5) * bw / iw) | 0);
  for (let y = Math.max(0, y0), ye = Math.min(H, y0 + ih); y < ye; y++) {
    const srow = (sy0 + Math.min(bh - 1, ((y - y0 + 0.5) * bh / ih) | 0)) * sw, d = y * W + xs;
    if (dim) {
      for (let k = 0; k < n; k++) {
        const p = px[srow + cols[k]];
        pix[d + k] = 0xff000000 | (((p & 255) * 77 + 42602) >> 8) | ((((p >> 8) & 255) * 77 + 42602) >> 8) << 8
          | ((((p >> 16) & 255) * 77 + 42602) >> 8) << 16;
      }
    } else for (let k = 0; k < n; k++) pix[d + k] = px[srow + cols[k]] | 0xff000000;
  }
}

// The frame around a picture at (x0, y0, iw, ih), f pixels wide (all of it without a picture):
// plain loops, as a TypedArray.fill call costs more than the few pixels of a far picture's row.
function frame(s, color, x0, y0, iw, ih, f, whole) {
  const { pix, W, H } = s;
  const ya = Math.max(0, y0 - f), yb = Math.min(H, y0 + ih + f), xa = Math.max(0, x0 - f), xb = Math.min(W, x0 + iw + f);
  const left = Math.min(xb, Math.max(xa, x0)), right = Math.max(xa, Math.min(xb, x0 + iw));
  for (let y = ya; y < yb; y++) {
    const row = y * W;
    if (whole || y < y0 || y >= y0 + ih) { for (let x = xa; x < xb; x++) pix[row + x] = color; continue; }
    for (let x = xa; x < left; x++) pix[row + x] = color;
    for (let x = right; x < xb; x++) pix[row + x] = color;
  }
}

// Far out, where a software rasterizer draws (SwiftShader, or no WebGL at all), the pictures
// are a few pixels each: copied from the mini pages' pixels into the dots' ImageData on the
// CPU (nearest pixel), as cheap as the dots themselves, instead of 10^4 quads or drawImage calls.
// Returns whether every picture was there.
export function mosaic(s, list, count, size, fw) {
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
    const frameColor = c < 0 ? (dim ? noiseDim : noiseColor) : (dim ? catDim[c] : catColors[c]);
    const slot = slotOf[i], src = slot >= 0 ? P.pix[Math.floor(slot / P.per)] : null;
    frame(s, frameColor, x0, y0, iw, ih, f, !src);
    if (!src) { exact = false; continue; }
    blit(s, src, slot, a, x0, y0, iw, ih, dim);
  }
  return exact;
}

/** The 2-D canvas: the dots raster, then each picture with drawImage (slower, said in the
 *  toolbar). Returns whether every picture was at the resolution wanted. */
export function drawCanvasPictures(s, list, count, size, fw) {
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
    if (sel && !selMask[i]) { ctx.fillStyle = "rgba(237,237,237,0.7)"; ctx.fillRect(px - w / 2, py - h / 2, w, h); }
  }
  return exact;
}
