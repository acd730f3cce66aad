import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import classify, near, summary, summary_chart, within_eez, zones_at
from geo.errors import InputError
from geo.geodesy import GEOD
from geo.zones import build

#: A small region for scenario builds (fast).
BOUNDS = (125.0, 25.0, 140.0, 36.0)


@pytest.fixture(scope="module")
def scenario_inputs():
    land = gpd.GeoDataFrame(
        {"state": ["AAA", "BBB"]},
        geometry=[shapely.box(128.0, 29.0, 129.0, 31.0), shapely.box(132.0, 29.5, 133.5, 31.5)],
        crs=4326,
    )
    features = pd.DataFrame({
        "feature_id": ["isle"], "name": ["Test Isle"], "group": ["isle"],
        "group_name": ["Test Isle"], "lat": [33.0], "lon": [131.0], "radius_km": [1.0],
        "administered_by": ["AAA"], "claimed_by": ["AAA/BBB"],
    })  # fmt: skip
    return land, features


def test_within_eez_as_claimed_and_under_scenario(scenario_inputs):
    land, features = scenario_inputs
    zones = build(land=land, features=features, bounds=BOUNDS)
    pts = gpd.GeoDataFrame(
        {"name": ["isle waters", "AAA waters", "far"]},
        geometry=shapely.points([(131.0, 33.2), (127.5, 30.0), (126.0, 35.9)]),
        crs=4326,
    )
    classified = classify(pts, zones)
    assert within_eez(classified, "AAA")["name"].tolist() == ["isle waters", "AAA waters"]
    assert within_eez(classified, "BBB")["name"].tolist() == ["isle waters"]  # as BBB claims
    assert within_eez(classified, "AAA", by="sovereign")["name"].tolist() == [
        "isle waters",
        "AAA waters",
    ]
    # The scenario is built by the caller; the query only reads the classification.
    what_if = build(land=land, features=features, bounds=BOUNDS, claims={"isle": "BBB"})
    held = within_eez(classify(pts, what_if), "AAA", by="sovereign")
    assert held["name"].tolist() == ["AAA waters"]
    assert within_eez(classify(pts, what_if), "BBB", by="sovereign")["name"].tolist() == [
        "isle waters"
    ]


def test_queries_refuse_raw_incidents(points_frame):
    with pytest.raises(InputError, match=r"run geo\.classify"):
        within_eez(points_frame, "AAA")
    with pytest.raises(InputError, match="classified incidents"):
        summary(points_frame)


def test_near_a_line_is_geodesic():
    line = shapely.LineString([(130.0, 30.0), (130.0, 32.0)])
    pts = gpd.GeoDataFrame(geometry=shapely.points([(130.5, 31.0), (135.0, 31.0)]), crs=4326)
    out = near(pts, line, distance_nm=60)
    _, _, d = GEOD.inv(130.5, 31.0, 130.0, 31.0)
    assert len(out) == 1
    # the nearest point of a meridian segment is on the same parallel, to within metres
    assert out["distance_nm"].iloc[0] == pytest.approx(d / 1852.0, abs=0.01)


def test_near_landmark_is_geodesic():
    pts = gpd.GeoDataFrame(geometry=shapely.points([(139.0, 42.15), (130.0, 30.0)]), crs=4326)
    out = near(pts, "Okushiri Island", distance_nm=100)
    _, _, d = GEOD.inv(139.46722, 42.14917, 139.0, 42.15)
    assert len(out) == 1
    assert out["distance_nm"].iloc[0] == pytest.approx(d / 1852.0, rel=1e-9)


def test_near_zone_is_zero_inside(bundled_zones):
    pts = gpd.GeoDataFrame(geometry=shapely.points([(123.5, 25.8), (140.0, 20.0)]), crs=4326)
    out = near(pts, "senkaku-territorial-sea", distance_nm=5, zones=bundled_zones)
    assert out["distance_nm"].tolist() == [0.0]


def test_summary_and_chart(points_frame, square_zones):
    classified = classify(
        points_frame.assign(date=pd.Timestamp("2024-01-01", tz="UTC")), square_zones
    )
    table = summary(classified, by=("year", "zone_kind"))
    assert table["incidents"].sum() == len(points_frame)
    assert set(table["year"]) == {2024}
    import matplotlib

    matplotlib.use("Agg")
    ax = summary_chart(table)
    assert len(ax.patches) >= 1


def test_zones_at_lists_layers():
    hit = zones_at(35.0, 134.0)  # inland Honshu
    assert hit["kind"].tolist() == ["land"]
    assert zones_at(30.0, -40.0).empty  # mid-Atlantic: outside the coverage
