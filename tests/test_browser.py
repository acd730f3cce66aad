"""The generated map in a real headless Chromium (see tests/browser_support.py).

The map draws on a canvas, so what is drawn is checked through Leaflet's own
layer list and by reading the canvas pixels, and the popup is opened by a real
mouse click at the marker's screen position.
"""

import geopandas as gpd
import pytest
import shapely

from geo import classify
from geo.datasets import data_path
from geo.geodesy import GEOD
from tests.browser_support import open_offline, open_page

pytestmark = pytest.mark.browser

INJECTED = '<img src=x onerror="window.__pwned=1">${window.__pwned2=1}`{{ 1234*1000 }}'
BUOY = (29.5, 127.5)  # East China Sea, away from the bundled incidents
READY = "window.Flashpoints && window.Flashpoints.ready === true"

FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@pytest.fixture(scope="module")
def map_file(tmp_path_factory, cli):
    folder = tmp_path_factory.mktemp("map")
    extra = folder / "injected.csv"
    title = INJECTED.replace('"', '""')
    extra.write_text(f'lat,lon,kind,title\n{BUOY[0]},{BUOY[1]},buoy,"{title}"\n')
    out = folder / "northeast-asia.html"
    incidents = str(data_path("incidents", "incidents.csv"))
    result = cli("map", incidents, str(extra), "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    return out


def _count_layers(page, class_name):
    return page.evaluate(
        f"""() => {{ let n = 0; {FIND_MAP}.eachLayer(l => {{
            if (l.options && (l.options.className || '').includes('{class_name}')) n++; }});
            return n; }}"""
    )


def _canvas_alpha(page, lat, lon):
    """Alpha of the overlay canvas pixel at (lat, lon): 0 where nothing is drawn."""
    return page.evaluate(
        f"""() => {{ const m = {FIND_MAP};
            const c = document.querySelector('.leaflet-overlay-pane canvas');
            const p = m.latLngToLayerPoint([{lat}, {lon}]);
            const o = L.DomUtil.getPosition(c);
            const r = window.devicePixelRatio || 1;
            const px = c.getContext('2d').getImageData((p.x - o.x) * r, (p.y - o.y) * r, 1, 1);
            return px.data[3]; }}"""
    )


def test_zones_markers_and_popup(map_file, tmp_path):
    # Data rows of the bundled file plus the injected one = lines of the bundled file.
    n_incidents = len(data_path("incidents", "incidents.csv").read_text().splitlines())
    with open_page(map_file) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        page.wait_for_timeout(500)
        assert _count_layers(page, "fp-zone") > 20
        assert _count_layers(page, "fp-incident") == n_incidents  # bundled rows + 1 injected
        # Pixels: a zone is painted in the Sea of Japan; nothing at the far edge of the Pacific.
        assert _canvas_alpha(page, 39.0, 135.0) > 0
        assert page.locator("#fp-legend").is_visible()

        # A real click on the injected buoy opens its popup, which names the zone.
        point = page.evaluate(f"() => {FIND_MAP}.latLngToContainerPoint([{BUOY[0]}, {BUOY[1]}])")
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5_000)
        text = popup.inner_text()
        expected = classify(gpd.GeoDataFrame(geometry=[shapely.Point(BUOY[1], BUOY[0])], crs=4326))
        assert f"Zone\t{expected['zone_name'].iloc[0]}" in text
        assert INJECTED in text  # shown literally, as text
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__pwned2") is None

        page.screenshot(path=str(tmp_path / "map.png"))
        # With the popup open, hovering the buoy shows no tooltip over it. (Leaflet's
        # canvas drops a pointer move within 32 ms of the last one: wait between moves.)
        page.mouse.move(box["x"] + point["x"] + 40, box["y"] + point["y"] + 40)
        page.wait_for_timeout(100)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_timeout(300)
        assert page.locator(".leaflet-tooltip .fp-tip").count() == 0
        # Once it is closed, hovering the buoy shows its title as a tooltip, as text.
        page.locator(".leaflet-popup-close-button").click()
        page.mouse.move(box["x"] + point["x"] + 40, box["y"] + point["y"] + 40)
        page.wait_for_timeout(100)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tip = page.locator(".leaflet-tooltip .fp-tip")
        tip.wait_for(state="visible", timeout=5_000)
        assert tip.inner_text() == INJECTED
        assert page.evaluate("window.__pwned") is None
        assert log.page_errors == []
        assert log.console_errors == []
        assert log.aborted == []
        assert any("leaflet.js" in u for u in log.local)


def _toggle(page, label):
    """Click a layer's entry in the layer control (which opens on hover)."""
    page.locator(".leaflet-control-layers").hover()
    page.get_by_text(label).click()
    page.wait_for_timeout(200)


