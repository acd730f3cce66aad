"""Hostile position text: bounded work, and only ValueError with a short message.

The phrase parser of :mod:`geo.locate` counts its work in steps (``_Scanner``: one
step per token made or looked at, each a bounded amount of work, the token pattern
using only possessive repetition). The budget is :data:`STEPS_PER_CHAR` steps per
character, whatever the text: a fixed count, not seconds, so the test does not
depend on the machine. Coordinates (:mod:`geo.coords`) and the gazetteer lookup
have no step counter; for them (and the parser again) a scaling test checks that
8 times the text costs well under 64 times the time (a quadratic cost would).
"""

from __future__ import annotations

import contextlib
import math
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import geo.settings
from geo.coords import parse_position
from geo.locate import Location, _read_phrase, locate
from geo.uncertainty import MAX_DISTANCE_KM

#: Steps the phrase parser may take per character of text (plus STEPS_FIXED).
STEPS_PER_CHAR = 16
STEPS_FIXED = 16

#: Pieces of phrases, coordinates and noise that hostile text is built from.
FRAGMENTS = [
    "1", "9", "200", "045", "1,000", ",000", ".5", ".", "0", " ", "  ", "\t", "\n",
    "km", " km", "kms", "kilometres", "nautical", " nautical miles", "nm", "mi", "miles",
    " of ", "of", "from", " off ", "to", " to ", "the", "to the ", "-", "−", "–", "~",
    "〜", "about ", "approx.", "ca.", "an estimated ", "west", "north-northwest", "NNW",
    "south east", "bearing ", "045°", "°", " true", "(", ")", ",", ";", "'s ", " in ",
    "the island of ", "Okushiri Island", "Oga Peninsula", "Dogo", "北", "北北西", "西",
    "東", "の", "から", "約", "およそ", "キロ", "キロメートル", "海里", "、", "。", "・",
    "沖", "奥尻島", "N", "E", "S", "W", "26°04′N", "122°44′E", "'", '"', "″", "度",
    "分", "北緯", "東経", "x", "é", "\x00", "\u200b", "١٢",
]  # fmt: skip

_fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
_repeated = st.tuples(
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join),
    st.integers(min_value=1, max_value=3_000),
).map(lambda piece_times: piece_times[0] * piece_times[1])
TEXTS = st.one_of(st.text(max_size=700), _fragments, _repeated)

#: Periodic texts that make backtracking parsers quadratic or worse.
WORST_PIECES = [
    "1 ", "1 km ", "1 km w ", "1 km w of (", "1 km to ", "1 km to 1 km ", "about ",
    "~1", "-1 km ", "1 km west ", "1 km bearing 045 ", "of ", "北1", "北北西", "x北北西約1",
    "の北1キロ、", "あ", "1,000,", "a-", "N 1 ", "26N ", "'", "\n1 km",
]  # fmt: skip


@pytest.mark.parametrize("piece", WORST_PIECES)
@pytest.mark.parametrize("length", [1_000, 16_000])
def test_parser_steps_stay_within_budget_on_periodic_text(piece, length):
    text = (piece * (length // len(piece) + 1))[:length]
    _, steps = _read_phrase(text)
    assert steps <= STEPS_PER_CHAR * len(text) + STEPS_FIXED


@hypothesis_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(TEXTS)
def test_parser_steps_stay_within_budget(text):
    _, steps = _read_phrase(text)
    assert steps <= STEPS_PER_CHAR * len(text) + STEPS_FIXED


def _check_location(loc: Location) -> None:
    """A returned location is a real point with a finite, non-negative uncertainty."""
    assert isinstance(loc, Location)
    assert -90.0 <= loc.lat <= 90.0
    assert -180.0 <= loc.lon <= 180.0
    assert math.isfinite(loc.uncertainty_km)
    assert loc.uncertainty_km >= 0.0
    if loc.method == "relative":
        assert 0.0 <= loc.distance_km <= MAX_DISTANCE_KM
        assert 0.0 <= loc.bearing_deg < 360.0


@hypothesis_settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(TEXTS)
def test_locate_returns_a_location_or_a_short_value_error(text):
    try:
        loc = locate(text)
    except ValueError as exc:
        message = str(exc)
        assert 0 < len(message) <= 200, message
        n = len(text.strip())
        if n > geo.settings.POSITION_MAX_CHARS:
            assert message == f"position text is {n:,} characters; at most 500 are read"
        return
    assert len(text.strip()) <= geo.settings.POSITION_MAX_CHARS
    _check_location(loc)


def _best_seconds(function, text: str, repeats: int = 5) -> float:
    """Return the shortest of `repeats` timings of ``function(text)``."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        with contextlib.suppress(ValueError):
            function(text)
        best = min(best, time.perf_counter() - start)
    return best


SCALING_TEXTS = {
    "spaces in coordinates": lambda n: "1" + " " * n + "x",
    "hemisphere then spaces": lambda n: "N" + " " * n + "1 x",
    "many numbers": lambda n: ("1 " * n)[:n],
    "Japanese directions and numbers": lambda n: ("北1" * n)[:n],
    "Japanese text without a phrase": lambda n: "あ" * n,
    "phrases cut by brackets": lambda n: ("1 km w of a) " * n)[:n],
    "a place that never ends": lambda n: "1 km west of " + "・" * n,
    "unit and range words": lambda n: ("1 km to " * n)[:n],
}


@pytest.mark.parametrize("make", SCALING_TEXTS.values(), ids=SCALING_TEXTS.keys())
@pytest.mark.parametrize("function", [locate, parse_position], ids=["locate", "parse_position"])
def test_time_grows_linearly_with_the_text(make, function, monkeypatch):
    monkeypatch.setattr(geo.settings, "POSITION_MAX_CHARS", 1_000_000)
    small = _best_seconds(function, make(2_000))
    large = _best_seconds(function, make(16_000))
    # 8 times the text: linear work takes about 8 times as long, quadratic 64 times.
    assert large <= 24 * small + 0.005, (small, large)
