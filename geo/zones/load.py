"""Load a zone set: the bundled East Asia set, a file, or a GeoDataFrame."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError, InputError
from ..io import atomic_path, read_vector, vector_fields
from .marineregions import BUNDLED_LAND_BOUNDS, is_marineregions, read_marineregions
from .schema import coverage_of, validate_zones

__all__ = ["BUNDLED_ZONES", "coverage_path", "load_zones", "save_zones"]


def _unique(ids: pd.Series, kinds: pd.Series) -> list[str]:
    """Zone ids made unique: a repeated id gets its kind, then a counter, appended."""
    out: list[str] = []
    seen: set[str] = set()
    for zid, kind in zip(ids, kinds, strict=True):
        new = zid if zid not in seen else f"{zid}-{kind.replace('_', '-')}"
        n = 2
        while new in seen:
            new, n = f"{zid}-{kind.replace('_', '-')}-{n}", n + 1
        seen.add(new)
        out.append(new)
    return out


def _with_land(
    zones: gpd.GeoDataFrame,
    *,
    land: str | Path | gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float] | None,
) -> gpd.GeoDataFrame:
    rows, region = _land_for(land, bbox)
    cover = shapely.intersection(zones.attrs.get("coverage", region), region)
    merged = gpd.GeoDataFrame(pd.concat([zones, rows], ignore_index=True), crs=zones.crs)
    merged.attrs = {"coverage": cover}
    return merged


log = logging.getLogger(__name__)

#: File name of the bundled zone set under ``data/zones/``.
BUNDLED_ZONES = "east-asia.geojson"


def coverage_path(path: str | Path) -> Path:
    """Return the coverage file that goes with a zone file (``<stem>.coverage.geojson``)."""
    path = Path(path)
    return path.with_name(path.name.split(".")[0] + ".coverage.geojson")


def _read_one(
    path: Path, *, bbox: tuple[float, float, float, float] | None
) -> tuple[gpd.GeoDataFrame, bool]:
    """Read one zone file; return (zones, is_marine_regions)."""
    if not path.exists():
        raise InputError("no such zone file", source=str(path))
    if is_marineregions(vector_fields(path, what="zones")):
        return read_marineregions(path, bbox=bbox), True
    zones = read_vector(path, bbox=bbox, what="zones")
    validate_zones(zones, source=str(path))
    zones = zones.to_crs(settings.DEFAULT_CRS)
    cov_file = coverage_path(path)
    if cov_file.exists():
        cover = read_vector(cov_file, what="the coverage file").to_crs(settings.DEFAULT_CRS)
        zones.attrs["coverage"] = shapely.union_all(cover.geometry.values)
    else:
        log.warning("%s has no coverage file; assuming it covers the whole world", path)
    return zones, False


def _land_for(
    land: str | Path | gpd.GeoDataFrame | None, bbox: tuple[float, float, float, float] | None
) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """Land rows to add to a Marine Regions set, and the region where land is known."""
    if land is None:
        bundled = load_zones()
        rows = bundled[bundled["kind"] == "land"]
        region = shapely.box(*BUNDLED_LAND_BOUNDS)
    else:
        frame = land if isinstance(land, gpd.GeoDataFrame) else read_vector(land, what="land")
        frame = frame.to_crs(settings.DEFAULT_CRS)
        state = frame["sovereign"] if "sovereign" in frame else frame.get("state", "")
        rows = gpd.GeoDataFrame(
            {
                "zone_id": [f"land-{i}" for i in range(len(frame))],
                "name": "land",
                "kind": "land",
                "claimants": state,
                "sovereign": state,
                "source": "user land",
            },
            geometry=frame.geometry.values,
            crs=settings.DEFAULT_CRS,
        )
        # Land given by the user is taken as complete everywhere (a world layer).
        region = shapely.box(-180.0, -90.0, 180.0, 90.0)
    if bbox is not None:
        rows = rows[rows.intersects(shapely.box(*bbox))]
    return rows, region


def load_zones(
    source: str | Path | gpd.GeoDataFrame | Sequence[str | Path] | None = None,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    land: str | Path | gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Load a zone set in the canonical schema (:mod:`geo.zones.schema`).

    Parameters
    ----------
    source : path, list of paths or GeoDataFrame, optional
        A zone file written by flashpoints, a Marine Regions file (EEZ, 12 NM,
        24 NM, internal or archipelagic waters; .gpkg, .shp, .zip or .geojson), several
        files merged into one layered set (e.g. EEZ + 12 NM + 24 NM), or a frame in
        the schema. By default the bundled East Asia set.
    bbox : tuple of float, optional
        (west, south, east, north): read only zones intersecting this box, and
        limit the coverage to it.
    land : path or GeoDataFrame, optional
        Land polygons (with a ``sovereign`` or ``state`` column) to add to Marine
        Regions layers, which have none; taken as complete for the whole world. By
        default the bundled set's land, which covers 102-173°E, 7-63°N: the coverage
        of a Marine Regions set is then limited to that region, so that a point on
        unknown land is never called high seas.

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
    elif isinstance(source, (list, tuple)):
        parts = [_read_one(Path(p), bbox=bbox) for p in source]
        if not parts:
            raise InputError("no zone files given")
        frames = [z for z, _ in parts]
        covers = [
            shapely.box(-180, -90, 180, 90)
            if mr
            else z.attrs.get("coverage", shapely.box(-180, -90, 180, 90))
            for z, mr in parts
        ]
        zones = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.DEFAULT_CRS)
        zones.attrs = {"coverage": shapely.intersection_all(covers)}
        if any(mr for _, mr in parts):
            zones = _with_land(zones, land=land, bbox=bbox)
    else:
        path = Path(str(source)) if source is not None else data_path("zones", BUNDLED_ZONES)
        zones, mr = _read_one(path, bbox=bbox)
        if mr:
            zones.attrs = {"coverage": shapely.box(-180, -90, 180, 90)}
            zones = _with_land(zones, land=land, bbox=bbox)
    zones["zone_id"] = _unique(zones["zone_id"].astype(str), zones["kind"])
    if bbox is not None:
        box = shapely.box(*bbox)
        cov = zones.attrs.get("coverage", box)
        zones.attrs["coverage"] = shapely.intersection(cov, box)
    for col in ("claimants", "sovereign", "name", "zone_id", "source"):
        zones[col] = zones[col].fillna("").astype(str)
    if zones.empty:
        raise DataSourceError("the zone set is empty")
    return zones


def save_zones(zones: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a zone set and its coverage, so that :func:`load_zones` reads it back whole.

    The zones go to ``path`` (GeoJSON, 6 decimals: about 0.1 m) and the coverage
    polygon to :func:`coverage_path` beside it; both writes are atomic.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        A zone set in the schema, coverage in ``attrs["coverage"]``.
    path : str or Path
        The ``.geojson`` file to write.

    Returns
    -------
    pathlib.Path
        The zone file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> zones = load_zones(bbox=(123.0, 25.0, 124.5, 26.5))
    >>> out = save_zones(zones, pathlib.Path(tempfile.mkdtemp()) / "senkaku.geojson")
    >>> len(load_zones(out)) == len(zones)
    True
    """
    validate_zones(zones, source="zones to save")
    out = Path(path)
    if out.suffix.lower() != ".geojson":
        raise InputError(f"zone sets are written as .geojson, not {out.suffix!r}", source=str(out))
    with atomic_path(out) as tmp:
        zones.to_file(tmp, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6)
    cover = gpd.GeoDataFrame(geometry=[coverage_of(zones)], crs=settings.DEFAULT_CRS)
    with atomic_path(coverage_path(out)) as tmp:
        cover.to_file(tmp, driver="GeoJSON", engine="pyogrio")
    return out
