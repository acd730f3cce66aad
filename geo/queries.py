"""One-line answers to the questions analysts ask in notebooks.

Queries consume what the earlier stages returned: classified incidents (from
:func:`geo.classify`) and zone sets (from :func:`geo.load_zones` or
:func:`geo.build_zones`). They never classify or build a zone set themselves;
given raw incidents where classified ones are needed, they raise
:class:`~geo.errors.InputError`. Each returns a GeoDataFrame or a tidy DataFrame;
the input is never modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .classify import require_classified
from .coast import Coastline
from .errors import InputError
from .gazetteer import default_gazetteer
from .geodesy import GEOD, m_to_nm
from .prepared import PreparedZones, prepare
from .zones.schema import WATER_CLASSES

__all__ = ["near", "summary", "summary_chart", "within_eez", "zones_at"]


def within_eez(
    classified: gpd.GeoDataFrame,
    state: str,
    *,
    by: Literal["claimants", "sovereign"] = "claimants",
) -> gpd.GeoDataFrame:
    """Return the incidents inside a state's waters (territorial sea to 200 nm).

    Parameters
    ----------
    classified : geopandas.GeoDataFrame
        Output of :func:`geo.classify`.
    state : str
        ISO3 code, e.g. ``"JPN"``.
    by : {"claimants", "sovereign"}, default "claimants"
        ``"claimants"``: waters ``state`` claims, disputed ones included ("inside
        Japan's EEZ as Japan claims it"). ``"sovereign"``: only the waters ``state``
        holds in the zone set's scenario; for a what-if, build the scenario with
        :func:`geo.build_zones` (``claims=``), classify against it, then ask here.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows, unchanged.

    Raises
    ------
    geo.errors.InputError
        When ``classified`` lacks the columns of :func:`geo.classify`.

    Examples
    --------
    >>> import geo
    >>> incidents = geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv"))
    >>> classified = geo.classify(incidents)
    >>> len(within_eez(classified, "JPN")) > len(within_eez(classified, "RUS"))
    True
    """
    out = require_classified(classified, caller="within_eez")
    waters = out["zone_kind"].isin(WATER_CLASSES).fillna(False).astype(bool)
    if by == "sovereign":
        return out[waters & (out["sovereign"] == state)]
    if by != "claimants":
        raise InputError(f"within_eez: by must be 'claimants' or 'sovereign', not {by!r}")
    mine = out["claimants"].fillna("").str.split("/").map(lambda c: state in c)
    return out[waters & mine]


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


def _distance_to_m(target: shapely.Geometry, pts: np.ndarray) -> np.ndarray:
    """Geodesic distance (m) from points to a point, a line or an area (0 inside)."""
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    if target.geom_type == "Point":
        _, _, d_m = GEOD.inv(np.full(len(x), target.x), np.full(len(x), target.y), x, y)
        return np.asarray(d_m)
    d_m, _ = Coastline.from_geometries([target]).distance_m(x, y)
    if target.geom_type in ("Polygon", "MultiPolygon"):
        d_m = np.where(shapely.covers(target, pts), 0.0, d_m)
    return d_m


def near(
    incidents: gpd.GeoDataFrame,
    feature_or_zone: str | shapely.Geometry,
    *,
    distance_nm: float,
    zones: gpd.GeoDataFrame | None = None,
    prepared: PreparedZones | None = None,
) -> gpd.GeoDataFrame:
    """Return the incidents within a geodesic distance of a feature or zone.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points, classified or not.
    feature_or_zone : str or shapely geometry
        A zone id or name (``"jpn-eez"``), a dispute group (``"senkaku"``: its land),
        a gazetteer landmark (``"Okushiri Island"``) or a geometry in lon/lat
        (point, line or polygon).
    distance_nm : float
        Nautical miles.
    zones : geopandas.GeoDataFrame, optional
        Zone set for zone ids and groups; by default the bundled one.
    prepared : PreparedZones, optional
        The same, prepared.

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
    target = _target_geometry(feature_or_zone, prepare(zones, prepared).zones)
    pts = np.asarray(incidents.geometry.to_crs(4326).values, dtype=object)
    out = incidents.assign(distance_nm=m_to_nm(_distance_to_m(target, pts)))
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
    require_classified(classified, caller="summary")
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


def zones_at(
    lat: float,
    lon: float,
    *,
    zones: gpd.GeoDataFrame | None = None,
    prepared: PreparedZones | None = None,
) -> gpd.GeoDataFrame:
    """Return every zone that contains a point (all layers, innermost first).

    Examples
    --------
    >>> zones_at(25.80, 123.50)[["kind", "claimants"]].values.tolist()
    [['territorial_sea', 'CHN/JPN/TWN']]
    """
    return prepare(zones, prepared).zones_at(lon, lat)
