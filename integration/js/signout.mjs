// Signing out offline, in headless Chromium: a Gao facilitator sets a
// PIN, goes offline, enrols someone and signs out. Back online the app is
// reopened: the PIN must not open it again, the server must have ended
// the session (the old cookie gets 401), and the unsent enrolment waits
// for its own token: another facilitator who signs in on the device, and
// knows its PIN, does not send it; the first one, signed in again, does.
//
//   node signout.mjs URL FACILITATOR_TOKEN OTHER_FACILITATOR_TOKEN ADMIN_TOKEN SCREENSHOT_DIR
//
// Prints JSON: what each step found.
import { helpers, launch, typePin } from "./browser.mjs";

const [url, gaoToken, otherToken, adminToken, shots] = process.argv.slice(2);
const pin = "24680135";
const code = "GAO-0777";
const out = { steps: [] };
const step = (name, data = {}) => out.steps.push({ name, ...data });
const { shot, api } = helpers({ url, shots, pin, accessibility: [] });

// screenOf is what the app shows once it has opened: the sign-in page,
// the PIN, or a page of the app.
async function screenOf(page) {
  const signIn = page.getByLabel("Votre jeton d’accès"), pinBox = page.locator("#pin"), home = page.getByRole("heading", { name: "Accueil" });
  await signIn.or(pinBox).or(home).first().waitFor({ timeout: 30000 });
  if (await signIn.count()) return "sign-in";
  return (await pinBox.count()) ? "pin" : "home";
}

async function signIn(page, token) {
  await page.evaluate(() => (location.hash = "/"));
  await page.getByLabel("Votre jeton d’accès").fill(token);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await typePin(page, pin);
  await page.getByRole("heading", { name: "Accueil" }).waitFor({ timeout: 60000 });
}

// onServer says whether the server holds the enrolment.
async function onServer() {
  const got = await api(adminToken, `query($code: String!) { participants(code: $code) { edges { node { code } } } }`, { code });
  return (got.data?.participants.edges ?? []).length > 0;
}

// sessionStatus is what the server answers the old cookie, from outside the browser.
async function sessionStatus(cookie) {
  const res = await fetch(url + "/session", { headers: { Cookie: `${cookie.name}=${cookie.value}`, "X-Palabre-Csrf": "1" } });
  return res.status;
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "fr-FR" });
  let page = await context.newPage();
  await page.goto(url + "/");
  await signIn(page, gaoToken);
  await page.waitForFunction(() => document.querySelector(".who")?.textContent.includes("Gao"));
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(500); // the region's codes are fetched and kept
  const cookie = (await context.cookies()).find((c) => c.name === "palabre_session");

  await context.setOffline(true);
  await page.evaluate(() => (location.hash = "/enrol"));
  await page.getByLabel("Code du/de la participant·e").fill(code);
  await page.getByLabel("Nom", { exact: true }).fill("Aminata Hors-Ligne");
  await page.getByLabel("Sexe").selectOption({ label: "Femme" });
  await page.getByLabel("Tranche d’âge").selectOption({ label: "25 à 35 ans" });
  await page.getByLabel("Déplacement").selectOption({ label: "Déplacé·e interne" });
  await page.getByLabel("La personne accepte d’être enregistrée").check();
  await page.getByRole("button", { name: "Inscrire", exact: true }).click();
  await page.getByText("Inscription enregistrée").waitFor();
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  const offlineScreen = await screenOf(page);
  // The page counts the unsent work after it appears: wait for the count
  // before reading what it says (read at once, it was sometimes missing).
  await page.getByText(/envoi/).first().waitFor({ timeout: 10000 }).catch(() => {});
  const offlineSaid = (await page.locator("main").innerText()).replace(/\s+/g, " ");
  await shot(page, "signed-out-offline");
  step("signed out offline", { screen: offlineScreen, said: offlineSaid });

  // Back online, the app is opened again, as the next person would.
  await context.setOffline(false);
  await page.close();
  page = await context.newPage();
  await page.goto(url + "/");
  const reopened = await screenOf(page);
  let pinOpened = false;
  if (reopened === "pin") {
    await page.getByLabel("Votre code").fill(pin);
    await page.getByRole("button", { name: "Déverrouiller" }).click();
    pinOpened = await page.getByRole("heading", { name: "Accueil" }).waitFor({ timeout: 60000 }).then(() => true, () => false);
  }
  await page.waitForTimeout(1000);
  const said = (await page.locator("main").innerText()).replace(/\s+/g, " ");
  await shot(page, "reopened-after-sign-out");
  step("reopened", { screen: reopened, pinOpened, said, oldSession: await sessionStatus(cookie), onServer: await onServer() });
  if (pinOpened) throw new Error("the PIN opened the app of the person who signed out");

  // Another Gao facilitator, who knows the device's PIN, signs in: the
  // first one's enrolment is not sent under their token.
  await signIn(page, otherToken);
  await page.evaluate(() => (location.hash = "/outbox"));
  await page.getByRole("heading", { name: "À envoyer" }).waitFor();
  await page.waitForTimeout(1500);
  const outbox = (await page.locator("main").innerText()).replace(/\s+/g, " ");
  await shot(page, "outbox-of-another");
  step("another signs in", { outbox, onServer: await onServer() });
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await screenOf(page);

  // The first one signs in again: their enrolment goes.
  await signIn(page, gaoToken);
  let sent = false;
  for (let i = 0; i < 40 && !(sent = await onServer()); i++) await page.waitForTimeout(250);
  step("back", { onServer: sent });

  // A quick exit made offline wipes the device but cannot end the
  // session: back online, the app opened by the next person ends it
  // rather than resume it (asking for a new PIN of the one who left).
  const kept = (await context.cookies()).find((c) => c.name === "palabre_session");
  await context.setOffline(true);
  await page.getByRole("button", { name: "Sortie rapide" }).click();
  await page.waitForURL("about:blank");
  await context.setOffline(false);
  await page.goto(url + "/");
  const afterExit = await screenOf(page);
  await shot(page, "reopened-after-quick-exit");
  step("quick exit offline", { screen: afterExit, oldSession: await sessionStatus(kept) });
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  await browser.close();
  console.log(JSON.stringify(out));
}
