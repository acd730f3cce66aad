"""Vessel tracks (#19): loading, flags, segments, zone visits, presence, synthetic patrols.

Real zone sets, no mocks: the bundled East Asia set (Senkaku territorial sea and
contiguous zone) and, for the antimeridian, a small zone set built in conftest.py.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import geo
from geo.errors import InputError
from geo.geodesy import GEOD
from geo.prepared import bundled

T0 = pd.Timestamp("2023-01-05 00:00", tz="UTC")


def _frame(points, *, vessel="412000001", step_min=20.0, start=T0, **extra):
    """A plain-layout frame: one vessel, positions every ``step_min`` minutes."""
    n = len(points)
    times = [start + pd.Timedelta(minutes=step_min * i) for i in range(n)]
    data = {
        "mmsi": [vessel] * n,
        "time": [t.isoformat() for t in times],
        "lon": [p[0] for p in points],
        "lat": [p[1] for p in points],
    }
    data.update(extra)
    return pd.DataFrame(data)


def _zone_id(lon, lat):
    prepared = bundled()
    ids = np.append(prepared.columns()["zone_id"].astype(object), ["", ""])
    return ids[prepared.index.lookup(np.atleast_1d(lon), np.atleast_1d(lat))]


# --------------------------------------------------------------------------- crossings


def _truth(tracks: gpd.GeoDataFrame, *, step_m: float = 25.0):
    """Zone changes found by sampling each leg densely on the geodesic (GEOD.npts)."""
    prepared = bundled()
    ids = np.append(prepared.columns()["zone_id"].astype(object), ["", ""])
    t = (tracks["time"] - T0).dt.total_seconds().to_numpy()
    lon, lat = tracks["lon"].to_numpy(), tracks["lat"].to_numpy()
    changes = []
    for i in range(len(t) - 1):
        d = GEOD.inv(lon[i], lat[i], lon[i + 1], lat[i + 1])[2]
        n = int(d // step_m)
        inner = np.array(GEOD.npts(lon[i], lat[i], lon[i + 1], lat[i + 1], n)).reshape(-1, 2)
        xy = np.vstack([[lon[i], lat[i]], inner, [lon[i + 1], lat[i + 1]]])
        frac = np.r_[0.0, np.arange(1, n + 1) / (n + 1), 1.0]
        zone = ids[prepared.index.lookup(xy[:, 0], xy[:, 1])]
        for k in np.flatnonzero(zone[1:] != zone[:-1]):
            at = t[i] + (frac[k] + frac[k + 1]) / 2 * (t[i + 1] - t[i])
            changes.append((at, zone[k], zone[k + 1]))
    return changes


def test_entry_and_exit_times_match_dense_geodesic_sampling():
    # West to east through the Senkaku contiguous zone and territorial sea, sparse reports.
    lon = np.linspace(122.85, 124.0, 25)
    lat = np.linspace(25.55, 26.35, 25)
    tracks = geo.load_tracks(_frame(list(zip(lon, lat, strict=True)), step_min=20.0))
    visits = geo.zone_visits(tracks, max_gap=6)
    truth = _truth(tracks)
    # Into the contiguous zone, twice through the territorial sea (Uotsuri, then Kuba), out.
    assert [z for _, _, z in truth] == [
        "senkaku-contiguous-zone",
        "senkaku-territorial-sea",
    ] * 2 + ["senkaku-contiguous-zone", "senkaku-eez"]
    got = visits[~visits["open_at_start"]]
    assert len(got) == len(truth)
    for (at, _, after), (_, row) in zip(truth, got.iterrows(), strict=True):
        entry_s = (row["entry_time"] - T0).total_seconds()
        assert abs(entry_s - at) < 60.0
        assert row["zone_id"] == after
    # Exits are the next visit's entries; durations add up to the track's time.
    assert (
        visits["exit_time"].iloc[:-1].to_numpy() == visits["entry_time"].iloc[1:].to_numpy()
    ).all()
    assert visits["duration_h"].sum() == pytest.approx(24 * 20 / 60)
    assert (visits["observed_h"] + visits["dark_h"]).to_numpy() == pytest.approx(
        visits["duration_h"].to_numpy()
    )


def test_a_corner_cut_with_no_position_inside_is_a_visit():
    # Two reports in the contiguous zone; the geodesic between them cuts the territorial sea.
    a, b = (123.38157954, 25.93066171), (123.32327762, 25.90101842)
    assert list(_zone_id([a[0], b[0]], [a[1], b[1]])) == ["senkaku-contiguous-zone"] * 2
    tracks = geo.load_tracks(_frame([a, b], step_min=60.0))
    visits = geo.zone_visits(tracks)
    assert visits["zone_id"].tolist() == [
        "senkaku-contiguous-zone",
        "senkaku-territorial-sea",
        "senkaku-contiguous-zone",
    ]
    cut = visits.iloc[1]
    assert cut["n_positions"] == 0
    assert cut["entered_from"] == cut["exited_to"] == "contiguous_zone"
    assert cut["duration_h"] > 0
    assert cut["entry_uncertainty_s"] == 3600.0
    truth = _truth(tracks, step_m=10.0)
    assert [z for _, _, z in truth] == ["senkaku-territorial-sea", "senkaku-contiguous-zone"]
    assert abs((cut["entry_time"] - T0).total_seconds() - truth[0][0]) < 60.0
    assert abs((cut["exit_time"] - T0).total_seconds() - truth[1][0]) < 60.0
    assert cut["min_distance_to_coast_nm"] < 12.0


# --------------------------------------------------------------------------- segments


def _gap_track():
    # Open sea south-east of Japan, hourly reports, then ten hours without any.
    pts = [(140.0, 20.0 + 0.1 * i) for i in range(6)]
    frame = _frame(pts, step_min=60.0)
    times = pd.to_datetime(frame["time"])
    frame["time"] = [t + pd.Timedelta(hours=10 if i >= 3 else 0) for i, t in enumerate(times)]
    return geo.load_tracks(frame)


def test_a_ten_hour_gap_splits_the_segment():
    visits = geo.zone_visits(_gap_track(), max_gap=pd.Timedelta(hours=6))
    assert visits["segment_id"].tolist() == [0, 1]
    assert visits["open_at_end"].tolist() == [True, True]
    assert visits["open_at_start"].tolist() == [True, True]
    assert visits["duration_h"].tolist() == pytest.approx([2.0, 2.0])
    assert visits["dark_h"].tolist() == pytest.approx([0.0, 0.0])
    assert geo.tracks.segments(_gap_track(), max_gap=6)["segment_id"].tolist() == [0, 0, 0, 1, 1, 1]


def test_a_gap_shorter_than_max_gap_is_dark_time():
    visits = geo.zone_visits(_gap_track(), max_gap=12, dark_after=pd.Timedelta(hours=1))
    assert len(visits) == 1
    assert visits["duration_h"].iloc[0] == pytest.approx(15.0)
    assert visits["dark_h"].iloc[0] == pytest.approx(11.0)
    assert visits["observed_h"].iloc[0] == pytest.approx(4.0)


# --------------------------------------------------------------------------- presence


def _visits(rows):
    return pd.DataFrame(
        [
            {
                "vessel_id": v,
                "zone_kind": "contiguous_zone",
                "claimants": "CHN/JPN/TWN",
                "entry_time": pd.Timestamp(a, tz="Asia/Tokyo").tz_convert("UTC"),
                "exit_time": pd.Timestamp(b, tz="Asia/Tokyo").tz_convert("UTC"),
                "group": "China Coast Guard",
            }
            for v, a, b in rows
        ]
    )


def test_two_vessels_on_one_japan_day():
    visits = _visits([("a", "2023-01-05 03:00", "2023-01-05 09:00"),
                      ("b", "2023-01-05 08:00", "2023-01-05 20:00")])  # fmt: skip
    p = geo.presence(visits, by="day")
    assert p[["period", "days_present", "ship_days", "cases"]].values.tolist() == [
        ["2023-01-05", 1, 2, 1]
    ]
    assert p["longest_episode_h"].iloc[0] == pytest.approx(17.0)
    assert p["vessel_hours"].iloc[0] == pytest.approx(18.0)


def test_a_visit_over_midnight_japan_time_counts_on_two_days():
    visits = _visits([("a", "2023-01-05 23:00", "2023-01-06 01:00")])
    by_day = geo.presence(visits, by="day")
    assert by_day["period"].tolist() == ["2023-01-05", "2023-01-06"]
    assert by_day["days_present"].tolist() == [1, 1]
    assert by_day["vessel_hours"].tolist() == pytest.approx([1.0, 1.0])
    month = geo.presence(visits, by="month")
    assert month[["days_present", "ship_days", "max_consecutive_days"]].values.tolist() == [
        [2, 2, 2]
    ]
    # In UTC the same visit is on one day (14:00 to 16:00).
    assert geo.presence(visits, by="day", tz="UTC")["days_present"].tolist() == [1]


def test_presence_counts_the_territorial_sea_in_the_contiguous_zone_and_filters():
    visits = _visits([("a", "2023-01-05 10:00", "2023-01-05 12:00"),
                      ("b", "2023-01-06 10:00", "2023-01-06 12:00")])  # fmt: skip
    visits.loc[1, "zone_kind"] = "territorial_sea"
    p = geo.presence(visits, by="month")
    assert p[["zone_kind", "days_present", "ship_days"]].values.tolist() == [
        ["contiguous_zone", 2, 2],
        ["territorial_sea", 1, 1],
    ]
    alone = geo.presence(visits, by="month", territorial_in_contiguous=False)
    assert alone["days_present"].tolist() == [1, 1]
    assert geo.presence(visits, group="someone else").empty
    with pytest.raises(InputError, match="by must be"):
        geo.presence(visits, by="week")


# --------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def synthetic_2023():
    tracks = geo.load_tracks(geo.synthetic_patrols(year=2023, months=(1, 2, 3, 4), seed=0))
    visits = geo.zone_visits(tracks, distances=False)
    return tracks, visits


def test_synthetic_2023_reproduces_the_published_counts_exactly(synthetic_2023):
    _, visits = synthetic_2023
    p = geo.presence(visits, by="month", tz="Asia/Tokyo", group="China Coast Guard")
    counts = geo.tracks.jcg_senkaku_counts()
    for zone_kind, days, ships in (
        ("contiguous_zone", "cz_days", "cz_ship_days"),
        ("territorial_sea", "ts_days", "ts_ships"),
    ):
        got = p[p["zone_kind"] == zone_kind]
        assert got["period"].tolist() == ["2023-01", "2023-02", "2023-03", "2023-04"]
        assert got["days_present"].tolist() == counts[days].tolist()
        assert got["ship_days"].tolist() == counts[ships].tolist()
    assert counts["cz_days"].tolist() == [28, 28, 31, 30]
    assert counts["cz_ship_days"].tolist() == [107, 94, 117, 115]
    assert counts["ts_days"].tolist() == [2, 1, 6, 3]
    assert counts["ts_ships"].tolist() == [8, 4, 20, 11]


def test_synthetic_patrols_have_the_promised_features(synthetic_2023):
    tracks, visits = synthetic_2023
    assert tracks["flag_duplicate"].sum() > 0
    assert tracks["flag_jump"].sum() > 0
    assert tracks["flag_speed_unavailable"].sum() > 0
    ts = visits[visits["zone_kind"] == "territorial_sea"]
    assert (ts["n_positions"] == 0).sum() >= 4  # a corner cut each month
    assert 80.0 <= ts["duration_h"].max() <= 81.0  # the long stay of 30 March to 2 April
    gaps = tracks.groupby("vessel_id")["time"].diff().dt.total_seconds()
    assert gaps.max() > 2 * 3600  # satellite gaps of hours
    same = geo.synthetic_patrols(months=[2], seed=0, report_interval_s=(600, 900))
    again = geo.synthetic_patrols(months=[2], seed=0, report_interval_s=(600, 900))
    pd.testing.assert_frame_equal(same, again)


# --------------------------------------------------------------------------- loading


def test_bad_rows_are_rejected_with_their_row_numbers(tmp_path):
    path = tmp_path / "ais.csv"
    path.write_text(
        "mmsi,time,lat,lon\n"
        "412000001,2023-01-05T00:00:00Z,25.9,123.2\n"
        "412000001,yesterday,25.9,123.3\n"
        "412000001,2023-01-05T00:20:00Z,95,123.4\n"
        ",2023-01-05T00:30:00Z,25.9,123.5\n"
        "412000001,2023-01-05T00:40:00Z,,123.6\n"
        "412000001,2023-01-05T00:50:00Z,25.9,123.7\n",
        encoding="utf-8",
    )
    tracks = geo.load_tracks(path)
    rejects = pd.DataFrame(tracks.attrs["rejects"])
    assert len(tracks) + len(rejects) == tracks.attrs["rows_read"] == 6
    assert tracks["row"].tolist() == [1, 6]
    assert rejects["row"].tolist() == [2, 3, 4, 5]
    assert rejects["column"].tolist() == ["time", "lat", "mmsi", "lat"]
    reasons = rejects["reason"].tolist()
    assert "time 'yesterday' is not a date and time" in reasons[0]
    assert "latitude 95 is outside -90..90" in reasons[1]
    assert reasons[2] == "vessel id is missing"
    assert reasons[3] == "latitude is missing"


def test_an_unreadable_file_raises_naming_it(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"this is not parquet")
    with pytest.raises(InputError, match=r"broken\.parquet"):
        geo.load_tracks(path)
    with pytest.raises(InputError, match="no such file"):
        geo.load_tracks(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="no vessel_id"):
        geo.load_tracks(pd.DataFrame({"time": ["2023-01-01"], "lat": [1.0], "lon": [2.0]}))


def test_layouts_are_recognised(tmp_path):
    dma = pd.DataFrame(
        {
            "# Timestamp": ["05/01/2023 12:00:00"],
            "Type of mobile": ["Class A"],
            "MMSI": [219000001],
            "Latitude": [55.5],
            "Longitude": [10.5],
            "SOG": [102.3],
            "COG": [360.0],
        }
    )
    t = geo.load_tracks(dma)
    assert t.attrs["layout"] == "dma"
    assert str(t["time"].iloc[0]) == "2023-01-05 12:00:00+00:00"  # day first
    assert t["vessel_id"].iloc[0] == "219000001"
    assert bool(t["flag_speed_unavailable"].iloc[0])
    assert np.isnan(t["sog"].iloc[0])
    assert np.isnan(t["cog"].iloc[0])
    assert t["Type of mobile"].iloc[0] == "Class A"
    cadastre = pd.DataFrame(
        {
            "MMSI": ["367000001"],
            "BaseDateTime": ["2023-01-05T12:00:00"],
            "LAT": [30.0],
            "LON": [-90.0],
            "SOG": [5.0],
            "COG": [90.0],
        }
    )
    assert geo.load_tracks(cadastre).attrs["layout"] == "marinecadastre"
    gfw = pd.DataFrame(
        {
            "ssvid": ["412000001"],
            "timestamp": ["2023-01-05 12:00:00 UTC"],
            "lat": [25.0],
            "lon": [123.0],
            "speed": [8.0],
            "course": [10.0],
        }
    )
    g = geo.load_tracks(gfw)
    assert g.attrs["layout"] == "gfw"
    assert g[["sog", "cog"]].values.tolist() == [[8.0, 10.0]]
    path = tmp_path / "tracks.parquet"
    geo.load_tracks(gfw).to_parquet(path)
    back = geo.load_tracks(path)
    assert back["vessel_id"].tolist() == ["412000001"]
    points = gpd.GeoDataFrame(
        {"vessel_id": ["a", "b"], "time": pd.to_datetime(["2023-01-01", "2023-01-01"])},
        geometry=[shapely.Point(123.0, 25.6), None],
        crs=4326,
    ).to_crs(3857)
    p = geo.load_tracks(points)
    assert p[["lon", "lat"]].to_numpy().ravel().tolist() == pytest.approx([123.0, 25.6])
    assert [r["reason"] for r in p.attrs["rejects"]] == ["geometry is missing"]
    offset = pd.DataFrame(
        {
            "vessel_id": ["x"],
            "time": ["2023-01-05T21:00:00+09:00"],
            "lat": [25.0],
            "lon": [123.0],
            "group": ["China Coast Guard"],
        }
    )
    o = geo.load_tracks(offset)
    assert str(o["time"].iloc[0]) == "2023-01-05 12:00:00+00:00"
    assert o["group"].iloc[0] == "China Coast Guard"
    assert not o["flag_invalid_mmsi"].any()  # "vessel_id" is not an MMSI column


def test_flags(bundled_zones):
    land = bundled_zones.loc[bundled_zones["zone_id"] == "senkaku-land"].geometry.iloc[0]
    on_land = shapely.get_parts(land)[0].representative_point()
    frame = pd.DataFrame({
        "mmsi": ["412000001"] * 4 + ["412000002", "123456789", "4120001"],
        "time": ["2023-01-05 00:00", "2023-01-05 00:10", "2023-01-05 00:10", "2023-01-05 00:11",
                 "2023-01-05 00:20", "2023-01-05 00:00", "2023-01-05 00:00"],
        "lat": [25.9, 25.91, 25.91, 28.0, 25.92, 25.0, 25.0],
        "lon": [123.2, 123.21, 123.21, 125.0, 123.22, 123.0, 123.0],
    })  # fmt: skip
    frame.loc[4, ["lat", "lon"]] = on_land.y, on_land.x
    t = geo.load_tracks(frame)
    flags = t.set_index("row").sort_index()
    assert flags["flag_duplicate"].tolist() == [False, False, True, False, False, False, False]
    assert flags["flag_jump"].tolist() == [False, False, False, True, False, False, False]
    assert flags.loc[5, "flag_on_land"]
    assert flags["flag_invalid_mmsi"].tolist() == [False] * 5 + [True, True]
    visits = geo.zone_visits(t)
    assert visits.loc[visits["vessel_id"] == "412000001", "n_positions"].sum() == 2
    assert visits.loc[visits["vessel_id"] == "412000002", "zone_kind"].tolist() == ["land"]


# --------------------------------------------------------------------------- antimeridian


def test_a_track_across_the_antimeridian(dateline_zones):
    lons = [178.8, 179.3, 179.8, -179.7, -179.2]
    tracks = geo.load_tracks(_frame([(x, 0.0) for x in lons], step_min=60.0),
                             zones=dateline_zones)  # fmt: skip
    assert not tracks["flag_jump"].any()
    visits = geo.zone_visits(tracks, dateline_zones)
    assert visits["zone_kind"].tolist() == ["high_seas", "territorial_sea", "high_seas"]
    inside = visits.iloc[1]
    assert abs((inside["entry_time"] - T0).total_seconds() - 1.4 * 3600) < 60.0
    assert abs((inside["exit_time"] - T0).total_seconds() - 3.4 * 3600) < 60.0
    assert inside["entry_lon"] == pytest.approx(179.5, abs=1e-3)
    assert inside["exit_lon"] == pytest.approx(-179.5, abs=1e-3)
    assert inside["n_positions"] == 2  # 179.8 and -179.7


def test_a_corner_cut_across_the_antimeridian(dateline_zones):
    # Both reports in the high seas; the leg between them crosses the zone and 180.
    tracks = geo.load_tracks(_frame([(179.2, 0.0), (-179.2, 0.0)], step_min=180.0),
                             zones=dateline_zones)  # fmt: skip
    visits = geo.zone_visits(tracks, dateline_zones)
    assert visits["zone_kind"].tolist() == ["high_seas", "territorial_sea", "high_seas"]
    assert visits["n_positions"].tolist() == [1, 0, 1]
    assert visits["duration_h"].iloc[1] == pytest.approx(3.0 * 1.0 / 1.6, abs=0.02)


# --------------------------------------------------------------------------- inputs


def test_inputs_are_not_mutated():
    frame = _frame([(123.0, 25.6), (123.3, 25.75), (123.6, 25.9)], step_min=60.0)
    frame_before = frame.copy()
    tracks = geo.load_tracks(frame)
    pd.testing.assert_frame_equal(frame, frame_before)
    tracks_before = tracks.copy()
    visits = geo.zone_visits(tracks)
    assert_geodataframe_equal(tracks, tracks_before)
    visits_before = visits.copy()
    geo.presence(visits, by="day")
    pd.testing.assert_frame_equal(visits, visits_before)
    geo.tracks.segments(tracks)
    assert "segment_id" not in tracks


def test_zone_visits_refuses_raw_frames():
    with pytest.raises(InputError, match=r"run geo\.load_tracks"):
        geo.zone_visits(pd.DataFrame({"x": [1]}))
    with pytest.raises(InputError, match="max_gap"):
        geo.zone_visits(_gap_track(), max_gap="soon")


def test_no_positions_give_empty_tables():
    tracks = geo.load_tracks(
        pd.DataFrame({"mmsi": ["412000001"], "time": ["never"], "lat": [25.0], "lon": [123.0]})
    )
    assert len(tracks) == 0
    assert len(tracks.attrs["rejects"]) == tracks.attrs["rows_read"] == 1
    visits = geo.zone_visits(tracks)
    assert list(visits.columns) == list(geo.tracks.VISIT_COLUMNS)
    assert visits.empty
    assert str(visits["entry_time"].dtype) == "datetime64[us, UTC]"
    assert geo.presence(visits).empty


def test_legs_the_grid_clears_cross_no_edge():
    # 20,000 random legs of up to 8 km around the Senkaku Islands (enough to build the grid).
    rng = np.random.default_rng(3)
    n = 20_000
    lon0, lat0 = rng.uniform(122.8, 124.4, n), rng.uniform(25.3, 26.3, n)
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, rng.uniform(0, 360, n), rng.uniform(0, 8000, n))
    index = bundled().index
    clear = index.clear_of_edges(lon0, lat0, lon1, lat1)
    assert 0 < clear.sum() < n
    pick = np.flatnonzero(clear)[:300]
    samples = [np.array(GEOD.npts(lon0[i], lat0[i], lon1[i], lat1[i], 40)) for i in pick]
    for i, xy in zip(pick, samples, strict=True):
        zones = index.lookup(np.r_[lon0[i], xy[:, 0], lon1[i]], np.r_[lat0[i], xy[:, 1], lat1[i]])
        assert len(set(zones.tolist())) == 1


# --------------------------------------------------------------------------- several files


def test_a_list_of_files_is_one_table_flagged_across_files(tmp_path):
    # One vessel sails from one daily file into the next; the second file repeats the
    # first's last report (a duplicate across files) and has an unreadable row.
    day1 = _frame([(123.0, 25.6), (123.1, 25.65), (123.2, 25.7)], step_min=60.0,
                  start=pd.Timestamp("2023-01-05 21:00", tz="UTC"))  # fmt: skip
    day2 = _frame([(123.2, 25.7), (123.3, 25.75), (123.4, 25.8), (123.5, 25.85)], step_min=60.0,
                  start=pd.Timestamp("2023-01-05 23:00", tz="UTC"))  # fmt: skip
    day2["lat"] = day2["lat"].astype(object)
    day2.loc[3, "lat"] = "north"
    a, b = tmp_path / "day1.csv", tmp_path / "day2.csv"
    day1.to_csv(a, index=False)
    day2.to_csv(b, index=False)
    tracks = geo.load_tracks([a, b])
    assert tracks.attrs["rows_read"] == 7
    assert [f["loaded"] for f in tracks.attrs["files"]] == [3, 3]
    assert tracks["source_file"].tolist() == [str(a)] * 3 + [str(b)] * 3
    assert tracks["row"].tolist() == [1, 2, 3, 1, 2, 3]
    assert tracks["flag_duplicate"].tolist() == [False, False, False, True, False, False]
    unused = geo.tracks.unused_rows(tracks)
    assert unused[["file", "row", "outcome", "column"]].values.tolist() == [
        [str(b), 1, "left out", "time"],
        [str(b), 4, "rejected", "lat"],
    ]
    assert "latitude 'north' is not a number" in unused["reason"].iloc[1]
    visits = geo.zone_visits(tracks, distances=False)
    assert visits["segment_id"].unique().tolist() == [0]  # one track over midnight
    assert visits["n_positions"].sum() == len(tracks) - (unused["outcome"] == "left out").sum()
    # One file in a list is read the same way as the file itself (plus source_file).
    alone = geo.load_tracks([a])
    pd.testing.assert_frame_equal(
        pd.DataFrame(alone.drop(columns="source_file")), pd.DataFrame(geo.load_tracks(a))
    )
    with pytest.raises(InputError, match="list of files"):
        geo.load_tracks([])


def test_unused_rows_of_one_file_name_every_row_not_in_a_visit():
    frame = _frame([(123.0, 25.6), (123.0, 25.6), (128.0, 29.0), (123.1, 25.62), (91, 181)],
                   step_min=10.0)  # fmt: skip
    frame.loc[1, "time"] = frame.loc[0, "time"]  # a duplicate
    tracks = geo.load_tracks(frame)
    unused = geo.tracks.unused_rows(tracks)
    assert list(unused.columns) == ["row", "outcome", "column", "value", "reason"]
    assert unused[["row", "outcome"]].values.tolist() == [
        [2, "left out"], [3, "left out"], [5, "rejected"]
    ]  # fmt: skip
    assert "a jump" in unused["reason"].iloc[1]
    assert "50 kn" in unused["reason"].iloc[1]
    visits = geo.zone_visits(tracks, distances=False)
    assert visits["n_positions"].sum() + len(unused) == tracks.attrs["rows_read"]


def test_visits_worked_through_in_chunks_are_the_same(monkeypatch):
    tracks = geo.load_tracks(geo.synthetic_patrols(months=[2], report_interval_s=(600, 900)))
    whole = geo.zone_visits(tracks, distances=False)
    monkeypatch.setattr(geo.settings, "TRACK_CHUNK_POSITIONS", 500)
    assert tracks["vessel_id"].nunique() > 4
    assert len(tracks) > 4 * 500
    chunked = geo.zone_visits(tracks, distances=False, progress=True)
    pd.testing.assert_frame_equal(chunked, whole)
