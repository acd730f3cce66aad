r"""NMEA input of vessel tracks (#19 item 1): ``!AIVDM`` logs through ``geo.load_tracks``.

Every sentence is made here with pyais's encoder (``encode_dict``) from known
positions, and its time is written beside it (a ``\c:`` tag block or a logger's ISO
timestamp), so the expected values are known without the decoder under test.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyais import encode_dict

import geo
from geo.cli import main
from geo.errors import InputError
from geo.tracks.nmea import is_nmea

T0 = pd.Timestamp("2023-01-05 00:00", tz="UTC")
NO_TIME = "no time (no tag block c: field or timestamp prefix)"


def _cs(text: str) -> str:
    """The NMEA checksum of the text between the start character and '*', as two hex digits."""
    out = 0
    for char in text.encode("ascii"):
        out ^= char
    return f"{out:02X}"


def _position(mmsi: int, lon: float, lat: float, sog: float = 10.0, cog: float = 90.0,
              msg_type: int = 1) -> str:  # fmt: skip
    data = {"type": msg_type, "mmsi": mmsi, "lon": lon, "lat": lat, "speed": sog, "course": cog}
    (sentence,) = encode_dict(data, talker_id="AI", sentence_type="VDM")
    return sentence


def _static(mmsi: int, seq_id: int) -> list[str]:
    """A type 5 (static and voyage data): two sentences."""
    return encode_dict({"type": 5, "mmsi": mmsi, "shipname": "HAIJING 2301", "callsign": "BXYZ",
                        "destination": "NAHA"}, talker_id="AI", sentence_type="VDM",
                       seq_id=seq_id)  # fmt: skip


def _tag(*fields: str) -> str:
    body = ",".join(fields)
    return f"\\{body}*{_cs(body)}\\"


def _at(seconds: float) -> str:
    """A tag block ``c:`` field, ``seconds`` after T0."""
    return f"c:{int(T0.timestamp() + seconds)}"


def _split(sentence: str, seq_id: int, channel: str = "B") -> list[str]:
    """One sentence's payload sent as two sentences (a message of two parts)."""
    fields = sentence.split(",")
    payload, fill = fields[5], fields[6].split("*")[0]
    bodies = [f"AIVDM,2,1,{seq_id},{channel},{payload[:14]},0",
              f"AIVDM,2,2,{seq_id},{channel},{payload[14:]},{fill}"]  # fmt: skip
    return [f"!{b}*{_cs(b)}" for b in bodies]


def _damaged() -> tuple[str, str]:
    """A tagged position with one payload character changed, and the reason it is rejected."""
    body, given = _position(412000005, 123.3, 25.8)[1:].split("*")
    fields = body.split(",")
    fields[5] = fields[5][:-1] + ("0" if fields[5][-1] != "0" else "1")
    body = ",".join(fields)
    reason = f"checksum *{given} does not match the sentence (*{_cs(body)}): the line is damaged"
    return _tag(_at(50)) + f"!{body}*{given}", reason


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _accounts(tracks) -> tuple[list, list]:
    """Rejects and not-positions as (row, column, reason); check they add up with the rows."""
    rejects = [(r["row"], r["column"], r["reason"]) for r in tracks.attrs["rejects"]]
    others = [(r["row"], r["column"], r["reason"]) for r in tracks.attrs["not_positions"]]
    rows = sorted([*tracks["row"], *(r for r, _, _ in rejects), *(r for r, _, _ in others)])
    assert len(rows) == len(set(rows)) == tracks.attrs["rows_read"]  # each line in one place
    return rejects, others


