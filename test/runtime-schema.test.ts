import fs from "node:fs";
import path from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ARITY } from "../packages/runtime/src/builtins.js";
import { EXPR_ARITY } from "../packages/runtime/src/expression.js";
import { BundleError, INSTRUCTION_FIELDS, loadBundle } from "../packages/runtime/src/load.js";
import { examplesBundle, kitchenSinkBundle, repo } from "./runtime-fixtures.js";

// The bundle format has two descriptions that must agree: the JSON Schema in
// the repository (schema/bundle.schema.json, for other tools and readers) and
// the runtime's hand-written loader (no dependencies). Both are run over the
// examples' bundle, a bundle using every part of the format, and thousands of
// mutations of them (fixed seeds). The rule checked for every mutant:
//
//   - the schema and the loader both accept it or both refuse it, except
//   - the schema accepts and the loader refuses for a `consistency` reason
//     (references, ranges, nesting: what a JSON Schema cannot express);
//   - and a `shape` refusal names a path inside the mutated value's parent.

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Segment = string | number;

const schemaPath = path.join(repo, "schema/bundle.schema.json");
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, strictTuples: false });
// Standard 2020-12; Ajv's strict mode otherwise, minus two of its opinions: union types (`["string", "null"]`) and open tuples (`["list", ...elements]`).
const validate = ajv.compile(schema);

let bases: { name: string; bundle: JsonValue; nodes: Segment[][] }[] = [];

beforeAll(() => {
  bases = [
    { name: "examples", bundle: examplesBundle() as unknown as JsonValue },
    { name: "kitchen sink", bundle: kitchenSinkBundle() as unknown as JsonValue },
  ].map((base) => ({ ...base, nodes: nodes(base.bundle) }));
});

/** The loader's JSON path for a list of segments (`$.flows.main.code[3]`, `$.flows["my flow"]`). */
function jsonPath(segments: readonly Segment[]): string {
  let text = "$";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function nodes(value: JsonValue, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) value.forEach((element, i) => nodes(element, [...at, i], out));
  else if (value !== null && typeof value === "object") for (const key of Object.keys(value)) nodes(value[key], [...at, key], out);
  return out;
}

function getAt(value: JsonValue, segments: readonly Segment[]): JsonValue {
  let node = value;
  for (const segment of segments) node = (node as Record<string, JsonValue>)[segment as string];
  return node;
}

function loaderVerdict(bundle: unknown): { ok: true } | { ok: false; error: BundleError } {
  try {
    loadBundle(bundle);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof BundleError)) throw new Error(`loadBundle threw something else than a BundleError: ${String(error)}`);
    return { ok: false, error };
  }
}

function schemaErrors(bundle: unknown): ErrorObject[] | null {
  return validate(bundle) ? null : (validate.errors ?? []);
}

