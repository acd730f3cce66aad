"""Download Marine Regions layers from their WFS into a local cache.

:func:`fetch_marineregions` asks the WFS for a layer (optionally a bbox) as
GeoJSON. The body is streamed to a temporary file beside the cache entry (see
:func:`geo.io.download`: a deadline per attempt, a size limit), then checked
without being held whole in memory: its text is decoded by its byte-order mark
(UTF-8, UTF-16 or UTF-32, re-encoded as UTF-8), and it must be a GeoJSON
FeatureCollection whose ``features`` is a list of Features, each with a
geometry (or null) and properties, as many as the server says it sent
(``totalFeatures``, ``numberMatched``, ``numberReturned``). Only then is it
renamed into the cache folder, with a metadata record (what, when, from where,
how many features, SHA-256). A cached file that fails the same check is
downloaded again, never served. A failed download never leaves a file under the
final name. Attempts are retried with backoff on network errors, stalls, HTTP
5xx and truncated bodies.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .. import settings
from ..errors import InputError
from ..io import BadDownload, atomic_path, download, write_text

__all__ = ["cache_folder", "fetch_marineregions", "wfs_url"]

log = logging.getLogger(__name__)


cache_folder = settings.cache_folder


def wfs_url(
    layer: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    base_url: str | None = None,
) -> str:
    """Return the GetFeature address for a Marine Regions layer.

    Examples
    --------
    >>> wfs_url("eez", bbox=(120, 20, 130, 30), base_url="http://h/wfs")  # doctest: +ELLIPSIS
    'http://h/wfs?service=WFS&version=1.0.0&request=GetFeature&typeName=MarineRegions%3Aeez...'
    """
    if layer not in settings.MARINEREGIONS_LAYERS:
        known = ", ".join(settings.MARINEREGIONS_LAYERS)
        raise InputError(f"unknown Marine Regions layer {layer!r}; known: {known}")
    params = {
        "service": "WFS",
        "version": "1.0.0",
        "request": "GetFeature",
        "typeName": f"MarineRegions:{layer}",
        "outputFormat": "application/json",
        "srsName": "EPSG:4326",
    }
    if bbox is not None:
        w, s, e, n = bbox
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise InputError(f"bbox {bbox!r} is not west, south, east, north in degrees")
        params["bbox"] = f"{w},{s},{e},{n},EPSG:4326"
    return f"{base_url or settings.MARINEREGIONS_WFS_URL}?{urllib.parse.urlencode(params)}"


#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Characters read at a time; a value that does not fit doubles the window.
_CHUNK_CHARS = 1 << 20
_NOT_SPACE = re.compile(r"[^ \t\n\r]")
_DECODER = json.JSONDecoder()
_GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
#: Members in which a server states how many features it sent.
_COUNT_MEMBERS = ("totalFeatures", "numberMatched", "numberReturned")


def _encoding(path: Path) -> str:
    """Return the codec of a JSON file: by its byte-order mark, else UTF-8 (NULs: refused)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    codec = next((codec for bom, codec in _BOMS if head.startswith(bom)), "utf-8")
    if codec == "utf-8" and b"\x00" in head:  # how RFC 4627 tells UTF-16 and UTF-32 apart
        raise BadDownload(
            "the answer is UTF-16 or UTF-32 text without a byte-order mark; "
            "GeoJSON is UTF-8 (UTF-16 and UTF-32 need a byte-order mark)",
            retry=False,
        )
    return codec


class _JsonStream:
    """Read JSON values one at a time from text, holding about one value in memory."""

    def __init__(self, handle: TextIO, sink: TextIO | None = None):
        self._handle, self._sink = handle, sink
        self._buf, self._pos = "", 0

    def _fill(self) -> bool:
        """Read more text (at least as much as is held); return False at the end."""
        data = self._handle.read(max(_CHUNK_CHARS, len(self._buf) - self._pos))
        if self._sink is not None:
            self._sink.write(data)
        self._buf, self._pos = self._buf[self._pos :] + data, 0
        return bool(data)

    def peek(self) -> str:
        """Return the next character that is not white space ("" at the end)."""
        while True:
            found = _NOT_SPACE.search(self._buf, self._pos)
            if found is not None:
                self._pos = found.start()
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def take(self, chars: str) -> str:
        """Consume the next character, which must be one of ``chars``."""
        found = self.peek()
        if not found or found not in chars:
            raise ValueError(f"expected one of {chars!r}, found {found!r}")
        self._pos += 1
        return found

    def value(self) -> Any:
        """Decode the next value; a number at the end of the text read so far waits for more."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if not _cut_short(exc, len(self._buf)) or not self._fill():
                    raise
                continue
            if end < len(self._buf) or not self._fill():
                self._pos = end
                return found


def _cut_short(exc: json.JSONDecodeError, held: int) -> bool:
    """Tell whether a decoding error may only mean that the text read so far ends mid-value."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= held - 16


