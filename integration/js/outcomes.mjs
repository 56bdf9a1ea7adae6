// Drives the web app's outcomes on a 360 px phone, as an advocacy lead
// would: from a fulfilled commitment's page, logs the outcome it brought
// (actor, region, date and evidence filled in), finds it in the list,
// asks a verifier (their name sealed to the server), records the answer,
// marks the outcome public, reads what the browser keeps, and revises the
// outcome; another is logged offline, refused once online (the dialogue it
// cites was retracted meanwhile), fixed in its form, and sent.
//
//   node outcomes.mjs URL ADVOCACY_TOKEN COMMITMENT_ID SCREENSHOT_DIR ADMIN_TOKEN DIALOGUE_ID
//
// Prints JSON: what each step saw.
import { readFileSync } from "node:fs";
import { helpers, launch, storedText, ulid, watch } from "./browser.mjs";

const [url, token, commitment, shots, adminToken, dialogue] = process.argv.slice(2);
const canaryVerifier = "Verificatrice Canari-Theta";
const out = { steps: [], accessibility: [], problems: [] };
const step = (name, data = {}) => out.steps.push({ name, ...data });
const { audit, shot, signIn, api } = helpers({ url, shots, pin: "24680135", accessibility: out.accessibility });
const widthOf = (page) => page.evaluate(() => document.documentElement.scrollWidth);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  watch(page, out.problems);
  await signIn(page, token, "Engagements");
  await page.evaluate(() => navigator.serviceWorker.ready);

  // From the fulfilled commitment, to the outcome's form, filled in.
  await page.goto(`${url}/#/commitment/${commitment}`);
  await page.getByRole("link", { name: "Consigner le changement obtenu grâce à cet engagement" }).click();
  await page.getByRole("heading", { name: "Consigner un changement" }).waitFor();
  await page.getByLabel("Acteur social (qui a changé)").locator("option", { hasText: "Gouvernorat de Gao" }).waitFor({ state: "attached" });
  const prefilled = {
    actor: await page.getByLabel("Acteur social (qui a changé)").locator("option:checked").innerText(),
    region: await page.getByLabel("Région (seule publiée)").locator("option:checked").innerText(),
    on: await page.getByLabel("Date du changement").inputValue(),
    evidence: await page.locator("fieldset label.check").allInnerTexts(),
  };
  await page.getByRole("button", { name: "Enregistrer le changement" }).click();
  const required = await page.locator("#o-description-error").innerText();
  await page.getByLabel("Type de changement").selectOption({ label: "Pratique" });
  await page.getByLabel("Ce qui a changé").fill("Le gouvernorat reçoit chaque mois les associations de femmes de Gao");
  await page.getByLabel("Pourquoi c’est important").fill("Une première : leurs demandes sur la sécurité du marché sont entendues");
  await page.getByLabel("Contribution de l’alliance").fill("Plaidoyer du comité consultatif et suivi de l’engagement");
  await page.getByLabel("Mots-clés (séparés par des virgules)").fill("femmes, redevabilité");
  await shot(page, "outcome-form-360");
  await audit(page, "outcome form");
  const formWidth = await widthOf(page);
  await page.getByRole("button", { name: "Enregistrer le changement" }).click();
  const saved = await page.getByText("Changement enregistré").innerText();
  step("logged", { prefilled, required, saved, width: formWidth });

  // The list: the outcome, its date as French writes it.
  await page.goto(`${url}/#/outcomes`);
  await page.getByRole("heading", { name: "Changements observés" }).waitFor();
  await page.locator("ul.cards li").first().waitFor();
  const listed = await page.locator("ul.cards li").allInnerTexts();
  await shot(page, "outcomes-list-360");
  await audit(page, "outcomes list");
  step("listed", { listed, width: await widthOf(page) });

  // Its page: a verifier asked, their answer, the public mark.
  await page.locator("ul.cards li a").first().click();
  await page.getByRole("heading", { name: "Demander une vérification" }).waitFor();
  await page.getByLabel("Nom de la personne vérificatrice").fill(canaryVerifier);
  await page.getByLabel("Organisation (facultatif)").fill("Radio Canari");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  await page.getByText("Demande enregistrée.").waitFor();
  await page.getByText("en attente de réponse").waitFor();
  await page.getByLabel("Réponse", { exact: true }).selectOption({ label: "En partie d’accord" });
  await page.getByLabel("Commentaire (facultatif)").fill("Deux réunions sur trois ont eu lieu");
  await page.getByRole("button", { name: "Enregistrer la réponse" }).click();
  await page.getByText(/réponse du .* : En partie d’accord/).waitFor();
  await page.getByRole("button", { name: "Marquer public" }).click();
  await page.getByText("Marqué public : pourra être publié (région seulement).").waitFor();
  const state = await page.getByRole("heading", { name: /^Vérification/ }).innerText();
  const evidence = await page.locator("section > ul.list li").allInnerTexts();
  await shot(page, "outcome-page-360");
  await audit(page, "outcome page");
  const kept = await storedText(page);
  step("substantiated", { state, evidence, width: await widthOf(page), nameKept: kept.text.includes(canaryVerifier), nameShown: (await page.content()).includes(canaryVerifier) });

  // A revision: the form filled with the outcome as it stands; saved, it
  // takes the public mark off.
  await page.getByRole("link", { name: "Réviser" }).click();
  await page.getByRole("heading", { name: "Réviser le changement" }).waitFor();
  const before = await page.getByLabel("Ce qui a changé").inputValue();
  await page.getByLabel("Pourquoi c’est important").fill("Une première, révisée : les demandes des femmes sur le marché sont entendues");
  await page.getByRole("button", { name: "Enregistrer la révision" }).click();
  await page.getByText("Révision enregistrée").waitFor();
  await page.getByRole("link", { name: "Retour au changement" }).click();
  await page.getByText("Non public : ne sera jamais publié.").waitFor();
  step("revised", { before, evidence: await page.locator("section > ul.list li").allInnerTexts() });

  // Its history, event by event; the commitment's page lists it; the
  // list exports it as the API gives it.
  const history = await page.locator("h2:text-is('Historique') + ol li").allInnerTexts();
  const citingList = "h2:text-is('Changements qui citent cet engagement') + ul li";
  await page.goto(`${url}/#/commitment/${commitment}`);
  await page.locator(citingList).first().waitFor();
  const citing = await page.locator(citingList).allInnerTexts();
  await audit(page, "a commitment's page");
  await page.goto(`${url}/#/outcomes`);
  await page.locator("ul.cards li").first().waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter (CSV)" }).click()]);
  const csv = readFileSync(await download.path(), "utf8");
  step("followed", { history, citing, exportName: download.suggestedFilename(), exportHolds: csv.includes("Le gouvernorat reçoit chaque mois") && csv.includes("Pratique") });

  // Offline, another outcome from the commitment (its page kept on the
  // device) waits in the outbox; meanwhile, on another device, the
  // dialogue it cites is retracted: back online, it is refused, fixed in
  // its form, and goes.
  await context.setOffline(true);
  await page.goto(`${url}/#/outcome/new/${commitment}`);
  await page.getByRole("heading", { name: "Consigner un changement" }).waitFor();
  await page.getByLabel("Type de changement").selectOption({ label: "Agenda" });
  await page.getByLabel("Date du changement").fill("2025-06-01");
  await page.getByLabel("Ce qui a changé").fill("La sécurité du marché est à l’ordre du jour du conseil régional");
  await page.getByLabel("Pourquoi c’est important").fill("Le conseil en décide le budget");
  await page.getByLabel("Contribution de l’alliance").fill("Plaidoyer du comité");
  await page.getByRole("button", { name: "Enregistrer le changement" }).click();
  await page.getByText("Changement enregistré").waitFor();
  await api(adminToken, `mutation($c: ID!, $id: ID!) { retractDialogue(commandId: $c, id: $id, input: {reason: "saisi en double"}) { id } }`, { c: ulid(), id: dialogue });
  await page.goto(`${url}/#/outbox`);
  await page.getByRole("heading", { name: "À envoyer" }).waitFor();
  await page.locator(".outbox li .state").first().waitFor();
  const offline = await page.locator(".outbox li").allInnerTexts();
  await context.setOffline(false);
  await page.getByRole("button", { name: "Envoyer maintenant" }).click();
  await page.locator(".outbox li.state-refused").waitFor();
  const refusal = await page.locator(".outbox li.state-refused .error").innerText();
  await page.getByRole("link", { name: "Corriger" }).click();
  await page.getByRole("heading", { name: "Consigner un changement" }).waitFor();
  const fixError = await page.locator("fieldset .error").innerText();
  await page.locator("fieldset label.check", { hasText: "Dialogue" }).locator("input").uncheck();
  await page.getByRole("button", { name: "Enregistrer le changement" }).click();
  await page.getByRole("heading", { name: "À envoyer" }).waitFor();
  await page.getByRole("button", { name: "Envoyer maintenant" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll(".outbox li .state")].every((e) => e.textContent === "Envoyé"), null, { timeout: 15000 });
  step("offline", { offline, refusal, fixError, sent: await page.locator(".outbox li .state").allInnerTexts() });
} catch (e) {
  out.error = String(e.stack || e);
  for (const c of browser.contexts()) for (const p of c.pages()) await p.screenshot({ path: `${shots}/outcomes-failed.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
