// Heat-map explorer: switches between precomputed images (no network requests beyond the
// site's own files). Without JS the page shows the first view and links to every view.
(function () {
  "use strict";

  var darkMedia = window.matchMedia("(prefers-color-scheme: dark)");

  // Dark mode: the GIF with the dark palette. Every frame indexes one global colour table, so
  // swapping its bytes (from heatmap-colors.css) recolours the animation; the poster's dark
  // twin is built. Needs fetch, so not from file://, where the light GIF plays and the
  // page's legend swatches switch to the light colours with it.
  var darkPalette = getComputedStyle(document.documentElement)
    .getPropertyValue("--hm-dark-palette").replace(/["'\s]/g, "");
  function toDark(buf) {
    var b = new Uint8Array(buf.slice(0));
    var packed = b[10];
    if (!(packed & 0x80) || darkPalette.length < 6) return b;
    var n = Math.min(3 << ((packed & 7) + 1), darkPalette.length / 2);
    for (var i = 0; i < n; i++) b[13 + i] = parseInt(darkPalette.substr(2 * i, 2), 16);
    return b;
  }
  var darkUrls = {};
  function darkGif(url) {
    if (!darkUrls[url]) {
      darkUrls[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        return URL.createObjectURL(new Blob([toDark(buf)], { type: "image/gif" }));
      });
    }
    return darkUrls[url];
  }
  // Shows `url` (light) in an image inside <picture>, whose dark <source> wins in dark mode.
  function setImage(img, url, darkUrl) {
    var source = img.parentNode.querySelector("source");
    document.body.classList.remove("hm-light");
    img.src = url;
    if (source) source.srcset = darkUrl || url;
  }
  function showGif(img) {
    var gif = img.getAttribute("data-gif");
    setImage(img, gif, null);
    if (!darkMedia.matches) return;
    darkGif(gif).then(function (u) {
      // Still playing this GIF (not stopped or switched meanwhile)?
      if (img.getAttribute("src") === gif) setImage(img, gif, u);
    }).catch(function () {
      if (img.getAttribute("src") === gif) document.body.classList.add("hm-light");
    });
  }
  function showPosterOf(img) {
    setImage(img, img.getAttribute("data-poster"), img.getAttribute("data-poster-dark"));
  }
  // Play / stop: swap the still poster for the GIF only on request (WCAG 2.2.2).
  function wirePlay(img, button) {
    if (!img || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var playing = button.getAttribute("aria-pressed") === "true";
      if (playing) showPosterOf(img); else showGif(img);
      button.setAttribute("aria-pressed", playing ? "false" : "true");
      button.textContent = playing ? "▶ Play animation" : "■ Stop animation";
    });
  }
  function resetPlay(button) {
    if (!button) return;
    button.setAttribute("aria-pressed", "false");
    button.textContent = "▶ Play animation";
  }
  // The legend and top 10 as text come open in the page at every width (a phone shows only
  // the image's map block): closing them on a wide screen after the first paint moved the
  // page by a layout shift of 0.16; a reader closes them with a click.

  // Plain combination pages.
  document.querySelectorAll("img.hm-still").forEach(function (img) {
    wirePlay(img, img.closest("figure").querySelector(".hm-play"));
  });

  var dataEl = document.getElementById("hm-data");
  if (!dataEl) return;
  var anims = JSON.parse(dataEl.textContent);
  var byKey = {};
  anims.forEach(function (a) { byKey[a.key] = a; });
  var $ = function (id) { return document.getElementById(id); };
  var img = $("hm-img");
  var play = $("hm-play");
  var fields = ["scope", "measure", "mode", "scale", "axis"];
  wirePlay(img, play);

  // Numbers for any divisor 1 … 1,000,000 (three significant digits, compact from a
  // thousand) and the top-10 columns (render::format::column): the site's one formatter
  // (format.js, in rules.js).
  var fmt = window.seecovidFormat.sig3;
  var column = window.seecovidFormat.column;
  function perText(div) {
    return div === 1 ? "per person" : "per " + div.toLocaleString("en-US") + " people";
  }
  function state() {
    var s = {};
    fields.forEach(function (f) { s[f] = $("hm-" + f).value; });
    s.div = Number($("hm-div").value);
    return s;
  }
  function keyOf(s) {
    return s.scope + "/" + s.measure + "-" + s.mode + "-" + s.scale + "-" + s.axis;
  }
  function available(s) {
    // Which measures exist for this scope (recovered/active only where published).
    ["confirmed", "deaths", "recovered", "active"].forEach(function (m) {
      var opt = $("hm-measure").querySelector('option[value="' + m + '"]');
      var t = Object.assign({}, s, { measure: m });
      opt.disabled = !byKey[keyOf(t)];
    });
  }
  // Each scope opens on its featured view (heatmaps::featured_of): switching the map while
  // on one scope's featured view goes to the other's.
  var featured = {};
  anims.forEach(function (a) { if (a.featured) featured[a.key.split("/")[0]] = a.key; });
  var lastScope = null;
  function toFeatured() {
    var s = state();
    var was = lastScope && featured[lastScope];
    var now = featured[s.scope];
    if (!was || !now || lastScope === s.scope) return;
    var prev = Object.assign({}, s, { scope: lastScope });
    if (keyOf(prev) !== was) return;
    var parts = now.split("/")[1].split("-");
    ["measure", "mode", "scale", "axis"].forEach(function (f, i) { $("hm-" + f).value = parts[i]; });
  }
  // The legend and top 10 as text: the structure of the heatmap_side.html macro, filled.
  var side = $("hm-side");
  var legendTable = side.querySelector("table.legend");
  var topTable = side.querySelector("table.top");
  var topNote = side.querySelector("p.note");
  function cell(tag, text) {
    var c = document.createElement(tag);
    if (text !== undefined) c.textContent = text;
    return c;
  }
  function fillLegend(a, pc, f, relabel) {
    legendTable.caption.textContent = "Legend: " + (pc ? relabel(a.unit) : a.unit).toLowerCase();
    var t = a.thresholds;
    var tb = legendTable.tBodies[0];
    tb.textContent = "";
    a.legend.forEach(function (row, i) {
      var label = row[1];
      var c = t.length - i; // class index, highest first
      if (pc && c >= 0 && i < t.length + 1) {
        if (c === t.length) label = "≥ " + fmt(t[c - 1] * f);
        else if (c === 0) label = "< " + fmt(t[0] * f);
        else label = fmt(t[c - 1] * f) + " – " + fmt(t[c] * f);
      }
      var tr = document.createElement("tr");
      var td1 = cell("td");
      var sw = cell("span");
      sw.className = "swatch sw-" + row[0].replace("#", "").toLowerCase();
      td1.appendChild(sw);
      tr.appendChild(td1);
      tr.appendChild(cell("td", label));
      tb.appendChild(tr);
    });
  }
  function fillTop(a, pc, f, per) {
    topTable.caption.textContent = "Top 10 on " + a.last;
    topTable.tHead.rows[0].cells[2].textContent = pc ? per.charAt(0).toUpperCase() + per.slice(1) : a.unit;
    topNote.textContent = a.top_note || "";
    topNote.hidden = !a.top_note;
    var body = topTable.tBodies[0];
    body.textContent = "";
    var shown = column(a.top.map(function (r) { return r[2] * f; }));
    a.top.forEach(function (r, i) {
      var tr = document.createElement("tr");
      var th = cell("th");
      th.scope = "row";
      var link = cell("a", r[0]);
      link.href = r[1];
      th.appendChild(link);
      tr.appendChild(cell("td", String(i + 1)));
      tr.appendChild(th);
      tr.appendChild(cell("td", shown[i]));
      body.appendChild(tr);
    });
    if (!a.top.length) {
      var none = document.createElement("tr");
      var c = cell("td", "No region above zero on this date (see the note under the map).");
      c.colSpan = 3;
      none.appendChild(c);
      body.appendChild(none);
    }
  }
  function show() {
    toFeatured();
    var s = state();
    lastScope = s.scope;
    available(s);
    var a = byKey[keyOf(s)];
    if (!a) {
      $("hm-measure").value = "confirmed";
      s = state();
      a = byKey[keyOf(s)];
      $("hm-status").textContent = "That measure is not published for this map; showing confirmed cases.";
    } else {
      $("hm-status").textContent = "";
    }
    if (!a) return;
    var pc = a.pc;
    $("hm-div-label").hidden = !pc;
    var f = pc ? s.div / 100000 : 1;
    var per = perText(s.div);
    // "per 100,000 people" / "Per 100,000 people" in texts made for the images → the divisor.
    var relabel = function (text) {
      return text.replace(/([Pp])er 100,000( people)?/g, function (_, p) { return p + per.slice(1); });
    };
    $("hm-frame").setAttribute("data-scope", a.key.split("/")[0]);
    img.setAttribute("data-poster", a.poster);
    img.setAttribute("data-poster-dark", a.poster_dark);
    img.setAttribute("data-gif", a.gif);
    showPosterOf(img);
    img.width = a.w;
    img.height = a.h;
    img.alt = a.alt + (pc && s.div !== 100000 ? " The tables below the map give the values " + per + "." : "");
    // The image's own numbers are per 100,000: show the tables that follow the divisor.
    if (pc && s.div !== 100000) side.open = true;
    side.querySelector("summary").textContent = "Legend and top 10 as text" + (pc ? " (" + per + ")" : "");
    resetPlay(play);
    $("hm-title").textContent = pc ? relabel(a.title) : a.title;
    $("hm-subtitle").textContent = pc && s.div !== 100000 ? "(The colour key drawn in the image itself is per 100,000 people.)" : "";
    // What the map leaves out (rows without a shape, counties shown with their district).
    $("hm-note").textContent = a.note;
    $("hm-gif-link").href = a.gif;
    $("hm-page-link").href = a.page;
    $("hm-csv").href = a.csv;
    fillLegend(a, pc, f, relabel);
    fillTop(a, pc, f, per);
    timeline(a);
    var h = fields.map(function (k) { return k + "=" + s[k]; }).join("&") + (pc ? "&div=" + s.div : "");
    if (location.hash.slice(1) !== h) history.replaceState(null, "", "#" + h);
  }

  // The timeline: any frame of the animation, decoded from the GIF already on the site
  // (WebCodecs ImageDecoder). Only where the browser has it and can fetch the file (not from
  // file://); elsewhere the poster and the animation still work. The date shown is always the
  // date of the picture shown: while the GIF loads, the slider may move but the date and the
  // map stay on the last frame drawn, and the loading progress is said beside them.
  var canvas = $("hm-canvas");
  var dateBox = $("hm-date-box");
  var slider = $("hm-date");
  var dateText = $("hm-date-text");
  var loadText = $("hm-load");
  var reset = $("hm-date-reset");
  var step = Number(img.getAttribute("data-step")) || 7;
  var decoder = null;
  var loading = null;
  var current = null;
  var shownFrame = 0;
  var canDecode = typeof window.ImageDecoder === "function" && /^https?:$/.test(location.protocol);
  function frameDate(a, i) {
    if (i >= a.frames - 1) return a.last;
    var d = new Date(a.first + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + i * (a.step || step));
    return d.toISOString().slice(0, 10);
  }
  function showPoster() {
    canvas.hidden = true;
    img.hidden = false;
  }
  function shown(a, i) {
    shownFrame = i;
    dateText.textContent = frameDate(a, i);
    slider.setAttribute("aria-valuetext", frameDate(a, i));
    reset.disabled = i >= a.frames - 1;
  }
  // Year ticks under the track, at the first frame of each year (the thumb's centre runs
  // from half a thumb in from each end: 8 px in Chromium and Firefox).
  function years(a) {
    var box = $("hm-years");
    box.textContent = "";
    var prev = null;
    for (var i = 0; i < a.frames; i++) {
      var y = frameDate(a, i).slice(0, 4);
      if (y !== prev) {
        var t = document.createElement("span");
        t.textContent = y;
        var frac = a.frames > 1 ? i / (a.frames - 1) : 0;
        t.style.left = "calc(8px + (100% - 16px) * " + frac.toFixed(4) + ")";
        // Near the right end the label goes left of its tick (no overflow on a phone).
        if (frac > 0.9) t.className = "end";
        box.appendChild(t);
      }
      prev = y;
    }
  }
  function timeline(a) {
    current = a;
    decoder = null;
    loading = null;
    loadText.textContent = "";
    showPoster();
    if (!canDecode || a.frames < 2) {
      dateBox.hidden = true;
      return;
    }
    dateBox.hidden = false;
    slider.max = String(a.frames - 1);
    slider.value = slider.max;
    shown(a, a.frames - 1);
    years(a);
  }
  // The GIF's bytes, saying how much has come.
  function fetchGif(a) {
    return fetch(a.gif).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      var total = Number(r.headers.get("content-length")) || 0;
      if (!r.body || !r.body.getReader || !total) return r.arrayBuffer();
      var reader = r.body.getReader();
      var parts = [];
      var got = 0;
      var pump = function () {
        return reader.read().then(function (x) {
          if (x.done) {
            var all = new Uint8Array(got);
            var at = 0;
            parts.forEach(function (p) { all.set(p, at); at += p.length; });
            return all.buffer;
          }
          parts.push(x.value);
          got += x.value.length;
          if (a === current) loadText.textContent = "Loading the frames: " + Math.floor((100 * got) / total) + " %";
          return pump();
        });
      };
      return pump();
    });
  }
  function ready(a) {
    if (decoder) return Promise.resolve(decoder);
    if (!loading) {
      loadText.textContent = "Loading the frames…";
      loading = fetchGif(a).then(function (buf) {
        var dec = new ImageDecoder({ data: darkMedia.matches ? toDark(buf) : buf, type: "image/gif" });
        return dec.tracks.ready.then(function () {
          if (a === current) { decoder = dec; loadText.textContent = ""; }
          return dec;
        });
      });
    }
    return loading;
  }
  function draw(a, i, res) {
    canvas.width = res.image.displayWidth;
    canvas.height = res.image.displayHeight;
    canvas.getContext("2d").drawImage(res.image, 0, 0);
    res.image.close();
    canvas.setAttribute("aria-label", a.title + " on " + frameDate(a, i));
    canvas.setAttribute("data-frame", String(i));
    img.hidden = true;
    canvas.hidden = false;
    shown(a, i);
  }
  function showFrame() {
    var a = current;
    var i = Number(slider.value);
    if (i >= a.frames - 1) { showPoster(); shown(a, i); return; }
    ready(a).then(function (dec) {
      if (a !== current || Number(slider.value) !== i) return;
      return dec.decode({ frameIndex: i }).then(function (res) {
        if (a !== current || Number(slider.value) !== i) { res.image.close(); return; }
        draw(a, i, res);
      });
    }).catch(function () {
      if (a !== current) return;
      dateBox.hidden = true;
      showPoster();
    });
  }
  slider.addEventListener("input", showFrame);
  reset.addEventListener("click", function () {
    slider.value = slider.max;
    showFrame();
  });
  // Arrow keys step frames from anywhere on the page but a form field (which keeps its own).
  document.addEventListener("keydown", function (e) {
    if (dateBox.hidden || !current || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    if (e.target.closest && e.target.closest("input, select, textarea")) return;
    var i = Number(slider.value) + (e.key === "ArrowLeft" ? -1 : 1);
    if (i < 0 || i > current.frames - 1) return;
    e.preventDefault();
    slider.value = String(i);
    showFrame();
  });
  play.addEventListener("click", function () {
    slider.value = slider.max;
    if (current) shown(current, current.frames - 1);
    showPoster();
  });

  // Start from the view the page shows, then restore a shared view from the URL.
  var k0 = (img.getAttribute("data-key") || "").split("/");
  if (k0.length === 2) {
    var parts = k0[1].split("-");
    $("hm-scope").value = k0[0];
    ["measure", "mode", "scale", "axis"].forEach(function (f, i) { $("hm-" + f).value = parts[i]; });
  }
  location.hash.slice(1).split("&").forEach(function (kv) {
    var p = kv.split("=");
    var el = $("hm-" + p[0]);
    if (el && el.querySelector('option[value="' + p[1] + '"]')) el.value = p[1];
  });
  lastScope = $("hm-scope").value;
  fields.concat(["div"]).forEach(function (f) { $("hm-" + f).addEventListener("change", show); });
  show();
})();
