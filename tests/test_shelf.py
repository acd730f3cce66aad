"""Shelf claims beyond 200 nm in the bundled set, and China's Diaoyu baselines as a scenario."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geo
from geo.geodesy import GEOD
from geo.zones import build
from geo.zones.land import read_shelf_claims
from tests.support import ROOT

#: Japan Times, 2012-04-29: the CLCS recommendations include "about 170,000 sq. km in the
#: Shikoku basin" (see data/lines/README.md, Cabinet Order No. 302 of 2014).
SHIKOKU_BASIN_KM2 = 170_000


def _classify(zones, *xy):
    return geo.classify(gpd.GeoDataFrame(geometry=shapely.points(list(xy)), crs=4326), zones)


def test_shikoku_basin_pocket_is_high_seas_on_japans_shelf(bundled_zones):
    rows = _classify(bundled_zones, (136.0, 27.0), (135.0, 29.5), (139.0, 26.0))
    assert list(rows["zone_kind"]) == ["high_seas", "high_seas", "eez"]
    assert list(rows["shelf_claimants"]) == ["JPN", "JPN", "JPN"]


def test_shikoku_basin_claim_is_the_pocket_beyond_japans_200_nm(bundled_zones):
    shelf = bundled_zones[bundled_zones["kind"] == "continental_shelf"]
    assert list(shelf["zone_id"]) == ["jpn-shikoku-basin"]
    assert shelf["basis"].iloc[0] == "submitted to the CLCS"
    pocket = shelf.geometry.iloc[0]
    area_km2 = abs(GEOD.geometry_area_perimeter(pocket)[0]) / 1e6
    assert abs(area_km2 / SHIKOKU_BASIN_KM2 - 1) < 0.07, area_km2
    # Enclosed by Japan's EEZ alone: every zone its edge touches is Japan's EEZ.
    sea = bundled_zones[~bundled_zones["kind"].isin(["continental_shelf", "regime"])]
    touching = sea[sea.intersects(pocket.boundary.buffer(0.01))]
    assert set(touching["zone_id"]) == {"jpn-eez"}


def test_shelf_claims_table_is_checked(tmp_path):
    table = pd.read_csv(ROOT / "data" / "zones" / "shelf_claims.csv")
    assert (table["source"].str.len() > 20).all()
    assert (table["quote"].str.len() > 20).all()
    table.assign(how="polygon").to_csv(tmp_path / "claims.csv", index=False)
    with pytest.raises(geo.DataSourceError, match="unknown 'how'"):
        read_shelf_claims(tmp_path / "claims.csv")


@pytest.mark.slow
def test_chinas_diaoyu_baselines_apply_when_the_scenario_gives_the_islands_to_china():
    region = (122.5, 24.8, 125.5, 26.8)
    chinese = build(bounds=region, claims={"senkaku": "CHN"})
    japanese = build(bounds=region)
    inside = (123.6, 25.85)  # between Diaoyu Dao and Huangwei Yu, inside China's 2012 ring
    assert _classify(chinese, inside)["zone_id"].iloc[0] == "senkaku-internal-waters"
    assert "senkaku-internal-waters" not in set(japanese["zone_id"])
    assert _classify(japanese, inside)["zone_kind"].iloc[0] == "territorial_sea"
