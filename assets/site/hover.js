/* seecovid hover.js: values on hover, touch and keyboard for the precomputed charts.
 * Progressive enhancement: without JavaScript a chart is its image and its text alternative.
 *
 * Markup (written by the Rust renderer, see src/site/interact.rs):
 *   <figure data-hover='{"w":720,"h":260,"start":"2020-01-22"|null,"panels":[
 *       {"px":[x0,x1],"py":[y0,y1],"x_lo":0,"x_hi":N,"y_lo":a,"y_hi":b,"log":false,
 *        "series":[{"label":…,"data":"regions/ID","key":"new_confirmed","off":0,"per":0,
 *                   "color":"#…","bar":true}, …]}, …]}'>
 *     <a href="…svg"><picture><source media="M" srcset="…-phone.svg"><img …></picture></a>
 *     <figcaption>…</figcaption>
 *   </figure>
 * A chart offered in two layouts adds "alt":{"media":M,"w":…,"h":…,"panels":[geometry…]}:
 * while media query M matches, the phone layout is shown and its geometry applies.
 * Day x_lo is drawn at image column px[0], day x_hi at px[1]; axis value y_lo at image row
 * py[0], y_hi at py[1] (log10 of the value on log panels). Day i of a series is index i + off
 * of field `key` of the data file data/NAME.js, which calls seecovidData(NAME, OBJECT); files
 * are loaded with <script src> (fetch() fails from file://) on the first pointer or focus.
 *
 * Also used by compare.js: window.seecovid.{load, field, value, fmt, attach}.
 */
