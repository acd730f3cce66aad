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

import logging
import re
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from ..antimeridian import split_antimeridian
from ..errors import DataSourceError, InputError

__all__ = [
    "CLASS_KINDS",
    "COLUMNS",
    "KIND_PRIORITY",
    "OVERLAY_KINDS",
    "POLYGON_TYPES",
    "STATE_ALIASES",
    "STATE_NAMES",
    "WATER_CLASSES",
    "ZONE_KINDS",
    "check_polygons",
    "claimants_from_field",
    "coverage_of",
    "drop_missing_geometries",
    "join_claimants",
    "resolve_state",
    "state_code",
    "to_lonlat",
    "validate_zones",
]

log = logging.getLogger(__name__)

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
    "continental_shelf",
    "regime",
)

#: Kinds that lie over the sea zones instead of partitioning the sea: a point has
#: one sea zone (the innermost) and any number of these. ``continental_shelf``: the
#: seabed a state claims beyond (or besides) its 200 nm zones, with a ``basis``
#: (``200 nm``, ``CLCS-recommended``, ``submitted to the CLCS``, ``unilateral claim``);
#: ``regime``: a joint development or fishery zone, or one of Japan's specified
#: areas (straits where its territorial sea is 3 nm), named in ``regimes``.
OVERLAY_KINDS: tuple[str, ...] = ("continental_shelf", "regime")

#: Values of ``zone_kind`` that are a state's waters, from the coast out to 200 nm
#: (and so its seabed: the continental shelf within 200 nm).
WATER_CLASSES: tuple[str, ...] = (
    "internal_waters",
    "archipelagic_waters",
    "territorial_sea",
    "contiguous_zone",
    "eez",
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
    "BGD": "Bangladesh",
    "BRN": "Brunei",
    "CHN": "China",
    "FSM": "Micronesia",
    "IND": "India",
    "IDN": "Indonesia",
    "JPN": "Japan",
    "KHM": "Cambodia",
    "KIR": "Kiribati",
    "KOR": "South Korea",
    "MHL": "Marshall Islands",
    "MMR": "Myanmar",
    "MYS": "Malaysia",
    "NRU": "Nauru",
    "PHL": "Philippines",
    "PLW": "Palau",
    "PNG": "Papua New Guinea",
    "PRK": "North Korea",
    "RUS": "Russia",
    "SGP": "Singapore",
    "SLB": "Solomon Islands",
    "THA": "Thailand",
    "TLS": "Timor-Leste",
    "TWN": "Taiwan",
    "USA": "United States",
    "VNM": "Vietnam",
}

#: Every name and adjective by which Marine Regions (and common usage) calls each
#: state of :data:`STATE_NAMES`, as in "Japanese Exclusive Economic Zone" or
#: "Overlapping claim Liancourt Rocks: Japan / South Korea". Matched whole and
#: case-insensitively by :func:`state_code`.
STATE_ALIASES: dict[str, tuple[str, ...]] = {
    "BGD": ("Bangladesh", "Bangladeshi"),
    "BRN": ("Brunei", "Bruneian", "Brunei Darussalam"),
    "CHN": ("China", "Chinese", "People's Republic of China"),
    "FSM": ("Micronesia", "Micronesian", "Federated States of Micronesia"),
    "IND": ("India", "Indian"),
    "IDN": ("Indonesia", "Indonesian"),
    "JPN": ("Japan", "Japanese"),
    "KHM": ("Cambodia", "Cambodian"),
    "KIR": ("Kiribati",),
    "KOR": ("South Korea", "South Korean", "Republic of Korea"),
    "MHL": ("Marshall Islands", "Marshallese"),
    "MMR": ("Myanmar", "Myanma", "Burma", "Burmese"),
    "MYS": ("Malaysia", "Malaysian"),
    "NRU": ("Nauru", "Nauruan"),
    "PHL": ("Philippines", "Philippine", "Filipino"),
    "PLW": ("Palau", "Palauan"),
    "PNG": ("Papua New Guinea", "Papua New Guinean"),
    "PRK": ("North Korea", "North Korean", "Democratic People's Republic of Korea"),
    "RUS": ("Russia", "Russian", "Russian Federation"),
    "SGP": ("Singapore", "Singaporean"),
    "SLB": ("Solomon Islands",),
    "THA": ("Thailand", "Thai"),
    "TLS": ("Timor-Leste", "Timorese", "East Timor"),
    "TWN": ("Taiwan", "Taiwanese"),
    "USA": ("United States", "American", "United States of America"),
    "VNM": ("Vietnam", "Vietnamese", "Viet Nam"),
}

_ALIAS_CODES: dict[str, str] = {
    name.casefold(): code for code, names in STATE_ALIASES.items() for name in names
}

#: Geometry types a zone may have.
POLYGON_TYPES: tuple[str, ...] = ("Polygon", "MultiPolygon")

_ISO3 = re.compile(r"[A-Z]{3}")


