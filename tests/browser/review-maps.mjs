// Review pictures of the maps (issue 22): the overview, the explorer with the slider moved
// before the animation loaded (the GIF held back 3 s), and the US-counties view, at 1280 and
// 360 px, light and dark, from a running `seecovid serve`.
//
//   node review-maps.mjs --base http://127.0.0.1:PORT/ --out DIR [--chromium PATH]
import { chromium } from "playwright-core";
import { join } from "node:path";

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const base = arg("--base");
const out = arg("--out");
const browser = await chromium.launch({ executablePath: arg("--chromium", "/usr/bin/chromium"), args: ["--no-sandbox"] });
const counties = "heatmaps/index.html#scope=us-counties&measure=confirmed&mode=new&scale=pc&axis=lin&div=100000";
try {
  for (const scheme of ["light", "dark"]) {
    for (const width of [1280, 360]) {
      const context = await browser.newContext({ viewport: { width, height: width > 400 ? 1000 : 740 }, deviceScaleFactor: 1, colorScheme: scheme });
      const page = await context.newPage();
      const name = (what) => join(out, `${what}-${width}-${scheme}.png`);
      await page.goto(base + "index.html", { waitUntil: "load" });
      await page.locator("#map").scrollIntoViewIfNeeded();
      await page.evaluate(() => document.getElementById("map").scrollIntoView());
      await page.screenshot({ path: name("overview") });
      await page.route("**/*.gif", async (route) => {
        await new Promise((r) => setTimeout(r, 3000));
        await route.continue();
      });
      await page.goto(base + "heatmaps/index.html", { waitUntil: "load" });
      await page.evaluate(() => document.getElementById("hm-frame").scrollIntoView());
      await page.focus("#hm-date");
      for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowLeft");
      await page.waitForTimeout(300);
      await page.screenshot({ path: name("explorer-loading") });
      await page.waitForFunction(() => !document.getElementById("hm-canvas").hidden, null, { timeout: 30_000 });
      await page.screenshot({ path: name("explorer-loaded") });
      await page.unroute("**/*.gif");
      await page.goto("about:blank");
      await page.goto(base + counties, { waitUntil: "load" });
      await page.evaluate(() => document.getElementById("hm-frame").scrollIntoView());
      await page.screenshot({ path: name("us-counties") });
      await context.close();
    }
  }
} finally {
  await browser.close();
}
