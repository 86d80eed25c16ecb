// Helpers for tests that drive gwsmock's own pages (the console and the
// reference desktop, served by the binary at /console/) in a headless
// browser (Chromium, or Firefox through firefox.mjs): a page per browser
// context with its console collected, the state read back through the
// control API, and screenshots written as test artifacts.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { control, withTimeout } from "./harness.mjs";

// ARTIFACTS is where screenshots go (git-ignored).
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

// openServedPage opens url in a fresh browser context (its own cookies),
// collecting what the page logs and throws.
export async function openServedPage(browser, url, { width = 1440, height = 1000, ms = 10000 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(ms);
  const log = [];
  page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (err) => log.push(`pageerror: ${err.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) log.push(`${r.request().method()} ${r.url()} answered ${r.status()}`);
  });
  const res = await withTimeout(page.goto(url), ms, `${url} to load`);
  if (res.status() !== 200) throw new Error(`${url} answered ${res.status()}`);
  return { context, page, log };
}

// screenshot writes the whole page to ARTIFACTS/name.png.
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

// interaction reads one interaction from GET /control/v1/state.
export async function stateOf(base, id) {
  const r = await control(base, "GET", "/state");
  if (r.status !== 200) throw new Error(`GET /control/v1/state: ${r.status} ${r.text}`);
  return { doc: r.json, interaction: r.json.interactions?.find((i) => i.id === id) };
}
