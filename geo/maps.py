"""Draw zones and incidents on an interactive folium (Leaflet) map.

Everything users wrote (titles, descriptions, sources, position text) is
HTML-escaped before it reaches the page, and links are only made from
``http``/``https`` addresses. Popups and tooltips are bound with the content as a
JSON string (:class:`_Bind`), not with folium's ``Popup``/``Tooltip``, which paste
the text into a JavaScript template literal where ``${...}`` would run, and which
need jQuery.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import branca
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from .assets import ASSETS
from .classify import OUTPUT_COLUMNS, classify
from .zones.load import load_zones
from .zones.schema import STATE_NAMES, coverage_of

__all__ = ["KIND_STYLE", "STATE_COLORS", "incident_map", "zones_layer", "zones_map"]

log = logging.getLogger(__name__)

#: One colour per state.
STATE_COLORS: dict[str, str] = {
    "JPN": "#d7263d",
    "CHN": "#f4a300",
    "TWN": "#2e9e44",
    "KOR": "#1f5fbf",
    "PRK": "#7b3fa0",
    "RUS": "#8c564b",
    "PHL": "#17becf",
    "VNM": "#e377c2",
    "USA": "#1b2a6b",
    "MHL": "#9aa83a",
}
_OTHER_COLOR = "#7f7f7f"
_LAND_COLOR = "#e8e1d0"
_LAND_EDGE = "#b5aa90"
_DISPUTED_COLOR = "#111111"

#: Fill opacity and outline weight per zone kind: inner zones are darker.
KIND_STYLE: dict[str, dict[str, float]] = {
    "territorial_sea": {"fillOpacity": 0.45, "weight": 0.8},
    "contiguous_zone": {"fillOpacity": 0.28, "weight": 0.6},
    "eez": {"fillOpacity": 0.12, "weight": 0.6},
    "overlapping_claim": {"fillOpacity": 0.12, "weight": 0.6},
    "joint_regime": {"fillOpacity": 0.12, "weight": 0.6},
    "internal_waters": {"fillOpacity": 0.5, "weight": 0.6},
    "archipelagic_waters": {"fillOpacity": 0.4, "weight": 0.6},
    "land": {"fillOpacity": 0.9, "weight": 0.5},
}

_KIND_LABEL = {
    "land": "Land",
    "internal_waters": "Internal waters",
    "archipelagic_waters": "Archipelagic waters",
    "territorial_sea": "Territorial seas (12 nm)",
    "contiguous_zone": "Contiguous zones (12-24 nm)",
    "eez": "EEZs (24-200 nm)",
    "overlapping_claim": "Overlapping claims",
    "joint_regime": "Joint regimes",
}

#: Marker colour per zone kind of an incident.
ZONE_KIND_COLORS: dict[str, str] = {
    "land": "#555555",
    "internal_waters": "#440154",
    "archipelagic_waters": "#6a3d9a",
    "territorial_sea": "#b2182b",
    "contiguous_zone": "#ef8a62",
    "eez": "#2166ac",
    "high_seas": "#1a9850",
    "outside_coverage": "#999999",
}


class _Bind(branca.element.MacroElement):
    """Bind a popup or tooltip to the parent layer; the content travels as JSON."""

    _template = branca.element.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.{{ this.method }}(
            {{ this.content|tojson }}, {{ this.options|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, method: str, content: str, **options: Any):
        super().__init__()
        self._name = "Bind"
        self.method = method
        self.content = content
        self.options = options


def _esc(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _link(url: object) -> str:
    text = str(url or "").strip()
    if text.lower().startswith(("http://", "https://")):
        return f'<a href="{_esc(text)}" target="_blank" rel="noopener noreferrer">source</a>'
    return _esc(text)


def _color(zone: pd.Series) -> str:
    if "/" in str(zone["claimants"]):
        return _DISPUTED_COLOR
    return STATE_COLORS.get(str(zone["sovereign"]), _OTHER_COLOR)


def _display_geometry(zones: gpd.GeoDataFrame, tolerance_deg: float) -> np.ndarray:
    geoms = zones.geometry.values
    try:
        simple = shapely.coverage_simplify(geoms, tolerance_deg, simplify_boundary=True)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(geoms, tolerance_deg, preserve_topology=True)
    simple = shapely.set_precision(simple, 10.0**-settings.MAP_COORD_DECIMALS)
    return np.asarray(simple)


def zones_layer(zones: gpd.GeoDataFrame, m: folium.Map, *, tolerance_deg: float = 0.01) -> None:
    """Add zone layers (one per kind) to a map, styled by state and dispute.

    Land is drawn in a neutral colour, so that the map reads without basemap
    tiles; disputed land features get a thick dashed outline.
    """
    shown = zones.assign(geometry=_display_geometry(zones, tolerance_deg))
    for kind in [k for k in _KIND_LABEL if k in set(shown["kind"])]:
        part = shown[shown["kind"] == kind]
        group = folium.FeatureGroup(name=f"Zones: {_KIND_LABEL[kind]}", show=True)
        style = KIND_STYLE.get(kind, {"fillOpacity": 0.15, "weight": 0.6})
        for _, zone in part.iterrows():
            disputed = "/" in zone["claimants"]
            color = _color(zone)
            fill = _LAND_COLOR if kind == "land" else color
            feature = {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(zone.geometry),
                "properties": {},
            }
            tip = f"{_esc(zone['name'])}<br>claimants: {_esc(zone['claimants'])}"
            folium.GeoJson(
                feature,
                style_function=lambda _f, c=color, f=fill, d=disputed, s=style: {
                    "color": c if d or f == c else _LAND_EDGE,
                    "fillColor": f,
                    "weight": s["weight"] * (2 if d else 1),
                    "fillOpacity": s["fillOpacity"],
                    "dashArray": "6 4" if d else None,
                },
                class_name=f"fp-zone fp-zone-{kind}",
            ).add_child(_Bind("bindTooltip", tip, sticky=True)).add_to(group)
        group.add_to(m)


def _popup_html(row: pd.Series) -> str:
    def line(label: str, value: object) -> str:
        return f"<tr><th>{_esc(label)}</th><td>{_esc(value)}</td></tr>"

    date = row.get("date")
    date_text = "" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")
    dist = row.get("distance_to_coast_nm")
    dist_text = "" if dist is None or pd.isna(dist) else f"{dist:.1f} nm"
    unc = row.get("uncertainty_km")
    unc_text = "" if unc is None or pd.isna(unc) else f"± {unc:.1f} km"
    rows = [
        line("Date", date_text),
        line("Kind", row.get("kind", "")),
        line(
            "Position",
            row.get("position_text", "") or f"{row.geometry.y:.4f}, {row.geometry.x:.4f}",
        ),
        line("Uncertainty", unc_text),
        line("Zone", row.get("zone_name", "") or row.get("zone_kind", "")),
        line("Zone kind", row.get("zone_kind", "")),
        line("Claimants", row.get("claimants", "")),
        line("Distance to coast", dist_text),
    ]
    said = str(row.get("statement_eez", "") or "")
    if said:
        check = str(row.get("statement_check", "") or "")
        rows.append(line("Statement", f"{said} the EEZ" + (f" ({check})" if check else "")))
    source = row.get("source", "")
    return (
        f'<div class="fp-popup"><b class="fp-title">{_esc(row.get("title", ""))}</b>'
        f"<table>{''.join(rows)}</table>"
        f'<div class="fp-desc">{_esc(row.get("description", ""))}</div>'
        f"<div>{_link(source)}</div></div>"
    )


def _legend(states: list[str], zone_kinds: list[str]) -> branca.element.MacroElement:
    swatch = (
        '<span style="display:inline-block;width:12px;height:12px;background:{c};'
        'opacity:{o};border:1px solid {c};margin-right:4px"></span>'
    )
    items = [
        f"<div>{swatch.format(c=STATE_COLORS.get(s, _OTHER_COLOR), o=0.8)}"
        f"{_esc(STATE_NAMES.get(s, s))}</div>"
        for s in states
    ]
    items.append(
        '<div><span style="display:inline-block;width:12px;height:12px;'
        f'border:2px dashed {_DISPUTED_COLOR};margin-right:4px"></span>disputed</div>'
    )
    shades = "".join(
        f"<div>{swatch.format(c='#444', o=KIND_STYLE[k]['fillOpacity'] + 0.1)}"
        f"{_esc(_KIND_LABEL[k])}</div>"
        for k in ("territorial_sea", "contiguous_zone", "eez")
    )
    markers_title = "<b>Incidents</b>" if zone_kinds else ""
    markers = "".join(
        f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        f'background:{ZONE_KIND_COLORS[k]};margin-right:4px"></span>'
        f"incident in {_esc(k.replace('_', ' '))}</div>"
        for k in zone_kinds
    )
    body = (
        '<details id="fp-legend" open style="position:absolute;bottom:28px;right:10px;'
        "z-index:1000;background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
        "font:12px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,0.3);max-height:70%;"
        'overflow:auto"><summary style="cursor:pointer;font-weight:bold">Legend</summary>'
        f"<b>Zones</b>{''.join(items)}{shades}{markers_title}{markers}</details>"
    )
    macro = branca.element.MacroElement()
    macro._template = branca.element.Template(
        "{% macro html(this, kwargs) %}" + body + "{% endmacro %}"
    )
    return macro


def _base_map(
    zones: gpd.GeoDataFrame, *, tiles: str | None, zone_tolerance_deg: float, **options: Any
) -> folium.Map:
    # Canvas, not SVG: it draws large zone polygons and many markers faster, and
    # headless Chromium leaves large SVG overlays partly unpainted.
    options.setdefault("prefer_canvas", True)
    m = folium.Map(tiles=tiles, control_scale=True, **options)
    m.default_js = [u for a in ASSETS.values() for u in a.urls("js")]
    m.default_css = [u for a in ASSETS.values() for u in a.urls("css")]
    zones_layer(zones, m, tolerance_deg=zone_tolerance_deg)
    return m


def _finish_map(m: folium.Map, zones: gpd.GeoDataFrame, incident_kinds: list[str]) -> None:
    states = sorted(s for s in set(zones["sovereign"]) if s in STATE_COLORS)
    m.add_child(_legend(states, incident_kinds))
    folium.LayerControl(collapsed=True).add_to(m)


def zones_map(
    zones: gpd.GeoDataFrame | None = None,
    *,
    tiles: str | None = "OpenStreetMap",
    zone_tolerance_deg: float = 0.01,
    **map_options: Any,
) -> folium.Map:
    """Draw a zone set by itself, framed on its coverage.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame, optional
        Zone set; by default the bundled one.
    tiles, zone_tolerance_deg, **map_options
        As in :func:`incident_map`.

    Examples
    --------
    >>> type(zones_map()).__name__
    'Map'
    """
    zones = load_zones() if zones is None else zones
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, **map_options)
    _finish_map(m, zones, [])
    w, s, e, n = shapely.bounds(coverage_of(zones))
    m.fit_bounds([[s, w], [n, e]])
    return m


def incident_map(
    incidents: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | None = None,
    *,
    tiles: str | None = "OpenStreetMap",
    show_uncertainty: bool = True,
    zone_tolerance_deg: float = 0.01,
    **map_options: Any,
) -> folium.Map:
    """Draw incidents over zones on an interactive map.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points, classified or not (they are classified when the
        classification columns are missing).
    zones : geopandas.GeoDataFrame, optional
        Zone set; by default the bundled one.
    tiles : str or None, default "OpenStreetMap"
        Basemap tiles (a folium tiles name); None for no basemap.
    show_uncertainty : bool, default True
        Draw each incident's uncertainty as a circle.
    zone_tolerance_deg : float, default 0.01
        Display simplification of zone outlines (shared edges stay shared).
    **map_options
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from geo import load_incidents, incident_map
    >>> from geo.datasets import data_path
    >>> m = incident_map(load_incidents(data_path("incidents", "incidents.csv")))
    >>> type(m).__name__
    'Map'
    """
    zones = load_zones() if zones is None else zones
    if not set(OUTPUT_COLUMNS) <= set(incidents.columns):
        incidents = classify(incidents, zones)
    pts = incidents.to_crs(4326)
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, **map_options)

    groups: dict[str, folium.FeatureGroup] = {}
    uncertainty = folium.FeatureGroup(name="Incident uncertainty", show=show_uncertainty)
    for _, row in pts.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        kind = str(row.get("kind", "") or "other")
        if kind not in groups:
            groups[kind] = folium.FeatureGroup(name=f"Incidents: {_esc(kind)}")
        lat, lon = round(row.geometry.y, 5), round(row.geometry.x, 5)
        color = ZONE_KIND_COLORS.get(str(row.get("zone_kind", "")), "#333333")
        folium.CircleMarker(
            [lat, lon],
            radius=7,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=color,
            fill_opacity=0.95,
            class_name="fp-incident",
        ).add_child(_Bind("bindPopup", _popup_html(row), maxWidth=360)).add_child(
            _Bind("bindTooltip", _esc(row.get("title", "")) or f"{lat}, {lon}")
        ).add_to(groups[kind])
        unc = row.get("uncertainty_km")
        if unc is not None and not pd.isna(unc) and unc > 0:
            folium.Circle(
                [lat, lon],
                radius=float(unc) * 1000.0,
                color=color,
                weight=1,
                fill=True,
                fill_opacity=0.08,
                interactive=False,
                class_name="fp-uncertainty",
            ).add_to(uncertainty)
    uncertainty.add_to(m)
    for group in groups.values():
        group.add_to(m)

    _finish_map(m, zones, [k for k in ZONE_KIND_COLORS if k in set(pts["zone_kind"].dropna())])
    if len(pts):
        w, s, e, n = pts.total_bounds
        pad = 2.0
        m.fit_bounds([[s - pad, w - pad], [n + pad, e + pad]])
    else:
        w, s, e, n = shapely.bounds(coverage_of(zones))
        m.fit_bounds([[s, w], [n, e]])
    return m
