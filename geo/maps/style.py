"""How the maps look: colours per state, marker colours per incident, shapes per incident kind.

The palette is one colour per state (zones, hatching of overlapping claims and the
legend use the same table). Incidents are coloured by a channel that cannot be read
as a state: greys for their certainty (:data:`CERTAINTY_COLORS`) or for how a
statement compares with the zone set (:data:`CHECK_COLORS`); they are shaped by
their own kind. Vessel tracks are drawn in the same neutral greys, darker and wider
the further inside a state's waters the vessel is (:data:`TRACK_KIND_STYLE`).

How the colours were chosen, and how ``tests/test_palette.py`` keeps them honest:
every colour is judged as it is drawn (a state at 80 % opacity as in the legend,
and at the EEZ fill opacity, over the white page of the tile-less map), under
normal vision and simulated deuteranopia, protanopia and tritanopia (Machado,
Oliveira & Fernandes 2009, severity 1, applied in linear RGB), with CIEDE2000 as
the distance. The ten state colours were picked by a max-min search over the
Okabe-Ito and Paul Tol palettes and darker variants of them; the test asserts the
smallest difference between any two states (and between each state and the
disputed edge, the land, :data:`OTHER_COLOR` and the marker greys), the
stripes of every hatched claimant set on the bundled map, and that the marker
greys stay apart from each other and from every state.
"""

from __future__ import annotations

__all__ = [
    "CERTAINTY_COLORS",
    "CHECK_COLORS",
    "INCIDENT_SHAPES",
    "KIND_LABELS",
    "KIND_STYLE",
    "SHAPE_POINTS",
    "STATE_COLORS",
    "TRACK_DARK_DASH",
    "TRACK_GAP_STYLE",
    "TRACK_KIND_LABELS",
    "TRACK_KIND_STYLE",
    "ZONE_KIND_COLORS",
    "shape_svg",
    "state_color",
    "track_kind_order",
]

#: One colour per state. Base palettes: Okabe & Ito (2008) and Paul Tol's
#: (https://personal.sron.nl/~pault/) "vibrant", "light", "medium-contrast", "muted"
#: and "dark" schemes; some darkened (sRGB channels scaled by the factor given) so
#: that no two states meet under simulated colour-vision deficiency, nor at the
#: pale EEZ fill. tests/test_palette.py checks every pair (and Japan against China
#: with a wider margin); rerun it after changing any colour here.
STATE_COLORS: dict[str, str] = {
    "JPN": "#33bbee",  # Tol vibrant cyan
    "CHN": "#954200",  # Okabe-Ito vermillion #d55e00 x 0.7
    "TWN": "#aaaa00",  # Tol light olive
    "KOR": "#ee8866",  # Tol light orange
    "PRK": "#997700",  # Tol medium-contrast dark yellow
    "RUS": "#183b18",  # Tol dark green #225522 x 0.7
    "PHL": "#332288",  # Tol muted indigo
    "VNM": "#527aa3",  # Tol medium-contrast light blue #6699cc x 0.8
    "USA": "#eecc66",  # Tol medium-contrast light yellow
    "MHL": "#66295c",  # Tol muted purple #aa4499 x 0.6
}
#: Colour of any state not in :data:`STATE_COLORS` (a neutral grey, which the
#: marker greys stay clear of).
OTHER_COLOR = "#7f7f7f"
LAND_COLOR = "#e8e1d0"
LAND_EDGE = "#b5aa90"
DISPUTED_EDGE = "#111111"

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
    "regime": {"fillOpacity": 0.0, "weight": 1.6},
    "continental_shelf": {"fillOpacity": 0.0, "weight": 1.6},
}

#: Layer names of the zone kinds, in drawing order (land first).
KIND_LABELS: dict[str, str] = {
    "land": "Land",
    "internal_waters": "Internal waters",
    "archipelagic_waters": "Archipelagic waters",
    "territorial_sea": "Territorial seas (12 nm)",
    "contiguous_zone": "Contiguous zones (12-24 nm)",
    "eez": "EEZs (24-200 nm)",
    "overlapping_claim": "Overlapping claims",
    "joint_regime": "Joint regimes",
    "regime": "Regimes and 3 nm straits (outlines)",
    "continental_shelf": "Continental shelf claims beyond 200 nm (outlines)",
}

#: Colour per zone kind of an incident. Markers are to take :data:`CERTAINTY_COLORS`
#: (or :data:`CHECK_COLORS`) instead: these hues (red territorial sea, blue EEZ,
#: green high seas) read as states. Kept for the code that still uses it.
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

