"""Download Marine Regions layers from their WFS into a local cache.

:func:`fetch_marineregions` asks the WFS for a layer (optionally a bbox) as
GeoJSON, checks that the whole body arrived and parses as a FeatureCollection,
writes it atomically into the cache folder with a metadata record (what, when,
from where, how many features, SHA-256), and returns the file's path. A failed
download never leaves a file under the final name. Attempts are retried with
backoff on network errors, timeouts and HTTP 5xx.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from .. import settings
from ..errors import DataSourceError, InputError
from ..io import write_text

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


class _Failure(Exception):
    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


def _fetch_once(url: str, timeout_s: float) -> tuple[bytes, dict]:
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            expected = response.headers.get("Content-Length")
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise _Failure(f"HTTP {exc.code} from {host}", retry=exc.code >= 500) from exc
    except urllib.error.URLError as exc:
        raise _Failure(f"cannot reach {host} ({exc.reason}); are you offline?", retry=True) from exc
    except (TimeoutError, http.client.HTTPException, ConnectionError) as exc:
        raise _Failure(
            f"download from {host} broke off ({type(exc).__name__})", retry=True
        ) from exc
    if expected is not None and len(body) != int(expected):
        raise _Failure(
            f"download from {host} broke off ({len(body)} of {expected} bytes)", retry=True
        )
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise _Failure(f"the answer from {host} is not JSON (truncated?)", retry=True) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _Failure(f"the answer from {host} is not a GeoJSON FeatureCollection", retry=False)
    return body, data


def fetch_marineregions(
    layer: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    timeout_s: float | None = None,
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
        Download again even when the file is cached.
    timeout_s, attempts : optional
        Override :data:`~geo.settings.DOWNLOAD_TIMEOUT_S` and
        :data:`~geo.settings.DOWNLOAD_ATTEMPTS`.

    Returns
    -------
    pathlib.Path
        The cached GeoJSON file; next to it ``<name>.meta.json``.

    Raises
    ------
    DataSourceError
        When every attempt failed (offline, server error, truncated or invalid body).
    """
    url = wfs_url(layer, bbox=bbox, base_url=base_url)
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = folder / "marineregions" / f"{layer}-{key}.geojson"
    if target.exists() and not refresh:
        log.info("using cached %s", target)
        return target
    n_attempts = attempts or settings.DOWNLOAD_ATTEMPTS
    timeout = timeout_s or settings.DOWNLOAD_TIMEOUT_S
    for attempt in range(1, n_attempts + 1):
        try:
            body, data = _fetch_once(url, timeout)
            break
        except _Failure as exc:
            log.info("attempt %d/%d failed: %s", attempt, n_attempts, exc)
            if not exc.retry or attempt == n_attempts:
                raise DataSourceError(f"Marine Regions layer {layer!r}: {exc}") from exc
            time.sleep(min(2.0 ** (attempt - 1), 30.0))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, body.decode("utf-8"))
    meta = {
        "layer": layer,
        "bbox": list(bbox) if bbox else None,
        "url": url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": len(data.get("features", [])),
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "source": "Marine Regions (Flanders Marine Institute), CC-BY 4.0",
    }
    write_text(target.with_suffix(".meta.json"), json.dumps(meta, indent=2) + "\n")
    return target
