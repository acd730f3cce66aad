"""Classification on a Dask cluster (optional: ``pip install flashpoints[dask]``).

:func:`geo.classify` hands a ``dask_geopandas.GeoDataFrame`` (or GeoParquet paths)
to :func:`classify_dask`, which returns a lazy frame with exactly the columns and
answers of the in-memory path: each partition goes through the same
:func:`geo.classify.classify`. The zone set travels to each worker once: with a
``distributed`` client it is scattered to every worker (``broadcast=True``) before
the tasks are built; without one it is a single key of the task graph. Each worker
process builds its zone index and coastlines once and keeps them (see
:mod:`geo._cache`). Every input row comes out, high seas and outside coverage
included.

Nothing in the package imports this module unless Dask input is given.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from .errors import InputError

__all__ = [
    "classify_dask",
    "classify_to_parquet",
    "is_dask_frame",
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


def read_positions(source: str | Path | Sequence[str | Path]) -> Any:
    """Read GeoParquet files (paths, globs or a folder) as a lazy dask-geopandas frame.

    Each file is at least one partition.
    """
    dask_geopandas = _require_dask()
    paths = _paths(source)
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


def classify_dask(
    incidents: Any,
    zones: gpd.GeoDataFrame,
    *,
    statement_state: str = "JPN",
) -> Any:
    """Classify a dask-geopandas frame lazily, partition by partition.

    Parameters
    ----------
    incidents : dask_geopandas.GeoDataFrame, or GeoParquet path(s) or glob
        Points (any CRS).
    zones : geopandas.GeoDataFrame
        A zone set (in memory: it is sent to the workers once).
    statement_state : str, default "JPN"
        As in :func:`geo.classify`.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; same partitions and rows as the input, plus the columns of
        :data:`geo.classify.OUTPUT_COLUMNS`.
    """
    _require_dask()
    if not is_dask_frame(incidents):
        incidents = read_positions(incidents)
    if incidents.crs is None:
        raise InputError("incidents have no CRS; set one, e.g. ddf.set_crs(4326)")
    from .classify import classify

    meta = classify(incidents._meta, zones, statement_state=statement_state)
    client = _client()
    if client is not None:
        # One copy per worker, sent now, instead of one per task.
        zones_arg: Any = client.scatter(zones, broadcast=True, hash=False)
        log.info("zone set scattered to %d workers", len(client.scheduler_info()["workers"]))
    else:
        import dask

        zones_arg = dask.delayed(zones, pure=True)
    return incidents.map_partitions(
        classify, zones_arg, statement_state=statement_state, meta=meta, align_dataframes=False
    )


def _write_partition(
    part: gpd.GeoDataFrame, folder: str, partition_info: dict | None = None
) -> Any:
    """Write one classified partition as GeoParquet; return its row count."""
    import pandas as pd

    number = partition_info["number"] if partition_info else 0
    part.to_parquet(Path(folder) / f"part.{number:06d}.parquet")
    return pd.Series([len(part)], dtype="int64")


def _parquet_rows(paths: Sequence[str]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in paths)


def classify_to_parquet(
    source: str | Path | Sequence[str | Path],
    output: str | Path,
    *,
    zones: gpd.GeoDataFrame,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> tuple[int, int]:
    """Classify GeoParquet files on a Dask cluster and write partitioned GeoParquet.

    Parameters
    ----------
    source : path, glob, folder or list of them
        GeoParquet input.
    output : path
        Folder to create (it must not exist, or be empty); written in a
        temporary folder beside it and renamed into place when complete.
    zones : geopandas.GeoDataFrame
        Zone set.
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

    from distributed import Client, LocalCluster
    from distributed import progress as dask_progress

    from . import settings
    from .errors import DataSourceError

    paths = _paths(source)
    out_dir = Path(output)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir} exists; remove it or choose another output folder")
    rows_read = _parquet_rows(paths)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers or settings.workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    try:
        with Client(scheduler or cluster) as client:
            frame = classify_dask(read_positions(paths), zones)
            # Each task classifies a partition and writes it (geopandas writes the
            # GeoParquet metadata); only row counts come back.
            tmp.mkdir(parents=True)
            counts = frame.map_partitions(_write_partition, str(tmp), meta=("rows", "int64"))
            job = client.compute(counts)
            if progress:
                dask_progress(job)
            reported = int(job.result().sum())
        written = sorted(str(p) for p in tmp.glob("*.parquet"))
        rows_written = _parquet_rows(written)
        if not rows_written == reported == rows_read:
            raise DataSourceError(
                f"wrote {rows_written} rows ({reported} reported) but read {rows_read}; "
                "output discarded"
            )
        if out_dir.exists():
            out_dir.rmdir()
        tmp.rename(out_dir)
    finally:
        if cluster is not None:
            cluster.close()
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return rows_read, rows_written
