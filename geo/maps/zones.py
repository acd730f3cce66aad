"""Zone layers: one layer per zone kind, coloured by state, overlapping claims hatched.

Zone outlines are simplified for display with shapely's coverage simplification,
so edges shared by two zones stay shared, and coordinates are rounded
(:data:`geo.settings.MAP_ZONE_DECIMALS`).
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import numpy as np
import shapely

from .. import settings
from ..zones.schema import OVERLAY_KINDS
from .elements import Bind, Snippet
from .escape import esc, script_json
from .style import (
    DISPUTED_EDGE,
    KIND_LABELS,
    KIND_STYLE,
    LAND_COLOR,
    LAND_EDGE,
    STATE_COLORS,
    state_color,
)

__all__ = ["claim_codes", "display_geometry", "hatch_script", "zones_layer"]


def display_geometry(zones: gpd.GeoDataFrame, tolerance_deg: float) -> np.ndarray:
    """Return the zones' geometry simplified for display, shared edges kept shared."""
    geoms = zones.geometry.values
    try:
        simple = shapely.coverage_simplify(geoms, tolerance_deg, simplify_boundary=True)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(geoms, tolerance_deg, preserve_topology=True)
    simple = shapely.set_precision(simple, 10.0**-settings.MAP_ZONE_DECIMALS)
    return np.asarray(simple)


def claim_codes(claimants: str) -> list[str]:
    """Return the claimant codes of a ``claimants`` value, cleaned for CSS class names."""
    return [c for c in (re.sub(r"[^A-Z0-9_]", "", p.upper()) for p in claimants.split("/")) if c]


def zones_layer(zones: gpd.GeoDataFrame, m: folium.Map, *, tolerance_deg: float = 0.01) -> None:
    """Add zone layers (one per kind) to a map, styled by state and dispute.

    Land is drawn in a neutral colour (so the map reads without basemap tiles) and
    disputed land features get a thick dashed outline. Sea zones claimed by more
    than one state are marked for hatching in the claimants' colours (see
    :func:`hatch_script`).

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        A zone set (:func:`geo.load_zones`).
    m : folium.Map
        The map to draw on.
    tolerance_deg : float, default 0.01
        Display simplification tolerance.
    """
    shown = zones.assign(geometry=display_geometry(zones, tolerance_deg))
    for kind in [k for k in KIND_LABELS if k in set(shown["kind"])]:
        part = shown[shown["kind"] == kind]
        group = folium.FeatureGroup(name=f"Zones: {KIND_LABELS[kind]}", show=True)
        style = KIND_STYLE.get(kind, {"fillOpacity": 0.15, "weight": 0.6})
        for zone in part.itertuples():
            codes = claim_codes(str(zone.claimants))
            disputed = len(codes) > 1
            land = kind == "land"
            color = state_color(str(zone.sovereign)) if not disputed else DISPUTED_EDGE
            css = f"fp-zone fp-zone-{kind}"
            if disputed and not land:
                css += f" fp-hatch fp-claims-{'-'.join(codes)}"
            feature = {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(zone.geometry),
                "properties": {},
            }
            tip = f"{esc(zone.name)}<br>claimants: {esc(zone.claimants)}"
            if land:
                line = DISPUTED_EDGE if disputed else LAND_EDGE
                fill = LAND_COLOR
            else:
                line = "#444444" if disputed else color
                fill = color
            weight = style["weight"] * (3 if disputed and land else 1)
            dashed = (disputed and land) or kind in OVERLAY_KINDS
            folium.GeoJson(
                feature,
                style_function=lambda _f, c=line, f=fill, w=weight, d=dashed, s=style: {
                    "color": c,
                    "fillColor": f,
                    "weight": w,
                    "fillOpacity": s["fillOpacity"],
                    "dashArray": "6 4" if d else None,
                },
                class_name=css,
            ).add_child(Bind("bindTooltip", tip, sticky=True)).add_to(group)
        group.add_to(m)


def hatch_script(m: folium.Map) -> Snippet:
    """Return the script that fills overlapping claims with stripes of each claimant."""
    return Snippet(f"Flashpoints.hatch({m.get_name()}, {script_json(STATE_COLORS)});")
