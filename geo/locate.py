"""Turn position text into a point with an honest uncertainty.

:func:`locate` reads coordinates (see :mod:`geo.coords`) or a relative phrase
such as "approximately 200 km west of Oshima-Oshima", "350 km NNW of Dogo",
"120 nautical miles bearing 045 from Sunan" or "魚釣島から北北西約61キロ", resolved
geodesically from a gazetteer landmark.

Uncertainty model (``uncertainty_km``, the radius of a disc that should hold the
true position), defined in :mod:`geo.uncertainty`:

* coordinates: half a unit of the last digit given (whole degrees: 0.5 degree,
  about 56 km; minutes: 0.5 minute, about 0.9 km; two decimals: 0.005 degree);
* two distances from two landmarks ("about 500 km from Sado and 300 km from the
  Oki islands"): the point at both distances (the crossing of two geodesic
  circles) that lies at sea in the bundled zone set, with the uncertainty of
  :func:`geo.uncertainty.two_range_uncertainty_km`; when both crossings are at
  sea (or neither is known), the text is refused as ambiguous, naming both;
* a landmark's name alone ("in the Shikoku Basin", "四国海盆海域"): the landmark's
  point, with its radius as the uncertainty;
* relative phrases: the root-sum-square of a distance error (5 % of the distance,
  10 % when hedged with "approximately", "about", "around", "some", "roughly",
  "nearly", "an estimated", "ca." or "~") and a lateral error (distance times the
  sine of half a compass sector: 11.25 degrees for named directions such as "west"
  or "NNW", 0.5 degree for a bearing in degrees), plus the landmark's own radius.

Bounded work: text longer than :data:`geo.settings.POSITION_MAX_CHARS` characters
is rejected unread, and phrases are read by a tokenizer whose pattern only uses
possessive repetition (the regex engine never backtracks into what it consumed)
and a grammar that looks at each token a bounded number of times, so the work is
linear in the length of the text: :class:`_Scanner` counts it in steps.

Distances are checked: a negative distance ("-200 km west of X") and one beyond
half the Earth's circumference (:data:`geo.uncertainty.MAX_DISTANCE_KM`,
20,037.5 km) are rejected; in a range each number has its own unit ("200 km to
100 nautical miles" is 185.2 to 200 km). The landmark's name ends at the first
``,``, ``;``, ``(``, ``)`` or line end.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import shapely

from . import settings
from .coords import excerpt, parse_position
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import GEOD, circle_intersections, destination
from .uncertainty import (
    BEARING_HALF_SECTOR_DEG,
    COMPASS_HALF_SECTOR_DEG,
    MAX_DISTANCE_KM,
    coordinate_uncertainty_km,
    relative_uncertainty_km,
    two_range_uncertainty_km,
)
from .zones.schema import coverage_of

__all__ = ["COMPASS_DEG", "Location", "locate"]

#: Bearings of the 16 compass points, degrees clockwise from north.
COMPASS_DEG: dict[str, float] = {
    name: i * 22.5
    for i, name in enumerate(
        [
            "n",
            "nne",
            "ne",
            "ene",
            "e",
            "ese",
            "se",
            "sse",
            "s",
            "ssw",
            "sw",
            "wsw",
            "w",
            "wnw",
            "nw",
            "nnw",
        ]
    )
}
_WORDS = {"north": "n", "south": "s", "east": "e", "west": "w"}

_NM_KM = settings.NM_M / 1000.0
_MI_KM = 1.609344
# One-word units; "nautical miles" is two words (see _unit).
_UNITS_KM = {
    "km": 1.0,
    "kms": 1.0,
    "kilometer": 1.0,
    "kilometers": 1.0,
    "kilometre": 1.0,
    "kilometres": 1.0,
    "nm": _NM_KM,
    "nmi": _NM_KM,
    "mi": _MI_KM,
    "mile": _MI_KM,
    "miles": _MI_KM,
}
_HEDGE_WORDS = ("approximately", "approx", "about", "around", "some", "roughly", "nearly", "~")
_DOTTED_HEDGES = ("approx", "ca", "c")  # "approx.", "ca.", "c."
_MINUS = ("-", "−", "–")
_RANGE = ("to", "-", "–", "~", "〜", "～")
_CONNECTORS = ("of", "from", "off")
_PLACE_END = re.compile(r"[,;()\n]")
_BEARING = re.compile(r"\d{1,3}(?:\.\d+)?")

_JA_DIRS = {
    "北北東": "nne", "北北西": "nnw", "東北東": "ene", "西北西": "wnw", "東南東": "ese",
    "西南西": "wsw", "南南東": "sse", "南南西": "ssw", "北東": "ne", "北西": "nw",
    "南東": "se", "南西": "sw", "北": "n", "南": "s", "東": "e", "西": "w",
}  # fmt: skip
_JA_UNITS = {"キロメートル": "km", "キロ": "km", "km": "km", "海里": "nm", "マイル": "mi"}
_JA_SEPARATORS = ("、", ",", "。")
_JA_RANGE = ("~", "〜", "～", "-")
#: Japanese landmark names are tried as suffixes of the place text up to this length.
_JA_NAME_MAX_CHARS = 20
_JA_COORDS = str.maketrans(
    {"北": "N", "南": "S", "東": "E", "西": "W", "度": "°", "分": "'", "秒": '"', "、": ","}
)

# Tokens of a position text. Every repetition is possessive or bounded, so each
# token costs the engine work proportional to its own length plus a constant.
_NUM = r"\d{1,3}(?:,\d{3}){1,6}(?!\d)(?:\.\d++)?+|\d++(?:\.\d++)?+"
_TOKEN = re.compile(
    rf"""(?P<num>{_NUM})
    |(?P<word>[A-Za-z]++)
    |(?P<jadir>{"|".join(_JA_DIRS)})
    |(?P<jaunit>キロメートル|キロ|海里|マイル)
    |(?P<jahedge>おおよそ|およそ|約)
    |(?P<space>\s++)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Location:
    """A resolved position.

    Attributes
    ----------
    lat, lon : float
        Degrees.
    uncertainty_km : float
        Radius of the disc that should contain the true position.
    method : str
        ``"coordinates"``, ``"relative"``, ``"two ranges"`` or ``"landmark"`` (the
        text names a landmark and nothing more: its point, with its radius).
    landmark : str
        Gazetteer name of the landmark (relative phrases; for two ranges, both
        names joined by "; ").
    distance_km, bearing_deg : float
        The offset from the landmark (relative phrases only).
    """

    lat: float
    lon: float
    uncertainty_km: float
    method: str
    landmark: str = ""
    distance_km: float = math.nan
    bearing_deg: float = math.nan