def state_code(name: str) -> str | None:
    """Return the ISO3 code of a state name or adjective, or None when it is not known.

    Examples
    --------
    >>> state_code("South Korean"), state_code(" japan "), state_code("Korean")
    ('KOR', 'JPN', None)
    """
    return _ALIAS_CODES.get(" ".join(name.split()).casefold())


def resolve_state(value: object, *, known: Iterable[str] = (), parameter: str = "state") -> str:
    """Return the ISO3 code a user meant by ``value``, or raise.

    Accepts an ISO3 code in any case (one of :data:`STATE_NAMES` or ``known``, the
    codes of the zone set at hand) and the English names and adjectives of
    :data:`STATE_ALIASES` ("Japan", "japanese", "Republic of Korea").

    Raises
    ------
    geo.errors.InputError
        Naming the value and listing the known codes.

    Examples
    --------
    >>> resolve_state("jpn"), resolve_state("Japan"), resolve_state(" South Korean ")
    ('JPN', 'JPN', 'KOR')
    """
    codes = set(STATE_NAMES) | {str(k) for k in known if k}
    if isinstance(value, str):
        text = " ".join(value.split())
        if text.upper() in codes:
            return text.upper()
        code = state_code(text)
        if code is not None:
            return code
    listed = ", ".join(sorted(codes))
    raise InputError(
        f"{parameter}: unknown state {value!r}; give an ISO3 code or an English name "
        f"(known codes: {listed})"
    )


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


def _row(zones: gpd.GeoDataFrame, i: int) -> int:
    """Return the 1-based file row of position ``i`` (readers keep the file's RangeIndex)."""
    label = zones.index[i]
    return int(label) + 1 if isinstance(label, (int, np.integer)) else i + 1


def _zone_label(zones: gpd.GeoDataFrame, i: int) -> str:
    """Return the zone's name, quoted, when the frame has a name column; else ""."""
    for col in zones.columns:
        if str(col).lower() in ("name", "geoname") and pd.notna(zones[col].iloc[i]):
            return f" {str(zones[col].iloc[i])[:80]!r}"
    return ""


def check_polygons(zones: gpd.GeoDataFrame, *, source: str, what: str = "zone") -> None:
    """Raise :class:`~geo.errors.InputError` unless every geometry is a polygon (or missing).

    The message names the first zone that is not a polygon (row and name), its
    geometry type and how many such zones there are. Null and empty geometries
    pass: :func:`drop_missing_geometries` counts them.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Zones as read from a file.
    source : str
        The file, for the message.
    what : str, default "zone"
        What a row is ("zone", "coverage polygon", "land polygon"), for the message.

    Examples
    --------
    >>> frame = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.Point(0, 0)])
    >>> check_polygons(frame, source="z.geojson")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    geo.errors.InputError: z.geojson, row 2: the zone is a Point, not an area: only Polygon ...
    """
    geoms = np.asarray(zones.geometry.values, dtype=object)
    ok = np.isin(shapely.get_type_id(geoms), [-1, 3, 6]) | shapely.is_empty(geoms)
    bad = np.flatnonzero(~ok)
    if not bad.size:
        return
    i = int(bad[0])
    more = ""
    if bad.size > 1:
        kinds = ", ".join(sorted({geoms[j].geom_type for j in bad}))
        more = f" ({bad.size} rows are not polygons: {kinds})"
    raise InputError(
        f"the {what}{_zone_label(zones, i)} is a {geoms[i].geom_type}, not an area: "
        f"only Polygon and MultiPolygon geometries are accepted{more}",
        source=source,
        row=_row(zones, i),
    )


def drop_missing_geometries(
    zones: gpd.GeoDataFrame, *, source: str
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Drop zones with a null or empty geometry; return the rest and the counts dropped.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Any zones.
    source : str
        The file, for the logged warning.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The zones that have an area, and ``{"null_geometry": n, "empty_geometry": m}``
        (only the reasons that occurred).

    Examples
    --------
    >>> frame = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), None, shapely.Polygon()])
    >>> kept, dropped = drop_missing_geometries(frame, source="z.geojson")
    >>> len(kept), dropped
    (1, {'null_geometry': 1, 'empty_geometry': 1})
    """
    geoms = np.asarray(zones.geometry.values, dtype=object)
    null = shapely.is_missing(geoms)
    empty = ~null & shapely.is_empty(geoms)
    counts = {
        reason: int(mask.sum())
        for reason, mask in (("null_geometry", null), ("empty_geometry", empty))
        if mask.any()
    }
    if counts:
        what = ", ".join(f"{n} with {reason.replace('_', ' ')}" for reason, n in counts.items())
        log.warning("%s: dropped %d zones (%s)", source, sum(counts.values()), what)
    return zones[~(null | empty)], counts


def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry:
    """Return the polygonal part of a geometry (a repaired polygon can hold stray lines)."""
    if geom is None:
        return shapely.Polygon()
    if geom.geom_type in POLYGON_TYPES:
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGON_TYPES]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _check_ranges(zones: gpd.GeoDataFrame, *, source: str, crs: str) -> None:
    """Raise InputError when a zone's coordinates are not longitudes and latitudes."""
    geoms = np.asarray(zones.geometry.values, dtype=object)
    with np.errstate(invalid="ignore"):
        box = shapely.bounds(geoms)
        eps = 1e-6
        bad = (
            (box[:, 0] < -180.0 - eps)
            | (box[:, 2] > 360.0 + eps)
            | (box[:, 1] < -90.0 - eps)
            | (box[:, 3] > 90.0 + eps)
        )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        w, s, e, n = (float(v) for v in box[i])
        where = "" if crs == settings.DEFAULT_CRS else f" once reprojected from {crs}"
        raise InputError(
            f"the geometry{_zone_label(zones, i)} has coordinates x {w:.6g}..{e:.6g}, "
            f"y {s:.6g}..{n:.6g}{where}, outside longitude -180..360 and latitude -90..90: "
            f"is the file in another CRS than {crs} (metres?) without saying so?",
            source=source,
            row=_row(zones, i),
        )


