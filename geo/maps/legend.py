"""The map legend: every colour, hatch and symbol the map uses, explained.

The legend is an HTML ``<details>`` box (collapsible) in the bottom-right corner.
Every text in it is escaped, incident kinds included (they come from user files).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..zones.schema import STATE_NAMES
from .elements import Snippet
from .escape import esc
from .lines import LINE_LABELS, line_style
from .style import (
    CERTAINTY_COLORS,
    DISPUTED_EDGE,
    INCIDENT_SHAPES,
    KIND_LABELS,
    KIND_STYLE,
    TRACK_DARK_DASH,
    TRACK_GAP_STYLE,
    TRACK_KIND_LABELS,
    TRACK_KIND_STYLE,
    shape_svg,
    state_color,
)

__all__ = ["legend"]

_BOX = "display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;"


def _row(symbol: str, text: str) -> str:
    return f"<div>{symbol}{esc(text)}</div>"


def _shape(shape: str, color: str = "#444") -> str:
    return (
        f'<svg width="12" height="12" viewBox="0 0 24 24" style="margin-right:4px;'
        f'vertical-align:-1px" fill="{color}" stroke="#fff" stroke-width="1.5">'
        f"{shape_svg(shape)}</svg>"
    )


#: Legend text of each marker colour (an incident's ``certainty``).
CERTAINTY_LABELS: dict[str, str] = {
    "certain": "certain: the uncertainty stays in waters of the same claimants",
    "borderline": "borderline: the uncertainty reaches waters of other claimants",
    "": "not classified (outside the coverage)",
}


def _line_swatch(style: Mapping[str, object]) -> str:
    dash = f' stroke-dasharray="{esc(str(style["dashArray"]))}"' if style.get("dashArray") else ""
    return (
        f'<svg width="18" height="10" style="margin-right:4px;vertical-align:0">'
        f'<line x1="0" y1="5" x2="18" y2="5" stroke="{esc(str(style["color"]))}" '
        f'stroke-width="{float(style["weight"]):g}"{dash}/></svg>'  # type: ignore[arg-type]
    )


def legend(
    states: list[str],
    *,
    incident_kinds: list[str] = (),  # type: ignore[assignment]
    certainties: list[str] = (),  # type: ignore[assignment]
    hatched: list[tuple[str, ...]] = (),  # type: ignore[assignment]
    disputed_land: bool = False,
    trajectories: bool = False,
    rings: bool = False,
    uncertainty: bool = False,
    density: int | None = None,
    lines: list[str] = (),  # type: ignore[assignment]
    track_kinds: list[str] = (),  # type: ignore[assignment]
    dark_after_h: float | None = None,
    max_gap_h: float | None = None,
    visit_markers: bool = False,
) -> Snippet:
    """Return the legend element for a map.

    Parameters
    ----------
    states : list of str
        ISO3 codes of the states whose colours appear.
    incident_kinds : list of str
        Incident kinds drawn (one shape each).
    certainties : list of str
        Values of ``certainty`` among the incidents (one marker colour each).
    hatched : list of tuple of str
        Claimant sets drawn hatched.
    disputed_land, trajectories, rings, uncertainty : bool
        Whether those symbols are on the map.
    density : int, optional
        When the map draws incident density: the number of incidents in view above
        which it does (:data:`geo.settings.MAP_DENSITY_MIN`).
    lines : list of str
        Kinds of boundary line drawn (one line style each).
    track_kinds : list of str
        Zone kinds that vessel tracks are drawn in (one line style each).
    dark_after_h, max_gap_h : float, optional
        When the tracks have dark legs, or gaps: what made them so, hours.
    visit_markers : bool
        Whether zone entries and exits are marked.
    """
    parts = _zone_rows(states, hatched, disputed_land=disputed_land)
    if lines:
        parts.append("<b>Lines</b>")
        for k in lines:
            parts.append(_row(_line_swatch(line_style(k)), LINE_LABELS.get(k, k.replace("_", " "))))
    parts += _incident_rows(
        incident_kinds,
        certainties,
        density=density,
        uncertainty=uncertainty,
        trajectories=trajectories,
        rings=rings,
    )
    parts += _track_rows(track_kinds, dark_after_h, max_gap_h, visit_markers=visit_markers)
    body = (
        '<details id="fp-legend" style="position:absolute;bottom:28px;right:10px;'
        "z-index:1000;background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
        "font:12px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,0.3);max-height:70%;"
        'overflow:auto"><summary style="cursor:pointer;font-weight:bold">Legend</summary>'
        + "".join(parts)
        + "</details>"
    )
    return Snippet(body, section="html")


def _zone_rows(
    states: list[str], hatched: list[tuple[str, ...]], *, disputed_land: bool
) -> list[str]:
    """Return the legend rows of the zones: states, zone kinds, hatched claims, disputed land."""
    rows = ["<b>Zones</b>"]
    for s in states:
        rows.append(_row(f'<span style="{_BOX}background:{state_color(s)};opacity:.8"></span>',
                         STATE_NAMES.get(s, s)))  # fmt: skip
    for k in ("territorial_sea", "contiguous_zone", "eez"):
        shade = f'<span style="{_BOX}background:#444;opacity:{KIND_STYLE[k]["fillOpacity"] + 0.1}">'
        rows.append(_row(shade + "</span>", KIND_LABELS[k]))
    for codes in hatched:
        stops = ",".join(
            f"{state_color(c)} {i * 5}px,{state_color(c)} {(i + 1) * 5}px"
            for i, c in enumerate(codes)
        )
        gradient = f"repeating-linear-gradient(45deg,{stops})"
        who = " and ".join(STATE_NAMES.get(c, c) for c in codes)
        swatch = f'<span style="{_BOX}background:{gradient}"></span>'
        rows.append(_row(swatch, f"claimed by {who}"))
    if disputed_land:
        rows.append(_row(f'<span style="{_BOX}border:2px dashed {DISPUTED_EDGE}"></span>',
                         "disputed land"))  # fmt: skip
    return rows


def _incident_rows(
    kinds: list[str],
    certainties: list[str],
    *,
    density: int | None,
    uncertainty: bool,
    trajectories: bool,
    rings: bool,
) -> list[str]:
    """Return the legend rows of what the incident layers draw."""
    rows: list[str] = []
    if kinds:
        rows.append("<b>Incidents</b>")
        for k in kinds:
            rows.append(_row(_shape(INCIDENT_SHAPES.get(k, INCIDENT_SHAPES["other"])), k))
        for k in certainties:
            dot = f'<span style="{_BOX}border-radius:50%;background:{CERTAINTY_COLORS[k]}">'
            rows.append(_row(dot + "</span>", CERTAINTY_LABELS[k]))
    if density is not None and kinds:
        hexagon = (
            '<svg width="12" height="12" viewBox="0 0 24 24" style="margin-right:4px;'
            'vertical-align:-1px"><polygon points="12,1 22,6.5 22,17.5 12,23 2,17.5 2,6.5" '
            'fill="#444" opacity=".8"/></svg>'
        )
        text = (
            f"incidents in a hexagon, with their count, coloured as most of them "
            f"(over {density:,} in view; zoom in for markers)"
        )
        rows.append(_row(hexagon, text))
    if uncertainty:
        rows.append(_row(f'<span style="{_BOX}border:1px solid #444;border-radius:50%"></span>',
                         "uncertainty (geodesic circle)"))  # fmt: skip
    if trajectories:
        rows.append(_row('<span style="display:inline-block;width:16px;margin-right:4px;'
                         'border-top:2px dashed #444;vertical-align:3px"></span>',
                         "trajectory, launch site to impact (geodesic)"))  # fmt: skip
    if rings:
        rows.append(_row('<span style="display:inline-block;width:16px;margin-right:4px;'
                         'border-top:1px dotted #555;vertical-align:3px"></span>',
                         "range ring around a launch site"))  # fmt: skip
    return rows


def _track_rows(
    kinds: list[str], dark_after_h: float | None, max_gap_h: float | None, *, visit_markers: bool
) -> list[str]:
    """Return the legend rows of what the track layers draw."""
    if not kinds:
        return []
    rows = ["<b>Vessel tracks</b>"]
    other = TRACK_KIND_STYLE["high_seas"]
    for k in kinds:
        label = TRACK_KIND_LABELS.get(k, k.replace("_", " "))
        rows.append(_row(_line_swatch(TRACK_KIND_STYLE.get(k, other)), label))
    if dark_after_h is not None:
        dark = {**TRACK_KIND_STYLE["contiguous_zone"], "dashArray": TRACK_DARK_DASH}
        text = f"dark: no report for over {dark_after_h:g} h (the geodesic is assumed)"
        rows.append(_row(_line_swatch(dark), text))
    if max_gap_h is not None:
        text = f"gap: no report for over {max_gap_h:g} h (where the vessel went is not known)"
        rows.append(_row(_line_swatch(TRACK_GAP_STYLE), text))
    if visit_markers:
        dot = f'<span style="{_BOX}border-radius:50%;border:2px solid #3d3d3d;'
        rows.append(_row(dot + 'background:#3d3d3d"></span>', "entry into a zone"))
        rows.append(_row(dot + 'background:#ffffff"></span>', "exit from a zone"))
    ring = f'<span style="{_BOX}border-radius:50%;border:2.5px solid #000;background:#fff"></span>'
    rows.append(_row(ring, "vessel at the slider's time"))
    return rows
