"""Turn position text into a point with an honest uncertainty.

:func:`locate` reads coordinates (see :mod:`geo.coords`) or a relative phrase
such as "approximately 200 km west of Oshima-Oshima", "350 km NNW of Dogo" or
"120 nautical miles bearing 045 from Sunan", resolved geodesically from a
gazetteer landmark.

Uncertainty model (``uncertainty_km``, the radius of a disc that should hold the
true position), defined in :mod:`geo.uncertainty`:

* coordinates: half a unit of the last digit given (whole degrees: 0.5 degree,
  about 56 km; minutes: 0.5 minute, about 0.9 km; two decimals: 0.005 degree);
* relative phrases: the root-sum-square of a distance error (5 % of the distance,
  10 % when hedged with "approximately", "about", "around", "some" or "roughly")
  and a lateral error (distance times the sine of half a compass sector: 11.25
  degrees for named directions such as "west" or "NNW", 0.5 degree for a bearing
  in degrees), plus the landmark's own radius.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from .coords import parse_position
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import destination
from .uncertainty import (
    BEARING_HALF_SECTOR_DEG,
    COMPASS_HALF_SECTOR_DEG,
    coordinate_uncertainty_km,
    relative_uncertainty_km,
)

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

_UNITS_KM = {
    "km": 1.0,
    "kms": 1.0,
    "kilometer": 1.0,
    "kilometers": 1.0,
    "kilometre": 1.0,
    "kilometres": 1.0,
    "nm": 1.852,
    "nmi": 1.852,
    "nautical mile": 1.852,
    "nautical miles": 1.852,
    "mi": 1.609344,
    "mile": 1.609344,
    "miles": 1.609344,
}

_HEDGES = r"approximately|approx\.?|about|around|some|roughly|nearly|an estimated|ca\.|c\.|~"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = r"km|kms|kilomet(?:er|re)s?|nautical\s+miles?|nmi|nm|miles?|mi"
# "approximately 200 km west of X", "300 km to 350 km west of the X in Y",
# "waters 160 kilometers southwest of the island of X": leading words are allowed.
_PHRASE = re.compile(
    rf"""(?:^|(?<=\s))(?P<hedge>(?:{_HEDGES})\s*)?
    (?P<dist>{_NUM})
    (?:\s*(?:{_UNIT})?\s*(?:to|-|–|~|〜)\s*(?P<dist2>{_NUM}))?\s*
    (?P<unit>{_UNIT})\.?\s+
    (?:to\s+the\s+)?
    (?:(?:bearing|azimuth)\s+)?(?P<dir>[a-z\-\s]+?|\d{{1,3}}(?:\.\d+)?\s*°?(?:\s*true)?)\s+
    (?:of|from|off)\s+
    (?P<place>[^,;()]+?)\s*(?:[,;(].*)?$""",
    re.VERBOSE | re.IGNORECASE,
)

_JA_DIRS = {
    "北北東": "nne", "北北西": "nnw", "東北東": "ene", "西北西": "wnw", "東南東": "ese",
    "西南西": "wsw", "南南東": "sse", "南南西": "ssw", "北東": "ne", "北西": "nw",
    "南東": "se", "南西": "sw", "北": "n", "南": "s", "東": "e", "西": "w",
}  # fmt: skip
_JA_UNITS = {"キロメートル": "km", "キロ": "km", "km": "km", "海里": "nm", "マイル": "mi"}
# "北海道奥尻島の西200~250キロの海域", "魚釣島から北北西約61キロ", "舳倉島の北、およそ300キロ"
_JA_PHRASE = re.compile(
    rf"""(?P<place>[^\s、,。]+?)(?:の|から)?
    (?P<dir>{"|".join(_JA_DIRS)})(?:の)?[、,]?\s*
    (?P<hedge>約|およそ|おおよそ)?
    (?P<dist>{_NUM})(?:\s*[~〜～\-]\s*(?P<dist2>{_NUM}))?\s*
    (?P<unit>{"|".join(_JA_UNITS)})""",
    re.VERBOSE,
)
_JA_COORDS = str.maketrans(
    {"北": "N", "南": "S", "東": "E", "西": "W", "度": "°", "分": "'", "秒": '"', "、": ","}
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
        ``"coordinates"`` or ``"relative"``.
    landmark : str
        Gazetteer name of the landmark (relative phrases only).
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
    raise ValueError(f"cannot read direction {text!r}; expected e.g. 'west', 'NNW' or '270°'")


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
        out.extend(last[i:] for i in range(len(last) - 1))
    return out


def _lookup(gaz: Gazetteer, place: str) -> pd.Series:
    first_error: KeyError | None = None
    for name in _place_candidates(place):
        try:
            return gaz.lookup(name)
        except KeyError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise ValueError(str(first_error.args[0]))


def locate(text: str, *, gazetteer: Gazetteer | None = None) -> Location:
    """Resolve position text (coordinates or a relative phrase) to a point.

    Parameters
    ----------
    text : str
        E.g. ``"26°04′N 122°44′E"`` or ``"approximately 200 km west of Oshima-Oshima"``.
    gazetteer : Gazetteer, optional
        Landmarks for relative phrases; by default ``data/gazetteer.csv``.

    Returns
    -------
    Location
        Latitude, longitude and ``uncertainty_km``.

    Raises
    ------
    ValueError
        Text that is neither coordinates nor a known phrase, or an unknown landmark
        (the message names the closest known ones).

    Examples
    --------
    >>> loc = locate("26°04′N 122°44′E")
    >>> round(loc.lat, 4), round(loc.lon, 4), round(loc.uncertainty_km, 2)
    (26.0667, 122.7333, 0.93)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty position")
    m = _PHRASE.search(text)
    ja = _JA_PHRASE.search(text) if m is None else None
    if m is None and ja is None:
        coords = text.replace("北緯", "N").replace("南緯", "S")
        coords = coords.replace("東経", "E").replace("西経", "W").translate(_JA_COORDS)
        try:
            lat, lon = parse_position(coords)
        except ValueError as exc:
            if re.search(r"\b(of|from)\b", text, re.IGNORECASE):
                raise ValueError(
                    f"cannot read {text!r}; expected e.g. 'approximately 200 km west of "
                    "Oshima-Oshima' or '26°04′N 122°44′E'"
                ) from exc
            raise
        return Location(lat, lon, coordinate_uncertainty_km(coords), "coordinates")
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    found = m if m is not None else ja
    assert found is not None
    mark = _lookup(gaz, found["place"])
    unit = re.sub(r"\s+", " ", found["unit"].lower())
    per_km = _UNITS_KM[_JA_UNITS.get(found["unit"], unit)]
    low = float(found["dist"].replace(",", "")) * per_km
    high = float(found["dist2"].replace(",", "")) * per_km if found["dist2"] else low
    distance_km = (low + high) / 2.0
    direction = _JA_DIRS[found["dir"]] if m is None else found["dir"]
    bearing, half_sector = _direction(direction)
    end_lon, end_lat = destination(
        float(mark["lon"]), float(mark["lat"]), bearing, distance_km * 1000.0
    )
    unc = relative_uncertainty_km(
        distance_km,
        half_sector_deg=half_sector,
        hedged=bool(found["hedge"]),
        range_km=(high - low) / 2.0,
        landmark_km=float(mark["radius_km"]),
    )
    return Location(
        float(end_lat), float(end_lon), unc, "relative", str(mark["name"]), distance_km, bearing
    )
