"""Load incident files and validate them without losing a row.

:func:`load_incidents` reads CSV/TSV, Excel workbooks (every sheet), GeoJSON,
GeoPackage and (Geo)Parquet files, or a DataFrame; finds the position, time,
kind, title, description and source columns; places each row; and returns one
row per loaded incident. Every row that cannot be placed is listed in the
rejects table (returned by :func:`rejects`; kept as records in
``gdf.attrs["rejects"]``) with its row number, column and reason: loaded +
rejected = rows in the file.

Rows are placed column-wise: point geometries, latitude/longitude columns and
origin/bearing/distance columns in bulk with numpy and shapely; position texts
through :func:`geo.locate`, once per distinct text. Nothing is guessed silently:
ambiguous coordinate columns, dates whose day/month order the file does not
settle, and non-point geometries stop with the reason; the text encoding of a
CSV file is recorded (``attrs["encoding"]``) and named in every reject reason
when it was a guess.

Row numbers count data rows from 1 (in a CSV the header is not counted; in a
workbook, rows count within each sheet and the rejects name the sheet).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from ._dates import ParsedDates, parse_dates
from ._decode import Decoding, detect_encoding, normalise_encoding
from .coords import excerpt
from .errors import InputError, ValidationError
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import GEOD, destination
from .locate import Location, locate
from .uncertainty import (
    BEARING_HALF_SECTOR_DEG,
    MAX_DISTANCE_KM,
    coordinate_uncertainty_km,
    relative_uncertainty_km,
    shape_uncertainty_km,
)

__all__ = ["COLUMN_ALIASES", "KIND_WORDS", "load_incidents", "normal_kinds", "rejects"]

log = logging.getLogger(__name__)

#: Column names recognised for each role, compared case-insensitively.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id", "event_id"),
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "position": ("position", "position_text", "location", "coordinates", "coords", "where"),
    "date": ("date", "datetime", "time", "timestamp", "event_date", "date_utc", "when"),
    "kind": ("kind", "type", "category", "event_type"),
    "title": ("title", "name", "headline", "event"),
    "description": ("description", "details", "notes", "summary"),
    "source": ("source", "source_url", "url", "link"),
    "uncertainty_km": ("uncertainty_km", "uncertainty", "error_km"),
    "origin": ("origin", "origin_text", "launch_site"),
    "bearing": ("bearing", "bearing_deg", "azimuth", "azimuth_deg"),
    "distance_km": ("distance_km", "range_km", "distance"),  # "distance": kilometres
    "distance_nm": ("distance_nm", "range_nm"),
}

_TEXT_ROLES = ("kind", "title", "description", "source")

#: The incident kinds maps and queries know, each with the words that mean it (case,
#: spaces, hyphens and a plural "s" are ignored). Other kinds are kept as written
#: (and drawn with the "other" shape), with a warning naming them.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "missile": ("missile", "ballistic missile", "cruise missile", "icbm", "irbm", "mrbm",
                "srbm", "slbm", "rocket", "satellite launch"),
    "buoy": ("buoy", "beacon"),
    "vessel": ("vessel", "ship", "boat", "coast guard ship", "coast guard vessel", "warship",
               "patrol vessel", "patrol ship", "fishing vessel", "fishing boat", "survey ship",
               "research vessel", "submarine"),
    "aircraft": ("aircraft", "airplane", "plane", "helicopter", "drone", "uav", "jet",
                 "fighter", "bomber"),
    "other": ("other",),
}  # fmt: skip
_KIND_OF_WORD = {
    re.sub(r"[\s_-]+", " ", w): kind for kind, words in KIND_WORDS.items() for w in words
}
#: Roles where two matching columns are an error, not a first-come choice.
_COORDINATE_ROLES = {"lat": "latitude", "lon": "longitude"}
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SNIFF_CHARS = 65_536
_GEOMETRY_TYPES = (
    "Point", "LineString", "LinearRing", "Polygon",
    "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection",
)  # fmt: skip

REJECT_COLUMNS = ["row", "column", "value", "reason"]

# Where a row's position came from (the first source that has one wins).
_NONE, _GEOMETRY, _LATLON, _POSITION, _ORIGIN = range(5)


def rejects(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the rejects table that :func:`load_incidents` attached to its result.

    Columns ``row``, ``column``, ``value`` and ``reason``; from a workbook, also
    ``sheet``.
    """
    records = incidents.attrs.get("rejects") or []
    columns = ["sheet", *REJECT_COLUMNS] if any("sheet" in r for r in records) else REJECT_COLUMNS
    return pd.DataFrame(records, columns=columns)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Table:
    """One table to load: a file, a frame or a workbook sheet."""

    frame: pd.DataFrame
    name: str
    sheet: str | None = None
    #: Column names pandas made unique ("lat.1") mapped to the header they repeat.
    repeated: Mapping[str, str] = field(default_factory=dict)


def _repeated_headers(frame: pd.DataFrame) -> dict[str, str]:
    """Return the columns pandas renamed from a repeated header ("lat.1" -> "lat")."""
    names = {str(c) for c in frame.columns}
    out = {}
    for c in frame.columns:
        m = re.fullmatch(r"(.+)\.([0-9]+)", str(c))
        if m and m[1] in names:
            out[str(c)] = m[1]
    return out


def _sniff_delimiter(sample: str, suffix: str) -> str:
    """Return the delimiter of a CSV/TSV text: tab, comma, semicolon or pipe."""
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(sample.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="\t,;|").delimiter
    except csv.Error:
        return ","


