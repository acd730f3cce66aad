"""Classification: which zone each incident lies in, under whose claim, how far out.

:func:`classify` is the one place where points meet zones. It keeps every input
row (same index, same order) and adds the columns listed in :data:`OUTPUT_COLUMNS`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from ._cache import derived
from .antimeridian import split_antimeridian
from .coast import Coastline
from .errors import InputError
from .geodesy import GEOD, geodesic_circle, m_to_nm
from .index import NONE, OUTSIDE, ZoneIndex
from .zones.load import load_zones
from .zones.schema import ZONE_KINDS

__all__ = ["OUTPUT_COLUMNS", "classify"]

log = logging.getLogger(__name__)

#: Columns :func:`classify` adds.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "zone_kind",
    "zone_name",
    "zone_id",
    "claimants",
    "disputed",
    "sovereign",
    "distance_to_coast_nm",
    "nearest_coast_state",
    "distance_to_boundary_nm",
    "certainty",
    "claimant_shares",
)

#: Zone kinds that classify as something else: Marine Regions' overlapping-claim
#: and joint-regime polygons are EEZ areas.
_KIND_AS_CLASS = {"overlapping_claim": "eez", "joint_regime": "eez"}

#: Zone kinds that are a state's waters for a statement such as "inside Japan's EEZ".
_SEA_KINDS = tuple(k for k in ZONE_KINDS if k != "land")


def _edge(zones: gpd.GeoDataFrame, zone_id: str) -> Coastline | None:
    """Edge of a zone (by id; "" is the high seas: the edge of every zone) for distances."""

    def build() -> Coastline | None:
        part = (
            zones[zones["kind"] != "land"] if zone_id == "" else zones[zones["zone_id"] == zone_id]
        )
        if part.empty:
            return None
        frame = gpd.GeoDataFrame(
            {"sovereign": part["sovereign"].to_numpy()}, geometry=part.geometry.values, crs=4326
        )
        return Coastline(frame, rings="all")

    return derived(zones, ("edge", zone_id), build)


def _shares(zones: gpd.GeoDataFrame, point: shapely.Point, radius_km: float) -> str:
    """Share of the uncertainty disc in each claimant set, e.g. "JPN 0.62; RUS 0.38".

    The disc is cut against the zone index's pieces (at most 256 vertices each),
    not the whole zones: a region-wide land multipolygon would make every
    intersection slow. Areas are geodesic (pyproj's ``Geod``).
    """
    # Discs that run past 180° are split, so both sides meet the zones there.
    disc = split_antimeridian(geodesic_circle(point.x, point.y, radius_km * 1000.0, n=64))

    def area_m2(geom: shapely.Geometry) -> float:
        return abs(float(GEOD.geometry_area_perimeter(geom)[0]))  # geodesic area

    total = area_m2(disc)
    index = _index(zones)
    hits = index.tree.query(disc, predicate="intersects")
    found: dict[str, float] = {}
    covered = 0.0
    for piece, j in zip(
        shapely.intersection(disc, index.pieces[hits]), index.piece_zone[hits], strict=True
    ):
        if piece.is_empty:
            continue
        label = zones["claimants"].iloc[j] or zones["kind"].iloc[j]
        if zones["kind"].iloc[j] == "land":
            label = f"{label} land"
        a = area_m2(piece)
        found[label] = found.get(label, 0.0) + a
        covered += a
    rest = max(total - covered, 0.0)
    if rest / total > 0.005:
        found["high seas or outside coverage"] = rest
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    return "; ".join(f"{k} {v / total:.2f}" for k, v in ranked)


def _claimed_waters(zones: gpd.GeoDataFrame, state: str) -> tuple[shapely.Geometry, Coastline]:
    """Return the sea a state claims in a zone set, and its edge ready for distances."""

    def build() -> tuple[shapely.Geometry, Coastline]:
        mine = zones["claimants"].str.split("/").map(lambda c: state in c)
        sea = zones[zones["kind"].isin(_SEA_KINDS) & mine]
        area = shapely.union_all(sea.geometry.values)
        frame = gpd.GeoDataFrame({"sovereign": [state]}, geometry=[area], crs=4326)
        return area, Coastline(frame, rings="all")

    return derived(zones, ("claimed", state), build)


def _statement_check(
    out: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, pts: np.ndarray, state: str
) -> pd.Series:
    """Compare ``statement_eez`` (inside/outside) with the zone set: agree/disagree/borderline."""
    said = out["statement_eez"].fillna("").astype(str).str.strip().str.lower()
    check = pd.Series("", index=out.index, dtype=object)
    todo = np.flatnonzero(
        said.isin(["inside", "outside"]).to_numpy()
        & ~(shapely.is_missing(pts) | shapely.is_empty(pts))
        & (out["zone_kind"] != "outside_coverage").to_numpy()
    )
    if not len(todo):
        return check
    area, edge = _claimed_waters(zones, state)
    inside = shapely.covers(area, pts[todo])
    d_m, _ = edge.distance_m(shapely.get_x(pts[todo]), shapely.get_y(pts[todo]))
    unc_km = (
        out["uncertainty_km"].to_numpy(dtype=float)[todo]
        if "uncertainty_km" in out
        else np.zeros(len(todo))
    )
    agree = inside == (said.to_numpy()[todo] == "inside")
    verdict = np.where(agree, "agree", "disagree").astype(object)
    verdict[np.nan_to_num(unc_km, nan=0.0) * 1000.0 >= d_m] = "borderline"
    check.iloc[todo] = verdict
    return check


def _coastline(zones: gpd.GeoDataFrame) -> Coastline | None:
    land = zones[zones["kind"] == "land"]
    if land.empty:
        return None
    return derived(zones, "coast", lambda: Coastline(land))


def _index(zones: gpd.GeoDataFrame) -> ZoneIndex:
    return derived(zones, "index", lambda: ZoneIndex(zones))


def _is_parquet_source(obj: object) -> bool:
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    return bool(items) and all(
        isinstance(i, (str, Path)) and (str(i).endswith(".parquet") or Path(i).is_dir())
        for i in items
    )


def classify(
    incidents: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | None = None,
    *,
    statement_state: str = "JPN",
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Classify incident points against a zone set.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Points (any CRS; converted to EPSG:4326). Rows with no geometry are kept
        and get empty answers. A ``dask_geopandas.GeoDataFrame``, or GeoParquet
        paths (a glob, a folder or a list), is classified lazily on Dask and a lazy
        frame is returned (see :mod:`geo.distributed`; needs the ``dask`` extra).
    zones : geopandas.GeoDataFrame, optional
        A zone set from :func:`geo.load_zones`; by default the bundled one.
    statement_state : str, default "JPN"
        Whose EEZ a ``statement_eez`` column (``inside``/``outside``, as official
        statements say) is about.
    progress : bool, default False
        Show a progress bar over the chunks of a large input.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``incidents`` (same index and order) with the columns of
        :data:`OUTPUT_COLUMNS`:

        * ``zone_kind``: ``land``, ``internal_waters``, ``territorial_sea``,
          ``contiguous_zone``, ``eez``, ``high_seas`` (in the coverage, in no zone)
          or ``outside_coverage``;
        * ``zone_name``, ``zone_id``: the zone, empty on the high seas;
        * ``claimants``: ISO3 codes of every state claiming the position, "/"-joined;
        * ``disputed``: more than one claimant;
        * ``sovereign``: the state holding the zone in the zone set's scenario;
        * ``distance_to_coast_nm``: geodesic distance to the nearest coast;
        * ``nearest_coast_state``: whose coast that is;
        * ``distance_to_boundary_nm``: geodesic distance to the edge of the zone the
          point is in (on the high seas: to the nearest zone);
        * ``certainty``: ``borderline`` when the incident's ``uncertainty_km`` reaches
          that edge, else ``certain``;
        * ``claimant_shares``: for borderline incidents, the share of the uncertainty
          disc in each claimant set, e.g. ``"JPN 0.71; RUS 0.29"``;
        * ``statement_check``, when the input has a ``statement_eez`` column:
          ``agree`` or ``disagree`` with the waters ``statement_state`` claims in the
          zone set, ``borderline`` when the incident's uncertainty disc reaches their
          edge, empty where there is no statement or the point is outside coverage.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(123.5, 25.9)], crs=4326)
    >>> row = classify(pts).iloc[0]
    >>> row.zone_kind, row.claimants, bool(row.disputed)
    ('territorial_sea', 'CHN/JPN/TWN', True)
    """
    if not isinstance(incidents, gpd.GeoDataFrame):
        from .distributed import classify_dask, is_dask_frame

        if is_dask_frame(incidents) or _is_parquet_source(incidents):
            zones = load_zones() if zones is None else zones
            return classify_dask(incidents, zones, statement_state=statement_state)
        raise InputError("classify expects a GeoDataFrame of points (see geo.load_incidents)")
    if incidents.crs is None:
        raise InputError("incidents have no CRS; set one, e.g. gdf.set_crs(4326)")
    zones = load_zones() if zones is None else zones
    size = settings.CLASSIFY_CHUNK_POINTS
    if len(incidents) > size:
        # Bounded memory: the distance computations hold several arrays per point.
        starts = range(0, len(incidents), size)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(incidents), unit="pt", desc="classify", disable=None)
        parts = []
        for s in starts:
            parts.append(
                classify(incidents.iloc[s : s + size], zones, statement_state=statement_state)
            )
            if bar is not None:
                bar.update(len(parts[-1]))
        if bar is not None:
            bar.close()
        out = gpd.GeoDataFrame(pd.concat(parts), crs=incidents.crs)
        out.attrs = dict(incidents.attrs)
        return out
    pts = incidents.geometry.to_crs(4326).values
    has = ~(shapely.is_missing(pts) | shapely.is_empty(pts))
    if has.any() and not (shapely.get_type_id(pts[has]) == 0).all():
        raise InputError("classify takes points; use centroids or representative points")

    n = len(incidents)
    kind = np.full(n, "", dtype=object)
    zone_name = np.full(n, "", dtype=object)
    zone_id = np.full(n, "", dtype=object)
    claimants = np.full(n, "", dtype=object)
    sovereign = np.full(n, "", dtype=object)

    idx = np.flatnonzero(has)
    found = _index(zones).lookup(shapely.get_x(pts[idx]), shapely.get_y(pts[idx]))
    kind[idx[found == OUTSIDE]] = "outside_coverage"
    kind[idx[found == NONE]] = "high_seas"
    covered = idx[found != OUTSIDE]
    in_zone = found >= 0
    rows, zi = idx[in_zone], found[in_zone]
    if len(rows):
        kind[rows] = zones["kind"].map(lambda k: _KIND_AS_CLASS.get(k, k)).to_numpy()[zi]
        zone_name[rows] = zones["name"].to_numpy()[zi]
        zone_id[rows] = zones["zone_id"].to_numpy()[zi]
        claimants[rows] = zones["claimants"].to_numpy()[zi]
        sovereign[rows] = zones["sovereign"].to_numpy()[zi]

    dist_nm = np.full(n, np.nan)
    coast_state = np.full(n, "", dtype=object)
    coast = _coastline(zones)
    if coast is not None and len(idx):
        d_m, st = coast.distance_m(shapely.get_x(pts[idx]), shapely.get_y(pts[idx]))
        dist_nm[idx] = m_to_nm(d_m)
        coast_state[idx] = st

    out = incidents.copy()
    out["zone_kind"] = pd.Series(kind, index=out.index).replace("", pd.NA)
    out["zone_name"] = zone_name
    out["zone_id"] = zone_id
    out["claimants"] = claimants
    out["disputed"] = pd.Series(claimants, index=out.index).str.contains("/", regex=False)
    out["sovereign"] = sovereign
    out["distance_to_coast_nm"] = dist_nm
    out["nearest_coast_state"] = coast_state
    edge_nm = np.full(n, np.nan)
    for zid in pd.unique(zone_id[covered]):
        rows_z = covered[zone_id[covered] == zid]
        edge = _edge(zones, str(zid))
        if edge is not None:
            d_m, _ = edge.distance_m(shapely.get_x(pts[rows_z]), shapely.get_y(pts[rows_z]))
            edge_nm[rows_z] = m_to_nm(d_m)
    out["distance_to_boundary_nm"] = edge_nm
    unc_km = (
        pd.to_numeric(out["uncertainty_km"], errors="coerce").to_numpy(dtype=float)
        if "uncertainty_km" in out
        else np.zeros(n)
    )
    close = np.nan_to_num(unc_km, nan=0.0) * 1000.0 >= edge_nm * 1852.0
    certainty = np.where(close, "borderline", "certain").astype(object)
    certainty[np.isnan(edge_nm)] = ""
    out["certainty"] = certainty
    shares = np.full(n, "", dtype=object)
    # A point exactly on an edge with no uncertainty is borderline but has no disc.
    for i in np.flatnonzero((certainty == "borderline") & (np.nan_to_num(unc_km) > 0)):
        shares[i] = _shares(zones, pts[i], float(unc_km[i]))
    out["claimant_shares"] = shares
    if "statement_eez" in out:
        out["statement_check"] = _statement_check(out, zones, pts, statement_state)
    if (~has).any():
        log.warning(
            "%d incidents have no position; their zone columns are empty", int((~has).sum())
        )
    return out