#: Marker colour per incident ``certainty`` (:func:`geo.classify.classify`):
#: a lightness ramp of neutral greys, which no state colour is close to under any
#: of the simulated visions: black when the incident is certainly in its zone, mid
#: grey when its uncertainty reaches the zone's edge, light grey when it has no zone
#: to be sure of (outside coverage, or no position). Checked by tests/test_palette.py.
CERTAINTY_COLORS: dict[str, str] = {
    "certain": "#000000",
    "borderline": "#707070",
    "": "#cccccc",
}

#: Marker colour per ``statement_check`` value: the same neutral ramp, darkest where
#: the statement disagrees with the zone set (that is what must stand out), light
#: grey where there was no statement to check. Checked by tests/test_palette.py.
CHECK_COLORS: dict[str, str] = {
    "disagree": "#000000",
    "borderline": "#3d3d3d",
    "agree": "#707070",
    "": "#cccccc",
}

#: Line colour and width of a vessel track per zone kind it is in (geo/maps/tracks.py):
#: the greys of :data:`CHECK_COLORS` (checked by tests/test_palette.py against each
#: other and every state), darkest and widest inside the territorial sea; any other
#: kind (land, outside the coverage) is drawn as the high seas are.
TRACK_KIND_STYLE: dict[str, dict[str, str | float]] = {
    "internal_waters": {"color": "#000000", "weight": 4.0},
    "archipelagic_waters": {"color": "#000000", "weight": 4.0},
    "territorial_sea": {"color": "#000000", "weight": 4.0},
    "contiguous_zone": {"color": "#3d3d3d", "weight": 3.0},
    "eez": {"color": "#707070", "weight": 2.2},
    "overlapping_claim": {"color": "#707070", "weight": 2.2},
    "joint_regime": {"color": "#707070", "weight": 2.2},
    "high_seas": {"color": "#cccccc", "weight": 1.6},
}

#: Legend text of a track's zone kind (kinds not listed: the kind's name).
TRACK_KIND_LABELS: dict[str, str] = {
    "internal_waters": "in internal waters",
    "archipelagic_waters": "in archipelagic waters",
    "territorial_sea": "in a territorial sea",
    "contiguous_zone": "in a contiguous zone",
    "eez": "in an EEZ",
    "overlapping_claim": "in an overlapping claim",
    "joint_regime": "in a joint regime",
    "high_seas": "on the high seas (or outside the zone set)",
}

#: A gap in a track (no report for longer than ``max_gap``: where the vessel went is not
#: known): a thin dotted line from the last report before it to the first after.
TRACK_GAP_STYLE: dict[str, str | float] = {"color": "#707070", "weight": 1.5, "dashArray": "1 6"}

#: Dash pattern of a dark leg (no report for longer than ``dark_after``; the vessel is
#: taken to have sailed the geodesic), in its zone kind's colour.
TRACK_DARK_DASH = "7 6"

#: Marker shape per incident kind (drawn by flashpoints.js); any other kind is "other".
INCIDENT_SHAPES: dict[str, str] = {
    "missile": "missile",
    "buoy": "circle",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "other": "square",
}

#: Outline of each shape (unit radius, y down; "circle" is drawn as a circle). The
#: map's canvas (flashpoints.js, which receives this table) and the legend's SVG
#: draw from the same points.
# fmt: off
SHAPE_POINTS: dict[str, list[tuple[float, float]]] = {
    "missile": [(0, -1.25), (1.1, 0.8), (-1.1, 0.8)],
    "vessel": [(0, -1.25), (1.1, 0), (0, 1.25), (-1.1, 0)],
    "aircraft": [
        (0, -1.3), (0.2, -0.4), (1.3, 0.15), (1.3, 0.45), (0.2, 0.2), (0.15, 0.8),
        (0.55, 1.1), (0.55, 1.3), (0, 1.1), (-0.55, 1.3), (-0.55, 1.1), (-0.15, 0.8),
        (-0.2, 0.2), (-1.3, 0.45), (-1.3, 0.15), (-0.2, -0.4),
    ],
    "square": [(-0.95, -0.95), (0.95, -0.95), (0.95, 0.95), (-0.95, 0.95)],
}
# fmt: on


def shape_svg(shape: str) -> str:
    """Return an SVG element drawing ``shape`` on a 24 x 24 box (for the legend)."""
    points = SHAPE_POINTS.get(shape)
    if points is None:
        return '<circle cx="12" cy="12" r="9"/>'
    path = " L".join(f"{12 + 9 * x:g} {12 + 9 * y:g}" for x, y in points)
    return f'<path d="M{path} Z"/>'


def state_color(state: str) -> str:
    """Return the colour of a state (grey for states not in :data:`STATE_COLORS`)."""
    return STATE_COLORS.get(state, OTHER_COLOR)


def track_kind_order(kinds: set[str]) -> list[str]:
    """Return zone kinds in the order tracks are explained: inner zones first, others after."""
    return [k for k in TRACK_KIND_STYLE if k in kinds] + sorted(kinds - set(TRACK_KIND_STYLE))
