import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import classify
from geo.errors import DataSourceError
from geo.geodesy import GEOD, destination
from geo.zones import build, load_zones
from geo.zones.load import coverage_path

BOUNDS = (125.0, 25.0, 140.0, 36.0)


@pytest.fixture(scope="module")
def land():
    return gpd.GeoDataFrame(
        {"state": ["AAA", "BBB"]},
        geometry=[shapely.box(128.0, 29.0, 129.0, 31.0), shapely.box(132.0, 29.5, 133.5, 31.5)],
        crs=4326,
    )


@pytest.fixture(scope="module")
def features():
    # A small disputed island held by AAA, claimed by BBB, 1 km in radius, not in the land.
    return pd.DataFrame(
        {
            "feature_id": ["isle"],
            "name": ["Test Isle"],
            "group": ["isle"],
            "group_name": ["Test Isle"],
            "lat": [33.0],
            "lon": [131.0],
            "radius_km": [1.0],
            "administered_by": ["AAA"],
            "claimed_by": ["AAA/BBB"],
        }
    )


@pytest.fixture(scope="module")
def zones(land, features):
    return build(land=land, features=features, bounds=BOUNDS)


def _coast_distance_m(lon, lat, geom):
    xy = shapely.get_coordinates(shapely.segmentize(geom.boundary, 0.002))
    _, _, d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return d.min()


def test_schema_and_coverage(zones):
    assert {"zone_id", "name", "kind", "claimants", "sovereign", "source"} <= set(zones.columns)
    assert zones["zone_id"].is_unique
    assert zones.attrs["coverage"].equals(shapely.box(*BOUNDS))
    assert set(zones["kind"]) == {"land", "territorial_sea", "contiguous_zone", "eez"}


def test_median_line_is_equidistant(zones, land):
    a = zones[(zones.sovereign == "AAA") & (zones.kind == "eez") & (zones.claimants == "AAA")]
    b = zones[(zones.sovereign == "BBB") & (zones.kind == "eez")]
    shared = shapely.intersection(a.geometry.iloc[0].boundary, b.geometry.iloc[0].boundary)
    xy = shapely.get_coordinates(shapely.segmentize(shared, 0.05))
    assert len(xy) > 5
    for x, y in xy[:: max(1, len(xy) // 20)]:
        da = _coast_distance_m(x, y, land.geometry.iloc[0])
        db = _coast_distance_m(x, y, land.geometry.iloc[1])
        assert abs(da - db) / 1852 < 1.0, (x, y, da, db)


@pytest.mark.parametrize(
    ("offset_nm", "kind"),
    [
        (11.5, "territorial_sea"),
        (12.5, "contiguous_zone"),
        (23.5, "contiguous_zone"),
        (24.5, "eez"),
        (199.0, "eez"),
        (201.0, "high_seas"),
    ],
)
def test_band_limits(zones, offset_nm, kind):
    # Due south of AAA's south coast (29N), where nothing else is near.
    lon, lat = destination(128.5, 29.0, 180.0, offset_nm * 1852.0)
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)
    assert classify(pts, zones)["zone_kind"].iloc[0] == kind


def test_disputed_island_waters(zones):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(131.0, 33.1)], crs=4326)
    row = classify(pts, zones).iloc[0]
    assert (row.zone_kind, row.claimants, row.sovereign) == ("territorial_sea", "AAA/BBB", "AAA")


def test_scenario_gives_island_to_rival(land, features):
    what_if = build(land=land, features=features, bounds=BOUNDS, claims={"isle": "BBB"})
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(131.0, 33.1)], crs=4326)
    row = classify(pts, what_if).iloc[0]
    assert (row.claimants, row.sovereign) == ("AAA/BBB", "BBB")


def test_scenario_rejects_non_claimant(land, features):
    with pytest.raises(DataSourceError, match="not by 'CCC'"):
        build(land=land, features=features, bounds=BOUNDS, claims={"isle": "CCC"})


@pytest.mark.slow
def test_bundled_zone_set_is_reproducible(tmp_path, cli):
    """`flashpoints zones build` reproduces data/zones/east-asia.geojson."""
    out = tmp_path / "east-asia.geojson"
    result = cli("zones", "build", "--no-progress", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert coverage_path(out).exists()
    rebuilt = load_zones(out).set_index("zone_id").sort_index()
    bundled = load_zones().set_index("zone_id").sort_index()
    assert rebuilt.index.tolist() == bundled.index.tolist()
    assert (
        (rebuilt[["kind", "claimants", "sovereign"]] == bundled[["kind", "claimants", "sovereign"]])
        .all()
        .all()
    )
    # Geometry: the symmetric difference is below 0.01 % of each zone's area
    # (coordinates are written with 6 decimals).
    sym = shapely.symmetric_difference(
        rebuilt.geometry.values, bundled.geometry.loc[rebuilt.index].values
    )
    ratio = shapely.area(sym) / shapely.area(bundled.geometry.loc[rebuilt.index].values)
    assert float(np.max(ratio)) < 1e-4


def test_rock_scenario_keeps_12_and_24_nm_but_no_eez(land, features):
    rock = features.assign(feature_id=["isle"])
    as_rock = build(land=land, features=rock, bounds=BOUNDS, rocks=["isle"])
    as_island = build(land=land, features=rock, bounds=BOUNDS)
    # Due north of the isle, far from the other coasts.
    pts = gpd.GeoDataFrame(
        geometry=[shapely.Point(*destination(131.0, 33.0, 0.0, d * 1852.0)) for d in (10, 20, 60)],
        crs=4326,
    )
    rock = classify(pts, as_rock)
    island = classify(pts, as_island)
    assert island["zone_kind"].tolist() == ["territorial_sea", "contiguous_zone", "eez"]
    assert island["claimants"].tolist() == ["AAA/BBB"] * 3
    assert rock["zone_kind"].tolist()[:2] == ["territorial_sea", "contiguous_zone"]
    assert rock["claimants"].tolist()[:2] == ["AAA/BBB"] * 2
    # 60 nm out, the water is what the other coasts make of it, as if the rock were not there.
    without = build(land=land, features=features.iloc[0:0], bounds=BOUNDS)
    expected = classify(pts.iloc[[2]], without).iloc[0]
    assert (rock["zone_kind"].iloc[2], rock["claimants"].iloc[2]) == (
        expected.zone_kind,
        expected.claimants,
    )
    assert rock["claimants"].iloc[2] != "AAA/BBB"


def test_unknown_rock_is_a_clear_error(land, features):
    with pytest.raises(DataSourceError, match="unknown features"):
        build(land=land, features=features, bounds=BOUNDS, rocks=["nowhere"])


@pytest.mark.slow
def test_regional_build_with_natural_earth():
    """A small region builds (features outside it are left out; near-duplicate samples merged)."""
    import geo

    east_china_sea = (119.0, 22.0, 131.0, 31.0)
    zones = build(claims={"senkaku": "CHN"}, bounds=east_china_sea)
    assert shapely.equals(zones.attrs["coverage"], shapely.box(*east_china_sea))
    # Uotsuri-shima's territorial sea is China's in this scenario, and disputed.
    hit = geo.zones_at(25.80, 123.50, zones=zones).iloc[0]
    assert hit["kind"] == "territorial_sea"
    assert hit["sovereign"] == "CHN"
    assert set(hit["claimants"].split("/")) == {"CHN", "JPN", "TWN"}
