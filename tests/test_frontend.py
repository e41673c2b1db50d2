"""The front end's sources and bundles, without Node.

The views' ES module sources live in ``artopic_nb/widgets/js/``; esbuild bundles each entry
(plot.js, grid.js, captions.js) into ``artopic_nb/widgets/static/`` (``npm run build``), and
the bundles are committed, so ``pip install`` needs no Node. Each bundle's first line carries
the SHA-256 of its sources (the entry, the modules it imports, followed, and the build script);
:func:`sources_sha256` computes the same hash here, so this test fails as soon as a source is
edited and the bundle is not rebuilt. It also holds the JS sources to the size rules: no file
over 400 lines, no function over 80 (:func:`long_functions`, a brace-matching scan).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from artopic_nb.widgets._base import STATIC, esm

REPO = Path(__file__).resolve().parents[1]
JS = REPO / "artopic_nb" / "widgets" / "js"
ENTRIES = tuple(sorted(p.stem for p in JS.glob("*.js")))  # each view's entry (build.mjs too)
# pages outside a kernel (build.mjs PAGES): entry under js/, and the classic script (IIFE) built
# where the Python side that ships it reads it
PAGES = {"site": ("site/main.js", REPO / "artopic_nb" / "export" / "static" / "site.js")}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
# a relative import: `from "./x.js"` or `import "./x.js"` (build.mjs uses the same pattern)
IMPORT = re.compile(r"""\b(?:from|import)\s*["'](\.{1,2}/[^"']+)["']""")
# an npm package (bundled; pinned in package.json, whose text the hash then covers)
BARE = re.compile(r"""\b(?:from|import)\s*["']([^."'/][^"']*)["']""")
BANNER = re.compile(r"sources sha256 ([0-9a-f]{64})")


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def bundle_sources(entry: str, js_dir: Path = JS, entry_file: str | None = None) -> list[str]:
    """The source files of bundle ``entry`` (paths relative to ``js_dir``, sorted): the entry
    (``entry_file``, default ``<entry>.js``), every module it imports, followed from import to
    import, ``build.mjs``, and ``../../../package.json`` when a source imports an npm package.

    >>> "shared/dom.js" in bundle_sources("grid") and "map/webgl.js" not in bundle_sources("grid")
    True
    """
    seen: set[str] = set()
    todo = [os.path.join(js_dir, entry_file or f"{entry}.js")]
    while todo:
        file = os.path.normpath(todo.pop())
        if file in seen:
            continue
        seen.add(file)
        for m in IMPORT.finditer(_text(Path(file))):
            todo.append(os.path.join(os.path.dirname(file), m.group(1)))
        if BARE.search(_text(Path(file))):
            seen.add(os.path.normpath(os.path.join(js_dir, "..", "..", "..", "package.json")))
    seen.add(os.path.join(js_dir, "build.mjs"))
    return sorted(Path(os.path.relpath(f, js_dir)).as_posix() for f in seen)


def page_sources(page: str, js_dir: Path = JS) -> list[str]:
    """The source files of page ``page`` (:data:`PAGES`), as :func:`bundle_sources`."""
    return bundle_sources(page, js_dir, PAGES[page][0])


def sources_sha256(entry: str, js_dir: Path = JS, files: list[str] | None = None) -> str:
    """SHA-256 over each source's path and text (CRLF read as LF): ``path NUL text NUL ...``,
    the same as ``sourcesSha256`` in ``build.mjs`` (``files``: default the bundle's sources).

    >>> len(sources_sha256("captions"))
    64
    """
    h = hashlib.sha256()
    for name in files if files is not None else bundle_sources(entry, js_dir):
        h.update(f"{name}\0{_text(js_dir / name)}\0".encode())
    return h.hexdigest()


def banner_sha256(bundle: Path) -> str | None:
    """The sources' hash written in a bundle's first line, None when it has no such banner."""
    with bundle.open(encoding="utf-8") as f:
        return banner_sha256_of(f.readline())


# -- a brace-matching scan of JavaScript ------------------------------------------------------
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_REGEX_KEYWORDS = {"return", "typeof", "case", "in", "of", "delete", "void", "throw", "new",
                   "else", "do", "instanceof", "yield", "await"}
_NOT_FUNCTIONS = {"if", "for", "while", "switch", "catch", "with", "return", "typeof", "await",
                  "new", "delete", "void", "in", "of", "do", "else", "throw", "yield"}


def _blank(src: str, a: int, b: int, out: list[str]) -> None:
    out.extend("\n" if ch == "\n" else " " for ch in src[a:b])


def _skip_regex(src: str, i: int) -> int:
    """Index after the regex literal that starts at src[i] == '/' (its flags included)."""
    j, in_class = i + 1, False
    while j < len(src) and src[j] != "\n":
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            j += 1
            while j < len(src) and (src[j].isalnum() or src[j] == "_"):
                j += 1
            return j
        j += 1
    return j