@pytest.fixture
def tagged(tmp_path) -> Path:
    """Tag-block times: positions of types 1, 18, 27 and of two parts, and every kind of bad."""
    short = "AIVDM,1,1,,A,1,0"  # a payload of 6 bits: only the message type
    static = _static(412000002, seq_id=3)
    lone = _static(412000006, seq_id=5)
    two_parts = _split(_position(412000007, 123.25, 25.7, sog=8.0, cog=270.0), seq_id=7)
    gga = "GPGGA,000000.00,2545.000,N,12309.000,E,1,08,0.9,5.0,M,,M,,"
    lines = [
        _tag(_at(0)) + _position(412000001, 123.15, 25.75, sog=12.3, cog=45.6),  # 1
        _tag(_at(10)) + _position(412000002, 123.16, 25.76, sog=5.0, cog=180.0, msg_type=18),
        _tag("g:1-2-42", _at(20)) + static[0],  # 3: type 5, first part (the time is here)
        _tag("g:2-2-42") + static[1],  # 4: second part
        _damaged()[0],  # 5
        _position(412000001, 123.17, 25.75),  # 6: no time
        "#### modem reset ####",  # 7: garbled
        "",  # 8: blank, not counted
        _tag(_at(30)) + _position(412000003, 123.2, 25.8, sog=63, cog=511, msg_type=27),  # 9
        _tag(_at(40)) + _position(412000004, 181.0, 91.0, sog=102.3, cog=360.0),  # 10
        f"${gga}*{_cs(gga)}",  # 11: a GPS sentence, not AIS
        _tag("c:1672876800000") + _position(412000001, 123.18, 25.75),  # 12: milliseconds
        _tag(_at(50)) + f"!{short}*{_cs(short)}",  # 13: undecodable
        _tag(_at(60)) + two_parts[0],  # 14: a position in two parts
        two_parts[1],  # 15
        _split(_position(412000008, 123.3, 25.7), seq_id=9)[1],  # 16: a part 2 without part 1
        _tag(_at(70)) + lone[0],  # 17: a type 5 whose second part never comes
    ]
    return _write(tmp_path / "tagged.nmea", lines)


def test_tag_block_times_positions_rejects_and_other_messages(tagged):
    tracks = geo.load_tracks(tagged)
    assert tracks.attrs["layout"] == "nmea"
    assert tracks.attrs["rows_read"] == 16  # 17 lines, one blank
    cols = ["row", "vessel_id", "msg_type", "lat", "lon", "sog", "cog"]
    assert tracks[cols].fillna(-1).values.tolist() == [
        [1, "412000001", 1, 25.75, 123.15, 12.3, 45.6],
        [2, "412000002", 18, 25.76, 123.16, 5.0, 180.0],
        [9, "412000003", 27, 25.8, 123.2, -1, -1],
        [14, "412000007", 1, 25.7, 123.25, 8.0, 270.0],
    ]
    assert list(tracks["time"]) == [T0 + pd.Timedelta(seconds=s) for s in (0, 10, 30, 60)]
    assert str(tracks["time"].dt.tz) == "UTC"
    # Type 27's 63 kn and 511 degrees are "not available", flagged as 102.3 kn is.
    assert tracks["flag_speed_unavailable"].tolist() == [False, False, True, False]
    rejects, others = _accounts(tracks)
    assert [r[:2] for r in rejects] == [
        (5, "checksum"), (6, "time"), (7, "sentence"), (10, "lat"), (12, "time"), (13, "payload"),
        (16, "sentence"),
    ]  # fmt: skip
    reasons = dict((r, reason) for r, _, reason in rejects)
    assert reasons[5] == _damaged()[1]
    assert reasons[6] == NO_TIME
    assert reasons[7].startswith("not an NMEA sentence")
    assert reasons[10] == (
        "latitude 91.0 is outside -90..90 (AIS writes 91 and 181 for 'not available')"
    )
    assert reasons[12] == (
        "tag block c: '1672876800000' is not a UNIX time in seconds (milliseconds? it is in "
        "seconds)"
    )
    assert reasons[13] == "the payload is 6 bits, too short for message type 1"
    assert reasons[16] == "part 2 of 2 of a message whose first part is missing"
    assert others == [
        (3, "message", "message type 5 (static and voyage data) is not a vessel position report"),
        (4, "message", "part 2 of 2 of the message on line 3"),
        (11, "sentence", "$GPGGA is not an AIS sentence (!AIVDM, !AIVDO)"),
        (15, "message", "part 2 of 2 of the position on line 14"),
        (17, "message", "message type 5 (static and voyage data) is not a vessel position report "
                        "(part 2 of 2 is missing)"),
    ]  # fmt: skip
    counts = {"rows_read": 16, "loaded": 4, "rejected": 7, "not_positions": 5, "layout": "nmea"}
    assert tracks.attrs["files"] == [{"file": str(tagged), **counts}]
    # unused_rows lists every line no visit uses, rejected or not a position.
    unused = geo.tracks.unused_rows(tracks)
    assert unused["row"].tolist() == [3, 4, 5, 6, 7, 10, 11, 12, 13, 15, 16, 17]
    assert set(unused["outcome"]) == {"rejected", "not a position"}
    visits = geo.zone_visits(tracks, distances=False)
    assert visits["n_positions"].sum() + len(unused) == tracks.attrs["rows_read"]


