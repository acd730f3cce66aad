"""Maps as HTML: what reaches the page, escaping, trajectories, offline files."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo import classify, incident_map, load_incidents, rejects
from geo.datasets import data_path
from geo.errors import DataSourceError
from geo.geodesy import GEOD
from geo.maps import save_map
from geo.maps.offline import inline_assets
from tests.conftest import run_cli

INJECTED = '<img src=x onerror="window.__pwned=1">'
TEMPLATE_INJECTION = "${window.__pwned2=1}`"
JINJA = "{{ 1234*1000 }} {% if true %}X{% endif %} {# c #}"


def _table(html: str) -> dict:
    """The incident table the page hands to Flashpoints.addIncidents."""
    m = re.search(
        r"Flashpoints\.addIncidents\([^,]+,\s*[^,]+,\s*(\{.*?\})\);\s*$", html, re.S | re.M
    )
    assert m, "no incident table in the page"
    return json.loads(m.group(1))


def _decode(col: dict) -> list:
    return [col["l"][i] if i >= 0 else None for i in col["c"]] if "c" in col else col["v"]


def test_bundled_incidents_load_without_rejects():
    gdf = load_incidents(data_path("incidents", "incidents.csv"))
    assert len(rejects(gdf)) == 0
    assert len(gdf) == gdf.attrs["rows_read"] >= 5


def test_user_text_reaches_the_page_as_data_only(square_zones):
    pts = gpd.GeoDataFrame(
        {
            "title": [INJECTED, JINJA],
            "description": ["<script>alert(1)</script>" + TEMPLATE_INJECTION, "</script>"],
            "source": ["javascript:alert(1)", "https://example.org/a?b=1&c=2"],
            "kind": ["buoy", "<b>{{ 4321*1000 }}</b>"],
        },
        geometry=[shapely.Point(2.0, 5.0), shapely.Point(0.5, 5.0)],
        crs=4326,
    )
    html = incident_map(pts, square_zones).get_root().render()
    for raw in (INJECTED, "<script>alert(1)</script>", '</script>"', "<b>{{"):
        assert raw not in html
    assert "1234000" not in html
    assert "4321000" not in html
    assert "$(`" not in html  # no template literals
    table = _table(html)
    # The text comes back exactly as written once the JSON is parsed (by the browser).
    assert _decode(table["title"]) == [INJECTED, JINJA]
    assert _decode(table["description"])[0] == "<script>alert(1)</script>" + TEMPLATE_INJECTION
    assert _decode(table["kind"]) == ["buoy", "<b>{{ 4321*1000 }}</b>"]
    # The legend shows the kind escaped.
    assert "&lt;b&gt;&#123;&#123; 4321*1000 &#125;&#125;&lt;/b&gt;" in html


def test_map_contents(square_zones, points_frame):
    classified = classify(points_frame, square_zones)
    m = incident_map(classified, square_zones)
    html = m.get_root().render()
    table = _table(html)
    assert len(table["lat"]) == len(points_frame)
    assert table["lat"] == [5.0, 5.0, 9.0, 20.0]
    fields = {f["label"]: _decode(f) for f in table["fields"]}
    assert fields["Zone kind"] == ["land", "eez", "high seas", "outside coverage"]
    assert fields["Claimants"][:2] == ["AAA", "AAA"]
    assert "fp-zone-eez" in html
    assert "fp-legend" in html
    # The view is framed on the incidents, padded by 2 degrees.
    assert "[[3.0, -1.5], [22.0, 22.0]]" in html


def test_map_does_not_mutate_input(square_zones, points_frame):
    before = points_frame.copy()
    incident_map(points_frame, square_zones)
    assert_geodataframe_equal(points_frame, before)


def test_overlapping_claims_are_marked_for_hatching(bundled_zones):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(123.5, 25.9)], crs=4326)
    html = incident_map(pts, bundled_zones, tiles=None).get_root().render()
    assert "fp-hatch fp-claims-CHN-JPN-TWN" in html
    assert "claimed by China and Japan and Taiwan" in html


def test_trajectory_is_the_geodesic_and_crosses_the_antimeridian(square_zones):
    # Launched at 170E, lands at 170W: the arc must go east across 180, not west.
    pts = gpd.GeoDataFrame(
        {"kind": ["missile"], "origin_lat": [10.0], "origin_lon": [170.0]},
        geometry=[shapely.Point(-170.0, 20.0)],
        crs=4326,
    )
    table = _table(incident_map(pts, square_zones, range_rings_km=[500]).get_root().render())
    path = np.array(table["trajectories"][0]["path"])
    lat, lon = path[:, 0], path[:, 1]
    assert np.all(np.abs(np.diff(lon)) < 5)  # continuous, no jump at 180
    # ... and ends at the marker (-170), so starts at 170 - 360.
    assert lon[-1] == -170.0
    assert lon[0] == -190.0
    assert np.all(np.diff(lon) > 0)
    _, _, total = GEOD.inv(170.0, 10.0, -170.0, 20.0)
    _, _, a = GEOD.inv(np.full(len(lon), 170.0), np.full(len(lon), 10.0), lon, lat)
    _, _, b = GEOD.inv(lon, lat, np.full(len(lon), -170.0), np.full(len(lon), 20.0))
    assert np.abs(a + b - total).max() < 2.0  # every vertex on the geodesic (metres)
    ring = np.array(table["rings"][0]["path"])
    _, _, r = GEOD.inv(np.full(len(ring), 170.0), np.full(len(ring), 10.0), ring[:, 1], ring[:, 0])
    assert np.abs(r - 500_000).max() < 200  # within the 3-decimal rounding
    assert table["rings"][0]["label"] == "500 km from 10.0, 170.0"


def test_uncertainty_circles_shown_for_small_sets_only(square_zones, monkeypatch):
    pts = gpd.GeoDataFrame(
        {"uncertainty_km": [5.0, 0.0]}, geometry=shapely.points([(2, 5), (3, 5)]), crs=4326
    )
    assert _table(incident_map(pts, square_zones).get_root().render())["show_uncertainty"]
    monkeypatch.setattr("geo.settings.MAP_UNCERTAINTY_MAX", 1)
    table = _table(incident_map(pts, square_zones).get_root().render())
    assert not table["show_uncertainty"]
    assert table["uncertainty_m"] == [5000, 0]


def test_offline_file_has_every_asset_inline(square_zones, points_frame, tmp_path):
    out = save_map(incident_map(points_frame, square_zones, tiles=None), tmp_path / "m.html",
                   offline=True)  # fmt: skip
    html = out.read_text()
    assert "<script src=" not in html
    assert 'rel="stylesheet"' not in html
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" not in html
    assert "data:image/png;base64," in html  # the layer-control icon
    assert "tile.openstreetmap.org" not in html


def test_offline_without_local_assets_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASHPOINTS_NODE_MODULES", str(tmp_path / "empty"))
    monkeypatch.setenv("FLASHPOINTS_CACHE_DIR", str(tmp_path / "cache"))
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    with pytest.raises(DataSourceError, match=r"npm ci.*flashpoints assets fetch"):
        inline_assets(page)


def test_cli_offline_map_error_is_one_line(tmp_path):
    import os
    import subprocess

    from tests.conftest import FLASHPOINTS

    env = dict(os.environ, FLASHPOINTS_NODE_MODULES=str(tmp_path / "none"),
               FLASHPOINTS_CACHE_DIR=str(tmp_path / "cache"), PYTHONWARNINGS="ignore")  # fmt: skip
    out = tmp_path / "m.html"
    result = subprocess.run([FLASHPOINTS, "map", "--offline", "-o", str(out), "--no-progress"],
                            capture_output=True, text=True, env=env, timeout=600)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no local copy of https://cdn.jsdelivr.net/npm/leaflet@1.9.3/" in result.stderr
    assert not out.exists()  # nothing half-written


def test_cli_map_options(tmp_path):
    out = tmp_path / "m.html"
    result = run_cli("map", "-o", str(out), "--basemap", "Esri.OceanBasemap", "--no-timeline",
                     "--range-rings-km", "1000", "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = _table(out.read_text())
    assert table["timeline"] is False
    assert any(r["label"].startswith("1,000 km from") for r in table["rings"])
    assert "server.arcgisonline.com" in out.read_text()
    bad = run_cli("map", "-o", str(out), "--basemap", "No.Such", "--no-progress")
    assert bad.returncode == 2
    assert "unknown basemap 'No.Such'" in bad.stderr


def test_page_snippets_refuse_template_markers():
    from geo.maps.elements import Snippet

    for text in ("a {{ b }}", "{% if x %}", "{# c #}"):
        with pytest.raises(ValueError, match="template marker"):
            Snippet(text)
    Snippet("function () { return {a: {b: 1}}; }")  # plain braces are fine


def test_shapes_per_kind_and_disputed_land_outlined(bundled_zones):
    pts = gpd.GeoDataFrame(
        {"kind": ["missile", "buoy", "vessel", "aircraft", "balloon"]},
        geometry=shapely.points([(135, 40), (124, 26), (130, 35), (128, 30), (140, 30)]),
        crs=4326,
    )
    html = incident_map(pts, bundled_zones, tiles=None).get_root().render()
    shapes = _table(html)["shapes"]
    assert shapes["missile"] == "missile"
    assert shapes["buoy"] == "circle"
    assert shapes["vessel"] == "vessel"
    assert shapes["aircraft"] == "aircraft"
    assert shapes["balloon"] == "square"  # any other kind
    # Disputed land (e.g. the Senkaku islands) is outlined with a thick dashed line.
    land = re.findall(r'"className": "fp-zone fp-zone-land".*?"dashArray": ([^,}]+)', html, re.S)
    assert land
    assert '"6 4"' in [d.strip() for d in land]


def test_size_budget_warning(square_zones, points_frame, tmp_path, caplog):
    m = incident_map(points_frame, square_zones, tiles=None)
    with caplog.at_level("WARNING", logger="geo.maps.draw"):
        save_map(m, tmp_path / "small.html")
        assert not caplog.records
        save_map(m, tmp_path / "big.html", budget_mb=0.01)
    assert re.search(r"big\.html is \d+\.\d MB, over the 0\.01 MB budget", caplog.text)
    assert (tmp_path / "big.html").exists()  # written anyway: the budget warns
