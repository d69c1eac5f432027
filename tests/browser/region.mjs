#!/usr/bin/env node
// Region pages in headless Chromium (issue 22, items 6, 7 and 10): the main chart first.
//
//   node region.mjs --site DIR [--chromium PATH] [--screenshots DIR] PAGE...
//
// PAGE is a path under DIR (e.g. `regions/us--alabama.html`); `grid:PATH` is a page whose
// tables are only checked at 360 px: their links' tap targets, and every column of a sortable
// table on the screen (the sandbox's grid, the regions index). Pages load from file://. For
// every region page:
//   - at 360 × 740 (a phone, 2× screen): the page's first chart (`main figure.chart`) starts
//     within the first screen (its top < 740 px), with no horizontal overflow;
//   - at 1280 px: that chart is shown at >= 0.9 × the width of the page's column (drawn for
//     it, not 720 px in a 1,068-px column), and its text is >= 12 CSS px (the image is shown
//     at >= 1.24 × its drawn width: plotters' 12-px ticks are written as 12 / 1.24 px);
//   - without JavaScript the view form stays hidden and the chart is its image;
//   - the views: "Per 100,000" and "90 days" draw an SVG of the view in place of the image
//     (its label says which), whose bars and line stay inside the plot; "Number" + "All
//     time" bring the image back; axe-core finds no serious or critical violation with a view
//     drawn;
//   - "Compare with…" opens compare/any.html with the regions its link names picked (the
//     region and its parent, or a country and its neighbours): one chip per region, the first
//     named like the page's region;
//   - tap targets (the page's buttons, inputs, form labels, the compare link, the links in
//     tables of grid: pages) are >= 24 × 24 CSS px at 360 px.
// Prints a JSON summary on stdout; failures on stderr; exit status 1 on failure.

import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const opts = { site: null, chromium: "/usr/bin/chromium", shots: null, pages: [] };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--site") opts.site = process.argv[++i];
  else if (a === "--chromium") opts.chromium = process.argv[++i];
  else if (a === "--screenshots") opts.shots = process.argv[++i];
  else opts.pages.push(a);
}
if (!opts.site || !opts.pages.length) {
  console.error("usage: node region.mjs --site DIR [--chromium PATH] [--screenshots DIR] PAGE...");
  process.exit(2);
}
const base = pathToFileURL(resolve(opts.site)).href + "/";
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  chromiumSandbox: false,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files"],
});
const results = [];
let failed = false;
function fail(r, msg) {
  r.failures.push(msg);
  failed = true;
  console.error(`FAIL ${r.page} (${r.what}): ${msg}`);
}

async function open(path, { width, height = 800, js = true, scheme = "light" }) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: width <= 360 ? 2 : 1,
    colorScheme: scheme,
    javaScriptEnabled: js,
    hasTouch: width <= 360,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(base + path, { waitUntil: "load" });
  return { context, page, errors };
}

