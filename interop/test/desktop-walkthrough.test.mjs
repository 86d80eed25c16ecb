// An agent desktop written from the published GWS pages alone
// (lib/desktop.mjs), with the official CometD client in Node, walks
// through an agent's shift against a gwsmock process of its own: it logs in
// with StartContactCenterSession, reads its channels with
// GET /me?subresources=*, handshakes with the session cookie, receives a
// new email as StatusChange Invited, Accepts it and finds the notification
// by the answer's referenceId, reads userData and email_object.interactionId,
// UpdateProperties (merged into userData), StopProcessing (Completed),
// NotReady and Ready, and ends with EndContactCenterSession, after which
// its cookie is refused.
//
// It runs over long-polling and over WebSocket, subscribed to the topics
// under /v2 and to the topic names of the published notification pages
// (/me/interactions, /me/channels), and once under both names, where each
// message must still arrive once, under /v2. Every REST answer (control API
// included) and every CometD message is checked against the spec.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { control, sleep, startServer } from "../lib/harness.mjs";
import { controlSpecPath, loadSpec } from "../lib/spec.mjs";
import { Desktop } from "../lib/desktop.mjs";

const PUBLISHED_TOPICS = ["/me/interactions", "/me/channels"];
const V2_TOPICS = ["/v2/me/interactions", "/v2/me/channels"];
const VARIANTS = [
  { transport: "long-polling", topics: V2_TOPICS },
  { transport: "websocket", topics: V2_TOPICS },
  { transport: "long-polling", topics: PUBLISHED_TOPICS },
  { transport: "websocket", topics: PUBLISHED_TOPICS },
  // Subscribed under both names, a session still gets each message once,
  // under the /v2 name (the bayeux DeliverAs rule of issue 11).
  { transport: "long-polling", topics: [...V2_TOPICS, ...PUBLISHED_TOPICS] },
];
const CHANNELS = ["email", "chat"];

// summary describes a message for comparing whole sequences.
function summary({ channel, data }) {
  if (data?.messageTypeName === "ChannelStateMessage") return `${channel} ${data.channel} ${data.state} ref=${data.referenceId}`;
  return `${channel} ${data?.notificationType}/${data?.state} ref=${data?.referenceId}`;
}

let spec, controlSpec;
before(() => {
  spec = loadSpec();
  controlSpec = loadSpec(controlSpecPath, { cometd: false });
});
after(() => {
  // Every desktop and server is stopped by now; anything that still keeps
  // this process alive is a leak: fail loudly instead of hanging the run.
  setTimeout(() => {
    console.error("desktop-walkthrough.test.mjs: the process did not exit 5 s after its tests ended (a client or socket left open)");
    process.exit(1);
  }, 5000).unref();
});

