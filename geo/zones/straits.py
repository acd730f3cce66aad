"""Japan's five specified areas (特定海域): straits where the territorial sea is 3 nm.

The Act on the Territorial Sea and the Contiguous Zone (supplementary provision 2)
keeps Japan's territorial sea at 3 nm in the Soya Strait, the Tsugaru Strait, the
east and west channels of the Tsushima Strait and the Osumi Strait. Its
Enforcement Order (Schedule 2) does not list the areas as points: it builds each
one from Schedule 1 basepoints, lines drawn at given bearings, points 3 or 12 nm
away, crossings with "the line 12 nm outside the baseline" and lines tangent to
it. ``data/lines/jpn-specified-areas-constructions.csv`` writes each area as its
ring of vertices, one construction per vertex, in a small language:

``pt(label)``
    a Schedule 1 point (``'13-ヤ'``) or a point printed in Schedule 2
    (``jpn-specified-area-points.csv``);
``v(k)``
    the area's k-th vertex;
``offset(P, bearing, nm)``
    the point ``nm`` nautical miles from P at a true bearing (degrees);
``cross12(P, bearing)``
    the first crossing of the line from P at a bearing with the 12 nm line;
``meet(A, B)``
    where two lines cross; a line is ``ray(P, bearing)`` (from P),
    ``line(P, bearing)`` (through P, both ways), ``seg(P, Q)`` or
    ``tangent(bearing, toward)`` (the line at a bearing that touches the 12 nm
    line on the side ``toward`` points to).

Lines are geodesics; the 12 nm line is computed from Japan's baseline as the zone
builder models it (land and internal waters), so it is Natural Earth's coast, not
the Japan Coast Guard's large-scale charts. Within an area the territorial sea
ends 3 nm from the baseline; the rest of the area within 12 nm is contiguous
zone (:func:`specified_areas` returns both).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError
from ..geodesy import GEOD, aeqd_transformers, nm_to_m
from .land import within_nm

__all__ = [
    "AREA_NAMES",
    "CONSTRUCTIONS",
    "anchors",
    "construction_box",
    "read_constructions",
    "specified_areas",
]

#: The constructions of the areas under ``data/lines``.
CONSTRUCTIONS = "jpn-specified-areas-constructions.csv"
#: Point files whose labels ``pt()`` resolves: Schedule 1 and Schedule 2.
_POINT_FILES = ("jpn-straight-baselines.csv", "jpn-specified-area-points.csv")
#: English names of the areas.
AREA_NAMES = {
    "soya": "Soya Strait",
    "tsugaru": "Tsugaru Strait",
    "tsushima-east": "Tsushima Strait, East Channel",
    "tsushima-west": "Tsushima Strait, West Channel",
    "osumi": "Osumi Strait",
}
#: Rays and tangents are drawn this far, nautical miles.
_REACH_NM = 90.0
#: Tangents touch the 12 nm line within this distance of the area's points, nm.
_TANGENT_WINDOW_NM = 20.0
#: Land and baselines are read this far around an area's points, degrees.
_MARGIN_DEG = 1.5

_PT = re.compile(r"pt\('([^']+)'\)")


def _folder(folder: str | Path | None) -> Path:
    return Path(folder) if folder is not None else data_path("lines")


def read_constructions(folder: str | Path | None = None) -> pd.DataFrame:
    """Read the vertex constructions of the specified areas, with their points resolved.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``area_ja``, ``seq``, ``schedule2_lines``, ``construction`` and
        ``points`` (per row, ``{label: (lon, lat)}`` of the ``pt()`` it names).
    """
    root = _folder(folder)
    table = pd.read_csv(root / CONSTRUCTIONS, dtype={"construction": str, "area": str})
    points = _point_table(root)
    resolved = []
    for row in table.itertuples():
        labels = _PT.findall(row.construction)
        unknown = [label for label in labels if label not in points]
        if unknown:
            raise DataSourceError(f"{CONSTRUCTIONS} row {row.Index + 2}: unknown points {unknown}")
        resolved.append({label: points[label] for label in labels})
    return table.assign(points=resolved)


def _point_table(root: Path) -> dict[str, tuple[float, float]]:
    """Return ``label -> (lon, lat)``: Schedule 1 by its number ('13-ヤ'), Schedule 2 by name."""
    out: dict[str, tuple[float, float]] = {}
    for name in _POINT_FILES:
        for row in pd.read_csv(root / name, dtype={"point_label": str}).itertuples():
            label = str(row.point_label).split()[0]
            out[label] = (float(row.lon), float(row.lat))
    return out


def anchors(rows: pd.DataFrame) -> np.ndarray:
    """Return the (lon, lat) of every named point an area's constructions use."""
    return np.array([xy for pts in rows["points"] for xy in pts.values()], dtype=float)


