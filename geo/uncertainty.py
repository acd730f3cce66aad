"""The uncertainty model: how far from a stated position the true one may be.

``uncertainty_km`` is the radius of a disc that should hold the true position.
:func:`geo.locate` and :func:`geo.load_incidents` both use this model:

* coordinates (:func:`coordinate_uncertainty_km`): half a unit of the last digit
  given (whole degrees: 0.5 degree, about 56 km; minutes: 0.5 minute, about
  0.9 km; two decimals: 0.005 degree);
* a distance and direction from a landmark or origin
  (:func:`relative_uncertainty_km`): the root-sum-square of a distance error (5 %
  of the distance, 10 % when hedged with "approximately", "about", "around",
  "some" or "roughly", and at least half the width of a range such as "200 to
  250 km") and a lateral error (distance times the sine of half a compass sector:
  11.25 degrees for named directions such as "west" or "NNW", 0.5 degree for a
  bearing in degrees), plus the landmark's or origin's own radius;
* distances from two landmarks ("500 km from Sado and 300 km from the Oki
  islands", :func:`two_range_uncertainty_km`): each distance's error (as above,
  with no lateral part) plus its landmark's radius, combined as a root-sum-square
  and divided by the sine of the angle at which the two circles cross (at least
  :data:`MIN_CROSSING_DEG`): circles that graze each other fix the position badly
  along their common tangent;
* a shape placed by a point (:func:`shape_uncertainty_km`): the geodesic
  distance from the point to the shape's farthest vertex, so that the disc
  covers the shape.

No distance or radius is over :data:`MAX_DISTANCE_KM`, half the Earth's
equatorial circumference: nothing on Earth is farther away along the surface.
"""

from __future__ import annotations

import math
import re
from typing import overload

import numpy as np
import shapely

from .geodesy import GEOD

__all__ = [
    "BEARING_HALF_SECTOR_DEG",
    "COMPASS_HALF_SECTOR_DEG",
    "MAX_DISTANCE_KM",
    "coordinate_uncertainty_km",
    "relative_uncertainty_km",
    "shape_uncertainty_km",
    "two_range_uncertainty_km",
]

#: Half-sector of a named compass direction (one of 16 points), degrees.
COMPASS_HALF_SECTOR_DEG: float = 11.25
#: Half-sector of a bearing given in degrees, degrees.
BEARING_HALF_SECTOR_DEG: float = 0.5
#: Half the equatorial circumference of the ellipsoid (pi times its semi-major
#: axis), km: the longest geodesic between two points, about 20,037.5 km.
MAX_DISTANCE_KM: float = math.pi * GEOD.a / 1000.0

#: Crossing angles of two range circles below this count as this much (degrees), so a
#: grazing crossing gives a large but finite uncertainty.
MIN_CROSSING_DEG: float = 15.0

_DISTANCE_FRACTION = 0.05
_HEDGED_DISTANCE_FRACTION = 0.10
_KM_PER_DEGREE = 111.32


@overload
def relative_uncertainty_km(
    distance_km: float,
    *,
    half_sector_deg: float,
    hedged: bool,
    range_km: float = ...,
    landmark_km: float = ...,
) -> float: ...


@overload
def relative_uncertainty_km(
    distance_km: np.ndarray,
    *,
    half_sector_deg: float,
    hedged: bool,
    range_km: float | np.ndarray = ...,
    landmark_km: float | np.ndarray = ...,
) -> np.ndarray: ...


def relative_uncertainty_km(
    distance_km: float | np.ndarray,
    *,
    half_sector_deg: float,
    hedged: bool,
    range_km: float | np.ndarray = 0.0,
    landmark_km: float | np.ndarray = 0.0,
) -> float | np.ndarray:
    """Return the uncertainty of a position given as a distance and direction.

    Parameters
    ----------
    distance_km : float or array
        Distance from the landmark or origin (an array gives an array).
    half_sector_deg : float
        Half the width of the direction's sector: :data:`COMPASS_HALF_SECTOR_DEG`
        for a named direction, :data:`BEARING_HALF_SECTOR_DEG` for degrees.
    hedged : bool
        Whether the distance is qualified ("approximately", "about", ...).
    range_km : float or array, default 0
        Half the width of a distance range ("200 to 250 km"); the distance error
        is at least this.
    landmark_km : float or array, default 0
        Radius of the landmark or origin itself.

    Returns
    -------
    float or numpy.ndarray
        Radius in km of the disc that should hold the true position.

    Examples
    --------
    >>> round(relative_uncertainty_km(200.0, half_sector_deg=11.25, hedged=True), 1)
    43.8
    >>> round(relative_uncertainty_km(1000.0, half_sector_deg=0.5, hedged=False), 2)
    50.76
    """
    fraction = _HEDGED_DISTANCE_FRACTION if hedged else _DISTANCE_FRACTION
    radial = np.maximum(np.abs(distance_km) * fraction, range_km)
    lateral = np.abs(distance_km) * math.sin(math.radians(half_sector_deg))
    out = np.hypot(radial, lateral) + landmark_km
    return float(out) if np.ndim(out) == 0 else out