class _Token(NamedTuple):
    """One token: its kind (a group of :data:`_TOKEN`), text (words in lower case), span."""

    kind: str
    text: str
    start: int
    end: int


def _token(m: re.Match[str]) -> _Token:
    """Return the token of a :data:`_TOKEN` match."""
    kind = m.lastgroup or "other"
    return _Token(kind, m[0].lower() if kind == "word" else m[0], m.start(), m.end())


@dataclass(frozen=True)
class _Phrase:
    """A relative phrase as read: distances in km, direction text, place text."""

    hedged: bool
    low_km: float
    high_km: float
    direction: str
    place: str
    negative: bool = False


class _Scanner:
    """The tokens of one position text and a count of the parser's steps.

    A step is a bounded amount of work: producing one token, or looking at one.
    The grammar looks at each token a bounded number of times (the direction
    words after a distance are read once, whatever the number of attempts), so
    ``steps`` grows linearly with the text; ``tests/test_locate_fuzz.py`` holds
    it to a fixed budget per character.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [_token(m) for m in _TOKEN.finditer(text)]
        self.steps = len(self.tokens)
        self.tails: dict[int, tuple[str, str] | None] = {}

    def kind(self, i: int) -> str:
        """Return the kind of token `i`, "" outside the text."""
        self.steps += 1
        return self.tokens[i].kind if 0 <= i < len(self.tokens) else ""

    def is_(self, i: int, *texts: str) -> bool:
        """Return whether token `i` is one of `texts` (words in lower case)."""
        self.steps += 1
        return 0 <= i < len(self.tokens) and self.tokens[i].text in texts

    def skip_space(self, i: int) -> int:
        """Return the index after token `i` if it is whitespace, else `i`."""
        return i + 1 if self.kind(i) == "space" else i

    def after_space(self, i: int) -> bool:
        """Return whether token `i` starts the text or follows whitespace."""
        start = self.tokens[i].start
        return start == 0 or self.text[start - 1].isspace()

    def number(self, i: int) -> float:
        """Return the value of number token `i` ("1,180" is 1180)."""
        return float(self.tokens[i].text.replace(",", ""))


def _hedge_start(sc: _Scanner, k: int) -> int | None:
    """Return the first token of a hedge ("about", "an estimated") ending at `k`, or None."""
    if sc.is_(k, *_HEDGE_WORDS):
        return k
    if sc.is_(k, ".") and sc.is_(k - 1, *_DOTTED_HEDGES):
        return k - 1
    if sc.is_(k, "estimated") and sc.kind(k - 1) == "space" and sc.is_(k - 2, "an"):
        return k - 2
    return None


def _lead(sc: _Scanner, i: int) -> tuple[bool, bool] | None:
    """Return (hedged, negative) for a phrase whose distance is number `i`, or None.

    A phrase starts the text or follows whitespace, with a hedge, a minus sign or
    the number itself.
    """
    negative = sc.is_(i - 1, *_MINUS)
    first = i - 1 if negative else i
    hedge = _hedge_start(sc, first - 2 if sc.kind(first - 1) == "space" else first - 1)
    if hedge is not None and sc.after_space(hedge):
        return True, negative
    if sc.after_space(first):
        return False, negative
    return None


def _unit(sc: _Scanner, j: int) -> tuple[int, float] | None:
    """Return (index after, km per unit) of a unit of length at token `j`, or None."""
    if sc.is_(j, "nautical") and sc.kind(j + 1) == "space" and sc.is_(j + 2, "mile", "miles"):
        return j + 3, _NM_KM
    if sc.kind(j) == "word" and sc.tokens[j].text in _UNITS_KM:
        return j + 1, _UNITS_KM[sc.tokens[j].text]
    return None


def _single(sc: _Scanner, i: int) -> tuple[int, float, float] | None:
    """Read "200 km" at number `i`: (index after, low km, high km), or None."""
    unit = _unit(sc, sc.skip_space(i + 1))
    if unit is None:
        return None
    value = sc.number(i) * unit[1]
    return unit[0], value, value


def _range(sc: _Scanner, i: int) -> tuple[int, float, float] | None:
    """Read "200 to 250 km" or "200 km to 100 nautical miles" at number `i`, or None.

    Each number is read in its own unit; one unit given once applies to both.
    """
    j = sc.skip_space(i + 1)
    first_unit = _unit(sc, j)
    if first_unit is not None:
        j = sc.skip_space(first_unit[0])
    if not sc.is_(j, *_RANGE):
        return None
    k = sc.skip_space(j + 1)
    if sc.kind(k) != "num":
        return None
    unit = _unit(sc, sc.skip_space(k + 1))
    if unit is None:
        return None
    per_km = first_unit[1] if first_unit is not None else unit[1]
    return unit[0], sc.number(i) * per_km, sc.number(k) * unit[1]


def _place(sc: _Scanner, p: int) -> str | None:
    """Return the place text from token `p` to the next , ; ( ) or line end, or None."""
    if not 0 <= p < len(sc.tokens) or sc.tokens[p].text[0] in ",;()\n":
        return None
    start = sc.tokens[p].start
    end = _PLACE_END.search(sc.text, start)
    return sc.text[start : end.start() if end else len(sc.text)].strip()


def _connector_and_place(sc: _Scanner, end: int, dir_start: int) -> tuple[str, str] | None:
    """Read " of X" at space token `end`: (direction text from `dir_start`, place), or None."""
    if sc.kind(end) != "space" or not sc.is_(end + 1, *_CONNECTORS):
        return None
    if sc.kind(end + 2) != "space":
        return None
    place = _place(sc, end + 3)
    if place is None:
        return None
    return sc.text[sc.tokens[dir_start].start : sc.tokens[end].start], place


def _after_prefix(sc: _Scanner, j: int) -> int:
    """Return the index after an optional "to the" and "bearing"/"azimuth" at `j`."""
    if sc.is_(j, "to") and sc.kind(j + 1) == "space" and sc.is_(j + 2, "the"):
        j = j + 4 if sc.kind(j + 3) == "space" else j
    if sc.is_(j, "bearing", "azimuth") and sc.kind(j + 1) == "space":
        j += 2
    return j


def _bearing_tail(sc: _Scanner, j: int) -> tuple[str, str] | None:
    """Read "045° true of X" (a bearing in degrees) at token `j`, or None."""
    k = _after_prefix(sc, j)
    if sc.kind(k) != "num" or not _BEARING.fullmatch(sc.tokens[k].text):
        return None
    end = k + 1
    if sc.is_(sc.skip_space(end), "°"):
        end = sc.skip_space(end) + 1
    if sc.is_(sc.skip_space(end), "true"):
        end = sc.skip_space(end) + 1
    return _connector_and_place(sc, end, k)


def _compass_tail(sc: _Scanner, j: int) -> tuple[str, str] | None:
    """Read "north-northwest of X" at token `j`: the first "of"/"from"/"off" with a place."""
    k = j
    while sc.kind(k) in ("word", "space") or sc.is_(k, "-"):
        if k > j + 1 and sc.is_(k, *_CONNECTORS):
            start = _after_prefix(sc, j)
            found = _connector_and_place(sc, k - 1, start if start < k - 1 else j)
            if found is not None:
                return found
        k += 1
    return None


def _tail(sc: _Scanner, j: int) -> tuple[str, str] | None:
    """Read the direction and place after the unit ending before token `j`, or None."""
    if sc.is_(j, "."):
        j += 1
    if sc.kind(j) != "space":
        return None
    j += 1
    if j not in sc.tails:  # a range and its second number lead to the same tail
        sc.tails[j] = _bearing_tail(sc, j) or _compass_tail(sc, j)
    return sc.tails[j]


def _english(sc: _Scanner) -> _Phrase | None:
    """Return the first phrase such as "about 200 km west of X" in the text, or None."""
    for i, token in enumerate(sc.tokens):
        sc.steps += 1
        lead = _lead(sc, i) if token.kind == "num" else None
        if lead is None:
            continue
        for distance in (_range(sc, i), _single(sc, i)):
            tail = _tail(sc, distance[0]) if distance is not None else None
            if distance is not None and tail is not None:
                return _Phrase(lead[0], distance[1], distance[2], *tail, negative=lead[1])
    return None


def _ja_place(sc: _Scanner, d: int) -> str:
    """Return the place before direction token `d`: back to a separator, less の/から."""
    k = d - 1
    while k > 0 and sc.kind(k - 1) != "space" and not sc.is_(k - 1, *_JA_SEPARATORS):
        k -= 1
    place = sc.text[sc.tokens[k].start : sc.tokens[d].start]
    for suffix in ("の", "から"):
        if place.endswith(suffix) and len(place) > len(suffix):
            return place[: -len(suffix)]
    return place


def _japanese_at(sc: _Scanner, d: int) -> _Phrase | None:
    """Read "の西、約200~250キロ" at direction token `d`, or None."""
    k = d + 1
    for _ in range(2):  # "の", "方" (西方), "沖" (北方沖): words between direction and number
        k = k + 1 if sc.is_(k, "の", "方", "沖") else k
    k = sc.skip_space(k + 1 if sc.is_(k, "、", ",") else k)
    hedged = sc.kind(k) == "jahedge"
    k = k + 1 if hedged else k
    negative = sc.is_(k, *_MINUS)
    k = k + 1 if negative else k
    if sc.kind(k) != "num":
        return None
    low = high = sc.number(k)
    end, sep = k + 1, sc.skip_space(k + 1)
    if sc.is_(sep, *_JA_RANGE) and sc.kind(sc.skip_space(sep + 1)) == "num":
        end = sc.skip_space(sep + 1) + 1
        high = sc.number(end - 1)
    u = sc.skip_space(end)
    unit = _JA_UNITS.get(sc.tokens[u].text) if sc.kind(u) in ("jaunit", "word") else None
    if unit is None:
        return None
    per_km, direction = _UNITS_KM[unit], _JA_DIRS[sc.tokens[d].text]
    place = _ja_place(sc, d)
    return _Phrase(hedged, low * per_km, high * per_km, direction, place, negative=negative)


def _japanese(sc: _Scanner) -> _Phrase | None:
    """Return the first phrase such as "奥尻島の西約200キロ" in the text, or None."""
    for d, token in enumerate(sc.tokens):
        sc.steps += 1
        if token.kind != "jadir" or d == 0:
            continue
        if sc.kind(d - 1) == "space" or sc.is_(d - 1, *_JA_SEPARATORS):
            continue  # no place before the direction
        found = _japanese_at(sc, d)
        if found is not None:
            return found
    return None


def _read_phrase(text: str) -> tuple[_Phrase | None, int]:
    """Return the first relative phrase of `text` (English, else Japanese) and the steps."""
    sc = _Scanner(text)
    phrase = _english(sc) or _japanese(sc)
    return phrase, sc.steps


def _direction(text: str) -> tuple[float, float]:
    """Return (bearing, half-sector) in degrees for a direction text."""
    t = text.strip().lower()
    m = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)\s*°?(?:\s*true)?", t)
    if m:
        bearing = float(m[1])
        if bearing > 360:
            raise ValueError(f"bearing {bearing:g} is over 360 degrees")
        return bearing % 360.0, BEARING_HALF_SECTOR_DEG
    # "north-northwest", "southwest", "NNW", "north west": letters of the points.
    code = re.sub(r"north|south|east|west", lambda w: _WORDS[w[0]], t)
    code = re.sub(r"[-\s]+", "", code)
    if code in COMPASS_DEG:
        return COMPASS_DEG[code], COMPASS_HALF_SECTOR_DEG
    raise ValueError(
        f"cannot read direction {excerpt(text.strip())}; expected e.g. 'west', 'NNW' or '270°'"
    )


def _place_candidates(place: str) -> list[str]:
    """Names to try for a place text, most specific first."""
    p = place.strip()
    p = re.sub(r"^(?:the\s+)?(?:island|islet|port|cape)\s+of\s+", "", p, flags=re.IGNORECASE)
    out = [p]
    if "'s " in p:  # "Hokkaido's Okushiri Island"
        out.append(p.rsplit("'s ", 1)[1])
    for q in list(out):
        if " in " in q:  # "the Oga Peninsula in Akita Prefecture"
            out.append(q.split(" in ", 1)[0])
    # Japanese: "北海道奥尻島", "石川県能登半島沖の舳倉島": last piece, then shorter suffixes.
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", p):
        last = re.split(r"[・の、]", p.rstrip("の"))[-1].removesuffix("沖")
        first = max(0, len(last) - _JA_NAME_MAX_CHARS)
        out.extend(last[i:] for i in range(first, len(last) - 1))
    return out


def _lookup(gaz: Gazetteer, place: str) -> pd.Series:
    """Return the landmark row for a place text (tries :func:`_place_candidates`)."""
    first_error: tuple[str, KeyError] | None = None
    for name in _place_candidates(place):
        try:
            return gaz.lookup(name)
        except KeyError as exc:
            first_error = first_error or (name, exc)
    assert first_error is not None
    name, error = first_error
    raise ValueError(str(error.args[0]).replace(repr(name), excerpt(name), 1))


def _check_length(text: str) -> None:
    """Refuse text over :data:`geo.settings.POSITION_MAX_CHARS` characters."""
    n = len(text)
    if n > settings.POSITION_MAX_CHARS:
        raise ValueError(
            f"position text is {n:,} characters; at most {settings.POSITION_MAX_CHARS:,} are read"
        )


def _check_distances(phrase: _Phrase, text: str) -> None:
    """Refuse a negative distance or one beyond half the Earth's circumference."""
    if phrase.negative:
        raise ValueError(f"negative distance in {excerpt(text)}; a distance is 0 or more")
    far = max(phrase.low_km, phrase.high_km)
    if not far <= MAX_DISTANCE_KM:
        raise ValueError(
            f"distance {far:,.6g} km is beyond half the Earth's circumference "
            f"({MAX_DISTANCE_KM:,.6g} km) in {excerpt(text)}"
        )


