"""Load incident files and validate them without losing a row.

:func:`load_incidents` reads CSV/TSV, GeoJSON, GeoPackage and GeoParquet files
(or a DataFrame), finds the position, time, kind, title, description and source
columns, resolves positions given as text with :func:`geo.locate`, and returns
one row per loaded incident. Every row that cannot be placed is listed in the
rejects table (returned by :func:`rejects`; kept as records in ``gdf.attrs["rejects"]``) with
its row number, column and reason: loaded + rejected = rows in the file.

Row numbers count data rows from 1 (in a CSV the header is not counted).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from .errors import InputError, ValidationError
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import destination
from .locate import locate
from .uncertainty import BEARING_HALF_SECTOR_DEG, relative_uncertainty_km

__all__ = ["COLUMN_ALIASES", "load_incidents", "rejects"]

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
    "distance_km": ("distance_km", "range_km"),
    "distance_nm": ("distance_nm", "range_nm"),
}

_TEXT_ROLES = ("kind", "title", "description", "source")

REJECT_COLUMNS = ["row", "column", "value", "reason"]


def rejects(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the rejects table that :func:`load_incidents` attached to its result."""
    records = incidents.attrs.get("rejects") or []
    return pd.DataFrame(records, columns=REJECT_COLUMNS)


def _read(source: str | Path) -> tuple[pd.DataFrame, str]:
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("no such file", source=name)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else None
            if text is None:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("shift_jis")
            sep = _sniff_delimiter(text, suffix)
            from io import StringIO

            frame = pd.read_csv(
                StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True
            )
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        elif suffix in (".parquet", ".geoparquet"):
            frame = gpd.read_parquet(path)
        else:
            frame = gpd.read_file(path, engine="pyogrio")
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode the file as UTF-8 or Shift_JIS ({exc.reason})", source=name
        ) from exc
    except Exception as exc:  # pandas and pyogrio raise many types for unreadable files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the file: {first}", source=name) from exc
    if len(frame.columns) == 0:
        raise InputError("the file has no columns", source=name)
    return frame, name


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Return the delimiter of a CSV/TSV text: tab, comma, semicolon or pipe."""
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="\t,;|").delimiter
    except csv.Error:
        return ","


def _find_columns(frame: pd.DataFrame, overrides: Mapping[str, str] | None) -> dict[str, str]:
    lower = {str(c).strip().lower(): c for c in frame.columns}
    found: dict[str, str] = {}
    for role, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in lower:
                found[role] = lower[alias]
                break
    for role, col in (overrides or {}).items():
        if role not in COLUMN_ALIASES:
            raise InputError(f"columns: unknown role {role!r}; known: {sorted(COLUMN_ALIASES)}")
        if col not in frame.columns:
            raise InputError(
                f"columns: {role}={col!r} is not a column; columns: {list(frame.columns)}"
            )
        found[role] = col
    return found


def _as_float(value: object) -> float | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return float(text)


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


def _has_relative_columns(cols: Mapping[str, str]) -> bool:
    """Return whether `cols` has origin, bearing and distance columns."""
    return {"origin", "bearing"} <= set(cols) and bool({"distance_km", "distance_nm"} & set(cols))


def _from_origin(
    row: pd.Series, cols: Mapping[str, str], gazetteer: Gazetteer | None
) -> tuple[float, float, float]:
    """Return (lat, lon, uncertainty_km) of a row given as origin, bearing and distance."""
    origin = resolve_origin(row[cols["origin"]], gazetteer)
    if origin is None:
        raise ValueError(f"cannot place origin {row[cols['origin']]!r}")
    try:
        bearing = float(row[cols["bearing"]])
        if "distance_km" in cols:
            distance_km = float(row[cols["distance_km"]])
        else:
            distance_km = float(row[cols["distance_nm"]]) * settings.NM_M / 1000.0
    except ValueError:
        raise ValueError("bearing or distance is not a number") from None
    lon, lat = destination(origin[1], origin[0], bearing, distance_km * 1000.0)
    unc = relative_uncertainty_km(
        distance_km,
        half_sector_deg=BEARING_HALF_SECTOR_DEG,
        hedged=False,
        landmark_km=origin[2],
    )
    return float(lat), float(lon), unc


class _RowError(ValueError):
    """Why a row is rejected, with the column and value to report."""

    def __init__(self, column: str, value: object, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value

    def record(self, i: int) -> dict[str, object]:
        """Return the rejects-table record of this error for row index `i` (from 0)."""
        return _reject_record(i, self.column, self.value, str(self))


def _reject_record(i: int, column: str, value: object, reason: str) -> dict[str, object]:
    """Return a rejects-table record; `i` counts rows from 0, the record from 1."""
    return {"row": i + 1, "column": column, "value": value, "reason": reason}


@dataclass(frozen=True)
class _Rows:
    """The rows to place, as every placer sees them."""

    frame: pd.DataFrame
    cols: dict[str, str]
    geometry: gpd.GeoSeries | None
    gazetteer: Gazetteer | None

    def cell(self, role: str, i: int) -> Any:
        """Return the value of the `role` column in row index `i`."""
        return self.frame[self.cols[role]].iloc[i]


@dataclass(frozen=True)
class _Placed:
    """A row's position from one source, and the columns to blame if it is invalid."""

    lat: float
    lon: float
    uncertainty_km: float
    column: str
    value: object
    lat_column: str
    lon_column: str


