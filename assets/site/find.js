// Header search (every page): a WAI-ARIA 1.2 combobox over every region. The index
// (regions/search-index.js) is loaded with a <script> element on the first focus, so pages
// cost nothing until the visitor searches, and it works from file:// where fetch() does not.
// Without JS the box is not shown (`.js-only`: CSS `scripting: none`; shown in the markup, not
// by this script, so the page does not move when it runs) and the Regions page lists every region.
//
// This file is also the one search matching of the site: window.seecovidFind = { norm,
// load(callback), search(text) → rows best first, levels, aliasShown } is used by the compare
// picker (compare.js) and the Regions page filter (search.js), so every box finds the same.
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  var root = me ? me.replace(/assets\/find\.js(\?.*)?$/, "") : "";
  var COUNTY = / (county|parish|borough|census area|municipality|city and borough)$/;
  var index = null; // { rows: [...], levels: [...] } once loaded
  var loading = false;
  var waiting = []; // callbacks for the index: function (ok)

  function norm(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9,]+/g, " ").replace(/ *, */g, ",").replace(/^[ ,]+|[ ,]+$/g, "");
  }
  function flat(s) { return s.replace(/,/g, " ").replace(/ +/g, " "); }

  window.seecovidSearchIndex = function (d) {
    var rows = d.r.map(function (r) {
      return { id: r[0], name: r[1], parent: r[2], level: r[3], pop: r[4],
        terms: [flat(norm(r[1]))], alias: [], codes: [] };
    });
    d.a.forEach(function (a) { var t = flat(norm(a[1])); rows[a[0]].terms.push(t); rows[a[0]].alias.push([t, a[1]]); });
    d.c.forEach(function (c) { rows[c[0]].codes.push(norm(c[1])); });
    rows.forEach(function (r) {
      var full = [r.name];
      for (var p = r.parent; p >= 0; p = rows[p].parent) full.push(rows[p].name);
      r.full = full.join(", ");
      r.words = flat(norm(r.full)).split(" ").concat(r.codes);
      for (p = r.parent; p >= 0; p = rows[p].parent) r.words = r.words.concat(rows[p].codes);
    });
    index = { rows: rows, levels: d.levels };
    var w = waiting;
    waiting = [];
    w.forEach(function (cb) { cb(true); });
  };

  /** Loads the index once; `then(ok)` runs when it is there (or could not be loaded). */
  function load(then) {
    if (index) { if (then) then(true); return; }
    if (then) waiting.push(then);
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "regions/search-index.js";
    s.onerror = function () {
      loading = false;
      var w = waiting;
      waiting = [];
      w.forEach(function (cb) { cb(false); });
    };
    document.head.appendChild(s);
  }

  // 0 exact, 1 starts with, 2 a word starts with, 3 contains; 9 = no match.
  function tier(t, q) {
    if (t === q) return 0;
    if (t.lastIndexOf(q, 0) === 0) return 1;
    if (t.indexOf(" " + q) >= 0) return 2;
    return t.indexOf(q) >= 0 ? 3 : 9;
  }
  function bestTier(r, q) {
    var best = 9;
    for (var i = 0; i < r.terms.length; i++) best = Math.min(best, tier(r.terms[i], q));
    // A postal code ranks below names ("ca" finds Canada before California).
    if (r.codes.indexOf(q) >= 0) best = Math.min(best, 1);
    // "Harris County": the county named Harris.
    var m = r.level === 3 && q.match(COUNTY);
    if (m) best = Math.min(best, bestTier(r, q.slice(0, m.index)));
    return best;
  }
  // Does the qualifier after a comma ("TX", "Texas") name one of r's ancestors?
  function inAncestor(r, q) {
    var rows = index.rows;
    for (var p = r.parent; p >= 0; p = rows[p].parent) {
      if (bestTier(rows[p], q) <= 1) return true;
    }
    return false;
  }
  function score(r, q, parts, words) {
    var best = bestTier(r, flat(q));
    if (parts.length > 1 && best > 0) {
      var head = bestTier(r, parts[0]);
      if (head < 9 && parts.slice(1).every(function (p) { return !p || inAncestor(r, p); })) best = Math.min(best, head);
    }
    // Every word starts a word of the full name ("harris tx").
    if (best === 9 && words.length > 1 && words.every(function (w) {
      return r.words.some(function (x) { return x.lastIndexOf(w, 0) === 0; });
    })) best = 4;
    return best;
  }

  /** The rows matching `text`, best first (an empty list before the index is loaded). */
  function search(text) {
    var q = norm(text);
    if (!q || !index) return [];
    var parts = q.split(",");
    var words = flat(q).split(" ");
    var hits = [];
    index.rows.forEach(function (r, i) {
      var t = score(r, q, parts, words);
      if (t < 9) hits.push([t, i]);
    });
    var rows = index.rows;
    // Exact before partial; countries first; then the most people.
    hits.sort(function (a, b) {
      var x = rows[a[1]], y = rows[b[1]];
      return a[0] - b[0] || (x.level === 0 ? 0 : 1) - (y.level === 0 ? 0 : 1) ||
        y.pop - x.pop || (x.full < y.full ? -1 : x.full > y.full ? 1 : 0);
    });
    return hits.map(function (h) { return rows[h[1]]; });
  }

  /** The alias of r that the query matched (shown next to the name), or null. */
  function aliasShown(r, text) {
    var f = flat(norm(text));
    for (var i = 0; i < r.alias.length; i++) if (r.alias[i][0].lastIndexOf(f, 0) === 0) return r.alias[i][1];
    return null;
  }

  window.seecovidFind = {
    norm: norm, load: load, search: search, aliasShown: aliasShown,
    level: function (r) { return index.levels[r.level]; },
  };

  var box = document.getElementById("find");
  var input = document.getElementById("find-q");
  var list = document.getElementById("find-list");
  var status = document.getElementById("find-status");
  if (!box || !input || !list || !status) return;
  var MAX = 10;
  var found = []; // rows shown, best first
  var active = -1;
  var goWhenReady = false;
  box.hidden = false;

  var started = false;
  function start() {
    if (index || started) return;
    started = true;
    status.textContent = "Loading the list of regions…";
    load(function (ok) {
      started = ok;
      if (!ok) { status.textContent = "The list of regions could not be loaded; see the Regions page."; return; }
      status.textContent = "";
      update();
    });
  }

  function people(n) {
    if (!n) return "";
    if (n >= 1e9) return " · " + (n / 1e9).toFixed(1).replace(/\.0$/, "") + "B people";
    if (n >= 1e6) return " · " + (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M people";
    return " · " + n.toLocaleString("en-US") + " people";
  }
  function open(on) {
    list.hidden = !on;
    input.setAttribute("aria-expanded", on ? "true" : "false");
    if (!on) setActive(-1);
  }
  function setActive(k) {
    active = k;
    var items = list.children;
    for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === k ? "true" : "false");
    if (k >= 0 && items[k]) {
      input.setAttribute("aria-activedescendant", items[k].id);
      items[k].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function update() {
    if (!index) return;
    var q = input.value;
    var all = search(q);
    found = all.slice(0, MAX);
    list.textContent = "";
    found.forEach(function (r, k) {
      var li = document.createElement("li");
      li.id = "find-opt-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-region", r.id);
      var name = document.createElement("span");
      name.className = "find-name";
      name.textContent = r.full;
      var meta = document.createElement("span");
      meta.className = "find-meta";
      var alias = aliasShown(r, q);
      meta.textContent = (alias ? "“" + alias + "” · " : "") + index.levels[r.level] + people(r.pop);
      li.appendChild(name);
      li.appendChild(meta);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus
      li.addEventListener("click", function () { go(k); });
      list.appendChild(li);
    });
    open(found.length > 0);
    if (!norm(q)) status.textContent = "";
    else if (!all.length) status.textContent = "No region matches “" + q.trim() + "”.";
    else status.textContent = all.length + (all.length === 1 ? " region" : " regions") +
      (all.length > MAX ? ", the first " + MAX + " shown" : "") + "; up and down arrows to choose, Enter to open.";
    if (goWhenReady) { goWhenReady = false; go(0); }
  }

  function go(k) {
    var r = found[k < 0 ? 0 : k];
    if (r === undefined) return;
    location.href = root + "regions/" + r.id + ".html";
  }

  input.addEventListener("focus", start);
  input.addEventListener("input", function () { if (index) update(); });
  input.addEventListener("keydown", function (e) {
    var n = found.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!n) return;
      e.preventDefault();
      if (list.hidden) { open(true); setActive(e.key === "ArrowDown" ? 0 : n - 1); return; }
      setActive(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (!index) { goWhenReady = true; start(); return; }
      go(active);
    } else if (e.key === "Escape") {
      if (!list.hidden) open(false);
      else { input.value = ""; update(); }
    }
  });
  input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
})();
