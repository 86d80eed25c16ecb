// The agent walkthrough every real client goes through (issue 4, item 3):
// handshake with credentials, subscribe, an interaction injected through
// /control/v1 arrives as StatusChange Invited, Accept gives Processing,
// UpdateProperties gives PropertiesUpdated (userData), the session survives
// dropped polls without losing a message, Transfer reaches the other agent,
// whose Reject leaves it Completed and offers the email back, PlaceInWorkbin
// gives InWorkbin and GetWorkbinContent one WorkbinContent message per
// interaction, disconnect. Each operation answers a referenceId that the
// notifications it caused for the caller repeat (docs/behavior.md B4.16). Every
// payload and operation answer is checked against the spec, and no session
// receives another user's messages.
//
// Each test file runs it with its own client and its own gwsmock process,
// so files are independent and node --test runs them in parallel.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  EMAIL_OWNER_CAPABILITIES,
  Inbox,
  OFFER_CAPABILITIES,
  TcpProxy,
  api,
  bayeuxPost,
  createEmail,
  operate,
  sessionCookie,
  sleep,
  startServer,
  stepper,
  summary,
  waitFor,
} from "./harness.mjs";
import { loadSpec } from "./spec.mjs";

const ME_INTERACTIONS = "/v2/me/interactions";
// How many times the idle dropped poll is repeated: a message lost to a
// race shows up more reliably over several drops.
const IDLE_DROPS = 5;

