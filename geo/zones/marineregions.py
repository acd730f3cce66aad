"""Read Marine Regions (Flanders Marine Institute) zone files into the canonical schema.

Handles the EEZ layer (v11, v12), the 12 NM and 24 NM layers, internal waters and
archipelagic waters; GeoPackage, shapefile (also inside a .zip) and GeoJSON;
field names in upper case (downloads) or lower case (WFS). ``POL_TYPE`` gives the
kind (``200NM`` is an EEZ, ``12NM`` a territorial sea, ``Overlapping claim`` and
``Joint regime`` keep their names), ``ISO_SOV1..3`` the claimants. Invalid
polygons are repaired and polygons drawn across the antimeridian are split.

Marine Regions layers have no land. So that points on land are not called high
seas, the land of the bundled set is added (``land=`` gives another), and the
coverage is limited to where that land is known.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..antimeridian import split_antimeridian
from ..errors import InputError
from ..io import read_vector
from .schema import COLUMNS, join_claimants

__all__ = ["is_marineregions", "marineregions_kind", "read_marineregions"]

log = logging.getLogger(__name__)

#: Where the land of the bundled zone set is known (its build region), degrees.
BUNDLED_LAND_BOUNDS = (102.0, 7.0, 173.0, 63.0)


def is_marineregions(columns: Sequence[str]) -> bool:
    """Tell whether columns look like a Marine Regions layer (MRGID and POL_TYPE or GEONAME)."""
    lower = {c.lower() for c in columns}
    return "mrgid" in lower and bool({"pol_type", "geoname"} & lower)


def marineregions_kind(pol_type: str, layer_hint: str = "") -> str:
    """Map a Marine Regions ``POL_TYPE`` (and the file name) onto a zone kind.

    Examples
    --------
    >>> marineregions_kind("200NM"), marineregions_kind("Overlapping claim")
    ('eez', 'overlapping_claim')
    >>> marineregions_kind("12NM"), marineregions_kind("", "eez_24nm_v4.gpkg")
    ('territorial_sea', 'contiguous_zone')
    """
    text = f"{pol_type} ".lower()
    hint = layer_hint.lower()
    if "overlapping" in text:
        return "overlapping_claim"
    if "joint" in text:
        return "joint_regime"
    if "internal" in text or "internal" in hint:
        return "internal_waters"
    if "archipelagic" in text or "archipelagic" in hint:
        return "archipelagic_waters"
    if re.search(r"\b12\s*nm", text) or re.search(r"12_?nm", hint):
        return "territorial_sea"
    if re.search(r"\b24\s*nm", text) or re.search(r"24_?nm", hint):
        return "contiguous_zone"
    return "eez"


def _field(frame: pd.DataFrame, name: str) -> pd.Series:
    for col in frame.columns:
        if col.lower() == name:
            return frame[col].fillna("").astype(str).str.strip()
    return pd.Series("", index=frame.index)


def read_marineregions(
    path: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Read one Marine Regions file into the canonical zone schema (no land, no coverage).

    Parameters
    ----------
    path : str or Path
        GeoPackage, shapefile, a .zip holding one, or GeoJSON (from the WFS).
    bbox : tuple of float, optional
        (west, south, east, north): only polygons intersecting it are read (a
        spatial filter in GDAL, so a world file is not read whole), clipped to it.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``zone_id`` (``mr-<MRGID>``), ``name`` (``GEONAME``), ``kind``,
        ``claimants`` (``ISO_SOV1..3``), ``sovereign`` (``ISO_SOV1`` unless the
        polygon is an overlapping claim or joint regime), ``source``, ``geometry``.
    """
    path = Path(path)
    raw = read_vector(path, bbox=bbox, what="zones")
    if raw.crs is None:
        raise InputError("the zone file has no CRS", source=str(path))
    raw = raw.to_crs(settings.DEFAULT_CRS)
    kinds = [marineregions_kind(p, path.name) for p in _field(raw, "pol_type")]
    iso = [_field(raw, f"iso_sov{i}") for i in (1, 2, 3)]
    claimants = [join_claimants([a, b, c]) for a, b, c in zip(*iso, strict=True)]
    shared = np.isin(kinds, ["overlapping_claim", "joint_regime"])
    geoms = shapely.make_valid(raw.geometry.values)
    geoms = np.array([split_antimeridian(_polygonal(g)) for g in geoms], dtype=object)
    out = gpd.GeoDataFrame(
        {
            "zone_id": "mr-" + _field(raw, "mrgid").str.replace(r"\.0$", "", regex=True),
            "name": _field(raw, "geoname").to_numpy(),
            "kind": kinds,
            "claimants": claimants,
            "sovereign": np.where(shared, "", iso[0].to_numpy()),
            "source": f"Marine Regions ({path.name})",
        },
        geometry=geoms,
        crs=settings.DEFAULT_CRS,
    )
    if bbox is not None:
        out["geometry"] = shapely.intersection(out.geometry.values, shapely.box(*bbox))
    out = out[~out.geometry.is_empty & out.geometry.notna()]
    n_bad = int((~shapely.is_valid(raw.geometry.values)).sum())
    if n_bad:
        log.info("%s: repaired %d invalid polygons", path, n_bad)
    return out[[*COLUMNS, "geometry"]].reset_index(drop=True)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    if geom is None:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()
