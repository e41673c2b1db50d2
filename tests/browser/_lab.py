"""JupyterLab in headless Chromium for the browser tests and the widget benchmarks.

``JupyterLabServer`` starts one ``jupyter lab`` (no token, app exposed as
``window.jupyterapp``) on a free port in a temporary root; ``open_notebook`` writes a
notebook there, opens it, waits for its kernel and runs every cell; ``kernel_eval`` runs code
in that notebook's kernel and returns what it printed (how tests read Python-side state).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLabServer:
    def __init__(self, root: Path, log: Path | None = None):
        self.root = Path(root)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [str(jupyter) if jupyter.exists() else "jupyter", "lab", "--no-browser",
               "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.ip=127.0.0.1",
               "--LabApp.expose_app_in_browser=True", f"--port={self.port}",
               f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI containers run as root
        env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               "JUPYTER_PLATFORM_DIRS": "1"}
        self._log = open(log or self.root / "jupyter.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.url + "/api/status", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError("jupyter lab did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
                   "outputs": [], "source": src} for i, src in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_notebook(page, server: JupyterLabServer, name: str, timeout_ms: int = 180_000) -> None:
    """Open notebook ``name`` (in the server's root), wait for its kernel, run every cell."""
    page.goto(f"{server.url}/lab/tree/{name}?reset", timeout=timeout_ms)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout_ms)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    # a kernel dialog appears only when the notebook's kernel is unknown: accept the default
    page.wait_for_function(
        """() => {
            const d = document.querySelector('.jp-Dialog .jp-mod-accept');
            if (d) d.click();
            const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
        }""", timeout=timeout_ms, polling=500)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def kernel_eval(page, code: str, timeout_ms: int = 60_000) -> str:
    """Run ``code`` in the open notebook's kernel; returns its stdout (raises on an error)."""
    result = page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const future = kernel.requestExecute({ code, store_history: false });
            let out = '', err = null;
            future.onIOPub = (msg) => {
                const t = msg.header.msg_type;
                if (t === 'stream') out += msg.content.text;
                if (t === 'error') err = msg.content.ename + ': ' + msg.content.evalue;
            };
            await future.done;
            return { out, err };
        }""", code)
    if result["err"]:
        raise RuntimeError(f"kernel error: {result['err']}")
    return result["out"]


def wait_kernel_idle(page, timeout_ms: int = 180_000) -> None:
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const cells = [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')];
            return k.status === 'idle' && cells.every((c) => !c.textContent.includes('*'));
        }""", timeout=timeout_ms, polling=250)


# -- used by benchmarks/widget_*.py ----------------------------------------------------------
RUN_CELL_JS = """
async ([index, doneJs]) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const nb = panel.content;
    const cell = nb.widgets[index];
    cell.model.outputs.clear();
    await new Promise((r) => requestAnimationFrame(() => r()));
    nb.activeCellIndex = index;
    const done = new Function('node', doneJs);
    const t0 = performance.now();
    window.jupyterapp.commands.execute('notebook:run-cell');
    return await new Promise((resolve, reject) => {
        const deadline = t0 + 120000;
        const check = () => {
            const v = done(cell.node);
            if (v !== null && v !== undefined && v !== false) resolve({ total: performance.now() - t0, t0, detail: v });
            else if (performance.now() > deadline) reject(new Error('timeout'));
            else requestAnimationFrame(check);
        };
        check();
    });
}
"""


def run_cell(page, index: int, done_js: str) -> dict:
    """Run cell ``index`` and time it until ``done_js`` (a function body of ``node``) is truthy."""
    return page.evaluate(RUN_CELL_JS, [index, done_js])


def median(values) -> float:
    return float(statistics.median(values)) if values else float("nan")


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


#: Notebook lines that build a small clustered study of the fixture images (after
#: ``import artopic_nb as an``, ``Path`` and ``Study`` are imported in the cell).
FIXTURE_STUDY = f"""images = Path({str(Path(__file__).resolve().parents[1] / "data" / "images")!r})
col = an.ImageCollection.from_folder(images, images / "metadata.csv", progress=False)
study = Study(col, cache_dir="cache", progress=False)
study.embed(embedder="color").reduce().cluster(method="kmeans", n_clusters=3)
"""