def _check_feature(feature: Any, number: int) -> None:
    """Reject a list item that is not a Feature with a geometry (or null) and properties."""
    geometry = feature.get("geometry", ()) if isinstance(feature, dict) else ()
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problem = "is not a GeoJSON Feature"
    elif not (geometry is None or _is_geometry(geometry)):
        problem = "has no geometry (a GeoJSON geometry or null)"
    elif not isinstance(feature.get("properties", ()), dict | None):
        problem = "has no properties (an object or null)"
    else:
        return
    raise BadDownload(f"feature {number} of the answer {problem}", retry=False)


def _is_geometry(value: Any) -> bool:
    """Tell whether ``value`` looks like a GeoJSON geometry object."""
    if not isinstance(value, dict):
        return False
    if value.get("type") == "GeometryCollection":
        return isinstance(value.get("geometries"), list)
    return value.get("type") in _GEOMETRY_TYPES and isinstance(value.get("coordinates"), list)


def _read_features(stream: _JsonStream) -> int:
    """Check the items of the ``features`` list one at a time; return how many there were."""
    if stream.peek() != "[":
        raise BadDownload("the answer's features is not a list", retry=False)
    stream.take("[")
    if stream.peek() == "]":
        stream.take("]")
        return 0
    count = 0
    while True:
        count += 1
        _check_feature(stream.value(), count)
        if stream.take(",]") == "]":
            return count


def _read_collection(stream: _JsonStream) -> tuple[dict[str, Any], int | None]:
    """Walk the top-level object; return its other members and the number of features."""
    first = stream.peek()
    if first != "{":
        if first and first in '["-0123456789tfn':
            raise BadDownload("the answer is not a GeoJSON FeatureCollection", retry=False)
        raise ValueError("not a JSON object")
    stream.take("{")
    members: dict[str, Any] = {}
    count: int | None = None
    empty = stream.peek() == "}"
    while not empty:
        key = stream.value()
        if not isinstance(key, str):
            raise ValueError("an object key that is not a string")
        stream.take(":")
        if key != "features":
            members[key] = stream.value()
        elif count is None:
            count = _read_features(stream)
        else:
            raise BadDownload("the answer has two features lists", retry=False)
        if stream.take(",}") == "}":
            break
    if empty:
        stream.take("}")
    if stream.peek():
        raise ValueError("text after the JSON object")
    return members, count


def _check_members(members: dict[str, Any], count: int | None) -> None:
    """Reject a collection of the wrong type, with no features, or with a wrong count."""
    if members.get("type") != "FeatureCollection":
        raise BadDownload("the answer is not a GeoJSON FeatureCollection", retry=False)
    if count is None:
        raise BadDownload("the answer has no features list", retry=False)
    for name in _COUNT_MEMBERS:
        stated = members.get(name)
        if isinstance(stated, int) and not isinstance(stated, bool) and stated != count:
            raise BadDownload(
                f"the server says {name}={stated} but sent {count} features "
                "(a server-side feature limit? ask for a smaller bbox)",
                retry=False,
            )


def _walk(handle: TextIO, sink: TextIO | None) -> int:
    """Check the whole text (copying it to ``sink``); return the number of features."""
    try:
        members, count = _read_collection(_JsonStream(handle, sink))
    except UnicodeDecodeError as exc:
        raise BadDownload(
            f"the answer is not {handle.encoding} text ({exc.reason}); "
            "GeoJSON is UTF-8 (UTF-16 and UTF-32 need a byte-order mark)",
            retry=False,
        ) from exc
    except ValueError as exc:
        raise BadDownload("the answer is not JSON (truncated?)", retry=True) from exc
    except RecursionError as exc:
        raise BadDownload("the answer nests too deeply to be GeoJSON", retry=False) from exc
    _check_members(members, count)
    return count or 0


