// Checks of the interactive widgets (values on hover, compare any regions), called by check.mjs
// on every load. The expected numbers come from the site's own CSV downloads
// (data/regions/ID.csv), read here from disk, never from the page's data files.
//
// Every chart with values on hover (figure[data-hover]: region pages, compare groups, sandbox):
//   - no region data file is requested before the visitor interacts;
//   - keyboard: focusing the chart and pressing End, ArrowLeft ×3 and Home shows that date
//     (or day number) and, for every series drawn from a region, the value of its CSV: new_*
//     per day, cumulative totals, recovered/active, the trailing moving average computed here
//     from the CSV's smoothed column (new_*_smoothed: empty days skipped, rounded to
//     hundredths) and none on the days data/data-notes.csv says the region was not reporting,
//     reported at state level only or in a district, per 100,000 with the population of
//     data/regions.json, at the series' offset (compare alignments); model runs (sandbox)
//     must show a number;
//   - pointer: moving the mouse over the plot at the pixel the chart's geometry gives for a
//     day shows that day;
//   - axe-core with the tooltip open.
// compare/any.html:
//   - on load (no choice in the URL) it draws its default chart, at least two lines, says so
//     (#ca-default shown), and leaves the address as it was;
//   - every text of the chart lies inside it (the title wraps on a phone, never cut), and
//     leader lines are grey and dotted (the rules' leader colour, never a line colour);
//   - a URL with four regions (one country, one province, one US state, one US county) draws
//     four lines whose last values equal the last confirmed (and, for deaths, deaths) of the
//     CSVs; the screen-reader table has the same four rows;
//   - the region picker finds a region by name, Enter adds it (five lines, in the URL);
//   - arrow keys on the chart show each region's CSV total on the chosen date;
//   - axe-core with the picker's list open and the tooltip open.

import { readFileSync } from "node:fs";
import { join } from "node:path";

const csvCache = new Map();

/** The rows of a region's CSV download as objects of numbers (empty cells → null). */
export function readCsv(siteDir, id) {
  const key = `${siteDir}/${id}`;
  if (!csvCache.has(key)) {
    const lines = readFileSync(join(siteDir, "data/regions", `${id}.csv`), "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const rows = lines.slice(1).map((l) => {
      const cells = l.split(",");
      const o = {};
      head.forEach((h, k) => {
        o[h] = h === "date" ? cells[k] : cells[k] === "" ? null : Number(cells[k]);
      });
      return o;
    });
    csvCache.set(key, rows);
  }
  return csvCache.get(key);
}

/** Trailing mean over the w days ending at index i (fewer at the start), days that are null
 * (left out or unknown) skipped, rounded to hundredths as the site publishes it. */
function trailingMeanAt(values, w, i) {
  let sum = 0;
  let n = 0;
  for (let k = Math.max(0, i - w + 1); k <= i; k++) {
    if (values[k] === null) continue;
    sum += values[k];
    n += 1;
  }
  return n ? Math.round((sum / n) * 100) / 100 : null;
}

/** Dates a region has no average of `measure` on, from the data-notes.csv download: not
 * reporting, reported at state level only, counted in a district. */
function silentDates(siteDir, id, measure) {
  const lines = readFileSync(join(siteDir, "data/data-notes.csv"), "utf8").trim().split("\n");
  const head = lines[0].split(",");
  const out = new Set();
  for (const l of lines.slice(1)) {
    const cells = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
    const r = Object.fromEntries(head.map((h, k) => [h, cells[k]]));
    if (r.region_id !== id) continue;
    const silent = ["not_reporting", "state_level_only"].includes(r.rule) && r.measure === measure;
    if (!silent && r.rule !== "counted_in_district") continue;
    for (let d = r.from; d <= r.to; d = addDays(d, 1)) out.add(d);
  }
  return out;
}

async function tipState(page, fig) {
  return page.evaluate((fig) => {
    const tip = document.querySelectorAll("figure[data-hover], #ca-figure")[fig].querySelector(".hv-tip");
    if (!tip || tip.hidden) return null;
    const rows = Array.from(tip.querySelectorAll(".hv-row")).map((r) => ({
      label: r.querySelector(".hv-label").textContent,
      value: r.querySelector(".hv-val").getAttribute("data-value"),
      text: r.querySelector(".hv-val").textContent,
    }));
    return { date: tip.getAttribute("data-date"), rows, visible: tip.getBoundingClientRect().width > 0 };
  }, fig);
}

async function waitTip(page, fig, date) {
  await page
    .waitForFunction(
      ([fig, date]) => {
        const tip = document.querySelectorAll("figure[data-hover], #ca-figure")[fig].querySelector(".hv-tip");
        return tip && !tip.hidden && (!date || tip.getAttribute("data-date") === date);
      },
      [fig, date],
      { timeout: 10_000 },
    )
    .catch(() => {});
  return tipState(page, fig);
}

