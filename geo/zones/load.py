"""Load a zone set: the bundled East Asia set, a file, or a GeoDataFrame.

Every zone source is checked the same way before it is used: geometries must be
polygons (a file of lines or points is refused, naming the row), zones with no
geometry are dropped and counted (``attrs["dropped"]``), everything is
reprojected to EPSG:4326 with longitudes in -180..180 (0..360 files and
polygons across the antimeridian are split at 180°), and every zone must have
claimants unless the caller accepts zones without them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError, InputError
from ..io import atomic_path, read_vector, vector_fields
from .marineregions import BUNDLED_LAND_BOUNDS, is_marineregions, read_marineregions
from .schema import (
    check_polygons,
    claimants_from_field,
    coverage_of,
    drop_missing_geometries,
    to_lonlat,
    validate_zones,
)

__all__ = ["BUNDLED_ZONES", "coverage_path", "load_zones", "save_zones"]


log = logging.getLogger(__name__)

#: File name of the bundled zone set under ``data/zones/``.
BUNDLED_ZONES = "east-asia.geojson"

_WORLD = shapely.box(-180.0, -90.0, 180.0, 90.0)


def coverage_path(path: str | Path) -> Path:
    """Return the coverage file that goes with a zone file (``<stem>.coverage.geojson``)."""
    path = Path(path)
    return path.with_name(path.name.split(".")[0] + ".coverage.geojson")


def _unique(ids: pd.Series, kinds: pd.Series) -> list[str]:
    """Return zone ids made unique: a repeated id gets its kind, then a counter, appended."""
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


def _add_counts(*counts: dict[str, int]) -> dict[str, int]:
    """Sum dropped-row counts by reason."""
    total: dict[str, int] = {}
    for c in counts:
        for reason, n in c.items():
            total[reason] = total.get(reason, 0) + n
    return total


def _polygons_in_lonlat(
    frame: gpd.GeoDataFrame, *, source: str, what: str = "zone"
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Check polygons, reproject to lon/lat within -180..180 and drop rows without geometry."""
    check_polygons(frame, source=source, what=what)
    return drop_missing_geometries(to_lonlat(frame, source=source), source=source)


def _in_schema(
    raw: gpd.GeoDataFrame, *, source: str, claimants_field: str | None
) -> gpd.GeoDataFrame:
    """Check zones of one of our files (or a frame); reproject; take claimants from the field."""
    zones, dropped = _polygons_in_lonlat(raw, source=source)
    if claimants_field is not None:
        zones["claimants"] = claimants_from_field(zones, claimants_field, source=source)
    validate_zones(zones, source=source)
    zones = zones.reset_index(drop=True)
    zones.attrs = {"dropped": dropped}
    return zones


def _coverage(cover: gpd.GeoDataFrame, *, source: str) -> shapely.Geometry:
    """Return the union of a coverage layer's polygons, in lon/lat within -180..180."""
    cover, _ = _polygons_in_lonlat(cover, source=source, what="coverage polygon")
    if cover.empty:
        raise InputError("the coverage holds no polygon", source=source)
    return shapely.union_all(cover.geometry.values)


def _read_ours(
    path: Path, *, bbox: tuple[float, float, float, float] | None, claimants_field: str | None
) -> gpd.GeoDataFrame:
    """Read a zone file in the schema (its coverage file is read by :func:`_read_one`)."""
    # Read whole: the bbox is in degrees, the file may be in metres or in 0..360.
    raw = read_vector(path, what="zones")
    zones = _in_schema(raw, source=str(path), claimants_field=claimants_field)
    if bbox is not None:
        attrs = zones.attrs
        zones = zones[zones.intersects(shapely.box(*bbox))].reset_index(drop=True)
        zones.attrs = attrs
    return zones


def _read_one(
    path: Path,
    *,
    bbox: tuple[float, float, float, float] | None,
    claimants_field: str | None,
    allow_unclaimed: bool,
) -> tuple[gpd.GeoDataFrame, bool]:
    """Read one zone file; return (zones, is_marine_regions)."""
    if not path.exists():
        raise InputError("no such zone file", source=str(path))
    if is_marineregions(vector_fields(path, what="zones")):
        # Claimants are checked once the coverage is known (see _check_marineregions).
        return read_marineregions(path, bbox=bbox, claimants_field=claimants_field), True
    zones = _read_ours(path, bbox=bbox, claimants_field=claimants_field)
    _check_claimants(zones, source=str(path), allow_unclaimed=allow_unclaimed)
    cov_file = coverage_path(path)
    if cov_file.exists():
        cover = read_vector(cov_file, what="the coverage file")
        zones.attrs["coverage"] = _coverage(cover, source=str(cov_file))
    else:
        log.warning("%s has no coverage file; assuming it covers the whole world", path)
    return zones, False


