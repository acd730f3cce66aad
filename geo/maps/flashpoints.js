/* Flashpoints map layer (written for this project; loaded inline by geo/maps).
 *
 * Incidents arrive as one columnar JSON table and are drawn on Leaflet's canvas,
 * one shape per incident kind. Popups and tooltips are built as DOM text nodes
 * and layer-control labels are escaped (textLabel): what users wrote is never
 * parsed as HTML. Also here: hatched fills for
 * overlapping claims, geodesic uncertainty circles and a timeline with play.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});

  // Unit shapes (y down), drawn at the marker's radius; a missing shape is a circle.
  // Filled from the incident table (geo/maps/style.py SHAPE_POINTS, which the legend
  // draws from too).
  const SHAPES = Object.create(null);

  L.Canvas.include({
    _updateFpMarker: function (layer) {
      if (!this._drawing || layer._empty()) return;
      const p = layer._point, ctx = this._ctx, r = Math.max(Math.round(layer._radius), 1);
      const shape = SHAPES[layer.options.shape];
      ctx.beginPath();
      if (!shape) {
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
      } else {
        for (let i = 0; i < shape.length; i++) {
          const x = p.x + shape[i][0] * r, y = p.y + shape[i][1] * r;
          if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        ctx.closePath();
      }
      this._fillStroke(ctx, layer);
    },
  });

  FP.Marker = L.CircleMarker.extend({
    _updatePath: function () {
      if (this._renderer._updateFpMarker) this._renderer._updateFpMarker(this);
      else this._renderer._updateCircle(this);
    },
  });

  // A column is {v: values} or, dictionary-encoded, {c: codes, l: labels} (-1 = none).
  function column(spec, n) {
    if (!spec) return new Array(n).fill(null);
    if (spec.c) return spec.c.map(function (i) { return i < 0 ? null : spec.l[i]; });
    return spec.v;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  FP.el = el;

  // Leaflet's layer control sets a label as HTML (innerHTML): hand it the text as the
  // browser itself serialises a text node, so a kind such as "<img onerror=...>" is shown.
  function textLabel(text) {
    const span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  // obj[key] when obj has that key itself (a kind "constructor" or "__proto__" is not
  // a property of every object).
  function own(obj, key) {
    return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  }

  // An http(s) address with no spaces (a cut text is not one), else null.
  function safeUrl(url) {
    if (typeof url !== "string") return null;
    const u = url.trim();
    return /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }

  // "41.5111° N, 139.3583° E (41°30′40″N 139°21′30″E)" (FP.formatPosition, tools.js).
  function computedField(kind, t, i) {
    if (kind !== "position" || !FP.formatPosition) return "";
    const p = FP.formatPosition(t.lat[i], t.lon[i]);
    return p.decimal + " (" + p.dms + ")";
  }

  function popupContent(t, i) {
    const div = el("div", "fp-popup");
    div.appendChild(el("b", "fp-title", t.title[i] || ""));
    const table = el("table");
    t.fields.forEach(function (f) {
      const v = f.computed ? computedField(f.computed, t, i) : f.values[i];
      if (v === null || v === undefined || v === "") return;
      const tr = table.insertRow();
      tr.appendChild(el("th", null, f.label));
      tr.appendChild(el("td", null, v));
    });
    div.appendChild(table);
    if (t.description[i]) div.appendChild(el("div", "fp-desc", t.description[i]));
    const url = safeUrl(t.source[i]);
    if (url) {
      const a = el("a", null, "source");
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      const p = el("div");
      p.appendChild(a);
      div.appendChild(p);
    } else if (t.source[i]) {
      div.appendChild(el("div", null, t.source[i]));
    }
    return div;
  }

  // Geodesic circle on WGS84. Each vertex is reached along a great circle (geodetic
  // latitude on the unit sphere), with the angle scaled by the ellipsoid's radius of
  // curvature in the direction of travel at the midpoint (the same approximation as
  // geo/coast.py; the browser tests check it against pyproj to 1e-5 relative).
  const WGS84_A = 6378137.0, WGS84_E2 = 0.00669437999014;
  function radiusAlong(phi, bearing) {
    const w = 1 - WGS84_E2 * Math.sin(phi) * Math.sin(phi);
    const m = WGS84_A * (1 - WGS84_E2) / Math.pow(w, 1.5), n = WGS84_A / Math.sqrt(w);
    return Math.hypot(m * Math.cos(bearing), n * Math.sin(bearing));
  }
  function sphereDest(phi, lam, bearing, d) {
    const phi2 = Math.asin(Math.sin(phi) * Math.cos(d) + Math.cos(phi) * Math.sin(d) * Math.cos(bearing));
    const lam2 = lam + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(phi),
      Math.cos(d) - Math.sin(phi) * Math.sin(phi2));
    return [phi2, lam2];
  }
  function sphereBearing(phi1, lam1, phi2, lam2) {
    const y = Math.sin(lam2 - lam1) * Math.cos(phi2);
    const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(lam2 - lam1);
    return Math.atan2(y, x);
  }
  function geoCircle(lat, lon, radiusM, n) {
    const phi = lat * Math.PI / 180, lam = lon * Math.PI / 180, out = [];
    for (let k = 0; k < n; k++) {
      const bearing = 2 * Math.PI * k / n;
      let d = radiusM / radiusAlong(phi, bearing);
      for (let pass = 0; pass < 2; pass++) {
        const mid = sphereDest(phi, lam, bearing, d / 2);
        const end = sphereDest(phi, lam, bearing, d);
        d = radiusM / radiusAlong(mid[0], sphereBearing(mid[0], mid[1], end[0], end[1]));
      }
      const p = sphereDest(phi, lam, bearing, d);
      out.push([p[0] * 180 / Math.PI, p[1] * 180 / Math.PI]);
    }
    return out;
  }

  FP.geoCircle = geoCircle;

  // --- The incident layers (FP.addIncidents, below, puts them together) ---

  // Decode the incident table's columns (geo/maps/incidents.py incident_table);
  // popupContent reads title, description, source and fields from the result.
  function decodeTable(data) {
    const n = data.lat.length;
    return {
      n: n,
      kind: column(data.kind, n),
      zoneKind: column(data.zone_kind, n),
      colorKey: column(data.color_key, n),
      title: column(data.title, n),
      description: column(data.description, n),
      source: column(data.source, n),
      lat: data.lat, lon: data.lon,
      // A computed field (the position) has no values: popups build it from lat/lon.
      fields: data.fields.map(function (f) {
        return f.computed ? {label: f.label, computed: f.computed} : {label: f.label, values: column(f, n)};
      }),
    };
  }

  function kindOf(t, i) { return t.kind[i] || "other"; }

  // Colour of incident i's marker, uncertainty circle and trajectory: by its certainty
  // (greys that cannot be read as a state's colour; geo/maps/style.py CERTAINTY_COLORS).
  function zoneColor(data, t, i) { return own(data.colors, t.colorKey[i] || "") || "#333333"; }

  let openPopupAt = null;  // the incident popup last opened

  // Popup on a click on a marker (its content is built for each click); the marker's
  // tooltip is closed so that it does not cover the popup.
  function showPopup(map, t, marker) {
    const i = marker._fpIndex;
    if (i === undefined) return;
    marker.unbindTooltip();  // bound again on the first hover after the popup closes
    // At most half the map high (it scrolls), so that opening it pans the map little.
    const maxHeight = Math.max(160, Math.min(320, Math.round(map.getSize().y / 2)));
    openPopupAt = L.popup({maxWidth: 360, maxHeight: maxHeight, className: "fp-incident-popup"})
      .setLatLng(marker.getLatLng()).setContent(popupContent(t, i)).openOn(map);
  }
  function openPopup(map, t, e) { showPopup(map, t, e.layer); }

  // Tooltip (the title, as text) on hover; bound when first shown.
  function openTooltip(data, t, e) {
    const i = e.layer._fpIndex;
    if (i === undefined) return;
    const popup = openPopupAt;
    if (popup && popup.isOpen() && popup.getLatLng().equals(e.layer.getLatLng())) return;
    if (!e.layer.getTooltip()) {
      const text = t.title[i] || (data.lat[i] + ", " + data.lon[i]);
      e.layer.bindTooltip(el("span", "fp-tip", text), {direction: "top"});
    }
    e.layer.openTooltip(e.latlng);
  }

  // --- Fanning out coincident incidents (a "spiderfy") ---
  // A click on a marker with others within FAN_PX on screen puts them on a circle
  // around it, joined to their true position by a leg; a click on one of them opens
  // its popup. A click elsewhere, a zoom or a timeline step puts them back.
  const FAN_PX = 4;
  const fan = {markers: [], legs: null};

  function home(marker) { return marker._fpHome || marker.getLatLng(); }
  FP.homeOf = function (i) { return home(FP.incidents.markers[i]); };

  function unfan() {
    fan.markers.forEach(function (m) { m.setLatLng(m._fpHome); m._fpHome = null; });
    fan.markers = [];
    if (fan.legs) fan.legs.remove();
    fan.legs = null;
  }
  FP.unfan = unfan;

  function fanOut(map, marker) {
    const inc = FP.incidents, at = map.latLngToContainerPoint(marker.getLatLng()), near = [];
    for (let i = 0; i < inc.n; i++) {
      const m = inc.markers[i];
      if (!inc.visible[i] || !m._map) continue;
      if (map.latLngToContainerPoint(home(m)).distanceTo(at) <= FAN_PX) near.push(m);
    }
    if (near.length < 2) return false;
    unfan();
    const r = Math.max(20, near.length * 6), legs = [];
    near.forEach(function (m, k) {
      const angle = 2 * Math.PI * k / near.length - Math.PI / 2;
      m._fpHome = m.getLatLng();
      m.setLatLng(map.containerPointToLatLng([at.x + r * Math.cos(angle), at.y + r * Math.sin(angle)]));
      legs.push([m._fpHome, m.getLatLng()]);
    });
    fan.markers = near;
    fan.legs = L.polyline(legs, {color: "#222222", weight: 1, interactive: false,
      className: "fp-fan-leg"}).addTo(map);
    return true;
  }

  // A click on a marker: fan out the incidents on the same spot, else open its popup.
  function clicked(map, t, e) {
    if (fan.markers.indexOf(e.layer) < 0 && fanOut(map, e.layer)) return;
    openPopup(map, t, e);
  }

  // The layer of one incident kind; its markers share one popup and tooltip handler.
  function kindGroup(map, data, t) {
    const g = L.featureGroup();
    g.on("click", function (e) { clicked(map, t, e); });
    g.on("mouseover", function (e) { openTooltip(data, t, e); });
    return g;
  }

  function incidentMarker(data, t, i) {
    const kind = kindOf(t, i);
    const m = new FP.Marker([data.lat[i], data.lon[i]], {
      radius: data.radius || 7,
      color: "#ffffff",
      weight: 1.5,
      fillColor: zoneColor(data, t, i),
      fillOpacity: 0.95,
      shape: own(data.shapes, kind) || own(data.shapes, "other") || "square",
      className: "fp-incident",
      bubblingMouseEvents: false,  // its kind's group hears a click; the map (unfan) does not
    });
    m._fpIndex = i;
    return m;
  }

  // One marker per incident, in one layer per kind; `order` is the kinds, sorted.
  function markerGroups(map, data, t) {
    const groups = Object.create(null), order = [], markers = new Array(t.n);
    for (let i = 0; i < t.n; i++) {
      const kind = kindOf(t, i);
      if (!groups[kind]) {
        groups[kind] = kindGroup(map, data, t);
        order.push(kind);
      }
      markers[i] = incidentMarker(data, t, i);
      groups[kind].addLayer(markers[i]);
    }
    order.sort();
    return {groups: groups, order: order, markers: markers};
  }

  function uncertaintyCircle(data, t, i, radiusM) {
    return L.polygon(geoCircle(data.lat[i], data.lon[i], radiusM, 48), {
      color: zoneColor(data, t, i), weight: 1, fillOpacity: 0.08,
      interactive: false, className: "fp-uncertainty",
    });
  }

  // Uncertainty circles: drawn at once for small sets, built when first shown otherwise
  // (then only those of the incidents visible at that moment are added).
  function uncertaintyLayer(data, t, visible) {
    const layer = L.featureGroup(), circles = new Array(t.n).fill(null);
    const unc = data.uncertainty_m || new Array(t.n).fill(0);
    let built = false;
    layer.on("add", function () {
      if (built) return;
      built = true;
      for (let i = 0; i < t.n; i++) {
        if (!(unc[i] > 0)) continue;
        circles[i] = uncertaintyCircle(data, t, i, unc[i]);
        if (visible[i]) layer.addLayer(circles[i]);
      }
    });
    return {layer: layer, circles: circles};
  }

  // Missile trajectories (geodesic arcs computed in Python), by incident index.
  function trajectoryLayer(data, t) {
    const layer = L.featureGroup(), byIncident = {};
    (data.trajectories || []).forEach(function (tr) {
      const line = L.polyline(tr.path, {
        color: zoneColor(data, t, tr.i), weight: 2, opacity: 0.85,
        dashArray: "6 5", interactive: false, className: "fp-trajectory",
      });
      byIncident[tr.i] = line;
      layer.addLayer(line);
    });
    return {layer: layer, byIncident: byIncident};
  }

  // Range rings (geodesic circles computed in Python), each with its label as tooltip.
  function rangeRingLayer(data) {
    const layer = L.featureGroup();
    (data.rings || []).forEach(function (r) {
      L.polyline(r.path, {color: "#555555", weight: 1, dashArray: "2 4", className: "fp-range-ring"})
        .bindTooltip(el("span", null, r.label), {sticky: true}).addTo(layer);
    });
    return layer;
  }

  // Show the layers on the map and list them in the layer control (when there is one):
  // every kind, uncertainty (shown if data.show_uncertainty), then trajectories and
  // range rings when there are any.
  function addToMap(map, control, data, layers) {
    const kinds = layers.kinds;
    kinds.order.forEach(function (kind) {
      kinds.groups[kind].addTo(map);
      const name = own(data.layer_names, kind) || ("Incidents: " + kind);
      if (control) control.addOverlay(kinds.groups[kind], textLabel(name));
    });
    if (control) control.addOverlay(layers.uncertainty.layer, "Incident uncertainty");
    if (data.show_uncertainty) layers.uncertainty.layer.addTo(map);
    if ((data.trajectories || []).length) {
      layers.trajectories.layer.addTo(map);
      if (control) control.addOverlay(layers.trajectories.layer, "Missile trajectories");
    }
    if ((data.rings || []).length) {
      layers.rings.addTo(map);
      if (control) control.addOverlay(layers.rings, "Range rings");
    }
  }

  // Add incident i's marker, uncertainty circle and trajectory to their layers, or remove them.
  function showIncident(layers, t, i, show) {
    const g = layers.kinds.groups[kindOf(t, i)], m = layers.kinds.markers[i];
    const c = layers.uncertainty.circles[i], tr = layers.trajectories.byIncident[i];
    if (show) {
      g.addLayer(m);
      if (c) layers.uncertainty.layer.addLayer(c);
      if (tr) layers.trajectories.layer.addLayer(tr);
    } else {
      g.removeLayer(m);
      if (c) layers.uncertainty.layer.removeLayer(c);
      if (tr) layers.trajectories.layer.removeLayer(tr);
    }
  }

  // The state the timeline drives; also Flashpoints.incidents (the browser tests read it).
  function incidentState(map, t, day, visible, layers) {
    const kinds = layers.kinds;
    return {
      n: t.n, day: day, markers: kinds.markers, visible: visible,
      // Show incident i or not (the timeline calls this).
      setVisible: function (i, show) {
        if (visible[i] === show) return;
        visible[i] = show;
        showIncident(layers, t, i, show);
      },
      visibleCount: function () { return visible.filter(Boolean).length; },
      drawnCount: function () {
        let k = 0;
        kinds.order.forEach(function (kind) {
          if (map.hasLayer(kinds.groups[kind])) k += kinds.groups[kind].getLayers().length;
        });
        return k;
      },
    };
  }

  /* Draw the incidents of `data` on `map`; register their layers with `control`. */
  FP.addIncidents = function (map, control, data) {
    Object.assign(SHAPES, data.shape_points || {});
    const t = decodeTable(data);
    const day = data.day || new Array(t.n).fill(null);
    const visible = new Array(t.n).fill(true);
    const layers = {
      kinds: markerGroups(map, data, t),
      uncertainty: uncertaintyLayer(data, t, visible),
      trajectories: trajectoryLayer(data, t),
      rings: rangeRingLayer(data),
    };
    addToMap(map, control, data, layers);
    const state = incidentState(map, t, day, visible, layers);
    FP.incidents = state;
    map.on("zoomstart", unfan);
    map.on("click", unfan);
    FP.table = t;
    // Open incident i's popup (search uses it).
    FP.openIncident = function (i) { showPopup(map, t, layers.kinds.markers[i]); };
    if (data.timeline && day.some(function (d) { return d !== null; })) FP.timeline(map, state);
    FP.ready = true;
    return state;
  };

  function isoDay(d) { return new Date(d * 86400000).toISOString().slice(0, 10); }

  /* A timeline control: incidents dated within the window ending at the slider's day. */
  FP.timeline = function (map, state) {
    // A loop, not Math.min.apply: spreading a million days as arguments overflows the stack.
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < state.day.length; i++) {
      const d = state.day[i];
      if (d === null) continue;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    const Control = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        const box = el("div", "fp-timeline leaflet-bar");
        box.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;display:flex;gap:6px;align-items:center";
        const play = el("button", "fp-play", "\u25B6");
        play.type = "button";
        play.title = "Play";
        const range = el("input", "fp-range");
        range.type = "range"; range.min = lo; range.max = hi; range.step = 1; range.value = hi;
        range.style.width = "260px";
        const win = el("select", "fp-window");
        [["0", "everything up to"], ["30", "30 days up to"], ["365", "1 year up to"]].forEach(function (o) {
          const opt = el("option", null, o[1]); opt.value = o[0]; win.appendChild(opt);
        });
        const label = el("span", "fp-date", isoDay(hi));
        const count = el("span", "fp-count");
        box.append(play, win, label, range, count);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);

        function apply() {
          FP.unfan();
          const cur = +range.value, w = +win.value;
          for (let i = 0; i < state.n; i++) {
            const d = state.day[i];
            state.setVisible(i, d === null || (d <= cur && (w === 0 || d > cur - w)));
          }
          label.textContent = isoDay(cur);
          count.textContent = state.visibleCount() + " / " + state.n;
        }
        let timer = null;
        function stop() { clearInterval(timer); timer = null; play.textContent = "\u25B6"; }
        play.addEventListener("click", function () {
          if (timer) { stop(); return; }
          if (+range.value >= hi) range.value = lo;
          play.textContent = "\u23F8";
          const step = Math.max(1, Math.round((hi - lo) / 150));
          timer = setInterval(function () {
            range.value = Math.min(hi, +range.value + step);
            apply();
            if (+range.value >= hi) stop();
          }, 80);
        });
        range.addEventListener("input", apply);
        win.addEventListener("change", apply);
        state.timeline = {range: range, window: win, apply: apply, lo: lo, hi: hi,
          setDay: function (d) { range.value = d; apply(); }};
        apply();
        return box;
      },
    });
    new Control().addTo(map);
  };

  /* Fill overlapping claims with stripes in each claimant's colour. */
  FP.hatch = function (map, colors) {
    const cache = Object.create(null);
    function pattern(states) {
      const key = states.join("-");
      if (cache[key]) return cache[key];
      const band = 6, w = band * states.length;
      const c = document.createElement("canvas");
      c.width = w; c.height = w;
      const ctx = c.getContext("2d");
      for (let k = -states.length; k < 2 * states.length; k++) {
        const s = states[((k % states.length) + states.length) % states.length];
        ctx.fillStyle = own(colors, s) || "#7f7f7f";
        ctx.beginPath();
        ctx.moveTo(k * band, 0); ctx.lineTo(k * band + band, 0);
        ctx.lineTo(k * band + band - w, w); ctx.lineTo(k * band - w, w);
        ctx.closePath();
        ctx.fill();
      }
      cache[key] = c.getContext("2d").createPattern(c, "repeat");
      return cache[key];
    }
    map.eachLayer(function (layer) {
      const cls = (layer.options && layer.options.className) || "";
      const m = /fp-claims-([A-Z0-9_-]+)/.exec(cls);
      if (m && cls.indexOf("fp-hatch") >= 0 && layer instanceof L.Path) {
        layer.setStyle({fillColor: pattern(m[1].split("-"))});
      }
    });
  };
})();