def construction_box(rows: pd.DataFrame) -> shapely.Polygon:
    """Return the box of land and baseline an area's constructions need (lon/lat)."""
    lonlat = anchors(rows)
    return shapely.box(*(lonlat.min(axis=0) - _MARGIN_DEG), *(lonlat.max(axis=0) + _MARGIN_DEG))


class _Plane:
    """An area's constructions evaluated in an azimuthal equidistant plane (metres)."""

    def __init__(self, rows: pd.DataFrame, limit12: shapely.Geometry):
        self.rows = rows.set_index("seq")
        self.area = str(rows["area"].iloc[0])
        lonlat = anchors(rows)
        self.fwd, self.inv = aeqd_transformers(*lonlat.mean(axis=0))
        self.points = {k: v for pts in rows["points"] for k, v in pts.items()}
        self.edge = self._project(shapely.boundary(limit12))
        window = shapely.buffer(shapely.multipoints(self._xy(lonlat)), nm_to_m(_TANGENT_WINDOW_NM))
        self.near_edge = shapely.intersection(self.edge, window)
        self.vertices: dict[int, np.ndarray] = {}
        self._busy: set[int] = set()
        self.ops: dict[str, Callable[..., object]] = {
            "pt": self.pt, "v": self.vertex, "offset": self.offset, "cross12": self.cross12,
            "meet": self.meet, "ray": self.ray, "line": self.line, "seg": self.seg,
            "tangent": self.tangent,
        }  # fmt: skip

    # -- projection -------------------------------------------------------------
    def _xy(self, lonlat: np.ndarray) -> np.ndarray:
        return np.column_stack(self.fwd.transform(lonlat[:, 0], lonlat[:, 1]))

    def _lonlat(self, p: np.ndarray) -> tuple[float, float]:
        lon, lat = self.inv.transform(p[0], p[1])
        return float(lon), float(lat)

    def _project(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, self._xy)

    def _geodesic(self, p: np.ndarray, bearing: float, reach_nm: float) -> np.ndarray:
        lon, lat = self._lonlat(p)
        d = np.linspace(0.0, nm_to_m(reach_nm), int(reach_nm * 4) + 1)
        lons, lats, _ = GEOD.fwd(
            np.full(d.size, lon), np.full(d.size, lat), np.full(d.size, bearing), d
        )
        return self._xy(np.column_stack([lons, lats]))

    # -- the construction language ---------------------------------------------
    def fail(self, message: str, seq: int | None = None) -> DataSourceError:
        where = f" vertex {seq}" if seq is not None else ""
        return DataSourceError(f"specified area {self.area!r}{where}: {message}")

    def pt(self, label: str) -> np.ndarray:
        return self._xy(np.array([self.points[label]]))[0]

    def vertex(self, seq: int) -> np.ndarray:
        if seq in self.vertices:
            return self.vertices[seq]
        if seq in self._busy or seq not in self.rows.index:
            raise self.fail("refers to itself or to a missing vertex", seq)
        self._busy.add(seq)
        value = self.evaluate(str(self.rows.loc[seq, "construction"]), seq)
        if not isinstance(value, np.ndarray):
            raise self.fail("is a line, not a point", seq)
        self.vertices[seq] = value
        return value

    def offset(self, p: np.ndarray, bearing: float, distance_nm: float) -> np.ndarray:
        return self._geodesic(p, bearing, distance_nm)[-1]

    def ray(self, p: np.ndarray, bearing: float) -> shapely.LineString:
        return shapely.LineString(self._geodesic(p, bearing, _REACH_NM))

    def line(self, p: np.ndarray, bearing: float) -> shapely.LineString:
        back = self._geodesic(p, bearing + 180.0, _REACH_NM)[::-1]
        return shapely.LineString(np.vstack([back, self._geodesic(p, bearing, _REACH_NM)[1:]]))

    def seg(self, p: np.ndarray, q: np.ndarray) -> shapely.LineString:
        (lon1, lat1), (lon2, lat2) = self._lonlat(p), self._lonlat(q)
        inner = GEOD.npts(lon1, lat1, lon2, lat2, 50)
        return shapely.LineString(np.vstack([p, self._xy(np.array(inner)), q]))

    def cross12(self, p: np.ndarray, bearing: float) -> np.ndarray:
        ray = self.ray(p, bearing)
        hits = shapely.points(shapely.get_coordinates(shapely.intersection(ray, self.edge)))
        along = shapely.line_locate_point(ray, hits)
        along = along[along > 1.0]
        if not along.size:
            raise self.fail(f"the line at {bearing} deg does not reach the 12 nm line")
        return shapely.get_coordinates(shapely.line_interpolate_point(ray, along.min()))[0]

    def tangent(self, bearing: float, toward: float) -> shapely.LineString:
        a, t = np.radians(bearing), np.radians(toward)
        d = np.array([np.sin(a), np.cos(a)])
        n = np.array([d[1], -d[0]])
        if n @ np.array([np.sin(t), np.cos(t)]) < 0:
            n = -n
        xy = shapely.get_coordinates(self.near_edge)
        if not len(xy):
            raise self.fail("no 12 nm line near the area for a tangent")
        touch = xy[np.argmax(xy @ n)]
        reach = nm_to_m(_REACH_NM)
        return shapely.LineString([touch - reach * d, touch + reach * d])

    def meet(self, a: shapely.Geometry, b: shapely.Geometry) -> np.ndarray:
        hits = shapely.get_coordinates(shapely.intersection(a, b))
        if not len(hits):
            raise self.fail("two lines of the construction do not meet")
        start = shapely.get_coordinates(a)[0]
        return hits[np.argmin(np.hypot(*(hits - start).T))]

    def evaluate(self, text: str, seq: int) -> object:
        try:
            return self._eval(ast.parse(text, mode="eval").body)
        except (SyntaxError, TypeError, KeyError) as exc:
            raise self.fail(f"cannot read {text!r} ({exc})", seq) from None

    def _eval(self, node: ast.AST) -> object:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand)  # type: ignore[operator]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self.ops[node.func.id](*(self._eval(a) for a in node.args))
        raise TypeError(f"not allowed: {ast.dump(node)[:40]}")

    def polygon(self) -> shapely.Polygon:
        """Return the area's ring in longitude/latitude, its edges following geodesics."""
        ring = np.array([self.vertex(int(seq)) for seq in self.rows.index])
        plane = shapely.make_valid(shapely.Polygon(ring))
        plane = shapely.segmentize(plane, 500.0)
        return shapely.transform(
            plane, lambda xy: np.column_stack(self.inv.transform(xy[:, 0], xy[:, 1]))
        )


