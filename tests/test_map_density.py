"""Many incidents: density hexagons at low zoom, markers made for the view as you zoom in.

The threshold (:data:`geo.settings.MAP_DENSITY_MIN`) is lowered to 60 so that a few
hundred incidents exercise what a million would (the benchmark opens a million).
Each test opens a self-contained map from disk in real Chromium, network blocked.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from tests.browser_support import open_offline
from tests.support import incident_table, table_numbers

pytestmark = pytest.mark.browser

MAP = "Object.values(window).find(v => v instanceof L.Map)"
READY = "() => window.Flashpoints && Flashpoints.toolsReady"
DENSITY_MIN = 60
N = 400


@pytest.fixture(scope="module")
def crowd():
    """N incidents in the Sea of Japan, dated over 2020, with a few distinct spots."""
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(131.0, 138.0, N), rng.uniform(37.0, 42.0, N)
    frame = gpd.GeoDataFrame(
        {
            "kind": rng.choice(["vessel", "buoy"], N),
            "title": [f"crowd {i}" for i in range(N)],
            "date": pd.Timestamp("2020-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 366, N), unit="D"),
            "uncertainty_km": rng.choice([0.0, 30.0], N),
        },
        geometry=shapely.points(lon, lat),
        crs=4326,
    )
    return geo.classify(frame)


@pytest.fixture(scope="module")
def crowd_map(crowd, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("geo.settings.MAP_DENSITY_MIN", DENSITY_MIN)
        path = tmp_path_factory.mktemp("density") / "crowd.html"
        geo.save_map(geo.incident_map(crowd, tiles=None), path, offline=True)
    return path


def _open(page, path, view: str = "") -> None:
    page.goto(path.resolve().as_uri() + view)
    page.wait_for_function(READY, timeout=30_000)
    page.wait_for_timeout(300)


def _in_view(page, crowd, shown=None) -> np.ndarray:
    """Indexes of the incidents inside the map's view (and ``shown``, when given)."""
    w, s, e, n = map(float, page.evaluate(f"() => {MAP}.getBounds().toBBoxString()").split(","))
    x, y = crowd.geometry.x.to_numpy(), crowd.geometry.y.to_numpy()
    inside = (x >= w) & (x <= e) & (y >= s) & (y <= n)
    if shown is not None:
        inside &= shown
    return np.flatnonzero(inside)


def test_the_table_says_when_density_starts(crowd_map):
    table = incident_table(crowd_map.read_text())
    assert table["n"] == N
    assert table["density_min"] == DENSITY_MIN
    assert len(table_numbers(table["lat"])) == N
    assert "incidents in a hexagon" in crowd_map.read_text()  # the legend explains them


def test_many_incidents_in_view_are_counted_in_hexagons(crowd, crowd_map):
    with open_offline(crowd_map) as (page, log):
        _open(page, crowd_map, "#6/39.5/134.5")
        assert page.evaluate("() => Flashpoints.incidents.mode()") == "density"
        cells = page.evaluate("() => Flashpoints.incidents.density.cells")
        in_view = _in_view(page, crowd)
        assert len(in_view) > DENSITY_MIN
        # Every incident in view is in exactly one hexagon; no marker is drawn.
        assert sum(c["count"] for c in cells) == len(in_view)
        assert page.evaluate("() => Flashpoints.incidents.drawnCount()") == 0
        # A hexagon has the colour most of its incidents have as markers.
        colors = incident_table(crowd_map.read_text())["colors"]
        for c in cells:
            top = max(c["counts"].values())
            assert c["color"] in {colors[k] for k, v in c["counts"].items() if v == top}
        # The canvas shows them: the pixel at each hexagon's centre is painted.
        assert page.locator("canvas.fp-density").is_visible()
        painted = page.evaluate(
            """(cells) => { const c = document.querySelector('canvas.fp-density');
                 const ctx = c.getContext('2d'), r = window.devicePixelRatio || 1;
                 const inside = cells.filter(p => p.x >= 0 && p.y >= 0
                                                  && p.x * r < c.width && p.y * r < c.height);
                 return inside.map(p => ctx.getImageData(Math.round(p.x * r),
                                                         Math.round(p.y * r), 1, 1).data[3]); }""",
            cells,
        )
        assert len(painted) > len(cells) / 2
        assert min(painted) > 0
        assert log.page_errors == []
        assert log.aborted == []


