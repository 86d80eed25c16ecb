// The test page's frontend: what an agent desktop on its own origin does
// with gwsmock. REST goes through fetch with credentials:'include' (so the
// JSESSIONID cookie is kept and sent), notifications through the official
// CometD client, authenticated by that cookie alone. The test drives it
// through window.app; deliveries are reported to the test through
// window.gwsDeliver (a function the test exposes), kept in app.received and
// shown on the page, one line each (what a screenshot of a run shows).
import { CometD } from "./cometd/cometd.js";

const TIMEOUT_MS = 5000;
const ME_INTERACTIONS = "/v2/me/interactions";

const app = {
  api: "", // gwsmock's base URL, e.g. http://127.0.0.1:8090
  cometd: null,
  received: [], // [{channel, data}]
  handshakes: [], // every /meta/handshake reply the client saw
  csrfToken: null, // the X-CSRF-TOKEN of the last response that had one

  configure(api) {
    this.api = api;
  },

  // show appends lines to the page's log.
  show(...lines) {
    document.getElementById("log").textContent += lines.map((l) => l + "\n").join("");
  },

  // call is one REST request under /api/v2. It answers what the page can
  // see: the status, the response headers readable under CORS, the body;
  // or, when the browser refused the request, the error fetch threw.
  // csrf: true sends the last X-CSRF-TOKEN seen, a string sends that token.
  async call(method, path, { user, password, body, csrf = false } = {}) {
    const headers = {};
    if (user) headers.Authorization = "Basic " + btoa(`${user}:${password}`);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const token = csrf === true ? this.csrfToken : csrf;
    if (token) headers["X-CSRF-TOKEN"] = token;
    let res;
    try {
      res = await fetch(this.api + "/api/v2" + path, {
        method,
        headers,
        credentials: "include",
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { error: `${err.name}: ${err.message}` };
    }
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const seen = Object.fromEntries(res.headers);
    if (seen["x-csrf-token"]) this.csrfToken = seen["x-csrf-token"];
    return { status: res.status, headers: seen, text, json };
  },

  // login is the first request of a frontend: Basic credentials, once.
  login(user, password) {
    return this.call("GET", "/me", { user, password });
  },

  // connect handshakes with the CometD client (no Authorization header: the
  // cookie is all it has) and subscribes to the agent's interactions.
  // Answers the first handshake reply, the subscribe reply and the
  // transport used.
  connect({ websocket = true } = {}) {
    const cometd = new CometD("page");
    this.cometd = cometd;
    if (!websocket) cometd.unregisterTransport("websocket");
    cometd.configure({ url: this.api + "/api/v2/notifications", logLevel: "warn", maxBackoff: 1000 });
    cometd.addListener("/meta/handshake", (m) => this.handshakes.push(m));
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ error: `no handshake reply within ${TIMEOUT_MS} ms` }), TIMEOUT_MS);
      cometd.handshake((handshake) => {
        const transport = cometd.getTransport()?.type;
        if (!handshake.successful) {
          clearTimeout(timer);
          cometd.disconnect(); // stop retrying
          resolve({ handshake, transport });
          return;
        }
        cometd.subscribe(
          ME_INTERACTIONS,
          (m) => {
            this.received.push({ channel: m.channel, data: m.data });
            this.show(...describe(m.data));
            window.gwsDeliver?.(m.channel, m.data);
          },
          (subscribe) => {
            clearTimeout(timer);
            resolve({ handshake, subscribe, transport: cometd.getTransport()?.type });
          },
        );
      });
    });
  },

  transport() {
    return this.cometd?.getTransport()?.type;
  },

  disconnect() {
    const cometd = this.cometd;
    if (!cometd || cometd.isDisconnected()) return Promise.resolve({ successful: true, already: true });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ error: `no disconnect reply within ${TIMEOUT_MS} ms` }), TIMEOUT_MS);
      cometd.disconnect((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  },
};

// describe is what the page shows of a notification: a chat message log as
// one line per transcript event, anything else as its kind and state.
// An email shows its subject.
function describe(d) {
  const ref = d?.referenceId === undefined ? "" : ` ref=${d.referenceId}`;
  if (d?.messageTypeName === "MessageLogUpdated") {
    return (d.messages ?? []).map(
      (e) => `${d.id} #${e.index} ${e.from?.nickname} (${e.from?.type}) ${e.type}${e.text === undefined ? "" : `: ${e.text}`}${ref}`,
    );
  }
  const subject = d?.email_object?.subject === undefined ? "" : ` "${d.email_object.subject}"`;
  return [`${d?.id} ${d?.notificationType ?? d?.messageTypeName} ${d?.state ?? ""}${ref}${subject}`];
}

window.app = app;
