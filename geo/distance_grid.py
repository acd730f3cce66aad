"""Per grid cell, the few segments that can be nearest: a distance field with bounds.

:class:`~geo.coast.Coastline` finds the nearest segment of a point with a k-d
tree over segment midpoints. Far from a coast that search is slow: seen from
1,000 km, hundreds of 2 km segments of a straight coast lie within the slack the
midpoint bound needs. A :class:`DistanceGrid` does that search once per cell of
a quadtree over an area, and keeps, for each leaf cell, only the segments that
can be the nearest for *some* point of the cell. A point then needs a handful of
approximate distances and one or two exact ones.

Which segments can be nearest somewhere in a cell of centre ``c`` and radius
``R`` (geodesic, centre to farthest corner)? Let ``b`` be the segment nearest
to ``c``. Distance functions are 1-Lipschitz, so a segment ``s`` with
``d_s(c) - R > d_b(c) + R`` is never nearest in the cell (the triangle test).
Far from the segments that test is weak; the stronger one bounds how fast
``d_s - d_b`` can change across the cell. Its gradient is the difference of two
unit vectors (the directions away from each segment's nearest point), which is
``|u_s - u_b|`` at ``c``. Over the cell each of the two unit vectors turns by at
most ``2R / (d(x) + d(c)) <= R / (d(c) - R/2)``: in the plane, the vector from a
point's nearest point of a convex set to the point moves no more than the point
(the complement of a projection is nonexpansive), and normalising costs the
factor ``2 / (|u| + |v|)`` (the Dunkl-Williams inequality). So ``s`` is dropped
when::

    d_s(c) - d_b(c) > R * min(2, SAFETY * (|u_s - u_b| + R/(d_s - R/2) + R/(d_b - R/2)))

with the distances' own approximation error (:func:`geo.coast._approx_error`)
taken against ``s``. The planar argument is carried to the ellipsoid with the
factor :data:`SAFETY`; the tests compare the grid's answers with the k-d
tree's and with an exhaustive geodesic measurement.

A cell keeps halving until it holds at most ``max_candidates`` segments or
reaches ``max_level``. Children start from their parent's list (a segment that
cannot be nearest anywhere in the parent cannot be in a child).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import numpy as np

from ._nearest import ecef, filter_cells, order_cells, segment_term
from ._threads import map_slices
from .geodesy import GEOD, unit_vectors


class Segments(Protocol):
    """What a grid needs of the lines it is built for (a :class:`geo.coast.Coastline`)."""

    start: np.ndarray
    max_segment_m: float

    @property
    def _tree(self) -> Any: ...

    def segment_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def nearest(
        self, lon: object, lat: object, *, grid: bool = True
    ) -> tuple[np.ndarray, np.ndarray]: ...


__all__ = ["DistanceGrid"]

log = logging.getLogger(__name__)

#: Factor on the gradient bound (planar argument, used on the ellipsoid).
SAFETY = 1.25

#: Cells measured per k-d tree query block (bounds the cells x k arrays).
_BUILD_BLOCK_PAIRS = 4_000_000

#: Cells filtered per task of the thread pool.
_FILTER_CELLS = 20_000


def _segments_of(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR ``counts``: the owner of each item, and each item's position in its owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(int(counts.sum())) - starts[owner]


class DistanceGrid:
    """Candidate segments per quadtree cell, for :meth:`Coastline.distance_m`.

    Parameters
    ----------
    coast : Segments
        The segments.
    bounds : tuple of float
        ``(west, south, east, north)`` in degrees: the area where points will be
        asked (points outside it use the k-d tree).
    cell_deg : float, default 0.25
        Side of the top-level cells.
    max_level : int, default 2
        Most halvings of a top-level cell (0.25° / 4, about 7 km).
    max_candidates : int, default 48
        A cell with more candidate segments than this is halved.
    kd_above : int, default 400
        A cell of the deepest level with more candidates than this keeps none:
        its points use the k-d tree (intricate coasts, where it is as fast).
    """

    def __init__(
        self,
        coast: Segments,
        bounds: tuple[float, float, float, float],
        *,
        cell_deg: float = 0.25,
        max_level: int = 2,
        max_candidates: int = 48,
        kd_above: int = 400,
    ):
        self.x0, self.y0, self.cell_deg, self.nx, self.ny = _frame(bounds, cell_deg)
        self._build(coast, max_level=max_level, max_candidates=max_candidates,
                    kd_above=kd_above)  # fmt: skip

    # -- building ---------------------------------------------------------------------

    def _build(
        self, coast: Segments, *, max_level: int, max_candidates: int, kd_above: int
    ) -> None:
        iy, ix = np.divmod(np.arange(self.nx * self.ny), self.nx)
        west = self.x0 + ix * self.cell_deg
        south = self.y0 + iy * self.cell_deg
        size = np.full(len(ix), self.cell_deg)
        counts, cands = _first_candidates(coast, west, south, size)
        log.debug("distance grid: %d cells, %d first candidates", len(ix), len(cands))
        counts, cands = _filter(coast, west, south, size, counts, cands)
        node_child = [np.full(len(ix), -1, dtype=np.int64)]
        node_counts, node_cands = [counts], [cands]
        node_centres = [np.column_stack([west + size / 2, south + size / 2])]
        n_nodes = len(ix)
        for _level in range(max_level):
            split = np.flatnonzero(counts > max_candidates)
            if not len(split):
                break
            owner, _ = _segments_of(counts)
            starts = np.cumsum(counts) - counts
            # children: 4 per split cell, quadrants (0,0), (1,0), (0,1), (1,1) in x, y
            half = size[split] / 2.0
            q = np.arange(4)
            c_w = (west[split][:, None] + (q % 2) * half[:, None]).ravel()
            c_s = (south[split][:, None] + (q // 2) * half[:, None]).ravel()
            c_size = np.repeat(half, 4)
            parent = np.repeat(split, 4)
            c_counts = counts[parent]
            take = np.repeat(starts[parent], c_counts) + _segments_of(c_counts)[1]
            c_cands = cands[take]
            log.debug("distance grid level %d: %d cells split, %d pairs to filter",
                      _level + 1, len(split), len(c_cands))  # fmt: skip
            c_counts, c_cands = _filter(coast, c_w, c_s, c_size, c_counts, c_cands)
            child_ids = n_nodes + 4 * np.arange(len(split))
            node_child[-1][split] = child_ids
            # the split cells keep no candidates of their own
            keep_pair = counts[owner] <= max_candidates
            node_counts[-1] = np.where(counts > max_candidates, 0, counts)
            node_cands[-1] = cands[keep_pair]
            n_nodes += len(c_w)
            west, south, size, counts, cands = c_w, c_s, c_size, c_counts, c_cands
            node_child.append(np.full(len(west), -1, dtype=np.int64))
            node_counts.append(counts)
            node_cands.append(cands)
            node_centres.append(np.column_stack([west + size / 2, south + size / 2]))
        # cells still crowded at the deepest level are left to the k-d tree (count -1)
        crowded = counts > kd_above
        owner, _ = _segments_of(counts)
        node_cands[-1] = cands[~crowded[owner]]
        node_counts[-1] = np.where(crowded, -1, counts)
        self.node_child = np.concatenate(node_child).astype(np.int32)
        self.node_count = np.concatenate(node_counts).astype(np.int32)
        self.candidates = np.concatenate(node_cands).astype(np.int32)
        self._index_candidates()
        self._order_candidates(coast, np.concatenate(node_centres))
        leaves = (self.node_child < 0) & (self.node_count >= 0)
        log.debug(
            "distance grid: %d nodes, %d leaves, %.1f candidates per leaf (max %d)",
            len(self.node_child), leaves.sum(), self.node_count[leaves].mean(),
            self.node_count.max(),
        )  # fmt: skip

    def _order_candidates(self, coast: Segments, centres: np.ndarray) -> None:
        """Sort each node's candidates by a lower bound of their distance from its centre.

        The bound (:attr:`lower`, float32 rounded down) and the direction in which
        each distance grows at the centre (:attr:`gradient`, east and north) let a
        query skip most candidates (:func:`geo._nearest.band_pairs`).
        """
        stored = np.maximum(self.node_count, 0).astype(np.int64)
        starts = np.cumsum(stored) - stored
        unit = unit_vectors(centres[:, 0], centres[:, 1])
        lower = np.empty(len(self.candidates))
        grad = np.empty((len(self.candidates), 2))
        seg, term = coast.segment_arrays(), segment_term(coast.max_segment_m)

        def work(sl: slice) -> None:  # each slice sorts its own cells' candidates
            order_cells(unit[sl], starts[sl], stored[sl], self.candidates, *seg, term, lower,
                        grad)  # fmt: skip

        map_slices(work, len(stored), _FILTER_CELLS)
        self.lower = np.nextafter(lower.astype(np.float32), np.float32(-np.inf))
        self.gradient = grad.astype(np.float32)

    def _index_candidates(self) -> None:
        stored = np.maximum(self.node_count, 0).astype(np.int64)
        self.node_start = np.cumsum(stored) - stored

    # -- queries ----------------------------------------------------------------------

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the leaf node of each point and its centre (lon, lat).

        The node is -1 outside the grid or in a crowded leaf (those points are
        left to the k-d tree), and its centre NaN.
        """
        fx = (lon - self.x0) / self.cell_deg
        fy = (lat - self.y0) / self.cell_deg
        inside = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        node = np.full(len(lon), -1, dtype=np.int64)
        node[inside] = fy[inside].astype(np.int64) * self.nx + fx[inside].astype(np.int64)
        todo = np.flatnonzero(inside)
        scale = np.ones(len(lon))
        while len(todo):
            child = self.node_child[node[todo]]
            inner = child >= 0
            todo, child = todo[inner], child[inner]
            if not len(todo):
                break
            scale[todo] *= 2.0  # the children's level: quadrant from the cell index there
            qx = np.floor(fx[todo] * scale[todo]).astype(np.int64) % 2
            qy = np.floor(fy[todo] * scale[todo]).astype(np.int64) % 2
            node[todo] = child + qx + 2 * qy
        node[node >= 0] = np.where(self.node_count[node[node >= 0]] >= 0, node[node >= 0], -1)
        with np.errstate(invalid="ignore"):
            centre = np.column_stack([
                self.x0 + (np.floor(fx * scale) + 0.5) / scale * self.cell_deg,
                self.y0 + (np.floor(fy * scale) + 0.5) / scale * self.cell_deg,
            ])  # fmt: skip
        centre[node < 0] = np.nan
        return node, centre

    # -- keeping --------------------------------------------------------------------

    _ARRAYS = ("node_child", "node_count", "candidates", "lower", "gradient")

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the grid as arrays (for :meth:`Coastline.save`)."""
        out = {name: getattr(self, name) for name in self._ARRAYS}
        out["frame"] = np.array([self.x0, self.y0, self.cell_deg, self.nx, self.ny])
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> DistanceGrid:
        """Rebuild a grid from :meth:`arrays`."""
        self = cls.__new__(cls)
        for name in cls._ARRAYS:
            setattr(self, name, arrays[name])
        x0, y0, cell, nx, ny = arrays["frame"]
        self.x0, self.y0, self.cell_deg, self.nx, self.ny = x0, y0, cell, int(nx), int(ny)
        self._index_candidates()
        return self


def _frame(
    bounds: tuple[float, float, float, float], cell_deg: float
) -> tuple[float, float, float, int, int]:
    """Return the top-level grid: origin, cell side and cell counts covering ``bounds``."""
    west, south, east, north = (float(v) for v in bounds)
    x0 = float(np.floor(west / cell_deg) * cell_deg)
    y0 = float(np.floor(south / cell_deg) * cell_deg)
    nx, ny = int(np.ceil((east - x0) / cell_deg)), int(np.ceil((north - y0) / cell_deg))
    return x0, y0, float(cell_deg), max(nx, 1), max(ny, 1)


def _radius_m(west: np.ndarray, south: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Geodesic distance from each cell's centre to its farthest corner, metres."""
    cx, cy = west + size / 2, south + size / 2
    out = np.zeros(len(west))
    for dx in (0.0, 1.0):
        for dy in (0.0, 1.0):
            _, _, d = GEOD.inv(cx, cy, west + dx * size, np.clip(south + dy * size, -90, 90))
            out = np.maximum(out, d)
    return out * 1.001 + 0.01


