// Bundle each view's entry module (every .js file here: plot.js, grid.js ...) into one ES module in
// ../static/ with esbuild: the files the widgets' _esm points to (widgets/_base.esm); and each
// page of PAGES (the static site's site/main.js) into a classic script (IIFE) where it ships
// (artopic_nb/export/static/site.js).
//   node artopic_nb/widgets/js/build.mjs            build (npm run build)
//   node artopic_nb/widgets/js/build.mjs --watch    rebuild on every change (npm run watch)
//   node artopic_nb/widgets/js/build.mjs --check    build in memory; fail if a committed
//                                                   bundle differs
//   node artopic_nb/widgets/js/build.mjs --outdir DIR   build into DIR instead
// Each bundle's first line carries the SHA-256 of its sources: the files the entry imports,
// followed from import to import, and this script. tests/test_frontend.py computes the same
// hash in Python (sources_sha256) and fails when a bundle is older than its sources.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..", "..");  // the repository
const STATIC = path.resolve(HERE, "..", "static");
const PACKAGE_JSON = path.join(ROOT, "package.json");
// every .js file at the top of js/ is a view's entry (plot, grid, captions ...): an ES module
const ENTRIES = fs.readdirSync(HERE).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3)).sort();
// pages outside a kernel: a classic script each (IIFE: a page opened from file:// may import no
// module), written where the Python side that ships it reads it
export const PAGES = {
  site: { entry: "site/main.js", outfile: path.join(ROOT, "artopic_nb", "export", "static", "site.js") },
};
// a relative import: `from "./x.js"` or `import "./x.js"` (the same pattern as the test's)
const IMPORT = /\b(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g;
// an npm package: `from "minisearch"` (bundled; its exact version pinned in package.json)
const BARE = /\b(?:from|import)\s*["']([^."'/][^"']*)["']/g;

const rel = (file) => path.relative(HERE, file).split(path.sep).join("/");
const text = (file) => fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n");
const pinned = () => JSON.parse(text(PACKAGE_JSON)).devDependencies || {};

/** The source files of the bundle whose entry is `entry` (a path relative to js/, e.g.
 *  "plot.js"), relative to js/ and sorted: its imports, followed, and this script; and
 *  ../../../package.json when it bundles an npm package (the package's pinned version). */
export function sourcesOf(entry) {
  const seen = new Set(), todo = [path.join(HERE, entry)];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of text(file).matchAll(IMPORT)) todo.push(path.resolve(path.dirname(file), m[1]));
    if ([...text(file).matchAll(BARE)].length) seen.add(PACKAGE_JSON);
  }
  seen.add(fileURLToPath(import.meta.url));
  return [...seen].map(rel).sort();
}

