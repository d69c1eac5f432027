// Heat maps you can point at: hovering (or tapping) a region shows its name and value at the
// date shown, clicking opens its page. Nothing is loaded until the pointer reaches a map; then
// heatmaps/{scope}/hover/hit.js (which region each pixel shows) and one value chunk, with
// <script> elements (fetch() cannot read file://). Without JS, the top-10 table and the list
// of the map's regions link to every region.
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  var root = me ? me.replace(/assets\/maps\.js(\?.*)?$/, "") : "";
  var files = {}; // src → { data, waiting: [callbacks] }

  window.seecovidMapData = function (d) {
    var src = root + "heatmaps/" + d.scope + "/hover/" + (d.kind === "hit" ? "hit" : d.set + "-" + d.chunk) + ".js";
    var f = files[src];
    if (!f) return;
    f.data = d.kind === "hit" ? decodeHit(d) : decodeValues(d);
    f.waiting.forEach(function (cb) { cb(f.data); });
    f.waiting = [];
  };
  function load(src, cb) {
    var f = files[src];
    if (f && f.data) { cb(f.data); return; }
    if (f) { f.waiting.push(cb); return; }
    files[src] = { data: null, waiting: [cb] };
    var s = document.createElement("script");
    s.src = src;
    s.onerror = function () { files[src].failed = true; };
    document.head.appendChild(s);
  }
  function decodeHit(d) {
    var w = d.box[2], h = d.box[3];
    var px = new Uint16Array(w * h);
    var ls = d.labels.split(","), ns = d.counts.split(",");
    for (var i = 0, p = 0; i < ls.length; i++) {
      var l = Number(ls[i]), n = Number(ns[i]);
      if (l) px.fill(l, p, p + n);
      p += n;
    }
    return { image: d.image, box: d.box, chunk: d.chunk, regions: d.regions, px: px };
  }
  // Cells that are not a value (src/heatmap/hover.rs): what the tooltip says instead.
  var STATUS = { "": "no data", n: "not reporting", s: "reported at state level only", p: "cases above the population (a data problem)" };
  function decodeValues(d) {
    var byRegion = d.v.split(";").map(function (s) {
      var acc = 0;
      return s.split(",").map(function (x) {
        if (x in STATUS) return STATUS[x];
        acc += Number(x);
        return acc / d.div;
      });
    });
    return { dates: d.dates, values: byRegion };
  }

  // Numbers as the pages print them (src/render/format.rs: decimal below a million, else
  // si), by the site's one formatter (format.js, in rules.js).
  var F = window.seecovidFormat;
  function fmt(v) { return Math.abs(v) >= 1e6 ? F.si(v) : F.decimal(v); }

  // What a value of a set ("confirmed-new-pc") is, after the number.
  function unitOf(set, div) {
    var p = (set || "").split("-");
    var per = p[2] === "pc" ? "per " + div.toLocaleString("en-US") + " people" : "";
    if (p[1] === "new") return "a day" + (per ? " " + per : "") + " (7-day average)";
    return per;
  }

  // One interactive map: `view()` says what it shows now.
  function wire(fig, targets, view) {
    var tip = document.createElement("div");
    tip.className = "map-tip";
    tip.hidden = true;
    tip.setAttribute("role", "status");
    fig.appendChild(tip);
    var hit = null, current = null, lastTouch = null;
    function hitSrc(v) { return root + "heatmaps/" + v.scope + "/hover/hit.js"; }
    function start() {
      var v = view();
      if (v) load(hitSrc(v), function () {});
    }
    // The region under a point of the element, searching a few pixels around for small ones.
    function regionAt(el, e, h) {
      var rect = el.getBoundingClientRect();
      var sx = h.image[0] / el.clientWidth, sy = h.image[1] / el.clientHeight;
      var x = Math.floor((e.clientX - rect.left - el.clientLeft) * sx) - h.box[0];
      var y = Math.floor((e.clientY - rect.top - el.clientTop) * sy) - h.box[1];
      var w = h.box[2], ht = h.box[3];
      var reach = Math.max(2, Math.ceil(sx * 3));
      var best = 0, bestD = Infinity;
      for (var dy = -reach; dy <= reach; dy++) {
        for (var dx = -reach; dx <= reach; dx++) {
          var X = x + dx, Y = y + dy, d = dx * dx + dy * dy;
          if (X < 0 || Y < 0 || X >= w || Y >= ht || d >= bestD) continue;
          var l = h.px[Y * w + X];
          if (l) { best = l; bestD = d; }
        }
      }
      return best ? { k: best - 1, pos: [e.clientX - fig.getBoundingClientRect().left, e.clientY - fig.getBoundingClientRect().top] } : null;
    }
    function show(at, v, touch) {
      var r = hit.regions[at.k];
      current = { k: at.k, id: r[0] };
      tip.textContent = "";
      var name = document.createElement("strong");
      name.textContent = r[1];
      var val = document.createElement("span");
      val.className = "map-tip-value";
      val.textContent = "…";
      tip.appendChild(name);
      tip.appendChild(document.createElement("br"));
      tip.appendChild(val);
      if (touch) {
        var a = document.createElement("a");
        a.href = root + "regions/" + r[0] + ".html";
        a.textContent = "Open " + r[1];
        tip.appendChild(document.createElement("br"));
        tip.appendChild(a);
      }
      tip.hidden = false;
      place(at.pos);
      var chunk = Math.floor((v.frames - 1 - v.frame) / hit.chunk);
      var src = root + "heatmaps/" + v.scope + "/hover/" + v.set + "-" + chunk + ".js";
      load(src, function (vals) {
        if (!current || current.k !== at.k) return;
        var i = vals.dates.length - 1 - ((v.frames - 1 - v.frame) % hit.chunk);
        var raw = vals.values[at.k][i];
        var x = typeof raw === "string" ? raw : raw * v.factor;
        val.textContent = (typeof x === "string" ? x : fmt(x) + (v.unit ? " " + v.unit : "")) + " on " + vals.dates[i];
        place(at.pos);
      });
    }
    function place(pos) {
      var fw = fig.clientWidth;
      var tw = tip.offsetWidth, th = tip.offsetHeight;
      var left = Math.min(Math.max(0, pos[0] + 14), Math.max(0, fw - tw));
      var top = pos[1] - th - 12;
      if (top < 0) top = pos[1] + 18;
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }
    function hide() { tip.hidden = true; current = null; }
    // Runs fn({v, at}) for the point of event e on el, once the map's hit file is there
    // (the first pointer event loads it; the latest event waiting is then answered).
    var pending = null;
    function withHit(el, e, fn) {
      var v = view();
      if (!v) return;
      var pt = { clientX: e.clientX, clientY: e.clientY };
      var h = files[hitSrc(v)];
      if (h && h.data) {
        hit = h.data;
        fn({ v: v, at: regionAt(el, pt, hit) });
        return;
      }
      pending = fn;
      load(hitSrc(v), function (d) {
        if (pending !== fn) return;
        pending = null;
        hit = d;
        fn({ v: view(), at: regionAt(el, pt, d) });
      });
    }
    targets.forEach(function (el) {
      el.addEventListener("pointerenter", start);
      el.addEventListener("pointerdown", start);
      el.addEventListener("pointermove", function (e) {
        if (e.pointerType === "touch") return;
        withHit(el, e, function (p) {
          el.classList.toggle("map-over", !!p.at);
          if (!p.at) { hide(); return; }
          if (!current || current.k !== p.at.k) show(p.at, p.v, false);
          else place(p.at.pos);
        });
      });
      el.addEventListener("pointerleave", function (e) {
        if (e.pointerType !== "touch") { pending = null; hide(); }
      });
      el.addEventListener("click", function (e) {
        var touch = e.pointerType === "touch" || (lastTouch && Date.now() - lastTouch < 800);
        withHit(el, e, function (p) {
          if (!p.at) { hide(); return; }
          var id = hit.regions[p.at.k][0];
          // A tap shows the region first (with a link); a second tap on it opens it.
          if (touch && !(current && current.id === id)) { show(p.at, p.v, true); return; }
          location.href = root + "regions/" + id + ".html";
        });
      });
      el.addEventListener("touchstart", function () { lastTouch = Date.now(); start(); }, { passive: true });
    });
    return { hide: hide };
  }

  // A plain combination page: one poster.
  document.querySelectorAll("img.hm-still[data-scope]").forEach(function (img) {
    var fig = img.closest("figure");
    wire(fig, [img], function () {
      return {
        scope: img.getAttribute("data-scope"), set: img.getAttribute("data-set"),
        frames: Number(img.getAttribute("data-frames")), frame: Number(img.getAttribute("data-frames")) - 1,
        unit: unitOf(img.getAttribute("data-set"), 100000), factor: 1,
      };
    });
  });

  // The explorer: the view its controls chose, at the slider's date when a frame is shown.
  var eimg = document.getElementById("hm-img");
  var dataEl = document.getElementById("hm-data");
  if (!eimg || !dataEl) return;
  var canvas = document.getElementById("hm-canvas");
  var anims = null;
  function $v(id) { var el = document.getElementById(id); return el ? el.value : ""; }
  var m = wire(document.getElementById("hm-figure"), [eimg, canvas], function () {
    if (!anims) {
      anims = {};
      JSON.parse(dataEl.textContent).forEach(function (a) { anims[a.key] = a; });
    }
    var scope = $v("hm-scope");
    var set = $v("hm-measure") + "-" + $v("hm-mode") + "-" + $v("hm-scale");
    var a = anims[scope + "/" + set + "-" + $v("hm-axis")];
    if (!a) return null;
    // The frame drawn (the slider may be ahead of it while the animation loads).
    var frame = canvas && !canvas.hidden ? Number(canvas.getAttribute("data-frame")) : a.frames - 1;
    var div = a.pc ? Number($v("hm-div")) || 100000 : 100000;
    return {
      scope: scope, set: set, frames: a.frames, frame: frame, factor: div / 100000,
      unit: unitOf(set, div),
    };
  });
  ["hm-scope", "hm-measure", "hm-mode", "hm-scale", "hm-axis", "hm-div", "hm-date"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.addEventListener(id === "hm-date" ? "input" : "change", m.hide);
  });
  // The no-JS list of the map's regions follows the chosen map.
  var list = document.getElementById("hm-regions-link");
  var scopeSel = document.getElementById("hm-scope");
  if (list && scopeSel) {
    var sync = function () {
      list.href = scopeSel.value + "/regions.html";
      list.textContent = "All regions on the " + scopeSel.options[scopeSel.selectedIndex].text + " map";
    };
    scopeSel.addEventListener("change", sync);
    sync();
  }
})();
