// Drives the web app's results framework and donor report on a 360 px
// phone, as an M&E officer with an admin's token would: defines a
// framework, its outcome, result and two indicators (one entered by hand,
// one computed by a rule), enters a value with its evidence, adds a
// partner to the programme, opens the
// donor report for the year and downloads it as XLSX and IATI (French and
// English), then reads it offline; an analyst reads the framework and the
// report with no form offered.
//
//   node results.mjs URL ADMIN_TOKEN ANALYST_TOKEN SCREENSHOT_DIR YEAR
//
// Prints JSON: what each step saw.
import { readFileSync } from "node:fs";
import { helpers, launch, watch } from "./browser.mjs";

const [url, token, analystToken, shots, year] = process.argv.slice(2);
const out = { steps: [], accessibility: [], problems: [] };
const step = (name, data = {}) => out.steps.push({ name, ...data });
const { audit, shot, signIn } = helpers({ url, shots, pin: "24680135", accessibility: out.accessibility });
const widthOf = (page) => page.evaluate(() => document.documentElement.scrollWidth);
const back = async (page, saved) => {
  await page.getByText(saved).waitFor();
  await page.getByRole("link", { name: "Retour au cadre de résultats" }).click();
};

// defineFramework: the programme's form, tried empty first.
async function defineFramework(page) {
  await page.goto(`${url}/#/frameworks`);
  await page.getByRole("heading", { name: "Cadre de résultats" }).waitFor();
  await page.getByRole("link", { name: "Nouveau cadre de résultats" }).click();
  await page.getByRole("heading", { name: "Nouveau cadre de résultats" }).waitFor();
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  const required = await page.locator("#p-title-error").innerText();
  await page.getByLabel("Titre du programme").fill("Voix citoyennes pour la sécurité");
  await page.getByLabel("Identifiant IATI de l’activité").fill("NL-KVK-12345678-VCS");
  await page.locator("#reportingOrg-name").fill("Alliance Voix citoyennes");
  await page.locator("#reportingOrg-ref").fill("NL-KVK-12345678");
  await page.locator("#reportingOrg-type").selectOption("21");
  await page.getByLabel("Début du programme").fill("2025-01-01");
  await page.getByLabel("Nom de la liste (facultatif)").fill("Indicateurs de base du MAE");
  await page.getByLabel("Adresse où la liste est publiée (https://…)").fill("https://example.org/basket-indicators");
  await shot(page, "framework-form-360");
  await audit(page, "the programme's form");
  const width = await widthOf(page);
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  await back(page, "Cadre de résultats enregistré.");
  await page.getByRole("heading", { name: "Voix citoyennes pour la sécurité" }).waitFor();
  step("defined", { required, width });
}

