/* seecovid switch.js: switches between precomputed views (images and their texts) from
 * <select> or radio controls. Progressive enhancement: without JavaScript the page shows its
 * default view and plain links to every image.
 *
 * Markup:
 *   <div data-switch="NAME" data-views="JSON-ID">        one switch; NAME appears in the URL hash
 *     <div class="js-only" data-switch-controls>         hidden by CSS without scripting (not
 *                                                      shown by this script: no layout shift)
 *       <select data-dim="a">…</select>                  or <fieldset data-dim="b"> with radios
 *     </div>
 *     <img data-bind data-bind-src="img/x-{key}.png" data-bind-alt="{alt}">
 *     <p data-bind data-bind-text="{note}" data-hide-empty></p>
 *   </div>
 *   <script type="application/json" id="JSON-ID">{"KEY": {"alt": "…", …}, …}</script>
 *
 * KEY is the dimension values in document order joined by "-" (data-sep overrides). Each
 * data-bind-ATTR template sets attribute ATTR ("text" sets the text) with {field} replaced by
 * the view's field and {key} by the key. Boxes with the same data-views and
 * data-share-max="FIELD" are linked: {max:FIELD} is the largest FIELD of their current views
 * (side-by-side charts pick images with the same axes), and a change in one updates all. The chosen views live in the URL hash
 * (#NAME=KEY&NAME2=KEY2), so a view can be shared and restored.
 */
(function () {
  'use strict';
  var boxes = Array.prototype.slice.call(document.querySelectorAll('[data-switch]'));
  if (!boxes.length) return;
  var cache = {};

  function views(box) {
    var id = box.getAttribute('data-views');
    if (!(id in cache)) {
      var el = document.getElementById(id);
      try { cache[id] = el ? JSON.parse(el.textContent) : {}; } catch (e) { cache[id] = {}; }
    }
    return cache[id];
  }
  function dims(box) { return Array.prototype.slice.call(box.querySelectorAll('[data-dim]')); }
  function sep(box) { return box.getAttribute('data-sep') || '-'; }
  function getValue(el) {
    if (el.tagName === 'SELECT') return el.value;
    var c = el.querySelector('input:checked');
    return c ? c.value : '';
  }
  function setValue(el, v) {
    if (el.tagName === 'SELECT') {
      for (var i = 0; i < el.options.length; i++) {
        if (el.options[i].value === v) { el.selectedIndex = i; return; }
      }
      return;
    }
    var inputs = el.querySelectorAll('input');
    for (var k = 0; k < inputs.length; k++) inputs[k].checked = inputs[k].value === v;
  }
  function key(box) { return dims(box).map(getValue).join(sep(box)); }
  function linked(box) {
    var f = box.getAttribute('data-share-max');
    if (!f) return [box];
    return boxes.filter(function (b) {
      return b.getAttribute('data-share-max') === f &&
        b.getAttribute('data-views') === box.getAttribute('data-views');
    });
  }
  function sharedMax(box, field) {
    var m = null;
    linked(box).forEach(function (b) {
      var v = views(b)[key(b)];
      if (v && v[field] != null && (m === null || Number(v[field]) > m)) m = Number(v[field]);
    });
    return m === null ? '' : String(m);
  }
  function fill(tpl, view, k, box) {
    return tpl.replace(/\{(max:)?(\w+)\}/g, function (_, max, f) {
      if (max) return sharedMax(box, f);
      if (f === 'key') return k;
      return view[f] == null ? '' : String(view[f]);
    });
  }
  function show(box) {
    var k = key(box);
    var view = views(box)[k];
    if (!view) return;
    box.querySelectorAll('[data-bind]').forEach(function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (a) {
        if (a.name.indexOf('data-bind-') !== 0) return;
        var name = a.name.slice(10);
        var text = fill(a.value, view, k, box);
        if (name === 'text') {
          el.textContent = text;
          if (el.hasAttribute('data-hide-empty')) el.hidden = !text;
        } else {
          el.setAttribute(name, text);
        }
      });
    });
  }
  function readHash() {
    var out = {};
    location.hash.slice(1).split('&').forEach(function (p) {
      var i = p.indexOf('=');
      if (i > 0) {
        try { out[decodeURIComponent(p.slice(0, i))] = decodeURIComponent(p.slice(i + 1)); } catch (e) { /* ignore */ }
      }
    });
    return out;
  }
  function writeHash() {
    var h = '#' + boxes.map(function (b) {
      return encodeURIComponent(b.getAttribute('data-switch')) + '=' + encodeURIComponent(key(b));
    }).join('&');
    if (location.hash === h) return;
    try { history.replaceState(null, '', h); } catch (e) { location.replace(h); }
  }
  function applyHash() {
    var h = readHash();
    boxes.forEach(function (b) {
      var k = h[b.getAttribute('data-switch')];
      if (k && views(b)[k]) {
        var parts = k.split(sep(b));
        dims(b).forEach(function (d, i) { setValue(d, parts[i]); });
      }
      show(b);
    });
  }

  boxes.forEach(function (b) {
    b.querySelectorAll('[data-switch-controls]').forEach(function (c) { c.hidden = false; });
    b.addEventListener('change', function (ev) {
      if (!ev.target.closest('[data-dim]')) return;
      linked(b).forEach(show);
      writeHash();
    });
  });
  window.addEventListener('hashchange', applyHash);
  applyHash();
})();