def _check_feature_collection(path: Path) -> int:
    """Check a downloaded FeatureCollection, re-encoding it as UTF-8; return its feature count.

    Raises :class:`~geo.io.BadDownload` for a body that is not a whole
    FeatureCollection of Features as many as the server says it sent.
    """
    encoding = _encoding(path)
    if encoding == "utf-8":
        with open(path, encoding=encoding, newline="") as handle:
            return _walk(handle, None)
    with (  # the files close (in reverse order) before atomic_path renames
        atomic_path(path) as utf8,
        open(path, encoding=encoding, newline="") as handle,
        open(utf8, "w", encoding="utf-8", newline="") as sink,
    ):
        count = _walk(handle, sink)
    log.info("re-encoded %s from %s to UTF-8", path.name, encoding)
    return count


#: Marks a metadata record whose file passed :func:`_check_feature_collection`.
_CHECKED = "GeoJSON FeatureCollection, features counted"


def _sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _read_meta(target: Path) -> dict[str, Any]:
    """Return the metadata record next to a cached file ({} when missing or unreadable)."""
    try:
        meta = json.loads(target.with_suffix(".meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _write_meta(target: Path, meta: dict[str, Any], count: int) -> None:
    """Write the metadata record of a checked file: its size, hash and feature count."""
    size, digest = target.stat().st_size, _sha256(target)
    record = meta | {"features": count, "bytes": size, "sha256": digest, "checked": _CHECKED}
    write_text(target.with_suffix(".meta.json"), json.dumps(record, indent=2) + "\n")


def _usable_cache(target: Path) -> bool:
    """Tell whether a cached file may be served; log why one that fails is fetched again.

    A file whose metadata record vouches for it (checked, same size and SHA-256)
    is served as it is; any other is checked in full first.
    """
    meta = _read_meta(target)
    vouched = meta.get("checked") == _CHECKED and meta.get("bytes") == target.stat().st_size
    if vouched and meta.get("sha256") == _sha256(target):
        return True
    try:
        count = _check_feature_collection(target)
    except BadDownload as exc:
        log.warning("the cached %s is unusable (%s); downloading it again", target, exc)
        return False
    _write_meta(target, meta, count)
    return True


def fetch_marineregions(
    layer: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    timeout_s: float | None = None,
    deadline_s: float | None = None,
    max_bytes: int | None = None,
    attempts: int | None = None,
) -> Path:
    """Download a Marine Regions layer as GeoJSON into the cache; return its path.

    Parameters
    ----------
    layer : str
        One of :data:`geo.settings.MARINEREGIONS_LAYERS`, e.g. ``"eez"``.
    bbox : tuple of float, optional
        (west, south, east, north) to download only part of the world.
    cache_dir : str or Path, optional
        Where to keep the file; by default :func:`cache_folder`.
    base_url : str, optional
        The WFS address; by default :data:`geo.settings.MARINEREGIONS_WFS_URL`.
    refresh : bool, default False
        Download again even when the file is cached. A cached file that is not
        a valid FeatureCollection is downloaded again in any case.
    timeout_s, deadline_s, max_bytes, attempts : optional
        Override :data:`~geo.settings.DOWNLOAD_TIMEOUT_S` (each read),
        :data:`~geo.settings.DOWNLOAD_DEADLINE_S` (each attempt in all),
        :data:`~geo.settings.DOWNLOAD_MAX_BYTES` and
        :data:`~geo.settings.DOWNLOAD_ATTEMPTS` (see :func:`geo.io.download`).

    Returns
    -------
    pathlib.Path
        The cached GeoJSON file (UTF-8); next to it ``<name>.meta.json``.

    Raises
    ------
    DataSourceError
        When every attempt failed (offline, server error, too slow, too large,
        truncated or invalid body); nothing is cached then.

    Examples
    --------
    >>> fetch_marineregions("eez", bbox=(120, 20, 150, 45))  # doctest: +SKIP
    PosixPath('/home/me/.cache/flashpoints/marineregions/eez-1a2b3c4d5e6f.geojson')
    """
    url = wfs_url(layer, bbox=bbox, base_url=base_url)
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = folder / "marineregions" / f"{layer}-{key}.geojson"
    if target.exists() and not refresh and _usable_cache(target):
        log.info("using cached %s", target)
        return target
    counted: list[int] = []
    download(
        url,
        target,
        check=lambda path: counted.append(_check_feature_collection(path)),
        timeout_s=timeout_s,
        deadline_s=deadline_s,
        max_bytes=max_bytes,
        attempts=attempts,
        what=f"Marine Regions layer {layer!r}",
    )
    meta = {
        "layer": layer,
        "bbox": list(bbox) if bbox else None,
        "url": url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": "Marine Regions (Flanders Marine Institute), CC-BY 4.0",
    }
    _write_meta(target, meta, counted[-1])
    return target
