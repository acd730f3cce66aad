"""Package-wide settings: documented defaults in one place.

Change them at run time by assigning to the module; a name that is not a
setting (a typo) raises :class:`AttributeError` instead of being ignored:

>>> import geo.settings
>>> before = geo.settings.n_workers
>>> geo.settings.n_workers = 2
>>> geo.settings.workers()
2
>>> geo.settings.n_worker = 2
Traceback (most recent call last):
    ...
AttributeError: geo.settings has no setting 'n_worker'; did you mean 'n_workers'?
>>> geo.settings.n_workers = before

Physical and legal constants (metres per nautical mile, zone breadths) live here
too, so that no module hides a number of its own.
"""

from __future__ import annotations

import difflib
import inspect
import os
import sys
import types
from pathlib import Path

#: Metres in one international nautical mile.
NM_M: float = 1852.0

#: Breadth of the territorial sea under UNCLOS art. 3, nautical miles.
TERRITORIAL_SEA_NM: float = 12.0
#: Breadth of Japan's territorial sea in its five specified areas (straits), nautical
#: miles: Act on the Territorial Sea and the Contiguous Zone, supplementary provision 2.
SPECIFIED_AREA_TERRITORIAL_SEA_NM: float = 3.0
#: Outer limit of the contiguous zone under UNCLOS art. 33, nautical miles.
CONTIGUOUS_ZONE_NM: float = 24.0
#: Outer limit of the exclusive economic zone under UNCLOS art. 57, nautical miles.
EEZ_NM: float = 200.0

#: Ellipsoid for every geodesic computation.
ELLIPSOID: str = "WGS84"

#: CRS of every GeoDataFrame the package returns.
DEFAULT_CRS: str = "EPSG:4326"

#: Coverage of the bundled East Asia zone set: (west, south, east, north), degrees.
EAST_ASIA_BOUNDS: tuple[float, float, float, float] = (95.0, 0.0, 165.0, 55.0)

#: Where ``flashpoints map`` writes its HTML map by default (relative to the working dir).
DEFAULT_MAP_PATH: Path = Path("maps") / "northeast-asia.html"

#: Coordinates in map HTML are rounded to this many decimals (1e-5 deg is about 1 m).
MAP_COORD_DECIMALS: int = 5

#: Zone outlines and computed lines, simplified for display by 0.01 deg (about 1 km),
#: are written with this many decimals (1e-4 deg is about 11 m).
MAP_ZONE_DECIMALS: int = 4

#: Uncertainty circles are drawn when a map opens only up to this many incidents
#: (beyond, they are built when switched on in the layer control).
MAP_UNCERTAINTY_MAX: int = 5_000

#: A map draws one marker per incident while at most this many (shown) incidents
#: lie in the view; with more, it draws their density instead (hexagons with a
#: count, coloured as the markers would be), which turns into markers as you zoom
#: in. Maps with at most this many incidents build every marker when they open.
MAP_DENSITY_MIN: int = 3_000

#: Size budget of a map's HTML file, megabytes: saving a larger map logs a warning.
MAP_HTML_BUDGET_MB: float = 15.0

#: Longest text, in characters, that a map page shows from one cell (a title,
#: description, source, kind, zone name...). Longer text is cut and ends with
#: "… (truncated; full text in the data)"; the frames are not changed. This keeps
#: a page (and the memory needed to draw it) bounded whatever a cell holds.
MAP_TEXT_MAX_CHARS: int = 2_000

#: A track map (:func:`geo.tracks_map`) draws at most one position per this many seconds
#: of each zone visit (the first of each interval on the clock), besides the zone crossings
#: and the two ends of every dark leg, which are always drawn.
MAP_TRACK_SAMPLE_S: float = 300.0

#: Basemaps offered on online maps (xyzservices names); the first is shown.
MAP_BASEMAPS: tuple[str, ...] = ("OpenStreetMap.Mapnik", "Esri.OceanBasemap", "Esri.WorldImagery")

#: Width of the band around a zone boundary inside which a point's class is
#: "borderline" when it carries no uncertainty of its own, kilometres.
BORDERLINE_KM: float = 0.0

#: Position text (a ``position`` cell, an origin) longer than this many characters,
#: leading and trailing spaces aside, is rejected unread by :func:`geo.locate` ("position
#: text is N characters; at most 500 are read"): no real position needs more.
POSITION_MAX_CHARS: int = 500

#: Marine Regions WFS endpoint (GeoServer).
MARINEREGIONS_WFS_URL: str = "https://geo.vliz.be/geoserver/MarineRegions/wfs"

#: Marine Regions WFS layers that ``flashpoints zones fetch`` knows.
MARINEREGIONS_LAYERS: tuple[str, ...] = (
    "eez",
    "eez_12nm",
    "eez_24nm",
    "eez_internal_waters",
    "eez_archipelagic_waters",
    "eez_boundaries",
    "high_seas",
)

