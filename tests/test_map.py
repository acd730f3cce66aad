"""Maps: what the map holds (incidents, zones, view), escaping, trajectories, offline files."""

import base64
import hashlib
import json
import math
import re
import shutil
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo import classify, incident_map, load_incidents, rejects
from geo.assets import ASSETS
from geo.datasets import data_path
from geo.errors import DataSourceError, InputError
from geo.geodesy import GEOD
from geo.maps import save_map
from geo.maps.elements import Bind, Snippet
from geo.maps.escape import TRUNCATED
from geo.maps.offline import inline_assets
from geo.maps.style import KIND_LABELS
from tests.support import incident_table, table_numbers, table_text

ROOT = Path(__file__).resolve().parent.parent
INJECTED = '<img src=x onerror="window.__pwned=1">'
TEMPLATE_INJECTION = "${window.__pwned2=1}`"
JINJA = "{{ 1234*1000 }} {% if true %}X{% endif %} {# c #}"


_table = incident_table
_numbers = table_numbers
_decode = table_text


def _text_fields(table: dict) -> dict[str, list]:
    """The popup fields held as text (not computed in the page, not numbers), by label."""
    return {
        f["label"]: _decode(f, table["n"])
        for f in table["fields"]
        if not {"computed", "number"} & set(f)
    }


