// The Faye client (npm faye) over long-polling. Faye has no ack extension,
// so only the idle dropped poll is checked: a reply lost on the wire cannot
// be recovered by any server without acknowledgements. bob authenticates
// with the JSESSIONID cookie of a REST login, alice and carol with Basic.
import { FayeSession } from "../lib/faye-session.mjs";
import { agentScenario } from "../lib/scenario.mjs";

agentScenario({
  title: "Faye client, long-polling",
  open: (opts) => new FayeSession(opts),
  transport: "long-polling",
  drops: ["idle"],
  bobAuth: "cookie",
});