def _read_text(path: Path, name: str, encoding: str | None) -> tuple[_Table, Decoding]:
    """Read a CSV/TSV file: encoding detected (or given), delimiter sniffed, all text."""
    raw = path.read_bytes()
    try:
        decoding = detect_encoding(raw, given=encoding)
    except UnicodeDecodeError as exc:
        tried = encoding or "UTF-8, cp932 (Windows-31J) or cp1252"
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"cannot decode the file as {tried}: byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start} (line {line}); pass encoding= (--encoding) with the file's encoding",
            source=name,
        ) from None
    except ValueError as exc:
        raise InputError(str(exc), source=name) from None
    sample = raw[: _SNIFF_CHARS * 4].decode(decoding.encoding, errors="ignore")[:_SNIFF_CHARS]
    frame = pd.read_csv(
        io.BytesIO(raw),
        sep=_sniff_delimiter(sample, path.suffix.lower()),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        encoding=decoding.encoding,
    )
    return _Table(frame, name, repeated=_repeated_headers(frame)), decoding


def _read_workbook(path: Path, name: str, sheet: str | None) -> list[_Table]:
    """Read every sheet of a workbook (or the one named), all cells as text."""
    with pd.ExcelFile(path) as book:
        names = [str(s) for s in book.sheet_names]
        if sheet is not None and sheet not in names:
            raise InputError(f"no sheet {sheet!r}; the sheets are {names}", source=name)
        tables = []
        for s in [sheet] if sheet is not None else names:
            frame = pd.read_excel(book, sheet_name=s, dtype=str, keep_default_na=False)
            tables.append(_Table(frame, f"{name}, sheet {s!r}", s, _repeated_headers(frame)))
    return tables


def _read_vector(path: Path, suffix: str) -> pd.DataFrame:
    """Read a GeoJSON, GeoPackage, shapefile or (Geo)Parquet file."""
    if suffix in (".parquet", ".geoparquet"):
        try:
            return gpd.read_parquet(path)
        except ValueError:  # a plain Parquet table without geo metadata
            return pd.read_parquet(path)
    return gpd.read_file(path, engine="pyogrio")


def _read(
    source: str | Path, *, encoding: str | None, sheet: str | None
) -> tuple[list[_Table], Decoding | None]:
    """Read a file into tables (one, or one per sheet) and the text decoding used."""
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("no such file", source=name)
    suffix = path.suffix.lower()
    if encoding is not None and suffix not in _TEXT_SUFFIXES:
        raise InputError(f"encoding= applies to {'/'.join(_TEXT_SUFFIXES)} files", source=name)
    if sheet is not None and suffix not in _WORKBOOK_SUFFIXES:
        raise InputError("sheet= applies to Excel workbooks (.xlsx)", source=name)
    try:
        if suffix in _TEXT_SUFFIXES:
            table, decoding = _read_text(path, name, encoding)
            return [table], decoding
        if suffix in _WORKBOOK_SUFFIXES:
            return _read_workbook(path, name, sheet), None
        return [_Table(_read_vector(path, suffix), name)], None
    except InputError:
        raise
    except Exception as exc:  # pandas and pyogrio raise many types for unreadable files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the file: {first}", source=name) from exc


# --------------------------------------------------------------------------- columns


def _find_columns(table: _Table, overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Return the column of each role; two latitude (or longitude) columns are an error."""
    frame = table.frame
    by_name: dict[str, list[str]] = {}
    for c in frame.columns:
        key = str(table.repeated.get(str(c), c)).strip().lower()
        by_name.setdefault(key, []).append(c)
    overrides = dict(overrides or {})
    found: dict[str, str] = {}
    for role, aliases in COLUMN_ALIASES.items():
        matches = [c for alias in aliases for c in by_name.get(alias, [])]
        if not matches or role in overrides:
            continue
        if role in _COORDINATE_ROLES and len(matches) > 1:
            shown = ", ".join(repr(str(table.repeated.get(str(c), c))) for c in matches)
            raise InputError(
                f"{len(matches)} {_COORDINATE_ROLES[role]} columns: {shown}; keep one, "
                f"or choose one with columns={{{role!r}: ...}}",
                source=table.name,
            )
        found[role] = matches[0]
    for role, col in overrides.items():
        if role not in COLUMN_ALIASES:
            raise InputError(f"columns: unknown role {role!r}; known: {sorted(COLUMN_ALIASES)}")
        if col not in frame.columns:
            raise InputError(
                f"columns: {role}={col!r} is not a column; columns: {_names(frame.columns)}"
            )
        found[role] = col
    return found


def _has_relative_columns(cols: Mapping[str, str]) -> bool:
    """Return whether `cols` has origin, bearing and distance columns."""
    return {"origin", "bearing"} <= set(cols) and bool({"distance_km", "distance_nm"} & set(cols))


def _geometry_4326(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    """Return the frame's geometry in EPSG:4326, or None for a frame without one."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame._geometry_column_name not in frame:
        return None
    geom = frame.geometry
    return geom.to_crs(4326) if frame.crs is not None else geom


# --------------------------------------------------------------------------- cells


def _kind_word(text: str) -> str:
    """Return the lookup form of a kind: lower case, single spaces, no final "s"."""
    t = re.sub(r"[\s_-]+", " ", str(text).casefold()).strip()
    return t if t in _KIND_OF_WORD or not t.endswith("s") else t[:-1]


def normal_kinds(kinds: pd.Series, *, source: str = "") -> pd.Series:
    """Return the kinds in the documented set (:data:`KIND_WORDS`), others as written.

    "Missile", "ICBM" and "ballistic missiles" become ``missile``; "ship" and
    "Coast Guard vessel" ``vessel``. Each change and each unknown kind is logged once.

    Examples
    --------
    >>> normal_kinds(pd.Series(["Missile", "ship", "ICBM", "buoy", "kayak", ""])).tolist()
    ['missile', 'vessel', 'missile', 'buoy', 'kayak', '']
    """
    values = kinds.fillna("").astype(str)
    out = values.copy()
    for text in pd.unique(values):
        if not text.strip():
            continue
        kind = _KIND_OF_WORD.get(_kind_word(text))
        if kind is None:
            log.warning("%skind %r is not one of %s: kept as written (drawn as 'other')",
                        f"{source}: " if source else "", text, ", ".join(KIND_WORDS))  # fmt: skip
        elif kind != text:
            out[values == text] = kind
            log.info("%skind %r read as %r", f"{source}: " if source else "", text, kind)
    return out


def _text(series: pd.Series) -> pd.Series:
    """Return a column as text, with "" for missing cells."""
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return series.fillna("")
    return series.map(str, na_action="ignore").fillna("").astype(object)


@dataclass(frozen=True)
class _Numbers:
    """A column read as numbers: values, blank cells, and cells that are not numbers."""

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray


def _numbers(series: pd.Series) -> _Numbers:
    """Read a column as floats in bulk; only cells pandas cannot read go through float()."""
    n = len(series)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return _Numbers(values, np.isnan(values), np.zeros(n, dtype=bool))
    text = _text(series).str.strip()
    blank = (text == "").to_numpy(dtype=bool)
    values = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)  # a writable copy
    bad = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(np.isnan(values) & ~blank):  # "NaN", "1e400", "１２", errors
        try:
            number = float(text.iat[i])
        except ValueError:
            bad[i] = True
            continue
        values[i] = number
    return _Numbers(values, blank, bad)


