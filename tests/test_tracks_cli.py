"""``flashpoints tracks visits``, ``tracks presence`` and ``tracks map`` (#19), run for real.

Through ``geo.cli.main`` (in this process) and once as the installed command, on
small files written here: hand-made rows in the Senkaku contiguous zone of the
bundled zone set, and one month of ``geo.synthetic_patrols`` with sparse reports.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geo
from geo.cli import main
from geo.maps.tracks import NOT_ZONES
from tests.support import one_line_error, table_numbers, table_text

#: In the Senkaku contiguous zone (claimed by China, Japan and Taiwan), far from its edges.
CZ = [(123.15, 25.75), (123.16, 25.76), (123.17, 25.75)]


def _rows(vessel: str, start_jst: str, *, group: str = "China Coast Guard", step_h: float = 1.0):
    """Three reports of one vessel in the contiguous zone, from a Japan time, hourly."""
    t0 = pd.Timestamp(start_jst, tz="Asia/Tokyo").tz_convert("UTC")
    return [
        {"mmsi": vessel, "time": (t0 + pd.Timedelta(hours=step_h * i)).isoformat(),
         "lat": lat, "lon": lon, "group": group}
        for i, (lon, lat) in enumerate(CZ)
    ]  # fmt: skip


def _csv(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``flashpoints *args`` in this process; return (status, stdout, stderr)."""
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def _fails(capsys, *args: str) -> str:
    """Run a command that must fail as user errors do (status 2, one line); return the line."""
    status, _, err = _run(capsys, *args)
    assert status == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def february(tmp_path_factory) -> Path:
    """One month of synthetic patrols (about 10,000 reports) as a CSV file."""
    path = tmp_path_factory.mktemp("feb") / "feb.csv"
    geo.synthetic_patrols(months=[2], report_interval_s=(600, 900)).to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- visits


def test_visits_of_synthetic_patrols_to_parquet_and_csv(capsys, february, tmp_path):
    out = tmp_path / "visits.parquet"
    status, stdout, _ = _run(capsys, "tracks", "visits", february, "-o", out, "--no-progress")
    assert status == 0
    visits = pd.read_parquet(out)
    expected = geo.zone_visits(geo.load_tracks([february]))
    assert list(visits.columns) == list(geo.tracks.VISIT_COLUMNS)
    pd.testing.assert_frame_equal(visits, expected)
    assert str(visits["entry_time"].dtype) == "datetime64[us, UTC]"
    # Every row is in a visit, left out or rejected, and the summary says so.
    rows = len(pd.read_csv(february))
    tracks = geo.load_tracks([february])
    dup, jump = int(tracks["flag_duplicate"].sum()), int(tracks["flag_jump"].sum())
    assert dup > 0
    assert jump > 0
    used = int(visits["n_positions"].sum())
    assert used + dup + jump == rows
    assert (
        f"{rows} rows read from 1 file: {used} in visits, {dup + jump} left out "
        f"({dup} duplicates, {jump} jumps), 0 rejected; {len(visits)} visits written to {out}"
    ) in stdout
    assert "territorial_sea CHN/JPN/TWN" in stdout
    text = tmp_path / "visits.csv"
    status, _, _ = _run(capsys, "tracks", "visits", february, "-o", text, "--no-distances",
                        "--max-gap", "2")  # fmt: skip
    assert status == 0
    table = pd.read_csv(text)
    assert len(table) >= len(visits)  # gaps over 2 h cut more segments
    assert table["segment_id"].max() > visits["segment_id"].max()
    assert table["min_distance_to_coast_nm"].isna().all()
    assert table["entry_time"].iloc[0].endswith("+00:00")
    assert (table["entry_lat"].round(5) == table["entry_lat"]).all()


