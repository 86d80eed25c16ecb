// The browser side of the interop tests: Debian's Chromium driven by
// playwright-core (npm tools cannot download a browser here), a static
// HTTP server that plays the frontend's dev server on another origin than
// gwsmock (it serves the test page, ../browser/, and the files of the
// official CometD client, npm `cometd`, ES modules, unchanged), the pages
// a test drives, its dependent steps, and screenshots under ../artifacts/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Inbox, stepper, withTimeout } from "./harness.mjs";

export const CHROMIUM = "/usr/bin/chromium";

// The flags matter: the machine's network is closed, so nothing in the
// background may try to reach the outside.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// launchChromium starts headless Chromium; it fails (never skips) when the
// browser is missing: `make chromium` installs it.
export async function launchChromium(ms = 30000) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's package chromium (\`make chromium\`)`);
  }
  return withTimeout(chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: ms }), ms + 1000, "Chromium to start");
}

const PAGE_DIR = fileURLToPath(new URL("../browser/", import.meta.url));
// The cometd package has no "exports" map; its main module is cometd.js.
const COMETD_DIR = dirname(fileURLToPath(import.meta.resolve("cometd")));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
};

// file maps a request path to a file: the page's own files, and
// /cometd/<Name>.js from the cometd package (flat, so no path escapes).
function file(pathname) {
  if (pathname === "/") pathname = "/index.html";
  let m = /^\/cometd\/([A-Za-z0-9]+\.js)$/.exec(pathname);
  if (m) return join(COMETD_DIR, m[1]);
  m = /^\/([a-z0-9-]+\.(?:html|mjs))$/.exec(pathname);
  if (m) return join(PAGE_DIR, m[1]);
  return null;
}

// StaticServer serves the page on 127.0.0.1, a port of its own. It records
// the paths it served so a test can tell that the page loaded the CometD
// client from it.
export class StaticServer {
  #server;
  served = [];

  async start() {
    for (const f of ["cometd.js", "Client.js", "WebSocketTransport.js", "LongPollingTransport.js"]) {
      if (!existsSync(join(COMETD_DIR, f))) throw new Error(`the cometd package has no ${f} in ${COMETD_DIR}`);
    }
    this.#server = http.createServer((req, res) => {
      const { pathname } = new URL(req.url, "http://x");
      const path = req.method === "GET" ? file(pathname) : null;
      let body;
      try {
        body = path && readFileSync(path);
      } catch {
        body = null;
      }
      if (!body) {
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("not found\n");
        return;
      }
      this.served.push(pathname);
      const ext = path.slice(path.lastIndexOf("."));
      res.writeHead(200, { "Content-Type": TYPES[ext], "Cache-Control": "no-store" });
      res.end(body);
    });
    await new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", resolve);
    });
    this.port = this.#server.address().port;
    this.origin = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async close() {
    this.#server.closeAllConnections();
    await withTimeout(new Promise((resolve) => this.#server.close(() => resolve())), 5000, "the static server to close");
  }
}

// NetworkLog records, through the DevTools protocol, what the browser
// itself sent and received for one page: HTTP requests (CORS preflights
// included, which the page cannot see) with the headers as sent (cookies
// included), WebSocket handshakes with their request headers (Chromium
// leaves the Cookie header out of those) and status, and failures. The
// events arrive asynchronously: wait for what a check needs.
export class NetworkLog {
  requests = new Map(); // requestId -> {url, method, type, status, headers (sent), responseHeaders, failed}
  sockets = new Map(); // requestId -> {url, status, requestHeaders, responseHeaders, error, closed}

  static async attach(context, page) {
    const log = new NetworkLog();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const req = (id) => {
      if (!log.requests.has(id)) log.requests.set(id, {});
      return log.requests.get(id);
    };
    const ws = (id) => {
      if (!log.sockets.has(id)) log.sockets.set(id, {});
      return log.sockets.get(id);
    };
    cdp.on("Network.requestWillBeSent", (e) => Object.assign(req(e.requestId), { url: e.request.url, method: e.request.method, type: e.type }));
    // The headers as sent on the wire (cookies included).
    cdp.on("Network.requestWillBeSentExtraInfo", (e) => {
      req(e.requestId).headers = lower(e.headers);
    });
    cdp.on("Network.responseReceived", (e) =>
      Object.assign(req(e.requestId), { type: e.type, status: e.response.status, responseHeaders: lower(e.response.headers) }),
    );
    cdp.on("Network.responseReceivedExtraInfo", (e) => {
      const r = req(e.requestId);
      r.rawResponseHeaders = lower(e.headers);
      r.blockedCookies = e.blockedCookies;
    });
    cdp.on("Network.loadingFailed", (e) => {
      const r = req(e.requestId);
      r.failed = e.errorText;
      r.corsError = e.corsErrorStatus?.corsError;
      r.blockedReason = e.blockedReason;
    });
    cdp.on("Network.webSocketCreated", (e) => {
      ws(e.requestId).url = e.url;
    });
    cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => {
      const s = ws(e.requestId);
      s.requestHeaders ??= lower(e.request.headers);
    });
    cdp.on("Network.webSocketHandshakeResponseReceived", (e) =>
      Object.assign(ws(e.requestId), {
        status: e.response.status,
        requestHeaders: lower(e.response.requestHeaders ?? {}),
        responseHeaders: lower(e.response.headers),
      }),
    );
    // A refused upgrade fires no handshake response event, only this
    // error: "Error during WebSocket handshake: Unexpected response code: 403".
    cdp.on("Network.webSocketFrameError", (e) => {
      const s = ws(e.requestId);
      s.error = e.errorMessage;
      const m = /Unexpected response code: (\d+)/.exec(e.errorMessage);
      if (m) s.status ??= Number(m[1]);
    });
    cdp.on("Network.webSocketClosed", (e) => {
      ws(e.requestId).closed = true;
    });
    log.cdp = cdp;
    return log;
  }

  // to lists the HTTP requests whose URL starts with prefix.
  to(prefix) {
    return [...this.requests.values()].filter((r) => r.url?.startsWith(prefix));
  }

  socketsTo(prefix) {
    return [...this.sockets.values()].filter((s) => s.url?.startsWith(prefix));
  }
}

