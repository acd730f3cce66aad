"""A zone set prepared for questions: its index, coastline, zone edges and claimed waters.

:class:`PreparedZones` is the one object that holds what is derived from a zone
set. Each part is built on first use and kept by the object, so a caller who
classifies many batches against one zone set builds the index once::

    prepared = PreparedZones(zones)
    for batch in batches:
        geo.classify(batch, prepared=prepared)

Nothing is cached behind the caller's back: a new :class:`PreparedZones` starts
empty, unless it is given an ``index_dir`` to keep its zone index in. The one
exception is :func:`bundled`, the bundled East Asia set, which is loaded and
prepared once per process. Pickling keeps only the zone set and ``index_dir`` (the
derived parts are rebuilt lazily where it is unpickled), so a Dask worker that
receives a scattered object builds its parts once and reuses them across tasks.
"""

from __future__ import annotations

import functools
import logging
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .coast import Coastline
from .errors import InputError
from .index import ZoneIndex, index_key
from .zones.load import load_zones
from .zones.schema import OVERLAY_KINDS, ZONE_KINDS, coverage_of

__all__ = ["PreparedZones", "bundled", "prepare"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Zone kinds that are a state's waters for a statement such as "inside Japan's EEZ".
SEA_KINDS: tuple[str, ...] = tuple(k for k in ZONE_KINDS if k != "land" and k not in OVERLAY_KINDS)

#: Zone kinds reported as another class: Marine Regions' overlapping-claim and
#: joint-regime polygons are EEZ areas.
KIND_AS_CLASS: dict[str, str] = {"overlapping_claim": "eez", "joint_regime": "eez"}


#: Cell halvings of an index kept in ``index_dir`` (built once, so worth a finer grid:
#: on the bundled set 2.4 -> 5.8 s to build, lookups 2.6 times as fast).
INDEX_DIR_REFINE = 2

#: Version of the coastline and boundary files kept in ``index_dir`` (their names carry it).
GRID_FORMAT = "g2"


class PreparedZones:
    """A zone set and the structures built from it, each built on first use.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        A zone set in the schema of :mod:`geo.zones.schema` (as returned by
        :func:`geo.load_zones` or :func:`geo.build_zones`).
    index_dir : str or Path, optional
        A folder for the zone index and the distance grids of the coastline and
        the zone edges (:mod:`geo.distance_grid`): each is read from it when it
        holds one built for this zone set (named by a hash of its geometry), else
        built once and written there. For millions of points: the grids make
        distances several times as fast, and take a while to build. By default
        nothing is written and no grid is built.

    Attributes
    ----------
    zones : geopandas.GeoDataFrame
        The zone set (not copied: do not modify it while this object is in use).

    Examples
    --------
    >>> import geo
    >>> prepared = PreparedZones(geo.load_zones())
    >>> prepared.zones_at(123.5, 25.8)["zone_id"].tolist()
    ['senkaku-territorial-sea']
    """

    def __init__(self, zones: gpd.GeoDataFrame, *, index_dir: str | Path | None = None):
        if not isinstance(zones, gpd.GeoDataFrame):
            raise InputError(
                f"PreparedZones takes a zone set (GeoDataFrame), not {type(zones).__name__}"
            )
        self.zones = zones
        overlay = zones["kind"].isin(OVERLAY_KINDS).to_numpy()
        #: The zones that partition the sea (and land): one per point, the innermost.
        self.sea = zones[~overlay] if overlay.any() else zones
        #: Continental-shelf and regime zones, which lie over the sea zones.
        self.overlays = zones[overlay]
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self._parts: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()

    def __getstate__(self) -> dict[str, Any]:
        return {"zones": self.zones, "index_dir": self.index_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["zones"], index_dir=state.get("index_dir"))  # type: ignore[misc]

    def __repr__(self) -> str:
        built = ", ".join(sorted(f"{a}:{b}" if b else a for a, b in self._parts)) or "nothing"
        return f"<PreparedZones: {len(self.zones)} zones; built: {built}>"

    def _part(self, key: tuple[str, str], build: Callable[[], T]) -> T:
        """Return the part ``key``, building it once (thread-safe)."""
        if key not in self._parts:
            with self._lock:
                if key not in self._parts:
                    self._parts[key] = build()
                    log.debug("prepared %s", key)
        return self._parts[key]  # type: ignore[no-any-return]

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """Return ``build()``, built once and kept with this zone set.

        For modules that derive structure of their own from the zones (e.g.
        :func:`geo.boundary_lines`), so it too is built once per prepared set.
        """
        return self._part(("derived", name), build)

    @property
    def coverage(self) -> shapely.Geometry:
        """The area inside which the zone set is complete."""
        return coverage_of(self.zones)

    @property
    def index(self) -> ZoneIndex:
        """Point-in-zone index (:class:`geo.index.ZoneIndex`).

        With ``index_dir``, the index (grid included) is read from that folder when a
        file for this zone set is there, else built and written there for next time.
        """
        return self._part(("index", ""), self._load_or_build_index)

    def _load_or_build_index(self) -> ZoneIndex:
        if self.index_dir is None:
            return ZoneIndex(self.sea)
        return _read_or_build(
            self.index_dir / f"zone-index-{self._key()}.npz",
            read=lambda path: ZoneIndex.load(path, self.sea),
            build=lambda: ZoneIndex(self.sea, grid=True, refine=INDEX_DIR_REFINE),
            what="zone index",
        )

    def _key(self) -> str:
        """Return the zone set's key (:func:`geo.index.index_key`), hashed once per object."""
        return self._part(("key", ""), lambda: index_key(self.sea))

    @property
    def coastline(self) -> Coastline | None:
        """The coast (outer rings of the land zones less land borders); None without land."""

        def build() -> Coastline | None:
            land = self.sea[self.sea["kind"] == "land"]
            if not len(land):
                return None
            return self._kept("coastline", lambda: Coastline(land, rings="coast"))

        return self._part(("coastline", ""), build)

    @property
    def boundaries(self) -> Coastline | None:
        """Every edge of every sea and land zone, ready for distances.

        A segment's owners (``state``, and ``other_state`` for an edge two zones
        share, kept once) are the zones' rows in :attr:`sea`. As the zones
        partition the coverage, the nearest edge to a point is an edge of its own
        zone (:func:`geo.classify` checks the owners).
        """

        def build() -> Coastline | None:
            if self.sea.empty:
                return None
            return self._kept("boundaries", lambda: Coastline.from_geometries(
                self.sea.geometry.values, list(range(len(self.sea))), merge_shared=True
            ))  # fmt: skip

        return self._part(("boundaries", ""), build)

    def _kept(self, name: str, build: Callable[[], Coastline]) -> Coastline:
        """``build()``; with ``index_dir``, with a distance grid, kept in that folder.

        The file is named by the zone set's key (:func:`geo.index.index_key`).
        """
        if self.index_dir is None:
            return build()
        return _read_or_build(
            self.index_dir / f"{name}-{self._key()}-{GRID_FORMAT}.npz",
            read=Coastline.load,
            build=lambda: build().with_grid(tuple(self.coverage.bounds)),
            what=name,
        )

    def columns(self) -> dict[str, np.ndarray]:
        """Per-zone arrays that classification copies to its rows (row order of :attr:`sea`)."""

        def build() -> dict[str, np.ndarray]:
            z = self.sea
            return {
                "zone_kind": z["kind"].map(lambda k: KIND_AS_CLASS.get(k, k)).to_numpy(),
                "zone_name": z["name"].to_numpy(),
                "zone_id": z["zone_id"].to_numpy(),
                "claimants": z["claimants"].to_numpy(),
                "sovereign": z["sovereign"].to_numpy(),
            }

        return self._part(("columns", ""), build)

    def edge(self, zone_id: str) -> Coastline | None:
        """Edge of one zone, ready for distances; ``""`` is the edge of every sea zone.

        The high seas (``zone_id`` ``""``) are bounded by every zone that is not land.
        """

        def build() -> Coastline | None:
            z = self.sea
            part = z[z["kind"] != "land"] if zone_id == "" else z[z["zone_id"] == zone_id]
            if part.empty:
                return None
            return Coastline.from_geometries(part.geometry.values, part["sovereign"].to_numpy())

        return self._part(("edge", zone_id), build)

    def zone_edge(self, row: int) -> Coastline | None:
        """Edge of the zone in row ``row`` of :attr:`sea`, ready for distances.

        Taken from :attr:`boundaries` (the segments that zone owns: nothing is
        built again) when that network knows every owner of its segments, else
        built from the zone (:meth:`edge`).
        """

        def build() -> Coastline | None:
            edges = self.boundaries
            if edges is None or not edges.owners_complete:
                return self.edge(str(self.sea["zone_id"].iloc[row]))
            state, other = edges.owner_rows()
            keep = (state == row) | (other == row)
            return edges.subset(keep) if keep.any() else None

        return self._part(("zone-edge", str(row)), build)

    def claimed_waters(self, state: str) -> tuple[shapely.Geometry, Coastline]:
        """Return the sea ``state`` claims in the set, and its edge ready for distances."""

        def build() -> tuple[shapely.Geometry, Coastline]:
            z = self.sea
            mine = z["claimants"].str.split("/").map(lambda c: state in c)
            area = shapely.union_all(z[z["kind"].isin(SEA_KINDS) & mine].geometry.values)
            shapely.prepare(area)
            return area, Coastline.from_geometries([area], [state])

        return self._part(("claimed", state), build)

    def overlay_index(self, kind: str) -> ZoneIndex | None:
        """Index of the overlay zones of one kind (``continental_shelf``, ``regime``)."""

        def build() -> ZoneIndex | None:
            rows = self.overlays[self.overlays["kind"] == kind]
            # Few polygons, asked only for points in their boxes: exact tests, no grid.
            return ZoneIndex(rows, grid=False) if len(rows) else None

        return self._part(("overlay", kind), build)

    def overlay_hits(self, kind: str, x: np.ndarray, y: np.ndarray) -> dict[int, tuple[int, ...]]:
        """Points inside overlays of one kind: position in ``x``/``y`` -> overlay rows.

        Overlay rows count within :attr:`overlays` of that kind. Only points in the
        overlays' bounding box are tested; points in none are left out.
        """
        index = self.overlay_index(kind)
        if index is None or not len(x):
            return {}
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        w, s, e, n = shapely.total_bounds(index.geoms)
        near = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        codes = index.set_codes(x[near], y[near])  # 0: in no overlay, <0: outside
        hit = codes > 0
        return {int(k): index.members(int(c)) for k, c in zip(near[hit], codes[hit], strict=True)}

    def zones_at(self, lon: float, lat: float) -> gpd.GeoDataFrame:
        """Return every zone that holds the point (sea zones innermost first, then overlays)."""
        _, zone_rows = self.index.pairs(np.array([float(lon)]), np.array([float(lat)]))
        zone_rows = np.sort(zone_rows)
        order = np.argsort(self.index.priority[zone_rows], kind="stable")
        point = shapely.Point(float(lon), float(lat))
        over = self.overlays[self.overlays.geometry.covers(point)]
        return gpd.GeoDataFrame(
            pd.concat([self.sea.iloc[zone_rows[order]], over]), crs=self.zones.crs
        )


class _Saved(Protocol):
    def save(self, path: str | Path) -> Path: ...


S = TypeVar("S", bound=_Saved)


def _read_or_build(
    path: Path, *, read: Callable[[Path], S], build: Callable[[], S], what: str
) -> S:
    """Read ``path`` if it is there (a damaged file is built again), else build and save it.

    A file that cannot be written is only a warning: the built structure is returned.
    """
    if path.exists():
        try:
            return read(path)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("%s %s not used (%s); building it again", what, path, exc)
    made = build()
    try:
        made.save(path)
        log.info("%s written to %s", what, path)
    except OSError as exc:
        log.warning("%s not written to %s: %s", what, path, exc)
    return made


@functools.lru_cache(maxsize=1)
def bundled() -> PreparedZones:
    """Return the bundled East Asia zone set, loaded and prepared once per process."""
    return PreparedZones(load_zones())


def prepare(
    zones: gpd.GeoDataFrame | PreparedZones | None = None,
    prepared: PreparedZones | None = None,
) -> PreparedZones:
    """Return the prepared zone set a function should use.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame or PreparedZones, optional
        A zone set; prepared now (lazily) when it is a frame.
    prepared : PreparedZones, optional
        An already prepared set; it must be for ``zones`` when both are given.

    Returns
    -------
    PreparedZones
        ``prepared``, else ``zones`` prepared, else :func:`bundled`.
    """
    if isinstance(zones, PreparedZones):
        zones, prepared = None, zones if prepared is None else prepared
    if prepared is not None:
        if not isinstance(prepared, PreparedZones):
            raise InputError(f"prepared= takes a PreparedZones, not {type(prepared).__name__}")
        if zones is not None and zones is not prepared.zones:
            raise InputError("zones and prepared= name different zone sets; pass one of them")
        return prepared
    if zones is None:
        return bundled()
    if bundled.cache_info().currsize and zones is bundled().zones:
        return bundled()  # the bundled frame itself, e.g. from ``bundled().zones``
    return PreparedZones(zones)