def test_a_bad_row_stops_the_command_with_one_line(capsys, tmp_path):
    rows = _rows("412000001", "2023-01-05 10:00")
    rows.insert(2, {**rows[1], "lat": 95.0})
    src = _csv(tmp_path / "ais.csv", rows)
    out = tmp_path / "visits.parquet"
    line = _fails(capsys, "tracks", "visits", src, "-o", out)
    assert line == (
        f"flashpoints: {src}, row 3: lat: latitude 95.0 is outside -90..90 (AIS writes 91 and "
        "181 for 'not available') (1 rows rejected in all; --rejects FILE lists them)"
    )
    assert not out.exists()
    # With --skip-invalid the other rows are used; the rejects file lists the bad one.
    rejects = tmp_path / "rejects.csv"
    status, stdout, stderr = _run(capsys, "tracks", "visits", src, "-o", out, "--skip-invalid",
                                  "--rejects", rejects)  # fmt: skip
    assert status == 0
    assert f"{src}, row 3" in stderr
    counts = "4 rows read from 1 file: 3 in visits, 0 left out (0 duplicates, 0 jumps), 1 rejected"
    assert counts in stdout
    listed = pd.read_csv(rejects)
    assert listed[["file", "row", "outcome", "column"]].values.tolist() == [
        [str(src), 3, "rejected", "lat"]
    ]
    assert pd.read_parquet(out)["n_positions"].sum() == 3


def test_left_out_rows_are_in_the_rejects_file(capsys, tmp_path):
    rows = _rows("412000001", "2023-01-05 10:00")
    rows.append(dict(rows[2]))  # a duplicate
    rows.append({**rows[2], "time": rows[2]["time"].replace("03:00", "03:05"), "lat": 30.0})
    src = _csv(tmp_path / "ais.csv", rows)
    rejects = tmp_path / "rejects.csv"
    status, stdout, _ = _run(capsys, "tracks", "visits", src, "-o", tmp_path / "v.parquet",
                             "--rejects", rejects, "--no-progress")  # fmt: skip
    assert status == 0
    counts = "5 rows read from 1 file: 3 in visits, 2 left out (1 duplicates, 1 jumps), 0 rejected"
    assert counts in stdout
    listed = pd.read_csv(rejects)
    assert listed[["row", "outcome", "column"]].values.tolist() == [
        [4, "left out", "time"],
        [5, "left out", "lat/lon"],
    ]
    assert listed["reason"].str.startswith("left out of visits: a ").all()


def test_a_missing_column_is_one_line(capsys, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "lat"} for r in _rows("412000001", "2023-01-05")]
    src = _csv(tmp_path / "nolat.csv", rows)
    out = tmp_path / "visits.parquet"
    line = _fails(capsys, "tracks", "visits", src, "-o", out)
    assert line.startswith(f"flashpoints: {src}: no lat column; expected one of lat: lat, latitude")
    assert not out.exists()


def test_an_output_never_overwrites_an_input(capsys, tmp_path):
    src = _csv(tmp_path / "ais.csv", _rows("412000001", "2023-01-05 10:00"))
    before = src.read_bytes()
    for output in (["-o", src], ["-o", tmp_path / "v.parquet", "--rejects", src]):
        line = _fails(capsys, "tracks", "visits", src, *output)
        assert f"would overwrite the input {src}; choose another name" in line
        assert src.read_bytes() == before
    line = _fails(capsys, "tracks", "visits", src, "-o", tmp_path / "v.geojson")
    assert "is written as .parquet or .csv or .xlsx, not .geojson" in line
    out = tmp_path / "v.csv"
    line = _fails(capsys, "tracks", "visits", src, "-o", out, "--rejects", out)
    assert line == f"flashpoints: {out}: --rejects and -o name the same file"
    assert not out.exists()


def test_several_files_are_one_track(capsys, tmp_path):
    # One vessel reports from 23:00 to 01:00 UTC: the two daily files are one segment.
    rows = _rows("412000001", "2023-01-06 08:00")  # 23:00, 00:00, 01:00 UTC
    day1 = _csv(tmp_path / "day1.csv", rows[:1])
    day2 = _csv(tmp_path / "day2.csv", rows[1:])
    out = tmp_path / "visits.parquet"
    status, stdout, _ = _run(capsys, "tracks", "visits", day1, day2, "-o", out, "--no-progress")
    assert status == 0
    assert "3 rows read from 2 files: 3 in visits" in stdout
    visits = pd.read_parquet(out)
    assert visits[["zone_kind", "n_positions", "duration_h"]].values.tolist() == [
        ["contiguous_zone", 3, 2.0]
    ]


