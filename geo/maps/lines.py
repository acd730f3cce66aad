"""Boundary lines on a map: zone limits, median lines, agreed boundaries, baselines.

One layer, "Boundary lines", holds every line of :func:`geo.boundary_lines`; each is
named in a tooltip (kind, basis, states, source), as text. A fuller styling of the
lines that decide cases is a later step; here agreed and published lines are solid
and dark, computed median lines dashed, computed zone limits thin.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely

from .. import settings
from .elements import Bind
from .escape import clip, esc

__all__ = ["LINE_LABELS", "LINE_STYLE", "line_style", "lines_layer"]

#: Leaflet path options by line kind (computed limits share one thin style).
LINE_STYLE: dict[str, dict[str, object]] = {
    "agreed_boundary": {"color": "#111111", "weight": 2.5},
    "baseline": {"color": "#6a3d9a", "weight": 2.0},
    "median_line": {"color": "#333333", "weight": 1.5, "dashArray": "6 4"},
    "shelf_limit": {"color": "#8c510a", "weight": 2.0, "dashArray": "2 4"},
    "regime_limit": {"color": "#01665e", "weight": 2.0},
    "claim_line": {"color": "#b2182b", "weight": 3.0, "opacity": 0.8},
}
_LIMIT_STYLE: dict[str, object] = {"color": "#555555", "weight": 0.8, "opacity": 0.6}

#: Legend text per line kind.
LINE_LABELS: dict[str, str] = {
    "baseline": "baseline (published)",
    "territorial_sea_limit": "territorial sea limit (computed)",
    "contiguous_zone_limit": "contiguous zone limit (computed)",
    "eez_limit": "EEZ limit, 200 nm (computed)",
    "median_line": "median line (computed)",
    "agreed_boundary": "agreed boundary (treaty)",
    "shelf_limit": "continental shelf limit",
    "regime_limit": "joint or fishery regime limit",
    "specified_area_limit": "specified area limit",
    "claim_line": "China's dashed line (a claim, not a zone; Natural Earth's depiction)",
}


def line_style(kind: str) -> dict[str, object]:
    """Return the Leaflet path options of a line kind."""
    return LINE_STYLE.get(kind, _LIMIT_STYLE)


def lines_layer(lines: gpd.GeoDataFrame, m: folium.Map, *, tolerance_deg: float = 0.01) -> None:
    """Add boundary lines to a map, each named in a tooltip.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        Output of :func:`geo.boundary_lines`.
    m : folium.Map
        The map to draw on.
    tolerance_deg : float, default 0.01
        Display simplification of computed lines (published lines are drawn as given).
    """
    group = folium.FeatureGroup(name="Boundary lines", show=True)
    for line in lines.itertuples():
        geom = line.geometry
        digits = settings.MAP_COORD_DECIMALS
        if line.basis == "computed":
            geom, digits = shapely.simplify(geom, tolerance_deg), settings.MAP_ZONE_DECIMALS
        geom = shapely.set_precision(geom, 10.0**-digits)
        if geom.is_empty:
            continue
        style = {**line_style(str(line.kind)), "fill": False}
        tip = (
            f"{esc(clip(line.name))}<br>{esc(str(line.kind).replace('_', ' '))}, "
            f"{esc(line.basis)}; {esc(line.states)}<br>{esc(clip(line.source))}"
        )
        feature = {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": {}}
        folium.GeoJson(
            feature, style_function=lambda _f, s=style: s, class_name=f"fp-line fp-line-{line.kind}"
        ).add_child(Bind("bindTooltip", tip, sticky=True)).add_to(group)
    group.add_to(m)
