// The site's data, as parts: scripts (data/<name>.js) that store a JSON value under their name
// in window.ARTOPIC_PARTS. A page opened from file:// may not fetch() files beside it, but it
// may run scripts beside it: a part is asked for by adding a <script> tag, once, and is
// there already when the page was written as one file (every part inline).

/** The parts loaded so far (name -> value). */
export function loadedParts() {
  if (!window.ARTOPIC_PARTS) window.ARTOPIC_PARTS = {};
  return window.ARTOPIC_PARTS;
}

/** A loader of parts: `load(name)` is a promise of the part's value (its script added once). */
export function partLoader(doc = document) {
  const pending = new Map();
  function load(name) {
    const have = loadedParts()[name];
    if (have !== undefined) return Promise.resolve(have);
    if (pending.has(name)) return pending.get(name);
    const promise = new Promise((resolve, reject) => {
      const tag = doc.createElement("script");
      tag.src = `data/${name}.js`;
      tag.onload = () => {
        const value = loadedParts()[name];
        if (value === undefined) reject(new Error(`data/${name}.js holds no part "${name}"`));
        else resolve(value);
      };
      tag.onerror = () => { pending.delete(name); reject(new Error(`data/${name}.js could not be read`)); };
      doc.head.appendChild(tag);
    });
    pending.set(name, promise);
    return promise;
  }
  return { load };
}

/** Bytes of a base64 string. */
export function bytesOf(b64) {
  const s = atob(b64 || "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A typed array (Float32Array, Int32Array, Int16Array, Uint8Array) of little-endian base64. */
export function typedOf(b64, Ctor) {
  const b = bytesOf(b64);
  return new Ctor(b.buffer, 0, Math.floor(b.byteLength / Ctor.BYTES_PER_ELEMENT));
}
