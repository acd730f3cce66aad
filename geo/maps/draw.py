"""Assemble and save maps: zones, incidents, vessel tracks, legend, basemaps, layer control.

:func:`incident_map`, :func:`tracks_map` and :func:`zones_map` return :class:`folium.Map` objects
(display them in a notebook, or save them with :func:`save_map`). Maps use
Leaflet's canvas renderer: it draws large zone polygons and 100,000 incidents
quickly, and headless Chromium leaves large SVG overlays partly unpainted.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import branca
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices

from .. import settings
from ..assets import ASSETS, integrity_of
from ..classify import require_classified
from ..errors import DataSourceError, InputError
from ..geodesy import GEOD
from ..io import write_text
from ..lines import LINE_KINDS, boundary_lines
from ..prepared import prepare
from ..tracks.presence import check_tz
from ..tracks.segments import as_seconds, check_positions
from ..zones.schema import coverage_of
from .elements import AssetLink, Snippet, template_marker
from .escape import esc, script_json
from .incidents import incident_layer, incident_table
from .labels import label_layer, map_labels
from .legend import legend
from .lines import lines_layer
from .offline import inline_assets
from .presence import presence_chart
from .style import CERTAINTY_COLORS, STATE_COLORS
from .tracks import check_visits, track_layer, track_table
from .zones import claim_codes, hatch_script, zones_layer

__all__ = ["incident_map", "save_map", "tracks_map", "zones_map"]

log = logging.getLogger(__name__)

#: Half the Earth's meridian circumference, km (pole to pole): the longest geodesic.
_HALF_EARTH_KM = 2.0 * GEOD.inv(0.0, 0.0, 0.0, 90.0)[2] / 1000.0


#: The map's own scripts, inlined in this order (each written for this project).
_SCRIPTS = ("flashpoints.js", "density.js", "labels.js", "tools.js", "tracks.js")


def _library() -> Snippet:
    """Return the map's own JavaScript (geo/maps/*.js), inlined in the page."""
    folder = resources.files("geo.maps")
    return Snippet("\n".join(folder.joinpath(name).read_text("utf-8") for name in _SCRIPTS))


def _style_sheet(m: folium.Map) -> None:
    """Add the map's own stylesheet (geo/maps/flashpoints.css) to the page header."""
    css = resources.files("geo.maps").joinpath("flashpoints.css").read_text("utf-8")
    if template_marker(css):
        raise ValueError("flashpoints.css holds a template marker")
    header = cast(branca.element.Figure, m.get_root()).header
    header.add_child(branca.element.Element(f"<style>{css}</style>"), name="fp-css")


def _title(m: folium.Map, title: str) -> None:
    """Give the page a ``<title>`` (as text)."""
    cast(branca.element.Figure, m.get_root()).title = esc(title)


#: The packages of :data:`geo.assets.ASSETS` a map loads. leaflet.markercluster is
#: vendored too but not loaded: the maps draw density themselves (density.js).
_MAP_ASSETS = ("leaflet",)


def _link_assets(m: folium.Map) -> None:
    """Load the assets the maps use (not folium's), integrity-checked."""
    m.default_js = []
    m.default_css = []
    header = cast(branca.element.Figure, m.get_root()).header
    for asset in (ASSETS[name] for name in _MAP_ASSETS):
        for kind in ("js", "css"):
            for name, url in asset.urls(kind):
                integrity = integrity_of(url)
                if integrity is None:
                    raise DataSourceError(f"no integrity hash pinned for {url} in geo/assets.py")
                header.add_child(AssetLink(url, integrity=integrity, kind=kind), name=name)


def _ring_radii(range_rings_km: object) -> list[float]:
    """Check ``range_rings_km``: finite, positive radii up to half the Earth's circumference."""
    if isinstance(range_rings_km, numbers.Real):
        range_rings_km = [range_rings_km]
    if isinstance(range_rings_km, str | bytes) or not isinstance(range_rings_km, Iterable):
        raise InputError(f"range_rings_km must be a sequence of numbers, got {range_rings_km!r}")
    radii = []
    for r in range_rings_km:
        try:
            value = float(r)
        except (TypeError, ValueError):
            value = math.nan
        number = isinstance(r, numbers.Real) and not isinstance(r, bool)
        if not number or not math.isfinite(value) or value <= 0:
            shown = f"{value:g}" if number else repr(r)
            raise InputError(f"range_rings_km must be finite and positive, got {shown}")
        if value > _HALF_EARTH_KM:
            raise InputError(
                f"range_rings_km must be at most {_HALF_EARTH_KM:,.0f} km (half the Earth's "
                f"circumference), got {value:g}"
            )
        radii.append(value)
    return radii


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
    title: str,
    lines: gpd.GeoDataFrame,
    **options: Any,
) -> folium.Map:
    """Return a map with the assets, basemaps, zones, boundary lines and place labels."""
    options.setdefault("prefer_canvas", True)
    m = folium.Map(tiles=None, control_scale=True, **options)
    _link_assets(m)
    _style_sheet(m)
    _title(m, title)
    m.add_child(_library())
    _basemaps(m, tiles)
    zones_layer(zones, m, tolerance_deg=zone_tolerance_deg)
    m.add_child(hatch_script(m))
    lines_layer(lines, m)
    m.add_child(label_layer(map_labels(zones), map_name=m.get_name()))
    return m


