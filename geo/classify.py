"""Classification: which zone each incident lies in, under whose claim, how far out.

:func:`classify` is the one place where points meet zones. It keeps every input
row (same index, same order) and adds the columns listed in :data:`OUTPUT_COLUMNS`.
It is a thin orchestrator over named steps: check the input, cut it in chunks,
look up the zone of each point, measure distances to the coast and to the zone's
edge, judge certainty from each incident's uncertainty, and (when the input has
statements) compare what was said with the zone set. What is derived from the
zone set (index, coastline, edges) comes from a :class:`~geo.prepared.PreparedZones`.

The columns it adds:

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
* ``certainty``: about *whose* waters: ``borderline`` when the incident's
  uncertainty disc (``uncertainty_km``) reaches waters with other claimants than
  the point's (or the high seas, or land of another state), else ``certain``. A
  disc that stays in Japan's waters is ``certain`` even when it crosses from
  Japan's EEZ into its territorial sea. A point exactly on an edge with no
  uncertainty is ``borderline``;
* ``reaches_other_kind``: the disc reaches another zone kind (an EEZ point whose
  disc reaches a territorial sea, the high seas or land), so the zone *kind* is
  not certain even when the claimants are;
* ``claimant_shares``: where the disc reaches the zone's edge, the share of it
  in each claimant set, e.g. ``"JPN 0.71; RUS 0.29"`` (``"JPN 1.00"``: it
  reaches only waters Japan claims alone, so the claimants are certain);
* ``shelf_claimants``: every state claiming the seabed at the point: the
  claimants of its territorial sea, contiguous zone or EEZ (the shelf within
  200 nm), plus those of any ``continental_shelf`` zone over it (an extended
  shelf, or a claim such as one to the Okinawa Trough); "/"-joined;
* ``regimes``: names of the joint development and fishery zones and of Japan's
  specified areas (straits with a 3 nm territorial sea), the ``regime`` zones
  over the point, "; "-joined;
* ``within_dashed_line``: the point lies in the area enclosed by China's dashed
  line in the South China Sea (:mod:`geo.dashed_line`: Natural Earth's depiction,
  closed by this project's convention). A claim, not a zone: it changes no other
  column;
* ``statement_check``, when the input has a ``statement_eez`` column:
  ``agree`` or ``disagree`` with the waters ``statement_state`` claims in the
  zone set, ``borderline`` when the incident's uncertainty disc reaches their
  edge, empty where there is no statement or the point is outside coverage.

Text columns are pandas categoricals (as in the zone-only mode): a few distinct
values, one small code per row. Ten million rows of them take about 100 MB
instead of about 1.7 GB of Python or Arrow strings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pandas.api.types import union_categoricals

from . import settings
from ._progress import Progress
from .antimeridian import split_antimeridian
from .dashed_line import within_dashed_line
from .errors import InputError
from .geodesy import GEOD, geodesic_circle, m_to_nm
from .index import NONE, OUTSIDE
from .prepared import PreparedZones, prepare
from .zone_only import zone_columns
from .zones.schema import WATER_CLASSES, join_claimants

__all__ = ["OUTPUT_COLUMNS", "ZONE_ONLY_COLUMNS", "classify", "is_classified"]

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
    "reaches_other_kind",
    "claimant_shares",
    "shelf_claimants",
    "regimes",
    "within_dashed_line",
)

#: Columns of ``classify(..., distances=False)``: the zone and its claims, no distances.
ZONE_ONLY_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in OUTPUT_COLUMNS
    if c not in {"distance_to_coast_nm", "nearest_coast_state", "distance_to_boundary_nm",
                 "certainty", "reaches_other_kind", "claimant_shares"}
)  # fmt: skip

#: Columns copied from the zone a point is in.
_ZONE_COLUMNS = ("zone_kind", "zone_name", "zone_id", "claimants", "sovereign")


def is_classified(frame: object) -> bool:
    """Tell whether a frame carries the columns of :func:`classify`."""
    return isinstance(frame, pd.DataFrame) and set(OUTPUT_COLUMNS) <= set(frame.columns)


def require_classified(frame: object, *, caller: str) -> gpd.GeoDataFrame:
    """Return ``frame`` if it is classified, else raise a clear :class:`InputError`."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{caller} takes a GeoDataFrame from geo.classify, not {type(frame)}")
    if not is_classified(frame):
        if set(ZONE_ONLY_COLUMNS) <= set(frame.columns):
            raise InputError(
                f"{caller} needs the full classification; these rows were classified "
                "with distances=False (zone only): run geo.classify(incidents, zones)"
            )
        missing = [c for c in OUTPUT_COLUMNS if c not in frame.columns]
        raise InputError(
            f"{caller} takes classified incidents (missing {', '.join(missing[:3])}...); "
            "run geo.classify(incidents, zones) first"
        )
    return frame


