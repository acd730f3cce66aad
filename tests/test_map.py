import geopandas as gpd
import shapely

from geo import classify, incident_map, load_incidents, rejects
from geo.datasets import data_path

INJECTED = '<img src=x onerror="window.__pwned=1">'
TEMPLATE_INJECTION = "${window.__pwned2=1}`"
TEMPLATE_INJECTION = "${window.__pwned2=1}`"


def test_bundled_incidents_load_without_rejects():
    gdf = load_incidents(data_path("incidents", "incidents.csv"))
    assert len(rejects(gdf)) == 0
    assert len(gdf) == gdf.attrs["rows_read"] >= 5


def test_map_escapes_user_text(square_zones):
    pts = gpd.GeoDataFrame(
        {
            "title": [INJECTED],
            "description": ["<script>alert(1)</script>" + TEMPLATE_INJECTION],
            "source": ["javascript:alert(1)"],
            "kind": ["buoy"],
        },
        geometry=[shapely.Point(2.0, 5.0)],
        crs=4326,
    )
    html = incident_map(pts, square_zones).get_root().render()
    assert INJECTED not in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript:' not in html
    # User text reaches the page HTML-escaped and inside JSON strings (where < and &
    # are \u escapes), never inside a JavaScript template literal.
    assert "$(`" not in html
    popup_line = next(line for line in html.splitlines() if "fp-desc" in line)
    assert popup_line.strip().startswith('"')  # a JSON string argument of bindPopup
    assert TEMPLATE_INJECTION in popup_line
    assert "\\u0026lt;img src=x onerror=\\u0026quot;window.__pwned=1\\u0026quot;\\u0026gt;" in html


def test_map_contents(square_zones, points_frame):
    classified = classify(points_frame, square_zones)
    m = incident_map(classified, square_zones)
    html = m.get_root().render()
    assert html.count('"className": "fp-incident"') == len(points_frame)
    assert "fp-zone-eez" in html
    assert "fp-legend" in html
    # Everything drawn covers every incident, and the view is framed on them
    # (padded by 2 degrees).
    (s, w), (n, e) = m.get_bounds()
    assert (s, w) <= (5.0, 0.5)
    assert (n, e) >= (20.0, 20.0)
    assert "fitBounds(\n" in html or "fitBounds(" in html
    assert "[[3.0, -1.5], [22.0, 22.0]]" in html


def test_map_does_not_mutate_input(square_zones, points_frame):
    before = points_frame.copy()
    incident_map(points_frame, square_zones)
    from geopandas.testing import assert_geodataframe_equal

    assert_geodataframe_equal(points_frame, before)
