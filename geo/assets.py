"""The JavaScript and CSS that the maps load, and where local copies come from.

Maps reference the assets by their CDN address, as folium does. The same table
tells the browser tests (and, later, the offline writer) which npm package holds
a local copy of each: ``make test`` installs them with npm into ``node_modules/``
from ``package.json``, which pins the same versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS", "Asset", "local_file"]


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
    """

    package: str
    version: str
    cdn_prefix: str
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()

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
    ),
}


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
