// A reference agent desktop for the GWS Interactions API v2, in one file.
//
// It does what a real desktop does, with the public API only:
//
//  1. log in: POST /api/v2/me {"operationName": "StartContactCenterSession"}
//     with HTTP Basic credentials, once. The answer sets the JSESSIONID
//     cookie; every later request (and the CometD connection) is
//     authenticated by that cookie alone;
//  2. listen: the official CometD client (npm `cometd` 9.0.0, served from
//     ../cometd/) handshakes with /api/v2/notifications and subscribes to
//     /v2/me/interactions (offers, state changes, chat messages) and
//     /v2/me/channels (readiness);
//  3. act: POST /api/v2/me/interactions/{id} with an operationName (Accept,
//     Reject, Transfer, StartConference, StopProcessing, SendMessage,
//     Reply, Send), PUT /api/v2/interactions/{id} to edit a reply.
//
// What the agent sees is drawn from the notifications: each
// InteractionStateMessage carries the whole interaction as this agent sees
// it (state, capabilities, participants, userData, channel data), and each
// MessageLogUpdated the new lines of a chat. The buttons shown are the
// interaction's capabilities: the server says what is allowed.
import { CometD } from "../cometd/cometd.js";

const API = "/api/v2";

// The interactions this agent sees, by id: the latest message about each,
// plus the chat transcript gathered from MessageLogUpdated.
const interactions = new Map();
const transcripts = new Map(); // id -> Map(index -> chat event)
let cometd = null;

// ---- REST ----------------------------------------------------------------

// api sends one request. credentials:"same-origin" makes the browser keep
// and send the JSESSIONID cookie; basic, on the login only, adds the
// Authorization header.
async function api(method, path, body, basic) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (basic) headers.Authorization = "Basic " + btoa(`${basic.user}:${basic.password}`);
  const res = await fetch(API + path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.errorDescription || json.statusMessage || `${method} ${path}: ${res.status}`);
  return json;
}

// operate asks for one operation on an interaction, e.g.
// operate(id, "Transfer", {targetId: "bob"}). The answer only says the
// request was taken ({"status": "ok", "referenceId": n}); what changed
// arrives as notifications.
const operate = (id, operationName, params = {}) => api("POST", `/me/interactions/${id}`, { operationName, ...params });

// ---- log in, listen --------------------------------------------------------

async function login(user, password) {
  await api("POST", "/me", { operationName: "StartContactCenterSession" }, { user, password });
  const me = await api("GET", "/me?subresources=*"); // the cookie is enough from here on
  show("who", `${me.user.firstName ?? ""} ${me.user.lastName ?? ""} (${me.user.userName})`);
  for (const c of me.user.channels ?? []) setReadiness(c.channel, c.userState?.state === "Ready");

  // Subscribe first, then read what the agent already holds (after a
  // reload, say): an offer made in between is then in one or the other.
  await connect();
  const held = await api("GET", "/me/interactions?fields=*");
  for (const i of held.interactions ?? []) if (!interactions.has(i.id)) interactions.set(i.id, i);
  render();
}

// connect opens the CometD session and resolves once both subscriptions
// are confirmed. The client picks WebSocket and falls back to long-polling
// by itself; the cookie authenticates both.
function connect() {
  cometd = new CometD();
  cometd.configure({ url: location.origin + API + "/notifications", logLevel: "warn" });
  cometd.addListener("/meta/connect", (m) => show("link", m.successful ? "connected" : "reconnecting…"));
  return new Promise((resolve, reject) => {
    cometd.handshake((reply) => {
      if (!reply.successful) {
        cometd.disconnect(); // stop retrying: the credentials are wrong
        reject(new Error(`CometD handshake refused: ${reply.error ?? "unknown"}`));
        return;
      }
      let pending = 2;
      const subscribed = (ack) => {
        if (!ack.successful) reject(new Error(`subscribe ${ack.subscription}: ${ack.error}`));
        else if (--pending === 0) resolve();
      };
      // One batch: both subscriptions go in one round trip.
      cometd.batch(() => {
        cometd.subscribe("/v2/me/interactions", (m) => onInteractionMessage(m.data), subscribed);
        cometd.subscribe("/v2/me/channels", (m) => onChannelMessage(m.data), subscribed);
      });
    });
  });
}

