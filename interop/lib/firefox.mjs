// Debian's Firefox ESR for the tests of gwsmock's own pages, driven by
// puppeteer-core over WebDriver BiDi (Playwright drives only its own patched
// Firefox builds, and npm tools cannot download a browser here), behind a
// small adapter that answers the part of Playwright's API those tests use:
// browser.newContext({viewport}), context.newPage() and close(), and on a
// page goto, url, on, setDefaultTimeout, screenshot and the locators
// (locator, getByRole, getByLabel, getByText, filter({hasText}), first) with
// waitFor, click, fill, selectOption, isChecked, isVisible, textContent
// and inputValue. So one test body (console-steps.mjs) runs in both
// browsers. The locators resolve in the page with Playwright's defaults:
// names, labels and texts match as case-insensitive substrings with
// whitespace collapsed (or as a RegExp), getByRole leaves hidden elements
// out, and an action needs exactly one element (strict), visible, whereas
// waitFor's default state is "visible".
import { existsSync } from "node:fs";
import puppeteer from "puppeteer-core";
import { withTimeout } from "./harness.mjs";

export const FIREFOX = "/usr/bin/firefox-esr";

// Nothing in the background may reach out: the machine's network is closed.
const PREFS = {
  "app.update.enabled": false,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "extensions.update.enabled": false,
};

// launchFirefox starts headless Firefox ESR; it fails (never skips) when
// the browser is missing: `make firefox` installs it.
export async function launchFirefox(ms = 30000) {
  if (!existsSync(FIREFOX)) {
    throw new Error(`${FIREFOX} not found: install Debian's package firefox-esr (\`make firefox\`)`);
  }
  const browser = await withTimeout(
    puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true, timeout: ms, extraPrefsFirefox: PREFS }),
    ms + 1000,
    "Firefox to start",
  );
  return new Browser(browser);
}

class Browser {
  constructor(browser) {
    this.browser = browser;
  }

  async newContext({ viewport } = {}) {
    return new Context(await this.browser.createBrowserContext(), viewport);
  }

  close() {
    return this.browser.close();
  }
}

class Context {
  constructor(context, viewport) {
    Object.assign(this, { context, viewport });
  }

  async newPage() {
    const page = await this.context.newPage();
    if (this.viewport) await page.setViewport(this.viewport);
    return new Page(page);
  }

  close() {
    return this.context.close();
  }
}

class Page {
  timeout = 30000;

  constructor(page) {
    this.page = page;
  }

  setDefaultTimeout(ms) {
    this.timeout = ms;
    this.page.setDefaultTimeout(ms);
  }

  // Console messages, page errors and responses have the same methods
  // (type, text, message, status, url, request().method) in both drivers.
  on(event, fn) {
    this.page.on(event, fn);
  }

  goto(url) {
    return this.page.goto(url);
  }

  url() {
    return this.page.url();
  }

  screenshot(opts) {
    return this.page.screenshot(opts);
  }

  locator(css) {
    return new Locator(this, [{ css }]);
  }

  getByRole(role, { name } = {}) {
    return new Locator(this, [{ role, name: pattern(name) }]);
  }

  getByLabel(text) {
    return new Locator(this, [{ label: pattern(text) }]);
  }

  getByText(text) {
    return new Locator(this, [{ text: pattern(text) }]);
  }
}

// pattern makes a name or text serializable for the page: a string, or a
// RegExp as {source, flags}.
function pattern(p) {
  if (p === undefined) return undefined;
  return p instanceof RegExp ? { source: p.source, flags: p.flags } : String(p);
}

// Locator is a chain of steps resolved in the page, anew at each use.
class Locator {
  constructor(page, chain) {
    Object.assign(this, { owner: page, chain });
  }

