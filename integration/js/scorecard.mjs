// Prints a stakeholder's scorecard as an advocacy lead would before
// meeting that authority: the screen view on a 360 px phone, then its
// A4 sheet, printed to PDF by Chromium (page.pdf, as "Enregistrer au
// format PDF" does), read back with PDF.js: its pages, and its text.
//
//   node scorecard.mjs URL ADVOCACY_TOKEN STAKEHOLDER_ID SCREENSHOT_DIR NAME
//
// (NAME begins the screenshots' and the PDF's file names.)
//
// Prints JSON: what it saw.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { helpers, launch, watch } from "./browser.mjs";

const [url, token, holder, shots, name] = process.argv.slice(2);
const out = { accessibility: [], problems: [] };
const { audit, shot, signIn } = helpers({ url, shots, pin: "13572468", accessibility: out.accessibility });
const widthOf = (page) => page.evaluate(() => document.documentElement.scrollWidth);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  watch(page, out.problems);
  await signIn(page, token, "Engagements");

  // The screen view: a phone's width, no sideways scroll.
  await page.goto(`${url}/#/scorecard/${holder}`);
  await page.getByRole("heading", { name: /^Fiche de suivi/ }).waitFor();
  await page.locator(".scorecard h2").first().waitFor();
  await shot(page, `${name}-360`);
  await audit(page, "scorecard");
  // what scrolls sideways inside the page (a table in a scrolling box)
  const sideways = await page.evaluate(() => [...document.querySelectorAll("main *")].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible").map((e) => e.tagName + "." + e.className));
  out.screen = { width: await widthOf(page), sideways, heading: await page.getByRole("heading", { level: 1 }).innerText() };

  // The sheet, fitted to its page.
  await page.getByRole("link", { name: "Imprimer / PDF (une page A4)" }).click();
  await page.locator(".sheet tbody tr").first().waitFor();
  await page.waitForFunction(() => new Promise((ok) => {
    const size = document.querySelector(".sheet").style.fontSize;
    setTimeout(() => ok(document.querySelector(".sheet").style.fontSize === size), 300);
  }));
  await shot(page, `${name}-sheet-360`);
  await audit(page, "scorecard sheet");
  out.sheet = await page.evaluate(() => {
    const sheet = document.querySelector(".sheet");
    const rows = [...sheet.querySelectorAll("tbody tr")];
    return {
      size: sheet.style.fontSize,
      rows: rows.length,
      texts: rows.map((r) => r.cells[0].firstChild.textContent),
      followUps: rows.map((r) => r.cells[4].querySelectorAll("li").length).reduce((a, b) => a + b, 0),
      left: [...sheet.querySelectorAll("p.help")].map((p) => p.innerText).find((s) => s.includes("ne tiennent pas")) ?? "",
      button: document.querySelector(".sheet-tools button")?.innerText ?? "",
    };
  });
  out.sheet.width = await widthOf(page);

  // Printed: A4, one page; its text as PDF.js reads it.
  const pdf = await page.pdf({ format: "A4", path: `${shots}/${name}.pdf` });
  out.pdf = { pageObjects: (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length };
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  out.pdf.pages = doc.numPages;
  const first = await (await doc.getPage(1)).getTextContent();
  out.pdf.text = first.items.map((i) => i.str + (i.hasEOL ? " " : "")).join("").replace(/\s+/g, " ");
  const view = (await doc.getPage(1)).view;
  out.pdf.sizeMm = [Math.round((view[2] * 25.4) / 72), Math.round((view[3] * 25.4) / 72)];

  // The A4 page as it prints, to look at.
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: `${shots}/${name}-a4.png` });
  await context.close();
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