// buildParts: an outcome, a result, an indicator by hand and one by rule.
async function buildParts(page) {
  await page.getByRole("link", { name: "Ajouter un effet" }).click();
  await page.getByLabel("Clé").fill("OC1");
  await page.getByLabel("Titre", { exact: true }).fill("Les autorités rendent compte aux communautés");
  await page.getByRole("button", { name: "Enregistrer l’effet" }).click();
  await back(page, "Effet enregistré.");
  await page.getByRole("link", { name: "Ajouter un résultat OC1" }).click();
  await page.getByLabel("Type de résultat (IATI)").selectOption({ label: "Effet" });
  await page.getByLabel("Clé").fill("R1");
  await page.getByLabel("Titre", { exact: true }).fill("Des lois et politiques de sécurité plus inclusives");
  await page.getByRole("button", { name: "Enregistrer le résultat" }).click();
  await back(page, "Résultat enregistré.");
  await page.getByRole("link", { name: "Ajouter un indicateur R1" }).click();
  await page.getByLabel("Clé").fill("I1");
  await page.getByLabel("Intitulé de l’indicateur").fill("Lois, politiques et normes adoptées ou améliorées");
  // A qualitative indicator's description is published: its form says so.
  await page.getByLabel("Mesure").selectOption({ label: "Qualitatif" });
  await page.getByText("Publiée dans le rapport au bailleur").first().waitFor({ timeout: 5000 });
  await shot(page, "indicator-qualitative-360");
  await page.getByLabel("Mesure").selectOption({ label: "Nombre" });
  await page.locator("#i-baseline").fill("0");
  await page.getByLabel("Année de la cible 1").fill(year);
  await page.locator("#i-target-0").fill("3");
  await page.getByLabel("Codes du bailleur (séparés par des virgules, facultatif)").fill("SCS-1");
  await shot(page, "indicator-form-360");
  await audit(page, "an indicator's form");
  const width = await widthOf(page);
  await page.getByRole("button", { name: "Enregistrer l’indicateur" }).click();
  await back(page, "Indicateur enregistré.");
  await page.getByRole("link", { name: "Ajouter un indicateur R1" }).click();
  await page.getByLabel("Clé").fill("I2");
  await page.getByLabel("Intitulé de l’indicateur").fill("Participations aux dialogues communautaires");
  await page.getByLabel("Règle de calcul").selectOption({ label: "Participations aux dialogues (par sexe, âge, handicap)" });
  const measure = await page.getByLabel("Mesure").locator("option:checked").innerText();
  await page.locator("#i-baseline").fill("0");
  await page.getByLabel("Année de la cible 1").fill(year);
  await page.locator("#i-target-0").fill("1 000");
  await page.getByRole("button", { name: "Enregistrer l’indicateur" }).click();
  await back(page, "Indicateur enregistré.");
  step("built", { width, ruleMeasure: measure });
}

// enterValue: a value for the indicator entered by hand, with evidence.
async function enterValue(page) {
  await page.getByRole("link", { name: "Saisir une valeur I1" }).click();
  await page.getByRole("heading", { name: "Saisir une valeur" }).waitFor();
  await page.getByLabel("Année").fill(year);
  await page.getByLabel("Valeur", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Enregistrer la valeur" }).click();
  const evidenceAsked = await page.locator("#v-evidence-error").innerText();
  await page.getByLabel("Justificatifs").fill("Arrêté régional n° 2026-014 (Gao)\nCompte rendu du comité consultatif");
  await page.getByRole("button", { name: "Enregistrer la valeur" }).click();
  await back(page, "Valeur enregistrée.");
  await page.locator("li.indicator", { hasText: "Arrêté régional" }).waitFor();
  // Given a rule now, the indicator is refused by the server (its values
  // were entered by hand): told beside the rule, corrected, and saved.
  await page.getByRole("link", { name: "Modifier l’indicateur I1" }).click();
  await page.getByLabel("Règle de calcul").selectOption({ label: "Engagements tenus dans l’année" });
  await page.getByRole("button", { name: "Enregistrer l’indicateur" }).click();
  const refusal = await page.locator("#i-rule-error").innerText();
  await page.getByLabel("Règle de calcul").selectOption({ label: "Aucune : saisi à la main" });
  await page.getByRole("button", { name: "Enregistrer l’indicateur" }).click();
  await back(page, "Indicateur enregistré.");
  await page.locator("li.indicator", { hasText: "Arrêté régional" }).waitFor();
  const cards = await page.locator("li.indicator").allInnerTexts();
  await shot(page, "framework-360");
  await audit(page, "a framework's page");
  step("valued", { evidenceAsked, refusal, cards, width: await widthOf(page) });
}

// changeProgramme: the programme's form again, filled as it stands, a
// partner added with its region.
async function changeProgramme(page) {
  await page.getByRole("link", { name: "Modifier le programme" }).click();
  await page.getByRole("heading", { name: "Modifier le programme" }).waitFor();
  const before = await page.getByLabel("Identifiant IATI de l’activité").inputValue();
  await page.getByRole("button", { name: "Ajouter un partenaire" }).click();
  await page.locator("#pa-0-key").fill("MOP");
  await page.locator("#pa-0-name").fill("Mopti Paix");
  await page.locator("#pa-0-type").selectOption("22");
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  const regionAsked = await page.getByText("Au moins une région.").innerText();
  await page.getByRole("checkbox", { name: "Mopti" }).check();
  await shot(page, "programme-partner-360");
  await audit(page, "the programme's form with a partner");
  const width = await widthOf(page);
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  await back(page, "Programme modifié.");
  const facts = await page.locator("dl.facts").first().innerText();
  step("changed", { before, regionAsked, facts, width });
}

// donorReport: the year's figures, and the files downloaded.
async function donorReport(page) {
  await page.goto(`${url}/#/report`);
  await page.getByRole("heading", { name: "Rapport au bailleur" }).waitFor();
  await page.getByLabel("Année").selectOption(year);
  const card = page.locator("li.indicator", { hasText: "I1 —" });
  await card.waitFor();
  const figures = await card.locator(".figures div").allInnerTexts();
  const computed = await page.locator("li.indicator", { hasText: "I2 —" }).innerText();
  await shot(page, "donor-report-360");
  await audit(page, "the donor report");
  const width = await widthOf(page);
  const fetchFile = async (button) => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button }).click()]);
    const path = `${shots}/${download.suggestedFilename()}`;
    await download.saveAs(path);
    return { name: download.suggestedFilename(), path };
  };
  const xlsx = await fetchFile("Télécharger (Excel)");
  const iati = await fetchFile("Télécharger (IATI XML)");
  await page.getByLabel("Langue des fichiers").selectOption("en");
  const iatiEn = await fetchFile("Télécharger (IATI XML)");
  step("reported", { figures, computed, width, xlsx: xlsx.path, xlsxName: xlsx.name, iatiName: iati.name, iati: readFileSync(iati.path, "utf8"), iatiEn: readFileSync(iatiEn.path, "utf8") });
}

