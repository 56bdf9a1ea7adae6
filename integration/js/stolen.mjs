// A stolen device, in headless Chromium (Debian's) over HTTPS: a
// facilitator enrols a newcomer and logs a dialogue with them offline;
// then a thief who has the laptop, its disk and even the PIN reads
// everything palabre left in the browser (every IndexedDB database and
// record, Cache Storage, local and session storage, service workers, and
// the profile's files on disk) and tries to open it: in clear, and with
// the PIN through the app's own scrypt. Then: the server opens the name
// once the device is back online; the quick exit leaves nothing; five
// wrong PINs wipe the device; a token revoked wipes its device at its
// next request; a server presenting another key is refused loudly.
//
//   node stolen.mjs URL SPKI FACILITATOR_TOKEN ADMIN_TOKEN SPACE_ID SCREENSHOT_DIR
//
// SPKI is the server certificate's public key hash (Chromium trusts it
// for this run only); Node trusts it through NODE_EXTRA_CA_CERTS.
// Prints JSON: what each step found.
import { chromium } from "playwright-core";
import { typePin } from "./browser.mjs";
import { createDecipheriv, scryptSync } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, spki, gaoToken, adminToken, spaceId, shots] = process.argv.slice(2);
const newcomer = { name: "Fanta Voleur-Canari", phone: "+223-STOLEN-4242", code: "GAO-0500" };
const note = "Note-Patrouille-confidentielle du marché";
const pin = "13579024";
const out = { steps: [] };
const step = (name, data = {}) => out.steps.push({ name, ...data });
const problems = [];

const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", `--ignore-certificate-errors-spki-list=${spki}`];
// Every browser and context opened, closed at the end whatever happens.
const toClose = [];
const launch = async (dir) => {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args, viewport: { width: 360, height: 780 }, locale: "fr-FR",
  });
  toClose.push(context);
  return context;
};

async function api(token, query, variables) {
  const res = await fetch(url + "/graphql", { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token }, body: JSON.stringify({ query, variables }) });
  return res.json();
}

const ulid = () => {
  const A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let t = Date.now(), s = "";
  for (let i = 0; i < 10; i++) { s = A[t % 32] + s; t = Math.floor(t / 32); }
  for (let i = 0; i < 16; i++) s += A[Math.floor(Math.random() * 32)];
  return s;
};

