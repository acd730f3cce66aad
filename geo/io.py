"""Write results atomically: to a temporary file next to the target, then rename.

A crash or a full disk never leaves a half-written output under the final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .errors import InputError

__all__ = ["OUTPUT_FORMATS", "atomic_path", "write_frame", "write_text"]

#: File endings :func:`write_frame` understands.
OUTPUT_FORMATS: tuple[str, ...] = (".csv", ".geojson", ".gpkg", ".parquet")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over the target on success.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(target: str | Path, text: str) -> Path:
    """Write text atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def _writer(suffix: str, layer: str) -> Callable[[gpd.GeoDataFrame, Path], None]:
    if suffix == ".csv":

        def csv(frame: gpd.GeoDataFrame, path: Path) -> None:
            plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
            plain.to_csv(path, index=False)

        return csv
    if suffix == ".geojson":
        return lambda f, p: f.to_file(p, driver="GeoJSON", engine="pyogrio")
    if suffix == ".gpkg":
        return lambda f, p: f.to_file(p, driver="GPKG", layer=layer, engine="pyogrio")
    if suffix == ".parquet":
        return lambda f, p: f.to_parquet(p)
    raise InputError(f"cannot write {suffix!r} files; use one of {', '.join(OUTPUT_FORMATS)}")


def write_frame(frame: gpd.GeoDataFrame, target: str | Path) -> Path:
    """Write a GeoDataFrame atomically; the format follows the file ending.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        What to write. Datetime columns are written as ISO 8601 text in CSV.
    target : str or Path
        ``.csv``, ``.geojson``, ``.gpkg`` or ``.parquet``.
    """
    target = Path(target)
    writer = _writer(target.suffix.lower(), target.stem)
    plain = frame.copy()
    plain.attrs = {}  # the rejects table and coverage are not file metadata
    with atomic_path(target) as tmp:
        writer(plain, tmp)
    return target
