// A frontend in a real browser: headless Chromium (Debian's package, driven
// by playwright-core) loads a page from a static server on another origin
// than gwsmock, as a dev server at http://127.0.0.1:<port> would serve it.
// The page (../browser/app.mjs) logs in with fetch and credentials:'include'
// (CORS preflight, JSESSIONID cookie), runs the official CometD client
// (npm `cometd`, ES modules, unchanged) authenticated by the cookie alone
// over WebSocket, then over long-polling only, and operates on an
// interaction. Then the CSRF mode (--csrf), and a page on an origin that
// the server does not allow (--origins): CORS refuses its fetches and the
// WebSocket upgrade is refused with 403.
//
// What the page cannot see (preflights, the headers actually sent, the
// WebSocket handshake's status) comes from the DevTools protocol
// (lib/browser.mjs NetworkLog). Every CometD payload the page receives is
// checked against spec/openapi.yaml (lib/spec.mjs).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { EMAIL_OWNER_CAPABILITIES, OFFER_CAPABILITIES, control, sessionCookie, startServer, waitFor } from "../lib/harness.mjs";
import { loadSpec } from "../lib/spec.mjs";
import { Pages, StaticServer, describeNet, launchChromium, steps, teardown } from "../lib/browser.mjs";

const ME_INTERACTIONS = "/v2/me/interactions";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The only origin the server of the refused-origin checks allows: a dev
// server that is not the page's.
const OTHER_ORIGIN = "http://localhost:5173";
// DevTools events and console messages arrive asynchronously.
const EVENT_MS = 5000;