def _zone_layers(m: folium.Map) -> dict[str, list[folium.GeoJson]]:
    """The map's zone layers: layer name -> the zone features it holds."""
    return {
        group.layer_name: [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
        for group in m._children.values()
        if isinstance(group, folium.FeatureGroup) and group.layer_name.startswith("Zones: ")
    }


def _feature(layer: folium.GeoJson) -> dict:
    (feature,) = layer.data["features"]
    return feature


def _tooltip(layer: folium.GeoJson) -> str:
    (bind,) = [c for c in layer._children.values() if isinstance(c, Bind)]
    return json.loads(bind.content_json)


def _view(m: folium.Map) -> np.ndarray:
    """The bounds the map opens on (with no view in the address): [[south, west], [north, east]]."""
    (tools,) = [
        c.text for c in m._children.values()
        if isinstance(c, Snippet) and c.text.startswith("Flashpoints.addTools(")
    ]  # fmt: skip
    options = json.loads(tools[tools.index("{") : tools.rindex("}") + 1])
    return np.asarray(options["bounds"], dtype=float)


def _legend(m: folium.Map) -> str:
    (text,) = [
        c.text for c in m._children.values() if isinstance(c, Snippet) and "fp-legend" in c.text
    ]
    return text


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
    html = incident_map(classify(pts, square_zones), square_zones).get_root().render()
    for raw in (INJECTED, "<script>alert(1)</script>", '</script>"', "<b>{{"):
        assert raw not in html
    assert "1234000" not in html
    assert "4321000" not in html
    assert "$(`" not in html  # no template literals
    table = _table(html)
    # The text comes back exactly as written once the JSON is parsed (by the browser).
    assert _decode(table["title"], table["n"]) == [INJECTED, JINJA]
    description = _decode(table["description"], table["n"])[0]
    assert description == "<script>alert(1)</script>" + TEMPLATE_INJECTION
    assert _decode(table["kind"], table["n"]) == ["buoy", "<b>{{ 4321*1000 }}</b>"]
    # Layer names travel as text too: flashpoints.js escapes them for Leaflet's layer
    # control, which sets its labels as HTML (tests/test_map_hostile.py opens it).
    assert table["layer_names"]["<b>{{ 4321*1000 }}</b>"] == "Incidents: <b>{{ 4321*1000 }}</b>"
    # The legend shows the kind escaped.
    assert "&lt;b&gt;&#123;&#123; 4321*1000 &#125;&#125;&lt;/b&gt;" in html


def test_map_contents(square_zones, points_frame):
    from geo.maps.legend import CERTAINTY_LABELS
    from geo.maps.style import CERTAINTY_COLORS

    classified = classify(points_frame, square_zones)
    m = incident_map(classified, square_zones)
    table = _table(m.get_root().render())
    # The incident table holds every incident, where it is, with classify's answers.
    lon, lat = classified.geometry.x.to_numpy(), classified.geometry.y.to_numpy()
    assert len(_numbers(table["lat"])) == len(_numbers(table["lon"])) == len(points_frame)
    np.testing.assert_allclose(_numbers(table["lat"]), lat, rtol=0, atol=1e-5)
    np.testing.assert_allclose(_numbers(table["lon"]), lon, rtol=0, atol=1e-5)
    assert _decode(table["zone_kind"], table["n"]) == classified["zone_kind"].tolist()
    assert set(classified["zone_kind"]) == {"land", "eez", "high_seas", "outside_coverage"}
    fields = _text_fields(table)
    assert fields["Claimants"] == classified["claimants"].fillna("").tolist()
    # The view frames every incident (too few for outliers), with at most 2 degrees around.
    (south, west), (north, east) = _view(m)
    margins = np.array([lat.min() - south, north - lat.max(), lon.min() - west, east - lon.max()])
    assert ((margins >= 0) & (margins <= 2.0)).all(), margins
    # One zone layer per kind, holding exactly that kind's zones (squares survive the
    # display simplification unchanged), and together spanning the zone set.
    layers = _zone_layers(m)
    assert set(layers) == {f"Zones: {KIND_LABELS[k]}" for k in square_zones["kind"]}
    for kind, zones in square_zones.groupby("kind"):
        held = layers[f"Zones: {KIND_LABELS[kind]}"]
        shapes = [shapely.geometry.shape(_feature(g)["geometry"]) for g in held]
        assert len(shapes) == len(zones)
        assert all(sum(s.equals(z) for s in shapes) == 1 for z in zones.geometry)
        assert all(g.options["class_name"] == f"fp-zone fp-zone-{kind}" for g in held)
    w, s, e, n = square_zones.total_bounds
    np.testing.assert_allclose(m.get_bounds(), [[s, w], [n, e]], rtol=0, atol=1e-5)
    # Markers are coloured by certainty (greys, not state colours), and the legend
    # explains every colour used, in the colour the table gives the markers.
    legend = _legend(m)
    for value in set(classified["certainty"].fillna("")):
        assert f'background:{CERTAINTY_COLORS[value]}"></span>{CERTAINTY_LABELS[value]}<' in legend
    assert table["colors"] == CERTAINTY_COLORS
    assert _decode(table["color_key"], table["n"]) == classified["certainty"].fillna("").tolist()


def test_map_does_not_mutate_input(square_zones, points_frame):
    classified = classify(points_frame, square_zones)
    before = classified.copy()
    incident_map(classified, square_zones)
    assert_geodataframe_equal(classified, before)


def test_overlapping_claims_are_marked_for_hatching(bundled_zones):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(123.5, 25.9)], crs=4326)
    pts = classify(pts, bundled_zones)
    assert pts["claimants"].iloc[0] == "CHN/JPN/TWN"
    m = incident_map(pts, bundled_zones, tiles=None)
    # Every sea zone with more than one claimant, and only those, is hatched
    # in its claimants' colours.
    sea = [g for name, held in _zone_layers(m).items() if name != "Zones: Land" for g in held]
    hatched = [
        (_tooltip(g), g.options["class_name"]) for g in sea if "fp-hatch" in g.options["class_name"]
    ]
    shared = bundled_zones[
        (bundled_zones["kind"] != "land") & bundled_zones["claimants"].str.contains("/")
    ]
    assert len(hatched) == len(shared) > 0
    senkaku = [c for t, c in hatched if t.endswith("claimants: CHN/JPN/TWN")]
    n_senkaku = int((shared["claimants"] == "CHN/JPN/TWN").sum())
    assert len(senkaku) == n_senkaku > 0
    assert all(c.endswith("fp-hatch fp-claims-CHN-JPN-TWN") for c in senkaku)
    assert "claimed by China and Japan and Taiwan" in _legend(m)


