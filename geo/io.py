"""Reading, writing and downloading: every file and network access goes through here.

* :func:`read_vector`, :func:`vector_fields`: one reader for vector files
  (GeoPackage, shapefile, a .zip holding one, GeoJSON, GeoParquet) with one
  error message for unreadable files; .zip archives are opened by pyogrio
  (GDAL's ``/vsizip/``).
* :func:`atomic_path`, :func:`write_text`, :func:`write_frame`: writes go to a
  temporary file next to the target, then a rename, so a crash or a full disk
  never leaves a half-written output under the final name.
* :func:`download`: one downloader, with retries and backoff on network errors,
  time-outs and HTTP 5xx, a check of the body before it is kept, and an atomic
  write into the cache.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from . import settings
from .errors import DataSourceError, InputError

__all__ = [
    "OUTPUT_FORMATS",
    "BadDownload",
    "FORMULA_PREFIXES",
    "atomic_path",
    "check_output",
    "download",
    "neutralise_formulas",
    "read_vector",
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
OUTPUT_FORMATS: tuple[str, ...] = (".csv", ".geojson", ".gpkg", ".parquet")


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
        raise InputError(f"{what} is written as {' or '.join(suffixes)}, not {got}", source=str(path))
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


def _writer(suffix: str, layer: str) -> Callable[[gpd.GeoDataFrame, Path], None]:
    if suffix == ".csv":

        def csv(frame: gpd.GeoDataFrame, path: Path) -> None:
            plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
            plain.to_csv(path, index=False)

        return csv
    if suffix == ".geojson":
        return lambda f, p: f.to_file(p, driver="GeoJSON", engine="pyogrio")
    if suffix == ".gpkg":
        return lambda f, p: f.to_file(p, driver="GPKG", layer=layer, engine="pyogrio")
    if suffix == ".parquet":
        return lambda f, p: f.to_parquet(p)
    raise InputError(f"cannot write {suffix!r} files; use one of {', '.join(OUTPUT_FORMATS)}")


def write_frame(
    frame: gpd.GeoDataFrame,
    target: str | Path,
    *,
    raw: bool = False,
    inputs: tuple[str | Path, ...] = (),
) -> Path:
    """Write a GeoDataFrame atomically; the format follows the file ending.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        What to write. Datetime columns are written as ISO 8601 text in CSV.
    target : str or Path
        ``.csv``, ``.geojson``, ``.gpkg`` or ``.parquet``. It must not be one of
        ``inputs`` nor the file ``frame`` was read from (``attrs["source"]``).
    raw : bool, default False
        Write CSV text cells as they are. By default cells that a spreadsheet
        would run as formulas are neutralised (:func:`neutralise_formulas`).
    inputs : tuple of path
        Files the output must not overwrite.
    """
    source = frame.attrs.get("source")
    sources = (source,) if isinstance(source, str) and source != "frame" else ()
    target = check_output(
        target, suffixes=OUTPUT_FORMATS, inputs=(*inputs, *sources), what="the output"
    )
    writer = _writer(target.suffix.lower(), target.stem)
    plain = frame.copy() if raw or target.suffix.lower() != ".csv" else neutralise_formulas(frame)
    plain.attrs = {}  # the rejects table and coverage are not file metadata
    with atomic_path(target) as tmp:
        writer(plain, tmp)
    return target


class BadDownload(Exception):
    """A download that must not be kept; ``retry`` tells whether another attempt may help."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


def _fetch_once(url: str, timeout_s: float) -> bytes:
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            expected = response.headers.get("Content-Length")
            body: bytes = response.read()
    except urllib.error.HTTPError as exc:
        raise BadDownload(f"HTTP {exc.code} from {host}", retry=exc.code >= 500) from exc
    except urllib.error.URLError as exc:
        raise BadDownload(
            f"cannot reach {host} ({exc.reason}); are you offline?", retry=True
        ) from exc
    except (TimeoutError, http.client.HTTPException, ConnectionError) as exc:
        raise BadDownload(
            f"download from {host} broke off ({type(exc).__name__})", retry=True
        ) from exc
    if expected is not None and len(body) != int(expected):
        raise BadDownload(
            f"download from {host} broke off ({len(body)} of {expected} bytes)", retry=True
        )
    return body


def download(
    url: str,
    target: str | Path,
    *,
    check: Callable[[bytes], None] | None = None,
    timeout_s: float | None = None,
    attempts: int | None = None,
    what: str = "download",
) -> bytes:
    """Download ``url`` into ``target`` atomically, with retries; return the body.

    Parameters
    ----------
    url : str
        The address.
    target : str or Path
        Where to keep the body; its folder is created.
    check : callable, optional
        Called with the body before it is written; raises :class:`BadDownload`
        to reject it (with ``retry=True`` when another attempt may help).
    timeout_s, attempts : optional
        Override :data:`geo.settings.DOWNLOAD_TIMEOUT_S` and
        :data:`geo.settings.DOWNLOAD_ATTEMPTS`. Attempt ``k`` waits ``2**(k-1)``
        seconds (at most 30) after a failure that may be retried.
    what : str, default "download"
        Named in the error message.

    Raises
    ------
    geo.errors.DataSourceError
        When every attempt failed; nothing is written under ``target``.
    """
    n_attempts = attempts or settings.DOWNLOAD_ATTEMPTS
    timeout = timeout_s or settings.DOWNLOAD_TIMEOUT_S
    for attempt in range(1, n_attempts + 1):
        try:
            body = _fetch_once(url, timeout)
            if check is not None:
                check(body)
            break
        except BadDownload as exc:
            log.info("attempt %d/%d failed: %s", attempt, n_attempts, exc)
            if not exc.retry or attempt == n_attempts:
                raise DataSourceError(f"{what}: {exc}") from exc
            time.sleep(min(2.0 ** (attempt - 1), 30.0))
    with atomic_path(target) as tmp:
        tmp.write_bytes(body)
    return body
