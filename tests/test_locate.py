import math

import pandas as pd
import pytest

import geo
import geo.settings
from geo.gazetteer import Gazetteer
from geo.geodesy import GEOD
from geo.locate import locate
from geo.uncertainty import MAX_DISTANCE_KM


@pytest.fixture
def gaz():
    return Gazetteer(
        pd.DataFrame(
            {
                "name": ["Alpha Island", "Cape Beta"],
                "alt_names": ["Alpha-jima;Alfa", ""],
                "lat": [40.0, 35.0],
                "lon": [140.0, 130.0],
                "radius_km": [2.0, 0.5],
                "source": ["test", "test"],
            }
        )
    )


@pytest.mark.parametrize(
    ("text", "dist_km", "bearing"),
    [
        ("approximately 200 km west of Alpha Island", 200.0, 270.0),
        ("about 100 nautical miles NNW of the Alpha-jima", 185.2, 337.5),
        ("50 miles south-east of Alpha Island, inside the EEZ", 80.4672, 135.0),
        ("waters about 20 kilometers southwest of the island of Alpha in Beta", 20.0, 225.0),
        ("some 1,180 kilometers north-northwest of Cape Beta's Alpha Island", 1180.0, 337.5),
        ("Alpha-jimaの北西約30キロ", 30.0, 315.0),
        ("沖縄県・Alpha-jimaから南南東200~250キロの海域", 225.0, 157.5),
        ("120 km bearing 045° from Alfa", 120.0, 45.0),
    ],
)
def test_relative_phrases_are_geodesic(gaz, text, dist_km, bearing):
    loc = locate(text, gazetteer=gaz)
    az, _, d = GEOD.inv(140.0, 40.0, loc.lon, loc.lat)
    assert d / 1000 == pytest.approx(dist_km, rel=1e-9)
    assert az % 360 == pytest.approx(bearing, abs=1e-6)
    assert loc.method == "relative"
    assert loc.landmark == "Alpha Island"


def test_uncertainty_grows_with_hedge_and_compass(gaz):
    hedged = locate("approximately 200 km west of Alpha Island", gazetteer=gaz)
    plain = locate("200 km west of Alpha Island", gazetteer=gaz)
    bearing = locate("200 km 270 of Alpha Island", gazetteer=gaz)
    lateral = 200 * math.sin(math.radians(11.25))
    assert hedged.uncertainty_km == pytest.approx(math.hypot(20, lateral) + 2.0)
    assert plain.uncertainty_km == pytest.approx(math.hypot(10, lateral) + 2.0)
    assert bearing.uncertainty_km < plain.uncertainty_km


def test_range_widens_uncertainty(gaz):
    ranged = locate("about 300 km to 350 km west of the Alpha Island in Gamma", gazetteer=gaz)
    assert ranged.distance_km == pytest.approx(325.0)
    lateral = 325 * math.sin(math.radians(11.25))
    assert ranged.uncertainty_km == pytest.approx(math.hypot(32.5, lateral) + 2.0)


def test_japanese_coordinates():
    loc = locate("北緯28度49.6分、東経126度17.6分")
    assert (loc.lat, loc.lon) == pytest.approx((28 + 49.6 / 60, 126 + 17.6 / 60))
    assert loc.uncertainty_km == pytest.approx(0.05 / 60 * 111.32)


def test_unknown_landmark_names_closest(gaz):
    with pytest.raises(ValueError, match=r"unknown landmark 'Alpa Island'.*Alpha Island"):
        locate("200 km west of Alpa Island", gazetteer=gaz)


def test_coordinates_uncertainty_follows_precision():
    assert locate("26°04′N 122°44′E").uncertainty_km == pytest.approx(0.5 / 60 * 111.32)
    assert locate("26N 122E").uncertainty_km == pytest.approx(0.5 * 111.32)
    assert locate("26.07, 122.73").uncertainty_km == pytest.approx(0.005 * 111.32)


