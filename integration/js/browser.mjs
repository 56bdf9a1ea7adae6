// What the scripts that drive the web app in Chromium share: the browser
// as the tests launch it, and a run's helpers — sign in (choosing or
// typing the PIN), screenshots, axe-core's audit of a page, the API called
// from another device, ids made as a device makes them, and what the
// browser keeps.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// launch starts Debian's Chromium; over HTTPS, the test's certificate is
// trusted by its key (PALABRE_SPKI), for this run only.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
      ...(process.env.PALABRE_SPKI ? [`--ignore-certificate-errors-spki-list=${process.env.PALABRE_SPKI}`] : [])],
  });
}

// helpers are a run's: url is the server's, shots the screenshots'
// folder, pin the PIN every device of the run chooses, accessibility the
// list audit adds each page's violations to.
export function helpers({ url, shots, pin, accessibility }) {
  // audit runs axe-core in the page (evaluated by the browser's debugger,
  // so the app's CSP stands) and keeps its serious and critical violations.
  async function audit(page, name) {
    await page.waitForTimeout(150);
    if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    accessibility.push({ page: name, checked: true, violations: found });
  }

  // shot takes a full-page screenshot, then gives the page its own size
  // back (Chromium leaves a full-page capture's metrics behind, and the next
  // click lands elsewhere).
  async function shot(page, name) {
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    await page.setViewportSize({ width: page.viewportSize().width, height: page.viewportSize().height + 1 });
    await page.setViewportSize({ width: page.viewportSize().width, height: page.viewportSize().height - 1 });
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  }

  // signIn signs in; a role that writes then chooses its PIN, or types it.
  async function signIn(page, token, home = "Accueil") {
    await page.goto(url + "/");
    await page.getByLabel("Votre jeton d’accès").fill(token);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.locator("#pin").or(page.getByRole("heading", { name: home })).first().waitFor();
    if (await page.locator("#pin").count()) await enterPin(page);
    await page.getByRole("heading", { name: home }).waitFor();
  }

  // enterPin chooses the PIN on a new device, or types it to unlock.
  async function enterPin(page) {
    await typePin(page, pin);
    await page.locator("#pin").waitFor({ state: "detached", timeout: 60000 });
  }

  // api calls the API from outside the browser (another device).
  async function api(token, query, variables) {
    const res = await fetch(url + "/graphql", { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token }, body: JSON.stringify({ query, variables }) });
    return res.json();
  }

  return { audit, shot, signIn, enterPin, api };
}

// typePin chooses code as the PIN on a new device, or types it to unlock;
// it waits for no outcome (a wrong PIN leaves the PIN's form on screen).
export async function typePin(page, code) {
  await page.locator("#pin").waitFor();
  if (await page.getByLabel("Répétez le code").count()) {
    await page.getByLabel("Choisissez un code (8 chiffres ou plus)").fill(code);
    await page.getByLabel("Répétez le code").fill(code);
    await page.getByRole("button", { name: "Enregistrer le code" }).click();
  } else {
    await page.getByLabel("Votre code").fill(code);
    await page.getByRole("button", { name: "Déverrouiller" }).click();
  }
}

// watch adds the page's uncaught errors and console errors to problems
// (a resource the server refuses on purpose is no problem).
export function watch(page, problems) {
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && problems.push("console: " + m.text()));
}

// ulid makes an id as a device does: time first, then randomness.
export const ulid = () => {
  const A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let t = Date.now(), s = "";
  for (let i = 0; i < 10; i++) { s = A[t % 32] + s; t = Math.floor(t / 32); }
  for (let i = 0; i < 16; i++) s += A[Math.floor(Math.random() * 32)];
  return s;
};

// storedText is everything the app keeps in the browser, as text.
export async function storedText(page) {
  return page.evaluate(async () => {
    const parts = [JSON.stringify(Object.fromEntries(Object.entries(localStorage)))];
    const names = (await indexedDB.databases()).map((d) => d.name);
    for (const name of names) {
      const db = await new Promise((ok, fail) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((ok, fail) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = fail; });
        parts.push(JSON.stringify(all));
      }
      db.close();
    }
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const req of await cache.keys()) parts.push(await (await cache.match(req)).text());
    }
    const cachedFiles = [];
    for (const key of await caches.keys()) for (const req of await (await caches.open(key)).keys()) cachedFiles.push(new URL(req.url).pathname);
    return { text: parts.join("\n"), databases: names, caches: await caches.keys(), cachedFiles };
  });
}