def _quote(value: object) -> str:
    """Quote a cell for a reason: text cut to a short excerpt, other values as repr."""
    return excerpt(value) if isinstance(value, str) else repr(value)


def _names(columns: Sequence[object], *, shown: int = 20) -> str:
    """Return the first column names for a message, and how many there are in all."""
    names = [str(c) for c in columns]
    more = f", ... ({len(names):,} columns)" if len(names) > shown else ""
    return "[" + ", ".join(repr(n) for n in names[:shown]) + more + "]"


def _cells(series: pd.Series, rows: np.ndarray) -> list[Any]:
    """Return the cells at positions `rows` as Python values (for the rejects table)."""
    return series.iloc[rows].tolist()


# --------------------------------------------------------------------------- placing


class _Resolver:
    """Position texts and origins, each distinct text resolved once."""

    def __init__(self, gazetteer: Gazetteer | None) -> None:
        self.gazetteer = gazetteer
        self._origins: dict[str, tuple[float, float, float] | None] = {}

    def locate(self, text: str) -> Location | str:
        """Return the location of a position text, or why it cannot be placed.

        :func:`geo.locate` refuses text over ``settings.POSITION_MAX_CHARS`` unread.
        """
        try:
            return locate(text, gazetteer=self.gazetteer)
        except ValueError as exc:
            return str(exc)

    def origin(self, text: str) -> tuple[float, float, float] | None:
        """Return (lat, lon, uncertainty_km) of an origin text, or None."""
        if text not in self._origins:
            self._origins[text] = resolve_origin(text, self.gazetteer)
        return self._origins[text]