def test_layer_control_hides_zones_and_incidents(map_file):
    with open_page(map_file) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        page.wait_for_timeout(300)
        assert _count_layers(page, "fp-zone-eez") > 0
        _toggle(page, "Zones: EEZs (24-200 nm)")
        assert _count_layers(page, "fp-zone-eez") == 0
        # Incident layers are in the control too, one per kind.
        n = _count_layers(page, "fp-incident")
        _toggle(page, "Incidents: missile")
        assert 0 < _count_layers(page, "fp-incident") < n
        # Uncertainty circles are a layer of their own.
        assert _count_layers(page, "fp-uncertainty") > 0
        _toggle(page, "Incident uncertainty")
        assert _count_layers(page, "fp-uncertainty") == 0
        assert log.page_errors == []


def _set_day(page, iso_date):
    """Move the timeline slider as a user would (value + input event)."""
    page.evaluate(
        f"""() => {{ const r = document.querySelector('.fp-range');
            r.value = Math.floor(Date.parse('{iso_date}') / 86400000);
            r.dispatchEvent(new Event('input', {{bubbles: true}})); }}"""
    )


def test_timeline_hides_and_shows_incidents(map_file, tmp_path):
    from geo import load_incidents

    dates = load_incidents(data_path("incidents", "incidents.csv"))["date"]
    cut = "2017-12-31"
    expected = int((dates <= cut).sum()) + 1  # + the injected row, which has no date
    with open_page(map_file) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        total = _count_layers(page, "fp-incident")
        _set_day(page, cut)
        page.wait_for_timeout(200)
        assert _count_layers(page, "fp-incident") == expected < total
        assert page.locator(".fp-date").inner_text() == cut
        # A one-year window ending at the cut shows only 2017's incidents.
        page.locator(".fp-window").select_option("365")
        in_2017 = int(((dates > "2016-12-31") & (dates <= cut)).sum()) + 1
        assert _count_layers(page, "fp-incident") == in_2017
        page.locator(".fp-window").select_option("0")
        # Play runs the slider to the end: everything is back.
        page.locator(".fp-play").click()
        page.wait_for_function(f"Flashpoints.incidents.drawnCount() === {total}", timeout=30_000)
        page.screenshot(path=str(tmp_path / "timeline.png"))
        assert log.page_errors == []
        assert log.console_errors == []


def test_overlapping_claims_are_hatched_in_claimant_colours(map_file):
    with open_page(map_file) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        hatched = page.evaluate(
            f"""() => {{ let n = 0, bad = 0; {FIND_MAP}.eachLayer(l => {{
                const c = (l.options && l.options.className) || '';
                if (l instanceof L.Path && c.includes('fp-hatch')) {{ n++;
                    if (!(l.options.fillColor instanceof CanvasPattern)) bad++; }} }});
                return [n, bad]; }}"""
        )
        assert hatched[0] > 0
        assert hatched[1] == 0
        page.wait_for_timeout(500)  # the canvas repaints with the patterns
        # Pixels north of the Senkakus (EEZ claimed by CHN, JPN, TWN) hold several hues.
        colours = page.evaluate(
            f"""() => {{ const m = {FIND_MAP};
                const c = document.querySelector('.leaflet-overlay-pane canvas');
                const p = m.latLngToLayerPoint([26.5, 124.0]);
                const o = L.DomUtil.getPosition(c), r = window.devicePixelRatio || 1;
                const d = c.getContext('2d').getImageData((p.x - o.x) * r, (p.y - o.y) * r,
                                                          24, 24).data;
                const seen = new Set();
                for (let i = 0; i < d.length; i += 4)
                    seen.add([d[i] >> 4, d[i + 1] >> 4, d[i + 2] >> 4].join());
                return seen.size; }}"""
        )
        assert colours >= 3
        assert log.page_errors == []


def test_uncertainty_circle_is_geodesic(map_file):
    with open_page(map_file) as (page, _log):
        page.wait_for_function(READY, timeout=15_000)
        for lat, radius_m in ((40.0, 100_000.0), (-70.0, 250_000.0), (0.0, 5_000.0)):
            ring = page.evaluate(f"Flashpoints.geoCircle({lat}, 179.9, {radius_m}, 64)")
            lats = [p[0] for p in ring]
            lons = [p[1] for p in ring]
            _, _, d = GEOD.inv([179.9] * len(ring), [lat] * len(ring), lons, lats)
            assert max(abs(x - radius_m) for x in d) < 1e-5 * radius_m


def test_offline_file_renders_with_the_network_blocked(cli, tmp_path):
    out = tmp_path / "offline.html"
    result = cli("map", "--offline", "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    n_incidents = len(data_path("incidents", "incidents.csv").read_text().splitlines()) - 1
    with open_offline(out) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        page.wait_for_timeout(500)
        assert _count_layers(page, "fp-incident") == n_incidents
        assert _count_layers(page, "fp-zone-land") > 0
        assert _canvas_alpha(page, 36.0, 138.0) > 0  # Honshu, drawn from the bundled land
        assert page.locator(".leaflet-tile").count() == 0
        page.screenshot(path=str(tmp_path / "offline.png"))
        assert log.aborted == []
        assert log.page_errors == []
        assert log.console_errors == []
