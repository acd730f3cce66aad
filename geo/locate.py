"""Turn position text into a point with an honest uncertainty.

:func:`locate` reads coordinates (see :mod:`geo.coords`) or a relative phrase
such as "approximately 200 km west of Oshima-Oshima", "350 km NNW of Dogo" or
"120 nautical miles bearing 045 from Sunan", resolved geodesically from a
gazetteer landmark.

Uncertainty model (``uncertainty_km``, the radius of a disc that should hold the
true position):

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

from .coords import parse_position
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import destination

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
_PHRASE = re.compile(
    rf"""^\s*(?P<hedge>(?:{_HEDGES})\s*)?
    (?P<dist>\d+(?:[.,]\d+)?)\s*
    (?P<unit>km|kms|kilomet(?:er|re)s?|nautical\s+miles?|nmi|nm|miles?|mi)\.?\s+
    (?:to\s+the\s+)?
    (?:(?:bearing|azimuth)\s+)?(?P<dir>[a-z\-\s]+?|\d{{1,3}}(?:\.\d+)?\s*°?(?:\s*true)?)\s+
    (?:of|from)\s+
    (?P<place>[^,;()]+?)\s*(?:[,;(].*)?$""",
    re.VERBOSE | re.IGNORECASE,
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
        return bearing % 360.0, 0.5
    parts = re.split(r"[-\s]+", t)
    code = "".join(_WORDS.get(p, p) for p in parts if p)
    if code in COMPASS_DEG:
        return COMPASS_DEG[code], 11.25
    raise ValueError(f"cannot read direction {text!r}; expected e.g. 'west', 'NNW' or '270°'")


def _coordinate_uncertainty_km(text: str) -> float:
    t = text.replace(",", " ")
    if re.search(r"\d\s*(?:''|\"|″)|\d+'\s*\d+(?:\.\d+)?\s*(?:\"|″|'')", t):
        return 0.5 / 3600 * 111.32  # to the second
    if re.search(r"['′]|\d-\d", t) or re.search(r"\d\s+\d{1,2}(?:\.\d+)?\s*[NSEWnsew]", t):
        decimals = re.findall(r"\d+\.(\d+)\s*['′]", t)
        places = max((len(d) for d in decimals), default=0)
        return 0.5 * 10.0**-places / 60 * 111.32
    decimals = re.findall(r"\d+\.(\d+)", t)
    places = min((len(d) for d in decimals), default=0) if decimals else 0
    return 0.5 * 10.0**-places * 111.32


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
    m = _PHRASE.match(text)
    if m is None:
        try:
            lat, lon = parse_position(text)
        except ValueError as exc:
            if re.search(r"\b(of|from)\b", text, re.IGNORECASE):
                raise ValueError(
                    f"cannot read {text!r}; expected e.g. 'approximately 200 km west of "
                    "Oshima-Oshima' or '26°04′N 122°44′E'"
                ) from exc
            raise
        return Location(lat, lon, _coordinate_uncertainty_km(text), "coordinates")
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    try:
        mark = gaz.lookup(m["place"])
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    distance_km = (
        float(m["dist"].replace(",", ".")) * _UNITS_KM[re.sub(r"\s+", " ", m["unit"].lower())]
    )
    bearing, half_sector = _direction(m["dir"])
    end_lon, end_lat = destination(
        float(mark["lon"]), float(mark["lat"]), bearing, distance_km * 1000.0
    )
    radial = distance_km * (0.10 if m["hedge"] else 0.05)
    lateral = distance_km * math.sin(math.radians(half_sector))
    unc = math.hypot(radial, lateral) + float(mark["radius_km"])
    return Location(
        float(end_lat), float(end_lon), unc, "relative", str(mark["name"]), distance_km, bearing
    )
