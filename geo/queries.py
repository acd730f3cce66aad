"""One-line answers to the questions analysts ask in notebooks.

Queries consume what the earlier stages returned: classified incidents (from
:func:`geo.classify`) and zone sets (from :func:`geo.load_zones` or
:func:`geo.build_zones`). They never classify or build a zone set themselves;
given raw incidents where classified ones are needed, they raise
:class:`~geo.errors.InputError`. Each returns a GeoDataFrame or a tidy DataFrame;
the input is never modified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .classify import require_classified
from .coast import Coastline
from .errors import InputError
from .gazetteer import default_gazetteer, landmark_key
from .geodesy import GEOD, m_to_nm
from .prepared import PreparedZones, prepare
from .zones.land import bundled_features
from .zones.schema import WATER_CLASSES, resolve_state

__all__ = ["near", "summary", "summary_chart", "within_eez", "zones_at"]


def within_eez(
    classified: gpd.GeoDataFrame,
    state: str,
    *,
    by: Literal["claimants", "sovereign"] = "claimants",
    kinds: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the incidents inside a state's waters, out to its EEZ's outer limit.

    "Inside Japan's EEZ" in official statements means the waters Japan claims out
    to 200 nm: its internal waters, territorial sea, contiguous zone and EEZ
    (:data:`geo.zones.schema.WATER_CLASSES`), not the EEZ band alone. ``kinds``
    narrows that.

    Parameters
    ----------
    classified : geopandas.GeoDataFrame
        Output of :func:`geo.classify`.
    state : str
        ISO3 code in any case (``"JPN"``, ``"jpn"``) or English name (``"Japan"``).
    by : {"claimants", "sovereign"}, default "claimants"
        ``"claimants"``: waters ``state`` claims, disputed ones included ("inside
        Japan's EEZ as Japan claims it"). ``"sovereign"``: only the waters ``state``
        holds in the zone set's scenario; for a what-if, build the scenario with
        :func:`geo.build_zones` (``claims=``), classify against it, then ask here.
    kinds : sequence of str, optional
        Only these zone kinds, e.g. ``["eez"]`` for the band beyond the contiguous
        zone; by default every kind of :data:`~geo.zones.schema.WATER_CLASSES`.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows, unchanged.

    Raises
    ------
    geo.errors.InputError
        When ``classified`` lacks the columns of :func:`geo.classify`, ``state`` is
        not a known state (the message lists the codes), or ``kinds`` names a kind
        that is not water a state claims.

    Examples
    --------
    >>> import geo
    >>> incidents = geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv"))
    >>> classified = geo.classify(incidents)
    >>> len(within_eez(classified, "JPN")) > len(within_eez(classified, "RUS"))
    True
    """
    out = require_classified(classified, caller="within_eez")
    state = resolve_state(state, known=_codes_in(out), parameter="within_eez")
    waters = out["zone_kind"].isin(_water_kinds(kinds)).fillna(False).astype(bool)
    if by == "sovereign":
        return out[waters & (out["sovereign"] == state)]
    if by != "claimants":
        raise InputError(f"within_eez: by must be 'claimants' or 'sovereign', not {by!r}")
    mine = out["claimants"].fillna("").str.split("/").map(lambda c: state in c)
    return out[waters & mine]


def _codes_in(classified: pd.DataFrame) -> set[str]:
    """Return the ISO3 codes that occur in classified rows (claimants and holders)."""
    claim = classified["claimants"].fillna("").astype(str).str.split("/").explode()
    return {c for c in set(claim) | set(classified["sovereign"].fillna("")) if c}


def _water_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return WATER_CLASSES
    chosen = [kinds] if isinstance(kinds, str) else list(kinds)
    wrong = [k for k in chosen if k not in WATER_CLASSES]
    if wrong or not chosen:
        raise InputError(f"within_eez: kinds must be among {list(WATER_CLASSES)}, got {chosen!r}")
    return tuple(chosen)


