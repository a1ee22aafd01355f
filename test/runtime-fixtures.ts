// Shared fixtures of the runtime's repository-level tests (test/runtime-*.test.ts):
// the examples compiled to a bundle by the built compiler (packages/compiler/dist,
// as `fluxo build` does), a hand-written bundle that uses every instruction,
// expression form and built-in, and a local HTTP server for HTTP actions.

import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createProgram, lowerProgram } from "../packages/compiler/dist/index.js";
import type { Bundle, Expr, Instruction } from "../packages/runtime/src/index.js";

export const repo = fileURLToPath(new URL("../", import.meta.url));
const examplesDir = path.join(repo, "examples");

/** Compiles `.flow` sources (file name → text) to a bundle with the built compiler; throws on errors. */
export function compile(files: Record<string, string>, options: { locale?: "en" | "pt-BR" | "es"; timeZone?: string } = {}): Bundle {
  const inputs = Object.entries(files).map(([name, text]) => ({ uri: `file:///project/${name}`, text }));
  const program = createProgram(inputs, options);
  const errors = program.getDiagnostics().filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`flows do not compile:\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return JSON.parse(JSON.stringify(lowerProgram(program, { sourceName: (uri) => uri.replace("file:///project/", "") }))) as Bundle;
}

/** The bundle of examples/ (its `.flow` files and fluxo.json settings; test files too, as `fluxo build` sees them). */
export function examplesBundle(): Bundle {
  const config = JSON.parse(fs.readFileSync(path.join(examplesDir, "fluxo.json"), "utf8")) as { locale?: "en" | "pt-BR" | "es"; timeZone?: string };
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(examplesDir).filter((n) => n.endsWith(".flow")).sort()) files[name] = fs.readFileSync(path.join(examplesDir, name), "utf8");
  return compile(files, { locale: config.locale ?? "en", timeZone: config.timeZone ?? "UTC" });
}

const lit = (value: string | number | boolean | null): Expr => ["lit", value];
const v = (name: string): Expr => ["var", name];
const invalid = { message: null, retries: 2, then: null };

/** A bundle that uses every instruction, expression opcode, built-in, type form, trigger kind and optional field at least once. */
export function kitchenSinkBundle(): Bundle {
  const main: Instruction[] = [
    /* 0 */ { op: "say", text: ["str", "Hi ", ["get", ["ctx"], "name", true], "!"] },
    /* 1 */ { op: "media", kind: "image", url: lit("https://cdn.example/a.png"), caption: lit("A") },
    /* 2 */ { op: "wait", ms: 500 },
    /* 3 */ {
      op: "ask",
      var: "size",
      prompt: lit("Size?"),
      input: { type: "choice", options: ["P", "M"], values: ["P", "M"] },
      validate: ["in", v("size"), ["list", lit("P"), lit("M")]],
      invalid: { message: lit("P or M"), retries: 1, then: 20 },
      timeout: { ms: 60_000, then: 20 },
    },
    /* 4 */ { op: "ask", var: "n", prompt: lit("N?"), input: { type: "integer" }, validate: [">", v("n"), lit(0)], invalid, timeout: null },
    /* 5 */ { op: "set", var: "items", value: ["list", ["rec", ["name", lit("a")], ["price", lit(1.5)]], ["rec", ["name", lit("b")], ["price", ["neg", lit(-2)]]]] },
    /* 6 */ { op: "askFrom", var: "item", list: v("items"), label: ["get", v("item"), "name", false], prompt: lit("Which?"), validate: null, invalid, timeout: { ms: 1000, then: null } },
    /* 7 */ { op: "choose", prompt: lit("Go on?"), options: [{ label: "Yes", match: ["yes", "y"], then: 8 }, { label: "No", match: ["no"], then: 20 }], invalid, timeout: null },
    /* 8 */ { op: "call", action: "lookup", args: [["fn", "upper", ["idx", ["list", lit("a")], lit(0)]]], var: "found", else: 20 },
    /* 9 */ { op: "call", action: "fetchOrder", args: [lit("1"), ["??", lit(null), lit("x")]], var: "order", else: null },
    /* 10 */ { op: "run", flow: "sub", args: [lit("x")], var: "subResult" },
    /* 11 */ { op: "branch", cond: ["and", ["not", lit(false)], ["or", ["==", lit(1), lit(1)], ["!=", lit(1), lit(2)]]], else: 20 },
    /* 12 */ { op: "match", subject: ["%", ["*", ["+", lit(1), lit(2)], ["-", lit(5), lit(1)]], ["/", lit(10), lit(3)]], cases: [{ values: [1, "a", true, null], to: 13 }], else: 13 },
    /* 13 */ { op: "random", arms: [{ weight: 1, to: 14 }, { weight: 0, to: 14 }] },
    /* 14 */ {
      op: "say",
      text: [
        "str",
        ["fn", "lower", lit("A")],
        ["fn", "trim", lit(" a ")],
        ["fn", "len", lit("abc")],
        ["fn", "contains", lit("abc"), lit("b")],
        ["fn", "startsWith", lit("abc"), lit("a")],
        ["fn", "endsWith", lit("abc"), lit("c")],
        ["fn", "matches", lit("abc"), lit("^a")],
        ["fn", "toNumber", lit("12")],
        ["fn", "round", lit(1.5)],
        ["fn", "floor", lit(1.5)],
        ["fn", "ceil", lit(1.5)],
        ["fn", "fixed", lit(1.5), lit(2)],
        ["fn", "today"],
        ["fn", "withinHours", lit("mon-fri 09:00-18:00"), lit(false)],
        [">=", lit(2), lit(1)],
        ["<=", lit(1), lit(2)],
        ["<", lit(1), lit(2)],
      ],
    },
    /* 15 */ { op: "handoff", department: lit("Sales") },
    /* 16 */ { op: "handoff", department: null },
    /* 17 */ { op: "end" },
    /* 18 */ { op: "return", value: lit(1) },
    /* 19 */ { op: "jump", to: 0 },
    /* 20 */ { op: "say", text: lit("bye") },
    /* 21 */ { op: "return", value: null },
  ];
  const bundle: Bundle = {
    format: "fluxo.bundle/1",
    version: "kitchen-sink-1",
    locale: "en",
    timeZone: "America/Sao_Paulo",
    context: { name: { union: ["string", "null"] }, vip: "boolean" },
    types: {
      Order: { record: { id: "string", status: { union: [{ literal: "open" }, { literal: "closed" }, { literal: 1 }, { literal: true }] }, tags: { list: "string" } } },
      Contact: { record: { email: "email", phone: "phone", born: "date", site: "url", n: "number", i: "integer" } },
    },
    actions: {
      tag: { standard: true, params: [{ name: "name", type: "string" }], result: null, timeoutMs: 10_000 },
      lookup: { params: [{ name: "q", type: "string" }], result: { list: "string" }, timeoutMs: 5000 },
      fetchOrder: {
        params: [{ name: "id", type: "string" }, { name: "q", type: { union: ["string", "null"] } }],
        result: { record: { id: "string" } },
        timeoutMs: 3000,
        http: {
          method: "POST",
          url: ["str", "https://api.example/orders/", v("id"), "?q=", v("q")],
          origin: "https://api.example",
          headers: [["Authorization", ["str", "Bearer ", ["fn", "secret", lit("TOKEN")]]]],
          body: ["rec", ["id", v("id")]],
        },
      },
    },
    flows: {
      main: {
        params: [],
        result: null,
        triggers: [{ keyword: ["start", "hello there"] }, { event: "order.created" }, { start: true }],
        vars: { size: { union: [{ literal: "P" }, { literal: "M" }] }, n: "integer", items: { list: { record: { name: "string", price: "number" } } }, item: { record: { name: "string", price: "number" } }, found: { list: "string" }, order: { record: { id: "string" } }, subResult: "integer" },
        code: main,
        steps: { "": 0, farewell: 20 },
        map: main.map((_, i) => [0, i + 1, 5] as [number, number, number]),
      },
      sub: {
        params: [{ name: "x", type: "string" }, { name: "y", type: "integer", default: 3 }],
        result: "integer",
        triggers: [],
        vars: { x: "string", y: "integer" },
        code: [{ op: "return", value: v("y") }],
        steps: { "": 0 },
        map: [[1, 1, 1]],
      },
    },
    sources: ["main.flow", "sub.flow"],
  };
  // Through JSON: no two places share an object, as in a bundle read from a file.
  return JSON.parse(JSON.stringify(bundle)) as Bundle;
}

/** A request the test server saw. */
export interface SeenRequest {
  method: string;
  /** The raw request target (`/path?query`), as sent on the wire. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A node:http server on 127.0.0.1 with one handler per path prefix; it records every request and bounds each one. */
export interface TestServer {
  origin: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export type Route = (request: SeenRequest, response: http.ServerResponse) => void;

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    // Requests are bounded: a body over 64 KiB or a request open for 10 s is cut off.
    req.setTimeout(10_000, () => req.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 65_536) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      const request: SeenRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(request);
      const route = Object.keys(routes)
        .sort((a, b) => b.length - a.length)
        .find((prefix) => request.url.startsWith(prefix));
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no route"}');
        return;
      }
      routes[route](request, res);
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------ mutations (property tests)

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Segment = string | number;

/** The paths of every value inside `value` (not the root). */
export function nodePaths(value: JsonValue, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) value.forEach((element, i) => nodePaths(element, [...at, i], out));
  else if (value !== null && typeof value === "object") for (const key of Object.keys(value)) nodePaths(value[key], [...at, key], out);
  return out;
}

export function valueAt(value: JsonValue, segments: readonly Segment[]): JsonValue {
  let node = value;
  for (const segment of segments) node = (node as Record<string, JsonValue>)[segment as string];
  return node;
}

/** Values that break shapes in interesting ways. */
export const hostileValues: JsonValue[] = [null, true, 0, -1, 1.5, 2 ** 53, 1e308, "", "x", "__proto__", [], {}, [[[]]], JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue, ["lit", 1], { op: "end" }, "9".repeat(40)];

/** How to break a JSON value: what to do, where, and with what. */
export interface Mutation {
  kind: "replace" | "delete" | "extra" | "truncate" | "swap-type" | "transplant";
  node: number;
  other: number;
  pick: number;
  json: unknown;
}

/** A mutated deep copy of `source` (through JSON, so nothing is shared); `source` itself is not changed. */
export function mutate(source: JsonValue, paths: Segment[][], mutation: Mutation): JsonValue {
  const copy = JSON.parse(JSON.stringify(source)) as JsonValue;
  if (paths.length === 0) return copy;
  const at = paths[mutation.node % paths.length];
  const parent = valueAt(copy, at.slice(0, -1)) as Record<string, JsonValue> | JsonValue[];
  const last = at[at.length - 1];
  const current = valueAt(copy, at);
  const set = (value: JsonValue): void => void ((parent as Record<string, JsonValue>)[last as string] = value);
  const pool = (): JsonValue => JSON.parse(JSON.stringify(hostileValues[mutation.pick % hostileValues.length])) as JsonValue;
  switch (mutation.kind) {
    case "replace":
      set(mutation.pick % 3 === 0 ? (mutation.json as JsonValue) : pool());
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last as string];
      break;
    case "extra":
      if (Array.isArray(current)) current.push(pool());
      else if (current !== null && typeof current === "object") Object.defineProperty(current, mutation.pick % 2 === 0 ? "__proto__" : "extra", { value: pool(), enumerable: true, writable: true, configurable: true });
      else set(pool());
      break;
    case "truncate":
      if (Array.isArray(current)) current.length = Math.floor(current.length / 2);
      else if (typeof current === "string") set(current.slice(0, Math.floor(current.length / 2)));
      else if (current !== null && typeof current === "object") for (const key of Object.keys(current).slice(Math.floor(Object.keys(current).length / 2))) delete current[key];
      else set(pool());
      break;
    case "swap-type":
      set(typeof current === "string" ? 1 : typeof current === "number" ? String(current) : Array.isArray(current) ? {} : current === null ? false : []);
      break;
    case "transplant":
      set(JSON.parse(JSON.stringify(valueAt(source, paths[mutation.other % paths.length]))) as JsonValue);
      break;
  }
  return copy;
}

/** A value of a type, as a handler that honours its declaration would return it. */
export function sampleOf(type: unknown, random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return pick(["", "abc", "Ana", "12345", "ção ✓"]);
      case "number":
        return pick([0, 1.5, -3, 99.9]);
      case "integer":
        return pick([0, 1, 7, 482913]);
      case "boolean":
        return random() < 0.5;
      case "email":
        return "ana@loja.example";
      case "phone":
        return "+5511999990000";
      case "date":
        return "2026-03-01";
      case "url":
        return "https://loja.example/p/1";
      default:
        return null;
    }
  }
  const t = type as Record<string, unknown>;
  if ("literal" in t) return t.literal;
  if ("list" in t) return depth > 4 ? [] : Array.from({ length: Math.floor(random() * 3) }, () => sampleOf(t.list, random, depth + 1));
  if ("record" in t) return Object.fromEntries(Object.entries(t.record as Record<string, unknown>).map(([k, v]) => [k, sampleOf(v, random, depth + 1)]));
  if ("union" in t) return sampleOf(pick(t.union as unknown[]), random, depth + 1);
  return null;
}