async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png` });
}

async function signIn(page, token) {
  await page.goto(url + "/");
  await page.getByLabel("Votre jeton d’accès").fill(token);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await typePin(page, pin);
  await page.getByRole("heading", { name: "Accueil" }).waitFor({ timeout: 60000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
}

// dump is everything this origin keeps in the browser, read through the
// browser's own APIs.
function dump(page) {
  return page.evaluate(async () => {
    const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    const out = { idb: {}, caches: {}, local: { ...localStorage }, session: { ...sessionStorage },
      workers: (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope) };
    for (const { name } of await indexedDB.databases()) {
      const db = await req(indexedDB.open(name));
      out.idb[name] = {};
      for (const store of db.objectStoreNames) {
        const os = db.transaction(store).objectStore(store);
        const [keys, values] = await Promise.all([req(os.getAllKeys()), req(os.getAll())]);
        out.idb[name][store] = keys.map((key, i) => ({ key, value: values[i] }));
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out.caches[name] = {};
      for (const r of await cache.keys()) out.caches[name][new URL(r.url).pathname] = await (await cache.match(r)).text();
    }
    return out;
  });
}

// empty says what a dump still holds, from a page of the origin that is
// not the app (so that nothing is made again by opening it).
async function leftOver(context) {
  const page = await context.newPage();
  await page.goto(url + "/healthz");
  const d = await dump(page);
  // A worker unregistered goes once no page uses it any more.
  const workers = await page.evaluate(async () => {
    for (let i = 0; i < 20 && (await navigator.serviceWorker.getRegistrations()).length > 0; i++) await new Promise((ok) => setTimeout(ok, 250));
    return (await navigator.serviceWorker.getRegistrations()).map((r) => `${r.scope} ${r.active?.state}`);
  });
  await page.close();
  return { databases: Object.keys(d.idb), caches: Object.keys(d.caches), local: Object.keys(d.local).length,
    session: Object.keys(d.session).length, workers: workers.length, workerStates: workers };
}

// needles are what must never be found: the name and phone, whole and in
// parts, as typed and lower-cased.
const needles = [newcomer.name, newcomer.phone, "Voleur", "Canari", "STOLEN-4242"].flatMap((s) => [s, s.toLowerCase()]);
const found = (text) => needles.filter((n) => text.includes(n));

// sealedBlobs are the {iv, data} values anywhere in a record.
function sealedBlobs(v, acc = []) {
  if (v && typeof v === "object") {
    if (typeof v.iv === "string" && typeof v.data === "string") acc.push(v);
    for (const x of Object.values(v)) sealedBlobs(x, acc);
  }
  return acc;
}

const gcmOpen = (key, iv, data) => {
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
};

// openWithPin does what a thief who knows the PIN does: scrypt (Node's,
// OpenSSL's, as fast as a CPU goes) unwraps the data key, which opens
// every sealed record. It returns the plaintexts and the time one guess
// took.
function openWithPin(d) {
  const meta = d.idb.palabre?.meta ?? [];
  const vault = meta.find((m) => m.key === "pin")?.value?.vault;
  if (!vault) return { error: "no vault" };
  const { N, r, p } = vault.params;
  const start = process.hrtime.bigint();
  const pinKey = scryptSync(pin, Buffer.from(vault.salt, "base64"), 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) });
  const guessMs = Number(process.hrtime.bigint() - start) / 1e6;
  const dataKey = gcmOpen(pinKey, Buffer.from(vault.wrapped.iv, "base64"), Buffer.from(vault.wrapped.data, "base64"));
  const plain = [];
  for (const db of Object.values(d.idb)) for (const store of Object.values(db)) for (const { value } of store) {
    for (const b of sealedBlobs(value)) {
      if (b === vault.wrapped) continue;
      plain.push(gcmOpen(dataKey, Buffer.from(b.iv, "base64"), Buffer.from(b.data, "base64")).toString("utf8"));
    }
  }
  return { plain, guessMs, params: vault.params };
}

// onDisk are the profile's files holding a needle, in UTF-8 or UTF-16.
function onDisk(dir) {
  const hits = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const path = join(d, f);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(path);
      else if (st.size < 64 << 20) {
        const b = readFileSync(path);
        for (const n of ["Voleur-Canari", "STOLEN-4242", "Note-Patrouille"]) {
          if (b.includes(Buffer.from(n, "utf8")) || b.includes(Buffer.from(n, "utf16le"))) hits.push(`${path.slice(dir.length)}: ${n}`);
        }
      }
    }
  };
  walk(dir);
  return hits;
}

const profile = mkdtempSync(join(tmpdir(), "palabre-stolen-"));
try {
  // The facilitator's day, offline.
  let context = await launch(profile);
  let page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => problems.push(String(e)));
  await signIn(page, gaoToken);
  await page.waitForFunction(() => document.querySelector(".who")?.textContent.includes("Gao"));
  await page.waitForTimeout(500); // the region's codes are fetched and kept
  await context.setOffline(true);
  await page.goto(url + "/#/enrol");
  await page.getByLabel("Code du/de la participant·e").fill(newcomer.code);
  await page.getByLabel("Nom", { exact: true }).fill(newcomer.name);
  await page.getByLabel("Téléphone (facultatif)").fill(newcomer.phone);
  await page.getByLabel("Sexe").selectOption({ label: "Femme" });
  await page.getByLabel("Tranche d’âge").selectOption({ label: "25 à 35 ans" });
  await page.getByLabel("Déplacement").selectOption({ label: "Déplacé·e interne" });
  await page.getByLabel("La personne accepte d’être enregistrée").check();
  await page.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByText("Inscription enregistrée").waitFor();
  await page.goto(url + "/#/dialogue");
  const space = page.getByLabel("Espace de concertation");
  await space.locator("option", { hasText: "Comité de Gao" }).waitFor({ state: "attached" });
  await space.selectOption({ label: "Comité de Gao" });
  await page.getByLabel("Date", { exact: true }).fill("2026-05-06");
  await page.getByLabel("Format").selectOption({ label: "Dialogue communautaire" });
  await page.getByLabel("Pilier").selectOption({ label: "Sécurité" });
  await page.getByLabel("Femmes — Adultes").fill("4");
  await page.getByLabel("Chercher par code").fill("0500");
  await page.getByRole("button", { name: "Ajouter " + newcomer.code }).click();
  await page.getByRole("button", { name: "Ajouter une préoccupation" }).click();
  await page.getByLabel("Préoccupations soulevées", { exact: true }).selectOption({ index: 1 });
  await page.getByLabel("Résumé (facultatif)").fill(note);
  await page.getByRole("button", { name: "Enregistrer le dialogue" }).click();
  await page.getByText("Dialogue enregistré").waitFor();
  await page.goto(url + "/#/outbox");
  await page.locator(".outbox li").nth(1).waitFor();
  const waiting = await page.locator(".outbox li .state").allInnerTexts();

  // The thief: everything the browser keeps, read through its APIs.
  const stolen = await dump(page);
  const text = JSON.stringify(stolen);
  const withPin = openWithPin(stolen);
  const opened = (withPin.plain ?? []).join("\n");
  // What stays in clear: every record's fields but its sealed ones.
  const clear = {};
  for (const [store, records] of Object.entries(stolen.idb.palabre ?? {})) {
    clear[store] = [...new Set(records.flatMap(({ key, value }) => (value && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).filter(([, v]) => v !== null && v !== undefined && !(typeof v === "object" && "iv" in v)).map(([k]) => `${typeof key === "string" ? key : "#"}.${k}`) : [`${key}`])))];
  }
  step("stolen", {
    waiting, databases: Object.keys(stolen.idb), caches: Object.keys(stolen.caches), cachedFiles: Object.values(stolen.caches).flatMap(Object.keys),
    inClear: found(text), clear, codeInClear: text.includes(newcomer.code), noteInClear: text.includes(note),
    sealedForServer: (text.match(/p256b?\.[A-Za-z0-9_-]+\./g) ?? []).length,
    openedWithPin: withPin.plain?.length ?? 0, pinError: withPin.error ?? "", guessMs: withPin.guessMs, params: withPin.params,
    inOpened: found(opened), codeInOpened: opened.includes(newcomer.code), noteInOpened: opened.includes(note),
    envelopeInOpened: /p256b?\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.test(opened),
  });
  await context.close();
  step("disk", { hits: onDisk(profile) });

  // The owner again: the laptop restarts, the PIN opens the app; online,
  // the server gets the name, which it alone opens.
  context = await launch(profile);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(url + "/#/outbox");
  await page.locator("#pin").waitFor();
  await shot(page, "stolen-1-pin-unlock");
  const unlockStart = Date.now();
  await typePin(page, pin);
  await page.getByRole("heading", { name: "À envoyer" }).waitFor({ timeout: 60000 });
  const unlockMs = Date.now() - unlockStart;
  await page.getByRole("button", { name: "Envoyer maintenant" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll(".outbox li .state")].every((e) => e.textContent === "Envoyé"), null, { timeout: 20000 });
  const server = await api(adminToken, `query($code: String!) { participants(code: $code) { edges { node { code identity { name phone } } } } }`, { code: newcomer.code });
  const person = server.data?.participants?.edges?.[0]?.node;
  await shot(page, "stolen-2-quick-exit-button");
  // The session's cookie (HttpOnly: the app cannot read it, a thief's
  // tools can), kept to try it again after the exit.
  const cookie = (await context.cookies(url)).map((c) => `${c.name}=${c.value}`).join("; ");
  await page.getByRole("button", { name: "Sortie rapide" }).click();
  await page.waitForURL("about:blank", { timeout: 15000 }).catch(() => {});
  const afterExit = page.url();
  const sessionAfter = (await fetch(url + "/session", { headers: { Cookie: cookie, "X-Palabre-Csrf": "1" } })).status;
  step("quick exit", { unlockMs, serverName: person?.identity?.name ?? "", serverPhone: person?.identity?.phone ?? "", url: afterExit, left: await leftOver(context), sessionAfter });
  await context.close();

  // Five wrong PINs wipe the device.
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args });
  toClose.push(browser);
  const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const guessed = await phone.newPage();
  guessed.on("pageerror", (e) => problems.push(String(e)));
  await signIn(guessed, gaoToken);
  await guessed.reload();
  const said = [];
  for (let i = 0; i < 5; i++) {
    await typePin(guessed, "0000000" + i);
    if (i === 4) break;
    await guessed.waitForFunction(() => document.querySelector("#pin")?.value === "" && !document.querySelector("form button[type=submit]")?.disabled, null, { timeout: 60000 });
    said.push(await guessed.locator("#pin-error").innerText());
    if (i === 0) await shot(guessed, "stolen-3-pin-wrong");
  }
  await guessed.waitForURL("about:blank", { timeout: 60000 }).catch(() => {});
  step("lockout", { said, url: guessed.url(), left: await leftOver(phone) });

  // A server that presents another key than the one pinned is refused.
  const other = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const pinned = await other.newPage();
  await signIn(pinned, gaoToken);
  await pinned.evaluate(async () => {
    const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    const db = await req(indexedDB.open("palabre"));
    const meta = db.transaction("meta", "readwrite").objectStore("meta");
    const key = await req(meta.get("serverKey"));
    await req(meta.put({ ...key, id: "forged-key" }, "serverKey"));
    db.close();
  });
  await pinned.reload();
  await pinned.getByRole("heading", { name: "La clé du serveur a changé" }).waitFor({ timeout: 15000 }).catch(() => {});
  const alarm = await pinned.locator("[role=alert]").first().innerText().catch(() => "");
  await shot(pinned, "stolen-4-server-key-changed");
  step("key changed", { alarm });

  // A token revoked: its device is wiped at its next request.
  const made = await api(adminToken, `mutation($c: ID!) { createToken(commandId: $c, role: FACILITATOR, regions: ["gao"], subject: "animateur-vole") { token { id } secret } }`, { c: ulid() });
  const revokedDevice = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const victim = await revokedDevice.newPage();
  victim.on("pageerror", (e) => problems.push(String(e)));
  await signIn(victim, made.data.createToken.secret);
  const before = await leftOver(revokedDevice);
  await api(adminToken, `mutation($c: ID!, $id: ID!) { revokeToken(commandId: $c, id: $id) { id } }`, { c: ulid(), id: made.data.createToken.token.id });
  await victim.reload();
  await victim.waitForURL("about:blank", { timeout: 20000 }).catch(() => {});
  step("revoked", { before, url: victim.url(), left: await leftOver(revokedDevice) });
  // A device that still holds the PIN's first scheme (PBKDF2 and a check
  // value, names sealed under the PIN, the rest in clear), as the app
  // wrote it before issue 23: the first unlock asks the old PIN, moves the
  // work under the new one, and the server gets the name.
  const upgraded = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  const old = await upgraded.newPage();
  old.on("pageerror", (e) => problems.push(String(e)));
  await signIn(old, gaoToken);
  await old.goto(url + "/healthz");
  const oldPin = "246810";
  const migrant = { name: "Oumou Ancien-Schéma", phone: "+223-OLD-0600", code: "GAO-0600" };
  await old.evaluate(async ({ oldPin, migrant, enrolId }) => {
    const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    await req(indexedDB.deleteDatabase("palabre"));
    const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(oldPin), "PBKDF2", false, ["deriveKey"]);
    const key = await crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 600000 }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    const seal = async (v) => {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      return { iv: b64(iv), data: b64(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(JSON.stringify(v)))) };
    };
    const [identity, check] = [await seal({ name: migrant.name, phone: migrant.phone }), await seal("palabre")];
    const open = indexedDB.open("palabre", 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true }).createIndex("byCommand", "commandId", { unique: true });
      open.result.createObjectStore("cache", { keyPath: "key" });
      open.result.createObjectStore("meta");
    };
    const db = await req(open);
    const tx = db.transaction(["outbox", "meta"], "readwrite");
    tx.objectStore("outbox").add({ commandId: enrolId, mutation: "enrolParticipant", objectId: enrolId, refersTo: [], summary: migrant.code, state: "waiting",
      createdAt: new Date().toISOString(), identity,
      document: "mutation Enrol($commandId: ID!, $input: EnrolParticipantInput!, $identity: IdentityInput!) { enrolParticipant(commandId: $commandId, input: $input, identity: $identity) { id } }",
      variables: { commandId: enrolId, input: { code: migrant.code, sex: "FEMALE", ageBand: "AGE_25_35", functioning: {}, displacement: "NONE", groups: [], region: "gao", consent: { given: true, on: "2026-11-30" } } } });
    tx.objectStore("meta").put({ salt: b64(salt), check }, "pin");
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
  }, { oldPin, migrant, enrolId: ulid() });
  await old.goto(url + "/#/outbox");
  await old.getByLabel("Votre ancien code").waitFor({ timeout: 20000 });
  const migrateForm = async (oldCode) => {
    await old.getByLabel("Votre ancien code").fill(oldCode);
    await old.getByLabel("Choisissez un code (8 chiffres ou plus)").fill(pin);
    await old.getByLabel("Répétez le code").fill(pin);
    await old.getByRole("button", { name: "Changer de code" }).click();
  };
  await migrateForm("000000");
  await old.waitForFunction(() => document.querySelector("#pin-error")?.textContent.includes("Encore"), null, { timeout: 30000 });
  const wrongOld = await old.locator("#pin-error").innerText();
  await shot(old, "stolen-5-first-scheme");
  await migrateForm(oldPin);
  await old.getByRole("heading", { name: "À envoyer" }).waitFor({ timeout: 60000 });
  const migratedText = JSON.stringify(await dump(old));
  await old.getByRole("button", { name: "Envoyer maintenant" }).click();
  await old.waitForFunction(() => [...document.querySelectorAll(".outbox li .state")].every((e) => e.textContent === "Envoyé"), null, { timeout: 20000 });
  const got = await api(adminToken, `query($code: String!) { participants(code: $code) { edges { node { identity { name phone } } } } }`, { code: migrant.code });
  step("first scheme", { said: [wrongOld], serverName: got.data?.participants?.edges?.[0]?.node?.identity?.name ?? "",
    serverPhone: got.data?.participants?.edges?.[0]?.node?.identity?.phone ?? "",
    inClear: [migrant.name, migrant.phone, "Ancien", "OLD-0600"].filter((n) => migratedText.includes(n)) });
  await browser.close();
  out.problems = problems;
} catch (e) {
  out.error = String(e.stack || e) + "\npage errors: " + problems.join("\n");
} finally {
  for (const o of toClose) await o.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out), () => process.exit(0));