def _first_candidates(
    coast: Segments, west: np.ndarray, south: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every segment within ``d(c) + 2R`` of each cell's centre (a superset), as CSR."""
    assert coast._tree is not None
    cx, cy = west + size / 2, south + size / 2
    nearest_m, _ = coast.nearest(cx, cy, grid=False)
    reach = nearest_m + 2.0 * _radius_m(west, south, size) + coast.max_segment_m / 2 + 1.0
    centres = ecef(cx, cy)
    n_seg = len(coast.start)
    counts = np.zeros(len(cx), dtype=np.int64)
    found: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(cx)
    todo = np.arange(len(cx))
    k = min(64, n_seg)
    while len(todo):
        block = max(1, _BUILD_BLOCK_PAIRS // k)
        left = []
        for b in range(0, len(todo), block):
            rows = todo[b : b + block]
            chord, idx = coast._tree.query(centres[rows], k=k)
            chord, idx = chord.reshape(len(rows), k), idx.reshape(len(rows), k)
            done = (chord[:, -1] > reach[rows]) | (k >= n_seg)
            for r in np.flatnonzero(done):
                hit = idx[r][chord[r] <= reach[rows[r]]]
                found[rows[r]] = hit
                counts[rows[r]] = len(hit)
            left.append(rows[~done])
        todo = np.concatenate(left)
        k = min(k * 4, n_seg)
    return counts, np.concatenate(found).astype(np.int64)


def _filter(
    coast: Segments,
    west: np.ndarray,
    south: np.ndarray,
    size: np.ndarray,
    counts: np.ndarray,
    cands: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep, per cell, the candidates that can be nearest somewhere in it (module doc)."""
    if not len(cands):
        return counts, cands
    centre = unit_vectors(west + size / 2, south + size / 2)
    radius = _radius_m(west, south, size)
    starts = np.cumsum(counts) - counts
    keep = np.zeros(len(cands), dtype=np.bool_)
    seg = coast.segment_arrays()
    term = segment_term(coast.max_segment_m)

    def work(sl: slice) -> None:  # each slice writes its own cells' flags
        filter_cells(centre[sl], radius[sl], starts[sl], counts[sl], cands, *seg, term, SAFETY,
                     keep)  # fmt: skip

    map_slices(work, len(counts), _FILTER_CELLS)
    owner, _ = _segments_of(counts)
    return np.bincount(owner[keep], minlength=len(counts)).astype(np.int64), cands[keep]
