// The gwsmock console: the state of the simulated contact center and its
// journal, live, and the outside world's actions. It uses only the public
// test-control API (/control/v1, spec/control.yaml): GET /state for the
// picture, GET /events for the journal and the news that the state
// changed, and the documented POSTs and PUTs for the actions.
import { follow } from "./events.js";

const CONTROL = "/control/v1";
const MAX_STEPS = 400; // timeline steps kept on the page
const HISTORY = 500; // journal entries read back when the page opens

const $ = (id) => document.getElementById(id);

// h builds an element: h("td", {class: "x"}, "text", child...). Text is
// always set as text, never parsed as HTML.
// readableDate shows an RFC 3339 time of the state document as
// "2026-11-30 02:44:21" (UTC), without the nanoseconds.
function readableDate(iso) {
  if (!iso) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// ---- talking to the server ---------------------------------------------

const token = () => sessionStorage.getItem("gwsmock-control-token") || "";
const authHeaders = () => (token() ? { Authorization: `Bearer ${token()}` } : {});

// call is one control request; it answers the parsed JSON and throws an
// Error with the server's message on a non-2xx answer.
async function call(method, path, body) {
  const headers = authHeaders();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(CONTROL + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status === 401) $("token-form").hidden = false;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json?.error ?? text}`);
  return json;
}

// act runs one user action and shows its error, if any.
async function act(what, fn) {
  const msg = $("message");
  try {
    await fn();
    msg.hidden = true;
  } catch (err) {
    msg.textContent = `${what}: ${err.message}`;
    msg.hidden = false;
  }
}

// ---- the state ------------------------------------------------------------

let state = { users: [], queues: [], workbins: [], interactions: [] };
let selected = ""; // the id of the interaction shown in detail

const userName = (id) => state.users.find((u) => u.id === id)?.userName ?? id;
const agents = () => state.users.filter((u) => (u.roles ?? []).includes("agent"));

let refetchTimer = null;
// refetch reads the state again, at most once per 100 ms however many
// events say it changed.
function refetch() {
  if (refetchTimer) return;
  refetchTimer = setTimeout(async () => {
    refetchTimer = null;
    await act("read the state", async () => {
      state = await call("GET", "/state");
      render();
    });
  }, 100);
}

function render() {
  renderAgents();
  renderQueues();
  renderInteractions();
  renderDetail();
  renderTargets();
  renderFilters();
}

// held lists the interactions a user takes part in, with her role.
function held(user) {
  return state.interactions
    .filter((i) => i.state !== "Completed")
    .flatMap((i) => (i.participants ?? []).filter((p) => p.userId === user.id).map((p) => ({ i, role: p.role })));
}

function renderAgents() {
  const rows = agents().map((u) => {
    const ready = new Set(u.ready ?? []);
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, u.userName, h("div", { class: "muted" }, `${u.firstName ?? ""} ${u.lastName ?? ""}`.trim())),
      h("td", {}, u.loggedOut ? h("span", { class: "badge off" }, "logged out") : null,
        ...(u.channels ?? []).map((ch) =>
          h("label", { class: "switch" },
            h("input", {
              type: "checkbox",
              checked: ready.has(ch),
              "aria-label": `${u.userName} ready on ${ch}`,
              onchange: (e) => act(`readiness of ${u.userName}`, () =>
                call("PUT", `/users/${encodeURIComponent(u.userName)}/channels/${ch}`, { ready: e.target.checked })),
            }),
            ch),
        )),
      h("td", {}, ...held(u).map(({ i, role }) => chip(i, role === "Owner" ? "" : role))),
    );
  });
  $("agents").replaceChildren(
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Agent"), h("th", { scope: "col" }, "Ready on"), h("th", { scope: "col" }, "Holds"))),
      h("tbody", {}, rows)),
  );
}

// chip is a button that selects an interaction.
function chip(i, note) {
  return h("button", { type: "button", class: `chip ${i.channel}`, title: `${i.channel} ${i.state}`, onclick: () => select(i.id) },
    `${i.channel} ${i.id.slice(-6)}`, note ? h("span", { class: "muted" }, ` ${note}`) : null);
}

function renderQueues() {
  const waiting = (pred) => state.interactions.filter((i) => i.state !== "Completed" && pred(i));
  const queueRows = state.queues.map((q) => {
    const list = waiting((i) => i.queue === q.name && (i.state === "Queued" || i.state === "Invited"));
    return h("tr", {}, h("th", { scope: "row" }, q.name), h("td", {}, q.channel), h("td", {}, list.length ? list.map((i) => chip(i, i.state === "Invited" ? "offered" : "")) : h("span", { class: "muted" }, "empty")));
  });
  const binRows = state.workbins.map((b) => {
    const list = waiting((i) => i.workbin === b.name);
    const owner = b.ownerId ? ` (${userName(b.ownerId)})` : "";
    return h("tr", {}, h("th", { scope: "row" }, b.name), h("td", {}, `${b.type}${owner}`), h("td", {}, list.length ? list.map((i) => chip(i)) : h("span", { class: "muted" }, "empty")));
  });
  $("queues").replaceChildren(
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Queue"), h("th", { scope: "col" }, "Channel"), h("th", { scope: "col" }, "Waiting"))), h("tbody", {}, queueRows)),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Workbin"), h("th", { scope: "col" }, "Kind"), h("th", { scope: "col" }, "Holds"))), h("tbody", {}, binRows)),
  );
}

// summary is one line saying what an interaction is about.
function summary(i) {
  const d = i.channelData ?? {};
  if (i.channel === "email") return d.subject ?? "";
  if (i.channel === "chat") return d.nickname ? `chat with ${d.nickname}` : "";
  return Object.values(d).filter((v) => typeof v === "string")[0] ?? "";
}

function renderInteractions() {
  const list = [...state.interactions].reverse(); // newest first
  if (!list.length) {
    $("interactions").replaceChildren(h("p", { class: "muted" }, "No interactions. Make one arrive with the form."));
    return;
  }
  $("interactions").replaceChildren(
    h("table", { class: "clickable" },
      h("thead", {}, h("tr", {}, ...["Id", "Channel", "State", "Owner", "Where", "About"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, list.map((i) =>
        h("tr", { class: i.id === selected ? "selected" : "", "data-id": i.id },
          h("td", {}, h("button", { type: "button", class: "link mono", onclick: () => select(i.id), "aria-label": `show interaction ${i.id}` }, i.id)),
          h("td", {}, h("span", { class: `dot ${i.channel}` }), i.channel),
          h("td", {}, h("span", { class: `state ${i.state}` }, i.state)),
          h("td", {}, i.ownerId ? userName(i.ownerId) : ""),
          h("td", {}, i.workbin || i.queue || ""),
          h("td", { class: "about" }, summary(i)),
        ))),
    ),
  );
}

function select(id) {
  selected = id;
  $("filter-interaction").value = "";
  renderInteractions();
  renderDetail();
  $("detail-h").scrollIntoView({ block: "nearest", behavior: "smooth" });
}

// transcriptLine renders one chat event, of the shape of docs (from
// {nickname, type}) or the older one (from a string).
function transcriptLine(m) {
  const from = typeof m.from === "string" ? m.from : m.from?.nickname ?? "?";
  const who = typeof m.from === "object" ? m.from?.type ?? "" : "";
  const what = m.type && m.type !== "Text" ? h("em", {}, m.type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()) : m.text;
  return h("li", { class: `msg ${who}` }, h("span", { class: "from" }, from), " ", what);
}

function renderDetail() {
  const i = state.interactions.find((x) => x.id === selected);
  $("detail-empty").hidden = !!i;
  $("detail-body").hidden = !i;
  $("detail-id").textContent = i ? i.id : "";
  if (!i) return;
  const d = i.channelData ?? {};
  const parts = (i.participants ?? []).map((p) => `${p.userName ?? userName(p.userId)} (${p.role})`).join(", ") || "none";
  // The state document keeps a chat's transcript under "chat".
  const { transcript: older, ...channelData } = d;
  const transcript = i.chat?.transcript ?? older;
  const sections = [
    h("dl", { class: "facts" },
      h("dt", {}, "Channel"), h("dd", {}, `${i.channel} · ${i.type ?? ""} ${i.subType ?? ""}`),
      h("dt", {}, "State"), h("dd", {}, h("span", { class: `state ${i.state}` }, i.state)),
      h("dt", {}, "Owner"), h("dd", {}, i.ownerId ? userName(i.ownerId) : "nobody"),
      h("dt", {}, "Participants"), h("dd", {}, parts),
      h("dt", {}, "Queue / workbin"), h("dd", {}, [i.queue, i.workbin].filter(Boolean).join(" / ") || "none"),
      h("dt", {}, "Received"), h("dd", {}, readableDate(i.receivedDate)),
      i.parentId ? [h("dt", {}, "Reply to"), h("dd", {}, h("button", { type: "button", class: "link mono", onclick: () => select(i.parentId) }, i.parentId))] : null,
      i.chat?.customerLeft ? [h("dt", {}, "Customer"), h("dd", {}, "left the chat")] : null,
    ),
    h("div", { class: "cols" },
      h("div", {}, h("h3", {}, "userData"), h("pre", { class: "json" }, JSON.stringify(i.userData ?? {}, null, 2))),
      h("div", {}, h("h3", {}, `${i.channel} data`), h("pre", { class: "json" }, JSON.stringify(channelData, null, 2))),
    ),
    i.channel === "chat"
      ? h("div", {}, h("h3", {}, "Transcript"),
        (transcript ?? []).length ? h("ol", { class: "transcript", "aria-label": "chat transcript" }, transcript.map(transcriptLine)) : h("p", { class: "muted" }, "No messages yet."))
      : null,
  ];
  $("detail").replaceChildren(...sections.filter(Boolean));
  $("chat-form").hidden = i.channel !== "chat";
  const done = i.state === "Completed";
  for (const b of $("detail-body").querySelectorAll("button")) b.disabled = done;
}

// renderTargets fills every "to" select with the queues and the agents,
// keeping what was chosen.
function renderTargets() {
  for (const sel of document.querySelectorAll('select[name="to"]')) {
    const keep = sel.value;
    const channel = sel.form.id === "new-form" ? sel.form.channel.value : state.interactions.find((i) => i.id === selected)?.channel;
    const queues = state.queues.filter((q) => !channel || q.channel === channel);
    const people = agents().filter((u) => !channel || (u.channels ?? []).includes(channel));
    sel.replaceChildren(
      h("optgroup", { label: "Queues" }, queues.map((q) => h("option", { value: `queue:${q.name}` }, q.name))),
      h("optgroup", { label: "Agents (offered directly)" }, people.map((u) => h("option", { value: `agent:${u.userName}` }, u.userName))),
    );
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }
}

// target turns a "to" choice into {queue} or {agent}.
function target(value) {
  const [kind, name] = value.split(/:(.*)/s);
  return kind === "agent" ? { agent: name } : { queue: name };
}

// ---- the timeline ----------------------------------------------------------

// A step is a request with what followed it until the next request: its
// response and the notifications it caused. Notifications before any
// request come from the control API (the outside world) or from timers.
const steps = [];
let entriesSeen = 0;

function addEntry(e) {
  entriesSeen++;
  let step = steps.at(-1);
  if (e.kind === "request" || !step) {
    step = { seq: e.seq, time: e.time, request: e.kind === "request" ? e : null, entries: [] };
    steps.push(step);
    if (steps.length > MAX_STEPS) steps.shift();
  }
  step.entries.push(e);
  scheduleTimeline();
}

let timelineTimer = null;
function scheduleTimeline() {
  if (timelineTimer) return;
  timelineTimer = setTimeout(() => {
    timelineTimer = null;
    renderTimeline();
  }, 50);
}

const relates = (e, id) => !id || JSON.stringify(e).includes(id);

// label is what a timeline cell says of one entry.
function label(e) {
  const d = e.data && typeof e.data === "object" ? e.data : {};
  if (e.kind === "request") return `${e.method} ${e.path.replace(/^\/api\/v2/, "")}${d.operationName ? ` ${d.operationName}` : ""}`;
  if (e.kind === "response") return `→ ${e.status}`;
  const name = d.messageType === "MessageLogUpdated" ? "MessageLogUpdated" : d.notificationType ?? d.messageTypeName ?? "";
  return `${e.channel} ${name}${d.state ? ` ${d.state}` : ""}`;
}

function renderTimeline() {
  const userFilter = $("filter-user").value;
  const idFilter = $("filter-interaction").value;
  const lanes = userFilter ? [userFilter] : [...new Set([...agents().map((u) => u.userName), ...steps.flatMap((s) => s.entries.map((e) => e.user ?? "—"))])];
  const rows = [];
  for (const s of steps) {
    const entries = s.entries.filter((e) => relates(e, idFilter) && (!userFilter || e.user === userFilter));
    if (!entries.length) continue;
    const cause = s.request ? "" : "outside world";
    rows.push(
      h("tr", {},
        h("td", { class: "when mono" }, `#${s.seq}`, h("div", { class: "muted" }, s.time?.slice(11, 23) ?? ""), cause ? h("div", { class: "muted" }, cause) : null),
        ...lanes.map((lane) => h("td", {}, entries.filter((e) => (e.user ?? "—") === lane).map(entryCell))),
      ),
    );
  }
  rows.reverse(); // newest first
  $("timeline-count").textContent = `${entriesSeen} entries seen`;
  $("timeline").replaceChildren(
    rows.length
      ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Step"), lanes.map((l) => h("th", { scope: "col" }, l)))), h("tbody", {}, rows))
      : h("p", { class: "muted" }, "Nothing yet: requests to /api/v2 and the notifications they cause show here as they happen."),
  );
}