// onInteractionMessage handles everything on /v2/me/interactions.
function onInteractionMessage(data) {
  if (data.messageType === "MessageLogUpdated" || data.messageTypeName === "MessageLogUpdated") {
    const lines = transcripts.get(data.id) ?? new Map();
    for (const m of data.messages ?? []) lines.set(m.index, m); // by index: a line is never shown twice
    transcripts.set(data.id, lines);
  } else if (data.messageTypeName === "InteractionStateMessage") {
    // Revoked: the offer is gone (another agent took it, or it timed out).
    if (data.state === "Revoked") interactions.delete(data.id);
    else interactions.set(data.id, data);
  }
  render();
}

// onChannelMessage keeps the readiness switches right.
function onChannelMessage(data) {
  if (data.channel && data.userState) setReadiness(data.channel, data.userState.state === "Ready");
}

// ---- drawing ---------------------------------------------------------------

// h builds an element; text is always text, never HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined) el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const show = (id, text) => {
  document.getElementById(id).textContent = text;
};

// run does one action and shows its error, if any.
async function run(fn) {
  const box = document.getElementById("error");
  try {
    await fn();
    box.hidden = true;
  } catch (err) {
    box.textContent = err.message;
    box.hidden = false;
  }
}

function setReadiness(channel, ready) {
  const box = document.getElementById("channels");
  let input = box.querySelector(`input[data-channel="${channel}"]`);
  if (!input) {
    input = h("input", { type: "checkbox", "data-channel": channel });
    input.onchange = () => run(() => api("POST", `/me/channels/${channel}`, { operationName: input.checked ? "Ready" : "NotReady" }));
    box.append(h("label", {}, input, ` ${channel}`));
  }
  input.checked = ready;
}

// render redraws the cards. What the agent is typing survives: each new
// card takes the values (and the focus) of the old card's fields of the
// same name.
function render() {
  const list = [...interactions.values()].filter((i) => i.state !== "Completed" && i.state !== "Canceled");
  document.getElementById("empty").hidden = list.length > 0;
  const box = document.getElementById("interactions");
  const cards = list.map((i) => {
    const fresh = card(i);
    const old = box.querySelector(`article[data-id="${i.id}"]`);
    if (old) keepTyping(old, fresh);
    return fresh;
  });
  const focused = document.activeElement?.name;
  const focusedCard = document.activeElement?.closest("article")?.dataset.id;
  box.replaceChildren(...cards);
  if (focused && focusedCard) box.querySelector(`article[data-id="${focusedCard}"] [name="${focused}"]`)?.focus();
}

function keepTyping(old, fresh) {
  for (const field of old.querySelectorAll("input[name], textarea[name]")) {
    const twin = fresh.querySelector(`[name="${field.name}"]`);
    if (twin) twin.value = field.value;
  }
}

// card draws one interaction with the actions its capabilities allow.
function card(i) {
  const can = new Set(i.capabilities ?? []);
  const title = i.channel === "email" ? i.email_object?.subject ?? "(no subject)" : i.channel === "chat" ? `Chat with ${i.chat_object?.nickname ?? "a customer"}` : `Workitem ${i.id}`;
  const button = (op, label, params) => (can.has(op) ? h("button", { type: "button", onclick: () => run(() => operate(i.id, op, params?.())) }, label) : null);
  return h("article", { class: `card ${i.channel} ${i.state}`, "data-id": i.id, "aria-label": title },
    h("header", {},
      h("span", { class: "channel" }, i.channel),
      h("h2", {}, title),
      h("span", { class: `state ${i.state}` }, i.state === "Invited" ? "Offer" : i.state),
    ),
    i.email_object?.from ? h("p", { class: "meta" }, `From ${i.email_object.from}`) : null,
    i.interactionType === "Outbound" ? replyEditor(i, can) : i.email_object?.body ? h("blockquote", {}, i.email_object.body) : null,
    Object.keys(i.userData ?? {}).length ? h("p", { class: "meta" }, "userData: ", h("code", {}, JSON.stringify(i.userData))) : null,
    i.channel === "chat" && i.state !== "Invited" ? chat(i, can) : null,
    h("div", { class: "actions" },
      button("Accept", "Accept"),
      button("Reject", "Reject"),
      button("Reply", "Reply"),
      can.has("Transfer") || can.has("StartConference") ? agentPicker(i, can) : null,
      button("StopProcessing", "Done"),
    ),
  );
}