def _coordinates(text: str) -> Location:
    """Read coordinates, Japanese notation ("北緯28度49.6分") included."""
    coords = text.replace("北緯", "N").replace("南緯", "S")
    coords = coords.replace("東経", "E").replace("西経", "W").translate(_JA_COORDS)
    try:
        lat, lon = parse_position(coords)
    except ValueError as exc:
        if re.search(r"\b(of|from)\b", text, re.IGNORECASE):
            raise ValueError(
                f"cannot read {excerpt(text)}; expected e.g. 'about 200 km west of "
                "Oshima-Oshima' or '26°04′N 122°44′E'"
            ) from exc
        raise
    return Location(lat, lon, coordinate_uncertainty_km(coords), "coordinates")


def _relative(phrase: _Phrase, text: str, gazetteer: Gazetteer | None) -> Location:
    """Resolve a phrase geodesically from its landmark, with its uncertainty."""
    _check_distances(phrase, text)
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    mark = _lookup(gaz, phrase.place)
    low, high = sorted((phrase.low_km, phrase.high_km))
    distance_km = (low + high) / 2.0
    bearing, half_sector = _direction(phrase.direction)
    end_lon, end_lat = destination(
        float(mark["lon"]), float(mark["lat"]), bearing, distance_km * 1000.0
    )
    unc = relative_uncertainty_km(
        distance_km,
        half_sector_deg=half_sector,
        hedged=phrase.hedged,
        range_km=(high - low) / 2.0,
        landmark_km=float(mark["radius_km"]),
    )
    return Location(
        float(end_lat), float(end_lon), unc, "relative", str(mark["name"]), distance_km, bearing
    )


