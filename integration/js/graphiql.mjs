// Opens palabre's GraphiQL page in headless Chromium (Debian's), opens the
// Docs pane and the Query type's documentation, types the start of a field
// to see what autocompletion offers, and saves a screenshot:
//
//   node graphiql.mjs http://127.0.0.1:PORT/graphiql out.png
//
// Prints JSON: what the Docs pane shows, what autocompletion offered, and
// the keys of what the page left in the browser's storage once a query
// with variables was typed (a shared laptop's next user could read them).
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByRole("button", { name: /documentation explorer/i }).click();
  const docs = page.locator(".graphiql-doc-explorer");
  await docs.getByText("Query", { exact: true }).first().click();
  await docs.getByText("inclusion", { exact: true }).first().waitFor();
  const docsText = await docs.innerText();
  // Autocompletion: type the start of a field in the editor.
  const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
  await editor.click();
  await page.keyboard.press("Control+A");
  // Several fields start so: GraphiQL lists them.
  await page.keyboard.type("{ comm");
  const hints = page.locator(".CodeMirror-hints");
  await hints.waitFor({ timeout: 5000 }).catch(async (err) => { await page.screenshot({ path: screenshot }); throw err; });
  const hintText = await hints.innerText();
  await page.keyboard.press("Escape");
  await page.keyboard.type('itmentFigures { total } }');
  const variables = page.locator(".graphiql-editor-tool .CodeMirror").first();
  await page.getByRole("button", { name: /^variables$/i }).click();
  await variables.click();
  await page.keyboard.type('{"name": "Aminata Traoré"}');
  await page.waitForTimeout(1500); // GraphiQL saves what is typed after 500 ms
  const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
  await page.screenshot({ path: screenshot });
  process.stdout.write(JSON.stringify({ docs: docsText, hints: hintText, stored }));
} finally {
  await browser.close();
}
