"""The incident layer: one columnar JSON table, drawn by ``flashpoints.js``.

Incidents are not folium markers (one JavaScript object and popup per row would
make 100,000 incidents a file of hundreds of megabytes). Instead, the rows travel
as one table: coordinates rounded, repeated values (kinds, zones, claimants)
dictionary-encoded, dates as day numbers. The browser draws them on Leaflet's
canvas and builds each popup when it is opened, as text nodes, so nothing users
wrote is ever parsed as HTML. Each text cell is cut to
:data:`geo.settings.MAP_TEXT_MAX_CHARS` characters (the frame keeps it whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..antimeridian import continuous_longitudes
from ..geodesy import GEOD, geodesic_circle
from ..zones.schema import STATE_NAMES
from .columns import coordinates, numbers, text, text_column
from .elements import Snippet
from .escape import script_json
from .style import CERTAINTY_COLORS, INCIDENT_SHAPES, SHAPE_POINTS

__all__ = ["incident_layer", "incident_table"]


def _get(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index)


def _numeric(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(_get(frame, name), errors="coerce")


def _fields(pts: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Popup rows, in order: each a label and how its text is found for an incident.

    ``{"computed": name}``: the browser builds the text (the position from the
    coordinates, the date from the day, the uncertainty from ``uncertainty_m``);
    ``{"number": ..., "unit": "nm"}``: a distance in nautical miles, shown as
    "12.3 nm (22.8 km)" (followed by ``suffix``, a text column, when given); else a
    text column (:func:`.columns.text_column`). Rows empty for every incident are
    left out.
    """
    zone = [
        z or k.replace("_", " ")
        for z, k in zip(text(_get(pts, "zone_name")), text(_get(pts, "zone_kind")), strict=True)
    ]
    shares = text(_get(pts, "claimant_shares"))
    kind_unsure = _get(pts, "reaches_other_kind").astype("boolean").fillna(False).to_numpy(bool)
    certainty = [
        (f"{c} ({s})" if s else c) + ("; reaches another zone kind" if k and c else "")
        for c, s, k in zip(text(_get(pts, "certainty")), shares, kind_unsure, strict=True)
    ]
    said = text(_get(pts, "statement_eez"))
    statement = [
        (f"{s} the EEZ" + (f" ({c})" if c else "")) if s else ""
        for s, c in zip(said, text(_get(pts, "statement_check")), strict=True)
    ]
    held = [STATE_NAMES.get(s, s) for s in text(_get(pts, "sovereign"))]
    coast_state = [
        f", {STATE_NAMES.get(s, s)}" if s else "" for s in text(_get(pts, "nearest_coast_state"))
    ]
    rows: list[tuple[str, dict[str, Any]]] = [
        ("Date", {"computed": "date"}),
        ("Kind", text_column(_get(pts, "kind"))),
        ("Missile type", text_column(_get(pts, "missile_type"))),
        ("Vessel type", text_column(_get(pts, "vessel_type"))),
        ("Position", {"computed": "position"}),  # decimal and DMS, from lat/lon
        ("Reported as", text_column(_get(pts, "position_text"))),
        ("Uncertainty", {"computed": "uncertainty"}),
        ("Zone", text_column(zone)),
        ("Zone kind", text_column([k.replace("_", " ") for k in text(_get(pts, "zone_kind"))])),
        ("Held by", text_column(held)),
        ("Claimants", text_column(_get(pts, "claimants"))),
        ("Seabed claimed by", text_column(_get(pts, "shelf_claimants"))),
        ("Regimes", text_column(_get(pts, "regimes"))),
        ("Distance to coast", _distance(_numeric(pts, "distance_to_coast_nm"), coast_state)),
        ("Distance to zone edge", _distance(_numeric(pts, "distance_to_boundary_nm"))),
        ("Certainty", text_column(certainty)),
        ("Statement", text_column(statement)),
        ("Quote", text_column(_get(pts, "source_quote"))),
        ("Launched from", text_column(_get(pts, "origin_text"))),
        ("Removed", text_column(_get(pts, "removed"))),  # a buoy's removal date, when known
    ]
    return [{"label": label} | spec for label, spec in rows if not _empty(spec)]


def _distance(nm: pd.Series, suffix: list[str] | None = None) -> dict[str, Any]:
    if not nm.notna().any():
        return {"k": ""}
    spec: dict[str, Any] = {"number": numbers(nm), "unit": "nm"}
    if suffix is not None and any(suffix):
        spec["suffix"] = text_column(suffix)
    return spec


def _empty(spec: dict[str, Any]) -> bool:
    """Tell whether ``spec`` is a text column that is "" for every incident."""
    return spec.get("k") == ""


