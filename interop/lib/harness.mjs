// Test harness shared by the interop tests: a gwsmock process per test file,
// REST and control helpers, a loopback TCP proxy that can drop connections,
// and an inbox that checks order, exactly-once delivery and the spec's
// schemas of what a client receives.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { loadSpec } from "./spec.mjs";

export { sleep };

// The binary under test: $GWSMOCK_BIN, else bin/gwsmock of the repository.
export const GWSMOCK_BIN = process.env.GWSMOCK_BIN || fileURLToPath(new URL("../../bin/gwsmock", import.meta.url));

export const NOTIFICATIONS = "/api/v2/notifications";

// The capabilities the server lists, in its order: an offer's, the seed
// page's of an owner, and those of an owner of an inbound email and of a
// chat whose customer is still in it (the media operations after the
// seed's).
export const OFFER_CAPABILITIES = ["Accept", "Reject"];
export const OWNER_CAPABILITIES = ["StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"];
export const EMAIL_OWNER_CAPABILITIES = [...OWNER_CAPABILITIES, "Reply", "ReplyAll", "Forward"];
export const CHAT_OWNER_CAPABILITIES = [...OWNER_CAPABILITIES, "SendMessage", "SendNotification", "RequestChatHistory"];
export const PASSWORDS = { alice: "alice123", bob: "bob123", carol: "carol123", dave: "dave123", admin: "admin123" };

export function basic(user, password = PASSWORDS[user]) {
  return "Basic " + Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}

// waitFor polls cond until it returns a truthy value, or fails after ms.
export async function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

