"""Vessel tracks: positions loaded and flagged, cut into zone visits, counted as presence.

* :func:`load_tracks` (:mod:`.load`, flags in :mod:`.clean`, NMEA in :mod:`.nmea`):
  AIS-style positions with a rejects table and quality flags; :func:`unused_rows`:
  every row no visit uses, with its reason;
* :func:`segments` (:mod:`.segments`): tracks cut at long gaps;
* :func:`zone_visits` (:mod:`.visits`, crossings in :mod:`.crossings`): one row per
  stay of a vessel segment in a zone, crossings timed on the geodesic;
* :func:`presence` (:mod:`.presence`): days present, ship-days and episodes per
  period, in the Japan Coast Guard's terms;
* :func:`synthetic_patrols` (:mod:`.synthetic`): seeded synthetic patrols around
  the Senkaku Islands that reproduce published monthly counts (a test of the
  aggregation, not a model of reality).
"""

from __future__ import annotations

from .clean import unused_rows
from .load import load_tracks
from .presence import PRESENCE_COLUMNS, presence
from .segments import segments
from .synthetic import jcg_senkaku_counts, synthetic_patrols
from .visits import VISIT_COLUMNS, zone_visits

__all__ = [
    "PRESENCE_COLUMNS",
    "VISIT_COLUMNS",
    "jcg_senkaku_counts",
    "load_tracks",
    "presence",
    "segments",
    "synthetic_patrols",
    "unused_rows",
    "zone_visits",
]
