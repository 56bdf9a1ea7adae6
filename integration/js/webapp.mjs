// Drives palabre's web app in headless Chromium (Debian's) as a facilitator
// would: signs in, logs a dialogue online, goes offline, enrols a
// participant and logs a dialogue with them, reloads while offline, comes
// back online and sees everything sent; fixes a refused enrolment; then
// reads what the browser keeps (IndexedDB, localStorage, Cache Storage).
// A facilitator of another region then signs in on another device.
//
// An advocacy lead then records progress and fulfilment of a commitment
// and reads the stakeholder's scorecard; an analyst reads the dashboard of
// every region on a phone and exports it as XLSX (analyst-admin.mjs).
//
// An admin makes a token, shown once with its QR code, which then signs
// in; then, on a phone, erases a participant found by code.
//
// The facilitator also checks, then imports, a Kobo export on the upload
// page.
//
//   node webapp.mjs URL GAO_TOKEN MOPTI_TOKEN ADVOCACY_TOKEN ANALYST_TOKEN ADMIN_TOKEN SCREENSHOT_DIR KOBO_XLSX
//
// Prints JSON: what each step saw.
import { adminErasure, analystStory } from "./analyst-admin.mjs";
import { helpers, launch, storedText, ulid } from "./browser.mjs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, gaoToken, moptiToken, advocacyToken, analystToken, adminToken, shots, koboExport] = process.argv.slice(2);
const canaryName = "Kadiatou Canari-Zeta";
const canaryPhone = "+223-CANARY-777";
const pin = "13579024";
const out = { steps: [] };
const step = (name, data = {}) => out.steps.push({ name, ...data });
out.accessibility = [];

const browser = await launch();
const { audit, shot, signIn, enterPin, api } = helpers({ url, shots, pin, accessibility: out.accessibility });

// fillDialogue fills the dialogue form's required fields and a headcount.
async function fillDialogue(page, { date, women, men }) {
  const space = page.getByLabel("Espace de concertation");
  await space.locator("option", { hasText: "Comité consultatif de sécurité de Gao" }).waitFor({ state: "attached" });
  await space.selectOption({ label: "Comité consultatif de sécurité de Gao" });
  await page.getByLabel("Date", { exact: true }).fill(date);
  await page.getByLabel("Format").selectOption({ label: "Dialogue communautaire" });
  await page.getByLabel("Pilier").selectOption({ label: "Sécurité" });
  await page.getByLabel("Femmes — Adultes").fill(String(women));
  await page.getByLabel("Hommes — Adultes").fill(String(men));
}

async function outboxStates(page) {
  await page.goto(url + "/#/outbox");
  await page.getByRole("heading", { name: "À envoyer" }).waitFor();
  // The list is read from IndexedDB after the heading shows: wait for it.
  await page.waitForFunction(() => document.querySelector(".outbox li .state") || document.querySelector("main")?.textContent.includes("Rien en attente."));
  return page.locator(".outbox li .state").allInnerTexts();
}

