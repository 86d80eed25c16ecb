// An agent's CometD session with the official CometD JavaScript client
// (npm `cometd`) running in Node through `cometd-nodejs-client`, used as a
// frontend would: configure, handshake, subscribe, disconnect. Nothing of
// the client is patched; the wrapper only records what happens.
import { adapt } from "cometd-nodejs-client";
import { AckExtension, CometD } from "cometd";
import { NOTIFICATIONS, PASSWORDS, basic, withTimeout } from "./harness.mjs";

// The adapter installs XMLHttpRequest and WebSocket (package ws) on a global
// `window`; once per process, before any CometD object is made.
adapt();

export class CometDSession {
  // transport: "long-polling" (WebSocket unregistered) or "websocket" (the
  // client's default order: WebSocket first, long-polling as fallback).
  constructor({ base, user, password = PASSWORDS[user], transport, inbox, ack = true, name }) {
    this.user = user;
    this.inbox = inbox;
    this.transport = transport;
    this.handshakes = []; // every /meta/handshake reply
    this.connectsSent = 0;
    this.connectOutstanding = false;
    this.lastConnectSentAt = 0;
    this.raw = []; // every delivered message (not a reply), as it came off the wire

    const cometd = (this.cometd = new CometD(name ?? `${user}-${transport}`));
    const url = new URL(base + NOTIFICATIONS);
    if (transport === "long-polling") {
      cometd.unregisterTransport("websocket");
    } else {
      // The WebSocket transport opens `new window.WebSocket(url)`, which (as
      // in a browser) takes no request headers, so requestHeaders never
      // reach the upgrade request. The ws package sends the URL's user info
      // as the Basic Authorization header of the upgrade, which is what a
      // Node frontend does to authenticate a WebSocket handshake.
      url.username = user;
      url.password = password;
    }
    cometd.configure({
      url: url.href,
      // Long-polling: the Basic header on every request.
      requestHeaders: { Authorization: basic(user, password) },
      logLevel: process.env.COMETD_LOG_LEVEL || "warn",
      // Reconnect quickly after a dropped poll (default backoff grows by 1 s).
      backoffIncrement: 200,
      maxBackoff: 1000,
    });
    if (ack) cometd.registerExtension("ack", new AckExtension());
    // Observation only: records connects and raw deliveries.
    cometd.registerExtension("observer", {
      outgoing: (m) => {
        if (m.channel === "/meta/connect") {
          this.connectsSent++;
          this.connectOutstanding = true;
          this.lastConnectSentAt = Date.now();
        }
        return m;
      },
      incoming: (m) => {
        if (m.channel === "/meta/connect") this.connectOutstanding = false;
        if (m.successful === undefined && m.data !== undefined) this.raw.push(m);
        return m;
      },
    });
    cometd.addListener("/meta/handshake", (m) => this.handshakes.push(m));
  }

  get clientId() {
    return this.cometd.getClientId();
  }

  transportType() {
    return this.cometd.getTransport()?.type;
  }

  // handshake resolves with the handshake reply, successful or not.
  handshake(ms = 5000) {
    return withTimeout(new Promise((resolve) => this.cometd.handshake((reply) => resolve(reply))), ms, `${this.user} handshake`);
  }

  // subscribe resolves with the subscribe reply; deliveries go to the inbox.
  subscribe(channel, ms = 5000) {
    return withTimeout(
      new Promise((resolve) =>
        this.cometd.subscribe(
          channel,
          (m) => this.inbox.push(m.channel, m.data),
          (reply) => resolve(reply),
        ),
      ),
      ms,
      `${this.user} subscribe ${channel}`,
    );
  }

  disconnect(ms = 5000) {
    return withTimeout(new Promise((resolve) => this.cometd.disconnect((reply) => resolve(reply))), ms, `${this.user} disconnect`);
  }

  // close stops the client whatever its state (cleanup after a failure).
  close() {
    try {
      if (!this.cometd.isDisconnected()) this.cometd.disconnect();
    } catch {
      // best effort
    }
  }
}
