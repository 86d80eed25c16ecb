// Validation of CometD payloads against the notification schemas of
// spec/openapi.yaml, independently of the Go side (spec.ValidateNotification).
//
// The spec's top-level `x-cometd` extension lists, per channel, the schema
// every `data` matches (`payload`) and every message schema (`messages`).
// We compile the OpenAPI 3.0 component schemas with Ajv after turning the
// two OpenAPI-only keywords into JSON Schema: `nullable: true` becomes a
// null alternative, and `discriminator` is dropped (Ajv's own discriminator
// keyword rejects `mapping`; the oneOf branches are told apart by their
// `messageTypeName` enums anyway, so oneOf alone checks the same thing).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import Ajv from "ajv";
import addFormats from "ajv-formats";

export const specPath = fileURLToPath(new URL("../../spec/openapi.yaml", import.meta.url));

const SPEC_ID = "gwsmock-openapi";
const PREFIX = "#/components/schemas/";

// toJSONSchema returns a copy of an OpenAPI 3.0 schema object as JSON Schema.
function toJSONSchema(node) {
  if (Array.isArray(node)) return node.map(toJSONSchema);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "discriminator" || k === "nullable" || k === "example" || k === "examples" || k.startsWith("x-")) continue;
    out[k] = toJSONSchema(v);
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: "null" }] };
    }
  }
  return out;
}

function refName(ref) {
  if (!ref || typeof ref.$ref !== "string" || !ref.$ref.startsWith(PREFIX)) {
    throw new Error(`x-cometd: want {"$ref": "${PREFIX}Name"}, got ${JSON.stringify(ref)}`);
  }
  return ref.$ref.slice(PREFIX.length);
}

// loadSpec reads the spec and compiles, per CometD channel, the payload
// schema and the refinements by notificationType.
export function loadSpec(path = specPath) {
  const doc = parse(readFileSync(path, "utf8"));
  const schemas = doc?.components?.schemas;
  const xc = doc?.["x-cometd"];
  if (!schemas || !xc?.channels) throw new Error(`${path}: no components.schemas or x-cometd.channels`);

  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const converted = {};
  for (const [name, s] of Object.entries(schemas)) converted[name] = toJSONSchema(s);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas: converted } });
  const compile = (name) => {
    if (!(name in schemas)) throw new Error(`x-cometd names unknown schema ${name}`);
    const v = ajv.getSchema(`${SPEC_ID}${PREFIX}${name}`);
    if (!v) throw new Error(`cannot compile schema ${name}`);
    return v;
  };

  const channels = {};
  for (const [channel, c] of Object.entries(xc.channels)) {
    const payloadName = refName(c.payload);
    const entry = { payloadName, payload: compile(payloadName), refinements: new Map() };
    // A refinement is allOf [base, {properties: {notificationType: {enum: [T]}}}];
    // a refinement that also pins other fields (LeftConference) is keyed by
    // those too and checked only when they match.
    for (const m of c.messages ?? []) {
      const name = refName(m);
      const s = schemas[name];
      if (!Array.isArray(s.allOf)) continue;
      const pins = {};
      for (const part of s.allOf) {
        for (const [field, p] of Object.entries(part.properties ?? {})) {
          if (Array.isArray(p.enum) && p.enum.length === 1) pins[field] = p.enum[0];
        }
      }
      if (pins.notificationType) entry.refinements.set(name, { pins, validate: compile(name) });
    }
    channels[channel] = entry;
  }

  // validate returns the list of problems of data on channel ([] when valid).
  function validate(channel, data) {
    const ch = channels[channel];
    if (!ch) return [`channel ${channel}: the spec describes no messages on it`];
    const problems = [];
    const check = (name, v) => {
      if (!v(data)) {
        const errs = [...new Set(v.errors.map((e) => `${e.instancePath || "/"} ${e.message}`))];
        problems.push(`does not match ${name}: ${errs.join("; ")}`);
      }
    };
    check(ch.payloadName, ch.payload);
    for (const [name, r] of ch.refinements) {
      if (Object.entries(r.pins).every(([f, want]) => data?.[f] === want)) check(name, r.validate);
    }
    return problems;
  }

  return { doc, channels, validate };
}
