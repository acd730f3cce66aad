"""Geodesic distance from points to a coastline, and the state whose coast it is.

The coastline is cut into short segments (2 km by default). For each point the
nearest segment midpoints are found with a k-d tree on the unit sphere; the
candidates are then measured exactly: each segment end is placed by its
geodesic distance and azimuth from the point (an azimuthal equidistant frame
centred on the point, where distances from the centre are exact), and the
point-to-segment distance is taken in that frame. Candidates are widened until
no unexamined segment can be closer.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree

from .geodesy import GEOD

__all__ = ["Coastline"]

log = logging.getLogger(__name__)

#: A sphere this small is inside every geodesic distance on WGS84 (with margin).
_LOWER_RADIUS_M = 0.99 * 6_371_000.0


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Coastline:
    """A coastline ready for distance queries.

    Parameters
    ----------
    land : geopandas.GeoDataFrame
        Land polygons with a ``sovereign`` column (ISO3 of the state holding it).
    segment_m : float, default 2000.0
        Longest segment of the coastline.
    rings : {"exterior", "all"}, default "exterior"
        Measure to the outer rings only (coasts: holes are lakes), or to holes too
        (the edge of an area).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> land = gpd.GeoDataFrame({"sovereign": ["AAA"]},
    ...                         geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    >>> d_m, state = Coastline(land).distance_m([1.5], [0.5])
    >>> round(float(d_m[0]) / 1000, 1), state[0]
    (55.7, 'AAA')
    """

    def __init__(
        self, land: gpd.GeoDataFrame, *, segment_m: float = 2000.0, rings: str = "exterior"
    ):
        land = land.to_crs(4326)
        parts = shapely.get_parts(land.geometry.values, return_index=True)
        owner_of_part = land["sovereign"].to_numpy()[parts[1]]
        if rings == "all":
            ring_geoms, ring_idx = shapely.get_rings(parts[0], return_index=True)
            rings_arr, owner_of_part = ring_geoms, owner_of_part[ring_idx]
        else:
            rings_arr = shapely.get_exterior_ring(parts[0])
        ring_lines = shapely.segmentize(rings_arr, segment_m / 111_320.0)
        coords, ring_idx = shapely.get_coordinates(ring_lines, return_index=True)
        same = ring_idx[1:] == ring_idx[:-1]
        self.start = coords[:-1][same]
        self.end = coords[1:][same]
        self.state = owner_of_part[ring_idx[:-1][same]]
        mid_lon = (self.start[:, 0] + self.end[:, 0]) / 2.0
        mid_lat = (self.start[:, 1] + self.end[:, 1]) / 2.0
        self._tree = cKDTree(_unit(mid_lon, mid_lat))
        _, _, seg_len = GEOD.inv(self.start[:, 0], self.start[:, 1], self.end[:, 0], self.end[:, 1])
        self.max_segment_m = float(np.max(seg_len)) if len(seg_len) else 0.0
        log.debug("coastline: %d segments, longest %.0f m", len(self.start), self.max_segment_m)

    def _exact(self, lon: np.ndarray, lat: np.ndarray, seg: np.ndarray) -> np.ndarray:
        """Distances (m) from points to segments ``seg`` (shape n x k)."""
        n, k = seg.shape
        plon = np.repeat(lon, k)
        plat = np.repeat(lat, k)
        s = seg.ravel()
        az_a, _, d_a = GEOD.inv(plon, plat, self.start[s, 0], self.start[s, 1])
        az_b, _, d_b = GEOD.inv(plon, plat, self.end[s, 0], self.end[s, 1])
        ax, ay = d_a * np.sin(np.radians(az_a)), d_a * np.cos(np.radians(az_a))
        bx, by = d_b * np.sin(np.radians(az_b)), d_b * np.cos(np.radians(az_b))
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        t = np.where(len2 > 0, -(ax * dx + ay * dy) / np.where(len2 > 0, len2, 1.0), 0.0)
        t = np.clip(t, 0.0, 1.0)
        return np.hypot(ax + t * dx, ay + t * dy).reshape(n, k)

    def distance_m(self, lon: object, lat: object) -> tuple[np.ndarray, np.ndarray]:
        """Return the geodesic distance to the coast (metres) and the coast's state.

        Parameters
        ----------
        lon, lat : array-like
            Points, degrees.

        Returns
        -------
        distance_m : numpy.ndarray
            Geodesic distance to the nearest coastline point, metres.
        state : numpy.ndarray
            ISO3 code of the state holding that coast.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        n = len(lon)
        dist = np.full(n, np.nan)
        state = np.full(n, "", dtype=object)
        if n == 0 or len(self.start) == 0:
            return dist, state
        todo = np.arange(n)
        k = min(8, len(self.start))
        xyz = _unit(lon, lat)
        while len(todo):
            chord, idx = self._tree.query(xyz[todo], k=k)
            chord = chord.reshape(len(todo), k)
            idx = idx.reshape(len(todo), k)
            d = self._exact(lon[todo], lat[todo], idx)
            best = np.argmin(d, axis=1)
            best_d = d[np.arange(len(todo)), best]
            dist[todo] = best_d
            state[todo] = self.state[idx[np.arange(len(todo)), best]]
            # A segment not examined has its midpoint farther (on the sphere of the
            # smallest radius) than the k-th candidate; it cannot be closer than
            # that distance minus half the longest segment.
            kth_m = 2 * np.arcsin(np.minimum(chord[:, -1] / 2, 1.0)) * _LOWER_RADIUS_M
            unsure = (kth_m - self.max_segment_m / 2 < best_d) & (k < len(self.start))
            todo = todo[unsure]
            k = min(k * 4, len(self.start))
        return dist, state
