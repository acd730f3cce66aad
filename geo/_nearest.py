"""Compiled loops of the nearest-segment search (numba).

The search of :mod:`geo.coast` and :mod:`geo.distance_grid` measures each point
against a few dozen candidate segments. In NumPy every step of that
measurement makes arrays of points x candidates; here it is a loop per point,
with no temporaries. The approximate distance and its error bound
(:func:`geo.coast._approx_error`) are defined here; the tests check them against
pyproj on random pairs.

Every kernel releases the GIL (``nogil``), so the package's thread pool
(:mod:`geo._threads`) runs them on every core. Compiled code is cached on disk
(``cache=True``): the first call in a new installation compiles for a few seconds.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .geodesy import GEOD

__all__ = [
    "approx_error",
    "band_pairs",
    "ecef",
    "filter_cells",
    "foot_vectors",
    "order_cells",
    "pair_distances",
    "pair_targets",
    "point_distances",
    "row_minimum",
    "same_target",
    "segment_term",
]

_A = GEOD.a
_E2 = GEOD.es

_jit = njit(cache=True, nogil=True, error_model="numpy")


_F = GEOD.f

#: The smallest radius of curvature of the ellipsoid (meridional, at the equator), m:
#: the radius that makes the curvature terms of :func:`band_pairs` largest.
_M_EQ = _A * (1.0 - _E2)

#: Beyond this distance (m), Lambert's formula is the more accurate of the two.
LAMBERT_M = 250_000.0


def ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the Earth-centred coordinates (metres) of points on the WGS84 ellipsoid."""
    lo, la = np.radians(lon), np.radians(lat)
    n = _A / np.sqrt(1.0 - _E2 * np.sin(la) ** 2)
    return np.column_stack(
        [n * np.cos(la) * np.cos(lo), n * np.cos(la) * np.sin(lo), n * (1.0 - _E2) * np.sin(la)]
    )


def segment_term(max_segment_m: float) -> float:
    """Return the relative error of the foot on segments up to ``max_segment_m`` long."""
    return 4e-7 * (max_segment_m / 2000.0) ** 2


def approx_error(d: np.ndarray | float, seg_term: float) -> np.ndarray | float:
    """Return the bound (m) on the error of the approximate distance ``d`` to a segment.

    ``seg_term`` is :func:`segment_term` of the longest segment; see
    :func:`geo.coast._approx_error` for the measurements behind it. Plain Python for
    arrays, compiled (:data:`_approx_error`) for the loops: one formula.
    """
    far = np.minimum(4e-5 * (d / 1e6) ** 2, 2.8e-6)
    return max(1e-3, 2500.0 * seg_term) + d * (seg_term + far)


_approx_error = _jit(approx_error)


@_jit
def _lambert(px: float, py: float, pz: float, qx: float, qy: float, qz: float) -> float:
    """Lambert's formula for long lines (reduced latitudes, first order in flattening).

    Written with the half-angle identities, so that it needs one arcsine and no
    other trigonometry.
    """
    r1, r2 = math.sqrt(px * px + py * py), math.sqrt(qx * qx + qy * qy)
    k1 = math.sqrt(r1 * r1 + ((1.0 - _F) * pz) ** 2)
    k2 = math.sqrt(r2 * r2 + ((1.0 - _F) * qz) ** 2)
    cb1, sb1 = r1 / k1, (1.0 - _F) * pz / k1  # cos, sin of the reduced latitudes
    cb2, sb2 = r2 / k2, (1.0 - _F) * qz / k2
    cos_dl = (px * qx + py * qy) / (r1 * r2) if r1 > 0 and r2 > 0 else 1.0
    cos_diff = cb1 * cb2 + sb1 * sb2  # cos(b2 - b1)
    cos_sum = cb1 * cb2 - sb1 * sb2  # cos(b2 + b1)
    h = (1.0 - cos_diff) / 2.0 + cb1 * cb2 * (1.0 - cos_dl) / 2.0  # sin²(s/2)
    h = min(max(h, 0.0), 1.0)
    s = 2.0 * math.asin(math.sqrt(h))
    if h <= 0.0 or h >= 1.0:
        return _A * s
    sin_s = 2.0 * math.sqrt(h * (1.0 - h))
    sin2_p = (1.0 - cos_sum) / 2.0
    sin2_q = (1.0 - cos_diff) / 2.0
    x = (s - sin_s) * sin2_p * (1.0 - sin2_q) / (1.0 - h)
    y = (s + sin_s) * (1.0 - sin2_p) * sin2_q / h
    return _A * (s - _F / 2.0 * (x + y))


