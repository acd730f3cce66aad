"""Reading, writing and downloading: every file and network access goes through here.

* :func:`read_vector`, :func:`vector_fields`: one reader for vector files
  (GeoPackage, shapefile, a .zip holding one, GeoJSON, GeoParquet) with one
  error message for unreadable files; .zip archives are opened by pyogrio
  (GDAL's ``/vsizip/``).
* :func:`atomic_path`, :func:`write_text`, :func:`write_frame`: writes go to a
  temporary file next to the target, then a rename, so a crash or a full disk
  never leaves a half-written output under the final name.
* :func:`download`: one downloader, with retries and backoff on network errors,
  time-outs and HTTP 5xx, a deadline per attempt and a size limit, the body
  streamed to a temporary file beside the target, checked, then renamed into
  place (nothing is held whole in memory; nothing is left behind on failure).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import logging
import math
import os
import socket
import ssl
import struct
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from . import settings
from .errors import DataSourceError, InputError

__all__ = [
    "FORMULA_PREFIXES",
    "OUTPUT_FORMATS",
    "BadDownload",
    "atomic_path",
    "check_output",
    "download",
    "map_npz",
    "neutralise_formulas",
    "read_vector",
    "text_ready",
    "vector_fields",
    "write_frame",
    "write_text",
]

log = logging.getLogger(__name__)

#: Datasets looked for inside a .zip archive.
_ZIPPED_DATASETS = (".shp", ".gpkg", ".geojson")


def _unreadable(path: str | Path, exc: Exception, what: str) -> InputError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"cannot read {what}: {first}", source=str(path))


def _must_exist(path: str | Path) -> None:
    """Raise InputError for a missing file (``archive.zip!member``: the archive)."""
    if not Path(str(path).split("!", 1)[0]).exists():
        raise InputError("no such file", source=str(path))


def _source(path: str | Path) -> str:
    """Return what pyogrio should open: the path, or for a .zip its first dataset.

    A .zip whose dataset sits in a sub-folder (as Marine Regions ships them) is
    named ``archive.zip!folder/file.shp``: pyogrio turns that into GDAL's
    ``/vsizip/`` path.
    """
    text = str(path)
    if not text.lower().endswith(".zip"):
        return text
    try:
        with zipfile.ZipFile(text) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(_ZIPPED_DATASETS)]
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a zip file ({exc})", source=text) from exc
    if not names:
        raise InputError("the zip file holds no .shp, .gpkg or .geojson", source=text)
    return f"{text}!{names[0]}"


def vector_fields(path: str | Path, *, what: str = "the file") -> list[str]:
    """Return the attribute field names of a vector file (without reading its features).

    Raises
    ------
    geo.errors.InputError
        When the file is missing or unreadable (``what`` names it in the message).
    """
    _must_exist(path)
    try:
        return list(pyogrio.read_info(_source(path))["fields"])
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise _unreadable(path, exc, what) from exc


def read_vector(
    path: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    columns: list[str] | None = None,
    what: str = "the file",
) -> gpd.GeoDataFrame:
    """Read a vector file into a GeoDataFrame.

    Parameters
    ----------
    path : str or Path
        GeoPackage, shapefile, a .zip holding one, GeoJSON, or (Geo)Parquet.
    bbox : tuple of float, optional
        (west, south, east, north) in the file's CRS: read only features that
        intersect it (a spatial filter in GDAL, so a world file is not read whole).
    columns : list of str, optional
        Read only these attribute columns.
    what : str, default "the file"
        What the file is, for the error message ("cannot read zones: ...").

    Raises
    ------
    geo.errors.InputError
        When the file is missing or unreadable.
    """
    _must_exist(path)
    try:
        if str(path).lower().endswith((".parquet", ".geoparquet")):
            return gpd.read_parquet(path, columns=columns, bbox=bbox)
        return gpd.read_file(_source(path), bbox=bbox, columns=columns, engine="pyogrio")
    except InputError:
        raise
    except Exception as exc:  # pyogrio and pyarrow raise several types for unreadable files
        raise _unreadable(path, exc, what) from exc


#: File endings :func:`write_frame` understands.
OUTPUT_FORMATS: tuple[str, ...] = (".csv", ".geojson", ".gpkg", ".parquet", ".kml", ".xlsx")

#: File endings :func:`write_frame` writes a table without geometry as (visits, presence).
TABLE_FORMATS: tuple[str, ...] = (".parquet", ".csv", ".xlsx")

#: Decimals kept in text outputs (CSV, GeoJSON, KML, Excel), by column: positions to
#: 1e-5 degree (about 1 m), distances and uncertainties to 0.1 of their unit, durations
#: to the second (hours to 0.001 h, 3.6 s).
_DECIMALS_BY_NAME = {"lat": 5, "lon": 5}
_DECIMALS_BY_ENDING = {"_lat": 5, "_lon": 5, "_nm": 1, "_km": 1, "_m": 0, "_deg": 2, "_h": 3,
                       "_hours": 3, "_s": 0}  # fmt: skip

#: Outputs read as text: rounded and dated by :func:`text_ready`.
_TEXT_FORMATS = (".csv", ".geojson", ".kml", ".xlsx")
#: Outputs a spreadsheet opens: formula-like cells are neutralised unless ``raw``.
_SPREADSHEET_FORMATS = (".csv", ".xlsx")

#: How a date is written for each ``date_precision``.
_DATE_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over the target on success.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


#: Readers of the ``.npy`` header versions numpy writes for plain arrays.
_NPY_HEADERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def map_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Return the arrays of an uncompressed ``.npz`` file, memory-mapped read-only.

    ``numpy.load`` reads every member of an ``.npz`` file (and checks its CRC);
    a member stored without compression (``numpy.savez``) is a plain ``.npy``
    file at a known offset, so it can be mapped instead: opening costs no reading,
    and the pages are shared by every process that maps the same file. The file
    is trusted to be whole (it is written atomically); a member that is
    compressed, holds objects or runs past the end of the file raises ``ValueError``.
    """
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as archive, open(path, "rb") as fh:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{info.filename}: not an uncompressed .npy member")
            fh.seek(info.header_offset)
            local = fh.read(30)
            if local[:4] != b"PK\x03\x04":
                raise ValueError(f"{info.filename}: no local header")
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            start = info.header_offset + 30 + name_len + extra_len
            fh.seek(start)
            version = np.lib.format.read_magic(fh)
            if version not in _NPY_HEADERS:
                raise ValueError(f"{info.filename}: .npy format {version} not known")
            shape, fortran, dtype = _NPY_HEADERS[version](fh)
            if dtype.hasobject:
                raise ValueError(f"{info.filename}: holds Python objects")
            offset = fh.tell()
            if offset - start + dtype.itemsize * math.prod(shape) > info.file_size:
                raise ValueError(f"{info.filename}: shorter than its header says")
            key = info.filename[: -len(".npy")]
            if math.prod(shape) == 0:
                out[key] = np.empty(shape, dtype=dtype)
            else:
                mapped = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                                   order="F" if fortran else "C")  # fmt: skip
                out[key] = np.asarray(mapped)  # a plain array over the mapping
    return out


