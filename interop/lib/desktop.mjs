// An agent desktop written from the published GWS pages alone (the
// sources of docs/decisions.md): it logs in with StartContactCenterSession,
// reads the agent's channels with GET /me?subresources=*, keeps the
// JSESSIONID cookie as a browser does and authenticates everything after
// the login with it, listens with the official CometD client (npm `cometd`
// through `cometd-nodejs-client`), performs operations and links each
// answer to its notifications by `referenceId`. It decides only on the
// published fields `statusCode`, `notificationType` and `messageTypeName`,
// never on a field that only gwsmock sends.
//
// Every REST answer and CometD message goes to the observer given to the
// constructor, so a test can check it against the spec.
import { adapt } from "cometd-nodejs-client";
import { CometD } from "cometd";
import { Wakeup, request, withTimeout } from "./harness.mjs";

const NOTIFICATIONS = "/api/v2/notifications";
const TIMEOUT_MS = 5000;

// CookieJar keeps the cookies of each server (host and port) as
// Set-Cookie headers leave them: Max-Age=0 removes a cookie.
export class CookieJar {
  #byHost = new Map(); // host -> Map(name -> value)

  // store applies one Set-Cookie header received from url.
  store(url, header) {
    const [pair, ...attrs] = header.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq);
    const host = new URL(url).host;
    if (!this.#byHost.has(host)) this.#byHost.set(host, new Map());
    const expired = attrs.some((a) => /^max-age=\s*(-\d+|0+)$/i.test(a));
    if (expired) this.#byHost.get(host).delete(name);
    else this.#byHost.get(host).set(name, pair.slice(eq + 1));
  }

  // header answers the Cookie header for url ("" when there is none).
  header(url) {
    const jar = this.#byHost.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }

  get(url, name) {
    return this.#byHost.get(new URL(url).host)?.get(name);
  }
}

// The process's cookie jar, shared like a browser's by every desktop: the
// CometD client's HTTP requests use it through the adapter's cookie hooks,
// and its WebSocket upgrades through the subclass below (a browser sends
// the cookie with an upgrade by itself; the ws package needs the header).
export const cookies = new CookieJar();

adapt({
  cookies: {
    storeCookie(uri, header, callback) {
      cookies.store(uri.href, header);
      callback(null);
    },
    retrieveCookies(_context, uri, callback) {
      const h = cookies.header(uri.href);
      callback(null, h ? [h] : []);
    },
  },
});
const NodeWebSocket = window.WebSocket;
window.WebSocket = class CookieWebSocket extends NodeWebSocket {
  constructor(url, protocols) {
    const cookie = cookies.header(String(url).replace(/^ws/, "http"));
    super(url, protocols ?? [], cookie ? { headers: { Cookie: cookie } } : {});
  }
};

// Desktop is one agent's desktop.
//   base:      the server's origin, e.g. http://127.0.0.1:8090
//   user, password: the agent's credentials, sent once, with the login
//   transport: "long-polling" or "websocket"
//   topics:    the CometD channels to subscribe to
//   observe:   {answer(method, path, res), message(channel, data)}, told of
//              every REST answer and every CometD message
export class Desktop {
  constructor({ base, user, password, transport, topics, observe }) {
    Object.assign(this, { base, user, password, transport, topics, observe });
    this.received = []; // every CometD message, {channel, data}, in arrival order
    this.interactions = new Map(); // id -> the latest interaction object
    this.channelStates = new Map(); // channel -> Ready | NotReady
  }

  #arrived = new Wakeup();

  // request performs one REST request under /api/v2 with the cookie (and
  // Basic credentials when basic is set), keeps the cookies it sets and
  // answers {status, headers, json, text}.
  async request(method, path, { body, basic = false, cookie } = {}) {
    const url = this.base + "/api/v2" + path;
    const headers = {};
    if (basic) headers.Authorization = "Basic " + Buffer.from(`${this.user}:${this.password}`).toString("base64");
    const c = cookie ?? cookies.header(url);
    if (c) headers.Cookie = c;
    const r = await request(url, { method, headers, body });
    for (const h of r.headers.getSetCookie()) cookies.store(url, h);
    this.observe?.answer(method, path, r);
    return r;
  }

  // operation POSTs {"operationName", ...params} to path and answers its
  // referenceId; a statusCode other than 0 is an error carrying the
  // statusMessage.
  async operation(path, operationName, params = {}) {
    const r = await this.request("POST", path, { body: { operationName, ...params } });
    if (r.json?.statusCode !== 0) {
      throw new Error(`${operationName} on ${path}: statusCode ${r.json?.statusCode} ${r.json?.statusMessage ?? r.text}`);
    }
    return r.json.referenceId;
  }