// agentPicker asks for another agent's userName and transfers to her or
// invites her into a conference.
function agentPicker(i, can) {
  const input = h("input", { name: "agent", "aria-label": "Another agent's user name", placeholder: "agent, e.g. bob", size: 14 });
  const to = () => input.value.trim();
  return h("span", { class: "picker" }, input,
    can.has("Transfer") ? h("button", { type: "button", onclick: () => run(() => operate(i.id, "Transfer", { targetId: to() })) }, "Transfer") : null,
    can.has("StartConference") ? h("button", { type: "button", onclick: () => run(() => operate(i.id, "StartConference", { agentId: to() })) }, "Conference") : null,
  );
}

// chat draws the transcript (from MessageLogUpdated) and the message box.
function chat(i, can) {
  const lines = [...(transcripts.get(i.id)?.values() ?? [])].sort((a, b) => a.index - b.index);
  const log = lines.length
    ? h("ol", { class: "transcript", "aria-label": "Transcript" }, lines.map(chatLine))
    : h("p", { class: "hint" }, "No messages yet.");
  if (!can.has("SendMessage")) return log;
  const input = h("input", { name: "text", "aria-label": "Message to the customer", placeholder: "Write to the customer", autocomplete: "off" });
  const form = h("form", { class: "say" }, input, h("button", { type: "submit" }, "Send"));
  form.onsubmit = (e) => {
    e.preventDefault();
    run(async () => {
      await operate(i.id, "SendMessage", { text: input.value });
      // The card may have been redrawn meanwhile: clear the field shown now.
      const shown = document.querySelector(`article[data-id="${i.id}"] input[name="text"]`);
      if (shown) shown.value = "";
    });
  };
  return [log, form];
}

// chatLine is one transcript event: a Text, or someone joining or leaving.
function chatLine(m) {
  const what = m.type === "Text" ? m.text : h("em", {}, { ParticipantJoined: "joined", ParticipantLeft: "left" }[m.type] ?? m.type);
  return h("li", { class: m.from?.type ?? "" }, h("b", {}, m.from?.nickname ?? "?"), " ", what);
}

// replyEditor edits an outbound email (a Reply) and sends it: PUT the
// fields, then the Send operation.
function replyEditor(i, can) {
  const e = i.email_object ?? {};
  const to = h("input", { name: "to", value: [].concat(e.to ?? []).join(", ") });
  const subject = h("input", { name: "subject", value: e.subject ?? "" });
  const body = h("textarea", { name: "body", "aria-label": "Reply body", rows: 6 });
  body.value = e.body ?? "";
  const send = async () => {
    await api("PUT", `/interactions/${i.id}`, { email_object: { to: to.value, subject: subject.value, body: body.value } });
    await operate(i.id, "Send");
  };
  return h("div", { class: "reply" },
    h("label", {}, "To ", to), h("label", {}, "Subject ", subject), body,
    h("div", { class: "actions" },
      can.has("Send") ? h("button", { type: "button", class: "primary", onclick: () => run(send) }, "Send reply") : null,
      can.has("CancelReply") ? h("button", { type: "button", onclick: () => run(() => operate(i.id, "CancelReply")) }, "Discard") : null,
    ),
  );
}

// ---- wiring ----------------------------------------------------------------

document.getElementById("login").onsubmit = (e) => {
  e.preventDefault();
  const f = e.target.elements;
  run(async () => {
    await login(f.user.value, f.password.value);
    e.target.hidden = true;
    document.getElementById("work").hidden = false;
    document.getElementById("logout").hidden = false;
  });
};

document.getElementById("logout").onclick = () =>
  run(async () => {
    cometd?.disconnect();
    await api("POST", "/me", { operationName: "EndContactCenterSession" });
    location.reload();
  });