@lru_cache(maxsize=1)
def _group_names() -> tuple[tuple[str, str], ...]:
    """Return the (group id, group name) pairs of the bundled feature tables, read once."""
    features = bundled_features()
    names = features.get("group_name", features["group"])
    return tuple(dict.fromkeys(zip(features["group"], map(str, names), strict=True)))


def _group_keys(zones: gpd.GeoDataFrame) -> dict[str, str]:
    """Lookup keys of the zone set's dispute groups: id, name and each part of the name.

    "Senkaku Islands (Diaoyu Dao)" is found as "senkaku", "Senkaku Islands" and
    "Diaoyu Dao"; "Takeshima / Dokdo" as "Takeshima" and "Dokdo".
    """
    groups = {str(z).rsplit("-", 1)[0] for z in zones.loc[zones["kind"] == "land", "zone_id"]}
    keys: dict[str, str] = {}
    for group, name in _group_names():
        if group not in groups:
            continue
        for text in [group, name, *re.split(r"[()/]", str(name))]:
            if landmark_key(text):
                keys.setdefault(landmark_key(text), group)
    for group in groups:
        keys.setdefault(landmark_key(group), group)
    return keys


def _group_land(zones: gpd.GeoDataFrame, group: str) -> shapely.Geometry | None:
    land = zones[zones["zone_id"].str.startswith(f"{group}-") & (zones["kind"] == "land")]
    return shapely.union_all(land.geometry.values) if len(land) else None


def _target_geometry(target: Any, zones: gpd.GeoDataFrame) -> shapely.Geometry:
    """Resolve ``near()``'s target: a geometry, zone, dispute group or landmark."""
    if isinstance(target, shapely.Geometry):
        return target
    if not isinstance(target, str):
        raise InputError(
            f"near() takes a zone id, dispute group, landmark or geometry; got {target!r}"
        )
    hit = zones[(zones["zone_id"] == target) | (zones["name"].str.casefold() == target.casefold())]
    if len(hit):
        return shapely.union_all(hit.geometry.values)
    group = _group_keys(zones).get(landmark_key(target))
    land = _group_land(zones, group) if group else None
    if land is not None:
        return land
    try:
        mark = default_gazetteer().lookup(target)
    except KeyError as exc:
        raise InputError(f"near(): {exc.args[0]} (nor a zone id or dispute group)") from exc
    linked = str(mark.get("group", "") or "")
    land = _group_land(zones, linked) if linked else None
    if land is not None:
        return land
    return shapely.Point(float(mark["lon"]), float(mark["lat"]))


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
        if frame[c].dtype == object or isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(object).fillna("").replace("", "-")
    return frame.groupby(list(by), dropna=False).size().rename("incidents").reset_index()


def _stack_colors(labels: Sequence[object]) -> list[str] | None:
    """Return the map's colours for claimant stacks: a state's own, grey for shared or none."""
    from .maps.style import OTHER_COLOR, STATE_COLORS

    texts = [str(x) for x in labels]
    if not any(t in STATE_COLORS for t in texts):
        return None
    return [STATE_COLORS.get(t, OTHER_COLOR if "/" in t else "#d9d9d9") for t in texts]


def summary_chart(table: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw a :func:`summary` table as stacked bars (needs matplotlib).

    The first ``by`` column is the x axis, the second (if any) the stacks. Counts
    are whole numbers on the axis; stacks of claimants take the map's state colours
    (grey for waters several states claim, light grey for none).
    Returns the matplotlib Axes.
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ModuleNotFoundError as exc:
        raise InputError("summary_chart needs matplotlib: pip install matplotlib") from exc
    keys = [c for c in table.columns if c != "incidents"]
    wide = table.pivot_table(
        index=keys[0], columns=keys[1] if len(keys) > 1 else None, values="incidents",
        aggfunc="sum", fill_value=0,
    )  # fmt: skip
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    colors = _stack_colors(wide.columns) if len(keys) > 1 else None
    wide.plot(kind="bar", stacked=True, ax=ax, color=colors)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
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