def resolve_origin(
    text: object, gazetteer: Gazetteer | None = None
) -> tuple[float, float, float] | None:
    """Return (lat, lon, uncertainty_km) of an origin such as a launch site, or None.

    Coordinates and relative phrases are read by :func:`geo.locate`; otherwise a
    gazetteer name that appears in the text is used ("in or around Sunan near
    Pyongyang" is Sunan).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return None
    if len(str(text).strip()) > settings.POSITION_MAX_CHARS:
        return None
    try:
        loc = locate(str(text), gazetteer=gazetteer)
        return loc.lat, loc.lon, loc.uncertainty_km
    except ValueError:
        pass
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    mark = gaz.find_in(str(text))
    if mark is None:
        return None
    return float(mark["lat"]), float(mark["lon"]), float(mark["radius_km"])


def _reject_record(i: int, column: str, value: object, reason: str) -> dict[str, object]:
    """Return a rejects-table record; `i` counts rows from 0, the record from 1."""
    return {"row": i + 1, "column": column, "value": value, "reason": reason}


class _Placement:
    """Per-row positions, where each came from, and the first reason of each reject."""

    def __init__(self, n: int) -> None:
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)
        self.uncertainty_km = np.full(n, np.nan)
        self.shape_km = np.full(n, np.nan)
        self.source = np.zeros(n, dtype=np.int8)
        self.rejected = np.zeros(n, dtype=bool)
        self.problems: dict[int, dict[str, object]] = {}

    @property
    def open(self) -> np.ndarray:
        """Return a mask of the rows neither placed nor rejected yet."""
        return (self.source == _NONE) & ~self.rejected

    @property
    def placed(self) -> np.ndarray:
        """Return a mask of the rows placed and not rejected."""
        return (self.source != _NONE) & ~self.rejected

    def place(self, rows: np.ndarray, lat: Any, lon: Any, uncertainty_km: Any, source: int) -> None:
        """Place `rows` (positions) from one source."""
        self.lat[rows], self.lon[rows] = lat, lon
        self.uncertainty_km[rows] = uncertainty_km
        self.source[rows] = source

    def reject(
        self, rows: np.ndarray, column: str, values: Sequence[Any], reasons: str | Sequence[str]
    ) -> None:
        """Reject `rows` with their values and reasons; a row keeps its first reason."""
        rows = np.asarray(rows, dtype=int)
        texts = [reasons] * len(rows) if isinstance(reasons, str) else list(reasons)
        for i, value, reason in zip(rows.tolist(), values, texts, strict=True):
            if not self.rejected[i]:
                self.problems[i] = _reject_record(i, column, value, reason)
        self.rejected[rows] = True


@dataclass(frozen=True)
class _Rows:
    """The rows of one table, as every placing step sees them."""

    frame: pd.DataFrame
    cols: dict[str, str]
    geometry: gpd.GeoSeries | None
    resolver: _Resolver
    name: str


def _place_geometry(
    rows: _Rows, placement: _Placement, how: Literal["centroid", "representative"] | None
) -> None:
    """Place rows from point geometries; other shapes by `how`, or reject them."""
    if rows.geometry is None:
        return
    shapes = np.asarray(rows.geometry.array, dtype=object)
    present = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))
    kinds = shapely.get_type_id(shapes)
    points = np.flatnonzero(present & (kinds == 0))
    placement.place(
        points, shapely.get_y(shapes[points]), shapely.get_x(shapes[points]), np.nan, _GEOMETRY
    )
    other = np.flatnonzero(present & (kinds != 0))
    if not len(other):
        return
    names = [_GEOMETRY_TYPES[k] for k in kinds[other]]
    if how is None:
        reasons = [
            f"geometry is a {t}; pass geometry='centroid' or 'representative'" for t in names
        ]
        counts = shapely.get_num_coordinates(shapes[other])
        values = [f"{t} ({k} vertices)" for t, k in zip(names, counts, strict=True)]
        placement.reject(other, "geometry", values, reasons)
        return
    chosen = (
        shapely.centroid(shapes[other])
        if how == "centroid"
        else shapely.point_on_surface(shapes[other])
    )
    radius = shape_uncertainty_km(chosen, shapes[other])
    placement.place(other, shapely.get_y(chosen), shapely.get_x(chosen), radius, _GEOMETRY)
    placement.shape_km[other] = radius


def _place_latlon(rows: _Rows, placement: _Placement) -> None:
    """Place rows from their latitude and longitude columns, in bulk."""
    if not {"lat", "lon"} <= set(rows.cols):
        return
    lat_col, lon_col = rows.cols["lat"], rows.cols["lon"]
    raw_lat, raw_lon = rows.frame[lat_col], rows.frame[lon_col]
    lat, lon = _numbers(raw_lat), _numbers(raw_lon)
    todo = placement.open & ~(lat.blank & lon.blank)
    for raw, num, col, what in ((raw_lat, lat, lat_col, "latitude"), (raw_lon, lon, lon_col,
                                                                         "longitude")):  # fmt: skip
        bad = np.flatnonzero(todo & num.bad)
        values = _cells(raw, bad)
        placement.reject(bad, col, values, [f"{what} {_quote(v)} is not a number" for v in values])
    missing = np.flatnonzero(todo & (lat.blank | lon.blank))
    placement.reject(missing, lon_col, _cells(raw_lon, missing), "latitude or longitude is missing")
    ok = np.flatnonzero(todo & ~placement.rejected)
    placement.place(ok, lat.values[ok], lon.values[ok], np.nan, _LATLON)


@dataclass(frozen=True)
class _TextPlaces:
    """Where the position texts of rows already placed by coordinates point."""

    rows: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    uncertainty_km: np.ndarray


def _locate_texts(texts: pd.Series, resolver: _Resolver) -> tuple[np.ndarray, list[Any]]:
    """Return (codes, results): each distinct text located once, results by code."""
    codes, uniques = pd.factorize(texts)
    return codes, [resolver.locate(str(u)) for u in uniques]


def _place_positions(rows: _Rows, placement: _Placement) -> _TextPlaces | None:
    """Place open rows from their position text; locate the texts of placed rows too."""
    if "position" not in rows.cols:
        return None
    col = rows.cols["position"]
    text = _text(rows.frame[col])
    nonblank = text.str.strip().ne("").to_numpy(dtype=bool)
    by_coordinates = placement.placed & np.isin(placement.source, (_GEOMETRY, _LATLON))
    want = np.flatnonzero(nonblank & (placement.open | by_coordinates))
    if not len(want):
        return None
    codes, results = _locate_texts(text.iloc[want], rows.resolver)
    found = np.array([isinstance(r, Location) for r in results], dtype=bool)[codes]
    lat, lon, unc = (
        np.array([getattr(r, a, np.nan) for r in results], dtype=float)[codes]
        for a in ("lat", "lon", "uncertainty_km")
    )
    is_open = placement.open[want]
    bad = want[is_open & ~found]
    reasons = [str(results[c]) for c in codes[is_open & ~found]]
    placement.reject(bad, col, _cells(text, bad), reasons)
    ok = is_open & found
    placement.place(want[ok], lat[ok], lon[ok], unc[ok], _POSITION)
    placed = ~is_open
    return _TextPlaces(want[placed], lat[placed], lon[placed], unc[placed])


def _origin_positions(
    rows: _Rows, todo: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Return (lat, lon, uncertainty_km, texts) of the origins of rows `todo` (NaN if unknown)."""
    texts = _cells(_text(rows.frame[rows.cols["origin"]]), todo)
    found = [rows.resolver.origin(t) for t in texts]
    lat, lon, unc = (np.array([o[k] if o else np.nan for o in found]) for k in range(3))
    return lat, lon, unc, texts


@dataclass(frozen=True)
class _Limits:
    """The allowed range of a number column and the words for values outside it."""

    low: float
    high: float
    too_low: str
    too_high: str


def _check_number(
    placement: _Placement,
    rows: np.ndarray,
    raw: pd.Series,
    num: _Numbers,
    name: str,
    limits: _Limits,
) -> None:
    """Reject rows whose number is missing, not a number, not finite or out of range."""
    values = num.values[rows]
    checks = (
        (num.blank[rows], lambda v, c: f"{name} is missing"),
        (num.bad[rows], lambda v, c: f"{name} {_quote(c)} is not a number"),
        (~np.isfinite(values) & ~num.bad[rows] & ~num.blank[rows],
         lambda v, c: f"{name} {_quote(c)} is not a finite number"),
        (values < limits.low, lambda v, c: f"{name} {v:g} {limits.too_low}"),
        (values > limits.high, lambda v, c: f"{name} {v:g} {limits.too_high}"),
    )  # fmt: skip
    for mask, reason in checks:
        pick = rows[mask & ~placement.rejected[rows]]
        cells = _cells(raw, pick)
        reasons = [reason(v, c) for v, c in zip(num.values[pick], cells, strict=True)]
        placement.reject(pick, str(raw.name), cells, reasons)


def _beyond(unit_km: float, unit: str) -> str:
    """Return the words for a distance over half the Earth's circumference."""
    return f"is beyond half the Earth's circumference ({MAX_DISTANCE_KM / unit_km:,.0f} {unit})"


