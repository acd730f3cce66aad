import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo import classify
from geo.geodesy import GEOD


def test_keeps_every_row_same_index(square_zones, points_frame):
    out = classify(points_frame, square_zones)
    assert out.index.tolist() == points_frame.index.tolist()
    assert out["zone_kind"].tolist() == ["land", "eez", "high_seas", "outside_coverage"]
    assert out["claimants"].tolist() == ["AAA", "AAA", "", ""]


def test_does_not_mutate_input(square_zones, points_frame):
    before = points_frame.copy()
    classify(points_frame, square_zones)
    assert_geodataframe_equal(points_frame, before)


def test_distance_to_coast_is_geodesic(square_zones, points_frame):
    out = classify(points_frame, square_zones)
    # (0.5, 5.0) is 0.5 degrees west of AAA's coast at x=1: measure it independently.
    _, _, d = GEOD.inv(0.5, 5.0, 1.0, 5.0)
    assert out.loc[11, "distance_to_coast_nm"] == pytest.approx(d / 1852.0, rel=1e-4)
    assert out.loc[11, "nearest_coast_state"] == "AAA"


def test_missing_geometry_row_is_kept(square_zones):
    pts = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[None, shapely.Point(2, 5)], crs=4326)
    out = classify(pts, square_zones)
    assert len(out) == 2
    assert pd.isna(out["zone_kind"].iloc[0])
    assert out["zone_kind"].iloc[1] == "land"


def test_distance_against_brute_force(bundled_zones):
    rng = np.random.default_rng(7)
    lon = rng.uniform(125, 145, 40)
    lat = rng.uniform(25, 45, 40)
    pts = gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs=4326)
    out = classify(pts, bundled_zones)
    land = bundled_zones[bundled_zones.kind == "land"]
    # The coast: the boundary of all the land together (land borders are not coast).
    coast = shapely.boundary(shapely.union_all(land.geometry.values))
    xy = shapely.get_coordinates(shapely.segmentize(coast, 0.005))
    near = xy[(xy[:, 0] > 115) & (xy[:, 0] < 155) & (xy[:, 1] > 15) & (xy[:, 1] < 55)]
    for i in range(len(pts)):
        _, _, d = GEOD.inv(
            np.full(len(near), lon[i]), np.full(len(near), lat[i]), near[:, 0], near[:, 1]
        )
        # brute force over vertices every ~0.5 km can only be longer, by a little
        assert out["distance_to_coast_nm"].iloc[i] * 1852 <= d.min() + 1.0
        assert out["distance_to_coast_nm"].iloc[i] * 1852 >= d.min() - 300.0


@pytest.mark.parametrize(
    ("lon", "lat", "claimants", "kind"),
    [
        (123.50, 25.80, "CHN/JPN/TWN", "territorial_sea"),  # next to Uotsuri-shima
        (131.90, 37.30, "JPN/KOR", "territorial_sea"),  # next to Liancourt Rocks
        (146.30, 43.90, "JPN/RUS", None),  # between Kunashiri and Shikotan
        (149.00, 45.30, "JPN/RUS", None),  # off Etorofu
        (112.40, 16.90, "CHN/TWN/VNM", None),  # off Woody Island, Paracels
        (117.80, 15.20, "CHN/PHL/TWN", None),  # Scarborough Shoal
        (164.50, 19.30, "MHL/USA", "eez"),  # 220 km west of Wake Island
        (121.80, 22.50, "CHN/TWN", None),  # off south-east Taiwan
    ],
)
def test_disputed_features(bundled_zones, lon, lat, claimants, kind):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)
    row = classify(pts, bundled_zones).iloc[0]
    assert row.claimants == claimants
    assert bool(row.disputed)
    if kind:
        assert row.zone_kind == kind


@pytest.mark.parametrize(
    ("lon", "lat", "kind"),
    [
        (-170.0, 30.0, "outside_coverage"),  # mid North Pacific
        (170.0, 30.0, "outside_coverage"),
        (160.0, 40.0, "high_seas"),  # inside the coverage, beyond 200 nm
        (139.7, 35.7, "land"),  # Tokyo
    ],
)
def test_coverage_and_high_seas(bundled_zones, lon, lat, kind):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)
    assert classify(pts, bundled_zones)["zone_kind"].iloc[0] == kind


def test_undisputed_zones(bundled_zones):
    pts = gpd.GeoDataFrame(
        geometry=shapely.points([(135.0, 38.5), (126.0, 34.0), (121.0, 31.5)]), crs=4326
    )
    out = classify(pts, bundled_zones)
    assert out["sovereign"].tolist() == ["JPN", "KOR", "CHN"]
    assert not out["disputed"].any()


def test_statement_check(square_zones):
    pts = gpd.GeoDataFrame(
        {
            "statement_eez": ["inside", "outside", "inside", "outside", "inside", ""],
            "uncertainty_km": [1.0, 1.0, 80.0, 1.0, 1.0, 1.0],
        },
        # AAA's sea ring is 0.5 degrees wide west of x=1 (lon 0..1 at lat 5).
        geometry=shapely.points([(0.5, 5.0), (0.5, 5.0), (0.5, 5.0), (5.0, 9.0), (20.0, 20.0),
                                 (0.5, 5.0)]),
        crs=4326,
    )  # fmt: skip
    out = classify(pts, square_zones, statement_state="AAA")
    assert out["statement_check"].tolist() == ["agree", "disagree", "borderline", "agree", "", ""]