def test_logger_timestamps_read_as_the_same_rows_a_csv_gives(tmp_path):
    # Two logger forms: "ISO-time space sentence" and "ISO-time,sentence"; an offset is
    # converted; a line with both a timestamp and a tag block takes the tag block's time.
    route = [(123.10, 25.60), (123.12, 25.61), (123.14, 25.62), (123.16, 25.63)]
    sent = [_position(412000001, lon, lat, sog=11.0, cog=60.0) for lon, lat in route]
    static = _static(412000001, seq_id=1)
    lines = [
        f"2023-01-05T00:00:00Z {sent[0]}",
        f"2023-01-05 00:10:00,{sent[1]}",
        f"2023-01-05 00:15:00,{static[0]}",
        f"2023-01-05 00:15:00,{static[1]}",
        f"2023-01-05T09:20:00+09:00 {sent[2]}",  # 00:20 UTC
        f"2023-01-05T00:29:59Z {_tag(_at(1800))}{sent[3]}",  # the tag block says 00:30:00
        f"1672876800 {sent[0]}",  # a UNIX time is not one of the two forms
        f"2023-02-30T00:00:00Z {sent[0]}",  # no such day
        f"2023-01-05T00:40:00Z \\{_at(2400)}*00\\{sent[0]}",  # a damaged tag block
    ]
    path = _write(tmp_path / "logger.txt", lines)  # .txt: recognised by its first line
    assert is_nmea(path)
    tracks = geo.load_tracks(path)
    rejects, others = _accounts(tracks)
    assert rejects == [
        (7, "sentence", "'1672876800' before the sentence is not an ISO 8601 timestamp with a "
                        "space or a comma after it (e.g. '2023-01-05T00:00:01Z ')"),
        (8, "time", "timestamp '2023-02-30T00:00:00Z' is not a date and time"),
        (9, "checksum", f"tag block checksum *00 does not match its fields (*{_cs(_at(2400))}): "
                        "the line is damaged"),
    ]  # fmt: skip
    assert [r for r, _, _ in others] == [3, 4]
    # The same positions as a CSV file: the same table but for the NMEA-only columns.
    times = [T0 + pd.Timedelta(minutes=m) for m in (0, 10, 20, 30)]
    csv = pd.DataFrame({"mmsi": ["412000001"] * 4, "time": [t.isoformat() for t in times],
                        "lat": [p[1] for p in route], "lon": [p[0] for p in route],
                        "sog": 11.0, "cog": 60.0})  # fmt: skip
    csv_path = tmp_path / "same.csv"
    csv.to_csv(csv_path, index=False)
    expected = geo.load_tracks(csv_path).drop(columns="row")
    got = tracks.drop(columns=["row", "msg_type"])
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected))
    assert tracks["row"].tolist() == [1, 2, 5, 6]
    # A list of two NMEA files is one table: the repeated report is a duplicate.
    again = _write(tmp_path / "next.nmea", [_tag(_at(1800)) + sent[3]])
    both = geo.load_tracks([path, again])
    assert both["flag_duplicate"].sum() == 1
    assert [f["not_positions"] for f in both.attrs["files"]] == [2, 0]
    assert {r["file"] for r in both.attrs["not_positions"]} == {str(path)}


def test_files_are_recognised_by_ending_or_first_line(tmp_path):
    line = _tag(_at(0)) + _position(412000001, 123.15, 25.75)
    gz = tmp_path / "day.nmea.gz"
    with gzip.open(gz, "wt", encoding="ascii") as f:
        f.write(line + "\n")
    log = _write(tmp_path / "day.log", ["", line])  # first non-blank line
    csv_named = _write(tmp_path / "day.csv", [f"2023-01-05 00:00:00,{_position(412000001, 1, 2)}"])
    for path in (gz, log, csv_named):
        assert is_nmea(path)
        assert len(geo.load_tracks(path)) == 1
    plain = _write(tmp_path / "plain.csv", ["mmsi,time,lat,lon", "412000001,2023-01-05,25,123"])
    assert not is_nmea(plain)
    assert geo.load_tracks(plain).attrs["layout"] == "plain"
    odd = _write(tmp_path / "notes.log", ["hello"])
    with pytest.raises(InputError, match=r"cannot read \.log files as tracks: .* or NMEA"):
        geo.load_tracks(odd)