  // startSession logs the agent in on channels with its credentials, the
  // only request that carries them; the answer's cookie authenticates
  // everything after it. Answers the referenceId.
  async startSession(channels) {
    const r = await this.request("POST", "/me", {
      basic: true,
      body: { operationName: "StartContactCenterSession", channels },
    });
    if (r.json?.statusCode !== 0) throw new Error(`StartContactCenterSession: ${r.status} ${r.text}`);
    if (!this.cookie) throw new Error("StartContactCenterSession set no JSESSIONID cookie");
    return r.json.referenceId;
  }

  // endSession ends the contact-center session; answers the referenceId.
  endSession() {
    return this.operation("/me", "EndContactCenterSession");
  }

  // setState makes the agent Ready or NotReady on every channel.
  setState(operationName) {
    return this.operation("/me", operationName);
  }

  // operate performs an operation on an interaction.
  operate(id, operationName, params) {
    return this.operation(`/me/interactions/${id}`, operationName, params);
  }

  // readState reads the user with its channels and devices
  // (GET /me?subresources=*).
  async readState() {
    const r = await this.request("GET", "/me?subresources=*");
    if (r.json?.statusCode !== 0) throw new Error(`GET /me?subresources=*: ${r.status} ${r.text}`);
    return r.json;
  }

  get cookie() {
    return cookies.get(this.base, "JSESSIONID");
  }

  // connect handshakes (the cookie is the only credential) and subscribes
  // to the topics; answers {handshake, subscriptions}.
  connect() {
    const cometd = (this.cometd = new CometD(`${this.user}-desktop`));
    if (this.transport === "long-polling") cometd.unregisterTransport("websocket");
    cometd.configure({ url: this.base + NOTIFICATIONS, logLevel: process.env.COMETD_LOG_LEVEL || "warn", maxBackoff: 1000 });
    return withTimeout(
      new Promise((resolve) => {
        cometd.handshake((handshake) => {
          if (!handshake.successful) {
            cometd.disconnect();
            resolve({ handshake, subscriptions: [] });
            return;
          }
          Promise.all(this.topics.map((t) => new Promise((done) => cometd.subscribe(t, (m) => this.#deliver(m), done)))).then(
            (subscriptions) => resolve({ handshake, subscriptions }),
          );
        });
      }),
      TIMEOUT_MS,
      `${this.user}: handshake and subscribe`,
    );
  }

  transportType() {
    return this.cometd?.getTransport()?.type;
  }

  // #deliver keeps the desktop's view of the agent up to date, deciding
  // on messageTypeName and notificationType only.
  #deliver({ channel, data }) {
    this.received.push({ channel, data });
    this.observe?.message(channel, data);
    if (data?.messageTypeName === "InteractionStateMessage") {
      switch (data.notificationType) {
        case "StatusChange":
        case "PropertiesUpdated":
        case "ParticipantsUpdated":
        case "ChannelDataUpdated":
          this.interactions.set(data.id, data);
          break;
      }
    } else if (data?.messageTypeName === "ChannelStateMessage") {
      this.channelStates.set(data.channel, data.state);
    }
    this.#arrived.wake();
  }

  // notification waits until a message matching pred has arrived and
  // answers the first one.
  async notification(what, pred, ms = TIMEOUT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.received.find((r) => pred(r.data));
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.user}: no ${what} within ${ms} ms; received ${JSON.stringify(this.received.map((r) => r.data))}`);
      }
      await this.#arrived.wait(left);
    }
  }

  // byReference waits for count messages carrying referenceId and answers
  // them, in arrival order.
  async byReference(referenceId, count = 1, ms = TIMEOUT_MS) {
    await this.notification(`${count} message(s) with referenceId ${referenceId}`, () => this.#withRef(referenceId).length >= count, ms);
    return this.#withRef(referenceId);
  }

  #withRef(referenceId) {
    return this.received.filter((r) => r.data?.referenceId === referenceId);
  }

  disconnect() {
    const cometd = this.cometd;
    if (!cometd || cometd.isDisconnected()) return Promise.resolve({ successful: true });
    return withTimeout(new Promise((resolve) => cometd.disconnect(resolve)), TIMEOUT_MS, `${this.user}: disconnect`);
  }

  // close stops the client whatever its state (cleanup after a failure).
  close() {
    try {
      if (this.cometd && !this.cometd.isDisconnected()) this.cometd.disconnect();
    } catch {
      // best effort
    }
  }
}
