"""The map read on its own: labels, the view in the address, analyst tools (real Chromium).

Each test opens a self-contained (offline) map of the bundled data from disk with
every network request blocked.
"""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geo
from geo.datasets import data_path
from geo.geodesy import GEOD
from tests.browser_support import open_offline

pytestmark = pytest.mark.browser

MAP = "Object.values(window).find(v => v instanceof L.Map)"
READY = "() => window.Flashpoints && Flashpoints.toolsReady"


@pytest.fixture(scope="module")
def offline_map(tmp_path_factory):
    incidents = geo.classify(geo.load_incidents(data_path("incidents", "incidents.csv")))
    path = tmp_path_factory.mktemp("story") / "map.html"
    geo.save_map(geo.incident_map(incidents, tiles=None), path, offline=True)
    return path


def _open_at(page, path, view: str) -> None:
    page.goto(path.resolve().as_uri() + view)
    page.wait_for_function(READY, timeout=15_000)
    page.wait_for_timeout(300)


def _visible_label(page, text: str) -> bool:
    """The label is shown, not hidden by a higher-priority one, and inside the map."""
    return page.evaluate(
        """([text]) => {
          const it = Flashpoints.labels.items.find(i => i.label.text === text);
          if (!it || !it.span.isConnected || it.span.style.visibility === 'hidden') return false;
          const r = it.span.getBoundingClientRect();
          const m = document.querySelector('.folium-map').getBoundingClientRect();
          return r.width > 0 && r.left >= m.left && r.right <= m.right
                 && r.top >= m.top && r.bottom <= m.bottom;
        }""",
        [text],
    )


@pytest.mark.parametrize(
    ("view", "text"),
    [
        ("#9/25.79/123.6", "Senkaku Islands (Diaoyu Dao)"),
        ("#8/41.51/139.36", "Oshima-Oshima"),
        ("#5/38.0/133.0", "Takeshima / Dokdo"),
        ("#5/40.0/134.5", "Sea of Japan (East Sea)"),
        ("#4/37.0/133.0", "Japan"),
    ],
)
def test_labels_are_visible_text(offline_map, view, text):
    with open_offline(offline_map) as (page, log):
        _open_at(page, offline_map, view)
        assert _visible_label(page, text)
        assert page.get_by_text(text, exact=True).first.is_visible()
        assert log.aborted == []
        assert log.page_errors == []


def test_labels_do_not_overlap(offline_map):
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "#6/34.0/130.0")
        boxes = page.evaluate(
            """() => Flashpoints.labels.items
                 .filter(i => i.span.isConnected && i.span.style.visibility !== 'hidden')
                 .map(i => { const r = i.span.getBoundingClientRect();
                             return [r.left, r.top, r.right, r.bottom]; })"""
        )
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_the_address_follows_the_view_and_reopens_it(offline_map):
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "")
        page.evaluate(f"() => {{ {MAP}.setView([41.5, 139.4], 8, {{animate: false}}); }}")
        page.wait_for_timeout(200)
        address = page.evaluate("location.hash")
        assert address == "#8/41.5000/139.4000"
        _open_at(page, offline_map, "#7/30.1234/131.5")
        view = page.evaluate(f"() => {{ const m = {MAP}; const c = m.getCenter(); "
                             "return [m.getZoom(), c.lat, c.lng]; }")  # fmt: skip
    assert view[0] == 7
    assert view[1] == pytest.approx(30.1234, abs=1e-4)
    assert view[2] == pytest.approx(131.5, abs=1e-4)


