import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.coords import excerpt, format_position, parse_angle, parse_position


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26°04′N 122°44′E", (26 + 4 / 60, 122 + 44 / 60)),
        ("26° 04' N, 122° 44' E", (26 + 4 / 60, 122 + 44 / 60)),
        ("37-30N 134-00E", (37.5, 134.0)),
        ("N37.5 E134", (37.5, 134.0)),
        ("E134 N37.5", (37.5, 134.0)),
        ("122.5E 26N", (26.0, 122.5)),
        ("37.5, 134.0", (37.5, 134.0)),
        ("-33.5, -70.25", (-33.5, -70.25)),
        ("33°30'S 70°15'W", (-33.5, -70.25)),
        ("26°04'30\"N 122°44'E", (26.075, 122 + 44 / 60)),
        ("37 30.5 N, 134 0 E", (37 + 30.5 / 60, 134.0)),
        ("35°N 135°E", (35.0, 135.0)),
    ],
)
def test_parse_position_forms(text, expected):
    lat, lon = parse_position(text)
    assert lat == pytest.approx(expected[0], abs=1e-9)
    assert lon == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "cannot read"),
        ("95, 130", "latitude 95 is outside"),
        ("26N 27N", "two N hemispheres"),
        ("26°75'N 122°E", "below 60"),
        ("", "empty"),
    ],
)
def test_parse_position_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_position(text)


def test_parse_angle_sign_and_hemisphere_conflict():
    with pytest.raises(ValueError, match="both a sign and a hemisphere"):
        parse_angle("-26N")


lats = st.floats(min_value=-89.999, max_value=89.999, allow_nan=False)
lons = st.floats(min_value=-179.999, max_value=179.999, allow_nan=False)


@given(lats, lons, st.sampled_from(["dms", "dm", "decimal"]))
def test_format_then_parse_round_trips(lat, lon, style):
    text = format_position(lat, lon, style=style)
    lat2, lon2 = parse_position(text)
    tol = {"dms": 0.006 / 3600, "dm": 0.0006 / 60, "decimal": 1e-6}[style]
    assert math.isclose(lat2, lat, abs_tol=tol)
    assert math.isclose(lon2, lon, abs_tol=tol)


def test_whitespace_between_parts_is_read():
    assert parse_position("26N" + " " * 300 + "122E") == (26.0, 122.0)
    assert parse_position("26 °  04 \t'  N ,   122 ° 44 ' E") == pytest.approx(
        (26 + 4 / 60, 122 + 44 / 60)
    )


@pytest.mark.parametrize(
    "text",
    ["1" + " " * 400 + "x", "N" + " " * 400 + "1 x", "26°04′N " + "1 " * 200, "9" * 500],
)
def test_long_unreadable_text_gets_a_short_message(text):
    with pytest.raises(ValueError, match="cannot read") as info:
        parse_position(text)
    message = str(info.value)
    assert len(message) <= 200
    assert f"({len(text)} characters)" in message


def test_excerpt_keeps_short_text_whole():
    assert excerpt("26N 122E") == "'26N 122E'"


def test_excerpt_cuts_long_text_and_gives_its_length():
    assert excerpt("abcdef" * 50, max_chars=10) == "'abcdefabcd…' (300 characters)"


def test_excerpt_counts_escaped_characters():
    shown = excerpt("\x00" * 50, max_chars=20)
    assert shown.startswith("'\\x00")
    assert len(shown) <= 20 + 3 + len(" (50 characters)")
    assert shown.endswith("(50 characters)")


@given(st.text(max_size=300))
def test_excerpt_is_bounded(text):
    assert len(excerpt(text)) <= 80 + 3 + len(" (300 characters)")