// opened holds the seqs of the entries whose payload is shown, so that
// redrawing the timeline leaves them open.
const opened = new Set();

// entryCell is one entry, its payload one click away (a <details>).
function entryCell(e) {
  const status = e.kind === "response" ? (e.status < 300 ? "ok" : "bad") : "";
  const el = h("details", { class: `entry ${e.kind} ${status}`, open: opened.has(e.seq) },
    h("summary", {}, label(e)),
    h("pre", { class: "json" }, JSON.stringify(e, null, 2)),
  );
  el.addEventListener("toggle", () => (el.open ? opened.add(e.seq) : opened.delete(e.seq)));
  return el;
}

function renderFilters() {
  const u = $("filter-user");
  const keepU = u.value;
  u.replaceChildren(h("option", { value: "" }, "everyone"), ...state.users.map((x) => h("option", { value: x.userName }, x.userName)));
  u.value = keepU;
  const f = $("filter-interaction");
  const keep = f.value;
  f.replaceChildren(h("option", { value: "" }, "all"), ...[...state.interactions].reverse().map((i) => h("option", { value: i.id }, `${i.id} (${i.channel})`)));
  f.value = [...f.options].some((o) => o.value === keep) ? keep : "";
}

// ---- the actions -------------------------------------------------------------

function wireActions() {
  $("reset").onclick = () => act("reset", async () => {
    if (!confirm("Reset the contact center to its fixture? Every interaction goes.")) return;
    await call("POST", "/reset");
  });

  $("download").onclick = () => act("download the state", async () => {
    const doc = await call("GET", "/state");
    const a = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" })), download: "gwsmock-state.json" });
    a.click();
    URL.revokeObjectURL(a.href);
  });

  $("upload").onchange = (e) => act("upload the state", async () => {
    const file = e.target.files[0];
    e.target.value = "";
    if (file) await call("PUT", "/state", await file.text());
  });

  const form = $("new-form");
  const showChannelFields = () => {
    for (const el of form.querySelectorAll("[data-channel]")) el.hidden = el.dataset.channel !== form.channel.value;
    renderTargets();
  };
  form.channel.onchange = showChannelFields;
  form.onsubmit = (e) => {
    e.preventDefault();
    act("a customer's interaction arrives", async () => {
      const f = form.elements;
      const channel = f.channel.value;
      const body = { channel, ...target(f.to.value) };
      if (f.userData.value.trim()) body.userData = JSON.parse(f.userData.value);
      if (channel === "email") body.email_object = { from: f.from.value, subject: f.subject.value, body: f.body.value };
      if (channel === "chat") body.chat_object = { nickname: f.nickname.value };
      if (channel === "workitem") body.workitem_object = { title: f.title.value };
      const { id } = await call("POST", "/interactions", body);
      // The customer's first words go through the chat endpoint.
      if (channel === "chat" && f.text.value.trim()) await call("POST", `/interactions/${id}/chat/messages`, { text: f.text.value });
      select(id);
    });
  };
  showChannelFields();

  const one = (path, body) => () => call("POST", `/interactions/${selected}${path}`, body);
  $("route-form").onsubmit = (e) => {
    e.preventDefault();
    act("route", one("/route", target(e.target.elements.to.value)));
  };
  $("revoke").onclick = () => act("revoke", one("/revoke"));
  $("stop").onclick = () => act("stop", one("/stop"));
  $("chat-form").onsubmit = (e) => {
    e.preventDefault();
    const input = e.target.elements.text;
    act("the customer writes", async () => {
      await one("/chat/messages", { text: input.value })();
      input.value = "";
    });
  };
  $("leave").onclick = () => act("the customer leaves", one("/chat/leave"));

  $("faults-form").onsubmit = (e) => {
    e.preventDefault();
    act("turn faults on", async () => {
      await call("PUT", "/faults", e.target.elements.rules.value);
      $("faults-state").textContent = "on";
    });
  };
  $("faults-off").onclick = () => act("turn faults off", async () => {
    await call("DELETE", "/faults");
    $("faults-state").textContent = "off";
  });

  $("filter-user").onchange = renderTimeline;
  $("filter-interaction").onchange = renderTimeline;

  $("token-form").onsubmit = (e) => {
    e.preventDefault();
    sessionStorage.setItem("gwsmock-control-token", $("token").value);
    location.reload();
  };
}

// ---- start -------------------------------------------------------------------

async function start() {
  wireActions();
  let since = 0;
  await act("read the journal", async () => {
    const { last } = await call("GET", "/journal?limit=1");
    since = Math.max(0, last - HISTORY);
  });
  refetch();
  follow({
    url: CONTROL + "/events",
    since,
    headers: authHeaders,
    onStatus: (s) => {
      const live = $("live");
      live.textContent = s === "live" ? "live" : s;
      live.className = `live ${s === "live" ? "on" : s === "connecting" ? "" : "off"}`;
      if (s === "live") refetch(); // whatever happened while away
    },
    onEvent: (e) => {
      if (e.event === "state") refetch();
      else if (!e.event) addEntry(JSON.parse(e.data));
    },
  });
  renderTimeline();
}

start();
