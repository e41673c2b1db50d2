// Helpers shared by every artopic view. Each anywidget view must be one self-contained ES
// module, so Python prepends this file to plot.js, grid.js and captions.js (widgets/_base.esm).

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
// A "thumbs" reply (JPEGs packed in one buffer, msg.lengths their sizes) as
// [{ id, url, info }]; url is a blob URL, or "" for a work without a thumbnail.
function unpackThumbs(msg, buffers) {
  if (!msg || msg.type !== "thumbs") return [];
  const data = u8(buffers && buffers[0]);
  let off = 0;
  return msg.ids.map((id, k) => {
    const len = msg.lengths[k] | 0;
    const url = len ? URL.createObjectURL(new Blob([data.slice(off, off + len)], { type: "image/jpeg" })) : "";
    off += len;
    return { id, url, info: msg.info ? msg.info[k] : {} };
  });
}