def _skip_quoted(src: str, i: int) -> int:
    """Index after the string or template literal that starts at src[i]."""
    q, j = src[i], i + 1
    while j < len(src):
        if src[j] == "\\":
            j += 2
            continue
        if src[j] == q:
            return j + 1
        j += 1
    return j


def _regex_may_start(out: list[str]) -> bool:
    code = "".join(out[-40:]).rstrip()
    word = re.search(r"([A-Za-z_$][\w$]*)$", code)
    if word:
        return word.group(1) in _REGEX_KEYWORDS
    return (code[-1:] if code else "") in _REGEX_AFTER


def code_only(src: str) -> str:
    """``src`` with comments, strings, template literals and regex literals blanked (newlines
    kept, so lines still count): what is left are the braces that shape the code."""
    out: list[str] = []
    i = 0
    while i < len(src):
        ch, nxt = src[i], src[i + 1:i + 2]
        if ch == "/" and nxt == "/":
            j = src.find("\n", i)
            j = len(src) if j < 0 else j
        elif ch == "/" and nxt == "*":
            j = src.find("*/", i + 2)
            j = len(src) if j < 0 else j + 2
        elif ch in "\"'`":
            j = _skip_quoted(src, i)
        elif ch == "/" and _regex_may_start(out):
            j = _skip_regex(src, i)
        else:
            out.append(ch)
            i += 1
            continue
        _blank(src, i, j, out)
        i = j
    return "".join(out)