_RANGE_UNIT = r"km|kms|kilometers?|kilometres?|nautical miles?|nmi|nm|miles?|mi"
_RANGE_HEDGE = r"approximately|approx\.?|about|around|some|roughly|nearly|ca\.|c\.|~"
_PLACE_CHARS = r"[^,;()\n0-9]"  # no digits: a scan stops at the next number
#: "about 500 km from Sado and 300 km from the Oki islands", on text whose runs of
#: spaces are one space. The first place ends before " and " (a fixed-width look-
#: ahead); places hold no digit, so a scan never runs past the next number and the
#: search is linear in the text's length.
_TWO_RANGES = re.compile(
    rf"(?:(?P<h1>{_RANGE_HEDGE}) ?)?(?P<d1>{_NUM}) ?(?P<u1>{_RANGE_UNIT}) (?:from|of|off) "
    rf"(?P<p1>(?:(?! and ){_PLACE_CHARS})++) and "
    rf"(?:(?P<h2>{_RANGE_HEDGE}) ?)?(?P<d2>{_NUM}) ?(?P<u2>{_RANGE_UNIT}) (?:from|of|off) "
    rf"(?P<p2>{_PLACE_CHARS}++)",
    re.IGNORECASE,
)


_JA_RANGE_UNIT = r"キロメートル|キロ|km|海里"
#: "新潟県佐渡島から約500キロメートル、島根県隠岐諸島から約300キロメートル": each place starts
#: at the text's start or after a separator and ends at its first から; places hold no
#: separator and no digit, so every character is scanned a bounded number of times.
_JA_TWO_RANGES = re.compile(
    rf"(?<![^、,。\s])(?P<p1>(?:(?!から)[^、,。\s0-9])++)から(?P<h1>約|およそ|おおよそ)?+"
    rf"(?P<d1>{_NUM}) ?(?P<u1>{_JA_RANGE_UNIT})[、,] ?(?P<p2>(?:(?!から)[^、,。\s0-9])++)から"
    rf"(?P<h2>約|およそ|おおよそ)?+(?P<d2>{_NUM}) ?"
    rf"(?P<u2>{_JA_RANGE_UNIT})"
)