describe("the bundle JSON Schema", () => {
  it("is a valid draft 2020-12 schema whose lists of opcodes, built-ins and instructions are the runtime's", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const text = JSON.stringify(schema);
    for (const op of Object.keys(EXPR_ARITY)) expect(text).toContain(JSON.stringify(op));
    for (const name of Object.keys(BUILTIN_ARITY)) expect(text).toContain(JSON.stringify(name));
    type Dispatch<T> = { allOf: { if: unknown; then: T }[] };
    const defs = schema.$defs as {
      instruction: Dispatch<{ properties: { op: { const: string } }; required: string[] }>;
      expression: Dispatch<{ anyOf?: { prefixItems: [unknown, { enum: string[] }, ...unknown[]] }[] }>;
    };
    const instructions = Object.fromEntries(defs.instruction.allOf.map(({ then }) => [then.properties.op.const, [...then.required].sort()]));
    expect(instructions).toEqual(Object.fromEntries(Object.entries(INSTRUCTION_FIELDS).map(([op, fields]) => [op, [...fields].sort()])));
    // Each built-in's arity: the schema's groups by argument count.
    const fnGroups = defs.expression.allOf.find(({ then }) => then.anyOf)!.then.anyOf!;
    const arities: Record<string, number> = {};
    for (const group of fnGroups) for (const name of group.prefixItems[1].enum) arities[name] = group.prefixItems.length - 2;
    expect(arities).toEqual({ ...BUILTIN_ARITY });
  });

  it("accepts the examples' bundle and the kitchen-sink bundle, as the loader does", () => {
    for (const { name, bundle } of bases) {
      expect(schemaErrors(bundle), name).toBeNull();
      expect(loaderVerdict(bundle), name).toEqual({ ok: true });
    }
  });

  it("and the loader agree on thousands of mutated bundles", () => {
    const stats = { bothAccept: 0, bothRefuse: 0, consistencyOnly: 0 };
    const pool: JsonValue[] = [null, true, false, 0, 1, -1, 0.5, 1001, 2 ** 53, "", "x", "string", "choice", [], {}, ["lit", 1], ["var", "x"], ["fn", "len"], { op: "end" }, { op: "say", text: ["lit", "x"] }, { list: "string" }, { record: {} }, { union: [] }, { keyword: [] }];
    const strings = ["", "x", "say", "ask", "askFrom", "choose", "call", "run", "jump", "end", "return", "lit", "var", "get", "str", "fn", "rec", "list", "not", "+", "len", "today", "secret", "string", "integer", "email", "null", "choice", "GET", "PUT", "https://other.example", "ftp://x", "image", "fluxo.bundle/2", "pt-PT", "Mars/Base", "main", "getOrder", "__proto__", "constructor"];
    const numbers = [0, -1, 0.5, 1.5, 3, 100, 1000, 1001, 2 ** 53, 1e300, -0];
    const mutation = fc.record({
      base: fc.nat(),
      node: fc.nat(),
      other: fc.nat(),
      kind: fc.constantFrom("replace", "json", "delete", "extra", "transplant", "string", "number", "swap-type"),
      pick: fc.nat(),
      json: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(mutation, ({ base, node, other, kind, pick, json }) => {
        // One mutant in four breaks the examples' bundle, the others the (much smaller) kitchen-sink bundle, which has every shape.
        const { bundle: source, nodes: all } = bases[base % 4 === 0 ? 0 : 1];
        const bundle = structuredClone(source);
        const at = all[node % all.length];
        const parent = getAt(bundle, at.slice(0, -1)) as Record<string, JsonValue> | JsonValue[];
        const last = at[at.length - 1];
        const current = getAt(bundle, at);
        let mutatedAt = at;
        const set = (value: JsonValue): void => void ((parent as Record<string, JsonValue>)[last as string] = value);
        switch (kind) {
          case "replace":
            set(structuredClone(pool[pick % pool.length]));
            break;
          case "json":
            set(json as JsonValue);
            break;
          case "delete":
            if (Array.isArray(parent)) parent.splice(last as number, 1);
            else delete parent[last as string];
            break;
          case "extra":
            if (Array.isArray(current)) {
              current.push(structuredClone(pool[pick % pool.length]));
              mutatedAt = [...at, current.length - 1];
            } else if (current !== null && typeof current === "object") {
              current[pick % 2 === 0 ? "extra" : "op"] = structuredClone(pool[pick % pool.length]);
              mutatedAt = [...at, pick % 2 === 0 ? "extra" : "op"];
            } else set(structuredClone(pool[pick % pool.length]));
            break;
          case "transplant":
            set(structuredClone(getAt(source, all[other % all.length])));
            break;
          case "string":
            set(typeof current === "string" ? strings[pick % strings.length] : structuredClone(pool[pick % pool.length]));
            break;
          case "number":
            set(typeof current === "number" ? numbers[pick % numbers.length] : structuredClone(pool[pick % pool.length]));
            break;
          case "swap-type":
            set(typeof current === "string" ? 1 : typeof current === "number" ? String(current) : Array.isArray(current) ? {} : current === null ? false : []);
            break;
        }
        const bySchema = schemaErrors(bundle);
        const byLoader = loaderVerdict(bundle);
        const context = () => `mutation ${kind} at ${jsonPath(at)}; schema: ${bySchema ? ajv.errorsText(bySchema.slice(0, 3)) : "accepts"}; loader: ${byLoader.ok ? "accepts" : `${byLoader.error.kind}: ${byLoader.error.message}`}`;
        if (bySchema === null && byLoader.ok) stats.bothAccept++;
        else if (bySchema !== null && !byLoader.ok) stats.bothRefuse++;
        else if (bySchema === null && !byLoader.ok && byLoader.error.kind === "consistency") stats.consistencyOnly++;
        else throw new Error(`the schema and the loader disagree: ${context()}`);
        if (!byLoader.ok && byLoader.error.kind === "shape" && !(kind === "delete" && Array.isArray(parent))) {
          const scope = jsonPath(mutatedAt.slice(0, -1));
          if (!byLoader.error.path.startsWith(scope)) throw new Error(`the refusal names ${byLoader.error.path}, outside ${scope}: ${context()}`);
        }
      }),
      { seed: 20_260_301, numRuns: 3000 },
    );
    
    // The mutations reach every outcome, so the agreement is not vacuous (with this seed: 2 496 both refuse, 450 both accept, 54 consistency only).
    expect(stats.bothRefuse).toBeGreaterThan(1500);
    expect(stats.bothAccept).toBeGreaterThan(200);
    expect(stats.consistencyOnly).toBeGreaterThan(30);
  });

  it("describes each refused value with the loader's path, for a sample of hand-made breakages", () => {
    const breakages: [string, (b: Record<string, any>) => void, string][] = [
      ["an unknown top-level field", (b) => (b.extra = 1), "$.extra"],
      ["an unknown instruction field", (b) => (b.flows.main.code[0].extra = 1), "$.flows.main.code[0].extra"],
      ["a type with two forms", (b) => (b.types.Order = { list: "string", record: {} }), "$.types.Order"],
      ["a trigger with two kinds", (b) => (b.flows.main.triggers[0] = { keyword: [], event: "x" }), "$.flows.main.triggers[0]"],
      ["an input spec with options but not a choice", (b) => (b.flows.main.code[4].input = { type: "integer", options: [] }), "$.flows.main.code[4].input.options"],
      ["a random with only zero weights", (b) => (b.flows.main.code[13].arms = [{ weight: 0, to: 14 }]), "$.flows.main.code[13].arms"],
      ["fn with a wrong arity", (b) => (b.flows.main.code[14].text = ["fn", "today", ["lit", 1]]), "$.flows.main.code[14].text"],
    ];
    for (const [name, mutate, path] of breakages) {
      const bundle = kitchenSinkBundle() as unknown as Record<string, any>;
      mutate(bundle);
      expect(schemaErrors(bundle), name).not.toBeNull();
      const verdict = loaderVerdict(bundle);
      expect(verdict.ok, name).toBe(false);
      if (!verdict.ok) {
        expect(verdict.error.path, name).toBe(path);
        expect(verdict.error.kind, name).toBe("shape");
      }
    }
  });
});