def write_text(target: str | Path, text: str) -> Path:
    """Write text atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells that a spreadsheet would run as formulas are inert.

    Following the OWASP guidance on CSV injection, a text cell that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so
    Excel, LibreOffice and Google Sheets show it as text. Numbers are untouched.

    Examples
    --------
    >>> import pandas as pd
    >>> out = neutralise_formulas(pd.DataFrame({"t": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]}))
    >>> out["t"].tolist(), out["n"].tolist()
    (["'=HYPERLINK(1)", 'ok'], [-1, 2])
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # zone-only columns: text too
            values = values.astype(object)
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        text = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
        if text.any():
            out[col] = values.where(~text, "'" + values.astype(str))
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output(
    target: str | Path,
    *,
    suffixes: tuple[str, ...],
    inputs: tuple[str | Path, ...] = (),
    what: str = "output",
) -> Path:
    """Check that ``target`` may be written; return it as a Path.

    Refuses, with one clear :class:`~geo.errors.InputError`: a file ending not in
    ``suffixes``; a target that is one of ``inputs`` (the same path, a symlink to
    it or a hard link of it: an output never overwrites an input); a target that
    is a folder; a parent that is a file.

    Examples
    --------
    >>> check_output("maps/a.html", suffixes=(".html",)).name
    'a.html'
    >>> check_output("maps/a.csv", suffixes=(".html",))
    Traceback (most recent call last):
    geo.errors.InputError: maps/a.csv: output is written as .html, not .csv
    """
    path = Path(target)
    if path.suffix.lower() not in suffixes:
        got = path.suffix or "no file ending"
        raise InputError(
            f"{what} is written as {' or '.join(suffixes)}, not {got}", source=str(path)
        )
    if path.is_dir():
        raise InputError(f"{what} is a folder; give a file name", source=str(path))
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{parent} is a file, not a folder", source=str(path))
            break
    for given in inputs:
        if given is not None and Path(given).exists() and _same_file(Path(given), path):
            raise InputError(
                f"{what} would overwrite the input {given}; choose another name", source=str(path)
            )
    return path


def _decimals(column: str) -> int | None:
    if column in _DECIMALS_BY_NAME:
        return _DECIMALS_BY_NAME[column]
    for ending, decimals in _DECIMALS_BY_ENDING.items():
        if column.endswith(ending):
            return decimals
    return None


def _iso_dates(values: pd.Series, precision: pd.Series | None) -> pd.Series:
    """Dates as ISO 8601 text, only as precise as known ("2011-07-31", "2011-07", "2011")."""
    out = pd.Series("", index=values.index, dtype=object)
    ok = values.notna()
    out[ok] = values[ok].map(lambda t: t.isoformat())
    if precision is not None:
        for level, fmt in _DATE_FORMATS.items():
            rows = ok & (precision == level)
            out[rows] = values[rows].dt.strftime(fmt)
    return out


def text_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy for text outputs: numbers rounded to their precision, ISO dates.

    Positions keep 5 decimals, ``*_nm``/``*_km`` distances 1 and ``*_m`` none,
    hours (``*_h``, ``*_hours``) 3 and seconds (``*_s``) none; a
    datetime column is written as ISO 8601 text, and ``date`` only as precisely as
    ``date_precision`` says (a date-only value is ``2011-07-31``, not a midnight).

    Examples
    --------
    >>> import pandas as pd
    >>> out = text_ready(pd.DataFrame({"lat": [41.511111111], "distance_to_coast_nm": [12.3456],
    ...     "date": pd.to_datetime(["2011-07-31"], utc=True), "date_precision": ["day"]}))
    >>> [str(v) for v in out.iloc[0]]
    ['41.51111', '12.3', '2011-07-31', 'day']
    """
    out = frame.copy()
    precision = out.get("date_precision")
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
            out[column] = _iso_dates(values, precision if column == "date" else None)
            continue
        decimals = _decimals(str(column))
        if decimals is not None and pd.api.types.is_float_dtype(values):
            out[column] = values.round(decimals)
    return out


