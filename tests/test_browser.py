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
from tests.browser_support import open_page
from tests.conftest import run_cli

pytestmark = pytest.mark.browser

INJECTED = '<img src=x onerror="window.__pwned=1">${window.__pwned2=1}`'
BUOY = (26.07, 122.73)

FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("map")
    extra = folder / "injected.csv"
    title = INJECTED.replace('"', '""')
    extra.write_text(f'lat,lon,kind,title\n{BUOY[0]},{BUOY[1]},buoy,"{title}"\n')
    out = folder / "northeast-asia.html"
    incidents = str(data_path("incidents", "incidents.csv"))
    result = run_cli("map", incidents, str(extra), "-o", str(out))
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
        page.wait_for_function(f"{FIND_MAP} !== undefined", timeout=15_000)
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
        assert log.page_errors == []
        assert log.console_errors == []
        assert log.aborted == []
        assert any("leaflet.js" in u for u in log.local)


def test_layer_control_hides_zones(map_file):
    with open_page(map_file) as (page, log):
        page.wait_for_function(f"{FIND_MAP} !== undefined", timeout=15_000)
        page.wait_for_timeout(300)
        before = _count_layers(page, "fp-zone-eez")
        assert before > 0
        page.locator(".leaflet-control-layers").hover()
        page.get_by_text("Zones: EEZs (24-200 nm)").click()
        page.wait_for_timeout(200)
        assert _count_layers(page, "fp-zone-eez") == 0
        assert log.page_errors == []