#: Seconds to wait for a download to start or continue (each read from the network).
DOWNLOAD_TIMEOUT_S: float = 60.0

#: Seconds one download attempt may take in all, however steadily the server
#: trickles: a server sending a byte a second never ends a download otherwise.
#: A download that hits it is not retried. Per call: ``deadline_s=``.
DOWNLOAD_DEADLINE_S: float = 900.0

#: Largest body a download keeps, bytes (500 MB; a whole-world Marine Regions
#: layer asked for without ``bbox`` may need more). Refused from the
#: Content-Length header before anything is read, else as soon as the stream
#: passes it; not retried. Per call: ``max_bytes=``.
DOWNLOAD_MAX_BYTES: int = 500_000_000

#: Attempts per download (a failed attempt waits 1, 2, 4 ... seconds before the next).
DOWNLOAD_ATTEMPTS: int = 3

#: Cache folder for downloads; None means the platform's cache folder
#: (``$FLASHPOINTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/flashpoints`` or the OS equivalent).
cache_dir: Path | None = None

#: Points looked up per chunk by :func:`geo.classify` (memory stays bounded).
CHUNK_POINTS: int = 500_000

#: Rows per chunk of a full :func:`geo.classify` (distances to coasts and zone edges
#: hold several arrays per point; 200,000 rows keep the peak near 2 GB).
CLASSIFY_CHUNK_POINTS: int = 200_000

#: Where a point's nearest zone edge belongs to another zone (a zone's edge drawn
#: slightly differently in its neighbour), its own zone's edge is searched first
#: within this many metres beyond that distance (:meth:`geo.coast.Coastline.nearest_within`).
OWN_EDGE_SLACK_M: float = 5_000.0

#: The same for ``classify(..., distances=False)``, whose columns are small: chunks
#: several times :data:`CHUNK_POINTS`, so that each lookup runs on every core.
ZONE_ONLY_CHUNK_POINTS: int = 2_000_000

#: Vessel tracks (:func:`geo.load_tracks`): a position whose implied geodesic speed from the
#: previous kept position of its vessel exceeds this is flagged as a jump, knots.
TRACK_MAX_SPEED_KN: float = 50.0

#: Positions closer than this to the previous kept one are never a jump, however short the
#: time between them (reported positions carry some metres of noise), metres.
TRACK_POSITION_NOISE_M: float = 50.0

#: AIS speed over ground that means "not available" (ITU-R M.1371), knots.
AIS_SOG_UNAVAILABLE_KN: float = 102.3

#: AIS course over ground that means "not available", degrees.
AIS_COG_UNAVAILABLE_DEG: float = 360.0

#: Maritime identification digits (the first three of a ship's MMSI) in use: 201..775.
MMSI_MID_RANGE: tuple[int, int] = (201, 775)

#: A vessel's track is cut into segments where two positions are further apart in time
#: than this, hours (:func:`geo.zone_visits`, ``max_gap``).
TRACK_MAX_GAP_H: float = 6.0

#: Time between two positions of a segment longer than this counts as dark, hours.
TRACK_DARK_AFTER_H: float = 1.0

#: Zone crossings on a leg are refined by bisection on the geodesic until they are known
#: to within this, seconds.
TRACK_CROSSING_TOLERANCE_S: float = 1.0

#: Legs are drawn as geodesics with a vertex at least this often when tested against zone
#: edges (the chord of a 1 km geodesic leaves it by well under a millimetre), metres.
TRACK_LEG_VERTEX_M: float = 1_000.0

#: ``min_distance_to_coast_nm`` of a visit is measured at its crossing points and at its
#: positions, at most one position per this many seconds of a segment.
TRACK_COAST_SAMPLE_S: float = 600.0

#: :func:`geo.zone_visits` works through this many positions at a time (whole vessels:
#: a chunk ends at the first vessel that starts after it is full), so that its
#: intermediate tables stay small and progress can be shown.
TRACK_CHUNK_POSITIONS: int = 250_000

#: Threads for chunked work; None means every core.
n_workers: int | None = None


def workers() -> int:
    """Return the number of threads to use (:data:`n_workers`, else every core)."""
    return n_workers or os.cpu_count() or 1


def cache_folder() -> Path:
    """Return the cache folder (see :data:`cache_dir`)."""
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("FLASHPOINTS_CACHE_DIR"):
        return Path(os.environ["FLASHPOINTS_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "flashpoints"


class _Settings(types.ModuleType):
    """The type of this module: assigning a name that is not defined here fails."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in self.__dict__ or (name.startswith("__") and name.endswith("__")):
            super().__setattr__(name, value)
            return
        known = sorted(inspect.get_annotations(self))
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        if close:
            hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            hint = "known settings: " + ", ".join(known)
        raise AttributeError(
            f"{self.__name__} has no setting {name!r}; {hint}", name=name, obj=self
        )


sys.modules[__name__].__class__ = _Settings
