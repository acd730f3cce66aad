"""Load a zone set: the bundled East Asia set, a file, or a GeoDataFrame."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError, InputError
from .schema import validate_zones

__all__ = ["BUNDLED_ZONES", "coverage_path", "load_zones"]

log = logging.getLogger(__name__)

#: File name of the bundled zone set under ``data/zones/``.
BUNDLED_ZONES = "east-asia.geojson"


def coverage_path(path: str | Path) -> Path:
    """Return the coverage file that goes with a zone file (``<stem>.coverage.geojson``)."""
    path = Path(path)
    return path.with_name(path.name.split(".")[0] + ".coverage.geojson")


def load_zones(
    source: str | Path | gpd.GeoDataFrame | None = None,
    *,
    bbox: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Load a zone set in the canonical schema (:mod:`geo.zones.schema`).

    Parameters
    ----------
    source : path or GeoDataFrame, optional
        A zone file written by flashpoints (GeoJSON, GeoPackage, ...) or a frame
        in the schema. By default the bundled East Asia set.
    bbox : tuple of float, optional
        (west, south, east, north): read only zones intersecting this box, and
        limit the coverage to it.

    Returns
    -------
    geopandas.GeoDataFrame
        Zones in EPSG:4326; the coverage polygon in ``attrs["coverage"]``.

    Examples
    --------
    >>> zones = load_zones()
    >>> sorted(zones["kind"].unique())
    ['contiguous_zone', 'eez', 'land', 'territorial_sea']
    """
    if isinstance(source, gpd.GeoDataFrame):
        validate_zones(source, source="frame")
        zones = source.to_crs(settings.DEFAULT_CRS)
        zones.attrs = dict(source.attrs)
    else:
        path = Path(source) if source is not None else data_path("zones", BUNDLED_ZONES)
        if not path.exists():
            raise InputError("no such zone file", source=str(path))
        try:
            zones = gpd.read_file(path, bbox=bbox, engine="pyogrio")
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise InputError(f"cannot read zones: {exc}", source=str(path)) from exc
        validate_zones(zones, source=str(path))
        zones = zones.to_crs(settings.DEFAULT_CRS)
        cov_file = coverage_path(path)
        if cov_file.exists():
            zones.attrs["coverage"] = shapely.union_all(gpd.read_file(cov_file).geometry.values)
        else:
            log.warning("%s has no coverage file; assuming it covers the whole world", path)
    if bbox is not None:
        box = shapely.box(*bbox)
        cov = zones.attrs.get("coverage", box)
        zones.attrs["coverage"] = shapely.intersection(cov, box)
    for col in ("claimants", "sovereign", "name", "zone_id", "source"):
        zones[col] = zones[col].fillna("").astype(str)
    if zones.empty:
        raise DataSourceError("the zone set is empty")
    return zones