function lower(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

// How long one page.evaluate and one dependent step may take.
export const EVAL_MS = 10000;
export const STEP_MS = 20000;

// ARTIFACTS is where the tests leave what a reader looks at after a run
// (screenshots); git ignores it.
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

// Pages opens the test page in a browser, each page in a fresh context (its
// own cookie jar), and closes them all at the end. Every CometD payload a
// page receives goes into its Inbox, checked against spec.
export class Pages {
  all = [];

  constructor(browser, site, spec) {
    Object.assign(this, { browser, site, spec });
  }

  // open loads the page pointed at the gwsmock server api. The answer p has
  // the playwright page and context, the browser console, the inbox, the
  // network log (NetworkLog), run(what, fn, arg) (fn evaluated in the page,
  // bounded) and screenshot(name) (../artifacts/<name>.png, the whole page).
  async open(api, name) {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(EVAL_MS);
    const p = { name, api, context, page, console: [], inbox: new Inbox(name, this.spec) };
    this.all.push(p);
    page.on("console", (m) => p.console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (err) => p.console.push(`pageerror: ${err.message}`));
    await page.exposeFunction("gwsDeliver", (channel, data) => p.inbox.push(channel, data));
    p.net = await NetworkLog.attach(context, page);
    const res = await page.goto(this.site.origin + "/", { timeout: EVAL_MS });
    assert.equal(res.status(), 200, "the test page loads");
    await page.waitForFunction(() => window.app !== undefined, null, { timeout: EVAL_MS });
    await page.evaluate((a) => window.app.configure(a), api);
    p.run = (what, fn, arg) => withTimeout(page.evaluate(fn, arg), EVAL_MS, `${name}: ${what}`);
    p.screenshot = async (file) => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${file}.png`);
      await withTimeout(page.screenshot({ path, fullPage: true }), EVAL_MS, `${name}: a screenshot`);
      return path;
    };
    return p;
  }

  async closeAll() {
    for (const p of this.all) await withTimeout(p.context.close(), 5000, "a browser context to close").catch(() => {});
  }
}

// steps answers a function that declares one dependent step of a group
// (harness.mjs stepper); on failure the browser console and the network log
// of the group's page (getPage()) are printed.
export function steps(getPage) {
  return stepper({
    timeout: STEP_MS,
    onFailure(t) {
      const p = getPage();
      if (!p) return;
      t.diagnostic(`browser console of ${p.name}:\n  ${p.console.join("\n  ") || "(empty)"}`);
      t.diagnostic(`network of ${p.name}:\n  ${describeNet(p.net)}`);
    },
  });
}

// teardown closes the pages, the browser, the static server and the gwsmock
// servers of a test file, then arms a timer that fails the run when
// something still keeps the process alive 5 s later (a leak), instead of
// letting it hang.
export async function teardown(file, { pages, browser, site, servers = [] }) {
  try {
    await pages?.closeAll();
    if (browser) await withTimeout(browser.close(), 10000, "Chromium to exit");
    await site?.close();
  } finally {
    for (const s of servers) {
      if (s && s.proc.exitCode === null && s.proc.signalCode === null) await s.stop().catch(() => {});
    }
    setTimeout(() => {
      console.error(`${file}: the process did not exit 5 s after its tests ended (a browser, server or socket left open)`);
      process.exit(1);
    }, 5000).unref();
  }
}

// describeNet summarizes a NetworkLog for diagnostics.
export function describeNet(net) {
  if (!net) return "(no network log)";
  const lines = [];
  for (const q of net.requests.values()) {
    if (!q.url || q.url.endsWith(".js") || q.url.endsWith(".mjs") || q.url.endsWith(".ico")) continue;
    const acao = q.responseHeaders?.["access-control-allow-origin"] ?? q.rawResponseHeaders?.["access-control-allow-origin"];
    lines.push(
      `${q.method} ${q.url} [${q.type}] -> ${q.status ?? "-"}` +
        (acao ? ` ACAO=${acao}` : "") +
        (q.failed ? ` failed=${q.failed}` : "") +
        (q.corsError ? ` cors=${q.corsError}` : ""),
    );
  }
  for (const s of net.sockets.values()) lines.push(`WebSocket ${s.url} -> ${s.status ?? "-"}${s.error ? ` error=${s.error}` : ""}`);
  return lines.join("\n  ") || "(nothing)";
}
