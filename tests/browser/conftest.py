"""Fixtures of the browser tests: one JupyterLab per session, headless Chromium (Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _lab import CHROMIUM, JupyterLabServer, launch_browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if shutil.which("jupyter") is None and not (Path(__import__("sys").executable).with_name("jupyter")).exists():
        return "jupyter lab is not installed"
    return None


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("lab")
    server = JupyterLabServer(root)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Chromium, one per session: Playwright's sync API allows one running instance
    per thread, so every browser test shares it (with JupyterLab or without, as the static
    site's tests are)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def browser(lab_server, chromium_browser):
    return chromium_browser


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.page_errors = errors
    yield pg
    context.close()


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
