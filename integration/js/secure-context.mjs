// secure-context.mjs SPKI URL...: opens each URL in Chromium, trusting the
// certificate whose public key hashes to SPKI, and prints what the page
// was given: a secure context, WebCrypto, a ready service worker.
import { chromium } from "playwright-core";

const [spki, ...urls] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [`--ignore-certificate-errors-spki-list=${spki}`],
});
const seen = [];
try {
  for (const url of urls) {
    const page = await browser.newPage();
    await page.goto(url);
    seen.push({
      url,
      ...(await page.evaluate(async () => {
        const worker = !("serviceWorker" in navigator)
          ? "absent"
          : await Promise.race([navigator.serviceWorker.ready.then(() => "ready"), new Promise((r) => setTimeout(() => r("not ready in 10 s"), 10000))]);
        return { secure: window.isSecureContext, webCrypto: !!globalThis.crypto?.subtle, worker };
      })),
    });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