def test_title_pointer_readout_and_legend_clear_of_incidents(offline_map):
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "")
        assert page.title() == "Flashpoints: incidents and maritime zones"
        box = page.locator(".folium-map").bounding_box()
        target = page.evaluate(
            f"""() => {{ const m = {MAP}; const s = m.getSize();
                 const c = m.containerPointToLatLng([s.x / 2 + 5, s.y / 2 + 5]);
                 return [c.lat, c.lng]; }}"""
        )
        want = f"{abs(target[0]):.4f}° N, {abs(target[1]):.4f}° E"
        page.mouse.move(box["x"] + 100, box["y"] + 100)
        page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2 + 5, steps=4)
        page.wait_for_function(
            "(want) => document.querySelector('.fp-coords-dec').textContent === want",
            arg=want,
            timeout=5_000,
        )
        assert "′" in page.locator(".fp-coords-dms").inner_text()
        # On open, the legend (a compact button) covers no incident.
        covered = page.evaluate(
            f"""() => {{ const m = {MAP}, inc = Flashpoints.incidents;
                 const r = document.getElementById('fp-legend').getBoundingClientRect();
                 const o = m.getContainer().getBoundingClientRect();
                 return inc.markers.filter((mk, i) => {{
                   if (!inc.visible[i]) return false;
                   const p = m.latLngToContainerPoint(mk.getLatLng());
                   const x = p.x + o.left, y = p.y + o.top, pad = 8;
                   return x + pad > r.left && x - pad < r.right
                          && y + pad > r.top && y - pad < r.bottom;
                 }}).length; }}"""
        )
        assert covered == 0
        assert page.locator("#fp-legend").get_attribute("open") is None


def test_ruler_is_geodesic_on_wgs84(offline_map):
    pairs = [(41.5, 139.4, 25.8, 123.5), (10.0, 170.0, 12.0, -170.0), (35.0, 135.0, 35.0, 135.001),
             (0.0, 0.0, 0.5, 179.5), (-33.9, 151.2, 51.5, -0.1)]  # fmt: skip
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "")
        got = page.evaluate(
            "(pairs) => pairs.map(p => Flashpoints.geodesicDistance(p[0], p[1], p[2], p[3]))", pairs
        )
        # A real two-click measurement: the readout gives km and nm.
        page.locator(".fp-ruler a").click()
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + 300, box["y"] + 300)
        page.mouse.click(box["x"] + 600, box["y"] + 400)
        ends = page.evaluate(
            f"() => [[300, 300], [600, 400]].map(p => {{ const c = {MAP}"
            ".containerPointToLatLng(p); return [c.lat, c.lng]; })"
        )
        readout = page.locator(".fp-ruler-readout").inner_text()
    lat1, lon1, lat2, lon2 = np.array(pairs, dtype=float).T
    _, _, want = GEOD.inv(lon1, lat1, lon2, lat2)
    np.testing.assert_allclose(got[:4], want[:4], rtol=0, atol=0.01)  # Vincenty: < 1 cm
    assert got[4] == pytest.approx(want[4], rel=1e-9)
    _, _, d_m = GEOD.inv(ends[0][1], ends[0][0], ends[1][1], ends[1][0])
    km, nm = d_m / 1000.0, d_m / 1852.0
    assert readout == f"{km:.1f} km ({nm:.1f} nm)"


def test_search_finds_places_and_incidents_as_text(offline_map):
    with open_offline(offline_map) as (page, log):
        _open_at(page, offline_map, "#5/38.0/133.0")
        page.locator(".fp-search-input").fill("oshima-osh")
        hit = page.locator(".fp-search-hit").first
        assert hit.inner_text().startswith("Oshima-Oshima")
        hit.click()
        page.wait_for_timeout(300)
        view = page.evaluate(f"() => {{ const m = {MAP}; const c = m.getCenter(); "
                             "return [m.getZoom(), c.lat, c.lng]; }")  # fmt: skip
        assert view[0] >= 8
        assert view[1] == pytest.approx(41.5111, abs=0.01)  # centred, to a pixel
        page.locator(".fp-search-input").fill("buoy")
        titles = page.locator(".fp-search-hit").all_inner_texts()
        assert titles
        assert all("buoy" in t.lower() for t in titles)
        page.locator(".fp-search-hit").first.click()
        page.locator(".leaflet-popup-content").wait_for(state="visible", timeout=5_000)
        assert log.page_errors == []