def _place_origins(rows: _Rows, placement: _Placement) -> None:
    """Place open rows from origin, bearing and distance columns, in bulk."""
    if not _has_relative_columns(rows.cols):
        return
    cols, frame = rows.cols, rows.frame
    distance_role = "distance_km" if "distance_km" in cols else "distance_nm"
    origin_text = _text(frame[cols["origin"]]).str.strip().ne("").to_numpy(dtype=bool)
    bearing, distance = _numbers(frame[cols["bearing"]]), _numbers(frame[cols[distance_role]])
    todo = np.flatnonzero(placement.open & ~(~origin_text & bearing.blank & distance.blank))
    if not len(todo):
        return
    lat, lon, unc, texts = _origin_positions(rows, todo)
    unknown = np.isnan(lat)
    placement.reject(
        todo[unknown], cols["origin"], [t for t, u in zip(texts, unknown, strict=True) if u],
        [
            f"cannot place origin {_quote(t)}" if t.strip() else "origin is missing"
            for t, u in zip(texts, unknown, strict=True)
            if u
        ],
    )  # fmt: skip
    compass = _Limits(0.0, 360.0, "is outside 0..360", "is outside 0..360")
    _check_number(placement, todo, frame[cols["bearing"]], bearing, "bearing", compass)
    unit_km = 1.0 if distance_role == "distance_km" else settings.NM_M / 1000.0
    unit = distance_role.rsplit("_", 1)[1]
    reach = _Limits(0.0, MAX_DISTANCE_KM / unit_km, "is negative", _beyond(unit_km, unit))
    _check_number(placement, todo, frame[cols[distance_role]], distance, distance_role, reach)
    ok = ~placement.rejected[todo]
    d_km = distance.values[todo][ok] * unit_km
    end_lon, end_lat = destination(lon[ok], lat[ok], bearing.values[todo][ok], d_km * 1000.0)
    spread = relative_uncertainty_km(
        d_km, half_sector_deg=BEARING_HALF_SECTOR_DEG, hedged=False, landmark_km=unc[ok]
    )
    placement.place(todo[ok], end_lat, end_lon, spread, _ORIGIN)


def _blame(rows: _Rows, source: int) -> tuple[str, str, pd.Series | None]:
    """Return (latitude column, longitude column, cells) to name for a position's source."""
    cols = rows.cols
    if source == _LATLON:
        return cols["lat"], cols["lon"], rows.frame[cols["lon"]]
    if source == _POSITION:
        return cols["position"], cols["position"], rows.frame[cols["position"]]
    if source == _ORIGIN:
        return cols["origin"], cols["origin"], rows.frame[cols["origin"]]
    return "geometry", "geometry", None


def _check_ranges(rows: _Rows, placement: _Placement) -> None:
    """Reject positions out of range or not finite, and the (0, 0) placeholder."""
    for source in (_GEOMETRY, _LATLON, _POSITION, _ORIGIN):
        pick = np.flatnonzero(placement.placed & (placement.source == source))
        if not len(pick):
            continue
        lat_col, lon_col, cells = _blame(rows, source)
        lat, lon = placement.lat[pick], placement.lon[pick]
        bad_lat = ~(np.abs(lat) <= 90.0)
        reasons = [
            f"latitude {a:g} is not a finite number" if not np.isfinite(a)
            else f"latitude {a:g} is outside -90..90"
            + (" (are latitude and longitude swapped?)" if -90 <= b <= 90 else "")
            for a, b in zip(lat[bad_lat], lon[bad_lat], strict=True)
        ]  # fmt: skip
        placement.reject(pick[bad_lat], lat_col, lat[bad_lat].tolist(), reasons)
        bad_lon = ~(np.abs(lon) <= 180.0)
        reasons = [
            f"longitude {b:g} is not a finite number" if not np.isfinite(b)
            else f"longitude {b:g} is outside -180..180"
            for b in lon[bad_lon]
        ]  # fmt: skip
        placement.reject(pick[bad_lon], lon_col, lon[bad_lon].tolist(), reasons)
        null = pick[(lat == 0.0) & (lon == 0.0)]
        values = _cells(cells, null) if cells is not None else ["POINT (0 0)"] * len(null)
        placement.reject(null, lon_col, values, "position (0, 0) is a placeholder, not a location")


def _apply_uncertainty(rows: _Rows, placement: _Placement) -> None:
    """Use the uncertainty_km column where given; reject values that are not a radius."""
    if "uncertainty_km" not in rows.cols:
        return
    raw = rows.frame[rows.cols["uncertainty_km"]]
    given = _numbers(raw)
    pick = np.flatnonzero(placement.placed & ~given.blank)
    radius = _Limits(0.0, MAX_DISTANCE_KM, "is negative", _beyond(1.0, "km"))
    _check_number(placement, pick, raw, given, "uncertainty_km", radius)
    ok = pick[~placement.rejected[pick]]
    shape = placement.shape_km[ok]
    value = given.values[ok]
    placement.uncertainty_km[ok] = np.where(np.isnan(shape), value, np.fmax(value, shape))


def _coordinate_spread_km(rows: _Rows, placement: _Placement, pick: np.ndarray) -> np.ndarray:
    """Return the uncertainty of coordinates: given, or from the digits of lat/lon cells."""
    spread = placement.uncertainty_km[pick].copy()
    latlon = np.flatnonzero(np.isnan(spread) & (placement.source[pick] == _LATLON))
    if len(latlon):
        lat = _cells(rows.frame[rows.cols["lat"]], pick[latlon])
        lon = _cells(rows.frame[rows.cols["lon"]], pick[latlon])
        spread[latlon] = [
            coordinate_uncertainty_km(f"{a}, {b}") for a, b in zip(lat, lon, strict=True)
        ]
    return np.nan_to_num(spread, nan=0.0)


