"""Read Marine Regions (Flanders Marine Institute) zone files into the canonical schema.

Handles the EEZ layer (v11, v12), the 12 NM and 24 NM layers, internal waters and
archipelagic waters; GeoPackage, shapefile (also inside a .zip) and GeoJSON;
field names in upper case (downloads) or lower case (WFS). ``POL_TYPE`` gives the
kind (``200NM`` is an EEZ, ``12NM`` a territorial sea, ``Overlapping claim`` and
``Joint regime`` keep their names), ``ISO_SOV1..3`` the claimants. Invalid
polygons are repaired and polygons drawn across the antimeridian are split.

Files derived from Marine Regions that keep only ``MRGID`` and ``GEONAME`` get
their kinds and claimants from the names, where the name says them without
doubt: "Japanese Exclusive Economic Zone" is JPN's EEZ, "Overlapping claim
Liancourt Rocks: Japan / South Korea" an overlapping claim of JPN and KOR (the
names known are :data:`geo.zones.schema.STATE_ALIASES`). A zone whose name
does not say is left without claimants, counted and logged; ``load_zones``
then refuses the set unless told otherwise.

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
from ..io import read_vector
from .schema import (
    COLUMNS,
    check_polygons,
    claimants_from_field,
    drop_missing_geometries,
    join_claimants,
    state_code,
    to_lonlat,
)

__all__ = ["claimants_from_name", "is_marineregions", "marineregions_kind", "read_marineregions"]

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


#: Kinds shared by several states: they have no single sovereign.
_SHARED_KINDS = ("overlapping_claim", "joint_regime")

#: "Overlapping claim <place>: A / B", "Joint regime area: A / B" (Marine Regions names).
_SHARED_NAME = re.compile(
    r"(?:overlapping\s+claims?|joint\s+(?:regime|development)(?:\s+areas?)?)\b(?P<rest>.*)",
    re.IGNORECASE,
)
#: What follows the state in the name of a one-state zone.
_ZONE_PHRASE = re.compile(
    r"(?:exclusive\s+economic\s+zone|territorial\s+seas?|contiguous\s+zone|internal\s+waters"
    r"|archipelagic\s+waters|(?:12|24|200)\s*nm)\b",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\([^()]*\)")


def claimants_from_name(name: str) -> str:
    """Return the claimants a Marine Regions zone name states, or "" when it does not say.

    A one-state name is a state's adjective or name followed by the zone
    ("Japanese Exclusive Economic Zone", "United States Exclusive Economic Zone
    (Guam)"). A shared name lists the states after the last colon ("Overlapping
    claim Liancourt Rocks: Japan / South Korea"); every one must be known, or
    the name is not taken to say anything.

    Examples
    --------
    >>> claimants_from_name("Japanese Exclusive Economic Zone")
    'JPN'
    >>> claimants_from_name("Overlapping claim Liancourt Rocks: Japan / South Korea")
    'JPN/KOR'
    >>> claimants_from_name("Overlapping claim: South China Sea")
    ''
    """
    text = " ".join(str(name).split())
    shared = _SHARED_NAME.match(text)
    if shared:
        states = shared.group("rest").rsplit(":", 1)[-1]
        codes = [state_code(_PARENS.sub(" ", s)) for s in states.split("/")]
        return join_claimants(codes) if all(codes) else ""
    if "/" in text:
        return ""
    words = _PARENS.sub(" ", text).split()
    for n in range(len(words) - 1, 0, -1):  # the longest state name first
        code = state_code(" ".join(words[:n]))
        if code:
            return code if _ZONE_PHRASE.match(" ".join(words[n:])) else ""
    return ""


def _field(frame: pd.DataFrame, name: str) -> pd.Series:
    """Return the field ``name`` whatever its case, as stripped text ("" when absent)."""
    for col in frame.columns:
        if col.lower() == name:
            return frame[col].fillna("").astype(str).str.strip()
    return pd.Series("", index=frame.index)


def _claimants(
    raw: gpd.GeoDataFrame, kinds: list[str], *, field: str | None, source: str
) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """Return claimants, sovereign and whether the name gave them: from ``field``, ISO_SOV, name."""
    named = pd.Series(False, index=raw.index)
    if field is not None:
        claimants = claimants_from_field(raw, field, source=source)
        first = claimants.where(~claimants.str.contains("/"), "")
    else:
        iso = [_field(raw, f"iso_sov{i}") for i in (1, 2, 3)]
        claimants = pd.Series(
            [join_claimants(c) for c in zip(*iso, strict=True)], index=raw.index, dtype=object
        )
        first = iso[0].copy()
        named = claimants == ""
        if named.any():
            parsed = _field(raw, "geoname")[named].map(claimants_from_name)
            claimants[named] = parsed
            first[named] = parsed.where(~parsed.str.contains("/"), "")
    sovereign = np.where(np.isin(kinds, _SHARED_KINDS), "", first.to_numpy())
    return claimants, sovereign, named


def read_marineregions(
    path: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    claimants_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one Marine Regions file into the canonical zone schema (no land, no coverage).

    Parameters
    ----------
    path : str or Path
        GeoPackage, shapefile, a .zip holding one, or GeoJSON (from the WFS).
    bbox : tuple of float, optional
        (west, south, east, north): only polygons intersecting it are read (a
        spatial filter in GDAL, so a world file is not read whole), clipped to it.
    claimants_field : str, optional
        A field holding the claimants (ISO3 codes, one or "/"-joined), used
        instead of ``ISO_SOV1..3`` and the names.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``zone_id`` (``mr-<MRGID>``), ``name`` (``GEONAME``), ``kind``,
        ``claimants`` (``ISO_SOV1..3``, else from the name), ``sovereign``
        (``ISO_SOV1`` unless the polygon is an overlapping claim or joint
        regime), ``source``, ``geometry``; in ``attrs["dropped"]`` the count of
        zones dropped for having no geometry, in ``attrs["claimants_from_names"]``
        which zones carry no ISO_SOV codes, so that their claimants (if any) come
        from their names (a boolean array, one per row).

    Raises
    ------
    geo.errors.InputError
        When the file has no CRS, holds geometries other than polygons, or
        ``claimants_field`` is missing or holds something other than ISO3 codes.
    """
    path = Path(path)
    source = str(path)
    raw = read_vector(path, bbox=bbox, what="zones")
    check_polygons(raw, source=source)
    n_bad = int((~shapely.is_valid(raw.geometry.values) & raw.geometry.notna()).sum())
    raw, dropped = drop_missing_geometries(to_lonlat(raw, source=source), source=source)
    names = _field(raw, "geoname")
    kinds = [
        marineregions_kind(p or n, path.name)
        for p, n in zip(_field(raw, "pol_type"), names, strict=True)
    ]
    claimants, sovereign, named = _claimants(raw, kinds, field=claimants_field, source=source)
    out = gpd.GeoDataFrame(
        {
            "zone_id": "mr-" + _field(raw, "mrgid").str.replace(r"\.0$", "", regex=True),
            "name": names.to_numpy(),
            "kind": kinds,
            "claimants": claimants.to_numpy(),
            "sovereign": sovereign,
            "source": f"Marine Regions ({path.name})",
            "named": named.to_numpy(),
        },
        geometry=raw.geometry.values,
        crs=settings.DEFAULT_CRS,
    )
    if bbox is not None:
        out["geometry"] = shapely.intersection(out.geometry.values, shapely.box(*bbox))
    out = out[~out.geometry.is_empty & out.geometry.notna()]
    if n_bad:
        log.info("%s: repaired %d invalid polygons", path, n_bad)
    named = out["named"].to_numpy(dtype=bool)
    out = out[[*COLUMNS, "geometry"]].reset_index(drop=True)
    out.attrs = {"dropped": dropped, "claimants_from_names": named}
    return out
