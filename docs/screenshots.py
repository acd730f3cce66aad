"""Take the README's map screenshots: the bundled incidents, offline, in headless Chromium.

Run with ``make screenshots`` (needs Debian's chromium, which ``make test`` installs).
Writes ``docs/northeast-asia.png`` (the first view), ``docs/map-senkaku.png`` and
``docs/map-sea-of-japan.png`` (views given as the map's ``#zoom/lat/lon`` address),
``docs/map-south-china-sea.png`` (the South China Sea incidents over the zones),
and ``docs/map-density.png``: 100,000 synthetic incidents (those of the map
benchmark, random in the coverage), drawn as density hexagons at the first view.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/, run as a script

from playwright.sync_api import sync_playwright

import geo
from geo.datasets import data_path

DOCS = Path(__file__).resolve().parent
VIEWS = {
    "northeast-asia.png": "",
    "map-senkaku.png": "#8/25.55/124.2",
    "map-sea-of-japan.png": "#6/40.2/135.5",
}


def _shoot(page, page_file: Path, views: dict[str, str]) -> None:
    for name, view in views.items():
        page.goto(page_file.resolve().as_uri() + view)
        page.wait_for_function("() => window.Flashpoints && Flashpoints.toolsReady")
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / name))
        print(DOCS / name)


def main() -> int:
    """Draw the maps once, then save one screenshot per view."""
    from benchmarks.map_bench import incidents as synthetic

    bundled = geo.classify(geo.load_incidents(data_path("incidents", "incidents.csv")))
    with tempfile.TemporaryDirectory() as tmp:
        page_file, crowd_file = Path(tmp) / "map.html", Path(tmp) / "crowd.html"
        scs_file = Path(tmp) / "scs.html"
        geo.save_map(geo.incident_map(bundled, tiles=None), page_file, offline=True)
        scs = geo.classify(geo.load_incidents(data_path("incidents", "south-china-sea.csv")))
        geo.save_map(geo.incident_map(scs, tiles=None), scs_file, offline=True)
        crowd = geo.incident_map(synthetic(100_000), tiles=None,
                                 title="Flashpoints: 100,000 synthetic incidents")  # fmt: skip
        geo.save_map(crowd, crowd_file, offline=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            _shoot(page, page_file, VIEWS)
            _shoot(page, crowd_file, {"map-density.png": "#5/37.0/136.0"})
            _shoot(page, scs_file, {"map-south-china-sea.png": "#6/12.0/115.5"})
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