def _check_agreement(rows: _Rows, placement: _Placement, texts: _TextPlaces | None) -> None:
    """Reject rows whose coordinates and position text are farther apart than both allow."""
    if texts is None or not len(texts.rows):
        return
    placed = placement.placed[texts.rows]
    unread = placed & np.isnan(texts.lat)
    if unread.any():
        log.warning(
            "%s: %d rows have coordinates and a position text that cannot be placed; "
            "the coordinates are used",
            rows.name,
            int(unread.sum()),
        )
    keep = placed & ~np.isnan(texts.lat)
    pick = texts.rows[keep]
    _, _, metres = GEOD.inv(
        placement.lon[pick], placement.lat[pick], texts.lon[keep], texts.lat[keep]
    )
    km = np.asarray(metres) / 1000.0
    allowed = texts.uncertainty_km[keep] + _coordinate_spread_km(rows, placement, pick)
    far = km > allowed
    what = np.where(placement.source[pick] == _GEOMETRY, "geometry", "lat/lon")
    reasons = [
        f"{w} ({a:.4f}, {b:.4f}) and the position text ({c:.4f}, {d:.4f}) are {k:,.1f} km "
        f"apart, more than their uncertainties allow ({u:,.1f} km)"
        for w, a, b, c, d, k, u in zip(
            what[far], placement.lat[pick][far], placement.lon[pick][far], texts.lat[keep][far],
            texts.lon[keep][far], km[far], allowed[far], strict=True,
        )
    ]  # fmt: skip
    col = rows.cols["position"]
    placement.reject(pick[far], col, _cells(rows.frame[col], pick[far]), reasons)


def _reject_unplaced(rows: _Rows, placement: _Placement) -> None:
    """Reject the rows that no source placed."""
    left = np.flatnonzero(placement.open)
    column = rows.cols.get("position", rows.cols.get("lat", "geometry"))
    placement.reject(left, column, [""] * len(left), "no position")


def _check_coordinates_present(rows: _Rows) -> None:
    """Raise unless the frame has at least one source of positions."""
    cols = rows.cols
    if (
        rows.geometry is None
        and "position" not in cols
        and not {"lat", "lon"} <= set(cols)
        and not _has_relative_columns(cols)
    ):
        raise InputError(
            "no coordinate columns: expected lat/lon (or latitude/longitude), a position "
            f"column, or columns={{'lat': ..., 'lon': ...}}; found {_names(rows.frame.columns)}",
            source=rows.name,
        )


# --------------------------------------------------------------------------- dates, duplicates


def _dates(rows: _Rows, placement: _Placement, dayfirst: bool | None) -> ParsedDates:
    """Return the dates in UTC with their precision; reject placed rows with bad dates."""
    n = len(rows.frame)
    if "date" not in rows.cols:
        empty = pd.Series(pd.NaT, index=rows.frame.index, dtype="datetime64[us, UTC]")
        return ParsedDates(empty, pd.Series("", index=rows.frame.index), {})
    raw = rows.frame[rows.cols["date"]]
    try:
        parsed = parse_dates(raw, dayfirst=dayfirst)
    except InputError as exc:
        raise InputError(exc.reason, source=rows.name) from None
    bad = np.array([i for i in parsed.problems if i < n and placement.placed[i]], dtype=int)
    reasons = [parsed.problems[int(i)] for i in bad]
    placement.reject(bad, str(raw.name), _cells(raw, bad), reasons)
    return parsed


def _reject_duplicates(rows: _Rows, placement: _Placement, dates: pd.Series) -> None:
    """Reject placed rows with the same position, date and title as an earlier one."""
    pick = np.flatnonzero(placement.placed)
    titles = (
        _text(rows.frame[rows.cols["title"]]).iloc[pick].reset_index(drop=True)
        if "title" in rows.cols
        else ""
    )
    stamps = dates.dt.tz_localize(None).to_numpy()[pick].view("int64")  # NaT is one value
    keys = pd.DataFrame(
        {
            "lat": np.round(placement.lat[pick], 5),
            "lon": np.round(placement.lon[pick], 5),
            "date": stamps,
            "title": titles,
        }
    )
    repeat = keys.duplicated(keep="first").to_numpy()
    if not repeat.any():
        return
    first = keys.assign(i=pick).groupby(list(keys.columns), sort=False, dropna=False)["i"]
    first_row = first.transform("first").to_numpy()[repeat]
    reasons = [f"duplicate of row {int(j) + 1}" for j in first_row]
    placement.reject(pick[repeat], "", [""] * int(repeat.sum()), reasons)


# --------------------------------------------------------------------------- assembling


def _origin_columns(rows: _Rows, pick: np.ndarray) -> dict[str, Any]:
    """Return origin_text, origin_lat, origin_lon and origin_uncertainty_km of rows `pick`."""
    texts = _cells(_text(rows.frame[rows.cols["origin"]]), pick)
    found = [rows.resolver.origin(t) for t in texts]
    columns: dict[str, Any] = {"origin_text": texts}
    for k, name in enumerate(("origin_lat", "origin_lon", "origin_uncertainty_km")):
        columns[name] = np.array([o[k] if o else np.nan for o in found], dtype=float)
    return columns


def _core_columns(
    rows: _Rows, placement: _Placement, dates: ParsedDates, pick: np.ndarray, ids: str | None
) -> pd.DataFrame:
    """Return the standard columns of the placed rows `pick`, indexed as the input."""
    frame, cols = rows.frame, rows.cols

    def take(series: pd.Series) -> pd.Series:
        return series.iloc[pick].reset_index(drop=True)

    data: dict[str, Any] = {"row": pick + 1}
    if ids is not None:  # a workbook: the sheet, and ids unique across sheets
        data["sheet"] = ids
    if "id" in cols:
        data["incident_id"] = take(_text(frame[cols["id"]])).astype(str)
    else:
        prefix = f"{ids}:" if ids is not None else ""
        data["incident_id"] = prefix + pd.Series(pick + 1).astype(str)
    data["date"] = take(dates.dates)
    data["date_precision"] = take(dates.precision).astype(str)
    for role in (*_TEXT_ROLES, "position"):
        name = "position_text" if role == "position" else role
        data[name] = take(_text(frame[cols[role]])) if role in cols else ""
    if "kind" in cols:
        data["kind"] = normal_kinds(data["kind"])
    data["uncertainty_km"] = placement.uncertainty_km[pick]
    if "origin" in cols:
        data.update(_origin_columns(rows, pick))
    data["lat"], data["lon"] = placement.lat[pick], placement.lon[pick]
    core = pd.DataFrame(data, index=pd.RangeIndex(len(pick)))
    core.index = frame.index[pick]
    return core


