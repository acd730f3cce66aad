"""Interactive maps (folium/Leaflet): where the map is drawn.

* :mod:`.draw`: :func:`incident_map`, :func:`tracks_map`, :func:`zones_map`, :func:`save_map`;
* :mod:`.zones`: zone layers (colour per state, hatched overlapping claims);
* :mod:`.incidents`: the incident table drawn by ``flashpoints.js``
  (shapes per kind, popups, uncertainty, trajectories, range rings, timeline);
* :mod:`.tracks`: the track table drawn by ``tracks.js`` (lines by zone kind, dark legs,
  gaps, entries and exits, time slider); :mod:`.presence`: the presence chart;
* :mod:`.legend`, :mod:`.style`: the legend and the palette;
* :mod:`.escape`: how user text is kept text;
* :mod:`.offline`: self-contained HTML files.
"""

from .draw import incident_map, save_map, tracks_map, zones_map
from .style import KIND_STYLE, STATE_COLORS

__all__ = ["KIND_STYLE", "STATE_COLORS", "incident_map", "save_map", "tracks_map", "zones_map"]