#: A placer returns a row's position from one source, None when that source has
#: nothing for the row, or raises :class:`_RowError` when the row cannot be placed.
_Placer = Callable[[_Rows, int], _Placed | None]


def _place_from_geometry(rows: _Rows, i: int) -> _Placed | None:
    """Place row `i` from the frame's geometry (a non-point by a point inside it)."""
    if rows.geometry is None:
        return None
    g = rows.geometry.iloc[i]
    if g is None or g.is_empty:
        return None
    if g.geom_type != "Point":
        g = g.representative_point()
    return _Placed(g.y, g.x, np.nan, "geometry", g.wkt, "geometry", "geometry")


def _place_from_latlon(rows: _Rows, i: int) -> _Placed | None:
    """Place row `i` from its latitude and longitude columns."""
    if not {"lat", "lon"} <= set(rows.cols):
        return None
    lat_col, lon_col = rows.cols["lat"], rows.cols["lon"]
    raw_lat, raw_lon = rows.cell("lat", i), rows.cell("lon", i)
    if not (str(raw_lat).strip() or str(raw_lon).strip()):
        return None
    lat = _parse_coordinate(raw_lat, lat_col, "latitude")
    lon = _parse_coordinate(raw_lon, lon_col, "longitude")
    if lat is None or lon is None:
        raise _RowError(lon_col, raw_lon, "latitude or longitude is missing")
    return _Placed(lat, lon, np.nan, lon_col, raw_lon, lat_col, lon_col)


def _parse_coordinate(value: object, column: str, name: str) -> float | None:
    """Return a latitude or longitude cell as a float, or None when it is blank."""
    try:
        return _as_float(value)
    except ValueError:
        raise _RowError(column, value, f"{name} {value!r} is not a number") from None


def _place_from_position(rows: _Rows, i: int) -> _Placed | None:
    """Place row `i` from its position text with :func:`geo.locate`."""
    if "position" not in rows.cols:
        return None
    column, value = rows.cols["position"], rows.cell("position", i)
    if not str(value).strip():
        return None
    try:
        loc = locate(str(value), gazetteer=rows.gazetteer)
    except ValueError as exc:
        raise _RowError(column, value, str(exc)) from exc
    return _Placed(loc.lat, loc.lon, loc.uncertainty_km, column, value, column, column)


def _place_from_origin(rows: _Rows, i: int) -> _Placed | None:
    """Place row `i` from its origin, bearing and distance columns."""
    if not _has_relative_columns(rows.cols):
        return None
    column, value = rows.cols["origin"], rows.cell("origin", i)
    try:
        lat, lon, unc = _from_origin(rows.frame.iloc[i], rows.cols, rows.gazetteer)
    except ValueError as exc:
        raise _RowError(column, value, str(exc)) from exc
    return _Placed(lat, lon, unc, column, value, column, column)


#: Position sources in order of precedence: the first that has something for a row wins.
_PLACERS: tuple[_Placer, ...] = (
    _place_from_geometry,
    _place_from_latlon,
    _place_from_position,
    _place_from_origin,
)


def _check_position(placed: _Placed) -> None:
    """Reject positions out of range and the (0, 0) placeholder."""
    lat, lon = placed.lat, placed.lon
    if not -90.0 <= lat <= 90.0:
        swap = " (are latitude and longitude swapped?)" if -90 <= lon <= 90 else ""
        raise _RowError(placed.lat_column, lat, f"latitude {lat:g} is outside -90..90{swap}")
    if not -180.0 <= lon <= 180.0:
        raise _RowError(placed.lon_column, lon, f"longitude {lon:g} is outside -180..180")
    if lat == 0.0 and lon == 0.0:
        raise _RowError(
            placed.column, placed.value, "position (0, 0) is a placeholder, not a location"
        )


def _place_row(rows: _Rows, i: int) -> _Placed:
    """Place row `i` from the first source in :data:`_PLACERS` that has a position."""
    for placer in _PLACERS:
        placed = placer(rows, i)
        if placed is not None:
            _check_position(placed)
            return placed
    column = rows.cols.get("position", rows.cols.get("lat", "geometry"))
    raise _RowError(column, "", "no position")