  #with(step) {
    return new Locator(this.owner, [...this.chain, step]);
  }

  locator(css) {
    return this.#with({ css });
  }

  getByRole(role, { name } = {}) {
    return this.#with({ role, name: pattern(name) });
  }

  getByLabel(text) {
    return this.#with({ label: pattern(text) });
  }

  getByText(text) {
    return this.#with({ text: pattern(text) });
  }

  filter({ hasText }) {
    return this.#with({ hasText: pattern(hasText) });
  }

  first() {
    return this.#with({ nth: 0 });
  }

  // waitFor waits for the state of the element ("visible", "attached",
  // "detached" or "hidden") on the DOM, polled in the page.
  async waitFor({ state = "visible", timeout = this.owner.timeout } = {}) {
    await this.owner.page.waitForFunction(inPage(settled, this.chain, state), { timeout, polling: 50 });
  }

  // #one waits for exactly one visible element and answers its handle.
  async #one(timeout = this.owner.timeout) {
    const page = this.owner.page;
    const deadline = Date.now() + timeout;
    for (;;) {
      const handle = await page.waitForFunction(inPage(single, this.chain), { timeout: Math.max(1, deadline - Date.now()), polling: 50 });
      const found = await handle.evaluate((r) => r);
      await handle.dispose();
      if (found.count > 1) throw new Error(`strict mode: ${describe(this.chain)} matched ${found.count} elements`);
      const el = await page.evaluateHandle(inPage((chain, resolve) => resolve(chain)[0], this.chain));
      if (await el.evaluate((e) => e instanceof Element)) return el;
      await el.dispose();
    }
  }

  // #act runs fn on the element, again on the element found anew when the
  // page replaced it meanwhile (the console re-renders its tables live), as
  // Playwright's actions do. A node the page removed between the lookup and
  // the click has no box, and Puppeteer then says it is "not clickable".
  async #act(fn) {
    const deadline = Date.now() + this.owner.timeout;
    for (;;) {
      const el = await this.#one(Math.max(1, deadline - Date.now()));
      try {
        return await fn(el);
      } catch (err) {
        if (!/detached|not connected|no such node|stale|not clickable/i.test(err.message) || Date.now() > deadline) throw err;
      } finally {
        await el.dispose().catch(() => {});
      }
    }
  }

  click() {
    return this.#act((el) => el.click());
  }

  // fill replaces the value as typed keys would, then lets the page see
  // the change (input and change events).
  fill(value) {
    return this.#act(async (el) => {
      await el.evaluate((e) => {
        e.focus();
        e.value = "";
      });
      if (value) await el.type(value);
      await el.evaluate((e) => {
        e.dispatchEvent(new Event("input", { bubbles: true }));
        e.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  // selectOption picks an option by value or label, or by {label}.
  selectOption(want) {
    return this.#act(async (el) => {
      const value = await el.evaluate(
        (s, w) => [...s.options].find((o) => (typeof w === "string" ? o.value === w || o.label === w : o.label === w.label))?.value,
        want,
      );
      if (value === undefined) throw new Error(`${describe(this.chain)} has no option ${JSON.stringify(want)}`);
      await el.select(value);
    });
  }

  #read(fn) {
    return this.#act((el) => el.evaluate(fn));
  }

  isChecked() {
    return this.#read((e) => e.checked);
  }

  textContent() {
    return this.#read((e) => e.textContent);
  }

  inputValue() {
    return this.#read((e) => e.value);
  }

  // isVisible answers at once, without waiting.
  async isVisible() {
    return this.owner.page.evaluate(
      inPage((chain, resolve) => {
        const [el] = resolve(chain);
        return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
      }, this.chain),
    );
  }
}

function describe(chain) {
  return chain.map((s) => JSON.stringify(s)).join(" >> ");
}

// settled runs in the page: whether the chain's element is in state.
function settled(chain, state, resolve) {
  const els = resolve(chain);
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  switch (state) {
    case "attached":
      return els.length > 0;
    case "detached":
      return els.length === 0;
    case "hidden":
      return els.length === 0 || !shown(els[0]);
    default:
      return els.length > 0 && shown(els[0]);
  }
}

