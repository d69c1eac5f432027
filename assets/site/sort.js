// Sortable tables: every column header of a `table.sortable` becomes a button. Cells with a
// `data-sort` attribute sort by that number, others by their text. Without JS the table
// stays in the order the page was written in (by name).
(function () {
  "use strict";
  function value(row, col) {
    var cell = row.children[col];
    var key = cell.getAttribute("data-sort");
    return key === null ? cell.textContent.trim().toLowerCase() : parseFloat(key);
  }
  function sortBy(table, col, th) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    // Names ascend first; numbers descend first (highest on top).
    var numeric = rows.length && rows[0].children[col].hasAttribute("data-sort");
    var current = th.getAttribute("aria-sort");
    var asc = current ? current !== "ascending" : !numeric;
    rows.sort(function (a, b) {
      var x = value(a, col), y = value(b, col);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () { sortBy(table, col, th); });
    });
  });
})();