def _tools(m: folium.Map, *, export: bool, bounds: list[list[float]]) -> Snippet:
    """Return the script that adds the analyst tools and opens the first view.

    The first view is the one in the page address (``#zoom/lat/lon``), else ``bounds``
    ([[south, west], [north, east]]).
    """
    options = {"export": export, "bounds": bounds}
    return Snippet(f"Flashpoints.addTools({m.get_name()}, {script_json(options)});")


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
    lines: gpd.GeoDataFrame | None = None,
    tiles: str | Sequence[str] | None = settings.MAP_BASEMAPS,
    zone_tolerance_deg: float = 0.01,
    title: str = "Flashpoints: maritime zones",
    **map_options: Any,
) -> folium.Map:
    """Draw a zone set by itself, with its boundary lines, framed on its coverage.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame, optional
        Zone set; by default the bundled one.
    lines : geopandas.GeoDataFrame, optional
        Boundary lines to draw and name; by default :func:`geo.boundary_lines` of
        the zone set (computed limits and median lines, and the published lines).
    tiles, zone_tolerance_deg, title, **map_options
        As in :func:`incident_map`.

    Examples
    --------
    >>> type(zones_map()).__name__
    'Map'
    """
    ready = prepare(zones)
    zones = ready.zones
    drawn = _near(boundary_lines(prepared=ready) if lines is None else lines, zones)
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, title=title,
                  lines=drawn, **map_options)  # fmt: skip
    m.add_child(legend(**_zone_legend(zones), lines=_line_kinds(drawn)))
    folium.LayerControl(collapsed=True).add_to(m)
    w, s, e, n = shapely.bounds(coverage_of(zones))
    m.add_child(_tools(m, export=False, bounds=[[s, w], [n, e]]))
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
    title: str = "Flashpoints: incidents and maritime zones",
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
        Radii of geodesic range rings drawn around each launch site: finite and
        positive, at most half the Earth's circumference (20,004 km).
    zone_tolerance_deg : float, default 0.01
        Display simplification of zone outlines (shared edges stay shared).
    title : str
        The page's title (shown by the browser; as text).
    **map_options
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map

    Notes
    -----
    Every text from the data reaches the page as text (never as HTML or script),
    cut to :data:`geo.settings.MAP_TEXT_MAX_CHARS` characters; ``incidents`` is
    not changed.

    Examples
    --------
    >>> from geo import classify, load_incidents, incident_map
    >>> from geo.datasets import data_path
    >>> m = incident_map(classify(load_incidents(data_path("incidents", "incidents.csv"))))
    >>> type(m).__name__
    'Map'
    """
    radii = _ring_radii(range_rings_km)
    pts = require_classified(incidents, caller="incident_map").to_crs(4326)
    ready = prepare(zones)
    zones = ready.zones
    drawn = _near(boundary_lines(prepared=ready), zones)
    m = _base_map(zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, title=title,
                  lines=drawn, **map_options)  # fmt: skip
    table = incident_table(
        pts, show_uncertainty=show_uncertainty, timeline=timeline, range_rings_km=radii
    )
    control = folium.LayerControl(collapsed=True)
    control.add_to(m)
    m.add_child(incident_layer(table, map_name=m.get_name(), control_name=control.get_name()))
    m.add_child(_incident_legend(pts, zones, table, lines=_line_kinds(drawn)))
    m.add_child(_tools(m, export=True, bounds=_frame(pts, zones)))
    return m


def tracks_map(
    tracks: gpd.GeoDataFrame,
    visits: pd.DataFrame,
    zones: gpd.GeoDataFrame | None = None,
    *,
    presence_by: Literal["day", "month", "year"] | None = "day",
    tz: str = "Asia/Tokyo",
    marker_kinds: Iterable[str] | None = None,
    sample_s: float = settings.MAP_TRACK_SAMPLE_S,
    dark_after: pd.Timedelta | float | None = None,
    max_gap: pd.Timedelta | float | None = None,
    tiles: str | Sequence[str] | None = settings.MAP_BASEMAPS,
    zone_tolerance_deg: float = 0.01,
    title: str = "Flashpoints: vessel tracks and maritime zones",
    **map_options: Any,
) -> folium.Map:
    """Draw vessel tracks over zones, by zone kind, with a time slider and a presence chart.

    Each visit of :func:`geo.zone_visits` is a line from its entry point through its
    positions to its exit point, in the grey and width of its zone kind; dark legs are
    dashed, gaps between segments dotted; each visit to a zone has entry and exit
    markers whose popups give the vessel, group, zone, times in UTC and ``tz``,
    ``duration_h`` and the crossing's uncertainty. The slider (play, windows) draws
    what happened up to its time and where each vessel was; the chart shows the days
    with vessels present per zone kind (:func:`geo.presence`). Which positions are
    drawn, and how many for ``synthetic_patrols``: :mod:`geo.maps.tracks`.

    Parameters
    ----------
    tracks : geopandas.GeoDataFrame
        Positions from :func:`geo.load_tracks`.
    visits : pandas.DataFrame
        Their visits, from :func:`geo.zone_visits` (drawn, not computed, here);
        positions no visit covers are not drawn.
    zones : geopandas.GeoDataFrame, optional
        The zone set of the visits; by default the bundled one.
    presence_by : {"day", "month", "year"} or None, default "day"
        One chart bar per local period of this length; None: no chart.
    tz : str, default "Asia/Tokyo"
        Time zone of the chart's calendar and of local times in popups and the slider.
    marker_kinds : iterable of str, optional
        Zone kinds whose visits get markers; default all but high seas and outside.
    sample_s : float, default settings.MAP_TRACK_SAMPLE_S (300)
        At most one position per this many seconds of a visit is drawn.
    dark_after, max_gap : pandas.Timedelta or float, optional
        As given to ``zone_visits`` (a number is hours); default ``visits.attrs``.
    tiles, zone_tolerance_deg, title, **map_options
        As in :func:`incident_map`.

    Returns
    -------
    folium.Map
        Every text from the data reaches it as text, cut to
        :data:`geo.settings.MAP_TEXT_MAX_CHARS`; ``tracks`` and ``visits`` are unchanged.

    Examples
    --------
    >>> import geo
    >>> tracks = geo.load_tracks(geo.synthetic_patrols(months=[2], report_interval_s=(600, 900)))
    >>> m = geo.tracks_map(tracks, geo.zone_visits(tracks, distances=False), tiles=None)
    >>> type(m).__name__
    'Map'
    """
    dark_h, gap_h = _track_checks(tracks, visits, tz=tz, presence_by=presence_by,
                                  sample_s=sample_s, dark_after=dark_after,
                                  max_gap=max_gap)  # fmt: skip
    ready = prepare(zones)
    drawn = _near(boundary_lines(prepared=ready), ready.zones)
    m = _base_map(ready.zones, tiles=tiles, zone_tolerance_deg=zone_tolerance_deg, title=title,
                  lines=drawn, **map_options)  # fmt: skip
    table = track_table(tracks, visits, tz=tz, dark_after_h=dark_h, sample_s=sample_s,
                        marker_kinds=marker_kinds)  # fmt: skip
    _presence(m, table, visits, by=presence_by, tz=tz)
    control = folium.LayerControl(collapsed=True)
    control.add_to(m)
    m.add_child(track_layer(table, map_name=m.get_name(), control_name=control.get_name()))
    m.add_child(_track_legend(ready.zones, table, lines=_line_kinds(drawn), dark_h=dark_h,
                              gap_h=gap_h))  # fmt: skip
    m.add_child(_tools(m, export=False, bounds=table["bounds"]))
    return m


def _presence(m: folium.Map, table: dict[str, Any], visits: pd.DataFrame, *, by: str | None,
              tz: str) -> None:  # fmt: skip
    """Add the presence chart (when asked for and any vessel was in a zone) and its axis."""
    chart = presence_chart(visits, by=by, tz=tz) if by else None
    if chart is not None:
        m.add_child(chart.element)
        table["chart"] = chart.axis


def _track_checks(tracks: object, visits: object, *, tz: str, presence_by: str | None,
                  sample_s: float, dark_after: pd.Timedelta | float | None,
                  max_gap: pd.Timedelta | float | None) -> tuple[float, float]:  # fmt: skip
    """Check what :func:`tracks_map` is given; return its dark and gap thresholds, hours."""
    check_positions(tracks, caller="tracks_map")
    frame = check_visits(visits)
    check_tz(tz)
    if presence_by not in (None, "day", "month", "year"):
        raise InputError(f"presence_by must be 'day', 'month', 'year' or None, not {presence_by!r}")
    if not (isinstance(sample_s, numbers.Real) and sample_s > 0):
        raise InputError(f"sample_s must be a positive number of seconds; got {sample_s!r}")
    dark_h = _hours(dark_after, frame, "dark_after", settings.TRACK_DARK_AFTER_H)
    return dark_h, _hours(max_gap, frame, "max_gap", settings.TRACK_MAX_GAP_H)


def _hours(value: pd.Timedelta | float | None, visits: pd.DataFrame, name: str,
           default: float) -> float:  # fmt: skip
    """Return a duration option in hours: as given, else as the visits recorded, else default."""
    if value is None:
        return float(visits.attrs.get(f"{name}_h", default))
    return as_seconds(value, name=name) / 3600.0


def _track_legend(
    zones: gpd.GeoDataFrame, table: dict[str, Any], *, lines: list[str], dark_h: float,
    gap_h: float,
) -> Snippet:  # fmt: skip
    """Return the legend of a track map: the zones, then what the track layers draw."""
    drawn = table["drawn"]
    return legend(
        **_zone_legend(zones),
        lines=lines,
        track_kinds=drawn["kinds"],
        dark_after_h=dark_h if drawn["dark"] else None,
        max_gap_h=gap_h if drawn["gaps"] else None,
        visit_markers=table["markers"]["n"] > 0,
    )


def _near(lines: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the lines that reach into the zone set's coverage."""
    return lines[lines.intersects(coverage_of(zones))] if len(lines) else lines