def test_export_holds_the_incidents_in_view(offline_map):
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "#4/37.0/135.0")
        in_view = page.evaluate(f"() => Flashpoints.incidentsInView({MAP}).length")
        text = page.evaluate(f"() => Flashpoints.exportRows({MAP}, 'csv')")
        collection = json.loads(page.evaluate(f"() => Flashpoints.exportRows({MAP}, 'geojson')"))
        bounds = page.evaluate(f"() => {MAP}.getBounds().toBBoxString()")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert 0 < in_view == len(rows) == len(collection["features"])
    w, s, e, n = map(float, bounds.split(","))
    pts = gpd.GeoDataFrame(
        geometry=[shapely.Point(float(r["lon"]), float(r["lat"])) for r in rows], crs=4326
    )
    assert pts.within(shapely.box(w, s, e, n)).all()
    assert {"title", "lat", "lon", "Zone kind"} <= set(rows[0])


def test_each_of_two_coincident_incidents_opens_its_popup(offline_map):
    """Two ICBMs placed on the same spot (the same statement wording): a click fans them out."""
    with open_offline(offline_map) as (page, log):
        _open_at(page, offline_map, "#8/41.486/136.963")
        same = page.evaluate(
            """() => { const inc = Flashpoints.incidents, t = Flashpoints.table, out = [];
                 const p0 = inc.markers.map(m => m.getLatLng());
                 for (let i = 0; i < inc.n; i++) for (let j = i + 1; j < inc.n; j++)
                   if (p0[i].equals(p0[j])) out.push([i, j, t.title[i], t.title[j]]);
                 return out; }"""
        )
        assert same, "the bundled data has incidents on the same point"
        i, j, title_i, title_j = same[0]
        box = page.locator(".folium-map").bounding_box()

        def click_marker(k):
            where = "Flashpoints.incidents.markers[k].getLatLng()"
            p = page.evaluate(f"(k) => {MAP}.latLngToContainerPoint({where})", k)
            page.mouse.click(box["x"] + p["x"], box["y"] + p["y"])

        titles = []
        click_marker(i)  # fans the two out
        for k in (i, j):
            click_marker(k)
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(state="visible", timeout=5_000)
            titles.append(popup.locator(".fp-title").inner_text())
            page.locator(".leaflet-popup-close-button").click()
            page.wait_for_timeout(400)  # the popup fades out
        assert sorted(titles) == sorted([title_i, title_j])
        # A click elsewhere on the map puts them back where they are.
        page.mouse.click(box["x"] + box["width"] / 2 + 150, box["y"] + box["height"] / 2 - 150)
        back = page.evaluate(
            "([i, j]) => [i, j].map(k => Flashpoints.incidents.markers[k].getLatLng())"
            ".every((p, _, a) => p.equals(a[0]))",
            [i, j],
        )
        assert back
        assert log.page_errors == []


def test_popup_gives_what_an_analyst_cites(offline_map):
    incidents = geo.classify(geo.load_incidents(data_path("incidents", "incidents.csv")))
    i = int(np.flatnonzero(incidents["missile_type"].fillna("").str.len() > 0)[0])
    row = incidents.iloc[i]
    with open_offline(offline_map) as (page, _log):
        _open_at(page, offline_map, "")
        index = page.evaluate(
            "(title) => Flashpoints.table.title.indexOf(title)", str(row["title"])
        )
        page.evaluate(
            f"(k) => {{ {MAP}.setView(Flashpoints.homeOf(k), 7, {{animate: false}}); "
            "Flashpoints.openIncident(k); }",
            index,
        )
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content')")
        text = page.locator(".leaflet-popup-content").inner_text()
    lat, lon = row.geometry.y, row.geometry.x
    assert f"Position\t{abs(lat):.4f}° N, {abs(lon):.4f}° E (" in text
    assert "″N " in text  # and in degrees, minutes, seconds
    unc = float(row["uncertainty_km"])
    assert f"Uncertainty\t± {unc:.1f} km ({unc / 1.852:.1f} nm)" in text
    assert f"Missile type\t{row['missile_type']}" in text
    assert f"Zone kind\t{row['zone_kind'].replace('_', ' ')}" in text
    nm = float(row["distance_to_coast_nm"])
    assert f"Distance to coast\t{nm:.1f} nm ({nm * 1.852:.1f} km)" in text
    assert str(row["source_quote"])[:30] in text