def _assemble(
    rows: _Rows, placement: _Placement, dates: ParsedDates, sheet: str | None
) -> gpd.GeoDataFrame:
    """Build the output frame: our columns, the file's others and the points, in one concat.

    Each step over the file's columns is one pandas operation (a 20,000-column
    file costs seconds, not one insert per column).
    """
    frame = rows.frame
    pick = np.flatnonzero(placement.placed)
    core = _core_columns(rows, placement, dates, pick, sheet)
    used = set(rows.cols.values())
    if rows.geometry is not None:
        used.add(rows.geometry.name)
    keep = [j for j, c in enumerate(frame.columns) if c not in used]
    points = gpd.GeoSeries(
        shapely.points(placement.lon[pick], placement.lat[pick]), index=core.index, name="geometry"
    )
    parts: list[pd.DataFrame | pd.Series] = [core]
    if keep:
        extra = pd.DataFrame(frame.iloc[pick, keep])
        clash = {c: f"{c}_input" for c in extra.columns if c in core.columns or c == "geometry"}
        if clash:
            log.info("%s: columns %s renamed to keep them beside ours", rows.name, sorted(clash))
            extra = extra.rename(columns=clash)
        parts.append(extra)
    out = pd.concat([*parts, points], axis=1)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=settings.DEFAULT_CRS)


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Options:
    """The options of :func:`load_incidents` that every table uses."""

    columns: Mapping[str, str] | None
    duplicates: Literal["reject", "keep"]
    gazetteer: Gazetteer | None
    dayfirst: bool | None
    geometry: Literal["centroid", "representative"] | None


@dataclass(frozen=True)
class _Loaded:
    """One table loaded: the incidents, the rejects records and the rows read."""

    incidents: gpd.GeoDataFrame
    problems: list[dict[str, object]]
    rows_read: int
    sheet: str | None


def _place(rows: _Rows, options: _Options) -> _Placement:
    """Place every row: each source in bulk, in order of precedence, then check them."""
    placement = _Placement(len(rows.frame))
    _place_geometry(rows, placement, options.geometry)
    _place_latlon(rows, placement)
    texts = _place_positions(rows, placement)
    _place_origins(rows, placement)
    _reject_unplaced(rows, placement)
    _check_ranges(rows, placement)
    _apply_uncertainty(rows, placement)
    _check_agreement(rows, placement, texts)
    return placement


def _load_table(table: _Table, options: _Options, resolver: _Resolver) -> _Loaded:
    """Load one table: columns, positions, dates, duplicates, the output frame."""
    cols = _find_columns(table, options.columns)
    rows = _Rows(table.frame, cols, _geometry_4326(table.frame), resolver, table.name)
    _check_coordinates_present(rows)
    placement = _place(rows, options)
    dates = _dates(rows, placement, options.dayfirst)
    if options.duplicates == "reject":
        _reject_duplicates(rows, placement, dates.dates)
    problems = [placement.problems[i] for i in sorted(placement.problems)]
    if table.sheet is not None:
        problems = [{"sheet": table.sheet, **p} for p in problems]
    incidents = _assemble(rows, placement, dates, table.sheet)
    return _Loaded(incidents, problems, len(table.frame), table.sheet)


def _load_tables(tables: list[_Table], options: _Options, resolver: _Resolver) -> list[_Loaded]:
    """Load each table; a workbook's empty sheets count as 0 rows."""
    loaded = []
    for table in tables:
        if table.sheet is not None and len(table.frame.columns) == 0:
            empty = gpd.GeoDataFrame(geometry=[], crs=settings.DEFAULT_CRS)
            loaded.append(_Loaded(empty, [], 0, table.sheet))
            continue
        if len(table.frame.columns) == 0:
            raise InputError("the file has no columns", source=table.name)
        try:
            loaded.append(_load_table(table, options, resolver))
        except InputError as exc:
            if table.sheet is None or len(tables) == 1:
                raise
            hint = "; to read one sheet, pass sheet= (--sheet)"
            raise InputError(exc.reason + hint, source=exc.source, row=exc.row) from None
    if not any(len(t.frame.columns) for t in tables):
        raise InputError("the file has no columns", source=tables[0].name.split(", sheet ")[0])
    return loaded


def _with_decoding(problems: list[dict[str, object]], decoding: Decoding | None) -> None:
    """Name a guessed text encoding in every reject reason, so a wrong guess shows."""
    if decoding is None or not decoding.guessed:
        return
    note = f" [text read as {decoding.describe()}; pass encoding= if that is wrong]"
    for p in problems:
        p["reason"] = f"{p['reason']}{note}"


def _validation_error(problems: list[dict[str, object]], name: str) -> ValidationError:
    """Return the error for ``errors="raise"``: the first reject and how many more."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more rejected rows)" if len(problems) > 1 else ""
    where = f"{name}, sheet {first['sheet']!r}" if "sheet" in first else name
    row = first["row"]
    return ValidationError(
        f"{first['column']}: {first['reason']}{more}",
        source=where,
        row=row if isinstance(row, int) else None,
    )


def _combine(loaded: list[_Loaded]) -> gpd.GeoDataFrame:
    """Return the incidents of every table as one frame (a workbook's sheets in order)."""
    if len(loaded) == 1:
        return loaded[0].incidents
    frames = [x.incidents for x in loaded if len(x.incidents.columns) > 1]
    merged = pd.concat(frames, ignore_index=True) if frames else loaded[0].incidents
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.DEFAULT_CRS)