def test_garbage_is_a_clear_error(gaz):
    with pytest.raises(ValueError, match="cannot read"):
        locate("somewhere off the coast of nowhere", gazetteer=gaz)


# Hardening (issue 13): bounded input, checked distances, short messages.


def test_text_over_the_limit_is_rejected_unread(gaz):
    long = "200 km west of Alpha Island, " + "x" * 600
    with pytest.raises(ValueError, match="position text") as info:
        locate(long, gazetteer=gaz)
    assert str(info.value) == "position text is 629 characters; at most 500 are read"


def test_limit_counts_the_text_without_surrounding_spaces(gaz):
    text = "200 km west of Alpha Island" + " " * 490
    padded = " " * 100 + text.ljust(500 - 100)
    assert len(padded.strip()) <= 500 < len(padded)
    assert locate(padded, gazetteer=gaz).landmark == "Alpha Island"


def test_limit_is_a_setting(gaz, monkeypatch):
    monkeypatch.setattr(geo.settings, "POSITION_MAX_CHARS", 20)
    with pytest.raises(ValueError, match="is 27 characters; at most 20 are read"):
        locate("200 km west of Alpha Island", gazetteer=gaz)
    assert locate("26N 122E").lat == 26.0


@pytest.mark.parametrize(
    "text",
    [
        "-200 km west of Alpha Island",
        "about −200 km west of Alpha Island",
        "approximately -120 nautical miles bearing 045° from Alfa",
        "Alpha-jimaの西-200キロ",
    ],
)
def test_negative_distance_is_rejected(gaz, text):
    with pytest.raises(ValueError, match="negative distance"):
        locate(text, gazetteer=gaz)


@pytest.mark.parametrize(
    ("text", "far"),
    [
        ("50,000 km west of Alpha Island", "50,000"),
        ("100 to 30,000 km west of Alpha Island", "30,000"),
        ("11,000 nautical miles NNW of Alpha Island", "20,372"),
        ("Alpha-jimaの西約25000キロ", "25,000"),
    ],
)
def test_distance_beyond_half_the_earth_is_rejected(gaz, text, far):
    with pytest.raises(ValueError, match="beyond half") as info:
        locate(text, gazetteer=gaz)
    message = str(info.value)
    assert f"distance {far}" in message
    assert "beyond half the Earth's circumference (20,037.5 km)" in message


def test_distance_up_to_half_the_earth_is_read(gaz):
    assert pytest.approx(20_037.5, abs=0.01) == MAX_DISTANCE_KM
    loc = locate("20,000 km west of Alpha Island", gazetteer=gaz)
    lon, lat, _ = GEOD.fwd(140.0, 40.0, 270.0, 20_000_000.0)
    assert (loc.lat, loc.lon) == pytest.approx((lat, lon))
    assert loc.distance_km == 20_000.0


@pytest.mark.parametrize(
    "text",
    [
        "200 km to 100 nautical miles west of Alpha Island",
        "100 nautical miles to 200 km west of Alpha Island",
        "100 nautical miles - 200 kilometres west of Alpha Island",
    ],
)
def test_range_with_two_units_reads_each_number_in_its_unit(gaz, text):
    loc = locate(text, gazetteer=gaz)
    low, high = 185.2, 200.0
    assert loc.distance_km == pytest.approx((low + high) / 2)
    lateral = loc.distance_km * math.sin(math.radians(11.25))
    radial = max(loc.distance_km * 0.05, (high - low) / 2)
    assert loc.uncertainty_km == pytest.approx(math.hypot(radial, lateral) + 2.0)
    _, _, d = GEOD.inv(140.0, 40.0, loc.lon, loc.lat)
    assert d / 1000 == pytest.approx(192.6, rel=1e-9)


def test_range_with_one_unit_applies_it_to_both_numbers(gaz):
    loc = locate("100 to 120 nautical miles west of Alpha Island", gazetteer=gaz)
    assert loc.distance_km == pytest.approx(110 * 1.852)