def test_trajectory_is_the_geodesic_and_crosses_the_antimeridian(square_zones):
    # Launched at 170E, lands at 170W: the arc must go east across 180, not west.
    pts = gpd.GeoDataFrame(
        {"kind": ["missile"], "origin_lat": [10.0], "origin_lon": [170.0]},
        geometry=[shapely.Point(-170.0, 20.0)],
        crs=4326,
    )
    pts = classify(pts, square_zones)
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
    pts = classify(pts, square_zones)
    assert _table(incident_map(pts, square_zones).get_root().render())["show_uncertainty"]
    monkeypatch.setattr("geo.settings.MAP_UNCERTAINTY_MAX", 1)
    table = _table(incident_map(pts, square_zones).get_root().render())
    assert not table["show_uncertainty"]
    assert _numbers(table["uncertainty_m"]).tolist() == [5000, 0]


def test_offline_file_has_every_asset_inline(square_zones, points_frame, tmp_path):
    m = incident_map(classify(points_frame, square_zones), square_zones, tiles=None)
    out = save_map(m, tmp_path / "m.html", offline=True)
    html = out.read_text()
    assert "<script src=" not in html
    assert 'rel="stylesheet"' not in html
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" not in html
    assert "data:image/png;base64," in html  # the layer-control icon
    assert "tile.openstreetmap.org" not in html


def test_offline_without_local_assets_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASHPOINTS_VENDOR_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("FLASHPOINTS_NODE_MODULES", str(tmp_path / "empty"))
    monkeypatch.setenv("FLASHPOINTS_CACHE_DIR", str(tmp_path / "cache"))
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    with pytest.raises(DataSourceError, match=r"npm ci.*flashpoints assets fetch"):
        inline_assets(page)