// single runs in the page: falsy until the chain has a visible element,
// then how many elements it has.
function single(chain, resolve) {
  const els = resolve(chain);
  if (els.length === 0) return false;
  const e = els[0];
  if (!(e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")) return false;
  return { count: els.length };
}

// resolve runs in the page: the elements a chain of steps designates, in
// document order. inPage sends it along as source text, since a function
// sent to the page cannot call another one of this module.
function resolve(chain) {
  const norm = (s) => (s ?? "").replace(/\s+/g, " ").trim();
  const matches = (p, s) => {
    s = norm(s);
    if (p && typeof p === "object") return new RegExp(p.source, p.flags).test(s);
    return s.toLowerCase().includes(norm(p).toLowerCase());
  };
  const hiddenForAria = (e) => {
    for (let n = e; n; n = n.parentElement) {
      if (n.getAttribute("aria-hidden") === "true" || n.hidden) return true;
      if (getComputedStyle(n).display === "none") return true;
    }
    return getComputedStyle(e).visibility === "hidden";
  };
  const byIds = (e, attr) =>
    (e.getAttribute(attr) || "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" ");
  const implicit = (e) => {
    const tag = e.localName;
    const type = (e.getAttribute("type") || "").toLowerCase();
    if (tag === "button") return "button";
    if (tag === "input" && ["button", "submit", "reset", "image"].includes(type)) return "button";
    if (tag === "input" && type === "checkbox") return "checkbox";
    if (tag === "input" && type === "radio") return "radio";
    if (tag === "input" && !["hidden", "file", "range", "color"].includes(type)) return "textbox";
    if (tag === "textarea") return "textbox";
    if (tag === "select") return e.multiple || e.size > 1 ? "listbox" : "combobox";
    if (tag === "ul" || tag === "ol") return "list";
    if (tag === "li") return "listitem";
    if (tag === "a" && e.hasAttribute("href")) return "link";
    if (tag === "output") return "status";
    if (tag === "table") return "table";
    if (tag === "tr") return "row";
    if (tag === "nav") return "navigation";
    if (tag === "form") return "form";
    if (tag === "dialog") return "dialog";
    if (/^h[1-6]$/.test(tag)) return "heading";
    if (tag === "section" && (e.hasAttribute("aria-label") || e.hasAttribute("aria-labelledby"))) return "region";
    return null;
  };
  const role = (e) => (e.getAttribute("role") || "").split(/\s+/)[0] || implicit(e);
  // The accessible name, for the roles the tests name: from aria-labelledby,
  // aria-label, the labels of a control, the value of an input button, or
  // the content of a button, link, heading or list item.
  const accName = (e) => {
    if (e.hasAttribute("aria-labelledby")) return byIds(e, "aria-labelledby");
    if (e.getAttribute("aria-label")) return e.getAttribute("aria-label");
    if (e.labels?.length) return [...e.labels].map((l) => l.textContent).join(" ");
    if (e.localName === "input" && ["button", "submit", "reset"].includes(e.type)) return e.value;
    if (["button", "link", "heading", "listitem", "tab", "menuitem", "option", "cell"].includes(role(e))) return e.textContent;
    return e.getAttribute("title") || "";
  };
  // The texts getByLabel matches: every label, aria-label and
  // aria-labelledby of the element.
  const labels = (e) => {
    const out = [];
    if (e.hasAttribute("aria-labelledby")) out.push(byIds(e, "aria-labelledby"));
    if (e.getAttribute("aria-label")) out.push(e.getAttribute("aria-label"));
    for (const l of e.labels ?? []) out.push(l.textContent);
    return out;
  };
  const below = (roots) => {
    const all = new Set();
    for (const r of roots) for (const e of r.querySelectorAll("*")) all.add(e);
    return [...all];
  };
  let set = [document];
  for (const s of chain) {
    if (s.css !== undefined) {
      const all = new Set();
      for (const r of set) for (const e of r.querySelectorAll(s.css)) all.add(e);
      set = [...all];
    } else if (s.role !== undefined) {
      set = below(set).filter((e) => role(e) === s.role && !hiddenForAria(e) && (s.name === undefined || matches(s.name, accName(e))));
    } else if (s.label !== undefined) {
      set = below(set).filter((e) => labels(e).some((l) => matches(s.label, l)));
    } else if (s.text !== undefined) {
      // The innermost elements whose text matches.
      set = below(set).filter(
        (e) => !["script", "style", "template"].includes(e.localName) && matches(s.text, e.textContent) && ![...e.children].some((c) => matches(s.text, c.textContent)),
      );
    } else if (s.hasText !== undefined) {
      set = set.filter((e) => e !== document && matches(s.hasText, e.textContent));
    } else if (s.nth !== undefined) {
      set = set.slice(s.nth, s.nth + 1);
    }
  }
  return set.filter((e) => e !== document);
}

// inPage is the expression that calls fn in the page with args (JSON) and
// resolve last. The driver evaluates it, so the console's
// Content-Security-Policy (no eval in the page) does not stand in the way.
function inPage(fn, ...args) {
  return `(${fn})(${[...args.map((a) => JSON.stringify(a)), resolve].join(", ")})`;
}
