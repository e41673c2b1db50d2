// DOM helpers of every view. Data-derived text is set with textContent, never parsed as HTML.

/** A new element `tag` with class `cls`, appended to `parent`, its text `text` (as text). */
export function el_(tag, cls, parent, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}

/** A button of class `cls` in `parent` saying `text` (type "button": never submits a form). */
export function button(cls, parent, text) {
  const b = el_("button", cls, parent);
  b.type = "button";
  if (text !== undefined) b.textContent = String(text);
  return b;
}

/** Listeners a view adds to its model and the page, all removed by one `dispose()`:
 *  `on("change:x", fn)` (model events), `onDom(target, "click", fn, opts)`. */
export function listeners(model) {
  const modelListeners = [], domListeners = [];
  return {
    on(name, fn) { model.on(name, fn); modelListeners.push([name, fn]); },
    onDom(target, name, fn, opts) {
      target.addEventListener(name, fn, opts); domListeners.push([target, name, fn, opts]);
    },
    dispose() {
      for (const [name, fn] of modelListeners) model.off(name, fn);
      for (const [target, name, fn, opts] of domListeners) target.removeEventListener(name, fn, opts);
      modelListeners.length = 0; domListeners.length = 0;
    },
  };
}