def _match(code: str, i: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at code[i]; -1 when it is never closed."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == open_:
            depth += 1
        elif code[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return -1


_HEAD = re.compile(r"([A-Za-z_$][\w$]*)\s*\(|=>\s*\{")


def functions(src: str) -> list[tuple[str, int, int]]:
    """Every function in JavaScript ``src`` as ``(name, first line, lines)``: declarations,
    expressions, methods and arrow functions with a block body, nested ones separately (an
    outer function's lines include its inner ones).

    >>> functions("function f(a) {\\n  return () => {\\n    return a;\\n  };\\n}\\n")
    [('f', 1, 5), ('=>', 2, 3)]
    """
    code = code_only(src)
    found = []
    for m in _HEAD.finditer(code):
        if m.group(0).startswith("=>"):
            name, brace = "=>", m.end() - 1
        else:
            name = m.group(1)
            if name in _NOT_FUNCTIONS:
                continue
            close = _match(code, m.end() - 1, "(", ")")
            rest = code[close + 1:] if close >= 0 else ""
            if not rest.lstrip().startswith("{"):
                continue
            brace = close + 1 + (len(rest) - len(rest.lstrip()))
        end = _match(code, brace, "{", "}")
        if end < 0:
            continue
        first = code.count("\n", 0, m.start()) + 1
        found.append((name, first, code.count("\n", m.start(), end) + 1))
    return found


def long_functions(src: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """The functions of ``src`` longer than ``limit`` lines."""
    return [f for f in functions(src) if f[2] > limit]


def js_sources() -> list[Path]:
    return sorted(p for p in JS.rglob("*") if p.suffix in (".js", ".mjs"))


# -- the bundles are fresh ----------------------------------------------------------------------
@pytest.mark.parametrize("entry", ENTRIES)
def test_bundle_is_built_from_its_current_sources(entry):
    bundle = STATIC / f"{entry}.js"
    assert esm(entry) == bundle  # what the widget's _esm points to
    written = banner_sha256(bundle)
    assert written is not None, f"{bundle} has no 'sources sha256' banner: npm run build"
    assert written == sources_sha256(entry), (
        f"{bundle.relative_to(REPO)} is older than its sources in artopic_nb/widgets/js "
        f"({', '.join(bundle_sources(entry))}): run `npm run build` and commit the bundle")


def test_every_view_has_a_bundle_and_every_bundle_a_source():
    assert {"plot", "grid", "captions"} <= set(ENTRIES)
    assert {p.stem for p in STATIC.glob("*.js")} == set(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES)
def test_bundle_needs_nothing_beside_it(entry):
    # anywidget loads a view from a blob URL, which can import no sibling file
    src = (STATIC / f"{entry}.js").read_text(encoding="utf-8")
    assert not IMPORT.search(src), f"{entry}.js still imports a relative module"
    assert not re.search(r"^\s*import\s", src, re.M), f"{entry}.js imports a module"
    assert re.search(r"\bas default\b|export default", src)


def test_a_stale_bundle_is_caught(tmp_path):
    copy = tmp_path / "js"
    shutil.copytree(JS, copy)
    before = {e: sources_sha256(e, copy) for e in ENTRIES}
    assert before == {e: sources_sha256(e) for e in ENTRIES}  # paths are relative to js/
    # a module only the map imports: the map's bundle is stale, the grid's is not
    webgl = copy / "map" / "webgl.js"
    webgl.write_text(webgl.read_text() + "\n// an edit\n")
    assert sources_sha256("plot", copy) != before["plot"]
    assert sources_sha256("grid", copy) == before["grid"]
    # a shared helper: every bundle that imports it is stale
    dom = copy / "shared" / "dom.js"
    dom.write_text(dom.read_text().replace("never parsed as HTML", "never parsed"))
    assert all(sources_sha256(e, copy) != before[e] for e in ENTRIES)
    # the build recipe itself counts; line endings do not
    build = copy / "build.mjs"
    text = build.read_bytes()
    build.write_bytes(text.replace(b"\n", b"\r\n"))
    assert sources_sha256("captions", copy) == sources_sha256("captions", copy)
    grid = sources_sha256("grid", copy)
    build.write_bytes(text + b"\n")
    assert sources_sha256("grid", copy) != grid


def test_the_hash_follows_every_import_esbuild_follows():
    plot = bundle_sources("plot")
    assert {"plot.js", "map/mount.js", "map/webgl.js", "map/canvas.js", "map/interaction.js",
            "map/labels.js", "map/lod.js", "shared/buffers.js", "shared/dom.js",
            "shared/thumbs.js", "build.mjs"} <= set(plot)
    every = {p.relative_to(JS).as_posix() for p in js_sources()}
    found = set().union(*(bundle_sources(e) for e in ENTRIES), *(page_sources(p) for p in PAGES))
    assert found - {"../../../package.json"} == every  # no orphan module
    # each module named in a bundle's path comments (esbuild writes one a module) is hashed
    for entry in ENTRIES:
        src = (STATIC / f"{entry}.js").read_text(encoding="utf-8")
        named = set(re.findall(r"^// artopic_nb/widgets/js/(\S+\.js)$", src, re.M))
        assert named == set(bundle_sources(entry)) - {"build.mjs"}, entry


def test_bundles_match_a_fresh_build_when_node_is_here():
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "esbuild").is_dir():
        pytest.skip("node and esbuild (npm install) are not here: the banner test stands alone")
    run = subprocess.run([node, str(JS / "build.mjs"), "--check"], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


# -- pages: the static site's classic script --------------------------------------------------
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_is_built_from_its_current_sources(page):
    bundle = PAGES[page][1]
    assert bundle.is_file(), f"{bundle} is missing: npm run build"
    files = page_sources(page)
    assert "map/mount.js" in files and "../../../package.json" in files  # the map, minisearch
    written = banner_sha256(bundle)
    assert written is not None, f"{bundle} has no 'sources sha256' banner: npm run build"
    assert written == sources_sha256(page, files=files), (
        f"{bundle.relative_to(REPO)} is older than its sources in artopic_nb/widgets/js "
        f"({', '.join(files)}): run `npm run build` and commit it")
    src = bundle.read_text(encoding="utf-8")
    named = set(re.findall(r"^\s*// artopic_nb/widgets/js/(\S+\.js)$", src, re.M))
    assert named == {f for f in files if f.endswith(".js")}
    first = src.splitlines()[0]
    assert "minisearch 7.2.0" in first  # the npm package bundled, by its pinned version


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_is_a_classic_script_that_runs_from_file_urls(page):
    # a page opened from file:// may import no module: one IIFE, no import / export statement
    src = PAGES[page][1].read_text(encoding="utf-8")
    assert src.splitlines()[1].startswith("(() => {") and src.rstrip().endswith("})();")
    assert not re.search(r"^\s*(import|export)\s", src, re.M)
    assert not IMPORT.search(src)
    # nothing fetched: no fetch, XHR or dynamic import, and URLs only in (minisearch's) comments
    # (a call of the global fetch, not minisearch's SearchableMap.fetch method)
    calls = r"(?:[=(,;!&|?:]|\bawait|\breturn|\bwindow\.|\bglobalThis\.)\s*fetch\("
    assert not re.search(calls + r"|XMLHttpRequest|\bimport\(", code_only(src))
    urls = [line for line in src.splitlines()[1:] if re.search(r"https?://", line)]
    assert all(line.lstrip().startswith(("*", "//", "/*")) for line in urls), urls[:3]


# -- the sources ---------------------------------------------------------------------------------
def test_js_sources_keep_the_size_rules():
    assert js_sources(), "no JS sources found"
    too_long = {p.relative_to(JS).as_posix(): n for p in js_sources()
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES}
    assert not too_long, f"JS sources over {MAX_FILE_LINES} lines: {too_long}"
    seen = {p.relative_to(JS).as_posix(): functions(p.read_text(encoding="utf-8")) for p in js_sources()}
    assert sum(map(len, seen.values())) > 100  # the scan sees the code
    assert {"mountMap", "wireModel", "=>"} <= {name for name, _f, _n in seen["map/mount.js"]}
    long = {p.relative_to(JS).as_posix(): long_functions(p.read_text(encoding="utf-8"))
            for p in js_sources()}
    long = {k: v for k, v in long.items() if v}
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (name, line, lines): {long}"


def test_the_renderer_needs_no_kernel():
    # the map's modules and the shared helpers: the DOM and a model-like object only
    for path in [*(JS / "map").glob("*.js"), *(JS / "shared").glob("*.js"), JS / "plot.js"]:
        code = code_only(path.read_text(encoding="utf-8"))
        assert not re.search(r"anywidget|jupyter|Jupyter|IPython|require\(|\bwindow\.(?!devicePixelRatio)",
                             code), path.name
    # the entry documents the model interface it needs
    head = (JS / "plot.js").read_text(encoding="utf-8")[:3000]
    for call in ("model.get(", "model.set(", "model.save_changes()", "model.on(", "model.off(",
                 "model.send("):
        assert call in head, call


def test_the_package_runs_without_the_sources(tmp_path):
    # pip installs widgets/static (package-data); widgets/js is for developers only: a copy of
    # the package without it still gives every view its bundle
    shutil.copytree(REPO / "artopic_nb", tmp_path / "artopic_nb",
                    ignore=shutil.ignore_patterns("js", "__pycache__"))
    assert not (tmp_path / "artopic_nb" / "widgets" / "js").exists()
    code = ("import artopic_nb.widgets as w\n"
            "print(w.__file__)\n"
            "for cls in (w.EmbeddingPlot, w.ClusterGrid, w.CaptionViewer):\n"
            "    print(str(cls._esm).splitlines()[0])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    where, *banners = run.stdout.splitlines()
    assert Path(where).is_relative_to(tmp_path)  # the copy, not the working tree
    assert [banner_sha256_of(line) for line in banners] == [
        sources_sha256(e) for e in ("plot", "grid", "captions")]
    assert "widgets/static/*" in (REPO / "pyproject.toml").read_text()


def banner_sha256_of(line: str) -> str | None:
    m = BANNER.search(line)
    return m.group(1) if m else None


# -- the scanner itself ------------------------------------------------------------------------
def _body(lines: int) -> str:
    return "\n".join(f"  x += {k};" for k in range(lines - 2))


def test_scanner_measures_functions_of_every_shape():
    src = "\n".join([
        "function a(x) {", _body(81), "}",                        # 81 lines: too long
        "const b = (y) => {", _body(80), "};",                    # 80: allowed
        "const o = { m(z) {", _body(90), "} };",                  # a method, 90
        "export async function c() {", "  if (q) { return 1; }", "  for (;;) {}", "}",
        "const d = async ({ k }) => { return k; };",
        "class K { get e() {", _body(85), "} }",
    ])
    found = sorted((name, lines) for name, _first, lines in functions(src))
    assert found == sorted([("a", 81), ("=>", 80), ("m", 90), ("c", 4), ("=>", 1), ("e", 85)])
    # the 80-line arrow function is allowed; the others over 80 are not
    assert sorted(n for n, _f, _l in long_functions(src)) == ["a", "e", "m"]


def test_scanner_ignores_braces_in_strings_comments_templates_and_regexes():
    src = "\n".join([
        "function f() {",
        "  const s = \"}}}\", t = '{{', u = `} ${'{'} }`;  // }}} in a comment",
        "  /* { */",
        "  const r = /[}{]+\\/}/g, q = /{6}/.test(s), h = a / b / c;",
        "  return s.replace(/\"'/g, '');",
        "}",
        "function g() {", _body(82), "}",
    ])
    assert [(n, first, lines) for n, first, lines in functions(src)] == [("f", 1, 6), ("g", 7, 82)]
    assert long_functions(src) == [("g", 7, 82)]
    assert code_only("a = `x\n{y}`; // {\n").count("\n") == 2  # lines kept


def test_scanner_sees_nested_functions_inside_a_long_one():
    inner = "\n".join(["  function inner() {", _body(85), "  }"])
    src = "\n".join(["function outer() {", inner, "}"])
    assert [(n, lines) for n, _f, lines in long_functions(src)] == [("outer", 87), ("inner", 85)]
    # the old plot.js, one 1,071-line render(), would fail the rule
    old = "function render({ model, el }) {\n" + _body(1071) + "\n}\n"
    assert long_functions(old) == [("render", 1, 1071)]
