/* seecovid compare.js: compare any regions. The visitor picks up to 10 regions (any level)
 * and a view; the chart is drawn here as SVG from the per-region data files
 * (data/regions/ID.js, the same files as the hover values) by the layout rules of the
 * precomputed charts (src/render/chart.rs; tests/compare_js.rs pins the two together): 1-2-5
 * ticks, month or year-only date ticks, at most 6 decades on a log axis, end labels in one
 * column with grey dotted leaders, and on a phone (the charts' phone media query) a legend
 * above the plot with the type × the phone text scale. Constants come from assets/rules.js.
 *
 * The URL (other pages link here with a choice made):
 *   compare/any.html#regions=ID,ID,…&view=WHAT-MEASURE-SCALE-UNIT-ALIGN
 * ID: region ids as in regions/ID.html (up to 10, comma-separated); the view, all parts
 * optional from the right: WHAT cases|deaths, MEASURE new|total, SCALE linear|log, UNIT
 * absolute|per100k, ALIGN date|first|p10k. Example:
 *   compare/any.html#regions=us--texas--harris,us--texas,us&view=cases-new-linear-per100k-date
 * Without `regions` in the URL the page shows its default (data-default on #compare-any: the
 * G7, new cases per 100,000) and keeps the address clean until the visitor changes it.
 * Needs rules.js (window.seecovidRules, seecovidFormat), find.js (window.seecovidFind) and
 * hover.js (window.seecovid) loaded first.
 */
