"""Continental-shelf and regime zones lie over the sea zones: shelf_claimants, regimes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geo


@pytest.fixture
def layered(square_zones):
    """AAA and BBB with their EEZ rings; BBB claims shelf out to x=4.5 over AAA's EEZ and
    beyond its own ring; a joint regime straddles the gap between the rings."""
    extra = gpd.GeoDataFrame(
        [
            {"zone_id": "bbb-shelf", "name": "BBB shelf claim", "kind": "continental_shelf",
             "claimants": "BBB", "sovereign": "BBB", "source": "test", "basis": "unilateral claim",
             "geometry": shapely.box(0.5, 3.5, 5.2, 6.5)},
            {"zone_id": "ab-jdz", "name": "A-B Joint Zone", "kind": "regime",
             "claimants": "AAA/BBB", "sovereign": "", "source": "test", "basis": "agreed",
             "geometry": shapely.box(3.5, 4.0, 5.5, 6.0)},
        ],
        crs=4326,
    )  # fmt: skip
    zones = gpd.GeoDataFrame(pd.concat([square_zones, extra], ignore_index=True), crs=4326)
    zones.attrs = dict(square_zones.attrs)
    return zones


def _classify(zones, *xy):
    pts = gpd.GeoDataFrame(geometry=shapely.points(list(xy)), crs=4326)
    return geo.classify(pts, zones)


def test_overlays_do_not_change_the_sea_zone(layered, square_zones):
    xy = [(0.5, 5.0), (4.5, 5.0), (2.0, 5.0), (5.0, 9.0)]
    with_overlays = _classify(layered, *xy)
    plain = _classify(square_zones, *xy)
    cols = ["zone_kind", "zone_id", "claimants", "distance_to_boundary_nm"]
    pd.testing.assert_frame_equal(with_overlays[cols], plain[cols])


def test_shelf_claimants_join_200nm_and_shelf_claims(layered):
    out = _classify(layered, (0.5, 5.0), (4.5, 5.0), (2.0, 5.0), (5.0, 9.0), (6.5, 3.5))
    assert out["zone_kind"].tolist() == ["eez", "high_seas", "land", "high_seas", "eez"]
    assert out["shelf_claimants"].tolist() == [
        "AAA/BBB",  # AAA's EEZ under BBB's shelf claim
        "BBB",  # high seas, on BBB's claimed shelf only
        "",  # land has no seabed
        "",  # high seas, nobody's shelf
        "BBB",  # BBB's own EEZ
    ]


def test_regimes_name_the_zone(layered):
    out = _classify(layered, (4.5, 5.0), (0.5, 5.0))
    assert out["regimes"].tolist() == ["A-B Joint Zone", ""]


def test_zones_at_lists_overlays_after_the_sea_zone(layered):
    hit = geo.zones_at(5.0, 4.5, zones=layered)
    assert hit["kind"].tolist() == ["continental_shelf", "regime"]
    hit = geo.zones_at(5.0, 0.5, zones=layered)
    assert hit["kind"].tolist() == ["eez", "continental_shelf"]


def test_bundled_set_has_seabed_claimants_without_overlays(bundled_zones):
    out = _classify(bundled_zones, (123.5, 25.8), (140.0, 20.0), (134.0, 35.0))
    assert out["shelf_claimants"].tolist() == ["CHN/JPN/TWN", "", ""]
    assert out["regimes"].tolist() == ["", "", ""]