def _from_frame(source: gpd.GeoDataFrame, *, claimants_field: str | None) -> gpd.GeoDataFrame:
    """Check a zone frame like a file; reproject its coverage from the frame's CRS."""
    zones = _in_schema(
        source.reset_index(drop=True), source="frame", claimants_field=claimants_field
    )
    zones.attrs = {**source.attrs, **zones.attrs}  # other attrs pass through
    cover = source.attrs.get("coverage")
    if cover is not None:
        frame = gpd.GeoDataFrame(geometry=[cover], crs=source.crs)
        zones.attrs["coverage"] = _coverage(frame, source="frame coverage")
    return zones


def _check_claimants(
    zones: gpd.GeoDataFrame,
    *,
    source: str,
    allow_unclaimed: bool,
    note: str = "",
    scope: str = "",
) -> None:
    """Raise InputError (or, when allowed, warn) when zones have no claimants."""
    none = zones["claimants"].fillna("").astype(str).str.strip() == ""
    n = int(none.sum())
    if not n:
        if note:
            log.warning("%s: claimants read from the zone names%s", source, note)
        return
    example = str(zones.loc[none, "name"].fillna("").iloc[0])[:80]
    what = f"{n} of {len(zones)} zones{scope} have no claimants (e.g. {example!r}){note}"
    if allow_unclaimed:
        log.warning("%s: %s; accepted (allow_unclaimed): incidents there get none", source, what)
        return
    raise InputError(
        f"{what}, so incidents in them would get none: name the field that holds the "
        "claimants (ISO3 codes, '/'-joined) with claimants_field= (--claimants-field), or "
        "accept them with allow_unclaimed=True (--allow-unclaimed)",
        source=source,
    )


def _check_marineregions(
    zones: gpd.GeoDataFrame, *, source: str, cover: shapely.Geometry, allow_unclaimed: bool
) -> None:
    """Check the claimants of a Marine Regions part, counting the zones in the coverage only."""
    named = zones.attrs.pop("claimants_from_names", np.zeros(len(zones), dtype=bool))
    inside = shapely.intersects(zones.geometry.values, cover)
    note = ""
    if named[inside].any():
        gave = int((named & (zones["claimants"] != "").to_numpy())[inside].sum())
        note = (
            f"; {int(named[inside].sum())} zones carry no ISO_SOV codes and their names "
            f"gave the claimants of {gave}"
        )
    scope = "" if inside.all() else " within the coverage"
    _check_claimants(
        zones[inside], source=source, allow_unclaimed=allow_unclaimed, note=note, scope=scope
    )


def _with_land(
    zones: gpd.GeoDataFrame,
    *,
    land: str | Path | gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float] | None,
    allow_unclaimed: bool,
) -> gpd.GeoDataFrame:
    """Return Marine Regions zones with land added (the coverage is already limited to it)."""
    rows = _land_for(land, bbox, allow_unclaimed=allow_unclaimed)
    merged = gpd.GeoDataFrame(pd.concat([zones, rows], ignore_index=True), crs=zones.crs)
    merged.attrs = zones.attrs
    return merged


def _land_region(land: str | Path | gpd.GeoDataFrame | None) -> shapely.Geometry:
    """Return where land is known: the bundled land's region, or the world for user land."""
    # Land given by the user is taken as complete everywhere (a world layer).
    return shapely.box(*BUNDLED_LAND_BOUNDS) if land is None else _WORLD


def _user_land(land: str | Path | gpd.GeoDataFrame, *, allow_unclaimed: bool) -> gpd.GeoDataFrame:
    """Return land polygons given by the user as zone rows (state from ``sovereign``/``state``)."""
    source = "land frame" if isinstance(land, gpd.GeoDataFrame) else str(land)
    frame = land if isinstance(land, gpd.GeoDataFrame) else read_vector(land, what="land")
    frame, _ = _polygons_in_lonlat(frame.reset_index(drop=True), source=source, what="land polygon")
    field = next((f for f in ("sovereign", "state") if f in frame), None)
    state = (
        claimants_from_field(frame, field, source=source)
        if field is not None
        else pd.Series("", index=frame.index)
    )
    if (state == "").any() and not allow_unclaimed:
        raise InputError(
            f"{int((state == '').sum())} of {len(frame)} land polygons have no state: give the "
            "land a 'sovereign' or 'state' column of ISO3 codes, or pass allow_unclaimed=True",
            source=source,
        )
    return gpd.GeoDataFrame(
        {
            "zone_id": [f"land-{i}" for i in range(len(frame))],
            "name": "land",
            "kind": "land",
            "claimants": state.to_numpy(),
            "sovereign": state.to_numpy(),
            "source": "user land",
        },
        geometry=frame.geometry.values,
        crs=settings.DEFAULT_CRS,
    )


def _land_for(
    land: str | Path | gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float] | None,
    *,
    allow_unclaimed: bool,
) -> gpd.GeoDataFrame:
    """Return land rows to add to a Marine Regions set."""
    if land is None:
        bundled = load_zones()
        rows = bundled[bundled["kind"] == "land"]
    else:
        rows = _user_land(land, allow_unclaimed=allow_unclaimed)
    if bbox is not None:
        rows = rows[rows.intersects(shapely.box(*bbox))]
    return rows


