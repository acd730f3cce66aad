"""Geodesic measurement on the WGS84 ellipsoid.

Everything that is a distance in this package goes through here: buffers of
coastlines (the 12/24/200 nm zones), geodesic circles (uncertainty discs,
basepoint islands) and point-to-coast distances. Nothing is measured in degrees.

Buffers are computed piecewise: the lines are cut into cells of a few degrees,
each cell is buffered in an azimuthal equidistant projection centred on it (which
keeps distances from the centre exact and others within about 0.1 % out to
500 km), and the pieces are unioned back in longitude/latitude.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import shapely
from pyproj import Geod, Transformer

from . import settings
from ._progress import track

__all__ = [
    "GEOD",
    "aeqd_transformers",
    "buffer_lines_m",
    "circle_intersections",
    "destination",
    "geodesic_circle",
    "knots_to_m_s",
    "m_to_nm",
    "nm_to_m",
    "unit_vectors",
]

log = logging.getLogger(__name__)

#: The one geodesic calculator of the package.
GEOD = Geod(ellps=settings.ELLIPSOID)


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return unit vectors (n x 3) of points, with geodetic latitude used as if spherical."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def nm_to_m(distance_nm: float | np.ndarray) -> float | np.ndarray:
    """Convert nautical miles to metres."""
    return distance_nm * settings.NM_M


def knots_to_m_s(speed_kn: float | np.ndarray) -> float | np.ndarray:
    """Convert knots (nautical miles per hour) to metres per second."""
    return speed_kn * settings.NM_M / 3600.0


def m_to_nm(distance_m: float | np.ndarray) -> float | np.ndarray:
    """Convert metres to nautical miles."""
    return distance_m / settings.NM_M


def destination(
    lon: float | np.ndarray,
    lat: float | np.ndarray,
    azimuth_deg: float | np.ndarray,
    distance_m: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the point reached from (lon, lat) along a geodesic.

    Parameters
    ----------
    lon, lat : float or array
        Start, degrees.
    azimuth_deg : float or array
        Initial bearing, degrees clockwise from true north.
    distance_m : float or array
        Distance along the geodesic, metres.

    Returns
    -------
    lon, lat : numpy.ndarray
        End point, degrees; longitudes are normalised to -180..180.

    Examples
    --------
    >>> lon, lat = destination(139.0, 41.0, 270.0, 100_000)
    >>> round(float(lon), 3), round(float(lat), 3)
    (137.812, 40.994)
    """
    a, b, c, d = np.broadcast_arrays(
        np.asarray(lon, float),
        np.asarray(lat, float),
        np.asarray(azimuth_deg, float),
        np.asarray(distance_m, float),
    )
    lon2, lat2, _ = GEOD.fwd(a, b, c, d)
    return np.asarray(lon2), np.asarray(lat2)


def circle_intersections(
    first: tuple[float, float, float], second: tuple[float, float, float], *, tol_m: float = 0.01
) -> list[tuple[float, float]]:
    """Return the points at given geodesic distances from two centres.

    Parameters
    ----------
    first, second : tuple of float
        ``(lon, lat, radius_m)`` of each geodesic circle.
    tol_m : float, default 0.01
        How close (metres) each point's distances must come to the radii.

    Returns
    -------
    list of (lon, lat)
        Zero, one or two points. A first guess from spherical trigonometry is
        refined by Newton's method on the ellipsoid (distances from ``GEOD.inv``).
        Circles that do not meet give none; touching circles, one.

    Examples
    --------
    >>> pts = circle_intersections((0.0, 0.0, 100_000.0), (1.0, 0.0, 100_000.0))
    >>> [(round(x, 4), round(y, 4)) for x, y in sorted(pts)]
    [(0.5, -0.7513), (0.5, 0.7513)]
    """
    (lon1, lat1, r1), (lon2, lat2, r2) = first, second
    az12, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    if d == 0 or r1 + r2 < d or abs(r1 - r2) > d:
        return []
    radius = 6_371_008.8  # mean Earth radius: the spherical first guess only
    a, b, c = r1 / radius, r2 / radius, d / radius
    cos_angle = (np.cos(b) - np.cos(a) * np.cos(c)) / (np.sin(a) * np.sin(c))
    angle = float(np.degrees(np.arccos(np.clip(cos_angle, -1.0, 1.0))))
    out: list[tuple[float, float]] = []
    for side in (1.0, -1.0) if angle > 1e-9 else (1.0,):
        lon, lat = (float(v) for v in destination(lon1, lat1, az12 + side * angle, r1))
        found = _refine(lon, lat, first, second, tol_m=tol_m)
        if found is not None and all(GEOD.inv(found[0], found[1], x, y)[2] > 1.0 for x, y in out):
            out.append(found)
    return out


