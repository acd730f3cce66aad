"""The JavaScript and CSS that the maps load, and where local copies come from.

Maps reference the assets by their CDN address, as folium does, with a
Subresource Integrity hash pinned here next to the version: a browser runs a
script or applies a stylesheet only when its bytes hash to the pinned value, so
a CDN that serves anything else cannot run code in a map. The same table tells
the browser tests and the offline writer which npm package holds a local copy of
each: ``make test`` installs them with npm into ``node_modules/`` from
``package.json``, which pins the same versions (a test recomputes the hashes
from those copies).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ASSETS", "Asset", "integrity_of", "local_file", "sri_hash"]


@dataclass(frozen=True)
class Asset:
    """A front-end package used by the maps.

    Attributes
    ----------
    package : str
        npm package name.
    version : str
        Exact version (the same in ``package.json``).
    cdn_prefix : str
        Address of the package root on the CDN; any file below it maps to the
        same path inside the npm package.
    js, css : tuple of str
        Files (relative to the package root) that a map loads.
    integrity : dict of str to str
        Subresource Integrity value (``sha384-`` and the base64 digest) of each
        file in ``js`` and ``css``, computed once from the npm package.
    """

    package: str
    version: str
    cdn_prefix: str
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()
    integrity: dict[str, str] = field(default_factory=dict, hash=False)

    def urls(self, kind: str) -> list[tuple[str, str]]:
        """Return (name, url) pairs in folium's ``default_js``/``default_css`` form."""
        files = self.js if kind == "js" else self.css
        return [(f"{self.package}:{f}", self.cdn_prefix + f) for f in files]


ASSETS: dict[str, Asset] = {
    "leaflet": Asset(
        package="leaflet",
        version="1.9.3",
        cdn_prefix="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/",
        js=("dist/leaflet.js",),
        css=("dist/leaflet.css",),
        # sha384 of node_modules/leaflet/dist/* (npm leaflet 1.9.3); their sha256
        # equal the ones Leaflet publishes for 1.9.3 on leafletjs.com/download.html.
        integrity={
            "dist/leaflet.js": (
                "sha384-okbbMvvx/qfQkmiQKfd5VifbKZ/W8p1qIsWvE1ROPUfHWsDcC8/BnHohF7vPg2T6"
            ),
            "dist/leaflet.css": (
                "sha384-o/2yZuJZWGJ4s/adjxVW71R+EO/LyCwdQfP5UWSgX/w87iiTXuvDZaejd3TsN7mf"
            ),
        },
    ),
}


def sri_hash(data: bytes) -> str:
    """Return the Subresource Integrity value (sha384) of ``data``.

    Examples
    --------
    >>> sri_hash(b"")
    'sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb'
    """
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def integrity_of(url: str) -> str | None:
    """Return the pinned integrity value of a CDN address, or None when none is pinned.

    Parameters
    ----------
    url : str
        An address from :meth:`Asset.urls`.
    """
    for asset in ASSETS.values():
        if url.startswith(asset.cdn_prefix):
            return asset.integrity.get(url[len(asset.cdn_prefix) :])
    return None


def local_file(url: str, node_modules: Path) -> Path | None:
    """Return the local copy of a CDN address, or None when no asset covers it.

    Parameters
    ----------
    url : str
        An address a map requests.
    node_modules : pathlib.Path
        The folder npm installed the packages into.
    """
    clean = url.split("?", 1)[0].split("#", 1)[0]
    for asset in ASSETS.values():
        if clean.startswith(asset.cdn_prefix):
            path = node_modules / asset.package / clean[len(asset.cdn_prefix) :]
            return path if path.is_file() else None
    return None