def _from_files(
    paths: Sequence[Path],
    *,
    bbox: tuple[float, float, float, float] | None,
    land: str | Path | gpd.GeoDataFrame | None,
    claimants_field: str | None,
    allow_unclaimed: bool,
) -> gpd.GeoDataFrame:
    """Read one or several files into one set (land added to Marine Regions sets)."""
    if not paths:
        raise InputError("no zone files given")
    parts = [
        _read_one(p, bbox=bbox, claimants_field=claimants_field, allow_unclaimed=allow_unclaimed)
        for p in paths
    ]
    any_mr = any(mr for _, mr in parts)
    covers = [_WORLD if mr else z.attrs.get("coverage", _WORLD) for z, mr in parts]
    cover = shapely.intersection_all([*covers, _land_region(land) if any_mr else _WORLD])
    for path, (part, mr) in zip(paths, parts, strict=True):
        if mr:
            _check_marineregions(
                part, source=str(path), cover=cover, allow_unclaimed=allow_unclaimed
            )
    frames = [z for z, _ in parts]
    zones = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.DEFAULT_CRS)
    zones.attrs = {
        "coverage": cover,
        "dropped": _add_counts(*(z.attrs.get("dropped", {}) for z in frames)),
    }
    if any_mr:
        zones = _with_land(zones, land=land, bbox=bbox, allow_unclaimed=allow_unclaimed)
    return zones


def load_zones(
    source: str | Path | gpd.GeoDataFrame | Sequence[str | Path] | None = None,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    land: str | Path | gpd.GeoDataFrame | None = None,
    claimants_field: str | None = None,
    allow_unclaimed: bool = False,
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
    claimants_field : str, optional
        The field that holds each zone's claimants: ISO 3166-1 alpha-3 codes, one
        (``"ISO_SOV1"``) or joined by "/" (``"CHN/TWN"``). By default the schema's
        ``claimants``, or for Marine Regions files ``ISO_SOV1..3``, else the
        claimants stated by the zone's name ("Japanese Exclusive Economic Zone").
    allow_unclaimed : bool, default False
        Accept zones without claimants (a warning is logged). By default such
        zones are refused, since every incident in them would have no claimant.

    Returns
    -------
    geopandas.GeoDataFrame
        Zones in EPSG:4326, longitudes within -180..180; the coverage polygon in
        ``attrs["coverage"]``, and in ``attrs["dropped"]`` how many zones were
        dropped and why (``{"null_geometry": 3}``; empty when none were).

    Raises
    ------
    geo.errors.InputError
        When a file is missing or unreadable, has no CRS, holds geometries other
        than polygons or coordinates that are not longitudes and latitudes, or
        has zones without claimants (unless ``allow_unclaimed``).

    Examples
    --------
    >>> zones = load_zones()
    >>> sorted(zones["kind"].unique())  # doctest: +NORMALIZE_WHITESPACE
    ['contiguous_zone', 'continental_shelf', 'eez', 'internal_waters', 'land', 'regime',
     'territorial_sea']
    >>> zones.attrs["dropped"]
    {}
    """
    if isinstance(source, gpd.GeoDataFrame):
        zones = _from_frame(source, claimants_field=claimants_field)
        _check_claimants(zones, source="frame", allow_unclaimed=allow_unclaimed)
    else:
        if isinstance(source, (list, tuple)):
            paths = [Path(p) for p in source]
        else:
            paths = [Path(str(source)) if source is not None else data_path("zones", BUNDLED_ZONES)]
        zones = _from_files(
            paths,
            bbox=bbox,
            land=land,
            claimants_field=claimants_field,
            allow_unclaimed=allow_unclaimed,
        )
    return _finish(zones, bbox=bbox)


def _finish(
    zones: gpd.GeoDataFrame, *, bbox: tuple[float, float, float, float] | None
) -> gpd.GeoDataFrame:
    """Make ids unique and text columns text, limit the coverage to the bbox; refuse no zones."""
    attrs = {"dropped": {}, **zones.attrs}
    zones["zone_id"] = _unique(zones["zone_id"].astype(str), zones["kind"])
    if bbox is not None:
        box = shapely.box(*bbox)
        attrs["coverage"] = shapely.intersection(attrs.get("coverage", box), box)
    for col in ("claimants", "sovereign", "name", "zone_id", "source"):
        zones[col] = zones[col].fillna("").astype(str)
    zones.attrs = attrs
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
        zones.to_file(
            tmp, driver="GeoJSON", engine="pyogrio", layer=out.stem, COORDINATE_PRECISION=6
        )
    cover = gpd.GeoDataFrame(geometry=[coverage_of(zones)], crs=settings.DEFAULT_CRS)
    with atomic_path(coverage_path(out)) as tmp:
        cover.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=coverage_path(out).stem)
    return out