@_jit
def _approx(px: float, py: float, pz: float, qx: float, qy: float, qz: float) -> float:
    """Approximate geodesic distance: :func:`_euler`, or Lambert's formula when far."""
    d = _euler(px, py, pz, qx, qy, qz)
    if d > LAMBERT_M:
        return _lambert(px, py, pz, qx, qy, qz)
    return d


@_jit
def _euler(px: float, py: float, pz: float, qx: float, qy: float, qz: float) -> float:
    """Approximate geodesic distance (m) between unit vectors p and q (geodetic latitude).

    Up to :data:`LAMBERT_M`: the angle on the sphere times the ellipsoid's radius of
    curvature in the direction of travel at the midpoint (Euler's formula), within
    ``2.1e-5 * (d / 1000 km)**2`` of the distance; beyond, Lambert's formula, within
    1.4e-6 (both measured against pyproj on 2 million random pairs).
    """
    tx, ty, tz = qx - px, qy - py, qz - pz
    chord = math.sqrt(tx * tx + ty * ty + tz * tz)
    sigma = 2.0 * math.asin(min(max(chord / 2.0, 0.0), 1.0))
    mx, my, mz = px + qx, py + qy, pz + qz
    norm = max(math.sqrt(mx * mx + my * my + mz * mz), 1e-300)
    mx, my, mz = mx / norm, my / norm, mz / norm
    sin_lat = mz
    cos_lat = math.sqrt(max(1.0 - sin_lat * sin_lat, 0.0))
    rho = math.sqrt(mx * mx + my * my)
    if rho > 0:
        sin_lon, cos_lon = my / rho, mx / rho
    else:
        sin_lon, cos_lon = 0.0, 1.0
    t_east = -tx * sin_lon + ty * cos_lon
    t_north = -tx * sin_lat * cos_lon - ty * sin_lat * sin_lon + tz * cos_lat
    h2 = t_east * t_east + t_north * t_north
    if not h2 > 0:
        h2 = 1.0
    w = 1.0 - _E2 * sin_lat * sin_lat
    m_radius = _A * (1.0 - _E2) / (w * math.sqrt(w))
    n_radius = _A / math.sqrt(w)
    return sigma * math.sqrt(
        (m_radius * m_radius * t_north * t_north + n_radius * n_radius * t_east * t_east) / h2
    )


@_jit
def point_distances(p: np.ndarray, q: np.ndarray, out: np.ndarray) -> None:
    """Approximate geodesic distance (m) between unit vectors ``p[k]`` and ``q[k]``."""
    for k in range(p.shape[0]):
        out[k] = _approx(p[k, 0], p[k, 1], p[k, 2], q[k, 0], q[k, 1], q[k, 2])


@_jit
def _target(
    px: float, py: float, pz: float, s: int, a: np.ndarray, b: np.ndarray, g: np.ndarray
) -> tuple[float, float, float]:
    """Nearest point (unit vector) of segment s to unit vector p.

    The foot is where the great circle from p meets the segment at a right angle
    as the ellipsoid measures angles there (:func:`foot_vectors`): its position
    along the segment is ``t = (p . g) / (p . a)``, clipped to the segment.
    """
    ax, ay, az = a[s, 0], a[s, 1], a[s, 2]
    pa = px * ax + py * ay + pz * az
    if pa > 0:
        t = (px * g[s, 0] + py * g[s, 1] + pz * g[s, 2]) / pa
        t = min(max(t, 0.0), 1.0)
    else:  # p more than a quarter of the globe away: the nearer end
        bx, by, bz = b[s, 0], b[s, 1], b[s, 2]
        far_a = (px - ax) ** 2 + (py - ay) ** 2 + (pz - az) ** 2
        t = 0.0 if far_a <= (px - bx) ** 2 + (py - by) ** 2 + (pz - bz) ** 2 else 1.0
    fx = ax + t * (b[s, 0] - ax)
    fy = ay + t * (b[s, 1] - ay)
    fz = az + t * (b[s, 2] - az)
    fn = math.sqrt(fx * fx + fy * fy + fz * fz)
    return fx / fn, fy / fn, fz / fn


