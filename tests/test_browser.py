"""The generated map in a real headless Chromium (see tests/browser_support.py)."""

import geopandas as gpd
import pytest
import shapely

from geo import classify
from tests.browser_support import open_page
from tests.conftest import run_cli

pytestmark = pytest.mark.browser

INJECTED = '<img src=x onerror="window.__pwned=1">${window.__pwned2=1}`'


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("map")
    extra = folder / "injected.csv"
    extra.write_text(
        f'lat,lon,kind,title\n26.07,122.73,buoy,"{INJECTED.replace(chr(34), chr(34) * 2)}"\n'
    )
    from geo.datasets import data_path

    out = folder / "northeast-asia.html"
    result = run_cli(
        "map", str(data_path("incidents", "incidents.csv")), str(extra), "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    return out


def test_zones_markers_and_popup(map_file, tmp_path):
    with open_page(map_file) as (page, log):
        page.wait_for_selector("path.fp-incident", state="attached", timeout=15_000)
        n_markers = page.locator("path.fp-incident").count()
        n_zones = page.locator("path.fp-zone").count()
        assert n_zones > 20
        assert n_markers >= 6
        assert page.locator("#fp-legend").is_visible()
        # Click the injected buoy: its popup names the zone and shows the title as text.
        marker = page.locator("path.fp-incident").last
        marker.click(force=True)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5_000)
        text = popup.inner_text()
        expected = classify(gpd.GeoDataFrame(geometry=[shapely.Point(122.73, 26.07)], crs=4326))
        assert f"Zone\t{expected['zone_name'].iloc[0]}" in text
        assert INJECTED in text  # shown literally, as text
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__pwned2") is None
        page.screenshot(path=str(tmp_path / "map.png"))
        assert log.page_errors == []
        assert log.console_errors == []
        assert any("leaflet.js" in u for u in log.local)
