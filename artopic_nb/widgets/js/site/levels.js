// The cluster hierarchy in the site: the clusters panel's "coarser →" slider cuts the cluster
// tree (study.cluster_tree_, exported in the "site" part) at a level, as study.cluster(level=L)
// does in Python, and the panel, the map's colours and names and the grid show that level's
// groups. Read-only: the site re-clusters nothing, it only follows the tree.
import { el_ } from "../shared/dom.js";

/** Each leaf cluster's group at `level`: its highest ancestor whose level is at most `level`. */
export function cutTree(nodes, level) {
  const byNode = new Map(nodes.map((n) => [n.node, n]));
  const group = new Map();
  for (const leaf of nodes) {
    if (leaf.level !== 0) continue;
    let top = leaf;
    while (top.parent !== -1 && byNode.get(top.parent).level <= level) top = byNode.get(top.parent);
    group.set(leaf.node, top);
  }
  return group;
}

function groupName(node) {
  if (node.name) return node.name;
  if (node.level === 0) return "";
  return node.keywords.length ? node.keywords.slice(0, 3).join(", ") : `clusters ${node.clusters.join(", ")}`;
}

/** The works' groups at `level`: { labels, entries (the panel's), traits (the map's) }. */
export function levelView(hierarchy, leaves, coords, level) {
  const group = cutTree(hierarchy.nodes, level);
  const colors = hierarchy.colors, k = colors.length, n = leaves.length;
  const labels = new Int32Array(n), counts = new Array(k).fill(0);
  const sx = new Float64Array(k), sy = new Float64Array(k);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const g = leaves[i] < 0 ? null : group.get(leaves[i]);
    const c = g ? g.label : -1;
    labels[i] = c;
    if (c < 0) { noise++; continue; }
    counts[c]++; sx[c] += coords[2 * i]; sy[c] += coords[2 * i + 1];
  }
  const tops = [...new Set(group.values())].sort((a, b) => a.label - b.label);
  const entries = tops.map((g) => ({ id: g.label, name: groupName(g), size: counts[g.label], color: colors[g.label],
    keywords: g.keywords, claims: [], clusters: g.clusters }));
  if (noise) entries.push({ id: -1, name: "noise", size: noise, color: hierarchy.noise_color, keywords: [], claims: [], clusters: [] });
  const named = new Map(entries.map((e) => [e.id, e.name]));
  const categories = colors.map((_, c) => (named.get(c) ? `${c}: ${named.get(c)}` : `cluster ${c}`));
  const at = tops.map((g) => ({ code: g.label, text: groupName(g) || String(g.label),
    x: sx[g.label] / counts[g.label], y: sy[g.label] / counts[g.label] }));
  return { labels, entries, traits: { codes: labels, categories, colors, counts, noise_label: "noise", noise_count: noise, cluster_labels: at } };
}

/** The slider above the clusters list (none without a hierarchy); `onLevel(L)` on a change. */
export function buildLevelSlider(box, hierarchy, onLevel) {
  if (!hierarchy || hierarchy.max < 1) return null;
  const row = el_("label", "artopic-site-level", box);
  el_("span", "artopic-site-level-name", row, "coarser →");
  const input = el_("input", "", row);
  input.type = "range"; input.min = "0"; input.max = String(hierarchy.max); input.step = "1";
  input.value = String(hierarchy.level);
  input.setAttribute("aria-label", "level of the cluster hierarchy (0: the finest clusters)");
  const shown = el_("span", "artopic-site-level-value", row);
  const say = () => { shown.textContent = `level ${input.value}`; };
  say();
  input.addEventListener("input", () => { say(); onLevel(Number(input.value)); });
  return input;
}
