// An agent's chat and email reply in a real browser: the test page
// (../browser/app.mjs, headless Chromium, the official CometD client over
// WebSocket, authenticated by the session cookie) plays alice's desktop;
// the customer is the test-control API (/control/v1), called from here.
//
// The chat: the customer opens it with a first message, alice is offered it,
// accepts with a nickname and gets the transcript so far as one
// MessageLogUpdated/NewMessages notification, types (TypingStarted),
// answers (SendMessage: her copy of the event carries the answer's
// referenceId), reads the customer's typing and next message, sees the
// customer leave (ParticipantLeft), is refused SendMessage (409), and
// StopProcessing ends it (Completed).
//
// The email: alice accepts an inbound email, Reply creates an outbound
// Composing interaction with parentId and a prefilled email_object, PUT
// edits its body, Send completes it and GET /control/v1/outbox holds it.
//
// Every CometD payload and every REST answer (control API included) is
// checked against the spec (lib/spec.mjs). Each group ends with a
// screenshot of the page, interop/artifacts/<group>.png.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  CHAT_OWNER_CAPABILITIES,
  EMAIL_OWNER_CAPABILITIES,
  OFFER_CAPABILITIES,
  OWNER_CAPABILITIES,
  control,
  startServer,
} from "../lib/harness.mjs";
import { controlSpecPath, loadSpec } from "../lib/spec.mjs";
import { Pages, StaticServer, launchChromium, steps, teardown } from "../lib/browser.mjs";

const ME_INTERACTIONS = "/v2/me/interactions";
const COMPOSING_CAPABILITIES = ["UpdateProperties", "CancelReply", "Send"];
const PARTICIPANT_ID = /^[0-9A-F]{16}$/;

