/* Incident density (written for this project; loaded inline by geo/maps, after
 * flashpoints.js, which uses it when more incidents lie in the view than it draws as
 * markers).
 *
 * The incidents in view are counted in hexagons of HEX_PX (centre to corner) on
 * screen. The hexagons tile the world's pixel plane at the zoom (Web Mercator, as
 * Leaflet projects), so they stay put while the map pans. A point belongs to the
 * hexagon whose centre is nearest: the centres are two rectangular lattices, offset by
 * half a cell, and the nearer of the two candidates wins. Each hexagon is filled in
 * the colour most of its incidents have as markers (their certainty), darker as the
 * count grows, with the count written in it; a click zooms in on it, hovering names
 * its counts. Drawn on a canvas of its own pane, which lets pointer events through.
 */
(function () {
  "use strict";
  const FP = (window.Flashpoints = window.Flashpoints || {});

  const HEX_PX = 18;
  const HEX_W = Math.sqrt(3) * HEX_PX;  // centre to centre along a row
  const ROW_PX = 1.5 * HEX_PX;  // row to row
  const MAX_LAT = 85.0511287798;  // Leaflet's Web Mercator limit

  // "950", "1.2k", "12k", "1.2M": a count that fits in a hexagon.
  function shortCount(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (n / 1000).toFixed(1) + "k";
    if (n < 1e6) return Math.round(n / 1000) + "k";
    return (n / 1e6).toFixed(1) + "M";
  }
  FP.shortCount = shortCount;

  // Dark fills get white text (relative luminance of a #rrggbb colour).
  function isDark(hex) {
    const v = parseInt(hex.slice(1), 16), r = v >> 16, g = (v >> 8) & 255, b = v & 255;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
  }

  // The hexagon (row, column) holding world pixel (x, y): row r has centres at
  // y = r * ROW_PX and x = (c + (r odd ? 0.5 : 0)) * HEX_W.
  function hexOf(x, y, out) {
    const ja = Math.round(y / (2 * ROW_PX)), ia = Math.round(x / HEX_W);
    const jb = Math.round(y / (2 * ROW_PX) - 0.5), ib = Math.round(x / HEX_W - 0.5);
    const ax = x - ia * HEX_W, ay = y - ja * 2 * ROW_PX;
    const bx = x - (ib + 0.5) * HEX_W, by = y - (jb + 0.5) * 2 * ROW_PX;
    if (ax * ax + ay * ay <= bx * bx + by * by) { out.r = 2 * ja; out.c = ia; } else { out.r = 2 * jb + 1; out.c = ib; }
    return out;
  }
  FP.hexOf = hexOf;

  function hexCentre(r, c) { return [(c + (r & 1 ? 0.5 : 0)) * HEX_W, r * ROW_PX]; }

  /* The density of the incidents of table `t` on `map`; `data` gives the colours. */
  FP.Density = function (map, t, data) {
    const pane = map.getPane("fpDensity") || map.createPane("fpDensity");
    pane.style.zIndex = 440;  // over the zones (400), under place names (450) and popups
    pane.style.pointerEvents = "none";
    const canvas = L.DomUtil.create("canvas", "fp-density", pane);
    // Web Mercator in [0, 1] (x east, y south), computed once.
    const mx = new Float64Array(t.n), my = new Float64Array(t.n);
    for (let i = 0; i < t.n; i++) {
      const phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, t.lat[i])) * Math.PI / 180;
      mx[i] = (t.lon[i] + 180) / 360;
      my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
    }
    // Colour keys as small integers.
    const keys = [], keyOf = new Uint8Array(t.n), index = Object.create(null);
    for (let i = 0; i < t.n; i++) {
      const k = t.colorKey[i] || "";
      if (index[k] === undefined) { index[k] = keys.length; keys.push(k); }
      keyOf[i] = index[k];
    }
    const colors = keys.map(function (k) {
      return Object.prototype.hasOwnProperty.call(data.colors, k) ? data.colors[k] : "#333333";
    });
    const self = this;
    this.cells = [];
    let tip = null;

    // Count the incidents `ids[0..count)` per hexagon; cells get container pixels.
    function bin(ids, count) {
      const scale = 256 * Math.pow(2, map.getZoom());
      const origin = map.getPixelOrigin(), topLeft = map.containerPointToLayerPoint([0, 0]);
      const x0 = topLeft.x + origin.x, y0 = topLeft.y + origin.y;  // world pixel of (0, 0)
      const cells = new Map(), at = {r: 0, c: 0}, nk = keys.length;
      for (let j = 0; j < count; j++) {
        const i = ids[j];
        hexOf(mx[i] * scale, my[i] * scale, at);
        const key = at.r * 4194304 + at.c;  // 2^22 columns: enough up to zoom 18
        let cell = cells.get(key);
        if (!cell) {
          const centre = hexCentre(at.r, at.c);
          cell = {x: centre[0] - x0, y: centre[1] - y0, count: 0, byKey: new Uint32Array(nk)};
          cells.set(key, cell);
        }
        cell.count++;
        cell.byKey[keyOf[i]]++;
      }
      return Array.from(cells.values(), function (cell) {
        let best = 0;
        for (let k = 1; k < nk; k++) if (cell.byKey[k] > cell.byKey[best]) best = k;
        const counts = {};
        keys.forEach(function (name, k) { if (cell.byKey[k]) counts[name] = cell.byKey[k]; });
        const ll = map.containerPointToLatLng([cell.x, cell.y]);
        return {x: cell.x, y: cell.y, lat: ll.lat, lng: ll.lng, count: cell.count,
          counts: counts, color: colors[best]};
      });
    }

    function hexPath(ctx, x, y) {
      ctx.beginPath();
      for (let k = 0; k < 6; k++) {
        const a = Math.PI / 3 * k + Math.PI / 6;
        const px = x + (HEX_PX - 0.5) * Math.cos(a), py = y + (HEX_PX - 0.5) * Math.sin(a);
        if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.closePath();
    }

    function paint(cells) {
      const size = map.getSize(), ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(size.x * ratio);
      canvas.height = Math.round(size.y * ratio);
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      const ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      let top = 1;
      cells.forEach(function (c) { if (c.count > top) top = c.count; });
      ctx.font = "bold 10px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      cells.forEach(function (c) {
        hexPath(ctx, c.x, c.y);
        ctx.globalAlpha = 0.25 + 0.45 * Math.log(1 + c.count) / Math.log(1 + top);
        ctx.fillStyle = c.color;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.fillStyle = isDark(c.color) ? "#ffffff" : "#000000";
        ctx.fillText(shortCount(c.count), c.x, c.y);
      });
      canvas.style.visibility = "visible";
    }

    /* Draw the density of incidents ids[0..count). */
    this.draw = function (ids, count) {
      self.cells = bin(ids, count);
      self.shown = true;
      paint(self.cells);
    };
    /* Draw nothing. */
    this.clear = function () {
      if (!self.shown) return;
      self.shown = false;
      self.cells = [];
      canvas.style.visibility = "hidden";
      if (tip) { map.closeTooltip(tip); tip = null; }
    };
    /* The cell under a container point, or null. */
    this.cellAt = function (point) {
      let best = null, bestD = HEX_PX * HEX_PX;
      self.cells.forEach(function (c) {
        const d = (c.x - point.x) * (c.x - point.x) + (c.y - point.y) * (c.y - point.y);
        if (d <= bestD) { best = c; bestD = d; }
      });
      return best;
    };

    map.on("zoomstart", function () { canvas.style.visibility = "hidden"; });
    map.on("click", function (e) {
      const c = self.shown && self.cellAt(e.containerPoint);
      if (c) map.setView([c.lat, c.lng], Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    map.on("mousemove", function (e) {
      const c = self.shown && self.cellAt(e.containerPoint);
      if (!c) {
        if (tip) { map.closeTooltip(tip); tip = null; }
        return;
      }
      const parts = Object.keys(c.counts).map(function (k) {
        return c.counts[k].toLocaleString("en") + " " + (k || "not classified");
      });
      const text = c.count.toLocaleString("en") + " incidents (" + parts.join(", ") + "); click to zoom in";
      tip = tip || L.tooltip({direction: "top", className: "fp-density-tip"});
      tip.setLatLng([c.lat, c.lng]).setContent(FP.el("span", null, text));
      if (!map.hasLayer(tip)) map.openTooltip(tip);
    });
  };
})();
