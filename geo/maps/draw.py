"""Assemble and save maps: zones, incidents, legend, basemaps, layer control.

:func:`incident_map` and :func:`zones_map` return :class:`folium.Map` objects
(display them in a notebook, or save them with :func:`save_map`). Maps use
Leaflet's canvas renderer: it draws large zone polygons and 100,000 incidents
quickly, and headless Chromium leaves large SVG overlays partly unpainted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
import xyzservices

from .. import settings
from ..assets import ASSETS
from ..classify import require_classified
from ..errors import InputError
from ..io import write_text
from ..prepared import prepare
from ..zones.schema import coverage_of
from .elements import Snippet
from .incidents import incident_layer, incident_table
from .legend import legend
from .offline import inline_assets
from .style import STATE_COLORS, ZONE_KIND_COLORS
from .zones import claim_codes, hatch_script, zones_layer

__all__ = ["incident_map", "save_map", "zones_map"]

log = logging.getLogger(__name__)


def _library() -> Snippet:
    """Return the map's own JavaScript (geo/maps/flashpoints.js), inlined in the page."""
    return Snippet(resources.files("geo.maps").joinpath("flashpoints.js").read_text("utf-8"))


def _basemaps(m: folium.Map, tiles: str | Sequence[str] | None) -> None:
    names = [tiles] if isinstance(tiles, str) else list(tiles or [])
    for i, name in enumerate(names):
        try:
            provider = xyzservices.providers.query_name(name)
        except ValueError as exc:
            raise InputError(f"unknown basemap {name!r} (an xyzservices name)") from exc
        if provider.requires_token():
            raise InputError(f"basemap {name!r} needs an API key; choose another")
        folium.TileLayer(
            provider, name=provider.name, overlay=False, control=len(names) > 1, show=i == 0
        ).add_to(m)


def _base_map(
    zones: gpd.GeoDataFrame,
    *,
    tiles: str | Sequence[str] | None,
    zone_tolerance_deg: float,
    **options: Any,
) -> folium.Map:
    options.setdefault("prefer_canvas", True)
    m = folium.Map(tiles=None, control_scale=True, **options)
    m.default_js = [u for a in ASSETS.values() for u in a.urls("js")]
    m.default_css = [u for a in ASSETS.values() for u in a.urls("css")]
    m.add_child(_library())
    _basemaps(m, tiles)
    zones_layer(zones, m, tolerance_deg=zone_tolerance_deg)
    m.add_child(hatch_script(m))
    return m


def _zone_legend(zones: gpd.GeoDataFrame) -> dict[str, Any]:
    states = sorted(s for s in set(zones["sovereign"]) if s in STATE_COLORS)
    sea = zones[zones["kind"] != "land"]
    hatched = sorted({tuple(c) for c in map(claim_codes, sea["claimants"]) if len(c) > 1})
    land = zones[zones["kind"] == "land"]
    return {
        "states": states,
        "hatched": hatched,
        "disputed_land": bool(land["claimants"].str.contains("/").any()),
    }


def zones_map(
    zones: gpd.GeoDataFrame | None = None,
    *,
    tiles: str | Sequence[str] | None = settings.MAP_BASEMAPS,
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
    zones = prepare(zones).zones
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, **map_options)
    m.add_child(legend(**_zone_legend(zones)))
    folium.LayerControl(collapsed=True).add_to(m)
    w, s, e, n = shapely.bounds(coverage_of(zones))
    m.fit_bounds([[s, w], [n, e]])
    return m


def incident_map(
    incidents: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | None = None,
    *,
    tiles: str | Sequence[str] | None = settings.MAP_BASEMAPS,
    show_uncertainty: bool | None = None,
    timeline: bool = True,
    range_rings_km: Sequence[float] = (),
    zone_tolerance_deg: float = 0.01,
    **map_options: Any,
) -> folium.Map:
    """Draw incidents over zones on an interactive map.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Classified incident points (the output of :func:`geo.classify`; raw
        incidents raise :class:`~geo.errors.InputError`). Rows with
        ``origin_lat`` and ``origin_lon`` get a geodesic trajectory from the origin.
    zones : geopandas.GeoDataFrame, optional
        The zone set the incidents were classified against; by default the
        bundled one.
    tiles : str, sequence of str or None, default settings.MAP_BASEMAPS
        Basemaps by xyzservices name (the first is shown; the others are
        choices in the layer control); None for none (the zone set's land is
        drawn either way).
    show_uncertainty : bool, optional
        Draw each incident's uncertainty as a geodesic circle when the map opens;
        by default only up to :data:`geo.settings.MAP_UNCERTAINTY_MAX` incidents.
    timeline : bool, default True
        Add a timeline slider (with play) that filters incidents by date.
    range_rings_km : sequence of float, default ()
        Radii of geodesic range rings drawn around each launch site.
    zone_tolerance_deg : float, default 0.01
        Display simplification of zone outlines (shared edges stay shared).
    **map_options
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from geo import classify, load_incidents, incident_map
    >>> from geo.datasets import data_path
    >>> m = incident_map(classify(load_incidents(data_path("incidents", "incidents.csv"))))
    >>> type(m).__name__
    'Map'
    """
    pts = require_classified(incidents, caller="incident_map").to_crs(4326)
    zones = prepare(zones).zones
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, **map_options)
    table = incident_table(
        pts, show_uncertainty=show_uncertainty, timeline=timeline, range_rings_km=range_rings_km
    )
    control = folium.LayerControl(collapsed=True)
    control.add_to(m)
    m.add_child(incident_layer(table, map_name=m.get_name(), control_name=control.get_name()))
    kinds = sorted(set(pts["kind"].fillna("other").astype(str))) if "kind" in pts else ["other"]
    m.add_child(
        legend(
            **_zone_legend(zones),
            incident_kinds=kinds if len(pts) else [],
            zone_kinds=[k for k in ZONE_KIND_COLORS if k in set(pts["zone_kind"].dropna())],
            trajectories=bool(table["trajectories"]),
            rings=bool(table["rings"]),
            uncertainty=any(u > 0 for u in table["uncertainty_m"]),
        )
    )
    drawn = pts[~(pts.geometry.isna() | pts.geometry.is_empty)]
    if len(drawn):
        w, s, e, n = drawn.total_bounds
        pad = 2.0
        m.fit_bounds([[s - pad, w - pad], [n + pad, e + pad]])
    else:
        w, s, e, n = shapely.bounds(coverage_of(zones))
        m.fit_bounds([[s, w], [n, e]])
    return m


def save_map(
    m: folium.Map,
    path: str | Path,
    *,
    offline: bool = False,
    budget_mb: float = settings.MAP_HTML_BUDGET_MB,
) -> Path:
    """Write a map to an HTML file atomically.

    Parameters
    ----------
    m : folium.Map
        The map.
    path : str or pathlib.Path
        Target file; its folder is created.
    offline : bool, default False
        Inline every JavaScript/CSS asset (see :mod:`geo.maps.offline`), so the
        file opens with no network. Draw the map with ``tiles=None``: basemap
        tiles need a tile server.
    budget_mb : float, default settings.MAP_HTML_BUDGET_MB
        Log a warning when the file is larger.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    geo.errors.DataSourceError
        When ``offline`` and an asset has no local copy.
    """
    page = m.get_root().render()
    if offline:
        page = inline_assets(page)
    out = write_text(path, page)
    size_mb = out.stat().st_size / 1e6
    if size_mb > budget_mb:
        log.warning("%s is %.1f MB, over the %g MB budget", out, size_mb, budget_mb)
    return out
