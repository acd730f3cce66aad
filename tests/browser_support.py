"""Open generated maps in a real headless Chromium (Debian's ``chromium``).

There is no internet on the test machines: every request the page makes is
routed. Map assets (Leaflet) are served from the npm packages that ``make test``
installs into ``node_modules/`` (see ``geo/assets.py``), with the CORS header a CDN
sends (the maps load them with ``crossorigin`` and an ``integrity`` hash, which the
browser checks); basemap tiles get a plain grey PNG; anything else is aborted and
shows up as a failed request.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from geo.assets import local_file

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "server.arcgisonline.com")

# A 1x1 grey PNG for basemap tiles.
GREY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPo6OgAAAN+AT+dTbKhAAAAAElFTkSuQmCC"
)

# What jsDelivr answers too: without it a crossorigin (integrity-checked) asset is refused.
CORS = {"Access-Control-Allow-Origin": "*"}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Debian's chromium is not installed; run `make test`, which installs it")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class PageLog:
    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.aborted: list[str] = []
        self.local: list[str] = []
        self.dialogs: list[str] = []  # alert/confirm/prompt messages (each dismissed)


def route_offline(context, log: PageLog, base_url: str, extra: dict | None = None) -> None:
    """Route a Playwright browser context's requests as described in the module doc.

    ``extra`` maps more addresses to local files (a path) or bodies (bytes).
    """

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith("data:"):
            route.continue_()
            return
        if extra and url in extra:
            log.local.append(url)
            body = extra[url]
            if isinstance(body, bytes):
                route.fulfill(status=200, body=body, headers=CORS)
            else:
                route.fulfill(path=str(body), headers=CORS)
            return
        path = local_file(url, NODE_MODULES)
        if path is not None:
            log.local.append(url)
            route.fulfill(path=str(path), headers=CORS)
            return
        if any(host in url for host in TILE_HOSTS):
            route.fulfill(status=200, body=GREY_PNG, content_type="image/png")
            return
        log.aborted.append(url)
        route.abort()

    context.route("**/*", handle)


@contextlib.contextmanager
def _chromium_page(viewport, *, offline: bool = False) -> Iterator[tuple[object, object, PageLog]]:
    """Launch headless Chromium; yield (context, page, log) with errors being logged."""
    from playwright.sync_api import sync_playwright

    log = PageLog()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, offline=offline
            )
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
            page.on("pageerror", lambda e: log.page_errors.append(str(e)))
            page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
            yield context, page, log
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(
    html_file: Path,
    *,
    viewport=(1200, 800),
    wait_until: str = "load",
    timeout_ms: float = 30_000,
    extra: dict | None = None,
) -> Iterator[tuple[object, PageLog]]:
    """Serve ``html_file``'s folder, open the file in headless Chromium, yield (page, log).

    ``extra``: more local answers, as in :func:`route_offline`.
    """
    with serve(html_file.parent) as base, _chromium_page(viewport) as (context, page, log):
        route_offline(context, log, base, extra)
        page.goto(f"{base}/{html_file.name}", wait_until=wait_until, timeout=timeout_ms)
        yield page, log


@contextlib.contextmanager
def open_offline(html_file: Path, *, viewport=(1200, 800)) -> Iterator[tuple[object, PageLog]]:
    """Open ``html_file`` from disk with every network request blocked; yield (page, log).

    Requests for anything but the file itself (and data: URLs) are aborted and
    recorded in ``log.aborted``: a self-contained map makes none.
    """
    with _chromium_page(viewport, offline=True) as (context, page, log):

        def handle(route) -> None:
            url = route.request.url
            if url.startswith(("file://", "data:")):
                route.continue_()
            else:
                log.aborted.append(url)
                route.abort()

        context.route("**/*", handle)
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        yield page, log
