// The official CometD JavaScript client (npm cometd + cometd-nodejs-client)
// over WebSocket, with the ack extension, as a frontend uses it.
import { CometDSession } from "../lib/cometd-session.mjs";
import { agentScenario } from "../lib/scenario.mjs";

agentScenario({
  title: "CometD JavaScript client, WebSocket",
  open: (opts) => new CometDSession({ ...opts, transport: "websocket" }),
  transport: "websocket",
  ack: true,
  drops: ["idle", "in-flight"],
});
