"""Japan's five specified areas: a 3 nm territorial sea in the straits (geo.zones.straits)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.geodesy import GEOD
from geo.zones.straits import AREA_NAMES, read_constructions, specified_areas
from tests.support import ROOT

LINES = ROOT / "data" / "lines"

#: Mid-strait points 5-10 nm off the nearest coast (checked below), chosen for this test.
MID_STRAIT = [
    ("soya", 141.95, 45.62),
    ("tsugaru", 140.60, 41.50),
    ("tsushima-east", 129.55, 33.95),
    ("tsushima-west", 129.15, 34.50),
    ("osumi", 131.00, 31.05),
]


def _classify(zones, lon, lat):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)
    return geo.classify(pts, zones).iloc[0]


@pytest.mark.parametrize(("area", "lon", "lat"), MID_STRAIT, ids=[a for a, *_ in MID_STRAIT])
def test_mid_strait_is_contiguous_zone_not_territorial_sea(bundled_zones, area, lon, lat):
    row = _classify(bundled_zones, lon, lat)
    assert 5.0 <= row.distance_to_coast_nm <= 10.0
    assert (row.zone_kind, row.sovereign) == ("contiguous_zone", "JPN")
    assert f"{AREA_NAMES[area]} specified area" in row.regimes


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [("1.5 nm off Cape Tappi", 140.34, 41.29), ("2 nm off Cape Soya", 141.94, 45.56)],
)
def test_within_3_nm_the_strait_is_still_territorial_sea(bundled_zones, name, lon, lat):
    row = _classify(bundled_zones, lon, lat)
    assert row.distance_to_coast_nm < 3.0
    assert (row.zone_kind, row.sovereign) == ("territorial_sea", "JPN"), name


def test_outside_the_areas_the_territorial_sea_is_12_nm(bundled_zones):
    """Off Cape Shiriya's east coast, beyond the Tsugaru area, 8 nm out is territorial sea."""
    row = _classify(bundled_zones, 141.62, 41.30)
    assert 6.0 <= row.distance_to_coast_nm <= 10.0
    assert row.zone_kind == "territorial_sea"
    assert row.regimes == ""


@pytest.fixture(scope="module")
def areas(bundled_zones):
    mine = bundled_zones[
        (bundled_zones["sovereign"] == "JPN")
        & bundled_zones["kind"].isin(["land", "internal_waters"])
        & (bundled_zones["claimants"] == "JPN")
    ]
    return specified_areas(shapely.union_all(mine.geometry.values))


def test_five_valid_areas_each_with_a_corridor(areas):
    assert list(areas["area"]) == list(AREA_NAMES)
    assert areas.geometry.is_valid.all()
    for row in areas.itertuples():
        corridor_km2 = abs(GEOD.geometry_area_perimeter(row.beyond_3nm)[0]) / 1e6
        whole_km2 = abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6
        assert 200 < corridor_km2 < whole_km2, row.area


def _vertex_near(polygon: shapely.Geometry, lon: float, lat: float) -> float:
    ring = shapely.get_coordinates(polygon)
    _, _, d_m = GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), ring[:, 0], ring[:, 1])
    return float(d_m.min())


@pytest.mark.parametrize(
    ("area", "label", "bearing", "nm"),
    [
        ("soya", "13-ヤ", 358, 3),  # 第五号: ヤの点から三五八度三海里の点
        ("tsugaru", "12-ル", 326, 3),  # 第五号: ルの点から三二六度三海里の点
        ("tsugaru", "13-ホ", 149, 3),  # 第十一号
        ("tsushima-west", "10-ヰ", 322, 3),  # 第二号
        ("osumi", "9-ロ", 144, 3),  # 第九号
    ],
)
def test_offset_vertices_are_where_the_order_puts_them(areas, area, label, bearing, nm):
    """The ring has a vertex 3 nm from the Schedule 1 point at the printed bearing (geodesic)."""
    points = pd.read_csv(LINES / "jpn-straight-baselines.csv")
    row = points[points["point_label"].str.split().str[0] == label].iloc[0]
    lon, lat, _ = GEOD.fwd(row.lon, row.lat, bearing, nm * 1852.0)
    polygon = areas.set_index("area").geometry[area]
    assert _vertex_near(polygon, lon, lat) < 30.0


def test_rings_pass_through_their_schedule_1_points(areas):
    constructions = read_constructions()
    for area, rows in constructions.groupby("area"):
        polygon = areas.set_index("area").geometry[area]
        for pts in rows.loc[rows["construction"].str.startswith("pt("), "points"]:
            (lon, lat) = next(iter(pts.values()))
            assert _vertex_near(polygon, lon, lat) < 30.0, (area, pts)


def test_a_broken_construction_is_named(tmp_path):
    for name in ("jpn-straight-baselines.csv", "jpn-specified-area-points.csv"):
        (tmp_path / name).write_bytes((LINES / name).read_bytes())
    table = pd.read_csv(LINES / "jpn-specified-areas-constructions.csv")
    table = table[table["area"] == "soya"].copy()
    table.loc[table["seq"] == 3, "construction"] = "cross12(v(2), 105"
    table.to_csv(tmp_path / "jpn-specified-areas-constructions.csv", index=False)
    base = shapely.box(141.5, 45.0, 142.5, 45.5)
    with pytest.raises(geo.DataSourceError, match=r"'soya' vertex 3: cannot read"):
        specified_areas(base, folder=tmp_path)
    table.loc[table["seq"] == 3, "construction"] = "__import__('os')"
    table.to_csv(tmp_path / "jpn-specified-areas-constructions.csv", index=False)
    with pytest.raises(geo.DataSourceError, match="vertex 3"):
        specified_areas(base, folder=tmp_path)