def _check_options(
    errors: str, duplicates: str, geometry: str | None, dayfirst: object, encoding: str | None
) -> None:
    """Raise InputError for an option value that is not one of the allowed ones."""
    if errors not in ("report", "raise"):
        raise InputError(f"errors must be 'report' or 'raise', not {errors!r}")
    if duplicates not in ("reject", "keep"):
        raise InputError(f"duplicates must be 'reject' or 'keep', not {duplicates!r}")
    if geometry not in (None, "centroid", "representative"):
        raise InputError(f"geometry must be None, 'centroid' or 'representative', not {geometry!r}")
    if dayfirst not in (None, True, False):
        raise InputError(f"dayfirst must be True, False or None, not {dayfirst!r}")
    if encoding is not None:
        try:
            normalise_encoding(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None


def _tables(
    source: str | Path | pd.DataFrame, *, sheet: str | None, encoding: str | None
) -> tuple[list[_Table], Decoding | None, str]:
    """Return the tables of a file or frame, the text decoding used and the source's name."""
    if isinstance(source, pd.DataFrame):
        if sheet is not None or encoding is not None:
            raise InputError("sheet= and encoding= apply to files, not frames")
        return [_Table(source, "frame")], None, "frame"
    tables, decoding = _read(source, encoding=encoding, sheet=sheet)
    return tables, decoding, str(source)


def _attach(
    gdf: gpd.GeoDataFrame,
    loaded: list[_Loaded],
    problems: list[dict[str, object]],
    name: str,
    decoding: Decoding | None,
) -> None:
    """Attach the rejects, counts, encoding and per-sheet counts to ``gdf.attrs``."""
    # attrs hold plain records, not a frame: pandas compares attrs when combining frames.
    gdf.attrs["rejects"] = problems
    gdf.attrs["source"] = name
    gdf.attrs["rows_read"] = sum(x.rows_read for x in loaded)
    if decoding is not None:
        gdf.attrs["encoding"] = decoding.encoding
        gdf.attrs["encoding_confidence"] = decoding.confidence
        gdf.attrs["encoding_note"] = decoding.describe()
    if any(x.sheet is not None for x in loaded):
        gdf.attrs["sheets"] = {
            x.sheet: {"rows": x.rows_read, "loaded": len(x.incidents), "rejected": len(x.problems)}
            for x in loaded
        }


def load_incidents(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Literal["report", "raise"] = "report",
    duplicates: Literal["reject", "keep"] = "reject",
    gazetteer: Gazetteer | None = None,
    dayfirst: bool | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    geometry: Literal["centroid", "representative"] | None = None,
) -> gpd.GeoDataFrame:
    """Load incidents from a file or frame.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (delimiter sniffed, encoding detected), Excel .xlsx (every sheet),
        GeoJSON, GeoPackage or (Geo)Parquet file, or a (Geo)DataFrame.
    columns : mapping, optional
        Explicit column roles, e.g. ``{"lat": "Lat_deg", "position": "Where"}``.
        Roles: see :data:`COLUMN_ALIASES`. Needed when two columns could be the
        latitude (``Lat`` and ``LAT``, ``lat`` and ``latitude``) or the longitude.
    errors : {"report", "raise"}, default "report"
        ``"report"`` loads the good rows and lists the others in
        ``attrs["rejects"]``; ``"raise"`` raises :class:`~geo.errors.ValidationError`
        naming the first bad row.
    duplicates : {"reject", "keep"}, default "reject"
        A row with the same position, time and title as an earlier one is rejected
        as "duplicate of row N", or kept.
    gazetteer : Gazetteer, optional
        Landmarks for positions given as phrases.
    dayfirst : bool, optional
        Whether ``12/07/2023`` is 12 July (True) or December 7 (False). By default
        the file must settle it: a file whose dates could be either, or mix both,
        is refused with the dates that conflict.
    sheet : str, optional
        Read only this sheet of a workbook (by default every sheet is read).
    encoding : str, optional
        The text encoding of a CSV/TSV file (by default detected: UTF-8, else
        cp932 or cp1252; "shift_jis" means cp932, i.e. Windows-31J).
    geometry : {"centroid", "representative"}, optional
        How to place a row whose geometry is not a point (a polygon, a line).
        By default such rows are rejected. With a choice, the row is placed at
        the shape's centroid or at a point on it, and ``uncertainty_km`` covers
        the whole shape (the geodesic distance to its farthest vertex).

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326 with columns ``row`` (the source row number; from a
        workbook also ``sheet``), ``incident_id``, ``date`` (UTC),
        ``date_precision`` ("year", "month", "day", "time" or ""), ``kind``,
        ``title``, ``description``, ``source``, ``position_text``,
        ``uncertainty_km``, ``lat``, ``lon`` and the file's other columns (a
        name that clashes with ours gets ``_input`` appended). ``attrs``:
        ``rejects``, ``source``, ``rows_read``; ``encoding`` and
        ``encoding_confidence`` of text files; ``sheets`` of workbooks (counts).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"lat": [26.07, 95.0], "lon": [122.73, 130.0]})
    >>> gdf = load_incidents(frame)
    >>> len(gdf), rejects(gdf)["reason"].tolist()
    (1, ['latitude 95 is outside -90..90'])
    """
    _check_options(errors, duplicates, geometry, dayfirst, encoding)
    options = _Options(columns, duplicates, gazetteer, dayfirst, geometry)
    tables, decoding, name = _tables(source, sheet=sheet, encoding=encoding)
    loaded = _load_tables(tables, options, _Resolver(gazetteer))
    problems = [p for x in loaded for p in x.problems]
    _with_decoding(problems, decoding)
    if errors == "raise" and problems:
        raise _validation_error(problems, name)
    gdf = _combine(loaded)
    _attach(gdf, loaded, problems, name, decoding)
    if problems:
        log.info("%s: %d of %d rows rejected", name, len(problems), gdf.attrs["rows_read"])
    return gdf