def _range_km(number: str, unit: str) -> float:
    """Return a distance in km from its number and unit (those of :data:`_UNITS_KM`)."""
    u = _JA_UNITS.get(unit, unit.lower())
    if u.startswith("nautical"):  # "nautical mile(s)": two words, so not in _UNITS_KM
        u = "nm"
    return float(number.replace(",", "")) * _UNITS_KM[u]


def _at_sea(lon: float, lat: float) -> bool | None:
    """Whether the bundled zone set has sea (not land) at a point; None outside it."""
    from .prepared import prepare

    ready = prepare()
    kinds = set(ready.zones_at(lon, lat)["kind"])
    if not kinds:
        inside = shapely.covers(coverage_of(ready.zones), shapely.Point(lon, lat))
        return True if inside else None
    return "land" not in kinds


def _two_ranges(m: re.Match[str], text: str, gazetteer: Gazetteer | None) -> Location:
    """Resolve "D1 from A and D2 from B": the crossing of two geodesic circles at sea."""
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    legs = []
    for k in ("1", "2"):
        mark = _lookup(gaz, m[f"p{k}"])
        km = _range_km(m[f"d{k}"], m[f"u{k}"])
        if not 0 < km <= MAX_DISTANCE_KM:
            raise ValueError(f"distance {km:,.6g} km out of range in {excerpt(text)}")
        # "about 500 km from A and 300 km from B": the hedge covers both distances
        legs.append((mark, km, bool(m[f"h{k}"] or m["h1"])))
    (a, ra, _), (b, rb, _) = legs
    centres = [(float(mk["lon"]), float(mk["lat"]), km * 1000.0) for mk, km, _ in legs]
    points = circle_intersections(centres[0], centres[1])
    if not points:
        raise ValueError(
            f"no point is {ra:,.0f} km from {a['name']} and {rb:,.0f} km from {b['name']} "
            f"in {excerpt(text)}"
        )
    sea = [p for p in points if _at_sea(*p)]
    if len(sea) != 1:
        shown = " or ".join(f"{lat:.3f}, {lon:.3f}" for lon, lat in points)
        raise ValueError(f"ambiguous position {excerpt(text)}: {shown} (lat, lon) both fit")
    lon, lat = sea[0]
    az_a = GEOD.inv(lon, lat, centres[0][0], centres[0][1])[0]
    az_b = GEOD.inv(lon, lat, centres[1][0], centres[1][1])[0]
    crossing = abs(math.degrees(math.asin(math.sin(math.radians(az_a - az_b)))))
    unc = two_range_uncertainty_km(
        tuple((km, hedged, float(mk["radius_km"])) for mk, km, hedged in legs),  # type: ignore[arg-type]
        crossing_deg=crossing,
    )
    return Location(lat, lon, unc, "two ranges", f"{a['name']}; {b['name']}")


