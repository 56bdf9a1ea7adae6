import { chromium } from "playwright-core";
const [url, adv, ana, adm] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"] });
const english = /\b(the|and|of|loading|error|submit|save|cancel|total|none|unknown|region|commitment|undefined|null|NaN)\b/gi;
async function open(tok, heading) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "fr-FR", acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("PAGEERROR", String(e)));
  page.on("console", (m) => m.type() === "error" && console.log("CONSOLE", m.text()));
  await page.goto(url + "/");
  await page.getByLabel("Votre jeton d’accès").fill(tok);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: heading }).first().waitFor();
  return page;
}
async function look(page, name) {
  await page.waitForTimeout(800);
  const text = await page.locator("main").innerText();
  const eng = [...new Set((text.match(english) ?? []))];
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`== ${name}: scrollWidth ${wide}; english? ${eng.join(",")}`);
  console.log(text.slice(0, 700).replace(/\n+/g, " | "));
  await page.screenshot({ path: `/tmp/r21b/x-${name}.png`, fullPage: true });
}
let p = await open(adv, "Engagements");
await look(p, "board");
await p.locator(".cards li a").first().click();
await look(p, "commitment");
const holder = p.locator("main a[href*='stakeholder'], main a[href*='scorecard']").first();
if (await holder.count()) { await holder.click(); await look(p, "scorecard"); } else console.log("no scorecard link");
p = await open(ana, "Tableau de bord");
await look(p, "dashboard");
console.log("selects:", JSON.stringify(await p.locator("main select").evaluateAll((ss) => ss.map((s) => [s.labels?.[0]?.innerText, [...s.options].map((o) => o.text).slice(0, 15)]))));
p = await open(adm, "Accueil");
await p.goto(url + "/#/admin"); await look(p, "admin");
await browser.close();
