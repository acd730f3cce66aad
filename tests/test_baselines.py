"""Straight baselines applied by the builder: internal waters, zones measured from them."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import geo
from geo.geodesy import GEOD
from geo.zones import build

#: Japan Coast Guard figures, as the project's issue #14 quotes them: territorial sea
#: including internal waters about 430,000 km2, contiguous zone about 320,000 km2,
#: territorial sea + EEZ (with the contiguous zone) about 4,470,000 km2.
JCG_KM2 = {"territorial_and_internal": 430_000, "contiguous": 320_000, "total": 4_470_000}


def _area_km2(zones: gpd.GeoDataFrame, kinds: tuple[str, ...], state: str = "JPN") -> float:
    mine = zones["claimants"].str.split("/").map(lambda c: state in c)
    part = zones[zones["kind"].isin(kinds) & mine]
    return sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in part.geometry) / 1e6


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [
        ("Seto Inland Sea, Hiuchi-nada", 133.30, 34.10),
        ("Seto Inland Sea, Osaka Bay", 135.25, 34.50),
        ("Tokyo Bay", 139.80, 35.45),
        ("Ise Bay", 136.75, 34.85),
        ("Wakasa Bay", 135.70, 35.70),
    ],
)
def test_enclosed_bays_are_japans_internal_waters(bundled_zones, name, lon, lat):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)
    row = geo.classify(pts, bundled_zones).iloc[0]
    assert (row.zone_kind, row.claimants) == ("internal_waters", "JPN"), name


def test_japans_areas_are_within_7_percent_of_the_coast_guard_figures(bundled_zones):
    got = {
        "territorial_and_internal": _area_km2(
            bundled_zones, ("internal_waters", "territorial_sea")
        ),
        "contiguous": _area_km2(bundled_zones, ("contiguous_zone",)),
        "total": _area_km2(
            bundled_zones, ("internal_waters", "territorial_sea", "contiguous_zone", "eez")
        ),
    }
    for key, want in JCG_KM2.items():
        assert abs(got[key] / want - 1) < 0.07, (key, round(got[key]), want)


@pytest.mark.slow
def test_normal_baselines_keep_the_coastline_model():
    region = (135.5, 33.8, 138.0, 35.5)  # Ise Bay and the Kii peninsula
    official = build(bounds=region)
    normal = build(bounds=region, baselines="normal")
    assert "internal_waters" in set(official["kind"])
    assert "internal_waters" not in set(normal["kind"])
    ise = gpd.GeoDataFrame(geometry=[shapely.Point(136.75, 34.85)], crs=4326)
    assert geo.classify(ise, official)["zone_kind"].iloc[0] == "internal_waters"
    assert geo.classify(ise, normal)["zone_kind"].iloc[0] == "territorial_sea"
    # Measured from the baseline, the territorial sea reaches further out to sea.
    assert _area_km2(official, ("internal_waters", "territorial_sea")) > _area_km2(
        normal, ("territorial_sea",)
    )


def test_unknown_baselines_option_is_refused():
    with pytest.raises(geo.DataSourceError, match="baselines must be"):
        build(bounds=(135.5, 33.8, 136.0, 34.0), baselines="straight")