// agentScenario declares the suite for one client.
//   title:     suite name
//   open:      ({base, user, password?, cookie?, inbox}) => session (see
//              cometd-session.mjs / faye-session.mjs for the interface)
//   transport: the connection type the session must end up using
//   drops:     dropped-poll checks to run, in order: "idle" (the held
//              connect is reset, then messages are caused while the client
//              is away) and/or "in-flight" (the reply carrying messages is
//              lost on the wire, then the connection is reset; needs the
//              ack extension)
//   ack:       whether the client negotiates the ack extension
//   bobAuth:   "basic" (default) or "cookie" (JSESSIONID of a REST login)
export function agentScenario({ title, open, transport, drops, ack = false, bobAuth = "basic" }) {
  describe(title, { timeout: 90000 }, () => {
    let spec, server, proxy, base;
    const sessions = [];
    const session = (opts) => {
      const s = open({ base, ...opts });
      sessions.push(s);
      return s;
    };

    // step runs one step of the walkthrough; the steps depend on each other.
    const step = stepper();

    before(async () => {
      spec = loadSpec();
      server = await startServer();
      base = server.url;
      // alice talks to the server through a proxy that can break her
      // connections; bob and carol talk to it directly.
      proxy = await new TcpProxy(base).start();
    }, { timeout: 20000 });

    after(async () => {
      try {
        for (const s of sessions) s.close();
        await proxy?.close();
      } finally {
        if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop().catch(() => {});
        // Every client is stopped by now; anything that still keeps this
        // process alive is a leak: fail loudly instead of hanging the run.
        setTimeout(() => {
          console.error(`${title}: the process did not exit 5 s after its tests ended (a client or socket left open)`);
          process.exit(1);
        }, 5000).unref();
      }
    }, { timeout: 20000 });

    it("refuses a handshake with a bad password", { timeout: 15000 }, async () => {
      const s = session({ user: "alice", password: "not-her-password", inbox: new Inbox("refused", spec) });
      const reply = await s.handshake();
      assert.equal(reply.successful, false, `handshake with a bad password: ${JSON.stringify(reply)}`);
      assert.match(String(reply.error), /^403:/, "the refusal carries a 403 error string");
      assert.ok(!reply.clientId, "a refused handshake names no clientId");
      await sleep(300);
      assert.equal(s.handshakes.length, 1, "the client does not retry a refused handshake (advice reconnect none)");
      assert.equal(s.connectsSent, 0, "no /meta/connect after a refused handshake");
      s.close();
    });

    // usesTransport waits until s uses the transport under test (Faye
    // handshakes over HTTP and moves to a WebSocket once it has tested one).
    const usesTransport = (s) =>
      waitFor(() => s.transportType() === transport, 5000, `${s.user}'s session to use ${transport} (it uses ${s.transportType()})`);

    let alice, bob, carol, aliceId, id, aliceClientId;
    const expected = []; // what alice must have received, in order
    const userData = { orderId: "1042", source: "web-form" };
    let props = { ...userData };

    step("alice handshakes with her credentials", async () => {
      alice = session({ user: "alice", inbox: new Inbox("alice", spec), base: proxy.url });
      const reply = await alice.handshake();
      assert.equal(reply.successful, true, `handshake: ${JSON.stringify(reply)}`);
      assert.match(reply.clientId ?? "", /./, "the handshake names a clientId");
      assert.equal(reply.version, "1.0");
      assert.ok(reply.supportedConnectionTypes.includes(transport), `server supports ${transport}`);
      assert.equal(reply.advice?.reconnect, "retry", "handshake advice reconnect (docs/bayeux.md rule 5)");
      assert.equal(reply.advice?.interval, 0, "handshake advice interval (docs/bayeux.md rule 5)");
      assert.ok(Number.isInteger(reply.advice?.timeout) && reply.advice.timeout > 0, "handshake advice timeout (docs/bayeux.md rule 5)");
      if (ack) assert.equal(reply.ext?.ack, true, "the server agrees on the ack extension");
      aliceClientId = reply.clientId;
      const me = await api(base, "alice", "GET", "/me");
      aliceId = me.json.user.id;
    });

    step(`alice subscribes to ${ME_INTERACTIONS}`, async () => {
      const reply = await alice.subscribe(ME_INTERACTIONS);
      assert.equal(reply.successful, true, `subscribe: ${JSON.stringify(reply)}`);
      await usesTransport(alice);
    });

    step(`bob subscribes to ${ME_INTERACTIONS} (${bobAuth === "cookie" ? "session cookie" : "Basic"}), carol to /v2/**`, async () => {
      const cookie = bobAuth === "cookie" ? await sessionCookie(base, "bob") : undefined;
      bob = session({ user: "bob", cookie, inbox: new Inbox("bob", spec) });
      carol = session({ user: "carol", inbox: new Inbox("carol", spec) });
      for (const [s, ch] of [
        [bob, ME_INTERACTIONS],
        [carol, "/v2/**"],
      ]) {
        const hs = await s.handshake();
        assert.equal(hs.successful, true, `${s.user} handshake: ${JSON.stringify(hs)}`);
        const sub = await s.subscribe(ch);
        assert.equal(sub.successful, true, `${s.user} subscribe ${ch}: ${JSON.stringify(sub)}`);
        await usesTransport(s);
      }
    });

    step("an email injected through /control/v1 with userData arrives as StatusChange Invited", async () => {
      id = await createEmail(base, "Order 1042 arrived damaged", userData);
      await alice.inbox.take("Invited", ME_INTERACTIONS, (d) => {
        assert.equal(d.messageTypeName, "InteractionStateMessage");
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Invited");
        assert.deepEqual(d.capabilities, OFFER_CAPABILITIES);
        assert.equal(d.email_object?.subject, "Order 1042 arrived damaged");
        assert.equal(d.email_object?.interactionId, id, "email_object names its interaction");
        assert.deepEqual(d.userData, userData);
        assert.equal(d.referenceId, undefined, "no request of alice's caused it");
        assert.deepEqual(
          d.participants.map((p) => [p.userName, p.role]),
          [["alice", "Invited"]],
        );
      });
      expected.push(`${id} StatusChange/Invited`);
    });

    step("Accept answers a referenceId; the StatusChange Processing carries it", async () => {
      const ref = await operate(base, "alice", id, { operationName: "Accept" });
      await alice.inbox.take("Processing", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Processing");
        assert.deepEqual(d.capabilities, EMAIL_OWNER_CAPABILITIES);
        assert.equal(d.ownerId, aliceId);
        assert.equal(d.referenceId, ref);
      });
      expected.push(`${id} StatusChange/Processing`);
    });

    // updateProperties merges patch into the userData and answers what the
    // PropertiesUpdated must say: the userData and the referenceId.
    const updateProperties = async (patch) => {
      const ref = await operate(base, "alice", id, { operationName: "UpdateProperties", properties: patch });
      props = { ...props, ...patch };
      expected.push(`${id} PropertiesUpdated/Processing step=${props.step}`);
      return { userData: { ...props }, ref, step: props.step };
    };
    const takeProperties = (want, ms) =>
      alice.inbox.take(
        `PropertiesUpdated step=${want.step}`,
        ME_INTERACTIONS,
        (d) => {
          assert.equal(d.notificationType, "PropertiesUpdated");
          assert.equal(d.id, id);
          assert.equal(d.state, "Processing");
          assert.deepEqual(d.capabilities, EMAIL_OWNER_CAPABILITIES);
          assert.deepEqual(d.userData, want.userData);
          assert.equal(d.referenceId, want.ref);
        },
        ms,
      );

    step("UpdateProperties gives PropertiesUpdated with the properties merged into userData", async () => {
      const want = await updateProperties({ customer: { id: "C-1042", tier: "gold" }, priority: 2, step: 0 });
      await takeProperties(want);
    });

    // heldConnect waits until alice's client has a /meta/connect out that
    // the server holds.
    const heldConnect = () =>
      waitFor(() => alice.connectOutstanding && Date.now() - alice.lastConnectSentAt > 300, 5000, "alice's held /meta/connect");

    let nextStep = 1;
    for (const mode of drops) {
      if (mode === "idle") {
        step(`survives dropped polls: the held connect is reset, messages caused meanwhile arrive once, in order (${IDLE_DROPS} times)`, async () => {
          for (let k = 0; k < IDLE_DROPS; k++) {
            await heldConnect();
            const conns = proxy.connections;
            assert.ok(proxy.dropAll() >= 1, "the proxy had alice's connection open");
            // The connection is gone before the messages exist: nothing
            // was in flight, so nothing may be lost, ack extension or not.
            const a = await updateProperties({ step: nextStep++ });
            const b = await updateProperties({ step: nextStep++ });
            await takeProperties(a, 10000);
            await takeProperties(b, 5000);
            assert.ok(proxy.connections > conns, "the client opened a new connection by itself");
          }
          const c = await updateProperties({ step: nextStep++ });
          await takeProperties(c);
        });
      } else if (mode === "in-flight") {
        step("survives a dropped poll: a connect reply lost in flight is delivered again (ack extension), once, in order", async () => {
          await heldConnect();
          const conns = proxy.connections;
          proxy.swallowed = "";
          proxy.swallowing = true;
          let a, b;
          try {
            a = await updateProperties({ step: nextStep++ });
            // The held connect is released with this message; it reaches the
            // proxy, which throws it away.
            await waitFor(() => proxy.swallowed.includes(`"step":${a.step}`), 5000, "the reply carrying the message to be lost");
            b = await updateProperties({ step: nextStep++ });
            assert.ok(proxy.dropAll() >= 1, "the proxy had alice's connection open");
          } finally {
            proxy.swallowing = false;
          }
          await takeProperties(a, 10000);
          await takeProperties(b, 5000);
          assert.ok(proxy.connections > conns, "the client opened a new connection by itself");
          const c = await updateProperties({ step: nextStep++ });
          await takeProperties(c);
        });
      } else {
        throw new Error(`unknown drop mode ${mode}`);
      }
    }

    step("the session survived: same clientId, one handshake, same transport", async () => {
      assert.equal(alice.handshakes.length, 1, `alice handshook again: ${JSON.stringify(alice.handshakes)}`);
      assert.equal(alice.clientId, aliceClientId);
      assert.equal(alice.transportType(), transport);
    });

    step("Transfer to bob: bob gets Invited, alice gets Transferred", async () => {
      assert.deepEqual(bob.inbox.messages.map((m) => summary(m.channel, m.data)), [], "bob received none of alice's messages");
      const ref = await operate(base, "alice", id, { operationName: "Transfer", targetId: "bob" });
      await alice.inbox.take("Transferred", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Transferred");
        assert.deepEqual(d.capabilities, []);
        assert.equal(d.referenceId, ref);
      });
      expected.push(`${id} StatusChange/Transferred`);
      await bob.inbox.take("Invited", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Invited");
        assert.deepEqual(d.capabilities, OFFER_CAPABILITIES);
        assert.deepEqual(d.userData, props, "the transferred interaction keeps its userData");
        assert.equal(d.referenceId, undefined, "alice's request gives bob no referenceId");
        assert.ok(d.participants.some((p) => p.userName === "bob" && p.role === "Invited"), "bob is invited");
      });
    });

    step("bob Rejects: bob is told Completed, the email is offered to alice again", async () => {
      const ref = await operate(base, "bob", id, { operationName: "Reject" });
      await bob.inbox.take("Completed", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Completed");
        assert.deepEqual(d.capabilities, []);
        assert.equal(d.referenceId, ref);
      });
      // Routed again without bob: alice, holding the fewest interactions
      // and first by userName, is offered it (docs/behavior.md B5.7).
      await alice.inbox.take("Invited again", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "Invited");
        assert.deepEqual(d.capabilities, OFFER_CAPABILITIES);
        assert.equal(d.referenceId, undefined, "bob's request gives alice no referenceId");
      });
      expected.push(`${id} StatusChange/Invited`);
    });

    let workbin;
    step("alice Accepts and places it in her workbin: StatusChange InWorkbin", async () => {
      const accepted = await operate(base, "alice", id, { operationName: "Accept" });
      await alice.inbox.take("Processing", ME_INTERACTIONS, (d) => {
        assert.equal(d.state, "Processing");
        assert.equal(d.referenceId, accepted);
      });
      expected.push(`${id} StatusChange/Processing`);
      const ref = await operate(base, "alice", id, { operationName: "PlaceInWorkbin", workbin: "alice-workbin" });
      const d = await alice.inbox.take("InWorkbin", ME_INTERACTIONS, (d) => {
        assert.equal(d.notificationType, "StatusChange");
        assert.equal(d.id, id);
        assert.equal(d.state, "InWorkbin");
        assert.deepEqual(d.capabilities, []);
        assert.match(d.workbin ?? "", /./, "the message names the workbin");
        assert.equal(d.referenceId, ref);
      });
      workbin = d.workbin;
      expected.push(`${id} StatusChange/InWorkbin`);
    });

    step("GetWorkbinContent: one WorkbinContent message per interaction, with the request's referenceId", async () => {
      const ref = await operate(base, "alice", id, { operationName: "GetWorkbinContent", workbin: "alice-workbin" });
      await alice.inbox.take("WorkbinContent", ME_INTERACTIONS, (d) => {
        assert.equal(d.messageTypeName, "InteractionStateMessage");
        assert.equal(d.notificationType, "WorkbinContent");
        assert.equal(d.id, id);
        assert.equal(d.state, "InWorkbin");
        assert.equal(d.workbin, workbin);
        assert.deepEqual(d.capabilities, []);
        assert.deepEqual(d.userData, props);
        assert.equal(d.email_object?.interactionId, id);
        assert.equal(d.referenceId, ref);
      });
      expected.push(`${id} WorkbinContent/InWorkbin`);
    });

    step("every message arrived exactly once, in order, and only to its user", async () => {
      await Promise.all([alice.inbox.quiet(500), bob.inbox.quiet(0), carol.inbox.quiet(0)]);
      assert.deepEqual(
        alice.inbox.messages.map((m) => summary(m.channel, m.data)),
        expected,
        "alice's messages, in order, once each",
      );
      assert.deepEqual(
        bob.inbox.messages.map((m) => summary(m.channel, m.data)),
        [`${id} StatusChange/Invited`, `${id} StatusChange/Completed`],
        "bob received only his own messages",
      );
      assert.deepEqual(carol.raw, [], "carol, subscribed to /v2/**, received nothing of alice's or bob's");
      for (const s of [alice, bob]) {
        assert.equal(s.raw.length, s.inbox.messages.length, `${s.user}: every message on the wire reached the subscriber once`);
      }
    });

    step("disconnect ends each session", async () => {
      for (const s of [alice, bob, carol]) {
        const clientId = s.clientId;
        const reply = await s.disconnect();
        assert.equal(reply?.successful, true, `${s.user} disconnect: ${JSON.stringify(reply)}`);
        // The session is gone on the server: its clientId is unknown now.
        const r = await bayeuxPost(base, s.user, [
          { channel: "/meta/connect", clientId, connectionType: "long-polling", id: "after-disconnect" },
        ]);
        assert.equal(r.status, 200);
        assert.equal(r.json?.[0]?.successful, false, `connect after disconnect: ${r.text}`);
        assert.equal(r.json[0].error, "402::session_unknown");
      }
    });

    it("the server exits 0 on SIGTERM", { timeout: 15000 }, async () => {
      await proxy.close();
      const st = await server.stop();
      assert.deepEqual(st, { code: 0, signal: null }, `gwsmock exit status; stderr:\n${server.stderr()}`);
    });
  });
}