(function () {
  'use strict';
  var S = (window.seecovid = window.seecovid || {});
  var me = document.currentScript;
  // The site root: this file is ROOT/assets/hover.js.
  var root = me ? me.src.replace(/assets\/hover\.js(\?.*)?$/, '') : '../';
  var store = {};
  var waiting = {};

  window.seecovidData = function (name, obj) {
    store[name] = obj;
    var cbs = waiting[name] || [];
    delete waiting[name];
    cbs.forEach(function (cb) { cb(obj); });
  };

  /** Calls cb(objects) once every named data file has arrived (null for one that failed). */
  S.load = function (names, cb) {
    var left = names.length;
    var out = new Array(names.length);
    if (!left) { cb(out); return; }
    names.forEach(function (name, k) {
      var done = function (obj) { out[k] = obj; if (--left === 0) cb(out); };
      if (name in store) { done(store[name]); return; }
      if (waiting[name]) { waiting[name].push(done); return; }
      waiting[name] = [done];
      var s = document.createElement('script');
      s.src = root + 'data/' + name + '.js';
      s.onerror = function () { window.seecovidData(name, null); };
      document.head.appendChild(s);
    });
  };

  function cumsum(v) {
    var out = new Array(v.length);
    var t = 0;
    for (var i = 0; i < v.length; i++) { t += v[i]; out[i] = t; }
    return out;
  }

  /** A field of a data object; totals, active and moving averages are derived once. */
  S.field = function (d, key) {
    if (!d) return [];
    d._f = d._f || {};
    if (key in d._f) return d._f[key];
    var v;
    if (key === 'confirmed' || key === 'deaths' || key === 'recovered') {
      v = d['new_' + key] ? cumsum(d['new_' + key]) : [];
    } else if (key === 'active') {
      var c = S.field(d, 'confirmed');
      var dd = S.field(d, 'deaths');
      v = S.field(d, 'recovered').map(function (r, i) { return Math.max(0, c[i] - r - dd[i]); });
    } else if (key.indexOf('ma_') === 0) {
      // Published averages: hundredths, delta-coded, empty = unchanged, n = none
      // (src/site/interact.rs).
      var acc = 0;
      v = (d[key] || '').split(',').map(function (x) {
        if (x === 'n') return null;
        acc += Number(x);
        return acc / 100;
      });
    } else {
      v = d[key] || [];
    }
    d._f[key] = v;
    return v;
  };

  /** Why series s has no value at chart day i ("not reporting"…), or null. The averages are
   * published by the build (data file fields ma_*, status_*); nothing is recomputed here. */
  S.status = function (s, d, i) {
    if (!d || s.key.indexOf('ma_') !== 0) return null;
    var day = i + (s.off || 0);
    var runs = d['status_' + s.key.slice(3)] || [];
    for (var k = 0; k < runs.length; k++) {
      if (day >= runs[k][0] && day <= runs[k][1]) return runs[k][2];
    }
    return null;
  };

  /** Value of series s at chart day i (null where there is none). */
  S.value = function (s, d, i) {
    var v = S.field(d, s.key)[i + (s.off || 0)];
    if (v === undefined || v === null || isNaN(v)) return null;
    if (s.per > 0) {
      if (!d.population) return null;
      v = (v * s.per) / d.population;
    }
    return v;
  };

  // Numbers as the pages print them: the site's one formatter (format.js, in rules.js).
  var F = window.seecovidFormat;
  /** Whole numbers with separators; others like render::format::decimal. */
  S.fmt = function (v) {
    if (v === null || !isFinite(v)) return 'no data';
    return Number.isInteger(v) ? F.thousands(v) : F.decimal(v);
  };
  /** Averages exactly as the pages print them (render::format::decimal). */
  S.decimal = function (v) {
    if (v === null || !isFinite(v)) return 'no data';
    return F.decimal(v);
  };
  /** A value of series s as shown: averages like the pages, counts with separators. */
  S.show = function (s, d, i, v) {
    if (v === null) return S.status(s, d, i) || 'no data';
    return s.key.indexOf('ma_') === 0 ? S.decimal(v) : S.fmt(v);
  };

  function dateOf(start, i) {
    var p = start.split('-');
    var t = Date.UTC(+p[0], +p[1] - 1, +p[2]) + i * 864e5;
    return new Date(t).toISOString().slice(0, 10);
  }

  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }

  function names(spec) {
    var out = [];
    spec.panels.forEach(function (p) {
      p.series.forEach(function (s) { if (out.indexOf(s.data) < 0) out.push(s.data); });
    });
    return out;
  }

  /** Turns `box` (an element holding the chart image or SVG of size spec.w × spec.h) into a
   * hover/keyboard/touch value reader. `label` names the chart for assistive technology. */
  S.attach = function (box, spec, label) {
    var days = Math.round(spec.panels[0].x_hi);
    var mq = spec.alt && window.matchMedia ? window.matchMedia(spec.alt.media) : null;
    /** The geometry of the layout on screen: {w, h, panels}. */
    function geo() { return mq && mq.matches ? spec.alt : spec; }
    var data = null;
    var day = days;
    var pinned = false;
    box.classList.add('hv-box');
    var layer = el('div', 'hv-layer', box);
    layer.tabIndex = 0;
    layer.setAttribute('role', 'slider');
    layer.setAttribute('aria-label', 'Values by date: ' + label);
    layer.setAttribute('aria-valuemin', '0');
    layer.setAttribute('aria-valuemax', String(days));
    layer.setAttribute('aria-valuenow', String(day));
    var marks = el('div', 'hv-marks', box);
    var tip = el('div', 'hv-tip', box);
    tip.hidden = true;
    marks.hidden = true;
    var lines = spec.panels.map(function () { return el('div', 'hv-x', marks); });
    var dots = spec.panels.map(function (p) {
      return p.series.map(function (s) {
        var d = el('div', 'hv-dot', marks);
        d.style.background = s.color;
        return d;
      });
    });

    function ensure(then) {
      if (data) { then(); return; }
      tip.hidden = false;
      tip.textContent = 'Loading…';
      S.load(names(spec), function (objs) {
        data = {};
        names(spec).forEach(function (n, k) { data[n] = objs[k]; });
        then();
      });
    }

    function pct(v, total) { return (100 * v) / total + '%'; }

    function show(i) {
      day = Math.max(0, Math.min(days, i));
      if (!data) { ensure(function () { show(day); }); return; }
      var rows = [];
      var g = geo();
      spec.panels.forEach(function (ps, k) {
        var p = g.panels[k];
        var x = p.px[0] + ((day - p.x_lo) / (p.x_hi - p.x_lo || 1)) * (p.px[1] - p.px[0]);
        lines[k].style.left = pct(x, g.w);
        lines[k].style.top = pct(Math.min(p.py[0], p.py[1]), g.h);
        lines[k].style.height = pct(Math.abs(p.py[0] - p.py[1]), g.h);
        ps.series.forEach(function (s, j) {
          var v = S.value(s, data[s.data], day);
          var a = v === null ? NaN : p.log ? (v > 0 ? Math.log(v) / Math.LN10 : NaN) : v;
          var dot = dots[k][j];
          if (isNaN(a) || a < p.y_lo || a > p.y_hi) {
            dot.hidden = true;
          } else {
            var y = p.py[0] + ((a - p.y_lo) / (p.y_hi - p.y_lo || 1)) * (p.py[1] - p.py[0]);
            dot.hidden = false;
            dot.style.left = pct(x, g.w);
            dot.style.top = pct(y, g.h);
          }
          rows.push({ s: s, v: v, text: S.show(s, data[s.data], day, v) });
        });
      });
      var when = spec.start ? dateOf(spec.start, day) : 'day ' + day;
      tip.textContent = '';
      var h = el('div', 'hv-date', tip);
      h.textContent = when;
      rows.forEach(function (r) {
        var row = el('div', 'hv-row', tip);
        var sw = el('span', 'hv-sw' + (r.s.bar ? ' bar' : ''), row);
        sw.style.background = r.s.color;
        el('span', 'hv-label', row).textContent = r.s.label;
        var val = el('span', 'hv-val', row);
        val.textContent = r.text;
        val.setAttribute('data-value', r.v === null ? '' : String(r.v));
      });
      tip.setAttribute('data-date', when);
      tip.hidden = false;
      marks.hidden = false;
      // Beside the crosshair, on the side with more room.
      var p0 = g.panels[0];
      var xs = p0.px[0] + ((day - p0.x_lo) / (p0.x_hi - p0.x_lo || 1)) * (p0.px[1] - p0.px[0]);
      var bw = box.clientWidth;
      var cx = (xs / g.w) * bw;
      var tw = tip.offsetWidth;
      var left = cx > bw / 2 ? cx - tw - 10 : cx + 10;
      tip.style.left = Math.max(0, Math.min(bw - tw, left)) + 'px';
      layer.setAttribute('aria-valuenow', String(day));
      layer.setAttribute(
        'aria-valuetext',
        when + ': ' + rows.map(function (r) { return r.s.label + ' ' + S.fmt(r.v); }).join(', '),
      );
    }

    function hide() {
      if (pinned || document.activeElement === layer) return;
      tip.hidden = true;
      marks.hidden = true;
    }

    function dayAt(ev) {
      var r = layer.getBoundingClientRect();
      var g = geo();
      var x = ((ev.clientX - r.left) * g.w) / (r.width || 1);
      var y = ((ev.clientY - r.top) * g.h) / (r.height || 1);
      // The panel under the pointer: side by side, the last one starting left of it; stacked
      // (the phone layout), the last one starting above it.
      var best = g.panels[0];
      g.panels.forEach(function (p) {
        var stacked = g.panels.length > 1 && g.panels[1].py[1] > g.panels[0].py[0];
        if (stacked ? y >= Math.min(p.py[0], p.py[1]) - 24 : x >= Math.min(p.px[0], p.px[1]) - 8) best = p;
      });
      var f = (x - best.px[0]) / (best.px[1] - best.px[0] || 1);
      return Math.round(best.x_lo + f * (best.x_hi - best.x_lo));
    }

    layer.addEventListener('pointermove', function (ev) { show(dayAt(ev)); });
    layer.addEventListener('pointerdown', function (ev) {
      pinned = ev.pointerType !== 'mouse';
      show(dayAt(ev));
    });
    layer.addEventListener('pointerleave', function (ev) { if (ev.pointerType === 'mouse') hide(); });
    layer.addEventListener('focus', function () { show(day); });
    layer.addEventListener('blur', function () { pinned = false; hide(); });
    document.addEventListener('pointerdown', function (ev) {
      if (pinned && !box.contains(ev.target)) { pinned = false; hide(); }
    });
    layer.addEventListener('keydown', function (ev) {
      var step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -7, PageUp: 7 }[ev.key];
      if (ev.key === 'Home') show(0);
      else if (ev.key === 'End') show(days);
      else if (step) show(day + step);
      else if (ev.key === 'Escape') { tip.hidden = true; marks.hidden = true; return; }
      else return;
      ev.preventDefault();
    });
    return { show: show };
  };

  /** Reads a figure's data-hover and attaches the reader; again when switch.js changes the
   * view (and with it the attribute). */
  function setup(fig) {
    var spec;
    try { spec = JSON.parse(fig.getAttribute('data-hover')); } catch (e) { spec = null; }
    var img = fig.querySelector('img');
    if (!spec || !spec.panels || !spec.panels.length || !img) return;
    // The element that holds the picture: <picture> when the chart has a phone layout.
    var pic = img.parentNode.tagName === 'PICTURE' ? img.parentNode : img;
    var box = fig.querySelector('.hv-box');
    if (box) {
      Array.prototype.slice.call(box.querySelectorAll('.hv-layer, .hv-marks, .hv-tip')).forEach(function (e) {
        box.removeChild(e);
      });
    } else {
      // The overlay takes the pointer: keep the full-size image one link away.
      var link = pic.parentNode.tagName === 'A' ? pic.parentNode : null;
      box = el('div');
      (link || pic).parentNode.insertBefore(box, link || pic);
      box.appendChild(link || pic);
      var cap0 = fig.querySelector('figcaption');
      if (link && cap0) {
        cap0.appendChild(document.createTextNode(' '));
        var a = el('a', 'hv-full', cap0);
        a.href = link.getAttribute('href');
        a.textContent = 'Open the image at full size.';
        // switch.js rewrites the image link; keep this one in step.
        new MutationObserver(function () { a.href = link.getAttribute('href'); }).observe(link, { attributes: true, attributeFilter: ['href'] });
      }
    }
    var cap = fig.querySelector('figcaption');
    var label = cap ? cap.textContent.replace(/\s*Open the image at full size\.$/, '') : img.alt;
    fig.seecovidHover = S.attach(box, spec, label);
  }

  function init() {
    var figs = document.querySelectorAll('figure[data-hover]');
    Array.prototype.forEach.call(figs, function (fig) {
      setup(fig);
      new MutationObserver(function () { setup(fig); }).observe(fig, { attributes: true, attributeFilter: ['data-hover'] });
    });
  }
  S.initHover = init;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
