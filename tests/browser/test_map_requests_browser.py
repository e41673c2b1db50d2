"""The image map's requests to the kernel, without a kernel: the widget's own bundle
(widgets/static/plot.js) served to headless Chromium from a routed origin, with a model whose
``send`` records each message and answers as the kernel does. A close-up the kernel has no
thumbnail for (an image not on this machine) is asked for once, not again at every redraw
(before, each empty reply drew a frame, which asked again 120 ms later, for ever)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "artopic_nb" / "widgets" / "static"
ORIGIN = "http://artopic.test"
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/plot.css"></head><body><div id="root"></div>
<script type="module">
import plot from "/plot.js";
const n = %(n)d, side = Math.ceil(Math.sqrt(n));
const coords = new Float32Array(2 * n), codes = new Int32Array(n);
for (let i = 0; i < n; i++) { coords[2 * i] = i %% side; coords[2 * i + 1] = Math.floor(i / side); codes[i] = i %% 3; }
const state = %(traits)s;
Object.assign(state, { coords, codes, n_points: n, aspects: new Float32Array(n).fill(1),
  ranks: Int32Array.from({ length: n }, (_, i) => i), atlas_ids: new Int32Array(0) });
const fns = new Map();
window.sent = [];
const model = {
  get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {},
  on: (e, f) => { if (!fns.has(e)) fns.set(e, new Set()); fns.get(e).add(f); },
  off: (e, f) => { const s = fns.get(e); if (s) s.delete(f); },
  send(msg) {
    window.sent.push(msg);
    // as the kernel answers for works whose image is not here: each id, 0 bytes
    const reply = msg.type === "thumbs" ? { type: "thumbs", req: msg.req, ids: msg.ids, lengths: msg.ids.map(() => 0) } : null;
    if (reply) setTimeout(() => { for (const f of fns.get("msg:custom") || []) f(reply, [new ArrayBuffer(0)]); }, 5);
  },
};
plot.render({ model, el: document.getElementById("root") });
</script></body></html>"""
TRAITS = {"colors": ["#1f77b4", "#ff7f0e", "#2ca02c"], "categories": ["a", "b", "c"],
          "counts": [0, 0, 0], "noise_label": "noise", "noise_count": 0, "noise_color": "#bbbbbb",
          "hidden_categories": [], "selected_ids": [], "highlighted_ids": [],
          "filter_mask": [], "supporting_ids": [], "contradicting_ids": [],
          "color_by": "cluster", "color_options": ["cluster"], "height": 500, "point_size": 0,
          "thumb_size": 128, "draw": "images", "show_labels": False, "cluster_labels": [],
          "data_version": 1, "debug": False, "atlas_version": 1, "atlas_cell": 64,
          "atlas_page_size": 2048, "mini_cell": 16, "mini_page_size": 1024, "detail_size": 128,
          "rendered_points": 0, "rendered_version": -1, "renderer": ""}


def _serve(route):
    path = route.request.url[len(ORIGIN):].split("?")[0]
    if path == "/":
        body = PAGE % {"n": 60, "traits": json.dumps(TRAITS)}
        return route.fulfill(body=body, content_type="text/html")
    file = STATIC / path.lstrip("/")
    if not file.is_file():
        return route.fulfill(status=404, body="")
    kind = "text/javascript" if file.suffix == ".js" else "text/css"
    return route.fulfill(body=file.read_text(encoding="utf-8"), content_type=kind)


def test_a_close_up_without_a_thumbnail_is_asked_for_once(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route(f"{ORIGIN}/**", _serve)
    try:
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("() => window.sent.some((m) => m.type === 'thumbs')")
        page.wait_for_timeout(1500)  # a dozen rests of 120 ms: room to ask again, had it looped
        asked = page.evaluate("() => window.sent.filter((m) => m.type === 'thumbs')"
                              ".flatMap((m) => m.ids)")
        assert asked and len(asked) == len(set(asked)), f"asked {len(asked)} times for {len(set(asked))} works"
        assert problems == []
    finally:
        context.close()
