"""Boundary lines as data: zone limits, median lines, and the legal lines in ``data/lines``.

:func:`boundary_lines` returns one GeoDataFrame of every line that bounds or
divides the zones of a zone set, for maps and notebooks:

* computed from the zone set itself: the outer limits of each group's territorial
  sea, contiguous zone and EEZ (``basis`` "computed"), and the lines where two
  groups' waters meet (``median_line``; with the bundled set these are spherical
  median lines from the builder);
* published lines transcribed into ``data/lines/`` (agreed boundaries, joint
  development zones, baselines, ...), each with its source, listed in
  ``data/lines/lines.csv``.

A *group* is what generates zones: a state, or a disputed feature such as the
Senkaku islands. Its zone ids share a prefix (``senkaku-eez``,
``senkaku-territorial-sea``); zones whose ids do not follow that form are a
group each.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import shapely

from . import settings
from .prepared import PreparedZones, prepare
from .zones.published import LINE_COLUMNS, read_lines

__all__ = ["LINE_COLUMNS", "LINE_KINDS", "boundary_lines", "read_lines"]

log = logging.getLogger(__name__)

#: Kinds of line.
LINE_KINDS: tuple[str, ...] = (
    "baseline",
    "territorial_sea_limit",
    "contiguous_zone_limit",
    "eez_limit",
    "median_line",
    "agreed_boundary",
    "shelf_limit",
    "regime_limit",
    "specified_area_limit",
    "claim_line",
)

#: Zone kinds whose outer edge is a limit line, with the kinds inside them.
_LIMITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("territorial_sea_limit", ("land", "internal_waters", "territorial_sea")),
    ("contiguous_zone_limit", ("land", "internal_waters", "territorial_sea", "contiguous_zone")),
    (
        "eez_limit",
        ("land", "internal_waters", "territorial_sea", "contiguous_zone", "eez"),
    ),
)

#: Two edges closer than this are the same line (degrees; about 0.1 m): a
#: topological tolerance for shared edges, not a distance.
_SNAP_DEG = 1e-6


def _groups(sea: gpd.GeoDataFrame) -> pd.Series:
    """Group of each zone: its id without the ``-<kind>`` suffix (else the id itself)."""
    suffix = "-" + sea["kind"].str.replace("_", "-")
    ids = sea["zone_id"].astype(str)
    has = pd.Series([i.endswith(s) for i, s in zip(ids, suffix, strict=True)], index=sea.index)
    stripped = pd.Series([i[: -len(s)] for i, s in zip(ids, suffix, strict=True)], index=sea.index)
    return stripped.where(has, ids)


def _lines_only(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the linear parts of a geometry, merged."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("LineString", "LinearRing")]
    if not parts:
        return shapely.MultiLineString()
    merged = shapely.line_merge(shapely.multilinestrings(parts))
    return shapely.remove_repeated_points(merged, tolerance=_SNAP_DEG * 10)


def _group_areas(sea: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict[str, shapely.Geometry]]:
    """Each group's states and the union of its waters (land borders are not sea lines).

    ``sea`` carries each zone's ``group`` (:func:`_groups`).
    """
    sea = sea[sea["kind"] != "land"]
    areas = {g: shapely.union_all(part.geometry.values) for g, part in sea.groupby("group")}
    info = sea.groupby("group").agg(claimants=("claimants", "first"), name=("name", "first"))
    return info, areas


def _closed(area: shapely.Geometry) -> shapely.Geometry:
    """Return ``area`` without slivers where its zones meet.

    A morphological closing by :data:`_SNAP_DEG`: a topological tolerance, not a distance.
    """
    grown = shapely.buffer(area, _SNAP_DEG, quad_segs=1, join_style="mitre")
    return shapely.buffer(grown, -_SNAP_DEG, quad_segs=1, join_style="mitre")


def _median_lines(info: pd.DataFrame, areas: dict[str, shapely.Geometry]) -> list[dict]:
    """Lines where two groups' waters meet."""
    names = list(areas)
    bounds = {g: shapely.boundary(a) for g, a in areas.items()}
    tree = shapely.STRtree([areas[g] for g in names])
    rows = []
    for i, j in zip(*tree.query([areas[g] for g in names], predicate="intersects"), strict=True):
        if i >= j:
            continue
        a, b = names[i], names[j]
        shared = _lines_only(shapely.intersection(bounds[a], shapely.buffer(bounds[b], _SNAP_DEG)))
        if shared.is_empty:
            continue
        states = "/".join(sorted({*info.loc[a, "claimants"].split("/"),
                                  *info.loc[b, "claimants"].split("/")} - {""}))  # fmt: skip
        rows.append({"kind": "median_line", "basis": "computed", "states": states,
                     "name": f"{a} / {b}", "geometry": shared})  # fmt: skip
    return rows


