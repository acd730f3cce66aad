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

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from . import settings
from ._threads import map_slices
from .io import atomic_path, map_npz
from .zones.schema import KIND_PRIORITY, coverage_of

__all__ = ["NONE", "OUTSIDE", "ZoneIndex", "index_key"]

log = logging.getLogger(__name__)

#: Answer codes of :meth:`ZoneIndex.lookup` besides zone row numbers.
NONE = -1  # in the coverage, in no zone (high seas)

#: Largest grid, cells.
MAX_CELLS = 2_000_000

#: Lookups smaller than this do not build the grid.
GRID_MIN_POINTS = 20_000
OUTSIDE = -2  # outside the coverage
_MIXED = -3


#: Version of the saved index format; part of :func:`index_key`.
_FORMAT = "zone-index-1"


def index_key(zones: gpd.GeoDataFrame) -> str:
    """Return a key naming a zone set's geometry, kinds and coverage (for saved indexes)."""
    digest = hashlib.sha256(_FORMAT.encode())
    for wkb in shapely.to_wkb(np.asarray(zones.geometry.values, dtype=object)):
        digest.update(wkb)
    digest.update("\x1f".join(map(str, zones["kind"])).encode())
    digest.update(shapely.to_wkb(coverage_of(zones)))
    return digest.hexdigest()[:32]


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
    refine : int, default 0
        Halve the cells this many times where zone edges are near (answered cells
        only pass their answer on): fewer exact tests per lookup, for an index built
        once and saved (:meth:`save`).

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
        refine: int = 0,
    ):
        self._init_zones(zones)
        pieces, owner = [], []
        for i, g in enumerate(self.geoms):
            for p in _subdivide(g, max_vertices):
                pieces.append(p)
                owner.append(i)
        self.pieces = np.asarray(pieces, dtype=object)
        self.piece_zone = np.asarray(owner, dtype=np.int64)
        self.tree = shapely.STRtree(self.pieces)
        self.cell_deg = cell_deg
        self._refine = refine
        self._init_sets(grid=grid)
        if grid:
            self._build_grid()

    def _init_zones(self, zones: gpd.GeoDataFrame) -> None:
        self.zones = zones
        self.geoms = np.asarray(zones.geometry.values, dtype=object)
        shapely.prepare(self.geoms)
        self.priority = zones["kind"].map(KIND_PRIORITY).to_numpy()
        self.coverage = coverage_of(zones)
        shapely.prepare(self.coverage)

    def _init_sets(self, *, grid: bool | None) -> None:
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
        grown = self._mixed_cells()
        # Every other cell takes the answer of its centre.
        answer = np.full((self.ny, self.nx), _MIXED, dtype=np.int32)
        cy, cx = np.nonzero(~grown)
        answer[cy, cx] = self._exact_sets(self.x0 + (cx + 0.5) * c, self.y0 + (cy + 0.5) * c)
        self.grid = answer
        for _ in range(self._refine):
            self._halve_cells()
        if len(self._sets) < np.iinfo(np.int16).max:  # half the memory of a fine grid
            self.grid = self.grid.astype(np.int16)
        log.info(
            "zone index: %d x %d cells, %.1f %% mixed, %d pieces",
            self.nx, self.ny, 100.0 * (self.grid == _MIXED).mean(), len(self.pieces),
        )  # fmt: skip

    def _mixed_cells(self) -> np.ndarray:
        """Cells crossed by any edge (zones and coverage), and their neighbours."""
        edges = shapely.boundary(np.append(self.geoms, self.coverage))
        xy = shapely.get_coordinates(shapely.segmentize(edges, self.cell_deg / 4.0))
        ix, iy = self._cell(xy[:, 0], xy[:, 1])
        mixed = np.zeros((self.ny, self.nx), dtype=bool)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        mixed[iy[ok], ix[ok]] = True
        grown = mixed.copy()
        grown[1:, :] |= mixed[:-1, :]
        grown[:-1, :] |= mixed[1:, :]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        return grown

    def _halve_cells(self) -> None:
        """Split every cell in four.

        Answered cells pass their answer on (no edge comes near them); the cells of
        mixed ones are marked and tested again at this size.
        """
        assert self.grid is not None
        coarse = self.grid
        self.cell_deg /= 2.0
        self.nx, self.ny = 2 * self.nx, 2 * self.ny
        fine = np.repeat(np.repeat(coarse, 2, axis=0), 2, axis=1)
        grown = self._mixed_cells()
        fine[grown] = _MIXED
        cy, cx = np.nonzero((fine == _MIXED) & ~grown)
        c = self.cell_deg
        fine[cy, cx] = self._exact_sets(self.x0 + (cx + 0.5) * c, self.y0 + (cy + 0.5) * c)
        self.grid = fine

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

    def clear_of_edges(
        self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray
    ) -> np.ndarray:
        """Tell, per straight segment, whether it certainly crosses no zone edge.

        True when both ends lie in answered grid cells (no edge passes through
        them or their eight neighbours) at most one cell apart: the segment then
        stays inside the first end's block of nine cells, which no edge enters.
        False means "perhaps": test it exactly. Without a grid (small lookups on an
        index built with ``grid=None``) every answer is False.
        """
        x0, y0, x1, y1 = (np.asarray(v, dtype=float) for v in (x0, y0, x1, y1))
        if self.grid is None:
            if self._grid_mode is False or (self._grid_mode is None and len(x0) < GRID_MIN_POINTS):
                return np.zeros(len(x0), dtype=bool)
            with self._lock:
                if self.grid is None:
                    self._build_grid()
        assert self.grid is not None
        ix0, iy0 = self._cell(x0, y0)
        ix1, iy1 = self._cell(x1, y1)
        near = (np.abs(ix1 - ix0) <= 1) & (np.abs(iy1 - iy0) <= 1)
        inside = (ix0 >= 0) & (ix0 < self.nx) & (iy0 >= 0) & (iy0 < self.ny)
        inside &= (ix1 >= 0) & (ix1 < self.nx) & (iy1 >= 0) & (iy1 < self.ny)
        ok = np.flatnonzero(near & inside)
        out = np.zeros(len(x0), dtype=bool)
        out[ok] = (self.grid[iy0[ok], ix0[ok]] != _MIXED) & (self.grid[iy1[ok], ix1[ok]] != _MIXED)
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

    # -- persistence -----------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the index (with its grid) to ``path`` (``.npz``, atomically); return it.

        :meth:`load` reads it back for the same zone set, without the grid's exact
        tests (most of the build time). No pickle: arrays and WKB only.
        """
        with self._lock:
            if self.grid is None:
                self._build_grid()
        assert self.grid is not None
        wkb = shapely.to_wkb(self.pieces)
        members = [np.asarray(m, dtype=np.int32) for m in self._sets]
        arrays = {
            "key": np.frombuffer(index_key(self.zones).encode(), dtype=np.uint8),
            "grid": self.grid,
            "frame": np.array([self.x0, self.y0, self.cell_deg, self.nx, self.ny], dtype=float),
            "pieces": np.frombuffer(b"".join(wkb), dtype=np.uint8),
            "piece_ends": np.cumsum([len(b) for b in wkb]).astype(np.int64),
            "piece_zone": self.piece_zone,
            "sets": np.concatenate([np.zeros(0, dtype=np.int32), *members]),
            "set_ends": np.cumsum([len(m) for m in members]).astype(np.int64),
        }
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            # Uncompressed, so that load maps it (numpy's stubs mistype **arrays).
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        return Path(path)

    @classmethod
    def load(cls, path: str | Path, zones: gpd.GeoDataFrame) -> ZoneIndex:
        """Read an index written by :meth:`save` for ``zones``.

        Raises
        ------
        ValueError
            If the file was written for another zone set (or another version).
        """
        data = map_npz(path)  # the grid is mapped, not read
        if bytes(data["key"]).decode() != index_key(zones):
            raise ValueError(f"{path}: the index was built for another zone set")
        self = cls.__new__(cls)
        self._init_zones(zones)
        ends = data["piece_ends"]
        raw = data["pieces"].tobytes()
        starts = np.r_[0, ends[:-1]]
        self.pieces = shapely.from_wkb([raw[a:b] for a, b in zip(starts, ends, strict=True)])
        self.piece_zone = data["piece_zone"].astype(np.int64)
        self.tree = shapely.STRtree(self.pieces)
        sets, set_ends = data["sets"], data["set_ends"]
        bounds = zip(np.r_[0, set_ends[:-1]], set_ends, strict=True)
        stored = [tuple(int(v) for v in sets[a:b]) for a, b in bounds]
        self._init_sets(grid=True)
        for members in stored[1:]:
            self._set_id(members)
        x0, y0, cell, nx, ny = data["frame"]
        self.x0, self.y0, self.cell_deg, self.nx, self.ny = x0, y0, cell, int(nx), int(ny)
        self.grid = data["grid"]
        if self._sets != stored:
            raise ValueError(f"{path}: zone sets do not match the zone set's order")
        # GEOS builds the STRtree and each prepared polygon's point locator on first
        # use, which is not safe on several threads at once (lookups of large inputs
        # run on threads): use the tree and every zone once here, on this thread.
        probe = shapely.get_coordinates(shapely.point_on_surface(self.geoms))
        self._exact_sets(probe[:, 0], probe[:, 1])
        shapely.intersects_xy(self.geoms, probe[:, 0], probe[:, 1])
        return self

    def set_codes(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return, per point, the id of the set of zones holding it (0: none; <0: outside).

        :meth:`members` gives the zones of an id; unlike :meth:`zone_sets`, no Python
        object per point.
        """
        return self._set_codes(x, y)

    def members(self, code: int) -> tuple[int, ...]:
        """Return the zone rows of a set id from :meth:`set_codes`."""
        return self._sets[code]

    def zone_sets(self, x: np.ndarray, y: np.ndarray) -> list[tuple[int, ...] | None]:
        """Return, per point, the row numbers of every zone it intersects (None: outside)."""
        return [self._sets[c] if c >= 0 else None for c in self._set_codes(x, y)]