def _line_kinds(lines: gpd.GeoDataFrame) -> list[str]:
    """Return the kinds of line drawn, in the order of :data:`geo.lines.LINE_KINDS`."""
    present = set(lines["kind"]) if len(lines) else set()
    return [k for k in LINE_KINDS if k in present]


def _incident_legend(
    pts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, table: dict[str, Any], *, lines: list[str]
) -> Snippet:
    """Return the legend of an incident map: the zones, then what the incident layers draw."""
    return legend(
        **_zone_legend(zones),
        lines=lines,
        incident_kinds=sorted(table["layer_names"]),  # the kinds drawn, as in the table
        certainties=[k for k in CERTAINTY_COLORS if k in set(pts["certainty"].fillna(""))],
        trajectories=bool(table["trajectories"]),
        rings=bool(table["rings"]),
        uncertainty=table["uncertainty_m"] is not None,
        density=table["density_min"] if table["n"] > table["density_min"] else None,
    )


#: Fewer incidents than this are all framed (no outliers are left out of the view).
_BULK_MIN = 10


def _bulk_bounds(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    """Return (west, south, east, north) of the bulk of the points.

    With at least :data:`_BULK_MIN` points, points further from the centre
    (circular mean longitude, median latitude) than Tukey's upper fence of the
    geodesic distances (Q3 + 1.5 IQR) are outliers and left out; longitudes are
    unwrapped around the centre (so the box may cross 180°).
    """
    lon0 = float(np.degrees(np.arctan2(np.sin(np.radians(lon)).mean(),
                                       np.cos(np.radians(lon)).mean())))  # fmt: skip
    lat0 = float(np.median(lat))
    _, _, d_m = GEOD.inv(np.full(lon.size, lon0), np.full(lon.size, lat0), lon, lat)
    q1, q3 = np.percentile(d_m, [25, 75])
    keep = (d_m <= q3 + 1.5 * (q3 - q1)) | (lon.size < _BULK_MIN)
    near = lon0 + (lon[keep] - lon0 + 180.0) % 360.0 - 180.0
    return float(near.min()), float(lat[keep].min()), float(near.max()), float(lat[keep].max())


def _frame(pts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> list[list[float]]:
    """Return the first view: the bulk of the incidents, else the zones' coverage.

    Outliers are left out (:func:`_bulk_bounds`); 1 degree is added around the bulk.
    """
    drawn = pts[~(pts.geometry.isna() | pts.geometry.is_empty)]
    if len(drawn):
        w, s, e, n = _bulk_bounds(drawn.geometry.x.to_numpy(), drawn.geometry.y.to_numpy())
        pad = 1.0
        return [[max(s - pad, -85.0), w - pad], [min(n + pad, 85.0), e + pad]]
    w, s, e, n = shapely.bounds(coverage_of(zones))
    return [[s, w], [n, e]]


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
