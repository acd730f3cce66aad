/* Flashpoints place-name labels (written for this project; inlined by geo/maps/labels.py).
 *
 * Each label is a DOM text node in a Leaflet marker icon (so it can be read, selected,
 * searched and read aloud, and never parses text as HTML). A label shows from its
 * min_zoom on; after every zoom or pan, labels are placed in priority order and a
 * label that would overlap one already placed is hidden.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Write `labels` ({text, kind, lat, lon, min_zoom, priority}, sorted by priority) on `map`. */
  FP.addLabels = function (map, labels) {
    if (!map.getPane("fpLabels")) {
      const pane = map.createPane("fpLabels");
      pane.style.zIndex = 450;  // over zones and lines (overlayPane 400), under markers
      pane.style.pointerEvents = "none";
    }
    const layer = L.layerGroup().addTo(map);
    const items = labels.map(function (lab) {
      const span = FP.el("span", "fp-label fp-label-" + String(lab.kind).replace(/[^a-z_]/g, ""), lab.text);
      const icon = L.divIcon({className: "fp-label-icon", html: span, iconSize: null});
      const marker = L.marker([lab.lat, lab.lon], {
        icon: icon, interactive: false, keyboard: false, pane: "fpLabels",
      });
      return {label: lab, marker: marker, span: span};
    });

    function place() {
      const z = map.getZoom(), placed = [];
      items.forEach(function (it) {
        const on = z >= it.label.min_zoom;
        if (on && !layer.hasLayer(it.marker)) layer.addLayer(it.marker);
        if (!on && layer.hasLayer(it.marker)) layer.removeLayer(it.marker);
        if (!on) return;
        it.span.style.visibility = "visible";
        const box = it.span.getBoundingClientRect();
        if (placed.some(function (b) { return overlaps(b, box); })) {
          it.span.style.visibility = "hidden";
        } else {
          placed.push(box);
        }
      });
    }
    map.on("zoomend moveend resize", place);
    place();
    FP.labels = {
      items: items,
      // The labels shown now (their text), for tests and search.
      shown: function () {
        return items.filter(function (it) {
          return layer.hasLayer(it.marker) && it.span.style.visibility !== "hidden";
        }).map(function (it) { return it.label.text; });
      },
    };
    return FP.labels;
  };
})();
