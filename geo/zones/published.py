"""Published legal lines: the points of ``data/lines``, as lines, with their sources.

The catalogue ``data/lines/lines.csv`` lists each line (what kind, on what basis,
whose, from which source); the point files hold each point as printed in its
source and in decimal degrees. :func:`read_lines` turns them into a GeoDataFrame
of lines; the zone builder applies the baselines among them, and
:func:`geo.boundary_lines` adds them to the computed lines.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError

__all__ = ["CATALOGUE", "LINE_COLUMNS", "read_lines"]

#: Columns of :func:`read_lines` and :func:`geo.boundary_lines`.
LINE_COLUMNS: tuple[str, ...] = ("kind", "basis", "states", "name", "source", "geometry")

#: The catalogue of published lines under ``data/lines``.
CATALOGUE = "lines.csv"


def _catalogue_root(folder: str | Path | None) -> Path | None:
    if folder is not None:
        return Path(folder)
    try:
        return data_path("lines")
    except DataSourceError:  # an installation without published lines
        return None


def _line(entry: pd.Series, points: pd.DataFrame) -> shapely.LineString:
    xy = points.sort_values("seq")[["lon", "lat"]].to_numpy(dtype=float)
    if len(xy) < 2 or not np.isfinite(xy).all():
        raise DataSourceError(f"{entry['file']}: {entry['name']} needs two or more finite points")
    if str(entry["closed"]).strip().lower() in ("yes", "true", "1") and (xy[0] != xy[-1]).any():
        xy = np.vstack([xy, xy[:1]])
    return shapely.LineString(xy)


def read_lines(folder: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read the published lines of ``data/lines`` (or ``folder``) listed in its catalogue.

    The catalogue (``lines.csv``) has a row per line: ``name`` (the line's points
    in ``file`` carry the same ``name``), ``file``, ``kind``, ``basis``,
    ``states``, ``closed`` (``yes``: the points enclose an area), ``title`` and
    ``source``. Point files hold ``name``, ``seq``, ``lat``, ``lon`` and the
    coordinates as printed in the source (``lat_text``, ``lon_text``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`LINE_COLUMNS` (``name`` is the title); empty when there is
        no catalogue.
    """
    root = _catalogue_root(folder)
    if root is None or not (root / CATALOGUE).exists():
        return gpd.GeoDataFrame(columns=list(LINE_COLUMNS), geometry="geometry", crs=4326)
    table = pd.read_csv(root / CATALOGUE, dtype=str, keep_default_na=False)
    files = {f: pd.read_csv(root / f) for f in table["file"].unique()}
    rows = []
    for _, entry in table.iterrows():
        points = files[entry["file"]]
        points = points[points["name"] == entry["name"]]
        rows.append({"kind": entry["kind"], "basis": entry["basis"], "states": entry["states"],
                     "name": entry["title"], "source": entry["source"],
                     "geometry": _line(entry, points)})  # fmt: skip
    return gpd.GeoDataFrame(rows, columns=list(LINE_COLUMNS), crs=settings.DEFAULT_CRS)
