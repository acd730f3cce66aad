"""Paths of the data bundled with the package (``data/`` in the checkout)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from .errors import DataSourceError

__all__ = ["data_path"]


def _data_root() -> Path:
    # In a wheel, data/ is installed as geo/data. In an editable install the
    # checkout's data/ folder is next to the package folder.
    installed = Path(str(importlib.resources.files("geo"))) / "data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "data"


def data_path(*parts: str) -> Path:
    """Return the path of a bundled data file.

    Parameters
    ----------
    *parts : str
        Path components below ``data/``, e.g. ``("zones", "east-asia.geojson")``.

    Returns
    -------
    pathlib.Path
        The file's path.

    Raises
    ------
    DataSourceError
        If the file is not there (a broken installation).

    Examples
    --------
    >>> data_path("zones", "east-asia.geojson").name
    'east-asia.geojson'
    """
    path = _data_root().joinpath(*parts)
    if not path.exists():
        raise DataSourceError(f"bundled data file {path} is missing; reinstall flashpoints")
    return path
