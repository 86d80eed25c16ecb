// The Faye client (npm faye) over WebSocket. Without the ack extension the
// server pushes deliveries on the socket as they come (docs/bayeux.md rule 11).
import { FayeSession } from "../lib/faye-session.mjs";
import { agentScenario } from "../lib/scenario.mjs";

agentScenario({
  title: "Faye client, WebSocket",
  open: (opts) => new FayeSession({ ...opts, transport: "websocket" }),
  transport: "websocket",
  drops: ["idle"],
});