# --------------------------------------------------------------------------- presence


def test_presence_of_two_vessels_on_one_tokyo_day(capsys, tmp_path):
    # Two ships on 5 January, Japan time (one from 20:00 to 22:00 JST, 11:00-13:00 UTC).
    rows = _rows("412000001", "2023-01-05 10:00") + _rows("412000002", "2023-01-05 20:00")
    rows += _rows("412000003", "2023-01-07 10:00", group="fishing")
    src = _csv(tmp_path / "ais.csv", rows)
    out = tmp_path / "presence.csv"
    status, stdout, _ = _run(capsys, "tracks", "presence", src, "--by", "month", "--tz",
                             "Asia/Tokyo", "--group", "China Coast Guard", "-o", out)  # fmt: skip
    assert status == 0
    table = pd.read_csv(out)
    assert list(table.columns) == list(geo.tracks.PRESENCE_COLUMNS)
    counts = table[["period", "zone_kind", "claimants", "days_present", "ship_days", "cases"]]
    assert counts.values.tolist() == [["2023-01", "contiguous_zone", "CHN/JPN/TWN", 1, 2, 2]]
    assert table["vessel_hours"].iloc[0] == pytest.approx(4.0)
    assert table["longest_episode_h"].iloc[0] == pytest.approx(2.0)
    assert "9 rows read from 1 file: 9 in visits" in stdout
    assert f"1 rows of presence by month (Asia/Tokyo) written to {out}" in stdout
    # Every group, by day: the fishing vessel adds a day.
    status, _, _ = _run(capsys, "tracks", "presence", src, "--by", "day", "-o", out)
    assert status == 0
    by_day = pd.read_csv(out)
    assert by_day[["period", "days_present", "ship_days"]].values.tolist() == [
        ["2023-01-05", 1, 2],
        ["2023-01-07", 1, 1],
    ]
    # In UTC, 20:00-22:00 JST on the 5th is 11:00-13:00 UTC: still one day.
    status, _, _ = _run(capsys, "tracks", "presence", src, "--tz", "UTC", "--by", "day",
                        "--group", "China Coast Guard", "-o", out)  # fmt: skip
    assert pd.read_csv(out)["ship_days"].tolist() == [2]


def test_presence_from_a_visits_table_as_the_installed_command(cli, february, tmp_path):
    visits = tmp_path / "visits.parquet"
    result = cli("tracks", "visits", str(february), "-o", str(visits), "--no-distances")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "presence.csv"
    result = cli("tracks", "presence", str(visits), "--by", "month", "-o", str(out),
                 "--group", "China Coast Guard")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    n = len(pd.read_parquet(visits))
    assert f"{n} visits read from 1 visits table(s); " in result.stdout
    table = pd.read_csv(out).set_index("zone_kind")
    # February 2023 as the Japan Coast Guard published it (data/tracks/).
    counts = geo.tracks.jcg_senkaku_counts().set_index("month").loc[2]
    assert table.loc["contiguous_zone", ["days_present", "ship_days"]].tolist() == [
        counts["cz_days"], counts["cz_ship_days"]
    ]  # fmt: skip
    assert table.loc["territorial_sea", ["days_present", "ship_days"]].tolist() == [
        counts["ts_days"], counts["ts_ships"]
    ]  # fmt: skip
    # A visits table takes no track options, and is not mixed with track files.
    bad = one_line_error(cli("tracks", "presence", str(visits), "--max-gap", "3", "-o",
                             str(tmp_path / "p.csv")))  # fmt: skip
    assert bad == f"flashpoints: {visits}: --max-gap is for track files; these are visits " + (
        "tables already"
    )
    mixed = one_line_error(cli("tracks", "presence", str(visits), str(february), "-o",
                               str(tmp_path / "p.csv")))  # fmt: skip
    assert f"{february}: give either track files or visits tables" in mixed


