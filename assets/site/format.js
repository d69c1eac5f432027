/* The scripts' one number formatter: the rules of src/render/format.rs, their tables
 * (decimals by size, compact suffixes) read from window.seecovidRules. The site ships it
 * inside assets/rules.js, after the rules; tests/format_js.rs runs it against Rust.
 * window.seecovidFormat = { thousands, si, decimal, column, sig3 }. */
(function () {
  "use strict";
  var R = window.seecovidRules;

  /** "2.50" → "2.5", "3.0" → "3"; numbers without a point are left alone. */
  function trim(s) { return s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s; }
  /** The decimals the rules give |v| (render::format::DECIMALS). */
  function decimalsOf(a) {
    var t = R.formats.decimals;
    for (var i = 0; i < t.length; i++) if (a >= t[i][0]) return t[i][1];
    return t[t.length - 1][1];
  }
  /** Whole number with separators: 1234567 → "1,234,567" (render::format::thousands). */
  function thousands(v) {
    var s = String(Math.abs(Math.round(v))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (v < 0 && Math.round(v) !== 0 ? "-" : "") + s;
  }
  /** Compact form for axes and texts: 950, 34.5k, 1.2M (render::format::si). */
  function si(v) {
    if (!isFinite(v)) return "";
    var a = Math.abs(v);
    var x = v;
    var suf = "";
    var t = R.formats.si;
    for (var i = 0; i < t.length; i++) if (a >= t[i][0]) { x = v / t[i][0]; suf = t[i][1]; break; }
    var s = !suf && x % 1 === 0 ? x.toFixed(0) : x.toFixed(decimalsOf(Math.abs(x)));
    return trim(s) + suf;
  }
  /** Averages as the pages print them (render::format::decimal). */
  function decimal(v) {
    if (!isFinite(v)) return "";
    var d = decimalsOf(Math.abs(v));
    return d ? v.toFixed(d) : thousands(v);
  }
  /** One style for a table column (render::format::column): the same decimals on every row,
   * enough for three significant digits on the smallest non-zero value; separators. */
  function column(values) {
    var smallest = Infinity;
    var whole = true;
    values.forEach(function (v) {
      if (v % 1 !== 0) whole = false;
      if (v !== 0 && Math.abs(v) < smallest) smallest = Math.abs(v);
    });
    var d = whole || smallest === Infinity ? 0 : Math.min(8, Math.max(0, 2 - Math.floor(Math.log10(smallest))));
    return values.map(function (v) {
      return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
    });
  }
  /** Three significant digits, compact from a thousand up (12.3k, 1.23M): the explorer's
   * legend for any per-capita divisor. */
  function sig3(v) {
    var a = Math.abs(v);
    var t = R.formats.si;
    for (var i = 0; i < t.length; i++) {
      if (a >= t[i][0]) return (v / t[i][0]).toLocaleString("en-US", { maximumSignificantDigits: 3 }) + t[i][1];
    }
    return v.toLocaleString("en-US", { maximumSignificantDigits: 3 });
  }

  window.seecovidFormat = { thousands: thousands, si: si, decimal: decimal, column: column, sig3: sig3 };
})();