describe("headless Chromium: alice's chat and email reply", { timeout: 150000 }, () => {
  let spec, controlSpec, site, browser, pages, server;

  before(async () => {
    spec = loadSpec();
    controlSpec = loadSpec(controlSpecPath, { cometd: false });
    site = await new StaticServer().start();
    browser = await launchChromium();
    pages = new Pages(browser, site, spec);
    server = await startServer();
  }, { timeout: 45000 });

  after(() => teardown("browser-media.test.mjs", { pages, browser, site, servers: [server] }), { timeout: 30000 });

  // customer calls the test-control API and checks its answer against
  // spec/control.yaml.
  const customer = async (method, path, body, status) => {
    const r = await control(server.url, method, path, body);
    assert.equal(r.status, status, `${method} /control/v1${path}: ${r.status} ${r.text}`);
    assert.deepEqual(controlSpec.validateAnswer(method, path, r.status, r.headers.get("content-type"), r.json ?? r.text), []);
    return r.json;
  };

  // call is one REST request of the page under /api/v2, its answer checked
  // against the spec.
  const call = async (p, method, path, body) => {
    const r = await p.run(`${method} ${path}`, ([method, path, body]) => window.app.call(method, path, { body }), [method, path, body]);
    assert.ok(r.status, `${method} ${path}: ${JSON.stringify(r)}`);
    assert.deepEqual(spec.validateAnswer(method, path, r.status, r.headers?.["content-type"], r.json ?? r.text), [], `${method} ${path}: ${JSON.stringify(r)}`);
    return r;
  };

  // operate POSTs one operation and answers the referenceId of its success.
  const operate = async (p, id, op) => {
    const r = await call(p, "POST", `/me/interactions/${id}`, op);
    assert.equal(r.status, 200, `${op.operationName}: ${JSON.stringify(r)}`);
    const ref = r.json?.referenceId;
    assert.ok(Number.isInteger(ref) && ref > 0, `${op.operationName} answers a referenceId: ${r.text}`);
    assert.deepEqual(r.json, { status: "ok", statusCode: 0, referenceId: ref });
    return ref;
  };

  // interaction reads GET /interactions/{id} as the page.
  const interaction = async (p, id) => {
    const r = await call(p, "GET", `/interactions/${id}`);
    assert.equal(r.status, 200, `GET /interactions/${id}: ${r.text}`);
    return r.json.interaction;
  };

  // login opens a page as alice, subscribed to her interactions over
  // WebSocket; answers the page and alice's id.
  const login = async (name) => {
    const p = await pages.open(server.url, name);
    const me = await p.run("login", () => window.app.login("alice", "alice123"));
    assert.equal(me.status, 200, `GET /me: ${JSON.stringify(me)}`);
    const c = await p.run("connect", () => window.app.connect({ websocket: true }));
    assert.equal(c.handshake?.successful, true, `handshake: ${JSON.stringify(c)}`);
    assert.equal(c.subscribe?.successful, true, `subscribe: ${JSON.stringify(c.subscribe)}`);
    return [p, me.json.user.id];
  };

  const takeState = (p, what, id, state, capabilities, referenceId, check) =>
    p.inbox.take(what, ME_INTERACTIONS, (d) => {
      assert.equal(d.messageTypeName, "InteractionStateMessage");
      assert.equal(d.notificationType, "StatusChange");
      assert.equal(d.id, id);
      assert.equal(d.state, state);
      assert.deepEqual(d.capabilities, capabilities);
      assert.equal(d.referenceId, referenceId, "referenceId: the answer's on the caller's notifications, none otherwise");
      check?.(d);
    });

  const finish = async (p, file) => {
    await p.inbox.quiet(300);
    await p.screenshot(file);
    const d = await p.run("disconnect", () => window.app.disconnect());
    assert.equal(d.successful, true, `disconnect: ${JSON.stringify(d)}`);
  };

  describe("a whole chat", () => {
    const HELLO = "Hello, my parcel never arrived.";
    const ANSWER = "Sorry to hear that, Jane. Let me check the tracking.";
    const THANKS = "Thank you!";
    const NICKNAME = "Alice from Support";
    let p, aliceId, id, uri;
    const step = steps(() => p);
    const events = []; // the transcript as the page received it

    // takeLog takes the next message: a MessageLogUpdated/NewMessages of
    // the chat with these events (and referenceId), appended to events.
    // want lists [type, fromType, nickname, text?] per event.
    const takeLog = (what, want, referenceId) =>
      p.inbox.take(what, ME_INTERACTIONS, (d) => {
        assert.equal(d.messageType, "MessageLogUpdated");
        assert.equal(d.messageTypeName, "MessageLogUpdated");
        assert.equal(d.notificationType, "NewMessages");
        assert.equal(d.id, id);
        assert.equal(d.uri, uri);
        assert.equal(d.referenceId, referenceId, "referenceId: the answer's on the caller's copy, none otherwise");
        assertEvents(d.messages, want, events.length + 1);
        events.push(...d.messages);
      });

    step("alice's page logs in and subscribes over WebSocket", async () => {
      [p, aliceId] = await login("page (chat)");
      await p.run("title", () => window.app.show("alice: chat"));
    });

    step("the customer opens a chat with a first message through /control/v1: alice is offered it with the transcript so far", async () => {
      const created = await customer("POST", "/interactions", { channel: "chat", agent: "alice", chat_object: { nickname: "Jane", text: HELLO } }, 201);
      ({ id, uri } = created);
      assert.equal(uri, `${server.url}/api/v2/interactions/${id}`);
      await takeState(p, "Invited", id, "Invited", OFFER_CAPABILITIES, undefined, (d) => {
        assert.equal(d.channel, "chat");
        assert.equal(d.chat_object?.nickname, "Jane");
        assertEvents(d.chat_object?.transcript, [
          ["ParticipantJoined", "Client", "Jane"],
          ["Text", "Client", "Jane", HELLO],
        ]);
      });
    });

    step(`Accept with the nickname "${NICKNAME}": Processing with the chat operations and the whole transcript in one MessageLogUpdated`, async () => {
      const ref = await operate(p, id, { operationName: "Accept", nickname: NICKNAME });
      await takeState(p, "Processing", id, "Processing", CHAT_OWNER_CAPABILITIES, ref, (d) => assert.equal(d.ownerId, aliceId));
      await takeLog(
        "the transcript so far",
        [
          ["ParticipantJoined", "Client", "Jane"],
          ["Text", "Client", "Jane", HELLO],
          ["ParticipantJoined", "Agent", NICKNAME],
        ],
        ref,
      );
    });

    step("SendNotification TypingStarted: alice's copy of the event carries the answer's referenceId", async () => {
      const ref = await operate(p, id, { operationName: "SendNotification", notification: "TypingStarted" });
      await takeLog("alice's TypingStarted", [["TypingStarted", "Agent", NICKNAME]], ref);
    });

    step("SendMessage: alice's copy of the Text event carries the answer's referenceId", async () => {
      const ref = await operate(p, id, { operationName: "SendMessage", text: ANSWER });
      await takeLog("alice's answer", [["Text", "Agent", NICKNAME, ANSWER]], ref);
    });

    step("the customer types and writes again through /control/v1: TypingStarted and Text from the Client, no referenceId", async () => {
      const typing = await customer("POST", `/interactions/${id}/chat/messages`, { type: "TypingStarted" }, 200);
      assert.deepEqual(typing, { index: events.length + 1 });
      await takeLog("the customer's TypingStarted", [["TypingStarted", "Client", "Jane"]], undefined);
      const text = await customer("POST", `/interactions/${id}/chat/messages`, { text: THANKS }, 200);
      assert.deepEqual(text, { index: events.length + 1 });
      await takeLog("the customer's Text", [["Text", "Client", "Jane", THANKS]], undefined);
    });

    step("GET /interactions/{id}: the transcript holds what the notifications said, one participantId per participant", async () => {
      const i = await interaction(p, id);
      assert.equal(i.state, "Processing");
      assert.deepEqual(i.capabilities, CHAT_OWNER_CAPABILITIES);
      assert.equal(i.chat_object.nickname, "Jane");
      assert.deepEqual(i.chat_object.transcript, events, "the REST transcript equals the notified events");
      const ids = (type) => new Set(events.filter((e) => e.from.type === type).map((e) => e.from.participantId));
      const [client, agent] = [ids("Client"), ids("Agent")];
      assert.equal(client.size, 1, `the customer has one participantId: ${[...client]}`);
      assert.equal(agent.size, 1, `alice has one participantId: ${[...agent]}`);
      assert.notDeepEqual(client, agent, "the customer and alice have different participantIds");
    });

    step("the customer leaves: ParticipantLeft; SendMessage and SendNotification leave the capabilities", async () => {
      assert.deepEqual(await customer("POST", `/interactions/${id}/chat/leave`, undefined, 200), { status: "ok" });
      await takeLog("the customer's ParticipantLeft", [["ParticipantLeft", "Client", "Jane"]], undefined);
      const i = await interaction(p, id);
      assert.deepEqual(i.capabilities, [...OWNER_CAPABILITIES, "RequestChatHistory"]);
    });

    step("SendMessage after the customer left: 409 (statusCode 2), nothing sent", async () => {
      const r = await call(p, "POST", `/me/interactions/${id}`, { operationName: "SendMessage", text: "Are you still there?" });
      assert.equal(r.status, 409, `SendMessage: ${r.text}`);
      assert.equal(r.json.statusCode, 2);
      assert.match(r.json.errorDescription, /left/);
      await p.inbox.quiet(300);
    });

    step("StopProcessing: Completed with no capabilities, alice's ParticipantLeft closes the transcript", async () => {
      const ref = await operate(p, id, { operationName: "StopProcessing" });
      await takeLog("alice's ParticipantLeft", [["ParticipantLeft", "Agent", NICKNAME]], ref);
      await takeState(p, "Completed", id, "Completed", [], ref);
      const i = await interaction(p, id);
      assert.equal(i.state, "Completed");
      assert.deepEqual(i.chat_object.transcript, events);
    });

    step("screenshot, disconnect", () => finish(p, "browser-chat"));
  });

  describe("an email reply and send", () => {
    const INBOUND = {
      from: "pat@example.com",
      to: "support@example.com",
      subject: "Order 1042 arrived damaged",
      body: "The box was crushed.\nThe mug inside is broken.",
    };
    const ANSWER = "Dear Pat, a new mug is on its way.";
    let p, aliceId, inboundId, replyId, reply;
    const step = steps(() => p);

    step("alice's page logs in and subscribes over WebSocket", async () => {
      [p, aliceId] = await login("page (email)");
      await p.run("title", () => window.app.show("alice: email reply"));
    });

    step("an inbound email arrives through /control/v1; Accept: Processing with Reply, ReplyAll, Forward", async () => {
      const created = await customer("POST", "/interactions", { channel: "email", agent: "alice", email_object: INBOUND, userData: { order: 1042 } }, 201);
      inboundId = created.id;
      await takeState(p, "Invited", inboundId, "Invited", OFFER_CAPABILITIES, undefined);
      const ref = await operate(p, inboundId, { operationName: "Accept" });
      await takeState(p, "Processing", inboundId, "Processing", EMAIL_OWNER_CAPABILITIES, ref);
    });

    step("Reply: a new outbound email, Composing, with parentId and a prefilled email_object; the inbound stays Processing", async () => {
      const inbound = await interaction(p, inboundId);
      const ref = await operate(p, inboundId, { operationName: "Reply" });
      reply = await p.inbox.take("the reply's StatusChange Composing", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.notEqual(d.id, inboundId);
        assert.equal(d.state, "Composing");
        assert.deepEqual(d.capabilities, COMPOSING_CAPABILITIES);
        assert.equal(d.referenceId, ref);
      });
      replyId = reply.id;
      assert.equal(reply.channel, "email");
      assert.equal(reply.interactionType, "Outbound");
      assert.equal(reply.interactionSubType, "OutboundReply");
      assert.equal(reply.parentId, inboundId);
      assert.equal(reply.ownerId, aliceId);
      assert.deepEqual(reply.userData, { order: 1042 });
      const e = reply.email_object;
      assert.deepEqual([e.to].flat(), [INBOUND.from], "the reply goes to the sender");
      assert.equal(e.from, INBOUND.to);
      assert.equal(e.subject, `Re: ${INBOUND.subject}`);
      assert.equal(e.body, `On ${inbound.receivedDate}, ${INBOUND.from} wrote:\n> The box was crushed.\n> The mug inside is broken.`);

      const i = await interaction(p, inboundId);
      assert.equal(i.state, "Processing");
      assert.deepEqual(i.email_object, inbound.email_object, "the inbound email is unchanged");
      const mine = await call(p, "GET", "/me/interactions");
      assert.deepEqual(new Set(mine.json.uris), new Set([inboundId, replyId].map((x) => `${server.url}/api/v2/interactions/${x}`)));
    });

    step("PUT /interactions/{reply}: the body is edited, ChannelDataUpdated with the referenceId", async () => {
      const body = `${ANSWER}\n\n${reply.email_object.body}`;
      const r = await call(p, "PUT", `/interactions/${replyId}`, { email_object: { body } });
      assert.equal(r.status, 200, `PUT: ${r.text}`);
      const ref = r.json.referenceId;
      await p.inbox.take("ChannelDataUpdated", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "ChannelDataUpdated");
        assert.equal(d.id, replyId);
        assert.equal(d.state, "Composing");
        assert.equal(d.referenceId, ref);
        assert.equal(d.email_object.body, body);
      });
      reply = await interaction(p, replyId);
      assert.equal(reply.email_object.body, body);
    });

    step("Send: Completed with no capabilities, and GET /control/v1/outbox holds the email", async () => {
      const ref = await operate(p, replyId, { operationName: "Send" });
      await takeState(p, "Completed", replyId, "Completed", [], ref);
      const { emails } = await customer("GET", "/outbox", undefined, 200);
      assert.equal(emails.length, 1, `one email in the outbox: ${JSON.stringify(emails)}`);
      const [sent] = emails;
      await p.run("show the outbox", (sent) => window.app.show("GET /control/v1/outbox:", JSON.stringify(sent, null, 2)), sent);
      const e = reply.email_object;
      assert.deepEqual(
        { ...sent, to: [sent.to].flat(), sentDate: undefined },
        { id: replyId, parentId: inboundId, from: e.from, to: [e.to].flat(), subject: e.subject, body: e.body, sentDate: undefined, agentId: aliceId },
      );
      assert.ok(sent.sentDate, "sentDate is set");
      const mine = await call(p, "GET", "/me/interactions");
      assert.deepEqual(mine.json.uris, [`${server.url}/api/v2/interactions/${inboundId}`], "the sent reply leaves alice's interactions");
    });

    step("screenshot, disconnect", () => finish(p, "browser-email"));
  });
});

// assertEvents checks transcript events: 1-based consecutive indexes from
// first, each [type, fromType, nickname, text?] of want, visibility All, a
// participantId, and text only on Text events.
function assertEvents(got, want, first = 1) {
  assert.ok(Array.isArray(got), `a list of events: ${JSON.stringify(got)}`);
  assert.deepEqual(
    got.map((e) => [e.type, e.from?.type, e.from?.nickname, ...(e.text === undefined ? [] : [e.text])]),
    want,
    `the events: ${JSON.stringify(got)}`,
  );
  got.forEach((e, i) => {
    assert.equal(e.index, first + i, `index of ${JSON.stringify(e)}`);
    assert.equal(e.visibility, "All");
    assert.match(e.from.participantId, PARTICIPANT_ID);
    assert.ok(e.timestamp, `timestamp of ${JSON.stringify(e)}`);
  });
}
