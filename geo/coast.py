"""Geodesic distance from points to a coastline, and the state whose coast it is.

The coastline is cut into short segments (2 km by default). Distances are found
in three steps, so that only a handful of exact geodesics is needed per point:

1. **Candidates.** With a :class:`~geo.distance_grid.DistanceGrid` attached
   (:meth:`Coastline.with_grid`), the few segments kept for the point's grid
   cell. Otherwise (and outside the grid) a k-d tree of the segment midpoints in
   Earth-centred (ECEF) metres: a straight chord is never longer than the
   geodesic between the same two points, so a segment whose midpoint is farther
   (in chord) than the k-th candidate, less half the longest segment, cannot be
   closer than that bound; candidates are widened until that bound passes the
   best distance.
2. **Cheap distances.** Each candidate is measured by the compiled loops of
   :mod:`geo._nearest`: the foot placed with the ellipsoid's right angle, then
   Euler's radius-of-curvature formula near and Lambert's formula far, with the
   error bound of :func:`_approx_error`.
3. **Geodesics.** Every candidate that, within that bound, could be the nearest
   is measured with pyproj: beyond :meth:`Coastline._near_m` as the geodesic to
   its foot; nearer, with its ends placed by geodesic distance and azimuth from
   the point (an azimuthal equidistant frame centred on the point, where
   distances from the centre are exact) and the point-to-segment distance taken
   in that frame.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from ._nearest import (
    approx_error,
    band_pairs,
    ecef,
    foot_vectors,
    pair_distances,
    pair_targets,
    point_distances,
    row_minimum,
    same_target,
    segment_term,
)
from ._threads import map_slices
from .geodesy import GEOD, unit_vectors
from .io import atomic_path, map_npz

if TYPE_CHECKING:
    from .distance_grid import DistanceGrid

__all__ = ["Coastline"]

log = logging.getLogger(__name__)


#: Fewest metres in a degree of latitude (at the equator, 110,574 m), rounded down.
_METRES_PER_DEGREE_MIN = 110_000.0

#: Points measured per block (bounds the n x k candidate arrays).
_BLOCK = 50_000

#: Most candidates per point passed from the grid to the exact measurement (more: k-d tree).
_BAND_WIDTH = 32


def _approx_error(d_m: np.ndarray, max_segment_m: float = 2000.0) -> np.ndarray:
    """Bound (metres) on the error of the approximate distance ``d_m`` to a segment.

    Point to point (:func:`_approx_m`) the error is within ``2.1e-5 * (d / 1000
    km)**2`` of the distance, and 1.4e-6 beyond 250 km (``geo._nearest``); to a
    segment the foot adds up to 1.9e-7 of the distance and 0.1 mm for 2 km
    segments (6 mm for 20 km ones; both with the square of the segment's length).
    Measured on 2 million random pairs and 37,000 random segments with points 1 m
    to 2,000 km away; the bound allows at least twice as much.
    """
    # floor: 1 mm for 2 km segments, 10 cm for 20 km ones
    return np.asarray(approx_error(np.asarray(d_m, dtype=float), segment_term(max_segment_m)))


def _approx_m(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Approximate geodesic distance (m) between unit vectors ``p`` and ``q`` (n x 3 each)."""
    p, q = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
    out = np.empty(p.shape[:-1])
    point_distances(np.ascontiguousarray(p.reshape(-1, 3)), np.ascontiguousarray(q.reshape(-1, 3)),
                    out.reshape(-1))  # fmt: skip
    return out


def _lines(geoms: np.ndarray, owners: np.ndarray, rings: str) -> tuple[np.ndarray, np.ndarray]:
    """Lines to measure to, and the owner of each: polygon rings, or lines as they are."""
    parts, part_idx = shapely.get_parts(geoms, return_index=True)
    own = np.asarray(owners, dtype=object)[part_idx]
    type_id = shapely.get_type_id(parts)
    polygonal, linear = type_id == 3, (type_id == 1) | (type_id == 2)
    lines, line_own = [parts[linear]], [own[linear]]
    polys = parts[polygonal]
    if rings == "all":
        ring_geoms, ring_idx = shapely.get_rings(polys, return_index=True)
        lines.append(ring_geoms)
        line_own.append(own[polygonal][ring_idx])
    elif rings == "coast":
        coast = _coast_parts(shapely.get_exterior_ring(polys), polys)
        # one line per piece: a multi-part line would be read as one chain of segments
        pieces, piece_idx = shapely.get_parts(coast, return_index=True)
        keep = np.isin(shapely.get_type_id(pieces), (1, 2))
        lines.append(pieces[keep])
        line_own.append(own[polygonal][piece_idx[keep]])
    else:
        lines.append(shapely.get_exterior_ring(polys))
        line_own.append(own[polygonal])
    return np.concatenate(lines), np.concatenate(line_own)


def _coast_parts(outer: np.ndarray, polys: np.ndarray) -> np.ndarray:
    """Return the parts of each outer ring that are coast: not shared with another polygon.

    Where two land polygons touch (a land border, or the edge between a state's
    land and a disputed island group's), the shared edge is inland, not coast:
    it is dropped by intersecting each ring with the boundary of all the land.
    """
    if len(polys) < 2:
        return outer
    coast = shapely.boundary(shapely.union_all(polys))
    tree = shapely.STRtree(polys)
    touching = np.zeros(len(polys), dtype=bool)
    pairs = tree.query(polys, predicate="intersects")
    touching[pairs[0][pairs[0] != pairs[1]]] = True
    out = outer.copy()
    if touching.any():
        out[touching] = shapely.intersection(outer[touching], coast)
    return out


class Coastline:
    """A coastline ready for distance queries.

    Parameters
    ----------
    land : geopandas.GeoDataFrame
        Land polygons with a ``sovereign`` column (ISO3 of the state holding it).
    segment_m : float, default 2000.0
        Longest segment of the coastline.
    rings : {"exterior", "coast", "all"}, default "exterior"
        Measure to the outer rings only (holes are lakes), to the parts of them
        that are coast (``"coast"``: edges where two land polygons touch, such as
        land borders, are left out), or to holes too (the edge of an area).

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
        self._setup(*_lines(land.geometry.values, land["sovereign"].to_numpy(), rings), segment_m)

    @classmethod
    def from_geometries(
        cls,
        geoms: object,
        owners: object = None,
        *,
        segment_m: float = 2000.0,
        merge_shared: bool = False,
    ) -> Coastline:
        """Return the edges of any geometries (lon/lat), ready for distance queries.

        Polygons contribute every ring (holes too: the edge of an area), lines
        themselves.

        Parameters
        ----------
        geoms : array-like of shapely geometries
            In EPSG:4326.
        owners : array-like of str, optional
            The state of each geometry (returned by :meth:`distance_m`); "" by default.
        segment_m : float, default 2000.0
            Longest segment.
        merge_shared : bool, default False
            Keep one copy of a segment that two geometries share (the common edge
            of two zones, drawn once each way): its second owner goes to
            :attr:`other_state`.

        Examples
        --------
        >>> import shapely
        >>> edge = Coastline.from_geometries([shapely.LineString([(0, 0), (0, 1)])])
        >>> round(float(edge.distance_m([1.0], [0.5])[0][0]) / 1000, 1)
        111.3
        """
        arr = np.asarray(geoms, dtype=object)
        own = np.full(len(arr), "", dtype=object) if owners is None else np.asarray(owners)
        out = cls.__new__(cls)
        out._setup(*_lines(arr, own, "all"), segment_m, merge_shared=merge_shared)
        return out

    def _setup(
        self, lines: np.ndarray, owners: np.ndarray, segment_m: float, *, merge_shared: bool = False
    ) -> None:
        ring_lines = shapely.segmentize(lines, segment_m / 111_320.0)
        coords, ring_idx = shapely.get_coordinates(ring_lines, return_index=True)
        same = ring_idx[1:] == ring_idx[:-1]
        self.start = coords[:-1][same]
        self.end = coords[1:][same]
        self.state = owners[ring_idx[:-1][same]]
        #: The second owner of a shared segment (``merge_shared``), else None.
        self.other_state = np.full(len(self.start), None, dtype=object)
        # whether each segment's end is the next segment's start (same line, next vertex)
        kept = np.flatnonzero(same)
        self._joined = np.r_[kept[1:] == kept[:-1] + 1, False]
        #: Whether every segment's owners are in :attr:`state` and :attr:`other_state`
        #: (False when three or more geometries share a segment: only two are kept).
        self.owners_complete = True
        if merge_shared:
            self._merge_shared()
        _, _, seg_len = GEOD.inv(self.start[:, 0], self.start[:, 1], self.end[:, 0], self.end[:, 1])
        self.max_segment_m = float(np.max(seg_len)) if len(seg_len) else 0.0
        self._derive()

    def _derive(self, kept: dict[str, np.ndarray] | None = None) -> None:
        """Set the unit vectors and foot vectors of the segments (what is measured).

        They are computed, or taken from ``kept`` (what :meth:`save` wrote).
        """
        if kept is not None:
            self._a, self._b, self._g = kept["a"], kept["b"], kept["g"]
        else:
            self._a = unit_vectors(self.start[:, 0], self.start[:, 1])
            self._b = unit_vectors(self.end[:, 0], self.end[:, 1])
            self._g = foot_vectors(self._a, self._b)
        self._kd: cKDTree | None = None
        self._owner_rows: tuple[np.ndarray, np.ndarray] | None = None
        self.grid: DistanceGrid | None = None
        log.debug("coastline: %d segments, longest %.0f m", len(self.start), self.max_segment_m)

    @property
    def _tree(self) -> cKDTree | None:
        """k-d tree of the segment midpoints (ECEF), built on first use; None if no segment."""
        if self._kd is None and len(self.start):
            ends = ecef(self.start[:, 0], self.start[:, 1]), ecef(self.end[:, 0], self.end[:, 1])
            self._kd = cKDTree((ends[0] + ends[1]) / 2.0)
        return self._kd

    def save(self, path: str | Path) -> Path:
        """Write the segments, their owners and the grid to ``path`` (``.npz``, atomically).

        Owners must be strings or integers (None as a second owner). No pickle,
        no compression: :meth:`load` maps the arrays instead of reading them. The
        unit and foot vectors are kept too, so that loading computes nothing.
        """
        arrays: dict[str, np.ndarray] = {
            "start": self.start, "end": self.end, "joined": self._joined,
            "max_segment_m": np.array([self.max_segment_m]),
            "a": self._a, "b": self._b, "g": self._g,
            "owners_complete": np.array([self.owners_complete]),
        }  # fmt: skip
        for name in ("state", "other_state"):
            values = getattr(self, name)
            present = ~pd.isna(values)
            arrays[f"{name}_present"] = present
            if all(isinstance(v, (int, np.integer)) for v in values[present]):
                arrays[f"{name}_int"] = np.where(present, values, -1).astype(np.int64)
            else:
                arrays[f"{name}_str"] = np.where(present, values, "").astype(str)
        if self.grid is not None:
            arrays |= {f"grid_{k}": v for k, v in self.grid.arrays().items()}
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> Coastline:
        """Read what :meth:`save` wrote (segments, owners and the grid, if any).

        The arrays are memory-mapped read-only (:func:`geo.io.map_npz`); only the
        owners are copied (into Python objects).
        """
        from .distance_grid import DistanceGrid

        out = cls.__new__(cls)
        data = map_npz(path)
        out.start, out.end = data["start"], data["end"]
        out._joined = data["joined"]
        out.max_segment_m = float(data["max_segment_m"][0])
        out.owners_complete = bool(data["owners_complete"][0])
        for name in ("state", "other_state"):
            present = data[f"{name}_present"]
            raw = data[f"{name}_int"] if f"{name}_int" in data else data[f"{name}_str"]
            values = raw.astype(object)
            values[~present] = None
            setattr(out, name, values)
        grid = {k[5:]: v for k, v in data.items() if k.startswith("grid_")}
        out._derive(data)
        if "state_int" in data and "other_state_int" in data:  # integer owners, -1 for none
            out._owner_rows = (data["state_int"], data["other_state_int"])
        out.grid = DistanceGrid.from_arrays(grid) if grid else None
        return out

    def owner_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Return :attr:`state` and :attr:`other_state` as integer arrays (-1: none).

        For owners that are integers (the zone rows of
        :attr:`geo.prepared.PreparedZones.boundaries`).
        """
        if self._owner_rows is None:
            rows = []
            for values in (self.state, self.other_state):
                present = ~pd.isna(values)
                out = np.full(len(values), -1, dtype=np.int64)
                out[present] = values[present].astype(np.int64)
                rows.append(out)
            self._owner_rows = (rows[0], rows[1])
        return self._owner_rows

    def subset(self, keep: np.ndarray) -> Coastline:
        """Return the segments flagged in ``keep`` (a boolean array), with no grid.

        Nothing is recomputed: the segments, owners and vectors are taken as they are.
        """
        out = self.__class__.__new__(self.__class__)
        out.start, out.end = self.start[keep], self.end[keep]
        out.state, out.other_state = self.state[keep], self.other_state[keep]
        out._joined = (self._joined & np.r_[keep[1:], False])[keep]
        out.max_segment_m = self.max_segment_m
        out.owners_complete = self.owners_complete
        a, b, g = self.segment_arrays()
        out._derive({"a": a[keep], "b": b[keep], "g": g[keep]})
        return out

    def _measure(
        self, lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, segs: np.ndarray
    ) -> np.ndarray:
        """Geodesic distance (m) from point ``rows[k]`` to segment ``segs[k]``.

        Beyond :meth:`_near_m`, the geodesic to the segment's nearest point (as
        the approximation places it; pairs that share that point, such as two
        segments meeting at a corner, share the geodesic); nearer, the exact
        frame of :meth:`_exact`.
        """
        t_lon, t_lat, d_apx = (np.empty(len(rows)) for _ in range(3))
        pair_targets(unit_vectors(lon, lat), rows, segs, *self.segment_arrays(),
                     t_lon, t_lat, d_apx)  # fmt: skip
        near = d_apx < self._near_m()
        d = np.empty(len(rows))
        d[near] = self._exact(lon[rows[near]], lat[rows[near]], segs[near], rows[near])
        far = np.flatnonzero(~near)
        if len(far):
            ref = np.empty(len(far), dtype=np.int64)
            same_target(rows[far], t_lon[far], t_lat[far], ref)
            first = np.flatnonzero(ref == np.arange(len(far)))
            u = far[first]
            d_u = np.empty(len(far))
            d_u[first] = GEOD.inv(lon[rows[u]], lat[rows[u]], t_lon[u], t_lat[u])[2]
            d[far] = d_u[ref]
        return d

    def _near_m(self) -> float:
        """Below this distance, segments are measured in the exact frame (:meth:`_exact`).

        Beyond it, the geodesic to the approximate foot agrees with that frame to
        6e-8 of the distance for 2 km segments (it scales with the square of the
        segment length): measured on 37,000 random segments.
        """
        return 1000.0 * max(1.0, (self.max_segment_m / 2000.0) ** 2)

    def _merge_shared(self) -> None:
        """Keep one copy of segments drawn twice (either way); note the second owner."""
        ends = np.round(np.concatenate([self.start, self.end], axis=1), 9)
        flip = (ends[:, 2] < ends[:, 0]) | ((ends[:, 2] == ends[:, 0]) & (ends[:, 3] < ends[:, 1]))
        ends[flip] = ends[flip][:, [2, 3, 0, 1]]
        _, first, inverse = np.unique(ends, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        self.owners_complete = bool((np.bincount(inverse) <= 2).all())
        dup = np.flatnonzero(first[inverse] != np.arange(len(ends)))
        other = self.other_state.copy()
        other[first[inverse[dup]]] = self.state[dup]
        keep = np.zeros(len(ends), dtype=bool)
        keep[first] = True
        joined = self._joined & np.r_[keep[1:], False]
        self.start, self.end = self.start[keep], self.end[keep]
        self.state, self.other_state = self.state[keep], other[keep]
        self._joined = joined[keep]

    def _exact(
        self, lon: np.ndarray, lat: np.ndarray, seg: np.ndarray, point: np.ndarray | None = None
    ) -> np.ndarray:
        """Distances (m) from points ``(lon[i], lat[i])`` to segments ``seg[i]`` (pairs).

        Each end is placed by geodesic distance and azimuth from the point (exact
        from the centre of an azimuthal equidistant frame); a pair of adjacent
        segments of one point shares the computation of their common end.
        """
        n = len(seg)
        if n == 0:
            return np.zeros(0)
        # one geodesic per (point, vertex): the end of a segment is the next one's start
        point = np.arange(n) if point is None else point  # which pairs share a point
        vertex = np.concatenate([seg, np.where(self._joined[seg], seg + 1, len(self.start) + seg)])
        key = np.tile(point.astype(np.int64), 2) * (2 * len(self.start) + 1) + vertex
        first, inverse = np.unique(key, return_index=True, return_inverse=True)[1:]
        ends = np.concatenate([self.start[seg], self.end[seg]])
        plon, plat = np.tile(lon, 2), np.tile(lat, 2)
        az_u, _, d_u = GEOD.inv(plon[first], plat[first], ends[first, 0], ends[first, 1])
        az, d = np.radians(az_u)[inverse.ravel()], d_u[inverse.ravel()]
        ax, ay = d[:n] * np.sin(az[:n]), d[:n] * np.cos(az[:n])
        bx, by = d[n:] * np.sin(az[n:]), d[n:] * np.cos(az[n:])
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        t = np.where(len2 > 0, -(ax * dx + ay * dy) / np.where(len2 > 0, len2, 1.0), 0.0)
        t = np.clip(t, 0.0, 1.0)
        return np.hypot(ax + t * dx, ay + t * dy)

    def _approx(self, p: np.ndarray, seg: np.ndarray) -> np.ndarray:
        """Approximate distances (m) from unit vectors ``p`` (n x 3) to segments (n x k)."""
        seg = np.asarray(seg, dtype=np.int64)
        rows = np.repeat(np.arange(len(p)), seg.shape[1] if seg.ndim > 1 else 1)
        out = np.empty(rows.shape, dtype=float)
        pair_distances(np.ascontiguousarray(p), rows, seg.ravel(), *self.segment_arrays(), out)
        return out.reshape(seg.shape)

    def _kd_pairs(
        self, lon: np.ndarray, lat: np.ndarray, todo: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate ``(row, segment)`` pairs for points ``todo``, from the k-d tree."""
        if not len(todo):  # no tree to build
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        assert self._tree is not None
        p_unit = unit_vectors(lon[todo], lat[todo])
        p_ecef = ecef(lon[todo], lat[todo])
        n_seg = len(self.start)
        pair_rows: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        pair_segs: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        left = np.arange(len(todo))
        k = min(16, n_seg)
        while len(left):
            chord, idx = self._tree.query(p_ecef[left], k=k)
            chord = chord.reshape(len(left), k)
            idx = idx.reshape(len(left), k)
            d_apx = self._approx(p_unit[left], idx)
            best = d_apx.min(axis=1)
            upper = best + _approx_error(best, self.max_segment_m)
            # Unexamined segments: chord to the midpoint >= the k-th one's, so no
            # point of theirs is nearer than that chord less half a segment.
            done = (chord[:, -1] - self.max_segment_m / 2 >= upper) | (k >= n_seg)
            maybe = d_apx - _approx_error(d_apx, self.max_segment_m) <= upper[:, None]
            rows, cols = np.nonzero(done[:, None] & maybe)
            pair_rows.append(todo[left[rows]])
            pair_segs.append(idx[rows, cols])
            left = left[~done]
            k = min(k * 4, n_seg)
        return np.concatenate(pair_rows), np.concatenate(pair_segs).astype(np.int64)

    def segment_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the unit vectors of the segments' ends and their foot vectors."""
        return self._a, self._b, self._g

    def _grid_pairs(
        self, p_unit: np.ndarray, leaf: np.ndarray, centre: np.ndarray, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Band pairs of points ``rows`` from their grid leaves, and the rows that overflowed.

        ``leaf`` and ``centre`` are :meth:`DistanceGrid.locate`'s answer for every point.
        """
        assert self.grid is not None
        grid = self.grid
        out_seg = np.empty((len(rows), _BAND_WIDTH), dtype=np.int64)
        out_n = np.empty(len(rows), dtype=np.int64)
        c_unit = unit_vectors(centre[rows, 0], centre[rows, 1])
        band_pairs(p_unit[rows], c_unit, grid.node_start[leaf[rows]], grid.node_count[leaf[rows]],
                   grid.candidates, grid.lower, grid.gradient, *self.segment_arrays(),
                   segment_term(self.max_segment_m), out_seg, out_n)  # fmt: skip
        ok = out_n >= 0
        n = np.where(ok, out_n, 0)
        take = np.arange(_BAND_WIDTH)[None, :] < n[:, None]
        return np.repeat(rows, n), out_seg[take], rows[~ok]

    def _block(
        self, lon: np.ndarray, lat: np.ndarray, use_grid: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(lon)
        if use_grid and self.grid is not None:
            leaf, centre = self.grid.locate(lon, lat)
            rows, segs, overflow = self._grid_pairs(
                unit_vectors(lon, lat), leaf, centre, np.flatnonzero(leaf >= 0)
            )
            k_rows, k_segs = self._kd_pairs(lon, lat, np.r_[np.flatnonzero(leaf < 0), overflow])
            rows, segs = np.concatenate([rows, k_rows]), np.concatenate([segs, k_segs])
        else:
            rows, segs = self._kd_pairs(lon, lat, np.arange(n))
        return self._closest(lon, lat, rows, segs)

    def _closest(
        self, lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, segs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Measure the ``(row, segment)`` pairs; per point, the least distance and its segment.

        Infinity and -1 for a point with no pair; ties go to the first segment in
        the coastline's order.
        """
        d = self._measure(lon, lat, rows, segs)
        dist = np.full(len(lon), np.inf)
        seg = np.full(len(lon), -1, dtype=np.int64)
        row_minimum(rows, d, segs, dist, seg)
        return dist, seg

    def nearest_within(
        self, lon: object, lat: object, reach_m: object
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`nearest` for a few points, each with a segment probably within ``reach_m``.

        Each point is measured against the segments that start in a box around
        it (of half-side ``reach_m`` plus the longest segment, in degrees of
        the narrowest latitude in the box), with no k-d tree to build. The
        answer stands when it is within ``reach_m``: any nearer segment starts
        in the box. Points where it is not (or whose box reaches a pole) are
        measured by :meth:`nearest`.
        """
        lon = np.asarray(lon, dtype=float).ravel()
        lat = np.asarray(lat, dtype=float).ravel()
        reach = np.broadcast_to(np.asarray(reach_m, dtype=float), lon.shape)
        dist = np.full(len(lon), np.nan)
        seg = np.full(len(lon), -1, dtype=np.int64)
        if not len(lon) or not len(self.start):
            return dist, seg
        half = reach + self.max_segment_m + 1.0
        d_lat = half / _METRES_PER_DEGREE_MIN
        top = np.abs(lat) + d_lat
        rows_l, segs_l = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for i in np.flatnonzero(top < 89.0):
            d_lon = d_lat[i] / np.cos(np.radians(top[i]))
            east = (self.start[:, 0] - lon[i] + 180.0) % 360.0 - 180.0  # across 180° too
            hit = np.flatnonzero((np.abs(self.start[:, 1] - lat[i]) <= d_lat[i])
                                 & (np.abs(east) <= d_lon))  # fmt: skip
            rows_l.append(np.full(len(hit), i, dtype=np.int64))
            segs_l.append(hit.astype(np.int64))
        best, seg = self._closest(lon, lat, np.concatenate(rows_l), np.concatenate(segs_l))
        ok = best <= reach
        dist[ok] = best[ok]
        if (~ok).any():
            dist[~ok], seg[~ok] = self.nearest(lon[~ok], lat[~ok])
        return dist, seg

    def with_grid(self, bounds: tuple[float, float, float, float]) -> Coastline:
        """Attach a :class:`~geo.distance_grid.DistanceGrid` over ``bounds``; return self.

        Points inside ``bounds`` are then measured against their grid cell's few
        candidate segments. :meth:`save` keeps the grid with the segments.
        """
        from .distance_grid import DistanceGrid

        if len(self.start):
            self.grid = DistanceGrid(self, bounds)
        return self

    def nearest(
        self, lon: object, lat: object, *, grid: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the geodesic distance (m) to the nearest segment, and that segment.

        Parameters
        ----------
        lon, lat : array-like
            Points, degrees.
        grid : bool, default True
            Use the attached distance grid (:meth:`with_grid`), if any, for the
            points inside it.

        Returns
        -------
        distance_m : numpy.ndarray
            NaN where there are no segments.
        segment : numpy.ndarray
            Index of the nearest segment (into :attr:`start`, :attr:`state`), -1
            where there is none.
        """
        lon = np.asarray(lon, dtype=float).ravel()
        lat = np.asarray(lat, dtype=float).ravel()
        n = len(lon)
        dist = np.full(n, np.nan)
        seg = np.full(n, -1, dtype=np.int64)
        if n == 0 or not len(self.start):
            return dist, seg

        def work(s: slice) -> tuple[np.ndarray, np.ndarray]:
            return self._block(lon[s], lat[s], grid)

        for sl, (d, k) in map_slices(work, n, _BLOCK):
            dist[sl], seg[sl] = d, k
        return dist, seg

    def distance_m(
        self, lon: object, lat: object, *, grid: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the geodesic distance to the coast (metres) and the coast's state.

        Parameters are those of :meth:`nearest`.

        Returns
        -------
        distance_m : numpy.ndarray
            Geodesic distance to the nearest coastline point, metres.
        state : numpy.ndarray
            ISO3 code of the state holding that coast.
        """
        dist, seg = self.nearest(lon, lat, grid=grid)
        state = np.full(len(seg), "", dtype=object)
        state[seg >= 0] = self.state[seg[seg >= 0]]
        return dist, state
