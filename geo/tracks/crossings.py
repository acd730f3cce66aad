"""Where and when a leg between two positions crosses zone edges.

A *leg* joins two consecutive kept positions of a segment. The vessel is taken
to sail it along the geodesic at constant speed, so a point a fraction ``f`` of
the way along the leg's length is reached a fraction ``f`` of the way through
its time.

Which legs get exact work:

1. a leg whose two ends lie in different zones crosses at least one edge;
2. a leg whose ends share a zone may still cut a corner of another zone (the
   territorial sea between two positions in the contiguous zone). Legs that the
   zone index's grid shows to be clear of every edge
   (:meth:`geo.index.ZoneIndex.clear_of_edges`) are skipped; every other leg is
   **tested against the zone edges themselves**: drawn as a geodesic (a vertex at
   least every :data:`geo.settings.TRACK_LEG_VERTEX_M` metres, GEOD.fwd along the
   leg) and intersected with the edges of every zone (and the coverage) in an
   STRtree. No sampling interval can miss a shallow corner this way.

Each intersection splits the leg; the zone of each piece is looked up at its
middle. A change of zone between two pieces is where the edge points between them
are, when they agree to half of :data:`geo.settings.TRACK_CROSSING_TOLERANCE_S` (an
edge two zones share gives two points, at the same place); otherwise it is refined
by bisection on the geodesic (``GEOD.fwd`` and the zone index) to that tolerance.
Longitudes are unwrapped along a leg, and a leg that passes 180° is also tested
shifted by 360°, so tracks across the antimeridian work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import shapely

from .. import settings
from ..geodesy import GEOD
from ..prepared import PreparedZones

__all__ = ["Crossings", "Legs", "edge_tree", "find_crossings", "make_legs"]

#: Vertices per piece of zone edge in the STRtree.
_EDGE_PIECE_VERTICES = 32
#: One turn of longitude, as a coordinate offset.
_TURN = np.array([360.0, 0.0])


@dataclass(frozen=True)
class Legs:
    """Legs (from position ``start[k]`` to ``start[k] + 1``) with their geodesics.

    ``azimuth`` and ``length_m`` are NaN until :meth:`with_geodesics` measures them:
    most legs never need them (the index shows them clear of every edge).
    """

    start: np.ndarray
    lon0: np.ndarray
    lat0: np.ndarray
    lon1: np.ndarray
    lat1: np.ndarray
    azimuth: np.ndarray
    length_m: np.ndarray
    duration_s: np.ndarray

    def with_geodesics(self, k: np.ndarray) -> Legs:
        """Return the legs with the azimuth and length of legs ``k`` measured (GEOD.inv)."""
        azimuth, length_m = self.azimuth.copy(), self.length_m.copy()
        az, _, dist = GEOD.inv(self.lon0[k], self.lat0[k], self.lon1[k], self.lat1[k])
        azimuth[k], length_m[k] = az, dist
        return replace(self, azimuth=azimuth, length_m=length_m)


@dataclass(frozen=True)
class Crossings:
    """Zone changes on legs: leg number, fraction along it, the zones, the point."""

    leg: np.ndarray
    fraction: np.ndarray
    zone_from: np.ndarray
    zone_to: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def edge_tree(prepared: PreparedZones) -> tuple[shapely.STRtree, np.ndarray]:
    """Every zone edge and the coverage edge, in short pieces, in an STRtree (built once)."""

    def build() -> tuple[shapely.STRtree, np.ndarray]:
        geoms = np.append(np.asarray(prepared.sea.geometry.values, dtype=object),
                          prepared.coverage)  # fmt: skip
        lines = shapely.get_parts(shapely.boundary(geoms))
        lines = lines[~shapely.is_empty(lines)]
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        step = _EDGE_PIECE_VERTICES - 1
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        ends = np.r_[starts[1:], len(owner)]
        # pieces of each line: vertices k*step .. (k+1)*step (the last shared with the next)
        n_piece = np.maximum(1, (ends - starts - 1 + step - 1) // step)
        line = np.repeat(np.arange(len(starts)), n_piece)
        first = starts[line] + (np.arange(len(line)) - np.repeat(np.cumsum(n_piece) - n_piece,
                                                                  n_piece)) * step  # fmt: skip
        last = np.minimum(first + step, ends[line] - 1)
        size = last - first + 1
        vertex = np.repeat(first, size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size,
                                                                            size))  # fmt: skip
        arr = shapely.linestrings(coords[vertex], indices=np.repeat(np.arange(len(first)), size))
        tree = shapely.STRtree(arr)
        # GEOS builds the tree on its first query, which is not safe on several
        # threads at once (chunks of vessels run on threads): query it here.
        tree.query(arr[:1])
        return tree, arr

    return prepared.derived("track-edge-pieces", build)


def _along(legs: Legs, k: np.ndarray, fraction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points a fraction of the way along legs ``k`` (on the geodesic)."""
    lon, lat, _ = GEOD.fwd(legs.lon0[k], legs.lat0[k], legs.azimuth[k], legs.length_m[k] * fraction)
    return np.asarray(lon), np.asarray(lat)


