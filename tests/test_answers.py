"""Answers an analyst can cite: certainty about claimants apart from zone kinds, strict
state and feature arguments, positions from two distances, landmark names in any
spelling, a gazetteer users can extend, normalised kinds, and outputs rounded to
their precision."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.datasets import data_path
from geo.errors import InputError
from geo.gazetteer import gazetteer, landmark_key
from geo.geodesy import GEOD, circle_intersections
from geo.incidents import normal_kinds
from geo.io import text_ready
from tests.support import one_line_error

# --- certainty: claimants, and zone kinds apart ---------------------------------------


@pytest.fixture
def banded_zones() -> gpd.GeoDataFrame:
    """AAA's land (1..3, 4..6), its territorial sea to 0.2 degree, its EEZ to 1 degree;
    BBB's EEZ right of x = 4 (touching AAA's)."""
    land = shapely.box(1.0, 4.0, 3.0, 6.0)
    ts = shapely.difference(land.buffer(0.2, join_style="mitre"), land)
    eez = shapely.difference(
        land.buffer(1.0, join_style="mitre"), land.buffer(0.2, join_style="mitre")
    )
    bbb = shapely.box(4.0, 3.0, 6.0, 7.0)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["aaa-land", "aaa-ts", "aaa-eez", "bbb-eez"],
         "name": ["AAA land", "AAA TS", "AAA EEZ", "BBB EEZ"],
         "kind": ["land", "territorial_sea", "eez", "eez"],
         "claimants": ["AAA", "AAA", "AAA", "BBB"], "sovereign": ["AAA", "AAA", "AAA", "BBB"],
         "source": ["test"] * 4},
        geometry=[land, ts, eez, bbb], crs=4326,
    )  # fmt: skip
    zones.attrs["coverage"] = shapely.box(-2.0, 0.0, 10.0, 10.0)
    return zones


def test_a_disc_in_one_states_waters_is_certain_even_across_zone_kinds(banded_zones):
    pts = gpd.GeoDataFrame(
        {"uncertainty_km": [25.0, 25.0, 25.0, 5.0]},
        # 0.3 deg off AAA's coast (TS edge 11 km away, land 33 km); 0.1 deg from the
        # EEZ's outer edge (high seas beyond); 0.1 deg from BBB's EEZ; deep in the EEZ
        geometry=shapely.points([(0.7, 5.0), (0.1, 5.0), (3.9, 5.0), (0.5, 5.0)]),
        crs=4326,
    )
    out = geo.classify(pts, banded_zones)
    assert out["zone_kind"].tolist() == ["eez", "eez", "eez", "eez"]
    # Reaches AAA's territorial sea only: the claimants are certain, the kind is not.
    assert out["certainty"].iloc[0] == "certain"
    assert bool(out["reaches_other_kind"].iloc[0])
    assert out["claimant_shares"].iloc[0] == "AAA 1.00"
    # Reaches the high seas, or BBB's waters: borderline.
    assert out["certainty"].iloc[1] == "borderline"
    assert "high seas or outside coverage" in out["claimant_shares"].iloc[1]
    assert out["certainty"].iloc[2] == "borderline"
    assert out["claimant_shares"].iloc[2].split("; ")[1].startswith("BBB 0.")
    assert not bool(out["reaches_other_kind"].iloc[2])  # an EEZ either side
    # A disc that reaches no edge: certain on both counts, no shares.
    assert out.iloc[3][["certainty", "reaches_other_kind", "claimant_shares"]].tolist() == [
        "certain", False, ""]  # fmt: skip


def test_bundled_statements_borderline_only_where_claimants_change():
    out = geo.classify(geo.load_incidents(data_path("incidents", "incidents.csv")))
    border = out[out["certainty"] == "borderline"]
    assert len(border)
    for shares, claimants in zip(border["claimant_shares"], border["claimants"], strict=True):
        labels = {s.rsplit(" ", 1)[0].removesuffix(" land") for s in shares.split("; ") if s}
        assert labels - {claimants}, (shares, claimants)  # some other claimant set
    certain_with_shares = out[(out["certainty"] == "certain") & (out["claimant_shares"] != "")]
    for shares, claimants in zip(
        certain_with_shares["claimant_shares"], certain_with_shares["claimants"], strict=True
    ):
        labels = {s.rsplit(" ", 1)[0].removesuffix(" land") for s in shares.split("; ")}
        assert labels == {claimants}


# --- the bundled data, corrected and completed ---


@pytest.mark.parametrize(
    ("incident_id", "landmark", "said"),
    [
        ("2017-05-29-missile", "Sado Island; Oki Islands", "inside"),
        ("2017-11-29-missile", "Aomori Prefecture", "inside"),
        ("2019-10-02-missile", "Dogo (Oki Islands)", "inside"),
        ("2022-03-24-missile", "Cape Tappi", "inside"),
        ("2022-10-04-missile", "Kamaishi", "outside"),
        ("2023-03-16-missile", "Oshima-Oshima", "outside"),
        ("2024-01-29-buoy", "Senkaku Islands (group reference point)", "inside"),
        ("2024-06-buoy", "Shikoku Basin", "outside"),
    ],
)
def test_added_and_corrected_rows_load_from_their_published_words(incident_id, landmark, said):
    table = pd.read_csv(data_path("incidents", "incidents.csv"), keep_default_na=False)
    row = table[table["id"] == incident_id].iloc[0]
    assert row["source"].startswith("http")
    assert (
        row["position"] in row["source_quote"]
        or row["position"].split("の")[-1] in row["source_quote"]
    )
    assert row["statement_eez"] == said
    assert geo.locate(row["position"]).landmark == landmark


def test_bundled_rows_all_load():
    incidents = geo.load_incidents(data_path("incidents", "incidents.csv"))
    assert len(geo.rejects(incidents)) == 0
    assert len(incidents) == len(pd.read_csv(data_path("incidents", "incidents.csv")))


def test_woody_island_is_held_since_1956():
    features = pd.read_csv(data_path("zones", "features.csv"))
    quote = features.loc[features["feature_id"] == "paracels_woody", "claim_quote"].iloc[0]
    assert "since 1956" in quote


# --- strict, forgiving queries -------------------------------------------------------


@pytest.fixture(scope="module")
def classified():
    return geo.classify(geo.load_incidents(data_path("incidents", "incidents.csv")))


def test_within_eez_takes_codes_in_any_case_and_english_names(classified):
    jpn = geo.within_eez(classified, "JPN")
    assert len(jpn) > 0
    for name in ("jpn", "Japan", " japanese "):
        assert geo.within_eez(classified, name).index.tolist() == jpn.index.tolist()
    with pytest.raises(InputError, match=r"unknown state 'XXX'.*known codes: .*JPN"):
        geo.within_eez(classified, "XXX")


def test_within_eez_kinds_narrow_the_waters(classified):
    eez_only = geo.within_eez(classified, "JPN", kinds=["eez"])
    assert set(eez_only["zone_kind"]) == {"eez"}
    assert len(eez_only) < len(geo.within_eez(classified, "JPN"))
    with pytest.raises(InputError, match="kinds must be among"):
        geo.within_eez(classified, "JPN", kinds=["high_seas"])


@pytest.mark.parametrize("name", ["Senkaku Islands", "尖閣諸島", "Diaoyu Dao", "SENKAKU"])
def test_near_knows_a_dispute_group_by_any_name(classified, name):
    expected = geo.near(classified, "senkaku", distance_nm=200)
    got = geo.near(classified, name, distance_nm=200)
    assert len(expected) > 0
    assert got.index.tolist() == expected.index.tolist()
    np.testing.assert_allclose(got["distance_nm"], expected["distance_nm"])


def test_near_an_unknown_name_is_an_input_error(classified):
    with pytest.raises(InputError, match="unknown landmark 'Atlantis'"):
        geo.near(classified, "Atlantis", distance_nm=10)


def test_chart_by_claimants_uses_the_map_colours_and_whole_numbers(classified):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import to_hex

    from geo.maps.style import OTHER_COLOR, STATE_COLORS

    table = geo.summary(classified, by=("year", "claimants"))
    ax = geo.summary_chart(table)
    faces = {to_hex(p.get_facecolor()) for p in ax.patches if p.get_height() > 0}
    assert {STATE_COLORS["JPN"].lower(), STATE_COLORS["RUS"].lower()} <= faces
    assert to_hex(OTHER_COLOR) in faces  # waters several states claim
    assert all(float(t).is_integer() for t in ax.get_yticks())


# --- positions --------------------------------------------------------------------


def test_circle_intersections_are_at_both_distances():
    a, b = (138.3975, 38.0675, 500_000.0), (133.16667, 36.15, 300_000.0)
    points = circle_intersections(a, b)
    assert len(points) == 2
    for lon, lat in points:
        assert GEOD.inv(a[0], a[1], lon, lat)[2] == pytest.approx(a[2], abs=0.05)
        assert GEOD.inv(b[0], b[1], lon, lat)[2] == pytest.approx(b[2], abs=0.05)
    assert circle_intersections(a, (b[0], b[1], 10_000.0)) == []  # too far apart to meet
    # Across the antimeridian.
    across = circle_intersections((179.5, 0.0, 100_000.0), (-179.5, 0.0, 100_000.0))
    assert sorted(round(lat, 3) for _, lat in across) == pytest.approx([-0.751, 0.751], abs=0.01)
    assert all(abs(abs(lon) - 180.0) < 1e-6 for lon, _ in across)


def test_two_distances_resolve_to_the_crossing_at_sea():
    loc = geo.locate("about 500 km from Sado and 300 km from the Oki islands")
    assert loc.method == "two ranges"
    assert loc.landmark == "Sado Island; Oki Islands"
    gaz = gazetteer()
    sado, oki = gaz.lookup("Sado Island"), gaz.lookup("Oki Islands")
    assert GEOD.inv(sado["lon"], sado["lat"], loc.lon, loc.lat)[2] == pytest.approx(500e3, abs=1)
    assert GEOD.inv(oki["lon"], oki["lat"], loc.lon, loc.lat)[2] == pytest.approx(300e3, abs=1)
    assert loc.lat > 38.0  # the Sea of Japan, not the crossing over Honshu
    # Hedged distances (10 %) plus both landmarks' radii, no better than at right angles.
    floor = math.hypot(50.0 + sado["radius_km"], 30.0 + oki["radius_km"])
    assert floor <= loc.uncertainty_km < 4 * floor
    incident = geo.classify(gpd.GeoDataFrame(
        geometry=[shapely.Point(loc.lon, loc.lat)], crs=4326))  # fmt: skip
    # "inside the EEZ", as the statement said: waters Japan claims (Korea too, there:
    # the EEZ both draw around Takeshima/Dokdo)
    assert "JPN" in incident["claimants"].iloc[0].split("/")


def test_two_distances_that_cannot_meet_are_refused():
    with pytest.raises(ValueError, match="no point is 100 km from Sado Island and 100 km"):
        geo.locate("100 km from Sado and 100 km from the Oki islands")


@pytest.mark.parametrize(
    ("text", "landmark"),
    [
        ("350 km NNW of Dogo", "Dogo (Oki Islands)"),
        ("350 km NNW of Dōgo", "Dogo (Oki Islands)"),
        ("北海道渡島大島の西約200キロ", "Oshima-Oshima"),
        ("about 200 km west of Sado Island", "Sado Island"),
    ],
)
def test_landmark_names_in_any_spelling(text, landmark):
    loc = geo.locate(text)
    assert loc.landmark == landmark
    assert not math.isnan(loc.distance_km)


def test_a_landmark_name_alone_is_the_landmark_with_its_radius():
    sado = gazetteer().lookup("Sado Island")
    for text in ("Sado Island", "in the Sado Island area", "佐渡島海域"):
        loc = geo.locate(text)
        assert (loc.method, loc.landmark) == ("landmark", "Sado Island")
        assert (loc.lat, loc.lon, loc.uncertainty_km) == (
            sado["lat"],
            sado["lon"],
            sado["radius_km"],
        )
    with pytest.raises(ValueError, match="cannot read"):
        geo.locate("尖閣諸島付近")  # "near": how near is not said


def test_the_shikoku_basin_buoy_covers_the_whole_region(classified):
    row = classified[classified["incident_id"] == "2024-06-buoy"].iloc[0]
    assert row["date_precision"] == "month"
    assert row["zone_kind"] == "high_seas"
    assert row["shelf_claimants"] == "JPN"
    region = geo.load_zones().query("zone_id == 'jpn-shikoku-basin'").geometry.iloc[0]
    disc = shapely.Point(row["lon"], row["lat"])
    xy = shapely.get_coordinates(region)
    far = GEOD.inv(np.full(len(xy), disc.x), np.full(len(xy), disc.y), xy[:, 0], xy[:, 1])[2]
    assert far.max() / 1000 <= row["uncertainty_km"] + 0.1  # the disc holds the region


def test_an_ambiguous_short_name_asks_which():
    with pytest.raises(ValueError, match=r"ends several names; say which: .*Oshima-Oshima"):
        geo.locate("大島の西約200km")


def test_keys_drop_accents_but_keep_kana():
    assert landmark_key("Dōgojima") == landmark_key("Dogojima") == "dogojima"
    assert landmark_key("ドーゴ") == "ドーゴ"  # the long-vowel mark and dakuten stay


def test_island_radius_follows_its_area():
    gaz = gazetteer()
    for name, area_km2 in (("Okushiri Island", 142.97), ("Amami Oshima", 712.35),
                           ("Sado Island", 854.76)):  # fmt: skip
        assert gaz.lookup(name)["radius_km"] == pytest.approx(
            math.sqrt(area_km2 / math.pi), abs=0.01
        )


def test_free_text_takes_the_most_precise_landmark_it_names():
    gaz = gazetteer()
    assert gaz.find_in("in or around Sunan near Pyongyang")["name"].startswith("Sunan")
    assert gaz.find_in("平壌近郊 (near Pyongyang)")["name"] == "Pyongyang"


def test_bundled_missiles_with_a_known_launch_site_get_a_trajectory(classified):
    missiles = classified[classified["kind"] == "missile"]
    known = missiles["origin_lat"].notna()
    assert known.sum() == 10  # every named launch site; not 'the western coast' or a province
    from geo.maps.incidents import incident_table

    table = incident_table(missiles)
    assert len(table["trajectories"]) == known.sum()


def test_a_buoys_removal_date_reaches_its_popup(classified):
    from geo.maps.incidents import incident_table
    from tests.support import table_text

    table = incident_table(classified)
    (removed,) = [f for f in table["fields"] if f["label"] == "Removed"]
    values = dict(zip(classified["incident_id"], table_text(removed, table["n"]), strict=True))
    assert values["2023-07-11-buoy"] == "2025-02-11"
    assert values["2024-12-25-buoy"] == "2025-05-28"


# --- the gazetteer, extended ------------------------------------------------------


def test_gazetteer_extends_with_a_users_landmarks(tmp_path):
    extra = tmp_path / "marks.csv"
    extra.write_text("name,alt_names,lat,lon,radius_km\nBuoy Alpha,ブイA,30.5,131.25,2\n",
                     encoding="utf-8")  # fmt: skip
    gaz = gazetteer(extra)
    assert len(gaz) == len(gazetteer()) + 1
    assert gaz.lookup("ブイA")["name"] == "Buoy Alpha"
    loc = geo.locate("100 km north of Buoy Alpha", gazetteer=gaz)
    assert GEOD.inv(131.25, 30.5, loc.lon, loc.lat)[2] == pytest.approx(100e3, abs=1)
    assert loc.lat > 30.5


def test_a_bad_landmark_row_is_named(tmp_path):
    extra = tmp_path / "marks.csv"
    extra.write_text("name,lat,lon\nGood,30,130\nBad,95,130\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        gazetteer(extra)
    assert info.value.row == 2
    assert "'Bad' has lat" in str(info.value)


def test_cli_gazetteer_and_columns(cli, tmp_path):
    marks = tmp_path / "marks.csv"
    marks.write_text("name,lat,lon\nBuoy Alpha,30.5,131.25\n", encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text("Datum,Art,Ort\n2024-05-01,Ship,50 km east of Buoy Alpha\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli("classify", str(src), "--gazetteer", str(marks),
                 "--columns", "date=Datum,kind=Art,position=Ort", "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = pd.read_csv(out).iloc[0]
    assert row["kind"] == "vessel"  # "Ship", normalised
    assert GEOD.inv(131.25, 30.5, row["lon"], row["lat"])[2] == pytest.approx(50e3, abs=2)
    bad = cli("classify", str(src), "--columns", "lat", "-o", str(tmp_path / "x.csv"))
    assert "expected ROLE=COLUMN pairs" in one_line_error(bad)


def test_cli_rejects_file_lists_every_rejected_row(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon,title\n95,130,a\n30,130,b\n30,999,c\n", encoding="utf-8")
    report = tmp_path / "rejects.csv"
    result = cli("classify", str(src), "--rejects", str(report), "-o", str(tmp_path / "o.csv"))
    assert result.returncode == 2
    assert "2 rows rejected in all, listed in" in one_line_error(result)
    table = pd.read_csv(report)
    assert table["row"].tolist() == [1, 3]
    assert table["file"].tolist() == [str(src)] * 2
    ok = cli("classify", str(src), "--skip-invalid", "--rejects", str(report),
             "-o", str(tmp_path / "o.csv"))  # fmt: skip
    assert ok.returncode == 0
    assert len(pd.read_csv(tmp_path / "o.csv")) + len(pd.read_csv(report)) == 3


# --- kinds and outputs ---------------------------------------------------------------


def test_kinds_are_normalised_to_the_documented_set(caplog):
    with caplog.at_level("INFO", logger="geo.incidents"):
        out = normal_kinds(pd.Series(["Missile", "ships", "Coast Guard vessel", "UAV", "raft"]))
    assert out.tolist() == ["missile", "vessel", "vessel", "aircraft", "raft"]
    assert "'raft' is not one of missile, buoy, vessel, aircraft, other" in caplog.text
    assert "'Missile' read as 'missile'" in caplog.text


def test_text_outputs_round_to_their_precision_and_keep_dates_as_dates():
    frame = pd.DataFrame({
        "lat": [41.511111111111], "lon": [139.358333333333],
        "distance_to_coast_nm": [12.34567], "uncertainty_km": [46.8452887],
        "date": pd.to_datetime(["2011-07-31"], utc=True), "date_precision": ["day"],
        "title": ["x"],
    })  # fmt: skip
    row = text_ready(frame).iloc[0]
    assert (row["lat"], row["lon"]) == (41.51111, 139.35833)
    assert row["distance_to_coast_nm"] == 12.3
    assert row["uncertainty_km"] == 46.8
    assert row["date"] == "2011-07-31"
    timed = frame.assign(date=pd.to_datetime(["2011-07-31T05:06:00Z"]), date_precision="time")
    assert text_ready(timed)["date"].iloc[0] == "2011-07-31T05:06:00+00:00"
    assert text_ready(frame.assign(date_precision="month"))["date"].iloc[0] == "2011-07"


@pytest.mark.parametrize("suffix", [".kml", ".xlsx"])
def test_classify_writes_kml_and_excel(cli, tmp_path, suffix):
    src = tmp_path / "in.csv"
    src.write_text("date,kind,title,lat,lon\n2024-01-01,buoy,=cmd,26.1,122.7\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    result = cli("classify", str(src), "-o", str(out))
    assert result.returncode == 0, result.stderr
    if suffix == ".kml":
        back = gpd.read_file(out)
        assert back.geometry.iloc[0].equals_exact(shapely.Point(122.7, 26.1), 1e-6)
    else:
        back = pd.read_excel(out)
        assert back["title"].iloc[0] == "'=cmd"  # a formula stays text
        assert back["date"].iloc[0] == "2024-01-01"
        assert back["zone_kind"].iloc[0] in {"eez", "territorial_sea", "contiguous_zone"}


def test_a_point_on_land_measures_to_the_coast_not_a_land_border():
    # Inland China near the Tumen river: the nearest coast is the Sea of Japan's (North
    # Korea's), about 50 nm away, not the China-North Korea border a few km off.
    out = geo.classify(gpd.GeoDataFrame(geometry=[shapely.Point(129.5, 42.9)], crs=4326))
    assert out["zone_kind"].iloc[0] == "land"
    assert out["distance_to_coast_nm"].iloc[0] > 30.0