def _attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the columns of a frame but its geometry (a table without one as it is)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return frame


def _excel(frame: pd.DataFrame, path: Path) -> None:
    _attributes(frame).to_excel(path, index=False, engine="openpyxl")


def _writer(suffix: str, layer: str) -> Callable[[gpd.GeoDataFrame, Path], None]:
    if suffix == ".csv":
        return lambda f, p: _attributes(f).to_csv(p, index=False)
    if suffix == ".geojson":
        return lambda f, p: f.to_file(p, driver="GeoJSON", engine="pyogrio")
    if suffix == ".kml":
        return lambda f, p: f.to_crs(4326).to_file(p, driver="KML", engine="pyogrio")
    if suffix == ".xlsx":
        return _excel
    if suffix == ".gpkg":
        return lambda f, p: f.to_file(p, driver="GPKG", layer=layer, engine="pyogrio")
    if suffix == ".parquet":
        return lambda f, p: f.to_parquet(p)
    raise InputError(f"cannot write {suffix!r} files; use one of {', '.join(OUTPUT_FORMATS)}")


def write_frame(
    frame: pd.DataFrame,
    target: str | Path,
    *,
    raw: bool = False,
    inputs: tuple[str | Path, ...] = (),
) -> Path:
    """Write a GeoDataFrame atomically; the format follows the file ending.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        What to write. In text outputs (CSV, GeoJSON, KML, Excel) numbers are
        rounded to their precision and dates written as ISO 8601 text
        (:func:`text_ready`); GeoPackage and (Geo)Parquet keep the values as they
        are. A table without geometry (e.g. zone visits) is written as
        :data:`TABLE_FORMATS` only.
    target : str or Path
        ``.csv``, ``.geojson``, ``.gpkg``, ``.parquet``, ``.kml`` or ``.xlsx``. It
        must not be one of ``inputs`` nor the file ``frame`` was read from
        (``attrs["source"]``).
    raw : bool, default False
        Write CSV and Excel text cells as they are. By default cells that a
        spreadsheet would run as formulas are neutralised (:func:`neutralise_formulas`).
    inputs : tuple of path
        Files the output must not overwrite.
    """
    source = frame.attrs.get("source")
    sources = (source,) if isinstance(source, str) and source != "frame" else ()
    formats = OUTPUT_FORMATS if isinstance(frame, gpd.GeoDataFrame) else TABLE_FORMATS
    target = check_output(target, suffixes=formats, inputs=(*inputs, *sources), what="the output")
    suffix = target.suffix.lower()
    writer = _writer(suffix, target.stem)
    plain = text_ready(frame) if suffix in _TEXT_FORMATS else frame.copy()
    if not raw and suffix in _SPREADSHEET_FORMATS:
        plain = neutralise_formulas(plain)
    plain.attrs = {}  # the rejects table and coverage are not file metadata
    with atomic_path(target) as tmp:
        writer(plain, tmp)
    return target


