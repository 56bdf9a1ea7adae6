// Reads the public observatory as its readers do, on a 360 px phone and
// on a desktop: every page reached from the first by its links (up to
// MAX), each audited by axe-core at both widths, the first page's
// screenshot at 360 px, and what scrolls the whole page sideways.
//
//   node observatory.mjs URL SCREENSHOT_DIR [MAX]
//
// (URL is the observatory's first page, e.g. http://host/public/.)
//
// Prints JSON: what it saw.
import { helpers, launch, watch } from "./browser.mjs";

const [start, shots, max = "40"] = process.argv.slice(2);
const out = { pages: [], accessibility: [], sideways: [], problems: [] };
const { audit, shot } = helpers({ url: start, shots, accessibility: out.accessibility });
const widths = { phone: 360, desktop: 1280 };
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: widths.phone, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  watch(page, out.problems);
  page.on("response", (r) => r.status() >= 400 && out.problems.push(`${r.status()} ${new URL(r.url()).pathname}`));
  // The pages: the first, then those its pages link to, in the order found.
  const first = new URL(start);
  if (first.pathname.endsWith("/")) first.pathname += "index.html";
  const queue = [first.href];
  const seen = new Set(queue);
  while (queue.length && out.pages.length < Number(max)) {
    const href = queue.shift();
    const res = await page.goto(href);
    const name = new URL(href).pathname;
    out.pages.push({ page: name, status: res.status() });
    for (const [label, width] of Object.entries(widths)) {
      await page.setViewportSize({ width, height: 780 });
      if (out.pages.length === 1 && label === "phone") await shot(page, "observatoire-360");
      await audit(page, `${name} (${label}, ${width} px)`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      if (wide) out.sideways.push(`${name} at ${width} px`);
    }
    await page.setViewportSize({ width: widths.phone, height: 780 });
    const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.href));
    for (const link of links) {
      const u = new URL(link);
      u.hash = "";
      if (u.origin === new URL(start).origin && u.pathname.startsWith(new URL(start).pathname) && u.pathname.endsWith(".html") && !seen.has(u.href)) {
        seen.add(u.href);
        queue.push(u.href);
      }
    }
  }
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
