/* Flashpoints analyst tools (written for this project; inlined by geo/maps/draw.py).
 *
 * Pointer coordinates (decimal and DMS), a geodesic ruler (km and nm, on the WGS84
 * ellipsoid), search over labels and incident titles, the view kept in the address
 * (#zoom/lat/lon), fullscreen, and export of the incidents in view as CSV or GeoJSON.
 * Every text shown is a DOM text node.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});
  const NM_M = 1852.0;

  const el = FP.el;  // flashpoints.js: an element holding text as a text node

  function button(text, title) {
    const b = el("a", "fp-tool", text);
    b.href = "#";
    b.title = title;
    b.setAttribute("role", "button");
    b.setAttribute("aria-label", title);
    return b;
  }

  function control(position, build) {
    const C = L.Control.extend({
      options: {position: position},
      onAdd: function (map) {
        const box = build(map);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    return new C();
  }

  // --- Coordinates -------------------------------------------------------------------

  function dms(value, pos, neg) {
    const hemi = value < 0 ? neg : pos;
    let s = Math.round(Math.abs(value) * 3600);
    const d = Math.floor(s / 3600); s -= d * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    return d + "\u00B0" + String(m).padStart(2, "0") + "\u2032" + String(s).padStart(2, "0") + "\u2033" + hemi;
  }

  /* "41.5111° N, 139.3583° E" and "41°30′40″N 139°21′30″E" for a position. */
  FP.formatPosition = function (lat, lon) {
    const wrapped = ((lon + 540) % 360) - 180;
    const dec = Math.abs(lat).toFixed(4) + "\u00B0 " + (lat < 0 ? "S" : "N") + ", " +
      Math.abs(wrapped).toFixed(4) + "\u00B0 " + (wrapped < 0 ? "W" : "E");
    return {decimal: dec, dms: dms(lat, "N", "S") + " " + dms(wrapped, "E", "W")};
  };

  function coordinates(map) {
    return control("bottomleft", function () {
      const box = el("div", "fp-coords leaflet-bar");
      box.setAttribute("aria-live", "off");
      const dec = el("div", "fp-coords-dec", "move the pointer over the map");
      const deg = el("div", "fp-coords-dms", "");
      box.append(dec, deg);
      // The pointer itself (Leaflet's own mousemove gives a hovered marker's position).
      map.getContainer().addEventListener("mousemove", function (e) {
        const ll = map.mouseEventToLatLng(e);
        const p = FP.formatPosition(ll.lat, ll.lng);
        dec.textContent = p.decimal;
        deg.textContent = p.dms;
      });
      return box;
    });
  }

  // --- Geodesic distance (Vincenty's inverse formula on WGS84) ------------------------

  const A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F);

  /* Geodesic distance in metres between two points (Vincenty 1975; a spherical
   * fallback for nearly antipodal points, where the iteration does not converge). */
  FP.geodesicDistance = function (lat1, lon1, lat2, lon2) {
    const rad = Math.PI / 180;
    const L0 = (lon2 - lon1) * rad;
    const U1 = Math.atan((1 - F) * Math.tan(lat1 * rad)), U2 = Math.atan((1 - F) * Math.tan(lat2 * rad));
    const sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    let lam = L0, iter = 0, sinS, cosS, sigma, cos2A, cos2Sm;
    for (;;) {
      const sinL = Math.sin(lam), cosL = Math.cos(lam);
      sinS = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
      if (sinS === 0) return 0;
      cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sigma = Math.atan2(sinS, cosS);
      const sinA = cosU1 * cosU2 * sinL / sinS;
      cos2A = 1 - sinA * sinA;
      cos2Sm = cos2A !== 0 ? cosS - 2 * sinU1 * sinU2 / cos2A : 0;
      const C = F / 16 * cos2A * (4 + F * (4 - 3 * cos2A));
      const prev = lam;
      lam = L0 + (1 - C) * F * sinA * (sigma + C * sinS * (cos2Sm + C * cosS * (-1 + 2 * cos2Sm * cos2Sm)));
      if (Math.abs(lam - prev) < 1e-12) break;
      if (++iter > 200) {
        return 6371008.8 * sigma;  // nearly antipodal: mean-radius sphere
      }
    }
    const u2 = cos2A * (A * A - B * B) / (B * B);
    const k1 = (Math.sqrt(1 + u2) - 1) / (Math.sqrt(1 + u2) + 1);
    const bigA = (1 + k1 * k1 / 4) / (1 - k1), bigB = k1 * (1 - 3 * k1 * k1 / 8);
    const dSigma = bigB * sinS * (cos2Sm + bigB / 4 * (cosS * (-1 + 2 * cos2Sm * cos2Sm) -
      bigB / 6 * cos2Sm * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2Sm * cos2Sm)));
    return B * bigA * (sigma - dSigma);
  };

  function formatDistance(m) {
    return (m / 1000).toFixed(m < 10000 ? 2 : 1) + " km (" + (m / NM_M).toFixed(m < 18520 ? 2 : 1) + " nm)";
  }
  FP.formatDistance = formatDistance;

  // Points along the great circle from a to b, for drawing (the distance is Vincenty's).
  function arc(a, b) {
    const n = Math.min(64, Math.max(2, Math.ceil(FP.geodesicDistance(a.lat, a.lng, b.lat, b.lng) / 50000)));
    const out = [];
    const rad = Math.PI / 180;
    const p1 = [Math.cos(a.lat * rad) * Math.cos(a.lng * rad), Math.cos(a.lat * rad) * Math.sin(a.lng * rad), Math.sin(a.lat * rad)];
    const p2 = [Math.cos(b.lat * rad) * Math.cos(b.lng * rad), Math.cos(b.lat * rad) * Math.sin(b.lng * rad), Math.sin(b.lat * rad)];
    for (let k = 0; k <= n; k++) {
      const f = k / n, v = [0, 1, 2].map(function (j) { return p1[j] * (1 - f) + p2[j] * f; });
      const r = Math.hypot(v[0], v[1], v[2]) || 1;
      let lon = Math.atan2(v[1], v[0]) / rad;
      lon += 360 * Math.round((a.lng - lon) / 360 + f * (b.lng - a.lng) / 360);
      out.push([Math.asin(v[2] / r) / rad, lon]);
    }
    return out;
  }

  function ruler(map) {
    const layer = L.featureGroup().addTo(map);
    let on = false, points = [], total = 0;
    const readout = el("div", "fp-ruler-readout");
    const btn = button("\u2194", "Ruler: click points on the map to measure geodesic distance (click again to stop)");
    function reset() { layer.clearLayers(); points = []; total = 0; readout.textContent = ""; }
    function clicked(e) {
      const p = e.latlng;
      if (points.length) {
        const q = points[points.length - 1];
        total += FP.geodesicDistance(q.lat, q.lng, p.lat, p.lng);
        L.polyline(arc(q, p), {color: "#000000", weight: 2, dashArray: "4 3", interactive: false}).addTo(layer);
      }
      points.push(p);
      L.circleMarker(p, {radius: 3, color: "#000000", weight: 1, fillOpacity: 1, interactive: false}).addTo(layer);
      readout.textContent = points.length > 1 ? formatDistance(total) : "click the next point";
    }
    FP.ruler = {
      start: function () { on = true; reset(); btn.classList.add("fp-active"); readout.textContent = "click the first point"; map.on("click", clicked); map.getContainer().style.cursor = "crosshair"; },
      stop: function () { on = false; btn.classList.remove("fp-active"); map.off("click", clicked); map.getContainer().style.cursor = ""; },
      total: function () { return total; },
      readout: readout,
    };
    btn.addEventListener("click", function (e) {
      e.preventDefault();
      if (on) { FP.ruler.stop(); reset(); } else FP.ruler.start();
    });
    return control("topleft", function () {
      const box = el("div", "fp-ruler leaflet-bar");
      box.append(btn, readout);
      return box;
    });
  }

  // --- The view in the address ---------------------------------------------------------

  function parseHash(hash) {
    const m = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(hash || "");
    if (!m) return null;
    const z = +m[1], lat = +m[2], lon = +m[3];
    if (!(lat >= -90 && lat <= 90 && isFinite(lon))) return null;
    return {zoom: z, center: [lat, lon]};
  }

  // The first view: the address's (#zoom/lat/lon), else `bounds`; then the address
  // follows the view.
  function keepViewInAddress(map, bounds) {
    const start = parseHash(window.location.hash);
    if (start) map.setView(start.center, start.zoom, {animate: false});
    else if (bounds) map.fitBounds(bounds, {animate: false});
    map.on("moveend", function () {
      const c = map.getCenter();
      const hash = "#" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
      if (window.location.hash !== hash) window.history.replaceState(null, "", hash);
    });
    window.addEventListener("hashchange", function () {
      const v = parseHash(window.location.hash);
      if (v) map.setView(v.center, v.zoom);
    });
  }

  // --- Fullscreen -----------------------------------------------------------------------

  function fullscreen(map) {
    return control("topleft", function () {
      const box = el("div", "leaflet-bar");
      const btn = button("Full", "Fullscreen");
      btn.addEventListener("click", function (e) {
        e.preventDefault();
        const page = document.documentElement;
        if (document.fullscreenElement) document.exitFullscreen();
        else if (page.requestFullscreen) page.requestFullscreen();
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      box.append(btn);
      return box;
    });
  }

  // --- Search ---------------------------------------------------------------------------

  function searchIndex() {
    const out = [];
    ((FP.labels && FP.labels.items) || []).forEach(function (it) {
      out.push({text: it.label.text, kind: it.label.kind, lat: it.label.lat, lon: it.label.lon});
    });
    const inc = FP.incidents, t = FP.table;
    if (inc && t) {
      for (let i = 0; i < t.n; i++) {
        if (t.title[i]) out.push({text: t.title[i], kind: "incident", index: i});
      }
    }
    return out;
  }

  function search(map) {
    return control("topright", function () {
      const box = el("div", "fp-search leaflet-bar");
      const input = el("input", "fp-search-input");
      input.type = "search";
      input.placeholder = "Search places and incidents";
      input.setAttribute("aria-label", "Search places and incidents");
      const list = el("ul", "fp-search-results");
      box.append(input, list);
      let index = null;
      input.addEventListener("input", function () {
        index = index || searchIndex();
        list.textContent = "";
        const q = input.value.trim().toLowerCase();
        if (!q) return;
        index.filter(function (r) { return r.text.toLowerCase().indexOf(q) >= 0; })
          .slice(0, 8).forEach(function (r) {
            const li = el("li", "fp-search-hit", r.text);
            li.appendChild(el("span", "fp-search-kind", " " + r.kind.replace("_", " ")));
            li.tabIndex = 0;
            li.addEventListener("click", function () { go(map, r); list.textContent = ""; });
            li.addEventListener("keydown", function (e) { if (e.key === "Enter") li.click(); });
            list.appendChild(li);
          });
      });
      return box;
    });
  }

  function go(map, hit) {
    if (hit.kind === "incident") {
      map.setView(FP.homeOf(hit.index), Math.max(map.getZoom(), 8));
      if (FP.openIncident) FP.openIncident(hit.index);
    } else {
      map.setView([hit.lat, hit.lon], Math.max(map.getZoom(), hit.kind === "sea" || hit.kind === "state" ? 5 : 8));
    }
  }

  // --- Export -----------------------------------------------------------------------------

  // A spreadsheet must not run a cell as a formula: such cells get a leading quote.
  function cell(v) {
    let s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* The incidents shown now (timeline) and inside the view: their indexes. */
  FP.incidentsInView = function (map) {
    const inc = FP.incidents, t = FP.table, out = [];
    if (!inc) return out;
    const b = map.getBounds(), s = b.getSouth(), n = b.getNorth(), w = b.getWest(), e = b.getEast();
    for (let i = 0; i < inc.n; i++) {
      const la = t.lat[i], lo = t.lon[i];
      if (inc.visible[i] && la >= s && la <= n && lo >= w && lo <= e) out.push(i);
    }
    return out;
  };

  // Every field but the position (the rows carry lat and lon) is exported as shown.
  FP.exportRows = function (map, format) {
    const t = FP.table, rows = FP.incidentsInView(map);
    const kept = t.fields.filter(function (f) { return f.computed !== "position"; });
    const labels = kept.map(function (f) { return f.label; });
    function values(i) { return kept.map(function (f) { return FP.fieldText(t, f, i); }); }
    if (format === "geojson") {
      return JSON.stringify({type: "FeatureCollection", features: rows.map(function (i) {
        const props = {title: t.title[i]}, v = values(i);
        labels.forEach(function (label, k) { props[label] = v[k]; });
        return {type: "Feature", geometry: {type: "Point", coordinates: [t.lon[i], t.lat[i]]}, properties: props};
      })});
    }
    const lines = [["title", "lat", "lon"].concat(labels).map(cell).join(",")];
    rows.forEach(function (i) {
      lines.push([t.title[i], t.lat[i], t.lon[i]].concat(values(i)).map(cell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  function exporter(map) {
    return control("topleft", function () {
      const box = el("div", "leaflet-bar fp-export");
      [["CSV", "csv", "text/csv"], ["GeoJSON", "geojson", "application/geo+json"]].forEach(function (f) {
        const btn = button(f[0], "Download the incidents in view as " + f[0]);
        btn.addEventListener("click", function (e) {
          e.preventDefault();
          const blob = new Blob([FP.exportRows(map, f[1])], {type: f[2]});
          const a = el("a");
          a.href = URL.createObjectURL(blob);
          a.download = "incidents-in-view." + f[1];
          document.body.appendChild(a);
          a.click();
          a.remove();
        });
        box.appendChild(btn);
      });
      return box;
    });
  }

  /* Add the analyst tools to `map` (call after the incidents and labels are drawn). */
  FP.addTools = function (map, options) {
    const opts = options || {};
    coordinates(map).addTo(map);
    fullscreen(map).addTo(map);
    ruler(map).addTo(map);
    search(map).addTo(map);
    if (opts.export && FP.incidents) exporter(map).addTo(map);
    keepViewInAddress(map, opts.bounds);
    FP.toolsReady = true;
  };
})();