def test_bearing_over_360_is_still_rejected(gaz):
    with pytest.raises(ValueError, match="bearing 400 is over 360 degrees"):
        locate("120 km bearing 400° from Alfa", gazetteer=gaz)


def test_an_estimated_is_a_hedge(gaz):
    hedged = locate("an estimated 200 km west of Alpha Island", gazetteer=gaz)
    assert hedged.uncertainty_km == pytest.approx(
        locate("about 200 km west of Alpha Island", gazetteer=gaz).uncertainty_km
    )


@pytest.mark.parametrize(
    "text",
    [
        "200 km west of Alpha Island\nsecond line of the cell",
        "200 km west of Alpha Island) and more",
        "Reported: 200 km west of Alpha Island (Japan); source X",
    ],
)
def test_place_ends_at_a_line_end_or_bracket(gaz, text):
    assert locate(text, gazetteer=gaz).landmark == "Alpha Island"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("1 km west of " + "y" * 300, "y" * 80),
        ("200 km " + "w" * 300 + " of Alpha Island", "w" * 80),
        ("somewhere " * 45 + "of x", ("somewhere " * 8)),
        ("9" * 400 + " km west of Alpha Island", "9" * 80),
    ],
)
def test_messages_quote_at_most_80_characters(gaz, text, quoted):
    with pytest.raises(ValueError, match="…") as info:
        locate(text, gazetteer=gaz)
    message = str(info.value)
    assert len(message) <= 200
    assert f"{quoted}…" in message
    assert text not in message


def test_messages_do_not_grow_with_escaped_characters(gaz):
    text = "\x00" * 400 + " of x"
    with pytest.raises(ValueError, match="cannot read") as info:
        locate(text, gazetteer=gaz)
    assert len(str(info.value)) <= 200


def test_locate_is_exported_with_its_limit():
    assert geo.locate is locate
    assert geo.settings.POSITION_MAX_CHARS == 500


# Through the API and the command line: rows are rejected with the reason, counted.


def _positions_csv(tmp_path):
    rows = [
        ("ok", "26°04′N 122°44′E"),
        ("long", "200 km west of Okushiri Island " + "blah " * 114),
        ("negative", "-200 km west of Okushiri Island"),
        ("far", "50,000 km west of Okushiri Island"),
        ("hostile", "1 km w of " * 9_000 + "X"),
    ]
    path = tmp_path / "positions.csv"
    pd.DataFrame(rows, columns=["title", "position"]).to_csv(path, index=False)
    return path


def test_load_incidents_rejects_bad_positions_with_reasons(tmp_path):
    gdf = geo.load_incidents(_positions_csv(tmp_path))
    bad = geo.rejects(gdf)
    assert gdf["title"].tolist() == ["ok"]
    reasons = dict(zip(bad["row"], bad["reason"], strict=True))
    assert sorted(reasons) == [2, 3, 4, 5]
    assert "position text is 600 characters" in reasons[2]
    assert "at most 500 are read" in reasons[2]
    assert "negative distance" in reasons[3]
    assert "beyond half the Earth's circumference" in reasons[4]
    assert "position text is 90,001 characters" in reasons[5]
    assert all(len(r) <= 200 for r in reasons.values())


def test_cli_reports_bad_positions_in_one_line(tmp_path, cli):
    src = _positions_csv(tmp_path)
    checked = cli("incidents", "check", str(src))
    assert checked.returncode == 1, checked.stderr
    assert f"{src}: 5 rows, 1 loaded, 4 rejected" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr
    out = tmp_path / "out.csv"
    run = cli("classify", str(src), "-o", str(out))
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"flashpoints: {src}, row 2: position: position text is 600 ")
    assert lines[0].endswith(
        "at most 500 are read (4 rows rejected in all; --rejects FILE lists them)"
    )
    assert not out.exists()
