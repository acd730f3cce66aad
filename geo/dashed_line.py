"""Claim lines: lines a state draws on maps that are claims, not zones.

The one bundled is China's dashed line in the South China Sea, as Natural Earth
depicts it (nine dashes, ``data/lines/chn-dashed-line-naturalearth.csv``; public
domain; Natural Earth names no source map and states no accuracy, and has no
tenth dash east of Taiwan). It never creates a zone: :func:`geo.classify` only
flags, in ``within_dashed_line``, whether a point lies in the area it encloses.

That area is a convention of this project, not China's: the dashes in order,
each joined to the next by a straight line (in longitude/latitude), and closed
from the ninth dash back to the first by a path over land (central Taiwan,
Guangdong, the Leizhou peninsula, Hainan; the ``closure`` points of the file), so
the Gulf of Tonkin and the Taiwan Strait north of about 23°N are outside. Where a
point lies in a gap between two dashes the answer depends on that convention;
:data:`DASHED_LINE_UNCERTAINTY_KM` says how far from the line to trust it.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from .datasets import data_path
from .errors import DataSourceError
from .zones.published import read_lines

__all__ = [
    "DASHED_LINE_UNCERTAINTY_KM",
    "claim_lines",
    "dashed_line_area",
    "within_dashed_line",
    "within_dashed_line_xy",
]

#: How far the depicted line may be from the line of China's maps, km: a guess at the
#: error of a 1:10,000,000 depiction (0.5 mm on the map), stated, not measured.
DASHED_LINE_UNCERTAINTY_KM = 5.0

_FILE = ("lines", "chn-dashed-line-naturalearth.csv")
_DASH_PREFIX = "chn-dashed-line-"
_CLOSURE = "chn-dashed-line-closure"


def claim_lines() -> gpd.GeoDataFrame:
    """Return the bundled claim lines (kind ``claim_line``), one row per dash.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`geo.lines.LINE_COLUMNS`, in EPSG:4326.

    Examples
    --------
    >>> lines = claim_lines()
    >>> len(lines), set(lines["states"])
    (9, {'CHN'})
    """
    lines = read_lines()
    return lines[lines["kind"] == "claim_line"].reset_index(drop=True)


@lru_cache(maxsize=1)
def dashed_line_area() -> shapely.Polygon:
    """Return the area enclosed by China's dashed line, as this module describes.

    Raises
    ------
    DataSourceError
        If the dashes or the closing path are missing from the data.
    """
    points = pd.read_csv(data_path(*_FILE))
    dashes = sorted(
        (n for n in points["name"].unique() if n != _CLOSURE and n.startswith(_DASH_PREFIX)),
        key=lambda n: int(n.removeprefix(_DASH_PREFIX)),
    )
    closure = points[points["name"] == _CLOSURE]
    if not dashes or closure.empty:
        raise DataSourceError(f"{data_path(*_FILE)}: needs the dashes and the closure points")
    ring = [points[points["name"] == n].sort_values("seq")[["lon", "lat"]].to_numpy()
            for n in [*dashes, _CLOSURE]]  # fmt: skip
    area = shapely.Polygon(np.vstack(ring))
    if not area.is_valid:
        raise DataSourceError(f"{data_path(*_FILE)}: the dashes and closure do not make a ring")
    shapely.prepare(area)
    return area


def within_dashed_line(points: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Tell, for each point, whether it lies in :func:`dashed_line_area`.

    Parameters
    ----------
    points : geopandas.GeoSeries or numpy.ndarray of shapely.Point
        Points in EPSG:4326 (a GeoSeries in another CRS is converted). Missing or
        empty points give False.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> import shapely
    >>> within_dashed_line(np.array([shapely.Point(115.86, 9.73), shapely.Point(123.5, 25.7)]))
    array([ True, False])
    """
    if isinstance(points, gpd.GeoSeries):
        if points.crs is not None:
            points = points.to_crs(settings.DEFAULT_CRS)
        points = points.values
    pts = np.asarray(points, dtype=object)
    return within_dashed_line_xy(shapely.get_x(pts), shapely.get_y(pts))


def within_dashed_line_xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`within_dashed_line` for coordinates (EPSG:4326; NaN gives False)."""
    area = dashed_line_area()
    w, s, e, n = shapely.bounds(area)
    with np.errstate(invalid="ignore"):
        near = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))  # NaN: False
    out = np.zeros(len(x), dtype=bool)
    out[near] = shapely.contains_xy(area, x[near], y[near])
    return out