// withTimeout rejects when p has not settled within ms.
export function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// stepper answers a function that declares one dependent step of a group,
// step(name, fn, ms = timeout): after a failure the rest of the group is
// skipped. onFailure(t, err) may add diagnostics to the failed step.
export function stepper({ timeout = 20000, onFailure } = {}) {
  let broken = null; // the first failed step: later steps cannot run
  return (name, fn, ms = timeout) =>
    it(name, { timeout: ms }, async (t) => {
      if (broken) {
        t.skip(`cannot run after the failed step "${broken}"`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        broken = name;
        onFailure?.(t, err);
        throw err;
      }
    });
}

// startServer starts `gwsmock serve` on a free loopback port. Its first
// stdout line names the URL.
export async function startServer({ args = [], startMs = 10000 } = {}) {
  if (!existsSync(GWSMOCK_BIN)) {
    throw new Error(`gwsmock binary not found at ${GWSMOCK_BIN} (build it with \`make build\` or set GWSMOCK_BIN)`);
  }
  const proc = spawn(GWSMOCK_BIN, ["serve", "--addr", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  let stderr = "";
  proc.stderr.setEncoding("utf8");
  proc.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-65536);
  });
  const exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));

  let stdout = "";
  proc.stdout.setEncoding("utf8");
  const url = await withTimeout(
    new Promise((resolve, reject) => {
      proc.stdout.on("data", (d) => {
        if (stdout.includes("\n")) return; // only the first line matters; keep draining
        stdout += d;
        const nl = stdout.indexOf("\n");
        if (nl < 0) return;
        const first = stdout.slice(0, nl);
        const m = /^gwsmock \S+ listening on (http:\/\/\S+)$/.exec(first);
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first stdout line: ${JSON.stringify(first)}`));
      });
      proc.once("error", reject);
      exited.then(({ code, signal }) =>
        reject(new Error(`gwsmock exited before listening (code ${code}, signal ${signal}); stderr:\n${stderr}`)),
      );
    }),
    startMs,
    "gwsmock to print its URL",
  );

  return {
    url,
    proc,
    stderr: () => stderr,
    // stop sends SIGTERM and resolves with the exit status.
    async stop(ms = 10000) {
      process.removeListener("exit", killOnExit);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      try {
        return await withTimeout(exited, ms, "gwsmock to exit after SIGTERM");
      } catch (err) {
        proc.kill("SIGKILL");
        throw err;
      }
    },
  };
}

// request performs one HTTP request with a JSON body (a string is sent as
// is) and answers {status, headers, text, json}; json is undefined when
// the body is not JSON.
export async function request(url, { method = "GET", headers = {}, body } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(5000) };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// api calls the REST API as user.
export function api(base, user, method, path, body) {
  return request(base + "/api/v2" + path, { method, headers: { Authorization: basic(user) }, body });
}

// control calls the test-control API.
export function control(base, method, path, body) {
  return request(base + "/control/v1" + path, { method, body });
}

// createEmail makes a customer's email arrive, with userData if given;
// answers its id.
export async function createEmail(base, subject, userData) {
  const r = await control(base, "POST", "/interactions", { channel: "email", email_object: { subject }, ...(userData && { userData }) });
  assert.equal(r.status, 201, `control create: ${r.status} ${r.text}`);
  assert.match(r.json?.id ?? "", /^[0-9A-Za-z]{16}$/, `control create answered ${r.text}`);
  return r.json.id;
}

let answerSpec;

// assertAnswer checks that a REST answer r of method on path (after
// /api/v2) matches the spec.
export function assertAnswer(method, path, r) {
  answerSpec ??= loadSpec();
  const problems = answerSpec.validateAnswer(method, path, r.status, r.headers.get("content-type"), r.json ?? r.text);
  assert.deepEqual(problems, [], `${method} ${path} answered ${r.status} ${r.text}`);
}

// operate performs one operation as user, expects
// {"status":"ok","statusCode":0,"referenceId":n} and answers n.
export async function operate(base, user, id, op) {
  const path = `/me/interactions/${id}`;
  const r = await api(base, user, "POST", path, op);
  assert.equal(r.status, 200, `${user} ${op.operationName} on ${id}: ${r.status} ${r.text}`);
  assertAnswer("POST", path, r);
  const { referenceId } = r.json;
  assert.ok(Number.isInteger(referenceId) && referenceId > 0, `${user} ${op.operationName} on ${id}: referenceId in ${r.text}`);
  assert.deepEqual(r.json, { status: "ok", statusCode: 0, referenceId }, `${user} ${op.operationName} on ${id}`);
  return referenceId;
}

// sessionCookie logs in through the REST API and answers "JSESSIONID=...".
export async function sessionCookie(base, user) {
  const r = await api(base, user, "GET", "/me");
  assert.equal(r.status, 200, `GET /me as ${user}: ${r.status} ${r.text}`);
  const c = (r.headers.getSetCookie?.() ?? [r.headers.get("set-cookie") ?? ""]).find((h) => h.startsWith("JSESSIONID="));
  assert.ok(c, `GET /me as ${user} set no JSESSIONID cookie`);
  return c.split(";")[0];
}

// bayeuxPost posts raw Bayeux messages, for checks outside a client library.
export function bayeuxPost(base, user, messages) {
  return request(base + NOTIFICATIONS, { method: "POST", headers: { Authorization: basic(user) }, body: messages });
}

// TcpProxy forwards loopback TCP connections to the server. dropAll resets
// every open connection (both sides), as a network failure would; while
// swallowing, what the server sends is read and thrown away instead of
// reaching the client, so a reply can be lost in flight.
export class TcpProxy {
  #server;
  #pairs = new Set();
  swallowing = false;
  swallowed = "";
  connections = 0;
  dropped = 0;

  constructor(targetUrl) {
    const u = new URL(targetUrl);
    this.targetHost = u.hostname;
    this.targetPort = Number(u.port);
  }

  async start() {
    this.#server = net.createServer((client) => this.#accept(client));
    await new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", resolve);
    });
    this.url = `http://127.0.0.1:${this.#server.address().port}`;
    return this;
  }

  #accept(client) {
    this.connections++;
    client.pause();
    const upstream = net.connect(this.targetPort, this.targetHost, () => client.resume());
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d) => {
      if (this.swallowing) this.swallowed += d.toString("latin1");
      else client.write(d);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  }

  get open() {
    return this.#pairs.size;
  }

  // dropAll resets every open connection; answers how many there were.
  dropAll() {
    const n = this.#pairs.size;
    for (const { client, upstream } of this.#pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.#pairs.clear();
    this.dropped += n;
    return n;
  }

  async close() {
    this.dropAll();
    await withTimeout(new Promise((resolve) => this.#server.close(() => resolve())), 5000, "the proxy to close");
  }
}

// Wakeup lets waiters sleep until something arrives: wait(ms) resolves at
// the next wake() or after ms, whichever comes first.
export class Wakeup {
  #waiters = new Set();

  wait(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  wake() {
    for (const w of this.#waiters) w();
  }
}

// Inbox records what one client session receives and checks each payload
// against the spec. take() insists that the next message is the expected
// one, so order and exactly-once are checked as messages are consumed.
export class Inbox {
  #arrived = new Wakeup();

  constructor(name, spec) {
    this.name = name;
    this.spec = spec;
    this.messages = []; // {channel, data, problems}
    this.cursor = 0;
  }

  push(channel, data) {
    const problems = this.spec.validate(channel, data);
    this.messages.push({ channel, data, problems });
    this.#arrived.wake();
  }

  // take waits for the next message and checks it: channel, that it
  // matches the spec, and check(data) (assertions).
  async take(what, channel, check, ms = 5000) {
    const deadline = Date.now() + ms;
    while (this.cursor >= this.messages.length) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.name}: no message within ${ms} ms, expected ${what}; received so far: ${this.describe()}`);
      }
      await this.#arrived.wait(left);
    }
    const m = this.messages[this.cursor++];
    try {
      assert.equal(m.channel, channel, "wrong channel");
      assert.deepEqual(m.problems, [], "the payload does not match the spec");
      check?.(m.data);
    } catch (err) {
      throw new Error(
        `${this.name}: expected ${what} as message #${this.cursor}, got ${summary(m.channel, m.data)}: ${err.message}\n` +
          `received so far: ${this.describe()}\npayload: ${JSON.stringify(m.data)}`,
        { cause: err },
      );
    }
    return m.data;
  }

  // quiet asserts that nothing beyond what was taken arrives within ms.
  async quiet(ms) {
    await sleep(ms);
    assert.equal(this.messages.length, this.cursor, `${this.name}: unexpected messages: ${this.describe(this.cursor)}`);
  }

  describe(from = 0) {
    return JSON.stringify(this.messages.slice(from).map((m) => summary(m.channel, m.data)));
  }
}

// summary is a short description of a message for diagnostics and for
// comparing whole sequences.
export function summary(channel, data) {
  if (data?.messageTypeName !== "InteractionStateMessage") return `${channel} ${data?.messageTypeName}`;
  const step = data.notificationType === "PropertiesUpdated" && data.userData?.step !== undefined ? ` step=${data.userData.step}` : "";
  return `${data.id} ${data.notificationType}/${data.state}${step}`;
}