def test_presence_refuses_a_visits_csv_and_bad_options(capsys, tmp_path):
    src = _csv(tmp_path / "ais.csv", _rows("412000001", "2023-01-05 10:00"))
    assert main(["tracks", "visits", str(src), "-o", str(tmp_path / "v.csv")]) == 0
    capsys.readouterr()
    out = tmp_path / "p.csv"
    line = _fails(capsys, "tracks", "presence", tmp_path / "v.csv", "-o", out)
    assert "a visits table is read from .parquet" in line
    line = _fails(capsys, "tracks", "presence", src, "--tz", "Mars/Olympus", "-o", out)
    assert line == "flashpoints: tz: unknown time zone 'Mars/Olympus' (e.g. 'Asia/Tokyo', 'UTC')"
    with pytest.raises(SystemExit) as exit_info:
        main(["tracks", "presence", str(src), "--by", "week", "-o", str(out)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'week'" in capsys.readouterr().err
    assert not out.exists()


# --------------------------------------------------------------------------- map

#: Into the Senkaku territorial sea from its contiguous zone, and back out, half-hourly.
INTO_TS = [(123.15, 25.75), (123.25, 25.75), (123.35, 25.75), (123.25, 25.76), (123.15, 25.76)]


def _track_table(html: str) -> dict:
    """The track table a map page hands to ``Flashpoints.addTracks``."""
    m = re.search(r"Flashpoints\.addTracks\([^,]+, [^,]+,\n(\{.*?\})\);\s*$", html, re.S | re.M)
    assert m, "no track table in the page"
    return json.loads(m.group(1))


@pytest.fixture
def patrol(tmp_path) -> Path:
    """Two ships in the contiguous zone and one that enters the territorial sea."""
    rows = _rows("412000001", "2023-01-05 10:00") + _rows("412000002", "2023-01-06 20:00")
    t0 = pd.Timestamp("2023-01-07 10:00", tz="UTC")
    rows += [{"mmsi": "412000003", "time": (t0 + pd.Timedelta(minutes=30 * i)).isoformat(),
              "lat": lat, "lon": lon, "group": "China Coast Guard"}
             for i, (lon, lat) in enumerate(INTO_TS)]  # fmt: skip
    return _csv(tmp_path / "ais.csv", rows)


def test_map_draws_the_visits_of_the_track_files(capsys, patrol, tmp_path):
    out = tmp_path / "maps" / "patrol.html"
    status, stdout, stderr = _run(capsys, "tracks", "map", patrol, "-o", out, "--offline",
                                  "--title", "Senkaku patrols", "--presence-by", "month",
                                  "--tz", "UTC", "--no-progress")  # fmt: skip
    assert status == 0, stderr
    html = out.read_text()
    table = _track_table(html)
    found = geo.zone_visits(geo.load_tracks([patrol]), distances=False)
    expected = found.assign(vessel_id=found["vessel_id"].astype(str)).sort_values(
        ["vessel_id", "entry_time", "exit_time"], kind="stable", ignore_index=True
    )  # in the page's order
    assert table["visits"]["n"] == len(expected) >= 5
    assert table_text(table["visits"]["kind"], len(expected)) == expected["zone_kind"].tolist()
    assert "territorial_sea" in expected["zone_kind"].tolist()
    # An entry and an exit marker for each visit to a zone, where zone_visits put them.
    in_zones = expected[~expected["zone_kind"].isin(NOT_ZONES)]
    markers = table["markers"]
    assert markers["n"] == 2 * len(in_zones)
    visit, role = table_numbers(markers["visit"]), table_numbers(markers["role"])
    assert sorted(visit[role == 0]) == sorted(visit[role == 1]) == in_zones.index.tolist()
    where = np.column_stack([table_numbers(markers["lat"]), table_numbers(markers["lon"])])
    entry = expected.loc[visit, ["entry_lat", "entry_lon"]].to_numpy()
    exit_ = expected.loc[visit, ["exit_lat", "exit_lon"]].to_numpy()
    np.testing.assert_allclose(where, np.where((role == 0)[:, None], entry, exit_), atol=1e-5)
    # The options reach the page: title, chart by month in UTC, offline (no network).
    assert "<title>Senkaku patrols</title>" in html
    assert "Presence per month (UTC calendar)" in html
    assert 'src="https://' not in html
    assert (
        f"11 rows read from 1 file: 11 in visits, 0 left out (0 duplicates, 0 jumps), "
        f"0 rejected; {len(expected)} visits drawn; map written to {out} (offline: "
        "self-contained)"
    ) in stdout
    assert "territorial_sea CHN/JPN/TWN" in stdout


def test_map_of_a_file_with_a_bad_row(capsys, tmp_path, monkeypatch):
    rows = _rows("412000001", "2023-01-05 10:00")
    rows.insert(2, {**rows[1], "lat": 95.0})
    src = _csv(tmp_path / "ais.csv", rows)
    monkeypatch.chdir(tmp_path)
    line = _fails(capsys, "tracks", "map", src)
    assert line == (
        f"flashpoints: {src}, row 3: lat: latitude 95.0 is outside -90..90 (AIS writes 91 and "
        "181 for 'not available') (1 rows rejected in all; --rejects FILE lists them)"
    )
    assert not (tmp_path / "maps").exists()
    # --skip-invalid draws the others to the default output; --rejects lists the bad row.
    status, stdout, stderr = _run(capsys, "tracks", "map", src, "--skip-invalid", "--rejects",
                                  "rejects.csv", "--presence-by", "none", "--basemap",
                                  "Esri.OceanBasemap", "--no-progress")  # fmt: skip
    assert status == 0
    assert f"{src}, row 3" in stderr
    assert (
        "4 rows read from 1 file: 3 in visits, 0 left out (0 duplicates, 0 jumps), 1 rejected; "
        "1 visits drawn; map written to maps/tracks.html"
    ) in stdout
    assert pd.read_csv("rejects.csv")[["row", "outcome", "column"]].values.tolist() == [
        [3, "rejected", "lat"]
    ]
    html = Path("maps/tracks.html").read_text()
    assert _track_table(html)["visits"]["n"] == 1
    assert 'id="fp-presence"' not in html  # --presence-by none
    assert "server.arcgisonline.com" in html
    # Every row rejected: nothing to draw, and no map.
    only_bad = _csv(tmp_path / "bad.csv", [rows[2]])
    status, _, stderr = _run(capsys, "tracks", "map", only_bad, "--skip-invalid", "-o",
                             "empty.html")  # fmt: skip
    assert status == 2
    warning, line = stderr.strip().splitlines()
    assert warning.startswith(f"flashpoints: warning: {only_bad}, row 1: lat: latitude 95.0")
    assert line == (
        "flashpoints: 1 rows read from 1 file: 0 in visits, 0 left out (0 duplicates, 0 jumps), "
        "1 rejected: no visits to draw; no map written"
    )
    assert not (tmp_path / "empty.html").exists()


def test_map_never_overwrites_an_input(capsys, tmp_path):
    src = _csv(tmp_path / "ais.csv", _rows("412000001", "2023-01-05 10:00"))
    before = src.read_bytes()
    line = _fails(capsys, "tracks", "map", src, "-o", src)
    assert line == f"flashpoints: {src}: an HTML map is written as .html or .htm, not .csv"
    (tmp_path / "link.html").symlink_to(src)
    os.link(src, tmp_path / "hard.html")
    for output in (["-o", tmp_path / "link.html"], ["-o", tmp_path / "hard.html"]):
        line = _fails(capsys, "tracks", "map", src, *output)
        assert f"an HTML map would overwrite the input {src}; choose another name" in line
    line = _fails(capsys, "tracks", "map", src, "-o", tmp_path / "m.html", "--rejects", src)
    assert f"--rejects would overwrite the input {src}; choose another name" in line
    assert src.read_bytes() == before
    # A bad time zone is refused before any work; --raw (CSV only) is not an option here.
    line = _fails(capsys, "tracks", "map", src, "--tz", "Mars/Olympus", "-o", tmp_path / "m.html")
    assert line == "flashpoints: tz: unknown time zone 'Mars/Olympus' (e.g. 'Asia/Tokyo', 'UTC')"
    with pytest.raises(SystemExit) as exit_info:
        main(["tracks", "map", str(src), "--raw", "-o", str(tmp_path / "m.html")])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --raw" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize(
    "command", [["tracks"], ["tracks", "visits"], ["tracks", "presence"], ["tracks", "map"]]
)
def test_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: flashpoints tracks" in capsys.readouterr().out
