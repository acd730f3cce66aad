"""Polygons and lines that cross the antimeridian (180°).

Files store such polygons in one of two ways: already split into parts that end
at -180 and 180 (fine as they are), or as one ring whose longitudes jump from
about 180 to about -180 (or run past 180). :func:`split_antimeridian` turns the
second kind into the first, so that points at 179.9°E and 179.9°W fall in it.
Lines to draw go the other way: :func:`continuous_longitudes` makes a path's
longitudes continuous (179, 181 rather than 179, -179), so that a map draws the
short way across 180° instead of a line around the world.
"""

from __future__ import annotations

import numpy as np
import shapely
import shapely.affinity

__all__ = ["continuous_longitudes", "crosses_antimeridian", "split_antimeridian"]


def _ring_jumps(ring: shapely.LinearRing) -> bool:
    """Tell whether a ring jumps across ±180 (a world-wide box, which would collapse, does not)."""
    xy = shapely.get_coordinates(ring)
    if len(xy) < 2 or not np.any(np.abs(np.diff(xy[:, 0])) > 180.0):
        return False
    unwrapped = np.column_stack([np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0]), xy[:, 1]])
    return bool(len(unwrapped) > 3 and shapely.Polygon(unwrapped).area > 0.0)


def continuous_longitudes(lon: np.ndarray, *, near: float) -> np.ndarray:
    """Return a path's longitudes without jumps at 180°, shifted next to ``near``.

    Each step between two vertices is taken the short way (under 180°), and the
    whole path is moved by a multiple of 360° so that its last vertex is within
    180° of ``near``.

    Examples
    --------
    >>> continuous_longitudes(np.array([179.0, -179.0, -178.0]), near=-178.0).tolist()
    [-181.0, -179.0, -178.0]
    """
    out = np.degrees(np.unwrap(np.radians(np.asarray(lon, dtype=float))))
    return out + 360.0 * np.round((near - out[-1]) / 360.0)


def crosses_antimeridian(geom: shapely.Geometry) -> bool:
    """Tell whether a polygon's rings jump across ±180 or run beyond it."""
    if geom is None or geom.is_empty:
        return False
    xmin, _, xmax, _ = geom.bounds
    if xmin < -180.0 or xmax > 180.0:
        return True
    polys = shapely.get_parts(geom)
    return any(_ring_jumps(p.exterior) for p in polys if p.geom_type == "Polygon")


def _unwrap(poly: shapely.Polygon) -> shapely.Polygon:
    def shift(ring: shapely.LinearRing) -> np.ndarray:
        xy = shapely.get_coordinates(ring).copy()
        xy[:, 0] = np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0])
        return xy

    return shapely.Polygon(shift(poly.exterior), [shift(r) for r in poly.interiors])


def split_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the geometry with parts that stay within -180..180.

    Parameters
    ----------
    geom : shapely Polygon or MultiPolygon
        In longitude/latitude.

    Examples
    --------
    >>> ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0)]
    >>> out = split_antimeridian(shapely.Polygon(ring))
    >>> out.geom_type, round(out.area, 6)
    ('MultiPolygon', 2.0)
    """
    if not crosses_antimeridian(geom):
        return geom
    parts: list[shapely.Geometry] = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        xmin = poly.bounds[0]
        if _ring_jumps(poly.exterior):
            poly = _unwrap(poly)
        elif xmin < -180.0:
            poly = shapely.affinity.translate(poly, xoff=360.0)
        poly = shapely.make_valid(poly)
        east = shapely.intersection(poly, shapely.box(-180.0, -90.0, 180.0, 90.0))
        west = shapely.intersection(poly, shapely.box(180.0, -90.0, 540.0, 90.0))
        west = shapely.affinity.translate(west, xoff=-360.0)
        parts.extend(p for p in (east, west) if not p.is_empty)
    polys = [q for p in parts for q in shapely.get_parts(p) if q.geom_type == "Polygon"]
    return shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]