def test_cli_offline_map_error_is_one_line(cli, tmp_path):
    env = {"FLASHPOINTS_VENDOR_DIR": str(tmp_path / "none"),
           "FLASHPOINTS_NODE_MODULES": str(tmp_path / "none"),
           "FLASHPOINTS_CACHE_DIR": str(tmp_path / "cache")}  # fmt: skip
    out = tmp_path / "m.html"
    result = cli("map", "--offline", "-o", str(out), "--no-progress", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no local copy of https://cdn.jsdelivr.net/npm/leaflet@1.9.3/" in result.stderr
    assert not out.exists()  # nothing half-written


def test_cli_map_options(cli, tmp_path):
    out = tmp_path / "m.html"
    result = cli("map", "-o", str(out), "--basemap", "Esri.OceanBasemap", "--no-timeline",
                 "--range-rings-km", "1000", "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = _table(out.read_text())
    assert table["timeline"] is False
    assert any(r["label"].startswith("1,000 km from") for r in table["rings"])
    assert "server.arcgisonline.com" in out.read_text()
    bad = cli("map", "-o", str(out), "--basemap", "No.Such", "--no-progress")
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
    m = incident_map(classify(pts, bundled_zones), bundled_zones, tiles=None)
    shapes = _table(m.get_root().render())["shapes"]
    assert shapes["missile"] == "missile"
    assert shapes["buoy"] == "circle"
    assert shapes["vessel"] == "vessel"
    assert shapes["aircraft"] == "aircraft"
    assert shapes["balloon"] == "square"  # any other kind
    # Disputed land (e.g. the Senkaku islands), and only that, is outlined with a
    # thicker dashed line.
    land = _zone_layers(m)["Zones: Land"]
    assert len(land) == int((bundled_zones["kind"] == "land").sum())
    disputed = int(
        bundled_zones.loc[bundled_zones["kind"] == "land", "claimants"].str.contains("/").sum()
    )
    styles = [(_tooltip(g), g.style_function(_feature(g))) for g in land]
    dashed = [(t, s) for t, s in styles if s["dashArray"] == "6 4"]
    assert len(dashed) == disputed > 0
    assert all("/" in t.rsplit("claimants: ", 1)[1] for t, _ in dashed)
    plain = [s["weight"] for _, s in styles if s["dashArray"] is None]
    assert len(plain) + len(dashed) == len(land)
    assert all(s["weight"] > max(plain) for _, s in dashed)


def test_size_budget_warning(square_zones, points_frame, tmp_path, caplog):
    m = incident_map(classify(points_frame, square_zones), square_zones, tiles=None)
    with caplog.at_level("WARNING", logger="geo.maps.draw"):
        save_map(m, tmp_path / "small.html")
        assert not caplog.records
        save_map(m, tmp_path / "big.html", budget_mb=0.01)
    assert re.search(r"big\.html is \d+\.\d MB, over the 0\.01 MB budget", caplog.text)
    assert (tmp_path / "big.html").exists()  # written anyway: the budget warns


@pytest.mark.parametrize(
    ("radii", "shown"),
    [([math.nan], "nan"), ([math.inf], "inf"), ([100, -5], "-5"), ([0], "0"),
     (["abc"], "'abc'"), ([None], "None"), ([True], "True")],
)  # fmt: skip
def test_range_rings_must_be_finite_and_positive(square_zones, points_frame, radii, shown):
    classified = classify(points_frame, square_zones)
    with pytest.raises(InputError) as err:
        incident_map(classified, square_zones, range_rings_km=radii, tiles=None)
    assert str(err.value) == f"range_rings_km must be finite and positive, got {shown}"


def test_range_rings_beyond_half_the_earth_and_odd_types(square_zones, points_frame):
    classified = classify(points_frame, square_zones)
    with pytest.raises(InputError, match=r"at most 20,004 km .*got 50000$"):
        incident_map(classified, square_zones, range_rings_km=[50_000], tiles=None)
    with pytest.raises(InputError, match=r"a sequence of numbers, got '500'"):
        incident_map(classified, square_zones, range_rings_km="500", tiles=None)
    pts = gpd.GeoDataFrame(
        {"origin_lat": [5.0], "origin_lon": [4.5]}, geometry=[shapely.Point(5.0, 9.0)], crs=4326
    )
    m = incident_map(classify(pts, square_zones), square_zones, range_rings_km=250, tiles=None)
    assert [r["label"] for r in _table(m.get_root().render())["rings"]] == ["250 km from 5.0, 4.5"]


def test_long_text_is_cut_in_the_page_and_kept_in_the_data(square_zones, monkeypatch):
    monkeypatch.setattr("geo.settings.MAP_TEXT_MAX_CHARS", 40)
    long = {c: c + ":" + "<b>x</b>" * 200 for c in ("title", "description", "source", "kind",
            "position_text", "origin_text", "statement_eez", "name", "claimants")}  # fmt: skip
    cut = {c: t[:40] + TRUNCATED for c, t in long.items()}
    zones = square_zones.copy()
    aaa_eez = zones["zone_id"] == "aaa-eez"
    zones.loc[aaa_eez, ["name", "claimants"]] = [long["name"], long["claimants"]]
    pts = gpd.GeoDataFrame(
        {c: [long[c]] for c in ("title", "description", "source", "kind", "position_text",
                                "origin_text", "statement_eez")}
        | {"origin_lat": [5.0], "origin_lon": [4.5]},
        geometry=[shapely.Point(0.5, 5.0)],
        crs=4326,
    )  # fmt: skip
    classified = classify(pts, zones)
    before = classified.copy()
    m = incident_map(classified, zones, range_rings_km=[100], tiles=None)
    html = m.get_root().render()
    table = _table(html)
    for column in ("title", "description", "source", "kind"):
        assert _decode(table[column], table["n"]) == [cut[column]]
    fields = {label: values[0] for label, values in _text_fields(table).items()}
    assert fields["Reported as"] == cut["position_text"]
    assert fields["Launched from"] == cut["origin_text"]
    assert fields["Zone"] == cut["name"]
    assert fields["Claimants"] == cut["claimants"]
    assert len(fields["Statement"]) == 40 + len(TRUNCATED)
    assert table["layer_names"] == {cut["kind"]: "Incidents: " + cut["kind"]}
    assert table["rings"][0]["label"] == "100 km from " + cut["origin_text"]
    # The legend's kind and the zone's tooltip are cut (then escaped) the same way.
    assert "kind:&lt;b&gt;x&lt;/b&gt;&lt;b&gt;x&lt;/b&gt;&lt;b&gt;x&lt;/b&gt;&lt;b&gt;x&lt;" in html
    tips = [_tooltip(g) for held in _zone_layers(m).values() for g in held]
    assert sum(t.startswith("name:&lt;b&gt;x") and t.count("truncated") == 2 for t in tips) == 1
    assert "<b>x</b>" * 10 not in html
    # ... and the data keeps every character.
    assert_geodataframe_equal(classified, before)
    assert classified["description"].iloc[0] == long["description"]


def _sri(path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def test_pinned_integrity_hashes_match_the_npm_copies():
    node_modules = ROOT / "node_modules"
    for asset in ASSETS.values():
        package = json.loads((node_modules / asset.package / "package.json").read_text())
        assert package["version"] == asset.version
        assert set(asset.integrity) == set(asset.files())
        for name in asset.files():
            assert asset.integrity[name] == _sri(node_modules / asset.package / name), name


def test_online_page_loads_every_asset_with_its_integrity(square_zones, points_frame):
    from geo.maps.draw import _MAP_ASSETS

    m = incident_map(classify(points_frame, square_zones), square_zones, tiles=None)
    html = m.get_root().render()
    scripts = re.findall(r"<script src=[^>]*>", html)
    styles = re.findall(r"<link rel=\"stylesheet\"[^>]*>", html)
    expected_scripts, expected_styles = [], []
    for asset in (ASSETS[name] for name in _MAP_ASSETS):
        for name in asset.js + asset.css:
            checked = f'integrity="{asset.integrity[name]}" crossorigin="anonymous"'
            if name in asset.js:
                expected_scripts.append(f'<script src="{asset.cdn_prefix}{name}" {checked}>')
            else:
                link = f'<link rel="stylesheet" href="{asset.cdn_prefix}{name}" {checked}/>'
                expected_styles.append(link)
    assert scripts == expected_scripts
    assert styles == expected_styles


def test_offline_refuses_a_local_copy_that_does_not_match_its_hash(
    square_zones, points_frame, tmp_path, monkeypatch
):
    copy = tmp_path / "node_modules"
    shutil.copytree(ROOT / "node_modules" / "leaflet", copy / "leaflet")
    shutil.copytree(ROOT / "node_modules" / "leaflet.markercluster", copy / "leaflet.markercluster")
    monkeypatch.setenv("FLASHPOINTS_VENDOR_DIR", str(tmp_path / "no-vendor"))
    monkeypatch.setenv("FLASHPOINTS_NODE_MODULES", str(copy))
    monkeypatch.setenv("FLASHPOINTS_CACHE_DIR", str(tmp_path / "cache"))
    m = incident_map(classify(points_frame, square_zones), square_zones, tiles=None)
    assert "leaflet.js" in save_map(m, tmp_path / "ok.html", offline=True).read_text()
    with (copy / "leaflet" / "dist" / "leaflet.js").open("a") as f:
        f.write("\nwindow.__tampered = 1;\n")
    out = tmp_path / "tampered.html"
    with pytest.raises(DataSourceError, match=r"leaflet\.js is not the file pinned for .*npm ci"):
        save_map(m, out, offline=True)
    assert not out.exists()


def test_first_view_leaves_out_a_distant_outlier_and_crosses_the_antimeridian():
    from geo.maps.draw import _bulk_bounds

    rng = np.random.default_rng(5)
    lon = np.concatenate([179.0 + rng.uniform(-2, 2, 30), [-150.0]])  # one far to the east
    lat = np.concatenate([rng.uniform(40, 44, 30), [10.0]])
    lon = (lon + 180.0) % 360.0 - 180.0  # as stored: some near -180
    west, south, east, north = _bulk_bounds(lon, lat)
    # One box across 180 (in either longitude range), about 4 degrees wide.
    assert 3.0 < east - west < 4.1
    assert 176.5 < west % 360.0 < 177.5
    # The outlier at 10 N is left out.
    assert south > 39.5
    assert north < 44.5