def _within_nm(
    base: shapely.Geometry, box: shapely.Polygon, distance_nm: float
) -> shapely.Geometry:
    """Return ``base`` (land and internal waters, clipped to ``box``) and the sea within reach."""
    local = shapely.intersection(base, box)
    rings = shapely.get_exterior_ring(shapely.get_parts(local))
    holes = [shapely.get_interior_ring(p, i) for p in shapely.get_parts(local)
             for i in range(shapely.get_num_interior_rings(p))]  # fmt: skip
    coast = shapely.difference(
        shapely.multilinestrings([*rings, *holes]), box.exterior.buffer(1e-7)
    )
    return within_nm(coast, local, distance_nm)


def specified_areas(
    base: shapely.Geometry,
    *,
    constructions: pd.DataFrame | None = None,
    folder: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Build Japan's specified areas from the Enforcement Order's constructions.

    Parameters
    ----------
    base : shapely.Geometry
        Japan's land and internal waters (longitude/latitude): the baseline the
        3 and 12 nm lines are measured from.
    constructions : pandas.DataFrame, optional
        The areas to build, as from :func:`read_constructions`; by default all.
    folder : path, optional
        Where the constructions and point files are; by default ``data/lines``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area: ``area`` (``soya``, ``tsugaru``, ...), ``name``,
        ``name_ja``, ``beyond_3nm`` (the part of the area more than 3 nm and less
        than 12 nm from the baseline: territorial sea elsewhere, contiguous zone
        here) and ``geometry`` (the whole area, land and foreign waters not
        removed).

    Raises
    ------
    DataSourceError
        If a construction cannot be carried out (a line that never meets another).
    """
    rows = []
    if constructions is None:
        constructions = read_constructions(folder)
    for area, group in constructions.groupby("area", sort=False):
        box = construction_box(group)
        within3 = _within_nm(base, box, settings.SPECIFIED_AREA_TERRITORIAL_SEA_NM)
        within12 = _within_nm(base, box, settings.TERRITORIAL_SEA_NM)
        polygon = _Plane(group, within12).polygon()
        rows.append({
            "area": area, "name": AREA_NAMES.get(str(area), str(area)),
            "name_ja": group["area_ja"].iloc[0],
            "beyond_3nm": shapely.difference(shapely.intersection(polygon, within12), within3),
            "geometry": polygon,
        })  # fmt: skip
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.DEFAULT_CRS)
