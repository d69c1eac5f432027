// Region search: filters the embedded index (no network); the full list below works without JS.
// Needs find.js (window.seecovidFind) loaded first.
(function () {
  "use strict";
  var box = document.querySelector(".search");
  var data = document.getElementById("region-index");
  if (!box || !data || !window.seecovidFind) return;
  var index = JSON.parse(data.textContent);
  var input = document.getElementById("q");
  var hits = document.getElementById("hits");
  var status = document.getElementById("hits-status");
  box.hidden = false;
  // The site's one matching rule (find.js, loaded on every page before this script).
  var norm = window.seecovidFind.norm;
  var keys = index.map(function (r) { return norm(r[0]); });
  function update() {
    var q = norm(input.value.trim());
    hits.textContent = "";
    if (!q) { status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < index.length && found.length < 50; i++) {
      if (keys[i].indexOf(q) !== -1) found.push(i);
    }
    // Names that start with the query first.
    found.sort(function (a, b) {
      return (keys[a].indexOf(q) === 0 ? 0 : 1) - (keys[b].indexOf(q) === 0 ? 0 : 1);
    });
    found.forEach(function (i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = index[i][2];
      a.textContent = index[i][0];
      var lvl = document.createElement("span");
      lvl.className = "lvl";
      lvl.textContent = " · " + index[i][1];
      li.appendChild(a);
      li.appendChild(lvl);
      hits.appendChild(li);
    });
    status.textContent = found.length === 0 ? "No region matches." :
      found.length + (found.length === 50 ? "+" : "") + " matching regions";
  }
  input.addEventListener("input", update);
})();
