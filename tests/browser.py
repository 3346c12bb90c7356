"""Browser tests: a real `cpms-kg serve` driven by headless Debian Chromium through Playwright.

Playwright drives the system Chromium (`/usr/bin/chromium`, Debian packages chromium and chromium-driver,
installed by `make chromium`); it never downloads a browser. Fixtures, registered for every test module by
tests/conftest.py:

- `live_server`: `cpms-kg serve` on a free loopback port over a copy of the initialised demo store,
  `CPMS_KG_ADMIN_TOKEN` = tests.conftest.ADMIN_TOKEN (one per test module; tests that write share it).
- `browser_page`: a fresh page in a new context per test (zh locale, 1280x900, `base_url` = the server, so
  `page.goto("/")` works); every request it makes is recorded (`requested(page)`).
- `chromium`: the module's browser, for contexts of one's own (`new_page(chromium, server, javascript=False)`).

Helpers: `login(page, server, token)` signs in through the /login form; `screenshot_check(page, name)` takes a
full-page screenshot, saves it under the test's tmp dir and checks the layout objectively (fonts differ between
machines, so no pixel comparison with a stored image).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ADMIN_TOKEN, BIN, Server, free_port, stop, wait_until_up

CHROMIUM = Path(os.environ.get("CPMS_KG_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1280, "height": 900}
MIN_COLOURS = 8
"""A blank or unstyled page has a handful of colours; ours have the header, links, tables, text anti-aliasing."""

_shots: weakref.WeakKeyDictionary[Page, Path] = weakref.WeakKeyDictionary()
_requests: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()
_errors: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, initialised_store: Path) -> Iterator[Server]:
    """`cpms-kg serve` over a copy of the demo store. Its output goes to a file: a browser's many requests must
    never fill a pipe nobody reads."""
    folder = tmp_path_factory.mktemp("live")
    store = folder / "store"
    shutil.copytree(initialised_store, store)
    port = free_port()
    env = {**os.environ, "CPMS_KG_ADMIN_TOKEN": ADMIN_TOKEN, "CPMS_KG_QUERY_TIMEOUT": "20"}
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "cpms-kg"), "serve", "--port", str(port), "--store", str(store)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/sparql", process)
    except RuntimeError as failed:
        stop(process)
        raise RuntimeError(f"{failed}\n{(folder / 'server.log').read_text(errors='replace')}") from failed
    yield Server(url, process, store)
    stop(process)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium` (Debian packages chromium, chromium-driver)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


def new_page(
    browser: Browser, server: Server, *, javascript: bool = True, locale: str = "zh-CN", shots: Path | None = None
) -> Page:
    """A page in a context of its own (no cookies shared with other tests)."""
    context = browser.new_context(
        base_url=server.url,
        locale=locale,
        viewport=VIEWPORT,
        java_script_enabled=javascript,  # type: ignore[arg-type]
    )
    page = context.new_page()
    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    _requests[page] = seen
    _errors[page] = errors
    _shots[page] = shots or Path(tempfile.mkdtemp(prefix="cpms-shots-"))
    return page


@pytest.fixture
def browser_page(chromium: Browser, live_server: Server, tmp_path: Path) -> Iterator[Page]:
    page = new_page(chromium, live_server, shots=tmp_path)
    yield page
    page.context.close()


def requested(page: Page) -> list[str]:
    """Every URL the page asked for so far (documents, scripts, styles, images, fetches)."""
    return list(_requests.get(page, []))


def login(page: Page, server: Server, token: str) -> None:
    """Signs in through the /login form, as a person does; the HttpOnly cookie then rides on every request."""
    page.goto(f"{server.url}/login")
    page.fill("#token", token)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    if "/login" in page.url:
        raise AssertionError(f"login refused: {page.inner_text('body')[:300]}")


@dataclass(frozen=True)
class Layout:
    scroll_width: int
    inner_width: int
    boxes: dict[str, list[float] | None]
    bad_text: list[str]


_MEASURE = r"""() => {
  const box = (sel) => { const e = document.querySelector(sel); if (!e) return null;
    const r = e.getBoundingClientRect(); return [r.left, r.top + scrollY, r.right, r.bottom + scrollY]; };
  const hidden = (e) => e.closest('.skip, .sr-only, [hidden], template, head') !== null
    || !e.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const bad = [];
  for (const e of document.body.querySelectorAll('*')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && /[^\s\u200b-\u200d\ufeff]/.test(n.textContent));
    if (!own || hidden(e)) continue;
    const r = e.getBoundingClientRect();
    const name = e.tagName.toLowerCase() + ': ' + e.textContent.trim().slice(0, 40);
    if (r.width < 1 || r.height < 1) { bad.push('zero-sized ' + name); continue; }
    if (r.right > document.documentElement.clientWidth + 1 || r.left < -1) { bad.push('off-page ' + name); continue; }
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      // Inside a scrolling region (an editor, a wide table's wrapper) text is reached by scrolling, not clipped.
      if (['auto', 'scroll'].includes(s.overflowX) || ['auto', 'scroll'].includes(s.overflowY)) break;
      if (s.overflowX !== 'visible' && a.scrollWidth > a.clientWidth + 1) { bad.push('clipped ' + name); break; }
      const p = a.getBoundingClientRect();
      if (s.overflowY === 'hidden' || s.overflowY === 'clip') {
        if (r.top >= p.bottom - 1 || r.bottom <= p.top + 1) { bad.push('clipped ' + name); break; }
      }
    }
  }
  return {scroll_width: document.documentElement.scrollWidth, inner_width: innerWidth,
          boxes: {header: box('body > header'), main: box('main#main'), footer: box('body > footer')}, bad_text: bad};
}"""

_COLOURS = """async (data) => {
  const blob = await (await fetch('data:image/png;base64,' + data)).blob();
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const seen = new Set();
  for (let i = 0; i < pixels.length && seen.size < 4096; i += 4) {
    seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return seen.size;
}"""


def _colours(page: Page, png: bytes) -> int:
    # Counted in a scratch page of its own: the page under test may have JavaScript disabled.
    browser = page.context.browser
    assert browser is not None
    scratch = browser.new_page()
    try:
        scratch.goto("about:blank")
        return int(scratch.evaluate(_COLOURS, base64.b64encode(png).decode()))
    finally:
        scratch.context.close()


def _screenshot(page: Page, path: Path) -> bytes:
    """A full-page PNG. Headless Chromium now and then answers a capture with "Unable to capture screenshot"
    (a compositor frame not ready on a busy machine, or a page taller than it captures at once): the capture is
    tried again, then the viewport alone is taken (the layout checks read the DOM, not the image)."""
    for _retry in range(2):
        try:
            return page.screenshot(path=str(path), full_page=True)
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error):
                raise
            page.wait_for_timeout(500)
    return page.screenshot(path=str(path), full_page=False)


def screenshot_check(page: Page, name: str) -> Path:
    """Saves a full-page PNG (under the test's tmp dir) and checks the layout: no horizontal overflow; header,
    main and footer present, stacked and not overlapping; no text that is zero-sized, off the page or clipped by
    its container; a page that is not blank; no uncaught script error. Returns the PNG's path."""
    folder = _shots.get(page) or Path(tempfile.mkdtemp(prefix="cpms-shots-"))
    path = folder / f"{name}.png"
    png = _screenshot(page, path)
    measured = Layout(**page.evaluate(_MEASURE))
    problems: list[str] = []
    if measured.scroll_width > measured.inner_width:
        problems.append(f"horizontal overflow: {measured.scroll_width} > {measured.inner_width}")
    boxes = measured.boxes
    for part in ("header", "main", "footer"):
        found = boxes[part]
        if found is None or found[2] - found[0] < 1 or found[3] - found[1] < 1:
            problems.append(f"{part} missing or empty")
    header, main, footer = boxes["header"], boxes["main"], boxes["footer"]
    if header and main and header[3] > main[1] + 0.5:
        problems.append(f"header overlaps main: {header} / {main}")
    if main and footer and main[3] > footer[1] + 0.5:
        problems.append(f"main overlaps footer: {main} / {footer}")
    problems.extend(measured.bad_text[:10])
    colours = _colours(page, png)
    if colours < MIN_COLOURS:
        problems.append(f"blank page: {colours} colours")
    problems.extend(f"script error: {e}" for e in _errors.get(page, []))
    if problems:
        raise AssertionError(f"layout of {name} ({path}):\n" + "\n".join(problems))
    return path