def two_range_uncertainty_km(
    ranges: tuple[tuple[float, bool, float], tuple[float, bool, float]], *, crossing_deg: float
) -> float:
    """Return the uncertainty of a position given by its distances from two landmarks.

    Parameters
    ----------
    ranges : two tuples (distance_km, hedged, landmark_km)
        Each distance, whether it was hedged ("about"), and its landmark's radius.
    crossing_deg : float
        The angle (0-90 degrees) at which the two circles cross at the position.

    Returns
    -------
    float
        Radius in km.

    Examples
    --------
    >>> round(two_range_uncertainty_km(((500.0, True, 16.5), (300.0, True, 24.0)),
    ...                                crossing_deg=90.0), 1)
    85.7
    """
    errors = [
        relative_uncertainty_km(d, half_sector_deg=0.0, hedged=h, landmark_km=r)
        for d, h, r in ranges
    ]
    angle = max(min(abs(crossing_deg), 90.0), MIN_CROSSING_DEG)
    return float(math.hypot(*errors) / math.sin(math.radians(angle)))


def shape_uncertainty_km(points: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """Return the radius of the disc around each point that covers its shape.

    Parameters
    ----------
    points : array of shapely.Point
        The point chosen for each shape (a centroid or a point on the surface),
        longitude/latitude degrees.
    shapes : array of shapely geometries
        The shapes, longitude/latitude degrees.

    Returns
    -------
    numpy.ndarray
        For each shape, the geodesic distance in km from its point to its
        farthest vertex.

    Examples
    --------
    >>> square = shapely.box(0.0, 0.0, 2.0, 2.0)
    >>> round(float(shape_uncertainty_km(np.array([square.centroid]), np.array([square]))[0]))
    157
    """
    coords, owner = shapely.get_coordinates(shapes, return_index=True)
    out = np.zeros(len(shapes))
    if len(coords):
        x, y = shapely.get_x(points)[owner], shapely.get_y(points)[owner]
        _, _, metres = GEOD.inv(x, y, coords[:, 0], coords[:, 1])
        np.maximum.at(out, owner, np.asarray(metres) / 1000.0)
    return out


def coordinate_uncertainty_km(text: str) -> float:
    """Return the uncertainty of coordinates: half a unit of the last digit given.

    Parameters
    ----------
    text : str
        Coordinates in the notation of :func:`geo.coords.parse_position` (Japanese
        symbols already translated).

    Returns
    -------
    float
        Radius in km: half a second; half a unit of the most precise minutes'
        last decimal; or half a unit of the least precise degrees' last decimal.
        One degree is taken as 111.32 km.

    Examples
    --------
    >>> round(coordinate_uncertainty_km("26°04′N 122°44′E"), 2)
    0.93
    >>> round(coordinate_uncertainty_km("26.07, 122.73"), 3)
    0.557
    """
    t = text.replace(",", " ")
    if re.search(r"\d\s*(?:''|\"|″)|\d+'\s*\d+(?:\.\d+)?\s*(?:\"|″|'')", t):
        return 0.5 / 3600 * _KM_PER_DEGREE  # to the second
    if re.search(r"['′]|\d-\d", t) or re.search(r"\d\s+\d{1,2}(?:\.\d+)?\s*[NSEWnsew]", t):
        decimals = re.findall(r"\d+\.(\d+)\s*['′]", t)
        places = max((len(d) for d in decimals), default=0)
        return 0.5 * 10.0**-places / 60 * _KM_PER_DEGREE
    decimals = re.findall(r"\d+\.(\d+)", t)
    places = min((len(d) for d in decimals), default=0) if decimals else 0
    return 0.5 * 10.0**-places * _KM_PER_DEGREE