def _is_parquet_source(obj: object) -> bool:
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    return bool(items) and all(
        isinstance(i, (str, Path)) and (str(i).endswith(".parquet") or Path(i).is_dir())
        for i in items
    )


def _points(incidents: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the points in EPSG:4326 and a mask of rows that have one; check they are points."""
    if incidents.crs is None:
        raise InputError("incidents have no CRS; set one, e.g. gdf.set_crs(4326)")
    pts = incidents.geometry.to_crs(4326).values
    has = ~(shapely.is_missing(pts) | shapely.is_empty(pts))
    if has.any() and not (shapely.get_type_id(pts[has]) == 0).all():
        raise InputError("classify takes points; use centroids or representative points")
    return np.asarray(pts, dtype=object), has


def _in_chunks(
    incidents: gpd.GeoDataFrame,
    run: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame],
    *,
    size: int,
    progress: bool,
) -> gpd.GeoDataFrame:
    """Run ``run`` on consecutive slices of at most ``size`` rows; concatenate."""
    parts = []
    with Progress(len(incidents), desc="classify", unit="pt", enabled=progress) as report:
        for start in range(0, len(incidents), size):
            parts.append(run(incidents.iloc[start : start + size]))
            report.update(len(parts[-1]))
    out = gpd.GeoDataFrame(pd.concat(parts), crs=incidents.crs)
    for name in out.columns:  # categoricals whose chunks differ in categories stay categorical
        if all(isinstance(p[name].dtype, pd.CategoricalDtype) for p in parts):
            out[name] = union_categoricals([p[name].array for p in parts])
    out.attrs = dict(incidents.attrs)
    return out


def _zone_of(
    prepared: PreparedZones, pts: np.ndarray, has: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Zone columns per row (empty where none), the rows inside the coverage, zone rows.

    Zone rows count in ``prepared.sea``: ``NONE`` on the high seas, ``OUTSIDE``
    outside the coverage or with no position.
    """
    n = len(pts)
    cols = {name: np.full(n, "", dtype=object) for name in _ZONE_COLUMNS}
    idx = np.flatnonzero(has)
    found = prepared.index.lookup(shapely.get_x(pts[idx]), shapely.get_y(pts[idx]))
    cols["zone_kind"][idx[found == OUTSIDE]] = "outside_coverage"
    cols["zone_kind"][idx[found == NONE]] = "high_seas"
    in_zone = found >= 0
    rows, zi = idx[in_zone], found[in_zone]
    for name, values in prepared.columns().items():
        cols[name][rows] = values[zi]
    zone_row = np.full(n, OUTSIDE, dtype=np.int64)
    zone_row[idx] = found
    return cols, idx[found != OUTSIDE], zone_row


def _coast_distance(
    prepared: PreparedZones, pts: np.ndarray, has: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance to the nearest coast (nm) and whose coast it is."""
    n = len(pts)
    dist_nm, state = np.full(n, np.nan), np.full(n, "", dtype=object)
    coast = prepared.coastline
    idx = np.flatnonzero(has)
    if coast is not None and len(idx):
        d_m, st = coast.distance_m(shapely.get_x(pts[idx]), shapely.get_y(pts[idx]))
        dist_nm[idx], state[idx] = m_to_nm(d_m), st
    return dist_nm, state


def _edge_distance(
    prepared: PreparedZones, pts: np.ndarray, zone_row: np.ndarray, covered: np.ndarray
) -> np.ndarray:
    """Geodesic distance (nm) to the edge of the zone each point is in (high seas: any zone).

    Sea and land zones partition the coverage, so a point's nearest zone edge,
    of any zone, is an edge of its own zone: one search over every edge
    (:attr:`PreparedZones.boundaries`) serves all points. Where the nearest edge
    is not one of the point's own zone (zones that overlap, or a shared edge not
    drawn identically in both zones), that zone's own edge is measured.
    """
    edge_nm = np.full(len(pts), np.nan)
    edges = prepared.boundaries
    if edges is None or not len(covered):
        return edge_nm
    x, y = shapely.get_x(pts[covered]), shapely.get_y(pts[covered])
    own = zone_row[covered]
    d_m, seg = edges.nearest(x, y)
    state, other = edges.owner_rows()
    ok = (own < 0) | (state[seg] == own) | (other[seg] == own)
    edge_nm[covered[ok]] = m_to_nm(d_m[ok])
    near = d_m + settings.OWN_EDGE_SLACK_M  # the own edge is usually as near (a twin line)
    for zi in np.unique(own[~ok]):
        here = np.flatnonzero(~ok)[own[~ok] == zi]
        edge = prepared.zone_edge(int(zi))
        if edge is not None:
            own_m, _ = edge.nearest_within(x[here], y[here], near[here])
            edge_nm[covered[here]] = m_to_nm(own_m)
    if (~ok).any():
        log.debug("%d points measured to their own zone's edge", int((~ok).sum()))
    return edge_nm


def _uncertainty_km(incidents: pd.DataFrame) -> np.ndarray:
    """Each row's ``uncertainty_km`` (0 where missing or not a number)."""
    if "uncertainty_km" not in incidents:
        return np.zeros(len(incidents))
    values = pd.to_numeric(incidents["uncertainty_km"], errors="coerce").to_numpy(dtype=float)
    return np.nan_to_num(values, nan=0.0)


def _reaches_edge(unc_km: np.ndarray, edge_nm: np.ndarray) -> np.ndarray:
    """Whether each uncertainty disc reaches the edge of its zone (False where unknown)."""
    with np.errstate(invalid="ignore"):
        return unc_km * 1000.0 >= edge_nm * settings.NM_M


def _area_m2(geom: shapely.Geometry) -> float:
    return abs(float(GEOD.geometry_area_perimeter(geom)[0]))


#: Label of the part of a disc in no zone.
_NOWHERE = "high seas or outside coverage"


def _disc_parts(
    prepared: PreparedZones, point: shapely.Point, radius_km: float
) -> tuple[dict[tuple[str, str], float], float]:
    """Area (m²) of the uncertainty disc in each (claimants, kind), and the disc's area.

    The disc is cut against the zone index's pieces (at most 256 vertices each),
    not the whole zones: a region-wide land multipolygon would make every
    intersection slow. Areas are geodesic (pyproj's ``Geod``). Discs that run
    past 180° are split, so both sides meet the zones there. What lies in no zone
    (high seas, or outside the coverage) is ``("", "high_seas")``.
    """
    disc = split_antimeridian(geodesic_circle(point.x, point.y, radius_km * 1000.0, n=64))
    total = _area_m2(disc)
    index, zones = prepared.index, prepared.sea
    hits = index.tree.query(disc, predicate="intersects")
    found: dict[tuple[str, str], float] = {}
    pieces = shapely.intersection(disc, index.pieces[hits])
    for piece, j in zip(pieces, index.piece_zone[hits], strict=True):
        if piece.is_empty:
            continue
        key = (str(zones["claimants"].iloc[j] or ""), str(zones["kind"].iloc[j]))
        found[key] = found.get(key, 0.0) + _area_m2(piece)
    rest = max(total - sum(found.values()), 0.0)
    if rest / total > 0.005:
        found[("", "high_seas")] = found.get(("", "high_seas"), 0.0) + rest
    return found, total


def _shares_text(parts: dict[tuple[str, str], float], total: float) -> str:
    """E.g. "JPN 0.62; RUS 0.38; JPN land 0.01": shares by claimant set, land apart."""
    by_label: dict[str, float] = {}
    for (claimants, kind), area in parts.items():
        label = claimants or (_NOWHERE if kind == "high_seas" else kind.replace("_", " "))
        if kind == "land":
            label = f"{label} land"
        by_label[label] = by_label.get(label, 0.0) + area
    ranked = sorted(by_label.items(), key=lambda kv: -kv[1])
    return "; ".join(f"{k} {v / total:.2f}" for k, v in ranked)


def _judge(
    prepared: PreparedZones,
    pts: np.ndarray,
    cols: dict[str, np.ndarray],
    unc_km: np.ndarray,
    edge_nm: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``certainty``, ``reaches_other_kind`` and ``claimant_shares``.

    Only discs that reach their zone's edge are cut against the zones. Land counts
    as its holder's: a disc in Japan's EEZ reaching Japan's coast stays certain.
    A point on an edge with no uncertainty (no disc) is borderline on both counts.
    """
    n = len(pts)
    certainty = np.where(np.isnan(edge_nm), "", "certain").astype(object)
    other_kind = np.zeros(n, dtype=bool)
    shares = np.full(n, "", dtype=object)
    reach = _reaches_edge(unc_km, edge_nm)
    for i in np.flatnonzero(reach):
        if not unc_km[i] > 0:
            certainty[i], other_kind[i] = "borderline", True
            continue
        parts, total = _disc_parts(prepared, pts[i], float(unc_km[i]))
        own = (str(cols["claimants"][i]), str(cols["zone_kind"][i]))
        if any(c != own[0] for c, _ in parts):
            certainty[i] = "borderline"
        other_kind[i] = any(k != own[1] for _, k in parts)
        shares[i] = _shares_text(parts, total)
    return certainty, other_kind, shares


def _statement_check(
    out: gpd.GeoDataFrame, prepared: PreparedZones, pts: np.ndarray, state: str
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
    area, edge = prepared.claimed_waters(state)
    inside = shapely.covers(area, pts[todo])
    d_m, _ = edge.distance_m(shapely.get_x(pts[todo]), shapely.get_y(pts[todo]))
    agree = inside == (said.to_numpy()[todo] == "inside")
    verdict = np.where(agree, "agree", "disagree").astype(object)
    verdict[_uncertainty_km(out.iloc[todo]) * 1000.0 >= d_m] = "borderline"
    check.iloc[todo] = verdict
    return check


def _overlay_values(
    prepared: PreparedZones, kind: str, column: str, pts: np.ndarray, rows: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(row, values)``: ``column`` of every ``kind`` overlay over each point in ``rows``."""
    if not len(rows):
        return
    values = prepared.overlays.loc[prepared.overlays["kind"] == kind, column].to_numpy()
    hits = prepared.overlay_hits(kind, shapely.get_x(pts[rows]), shapely.get_y(pts[rows]))
    for k, members in hits.items():
        yield rows[k], values[list(members)]


def _shelf_claimants(
    prepared: PreparedZones, pts: np.ndarray, cols: dict[str, np.ndarray]
) -> np.ndarray:
    """Return every state claiming the seabed at each point.

    That is the claimants of its 200 nm zones, plus those of any continental-shelf
    zone (extended shelf, claims) over the point.
    """
    seabed = np.isin(cols["zone_kind"], WATER_CLASSES)
    out = np.where(seabed, cols["claimants"], "").astype(object)
    at_sea = ~(shapely.is_missing(pts) | shapely.is_empty(pts)) & (cols["zone_kind"] != "land")
    rows = np.flatnonzero(at_sea)  # land has no seabed
    for i, claims in _overlay_values(prepared, "continental_shelf", "claimants", pts, rows):
        out[i] = join_claimants([out[i], *claims])
    return out


def _regimes(prepared: PreparedZones, pts: np.ndarray) -> np.ndarray:
    """Names of the joint and fishery regimes over each point, "; "-joined."""
    out = np.full(len(pts), "", dtype=object)
    rows = np.flatnonzero(~(shapely.is_missing(pts) | shapely.is_empty(pts)))
    for i, names in _overlay_values(prepared, "regime", "name", pts, rows):
        out[i] = "; ".join(sorted({str(n) for n in names}))
    return out


def _new_columns(
    incidents: gpd.GeoDataFrame, prepared: PreparedZones, *, statement_state: str
) -> dict[str, np.ndarray]:
    """Return the columns :func:`classify` adds to one in-memory frame (one chunk at most)."""
    pts, has = _points(incidents)
    # The coast distances need nothing else: they run beside the rest, whose
    # steps are partly single-threaded.
    with ThreadPoolExecutor(max_workers=1) as beside:
        coast = beside.submit(_coast_distance, prepared, pts, has)
        cols, covered, zone_row = _zone_of(prepared, pts, has)
        edge_nm = _edge_distance(prepared, pts, zone_row, covered)
        unc_km = _uncertainty_km(incidents)
        certainty, other_kind, shares = _judge(prepared, pts, cols, unc_km, edge_nm)
        shelf, regimes = _shelf_claimants(prepared, pts, cols), _regimes(prepared, pts)
        dashed = within_dashed_line(pts)
        coast_nm, coast_state = coast.result()
    kind = cols["zone_kind"].copy()
    kind[kind == ""] = pd.NA
    new = {
        "zone_kind": kind,
        "zone_name": cols["zone_name"],
        "zone_id": cols["zone_id"],
        "claimants": cols["claimants"],
        "disputed": np.char.find(cols["claimants"].astype(str), "/") >= 0,
        "sovereign": cols["sovereign"],
        "distance_to_coast_nm": coast_nm,
        "nearest_coast_state": coast_state,
        "distance_to_boundary_nm": edge_nm,
        "certainty": certainty,
        "reaches_other_kind": other_kind,
        "claimant_shares": shares,
        "shelf_claimants": shelf,
        "regimes": regimes,
        "within_dashed_line": dashed,
    }
    if "statement_eez" in incidents:
        said = incidents.assign(zone_kind=pd.Series(kind, index=incidents.index))
        new["statement_check"] = _statement_check(said, prepared, pts, statement_state).to_numpy()
    if (~has).any():
        log.warning("%d incidents have no position; their zone columns are empty", (~has).sum())
    return new


def _column(values: np.ndarray) -> np.ndarray | pd.Categorical:
    """Return a column of the answer: text (few distinct values) as a categorical.

    Categories are sorted; missing values (None, NA) stay missing.
    """
    if values.dtype != object:
        return values
    codes, uniques = pd.factorize(values)  # hashes the Python strings, no Arrow round trip
    order = np.argsort(uniques.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques[order], dtype="str"))


def _with_columns(incidents: gpd.GeoDataFrame, new: dict[str, np.ndarray]) -> gpd.GeoDataFrame:
    out = incidents.copy()
    for name, values in new.items():
        out[name] = _column(values)
    return out


def _classify_frame(
    incidents: gpd.GeoDataFrame,
    prepared: PreparedZones,
    *,
    statement_state: str,
    distances: bool = True,
) -> gpd.GeoDataFrame:
    """Classify one in-memory frame (at most one chunk) against a prepared zone set."""
    if not distances:
        pts, has = _points(incidents)
        return zone_columns(incidents, prepared, pts, has)
    return _with_columns(
        incidents, _new_columns(incidents, prepared, statement_state=statement_state)
    )


def _full_in_chunks(
    incidents: gpd.GeoDataFrame, prepared: PreparedZones, *, statement_state: str, progress: bool
) -> gpd.GeoDataFrame:
    """Classify chunk by chunk, and assemble the answer column by column.

    Numbers and flags are written into one array per column; text columns are
    kept per chunk as categoricals and joined one column at a time, so no copy
    of the whole answer is held twice.
    """
    size, n = settings.CLASSIFY_CHUNK_POINTS, len(incidents)
    arrays: dict[str, np.ndarray] = {}
    texts: dict[str, list[pd.Categorical]] = {}
    with Progress(n, desc="classify", unit="pt", enabled=progress) as report:
        for start in range(0, n, size):
            chunk = incidents.iloc[start : start + size]
            new = _new_columns(chunk, prepared, statement_state=statement_state)
            for name, values in new.items():
                if values.dtype == object:
                    texts.setdefault(name, []).append(_column(values))
                    continue
                if name not in arrays:
                    arrays[name] = np.empty(n, dtype=values.dtype)
                arrays[name][start : start + len(chunk)] = values
            report.update(len(chunk))
    out = incidents.copy()
    for name in new:  # in the order of the columns
        if name in arrays:
            out[name] = arrays.pop(name)
        else:
            joined = union_categoricals(texts.pop(name), sort_categories=True)
            out[name] = pd.Series(joined, index=out.index)
    out.attrs = dict(incidents.attrs)
    return out


def _classify_dask(
    incidents: Any, prepared: PreparedZones, *, statement_state: str, distances: bool
) -> Any:
    from .distributed import is_dask_frame, map_prepared, read_positions

    frame = incidents if is_dask_frame(incidents) else read_positions(incidents)
    if frame.crs is None:
        raise InputError("incidents have no CRS; set one, e.g. ddf.set_crs(4326)")
    return map_prepared(
        classify, frame, prepared, statement_state=statement_state, distances=distances
    )


def classify(
    incidents: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | PreparedZones | None = None,
    *,
    prepared: PreparedZones | None = None,
    statement_state: str = "JPN",
    distances: bool = True,
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
    zones : geopandas.GeoDataFrame or PreparedZones, optional
        A zone set from :func:`geo.load_zones` or :func:`geo.build_zones`; by
        default the bundled one. A frame is prepared for this call only: to
        classify several batches against one set, pass ``prepared=``.
    prepared : PreparedZones, optional
        The zone set with its index and coastlines, built once and reused
        (:class:`geo.PreparedZones`).
    statement_state : str, default "JPN"
        Whose EEZ a ``statement_eez`` column (``inside``/``outside``, as official
        statements say) is about.
    distances : bool, default True
        False: only the zone columns (:data:`ZONE_ONLY_COLUMNS`), with no distance,
        certainty or statement work: the fast mode for millions of positions.
    progress : bool, default False
        Show a progress bar over the chunks of a large input.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``incidents`` (same index and order) with the columns of
        :data:`OUTPUT_COLUMNS` (each described in this module's docstring), and
        ``statement_check`` when the input has a ``statement_eez`` column; with
        ``distances=False``, those of :data:`ZONE_ONLY_COLUMNS`.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(123.5, 25.9)], crs=4326)
    >>> row = classify(pts).iloc[0]
    >>> row.zone_kind, row.claimants, bool(row.disputed)
    ('territorial_sea', 'CHN/JPN/TWN', True)
    """
    ready = prepare(zones, prepared)
    if not isinstance(incidents, gpd.GeoDataFrame):
        from .distributed import is_dask_frame

        if is_dask_frame(incidents) or _is_parquet_source(incidents):
            return _classify_dask(
                incidents, ready, statement_state=statement_state, distances=distances
            )
        raise InputError("classify expects a GeoDataFrame of points (see geo.load_incidents)")
    _points(incidents.iloc[:0])  # CRS check before any work

    def run(chunk: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return _classify_frame(chunk, ready, statement_state=statement_state, distances=distances)

    # Bounded memory: the distance computations hold several arrays per point; the
    # zone-only columns are small, and larger chunks let the lookup use every core.
    size = settings.CLASSIFY_CHUNK_POINTS if distances else settings.ZONE_ONLY_CHUNK_POINTS
    if len(incidents) > size:
        if distances:
            return _full_in_chunks(incidents, ready, statement_state=statement_state,
                                   progress=progress)  # fmt: skip
        return _in_chunks(incidents, run, size=size, progress=progress)
    return run(incidents)
