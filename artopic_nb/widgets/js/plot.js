// EmbeddingPlot's view (entry of the bundle static/plot.js). Two ways to draw the map:
// - draw = "points": a canvas scatter rasterised into ImageData (100,000 points stay fluid);
// - draw = "images" (the image map): each work's thumbnail at its position, from sprite atlases
//   (JPEG pages sent as binary buffers), with WebGL 2; a 2-D canvas fallback draws the same
//   map more slowly where WebGL 2 is missing, and says so.
// Legend toggles, wheel zoom, drag pan, box and lasso selection, hover card, cluster names.
// All data-derived text is set with textContent, never parsed as HTML.
//
// The model. render({ model, el }) needs only an object with anywidget's model interface, so
// the map also runs outside a kernel (a static page whose model reads files):
//   model.get(name)             a trait's value (bytes as DataView, ArrayBuffer or typed array)
//   model.set(name, value)      set a trait (selected_ids, hidden_categories, color_by, renderer,
//                               rendered_points, rendered_version, map_layout)
//   model.save_changes()        send what was set (a static page may do nothing)
//   model.on(event, fn) / model.off(event, fn)
//                               "change:<name>" events, and "msg:custom" with (msg, buffers)
//   model.send(msg)             requests, answered by a "msg:custom" event:
//     { type: "atlas", page, level: "full" | "mini", req } -> { type: "atlas", req, version
//        (atlas_version), error? } with the page's JPEG as buffers[0];
//     { type: "thumbs", ids, size, info, req } -> { type: "thumbs", req, ids, lengths, info? }
//        with the JPEGs packed in buffers[0] (see shared/thumbs.js).
// Traits read: coords (float32 x, y pairs), n_points, codes (int32), colors, noise_color,
// noise_label, noise_count, categories, counts, hidden_categories, selected_ids, filter_mask
// (a byte a work, or empty), highlighted_ids, supporting_ids, contradicting_ids, color_by,
// color_options, height, point_size, draw, data_version, debug, cluster_labels, show_labels,
// thumb_size; for draw = "images" also aspects (float32), ranks (int32), atlas_ids (int32),
// atlas_version, atlas_cell, atlas_page_size, mini_cell, mini_page_size, detail_size; for the
// layouts (map/layout.js) map_layout ("map" or "date"; new coords after a new layout are moved
// to over half a second), layouts, layout_axis, layout_note (absent: the map, no layout menu).
// The renderer modules (map/) use no anywidget or Jupyter global: only the DOM and this model.
import { mountMap } from "./map/mount.js";

function render({ model, el }) {
  return mountMap(model, el);  // the cleanup: model.off every listener, free the canvases
}

export default { render };
