"""How the maps look: colours per state and zone kind, shapes per incident kind.

The palette is one colour per state (zones, hatching of overlapping claims and the
legend use the same table); incidents are coloured by the kind of zone they fell
in, and shaped by their own kind.
"""

from __future__ import annotations

__all__ = [
    "INCIDENT_SHAPES",
    "KIND_LABELS",
    "KIND_STYLE",
    "SHAPE_POINTS",
    "STATE_COLORS",
    "ZONE_KIND_COLORS",
    "shape_svg",
    "state_color",
]

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
