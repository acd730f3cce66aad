"""Flashpoints: maritime incidents against claim-aware maritime zones.

The public API:

* :func:`load_zones`: a zone set (the bundled East Asia set by default);
  :func:`save_zones` writes one, :func:`build_zones` builds one under a scenario;
* :class:`PreparedZones`: a zone set with its index and coastlines, built once
  and passed as ``prepared=`` to :func:`classify` and the queries;
* :func:`load_incidents`: incident files, validated, with a rejects table;
* :func:`locate`: position text (coordinates or "200 km west of X") to a point;
  :func:`gazetteer` lists (and extends) the landmarks it measures from;
* :func:`classify`: zone, claimants and distance to the coast for each incident;
* :func:`claim_lines`: China's dashed line, a claim drawn on maps, not a zone
  (:func:`within_dashed_line` is ``classify``'s flag for it);
* :func:`load_tracks`: vessel positions (AIS and the like), with a rejects table and
  quality flags; :func:`zone_visits` cuts them into stays in zones (crossings timed on
  the geodesic); :func:`presence` counts days and ship-days per period as the Japan
  Coast Guard does; :func:`synthetic_patrols` makes seeded test patrols;
* :func:`incident_map`, :func:`tracks_map`, :func:`zones_map`: interactive folium maps;
  :func:`save_map` writes one (``offline=True``: self-contained).
"""

from __future__ import annotations

import logging

from . import datasets
from .classify import classify
from .dashed_line import claim_lines, within_dashed_line
from .errors import DataSourceError, FlashpointsError, InputError, ValidationError
from .gazetteer import gazetteer
from .incidents import load_incidents, rejects
from .lines import boundary_lines
from .locate import Location, locate
from .maps import incident_map, save_map, tracks_map, zones_map
from .prepared import PreparedZones
from .queries import near, summary, summary_chart, within_eez, zones_at
from .tracks import load_tracks, presence, synthetic_patrols, zone_visits
from .zones import build as build_zones
from .zones import load_zones, save_zones

__all__ = [
    "DataSourceError",
    "FlashpointsError",
    "InputError",
    "Location",
    "PreparedZones",
    "ValidationError",
    "boundary_lines",
    "build_zones",
    "claim_lines",
    "classify",
    "datasets",
    "gazetteer",
    "incident_map",
    "load_incidents",
    "load_tracks",
    "load_zones",
    "locate",
    "near",
    "presence",
    "rejects",
    "save_map",
    "save_zones",
    "summary",
    "summary_chart",
    "synthetic_patrols",
    "tracks_map",
    "within_dashed_line",
    "within_eez",
    "zone_visits",
    "zones_at",
    "zones_map",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
