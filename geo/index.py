"""A zone index built once and reused: a grid of cells answers most points.

Large zone polygons filter poorly by bounding box, which is what makes a plain
spatial join slow on full-resolution zone sets. :class:`ZoneIndex` lays a grid
over the zone set's extent. Every zone boundary (and the coverage edge) is
sampled finer than the grid, and the cells it passes through, with their
neighbours, are marked *mixed*. Any other cell lies wholly inside one answer (a
zone, several overlapping zones, the high seas or outside the coverage), found
once by an exact test of its centre. A point in such a cell is answered by an
array lookup; points in mixed cells get the exact test against prepared zone
geometries (candidates from an STRtree of the zones' pieces, split to at most
``max_vertices`` vertices each). Points on an edge always fall in mixed cells,
so the index returns exactly what an exact "intersects" join returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import shapely

from . import settings
from ._threads import map_slices
from .zones.schema import KIND_PRIORITY, coverage_of

__all__ = ["NONE", "OUTSIDE", "ZoneIndex"]

log = logging.getLogger(__name__)

#: Answer codes of :meth:`ZoneIndex.lookup` besides zone row numbers.
NONE = -1  # in the coverage, in no zone (high seas)

#: Largest grid, cells.
MAX_CELLS = 2_000_000

#: Lookups smaller than this do not build the grid.
GRID_MIN_POINTS = 20_000
OUTSIDE = -2  # outside the coverage
_MIXED = -3


def _subdivide(geom: shapely.Geometry, max_vertices: int) -> Iterator[shapely.Geometry]:
    stack = [geom]
    while stack:
        g = stack.pop()
        if g.is_empty:
            continue
        if shapely.get_num_coordinates(g) <= max_vertices:
            yield g
            continue
        x0, y0, x1, y1 = g.bounds
        if x1 - x0 >= y1 - y0:
            xm = (x0 + x1) / 2
            halves = [
                shapely.box(x0 - 1, y0 - 1, xm, y1 + 1),
                shapely.box(xm, y0 - 1, x1 + 1, y1 + 1),
            ]
        else:
            ym = (y0 + y1) / 2
            halves = [
                shapely.box(x0 - 1, y0 - 1, x1 + 1, ym),
                shapely.box(x0 - 1, ym, x1 + 1, y1 + 1),
            ]
        for h in halves:
            part = shapely.intersection(g, h)
            for p in shapely.get_parts(part):
                if p.geom_type in ("Polygon", "MultiPolygon"):
                    stack.append(p)


class ZoneIndex:
    """Index a zone set for fast point lookups.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        A zone set (EPSG:4326, ``kind`` column, coverage in ``attrs``).
    cell_deg : float, default 0.05
        Grid cell size, degrees; made larger where the grid would exceed
        :data:`MAX_CELLS` cells. The grid is built on the first lookup of at least
        :data:`GRID_MIN_POINTS` points; smaller lookups use exact tests only.
    max_vertices : int, default 256
        Largest piece of a zone in the STRtree used for exact tests.
    grid : bool or None, default None
        Build the grid now (True), never (False), or on the first large lookup (None).

    Examples
    --------
    >>> import geo, numpy as np
    >>> index = ZoneIndex(geo.load_zones())
    >>> z = index.lookup(np.array([123.5]), np.array([25.8]))
    >>> geo.load_zones()["zone_id"].iloc[z[0]]
    'senkaku-territorial-sea'
    """

    def __init__(
        self,
        zones: gpd.GeoDataFrame,
        *,
        cell_deg: float = 0.05,
        max_vertices: int = 256,
        grid: bool | None = None,
    ):
        self.zones = zones
        self.geoms = np.asarray(zones.geometry.values, dtype=object)
        shapely.prepare(self.geoms)
        self.priority = zones["kind"].map(KIND_PRIORITY).to_numpy()
        self.coverage = coverage_of(zones)
        shapely.prepare(self.coverage)
        pieces, owner = [], []
        for i, g in enumerate(self.geoms):
            for p in _subdivide(g, max_vertices):
                pieces.append(p)
                owner.append(i)
        self.pieces = np.asarray(pieces, dtype=object)
        self.piece_zone = np.asarray(owner, dtype=np.int64)
        self.tree = shapely.STRtree(self.pieces)
        self.cell_deg = cell_deg
        self.grid: np.ndarray | None = None
        self._lock = threading.RLock()
        self._sets: list[tuple[int, ...]] = []
        self._set_ids: dict[tuple[int, ...], int] = {}
        self._best = np.zeros(0, dtype=np.int32)
        self._set_id(())  # set 0: no zone (the high seas)
        self._grid_mode = grid
        self._single = np.array(
            [self._set_id((i,)) for i in range(len(self.geoms))], dtype=np.int32
        )
        if grid:
            self._build_grid()

    # -- grid ---------------------------------------------------------------
    def _build_grid(self) -> None:
        cov_b = shapely.bounds(self.coverage)
        zb = shapely.total_bounds(self.geoms)
        west, south = max(min(cov_b[0], zb[0]), -180.0), max(min(cov_b[1], zb[1]), -90.0)
        east, north = min(max(cov_b[2], zb[2]), 180.0), min(max(cov_b[3], zb[3]), 90.0)
        c = self.cell_deg = max(
            self.cell_deg, float(np.sqrt((east - west) * (north - south) / MAX_CELLS))
        )
        self.x0, self.y0 = np.floor(west / c) * c, np.floor(south / c) * c
        self.nx = int(np.ceil((east - self.x0) / c)) + 1
        self.ny = int(np.ceil((north - self.y0) / c)) + 1
        # Cells crossed by any edge (zones and coverage), and their neighbours.
        edges = shapely.boundary(np.append(self.geoms, self.coverage))
        xy = shapely.get_coordinates(shapely.segmentize(edges, c / 4.0))
        ix, iy = self._cell(xy[:, 0], xy[:, 1])
        mixed = np.zeros((self.ny, self.nx), dtype=bool)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        mixed[iy[ok], ix[ok]] = True
        grown = mixed.copy()
        grown[1:, :] |= mixed[:-1, :]
        grown[:-1, :] |= mixed[1:, :]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        # Every other cell takes the answer of its centre.
        answer = np.full((self.ny, self.nx), _MIXED, dtype=np.int32)
        cy, cx = np.nonzero(~grown)
        centres_x = self.x0 + (cx + 0.5) * c
        centres_y = self.y0 + (cy + 0.5) * c
        answer[cy, cx] = self._exact_sets(centres_x, centres_y)
        self.grid = answer
        log.info(
            "zone index: %d x %d cells, %.1f %% mixed, %d pieces",
            self.nx, self.ny, 100.0 * grown.mean(), len(self.pieces),
        )  # fmt: skip

    def _cell(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ix = np.floor((x - self.x0) / self.cell_deg).astype(np.int64)
        iy = np.floor((y - self.y0) / self.cell_deg).astype(np.int64)
        return ix, iy

    # -- queries ------------------------------------------------------------
    def pairs(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact (point, zone) pairs of every zone each point intersects, sorted."""
        pts = shapely.points(x, y)
        # Candidates: zones with a piece whose box holds the point (pieces are small,
        # so their boxes filter well); then the exact test against the prepared zone
        # itself, so that points on edges are answered as the zones define them.
        pi, qi = self.tree.query(pts)
        if not len(pi):
            return pi, qi
        nz = len(self.geoms)
        key = np.unique(pi.astype(np.int64) * nz + self.piece_zone[qi])
        cp, cz = key // nz, key % nz
        hit = shapely.intersects(self.geoms[cz], pts[cp])
        return cp[hit], cz[hit]

    def _exact_sets(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Set ids (see :meth:`zone_sets`) of points, by exact tests; OUTSIDE off coverage."""
        out = np.full(len(x), OUTSIDE, dtype=np.int32)
        inside = np.flatnonzero(shapely.intersects_xy(self.coverage, x, y))
        out[inside] = 0  # the empty set: high seas
        if len(inside):
            pi, zi = self.pairs(x[inside], y[inside])
            if len(pi):
                order = np.lexsort((zi, pi))
                pi, zi = pi[order], zi[order]
                counts = np.bincount(pi, minlength=len(inside))
                single = counts[pi] == 1
                out[inside[pi[single]]] = self._single[zi[single]]
                multi = np.flatnonzero(~single)
                if len(multi):
                    mp, mz = pi[multi], zi[multi]
                    starts = np.flatnonzero(np.r_[True, mp[1:] != mp[:-1]])
                    ends = np.r_[starts[1:], len(mp)]
                    for s0, s1 in zip(starts, ends, strict=True):
                        out[inside[mp[s0]]] = self._set_id(tuple(mz[s0:s1].tolist()))
        return out

    def _set_id(self, members: tuple[int, ...]) -> int:
        sid = self._set_ids.get(members)
        if sid is not None:
            return sid
        with self._lock:  # lookups run on several threads
            sid = self._set_ids.get(members)
            if sid is not None:
                return sid
            sid = self._set_ids[members] = len(self._sets)
            self._sets.append(members)
            best = min(members, key=lambda z: (self.priority[z], z)) if members else NONE
            self._best = np.append(self._best, np.int32(best))
        return sid

    def _set_codes(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if self.grid is None:
            if self._grid_mode is False or (self._grid_mode is None and len(x) < GRID_MIN_POINTS):
                return self._exact_sets(x, y)
            with self._lock:
                if self.grid is None:
                    self._build_grid()
        assert self.grid is not None
        ix, iy = self._cell(x, y)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        out = np.full(len(x), _MIXED, dtype=np.int32)
        out[ok] = self.grid[iy[ok], ix[ok]]
        todo = np.flatnonzero(out == _MIXED)
        if len(todo):
            out[todo] = self._exact_sets(x[todo], y[todo])
        return out

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return, per point, the innermost zone's row number, :data:`NONE` or :data:`OUTSIDE`.

        Large inputs are looked up in chunks of :data:`geo.settings.CHUNK_POINTS` on
        every core (shapely and numpy release the GIL).
        """
        size = settings.CHUNK_POINTS
        if len(x) <= size:
            return self._lookup_chunk(x, y)
        out = np.empty(len(x), dtype=np.int32)
        for sl, res in map_slices(lambda s: self._lookup_chunk(x[s], y[s]), len(x), size):
            out[sl] = res
        return out

    def _lookup_chunk(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        codes = self._set_codes(x, y)
        out = np.full(len(codes), OUTSIDE, dtype=np.int32)
        known = codes >= 0
        out[known] = self._best[codes[known]]
        return out

    def zone_sets(self, x: np.ndarray, y: np.ndarray) -> list[tuple[int, ...] | None]:
        """Return, per point, the row numbers of every zone it intersects (None: outside)."""
        return [self._sets[c] if c >= 0 else None for c in self._set_codes(x, y)]
