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
from ..geodesy import GEOD, geodesic_circle
from ..zones.schema import STATE_NAMES
from .elements import Snippet
from .escape import clip, script_json
from .style import CERTAINTY_COLORS, INCIDENT_SHAPES, SHAPE_POINTS

__all__ = ["incident_layer", "incident_table"]


def _text(values: Sequence[object]) -> list[str]:
    """Cells as page text: "" for None and NaN, long text cut (:func:`.escape.clip`)."""
    return [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else clip(str(v)) for v in values
    ]


def _column(values: Sequence[object]) -> dict[str, list]:
    """Encode a text column: plain values, or codes into labels when values repeat."""
    text = _text(values)
    labels, codes = np.unique(np.asarray(text, dtype=object), return_inverse=True)
    if len(labels) * 2 <= len(text):
        return {"c": codes.astype(int).tolist(), "l": labels.tolist()}
    return {"v": text}


def _get(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index)


def _nm_km(series: pd.Series) -> list[str]:
    """Distances given in nautical miles, as "12.3 nm (22.8 km)"."""
    nm = pd.to_numeric(series, errors="coerce")
    return ["" if pd.isna(v) else f"{v:.1f} nm ({v * settings.NM_M / 1000:.1f} km)"
            for v in nm]  # fmt: skip


def _fields(pts: gpd.GeoDataFrame, dates: pd.Series) -> list[tuple[str, list[str] | None]]:
    """Popup rows: (label, one text per incident); ``dates`` parsed from ``date``.

    ``None``: the browser computes the row (the position, from the coordinates).
    """
    zone = [
        z or k.replace("_", " ")
        for z, k in zip(_text(_get(pts, "zone_name")), _text(_get(pts, "zone_kind")), strict=True)
    ]
    coast = [
        f"{d}, {STATE_NAMES.get(s, s)}" if d and s else d
        for d, s in zip(
            _nm_km(_get(pts, "distance_to_coast_nm")),
            _text(_get(pts, "nearest_coast_state")),
            strict=True,
        )
    ]
    certainty = [
        f"{c} ({s})" if s else c
        for c, s in zip(
            _text(_get(pts, "certainty")), _text(_get(pts, "claimant_shares")), strict=True
        )
    ]
    unc_km = pd.to_numeric(_get(pts, "uncertainty_km"), errors="coerce")
    uncertainty = [
        "" if pd.isna(u) or u <= 0 else f"± {u:.1f} km ({u * 1000 / settings.NM_M:.1f} nm)"
        for u in unc_km
    ]
    said = _text(_get(pts, "statement_eez"))
    check = _text(_get(pts, "statement_check"))
    statement = [
        (f"{s} the EEZ" + (f" ({c})" if c else "")) if s else ""
        for s, c in zip(said, check, strict=True)
    ]
    held = [STATE_NAMES.get(s, s) for s in _text(_get(pts, "sovereign"))]
    return [
        ("Date", ["" if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates]),
        ("Kind", _text(_get(pts, "kind"))),
        ("Missile type", _text(_get(pts, "missile_type"))),
        ("Vessel type", _text(_get(pts, "vessel_type"))),
        ("Position", None),  # computed in the browser from lat/lon (decimal and DMS)
        ("Reported as", _text(_get(pts, "position_text"))),
        ("Uncertainty", uncertainty),
        ("Zone", zone),
        ("Zone kind", [k.replace("_", " ") for k in _text(_get(pts, "zone_kind"))]),
        ("Held by", held),
        ("Claimants", _text(_get(pts, "claimants"))),
        ("Seabed claimed by", _text(_get(pts, "shelf_claimants"))),
        ("Regimes", _text(_get(pts, "regimes"))),
        ("Distance to coast", coast),
        ("Distance to zone edge", _nm_km(_get(pts, "distance_to_boundary_nm"))),
        ("Certainty", certainty),
        ("Statement", statement),
        ("Quote", _text(_get(pts, "source_quote"))),
        ("Launched from", _text(_get(pts, "origin_text"))),
    ]


def _unwrap(lon: np.ndarray, near: float) -> np.ndarray:
    """Longitudes made continuous (no jump at 180°) and shifted next to ``near``."""
    out = np.degrees(np.unwrap(np.radians(lon)))
    return out + 360.0 * np.round((near - out[-1]) / 360.0)


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
        lons = _unwrap(lons, lon2)
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
            "name": _text(_get(pts, "origin_text")),
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
    unc_km = pd.to_numeric(_get(pts, "uncertainty_km"), errors="coerce").fillna(0.0)
    kinds = [k or "other" for k in _text(_get(pts, "kind"))]
    if show_uncertainty is None:
        show_uncertainty = len(pts) <= settings.MAP_UNCERTAINTY_MAX
    table: dict[str, Any] = {
        "lat": pts.geometry.y.round(digits).tolist(),
        "lon": pts.geometry.x.round(digits).tolist(),
        "kind": _column(kinds),
        "zone_kind": _column(_get(pts, "zone_kind").tolist()),
        "day": [None if pd.isna(d) else int(d) for d in day],
        "uncertainty_m": (unc_km * 1000.0).round(0).astype(int).tolist(),
        "title": _column(_get(pts, "title").tolist()),
        "description": _column(_get(pts, "description").tolist()),
        "source": _column(_get(pts, "source").tolist()),
        "fields": [
            {"label": label} | (_column(values) if values is not None else {"computed": "position"})
            for label, values in _fields(pts, dates)
        ],
        "color_key": _column(_get(pts, "certainty").tolist()),
        "colors": CERTAINTY_COLORS,
        "shapes": {k: INCIDENT_SHAPES.get(k, INCIDENT_SHAPES["other"]) for k in set(kinds)}
        | {"other": INCIDENT_SHAPES["other"]},
        "shape_points": SHAPE_POINTS,
        "layer_names": {k: f"Incidents: {k}" for k in set(kinds)},
        "show_uncertainty": bool(show_uncertainty),
        "timeline": bool(timeline),
        "trajectories": _trajectories(pts),
        "rings": _rings(pts, range_rings_km),
    }
    if not table["day"] or all(d is None for d in table["day"]):
        table["day"] = None
    return table


def incident_layer(table: dict[str, Any], *, map_name: str, control_name: str) -> Snippet:
    """Return the script that draws an incident table and adds it to the layer control."""
    return Snippet(f"Flashpoints.addIncidents({map_name}, {control_name},\n{script_json(table)});")