def test_bundled_statements_never_disagree_beyond_uncertainty():
    from geo import load_incidents
    from geo.datasets import data_path

    out = classify(load_incidents(data_path("incidents", "incidents.csv")))
    judged = out[out["statement_eez"].isin(["inside", "outside"])]
    assert set(judged["statement_check"]) <= {"agree", "borderline", ""}
    assert (judged["statement_check"] == "agree").sum() >= 5


def test_boundary_distance_certainty_and_shares(square_zones):
    pts = gpd.GeoDataFrame(
        {"uncertainty_km": [1.0, 80.0, np.nan]},
        geometry=shapely.points([(0.5, 5.0), (0.5, 5.0), (5.0, 9.0)]),
        crs=4326,
    )
    out = classify(pts, square_zones)
    # (0.5, 5) sits in AAA's ring, half a degree from its outer edge (x=0) and the coast (x=1).
    _, _, d = GEOD.inv(0.5, 5.0, 0.0, 5.0)
    assert out["distance_to_boundary_nm"].iloc[0] == pytest.approx(d / 1852.0, rel=1e-3)
    assert out["certainty"].tolist()[:2] == ["certain", "borderline"]
    assert out["claimant_shares"].iloc[0] == ""
    shares = dict(s.rsplit(" ", 1) for s in out["claimant_shares"].iloc[1].split("; "))
    assert set(shares) >= {"AAA", "AAA land", "high seas or outside coverage"}
    assert sum(float(v) for v in shares.values()) == pytest.approx(1.0, abs=0.02)
    # On the high seas the distance is to the nearest zone: BBB's ring tops out at y=7.
    _, _, d2 = GEOD.inv(7.0, 9.0, 7.0, 7.0)
    assert out["distance_to_boundary_nm"].iloc[2] <= d2 / 1852.0 + 0.1
    assert out["certainty"].iloc[2] == "certain"


def test_chunked_classify_equals_whole(bundled_zones, monkeypatch):
    import geo.settings

    rng = np.random.default_rng(3)
    pts = gpd.GeoDataFrame(
        {"uncertainty_km": rng.uniform(0, 50, 300),
         "statement_eez": rng.choice(["inside", "outside", ""], 300)},
        geometry=shapely.points(rng.uniform(115, 160, 300), rng.uniform(18, 52, 300)),
        crs=4326,
        index=rng.permutation(300) + 1000,
    )  # fmt: skip
    whole = classify(pts, bundled_zones)
    assert set(whole["statement_check"]) >= {"agree", "disagree"}
    monkeypatch.setattr(geo.settings, "CLASSIFY_CHUNK_POINTS", 70)
    chunked = classify(pts, bundled_zones)
    assert_geodataframe_equal(chunked, whole)


def test_point_on_an_edge_without_uncertainty_is_borderline_without_shares(square_zones):
    # (3, 5) lies on the edge of AAA's land square; it carries no uncertainty.
    pts = gpd.GeoDataFrame({"uncertainty_km": [0.0]}, geometry=[shapely.Point(3, 5)], crs=4326)
    row = classify(pts, square_zones).iloc[0]
    assert row.distance_to_boundary_nm == 0.0
    assert row.certainty == "borderline"
    assert row.claimant_shares == ""


def _strip_zone(x0: float) -> gpd.GeoDataFrame:
    """A 2 x 2 degree EEZ centred on longitude x0 (split at 180 when it crosses it)."""
    from geo.antimeridian import split_antimeridian

    box = split_antimeridian(shapely.box(x0 - 1.0, -1.0, x0 + 1.0, 1.0))
    zones = gpd.GeoDataFrame(
        {"zone_id": ["z"], "name": ["Z"], "kind": ["eez"], "claimants": ["AAA"],
         "sovereign": ["AAA"], "source": ["test"]},
        geometry=[box], crs=4326,
    )  # fmt: skip
    zones.attrs["coverage"] = split_antimeridian(shapely.box(x0 - 5.0, -5.0, x0 + 5.0, 5.0))
    return zones


def test_shares_across_the_antimeridian_match_the_same_case_at_zero():
    # The same geometry, moved by 180 degrees of longitude, gives the same answers.
    answers = []
    for x0, px in ((0.0, 0.01), (180.0, -179.99), (180.0, 179.99)):
        pts = gpd.GeoDataFrame(
            {"uncertainty_km": [30.0]}, geometry=[shapely.Point(px, 0.95)], crs=4326
        )
        row = classify(pts, _strip_zone(x0)).iloc[0]
        answers.append((row.zone_kind, row.certainty, row.claimant_shares))
    assert answers[0][1] == "borderline"
    assert answers[0][2].startswith("AAA 0.")
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]
