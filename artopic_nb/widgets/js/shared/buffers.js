// Binary values from the model: a traitlet Bytes value or a message buffer arrives as a
// DataView (anywidget), an ArrayBuffer or a typed array; these read it without copying.

/** A Bytes value or a message buffer as a Uint8Array view (no copy); empty for anything else. */
export function u8(buf) {
  if (!buf) return new Uint8Array(0);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(0);
}

/** The same bytes as a typed array of `Ctor` (Float32Array, Int32Array ...); copied only when
 *  the bytes are not aligned to the element size. */
export function typed(buf, Ctor) {
  const b = u8(buf);
  const n = Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n);
  return new Ctor(b.slice(0, n * Ctor.BYTES_PER_ELEMENT).buffer);  // unaligned: copy
}