def to_lonlat(zones: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    """Return zones in EPSG:4326, repaired, with longitudes within -180..180.

    The zones are reprojected from their CRS; their polygons are repaired
    (``make_valid``, shells less holes); longitudes given as 0..360 and
    polygons drawn across the antimeridian are split at 180° (see
    :func:`geo.antimeridian.split_antimeridian`).

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Polygon zones with a CRS.
    source : str
        The file, for messages.

    Raises
    ------
    geo.errors.InputError
        When the zones have no CRS, or their coordinates are not longitudes and
        latitudes once in EPSG:4326 (a projected file that does not say so).

    Examples
    --------
    >>> frame = gpd.GeoDataFrame(geometry=[shapely.box(170, 0, 200, 10)], crs=4326)
    >>> to_lonlat(frame, source="z.geojson").total_bounds.tolist()
    [-180.0, 0.0, 180.0, 10.0]
    """
    if zones.crs is None:
        raise InputError(
            "the file has no CRS (coordinate reference system), so its coordinates cannot be "
            "placed: save it with one, e.g. EPSG:4326",
            source=source,
        )
    crs = zones.crs.to_string()
    out = zones.to_crs(settings.DEFAULT_CRS)
    _check_ranges(out, source=source, crs=crs)
    # "structure" repairs rings with too few points too, where "linework" raises.
    geoms = shapely.make_valid(
        np.asarray(out.geometry.values, dtype=object), method="structure", keep_collapsed=False
    )
    fixed = [None if g is None else split_antimeridian(_polygonal(g)) for g in geoms]
    out[out.geometry.name] = np.array(fixed, dtype=object)
    return out


def claimants_from_field(zones: pd.DataFrame, field: str, *, source: str) -> pd.Series:
    """Return the claimants held in one field: ISO3 codes joined by "/", or a single code.

    Parameters
    ----------
    zones : pandas.DataFrame
        Zones as read from a file.
    field : str
        The field (matched case-insensitively when no field has exactly that name).
    source : str
        The file, for messages.

    Returns
    -------
    pandas.Series
        Claimants in the schema's form (sorted, "/"-joined); "" where the field is empty.

    Raises
    ------
    geo.errors.InputError
        When there is no such field, or a value is not ISO 3166-1 alpha-3 codes.

    Examples
    --------
    >>> frame = pd.DataFrame({"ISO_SOV1": ["JPN", "twn/CHN", None]})
    >>> claimants_from_field(frame, "iso_sov1", source="z.geojson").tolist()
    ['JPN', 'CHN/TWN', '']
    """
    column = _field_named(zones, field)
    if column is None:
        fields = [str(c) for c in zones.columns if c != "geometry"]
        raise InputError(
            f"no field {field!r} to read claimants from; the fields are {fields}", source=source
        )
    out = []
    for i, value in enumerate(zones[column]):
        text = "" if value is None or pd.isna(value) else str(value)
        codes = [c.strip().upper() for c in text.split("/") if c.strip()]
        if not all(_ISO3.fullmatch(c) for c in codes):
            raise InputError(
                f"claimants field {column!r} holds {text[:80]!r}: expected ISO 3166-1 alpha-3 "
                "codes, one or joined by '/' (e.g. 'JPN' or 'CHN/TWN')",
                source=source,
                row=_row(zones, i),
            )
        out.append(join_claimants(codes))
    return pd.Series(out, index=zones.index, dtype=object)


def _field_named(zones: pd.DataFrame, field: str) -> str | None:
    """Return the column called ``field``: exactly, else the one equal but for case."""
    if field in zones.columns:
        return field
    same = [str(c) for c in zones.columns if str(c).casefold() == field.casefold()]
    return same[0] if len(same) == 1 else None
