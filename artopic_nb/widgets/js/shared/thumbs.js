// Thumbnails from the kernel. A view asks with a custom message
// ({ type: "thumbs", ids, size, info, req }); the reply carries the JPEGs packed in one binary
// buffer, msg.lengths their byte sizes (0: no thumbnail), msg.info their records if asked.
import { u8 } from "./buffers.js";

/** A "thumbs" reply as [{ id, blob, info }]; blob is null for a work without a thumbnail. */
export function unpackThumbBlobs(msg, buffers) {
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

/** The same as [{ id, url, info }]: url a blob URL (the caller revokes it), "" when none. */
export function unpackThumbs(msg, buffers) {
  return unpackThumbBlobs(msg, buffers).map(({ id, blob, info }) =>
    ({ id, url: blob ? URL.createObjectURL(blob) : "", info }));
}

/** A blob URL of JPEG bytes (a Bytes value), "" when there are none. */
export function jpegUrl(bytes) {
  const b = u8(bytes);
  return b.length ? URL.createObjectURL(new Blob([b.slice()], { type: "image/jpeg" })) : "";
}