def test_points_go_to_the_nearest_hexagon_centre(crowd_map):
    """FP.hexOf against the brute-force nearest centre of the two lattices."""
    rng = np.random.default_rng(3)
    pts = rng.uniform(-5_000, 5_000, (500, 2)).tolist()
    with open_offline(crowd_map) as (page, _log):
        _open(page, crowd_map)
        got = page.evaluate(
            "(pts) => pts.map(p => { const o = Flashpoints.hexOf(p[0], p[1], {}); "
            "return [o.r, o.c]; })",
            pts,
        )
    s = 18.0
    w, row = np.sqrt(3) * s, 1.5 * s
    for (x, y), (r, c) in zip(pts, got, strict=True):
        rows = np.arange(np.floor(y / row) - 2, np.ceil(y / row) + 3)
        best = min(
            ((x - (cc + (rr % 2) * 0.5) * w) ** 2 + (y - rr * row) ** 2, rr, cc)
            for rr in rows
            for cc in np.arange(np.floor(x / w) - 2, np.ceil(x / w) + 3)
        )
        assert best[0] == pytest.approx((x - (c + (r % 2) * 0.5) * w) ** 2 + (y - r * row) ** 2)
        assert (best[1], best[2]) == (r, c)


def test_zooming_in_turns_hexagons_into_markers_for_the_view(crowd, crowd_map):
    with open_offline(crowd_map) as (page, log):
        _open(page, crowd_map, "#6/39.5/134.5")
        # A click on the fullest hexagon zooms in on it by two levels.
        cell = page.evaluate(
            "() => Flashpoints.incidents.density.cells.reduce((a, b) => a.count >= b.count ? a : b)"
        )
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + cell["x"], box["y"] + cell["y"])
        page.wait_for_function(f"() => {MAP}.getZoom() === 8", timeout=5_000)
        page.wait_for_timeout(500)  # the zoom animation ends
        page.evaluate(f"() => {{ {MAP}.setView([39.5, 134.5], 10, {{animate: false}}); }}")
        page.wait_for_timeout(300)
        assert page.evaluate("() => Flashpoints.incidents.mode()") == "markers"
        in_view = _in_view(page, crowd)
        assert 0 < len(in_view) <= DENSITY_MIN
        drawn = set(page.evaluate("() => Flashpoints.incidents.drawn()"))
        assert set(in_view.tolist()) <= drawn  # every incident in view has its marker
        assert len(drawn) < N  # ...and the others far away have none
        made = page.evaluate("() => Flashpoints.incidents.markers.filter(Boolean).length")
        assert made < N
        # A marker made for the view opens its popup.
        k = int(in_view[0])
        page.evaluate(
            f"(k) => {{ {MAP}.setView(Flashpoints.homeOf(k), 11, {{animate: false}}); }}", k
        )
        page.wait_for_timeout(300)
        point = page.evaluate(
            f"(k) => {{ const p = {MAP}.latLngToContainerPoint(Flashpoints.homeOf(k)); "
            "return {x: p.x, y: p.y}; }",
            k,
        )
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5_000)
        # the popup of that incident, or (two on one spot) the fan of them opened first
        assert f"crowd {k}" in popup.inner_text() or page.locator(".fp-fan-leg").count()
        assert log.page_errors == []


def test_the_timeline_filters_the_hexagons(crowd, crowd_map):
    with open_offline(crowd_map) as (page, log):
        _open(page, crowd_map, "#6/39.5/134.5")
        cut = pd.Timestamp("2020-09-30", tz="UTC")
        day = (cut - pd.Timestamp("1970-01-01", tz="UTC")).days
        page.evaluate(f"() => Flashpoints.incidents.timeline.setDay({day})")
        shown = (crowd["date"] <= cut).to_numpy()
        in_view = _in_view(page, crowd, shown)
        assert page.evaluate("() => Flashpoints.incidents.visibleCount()") == shown.sum()
        cells = page.evaluate("() => Flashpoints.incidents.density.cells")
        assert sum(c["count"] for c in cells) == len(in_view) < len(_in_view(page, crowd))
        # Switching a kind off in the layer control takes its incidents out of the count.
        page.locator(".leaflet-control-layers").hover()
        page.locator("label", has_text="Incidents: buoy").locator("input").uncheck()
        page.wait_for_timeout(200)
        cells = page.evaluate("() => Flashpoints.incidents.density.cells")
        vessels = in_view[(crowd["kind"].to_numpy()[in_view] == "vessel")]
        counted = sum(c["count"] for c in cells)
        if len(vessels) > DENSITY_MIN:
            assert counted == len(vessels)
        else:
            assert page.evaluate("() => Flashpoints.incidents.drawnCount()") == len(vessels)
        assert log.page_errors == []
