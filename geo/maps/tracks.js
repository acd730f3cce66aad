/* Flashpoints vessel tracks (written for this project; inlined by geo/maps/draw.py).
 *
 * The track table of geo/maps/tracks.py holds pieces of line over one array of
 * vertices with times: a visit's stretch in one zone, a dark leg, a gap between two
 * segments. They are drawn on Leaflet's canvas in the style of their zone kind, with
 * entry and exit markers whose popups are built as text nodes, the vessels where they
 * were at the slider's time, and a time slider (Flashpoints.slider) that draws what
 * happened up to its time, or in a window before it, and moves a line across the
 * presence chart (geo/maps/presence.py). Every text from the data is a text node.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});
  const DARK = 1, GAP = 2, ENTRY = 0;
  const el = FP.el, own = FP.own;

  // --- The table ----------------------------------------------------------------------

  function decode(data) {
    const v = data.visits, mk = data.markers, start = FP.typed(data.piece_start);
    return {
      t0: data.t0, tz: data.tz,
      lat: FP.degrees(data.lat), lon: FP.degrees(data.lon), t: FP.typed(data.t),
      start: start, n: start.length, nVertices: data.n_vertices,
      style: FP.typed(data.piece_style), visit: FP.typed(data.piece_visit),
      vessel: FP.typed(data.piece_vessel), vessels: data.vessels,
      visits: {
        vessel: FP.typed(v.vessel), group: FP.column(v.group, v.n), zone: FP.column(v.zone, v.n),
        kind: FP.column(v.kind, v.n), claimants: FP.column(v.claimants, v.n),
        from: FP.column(v.entered_from, v.n), to: FP.column(v.exited_to, v.n),
        segment: FP.typed(v.segment), entry: FP.typed(v.entry), exit: FP.typed(v.exit),
        duration: FP.typed(v.duration_h),
        uncertainty: [FP.typed(v.entry_uncertainty_s), FP.typed(v.exit_uncertainty_s)],
      },
      markers: {n: mk.n, visit: FP.typed(mk.visit), role: FP.typed(mk.role),
        lat: FP.degrees(mk.lat), lon: FP.degrees(mk.lon)},
    };
  }

  function pieceEnd(tt, k) { return k + 1 < tt.n ? tt.start[k + 1] : tt.nVertices; }

  // The first vertex in [a, b) whose time is above `time` (b when none is).
  function after(t, a, b, time) {
    while (a < b) {
      const mid = (a + b) >> 1;
      if (t[mid] <= time) a = mid + 1; else b = mid;
    }
    return a;
  }

  // --- Text ---------------------------------------------------------------------------

  function utcText(s) { return new Date(s * 1000).toISOString().slice(0, 19).replace("T", " "); }

  // "YYYY-MM-DD HH:MM:SS" in the time zone `tz` ("" when the browser does not know it).
  function localClock(tz) {
    let format = null;
    try {
      format = new Intl.DateTimeFormat("en-US", {timeZone: tz, hourCycle: "h23", year: "numeric",
        month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
    } catch {
      return function () { return ""; };
    }
    return function (s) {
      const p = {};
      format.formatToParts(new Date(s * 1000)).forEach(function (x) { p[x.type] = x.value; });
      return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
    };
  }

  function kindText(kind) { return kind ? String(kind).replace(/_/g, " ") : ""; }
  function lengthText(s) { return s < 120 ? Math.round(s) + " s" : (s / 60).toFixed(1) + " min"; }

  function uncertaintyText(s, role) {
    if (!Number.isFinite(s)) {
      return role === ENTRY ? "first report of a segment: the vessel may have entered earlier"
        : "last report of a segment: the vessel may have stayed longer";
    }
    return "up to " + lengthText(s) + " (the crossing is interpolated on a leg of " +
      lengthText(s) + " between two reports)";
  }

  // What the popup says of marker m (an entry or an exit), as text nodes.
  function markerContent(tt, clock, m) {
    const v = tt.visits, i = tt.markers.visit[m], role = tt.markers.role[m];
    const vessel = tt.vessels[v.vessel[i]], at = tt.t0 + (role === ENTRY ? v.entry[i] : v.exit[i]);
    const word = role === ENTRY ? "Entered" : "Left";
    const rows = [
      ["Vessel", vessel], ["Group", v.group[i]], ["Zone", v.zone[i]],
      ["Zone kind", kindText(v.kind[i])], ["Claimants", v.claimants[i]],
      [word + " (UTC)", utcText(at)], [word + " (" + tt.tz + ")", clock(at)],
      [role === ENTRY ? "Came from" : "Went to", kindText(role === ENTRY ? v.from[i] : v.to[i])],
      ["Visit duration", v.duration[i].toFixed(2) + " h"],
      ["Time uncertainty", uncertaintyText(v.uncertainty[role][i], role)],
      ["Segment", String(v.segment[i])],
    ];
    const div = el("div", "fp-popup");
    div.appendChild(el("b", "fp-title", (role === ENTRY ? "Entry: " : "Exit: ") + vessel));
    const table = el("table");
    rows.forEach(function (r) {
      if (r[1] === "" || r[1] === null || r[1] === undefined) return;
      const tr = table.insertRow();
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
    });
    div.appendChild(table);
    return div;
  }

  // The popup of markers `list` (an exit and the entry at the same crossing), in time order.
  function popupContent(tt, clock, list) {
    const v = tt.visits, box = el("div", "fp-visit-list");
    function time(m) { const i = tt.markers.visit[m]; return tt.markers.role[m] === ENTRY ? v.entry[i] : v.exit[i]; }
    list.slice().sort(function (a, b) { return time(a) - time(b) || tt.markers.role[b] - tt.markers.role[a]; })
      .forEach(function (m) { box.appendChild(markerContent(tt, clock, m)); });
    return box;
  }

  // What hovering piece k says: the vessel and its zone, or the gap's length.
  function pieceText(tt, k) {
    const vessel = tt.vessels[tt.vessel[k]];
    if (tt.style[k] === GAP) {
      const hours = (tt.t[pieceEnd(tt, k) - 1] - tt.t[tt.start[k]]) / 3600;
      return vessel + ": no report for " + hours.toFixed(1) + " h";
    }
    const i = tt.visit[k];
    return vessel + " \u00B7 " + (tt.visits.zone[i] || kindText(tt.visits.kind[i])) +
      (tt.style[k] === DARK ? " (dark)" : "");
  }

  // --- Layers -------------------------------------------------------------------------

  function pieceStyle(data, tt, k) {
    const s = data.styles;
    if (tt.style[k] === GAP) return Object.assign({className: "fp-track-gap"}, s.gap);
    const base = own(s.kinds, tt.visits.kind[tt.visit[k]]) || s.other;
    const out = {color: base.color, weight: base.weight, opacity: 0.9, className: "fp-track"};
    if (tt.style[k] === DARK) { out.dashArray = s.dark_dash; out.className = "fp-track fp-track-dark"; }
    return out;
  }

  function visitMarker(data, tt, m) {
    const kind = tt.visits.kind[tt.markers.visit[m]], entry = tt.markers.role[m] === ENTRY;
    const color = (own(data.styles.kinds, kind) || data.styles.other).color;
    const marker = L.circleMarker([tt.markers.lat[m], tt.markers.lon[m]], {
      radius: 4.5, weight: 2, color: entry ? "#ffffff" : color, fillColor: entry ? color : "#ffffff",
      fillOpacity: 1, className: entry ? "fp-visit-entry" : "fp-visit-exit", bubblingMouseEvents: false,
    });
    marker._fpMarker = m;
    return marker;
  }

  function vesselMarker(tt, vessel) {
    const marker = L.circleMarker([0, 0], {radius: 6, weight: 2.5, color: "#000000",
      fillColor: "#ffffff", fillOpacity: 1, className: "fp-vessel-now"});
    marker.bindTooltip(el("span", "fp-tip", tt.vessels[vessel]), {direction: "top"});
    return marker;
  }

  // Tooltips (as text) on hover, bound when first shown; popups on a click, of every marker
  // shown at the point clicked.
  function interactions(map, tt, clock, layers) {
    function hover(e) {
      if (!e.layer.getTooltip()) {
        e.layer.bindTooltip(el("span", "fp-tip", pieceText(tt, e.layer._fpPiece)), {sticky: true});
      }
      e.layer.openTooltip(e.latlng);
    }
    layers.tracks.on("mouseover", hover);
    layers.gaps.on("mouseover", hover);
    layers.visits.on("click", function (e) {
      const at = e.layer.getLatLng(), here = [];
      layers.visits.eachLayer(function (l) { if (l.getLatLng().equals(at)) here.push(l._fpMarker); });
      openPopup(map, tt, clock, at, here);
    });
  }

  function openPopup(map, tt, clock, at, list) {
    L.popup({maxWidth: 360, maxHeight: 320, className: "fp-visit-popup"}).setLatLng(at)
      .setContent(popupContent(tt, clock, list)).openOn(map);
  }

  // --- Drawing what the slider selects -------------------------------------------------

  function drawing(map, data, tt, layers) {
    const lines = new Array(tt.n), shown = new Int32Array(2 * tt.n).fill(-1);
    const markers = new Array(tt.markers.n), markerOn = new Uint8Array(tt.markers.n);
    const markerTime = new Int32Array(tt.markers.n), heads = Object.create(null);
    for (let m = 0; m < tt.markers.n; m++) {
      const i = tt.markers.visit[m];
      markerTime[m] = tt.markers.role[m] === ENTRY ? tt.visits.entry[i] : tt.visits.exit[i];
    }
    let drawn = 0, shownMarkers = 0, nHeads = 0;

    // Draw vertices [a, b) of piece k (nothing when fewer than two).
    function setPiece(k, a, b) {
      if (shown[2 * k] === a && shown[2 * k + 1] === b) return;
      shown[2 * k] = a; shown[2 * k + 1] = b;
      const group = tt.style[k] === GAP ? layers.gaps : layers.tracks;
      if (b - a < 2) {
        if (lines[k]) group.removeLayer(lines[k]);
        return;
      }
      const path = [];
      for (let j = a; j < b; j++) path.push([tt.lat[j], tt.lon[j]]);
      if (!lines[k]) {
        lines[k] = L.polyline(path, pieceStyle(data, tt, k));
        lines[k]._fpPiece = k;
      } else {
        lines[k].setLatLngs(path);
      }
      group.addLayer(lines[k]);
    }

    // Where piece k's vessel was at `time`, between vertices b - 1 and b.
    function headAt(k, b, time) {
      const e = pieceEnd(tt, k), j = Math.min(b, e - 1), i = Math.max(j - 1, tt.start[k]);
      const span = tt.t[j] - tt.t[i], f = span > 0 ? Math.min(1, (time - tt.t[i]) / span) : 1;
      return [tt.lat[i] + f * (tt.lat[j] - tt.lat[i]), tt.lon[i] + f * (tt.lon[j] - tt.lon[i])];
    }

    function setHeads(now) {
      nHeads = 0;
      Object.keys(heads).forEach(function (v) {
        if (!now[v]) layers.heads.removeLayer(heads[v]);
      });
      Object.keys(now).forEach(function (v) {
        if (!heads[v]) heads[v] = vesselMarker(tt, +v);
        heads[v].setLatLng(now[v]);
        layers.heads.addLayer(heads[v]);
        nHeads++;
      });
    }

    function setMarkers(from, time) {
      shownMarkers = 0;
      for (let m = 0; m < tt.markers.n; m++) {
        const on = markerTime[m] <= time && markerTime[m] >= from ? 1 : 0;
        shownMarkers += on;
        if (on === markerOn[m]) continue;
        markerOn[m] = on;
        if (!markers[m]) markers[m] = visitMarker(data, tt, m);
        if (on) layers.visits.addLayer(markers[m]); else layers.visits.removeLayer(markers[m]);
      }
    }

    // Show what happened up to `time` (seconds after t0), only within `window` s before it
    // when window > 0.
    function show(time, window) {
      const from = window > 0 ? time - window : -Infinity, now = Object.create(null);
      drawn = 0;
      for (let k = 0; k < tt.n; k++) {
        const s = tt.start[k], e = pieceEnd(tt, k), b = after(tt.t, s, e, time);
        const a = window > 0 ? Math.max(s, after(tt.t, s, e, from) - 1) : s;
        setPiece(k, a, b);
        if (b - a >= 2) drawn++;
        if (tt.style[k] !== GAP && tt.t[s] <= time && time <= tt.t[e - 1]) now[tt.vessel[k]] = headAt(k, b, time);
      }
      setMarkers(from, time);
      setHeads(now);  // drawn last, over the markers
    }

    return {
      show: show,
      markers: markers,
      drawnCount: function () { return drawn; },
      markerCount: function () { return shownMarkers; },
      headCount: function () { return nHeads; },
    };
  }

  // --- The slider and the presence chart ------------------------------------------------

  // The presence chart (an SVG made in Python) in a control, below the slider.
  function presenceControl(map) {
    const box = document.getElementById("fp-presence");
    if (!box) return;
    const C = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        const holder = el("div", "fp-presence-box leaflet-bar");
        holder.appendChild(box);
        L.DomEvent.disableClickPropagation(holder);
        L.DomEvent.disableScrollPropagation(holder);
        return holder;
      },
    });
    new C().addTo(map);
  }

  // Move the chart's time line to `epoch` (hidden outside the chart).
  function presenceLine(axis, epoch) {
    const line = document.getElementById("fp-presence-now");
    if (!line || !axis) return;
    const x = (epoch - axis.t_start) / (axis.t_end - axis.t_start) * axis.width;
    const inside = x >= 0 && x <= axis.width;
    line.setAttribute("visibility", inside ? "visible" : "hidden");
    if (inside) { line.setAttribute("x1", x.toFixed(1)); line.setAttribute("x2", x.toFixed(1)); }
  }

  function slider(map, data, tt, clock, draw) {
    let last = 0;
    for (let j = 0; j < tt.nVertices; j++) if (tt.t[j] > last) last = tt.t[j];
    const step = 60, hi = Math.ceil(last / step) * step;  // a whole step: the slider's end shows all
    return FP.slider(map, {
      lo: 0, hi: hi, step: step, className: "fp-track-timeline",
      windows: [["0", "everything up to"], ["21600", "6 hours up to"], ["86400", "1 day up to"],
        ["604800", "1 week up to"]],
      label: function (v) {
        const local = clock(tt.t0 + v);
        return utcText(tt.t0 + v).slice(0, 16) + " UTC" +
          (local ? " \u00B7 " + local.slice(0, 16) + " " + tt.tz : "");
      },
      apply: function (v, w) {
        draw.show(v, w);
        presenceLine(data.chart, tt.t0 + v);
        const n = draw.headCount();
        return n + (n === 1 ? " vessel" : " vessels") + ", " + draw.markerCount() + " entries and exits";
      },
    });
  }

  /* Draw the tracks of `data` on `map`; register their layers with `control`. */
  FP.addTracks = function (map, control, data) {
    const tt = decode(data), clock = localClock(tt.tz);
    const layers = {tracks: L.featureGroup(), gaps: L.featureGroup(), visits: L.featureGroup(),
      heads: L.featureGroup()};
    const names = [["tracks", "Vessel tracks"], ["gaps", "Gaps in tracks"],
      ["visits", "Zone entries and exits"], ["heads", "Vessels at the slider's time"]];
    names.forEach(function (n) {
      layers[n[0]].addTo(map);
      if (control) control.addOverlay(layers[n[0]], n[1]);
    });
    interactions(map, tt, clock, layers);
    const draw = drawing(map, data, tt, layers);
    presenceControl(map);
    const api = slider(map, data, tt, clock, draw);
    FP.tracks = {
      n: tt.n, table: tt, layers: layers, slider: api, markers: draw.markers,
      drawnCount: draw.drawnCount, markerCount: draw.markerCount, headCount: draw.headCount,
      // Open marker m's popup (the tests open every one).
      openMarker: function (m) {
        openPopup(map, tt, clock, [tt.markers.lat[m], tt.markers.lon[m]], [m]);
      },
      pieceText: function (k) { return pieceText(tt, k); },
    };
    FP.tracksReady = true;
    return FP.tracks;
  };
})();
