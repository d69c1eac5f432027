#!/usr/bin/env node
// Screenshots of pages with their widgets open (for looking at them, not a test):
//   node widget-shots.mjs --out DIR [--chromium PATH] URL...
// For each URL, at 1280 and 360 px, light and dark: the first chart's value reader is focused
// and moved a few days back from the end (tooltip and crosshair showing); on compare/any.html
// the region picker's list is opened too (a second shot). Saves DIR/NAME-WIDTH-SCHEME.png.

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
let out = "shots";
let exe = "/usr/bin/chromium";
const urls = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") out = args[++i];
  else if (args[i] === "--chromium") exe = args[++i];
  else urls.push(args[i]);
}
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: exe, headless: true, chromiumSandbox: false, args: ["--no-sandbox", "--disable-gpu"] });
for (const url of urls) {
  const name = url.replace(/^.*?\/\/[^/]*\//, "").replace(/[#?].*$/, "").replace(/\.html$/, "").replace(/[^A-Za-z0-9-]+/g, "_");
  for (const width of [1280, 360]) {
    for (const scheme of ["light", "dark"]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: "load" });
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 10_000 }).catch(() => {});
      const layer = await page.$(".hv-layer");
      if (layer) {
        await layer.scrollIntoViewIfNeeded();
        await layer.focus();
        await page.keyboard.press("End");
        for (let k = 0; k < 20; k++) await page.keyboard.press("ArrowLeft");
        await page.waitForTimeout(300);
      }
      const fig = await page.$("figure:has(.hv-layer)");
      // boundingBox() is relative to the viewport; a full-page shot's clip is in page pixels.
      let clip = fig ? await fig.boundingBox() : null;
      if (clip) { const sy = await page.evaluate(() => window.scrollY); clip = { ...clip, y: clip.y + sy }; }
      const file = join(out, `${name}-${width}-${scheme}.png`);
      if (clip) {
        await page.screenshot({ path: file, clip: { x: 0, y: Math.max(0, clip.y - 120), width, height: Math.min(900, clip.height + 200) }, fullPage: true });
      } else await page.screenshot({ path: file });
      console.log(file);
      if (await page.$("#ca-input")) {
        await page.fill("#ca-input", "a");
        await page.waitForTimeout(300);
        const f2 = join(out, `${name}-picker-${width}-${scheme}.png`);
        await page.screenshot({ path: f2, fullPage: false });
        console.log(f2);
      }
      await ctx.close();
    }
  }
}
await browser.close();