(function () {
  'use strict';
  var S = window.seecovid;
  var R = window.seecovidRules;
  var F = window.seecovidFormat;
  var Find = window.seecovidFind;
  var app = document.getElementById('compare-any');
  if (!S || !R || !F || !Find || !app) return;
  var MAX = 10;
  var PHONE = window.matchMedia('(max-width: ' + R.chart_phone_max_w + 'px)');
  // The chart's size: 720 × 360 on wide screens; in the phone layout as wide as the page,
  // drawn 1:1, with the type and margins × the phone text scale (like Chart::for_phone).
  var W = R.compare_w;
  var H = R.compare_h;
  var K = 1;
  function layout() {
    var phone = PHONE.matches;
    K = phone ? R.phone_text : 1;
    W = phone ? Math.max(280, Math.floor(app.clientWidth || R.phone_w)) : R.compare_w;
    H = phone ? Math.round(R.compare_phone_h * K) : R.compare_h;
    return phone;
  }
  /** A length of the desktop layout in this layout's pixels (Chart::px). */
  function px(v) { return Math.round(v * K); }
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var DIMS = ['what', 'measure', 'scale', 'unit', 'align'];
  var chosen = [];
  var isDefault = false; // showing the page's default choice, URL untouched

  var $ = function (sel) { return app.querySelector(sel); };
  var input = $('#ca-input');
  var list = $('#ca-list');
  var chips = $('#ca-chosen');
  var status = $('#ca-status');
  var figure = $('#ca-figure');
  var note = $('#ca-note');
  var table = $('#ca-table');
  var intro = $('#ca-default');
  app.hidden = false;
  var nojs = document.getElementById('compare-any-nojs');
  if (nojs) nojs.hidden = true;

  /* ---------- the view and the URL ---------- */
  function view() {
    var v = {};
    DIMS.forEach(function (d) { v[d] = app.querySelector('[data-dim="' + d + '"]').value; });
    return v;
  }
  function writeHash() {
    if (isDefault) return;
    var v = view();
    var h = '#regions=' + chosen.map(encodeURIComponent).join(',') + '&view=' + DIMS.map(function (d) { return v[d]; }).join('-');
    if (location.hash !== h) history.replaceState(null, '', h);
  }
  function parseHash(hash) {
    var q = {};
    hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) q[kv.slice(0, i)] = kv.slice(i + 1);
    });
    return q;
  }
  function readHash() {
    var q = parseHash(location.hash);
    isDefault = q.regions === undefined;
    if (isDefault) q = parseHash(app.getAttribute('data-default') || '');
    if (q.view) {
      q.view.split('-').forEach(function (val, k) {
        var sel = app.querySelector('[data-dim="' + DIMS[k] + '"]');
        if (sel && Array.prototype.some.call(sel.options, function (o) { return o.value === val; })) sel.value = val;
      });
    }
    var ids = (q.regions || '').split(',');
    chosen = [];
    ids.forEach(function (id) {
      id = decodeURIComponent(id);
      if (id && chosen.indexOf(id) < 0 && chosen.length < MAX && /^[a-z0-9-]+$/.test(id)) chosen.push(id);
    });
  }

  /* ---------- axes (mirrors of src/render/chart.rs; pinned by tests/compare_js.rs) ---------- */
  function niceRange(lo, hi) {
    var span = hi > lo ? hi - lo : 1;
    var mag = Math.pow(10, Math.floor(Math.log10(span / 5)));
    var step = 10 * mag;
    var ms = [1, 2, 2.5, 5, 10];
    for (var k = 0; k < ms.length; k++) { if (span / (ms[k] * mag) <= 6) { step = ms[k] * mag; break; } }
    var a = Math.floor(lo / step) * step;
    var b = Math.ceil(hi / step) * step;
    if (b <= a) b = a + step;
    var n = Math.round((b - a) / step);
    var t = [];
    for (var i = 0; i <= n; i++) t.push(a + i * step);
    return [a, b, t];
  }
  /** The y axis over finite axis values lo..hi (log10 on a log axis): [low, high, ticks]. */
  function yAxis(lo, hi, log) {
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (!log) return niceRange(Math.min(lo, 0), Math.max(hi, 0));
    var b = Math.max(Math.ceil(hi), Math.floor(lo) + 1);
    var a = Math.max(Math.floor(lo), b - R.log_decades);
    var t = [];
    for (var i = a; i <= b; i++) t.push(i);
    return [a, b, t];
  }
  /** A y tick's label: compact, and decades below 1 in full ("0.001") on a log axis. */
  function yLabel(y, log) {
    if (!log) return F.si(y);
    var v = Math.pow(10, y);
    return v < 1 ? v.toFixed(Math.max(0, Math.round(-Math.log10(v)))) : F.si(v);
  }
  function dayTicks(last, max) {
    last = Math.max(1, last);
    max = Math.max(1, max);
    var mag = Math.pow(10, Math.floor(Math.log10(last / max)));
    var step = 10 * mag;
    var ms = [1, 2, 5, 10];
    for (var k = 0; k < ms.length; k++) { var s = Math.max(1, ms[k] * mag); if (last / s <= max) { step = s; break; } }
    var t = [];
    for (var i = 0; i <= Math.floor(last / step); i++) t.push(i * step);
    return t;
  }
  function utc(iso) { var p = iso.split('-'); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function dateTicks(start, days, max) {
    max = Math.max(1, max);
    var s = new Date(utc(start));
    var e = new Date(utc(start) + (days - 1) * 864e5);
    var months = Math.max(0, (e.getUTCFullYear() - s.getUTCFullYear()) * 12 + e.getUTCMonth() - s.getUTCMonth());
    var out = [];
    if (months < 2) { for (var i = 0; i < days; i += 7) out.push(i); return out; }
    var every = 12;
    [1, 2, 3, 6, 12].some(function (ev) { if (Math.floor(months / ev) <= max) { every = ev; return true; } return false; });
    var y = s.getUTCFullYear();
    var m = s.getUTCMonth();
    for (;;) {
      var t = Date.UTC(y, m, 1);
      if (t > e.getTime()) break;
      if (t >= s.getTime() && m % every === 0) out.push(Math.round((t - s.getTime()) / 864e5));
      if (++m > 11) { m = 0; y++; }
    }
    return out;
  }
  /** The x ticks of a chart `w` px wide: days since day 0, or dates. */
  function xTicks(start, days, w) {
    return start ? dateTicks(start, days, Math.max(2, Math.floor(w / px(95)))) : dayTicks(days - 1, Math.max(2, Math.floor(w / px(70))));
  }
  /** Tick labels: day numbers; or dates, only the year when the ticks are a year apart. */
  function xLabels(start, days, ticks) {
    if (!start) return ticks.map(function (x) { return String(Math.round(x)); });
    var yearly = ticks.length > 1 && ticks.every(function (x, i) { return i === 0 || x - ticks[i - 1] >= 365; });
    return ticks.map(function (x) {
      var d = new Date(utc(start) + Math.round(x) * 864e5);
      if (yearly) return String(d.getUTCFullYear());
      return days > 120 ? MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() : d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()];
    });
  }
  /** Label positions for ys (sorted), `gap` apart inside top..bottom (chart::spread_labels). */
  function spreadLabels(ys, top, bottom, gap) {
    var out = ys.map(function (y) { return Math.min(bottom, Math.max(top, y)); });
    for (var k = 1; k < out.length; k++) out[k] = Math.max(out[k], out[k - 1] + gap);
    if (out.length && out[out.length - 1] > bottom) {
      out[out.length - 1] = bottom;
      for (var j = out.length - 2; j >= 0; j--) out[j] = Math.min(out[j], out[j + 1] - gap);
    }
    return out;
  }
  /** A darker shade of a line colour for its label text (chart::darken). */
  function darken(hex) {
    var n = parseInt(hex.slice(1), 16);
    var f = function (v) { return ('0' + Math.round(v * 0.7).toString(16)).slice(-2); };
    return '#' + f((n >> 16) & 255) + f((n >> 8) & 255) + f(n & 255);
  }

  /* ---------- series of the view (mirrors site::compare::view_data) ---------- */
  function lines(v, datas) {
    var key = v.measure === 'total' ? (v.what === 'deaths' ? 'deaths' : 'confirmed') : v.what === 'deaths' ? 'ma_deaths' : 'ma_confirmed';
    var per = v.unit === 'per100k' ? 100000 : 0;
    var out = [];
    var skipped = [];
    var start = null;
    datas.forEach(function (d) {
      if (d && (start === null || d.start < start)) start = d.start;
    });
    datas.forEach(function (d, k) {
      if (!d) { skipped.push([chosen[k], 'no data file']); return; }
      var pop = d.population;
      if ((per || v.align === 'p10k') && !pop) { skipped.push([d.name, 'no population figure']); return; }
      var c = S.field(d, 'confirmed');
      var first = 0;
      if (v.align === 'first') first = c.findIndex(function (x) { return x > 0; });
      if (v.align === 'p10k') first = c.findIndex(function (x) { return x > 0 && x * R.align_per >= pop; });
      if (first < 0) { skipped.push([d.name, v.align === 'first' ? 'no cases reported' : 'never reached 1 case per ' + F.thousands(R.align_per) + ' people']); return; }
      var off = v.align === 'date' ? -Math.round((utc(d.start) - utc(start)) / 864e5) : first;
      var s = { label: d.name, data: 'regions/' + d.id, key: key, off: off, per: per, color: R.lines[k % R.lines.length], bar: false };
      var n = S.field(d, key).length - off;
      var vals = [];
      for (var i = 0; i < n; i++) vals.push(S.value(s, d, i));
      out.push({ s: s, d: d, vals: vals, k: k });
    });
    var days = Math.max(2, out.reduce(function (m, l) { return Math.max(m, l.vals.length); }, 2));
    return { lines: out, skipped: skipped, start: v.align === 'date' ? start : null, days: days };
  }

  /* ---------- drawing ---------- */
  var NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var measureCtx = document.createElement('canvas').getContext('2d');
  function textWidth(t, size) { measureCtx.font = (size || 12 * K) + 'px sans-serif'; return measureCtx.measureText(t).width; }
  function shortName(n) { return n.length <= 18 ? n : n.slice(0, 17).replace(/\s+$/, '') + '…'; }

  function title(v) {
    var what = v.what === 'deaths' ? 'deaths' : 'cases';
    var m = v.measure === 'total' ? 'Total ' + what : 'New ' + what + ' per day, 7-day average';
    return m + (v.unit === 'per100k' ? ' per 100,000 people' : '') + (v.scale === 'log' ? ' (log scale)' : '');
  }
  /** The title in lines that fit `w` px at `size` (a phone-wide chart wraps it, never cuts it). */
  function titleLines(t, w, size) {
    var out = [];
    var line = '';
    t.split(' ').forEach(function (word) {
      var next = line ? line + ' ' + word : word;
      if (line && textWidth(next, size) > w) { out.push(line); line = word; } else line = next;
    });
    if (line) out.push(line);
    return out;
  }

  /** Legend rows above the plot (phone layout; chart.rs Legend::layout): each entry's x, row. */
  function legendLayout(labels) {
    var left = px(12);
    var right = W - px(8);
    var x = left;
    var row = 0;
    return labels.map(function (t) {
      var tw = Math.ceil(textWidth(t));
      if (x > left && x + px(18) + tw > right) { x = left; row++; }
      var at = { x: x, row: row };
      x += px(18) + tw + px(16);
      return at;
    });
  }

  function draw(v, vd) {
    var log = v.scale === 'log';
    var tr = function (x) { return x === null ? NaN : log ? (x > 0 ? Math.log10(x) : NaN) : x; };
    var lo = Infinity;
    var hi = -Infinity;
    vd.lines.forEach(function (l) { l.vals.forEach(function (x) { var y = tr(x); if (isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); } }); });
    var yr = yAxis(lo, hi, log);
    var phone = layout();
    var font = 12 * K;
    var labels = vd.lines.map(function (l) { return shortName(l.d.name); });
    var legend = phone && labels.length > 1 ? legendLayout(labels) : [];
    var legendH = legend.length ? (legend[legend.length - 1].row + 1) * px(17) : 0;
    var tsize = 14 * K;
    var tlines = titleLines(title(v), W - 2 * px(6), tsize);
    var titleH = Math.round(tlines.length * tsize * 1.2 + 2 * Math.min(5, tsize / 2));
    var right = phone ? px(14) : Math.round(labels.reduce(function (m, t) { return Math.max(m, textWidth(t)); }, 0)) + px(18);
    var xdesc = vd.start ? '' : v.align === 'first' ? 'days since the first case' : 'days since 1 case per ' + F.thousands(R.align_per) + ' people';
    var geom = { left: px(6) + px(48), top: px(6) + titleH + legendH, right: W - right, bottom: H - px(6) - px(xdesc ? 36 : 20) };
    var xhi = vd.days - 1;
    var X = function (x) { return geom.left + (x / (xhi || 1)) * (geom.right - geom.left); };
    var Y = function (y) { return geom.bottom - ((y - yr[0]) / (yr[1] - yr[0])) * (geom.bottom - geom.top); };
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'font-family': 'sans-serif', 'font-size': font });
    svg('rect', { x: 0, y: 0, width: W, height: H, fill: '#fff' }, root);
    tlines.forEach(function (t, i) {
      svg('text', { x: W / 2, y: px(6) + Math.min(5, tsize / 2) + tsize * (1.2 * i + 0.95), 'text-anchor': 'middle', 'font-size': tsize, fill: '#000' }, root).textContent = t;
    });
    var xt = xTicks(vd.start, vd.days, W);
    var xl = xLabels(vd.start, vd.days, xt);
    var grid = svg('g', { stroke: R.grid, 'stroke-width': 1 }, root);
    var labelsG = svg('g', { fill: R.axis }, root);
    xt.forEach(function (x, i) {
      svg('line', { x1: X(x), x2: X(x), y1: geom.top, y2: geom.bottom }, grid);
      // A label that would run past the chart's edge ends at it instead (never cut).
      var half = textWidth(xl[i]) / 2;
      var at = X(x) + half > W - 2 ? ['end', W - 2] : X(x) - half < 2 ? ['start', 2] : ['middle', X(x)];
      svg('text', { x: at[1], y: geom.bottom + px(5) + font, 'text-anchor': at[0] }, labelsG).textContent = xl[i];
    });
    yr[2].forEach(function (y) {
      svg('line', { x1: geom.left, x2: geom.right, y1: Y(y), y2: Y(y) }, grid);
      svg('text', { x: geom.left - px(8), y: Y(y) + font / 3, 'text-anchor': 'end' }, labelsG).textContent = yLabel(y, log);
    });
    svg('path', { d: 'M' + geom.left + ',' + geom.top + 'V' + geom.bottom + 'H' + geom.right, fill: 'none', stroke: R.axis }, root);
    if (xdesc) svg('text', { x: (geom.left + geom.right) / 2, y: H - px(10), 'text-anchor': 'middle', fill: R.axis }, root).textContent = xdesc;
    // Values under the axis minimum (log axes show at most R.log_decades decades) are gaps,
    // like chart::segments: nothing is drawn on or under the axis.
    var plot = svg('g', {}, root);
    var ends = [];
    vd.lines.forEach(function (l, n) {
      var d = '';
      var pen = false;
      var last = null;
      l.vals.forEach(function (x, i) {
        var y = tr(x);
        if (!isFinite(y) || y < yr[0] - 1e-9) { pen = false; return; }
        d += (pen ? 'L' : 'M') + X(i).toFixed(1) + ',' + Y(y).toFixed(1);
        pen = true;
        last = [i, y, x];
      });
      var p = svg('path', { d: d || 'M0,0', fill: 'none', stroke: l.s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'data-region': l.d.id }, plot);
      if (last) {
        p.setAttribute('data-last', String(last[2]));
        p.setAttribute('data-last-day', String(last[0]));
        ends.push({ x: X(last[0]), y: Y(last[1]), n: n });
      }
    });
    if (phone) {
      legend.forEach(function (e, n) {
        var y = geom.top - px(6) - (legend[legend.length - 1].row + 1 - e.row) * px(17) + px(8);
        var color = vd.lines[n].s.color;
        svg('path', { d: 'M' + e.x + ',' + y + 'h' + px(13), stroke: color, 'stroke-width': 2 }, root);
        svg('text', { x: e.x + px(18), y: y + font / 3, fill: '#000' }, root).textContent = labels[n];
      });
    } else endLabels(root, ends, vd.lines, labels, geom, font);
    return { root: root, geom: geom, yr: yr, xhi: xhi, log: log };
  }

  /** Line-end labels like chart::draw_end_labels: one column right of the plot, spread
   * apart; each line ends in a dot of its colour, and a dotted grey leader (never a data
   * colour, so it cannot read as the line surging) joins a moved label to its dot. */
  function endLabels(root, ends, ls, labels, geom, font) {
    var x = geom.right + 4;
    ends.sort(function (a, b) { return a.y - b.y || a.n - b.n; });
    var ys = spreadLabels(ends.map(function (e) { return Math.round(e.y); }), geom.top + 6, geom.bottom - 6, px(14));
    ends.forEach(function (e, k) {
      var color = ls[e.n].s.color;
      svg('circle', { cx: e.x, cy: e.y, r: 3, fill: color }, root);
      if (Math.abs(ys[k] - e.y) > 3 || x - e.x > 12) {
        svg('path', { d: 'M' + (e.x + 5) + ',' + e.y + 'L' + (x - 1) + ',' + ys[k], stroke: R.leader, 'stroke-width': 1, 'stroke-dasharray': '1 2', fill: 'none', 'class': 'ca-leader' }, root);
      }
      svg('text', { x: x + 2, y: ys[k] + font / 3, fill: darken(color) }, root).textContent = labels[e.n];
    });
  }

  /* ---------- the page ---------- */
  var renders = 0;
  function render() {
    writeHash();
    renderChips();
    var v = view();
    var names = chosen.map(function (id) { return 'regions/' + id; });
    status.textContent = chosen.length ? 'Loading…' : '';
    figure.setAttribute('aria-busy', 'true');
    var gen = ++renders;
    var empty = !chosen.length;
    figure.hidden = empty;
    if (intro) intro.hidden = !isDefault;
    $('.ca-data').hidden = empty;
    S.load(names, function (datas) {
      if (gen !== renders) return; // a newer choice is on its way
      figure.removeAttribute('aria-busy');
      datas.forEach(function (d) { if (d) fullNames[d.id] = d.full_name; });
      renderChips();
      var vd = lines(v, datas);
      var pic = draw(v, vd);
      var desc = vd.lines.map(function (l) {
        var last = l.vals.length - 1;
        while (last >= 0 && l.vals[last] === null) last--;
        return l.d.full_name + ' ' + (last >= 0 ? S.show(l.s, l.d, last, l.vals[last]) : 'no data');
      });
      pic.root.setAttribute('aria-label', title(v) + '. Latest values: ' + (desc.join('; ') || 'no region chosen') + '.');
      figure.textContent = '';
      var box = document.createElement('div');
      box.appendChild(pic.root);
      figure.appendChild(box);
      var cap = document.createElement('figcaption');
      cap.textContent = title(v) + (vd.start ? ', by date.' : ', ' + (v.align === 'first' ? 'aligned on the first case (day 0).' : 'aligned on 1 case per ' + F.thousands(R.align_per) + ' people (day 0).'));
      figure.appendChild(cap);
      if (vd.lines.length) {
        var p = {
          px: [pic.geom.left, pic.geom.right], py: [pic.geom.bottom, pic.geom.top],
          x_lo: 0, x_hi: pic.xhi, y_lo: pic.yr[0], y_hi: pic.yr[1], log: pic.log,
          series: vd.lines.map(function (l) { return l.s; }),
        };
        S.attach(box, { w: W, h: H, start: vd.start, panels: [p] }, title(v));
      }
      note.textContent = vd.skipped.length ? 'Not shown in this view: ' + vd.skipped.map(function (s) { return s[0] + ' (' + s[1] + ')'; }).join(', ') + '.' : '';
      note.hidden = !vd.skipped.length;
      fillTable(vd, v);
      status.textContent = chosen.length ? chosen.length + ' of ' + MAX + ' regions chosen.' : 'No region chosen: search for one above.';
    });
  }

  function fillTable(vd, v) {
    var tb = table.querySelector('tbody');
    tb.textContent = '';
    table.querySelector('caption').textContent = 'The chart as a table: ' + title(v).toLowerCase();
    var when = function (i) { return vd.start ? new Date(utc(vd.start) + i * 864e5).toISOString().slice(0, 10) : 'day ' + i; };
    vd.lines.forEach(function (l) {
      var last = -1;
      var peak = -1;
      l.vals.forEach(function (x, i) { if (x !== null) { last = i; if (peak < 0 || x > l.vals[peak]) peak = i; } });
      var tr = document.createElement('tr');
      var cells = [l.d.full_name, last >= 0 ? S.show(l.s, l.d, last, l.vals[last]) : '', last >= 0 ? when(last) : '', peak >= 0 ? S.show(l.s, l.d, peak, l.vals[peak]) : '', peak >= 0 ? when(peak) : ''];
      cells.forEach(function (c, k) {
        var td = document.createElement(k ? 'td' : 'th');
        if (!k) td.scope = 'row';
        td.textContent = c;
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
  }

  var fullNames = {};
  function nameOf(id) { return fullNames[id] || id; }
  function renderChips() {
    chips.textContent = '';
    chosen.forEach(function (id, k) {
      var li = document.createElement('li');
      var sw = document.createElement('span');
      sw.className = 'ca-sw';
      sw.style.background = R.lines[k % R.lines.length];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(nameOf(id) + ' '));
      var b = document.createElement('button');
      b.type = 'button';
      var x = document.createElement('span');
      x.setAttribute('aria-hidden', 'true');
      x.textContent = '×';
      var t = document.createElement('span');
      t.className = 'visually-hidden';
      t.textContent = 'Remove ' + nameOf(id);
      b.appendChild(x);
      b.appendChild(t);
      b.addEventListener('click', function () { isDefault = false; chosen.splice(chosen.indexOf(id), 1); render(); input.focus(); });
      li.appendChild(b);
      chips.appendChild(li);
    });
    input.disabled = chosen.length >= MAX;
    input.placeholder = chosen.length >= MAX ? 'Ten regions chosen: remove one to add another' : 'Type a region name';
  }

  /* ---------- the region picker (combobox) ---------- */
  // The header search's index and matching (find.js): the picker finds what the search box
  // finds ("Harris, TX", "NYC", "Burma").
  var hits = [];
  var active = -1;
  function showHits() {
    list.textContent = '';
    hits.forEach(function (r, k) {
      var li = document.createElement('li');
      li.id = 'ca-opt-' + k;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', k === active ? 'true' : 'false');
      li.setAttribute('data-region', r.id);
      li.textContent = r.full + ' ';
      var lvl = document.createElement('span');
      lvl.className = 'lvl';
      var alias = Find.aliasShown(r, input.value);
      lvl.textContent = (alias ? '“' + alias + '” · ' : '') + Find.level(r);
      li.appendChild(lvl);
      li.addEventListener('pointerdown', function (ev) { ev.preventDefault(); pick(r); });
      list.appendChild(li);
    });
    var open = hits.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (active >= 0) input.setAttribute('aria-activedescendant', 'ca-opt-' + active);
    else input.removeAttribute('aria-activedescendant');
  }
  function pick(r) {
    isDefault = false;
    if (chosen.indexOf(r.id) < 0 && chosen.length < MAX) chosen.push(r.id);
    input.value = '';
    hits = [];
    active = -1;
    showHits();
    render();
    if (!input.disabled) input.focus();
  }
  function update() {
    hits = Find.search(input.value).slice(0, 12);
    active = hits.length ? 0 : -1;
    showHits();
  }
  input.addEventListener('focus', function () { Find.load(); });
  input.addEventListener('input', function () { Find.load(update); });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!hits.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
      showHits();
      ev.preventDefault();
    } else if (ev.key === 'Enter') {
      if (active >= 0 && hits[active]) pick(hits[active]);
      ev.preventDefault();
    } else if (ev.key === 'Escape') {
      hits = [];
      active = -1;
      showHits();
    }
  });
  input.addEventListener('blur', function () { hits = []; active = -1; showHits(); });
  DIMS.forEach(function (d) { app.querySelector('[data-dim="' + d + '"]').addEventListener('change', function () { isDefault = false; render(); }); });
  window.addEventListener('hashchange', function () { readHash(); render(); });

  // Crossing the phone breakpoint (a turned phone, a resized window) redraws in that layout.
  if (PHONE.addEventListener) PHONE.addEventListener('change', render);

  readHash();
  render();
})();
