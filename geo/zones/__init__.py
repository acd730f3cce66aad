"""Maritime zones: the schema, loading zone sets and building them from land.

* :mod:`geo.zones.schema`: the canonical columns and kinds.
* :mod:`geo.zones.load`: :func:`load_zones` (the bundled set or a file) and
  :func:`save_zones`.
* :mod:`geo.zones.land`: land polygons and island features, the builder's input.
* :mod:`geo.zones.builder`: :func:`build`, 12/24/200 nm zones with median lines
  and overlapping claims, under a claims scenario.
"""

from .builder import build
from .load import load_zones, save_zones
from .schema import CLASS_KINDS, ZONE_KINDS, coverage_of

__all__ = ["CLASS_KINDS", "ZONE_KINDS", "build", "coverage_of", "load_zones", "save_zones"]
