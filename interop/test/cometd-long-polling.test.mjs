// The official CometD JavaScript client (npm cometd + cometd-nodejs-client)
// over long-polling, with the ack extension, as a frontend uses it.
import { CometDSession } from "../lib/cometd-session.mjs";
import { agentScenario } from "../lib/scenario.mjs";

agentScenario({
  title: "CometD JavaScript client, long-polling",
  open: (opts) => new CometDSession({ ...opts, transport: "long-polling" }),
  transport: "long-polling",
  ack: true,
  drops: ["idle", "in-flight"],
});