#: Words around a landmark's name that still mean "at the landmark": "in the Shikoku
#: Basin", "Scarborough Shoal area", "四国海盆海域". "Near" (付近, 周辺) is not among them:
#: how near is not said, so such text is refused rather than given the landmark's radius.
#: Both read text whose runs of spaces are one space (bounded work at every position).
_AT_PREFIX = re.compile(r"^(?:at|in|on|within) (?:the )?", re.IGNORECASE)
_AT_SUFFIX = re.compile(r"(?: (?:area|region|waters))$|(?:の?海域)$", re.IGNORECASE)


def _at_landmark(text: str, gazetteer: Gazetteer | None) -> Location | None:
    """Read a text that is a landmark's name: its point, its radius as the uncertainty."""
    if any(ch.isdigit() for ch in text):
        return None
    name = _AT_SUFFIX.sub("", _AT_PREFIX.sub("", " ".join(text.split()))).strip()
    if not name:
        return None
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    mark = gaz.get(name)  # an exact name only: no suggestions, no work beyond the key
    if mark is None:
        return None
    return Location(float(mark["lat"]), float(mark["lon"]), float(mark["radius_km"]),
                    "landmark", str(mark["name"]))  # fmt: skip


def locate(text: str, *, gazetteer: Gazetteer | None = None) -> Location:
    """Resolve position text (coordinates or a relative phrase) to a point.

    Parameters
    ----------
    text : str
        E.g. ``"26°04′N 122°44′E"`` or ``"approximately 200 km west of Oshima-Oshima"``;
        at most :data:`geo.settings.POSITION_MAX_CHARS` characters (500) once leading
        and trailing spaces are removed.
    gazetteer : Gazetteer, optional
        Landmarks for relative phrases; by default ``data/gazetteer.csv``.

    Returns
    -------
    Location
        Latitude, longitude and ``uncertainty_km``.

    Raises
    ------
    ValueError
        Text that is neither coordinates nor a known phrase, an unknown landmark
        (the message names the closest known ones), text over the length limit, a
        negative distance or one beyond half the Earth's circumference
        (:data:`geo.uncertainty.MAX_DISTANCE_KM`). Messages quote at most 80
        characters of the text.

    Examples
    --------
    >>> loc = locate("26°04′N 122°44′E")
    >>> round(loc.lat, 4), round(loc.lon, 4), round(loc.uncertainty_km, 2)
    (26.0667, 122.7333, 0.93)
    >>> locate("-200 km west of Okushiri Island")
    Traceback (most recent call last):
        ...
    ValueError: negative distance in '-200 km west of Okushiri Island'; a distance is 0 or more
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty position")
    text = text.strip()
    _check_length(text)
    phrase, _ = _read_phrase(text)
    if phrase is not None:
        return _relative(phrase, text, gazetteer)
    two = _TWO_RANGES.search(" ".join(text.split())) or _JA_TWO_RANGES.search(text)
    if two is not None:
        return _two_ranges(two, text, gazetteer)
    at = _at_landmark(text, gazetteer)
    return at if at is not None else _coordinates(text)
