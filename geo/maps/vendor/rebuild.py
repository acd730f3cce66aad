"""Rebuild ``geo/maps/vendor/`` from the npm packages in ``node_modules/``.

Run ``make vendor`` (it runs ``npm ci`` first when needed), or in a checkout
whose ``node_modules/`` is installed::

    python -m geo.maps.vendor.rebuild [--node-modules DIR]

For each package of :data:`geo.assets.ASSETS` it checks that the installed
version is the pinned one, then copies verbatim the files of
:meth:`geo.assets.Asset.files` (scripts, stylesheets and the images the
stylesheets refer to), each of which must match its pinned integrity hash, and
the package's licence file, to ``geo/maps/vendor/<package>/<path in the
package>``. Each package folder is replaced whole, so a file no longer listed
disappears, and a folder of a package no longer in ``ASSETS`` is removed. This
script and ``README.md`` are the only files here that are not third-party; the
README lists the files and must be updated by hand when a version changes.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from geo.assets import ASSETS, sri_hash
from geo.errors import DataSourceError

__all__ = ["VENDOR", "main", "vendor_assets"]

log = logging.getLogger(__name__)

#: This folder: where the copies go.
VENDOR = Path(__file__).resolve().parent
#: ``node_modules/`` of the checkout this file is in.
NODE_MODULES = VENDOR.parents[2] / "node_modules"


def _check_package(package_dir: Path, version: str) -> None:
    """Refuse a package that is missing or not at the pinned version."""
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        raise DataSourceError(f"{package_dir} is not installed: run `npm ci` in the checkout")
    found = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if found != version:
        raise DataSourceError(
            f"{package_dir} is version {found}, geo/assets.py pins {version}: run `npm ci`"
        )


def vendor_assets(node_modules: Path = NODE_MODULES, target: Path = VENDOR) -> list[Path]:
    """Copy every map asset and each package's licence from ``node_modules`` to ``target``.

    Parameters
    ----------
    node_modules : pathlib.Path
        The folder ``npm ci`` installed the packages into.
    target : pathlib.Path
        The vendor folder (``geo/maps/vendor``); its package folders are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    DataSourceError
        When a package is missing or at another version, or a file does not
        match its pinned integrity hash; nothing is changed then.
    """
    copies: list[tuple[Path, Path]] = []
    for asset in ASSETS.values():
        package_dir = node_modules / asset.package
        _check_package(package_dir, asset.version)
        for name in asset.files():
            source = package_dir / name
            found = sri_hash(source.read_bytes()) if source.is_file() else "no file"
            if found != asset.integrity[name]:
                raise DataSourceError(
                    f"{source}: {found}, but geo/assets.py pins {asset.integrity[name]}"
                )
            copies.append((source, target / asset.package / name))
        licence = package_dir / asset.license_file
        if not licence.is_file():
            raise DataSourceError(f"{licence} is missing: fix license_file in geo/assets.py")
        copies.append((licence, target / asset.package / asset.license_file))
    for folder in target.iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            shutil.rmtree(folder)
    for source, dest in copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        log.info("%s -> %s", source, dest)
    return [dest for _, dest in copies]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=NODE_MODULES,
        help=f"folder npm installed the packages into (default: {NODE_MODULES})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        written = vendor_assets(args.node_modules)
    except DataSourceError as exc:
        log.error("vendor: %s", exc)
        return 2
    log.info("%d files in %s", len(written), VENDOR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
