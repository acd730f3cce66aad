"""Benchmark: HTML size and time to first render of incident maps, flashpoints vs plain folium.

Run with ``make bench-map`` (or ``python -m benchmarks.map_bench``). For 1,000,
10,000 and 100,000 synthetic incidents (uniform random in the bundled coverage,
seeded; a kind, a date, a title and an uncertainty each; classified first, which
is not timed here), it writes two maps of the same incidents:

* ``flashpoints``: :func:`geo.incident_map` (zones, legend, timeline, popups with
  the classification), saved with :func:`geo.maps.save_map`;
* ``folium``: a plain folium map with one ``folium.CircleMarker`` per incident,
  with the title as popup and tooltip, as a folium user would write it (no zones).

Each file is opened in headless Chromium (Debian's ``chromium``, assets served
from ``node_modules`` as in the browser tests, tiles answered with a grey PNG).
Plain folium loads more: jQuery and Bootstrap (which its popups need) come from
the npm packages in ``package.json``; the icon fonts and marker styles it loads
but circle markers do not use are answered with an empty file.
Time to first render is ``performance.now()`` (milliseconds since navigation
started) once the page's scripts have run (the ``load`` event, and for
flashpoints ``Flashpoints.ready``) and two animation frames have been painted.
Each page is opened ``--repeat`` times (3 by default), each time in a fresh
browser, and the median is reported with the range. A page that has not
rendered within ``--timeout-s`` is reported as such.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20261124
KINDS = np.array(["missile", "buoy", "vessel", "aircraft", "other"])


def incidents(n: int):
    """Return n synthetic, classified incidents."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    import geo

    rng = np.random.default_rng(SEED)
    lon, lat = rng.uniform(110.0, 165.0, n), rng.uniform(15.0, 55.0, n)
    start = pd.Timestamp("2015-01-01", tz="UTC")
    frame = gpd.GeoDataFrame(
        {
            "kind": KINDS[rng.integers(0, len(KINDS), n)],
            "date": start + pd.to_timedelta(rng.integers(0, 3650, n), unit="D"),
            "title": [f"Incident {i}" for i in range(n)],
            "uncertainty_km": rng.choice([0.0, 1.0, 5.0, 20.0], n),
        },
        geometry=shapely.points(lon, lat),
        crs=4326,
    )
    return geo.classify(frame)


def write_flashpoints(frame, path: Path) -> float:
    """Write the flashpoints map; return the seconds taken."""
    from geo.maps import incident_map, save_map

    t0 = time.perf_counter()
    save_map(incident_map(frame), path)
    return time.perf_counter() - t0


def write_folium(frame, path: Path) -> float:
    """Write the plain folium map; return the seconds taken."""
    import folium

    t0 = time.perf_counter()
    m = folium.Map(location=[35, 137], zoom_start=4)
    for title, pt in zip(frame["title"], frame.geometry, strict=True):
        folium.CircleMarker([pt.y, pt.x], radius=6, popup=title, tooltip=title).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t0


def _folium_assets() -> dict:
    """Local answers for the assets a plain folium map loads besides Leaflet."""
    import folium

    from tests.browser_support import NODE_MODULES

    local = {
        "jquery": NODE_MODULES / "jquery" / "dist" / "jquery.min.js",
        "bootstrap": NODE_MODULES / "bootstrap" / "dist" / "js" / "bootstrap.bundle.min.js",
        "bootstrap_css": NODE_MODULES / "bootstrap" / "dist" / "css" / "bootstrap.min.css",
    }
    m = folium.Map()
    out: dict = {}
    for name, url in m.default_js + m.default_css:
        if name in local:
            out[url] = local[name]
        elif not name.startswith("leaflet"):
            out[url] = b""
    return out


def render_ms(path: Path, *, ready: str, timeout_s: float) -> float | None:
    """Milliseconds from navigation to the first painted frame after ``ready``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser_support import open_page

    timeout_ms = timeout_s * 1000
    try:
        with open_page(
            path, wait_until="commit", timeout_ms=timeout_ms, extra=_folium_assets()
        ) as (page, log):
            page.wait_for_function(ready, timeout=timeout_s * 1000, polling=50)
            ms = page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                "() => r(performance.now()))))"
            )
            if log.page_errors or log.aborted:
                raise RuntimeError(f"{path.name}: {(log.page_errors + log.aborted)[0]}")
            return float(ms)
    except PlaywrightTimeout:
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", nargs="+", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--timeout-s", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per map")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    loaded = "document.readyState === 'complete'"
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.incidents:
            frame = incidents(n)
            for engine, write, ready in (
                ("flashpoints", write_flashpoints, f"{loaded} && window.Flashpoints?.ready"),
                ("folium", write_folium, loaded),
            ):
                path = Path(tmp) / f"{engine}-{n}.html"
                build_s = write(frame, path)
                runs = [
                    render_ms(path, ready=ready, timeout_s=args.timeout_s)
                    for _ in range(args.repeat)
                ]
                done = sorted(r / 1000.0 for r in runs if r is not None)
                median = None if len(done) < len(runs) else float(np.median(done))
                row = {
                    "engine": engine,
                    "incidents": n,
                    "html_mb": path.stat().st_size / 1e6,
                    "build_s": build_s,
                    "render_s": median,
                    "render_runs_s": [None if r is None else r / 1000.0 for r in runs],
                }
                rows.append(row)
                render = (
                    f"timed out in {len(runs) - len(done)} of {len(runs)} loads"
                    if median is None
                    else f"{median:.2f} s (median of {len(runs)}; {done[0]:.2f}-{done[-1]:.2f})"
                )
                print(
                    f"{engine:12s} {n:>8,} incidents  {row['html_mb']:8.2f} MB  "
                    f"written in {build_s:6.1f} s  first render {render}",
                    flush=True,
                )
                path.unlink()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
