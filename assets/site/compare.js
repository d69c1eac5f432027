/* seecovid compare.js: compare any regions. The visitor picks up to 10 regions (any level)
 * and a view; the chart is drawn here as SVG from the per-region data files
 * (data/regions/ID.js, the same files as the hover values) with the layout rules of the
 * precomputed charts (src/render/chart.rs: 1-2-5 ticks, month ticks, end labels spread apart).
 * The choice lives in the URL hash: #regions=ID,ID&view=WHAT-MEASURE-SCALE-UNIT-ALIGN.
 * Needs hover.js (window.seecovid) loaded first.
 */
(function () {
  'use strict';
  var S = window.seecovid;
  var app = document.getElementById('compare-any');
  if (!S || !app) return;
  var MAX = 10;
  // The chart's size: 720 × 360 on wide screens; on a phone (under 560 px of room) as wide as
  // the page, drawn 1:1 so its 12-px text stays 12 px, with a legend above the plot instead
  // of line-end labels (like the precomputed charts' phone layout).
  var W = 720;
  var H = 360;
  function layout() {
    var room = app.clientWidth || 720;
    var phone = room < 560;
    W = phone ? Math.max(280, Math.floor(room)) : 720;
    H = phone ? 330 : 360;
    return phone;
  }
  var PALETTE = ['#0072b2', '#d55e00', '#009e73', '#e69f00', '#cc79a7', '#56b4e9', '#000000', '#332288', '#882255', '#999933'];
  var AXIS = '#5a5a5a';
  var GRID = '#e8e8e8';
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var DIMS = ['what', 'measure', 'scale', 'unit', 'align'];
  var index = null;
  var chosen = [];

  var $ = function (sel) { return app.querySelector(sel); };
  var input = $('#ca-input');
  var list = $('#ca-list');
  var chips = $('#ca-chosen');
  var status = $('#ca-status');
  var figure = $('#ca-figure');
  var note = $('#ca-note');
  var table = $('#ca-table');
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
    var v = view();
    var h = '#regions=' + chosen.map(encodeURIComponent).join(',') + '&view=' + DIMS.map(function (d) { return v[d]; }).join('-');
    if (location.hash !== h) history.replaceState(null, '', h);
  }
  function readHash() {
    var q = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) q[kv.slice(0, i)] = kv.slice(i + 1);
    });
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

  /* ---------- number formats and ticks (mirrors of src/render) ---------- */
  function si(v) {
    if (!isFinite(v)) return '';
    var a = Math.abs(v);
    var x = v;
    var suf = '';
    if (a >= 1e9) { x = v / 1e9; suf = 'B'; } else if (a >= 1e6) { x = v / 1e6; suf = 'M'; } else if (a >= 1e3) { x = v / 1e3; suf = 'k'; }
    var s;
    if (Math.abs(x) >= 100 || (suf === '' && x % 1 === 0)) s = x.toFixed(0);
    else if (Math.abs(x) >= 10) s = x.toFixed(1);
    else s = x.toFixed(2);
    if (s.indexOf('.') >= 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return s + suf;
  }
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
  function dayTicks(last, max) {
    last = Math.max(1, last);
    var mag = Math.pow(10, Math.floor(Math.log10(last / Math.max(1, max))));
    var step = 10 * mag;
    var ms = [1, 2, 5, 10];
    for (var k = 0; k < ms.length; k++) { var s = Math.max(1, ms[k] * mag); if (last / s <= max) { step = s; break; } }
    var t = [];
    for (var i = 0; i <= Math.floor(last / step); i++) t.push(i * step);
    return t;
  }
  function utc(iso) { var p = iso.split('-'); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function dateTicks(start, days, max) {
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
  function xLabel(start, days, x) {
    if (!start) return String(Math.round(x));
    var d = new Date(utc(start) + Math.round(x) * 864e5);
    return days > 120 ? MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() : d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()];
  }
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
      if (v.align === 'p10k') first = c.findIndex(function (x) { return x > 0 && x * 10000 >= pop; });
      if (first < 0) { skipped.push([d.name, v.align === 'first' ? 'no cases reported' : 'never reached 1 case per 10,000 people']); return; }
      var off = v.align === 'date' ? -Math.round((utc(d.start) - utc(start)) / 864e5) : first;
      var s = { label: d.name, data: 'regions/' + d.id, key: key, off: off, per: per, color: PALETTE[k % PALETTE.length], bar: false };
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
  function textWidth(t) { measureCtx.font = '12px sans-serif'; return measureCtx.measureText(t).width; }
  function shortName(n) { return n.length <= 18 ? n : n.slice(0, 17).replace(/\s+$/, '') + '…'; }

  function title(v) {
    var what = v.what === 'deaths' ? 'deaths' : 'cases';
    var m = v.measure === 'total' ? 'Total ' + what : 'New ' + what + ' per day, 7-day average';
    return m + (v.unit === 'per100k' ? ' per 100,000 people' : '') + (v.scale === 'log' ? ' (log scale)' : '');
  }

  function draw(v, vd) {
    var log = v.scale === 'log';
    var tr = function (x) { return x === null ? NaN : log ? (x > 0 ? Math.log10(x) : NaN) : x; };
    var lo = Infinity;
    var hi = -Infinity;
    vd.lines.forEach(function (l) { l.vals.forEach(function (x) { var y = tr(x); if (isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); } }); });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    var yr;
    if (log) {
      var a = Math.max(0, Math.floor(lo));
      var b = Math.max(a + 1, Math.ceil(hi));
      var t = [];
      for (var i = a; i <= b; i++) t.push(i);
      yr = [a, b, t];
    } else yr = niceRange(Math.min(lo, 0), Math.max(hi, 0));
    var phone = layout();
    var labels = vd.lines.map(function (l) { return shortName(l.d.name); });
    var right = phone ? 8 : Math.round(labels.reduce(function (m, s) { return Math.max(m, textWidth(s)); }, 0)) + 14;
    // Phone legend: rows of colour swatch + name, wrapped to the width.
    var legend = [];
    if (phone) {
      var lx = 8;
      var row = 0;
      labels.forEach(function (t, n) {
        var w = 16 + Math.ceil(textWidth(t)) + 12;
        if (lx > 8 && lx + w > W - 4) { lx = 8; row++; }
        legend.push({ x: lx, row: row, n: n });
        lx += w;
      });
    }
    var legendH = legend.length ? (legend[legend.length - 1].row + 1) * 16 + 6 : 0;
    var xdesc = vd.start ? '' : v.align === 'first' ? 'days since the first case' : 'days since 1 case per 10,000 people';
    var geom = { left: 6 + 48, top: 6 + 24 + legendH, right: W - 6 - right, bottom: H - 6 - (xdesc ? 36 : 20) };
    var xhi = vd.days - 1;
    var X = function (x) { return geom.left + (x / (xhi || 1)) * (geom.right - geom.left); };
    var Y = function (y) { return geom.bottom - ((y - yr[0]) / (yr[1] - yr[0])) * (geom.bottom - geom.top); };
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'font-family': 'sans-serif', 'font-size': 12 });
    svg('rect', { x: 0, y: 0, width: W, height: H, fill: '#fff' }, root);
    svg('text', { x: W / 2, y: 6 + 14, 'text-anchor': 'middle', 'font-size': 14, fill: '#000' }, root).textContent = title(v);
    var xt = vd.start ? dateTicks(vd.start, vd.days, Math.max(2, Math.floor(W / 95))) : dayTicks(xhi, Math.max(2, Math.floor(W / 70)));
    var grid = svg('g', { stroke: GRID, 'stroke-width': 1 }, root);
    var labelsG = svg('g', { fill: AXIS }, root);
    xt.forEach(function (x) {
      svg('line', { x1: X(x), x2: X(x), y1: geom.top, y2: geom.bottom }, grid);
      svg('text', { x: X(x), y: geom.bottom + 16, 'text-anchor': 'middle' }, labelsG).textContent = xLabel(vd.start, vd.days, x);
    });
    yr[2].forEach(function (y) {
      svg('line', { x1: geom.left, x2: geom.right, y1: Y(y), y2: Y(y) }, grid);
      svg('text', { x: geom.left - 8, y: Y(y) + 4, 'text-anchor': 'end' }, labelsG).textContent = si(log ? Math.pow(10, y) : y);
    });
    svg('path', { d: 'M' + geom.left + ',' + geom.top + 'V' + geom.bottom + 'H' + geom.right, fill: 'none', stroke: AXIS }, root);
    if (xdesc) svg('text', { x: (geom.left + geom.right) / 2, y: H - 10, 'text-anchor': 'middle', fill: AXIS }, root).textContent = xdesc;
    // Lines stay inside the plot (log axes start at 1: smaller values run off the bottom).
    var clipId = 'ca-clip'; // one chart on the page at a time
    var cp = svg('clipPath', { id: clipId }, svg('defs', {}, root));
    svg('rect', { x: geom.left, y: geom.top - 2, width: geom.right - geom.left + 2, height: geom.bottom - geom.top + 2 }, cp);
    var plot = svg('g', { 'clip-path': 'url(#' + clipId + ')' }, root);
    var ends = [];
    vd.lines.forEach(function (l, n) {
      var d = '';
      var pen = false;
      var last = null;
      l.vals.forEach(function (x, i) {
        var y = tr(x);
        if (!isFinite(y)) { pen = false; return; }
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
      legend.forEach(function (e) {
        var y = 6 + 24 + e.row * 16 + 8;
        var color = vd.lines[e.n].s.color;
        svg('path', { d: 'M' + e.x + ',' + y + 'h12', stroke: color, 'stroke-width': 3 }, root);
        svg('text', { x: e.x + 16, y: y + 4, fill: darken(color) }, root).textContent = labels[e.n];
      });
    } else endLabels(root, ends, vd.lines, labels, geom);
    return { root: root, geom: geom, yr: yr, xhi: xhi, log: log };
  }

  /** Line-end labels, spread apart like render::chart::draw_end_labels. */
  function endLabels(root, ends, ls, labels, geom) {
    var GAP = 14;
    var top = geom.top + 6;
    var bottom = geom.bottom - 6;
    ends.sort(function (a, b) { return a.x - b.x || a.y - b.y || a.n - b.n; });
    var clusters = [];
    ends.forEach(function (e) {
      var c = clusters[clusters.length - 1];
      if (c && e.x - c[0].x < 60) c.push(e);
      else clusters.push([e]);
    });
    clusters.forEach(function (cl) {
      var x = Math.max.apply(null, cl.map(function (e) { return e.x; }));
      cl.sort(function (a, b) { return a.y - b.y || a.n - b.n; });
      var ys = cl.map(function (e) { return Math.min(bottom, Math.max(top, e.y)); });
      for (var k = 1; k < ys.length; k++) ys[k] = Math.max(ys[k], ys[k - 1] + GAP);
      if (ys.length && ys[ys.length - 1] > bottom) {
        ys[ys.length - 1] = bottom;
        for (var j = ys.length - 2; j >= 0; j--) ys[j] = Math.min(ys[j], ys[j + 1] - GAP);
      }
      cl.forEach(function (e, k) {
        var color = ls[e.n].s.color;
        if (Math.abs(ys[k] - e.y) > 3 || x - e.x > 3) {
          svg('path', { d: 'M' + (e.x + 2) + ',' + e.y + 'L' + (x + 5) + ',' + ys[k], stroke: color, 'stroke-width': 1, fill: 'none' }, root);
        }
        svg('text', { x: x + 7, y: ys[k] + 4, fill: darken(color) }, root).textContent = labels[e.n];
      });
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
    $('#ca-examples').hidden = !empty;
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
      cap.textContent = title(v) + (vd.start ? ', by date.' : ', ' + (v.align === 'first' ? 'aligned on the first case (day 0).' : 'aligned on 1 case per 10,000 people (day 0).'));
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
      sw.style.background = PALETTE[k % PALETTE.length];
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
      b.addEventListener('click', function () { chosen.splice(chosen.indexOf(id), 1); render(); input.focus(); });
      li.appendChild(b);
      chips.appendChild(li);
    });
    input.disabled = chosen.length >= MAX;
    input.placeholder = chosen.length >= MAX ? 'Ten regions chosen: remove one to add another' : 'Type a region name';
  }

  /* ---------- the region picker (combobox) ---------- */
  var LEVEL = { country: 'Country', province: 'Province / state', us_state: 'US state', us_county: 'US county' };
  var RANK = { country: 0, us_state: 1, province: 2, us_county: 3 };
  var hits = [];
  var active = -1;
  function norm(s) { return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim(); }
  function search(q) {
    var words = norm(q).split(' ').filter(Boolean);
    if (!words.length || !index) return [];
    var out = [];
    index.forEach(function (r) {
      if (!r.n) r.n = ' ' + norm(r[1]);
      if (!words.every(function (w) { return r.n.indexOf(' ' + w) >= 0; })) return;
      var name = norm(r[1].split(',')[0]);
      var score = name === norm(q) ? 0 : r.n.indexOf(' ' + words[0]) === 0 ? 1 : 2;
      out.push([score, RANK[r[2]], -r[3], r]);
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return out.slice(0, 12).map(function (x) { return x[3]; });
  }
  function showHits() {
    list.textContent = '';
    hits.forEach(function (r, k) {
      var li = document.createElement('li');
      li.id = 'ca-opt-' + k;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', k === active ? 'true' : 'false');
      li.textContent = r[1] + ' ';
      var lvl = document.createElement('span');
      lvl.className = 'lvl';
      lvl.textContent = LEVEL[r[2]] || r[2];
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
    if (chosen.indexOf(r[0]) < 0 && chosen.length < MAX) chosen.push(r[0]);
    input.value = '';
    hits = [];
    active = -1;
    showHits();
    render();
    if (!input.disabled) input.focus();
  }
  function loadIndex(then) {
    if (index) { then(); return; }
    S.load(['regions-index'], function (o) { index = o[0] || []; then(); });
  }
  input.addEventListener('focus', function () { loadIndex(function () {}); });
  input.addEventListener('input', function () {
    loadIndex(function () { hits = search(input.value); active = hits.length ? 0 : -1; showHits(); });
  });
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
  DIMS.forEach(function (d) { app.querySelector('[data-dim="' + d + '"]').addEventListener('change', render); });
  window.addEventListener('hashchange', function () { readHash(); render(); });

  readHash();
  render();
})();