def foot_vectors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per segment, the vector ``g`` with which :func:`_target` places the foot.

    In the tangent plane at the segment's start ``a`` (east ``e``, north ``n``),
    the ellipsoid measures a tangent vector with components ``(u_e, u_n)`` as
    ``(N u_e, M u_n)``: the unit vectors carry geodetic latitude. The foot of the
    perpendicular from p is at ``t = <v, w>_S / (p.a <v, v>_S)``, ``v = b - a`` and
    ``w`` the tangent part of ``p`` at ``a`` (the great circle's direction towards
    p, scaled to the gnomonic projection by ``1 / p.a``). As ``e`` and ``n`` are
    perpendicular to ``a``, ``w.e = p.e`` and ``w.n = p.n``, so ``t = p.g / p.a`` with
    ``g = (N² v_e e + M² v_n n) / <v, v>_S``. The sphere's own right angle puts the
    foot off by up to 0.4° of bearing, which costs 2e-5 of the distance.
    """
    rho = np.hypot(a[:, 0], a[:, 1])
    safe = np.where(rho > 1e-12, rho, 1.0)
    east = np.column_stack([-a[:, 1] / safe, a[:, 0] / safe, np.zeros(len(a))])
    north = np.column_stack([-a[:, 2] * a[:, 0] / safe, -a[:, 2] * a[:, 1] / safe, rho])
    pole = rho <= 1e-12  # any frame at a pole
    east[pole], north[pole] = (0.0, 1.0, 0.0), (-1.0, 0.0, 0.0)
    w = 1.0 - _E2 * a[:, 2] ** 2
    n2, m2 = 1.0 / w, (1.0 - _E2) ** 2 / w**3  # (N/a)², (M/a)²
    v = b - a
    v_e, v_n = np.einsum("ij,ij->i", v, east), np.einsum("ij,ij->i", v, north)
    vv = n2 * v_e**2 + m2 * v_n**2
    scale = np.where(vv > 0, 1.0 / np.where(vv > 0, vv, 1.0), 0.0)
    return (n2 * v_e * scale)[:, None] * east + (m2 * v_n * scale)[:, None] * north


@_jit
def pair_targets(
    p: np.ndarray, rows: np.ndarray, segs: np.ndarray, a: np.ndarray, b: np.ndarray,
    g: np.ndarray, out_lon: np.ndarray, out_lat: np.ndarray,
    out_d: np.ndarray,
) -> None:  # fmt: skip
    """Write the nearest point of segment ``segs[k]`` to ``p[rows[k]]`` and the distance.

    The point in degrees (``out_lon``, ``out_lat``), the approximate distance in
    metres (``out_d``).
    """
    for k in range(len(rows)):
        i = rows[k]
        px, py, pz = p[i, 0], p[i, 1], p[i, 2]
        tx, ty, tz = _target(px, py, pz, segs[k], a, b, g)
        out_d[k] = _approx(px, py, pz, tx, ty, tz)
        out_lon[k] = math.degrees(math.atan2(ty, tx))
        out_lat[k] = math.degrees(math.asin(min(max(tz, -1.0), 1.0)))


@_jit
def pair_distances(
    p: np.ndarray, rows: np.ndarray, segs: np.ndarray, a: np.ndarray, b: np.ndarray,
    g: np.ndarray, out: np.ndarray,
) -> None:  # fmt: skip
    """Approximate distance (m) from unit vector ``p[rows[k]]`` to segment ``segs[k]``."""
    for k in range(len(rows)):
        i = rows[k]
        px, py, pz = p[i, 0], p[i, 1], p[i, 2]
        tx, ty, tz = _target(px, py, pz, segs[k], a, b, g)
        out[k] = _approx(px, py, pz, tx, ty, tz)


@_jit
def _enu(cx: float, cy: float, cz: float) -> tuple[float, float, float, float, float, float]:
    """Return the east and north unit vectors at unit vector c, each scaled to metres.

    Scaled by the radii of curvature (N east, M north), so that the dot product
    of a small difference of unit vectors with them is its length in metres.
    """
    rho = math.sqrt(cx * cx + cy * cy)
    if rho > 1e-12:
        sin_lon, cos_lon = cy / rho, cx / rho
    else:
        sin_lon, cos_lon = 0.0, 1.0
    w = 1.0 - _E2 * cz * cz
    n_radius = _A / math.sqrt(w)
    m_radius = _A * (1.0 - _E2) / (w * math.sqrt(w))
    return (-sin_lon * n_radius, cos_lon * n_radius, 0.0,
            -cz * cos_lon * m_radius, -cz * sin_lon * m_radius, rho * m_radius)  # fmt: skip


@_jit
def order_cells(
    c: np.ndarray, starts: np.ndarray, counts: np.ndarray, cands: np.ndarray, a: np.ndarray,
    b: np.ndarray, g: np.ndarray, seg_term: float, lower: np.ndarray, grad: np.ndarray,
) -> None:  # fmt: skip
    """Sort each cell's candidates by a lower bound of their distance from its centre.

    Cell ``i`` (centre ``c[i]``, a unit vector) has candidates
    ``cands[starts[i]:starts[i] + counts[i]]``; they are sorted in place, and
    ``lower`` (the approximate distance less its error) and ``grad`` (the
    direction, east and north, unit, in which the distance grows at the centre:
    away from the segment's nearest point; (0, 0) on the segment) are written in
    the same order.
    """
    for i in range(c.shape[0]):
        lo, m = starts[i], counts[i]
        if m <= 0:
            continue
        cx, cy, cz = c[i, 0], c[i, 1], c[i, 2]
        ex, ey, ez, nx, ny, nz = _enu(cx, cy, cz)
        d = np.empty(m)
        ue = np.empty(m)
        un = np.empty(m)
        for j in range(m):
            tx, ty, tz = _target(cx, cy, cz, cands[lo + j], a, b, g)
            dist = _approx(cx, cy, cz, tx, ty, tz)
            d[j] = dist - _approx_error(dist, seg_term)
            ve = (cx - tx) * ex + (cy - ty) * ey + (cz - tz) * ez
            vn = (cx - tx) * nx + (cy - ty) * ny + (cz - tz) * nz
            norm = math.sqrt(ve * ve + vn * vn)
            ue[j], un[j] = (ve / norm, vn / norm) if norm > 0 else (0.0, 0.0)
        order = np.argsort(d, kind="mergesort")
        kept = cands[lo : lo + m].copy()
        for j in range(m):
            k = order[j]
            cands[lo + j] = kept[k]
            lower[lo + j] = d[k]
            grad[lo + j, 0], grad[lo + j, 1] = ue[k], un[k]


#: Relative error allowed for the direction of a candidate's gradient (ellipsoid).
GRADIENT_SLACK = 0.01


@_jit
def band_pairs(
    p: np.ndarray, c: np.ndarray, starts: np.ndarray, counts: np.ndarray, cands: np.ndarray,
    lower: np.ndarray, grad: np.ndarray, a: np.ndarray, b: np.ndarray, g: np.ndarray,
    seg_term: float, out_seg: np.ndarray, out_n: np.ndarray,
) -> None:  # fmt: skip
    """For each point, the candidates that can be its nearest segment.

    Point ``i`` (unit vector ``p[i]``, in the grid cell of centre ``c[i]``) has
    candidates ``cands[starts[i]:starts[i] + counts[i]]``, sorted by ``lower``: a
    lower bound of their distance from the cell's centre. Two bounds spare most
    candidates their distance:

    * distances are 1-Lipschitz, so a candidate is at least ``lower - r`` from the
      point (``r`` its distance from the centre); once that passes the best
      distance found (plus its error), neither it nor any later candidate can be
      nearest, and the search stops;
    * in the plane the distance to a segment is convex, so it is at least its
      value at the centre plus its gradient there (``grad``, east and north) times
      the step to the point. On the ellipsoid the bound is loosened by
      :data:`GRADIENT_SLACK` of the step (the gradient's direction) and by the
      curvature term ``r**2 (1 + tan(d / R)) / 2R`` (the distance to a geodesic
      bends the other way by ``tan(d / R) / R`` on a sphere), plus 1 m.

    Of the candidates measured, those whose approximate distance, less its
    error, does not pass the best approximate distance plus its error are written
    to ``out_seg[i]`` (their number to ``out_n[i]``; -1 when more than fit:
    measure that point another way).
    """
    width = out_seg.shape[1]
    most = 0
    for i in range(p.shape[0]):
        most = max(most, counts[i])
    d = np.empty(most)
    for i in range(p.shape[0]):
        px, py, pz = p[i, 0], p[i, 1], p[i, 2]
        cx, cy, cz = c[i, 0], c[i, 1], c[i, 2]
        r = _euler(px, py, pz, cx, cy, cz) * (1.0 + 1e-5) + 0.01
        ex, ey, ez, nx, ny, nz = _enu(cx, cy, cz)
        step_e = (px - cx) * ex + (py - cy) * ey + (pz - cz) * ez
        step_n = (px - cx) * nx + (py - cy) * ny + (pz - cz) * nz
        slack = GRADIENT_SLACK * r + 1.0
        lo, m = starts[i], counts[i]
        best = np.inf
        measured = m
        for j in range(m):
            low = lower[lo + j]
            if low - r > best:
                measured = j
                break
            bend = r * r * (1.0 + math.tan(min(low / _M_EQ, 1.2))) / (2.0 * _M_EQ)
            if low + grad[lo + j, 0] * step_e + grad[lo + j, 1] * step_n - slack - bend > best:
                d[j] = np.inf
                continue
            tx, ty, tz = _target(px, py, pz, cands[lo + j], a, b, g)
            d[j] = _approx(px, py, pz, tx, ty, tz)
            best = min(best, d[j] + _approx_error(d[j], seg_term))
        n = 0
        for j in range(measured):
            if d[j] - _approx_error(d[j], seg_term) <= best:
                if n < width:
                    out_seg[i, n] = cands[lo + j]
                n += 1
        out_n[i] = n if n <= width else -1


@_jit
def filter_cells(
    p: np.ndarray, radius: np.ndarray, starts: np.ndarray, counts: np.ndarray,
    cands: np.ndarray, a: np.ndarray, b: np.ndarray, g: np.ndarray,
    seg_term: float, safety: float, keep: np.ndarray,
) -> None:  # fmt: skip
    """Mark the candidates that can be nearest somewhere in each cell (geo.distance_grid).

    Cell ``i`` has centre ``p[i]`` (unit vector), radius ``radius[i]`` (m) and
    candidates ``cands[starts[i]:starts[i] + counts[i]]``; ``keep`` (one flag per
    candidate) is written.
    """
    most = 0
    for i in range(p.shape[0]):
        most = max(most, counts[i])
    d = np.empty(most)  # each candidate measured once: its distance and direction
    u = np.empty((most, 3))
    for i in range(p.shape[0]):
        px, py, pz = p[i, 0], p[i, 1], p[i, 2]
        r = radius[i]
        lo, m = starts[i], counts[i]
        upper = np.inf
        best = 0
        for j in range(m):
            tx, ty, tz = _target(px, py, pz, cands[lo + j], a, b, g)
            d[j] = _approx(px, py, pz, tx, ty, tz)
            u[j, 0], u[j, 1], u[j, 2] = _away(px, py, pz, tx, ty, tz)
            if d[j] + _approx_error(d[j], seg_term) < upper:
                upper = d[j] + _approx_error(d[j], seg_term)
                best = j
        for j in range(m):
            if d[j] - r / 2 > 0 and d[best] - r / 2 > 0:
                turn = r / (d[j] - r / 2) + r / (d[best] - r / 2)
                gap = math.sqrt((u[j, 0] - u[best, 0]) ** 2 + (u[j, 1] - u[best, 1]) ** 2
                                + (u[j, 2] - u[best, 2]) ** 2)  # fmt: skip
                slope = min(2.0, safety * (gap + turn))
            else:
                slope = 2.0
            keep[lo + j] = (d[j] - _approx_error(d[j], seg_term)) - upper <= r * slope + 1e-3


@_jit
def _away(
    px: float, py: float, pz: float, tx: float, ty: float, tz: float
) -> tuple[float, float, float]:
    """Return the unit tangent at p pointing away from t (where the distance grows)."""
    k = px * tx + py * ty + pz * tz
    ux, uy, uz = px * k - tx, py * k - ty, pz * k - tz
    norm = math.sqrt(ux * ux + uy * uy + uz * uz)
    if norm > 1e-15:
        return ux / norm, uy / norm, uz / norm
    return 0.0, 0.0, 0.0


@_jit
def same_target(rows: np.ndarray, t_lon: np.ndarray, t_lat: np.ndarray, ref: np.ndarray) -> None:
    """Write, for each pair, the first earlier pair of its run with the same point and target.

    Pairs of one point are consecutive (a run of equal ``rows``); ``ref[k]`` is
    ``k`` itself when no earlier pair of the run has the same target (two
    segments meeting at a corner give the same foot), so one geodesic serves both.
    """
    start = 0
    for k in range(len(rows)):
        if k > 0 and rows[k] != rows[k - 1]:
            start = k
        ref[k] = k
        for j in range(start, k):
            if t_lon[j] == t_lon[k] and t_lat[j] == t_lat[k]:
                ref[k] = j
                break


@_jit
def row_minimum(
    rows: np.ndarray, d: np.ndarray, segs: np.ndarray, best_d: np.ndarray, best_seg: np.ndarray
) -> None:
    """Keep, per point, the smallest distance of its pairs and that pair's segment.

    ``best_d`` must start at infinity and ``best_seg`` at -1. Ties go to the lower
    segment index (the first in the coastline's order).
    """
    for k in range(len(rows)):
        i = rows[k]
        if d[k] < best_d[i] or (d[k] == best_d[i] and (best_seg[i] < 0 or segs[k] < best_seg[i])):
            best_d[i] = d[k]
            best_seg[i] = segs[k]
