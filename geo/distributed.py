"""Frame functions on a Dask cluster (optional: ``pip install flashpoints[dask]``).

:func:`geo.classify` hands a ``dask_geopandas.GeoDataFrame`` (or GeoParquet paths)
to :func:`map_prepared`, which returns a lazy frame with exactly the columns and
answers of the in-memory path: each partition goes through the same function.
The prepared zone set (:class:`geo.PreparedZones`) travels to each worker once:
with a ``distributed`` client it is scattered to every worker (``broadcast=True``)
before the tasks are built; without one it is a single key of the task graph. A
worker keeps the object it received, so the index and coastlines it builds on
first use serve every later task. Every input row comes out, high seas and outside
coverage included.

:func:`map_prepared_by` does the same over partitions that each hold every row
of their ``key`` values (the frame is shuffled on the key first): for functions
that need all rows of a group together, such as :func:`geo.zone_visits`, which
follows each vessel's track in time.

This module knows nothing of classification or tracks: it runs any function
``func(frame, prepared, **options) -> frame``. Nothing in the package imports it
unless Dask input is given.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from .errors import DataSourceError, InputError

__all__ = [
    "is_dask_frame",
    "map_prepared",
    "map_prepared_by",
    "map_to_parquet",
    "quiet_dask_logs",
    "read_positions",
]

log = logging.getLogger(__name__)


def is_dask_frame(obj: object) -> bool:
    """Tell whether ``obj`` is a Dask (GeoPandas) DataFrame, without importing Dask."""
    return type(obj).__module__.split(".")[0] in ("dask_geopandas", "dask", "dask_expr")


def quiet_dask_logs() -> None:
    """Show only warnings from dask.distributed (it logs every worker start at INFO)."""
    _require_dask()
    import distributed  # noqa: F401  (its import configures its loggers; then we override)

    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _require_dask() -> Any:
    try:
        import dask_geopandas
    except ModuleNotFoundError as exc:
        raise InputError(
            "Dask input needs the dask extra: pip install 'flashpoints[dask]'"
        ) from exc
    return dask_geopandas


def _paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    items = [source] if isinstance(source, (str, Path)) else list(source)
    out: list[str] = []
    for item in items:
        text = str(item)
        if Path(text).is_dir():
            found = sorted(glob.glob(str(Path(text) / "*.parquet")))
        else:
            found = sorted(glob.glob(text)) if any(c in text for c in "*?[") else [text]
        if not found:
            raise InputError(f"no GeoParquet files match {text!r}")
        missing = [f for f in found if not Path(f).is_file()]
        if missing:
            raise InputError(f"no such file: {missing[0]}")
        out += found
    return out


def _check_points(path: str) -> None:
    """Refuse a GeoParquet file whose metadata says it holds other geometries than points."""
    import json

    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path).metadata or {}
        geo_meta = json.loads(meta.get(b"geo", b"{}"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read GeoParquet metadata: {exc}", source=path) from exc
    column = geo_meta.get("columns", {}).get(geo_meta.get("primary_column", ""), {})
    types = set(column.get("geometry_types", [])) - {"Point", "Point Z"}
    if types:
        raise InputError(
            f"geometry is {', '.join(sorted(types))}; classify takes points "
            "(write centroids or representative points)",
            source=path,
        )


def read_positions(source: str | Path | Sequence[str | Path]) -> Any:
    """Read GeoParquet files (paths, globs or a folder) as a lazy dask-geopandas frame.

    Each file is at least one partition.
    """
    dask_geopandas = _require_dask()
    paths = _paths(source)
    for path in paths:
        _check_points(path)
    try:
        return dask_geopandas.read_parquet(paths)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read {paths[0]} as GeoParquet: {exc}", source=paths[0]) from exc


def _client() -> Any:
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


#: A function mapped over partitions: ``func(frame, prepared, **options) -> frame``.
FrameFunc = Callable[..., gpd.GeoDataFrame]


def map_prepared(func: FrameFunc, frame: Any, prepared: Any, **options: Any) -> Any:
    """Map ``func(partition, prepared, **options)`` lazily over a dask-geopandas frame.

    Parameters
    ----------
    func : callable
        Takes a GeoDataFrame and the prepared zone set, returns a GeoDataFrame
        (e.g. :func:`geo.classify`). It must be importable by name (workers
        unpickle it).
    frame : dask_geopandas.GeoDataFrame
        The input, with a CRS.
    prepared : geo.PreparedZones
        Sent to each worker once.
    **options
        Passed to ``func``.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; same partitions and rows as the input.
    """
    _require_dask()
    meta = _unknown_categories(func(frame._meta, prepared, **options))
    client = _client()
    if client is not None:
        # One copy per worker, sent now, instead of one per task.
        shared: Any = client.scatter(prepared, broadcast=True, hash=False)
        log.info("zone set scattered to %d workers", len(client.scheduler_info()["workers"]))
    else:
        import dask

        shared = dask.delayed(prepared, pure=True)
    return frame.map_partitions(func, shared, **options, meta=meta, align_dataframes=False)


def _unknown_categories(meta: Any) -> Any:
    """``meta`` with its categorical columns' categories marked unknown.

    The answer's text columns are categoricals whose categories are the values a
    partition holds, so Dask must not take the empty frame's (none) as everyone's:
    it then joins each partition's categories when the result is computed.
    """
    from dask.dataframe.utils import clear_known_categories

    return clear_known_categories(meta)


def map_prepared_by(
    func: FrameFunc, frame: Any, prepared: Any, *, key: str, npartitions: int | None = None,
    **options: Any,
) -> Any:  # fmt: skip
    """Map ``func`` lazily over partitions that each hold every row of their ``key`` values.

    The frame is shuffled on ``key`` (hash partitioning): every row with one value of
    ``key`` lands in the same partition, so no group is ever split between two
    partitions and ``func`` sees each group whole. Rows come in no particular order
    within a partition; ``func`` sorts what it needs sorted.

    Parameters
    ----------
    func : callable
        ``func(partition, prepared, **options) -> frame``, importable by name.
    frame : dask.dataframe.DataFrame or dask_geopandas.GeoDataFrame
        The input.
    prepared : geo.PreparedZones
        Sent to each worker once (as by :func:`map_prepared`).
    key : str
        The column whose groups must stay whole (e.g. ``"vessel_id"``).
    npartitions : int, optional
        Partitions after the shuffle (default: as many as the input).
    **options
        Passed to ``func``.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy: ``func``'s answers, one partition per shuffled partition.
    """
    _require_dask()
    if key not in frame.columns:
        raise InputError(f"no {key!r} column to keep groups together by")
    grouped = frame.shuffle(on=key, npartitions=npartitions)
    return map_prepared(func, grouped, prepared, **options)


def _write_partition(
    part: gpd.GeoDataFrame, folder: str, partition_info: dict | None = None
) -> Any:
    """Write one partition as GeoParquet; return its row count."""
    import pandas as pd

    number = partition_info["number"] if partition_info else 0
    part.to_parquet(Path(folder) / f"part.{number:06d}.parquet")
    return pd.Series([len(part)], dtype="int64")


def _parquet_rows(paths: Sequence[str]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in paths)


def _check_output_folder(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir} exists; remove it or choose another output folder")


def _local_cluster(n_workers: int | None) -> Any:
    from distributed import LocalCluster

    from . import settings

    return LocalCluster(
        n_workers=n_workers or settings.workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )


def _run_to_folder(
    func: FrameFunc, paths: list[str], tmp: Path, *, prepared: Any, progress: bool, client: Any
) -> int:
    """Map ``func`` over the files; each task writes its partition into ``tmp``.

    Returns the row count the tasks reported (only counts come back, not frames).
    """
    from distributed import progress as dask_progress

    frame = map_prepared(func, read_positions(paths), prepared)
    tmp.mkdir(parents=True)
    counts = frame.map_partitions(_write_partition, str(tmp), meta=("rows", "int64"))
    job = client.compute(counts)
    if progress:
        dask_progress(job)
    return int(job.result().sum())


def _publish(tmp: Path, out_dir: Path, *, rows_read: int, reported: int) -> int:
    """Check the written files hold every row; rename the folder into place."""
    rows_written = _parquet_rows(sorted(str(p) for p in tmp.glob("*.parquet")))
    if not rows_written == reported == rows_read:
        raise DataSourceError(
            f"wrote {rows_written} rows ({reported} reported) but read {rows_read}; "
            "output discarded"
        )
    if out_dir.exists():
        out_dir.rmdir()
    tmp.rename(out_dir)
    return rows_written


def map_to_parquet(
    func: FrameFunc,
    source: str | Path | Sequence[str | Path],
    output: str | Path,
    *,
    prepared: Any,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> tuple[int, int]:
    """Run ``func`` over GeoParquet files on a Dask cluster; write partitioned GeoParquet.

    Parameters
    ----------
    func : callable
        ``func(frame, prepared) -> frame``, e.g. :func:`geo.classify`.
    source : path, glob, folder or list of them
        GeoParquet input.
    output : path
        Folder to create (it must not exist, or be empty); written in a
        temporary folder beside it and renamed into place when complete.
    prepared : geo.PreparedZones
        The prepared zone set.
    scheduler : str, optional
        Address of a running ``distributed`` scheduler (``tcp://host:8786``); by
        default a local cluster of ``n_workers`` processes is started.
    n_workers : int, optional
        Workers of the local cluster; by default one per core.
    progress : bool, default False
        Show Dask's progress bar.

    Returns
    -------
    (rows_read, rows_written) : tuple of int
        Equal, or this raises.

    Raises
    ------
    geo.errors.DataSourceError
        When the output does not hold every input row.
    """
    import shutil
    import uuid

    from distributed import Client

    paths = _paths(source)
    out_dir = Path(output)
    _check_output_folder(out_dir)
    rows_read = _parquet_rows(paths)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    cluster = _local_cluster(n_workers) if scheduler is None else None
    try:
        with Client(scheduler or cluster) as client:
            reported = _run_to_folder(
                func, paths, tmp, prepared=prepared, progress=progress, client=client
            )
        rows_written = _publish(tmp, out_dir, rows_read=rows_read, reported=reported)
    finally:
        if cluster is not None:
            cluster.close()
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return rows_read, rows_written