class BadDownload(Exception):
    """A download that must not be kept; ``retry`` tells whether another attempt may help."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


#: Bytes read from the network (and written to the temporary file) at a time.
_CHUNK_BYTES = 1 << 20


@dataclasses.dataclass(frozen=True)
class _Limits:
    """What one attempt may take: seconds per read, seconds in all, bytes."""

    timeout_s: float
    deadline_s: float
    max_bytes: int


def _limits(timeout_s: float | None, deadline_s: float | None, max_bytes: int | None) -> _Limits:
    """Fill in the settings and refuse limits that are not positive numbers."""
    limits = _Limits(
        timeout_s=settings.DOWNLOAD_TIMEOUT_S if timeout_s is None else timeout_s,
        deadline_s=settings.DOWNLOAD_DEADLINE_S if deadline_s is None else deadline_s,
        max_bytes=settings.DOWNLOAD_MAX_BYTES if max_bytes is None else max_bytes,
    )
    for name, value in dataclasses.asdict(limits).items():
        if not (isinstance(value, int | float) and 0 < value < float("inf")):
            raise InputError(f"download {name} must be a positive number, got {value!r}")
    return limits


class _Redirects(urllib.request.HTTPRedirectHandler):
    """A redirect handler that remembers where each request was sent on to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Follow the redirect as urllib does, remembering the new address."""
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            self.urls.append(new.full_url)
        return new


def _host(url: str, redirects: _Redirects) -> str:
    """Name the host that answered last: after redirects, the final one."""
    if not redirects.urls:
        return urllib.parse.urlsplit(url).netloc
    final = urllib.parse.urlsplit(redirects.urls[-1]).netloc
    return f"{final} (redirected from {urllib.parse.urlsplit(url).netloc})"


def _size(n: int) -> str:
    """Write a byte count for a message: bytes below a megabyte, else MB."""
    return f"{n:,} bytes" if n < 1_000_000 else f"{n / 1e6:,.1f} MB"


def _too_large(host: str, limits: _Limits, *, stated: int | None = None) -> BadDownload:
    """Return the error for a body over the size limit (``stated``: its Content-Length)."""
    what = f"says it is {_size(stated)}" if stated is not None else "sent more"
    return BadDownload(
        f"the answer from {host} {what}, over the limit of {_size(limits.max_bytes)} "
        "(raise max_bytes= or geo.settings.DOWNLOAD_MAX_BYTES)",
        retry=False,
    )


def _late(host: str, limits: _Limits) -> BadDownload:
    """Return the error for an attempt that ran past its deadline."""
    return BadDownload(
        f"download from {host} took longer than {limits.deadline_s:g} s in all "
        "(raise deadline_s= or geo.settings.DOWNLOAD_DEADLINE_S)",
        retry=False,
    )


def _content_length(response: http.client.HTTPResponse) -> int | None:
    """Return the body length the server states, or None (absent or not a number)."""
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


class _Watchdog:
    """At the deadline, shut the attempt's connections down: a blocked read wakes and fails.

    The socket timeout bounds each read; only this bounds the whole attempt
    (status line, headers and body), however steadily a server trickles.
    """

    def __init__(self, seconds: float):
        self.connections: list[http.client.HTTPConnection] = []
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        """Mark the attempt late, then wake whatever read is waiting."""
        self.fired = True
        for connection in self.connections:
            if connection.sock is not None:
                with contextlib.suppress(OSError):
                    connection.sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def connection(self, cls: type[http.client.HTTPConnection]) -> Any:
        """Return a factory of ``cls`` connections that this watchdog can shut down."""

        def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
            self.connections.append(cls(*args, **kwargs))
            return self.connections[-1]

        return make


class _WatchedHTTP(urllib.request.HTTPHandler):
    """Open http:// addresses on connections a watchdog can shut down."""

    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open as urllib does, on a watched connection."""
        return self.do_open(self.watchdog.connection(http.client.HTTPConnection), req)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    """Open https:// addresses on connections a watchdog can shut down."""

    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open as urllib does (default TLS context), on a watched connection."""
        return self.do_open(self.watchdog.connection(http.client.HTTPSConnection), req)


def _stream(
    response: http.client.HTTPResponse, tmp: Path, limits: _Limits, host: str, late: _Watchdog
) -> None:
    """Copy the body into ``tmp`` a chunk at a time, within the size limit and the deadline."""
    expected = _content_length(response)
    if expected is not None and expected > limits.max_bytes:
        raise _too_large(host, limits, stated=expected)
    written = 0
    with open(tmp, "wb") as out:
        while chunk := response.read1(_CHUNK_BYTES):
            written += len(chunk)
            if written > limits.max_bytes:
                raise _too_large(host, limits)
            if late.fired:
                break
            out.write(chunk)
    if late.fired:  # the end of the body may only be the watchdog's doing
        raise _late(host, limits)
    if expected is not None and written != expected:
        raise BadDownload(
            f"download from {host} broke off ({written} of {expected} bytes)", retry=True
        )


def _fetch_once(url: str, tmp: Path, limits: _Limits) -> None:
    """One attempt: stream the body of ``url`` into ``tmp``; network failures as BadDownload."""
    redirects = _Redirects()
    watchdog = _Watchdog(limits.deadline_s)
    opener = urllib.request.build_opener(redirects, _WatchedHTTP(watchdog), _WatchedHTTPS(watchdog))
    try:
        with (
            watchdog,
            opener.open(url, timeout=min(limits.timeout_s, limits.deadline_s)) as response,
        ):
            _stream(response, tmp, limits, _host(url, redirects), watchdog)
    except _NETWORK_ERRORS as exc:
        if watchdog.fired:
            raise _late(_host(url, redirects), limits) from exc
        raise _network_error(exc, _host(url, redirects), limits) from exc


#: What a failing connection raises (a full disk raises other OSErrors, which propagate).
_NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,
    TimeoutError,
    ConnectionError,
    ssl.SSLError,
)


def _network_error(exc: Exception, host: str, limits: _Limits) -> BadDownload:
    """Return the BadDownload that says what went wrong on the network."""
    if isinstance(exc, urllib.error.HTTPError):
        return BadDownload(f"HTTP {exc.code} from {host}", retry=exc.code >= 500)
    if isinstance(exc, urllib.error.URLError):
        return BadDownload(f"cannot reach {host} ({exc.reason}); are you offline?", retry=True)
    if isinstance(exc, TimeoutError):
        return BadDownload(
            f"download from {host} stalled (nothing for {limits.timeout_s:g} s)", retry=True
        )
    return BadDownload(f"download from {host} broke off ({type(exc).__name__})", retry=True)


def download(
    url: str,
    target: str | Path,
    *,
    check: Callable[[Path], None] | None = None,
    timeout_s: float | None = None,
    deadline_s: float | None = None,
    max_bytes: int | None = None,
    attempts: int | None = None,
    what: str = "download",
) -> Path:
    """Download ``url`` into ``target`` atomically, with retries; return ``target``.

    The body is streamed into a temporary file in the target's folder (memory
    stays flat however large it is), checked, then renamed over ``target``. A
    failed, refused or interrupted attempt (Ctrl-C; SIGTERM under the
    ``flashpoints`` command) leaves no file behind.

    Parameters
    ----------
    url : str
        The address. Redirects are followed; errors name the host that answered.
    target : str or Path
        Where to keep the body; its folder is created.
    check : callable, optional
        Called with the path of the complete temporary file before it is
        renamed into place; raises :class:`BadDownload` to reject it (with
        ``retry=True`` when another attempt may help). It may rewrite the file
        (atomically, e.g. with :func:`atomic_path`).
    timeout_s : float, optional
        Seconds to wait for the connection and for each read
        (:data:`geo.settings.DOWNLOAD_TIMEOUT_S`).
    deadline_s : float, optional
        Seconds one attempt may take in all, from the request to the last byte
        (:data:`geo.settings.DOWNLOAD_DEADLINE_S`); an attempt that runs past it
        is not retried.
    max_bytes : int, optional
        The largest body kept (:data:`geo.settings.DOWNLOAD_MAX_BYTES`): refused
        from the Content-Length header before reading, else as soon as the
        stream passes it; not retried.
    attempts : int, optional
        :data:`geo.settings.DOWNLOAD_ATTEMPTS`. Attempt ``k`` waits
        ``2**(k-1)`` seconds (at most 30) after a failure that may be retried
        (network errors, stalls, HTTP 5xx, a body shorter than its Content-Length).
    what : str, default "download"
        Named in the error message.

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    geo.errors.DataSourceError
        When every attempt failed; nothing is written under ``target``.
    geo.errors.InputError
        When a limit is not a positive number.

    Examples
    --------
    >>> download("http://127.0.0.1:9/x", "/tmp/x.json", attempts=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.DataSourceError: download: cannot reach 127.0.0.1:9 (...); are you offline?
    """
    limits = _limits(timeout_s, deadline_s, max_bytes)
    n_attempts = attempts or settings.DOWNLOAD_ATTEMPTS
    for attempt in range(1, n_attempts + 1):
        try:
            with atomic_path(target) as tmp:
                _fetch_once(url, tmp, limits)
                if check is not None:
                    check(tmp)
            return Path(target)
        except BadDownload as exc:
            log.info("attempt %d/%d failed: %s", attempt, n_attempts, exc)
            if not exc.retry or attempt == n_attempts:
                raise DataSourceError(f"{what}: {exc}") from exc
            time.sleep(min(2.0 ** (attempt - 1), 30.0))
    raise InputError(f"download attempts must be at least 1, got {attempts!r}")
