// Heat-map explorer: switches between precomputed images (no network requests beyond the
// site's own files). Without JS the page shows the first view and links to every view.
(function () {
  "use strict";

  var darkMedia = window.matchMedia("(prefers-color-scheme: dark)");
  // As MAP_CROP_MEDIA in src/site/heatmaps.rs (its width from rules.js): the map block alone,
  // legend and top 10 as text.
  var phoneMedia = window.matchMedia("(max-width: " + window.seecovidRules.map_crop_max_w + "px)");

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
  // A phone shows only the image's map block: open the legend and top 10 given as text.
  function openOnPhone() {
    if (!phoneMedia.matches) return;
    document.querySelectorAll("details.hm-side").forEach(function (d) { d.open = true; });
  }
  openOnPhone();
  if (phoneMedia.addEventListener) phoneMedia.addEventListener("change", openOnPhone);

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
  var controls = $("hm-controls");
  var img = $("hm-img");
  var play = $("hm-play");
  var fields = ["scope", "measure", "mode", "scale", "axis"];
  controls.hidden = false;
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
  function show() {
    var s = state();
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
    if (pc && s.div !== 100000) $("hm-side").open = true;
    $("hm-side-summary").textContent = "Legend and top 10 as text" + (pc ? " (" + per + ")" : "");
    resetPlay(play);
    $("hm-title").textContent = pc ? relabel(a.title) : a.title;
    $("hm-subtitle").textContent = pc && s.div !== 100000 ? "(The colour key drawn in the image itself is per 100,000 people.)" : "";
    // What the map leaves out (rows without a shape, counties shown with their district).
    $("hm-note").textContent = a.note;
    $("hm-gif-link").href = a.gif;
    $("hm-page-link").href = a.page;
    $("hm-csv").href = a.csv;
    $("hm-legend-caption").textContent = "Legend: " + (pc ? relabel(a.unit) : a.unit).toLowerCase();
    var t = a.thresholds;
    var tb = $("hm-legend").tBodies[0];
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
      var td1 = document.createElement("td");
      var sw = document.createElement("span");
      sw.className = "swatch sw-" + row[0].replace("#", "").toLowerCase();
      td1.appendChild(sw);
      var td2 = document.createElement("td");
      td2.textContent = label;
      tr.appendChild(td1);
      tr.appendChild(td2);
      tb.appendChild(tr);
    });
    $("hm-top-caption").textContent = "Top 10 on " + a.last;
    $("hm-top-unit").textContent = pc ? per : "Value";
    $("hm-top-note").textContent = a.top_note || "";
    $("hm-top-note").hidden = !a.top_note;
    var body = $("hm-top").tBodies[0];
    body.textContent = "";
    var shown = column(a.top.map(function (r) { return r[2] * f; }));
    a.top.forEach(function (r, i) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      td.textContent = String(i + 1);
      var th = document.createElement("th");
      th.scope = "row";
      var link = document.createElement("a");
      link.href = r[1];
      link.textContent = r[0];
      th.appendChild(link);
      var tv = document.createElement("td");
      tv.textContent = shown[i];
      tr.appendChild(td);
      tr.appendChild(th);
      tr.appendChild(tv);
      body.appendChild(tr);
    });
    if (!a.top.length) {
      var none = document.createElement("tr");
      var cell = document.createElement("td");
      cell.colSpan = 3;
      cell.textContent = "No region above zero on this date (see the note under the map).";
      none.appendChild(cell);
      body.appendChild(none);
    }
    dateSlider(a);
    var h = fields.map(function (k) { return k + "=" + s[k]; }).join("&") + (pc ? "&div=" + s.div : "");
    if (location.hash.slice(1) !== h) history.replaceState(null, "", "#" + h);
  }
  // Date slider: shows any frame's date by decoding that frame of the GIF already on the
  // site (WebCodecs ImageDecoder). Only where the browser has it and can fetch the file
  // (not from file://); elsewhere the poster and the animation still work.
  var canvas = $("hm-canvas");
  var dateBox = $("hm-date-box");
  var slider = $("hm-date");
  var dateText = $("hm-date-text");
  var step = Number(img.getAttribute("data-step")) || 7;
  var decoder = null;
  var current = null;
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
  function dateSlider(a) {
    current = a;
    decoder = null;
    showPoster();
    $("hm-date-reset").hidden = true;
    if (!canDecode || a.frames < 2) {
      dateBox.hidden = true;
      return;
    }
    dateBox.hidden = false;
    slider.max = String(a.frames - 1);
    slider.value = slider.max;
    dateText.textContent = a.last;
  }
  function showFrame() {
    var a = current;
    var i = Number(slider.value);
    dateText.textContent = frameDate(a, i);
    $("hm-date-reset").hidden = i >= a.frames - 1;
    if (i >= a.frames - 1) { showPoster(); return; }
    var ready = decoder ? Promise.resolve(decoder) :
      fetch(a.gif).then(function (r) { return r.arrayBuffer(); }).then(function (buf) {
        decoder = new ImageDecoder({ data: darkMedia.matches ? toDark(buf) : buf, type: "image/gif" });
        return decoder.tracks.ready.then(function () { return decoder; });
      });
    ready.then(function (dec) {
      if (a !== current) return;
      return dec.decode({ frameIndex: i }).then(function (res) {
        if (a !== current || Number(slider.value) !== i) { res.image.close(); return; }
        canvas.width = res.image.displayWidth;
        canvas.height = res.image.displayHeight;
        canvas.getContext("2d").drawImage(res.image, 0, 0);
        res.image.close();
        canvas.setAttribute("aria-label", a.title + " on " + frameDate(a, i));
        img.hidden = true;
        canvas.hidden = false;
      });
    }).catch(function () {
      dateBox.hidden = true;
      showPoster();
    });
  }
  slider.addEventListener("input", showFrame);
  $("hm-date-reset").addEventListener("click", function () {
    slider.value = slider.max;
    showFrame();
  });
  play.addEventListener("click", function () {
    slider.value = slider.max;
    dateText.textContent = current ? current.last : "";
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
  fields.concat(["div"]).forEach(function (f) { $("hm-" + f).addEventListener("change", show); });
  show();
})();
