// Validation of CometD payloads and REST answers against
// spec/openapi.yaml, independently of the Go side (spec.ValidateNotification
// and the kin-openapi checks of the Go tests).
//
// The spec's top-level `x-cometd` extension lists, per channel, the schema
// every `data` matches (`payload`) and every message schema (`messages`);
// the topics without /v2 (`/me/interactions`, `/me/channels`) are channels
// of their own there. A REST answer matches the schema of its path,
// method, status and media type under `paths`.
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
// The test-control API's spec: no CometD channels, its paths are under
// /control/v1.
export const controlSpecPath = fileURLToPath(new URL("../../spec/control.yaml", import.meta.url));

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

// rebase returns a copy of a converted schema whose document-local $refs
// ("#/components/...") point into the spec added to Ajv under SPEC_ID.
function rebase(node) {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? SPEC_ID + v : rebase(v);
  return out;
}

// pathMatcher turns an OpenAPI path template into a RegExp over the path
// after the server URL (/api/v2).
function pathMatcher(template) {
  const src = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${src}$`);
}

function refName(ref) {
  if (!ref || typeof ref.$ref !== "string" || !ref.$ref.startsWith(PREFIX)) {
    throw new Error(`x-cometd: want {"$ref": "${PREFIX}Name"}, got ${JSON.stringify(ref)}`);
  }
  return ref.$ref.slice(PREFIX.length);
}

// loadSpec reads the spec and compiles, per CometD channel, the payload
// schema and the refinements by notificationType. A spec without CometD
// channels (control.yaml) is loaded with cometd false.
export function loadSpec(path = specPath, { cometd = true } = {}) {
  const doc = parse(readFileSync(path, "utf8"));
  const schemas = doc?.components?.schemas;
  const xc = doc?.["x-cometd"];
  if (!schemas || (cometd && !xc?.channels)) throw new Error(`${path}: no components.schemas or x-cometd.channels`);

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
  for (const [channel, c] of Object.entries(xc?.channels ?? {})) {
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

  // Path templates, those with fewer parameters first, so that a literal
  // path wins over a templated sibling.
  const paths = Object.keys(doc.paths ?? {})
    .map((template) => ({ template, re: pathMatcher(template), params: (template.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);
  const answerValidators = new Map();

  // answerValidator returns the compiled schema of the answer of method on
  // the path template with status and media type, or a problem string.
  function answerValidator(template, method, status, mediaType) {
    const key = `${method} ${template} ${status} ${mediaType}`;
    if (answerValidators.has(key)) return answerValidators.get(key);
    let result;
    const op = doc.paths[template]?.[method.toLowerCase()];
    let res = op?.responses?.[String(status)] ?? op?.responses?.default;
    if (res?.$ref?.startsWith("#/components/responses/")) res = doc.components.responses[res.$ref.slice("#/components/responses/".length)];
    const schema = res?.content?.[mediaType]?.schema;
    if (!op) result = `the spec documents no ${method} ${template}`;
    else if (!res) result = `the spec documents no status ${status} for ${method} ${template}`;
    else if (!schema) result = `the spec documents no ${mediaType} body for status ${status} of ${method} ${template}`;
    else if (typeof schema.$ref === "string" && schema.$ref.startsWith(PREFIX) && Object.keys(schema).length === 1) {
      result = { name: refName(schema), validate: compile(refName(schema)) };
    } else {
      result = { name: `${method} ${template} ${status}`, validate: ajv.compile(rebase(toJSONSchema(schema))) };
    }
    answerValidators.set(key, result);
    return result;
  }

  // validateAnswer returns the list of problems of a REST answer ([] when
  // valid): method, the path after /api/v2 (a query is ignored), the HTTP
  // status, the Content-Type header and the parsed body.
  function validateAnswer(method, path, status, contentType, body) {
    const pathname = path.split("?")[0];
    const p = paths.find((c) => c.re.test(pathname));
    if (!p) return [`${method} ${pathname}: the spec documents no such path`];
    const mediaType = String(contentType ?? "").split(";")[0].trim().toLowerCase();
    const v = answerValidator(p.template, method, status, mediaType);
    if (typeof v === "string") return [v];
    if (v.validate(body)) return [];
    const errs = [...new Set(v.validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`))];
    return [`${method} ${pathname} ${status}: does not match ${v.name}: ${errs.join("; ")}`];
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

  return { doc, channels, validate, validateAnswer };
}