def test_zone_visits_of_an_nmea_track_across_the_senkaku_territorial_sea(tmp_path):
    # West to east along 25.65N, south of Uotsuri-jima: EEZ, contiguous zone, territorial
    # sea, contiguous zone, EEZ; a report every 20 minutes at 12 kn.
    lons = np.round(np.arange(122.95, 124.12, 0.07), 2)
    lines = [_tag(_at(1200 * i)) + _position(412000001, float(lon), 25.65, sog=12.0, cog=90.0)
             for i, lon in enumerate(lons)]  # fmt: skip
    lines.insert(3, _tag(_at(3000)) + _static(412000001, seq_id=2)[0])
    lines.insert(4, _static(412000001, seq_id=2)[1])
    tracks = geo.load_tracks(_write(tmp_path / "crossing.nmea", lines))
    assert len(tracks) == len(lons)
    visits = geo.zone_visits(tracks)
    assert visits["zone_kind"].tolist() == [
        "eez", "contiguous_zone", "territorial_sea", "contiguous_zone", "eez"
    ]  # fmt: skip
    assert visits["claimants"].iloc[2] == "CHN/JPN/TWN"
    assert visits["min_distance_to_coast_nm"].iloc[2] < 12.0
    # The same reports as a frame give the same visits.
    frame = pd.DataFrame({"mmsi": "412000001", "lat": 25.65, "lon": lons, "sog": 12.0,
                          "cog": 90.0, "time": [T0 + pd.Timedelta(seconds=1200 * i)
                                                for i in range(len(lons))]})  # fmt: skip
    pd.testing.assert_frame_equal(visits, geo.zone_visits(geo.load_tracks(frame)))


def _cli(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def _counts(stdout: str) -> list[int]:
    m = re.search(r"(\d+) rows read from 1 file: (\d+) in visits, (\d+) left out \((\d+) "
                  r"duplicates, (\d+) jumps\), (\d+) rejected, (\d+) not positions",
                  stdout)  # fmt: skip
    assert m, stdout
    read, used, left, dup, jump, rejected, other = map(int, m.groups())
    assert left == dup + jump
    assert used + left + rejected + other == read
    return [read, used, left, rejected, other]


def test_tracks_visits_reads_nmea(capsys, tagged, tmp_path):
    # Good positions and a type 5 in the Senkaku contiguous zone: other messages do not stop it.
    static = _static(412000001, seq_id=4)
    good = _write(tmp_path / "cz.nmea", [
        _tag(_at(0)) + _position(412000001, 123.15, 25.75),
        _tag(_at(60)) + static[0], static[1],
        _tag(_at(3600)) + _position(412000001, 123.16, 25.76),
        _tag(_at(7200)) + _position(412000001, 123.17, 25.75),
    ])  # fmt: skip
    out = tmp_path / "visits.parquet"
    status, stdout, stderr = _cli(capsys, "tracks", "visits", good, "-o", out, "--no-distances",
                                  "--no-progress")  # fmt: skip
    assert status == 0, stderr
    assert _counts(stdout) == [5, 3, 0, 0, 2]
    assert pd.read_parquet(out)[["zone_kind", "n_positions"]].values.tolist() == [
        ["contiguous_zone", 3]
    ]
    # A bad line stops the command with one line naming the file and the line.
    status, _, stderr = _cli(capsys, "tracks", "visits", tagged, "-o", out)
    assert status == 2
    assert stderr.strip() == (
        f"flashpoints: {tagged}, row 5: checksum: {_damaged()[1]} (7 rows rejected in all; "
        "--rejects FILE lists them)"
    )
    # --skip-invalid uses the rest; --rejects lists every line not in a visit.
    rejects = tmp_path / "rejects.csv"
    status, stdout, stderr = _cli(capsys, "tracks", "visits", tagged, "-o", out, "--skip-invalid",
                                  "--rejects", rejects, "--no-distances",
                                  "--no-progress")  # fmt: skip
    assert status == 0
    assert f"{tagged}, row 5: checksum" in stderr
    read, used, _, rejected, other = _counts(stdout)
    assert (read, rejected, other) == (16, 7, 5)
    listed = pd.read_csv(rejects)
    assert len(listed) == read - used
    assert listed.groupby("outcome").size().to_dict() == {"not a position": 5, "rejected": 7}
    assert (listed["file"] == str(tagged)).all()


def test_without_pyais_nmea_is_one_line_naming_the_extra(capsys, tagged, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyais", None)  # import pyais raises ImportError
    message = f"{tagged}: reading NMEA (AIS sentences) needs pyais: pip install 'flashpoints[nmea]'"
    with pytest.raises(InputError) as info:
        geo.load_tracks(tagged)
    assert str(info.value) == message
    status, _, stderr = _cli(capsys, "tracks", "visits", tagged, "-o", tmp_path / "v.parquet")
    assert status == 2
    assert stderr.strip() == f"flashpoints: {message}"
