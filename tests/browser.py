"""A real browser for tests: Debian's chromium driven by Playwright.

``scripts/setup-system.sh`` installs ``/usr/bin/chromium``; Playwright's own browser
download is not used. :func:`open_page` loads a URL and records console errors and every
request, so tests can check that a page rendered and asked no other host for anything.
Screenshots go to ``test-artifacts/`` (kept by CI as artifacts).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccecon.reports.pdf import FLAGS as PDF_FLAGS

CHROMIUM = "/usr/bin/chromium"
# The PDF printer's flags, less the two that only printing needs: one list of flags.
ARGS = [f for f in PDF_FLAGS if not f.startswith(("--no-pdf", "--virtual-time"))]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@dataclass
class PageLog:
    """What a page did: console errors and the URLs it requested."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def browser() -> Iterator[Any]:
    """A headless chromium (Playwright ``Browser``); fails clearly if chromium is missing."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `bash scripts/setup-system.sh`")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def open_page(
    b: Any, url: str, *, width: int = 1200, height: int = 900
) -> Iterator[tuple[Any, PageLog]]:
    """Open ``url`` in a new page, logging console errors and requests."""
    log = PageLog()
    page = b.new_page(viewport={"width": width, "height": height})
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.console_errors.append(str(e)))
    page.on("request", lambda r: log.requests.append(r.url))
    try:
        page.goto(url)
        yield page, log
    finally:
        page.close()


def wait_until(page: Any, expression: str, timeout_s: float = 30.0) -> None:
    """Wait until the JavaScript ``expression`` is true in ``page``.

    Polls with ``page.evaluate`` (run by the browser's debugger protocol, which the page's
    Content-Security-Policy does not govern), not ``page.wait_for_function``: that one
    evaluates a string inside the page, which a policy without ``'unsafe-eval'`` refuses.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout_s} s: {expression}")
        page.wait_for_timeout(50)


DOC_IMAGES = Path(__file__).resolve().parents[1] / "docs" / "img"


def doc_screenshot(page: Any, name: str) -> Path:
    """A screenshot of what the window shows, under test-artifacts/, and also in docs/img/
    (the pictures docs/web.md shows) when ``CCECON_DOC_SCREENSHOTS=1``: the docs' pictures
    are taken by the tests, so they show the app as it is."""
    import os

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # the top of the page, not where typing left it
    page.screenshot(path=str(path))
    if os.environ.get("CCECON_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(exist_ok=True)
        (DOC_IMAGES / f"{name}.png").write_bytes(path.read_bytes())
    return path


UNLABELLED = """
[...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => {
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title')
      || (el.tagName === 'BUTTON' && el.textContent.trim());
    const reachable = !(el.tabIndex < 0 || el.disabled);
    return !named || !reachable;
  })
  .map(el => el.outerHTML.slice(0, 120))
"""
"""A JavaScript expression: the visible form controls that have no accessible name (a
<label for>, aria-label, aria-labelledby or title; a button's text) or that the keyboard
cannot reach (negative tabindex, disabled), as HTML excerpts. WCAG 2.1 success criteria
1.3.1, 2.1.1 and 4.1.2."""


def unlabelled_controls(page: Any) -> list[str]:
    """The controls of the page :data:`UNLABELLED` finds (empty when all is well)."""
    found: list[str] = page.evaluate(UNLABELLED)
    return found


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