def _given_uncertainty(rows: _Rows, i: int) -> float | None:
    """Return row `i`'s value in the uncertainty_km column, None if none is given."""
    if "uncertainty_km" not in rows.cols:
        return None
    value = rows.cell("uncertainty_km", i)
    if not str(value).strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise _RowError(
            rows.cols["uncertainty_km"], value, "uncertainty_km is not a number"
        ) from None


@dataclass(frozen=True)
class _Positions:
    """Per-row coordinates; a NaN latitude marks a rejected row."""

    lat: np.ndarray
    lon: np.ndarray
    uncertainty_km: np.ndarray

    @property
    def placed(self) -> np.ndarray:
        """Return a boolean mask of the rows placed and not rejected since."""
        return ~np.isnan(self.lat)

    def drop(self, i: int) -> None:
        """Mark row index `i` as rejected."""
        self.lat[i] = np.nan


def _place_rows(rows: _Rows) -> tuple[_Positions, list[dict[str, object]]]:
    """Place every row, one at a time, and list the rows that cannot be placed."""
    n = len(rows.frame)
    positions = _Positions(np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan))
    problems: list[dict[str, object]] = []
    for i in range(n):
        try:
            placed = _place_row(rows, i)
            given = _given_uncertainty(rows, i)
        except _RowError as exc:
            problems.append(exc.record(i))
            continue
        positions.lat[i], positions.lon[i] = placed.lat, placed.lon
        positions.uncertainty_km[i] = placed.uncertainty_km if given is None else given
    return positions, problems