describe("headless Chromium: a frontend on another origin", { timeout: 150000 }, () => {
  let spec, site, browser, pages;
  const servers = {}; // name -> gwsmock process

  before(async () => {
    spec = loadSpec();
    site = await new StaticServer().start();
    browser = await launchChromium();
    pages = new Pages(browser, site, spec);
    const [plain, csrf, narrow] = await Promise.all([
      startServer(),
      startServer({ args: ["--csrf"] }),
      startServer({ args: ["--origins", OTHER_ORIGIN] }),
    ]);
    Object.assign(servers, { plain, csrf, narrow });
  }, { timeout: 45000 });

  after(() => teardown("browser.test.mjs", { pages, browser, site, servers: Object.values(servers) }), { timeout: 30000 });

  const createEmail = async (base, agent, subject) => {
    const r = await control(base, "POST", "/interactions", {
      channel: "email",
      agent,
      email_object: { subject, from: "pat@example.com" },
      userData: { page: "browser" },
    });
    assert.equal(r.status, 201, `control create: ${r.status} ${r.text}`);
    return r.json.id;
  };

  const takeInvited = (p, id, subject) =>
    p.inbox.take("Invited", ME_INTERACTIONS, (d) => {
      assert.equal(d.messageTypeName, "InteractionStateMessage");
      assert.equal(d.notificationType, "StatusChange");
      assert.equal(d.id, id);
      assert.equal(d.state, "Invited");
      assert.deepEqual(d.capabilities, OFFER_CAPABILITIES);
      assert.equal(d.email_object?.subject, subject);
      assert.equal(d.email_object?.interactionId, id);
      assert.deepEqual(d.userData, { page: "browser" });
    });

  const takeProcessing = (p, id, ownerId, referenceId) =>
    p.inbox.take("Processing", ME_INTERACTIONS, (d) => {
      assert.equal(d.notificationType, "StatusChange");
      assert.equal(d.id, id);
      assert.equal(d.state, "Processing");
      assert.deepEqual(d.capabilities, EMAIL_OWNER_CAPABILITIES);
      assert.equal(d.ownerId, ownerId);
      assert.equal(d.referenceId, referenceId, "the notification repeats the answer's referenceId");
    });

  // checkAnswer checks what the page read of a REST answer against the spec.
  const checkAnswer = (method, path, r) =>
    assert.deepEqual(spec.validateAnswer(method, path, r.status, r.headers?.["content-type"], r.json ?? r.text), [], `${method} ${path}: ${JSON.stringify(r)}`);

  const accept = async (p, id, csrf = false) => {
    const r = await p.run(
      `POST Accept on ${id}`,
      ([id, csrf]) => window.app.call("POST", `/me/interactions/${id}`, { body: { operationName: "Accept" }, csrf }),
      [id, csrf],
    );
    if (r.status) checkAnswer("POST", `/me/interactions/${id}`, r);
    return r;
  };

  // assertOk checks an operation's success answer and returns its referenceId.
  const assertOk = (r) => {
    assert.equal(r.status, 200, `Accept: ${JSON.stringify(r)}`);
    const ref = r.json?.referenceId;
    assert.ok(Number.isInteger(ref) && ref > 0, `Accept answers a referenceId: ${JSON.stringify(r.json)}`);
    assert.deepEqual(r.json, { status: "ok", statusCode: 0, referenceId: ref });
    return ref;
  };

  // The walkthrough with one CometD transport, on the default server (its
  // default CORS origins allow http://127.0.0.1:*).
  for (const transport of ["websocket", "long-polling"]) {
    describe(`CometD over ${transport}`, () => {
      let p, aliceId, id, cookie, notifications, wsURL;
      const step = steps(() => p);

      step("before login, a handshake without credentials is refused", async () => {
        p = await pages.open(servers.plain.url, `page (${transport})`);
        notifications = servers.plain.url + "/api/v2/notifications";
        wsURL = notifications.replace(/^http/, "ws");
        for (const f of ["/cometd/cometd.js", "/cometd/Client.js", "/cometd/WebSocketTransport.js", "/cometd/LongPollingTransport.js"]) {
          assert.ok(site.served.includes(f), `the page imported ${f} from the static server (served: ${site.served.join(", ")})`);
        }
        const r = await p.run("connect before login", (ws) => window.app.connect({ websocket: ws }), transport === "websocket");
        assert.equal(r.handshake?.successful, false, `handshake without credentials: ${JSON.stringify(r)}`);
        assert.match(String(r.handshake.error), /^403:/, "the refusal carries a 403 error string");
        assert.ok(!r.handshake.clientId, "no clientId for a refused handshake");
      });

      step("fetch /api/v2/me with Basic and credentials:'include': 200 after a preflight, JSESSIONID set", async () => {
        const r = await p.run("login", () => window.app.login("alice", "alice123"));
        assert.equal(r.status, 200, `GET /me: ${JSON.stringify(r)}`);
        assert.equal(r.json?.user?.userName, "alice");
        aliceId = r.json.user.id;

        const me = () => p.net.to(servers.plain.url + "/api/v2/me");
        const preflight = await waitFor(
          () => me().find((q) => q.method === "OPTIONS" && q.status),
          EVENT_MS,
          `the CORS preflight of GET /me with Authorization: ${describeNet(p.net)}`,
        );
        assert.equal(preflight.type, "Preflight");
        assert.ok(preflight.status >= 200 && preflight.status < 300, `preflight status ${preflight.status}`);
        assert.equal(preflight.responseHeaders["access-control-allow-origin"], site.origin);
        assert.equal(preflight.responseHeaders["access-control-allow-credentials"], "true");
        assert.match(preflight.responseHeaders["access-control-allow-headers"] ?? "", /authorization/i);
        const get = await waitFor(() => me().find((q) => q.method === "GET" && q.headers), EVENT_MS, "the GET's headers");
        assert.equal(get.headers.origin, site.origin, "the GET is a cross-origin request");

        const cookies = await p.context.cookies(servers.plain.url);
        const c = cookies.find((k) => k.name === "JSESSIONID");
        assert.ok(c, `the browser stored JSESSIONID for ${servers.plain.url}: ${JSON.stringify(cookies)}`);
        assert.equal(c.httpOnly, true, "JSESSIONID is HttpOnly");
        cookie = c.value;
        assert.equal(await p.run("document.cookie", () => document.cookie), "", "the page's script cannot read the HttpOnly cookie");

        // The next request of a frontend: the cookie alone.
        const again = await p.run("GET /me by cookie", () => window.app.call("GET", "/me?subresources=*"));
        assert.equal(again.status, 200, `GET /me with the cookie alone: ${JSON.stringify(again)}`);
        checkAnswer("GET", "/me", again);
        assert.equal(again.json?.user?.id, aliceId);
        assert.deepEqual(
          again.json.user.channels,
          ["email", "chat"].map((channel) => ({ channel, userState: { state: "Ready", displayName: "Ready" } })),
          "the channel objects of subresources=*",
        );
      });

      step(`CometD handshake authenticated by the cookie alone, over ${transport}, subscribe ${ME_INTERACTIONS}`, async () => {
        const socketsBefore = p.net.socketsTo(wsURL).length;
        const postsBefore = p.net.to(notifications).length;
        const r = await p.run("connect", (ws) => window.app.connect({ websocket: ws }), transport === "websocket");
        assert.equal(r.handshake?.successful, true, `handshake: ${JSON.stringify(r)}`);
        assert.equal(r.subscribe?.successful, true, `subscribe: ${JSON.stringify(r.subscribe)}`);
        assert.equal(r.transport, transport, "the transport the client uses");
        assert.ok(r.handshake.supportedConnectionTypes.includes(transport));

        const sockets = () => p.net.socketsTo(wsURL).slice(socketsBefore);
        const requests = () => p.net.to(notifications).slice(postsBefore);
        const posts = () => requests().filter((q) => q.method === "POST");
        if (transport === "websocket") {
          const [ws] = await waitFor(() => sockets().length && sockets()[0].status && sockets(), EVENT_MS, "the WebSocket handshake");
          assert.equal(sockets().length, 1, `one WebSocket: ${describeNet(p.net)}`);
          assert.equal(ws.status, 101, "the upgrade is accepted");
          // Chromium leaves the Cookie header out of the handshake headers it
          // reports; that the handshake succeeded with no Authorization (and
          // was refused before the login) shows the cookie authenticated it.
          assert.equal(ws.requestHeaders?.authorization, undefined, "the upgrade carries no Authorization header");
          assert.equal(ws.requestHeaders?.origin, site.origin, "the upgrade names the page's origin");
          assert.deepEqual(posts(), [], "no Bayeux message went over HTTP");
        } else {
          assert.deepEqual(sockets(), [], "no WebSocket was opened");
          // The handshake and subscribe POSTs have been answered; the held
          // /meta/connect may not be reported yet.
          const answered = await waitFor(
            () => {
              const a = posts().filter((q) => q.status && q.headers);
              return a.some((q) => q.url.endsWith("/handshake")) && a;
            },
            EVENT_MS,
            `the handshake POST: ${describeNet(p.net)}`,
          );
          for (const q of answered) {
            assert.equal(q.status, 200, `POST ${q.url}`);
            assert.equal(q.headers.authorization, undefined, `POST ${q.url} carries no Authorization header`);
            assert.match(q.headers.cookie ?? "", new RegExp(`(^|; )JSESSIONID=${cookie}(;|$)`), `POST ${q.url} carries the JSESSIONID cookie`);
            assert.equal(q.headers.origin, site.origin, `POST ${q.url} names the page's origin`);
            assert.equal(q.responseHeaders["access-control-allow-origin"], site.origin);
          }
          // The page's preflights so far, before the login too (an answered
          // one is cached for Access-Control-Max-Age; the one of the held
          // connect may still be under way).
          const preflights = p.net.to(notifications).filter((q) => q.method === "OPTIONS" && q.status);
          assert.ok(preflights.length >= 1, `the JSON POSTs were preflighted: ${describeNet(p.net)}`);
          for (const q of preflights) {
            assert.equal(q.status, 204, `preflight of ${q.url}`);
            assert.equal(q.responseHeaders["access-control-allow-origin"], site.origin);
          }
        }
      });

      step("an email injected through /control/v1 arrives as Invited [Accept, Reject]", async () => {
        id = await createEmail(servers.plain.url, "alice", `Browser ${transport}`);
        await takeInvited(p, id, `Browser ${transport}`);
      });

      step(`the page POSTs {"operationName":"Accept"}: 200 with statusCode 0 and a referenceId, then StatusChange Processing`, async () => {
        const r = await accept(p, id);
        const ref = assertOk(r);
        const post = await waitFor(
          () => p.net.to(`${servers.plain.url}/api/v2/me/interactions/${id}`).find((q) => q.method === "POST" && q.headers),
          EVENT_MS,
          "the POST's headers",
        );
        assert.match(post.headers["content-type"] ?? "", /^application\/json/);
        assert.equal(post.headers.authorization, undefined, "the operation is authenticated by the cookie");
        assert.match(post.headers.cookie ?? "", new RegExp(`JSESSIONID=${cookie}`));
        await takeProcessing(p, id, aliceId, ref);
        await p.inbox.quiet(300);
        assert.equal(await p.run("transport", () => window.app.transport()), transport, "still on the same transport");
      });

      step("disconnect", async () => {
        const r = await p.run("disconnect", () => window.app.disconnect());
        assert.equal(r.successful, true, `disconnect: ${JSON.stringify(r)}`);
      });
    });
  }

  describe("CSRF mode (--csrf)", () => {
    let p, aliceId, id;
    const step = steps(() => p);

    step("the X-CSRF-TOKEN of a GET response is readable by the page", async () => {
      p = await pages.open(servers.csrf.url, "page (csrf)");
      const r = await p.run("login", () => window.app.login("alice", "alice123"));
      assert.equal(r.status, 200, `GET /me: ${JSON.stringify(r)}`);
      aliceId = r.json.user.id;
      assert.equal(r.headers["x-csrf-header"], "X-CSRF-TOKEN", `headers the page can read: ${JSON.stringify(r.headers)}`);
      assert.match(r.headers["x-csrf-token"] ?? "", UUID, `headers the page can read: ${JSON.stringify(r.headers)}`);
      const get = await waitFor(
        () => p.net.to(servers.csrf.url + "/api/v2/me").find((q) => q.method === "GET" && q.rawResponseHeaders),
        EVENT_MS,
        "the GET's response headers",
      );
      assert.match(get.rawResponseHeaders["access-control-expose-headers"] ?? "", /X-CSRF-TOKEN/i, "the server exposes the token");
    });

    step("CometD by the cookie, an email arrives as Invited", async () => {
      const c = await p.run("connect", () => window.app.connect());
      assert.equal(c.handshake?.successful, true, `handshake: ${JSON.stringify(c)}`);
      assert.equal(c.subscribe?.successful, true, `subscribe: ${JSON.stringify(c.subscribe)}`);
      id = await createEmail(servers.csrf.url, "alice", "Browser CSRF");
      await takeInvited(p, id, "Browser CSRF");
    });

    step("a POST without the token: 403 Missing or invalid Csrf token; with a wrong one too", async () => {
      const r = await accept(p, id, false);
      assert.equal(r.status, 403, `Accept without the token: ${JSON.stringify(r)}`);
      assert.equal(r.text, "Missing or invalid Csrf token");
      const wrong = await accept(p, id, "00000000-0000-4000-8000-000000000000");
      assert.equal(wrong.status, 403, `Accept with a wrong token: ${JSON.stringify(wrong)}`);
      await p.inbox.quiet(300);
    });

    step("the token read from a GET response makes the POST succeed: 200 and Processing", async () => {
      const g = await p.run("GET /me/interactions", () => window.app.call("GET", "/me/interactions"));
      assert.equal(g.status, 200, `GET /me/interactions: ${JSON.stringify(g)}`);
      const token = g.headers["x-csrf-token"];
      assert.match(token ?? "", UUID);
      const r = await accept(p, id, token);
      const ref = assertOk(r);
      const post = await waitFor(
        () => p.net.to(`${servers.csrf.url}/api/v2/me/interactions/${id}`).filter((q) => q.method === "POST" && q.status === 200 && q.headers)[0],
        EVENT_MS,
        "the POST's headers",
      );
      assert.equal(post.headers["x-csrf-token"], token);
      await takeProcessing(p, id, aliceId, ref);
      const d = await p.run("disconnect", () => window.app.disconnect());
      assert.equal(d.successful, true, `disconnect: ${JSON.stringify(d)}`);
    });
  });

  // The same page against a server started with --origins OTHER_ORIGIN: its
  // origin is not allowed. The browser even holds alice's valid session
  // cookie (as after a login in another tab): the refusals are about the
  // origin, not about credentials.
  describe(`a page on an origin the server does not allow (--origins ${OTHER_ORIGIN})`, () => {
    let p, cookie, notifications;
    const step = steps(() => p);
    const corsFailure = (what, find) =>
      waitFor(() => find()?.corsError && find(), EVENT_MS, `the CORS failure of ${what}: ${describeNet(p.net)}`);

    step("fetch with credentials fails: the preflight has no Access-Control-Allow-Origin", async () => {
      p = await pages.open(servers.narrow.url, "page (refused origin)");
      notifications = servers.narrow.url + "/api/v2/notifications";
      cookie = (await sessionCookie(servers.narrow.url, "alice")).split("=")[1];
      await p.context.addCookies([{ name: "JSESSIONID", value: cookie, url: servers.narrow.url, httpOnly: true, sameSite: "Lax" }]);

      const r = await p.run("login", () => window.app.login("alice", "alice123"));
      assert.match(r.error ?? "", /^TypeError/, `fetch must fail, got ${JSON.stringify(r)}`);
      const me = () => p.net.to(servers.narrow.url + "/api/v2/me");
      const get = await corsFailure("GET /me", () => me().find((q) => q.method === "GET"));
      assert.equal(get.corsError, "PreflightMissingAllowOriginHeader");
      assert.equal(get.status, undefined, "the GET itself was never sent");
      const preflight = me().find((q) => q.method === "OPTIONS");
      assert.ok(preflight?.status, `the preflight was answered: ${describeNet(p.net)}`);
      assert.equal(preflight.responseHeaders["access-control-allow-origin"], undefined);
      await waitFor(() => p.console.some((l) => /blocked by CORS policy/.test(l)), EVENT_MS, "the console's CORS error");
    });

    step("a simple GET carrying the cookie is answered without CORS headers: the page cannot read it", async () => {
      const r = await p.run("GET /me by cookie", () => window.app.call("GET", "/me"));
      assert.match(r.error ?? "", /^TypeError/, `fetch must fail, got ${JSON.stringify(r)}`);
      const get = await corsFailure("GET /me by cookie", () =>
        p.net.to(servers.narrow.url + "/api/v2/me").filter((q) => q.method === "GET" && q.headers && q.rawResponseHeaders).at(-1),
      );
      assert.equal(get.corsError, "MissingAllowOriginHeader");
      assert.match(get.headers?.cookie ?? "", new RegExp(`JSESSIONID=${cookie}`), "the request carried the cookie");
      assert.equal(get.rawResponseHeaders?.["access-control-allow-origin"], undefined);
    });

    // An allowed page's upgrade without credentials is accepted (101) and
    // only its Bayeux handshake refused (the first step of the walkthrough
    // above): a 403 on the upgrade itself is the origin check.
    step("CometD over WebSocket: the upgrade is refused with 403 (origin check), no handshake", async () => {
      const r = await p.run("connect", () => window.app.connect({ websocket: true }));
      assert.notEqual(r.handshake?.successful, true, `the handshake must fail: ${JSON.stringify(r)}`);
      assert.ok(!r.handshake?.clientId, "no clientId");
      const [ws] = await waitFor(
        () => {
          const s = p.net.socketsTo(notifications.replace(/^http/, "ws"));
          return s.length && s[0].status && s;
        },
        EVENT_MS,
        `the WebSocket handshake: ${describeNet(p.net)}`,
      );
      assert.equal(ws.status, 403, `the upgrade is refused with 403: ${JSON.stringify(ws)}`);
      assert.equal(ws.requestHeaders?.origin, site.origin);
      await waitFor(
        () => p.console.some((l) => /WebSocket connection to .* failed: .*Unexpected response code: 403/.test(l)),
        EVENT_MS,
        `the console's report of the refused upgrade: ${p.console.join(" | ")}`,
      );
      await p.run("disconnect", () => window.app.disconnect());
    });

    step("CometD over long-polling: the handshake POST is stopped by CORS", async () => {
      const r = await p.run("connect", () => window.app.connect({ websocket: false }));
      assert.notEqual(r.handshake?.successful, true, `the handshake must fail: ${JSON.stringify(r)}`);
      assert.ok(!r.handshake?.clientId, "no clientId");
      const post = await corsFailure("the handshake POST", () => p.net.to(notifications).find((q) => q.method === "POST"));
      assert.equal(post.corsError, "PreflightMissingAllowOriginHeader");
      assert.equal(post.status, undefined, "the handshake itself was never sent");
      await p.run("disconnect", () => window.app.disconnect());
    });
  });
});
