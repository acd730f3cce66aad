"""One-line answers to the questions analysts ask in notebooks.

Each function takes incidents (classified or not) and returns a GeoDataFrame,
a named Series or a tidy DataFrame; the input is never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .classify import OUTPUT_COLUMNS, classify
from .coast import Coastline
from .errors import InputError
from .gazetteer import default_gazetteer
from .geodesy import GEOD, m_to_nm
from .zones.load import load_zones

__all__ = ["near", "summary", "summary_chart", "within_eez", "zones_at"]

_WATERS = ("internal_waters", "archipelagic_waters", "territorial_sea", "contiguous_zone", "eez")


def _classified(incidents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if set(OUTPUT_COLUMNS) <= set(incidents.columns) and zones is None:
        return incidents
    return classify(incidents, zones)


def within_eez(
    incidents: gpd.GeoDataFrame,
    state: str,
    *,
    zones: gpd.GeoDataFrame | None = None,
    claims: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the incidents inside the waters a state claims (territorial sea to 200 nm).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents, classified or not.
    state : str
        ISO3 code, e.g. ``"JPN"``.
    zones : geopandas.GeoDataFrame, optional
        Zone set; by default the bundled one (or one built for ``claims``).
    claims : mapping, optional
        A scenario for :func:`geo.build_zones`, e.g. ``{"senkaku": "CHN"}``; then
        only the waters ``state`` holds in that scenario count.

    Examples
    --------
    >>> import geo
    >>> incidents = geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv"))
    >>> len(within_eez(incidents, "JPN")) > len(within_eez(incidents, "RUS"))
    True
    """
    if claims is not None:
        from .zones.builder import build

        zones = build(claims=claims) if zones is None else zones
        out = classify(incidents, zones)
        return out[out["zone_kind"].isin(_WATERS) & (out["sovereign"] == state)]
    out = _classified(incidents, zones)
    mine = out["claimants"].fillna("").str.split("/").map(lambda c: state in c)
    return out[out["zone_kind"].isin(_WATERS) & mine]


def _target_geometry(target: Any, zones: gpd.GeoDataFrame) -> shapely.Geometry:
    if isinstance(target, shapely.Geometry):
        return target
    if isinstance(target, str):
        hit = zones[(zones["zone_id"] == target) | (zones["name"] == target)]
        if len(hit):
            return shapely.union_all(hit.geometry.values)
        group = zones[zones["zone_id"].str.startswith(f"{target}-") & (zones["kind"] == "land")]
        if len(group):
            return shapely.union_all(group.geometry.values)
        mark = default_gazetteer().lookup(target)  # raises KeyError with close names
        return shapely.Point(float(mark["lon"]), float(mark["lat"]))
    raise InputError(f"near() takes a zone id, dispute group, landmark or geometry; got {target!r}")


def near(
    incidents: gpd.GeoDataFrame,
    feature_or_zone: str | shapely.Geometry,
    *,
    distance_nm: float,
    zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return the incidents within a geodesic distance of a feature or zone.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents.
    feature_or_zone : str or shapely geometry
        A zone id or name (``"jpn-eez"``), a dispute group (``"senkaku"``: its land),
        a gazetteer landmark (``"Okushiri Island"``) or a geometry in lon/lat.
    distance_nm : float
        Nautical miles.
    zones : geopandas.GeoDataFrame, optional
        Zone set for zone ids and groups; by default the bundled one.

    Returns
    -------
    geopandas.GeoDataFrame
        The incidents within the distance, with a ``distance_nm`` column (0 inside
        a polygon), nearest first.

    Examples
    --------
    >>> import geo
    >>> incidents = geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv"))
    >>> bool((near(incidents, "senkaku", distance_nm=24)["distance_nm"] <= 24).all())
    True
    """
    zones = load_zones() if zones is None else zones
    target = _target_geometry(feature_or_zone, zones)
    pts = incidents.geometry.to_crs(4326).values
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    if target.geom_type == "Point":
        _, _, d_m = GEOD.inv(np.full(len(x), target.x), np.full(len(x), target.y), x, y)
    else:
        frame = gpd.GeoDataFrame({"sovereign": [""]}, geometry=[target], crs=4326)
        if target.geom_type in ("Polygon", "MultiPolygon"):
            d_m, _ = Coastline(frame, rings="all").distance_m(x, y)
            d_m = np.where(shapely.covers(target, pts), 0.0, d_m)
        else:
            lines = gpd.GeoDataFrame({"sovereign": [""]}, geometry=[target.buffer(1e-9)], crs=4326)
            d_m, _ = Coastline(lines, rings="all").distance_m(x, y)
    out = incidents.assign(distance_nm=m_to_nm(np.asarray(d_m)))
    return out[out["distance_nm"] <= distance_nm].sort_values("distance_nm")


def summary(
    classified: gpd.GeoDataFrame, *, by: Sequence[str] = ("year", "claimants")
) -> pd.DataFrame:
    """Count incidents by year, kind, zone kind, claimants (any columns).

    Parameters
    ----------
    classified : geopandas.GeoDataFrame
        Output of :func:`geo.classify` (``year`` is taken from ``date``).
    by : sequence of str
        Columns to group by.

    Returns
    -------
    pandas.DataFrame
        Tidy: the ``by`` columns and ``incidents``.

    Examples
    --------
    >>> import geo
    >>> incidents = geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv"))
    >>> table = summary(geo.classify(incidents), by=("kind",))
    >>> int(table["incidents"].sum()) == len(incidents)
    True
    """
    frame = pd.DataFrame(classified.drop(columns=classified.geometry.name))
    if "year" in by and "year" not in frame:
        frame["year"] = pd.to_datetime(frame["date"]).dt.year
    missing = [c for c in by if c not in frame]
    if missing:
        raise InputError(f"summary: no columns {missing}; columns: {list(frame.columns)}")
    for c in by:
        if frame[c].dtype == object:
            frame[c] = frame[c].fillna("").replace("", "-")
    return frame.groupby(list(by), dropna=False).size().rename("incidents").reset_index()


def summary_chart(table: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw a :func:`summary` table as stacked bars (needs matplotlib).

    The first ``by`` column is the x axis, the second (if any) the stacks.
    Returns the matplotlib Axes.
    """
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as exc:
        raise InputError("summary_chart needs matplotlib: pip install matplotlib") from exc
    keys = [c for c in table.columns if c != "incidents"]
    wide = table.pivot_table(
        index=keys[0], columns=keys[1] if len(keys) > 1 else None, values="incidents",
        aggfunc="sum", fill_value=0,
    )  # fmt: skip
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    wide.plot(kind="bar", stacked=True, ax=ax)
    ax.set_ylabel("incidents")
    return ax


def zones_at(lat: float, lon: float, *, zones: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return every zone that contains a point (all layers, innermost first).

    Examples
    --------
    >>> zones_at(25.80, 123.50)[["kind", "claimants"]].values.tolist()
    [['territorial_sea', 'CHN/JPN/TWN']]
    """
    from .zones.schema import KIND_PRIORITY

    zones = load_zones() if zones is None else zones
    hit = zones[zones.geometry.covers(shapely.Point(lon, lat))]
    return hit.iloc[np.argsort(hit["kind"].map(KIND_PRIORITY).to_numpy(), kind="stable")]
