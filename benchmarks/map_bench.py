"""Benchmark: HTML size and time to first render of incident maps, flashpoints vs plain folium.

Run with ``make bench-map`` (or ``python -m benchmarks.map_bench``). For 1,000,
10,000, 100,000 and 1,000,000 synthetic incidents (uniform random in the bundled
coverage, seeded; a kind, a date, a title and an uncertainty each; classified
first, which is not timed here), it writes maps of the same incidents:

* ``flashpoints``: :func:`geo.incident_map` (zones, legend, timeline, popups with
  the classification, density hexagons when more than
  :data:`geo.settings.MAP_DENSITY_MIN` incidents are in view), saved with
  :func:`geo.maps.save_map`;
* ``folium``: a plain folium map with one ``folium.CircleMarker`` per incident,
  with the title as popup and tooltip, as a folium user would write it (no zones);
  only up to ``--folium-max`` incidents (100,000 by default: its file grows by about
  1.3 kB per incident, so 1,000,000 would be a 1.3 GB page);
* ``folium FastMarkerCluster``: what a folium expert writes for many points,
  ``folium.plugins.FastMarkerCluster`` (the rows travel as one array and a callback
  makes each marker, here a circle marker with the title as popup), clustered by
  leaflet.markercluster (served from ``node_modules``, 1.5.3, where folium asks for
  1.1.0 on a CDN).

For flashpoints, a timeline step is also timed: the slider set to the middle of
the dates (about half the incidents shown), until two animation frames have been
painted.

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


def write_fast_cluster(frame, path: Path) -> float:
    """Write a folium FastMarkerCluster map; return the seconds taken."""
    import folium
    from folium.plugins import FastMarkerCluster

    callback = (
        "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 6})"
        ".bindPopup(row[2]); }"
    )
    t0 = time.perf_counter()
    m = folium.Map(location=[35, 137], zoom_start=4)
    rows = [[pt.y, pt.x, title] for title, pt in zip(frame["title"], frame.geometry, strict=True)]
    FastMarkerCluster(rows, callback=callback).add_to(m)
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
    from folium.plugins import MarkerCluster

    cluster = NODE_MODULES / "leaflet.markercluster" / "dist"
    local |= {
        "markerclusterjs": cluster / "leaflet.markercluster.js",
        "markerclustercss": cluster / "MarkerCluster.css",
        "markerclusterdefaultcss": cluster / "MarkerCluster.Default.css",
    }
    m = folium.Map()
    out: dict = {}
    for name, url in (
        m.default_js + m.default_css + MarkerCluster.default_js + MarkerCluster.default_css
    ):
        if name in local:
            out[url] = local[name]
        elif not name.startswith("leaflet"):
            out[url] = b""
    return out


#: Set the timeline to the middle of the dates; resolve with the milliseconds until
#: two animation frames have been painted.
_TIMELINE_STEP = """() => new Promise(r => {
  const tl = Flashpoints.incidents.timeline, t0 = performance.now();
  tl.setDay(tl.lo + Math.round((tl.hi - tl.lo) / 2));
  requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0)));
})"""


def render_ms(
    path: Path, *, ready: str, timeout_s: float, step: bool = False
) -> tuple[float, float | None] | None:
    """Return ms to the first painted frame after ``ready``, and of a timeline step.

    The step is timed only with ``step``; None when the page did not render in time.
    """
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
            step_ms = float(page.evaluate(_TIMELINE_STEP)) if step else None
            if log.page_errors or log.aborted:
                raise RuntimeError(f"{path.name}: {(log.page_errors + log.aborted)[0]}")
            return float(ms), step_ms
    except PlaywrightTimeout:
        return None


def _measure(path: Path, *, ready: str, timeout_s: float, repeat: int, step: bool) -> dict:
    """Open ``path`` ``repeat`` times; return the median first render (and timeline step)."""
    runs = [render_ms(path, ready=ready, timeout_s=timeout_s, step=step) for _ in range(repeat)]
    done = sorted(r[0] / 1000.0 for r in runs if r is not None)
    steps = sorted(r[1] / 1000.0 for r in runs if r is not None and r[1] is not None)
    return {
        "render_s": None if len(done) < len(runs) else float(np.median(done)),
        "render_runs_s": [None if r is None else r[0] / 1000.0 for r in runs],
        "step_s": float(np.median(steps)) if steps and len(steps) == len(runs) else None,
        "step_runs_s": [None if r is None or r[1] is None else r[1] / 1000.0 for r in runs],
    }


def _line(row: dict) -> str:
    runs = [r for r in row["render_runs_s"] if r is not None]
    if row["render_s"] is None:
        render = f"timed out in {len(row['render_runs_s']) - len(runs)} of {len(runs)} loads"
    else:
        render = f"{row['render_s']:.2f} s (median of {len(runs)}; {min(runs):.2f}-{max(runs):.2f})"
    step = "" if row["step_s"] is None else f"  timeline step {row['step_s']:.3f} s"
    return (
        f"{row['engine']:26s} {row['incidents']:>9,} incidents  {row['html_mb']:8.2f} MB  "
        f"written in {row['build_s']:6.1f} s  first render {render}{step}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--incidents", nargs="+", type=int, default=[1_000, 10_000, 100_000, 1_000_000]
    )
    parser.add_argument("--folium-max", type=int, default=100_000,
                        help="largest count drawn with plain folium markers")  # fmt: skip
    parser.add_argument("--timeout-s", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per map")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    loaded = "document.readyState === 'complete'"
    engines = (
        ("flashpoints", write_flashpoints, f"{loaded} && window.Flashpoints?.ready"),
        ("folium", write_folium, loaded),
        ("folium FastMarkerCluster", write_fast_cluster, loaded),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.incidents:
            frame = incidents(n)
            for engine, write, ready in engines:
                if engine == "folium" and n > args.folium_max:
                    print(f"{engine:26s} {n:>9,} incidents  not drawn (over --folium-max)")
                    continue
                path = Path(tmp) / f"{engine.replace(' ', '-')}-{n}.html"
                build_s = write(frame, path)
                row = {
                    "engine": engine,
                    "incidents": n,
                    "html_mb": path.stat().st_size / 1e6,
                    "build_s": build_s,
                } | _measure(path, ready=ready, timeout_s=args.timeout_s, repeat=args.repeat,
                             step=engine == "flashpoints")  # fmt: skip
                rows.append(row)
                print(_line(row), flush=True)
                path.unlink()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