def _refine(
    lon: float,
    lat: float,
    first: tuple[float, float, float],
    second: tuple[float, float, float],
    *,
    tol_m: float,
) -> tuple[float, float] | None:
    """Newton's method for the point at distances r1, r2 from two centres, near (lon, lat)."""

    def residual(x: float, y: float) -> np.ndarray:
        _, _, d1 = GEOD.inv(first[0], first[1], x, y)
        _, _, d2 = GEOD.inv(second[0], second[1], x, y)
        return np.array([d1 - first[2], d2 - second[2]])

    step = 1e-5  # degrees, for the finite-difference Jacobian
    for _ in range(20):
        f = residual(lon, lat)
        if np.abs(f).max() <= tol_m:
            return lon, lat
        jac = np.column_stack([
            (residual(lon + step, lat) - f) / step,
            (residual(lon, lat + step) - f) / step,
        ])  # fmt: skip
        if abs(np.linalg.det(jac)) < 1e-12:
            return None
        dx, dy = np.linalg.solve(jac, -f)
        lon, lat = lon + float(dx), float(np.clip(lat + dy, -90.0, 90.0))
    return (lon, lat) if np.abs(residual(lon, lat)).max() <= tol_m else None


def geodesic_circle(lon: float, lat: float, radius_m: float, *, n: int = 128) -> shapely.Polygon:
    """Return the polygon of points within ``radius_m`` of (lon, lat).

    Parameters
    ----------
    lon, lat : float
        Centre, degrees.
    radius_m : float
        Geodesic radius, metres.
    n : int, default 128
        Number of vertices.

    Returns
    -------
    shapely.Polygon
        In longitude/latitude. Circles that cross the antimeridian keep
        continuous longitudes (above 180) so that the ring stays simple.
    """
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats = destination(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    lons = np.where(lons - lon > 180, lons - 360, np.where(lon - lons > 180, lons + 360, lons))
    return shapely.Polygon(np.column_stack([lons, lats]))


def aeqd_transformers(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Return (forward, inverse) transformers of an azimuthal equidistant projection.

    The projection is centred on (lon, lat), in metres, on the package ellipsoid.
    """
    proj = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps={settings.ELLIPSOID} +units=m"
    fwd = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    inv = Transformer.from_crs(proj, "EPSG:4326", always_xy=True)
    return fwd, inv


def _apply(transformer: Transformer, geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def _grid_cells(bounds: tuple[float, float, float, float], cell_deg: float) -> np.ndarray:
    west, south, east, north = bounds
    xs = np.arange(np.floor(west / cell_deg) * cell_deg, east, cell_deg)
    ys = np.arange(np.floor(south / cell_deg) * cell_deg, north, cell_deg)
    gx, gy = np.meshgrid(xs, ys)
    return shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_deg, gy.ravel() + cell_deg)


def buffer_lines_m(
    lines: shapely.Geometry | Iterable[shapely.Geometry],
    distance_m: float,
    *,
    cell_deg: float = 2.0,
    simplify_m: float = 100.0,
    segment_m: float = 5000.0,
    progress: bool = False,
) -> shapely.Geometry:
    """Buffer lines (or polygons) given in longitude/latitude by a geodesic distance.

    Parameters
    ----------
    lines : shapely geometry or iterable of them
        Lines or polygons in longitude/latitude degrees.
    distance_m : float
        Buffer distance, metres.
    cell_deg : float, default 2.0
        The input is cut into square cells of this size; each is buffered in its
        own azimuthal equidistant projection.
    simplify_m : float, default 100.0
        Douglas-Peucker tolerance applied in the projection before buffering.
        The buffer edge moves by at most this much.
    segment_m : float, default 5000.0
        Longest straight edge of the result before it is turned back into degrees.
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    shapely.Geometry
        The union of the buffers, in longitude/latitude.
    """
    geom = shapely.union_all(
        np.asarray(
            list(lines) if not isinstance(lines, shapely.Geometry) else [lines], dtype=object
        )
    )
    if geom.is_empty:
        return shapely.Polygon()
    cells = _grid_cells(shapely.bounds(geom), cell_deg)
    pieces = shapely.intersection(geom, cells[shapely.intersects(geom, cells)])
    pieces = pieces[~shapely.is_empty(pieces)]
    out = []
    desc = f"buffer {distance_m / settings.NM_M:g} nm"
    for piece in track(pieces, total=len(pieces), desc=desc, unit="cell", enabled=progress):
        c = piece.envelope.centroid
        fwd, inv = aeqd_transformers(c.x, c.y)
        # Edges are straight in longitude/latitude (as GIS files mean them); keep them
        # so once projected by giving them vertices every ~1 km.
        piece = shapely.segmentize(piece, 0.01)
        projected = shapely.simplify(_apply(fwd, piece), simplify_m)
        buffered = shapely.buffer(projected, distance_m, quad_segs=32)
        buffered = shapely.segmentize(buffered, segment_m)
        out.append(shapely.make_valid(_apply(inv, buffered)))
    log.debug("buffered %d cells by %.0f m", len(out), distance_m)
    return shapely.union_all(np.asarray(out, dtype=object))
