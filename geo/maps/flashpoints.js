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

  // --- Columns (geo/maps/columns.py writes them) ---

  // Typed arrays arrive as little-endian bytes in base64: {dtype, b64}.
  const DTYPES = {u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, i4: Int32Array, f4: Float32Array};
  const MISSING_INT = -2147483648;  // an int32 column's missing value
  FP.MISSING_INT = MISSING_INT;

  function typed(spec) {
    const bin = atob(spec.b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new DTYPES[spec.dtype](bytes.buffer);
  }

  // Degrees from int32 of 10^-decimals degrees (the same doubles as the decimal text).
  function degrees(spec) {
    const raw = typed(spec), scale = Math.pow(10, spec.decimals), out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] / scale;
    return out;
  }

  FP.typed = typed;
  FP.degrees = degrees;

  // A text column: {k: one value}, {c: codes, l: labels} or {v: values}.
  function column(spec, n) {
    if (!spec) return new Array(n).fill(null);
    if (Object.prototype.hasOwnProperty.call(spec, "k")) return new Array(n).fill(spec.k);
    if (spec.c) {
      const codes = typed(spec.c), out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = spec.l[codes[i]];
      return out;
    }
    return spec.v;
  }
  FP.column = column;

  // "12.3 nm (22.8 km)" from nautical miles (1 nm = 1,852 m).
  function nmKm(nm) { return nm.toFixed(1) + " nm (" + (nm * 1.852).toFixed(1) + " km)"; }

  // One popup field decoded: text values, numbers with a unit, or computed in the page.
  function decodeField(f, n) {
    if (f.computed) return {label: f.label, computed: f.computed};
    if (f.number) {
      return {label: f.label, numbers: typed(f.number), unit: f.unit,
        suffix: f.suffix ? column(f.suffix, n) : null};
    }
    return {label: f.label, values: column(f, n)};
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
  FP.own = own;

  // An http(s) address with no spaces (a cut text is not one), else null.
  function safeUrl(url) {
    if (typeof url !== "string") return null;
    const u = url.trim();
    return /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }

  function isoDay(d) { return new Date(d * 86400000).toISOString().slice(0, 10); }
  FP.isoDay = isoDay;

  // A computed field: the position "41.5111° N, 139.3583° E (41°30′40″N 139°21′30″E)"
  // (FP.formatPosition, tools.js), the date, or the uncertainty "± 5.0 km (2.7 nm)".
  function computedField(kind, t, i) {
    if (kind === "position") {
      if (!FP.formatPosition) return "";
      const p = FP.formatPosition(t.lat[i], t.lon[i]);
      return p.decimal + " (" + p.dms + ")";
    }
    if (kind === "date") return t.day && t.day[i] !== MISSING_INT ? isoDay(t.day[i]) : "";
    if (kind === "uncertainty") {
      const m = t.uncertainty ? t.uncertainty[i] : 0;
      return m > 0 ? "\u00B1 " + (m / 1000).toFixed(1) + " km (" + (m / 1852).toFixed(1) + " nm)" : "";
    }
    return "";
  }

  // The text of field f for incident i ("" when it has none).
  function fieldText(t, f, i) {
    if (f.computed) return computedField(f.computed, t, i);
    if (f.numbers) {
      const v = f.numbers[i];
      return Number.isFinite(v) ? nmKm(v) + (f.suffix ? f.suffix[i] || "" : "") : "";
    }
    const v = f.values[i];
    return v === null || v === undefined ? "" : v;
  }
  FP.fieldText = fieldText;

  function popupContent(t, i) {
    const div = el("div", "fp-popup");
    div.appendChild(el("b", "fp-title", t.title[i] || ""));
    const table = el("table");
    t.fields.forEach(function (f) {
      const v = fieldText(t, f, i);
      if (v === "") return;
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

  // Decode the incident table (geo/maps/incidents.py incident_table); popupContent
  // reads title, description, source and fields from the result.
  function decodeTable(data) {
    const n = data.n;
    return {
      n: n,
      lat: degrees(data.lat), lon: degrees(data.lon),
      day: data.day ? typed(data.day) : null,
      uncertainty: data.uncertainty_m ? typed(data.uncertainty_m) : null,
      kind: column(data.kind, n),
      zoneKind: column(data.zone_kind, n),
      colorKey: column(data.color_key, n),
      title: column(data.title, n),
      description: column(data.description, n),
      source: column(data.source, n),
      fields: data.fields.map(function (f) { return decodeField(f, n); }),
    };
  }

  function kindOf(t, i) { return t.kind[i] || "other"; }

  // Colour of incident i's marker, uncertainty circle and trajectory: by its certainty
  // (greys that cannot be read as a state's colour; geo/maps/style.py CERTAINTY_COLORS).
  function zoneColor(data, t, i) { return own(data.colors, t.colorKey[i] || "") || "#333333"; }
  FP.colorOf = zoneColor;

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
      const text = t.title[i] || (t.lat[i] + ", " + t.lon[i]);
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
  // Incident i's true position (its marker may be fanned out, or not made yet).
  FP.homeOf = function (i) {
    const m = FP.incidents.markers[i];
    return m ? home(m) : L.latLng(FP.table.lat[i], FP.table.lon[i]);
  };

  function unfan() {
    fan.markers.forEach(function (m) { m.setLatLng(m._fpHome); m._fpHome = null; });
    fan.markers = [];
    if (fan.legs) fan.legs.remove();
    fan.legs = null;
  }
  FP.unfan = unfan;

  function fanOut(map, marker) {
    const inc = FP.incidents, at = map.latLngToContainerPoint(marker.getLatLng()), near = [];
    inc.drawn().forEach(function (i) {
      const m = inc.markers[i];
      if (!m._map) return;
      if (map.latLngToContainerPoint(home(m)).distanceTo(at) <= FAN_PX) near.push(m);
    });
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
    const m = new FP.Marker([t.lat[i], t.lon[i]], {
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

  // One layer per incident kind (`order`: the kinds, sorted). Markers are made when
  // first drawn (`markers` fills as they are) and kept.
  function kindGroups(map, data, t) {
    const groups = Object.create(null), order = [];
    for (let i = 0; i < t.n; i++) {
      const kind = kindOf(t, i);
      if (!groups[kind]) {
        groups[kind] = kindGroup(map, data, t);
        order.push(kind);
      }
    }
    order.sort();
    return {groups: groups, order: order, markers: new Array(t.n)};
  }

  function uncertaintyCircle(data, t, i, radiusM) {
    return L.polygon(geoCircle(t.lat[i], t.lon[i], radiusM, 48), {
      color: zoneColor(data, t, i), weight: 1, fillOpacity: 0.08,
      interactive: false, className: "fp-uncertainty",
    });
  }

  // Uncertainty circles of the incidents drawn as markers, made when first shown
  // (the layer is on the map), kept in `circles`.
  function uncertaintyLayer(data, t) {
    return {layer: L.featureGroup(), circles: new Array(t.n), radius: t.uncertainty};
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

  // --- What is drawn: markers for the incidents in view, or their density ---
  // An incident is shown when the timeline shows it (`visible`) and its kind's layer is
  // on. While at most data.density_min shown incidents lie in the view, each is a
  // marker; with more, the density layer (density.js) draws them as hexagons. A map
  // with at most data.density_min incidents makes every marker at once and keeps every
  // shown one drawn; a larger one makes markers only for the view (and a margin).
  function drawing(map, data, t, layers, visible) {
    const min = data.density_min || Infinity, eager = t.n <= min, kinds = layers.kinds;
    const unc = layers.uncertainty, drawn = new Uint8Array(t.n), want = new Uint8Array(t.n);
    const inView = new Uint32Array(t.n), near = new Uint32Array(t.n);
    const density = FP.Density ? new FP.Density(map, t, data) : null;
    let list = [], mode = "markers";

    function markerFor(i) {
      if (!kinds.markers[i]) kinds.markers[i] = incidentMarker(data, t, i);
      return kinds.markers[i];
    }
    function circleFor(i) {
      if (!unc.circles[i]) unc.circles[i] = uncertaintyCircle(data, t, i, unc.radius[i]);
      return unc.circles[i];
    }
    function show(i) {
      drawn[i] = 1;
      kinds.groups[kindOf(t, i)].addLayer(markerFor(i));
      if (unc.radius && unc.radius[i] > 0 && map.hasLayer(unc.layer)) unc.layer.addLayer(circleFor(i));
    }
    function hide(i) {
      drawn[i] = 0;
      kinds.groups[kindOf(t, i)].removeLayer(kinds.markers[i]);
      if (unc.circles[i]) unc.layer.removeLayer(unc.circles[i]);
    }
    // Draw exactly the incidents marked in `want`.
    function sync() {
      const next = [];
      list.forEach(function (i) { if (!want[i]) hide(i); });
      for (let i = 0; i < t.n; i++) {
        if (!want[i]) continue;
        if (!drawn[i]) show(i);
        next.push(i);
      }
      list = next;
    }
    // One pass over the shown incidents: those in `view` into inView, those in `margin`
    // (the view padded, a superset) into near; returns both counts.
    function collect(view, margin) {
      const s = view.getSouth(), n = view.getNorth(), w = view.getWest(), e = view.getEast();
      const ms = margin.getSouth(), mn = margin.getNorth(), mw = margin.getWest(), me = margin.getEast();
      const on = Object.create(null);
      kinds.order.forEach(function (k) { on[k] = map.hasLayer(kinds.groups[k]); });
      let k = 0, m = 0;
      for (let i = 0; i < t.n; i++) {
        if (!visible[i] || !on[kindOf(t, i)]) continue;
        const la = t.lat[i], lo = t.lon[i];
        if (la < ms || la > mn || lo < mw || lo > me) continue;
        near[m++] = i;
        if (la >= s && la <= n && lo >= w && lo <= e) inView[k++] = i;
      }
      return [k, m];
    }
    function refresh() {
      const view = map.getBounds();
      const counts = collect(view, view.pad(0.2));  // a margin, so a short pan shows markers
      mode = counts[0] > min ? "density" : "markers";
      want.fill(0);
      if (mode === "density") {
        unfan();
        if (density) density.draw(inView, counts[0]);
      } else {
        if (density) density.clear();
        if (eager) {
          for (let i = 0; i < t.n; i++) want[i] = visible[i];
        } else {
          for (let j = 0; j < counts[1]; j++) want[near[j]] = 1;
        }
      }
      sync();
    }
    // The uncertainty circles of the markers drawn, when the layer is switched on.
    unc.layer.on("add", function () {
      if (!unc.radius) return;
      list.forEach(function (i) { if (unc.radius[i] > 0) unc.layer.addLayer(circleFor(i)); });
    });
    map.on("moveend resize overlayadd overlayremove", refresh);
    return {
      refresh: refresh,
      markerFor: markerFor,
      mode: function () { return mode; },
      drawn: function () { return list; },
      density: density,
    };
  }

  // The state the timeline drives; also Flashpoints.incidents (the browser tests read it).
  function incidentState(map, t, day, visible, layers, draw) {
    const kinds = layers.kinds, trajectories = layers.trajectories;
    let shown = t.n;
    return {
      n: t.n, day: day, markers: kinds.markers, visible: visible,
      // Show incident i or not (the timeline calls this, then refresh).
      setVisible: function (i, show) {
        const v = show ? 1 : 0;
        if (visible[i] === v) return;
        visible[i] = v;
        shown += show ? 1 : -1;
        const tr = trajectories.byIncident[i];
        if (tr) {
          if (show) trajectories.layer.addLayer(tr);
          else trajectories.layer.removeLayer(tr);
        }
      },
      refresh: draw.refresh,
      // "markers" or "density": how the incidents in view are drawn now.
      mode: draw.mode,
      drawn: draw.drawn,
      density: draw.density,
      visibleCount: function () { return shown; },
      drawnCount: function () {
        let k = 0;
        draw.drawn().forEach(function (i) {
          if (map.hasLayer(kinds.groups[kindOf(t, i)])) k++;
        });
        return k;
      },
    };
  }

  /* Draw the incidents of `data` on `map`; register their layers with `control`. */
  FP.addIncidents = function (map, control, data) {
    Object.assign(SHAPES, data.shape_points || {});
    const t = decodeTable(data);
    FP.table = t;
    const visible = new Uint8Array(t.n).fill(1);
    const layers = {
      kinds: kindGroups(map, data, t),
      uncertainty: uncertaintyLayer(data, t),
      trajectories: trajectoryLayer(data, t),
      rings: rangeRingLayer(data),
    };
    addToMap(map, control, data, layers);
    const draw = drawing(map, data, t, layers, visible);
    const state = incidentState(map, t, t.day, visible, layers, draw);
    FP.incidents = state;
    map.on("zoomstart", unfan);
    map.on("click", unfan);
    // Open incident i's popup (search uses it).
    FP.openIncident = function (i) { showPopup(map, t, draw.markerFor(i)); };
    draw.refresh();
    if (data.timeline && t.day) FP.timeline(map, state);
    FP.ready = true;
    return state;
  };

  /* A slider control (bottom left): play, a window, the value shown as text, and a count.
   * options: lo, hi, step (the slider's range); windows: [[value, text], ...] (a value
   * of 0 is no window); label(value): the value as text; apply(value, window): show
   * what the slider selects and return the count's text; className: more classes for
   * the box. Returns {range, window, apply, lo, hi, setValue}. */
  FP.slider = function (map, options) {
    const lo = options.lo, hi = options.hi, api = {lo: lo, hi: hi};
    const Control = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        const box = el("div", "fp-timeline leaflet-bar " + (options.className || ""));
        box.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;display:flex;gap:6px;align-items:center";
        const play = el("button", "fp-play", "\u25B6");
        play.type = "button";
        play.title = "Play";
        const range = el("input", "fp-range");
        range.type = "range"; range.min = lo; range.max = hi; range.step = options.step; range.value = hi;
        range.style.width = "260px";
        const win = el("select", "fp-window");
        options.windows.forEach(function (o) {
          const opt = el("option", null, o[1]); opt.value = o[0]; win.appendChild(opt);
        });
        const label = el("span", "fp-date", options.label(hi));
        const count = el("span", "fp-count");
        box.append(play, win, label, range, count);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);

        function apply() {
          const cur = +range.value;
          count.textContent = options.apply(cur, +win.value);
          label.textContent = options.label(cur);
        }
        let timer = null;
        function stop() { clearInterval(timer); timer = null; play.textContent = "\u25B6"; }
        play.addEventListener("click", function () {
          if (timer) { stop(); return; }
          if (+range.value >= hi) range.value = lo;
          play.textContent = "\u23F8";
          const step = Math.max(+options.step, Math.round((hi - lo) / 150 / options.step) * options.step);
          timer = setInterval(function () {
            range.value = Math.min(hi, +range.value + step);
            apply();
            if (+range.value >= hi) stop();
          }, 80);
        });
        range.addEventListener("input", apply);
        win.addEventListener("change", apply);
        Object.assign(api, {range: range, window: win, apply: apply,
          setValue: function (v) { range.value = v; apply(); }});
        apply();
        return box;
      },
    });
    new Control().addTo(map);
    return api;
  };

  /* A timeline control: incidents dated within the window ending at the slider's day. */
  FP.timeline = function (map, state) {
    // A loop, not Math.min.apply: spreading a million days as arguments overflows the stack.
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < state.day.length; i++) {
      const d = state.day[i];
      if (d === MISSING_INT) continue;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (lo > hi) return;
    const api = FP.slider(map, {
      lo: lo, hi: hi, step: 1, label: isoDay,
      windows: [["0", "everything up to"], ["30", "30 days up to"], ["365", "1 year up to"]],
      apply: function (cur, w) {
        FP.unfan();
        const day = state.day;
        for (let i = 0; i < state.n; i++) {
          const d = day[i];
          state.setVisible(i, d === MISSING_INT || (d <= cur && (w === 0 || d > cur - w)));
        }
        state.refresh();
        return state.visibleCount() + " / " + state.n;
      },
    });
    state.timeline = {range: api.range, window: api.window, apply: api.apply, lo: lo, hi: hi,
      setDay: api.setValue};
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
