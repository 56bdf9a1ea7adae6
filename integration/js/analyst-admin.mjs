// The analyst's and the admin's stories on a 360 px phone, for webapp.mjs:
// the dashboard of every region over 12 months by month, a refusal told
// on the page, and its export; the admin's participants by region and an
// erasure by code, confirmed with the admin's token presented again.
import { watch } from "./browser.mjs";

// widthOf is how wide the page is laid out: wider than the screen means
// sideways scrolling.
const widthOf = (page) => page.evaluate(() => document.documentElement.scrollWidth);

// analystStory: the dashboard as it opens (every region, the last 12
// months by month), read and exported; then a period the server refuses.
export async function analystStory(browser, { url, token, shots, signIn, problems, audit, shot }) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR", acceptDownloads: true });
  const page = await context.newPage();
  watch(page, problems);
  await signIn(page, token, "Tableau de bord de l’inclusion");
  const region = await page.getByLabel("Région").locator("option:checked").innerText();
  await page.locator("table tbody tr").first().waitFor();
  await page.waitForTimeout(300);
  const rows = await page.locator("table tbody tr").allInnerTexts();
  const withheld = await page.locator("table .withheld").allInnerTexts();
  const total = await page.locator("table tfoot tr").innerText();
  // Every column of a space is on screen, and each bar's whole name.
  const cells = await page.locator("table tbody tr").first().locator("td").evaluateAll((tds) =>
    tds.map((td) => { const r = td.getBoundingClientRect(); return { left: r.left, right: r.right, height: r.height }; }));
  const onScreen = cells.filter((c) => c.left >= 0 && c.right <= 360 && c.height > 0).length;
  const barLabels = await page.locator(".chart.bars .bar-label").evaluateAll((ls) => ls.map((l) => ({ text: l.textContent, size: parseFloat(getComputedStyle(l).fontSize) })));
  const trendLabel = await page.locator(".chart svg text").first().evaluate((t) => t.getBoundingClientRect().height);
  const width = await widthOf(page);
  await audit(page, "dashboard");
  await shot(page, "7-dashboard-360");
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter (Excel)" }).click()]);
  const saved = `${shots}/dashboard.xlsx`;
  await file.saveAs(saved);
  const exportProblem = await page.locator("#export-problem").count();
  // One region's detail: every space by month.
  await page.getByLabel("Région").selectOption({ label: "Gao" });
  await page.getByLabel("avec chaque mois de chaque espace").check();
  const [detailed] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter (Excel)" }).click()]);
  const savedDetail = `${shots}/dashboard-gao.xlsx`;
  await detailed.saveAs(savedDetail);
  // A region nobody met in: no share of nobody reads as 0 %.
  await page.getByLabel("Région").selectOption({ label: "Kidal" });
  await page.getByText("Aucune présence").waitFor();
  const emptyRegion = (await page.locator("main").innerText()).split("\n").filter((l) => /Aucune présence|Total|%|—/.test(l)).join(" | ");
  await page.getByLabel("Région").selectOption({ label: "Toutes les régions" });

  // Twenty years by month: named before anything is sent.
  await page.getByLabel("Du", { exact: true }).fill("2006-01-01");
  const tooMany = await page.getByRole("alert").innerText();
  // Dates the server refuses: told in French, with what to change.
  await page.getByLabel("Par").selectOption({ label: "trimestre" });
  await page.getByLabel("Au", { exact: true }).fill("1950-06-30");
  await page.getByLabel("Du", { exact: true }).fill("1949-10-01");
  await page.getByText("Dates refusées").waitFor();
  const refused = await page.getByRole("alert").innerText();
  const tablesAfterRefusal = await page.locator("table").count();
  await audit(page, "dashboard, refused");
  await shot(page, "7b-dashboard-refused-360");
  await context.close();
  return { region, rows, withheld, total, columnsOnScreen: onScreen, columns: cells.length, barLabels, trendLabel, width,
    download: file.suggestedFilename(), saved, savedDetail, emptyRegion, exportProblem, tooMany, refused, tablesAfterRefusal };
}

// storedText is everything a page keeps in the browser, as text.
async function storedText(page) {
  return page.evaluate(async () => {
    const parts = [JSON.stringify(Object.fromEntries(Object.entries(localStorage))), JSON.stringify(Object.fromEntries(Object.entries(sessionStorage)))];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, fail) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
      for (const store of db.objectStoreNames) {
        parts.push(JSON.stringify(await new Promise((ok, fail) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = fail; })));
      }
      db.close();
    }
    return parts.join("\n");
  });
}

// adminErasure: the participants of a region, one chosen by code, what
// will be erased, a wrong token refused, the right one accepted, and the
// page no wider than the phone.
export async function adminErasure(browser, { url, token, code, shots, signIn, problems, audit, shot }) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(String(e)));
  await signIn(page, token);
  await page.goto(url + "/#/admin");
  await page.getByRole("heading", { name: "Jetons d’accès" }).waitFor();
  await page.locator("table.tokens tbody tr").first().waitFor();
  const adminWidth = await widthOf(page);
  await shot(page, "9b-admin-360");

  await page.goto(url + "/#/participants");
  await page.getByRole("heading", { name: "Participant·es par région" }).waitFor();
  await page.getByLabel("Région").selectOption({ label: "Gao" });
  await page.locator(".codes li").first().waitFor();
  const listed = await page.locator(".codes li span").allInnerTexts();
  await audit(page, "admin's participants");
  await shot(page, "11-admin-participants-360");
  await page.locator(".codes li", { hasText: code }).getByRole("link", { name: "Effacer…" }).click();
  await page.getByRole("heading", { name: "Ce qui sera effacé" }).waitFor();
  const facts = await page.locator(".confirm .facts").innerText();
  await page.getByLabel("Je comprends que c’est définitif").check();
  await page.getByLabel("Votre jeton d’administration").fill(token + "x");
  await page.getByRole("button", { name: `Effacer ${code} définitivement` }).click();
  await page.getByText("Ce jeton n’est pas valide").waitFor();
  const wrongToken = await page.getByRole("alert").innerText();
  const tokenKept = await page.getByLabel("Votre jeton d’administration").inputValue();
  await page.getByLabel("Votre jeton d’administration").fill(token);
  await audit(page, "erasure, confirming");
  await shot(page, "12-erase-confirm-360");
  await page.getByRole("button", { name: `Effacer ${code} définitivement` }).click();
  await page.getByText(`${code} est effacé·e`).waitFor();
  const done = await page.getByRole("status").first().innerText();
  await audit(page, "erasure, done");
  await shot(page, "13-erased-360");
  const eraseWidth = await widthOf(page);
  // Looked up again: already erased.
  await page.getByLabel("Code du/de la participant·e").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Chercher" }).click();
  await page.getByText("Déjà effacé·e.").waitFor();
  const stored = await storedText(page);
  await context.close();
  return { adminWidth, eraseWidth, codes: listed, facts, wrongToken, tokenKept, done, tokenStored: stored.includes(token), queued: stored.includes("eraseParticipant") };
}
