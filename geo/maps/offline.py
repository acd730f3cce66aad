"""Self-contained HTML: every JavaScript and CSS asset inlined, no network needed.

The assets come from the first of these places that has a copy:

1. the copies that ship inside the package, in ``geo/maps/vendor/`` (see its
   ``README.md``; ``make vendor`` rebuilds them from ``node_modules/``), so a plain
   ``pip install`` writes offline maps with no npm, network or cache; or only the
   folder named by ``$FLASHPOINTS_VENDOR_DIR`` when that is set (tests point it at
   an empty folder to reach the places below);
2. the npm packages that ``make`` installs into ``node_modules/`` (``npm ci`` of
   ``package.json``, which pins the versions in :mod:`geo.assets`) beside the
   package or in the working folder; or only the folder named by
   ``$FLASHPOINTS_NODE_MODULES`` when that is set;
3. the cache folder (:func:`geo.settings.cache_folder`), where
   :func:`fetch_assets` (``flashpoints assets fetch``) stores copies downloaded
   once from the CDN while online.

Whichever place it comes from, a copy is used only when its bytes match the
integrity hash pinned in :mod:`geo.assets` (an offline map runs only the code an
online one would): :func:`inline_assets` raises :class:`~geo.errors.DataSourceError`
for a copy that does not, saying how to replace it, and for a file that no place
has, saying how to get it. Images that a stylesheet refers to (Leaflet's
layer-control icon) are inlined as data URLs.
"""

from __future__ import annotations

import base64
import html
import importlib.resources
import logging
import mimetypes
import os
import re
from collections.abc import Iterator
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


# How to replace a copy that does not match its pinned hash, by where it was found.
_FIX_VENDOR = "rebuild geo/maps/vendor with `make vendor` in a checkout, or reinstall flashpoints"
_FIX_NPM = "reinstall it with `npm ci`, or delete it and run `flashpoints assets fetch` online"
_FIX_CACHE = "delete it and run `flashpoints assets fetch` while online"


def _vendor() -> Path:
    """Folder of the packaged copies: ``$FLASHPOINTS_VENDOR_DIR`` when set."""
    if os.environ.get("FLASHPOINTS_VENDOR_DIR"):
        return Path(os.environ["FLASHPOINTS_VENDOR_DIR"])
    return Path(str(importlib.resources.files("geo.maps"))) / "vendor"


def _node_modules() -> list[Path]:
    """Folders searched for npm packages: ``$FLASHPOINTS_NODE_MODULES`` alone when set."""
    if os.environ.get("FLASHPOINTS_NODE_MODULES"):
        return [Path(os.environ["FLASHPOINTS_NODE_MODULES"])]
    return [Path(__file__).resolve().parents[2] / "node_modules", Path.cwd() / "node_modules"]


def _cached(url: str) -> Path:
    name = url.split("://", 1)[-1].replace("/", "_")
    return settings.cache_folder() / "assets" / name


def _local_copies(url: str) -> Iterator[tuple[Path, str]]:
    """Yield (path, how to replace it) of each local copy of ``url``, best first."""
    folders = [(_vendor(), _FIX_VENDOR)] + [(f, _FIX_NPM) for f in _node_modules()]
    for folder, fix in folders:
        path = local_file(url, folder)
        if path is not None:
            yield path, fix
    cached = _cached(url)
    if cached.is_file():
        yield cached, _FIX_CACHE


def _checked(url: str, path: Path, fix: str) -> bytes:
    """Return a local copy's bytes; they must match the pinned integrity hash, if any."""
    data = path.read_bytes()
    expected = integrity_of(url)
    if expected is not None and sri_hash(data) != expected:
        raise DataSourceError(
            f"{path} is not the file pinned for {url} in geo/assets.py (integrity "
            f"{sri_hash(data)}, expected {expected}): {fix}"
        )
    return data


def asset_bytes(url: str) -> bytes:
    """Return the bytes of a CDN asset from a local copy (see the module doc for where).

    Parameters
    ----------
    url : str
        An address from :meth:`geo.assets.Asset.urls`, or a file its stylesheet
        refers to.

    Returns
    -------
    bytes
        The file, checked against its pinned integrity hash.

    Raises
    ------
    DataSourceError
        When no local copy exists, or the first copy found does not match the
        integrity hash pinned in :mod:`geo.assets`.

    Examples
    --------
    >>> url = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    >>> b"Leaflet 1.9.3" in asset_bytes(url)
    True
    """
    for path, fix in _local_copies(url):
        return _checked(url, path, fix)
    raise DataSourceError(
        f"no local copy of {url} for an offline map: flashpoints ships the map assets in "
        "geo/maps/vendor, so reinstall it (in a checkout: `make vendor`, or `npm ci`, which "
        "`make` runs), or run `flashpoints assets fetch` once while online"
    )


def fetch_assets(*, timeout_s: float = 30.0) -> list[Path]:
    """Download every map asset from its CDN into the cache folder (needs the network).

    The files are those of :meth:`geo.assets.Asset.files`: scripts, stylesheets and
    the images the stylesheets refer to.

    Returns
    -------
    list of pathlib.Path
        The cached files.
    """
    return [
        _download(asset.cdn_prefix + name, timeout_s)
        for asset in ASSETS.values()
        for name in asset.files()
    ]


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