def _limit_lines(
    sea: gpd.GeoDataFrame, info: pd.DataFrame, medians: list[dict], cover: object
) -> list[dict]:
    """Outer limits of each group's territorial sea, contiguous zone and EEZ.

    A limit is the edge of the group's waters out to that zone, less the stretches
    where it meets another group's waters (median lines) and the coverage's edge.
    ``sea`` carries each zone's ``group`` (:func:`_groups`).
    """
    edge = shapely.boundary(cover)
    rows = []
    for group, part in sea.groupby("group"):
        shared = [m["geometry"] for m in medians if group in m["name"].split(" / ")]
        elsewhere = shapely.buffer(shapely.union_all([*shared, edge]), _SNAP_DEG)
        for kind, inner in _LIMITS:
            if not part["kind"].isin(inner[1:]).any():
                continue
            area = _closed(shapely.union_all(part[part["kind"].isin(inner)].geometry.values))
            line = _lines_only(shapely.difference(shapely.boundary(area), elsewhere))
            if not line.is_empty:
                rows.append({"kind": kind, "basis": "computed",
                             "states": info.loc[group, "claimants"], "name": f"{group} {kind}",
                             "geometry": line})  # fmt: skip
    return rows


def _computed(prepared: PreparedZones) -> gpd.GeoDataFrame:
    sea = prepared.sea.assign(group=_groups(prepared.sea))  # overlays are not in .sea
    info, areas = _group_areas(sea)
    medians = _median_lines(info, areas)
    rows = medians + _limit_lines(sea, info, medians, prepared.coverage)
    source = "computed from the zone set (geo.boundary_lines)"
    frame = gpd.GeoDataFrame(rows, columns=list(LINE_COLUMNS), crs=settings.DEFAULT_CRS)
    frame["source"] = source
    return frame


def boundary_lines(
    zones: gpd.GeoDataFrame | None = None,
    *,
    prepared: PreparedZones | None = None,
    published: bool = True,
) -> gpd.GeoDataFrame:
    """Return every boundary line of a zone set, with what kind of line it is and why.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame, optional
        A zone set; by default the bundled one.
    prepared : PreparedZones, optional
        The same, prepared (the computed lines are kept in it).
    published : bool, default True
        Add the published lines of ``data/lines`` (:func:`read_lines`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``kind`` (one of :data:`LINE_KINDS`), ``basis`` (``computed``,
        ``agreed``, ``claimed``, ``recommended``), ``states`` (ISO3, "/"-joined),
        ``name``, ``source`` and the line geometry, in EPSG:4326.

    Examples
    --------
    >>> lines = boundary_lines()
    >>> bool((lines["kind"] == "median_line").any())
    True
    >>> "JPN/RUS" in set(lines.loc[lines["kind"] == "median_line", "states"])
    True
    """
    ready = prepare(zones, prepared)
    computed = ready.derived("boundary_lines", lambda: _computed(ready))
    parts = [computed, read_lines()] if published else [computed]
    parts = [p for p in parts if len(p)]
    if not parts:
        return computed.copy()
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=settings.DEFAULT_CRS)
    return out[list(LINE_COLUMNS)]
