// An agent's session with the Faye client (npm `faye`), used as an
// application would: a Client with a header, subscribe, disconnect. Nothing
// of the client is patched; the wrapper only records what happens. Faye has
// no ack extension.
import faye from "faye";
import { NOTIFICATIONS, PASSWORDS, basic, withTimeout } from "./harness.mjs";

export class FayeSession {
  // Credentials: the Basic header with password (default: the user's), or,
  // given cookie ("JSESSIONID=..." of a REST login), the session cookie.
  // transport: "long-polling" (WebSocket disabled) or "websocket" (Faye's
  // default: it handshakes over HTTP, then moves to a WebSocket).
  constructor({ base, user, password = PASSWORDS[user], cookie, inbox, transport = "long-polling" }) {
    this.user = user;
    this.inbox = inbox;
    this.handshakes = [];
    this.disconnects = [];
    this.connectsSent = 0;
    this.connectOutstanding = false;
    this.lastConnectSentAt = 0;
    this.raw = [];
    this.clientId = null;

    // retry: seconds before resending after a network error (default 5).
    const client = (this.client = new faye.Client(base + NOTIFICATIONS, { retry: 0.2 }));
    if (transport === "long-polling") client.disable("websocket");
    if (cookie) client.setHeader("Cookie", cookie);
    else client.setHeader("Authorization", basic(user, password));
    client.addExtension({
      outgoing: (m, callback) => {
        if (m.channel === "/meta/connect") {
          this.connectsSent++;
          this.connectOutstanding = true;
          this.lastConnectSentAt = Date.now();
        }
        callback(m);
      },
      incoming: (m, callback) => {
        switch (m.channel) {
          case "/meta/handshake":
            this.handshakes.push(m);
            if (m.successful) this.clientId = m.clientId;
            for (const w of this.#handshakeWaiters) w(m);
            break;
          case "/meta/connect":
            this.connectOutstanding = false;
            break;
          case "/meta/disconnect":
            this.disconnects.push(m);
            break;
          default:
            if (m.successful === undefined && m.data !== undefined) this.raw.push(m);
        }
        callback(m);
      },
    });
  }

  #handshakeWaiters = new Set();

  transportType() {
    return this.client._dispatcher?._transport?.connectionType;
  }

  // handshake resolves with the first handshake reply. Faye handshakes on
  // its own when first used; connect() starts it without subscribing.
  handshake(ms = 5000) {
    const got = new Promise((resolve) => {
      if (this.handshakes.length) return resolve(this.handshakes[0]);
      const w = (m) => {
        this.#handshakeWaiters.delete(w);
        resolve(m);
      };
      this.#handshakeWaiters.add(w);
    });
    this.client.connect();
    return withTimeout(got, ms, `${this.user} handshake`);
  }

  // subscribe resolves when the server acknowledged the subscription.
  subscribe(channel, ms = 5000) {
    const sub = this.client.subscribe(channel).withChannel((ch, data) => this.inbox.push(ch, data));
    // Faye's then() swallows a failure unless given an errback.
    const done = new Promise((resolve) =>
      sub.then(
        () => resolve({ successful: true, subscription: channel }),
        (err) => resolve({ successful: false, subscription: channel, error: String(err?.message ?? err) }),
      ),
    );
    return withTimeout(done, ms, `${this.user} subscribe ${channel}`);
  }

  // disconnect resolves with the /meta/disconnect reply.
  async disconnect(ms = 5000) {
    const pub = this.client.disconnect();
    if (!pub) throw new Error(`${this.user}: Faye client is not connected`);
    const done = new Promise((resolve) => pub.then(resolve, resolve));
    await withTimeout(done, ms, `${this.user} disconnect`);
    return this.disconnects.at(-1);
  }

  // close stops the client whatever its state (cleanup after a failure).
  // Faye resends a pending message (a connect included) until the server
  // answers, so a client that could not disconnect would retry for ever;
  // closing the dispatcher, as Faye itself does after a successful
  // disconnect, stops that.
  close() {
    try {
      this.client.disconnect();
      this.client._dispatcher.close();
    } catch {
      // best effort
    }
  }
}