def _lookup(prepared: PreparedZones, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return prepared.index.lookup(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def _leg_lines(legs: Legs, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic polylines of legs ``k`` (and their copies shifted across 180°), leg of each."""
    n_vertex = np.maximum(2, np.ceil(legs.length_m[k] / settings.TRACK_LEG_VERTEX_M) + 1)
    n_vertex = n_vertex.astype(np.int64)
    owner = np.repeat(np.arange(len(k)), n_vertex)
    first = np.r_[0, np.cumsum(n_vertex)[:-1]]
    frac = (np.arange(len(owner)) - first[owner]) / (n_vertex[owner] - 1)
    lon, lat = np.empty(len(owner)), np.empty(len(owner))
    inner = (frac > 0.0) & (frac < 1.0)  # the ends are the positions themselves
    lon[inner], lat[inner] = _along(legs, k[owner[inner]], frac[inner])
    for end, x, y in ((frac == 0.0, legs.lon0, legs.lat0), (frac == 1.0, legs.lon1, legs.lat1)):
        lon[end], lat[end] = x[k[owner[end]]], y[k[owner[end]]]
    lon0 = legs.lon0[k][owner]
    lon = lon0 + (lon - lon0 + 180.0) % 360.0 - 180.0  # unwrapped from the leg's start
    lines = shapely.linestrings(lon, lat, indices=owner)
    w, _, e, _ = shapely.bounds(lines).T
    east, west = np.flatnonzero(e > 180.0), np.flatnonzero(w < -180.0)
    shifted = [shapely.transform(lines[east], lambda xy: xy - _TURN),
               shapely.transform(lines[west], lambda xy: xy + _TURN)]  # fmt: skip
    return np.concatenate([lines, *shifted]), np.concatenate([np.arange(len(k)), east, west])


def _edge_fractions(
    prepared: PreparedZones, legs: Legs, k: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(leg position in ``k``, fraction along it) of each point where a leg meets an edge."""
    tree, pieces = edge_tree(prepared)
    lines, owner = _leg_lines(legs, k)
    li, pi = tree.query(lines, predicate="intersects")
    if not len(li):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    meet = shapely.intersection(lines[li], pieces[pi])
    xy, which = shapely.get_coordinates(meet, return_index=True)
    leg = owner[li[which]]
    lon = (xy[:, 0] + 180.0) % 360.0 - 180.0
    j = k[leg]
    _, _, d = GEOD.inv(legs.lon0[j], legs.lat0[j], lon, xy[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip(np.asarray(d) / legs.length_m[j], 0.0, 1.0)
    return leg, np.nan_to_num(frac)


def _pieces(
    prepared: PreparedZones, legs: Legs, k: np.ndarray, zones: tuple[np.ndarray, np.ndarray],
    edge_points: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Split legs at edge points: (leg, fraction of a piece's middle, zone) incl. both ends.

    Each leg contributes its start (fraction 0, the start position's zone), the middle
    of each piece between edge points (``edge_points``: leg position in ``k`` and
    fraction), and its end (fraction 1, ``zones``: the zones of the ends).
    """
    zone0, zone1 = zones
    leg, frac = edge_points
    leg = np.concatenate([leg, np.arange(len(k)), np.arange(len(k))])
    frac = np.concatenate([frac, np.zeros(len(k)), np.ones(len(k))])
    order = np.lexsort((frac, leg))
    leg, frac = leg[order], frac[order]
    same = leg[1:] == leg[:-1]
    mid_leg = leg[:-1][same]
    mid = (frac[:-1][same] + frac[1:][same]) / 2.0
    keep = frac[1:][same] - frac[:-1][same] > 1e-12
    mid_leg, mid = mid_leg[keep], mid[keep]
    mid_zone = _lookup(prepared, *_along(legs, k[mid_leg], mid))
    all_leg = np.concatenate([np.arange(len(k)), mid_leg, np.arange(len(k))])
    all_frac = np.concatenate([np.zeros(len(k)), mid, np.ones(len(k))])
    all_zone = np.concatenate([zone0, mid_zone, zone1])
    order = np.lexsort((all_frac, all_leg))
    return all_leg[order], all_frac[order], all_zone[order]


def _bisect(
    prepared: PreparedZones, legs: Legs, k: np.ndarray, lo: np.ndarray, hi: np.ndarray,
    zone_lo: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Narrow each bracket [lo, hi] (zone_lo at lo, another zone at hi) to the tolerance."""
    lo, hi = lo.copy(), hi.copy()
    duration = legs.duration_s[k]
    while len(k):
        wide = np.flatnonzero((hi - lo) * duration > settings.TRACK_CROSSING_TOLERANCE_S)
        if not len(wide):
            break
        mid = (lo[wide] + hi[wide]) / 2.0
        z = _lookup(prepared, *_along(legs, k[wide], mid))
        stay = z == zone_lo[wide]
        lo[wide[stay]] = mid[stay]
        hi[wide[~stay]] = mid[~stay]
    z_hi = _lookup(prepared, *_along(legs, k, hi))
    return (lo + hi) / 2.0, z_hi


def find_crossings(
    prepared: PreparedZones, legs: Legs, zone0: np.ndarray, zone1: np.ndarray
) -> Crossings:
    """Return every zone change on the legs, in leg order and along each leg.

    ``zone0``/``zone1`` are the zones (index answers) of each leg's ends.
    """
    differ = zone0 != zone1
    maybe = ~differ & ~prepared.index.clear_of_edges(legs.lon0, legs.lat0, legs.lon1, legs.lat1)
    k = np.flatnonzero(differ | maybe)
    legs = legs.with_geodesics(k)
    # Only legs that meet an edge, or end in another zone, can change zone.
    edge_leg, edge_frac = _edge_fractions(prepared, legs, k) if len(k) else (k, np.zeros(0))
    busy = zone0[k] != zone1[k]
    busy[edge_leg] = True
    if not busy.any():
        empty = np.zeros(0)
        return Crossings(empty.astype(np.int64), empty, empty.astype(np.int64),
                         empty.astype(np.int64), empty, empty)  # fmt: skip
    renumber = np.cumsum(busy) - 1
    k = k[busy]
    leg, frac, zone = _pieces(prepared, legs, k, (zone0[k], zone1[k]),
                              (renumber[edge_leg], edge_frac))  # fmt: skip
    change = (leg[1:] == leg[:-1]) & (zone[1:] != zone[:-1])
    c_leg = leg[:-1][change]
    lo, hi, z_from = frac[:-1][change], frac[1:][change], zone[:-1][change]
    at = _at_edge_points(legs.duration_s[k[c_leg]], c_leg, lo, hi,
                         (renumber[edge_leg], edge_frac))  # fmt: skip
    z_to = zone[1:][change].copy()
    wide = np.flatnonzero(np.isnan(at))
    if len(wide):
        at[wide], z_to[wide] = _bisect(prepared, legs, k[c_leg[wide]], lo[wide], hi[wide],
                                       z_from[wide])  # fmt: skip
    lon, lat = _along(legs, k[c_leg], at)
    return Crossings(k[c_leg], at, z_from, z_to, lon, lat)


def _at_edge_points(
    duration_s: np.ndarray, c_leg: np.ndarray, lo: np.ndarray, hi: np.ndarray,
    edge_points: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:  # fmt: skip
    """Return the crossing in each bracket ``(lo, hi)`` of leg ``c_leg`` that edge points fix.

    Zones change only at edges, so a bracket whose edge points (where the leg's
    geodesic meets the edges: two for an edge two zones share) all lie within
    half the tolerance of each other crosses there: the crossing is their middle,
    and no bisection is needed. NaN for the other brackets (none, or edge points
    apart: several crossings close together).
    """
    e_leg, e_frac = edge_points
    key = e_leg + e_frac * 0.5  # leg, then fraction along it (fractions are 0..1)
    order = np.argsort(key, kind="stable")
    key, e_frac = key[order], e_frac[order]
    first = np.searchsorted(key, c_leg + lo * 0.5, side="right")
    end = np.searchsorted(key, c_leg + hi * 0.5, side="left")
    at = np.full(len(c_leg), np.nan)
    some = np.flatnonzero(end > first)
    spread = (e_frac[end[some] - 1] - e_frac[first[some]]) * duration_s[some]
    tight = some[spread <= settings.TRACK_CROSSING_TOLERANCE_S / 2.0]
    at[tight] = (e_frac[first[tight]] + e_frac[end[tight] - 1]) / 2.0
    return at


def make_legs(start: np.ndarray, lon: np.ndarray, lat: np.ndarray, t_s: np.ndarray) -> Legs:
    """Legs from positions ``start`` to ``start + 1`` of the given arrays."""
    lon0, lat0, lon1, lat1 = lon[start], lat[start], lon[start + 1], lat[start + 1]
    unknown = np.full(len(start), np.nan)  # measured where needed (Legs.with_geodesics)
    return Legs(start, lon0, lat0, lon1, lat1, unknown, unknown.copy(),
                t_s[start + 1] - t_s[start])  # fmt: skip
