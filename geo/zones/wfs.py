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
import json
import logging
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from .. import settings
from ..errors import InputError
from ..io import BadDownload, download, write_text

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


def _check_feature_collection(body: bytes) -> None:
    """Reject a body that is not a whole GeoJSON FeatureCollection."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BadDownload("the answer is not JSON (truncated?)", retry=True) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BadDownload("the answer is not a GeoJSON FeatureCollection", retry=False)


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
    body = download(
        url,
        target,
        check=_check_feature_collection,
        timeout_s=timeout_s,
        attempts=attempts,
        what=f"Marine Regions layer {layer!r}",
    )
    meta = {
        "layer": layer,
        "bbox": list(bbox) if bbox else None,
        "url": url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": len(json.loads(body).get("features", [])),
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "source": "Marine Regions (Flanders Marine Institute), CC-BY 4.0",
    }
    write_text(target.with_suffix(".meta.json"), json.dumps(meta, indent=2) + "\n")
    return target