// offline: the report last loaded, read with no network.
async function offline(context, page) {
  await context.setOffline(true);
  await page.goto(`${url}/#/frameworks`);
  await page.getByRole("heading", { name: "Cadre de résultats" }).waitFor();
  // (the list as last loaded here: before the framework was defined)
  await page.getByRole("status").filter({ hasText: "état gardé" }).first().waitFor();
  await page.goto(`${url}/#/report`);
  await page.getByRole("heading", { name: "Rapport au bailleur" }).waitFor();
  await page.locator("li.indicator", { hasText: "I1 —" }).waitFor();
  const kept = await page.getByRole("status").filter({ hasText: "état gardé" }).first().innerText();
  await context.setOffline(false);
  step("offline", { kept });
}

// analyst: reads the framework and the report; no form is offered.
async function analyst(browser) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  watch(page, out.problems);
  await signIn(page, analystToken, "Tableau de bord");
  const nav = await page.locator("header nav a").allInnerTexts();
  await page.goto(`${url}/#/frameworks`);
  await page.getByRole("link", { name: "Voix citoyennes pour la sécurité" }).click();
  await page.locator("li.indicator").first().waitFor();
  const forms = await page.getByRole("link", { name: /Ajouter|Modifier|Saisir|Nouveau/ }).count();
  await page.getByRole("link", { name: "Rapport au bailleur" }).last().click();
  await page.locator("li.indicator", { hasText: "I1 —" }).waitFor();
  step("analyst", { nav, forms, figures: await page.locator("li.indicator", { hasText: "I1 —" }).locator(".figures div").allInnerTexts() });
  await context.close();
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR", acceptDownloads: true });
  const page = await context.newPage();
  watch(page, out.problems);
  await signIn(page, token);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await defineFramework(page);
  await buildParts(page);
  await enterValue(page);
  await changeProgramme(page);
  await donorReport(page);
  await offline(context, page);
  await analyst(browser);
} catch (e) {
  out.error = String(e.stack || e);
  for (const c of browser.contexts()) for (const p of c.pages()) await p.screenshot({ path: `${shots}/results-failed.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