for (const { transport, topics } of VARIANTS) {
  const [interactionsTopic, channelsTopic] = topics;

  describe(`agent desktop over ${transport}, subscribed to ${topics.join(" and ")}`, { timeout: 60000 }, () => {
    let server, desktop;
    let broken = null; // the first failed step: later steps cannot run
    const problems = []; // spec violations seen by the desktop's observer
    const answers = []; // every REST answer the desktop received
    const expected = []; // the messages the desktop must have received, in order
    const refs = new Set(); // every referenceId answered so far

    // step runs one step of the walkthrough; the steps depend on each
    // other. Each ends by checking that everything seen matched the spec.
    const step = (name, fn) =>
      it(name, { timeout: 20000 }, async (t) => {
        if (broken) {
          t.skip(`cannot run after the failed step "${broken}"`);
          return;
        }
        try {
          await fn(t);
          assert.deepEqual(problems, [], "every REST answer and CometD message matches the spec");
        } catch (err) {
          broken = name;
          throw err;
        }
      });

    before(async () => {
      server = await startServer();
      desktop = new Desktop({
        base: server.url,
        user: "alice",
        password: "alice123",
        transport,
        topics,
        observe: {
          answer(method, path, r) {
            answers.push({ method, path, ...r });
            const ps = spec.validateAnswer(method, path, r.status, r.headers.get("content-type"), r.json ?? r.text);
            problems.push(...ps);
          },
          message(channel, data) {
            problems.push(...spec.validate(channel, data).map((p) => `${channel} ${JSON.stringify(data)}: ${p}`));
          },
        },
      });
    }, { timeout: 20000 });

    after(async () => {
      desktop?.close();
      if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop().catch(() => {});
    }, { timeout: 20000 });

    // newRef checks that a referenceId is an integer never answered before:
    // the desktop relies on it to find the notifications of its requests.
    const newRef = (ref, what) => {
      assert.ok(Number.isInteger(ref), `${what} answers an integer referenceId, got ${ref}`);
      assert.ok(!refs.has(ref), `${what} answers referenceId ${ref}, which an earlier request had`);
      refs.add(ref);
      return ref;
    };

    // stateMessages takes the ChannelStateMessages that request ref caused:
    // one per channel, each with state.
    const stateMessages = async (ref, state) => {
      const got = await desktop.byReference(ref, CHANNELS.length);
      assert.equal(got.length, CHANNELS.length, `one message per channel: ${JSON.stringify(got)}`);
      for (const m of got) {
        assert.equal(m.channel, channelsTopic);
        assert.equal(m.data.messageTypeName, "ChannelStateMessage");
        assert.equal(m.data.state, state);
      }
      assert.deepEqual(got.map((m) => m.data.channel).sort(), [...CHANNELS].sort(), "one message for each channel");
      expected.push(...got.map(summary));
      for (const c of CHANNELS) assert.equal(desktop.channelStates.get(c), state, `the desktop shows ${c} ${state}`);
    };

    // channelObjects is what the agent's channels look like with state.
    const channelObjects = (state) => CHANNELS.map((channel) => ({ channel, userState: { state, displayName: state } }));

    let id;
    const userData = { CaseId: "C-1042", Priority: "high", Customer: { tier: "gold" } };

    step(`logs in: POST /me StartContactCenterSession ${JSON.stringify(CHANNELS)} answers statusCode 0, a referenceId and the cookie`, async () => {
      newRef(await desktop.startSession(CHANNELS), "StartContactCenterSession");
      const r = answers.at(-1);
      assert.equal(r.status, 200);
      assert.equal(r.json.statusCode, 0);
      assert.ok(desktop.cookie, "the answer set JSESSIONID");
    });

    step("reads GET /me?subresources=* with the cookie alone: the user, its channels with userState, no devices", async () => {
      const { user } = await desktop.readState();
      assert.equal(user?.userName, "alice");
      assert.deepEqual(user.channels, channelObjects("Ready"));
      assert.deepEqual(user.devices, []);
    });

    step(`handshakes with the cookie over ${transport} and subscribes to ${topics.join(", ")}`, async () => {
      const { handshake, subscriptions } = await desktop.connect();
      assert.equal(handshake.successful, true, `handshake: ${JSON.stringify(handshake)}`);
      assert.deepEqual(
        subscriptions.map((s) => [s.subscription, s.successful]),
        topics.map((t) => [t, true]),
        `subscriptions: ${JSON.stringify(subscriptions)}`,
      );
      assert.equal(desktop.transportType(), transport);
    });

    step("a new email from the control API arrives as StatusChange Invited, with userData and email_object.interactionId", async () => {
      const path = "/interactions";
      const body = {
        channel: "email",
        email_object: { subject: "Order 1042 arrived damaged", from: "jane.doe@example.com", body: "The mug inside is broken." },
        userData,
      };
      const r = await control(server.url, "POST", path, body);
      assert.equal(r.status, 201, `control create: ${r.status} ${r.text}`);
      assert.deepEqual(controlSpec.validateAnswer("POST", path, r.status, r.headers.get("content-type"), r.json), []);
      const m = await desktop.notification(
        "StatusChange Invited",
        (d) => d.messageTypeName === "InteractionStateMessage" && d.notificationType === "StatusChange" && d.state === "Invited",
      );
      const d = m.data;
      assert.equal(m.channel, interactionsTopic, "delivered on the topic the desktop subscribed to");
      assert.equal(d.id, r.json.id);
      id = d.id;
      assert.equal(d.channel, "email");
      assert.ok(d.capabilities.includes("Accept"), `capabilities ${d.capabilities}`);
      assert.deepEqual(d.userData, userData);
      assert.equal(d.email_object.interactionId, id);
      assert.equal(d.email_object.subject, body.email_object.subject);
      assert.equal(d.referenceId, undefined, "no request of the desktop caused it");
      expected.push(summary(m));
    });

    step("Accept: the answer's referenceId is on the StatusChange Processing", async () => {
      const ref = newRef(await desktop.operate(id, "Accept"), "Accept");
      const [m] = await desktop.byReference(ref);
      assert.equal(m.channel, interactionsTopic);
      assert.equal(m.data.notificationType, "StatusChange");
      assert.equal(m.data.id, id);
      assert.equal(m.data.state, "Processing");
      assert.ok(m.data.capabilities.includes("UpdateProperties") && m.data.capabilities.includes("StopProcessing"));
      assert.deepEqual(m.data.userData, userData);
      assert.equal(m.data.email_object.interactionId, id);
      expected.push(summary(m));
    });

    step("UpdateProperties: properties merged into userData, PropertiesUpdated carries the referenceId; REST agrees", async () => {
      const properties = { Priority: "low", Customer: { since: 2019 }, CaseId: null };
      const merged = { Priority: "low", Customer: { tier: "gold", since: 2019 } };
      const ref = newRef(await desktop.operate(id, "UpdateProperties", { properties }), "UpdateProperties");
      const [m] = await desktop.byReference(ref);
      assert.equal(m.channel, interactionsTopic);
      assert.equal(m.data.notificationType, "PropertiesUpdated");
      assert.equal(m.data.id, id);
      assert.deepEqual(m.data.userData, merged);
      expected.push(summary(m));
      assert.deepEqual(desktop.interactions.get(id).userData, merged, "the desktop shows the merged userData");

      const r = await desktop.request("GET", `/interactions/${id}`);
      assert.equal(r.json?.statusCode, 0, `GET /interactions/${id}: ${r.text}`);
      assert.deepEqual(r.json.interaction.userData, merged);
      assert.equal(r.json.interaction.email_object.interactionId, id);
    });

    step("StopProcessing: StatusChange Completed with the referenceId; the email leaves the agent's interactions", async () => {
      const ref = newRef(await desktop.operate(id, "StopProcessing"), "StopProcessing");
      const [m] = await desktop.byReference(ref);
      assert.equal(m.channel, interactionsTopic);
      assert.equal(m.data.notificationType, "StatusChange");
      assert.equal(m.data.id, id);
      assert.equal(m.data.state, "Completed");
      assert.deepEqual(m.data.capabilities, []);
      expected.push(summary(m));

      const r = await desktop.request("GET", "/me/interactions");
      assert.equal(r.json?.statusCode, 0, `GET /me/interactions: ${r.text}`);
      assert.deepEqual(r.json.uris, []);
    });

    step("NotReady, then Ready, through POST /me: a ChannelStateMessage per channel with the referenceId", async () => {
      await stateMessages(newRef(await desktop.setState("NotReady"), "NotReady"), "NotReady");
      const r = await desktop.request("GET", "/me/channels");
      assert.equal(r.json?.statusCode, 0, `GET /me/channels: ${r.text}`);
      assert.deepEqual(r.json.channels, channelObjects("NotReady"));
      await stateMessages(newRef(await desktop.setState("Ready"), "Ready"), "Ready");
      const { user } = await desktop.readState();
      assert.deepEqual(user.channels, channelObjects("Ready"));
    });

    let oldCookie;
    step("EndContactCenterSession: statusCode 0, NotReady on every channel, the cookie is cleared and refused afterwards", async () => {
      oldCookie = desktop.cookie;
      const ref = newRef(await desktop.endSession(), "EndContactCenterSession");
      const r = answers.at(-1);
      assert.equal(r.status, 200);
      const cleared = r.headers.getSetCookie().find((h) => /^JSESSIONID=;/.test(h));
      assert.match(cleared ?? "", /;\s*Max-Age=0(;|$)/i, `the answer clears the cookie: ${r.headers.getSetCookie()}`);
      assert.equal(desktop.cookie, undefined, "the desktop forgot its cookie as told");
      await stateMessages(ref, "NotReady");

      const again = await desktop.request("GET", "/me", { cookie: `JSESSIONID=${oldCookie}` });
      assert.equal(again.status, 401, `GET /me with the ended session's cookie: ${again.status} ${again.text}`);
      assert.equal(again.json?.statusCode, 20);
    });

    step("every message arrived once, in order, on the topics subscribed to; disconnect", async () => {
      await sleep(300);
      assert.deepEqual(desktop.received.map(summary), expected);
      const reply = await desktop.disconnect();
      assert.equal(reply?.successful, true, `disconnect: ${JSON.stringify(reply)}`);
    });
  });
}