const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(String(e)));

  // The first visit: what the JS and CSS weigh on the wire.
  const firstVisit = [];
  const onResponse = async (res) => {
    if (!/\.(js|css)$/.test(new URL(res.url()).pathname) || new URL(res.url()).pathname === "/sw.js") return;
    const h = await res.allHeaders();
    firstVisit.push({ path: new URL(res.url()).pathname, encoding: h["content-encoding"] || "", bytes: Number(h["content-length"] || 0), vary: h["vary"] || "" });
  };
  page.on("response", onResponse);
  await page.goto(url + "/");
  await page.getByRole("heading", { name: "Connexion" }).waitFor();
  await page.waitForLoadState("load");
  await page.waitForTimeout(300);
  page.off("response", onResponse);
  out.firstVisit = firstVisit;
  await shot(page, "1-sign-in");
  await audit(page, "sign in");
  await page.getByLabel("Votre jeton d’accès").fill(gaoToken + "x");
  await page.getByRole("button", { name: "Se connecter" }).click();
  const refusedToken = await page.getByRole("alert").innerText();
  await page.getByLabel("Votre jeton d’accès").fill(gaoToken);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.locator("#pin").waitFor();
  await shot(page, "1b-pin-choose");
  await audit(page, "choosing a PIN");
  await enterPin(page);
  await page.getByRole("heading", { name: "Accueil" }).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await audit(page, "facilitator's home");
  // On a 360 px phone the menu takes one row: the page's title is near the top.
  const headingTop = (await page.getByRole("heading", { name: "Accueil" }).boundingBox()).y;
  step("signed in", { refusedToken, who: await page.locator(".who").innerText(), headingTop });

  // Online: a dialogue, sent at once.
  await page.goto(url + "/#/dialogue");
  await fillDialogue(page, { date: "2999-01-01", women: 7, men: 5 });
  // A date in the future is refused as it is typed, next to its field.
  const futureError = await page.locator("#heldOn-error").innerText();
  await page.getByLabel("Date", { exact: true }).fill("2026-05-04");
  await page.getByLabel("Thèmes (séparés par des virgules)").fill("Sécurité du marché, Patrouilles");
  await page.getByRole("button", { name: "Ajouter une préoccupation" }).click();
  await page.getByLabel("Préoccupations soulevées", { exact: true }).selectOption({ index: 1 });
  await page.getByLabel("Résumé (facultatif)").fill("Routes peu sûres le soir");
  // The grid checks as one types: a subset above the total is named.
  await page.getByLabel(/dont personnes handicapées/).fill("40");
  const subsetError = await page.locator("#hc-withDisabilities-error").innerText();
  await page.getByLabel(/dont personnes handicapées/).fill("1");
  await shot(page, "2-dialogue-form");
  await audit(page, "dialogue form");
  await page.getByRole("button", { name: "Enregistrer le dialogue" }).click();
  await page.getByText("Dialogue enregistré").waitFor();
  // The confirmation is where the person is looking: on screen, focused.
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "status", null, { timeout: 3000 }).catch(() => {});
  const confirmation = await page.evaluate(() => {
    const el = [...document.querySelectorAll("[role=status]")].find((e) => e.textContent.includes("Dialogue enregistré"));
    const r = el.getBoundingClientRect();
    return { inView: r.top >= 0 && r.bottom <= innerHeight, focused: document.activeElement === el };
  });
  await page.screenshot({ path: `${shots}/2b-dialogue-saved.png` });
  step("online dialogue", { subsetError, futureError, confirmation, states: await outboxStates(page) });

  // Offline: an enrolment (behind the PIN) and a dialogue with them.
  await context.setOffline(true);
  await page.goto(url + "/#/enrol");
  await page.getByLabel("Code du/de la participant·e").fill("GAO-0100");
  await page.getByLabel("Nom", { exact: true }).fill(canaryName);
  await page.getByLabel("Téléphone (facultatif)").fill(canaryPhone);
  await page.getByLabel("Sexe").selectOption({ label: "Femme" });
  await page.getByLabel("Tranche d’âge").selectOption({ label: "25 à 35 ans" });
  await page.getByLabel("Déplacement").selectOption({ label: "Déplacé·e interne" });
  await page.getByLabel(/difficultés à marcher/).selectOption({ label: "Beaucoup de difficulté" });
  await page.getByLabel("La personne accepte d’être enregistrée").check();
  await shot(page, "3-enrol-offline");
  await audit(page, "enrolment form");
  await page.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByText("Inscription enregistrée").waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "status", null, { timeout: 3000 }).catch(() => {});
  const enrolConfirmation = await page.evaluate(() => {
    const el = [...document.querySelectorAll("[role=status]")].find((e) => e.textContent.includes("Inscription enregistrée"));
    const r = el.getBoundingClientRect();
    return { inView: r.top >= 0 && r.bottom <= innerHeight, focused: document.activeElement === el };
  });

  await page.goto(url + "/#/dialogue");
  await fillDialogue(page, { date: "2026-05-06", women: 2, men: 3 });
  await page.getByLabel("Chercher par code").fill("0100");
  await page.getByRole("button", { name: "Ajouter GAO-0100" }).click();
  await page.getByLabel("A pris la parole").check();
  await page.getByRole("button", { name: "Enregistrer le dialogue" }).click();
  await page.getByText("Dialogue enregistré").waitFor();

  // An enrolment the server will refuse: its code is given, meanwhile,
  // to someone else on another device; the birth year out of range is
  // refused as it is typed.
  await page.goto(url + "/#/enrol");
  await page.getByLabel("Code du/de la participant·e").fill("GAO-0101");
  await page.getByLabel("Nom", { exact: true }).fill("Ousmane Canari-Yod");
  await page.getByLabel("Sexe").selectOption({ label: "Homme" });
  await page.getByLabel("Année de naissance").fill("1850");
  const typedYearError = await page.locator("#birthYear-error").innerText();
  await page.getByLabel("Année de naissance").fill("1990");
  await page.getByLabel("Déplacement").selectOption({ label: "Non déplacé·e" });
  await page.getByLabel("La personne accepte d’être enregistrée").check();
  await page.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByText("Inscription enregistrée").waitFor();

  await api(adminToken, `mutation($c: ID!, $i: EnrolParticipantInput!, $n: IdentityInput!) { enrolParticipant(commandId: $c, input: $i, identity: $n) { id } }`,
    { c: ulid(), i: { code: "GAO-0101", sex: "MALE", ageBand: "AGE_36_59", displacement: "NONE", region: "gao", groups: [], functioning: {}, consent: { given: true, on: "2026-05-01" } }, n: { name: "Moussa Autre" } });

  // The tab reloads with no network: the app opens behind its PIN, and
  // the outbox is there.
  await page.evaluate(() => { location.hash = "#/" });
  await page.reload();
  await page.locator("#pin").waitFor();
  await shot(page, "3b-pin-unlock");
  await audit(page, "unlocking");
  await enterPin(page);
  await page.getByRole("heading", { name: "Accueil" }).waitFor();
  const offlineBanner = await page.getByRole("status").first().innerText();
  const offlineStates = await outboxStates(page);
  const offlineItems = await page.locator(".outbox li").allInnerTexts();
  await shot(page, "4-outbox-offline");
  await audit(page, "outbox, offline");
  const offlineStore = await storedText(page);
  step("offline", { offlineBanner, states: offlineStates, items: offlineItems, typedYearError, confirmation: enrolConfirmation });

  // Back online, it all goes.
  await context.setOffline(false);
  await page.getByRole("button", { name: "Envoyer maintenant" }).click();
  await page.locator(".outbox li.state-refused").waitFor();
  const refusal = await page.locator(".outbox li.state-refused .error").innerText();
  await shot(page, "5-outbox-refused");
  const afterOnline = await page.locator(".outbox li .state").allInnerTexts();

  // Fix the refused one in its form: the error is next to the field.
  await page.getByRole("link", { name: "Corriger" }).click();
  const fieldError = await page.locator("#code-error").innerText();
  await page.getByLabel("Nom", { exact: true }).fill("Ousmane Canari-Yod");
  await page.getByLabel("Code du/de la participant·e").fill("GAO-0103");
  await page.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByRole("heading", { name: "À envoyer" }).waitFor();
  await page.getByRole("button", { name: "Envoyer maintenant" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll(".outbox li .state")].every((e) => e.textContent === "Envoyé"), null, { timeout: 15000 });
  const finalStates = await page.locator(".outbox li .state").allInnerTexts();
  const onlineStore = await storedText(page);
  step("back online", { refusal, fieldError, afterOnline, states: finalStates });

  // Without leaving the dialogue form: someone found by name, and someone
  // new enrolled on the spot.
  await page.goto(url + "/#/dialogue");
  await fillDialogue(page, { date: "2026-05-08", women: 1, men: 1 });
  await page.getByRole("textbox", { name: "Chercher par nom" }).fill("canari zeta  KADIATOU");
  await page.getByRole("button", { name: "Chercher", exact: true }).click();
  await page.getByRole("button", { name: "Ajouter GAO-0100" }).waitFor();
  const byName = await page.locator(".lookup [role=status]").innerText();
  await shot(page, "5b-find-by-name");
  await page.getByRole("button", { name: "Ajouter GAO-0100" }).click();
  await page.getByRole("textbox", { name: "Chercher par nom" }).fill("");
  const afterLookupStore = await storedText(page);
  step("by name", { byName });
  await page.getByRole("button", { name: "Inscrire une nouvelle personne" }).click();
  const modal = page.getByRole("dialog");
  await modal.getByLabel("Code du/de la participant·e").fill("GAO-0102");
  await modal.getByLabel("Nom", { exact: true }).fill("Aïcha Canari-Eta");
  await modal.getByLabel("Sexe").selectOption({ label: "Femme" });
  await modal.getByLabel("Tranche d’âge").selectOption({ label: "18 à 24 ans" });
  await modal.getByLabel("Déplacement").selectOption({ label: "Non déplacé·e" });
  await modal.getByLabel("La personne accepte d’être enregistrée").check();
  await modal.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByText("GAO-0102", { exact: true }).first().waitFor();
  const formDate = await page.getByLabel("Date", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Enregistrer le dialogue" }).click();
  await page.getByText("Dialogue enregistré").waitFor();

  // Correcting the first dialogue's attendance.
  await page.goto(url + "/#/");
  await page.getByRole("link", { name: /2026-05-04/ }).click();
  await page.getByRole("button", { name: "Corriger la présence" }).click();
  await page.getByRole("heading", { name: "Non inscrit·es" }).or(page.getByText("Non inscrit·es")).first().waitFor();
  const dialoguePage = await page.locator("main").innerText();
  await audit(page, "a dialogue's page");
  await page.getByLabel("Femmes — Adultes").fill("8");
  await page.getByRole("button", { name: "Enregistrer la présence corrigée" }).click();
  await page.getByText("Présence corrigée").waitFor();
  await shot(page, "8-dialogue-corrected");
  step("dialogue page", { dialoguePage });
  // Correcting a profile, by its code.
  await page.goto(url + "/#/participants");
  await audit(page, "participants");
  await page.getByRole("link", { name: "GAO-0100" }).click();
  await page.getByRole("heading", { name: "Corriger un profil" }).waitFor();
  await page.getByLabel("Déplacement").locator("option", { hasText: "Déplacé·e interne" }).waitFor({ state: "attached" });
  await page.waitForFunction(() => document.querySelector("#code")?.value === "GAO-0100");
  await page.getByLabel("Déplacement").selectOption({ label: "Retourné·e" });
  await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
  await page.waitForTimeout(500);
  const homeRecent = await (async () => { await page.goto(url + "/#/"); await page.getByRole("heading", { name: "Dialogues récents de vos régions" }).waitFor(); return page.locator("main ul.list").first().innerText(); })();
  step("on the spot", { formDate, homeRecent, states: await outboxStates(page), items: await page.locator(".outbox li").allInnerTexts() });

  // A Kobo export, checked then imported on the upload page.
  await page.goto(url + "/#/import");
  await page.getByRole("heading", { name: "Importer un export ou un registre" }).waitFor();
  await audit(page, "import");
  await page.getByLabel("Fichier d’export").setInputFiles(koboExport);
  await page.getByRole("button", { name: "Vérifier (essai)" }).click();
  await page.getByRole("heading", { name: "Vérification faite : rien n’a été écrit" }).waitFor();
  const checkedCounts = await page.locator("#import-counts").innerText();
  const refusedRows = await page.locator("table").innerText();
  await page.getByRole("button", { name: "Importer", exact: true }).click();
  await page.getByRole("heading", { name: "Import terminé" }).waitFor();
  const importedCounts = await page.locator("#import-counts").innerText();
  await shot(page, "10-import");
  step("import", { checkedCounts, refusedRows, importedCounts });

  // A register of participants made from the page's template: its names
  // are sealed on the server.
  const [template] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Modèle : participant·es" }).click()]);
  const register = join(tmpdir(), `participants-${process.pid}.csv`);
  writeFileSync(register, "code,sex,ageBand,displacement,region,consent,consentOn,name,phone\nGAO-0700,female,18-24,none,gao,oui,2026-01-10,Kadiatou Canari-Reg,+223 76 00 00 07\n");
  await page.getByLabel("Fichier d’export").setInputFiles(register);
  await page.getByRole("button", { name: "Importer", exact: true }).click();
  await page.getByRole("heading", { name: "Import terminé" }).waitFor();
  step("register", { template: template.suggestedFilename(), registered: await page.locator("#import-counts").innerText() });

  // Signing out leaves no copy of the region's codes on the device: the
  // cache store is empty and no session is kept (the outbox stays).
  const held = () => page.evaluate(async () => {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open("palabre"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    const read = (store, how) => new Promise((ok, fail) => { const r = how(db.transaction(store).objectStore(store)); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    const cache = await read("cache", (s) => s.getAll());
    const session = await read("meta", (s) => s.get("session"));
    db.close();
    return { entries: cache.length, codes: (JSON.stringify(cache).match(/GAO-\d{4}/g) ?? []).length, session: session != null };
  });
  await page.goto(url + "/#/");
  await page.getByRole("heading", { name: "Accueil" }).waitFor();
  const beforeSignOut = await held();
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.getByLabel("Votre jeton d’accès").waitFor();
  step("signed out", { beforeSignOut, afterSignOut: await held() });

  out.leaks = [canaryName, canaryPhone, "Ousmane Canari-Yod", "Aïcha Canari-Eta", "canari zeta", "Canari", "Moussa Autre"]
    .filter((c) => [offlineStore, onlineStore, afterLookupStore].some((s) => s.text.toLowerCase().includes(c.toLowerCase())));
  out.facilitatorCache = offlineStore.cachedFiles;
  out.stores = { databases: offlineStore.databases, caches: offlineStore.caches };

  // Another region's facilitator, on another device.
  const other = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "fr-FR" });
  const mopti = await other.newPage();
  await signIn(mopti, moptiToken);
  await mopti.goto(url + "/#/dialogue");
  await mopti.getByLabel("Chercher par code").fill("GAO");
  await mopti.waitForTimeout(300);
  const moptiMatches = await mopti.getByRole("button", { name: /^Ajouter GAO/ }).count();
  const moptiSpaces = await mopti.getByLabel("Espace de concertation").locator("option").allInnerTexts();
  const moptiStore = await storedText(mopti);
  step("another region", { matches: moptiMatches, spaces: moptiSpaces, seesGao: moptiStore.text.includes("GAO-0100") });

  // An advocacy lead follows a commitment up, then prints the scorecard.
  const adv = await (await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" })).newPage();
  adv.on("pageerror", (e) => problems.push(String(e)));
  await signIn(adv, advocacyToken, "Engagements");
  await adv.evaluate(() => navigator.serviceWorker.ready);
  await adv.getByRole("link", { name: "Escortes vers le marché de Gao" }).waitFor();
  const filters = await adv.locator(".filters select").evaluateAll((ss) => ss.map((s) => s.options[0].text));
  await shot(adv, "6a-board");
  await audit(adv, "commitments board");
  await adv.getByRole("link", { name: "Escortes vers le marché de Gao" }).click();
  await adv.getByRole("heading", { name: "Suivi de l’engagement" }).waitFor();
  await audit(adv, "a commitment's page");
  await adv.getByLabel("Avancement").selectOption({ label: "À risque" });
  await adv.getByRole("button", { name: "Enregistrer", exact: true }).click();
  await adv.getByText("Point d’avancement").waitFor();
  const atRisk = await adv.locator("main > section > p").first().innerText();
  await adv.goto(url + "/#/commitments");
  await adv.getByRole("link", { name: "Escortes vers le marché de Gao" }).waitFor();
  const boardAtRisk = await adv.locator(".cards li").first().innerText();
  await shot(adv, "6d-board-at-risk");
  await adv.getByRole("link", { name: "Escortes vers le marché de Gao" }).click();
  await adv.getByRole("heading", { name: "Suivi de l’engagement" }).waitFor();
  await adv.getByLabel("Action").selectOption({ label: "Déclarer tenu" });
  await adv.getByLabel("Preuves (une par ligne : document, lien)").fill("Compte rendu du comité du 12 mai");
  await adv.getByRole("button", { name: "Enregistrer", exact: true }).click();
  await adv.getByText("Preuves : Compte rendu du comité du 12 mai").waitFor();
  await adv.getByRole("link", { name: "Gouvernorat de Gao" }).click();
  await adv.getByRole("heading", { name: /Fiche de suivi/ }).waitFor();
  await shot(adv, "6b-scorecard");
  await audit(adv, "scorecard");
  const advCache = await adv.evaluate(async () => { const out = []; for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname); return out; });
  // Offline, the app still opens, and the board says why it is empty.
  const scorecardHash = await adv.evaluate(() => location.hash);
  await adv.goto(url + "/#/commitments");
  await adv.context().setOffline(true);
  await adv.reload();
  await enterPin(adv);
  await adv.getByRole("heading", { name: "Engagements" }).waitFor();
  await adv.waitForTimeout(300);
  const advOffline = await adv.locator("body").innerText();
  await shot(adv, "6c-board-offline");
  await adv.context().setOffline(false);
  await adv.goto(url + "/" + scorecardHash);
  await adv.getByRole("heading", { name: /Fiche de suivi/ }).waitFor();
  await adv.emulateMedia({ media: "print" });
  await shot(adv, "6-scorecard-print");
  const figures = await adv.locator(".figures").innerText();
  const sum = await adv.locator(".scorecard > p.help").nth(1).innerText();
  const rateOf = await adv.locator(".scorecard > p.help").nth(2).innerText();
  step("advocacy", { figures, sum, rateOf, filters, atRisk, boardAtRisk, cached: advCache, offline: advOffline });

  // An analyst reads the dashboard on a phone and exports it.
  step("analyst", await analystStory(browser, { url, token: analystToken, shots, signIn, problems, audit, shot }));

  // An admin makes a facilitator's token; it signs in elsewhere.
  const adm = await (await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: "fr-FR" })).newPage();
  adm.on("pageerror", (e) => problems.push(String(e)));
  await signIn(adm, adminToken);
  await adm.goto(url + "/#/admin");
  await adm.getByRole("heading", { name: "Jetons d’accès" }).waitFor();
  await audit(adm, "admin");
  await adm.getByLabel("Rôle").selectOption({ label: "Facilitateur·rice" });
  await adm.getByRole("checkbox", { name: "Tombouctou" }).check();
  await adm.getByLabel("Nom d’usage (apparaît dans l’historique)").fill("animatrice-tombouctou");
  // A session may not make a token: the admin presents theirs again.
  await adm.locator("#t-bearer").fill(adminToken);
  await adm.getByRole("button", { name: "Créer un jeton" }).click();
  const secret = await adm.locator("code.token").innerText();
  const qrCells = await adm.locator("svg.qr rect").count();
  await shot(adm, "9-admin-token");
  const fresh = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  await signIn(fresh, secret);
  const who = await fresh.locator(".who").innerText();
  await adm.locator("table").getByText("animatrice-tombouctou").waitFor({ timeout: 5000 }).catch(() => {});
  // A space's details changed.
  await adm.getByLabel("Espace", { exact: true }).selectOption({ label: "Comité consultatif de sécurité de Gao" });
  await adm.waitForFunction(() => document.querySelector("#s-name")?.value === "Comité consultatif de sécurité de Gao");
  await adm.getByLabel("Localité").fill("Gao, quartier Château");
  await adm.locator("form", { has: adm.locator("#s-name") }).getByRole("button", { name: "Enregistrer", exact: true }).click();
  await adm.getByText("Enregistré : envoyé dès que possible.").first().waitFor();
  await adm.waitForTimeout(500);
  step("admin", { qrCells, who, listed: await adm.locator("table").innerText() });
  // The admin revokes it, by the button that names it; the device that
  // signed in with it is turned away at its next request.
  await adm.locator("#t-bearer").fill(adminToken);
  await adm.getByRole("button", { name: "Révoquer animatrice-tombouctou" }).click();
  const revokedRow = adm.locator("table tr", { hasText: "animatrice-tombouctou" });
  await revokedRow.getByText("Révoqué").waitFor();
  // Its device is wiped at its next request, and leaves for a blank page.
  await fresh.reload();
  await fresh.waitForURL("about:blank", { timeout: 15000 }).catch(() => {});
  step("revoke", { listed: await revokedRow.innerText(), refusedToken: fresh.url() });
  // The admin, on a phone, erases someone found by code.
  step("erasure", await adminErasure(browser, { url, token: adminToken, code: "GAO-0102", shots, signIn, problems, audit, shot }));
  out.problems = problems;
} catch (e) {
  out.error = String(e.stack || e) + "\npage errors: " + problems.join("\n");
  let i = 0;
  for (const c of browser.contexts()) for (const p of c.pages()) {
    await p.screenshot({ path: `${shots}/failed-${i++}.png`, fullPage: true }).catch(() => {});
    out.error += "\n--- page " + p.url() + ":\n" + (await p.locator("body").innerText().catch(() => "")).slice(0, 3000);
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
