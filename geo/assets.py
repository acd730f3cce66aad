"""The JavaScript and CSS that the maps load, and where local copies come from.

Maps reference the assets by their CDN address, as folium does, with a
Subresource Integrity hash pinned here next to the version: a browser runs a
script or applies a stylesheet only when its bytes hash to the pinned value, so
a CDN that serves anything else cannot run code in a map. The same table tells
the browser tests and the offline writer which npm package holds a local copy of
each: ``make test`` installs them with npm into ``node_modules/`` from
``package.json``, which pins the same versions (a test recomputes the hashes
from those copies). ``make vendor`` copies the files listed here, and each
package's licence, into ``geo/maps/vendor/``, which ships in the wheel, so that an
installed package writes offline maps with no npm, network or cache (see
``geo/maps/vendor/README.md``).
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
    images : tuple of str
        Files that the stylesheets in ``css`` refer to with a relative ``url()``
        (the browser loads them from the CDN; an offline map inlines them).
    license_file : str
        The package's licence file (relative to the package root), vendored
        with its files.
    integrity : dict of str to str
        Subresource Integrity value (``sha384-`` and the base64 digest) of each
        file in ``js``, ``css`` and ``images``, computed once from the npm package.
    """

    package: str
    version: str
    cdn_prefix: str
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    license_file: str = "LICENSE"
    integrity: dict[str, str] = field(default_factory=dict, hash=False)

    def files(self) -> tuple[str, ...]:
        """Return every file a map may load from this package: ``js``, ``css``, ``images``.

        Examples
        --------
        >>> ASSETS["leaflet"].files()[:2]
        ('dist/leaflet.js', 'dist/leaflet.css')
        """
        return self.js + self.css + self.images

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
        images=(
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
        ),
        # sha384 of node_modules/leaflet/dist/* (npm leaflet 1.9.3); the sha256 of
        # leaflet.js and leaflet.css equal the ones Leaflet publishes for 1.9.3 on
        # leafletjs.com/download.html.
        integrity={
            "dist/leaflet.js": (
                "sha384-okbbMvvx/qfQkmiQKfd5VifbKZ/W8p1qIsWvE1ROPUfHWsDcC8/BnHohF7vPg2T6"
            ),
            "dist/leaflet.css": (
                "sha384-o/2yZuJZWGJ4s/adjxVW71R+EO/LyCwdQfP5UWSgX/w87iiTXuvDZaejd3TsN7mf"
            ),
            "dist/images/layers.png": (
                "sha384-80x85ZS+G189o0xL8E8D7BnfhuNss6EwUPHzG7e+qByRD2xnpxikZ6UQU4Re5nNy"
            ),
            "dist/images/layers-2x.png": (
                "sha384-+F2ZWK/HTpkV9kN2HnMGCQOTM/cnQJLs770FLOeHznwVWRfDESI8z4JwcGYmy2Au"
            ),
            "dist/images/marker-icon.png": (
                "sha384-wg83fCOXjBtqzFAWhTL9Sd9vmLUNhfEEzfmNUX9zwv2igKlz/YQbdapF4ObdxF+R"
            ),
        },
    ),
    # Marker clustering (MIT). Its stylesheets refer to no files.
    "leaflet.markercluster": Asset(
        package="leaflet.markercluster",
        version="1.5.3",
        cdn_prefix="https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/",
        js=("dist/leaflet.markercluster.js",),
        css=("dist/MarkerCluster.css", "dist/MarkerCluster.Default.css"),
        license_file="MIT-LICENCE.txt",
        # sha384 of node_modules/leaflet.markercluster/dist/* (npm leaflet.markercluster 1.5.3).
        integrity={
            "dist/leaflet.markercluster.js": (
                "sha384-eXVCORTRlv4FUUgS/xmOyr66XBVraen8ATNLMESp92FKXLAMiKkerixTiBvXriZr"
            ),
            "dist/MarkerCluster.css": (
                "sha384-pmjIAcz2bAn0xukfxADbZIb3t8oRT9Sv0rvO+BR5Csr6Dhqq+nZs59P0pPKQJkEV"
            ),
            "dist/MarkerCluster.Default.css": (
                "sha384-wgw+aLYNQ7dlhK47ZPK7FRACiq7ROZwgFNg0m04avm4CaXS+Z9Y7nMu8yNjBKYC+"
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
        A folder laid out as npm's (``<package>/<path inside the package>``): the
        folder npm installed the packages into, or ``geo/maps/vendor``.
    """
    clean = url.split("?", 1)[0].split("#", 1)[0]
    for asset in ASSETS.values():
        if clean.startswith(asset.cdn_prefix):
            path = node_modules / asset.package / clean[len(asset.cdn_prefix) :]
            return path if path.is_file() else None
    return None