/** SHA-256 over each source's path and text (CRLF read as LF): path, NUL, text, NUL, ... */
export function sourcesSha256(files) {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f}\0${text(path.join(HERE, f))}\0`);
  return h.digest("hex");
}

// the npm packages a set of sources imports ("name", "@scope/name"), each pinned exactly
function packagesOf(files) {
  const names = new Set(), pins = pinned();
  for (const f of files)
    if (f.endsWith(".js")) for (const m of text(path.join(HERE, f)).matchAll(BARE)) names.add(m[1].split("/").slice(0, m[1].startsWith("@") ? 2 : 1).join("/"));
  for (const name of names)
    if (!/^\d+\.\d+\.\d+$/.test(pins[name] || "")) throw new Error(`${name} is bundled but not pinned to an exact version in package.json`);
  return [...names].sort();
}

// the bundle `name` (entry `entry`), in memory: its text (banner first); `page`: a classic script
async function bundle(name, entry, page) {
  const files = sourcesOf(entry), packages = packagesOf(files), pins = pinned();
  const banner = `// artopic_nb ${page ? "page" : "view"} "${name}": bundled by esbuild ${esbuild.version} from `
    + `artopic_nb/widgets/js/${entry}${packages.length ? ` with ${packages.map((p) => `${p} ${pins[p]}`).join(", ")}` : ""}; `
    + `sources sha256 ${sourcesSha256(files)}. Do not edit: npm run build.`;
  const result = await esbuild.build({
    entryPoints: [path.join(HERE, entry)], outfile: path.join(STATIC, `${name}.js`),
    bundle: true, format: page ? "iife" : "esm", platform: "browser", target: "es2020", charset: "utf8",
    legalComments: "none", banner: { js: banner }, metafile: true, write: false, logLevel: "warning",
    absWorkingDir: ROOT,  // the same bundle (its path comments) from any folder
  });
  // the hash must cover exactly what esbuild bundled from js/, and the packages it bundled
  const inputs = Object.keys(result.metafile.inputs);
  const bundled = inputs.filter((f) => !f.includes("node_modules/")).map((f) => rel(path.resolve(ROOT, f))).sort();
  const hashed = files.filter((f) => f !== "build.mjs" && !f.endsWith("package.json"));
  if (JSON.stringify(bundled) !== JSON.stringify(hashed))
    throw new Error(`${name}: esbuild bundled ${bundled.join(", ")} but the hash covers ${hashed.join(", ")}`);
  const used = new Set(inputs.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)).filter(Boolean).map((m) => m[1]));
  if (JSON.stringify([...used].sort()) !== JSON.stringify(packages))
    throw new Error(`${name}: esbuild bundled the packages ${[...used].join(", ")}, the sources import ${packages.join(", ")}`);
  return result.outputFiles[0].text;
}

// every bundle: [name, entry, page, where it goes]
function targets(outdir) {
  const views = ENTRIES.map((name) => [name, `${name}.js`, false, path.join(outdir, `${name}.js`)]);
  const pages = Object.entries(PAGES).map(([name, p]) =>
    [name, p.entry, true, outdir === STATIC ? p.outfile : path.join(outdir, `${name}.js`)]);
  return [...views, ...pages];
}

const same = (file, text) => fs.existsSync(file) && fs.readFileSync(file, "utf8") === text;

/** Build every bundle into `outdir` (the pages where they ship, unless `outdir` is another
 *  folder); a file is written only when it changes (so anywidget's live reload,
 *  ANYWIDGET_HMR=1, reloads only the views whose bundle changed). */
export async function buildAll(outdir = STATIC) {
  const written = [];
  for (const [name, entry, page, file] of targets(outdir)) {
    const text = await bundle(name, entry, page);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!same(file, text)) { fs.writeFileSync(file, text); written.push(file); }
  }
  return written;
}

async function check() {
  const stale = [];
  for (const [name, entry, page, file] of targets(STATIC))
    if (!same(file, await bundle(name, entry, page))) stale.push(path.relative(ROOT, file));
  if (stale.length) { console.error(`not what the sources build to: ${stale.join(", ")} (npm run build)`); process.exit(1); }
  console.log("bundles match their sources");
}

const say = (files) => (files.length ? `built ${files.map((f) => path.relative(process.cwd(), f)).join(", ")}`
                                     : "bundles already up to date");

function watch(outdir) {
  let timer = 0;
  const rebuild = () => {
    timer = 0;
    const t0 = Date.now();
    buildAll(outdir).then((files) => console.log(`${say(files)} (${Date.now() - t0} ms)`))
      .catch((e) => console.error(`build failed: ${e.message}`));
  };
  rebuild();
  fs.watch(HERE, { recursive: true }, (_event, file) => {
    if (!file || !/\.m?js$/.test(file)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(rebuild, 50);
  });
  console.log(`watching ${path.relative(process.cwd(), HERE) || "."} (Ctrl-C to stop)`);
}

const args = process.argv.slice(2);
const at = args.indexOf("--outdir");
const outdir = at >= 0 ? path.resolve(args[at + 1]) : STATIC;
if (args.includes("--check")) await check();
else if (args.includes("--watch")) watch(outdir);
else console.log(say(await buildAll(outdir)));
