/* seecovid views.js: the views of a region page's main chart (issue 22, item 7).
 * Without JavaScript the chart is its precomputed image (all time, numbers) and the view
 * form stays hidden. With it, the form appears; any other view (per 100,000 people, the last
 * 12 months or 90 days) is drawn here as SVG from the region's published data file
 * (data/regions/ID.js, loaded with <script src> by hover.js, so it works from file://) and
 * nothing is loaded before the visitor picks one. The drawing follows the image's rules:
 * light daily bars, the published 7-day average as a dark line (never recomputed here), days
 * with a reporting anomaly in grey and left out of the axis, 1-2-5 ticks, month ticks.
 * Markup (templates/region.html): <section class="mc" data-region="ID" [data-per="1"]>
 *   <form class="mc-views" hidden> radios unit=absolute|per100k, span=all|365|90 </form>
 *   <figure class="chart mc-fig" data-hover='…'> picture, figcaption </figure></section>
 * Needs hover.js (window.seecovid.load, field, attach) loaded first.
 */
(function () {
  'use strict';
  var S = window.seecovid;
  if (!S || !S.load) return;
  var NS = 'http://www.w3.org/2000/svg';
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var PANELS = [
    { title: 'New confirmed cases per day', bars: 'new_confirmed', ma: 'ma_confirmed', flags: 'anomalies_confirmed', light: '#9ecae1', dark: '#08519c' },
    { title: 'New deaths per day', bars: 'new_deaths', ma: 'ma_deaths', flags: 'anomalies_deaths', light: '#fcbba1', dark: '#a50f15' }
  ];
  var GREY = '#bdbdbd';
  var AXIS = '#5a5a5a';
  var GRID = '#e8e8e8';

  function node(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  /** Axis labels: 950, 34.5k, 1.2M, 0.25. */
  function short(v) {
    var a = Math.abs(v);
    var f = function (x, suf) { return String(+x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)) + suf; };
    if (a >= 1e6) return (v < 0 ? '-' : '') + f(a / 1e6, 'M');
    if (a >= 1e3) return (v < 0 ? '-' : '') + f(a / 1e3, 'k');
    return (v < 0 ? '-' : '') + f(a, '');
  }
  /** Ticks 1-2-5 × 10^k over [lo, hi], at most about five steps. */
  function ticks(lo, hi) {
    var span = hi - lo || 1;
    var mag = Math.pow(10, Math.floor(Math.log10(span / 5)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return span / s <= 5.5; })[0] || 10 * mag;
    var out = [];
    for (var t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toPrecision(12));
    return out;
  }
  function utc(iso) { var p = iso.split('-'); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  /** Day offsets (from `from`) of the first of every `every`-th month in [from, from + days). */
  function monthTicks(start, from, days, maxTicks) {
    var t0 = utc(start) + from * 864e5;
    var d = new Date(t0);
    var months = Math.ceil(days / 30.4);
    var every = [1, 2, 3, 6, 12].filter(function (e) { return months / e <= maxTicks; })[0] || 12;
    var out = [];
    for (var y = d.getUTCFullYear(), m = d.getUTCMonth(); ; m++) {
      if (m > 11) { m = 0; y++; }
      var t = Date.UTC(y, m, 1);
      var i = Math.round((t - t0) / 864e5);
      if (i >= days) break;
      if (i >= 0 && m % every === 0) out.push([i, MONTHS[m] + (m === 0 || every >= 12 || days <= 120 ? ' ' + y : '')]);
    }
    return out;
  }

  /** The values of one panel in the view: bars, average and flags from day `from` on. */
  function values(d, p, v, from) {
    var k = v.per ? 100000 / d.population : 1;
    var bars = S.field(d, p.bars).slice(from).map(function (x) { return x === null ? null : x * k; });
    var ma = S.field(d, p.ma).slice(from).map(function (x) { return x === null ? null : x * k; });
    var flagged = {};
    (d[p.flags] || []).forEach(function (i) { if (i >= from) flagged[i - from] = true; });
    return { bars: bars, ma: ma, flagged: flagged, k: k };
  }
  /** The axis: the average and the unflagged bars, bars above the 99th percentile cut at
   * the top (they stay visible as bars reaching the edge). */
  function range(vals) {
    var kept = [];
    vals.bars.forEach(function (x, i) { if (x !== null && !vals.flagged[i]) kept.push(x); });
    kept.sort(function (a, b) { return a - b; });
    var q = function (f) { return kept.length ? kept[Math.min(kept.length - 1, Math.floor(f * (kept.length - 1)))] : 0; };
    var hi = q(0.99);
    var lo = Math.min(0, q(0.01));
    vals.ma.forEach(function (x) { if (x !== null) { hi = Math.max(hi, x); lo = Math.min(lo, x); } });
    if (hi <= lo) hi = lo + 1;
    var t = ticks(lo, hi);
    return { lo: Math.min(lo, t[0]), hi: Math.max(hi, t[t.length - 1]), ticks: t };
  }

  function drawPanel(svg, box, d, p, v, from, days) {
    var vals = values(d, p, v, from);
    var r = range(vals);
    var g = { left: box.x + 52, right: box.x + box.w - 12, top: box.y + 30, bottom: box.y + box.h - 24 };
    var X = function (i) { return g.left + ((i + 0.5) / days) * (g.right - g.left); };
    var Y = function (y) { return g.bottom - ((Math.max(r.lo, Math.min(r.hi, y)) - r.lo) / (r.hi - r.lo)) * (g.bottom - g.top); };
    var title = p.title + (v.per ? ' per 100,000' : '');
    // Centred over the whole panel, smaller on a phone, so the longest title fits 336 px.
    node('text', { x: box.x + box.w / 2, y: box.y + 18, 'text-anchor': 'middle', 'font-size': box.w < 400 ? 13 : 14, fill: '#000' }, svg).textContent = title;
    var grid = node('g', { stroke: GRID }, svg);
    var lab = node('g', { fill: AXIS, 'font-size': 12 }, svg);
    r.ticks.forEach(function (t) {
      node('line', { x1: g.left, x2: g.right, y1: Y(t), y2: Y(t) }, grid);
      node('text', { x: g.left - 6, y: Y(t) + 4, 'text-anchor': 'end' }, lab).textContent = short(t);
    });
    monthTicks(d.start, from, days, Math.max(2, Math.floor((g.right - g.left) / 70))).forEach(function (t) {
      node('line', { x1: X(t[0]), x2: X(t[0]), y1: g.top, y2: g.bottom }, grid);
      node('text', { x: X(t[0]), y: g.bottom + 16, 'text-anchor': 'middle' }, lab).textContent = t[1];
    });
    // Bars: one path per colour; a bar is at least one pixel wide.
    var w = Math.max(1, (g.right - g.left) / days - (days <= 120 ? 1 : 0));
    var path = { ok: '', grey: '' };
    vals.bars.forEach(function (x, i) {
      if (x === null || x === 0) return;
      var y0 = Y(0);
      var y1 = Y(x);
      path[vals.flagged[i] ? 'grey' : 'ok'] += 'M' + (X(i) - w / 2).toFixed(1) + ',' + y0.toFixed(1) + 'V' + y1.toFixed(1) + 'h' + w.toFixed(1) + 'V' + y0.toFixed(1) + 'z';
    });
    node('path', { d: path.ok || 'M0,0', fill: p.light }, svg);
    node('path', { d: path.grey || 'M0,0', fill: GREY }, svg);
    var line = '';
    var pen = false;
    vals.ma.forEach(function (x, i) {
      if (x === null) { pen = false; return; }
      line += (pen ? 'L' : 'M') + X(i).toFixed(1) + ',' + Y(x).toFixed(1);
      pen = true;
    });
    node('path', { d: line || 'M0,0', fill: 'none', stroke: p.dark, 'stroke-width': 2, 'stroke-linejoin': 'round' }, svg);
    node('path', { d: 'M' + g.left + ',' + g.top + 'V' + g.bottom + 'H' + g.right, fill: 'none', stroke: AXIS }, svg);
    var key = function (k, bar, color) {
      return { label: bar ? 'per day' : '7-day average', data: 'regions/' + d.id, key: k, off: from, per: v.per ? 100000 : 0, color: color, bar: bar };
    };
    return {
      px: [Math.round(X(0)), Math.round(X(days - 1))], py: [Math.round(Y(r.lo)), Math.round(Y(r.hi))],
      x_lo: 0, x_hi: days - 1, y_lo: r.lo, y_hi: r.hi, log: false,
      series: [key(p.bars, true, p.light), key(p.ma, false, p.dark)]
    };
  }

  /** Draws view `v` of region data `d` into a new box in `fig`; returns the box. */
  function draw(fig, d, v) {
    var room = fig.clientWidth || 336;
    var phone = room < 560;
    var W = Math.min(room, 1040);
    var H = phone ? 440 : Math.round((W * 390) / 1040);
    var n = S.field(d, 'new_confirmed').length;
    var from = v.span === 'all' ? 0 : Math.max(0, n - +v.span);
    var days = n - from;
    var svg = node('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'font-family': 'sans-serif' });
    node('rect', { width: W, height: H, fill: '#fff' }, svg);
    var panels = PANELS.map(function (p, k) {
      var box = phone ? { x: 0, y: (k * H) / 2, w: W, h: H / 2 } : { x: (k * W) / 2, y: 0, w: W / 2, h: H };
      return drawPanel(svg, box, d, p, v, from, days);
    });
    var start = new Date(utc(d.start) + from * 864e5).toISOString().slice(0, 10);
    var what = 'New confirmed cases and new deaths per day in ' + d.full_name + (v.per ? ', per 100,000 people' : '') + ', ' + (v.span === 'all' ? 'all days' : 'the last ' + (v.span === '365' ? '12 months' : '90 days')) + ' (from ' + start + '), with the ' + d.window + '-day average.';
    svg.setAttribute('aria-label', what);
    var box = document.createElement('div');
    box.className = 'mc-drawn';
    box.appendChild(svg);
    fig.insertBefore(box, fig.querySelector('figcaption'));
    S.attach(box, { w: W, h: H, start: start, panels: panels }, what);
    return { box: box, text: what };
  }

  function setup(sec) {
    var form = sec.querySelector('.mc-views');
    var fig = sec.querySelector('.mc-fig');
    if (!form || !fig) return;
    var desc = document.createElement('p');
    desc.className = 'note mc-desc';
    desc.setAttribute('aria-live', 'polite');
    fig.appendChild(desc);
    form.hidden = false;
    var drawn = null;
    var gen = 0;
    function pick(name) { var c = form.querySelector('input[name="' + name + '"]:checked'); return c ? c.value : ''; }
    function update() {
      var v = { per: pick('unit') === 'per100k', span: pick('span') || 'all' };
      var mine = ++gen;
      var image = fig.firstElementChild;
      if (drawn) { fig.removeChild(drawn); drawn = null; }
      if (!v.per && v.span === 'all') {
        image.hidden = false;
        desc.textContent = '';
        return;
      }
      desc.textContent = 'Loading…';
      S.load(['regions/' + sec.getAttribute('data-region')], function (objs) {
        if (mine !== gen) return;
        var d = objs[0];
        if (!d || (v.per && !d.population)) { desc.textContent = 'This view could not be drawn: the data file did not load.'; return; }
        image.hidden = true;
        var r = draw(fig, d, v);
        drawn = r.box;
        desc.textContent = 'Drawn in your browser from the published data: ' + r.text;
      });
    }
    form.addEventListener('change', update);
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll('section.mc[data-region]'), setup); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