function near(a, b) {
  return a !== null && b !== null && Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(b)));
}

/** ISO date `days` after `start`. */
function addDays(start, days) {
  const [y, m, d] = start.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * 864e5).toISOString().slice(0, 10);
}

/** What a chart's series should show on chart day `day`, from the CSV of its region. */
function expected(ctx, s, day, window) {
  const id = s.data.replace(/^regions\//, "");
  const rows = readCsv(ctx.siteDir, id);
  const i = day + (s.off || 0);
  if (i < 0 || i >= rows.length) return null;
  let v;
  if (s.key.startsWith("ma_")) {
    const col = "new_" + s.key.slice(3) + "_smoothed";
    const silent = silentDates(ctx.siteDir, id, s.key.slice(3));
    v = silent.has(rows[i].date) ? null : trailingMeanAt(rows.map((r) => r[col]), window, i);
  } else v = rows[i][s.key];
  if (v === null) return null;
  if (s.per > 0) {
    const all = JSON.parse(readFileSync(join(ctx.siteDir, "data/regions.json"), "utf8"));
    const pop = all.find((r) => r.id === id).population;
    v = (v * s.per) / pop;
  }
  return v;
}

/** The population of a series' region (data/regions.json). */
function popOf(ctx, s) {
  const id = s.data.replace(/^regions\//, "");
  const all = JSON.parse(readFileSync(join(ctx.siteDir, "data/regions.json"), "utf8"));
  return all.find((r) => r.id === id).population;
}

/** Days in a model run's data file (`data/sandbox/…js`: `seecovidData(NAME, {s, i, r})`). */
function modelDays(ctx, s) {
  const text = readFileSync(join(ctx.siteDir, "data", s.data + ".js"), "utf8");
  const json = text.slice(text.indexOf(",") + 1, text.lastIndexOf(")"));
  return JSON.parse(json)[s.key].length;
}

const dayLabel = (spec, day) => (spec.start ? addDays(spec.start, day) : `day ${day}`);

/** Focus chart `fig`, press End, ArrowLeft ×3, Home: the tooltip shows each day's values. */
async function keysOn(page, check, ctx, fig, report) {
  const { spec, caption } = await page.evaluate((fig) => {
    const f = document.querySelectorAll("figure[data-hover]")[fig];
    return { spec: JSON.parse(f.getAttribute("data-hover")), caption: f.querySelector("figcaption").textContent };
  }, fig);
  const window = Number((caption.match(/(\d+)-day/) || [0, 7])[1]);
  const layer = await page.evaluateHandle((fig) => document.querySelectorAll("figure[data-hover]")[fig].querySelector(".hv-layer"), fig);
  await layer.asElement().focus();
  const last = Math.round(spec.panels[0].x_hi);
  const steps = [["End", last], ["ArrowLeft", last - 1], ["ArrowLeft", last - 2], ["ArrowLeft", last - 3], ["Home", 0]];
  for (const [key, day] of steps) {
    await page.keyboard.press(key);
    const want = dayLabel(spec, day);
    const tip = await waitTip(page, fig, want);
    report.keys++;
    if (!tip || tip.date !== want) {
      ctx.fail(check, `chart ${fig}: after ${key} the tooltip shows ${tip && tip.date}, not ${want}`);
      continue;
    }
    spec.panels.flatMap((p) => p.series).forEach((s, k) => {
      const row = tip.rows[k];
      if (!row) {
        ctx.fail(check, `chart ${fig} ${want}: no tooltip row for "${s.label}"`);
        return;
      }
      // Model runs (sandbox) have no CSV: their values only need to be there while the run
      // lasts; past its end (a chart drawn to a longer shared horizon) there is no value.
      if (!s.data.startsWith("regions/")) {
        const len = modelDays(ctx, s);
        if (day < len && !/\d/.test(row.text)) ctx.fail(check, `chart ${fig} ${want} "${s.label}": tooltip shows "${row.text}"`);
        if (day >= len && /\d/.test(row.text)) ctx.fail(check, `chart ${fig} ${want} "${s.label}": the run has ${len} days, yet the tooltip shows "${row.text}"`);
        return;
      }
      const exp = expected(ctx, s, day, window);
      // An average from the CSV's smoothed column (2 decimals) may differ from the published
      // one (the mean of the unrounded values) by a hundredth at most.
      const tol = s.key.startsWith("ma_") ? 0.0101 * (s.per > 0 ? s.per / popOf(ctx, s) : 1) : 0;
      const ok = exp === null ? row.value === "" : tol ? Math.abs(Number(row.value) - exp) <= tol && row.value !== "" : near(row.value, exp);
      if (!ok) ctx.fail(check, `chart ${fig} ${want} "${s.label}": tooltip ${row.value} (${row.text}), CSV ${exp}`);
    });
  }
  await layer.asElement().evaluate((e) => e.blur());
  report.figures++;
}

/** Every figure[data-hover]: keys and the pointer show the values of the CSVs. */
async function checkHover(page, check, ctx) {
  const report = { figures: 0, keys: 0, pointer: 0 };
  const early = await page.evaluate(() =>
    performance.getEntriesByType("resource").filter((e) => /\/data\/regions\//.test(e.name)).map((e) => e.name),
  );
  if (early.length) ctx.fail(check, `region data loaded before any interaction: ${early.join(", ")}`);
  const figs = await page.$$eval("figure[data-hover]", (fs) =>
    fs.map((f) => ({ spec: JSON.parse(f.getAttribute("data-hover")), caption: f.querySelector("figcaption").textContent })),
  );
  for (let fig = 0; fig < figs.length; fig++) await keysOn(page, check, ctx, fig, report);
  // A switched view (compare groups, sandbox): its new chart has its own geometry and series.
  const switched = await page.evaluate(() => {
    const sels = Array.from(document.querySelectorAll("[data-switch] select"));
    const box = sels.length && sels[0].closest("[data-switch]");
    if (!box || !box.querySelector("figure[data-hover]")) return false;
    for (const s of box.querySelectorAll("select")) {
      s.selectedIndex = Math.min(1, s.options.length - 1);
      s.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return true;
  });
  if (switched) {
    await page.waitForTimeout(100);
    await keysOn(page, check, ctx, 0, report);
    report.switched = true;
  }
  if (!figs.length) return report;
  const label = dayLabel;
  // The pointer: the middle day, at the pixel the chart's own geometry gives.
  const spec = await page.$eval("figure[data-hover]", (f) => JSON.parse(f.getAttribute("data-hover")));
  // The geometry of the layout on screen: the phone layout's (`alt`) while its media query
  // matches.
  const phone = !!spec.alt && (await page.evaluate((m) => matchMedia(m).matches, spec.alt.media));
  const g = phone ? spec.alt : spec;
  const p = g.panels[0];
  const day = Math.floor(p.x_hi / 2);
  const box = await page.evaluate(() => {
    const l = document.querySelector("figure[data-hover] .hv-layer");
    l.scrollIntoView({ block: "center" });
    const r = l.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  });
  const x = box.left + ((p.px[0] + (day / p.x_hi) * (p.px[1] - p.px[0])) * box.width) / g.w;
  const y = box.top + (((p.py[0] + p.py[1]) / 2) * box.height) / g.h;
  await page.mouse.move(x, y);
  const tip = await waitTip(page, 0, label(spec, day));
  report.pointer++;
  if (!tip || tip.date !== label(spec, day)) ctx.fail(check, `pointer at day ${day}: tooltip shows ${tip && tip.date}, not ${label(spec, day)}`);
  else if (!tip.visible) ctx.fail(check, "pointer: tooltip not visible");
  // axe with the tooltip open (keyboard focus on the chart).
  const layer0 = await page.$("figure[data-hover] .hv-layer");
  await layer0.focus();
  await page.keyboard.press("End");
  await waitTip(page, 0, label(spec, Math.round(p.x_hi)));
  check.notes.push(...(await ctx.runAxe(page, check)));
  await layer0.evaluate((e) => e.blur());
  await page.mouse.move(0, 0);
  return report;
}

/** One region id of each level from data/regions.json (the first of each, in file order). */
function oneOfEachLevel(siteDir) {
  const all = JSON.parse(readFileSync(join(siteDir, "data/regions.json"), "utf8"));
  return ["country", "province", "us_state", "us_county"].map((l) => all.find((r) => r.level === l)).filter(Boolean);
}

async function lastValues(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.querySelector("#ca-figure svg"), null, { timeout: 10_000 });
  return page.$$eval("#ca-figure path[data-region]", (ps) => ps.map((p) => ({ id: p.getAttribute("data-region"), last: p.getAttribute("data-last") })));
}

/** Texts of the chart outside its box, and leader lines that are not grey and dotted. */
async function chartDefects(page) {
  return page.evaluate(() => {
    const svg = document.querySelector("#ca-figure svg");
    const box = svg.getBoundingClientRect();
    const out = [];
    svg.querySelectorAll("text").forEach((t) => {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.push(`text "${t.textContent}" runs outside the chart`);
    });
    const R = window.seecovidRules;
    svg.querySelectorAll("path.ca-leader").forEach((p) => {
      if (p.getAttribute("stroke") !== R.leader || !p.getAttribute("stroke-dasharray")) out.push(`leader line ${p.getAttribute("stroke")} ${p.getAttribute("stroke-dasharray")}: not grey and dotted`);
    });
    return out;
  });
}

async function checkCompareAny(page, check, ctx) {
  const report = {};
  // The default chart on load.
  const onLoad = await lastValues(page).catch(() => []);
  report.onLoad = onLoad.length;
  if (onLoad.length < 2) ctx.fail(check, `compare/any.html draws ${onLoad.length} lines on load, not its default chart`);
  if (await page.$eval("#ca-default", (p) => p.hidden).catch(() => true)) ctx.fail(check, "compare/any.html does not say which default it shows");
  if (page.url().includes("#")) ctx.fail(check, `loading the default wrote the address ${page.url()}`);
  for (const d of await chartDefects(page)) ctx.fail(check, `default chart: ${d}`);
  const regions = oneOfEachLevel(ctx.siteDir);
  if (regions.length !== 4) ctx.fail(check, `the fixture needs a region of each level, found ${regions.map((r) => r.level)}`);
  const ids = regions.map((r) => r.id);
  const url = page.url().replace(/#.*$/, "") + `#regions=${ids.join(",")}&view=cases-total-linear-absolute-date`;
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "load" });
  for (const [what, col] of [["cases", "confirmed"], ["deaths", "deaths"]]) {
    if (what === "deaths") await page.selectOption('[data-dim="what"]', "deaths");
    const lines = await lastValues(page);
    report[what] = lines;
    if (lines.length !== 4) ctx.fail(check, `compare URL with ${ids.join(", ")} (${what}): ${lines.length} lines, not 4`);
    for (const id of ids) {
      const rows = readCsv(ctx.siteDir, id);
      const want = rows[rows.length - 1][col];
      const line = lines.find((l) => l.id === id);
      if (!line || Number(line.last) !== want) ctx.fail(check, `compare (${what}): line of ${id} ends at ${line && line.last}, CSV ${col} ${want}`);
    }
    for (const d of await chartDefects(page)) ctx.fail(check, `${what}: ${d}`);
    const tableRows = await page.$$eval("#ca-table tbody tr", (t) => t.length);
    if (tableRows !== 4) ctx.fail(check, `compare table has ${tableRows} rows, not 4`);
  }
  await page.selectOption('[data-dim="what"]', "cases");
  await lastValues(page);
  // The tooltip on the last date of the chart.
  const layer = await page.$("#ca-figure .hv-layer");
  await layer.focus();
  await page.keyboard.press("End");
  const tip = await waitTip(page, 0, null);
  const firstRows = readCsv(ctx.siteDir, ids[0]);
  const lastDate = firstRows[firstRows.length - 1].date;
  if (!tip || tip.date !== lastDate) ctx.fail(check, `compare tooltip after End shows ${tip && tip.date}, not ${lastDate}`);
  else {
    tip.rows.forEach((r, k) => {
      const row = readCsv(ctx.siteDir, ids[k]).find((x) => x.date === tip.date);
      const want = row ? row.confirmed : null;
      if (!(want === null ? r.value === "" : near(r.value, want))) ctx.fail(check, `compare tooltip ${tip.date} ${ids[k]}: ${r.value}, CSV ${want}`);
    });
  }
  check.notes.push(...(await ctx.runAxe(page, check)));
  // The picker: a region by name, Enter adds it.
  const all = JSON.parse(readFileSync(join(ctx.siteDir, "data/regions.json"), "utf8"));
  const extra = all.find((r) => r.level === "country" && !ids.includes(r.id));
  if (extra) {
    await page.fill("#ca-input", extra.name);
    await page.waitForSelector("#ca-list li", { timeout: 10_000 }).catch(() => {});
    const first = await page.$eval("#ca-list li", (li) => li.textContent).catch(() => null);
    if (!first || !first.startsWith(extra.name)) ctx.fail(check, `picker: "${extra.name}" lists ${first} first`);
    check.notes.push(...(await ctx.runAxe(page, check)));
    await page.keyboard.press("Enter");
    const lines = await lastValues(page);
    report.afterPick = lines.length;
    if (lines.length !== 5 || !page.url().includes(extra.id)) ctx.fail(check, `picker: after Enter ${lines.length} lines, URL ${page.url()}`);
  }
  return report;
}

/** Runs the widget checks that apply to this page. */
export async function checkWidgets(page, check, path, ctx) {
  try {
    if (path === "compare/any.html") {
      check.widgets = { compare: await checkCompareAny(page, check, ctx) };
    } else if (await page.$("figure[data-hover]")) {
      check.widgets = { hover: await checkHover(page, check, ctx) };
    }
  } catch (e) {
    ctx.fail(check, `widgets: ${e.message.split("\n")[0]}`);
  }
}
