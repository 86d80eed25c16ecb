// The steps of the tests of gwsmock's own pages, one body for every
// browser (console.test.mjs: headless Chromium through playwright-core;
// console-firefox.test.mjs: headless Firefox ESR through puppeteer-core and
// the adapter of firefox.mjs, which answers the part of Playwright's API
// used here). The console at /console/ shows what happens live (an
// interaction created through the control API appears without a reload),
// its actions change the state (checked through GET /control/v1/state), and
// the reference desktop at /console/desktop/ logs in, accepts and finishes
// an offer and holds a chat with the customer the control API plays.
// Screenshots of both pages are written to interop/artifacts/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { control, startServer, waitFor, withTimeout } from "./harness.mjs";
import { openServedPage, screenshot, stateOf } from "./pages.mjs";

// Deadlines are safety nets: every wait is on the DOM or on the state.
const WAIT_MS = 10000;
const STEP_MS = 30000;

// consoleSteps declares the suite in the browser launch() starts (name
// says which, in titles and messages); the screenshots are
// artifacts/console<suffix>.png and desktop<suffix>.png.
export function consoleSteps({ name, launch, suffix = "" }) {
  describe(`the console and the reference desktop in ${name}`, { timeout: 180000 }, () => {
    let server, browser, base;
    const opened = [];
    let broken = null;

    before(async () => {
      [server, browser] = await Promise.all([startServer(), launch()]);
      base = server.url;
      // Nobody takes email, so what arrives waits in its queue until routed.
      for (const user of ["alice", "bob", "carol", "dave"]) {
        const r = await control(base, "PUT", `/users/${user}/channels/email`, { ready: false });
        assert.equal(r.status, 200, r.text);
      }
    }, { timeout: 45000 });

    after(async () => {
      try {
        for (const p of opened) await withTimeout(p.context.close(), 5000, "a browser context to close").catch(() => {});
        if (browser) await withTimeout(browser.close(), 10000, `${name} to exit`);
      } finally {
        await server?.stop().catch(() => {});
        setTimeout(() => {
          console.error(`console steps in ${name}: the process did not exit 5 s after its tests ended`);
          process.exit(1);
        }, 5000).unref();
      }
    }, { timeout: 30000 });

    async function open(path, opts) {
      const p = await openServedPage(browser, base + path, opts);
      opened.push(p);
      return p;
    }

    // Each step depends on the ones before it; after a failure the rest are
    // skipped, and the page logs are printed.
    function step(name, fn) {
      it(name, { timeout: STEP_MS }, async (t) => {
        if (broken) return t.skip(`after the failed step "${broken}"`);
        try {
          await fn(t);
        } catch (err) {
          broken = name;
          for (const p of opened) t.diagnostic(`${p.page.url()}:\n  ${p.log.join("\n  ") || "(nothing logged)"}`);
          throw err;
        }
      });
    }

    let consolePage;

    step("/ leads to the console, which goes live", async () => {
      consolePage = await open("/");
      const { page } = consolePage;
      assert.match(page.url(), /\/console\/$/);
      await page.getByRole("status").filter({ hasText: "live" }).first().waitFor({ timeout: WAIT_MS });
      // Every asset came from the server itself.
      assert.deepEqual(consolePage.log.filter((l) => /error/i.test(l)), []);
    });

    step("an interaction created through the control API shows within a second", async (t) => {
      const { page } = consolePage;
      const r = await control(base, "POST", "/interactions", {
        channel: "email",
        email_object: { subject: "Where is my parcel?", from: "jane@example.com", body: "It should have come on Monday." },
        userData: { orderId: "1042" },
      });
      assert.equal(r.status, 201, r.text);
      const start = Date.now();
      await page.locator(`#interactions tr[data-id="${r.json.id}"]`).waitFor({ timeout: WAIT_MS });
      const took = Date.now() - start;
      t.diagnostic(`shown after ${took} ms`);
      assert.ok(took < 1000, `the console showed the interaction after ${took} ms`);
      // It waits in its queue, and the queue says so.
      await page.locator("#queues").getByRole("button", { name: new RegExp(r.json.id.slice(-6)) }).waitFor({ timeout: WAIT_MS });
    });

    step("the console's new-email form makes an email arrive, and route moves it", async () => {
      const { page } = consolePage;
      const form = page.locator("#new-form");
      await form.getByLabel("Channel").selectOption("email");
      await form.getByLabel("Subject").fill("Wrong size delivered");
      await form.getByRole("button", { name: "Arrives" }).click();
      const id = await waitFor(async () => {
        const { doc } = await stateOf(base, "");
        return doc.interactions.find((i) => i.channelData?.subject === "Wrong size delivered")?.id;
      }, WAIT_MS, "the console's email in /control/v1/state");
      // The form selects what it made: route it to bob directly.
      await page.locator("#detail-id").filter({ hasText: id }).waitFor({ timeout: WAIT_MS });
      assert.equal((await stateOf(base, id)).interaction.state, "Queued");
      await page.locator("#route-form").getByLabel("Route to").selectOption("agent:bob");
      await page.locator("#route-form").getByRole("button", { name: "Route" }).click();
      await waitFor(async () => (await stateOf(base, id)).interaction?.state === "Invited", WAIT_MS, `${id} offered to bob`);
      assert.equal((await stateOf(base, id)).interaction.participants[0].userName, "bob");
    });

    step("stop in the console ends an interaction", async () => {
      const { page } = consolePage;
      const id = await page.locator("#detail-id").textContent();
      await page.locator("#detail-body").getByRole("button", { name: "Stop" }).click();
      await waitFor(async () => (await stateOf(base, id)).interaction?.state === "Completed", WAIT_MS, `${id} Completed`);
    });

    step("a readiness switch in the console changes the agent's readiness", async () => {
      const { page } = consolePage;
      const box = page.getByLabel("carol ready on chat");
      const before = await box.isChecked();
      await box.click();
      await waitFor(async () => {
        const { doc } = await stateOf(base, "");
        const carol = doc.users.find((u) => u.userName === "carol");
        return (carol.ready ?? []).includes("chat") === !before;
      }, WAIT_MS, "carol's readiness on chat to flip");
    });

    let desktop;

    step("the desktop logs in and connects with the CometD client", async () => {
      desktop = await open("/console/desktop/", { width: 1000, height: 900 });
      const { page } = desktop;
      await page.getByLabel("User name").fill("alice");
      await page.getByLabel("Password").fill("alice123");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.locator("#who").filter({ hasText: "alice" }).waitFor({ timeout: WAIT_MS });
      await page.getByRole("status").filter({ hasText: "connected" }).waitFor({ timeout: WAIT_MS });
      // StartContactCenterSession made her Ready on her channels.
      await waitFor(async () => page.getByLabel("email").isChecked(), WAIT_MS, "the email switch to show Ready");
    });

    step("the desktop accepts and finishes an offer", async () => {
      const { page } = desktop;
      const r = await control(base, "POST", "/interactions", {
        channel: "email",
        agent: "alice",
        email_object: { subject: "Invoice 77 is wrong", from: "sam@example.com", body: "The VAT is missing." },
      });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id;
      const card = page.locator(`article[data-id="${id}"]`);
      await card.getByRole("button", { name: "Accept" }).click();
      await card.getByRole("button", { name: "Done" }).waitFor({ timeout: WAIT_MS });
      assert.equal((await stateOf(base, id)).interaction.state, "Processing");
      await card.getByRole("button", { name: "Done" }).click();
      await card.waitFor({ state: "detached", timeout: WAIT_MS });
      assert.equal((await stateOf(base, id)).interaction.state, "Completed");
    });

    step("the desktop holds a chat with the customer", async () => {
      const { page } = desktop;
      const r = await control(base, "POST", "/interactions", { channel: "chat", agent: "alice", chat_object: { nickname: "Jane" } });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id;
      const card = page.locator(`article[data-id="${id}"]`);
      await card.getByRole("button", { name: "Accept" }).click();
      let res = await control(base, "POST", `/interactions/${id}/chat/messages`, { text: "Hello, my parcel never arrived." });
      assert.equal(res.status, 200, res.text);
      await card.getByRole("list", { name: "Transcript" }).getByText("Hello, my parcel never arrived.").waitFor({ timeout: WAIT_MS });
      await card.getByLabel("Message to the customer").fill("Sorry to hear that, let me look.");
      await card.getByRole("button", { name: "Send" }).click();
      await card.getByRole("list", { name: "Transcript" }).getByText("Sorry to hear that, let me look.").waitFor({ timeout: WAIT_MS });
      await waitFor(async () => (await card.getByLabel("Message to the customer").inputValue()) === "", WAIT_MS, "the message box to empty after Send");
      const said = (await stateOf(base, id)).interaction.chat.transcript.map((m) => m.text);
      assert.ok(said.includes("Sorry to hear that, let me look."), `the transcript holds the agent's line: ${JSON.stringify(said)}`);
      // The console shows the same transcript.
      await consolePage.page.locator(`#interactions tr[data-id="${id}"]`).getByRole("button").click();
      await consolePage.page.getByRole("list", { name: "chat transcript" }).getByText("Sorry to hear that, let me look.").waitFor({ timeout: WAIT_MS });
      res = await control(base, "POST", `/interactions/${id}/chat/leave`);
      assert.equal(res.status, 200, res.text);
      await screenshot(page, `desktop${suffix}`);
      await card.getByRole("button", { name: "Done" }).click();
      await card.waitFor({ state: "detached", timeout: WAIT_MS });
      assert.equal((await stateOf(base, id)).interaction.state, "Completed");
    });

    step("the desktop replies to an email", async () => {
      const { page } = desktop;
      const r = await control(base, "POST", "/interactions", {
        channel: "email",
        agent: "alice",
        email_object: { subject: "Can I change my address?", from: "kim@example.com", to: "support@example.com", body: "I moved last week." },
      });
      assert.equal(r.status, 201, r.text);
      const card = page.locator(`article[data-id="${r.json.id}"]`);
      await card.getByRole("button", { name: "Accept" }).click();
      await card.getByRole("button", { name: "Reply" }).click();
      const draft = page.locator("article.Composing");
      await draft.getByLabel("Reply body").fill("Yes: write the new address here and we change it.");
      await draft.getByRole("button", { name: "Send reply" }).click();
      await draft.waitFor({ state: "detached", timeout: WAIT_MS });
      const out = await control(base, "GET", "/outbox");
      assert.equal(out.status, 200, out.text);
      const sent = out.json.emails.find((e) => e.parentId === r.json.id);
      assert.ok(sent, `the reply is in the outbox: ${out.text}`);
      assert.deepEqual([].concat(sent.to), ["kim@example.com"]);
      assert.match(sent.body, /^Yes: write the new address/);
      await card.getByRole("button", { name: "Done" }).click();
      await card.waitFor({ state: "detached", timeout: WAIT_MS });
    });

    step("the console's timeline shows the desktop's requests in alice's lane, filterable", async (t) => {
      const { page } = consolePage;
      const accept = page.locator("#timeline details.request").filter({ hasText: "Accept" }).first();
      await accept.waitFor({ timeout: WAIT_MS });
      // Its payload is one click away.
      await accept.locator("summary").click();
      await accept.locator("pre").filter({ hasText: '"operationName": "Accept"' }).waitFor({ timeout: WAIT_MS });
      await page.locator("#filter-user").selectOption("bob");
      await page.locator("#timeline thead th").filter({ hasText: "alice" }).waitFor({ state: "detached", timeout: WAIT_MS });
      await page.locator("#filter-user").selectOption({ label: "everyone" });
      await screenshot(page, `console${suffix}`);
      assert.deepEqual(consolePage.log, [], "the console logged no error");
    });
  });
}
