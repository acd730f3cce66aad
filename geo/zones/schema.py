"""The canonical zone schema shared by every zone source.

A zone set is a GeoDataFrame in EPSG:4326 with one row per zone polygon:

``zone_id`` (str)
    Stable identifier, unique in the set.
``name`` (str)
    Human-readable name, e.g. "Japan territorial sea".
``kind`` (str)
    One of :data:`ZONE_KINDS`.
``claimants`` (str)
    ISO 3166-1 alpha-3 codes of every state with a claim over the area, sorted
    and joined by "/"; more than one means the area is disputed.
``sovereign`` (str)
    The state whose zone this is in the zone set's scenario: by default the state
    that administers the feature generating it; empty when the source does not say.
``source`` (str)
    Where the polygon comes from.
``geometry``
    Polygon or MultiPolygon.

The set's *coverage* (the area inside which the set is complete, so that a point
in no zone is on the high seas) is a polygon stored in ``zones.attrs["coverage"]``.
A point outside it is ``outside_coverage``.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from ..errors import DataSourceError

__all__ = [
    "CLASS_KINDS",
    "COLUMNS",
    "KIND_PRIORITY",
    "STATE_NAMES",
    "ZONE_KINDS",
    "coverage_of",
    "join_claimants",
    "validate_zones",
]

#: Kinds a zone polygon may have, innermost first.
ZONE_KINDS: tuple[str, ...] = (
    "land",
    "internal_waters",
    "archipelagic_waters",
    "territorial_sea",
    "contiguous_zone",
    "eez",
    "overlapping_claim",
    "joint_regime",
)

#: Where zones of several kinds overlap, the first in this order wins.
KIND_PRIORITY: dict[str, int] = {kind: i for i, kind in enumerate(ZONE_KINDS)}

#: Values of ``zone_kind`` in a classification.
CLASS_KINDS: tuple[str, ...] = (
    "land",
    "internal_waters",
    "archipelagic_waters",
    "territorial_sea",
    "contiguous_zone",
    "eez",
    "high_seas",
    "outside_coverage",
)

COLUMNS: tuple[str, ...] = ("zone_id", "name", "kind", "claimants", "sovereign", "source")

#: Short English names of the states that appear in the bundled data.
STATE_NAMES: dict[str, str] = {
    "BRN": "Brunei",
    "CHN": "China",
    "FSM": "Micronesia",
    "IDN": "Indonesia",
    "JPN": "Japan",
    "KHM": "Cambodia",
    "KOR": "South Korea",
    "MHL": "Marshall Islands",
    "MYS": "Malaysia",
    "PHL": "Philippines",
    "PLW": "Palau",
    "PRK": "North Korea",
    "RUS": "Russia",
    "THA": "Thailand",
    "TWN": "Taiwan",
    "USA": "United States",
    "VNM": "Vietnam",
}


def join_claimants(codes: object) -> str:
    """Return ISO3 codes sorted, deduplicated and joined by "/".

    Examples
    --------
    >>> join_claimants(["TWN", "JPN", "CHN", "JPN"])
    'CHN/JPN/TWN'
    """
    if isinstance(codes, str):
        codes = codes.split("/")
    return "/".join(sorted({str(c).strip() for c in codes if str(c).strip()}))  # type: ignore[attr-defined]


def coverage_of(zones: gpd.GeoDataFrame) -> shapely.Geometry:
    """Return the coverage polygon of a zone set.

    Falls back to the whole world when the set does not carry one, which is right
    for global products such as Marine Regions' EEZ layer read without a bbox.
    """
    cov = zones.attrs.get("coverage")
    if cov is None:
        return shapely.box(-180.0, -90.0, 180.0, 90.0)
    return cov


def validate_zones(zones: gpd.GeoDataFrame, *, source: str = "zone set") -> None:
    """Raise :class:`DataSourceError` unless ``zones`` follows the schema."""
    missing = [c for c in COLUMNS if c not in zones.columns]
    if missing:
        raise DataSourceError(f"{source}: missing zone columns {missing}")
    if zones.crs is None:
        raise DataSourceError(f"{source}: zones have no CRS")
    bad = sorted(set(zones["kind"]) - set(ZONE_KINDS))
    if bad:
        raise DataSourceError(f"{source}: unknown zone kinds {bad}; expected one of {ZONE_KINDS}")
