"""The South China Sea: the Spratlys and their claimants, the 2016 award, China's dashed line."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.classify import OUTPUT_COLUMNS
from geo.dashed_line import claim_lines, dashed_line_area, within_dashed_line
from geo.datasets import data_path
from geo.errors import DataSourceError
from geo.geodesy import GEOD
from geo.zones.land import read_spratly_features

from .support import one_line_error, run_cli

#: Feature positions as data/zones/spratly-features.csv and features.csv give them.
SECOND_THOMAS = (115.86417, 9.73250)
MISCHIEF = (115.53333, 9.91667)
SABINA = (116.46667, 9.75000)
SCARBOROUGH = (117.76667, 15.18333)
ITU_ABA = (114.36583, 10.37694)

#: A box round the Spratlys and Scarborough Shoal, for the scenario builds.
SCS_BOX = (110.0, 6.0, 121.0, 17.0)


def _at(lon_lat, *, bearing_deg=0.0, nm=0.0):
    lon, lat, _ = GEOD.fwd(lon_lat[0], lon_lat[1], bearing_deg, nm * 1852.0)
    return shapely.Point(lon, lat)


def _classify(points, zones=None):
    frame = gpd.GeoDataFrame({"where": list(points)}, geometry=list(points.values()), crs=4326)
    return geo.classify(frame, zones).set_index("where")


@pytest.fixture(scope="module")
def award():
    return geo.build_zones(scenario="award2016", bounds=SCS_BOX)


def test_the_coverage_reaches_the_equator_and_95_east():
    cov = geo.load_zones().attrs["coverage"]
    assert cov.bounds == (95.0, 0.0, 165.0, 55.0)
    out = _classify(
        {"Natuna Sea": shapely.Point(109.0, 4.0), "Andaman Sea": shapely.Point(96.0, 8.0)}
    )
    assert out.loc["Natuna Sea", "claimants"] == "IDN"
    assert out.loc["Andaman Sea", "zone_kind"] != "outside_coverage"


def test_every_spratly_feature_is_a_dispute_group_with_its_claimants():
    feats = read_spratly_features()
    zones = geo.load_zones()
    for f in feats.itertuples():
        mine = zones[zones["zone_id"].str.startswith(f.group + "-")]
        assert len(mine), f.feature_id
        codes = set(f.claimed_by.split("/")) | ({f.administered_by} - {""})
        assert set(mine["claimants"]) == {"/".join(sorted(codes))}, f.feature_id
        assert set(mine["sovereign"]) == {f.administered_by}, f.feature_id


def test_claimants_view_the_shoals_generate_waters_held_by_their_occupier():
    out = _classify({"Second Thomas": shapely.Point(*SECOND_THOMAS),
                     "Mischief": shapely.Point(*MISCHIEF),
                     "Sabina": shapely.Point(*SABINA),
                     "Scarborough": shapely.Point(*SCARBOROUGH),
                     "Scarborough +30 nm E": _at(SCARBOROUGH, bearing_deg=90.0, nm=30.0),
                     "Itu Aba": shapely.Point(*ITU_ABA)})  # fmt: skip
    # Low-tide elevations have no land row: the point is in their territorial sea.
    expected = {
        "Second Thomas": ("territorial_sea", "CHN/PHL/TWN/VNM", "PHL"),
        "Mischief": ("territorial_sea", "CHN/PHL/TWN/VNM", "CHN"),
        "Sabina": ("territorial_sea", "CHN/PHL/TWN/VNM", ""),  # occupied by no one
        "Scarborough": ("territorial_sea", "CHN/PHL/TWN", "CHN"),
        "Scarborough +30 nm E": ("eez", "CHN/PHL/TWN", "CHN"),
        "Itu Aba": ("land", "CHN/PHL/TWN/VNM", "TWN"),
    }
    for where, (kind, claimants, holder) in expected.items():
        row = out.loc[where]
        assert (row.zone_kind, row.claimants, row.sovereign) == (kind, claimants, holder), where


def test_award_low_tide_elevations_are_in_the_philippines_eez(award):
    out = _classify({"Second Thomas": shapely.Point(*SECOND_THOMAS),
                     "Mischief": shapely.Point(*MISCHIEF),
                     "Sabina": shapely.Point(*SABINA)}, award)  # fmt: skip
    for where, row in out.iterrows():
        assert (row.zone_kind, row.claimants, row.sovereign) == ("eez", "PHL", "PHL"), where


def test_award_rocks_keep_12_nm_and_the_contiguous_zone_but_no_eez(award):
    out = _classify({"Scarborough": shapely.Point(*SCARBOROUGH),
                     "Scarborough +20 nm E": _at(SCARBOROUGH, bearing_deg=90.0, nm=20.0),
                     "Scarborough +30 nm E": _at(SCARBOROUGH, bearing_deg=90.0, nm=30.0),
                     "Itu Aba +6 nm S": _at(ITU_ABA, bearing_deg=180.0, nm=6.0)},
                    award)  # fmt: skip
    assert tuple(out.loc["Scarborough", ["zone_kind", "claimants"]]) == (
        "territorial_sea",
        "CHN/PHL/TWN",
    )
    assert out.loc["Scarborough +20 nm E", "zone_kind"] == "contiguous_zone"
    assert tuple(out.loc["Scarborough +30 nm E", ["zone_kind", "claimants"]]) == ("eez", "PHL")
    assert out.loc["Itu Aba +6 nm S", "claimants"] == "CHN/PHL/TWN/VNM"
    # No Spratly feature and no rock has an EEZ; low-tide elevations have no zone at all.
    eez = award.loc[award["kind"] == "eez", "zone_id"]
    assert not eez.str.startswith(("spratly-", "scarborough-")).any()
    for group in ("spratly-second-thomas-shoal", "spratly-mischief-reef", "spratly-sabina-shoal"):
        assert not award["zone_id"].str.startswith(group + "-").any()


def test_award_leaves_the_paracels_as_claimed(award):
    ids = set(award["zone_id"])
    assert {"paracels-land", "paracels-territorial-sea", "paracels-eez"} <= ids


def test_unknown_scenario_is_refused_with_the_known_ones():
    with pytest.raises(DataSourceError, match="award2016"):
        geo.build_zones(scenario="award2017", bounds=SCS_BOX)


def test_cli_refuses_an_unknown_scenario_in_one_line():
    line = one_line_error(run_cli("zones", "build", "--scenario", "nope", "-o", "x.geojson"))
    assert "award2016" in line


def test_the_dashed_line_is_nine_dashes_and_never_a_zone():
    lines = claim_lines()
    assert len(lines) == 9
    assert set(lines["kind"]) == {"claim_line"}
    assert set(lines["states"]) == {"CHN"}
    assert "Natural Earth" in lines["source"].iloc[0]
    lengths_nm = [GEOD.geometry_length(g) / 1852.0 for g in lines.geometry]
    assert all(60 < n < 80 for n in lengths_nm)  # dashes, not a line
    assert "claim_line" not in set(geo.load_zones()["kind"])
    assert set(geo.boundary_lines()["kind"]) >= {"claim_line"}


def test_within_dashed_line_follows_the_area_it_encloses():
    pts = {
        "Second Thomas": shapely.Point(*SECOND_THOMAS),
        "Scarborough": shapely.Point(*SCARBOROUGH),
        "Paracels (Woody Island)": shapely.Point(112.33, 16.83),
        "Pratas": shapely.Point(116.72, 20.70),
        "James Shoal side, inside dash 4": shapely.Point(112.2, 4.2),
        "Senkaku": shapely.Point(123.47, 25.74),
        "Gulf of Tonkin": shapely.Point(107.5, 20.0),
        "Natuna, south of the joins": shapely.Point(108.5, 3.5),
        "Manila Bay": shapely.Point(120.75, 14.5),
        "Penghu": shapely.Point(119.6, 23.57),
    }
    got = dict(
        zip(pts, within_dashed_line(np.array(list(pts.values()), dtype=object)), strict=True)
    )
    inside = {"Second Thomas", "Scarborough", "Paracels (Woody Island)", "Pratas",
              "James Shoal side, inside dash 4"}  # fmt: skip
    assert {k for k, v in got.items() if v} == inside
    assert dashed_line_area().is_valid
    # Every dash lies on the area's edge.
    edge = dashed_line_area().exterior
    for dash in claim_lines().geometry:
        assert dash.distance(edge) < 1e-9


def test_classify_flags_the_dashed_line_and_changes_nothing_else():
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(*SECOND_THOMAS), None], crs=4326)
    out = geo.classify(frame)
    assert out["within_dashed_line"].tolist() == [True, False]
    assert "within_dashed_line" in OUTPUT_COLUMNS
    assert out.loc[0, "zone_kind"] == "territorial_sea"


def test_the_bundled_scs_incidents_load_whole_and_read_their_feature():
    path = data_path("incidents", "south-china-sea.csv")
    raw = pd.read_csv(path)
    incidents = geo.load_incidents(path)
    assert len(incidents) == len(raw)
    assert geo.rejects(incidents).empty
    out = geo.classify(incidents)
    assert out["within_dashed_line"].all()
    groups = {"Second Thomas Shoal": "spratly-second-thomas-shoal",
              "Sabina Shoal": "spratly-sabina-shoal",
              "Scarborough Shoal": "scarborough"}  # fmt: skip
    for row in out.itertuples():
        assert row.zone_id.startswith(groups[row.feature] + "-"), (
            row.position_published,
            row.zone_id,
        )


def test_the_bundled_scs_incidents_under_the_award(award):
    incidents = geo.load_incidents(data_path("incidents", "south-china-sea.csv"))
    out = geo.classify(incidents, award)
    by_feature = out.groupby("feature")["zone_kind"].agg(set)
    # At Second Thomas and Sabina: the Philippines' EEZ under the award.
    assert by_feature["Second Thomas Shoal"] == {"eez"}
    assert set(out.loc[out["feature"] == "Sabina Shoal", "claimants"]) == {"PHL"}
    # Scarborough keeps its 12 nm and contiguous zone.
    assert by_feature["Scarborough Shoal"] <= {"territorial_sea", "contiguous_zone"}