def _trajectories(pts: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Geodesic arcs from each incident's origin (``origin_lat``/``origin_lon``) to it."""
    if not {"origin_lat", "origin_lon"} <= set(pts.columns):
        return []
    out = []
    digits = settings.MAP_COORD_DECIMALS
    o_lat = pd.to_numeric(pts["origin_lat"], errors="coerce").to_numpy()
    o_lon = pd.to_numeric(pts["origin_lon"], errors="coerce").to_numpy()
    for i in np.flatnonzero(np.isfinite(o_lat) & np.isfinite(o_lon)):
        lon2, lat2 = float(pts.geometry.iloc[i].x), float(pts.geometry.iloc[i].y)
        _, _, dist = GEOD.inv(o_lon[i], o_lat[i], lon2, lat2)
        n = int(min(max(dist / 20_000.0, 2), 200))
        mid = np.array(GEOD.npts(o_lon[i], o_lat[i], lon2, lat2, n)).reshape(-1, 2)
        lons = np.concatenate([[o_lon[i]], mid[:, 0], [lon2]])
        lats = np.concatenate([[o_lat[i]], mid[:, 1], [lat2]])
        lons = continuous_longitudes(lons, near=lon2)
        path = np.column_stack([lats, lons]).round(digits).tolist()
        out.append({"i": int(i), "path": path})
    return out


def _rings(pts: gpd.GeoDataFrame, radii_km: Sequence[float]) -> list[dict[str, Any]]:
    """Geodesic range rings around each distinct origin."""
    if not radii_km or not {"origin_lat", "origin_lon"} <= set(pts.columns):
        return []
    origins = pd.DataFrame(
        {
            "lat": pd.to_numeric(pts["origin_lat"], errors="coerce").round(3),
            "lon": pd.to_numeric(pts["origin_lon"], errors="coerce").round(3),
            "name": text(_get(pts, "origin_text")),
        }
    ).dropna(subset=["lat", "lon"])
    out = []
    for (lat, lon), group in origins.groupby(["lat", "lon"]):
        name = group["name"].iloc[0] or f"{lat}, {lon}"
        for r in radii_km:
            ring = np.asarray(geodesic_circle(lon, lat, float(r) * 1000.0, n=180).exterior.coords)
            path = np.column_stack([ring[:, 1], ring[:, 0]]).round(3).tolist()
            out.append({"label": f"{r:,g} km from {name}", "path": path})
    return out


def incident_table(
    pts: gpd.GeoDataFrame,
    *,
    show_uncertainty: bool | None = None,
    timeline: bool = True,
    range_rings_km: Sequence[float] = (),
) -> dict[str, Any]:
    """Return the JSON-ready table that ``Flashpoints.addIncidents`` draws.

    Parameters
    ----------
    pts : geopandas.GeoDataFrame
        Classified incidents in EPSG:4326 with point geometry (rows without one
        are left out).
    show_uncertainty : bool, optional
        Draw uncertainty circles when the map opens; by default only when there
        are at most :data:`geo.settings.MAP_UNCERTAINTY_MAX` incidents (they can
        still be switched on in the layer control).
    timeline : bool, default True
        Add the timeline control (when any incident has a date).
    range_rings_km : sequence of float
        Radii of range rings drawn around each origin.

    Returns
    -------
    dict
    """
    has = ~(pts.geometry.isna() | pts.geometry.is_empty)
    pts = pts[has.to_numpy()]
    digits = settings.MAP_COORD_DECIMALS
    # ISO 8601 only: text such as 07/12/2023 is ambiguous (the loader reads those).
    dates = pd.to_datetime(_get(pts, "date"), errors="coerce", utc=True, format="ISO8601")
    day = (dates - pd.Timestamp("1970-01-01", tz="UTC")).dt.days
    unc_m = (_numeric(pts, "uncertainty_km").fillna(0.0).clip(lower=0.0) * 1000.0).round()
    kinds = [k or "other" for k in text(_get(pts, "kind"))]
    if show_uncertainty is None:
        show_uncertainty = len(pts) <= settings.MAP_UNCERTAINTY_MAX
    table: dict[str, Any] = {
        "n": len(pts),
        "lat": coordinates(pts.geometry.y.to_numpy(), decimals=digits),
        "lon": coordinates(pts.geometry.x.to_numpy(), decimals=digits),
        "kind": text_column(kinds),
        "zone_kind": text_column(_get(pts, "zone_kind")),
        "day": numbers(day, integer=True) if day.notna().any() else None,
        "uncertainty_m": numbers(unc_m, integer=True) if (unc_m > 0).any() else None,
        "title": text_column(_get(pts, "title")),
        "description": text_column(_get(pts, "description")),
        "source": text_column(_get(pts, "source")),
        "fields": _fields(pts),
        "color_key": text_column(_get(pts, "certainty")),
        "colors": CERTAINTY_COLORS,
        "shapes": {k: INCIDENT_SHAPES.get(k, INCIDENT_SHAPES["other"]) for k in set(kinds)}
        | {"other": INCIDENT_SHAPES["other"]},
        "shape_points": SHAPE_POINTS,
        "layer_names": {k: f"Incidents: {k}" for k in set(kinds)},
        "show_uncertainty": bool(show_uncertainty),
        "timeline": bool(timeline),
        "density_min": int(settings.MAP_DENSITY_MIN),
        "trajectories": _trajectories(pts),
        "rings": _rings(pts, range_rings_km),
    }
    return table


def incident_layer(table: dict[str, Any], *, map_name: str, control_name: str) -> Snippet:
    """Return the script that draws an incident table and adds it to the layer control."""
    return Snippet(f"Flashpoints.addIncidents({map_name}, {control_name},\n{script_json(table)});")
