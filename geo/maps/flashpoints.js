/* Flashpoints map layer (written for this project; loaded inline by geo/maps).
 *
 * Incidents arrive as one columnar JSON table and are drawn on Leaflet's canvas,
 * one shape per incident kind. Popups and tooltips are built as DOM text nodes:
 * what users wrote is never parsed as HTML. Also here: hatched fills for
 * overlapping claims, geodesic uncertainty circles and a timeline with play.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});

  // Unit shapes (y down), drawn at the marker's radius; a missing shape is a circle.
  // Filled from the incident table (geo/maps/style.py SHAPE_POINTS, which the legend
  // draws from too).
  const SHAPES = {};

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

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url.trim()) ? url.trim() : null;
  }

  function popupContent(t, i) {
    const div = el("div", "fp-popup");
    div.appendChild(el("b", "fp-title", t.title[i] || ""));
    const table = el("table");
    t.fields.forEach(function (f) {
      const v = f.values[i];
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

  /* Draw the incidents of `data` on `map`; register their layers with `control`. */
  FP.addIncidents = function (map, control, data) {
    Object.assign(SHAPES, data.shape_points || {});
    const n = data.lat.length;
    const t = {
      kind: column(data.kind, n),
      zoneKind: column(data.zone_kind, n),
      title: column(data.title, n),
      description: column(data.description, n),
      source: column(data.source, n),
      fields: data.fields.map(function (f) { return {label: f.label, values: column(f, n)}; }),
    };
    const day = data.day || new Array(n).fill(null);
    const unc = data.uncertainty_m || new Array(n).fill(0);
    const groups = {}, order = [];
    const markers = new Array(n), circles = new Array(n).fill(null), visible = new Array(n).fill(true);
    const tracks = {};

    function groupFor(kind) {
      if (!groups[kind]) {
        const g = L.featureGroup();
        g.on("click", function (e) {
          const i = e.layer._fpIndex;
          if (i === undefined) return;
          L.popup({maxWidth: 360}).setLatLng(e.layer.getLatLng())
            .setContent(popupContent(t, i)).openOn(map);
        });
        g.on("mouseover", function (e) {
          const i = e.layer._fpIndex;
          if (i === undefined) return;
          if (!e.layer.getTooltip()) {
            const text = t.title[i] || (data.lat[i] + ", " + data.lon[i]);
            e.layer.bindTooltip(el("span", "fp-tip", text), {direction: "top"});
          }
          e.layer.openTooltip(e.latlng);
        });
        groups[kind] = g;
        order.push(kind);
      }
      return groups[kind];
    }

    for (let i = 0; i < n; i++) {
      const kind = t.kind[i] || "other";
      const m = new FP.Marker([data.lat[i], data.lon[i]], {
        radius: data.radius || 7,
        color: "#ffffff",
        weight: 1.5,
        fillColor: data.colors[t.zoneKind[i]] || "#333333",
        fillOpacity: 0.95,
        shape: data.shapes[kind] || data.shapes.other || "square",
        className: "fp-incident",
      });
      m._fpIndex = i;
      markers[i] = m;
      groupFor(kind).addLayer(m);
    }

    // Uncertainty circles: drawn at once for small sets, built when first shown otherwise.
    const uncertainty = L.featureGroup();
    let built = false;
    function buildUncertainty() {
      if (built) return;
      built = true;
      for (let i = 0; i < n; i++) {
        if (!(unc[i] > 0)) continue;
        circles[i] = L.polygon(geoCircle(data.lat[i], data.lon[i], unc[i], 48), {
          color: data.colors[t.zoneKind[i]] || "#333333", weight: 1, fillOpacity: 0.08,
          interactive: false, className: "fp-uncertainty",
        });
        if (visible[i]) uncertainty.addLayer(circles[i]);
      }
    }
    uncertainty.on("add", buildUncertainty);

    // Missile trajectories (geodesic arcs computed in Python) and range rings.
    const trajectories = L.featureGroup();
    (data.trajectories || []).forEach(function (tr) {
      const line = L.polyline(tr.path, {
        color: data.colors[t.zoneKind[tr.i]] || "#333333", weight: 2, opacity: 0.85,
        dashArray: "6 5", interactive: false, className: "fp-trajectory",
      });
      tracks[tr.i] = line;
      trajectories.addLayer(line);
    });
    const rings = L.featureGroup();
    (data.rings || []).forEach(function (r) {
      L.polyline(r.path, {color: "#555555", weight: 1, dashArray: "2 4", className: "fp-range-ring"})
        .bindTooltip(el("span", null, r.label), {sticky: true}).addTo(rings);
    });

    order.sort();
    order.forEach(function (kind) {
      groups[kind].addTo(map);
      if (control) control.addOverlay(groups[kind], data.layer_names[kind] || ("Incidents: " + kind));
    });
    if (control) control.addOverlay(uncertainty, "Incident uncertainty");
    if (data.show_uncertainty) uncertainty.addTo(map);
    if ((data.trajectories || []).length) {
      trajectories.addTo(map);
      if (control) control.addOverlay(trajectories, "Missile trajectories");
    }
    if ((data.rings || []).length) {
      rings.addTo(map);
      if (control) control.addOverlay(rings, "Range rings");
    }

    const state = {
      n: n, day: day, markers: markers, visible: visible,
      // Show incident i or not (the timeline calls this).
      setVisible: function (i, show) {
        if (visible[i] === show) return;
        visible[i] = show;
        const g = groups[t.kind[i] || "other"];
        const c = circles[i], tr = tracks[i];
        if (show) {
          g.addLayer(markers[i]);
          if (c) uncertainty.addLayer(c);
          if (tr) trajectories.addLayer(tr);
        } else {
          g.removeLayer(markers[i]);
          if (c) uncertainty.removeLayer(c);
          if (tr) trajectories.removeLayer(tr);
        }
      },
      visibleCount: function () { return visible.filter(Boolean).length; },
      drawnCount: function () {
        let k = 0;
        order.forEach(function (kind) { if (map.hasLayer(groups[kind])) k += groups[kind].getLayers().length; });
        return k;
      },
    };
    FP.incidents = state;
    if (data.timeline && day.some(function (d) { return d !== null; })) FP.timeline(map, state);
    FP.ready = true;
    return state;
  };

  function isoDay(d) { return new Date(d * 86400000).toISOString().slice(0, 10); }

  /* A timeline control: incidents dated within the window ending at the slider's day. */
  FP.timeline = function (map, state) {
    const days = state.day.filter(function (d) { return d !== null; });
    const lo = Math.min.apply(null, days), hi = Math.max.apply(null, days);
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
    const cache = {};
    function pattern(states) {
      const key = states.join("-");
      if (cache[key]) return cache[key];
      const band = 6, w = band * states.length;
      const c = document.createElement("canvas");
      c.width = w; c.height = w;
      const ctx = c.getContext("2d");
      for (let k = -states.length; k < 2 * states.length; k++) {
        const s = states[((k % states.length) + states.length) % states.length];
        ctx.fillStyle = colors[s] || "#7f7f7f";
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
