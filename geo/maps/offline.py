"""Self-contained HTML: every JavaScript and CSS asset inlined, no network needed.

The assets come from one of two places, tried in this order:

1. the npm packages that ``make`` installs into ``node_modules/`` (``npm ci`` of
   ``package.json``, which pins the versions in :mod:`geo.assets`) beside the
   package or in the working folder; or only the folder named by
   ``$FLASHPOINTS_NODE_MODULES`` when that is set;
2. the cache folder (:func:`geo.settings.cache_dir`), where
   :func:`fetch_assets` (``flashpoints assets fetch``) stores copies downloaded
   once from the CDN while online.

When neither has a file, :func:`inline_assets` raises
:class:`~geo.errors.DataSourceError` saying how to get it; so it does when a
copy's bytes do not match the integrity hash pinned in :mod:`geo.assets` (an
offline map runs only the code an online one would). Images that a stylesheet
refers to (Leaflet's layer-control icon) are inlined as data URLs.
"""

from __future__ import annotations

import base64
import html
import logging
import mimetypes
import os
import re
from pathlib import Path

from .. import settings
from ..assets import ASSETS, integrity_of, local_file, sri_hash
from ..errors import DataSourceError
from ..io import download

__all__ = ["asset_bytes", "fetch_assets", "inline_assets"]

log = logging.getLogger(__name__)

_SCRIPT = re.compile(r'<script src="([^"]+)"[^>]*></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"[^>]*?/?>')
_CSS_URL = re.compile(r"url\(([^)#]+?)\)")


def _node_modules() -> list[Path]:
    """Folders searched for npm packages: ``$FLASHPOINTS_NODE_MODULES`` alone when set."""
    if os.environ.get("FLASHPOINTS_NODE_MODULES"):
        return [Path(os.environ["FLASHPOINTS_NODE_MODULES"])]
    return [Path(__file__).resolve().parents[2] / "node_modules", Path.cwd() / "node_modules"]


def _cached(url: str) -> Path:
    name = url.split("://", 1)[-1].replace("/", "_")
    return settings.cache_folder() / "assets" / name


def _checked(url: str, path: Path) -> bytes:
    """Return a local copy's bytes; they must match the pinned integrity hash, if any."""
    data = path.read_bytes()
    expected = integrity_of(url)
    if expected is not None and sri_hash(data) != expected:
        raise DataSourceError(
            f"{path} is not the file pinned for {url} in geo/assets.py (integrity "
            f"{sri_hash(data)}, expected {expected}): reinstall it with `npm ci`, or "
            "delete it and run `flashpoints assets fetch` while online"
        )
    return data


def asset_bytes(url: str) -> bytes:
    """Return the bytes of a CDN asset from a local copy.

    Raises
    ------
    DataSourceError
        When no local copy exists, or a copy does not match the integrity hash
        pinned in :mod:`geo.assets`.
    """
    for folder in _node_modules():
        path = local_file(url, folder)
        if path is not None:
            return _checked(url, path)
    cached = _cached(url)
    if cached.is_file():
        return _checked(url, cached)
    raise DataSourceError(
        f"no local copy of {url} for an offline map: run `npm ci` in the project "
        "(`make` does), or once while online `flashpoints assets fetch`"
    )


def fetch_assets(*, timeout_s: float = 30.0) -> list[Path]:
    """Download every map asset from its CDN into the cache folder (needs the network).

    Returns
    -------
    list of pathlib.Path
        The cached files.
    """
    out = []
    for asset in ASSETS.values():
        for _, url in asset.urls("js") + asset.urls("css"):
            out.append(_download(url, timeout_s))
        for _, url in asset.urls("css"):
            base = url.rsplit("/", 1)[0] + "/"
            css = _cached(url).read_text(encoding="utf-8")
            for ref in _CSS_URL.findall(css):
                out.append(_download(base + ref.strip("'\""), timeout_s))
    return out


def _download(url: str, timeout_s: float) -> Path:
    """Stream one asset into the cache (atomically, within the download limits)."""
    target = download(url, _cached(url), timeout_s=timeout_s, what=f"map asset {url}")
    log.info("cached %s", url)
    return target


def _data_url(url: str) -> str:
    kind = mimetypes.guess_type(url)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(asset_bytes(url)).decode('ascii')}"


def _inline_css(url: str) -> str:
    css = asset_bytes(url).decode("utf-8")
    base = url.rsplit("/", 1)[0] + "/"

    def repl(m: re.Match[str]) -> str:
        ref = m.group(1).strip("'\"")
        if ref.startswith("data:"):
            return m.group(0)
        return f"url({_data_url(base + ref)})"

    return _CSS_URL.sub(repl, css)


def inline_assets(page: str) -> str:
    """Return ``page`` with every ``<script src>`` and stylesheet link inlined.

    Raises
    ------
    DataSourceError
        When an asset has no local copy, or a copy that does not match its pinned
        integrity hash.
    """

    def script(m: re.Match[str]) -> str:
        code = asset_bytes(html.unescape(m.group(1))).decode("utf-8")
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"

    def style(m: re.Match[str]) -> str:
        return f"<style>{_inline_css(html.unescape(m.group(1)))}</style>"

    page = _SCRIPT.sub(script, page)
    page = _STYLESHEET.sub(style, page)
    left = _SCRIPT.findall(page) + _STYLESHEET.findall(page)
    if left:
        raise DataSourceError(f"offline map still refers to {left[0]}")
    return page