/** Elements a finger must hit, smaller than 24 × 24 CSS px (visible ones only). */
async function smallTargets(page, grid) {
  return page.evaluate((grid) => {
    const sel = ["main button", "main input:not([type=hidden])", "main select", "main summary", "main label:has(input)", "main a.mc-compare"];
    if (grid) sel.push("main table a");
    const out = [];
    for (const e of document.querySelectorAll(sel.join(","))) {
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(e).visibility === "hidden") continue;
      // A radio inside a label: the label is the target.
      if (e.tagName === "INPUT" && e.closest("label")) continue;
      if (r.width < 24 || r.height < 24) out.push(`${e.tagName.toLowerCase()} "${(e.textContent || e.value || "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, grid);
}

async function phone(path, r) {
  const { context, page, errors } = await open(path, { width: 360, height: 740 });
  const m = await page.evaluate(() => {
    const f = document.querySelector("main figure.chart");
    const de = document.documentElement;
    return {
      top: f ? f.getBoundingClientRect().top + window.scrollY : null,
      scrollWidth: de.scrollWidth,
      clientWidth: de.clientWidth,
    };
  });
  r.phone = m;
  if (m.top === null) fail(r, "no chart on the page");
  else if (m.top >= 740) fail(r, `the first chart starts at ${Math.round(m.top)} px, below the first screen (740 px) at 360 px`);
  if (m.scrollWidth > m.clientWidth) fail(r, `horizontal overflow at 360 px: ${m.scrollWidth} > ${m.clientWidth}`);
  const small = await smallTargets(page, false);
  if (small.length) fail(r, `tap targets under 24 px at 360 px: ${small.join("; ")}`);
  if (opts.shots) await page.screenshot({ path: join(opts.shots, shotName(path, 360)), fullPage: false });
  if (errors.length) fail(r, `page errors: ${errors.join(" | ")}`);
  await context.close();
}

function shotName(path, w) {
  return `${path.replace(/^.*\//, "").replace(/\.html$/, "")}-${w}.png`;
}

async function desktop(path, r) {
  const { context, page, errors } = await open(path, { width: 1280 });
  const m = await page.evaluate(() => {
    const main = document.querySelector("main");
    const cs = getComputedStyle(main);
    const column = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const img = document.querySelector("main figure.chart img");
    return { column, shown: img ? img.getBoundingClientRect().width : 0, natural: img ? img.naturalWidth : 0 };
  });
  r.desktop = m;
  if (m.shown < 0.9 * m.column) fail(r, `the first chart is ${Math.round(m.shown)} px wide in a ${Math.round(m.column)}-px column at 1280 px`);
  if (m.natural && m.shown / m.natural < 1.24) fail(r, `the first chart is shown at ${(m.shown / m.natural).toFixed(2)} × its drawn width: its 12-px ticks read under 12 px`);
  await views(page, r);
  await compareLink(page, r);
  if (errors.length) fail(r, `page errors: ${errors.join(" | ")}`);
  await context.close();
  const nojs = await open(path, { width: 1280, js: false });
  const hidden = await nojs.page.evaluate(() => {
    const f = document.querySelector(".mc-views");
    return { form: !f || f.hidden || getComputedStyle(f).display === "none", img: !!document.querySelector("section.mc figure img") };
  });
  if (!hidden.form) fail(r, "without JavaScript the view form is shown (its views need JavaScript)");
  if (!hidden.img) fail(r, "without JavaScript the main chart has no image");
  await nojs.context.close();
}

/** The drawn view: its label and whether its marks stay in the plot. */
async function drawn(page) {
  await page.waitForSelector("section.mc .mc-drawn svg", { timeout: 10_000 }).catch(() => {});
  return page.evaluate(() => {
    const svg = document.querySelector("section.mc .mc-drawn svg");
    const img = document.querySelector("section.mc figure img");
    if (!svg) return null;
    const vb = svg.viewBox.baseVal;
    const paths = Array.from(svg.querySelectorAll("path")).map((p) => p.getBBox());
    const outside = paths.filter((b) => b.width && (b.x < -1 || b.y < -1 || b.x + b.width > vb.width + 1 || b.y + b.height > vb.height + 1)).length;
    return { label: svg.getAttribute("aria-label") || "", outside, imageShown: !!img && img.getBoundingClientRect().height > 0, paths: paths.length };
  });
}

async function views(page, r) {
  const form = page.locator("section.mc .mc-views").first();
  if (!(await form.isVisible())) return fail(r, "the view form is not shown with JavaScript");
  const per = page.locator('section.mc input[name="unit"][value="per100k"]').first();
  r.views = [];
  if (await per.isEnabled()) {
    await per.check();
    const v = await drawn(page);
    r.views.push(v);
    if (!v) fail(r, "Per 100,000 drew no chart");
    else if (!/per 100,000/.test(v.label) || v.imageShown || v.outside) fail(r, `Per 100,000: ${JSON.stringify(v)}`);
    await page.locator('section.mc input[name="unit"][value="absolute"]').first().check();
  }
  await page.locator('section.mc input[name="span"][value="90"]').first().check();
  const v90 = await drawn(page);
  r.views.push(v90);
  if (!v90) fail(r, "90 days drew no chart");
  else if (!/last 90 days/.test(v90.label) || v90.imageShown || v90.outside) fail(r, `90 days: ${JSON.stringify(v90)}`);
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ["violations"], preload: false });
    return res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (axe.length) fail(r, `axe with a view drawn: ${axe.join("; ")}`);
  await page.locator('section.mc input[name="span"][value="all"]').first().check();
  const back = await page.evaluate(() => ({
    svg: !!document.querySelector("section.mc .mc-drawn svg"),
    img: document.querySelector("section.mc figure img").getBoundingClientRect().height > 0,
  }));
  if (back.svg || !back.img) fail(r, `Number + All time did not bring the image back: ${JSON.stringify(back)}`);
}

async function compareLink(page, r) {
  const link = page.locator("section.mc a.mc-compare").first();
  if (!(await link.count())) return fail(r, "no Compare with… link");
  const href = await link.getAttribute("href");
  const ids = decodeURIComponent((href.match(/#regions=([^&]*)/) || [])[1] || "").split(",").filter(Boolean);
  const name = await page.evaluate(() => document.querySelector("nav.crumbs [aria-current]").textContent.trim());
  const parent = await page.evaluate(() => {
    const a = Array.from(document.querySelectorAll("nav.crumbs a")).pop();
    return a && a.getAttribute("href") !== "index.html" ? a.getAttribute("href").replace(/\.html$/, "") : null;
  });
  r.compare = { href, ids };
  if (ids.length < (parent ? 2 : 1)) fail(r, `the compare link picks ${ids.length} region(s): ${href}`);
  const own = (page.url().match(/regions\/([^/]+)\.html/) || [])[1];
  const owner = await page.evaluate(() => document.querySelector("section.mc").getAttribute("data-region"));
  if (ids[0] !== owner) fail(r, `the compare link does not pick the chart's region first: ${href}`);
  if (owner === own && parent && ids[1] !== parent) fail(r, `the compare link does not pick the parent (${parent}): ${href}`);
  await Promise.all([page.waitForURL(/compare\/any\.html/), link.click()]);
  await page.waitForFunction((n) => document.querySelectorAll("#ca-chosen li").length >= n, ids.length, { timeout: 10_000 }).catch(() => {});
  const chips = await page.evaluate(() => Array.from(document.querySelectorAll("#ca-chosen li")).map((li) => li.textContent.trim()));
  r.compare.chips = chips;
  if (chips.length !== ids.length) fail(r, `compare/any.html shows ${chips.length} chosen region(s), the link names ${ids.length}: ${chips.join(" | ")}`);
  else if (owner === own && !chips[0].includes(name)) fail(r, `the first chosen region is "${chips[0]}", not ${name}`);
  const hasChart = await page.evaluate(() => !!document.querySelector("#ca-figure svg path[data-region]"));
  if (!hasChart) fail(r, "compare/any.html drew no line for the picked regions");
}

async function grid(path, r) {
  const { context, page } = await open(path, { width: 360, height: 740 });
  const small = await smallTargets(page, true);
  r.small = small.length;
  if (small.length) fail(r, `tap targets under 24 px at 360 px: ${small.slice(0, 10).join("; ")}${small.length > 10 ? ` and ${small.length - 10} more` : ""}`);
  // Every column of every table on the screen (not scrolled off to the right of its box).
  const cut = await page.evaluate(() =>
    Array.from(document.querySelectorAll("main table.sortable thead tr"))
      .map((tr) => tr.lastElementChild)
      .filter((th) => th.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((th) => `"${th.textContent.trim().slice(0, 40)}" ends at ${Math.round(th.getBoundingClientRect().right)} px`),
  );
  if (cut.length) fail(r, `table columns off the screen at 360 px: ${cut.join("; ")}`);
  await context.close();
}

if (opts.shots) mkdirSync(opts.shots, { recursive: true });
for (const p of opts.pages) {
  const r = { page: p, what: "", failures: [] };
  try {
    if (p.startsWith("grid:")) {
      r.page = p.slice(5);
      r.what = "tap targets";
      await grid(r.page, r);
    } else {
      r.what = "phone";
      await phone(p, r);
      r.what = "desktop";
      await desktop(p, r);
    }
  } catch (e) {
    fail(r, `error: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" ") : e}`);
  }
  results.push(r);
}
await browser.close();
console.log(JSON.stringify({ ok: !failed, pages: results }, null, 1));
process.exit(failed ? 1 : 0);