def _geometry_4326(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    """Return the frame's geometry in EPSG:4326, or None for a frame without one."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return None
    geom = frame.geometry
    return geom.to_crs(4326) if frame.crs is not None else geom


def _check_coordinates_present(rows: _Rows, name: str) -> None:
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
            f"column, or columns={{'lat': ..., 'lon': ...}}; found {list(rows.frame.columns)}",
            source=name,
        )


def _parse_dates(
    frame: pd.DataFrame,
    cols: Mapping[str, str],
    positions: _Positions,
    problems: list[dict[str, object]],
) -> pd.Series:
    """Return the dates in UTC, rejecting placed rows whose date cannot be read."""
    if "date" not in cols:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    raw = frame[cols["date"]]
    parsed = pd.to_datetime(raw, errors="coerce", utc=True, format="mixed")
    bad = parsed.isna() & raw.astype(str).str.strip().ne("") & raw.notna()
    for j in np.flatnonzero(bad.to_numpy() & positions.placed):
        reason = f"cannot read {raw.iloc[j]!r} as a date"
        problems.append(_reject_record(int(j), cols["date"], raw.iloc[j], reason))
        positions.drop(int(j))
    return parsed


def _reject_duplicates(
    frame: pd.DataFrame,
    cols: Mapping[str, str],
    positions: _Positions,
    dates: pd.Series,
    problems: list[dict[str, object]],
) -> None:
    """Reject placed rows with the same position, date and title as an earlier one."""
    seen: dict[tuple, int] = {}
    titles = (
        frame[cols["title"]].astype(str) if "title" in cols else pd.Series("", index=frame.index)
    )
    lat, lon = positions.lat, positions.lon
    for j in np.flatnonzero(positions.placed):
        key = (round(lat[j], 5), round(lon[j], 5), str(dates.iloc[j]), titles.iloc[j])
        if key in seen:
            problems.append(_reject_record(int(j), "", "", f"duplicate of row {seen[key] + 1}"))
            positions.drop(int(j))
        else:
            seen[key] = int(j)


def _rejects_table(problems: list[dict[str, object]]) -> pd.DataFrame:
    """Return the rejects table: one record per rejected row, by row number."""
    table = pd.DataFrame(problems, columns=REJECT_COLUMNS).sort_values("row", kind="stable")
    return table.reset_index(drop=True)


def _validation_error(table: pd.DataFrame, name: str) -> ValidationError:
    """Return the error for ``errors="raise"``: the first reject and how many more."""
    first = table.iloc[0]
    more = f" (and {len(table) - 1} more rejected rows)" if len(table) > 1 else ""
    return ValidationError(
        f"{first['column']}: {first['reason']}{more}", source=name, row=int(first["row"])
    )


def _add_origin_columns(
    out: pd.DataFrame, origins: pd.Series, ok: np.ndarray, gazetteer: Gazetteer | None
) -> None:
    """Add origin_text, origin_lat, origin_lon and origin_uncertainty_km to `out`."""
    resolved = [resolve_origin(t, gazetteer) for t in origins.to_numpy()[ok]]
    out["origin_text"] = origins.fillna("").astype(str).to_numpy()[ok]
    out["origin_lat"] = [o[0] if o else np.nan for o in resolved]
    out["origin_lon"] = [o[1] if o else np.nan for o in resolved]
    out["origin_uncertainty_km"] = [o[2] if o else np.nan for o in resolved]


def _assemble(rows: _Rows, positions: _Positions, dates: pd.Series) -> gpd.GeoDataFrame:
    """Build the output frame from the placed rows."""
    frame, cols = rows.frame, rows.cols
    ok = positions.placed
    out = pd.DataFrame(index=frame.index[ok])
    out["row"] = np.arange(1, len(frame) + 1)[ok]
    if "id" in cols:
        out["incident_id"] = frame[cols["id"]].astype(str).to_numpy()[ok]
    else:
        out["incident_id"] = [str(r) for r in out["row"]]
    out["date"] = dates.to_numpy()[ok] if len(dates) else dates
    out["date"] = pd.to_datetime(out["date"], utc=True)
    for role in _TEXT_ROLES:
        values = frame[cols[role]] if role in cols else pd.Series("", index=frame.index)
        out[role] = values.fillna("").astype(str).to_numpy()[ok]
    out["position_text"] = (
        frame[cols["position"]].fillna("").astype(str).to_numpy()[ok] if "position" in cols else ""
    )
    out["uncertainty_km"] = positions.uncertainty_km[ok]
    if "origin" in cols:
        _add_origin_columns(out, frame[cols["origin"]], ok, rows.gazetteer)
    lat, lon = positions.lat[ok], positions.lon[ok]
    out["lat"] = lat
    out["lon"] = lon
    used = set(cols.values()) | {"geometry"}
    for c in frame.columns:
        if c not in used and c not in out.columns:
            out[c] = frame[c].to_numpy()[ok]
    return gpd.GeoDataFrame(out, geometry=shapely.points(lon, lat), crs=settings.DEFAULT_CRS)


def load_incidents(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Literal["report", "raise"] = "report",
    duplicates: Literal["reject", "keep"] = "reject",
    gazetteer: Gazetteer | None = None,
) -> gpd.GeoDataFrame:
    """Load incidents from a file or frame.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (delimiter and encoding sniffed), Excel .xlsx, GeoJSON, GeoPackage
        or GeoParquet file, or a (Geo)DataFrame.
    columns : mapping, optional
        Explicit column roles, e.g. ``{"lat": "Lat_deg", "position": "Where"}``.
        Roles: see :data:`COLUMN_ALIASES`.
    errors : {"report", "raise"}, default "report"
        ``"report"`` loads the good rows and lists the others in
        ``attrs["rejects"]``; ``"raise"`` raises :class:`~geo.errors.ValidationError`
        naming every bad row.
    duplicates : {"reject", "keep"}, default "reject"
        A row with the same position, time and title as an earlier one is rejected
        as "duplicate of row N", or kept.
    gazetteer : Gazetteer, optional
        Landmarks for positions given as phrases.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326 with columns ``row`` (the source row number),
        ``incident_id``, ``date`` (UTC), ``kind``, ``title``, ``description``,
        ``source``, ``position_text``, ``uncertainty_km``, ``lat``, ``lon`` and the
        file's other columns.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"lat": [26.07, 95.0], "lon": [122.73, 130.0]})
    >>> gdf = load_incidents(frame)
    >>> len(gdf), rejects(gdf)["reason"].tolist()
    (1, ['latitude 95 is outside -90..90'])
    """
    if errors not in ("report", "raise"):
        raise InputError(f"errors must be 'report' or 'raise', not {errors!r}")
    frame, name = (source.copy(), "frame") if isinstance(source, pd.DataFrame) else _read(source)
    cols = _find_columns(frame, columns)
    rows = _Rows(frame, cols, _geometry_4326(frame), gazetteer)
    _check_coordinates_present(rows, name)
    positions, problems = _place_rows(rows)
    dates = _parse_dates(frame, cols, positions, problems)
    if duplicates == "reject":
        _reject_duplicates(frame, cols, positions, dates, problems)
    table = _rejects_table(problems)
    if errors == "raise" and len(table):
        raise _validation_error(table, name)
    gdf = _assemble(rows, positions, dates)
    # attrs hold plain records, not a frame: pandas compares attrs when combining frames.
    gdf.attrs["rejects"] = table.to_dict("records")
    gdf.attrs["source"] = name
    gdf.attrs["rows_read"] = len(frame)
    if len(table):
        log.info("%s: %d of %d rows rejected", name, len(table), len(frame))
    return gdf
