// Type tests of the TypeScript target with @fluxo/sdk (RUNTIME §3, STYLE
// "goldens are also compiled with tsc together with the SDK"): generated
// modules are compiled by tsc, as a host's project would compile them, with a
// correct host (no errors) and with hosts that each make one mistake (each
// rejected, the error at the mistake).
//
// Everything is one in-memory TypeScript program: the generated modules and
// hosts are virtual files under packages/sdk/__typetests__/, so `@fluxo/sdk`
// resolves (by the package's own name) to its built declarations, as it
// would for a consumer. The compiler options are a strict consumer's, with
// `lib: ES2022` and no `@types` at all (no Node, no DOM), and declaration
// files are checked too (`skipLibCheck: false`): the SDK's public types must
// compile there. Run `npx tsc -b` first (`pnpm test` does).

import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { emitTs } from "../packages/compiler/src/emit-ts.js";
import { examplesBundle, repo } from "../packages/sdk/test/helpers.js";

const root = path.join(repo, "packages/sdk/__typetests__");
const goldens = path.join(repo, "packages/compiler/test/emit-ts");
const MARK = "/*!*/";

const options: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noUnusedLocals: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  skipLibCheck: false,
};

/** The host of the examples, correct: every host action, right types, right context and events. */
const examplesHost = `import flows, { type Context, type Pedido } from "./flows.js";
import { createBot, MemoryStore, type FlowEvent } from "@fluxo/sdk";

const orders = new Map<string, Pedido>();
const log: string[] = [];

export const bot = createBot(flows, {
  store: new MemoryStore(),
  actions: {
    tag: async (name, { session }) => {
      log.push(\`\${session.id} \${session.context.nome}: \${name}\`);
    },
    addToList: (list) => void list,
    removeFromList: (list) => void list,
    setField: (name, value) => void [name, value],
    buscarProdutos: async (categoria, precoMaximo, { signal }) => (signal.aborted || precoMaximo < 0 ? [] : [{ sku: categoria, nome: "x", preco: 1, foto: "https://cdn.example/x.jpg", tamanhos: ["P"] }]),
    criarPedido: async (telefone, sku, tamanho, quantidade, { idempotencyKey }) => ({ id: idempotencyKey, total: quantidade, linkPagamento: \`https://pay.example/\${telefone}/\${sku}/\${tamanho ?? "u"}\` }),
    ultimoPedido: async (telefone) => orders.get(telefone) ?? null,
    registrarAvaliacao: async (pedidoId, nota, comentario) => void [pedidoId, nota.toFixed(0), comentario?.length],
    abrirChamado: async (telefone, area, descricao, prioridade) => ({ protocolo: [telefone, area, descricao, prioridade].join("-"), prazoHoras: 24 }),
  },
  secrets: { PEDIDOS_TOKEN: "token" },
  limits: { stepsPerTurn: 1000 },
});

const context: Context = { nome: "Ana", telefone: "+5511987654321" };

export async function run(): Promise<FlowEvent[]> {
  const events = await bot.receive({ sessionId: "5511987654321", text: "oi", context });
  await bot.emit("compra.concluida", { pedidoId: "1", produto: "Camiseta" }, { sessionId: "5511987654321", context });
  await bot.start("rastreio", { pedidoId: "123456" }, { sessionId: "5511987654321", context });
  await bot.start("transferir", { motivo: "x" }, { sessionId: "5511987654321", context: { ...context, vip: null } });
  const due = await bot.tick(new Date());
  return [...events, ...due.flatMap((t) => t.events)];
}
`;

interface Mistake {
  name: string;
  /** Replacements in the correct host; `MARK` in a replacement is where the error must be reported. */
  edits: [string, string][];
  code: number;
  message: RegExp;
}

const mistakes: Mistake[] = [
  {
    name: "missing handler",
    edits: [
      ["    registrarAvaliacao: async (pedidoId, nota, comentario) => void [pedidoId, nota.toFixed(0), comentario?.length],\n", ""],
      ["  actions: {", `  ${MARK}actions: {`],
    ],
    code: 2741,
    message: /^Property 'registrarAvaliacao' is missing in type '.*' but required in type 'ActionHandlers<FlowsSpec>'\.$/s,
  },
  {
    name: "wrong parameter type",
    edits: [["    buscarProdutos: async (categoria, precoMaximo,", `    ${MARK}buscarProdutos: async (categoria: number, precoMaximo,`]],
    code: 2322,
    message: /is not assignable to type 'ActionHandler<BuscarProdutosArgs, BuscarProdutosResult, Context>'\.\n\s+Types of parameters 'categoria' and 'categoria' are incompatible\.\n\s+Type 'string' is not assignable to type 'number'/,
  },
  {
    name: "wrong result type",
    edits: [['=> ({ protocolo: [telefone, area, descricao, prioridade].join("-"), prazoHoras: 24 })', `=> ${MARK}({ protocolo: [telefone, area, descricao, prioridade].join("-"), prazoHoras: "24" })`]],
    code: 2322,
    message: /Types of property 'prazoHoras' are incompatible\.\n\s+Type 'string' is not assignable to type 'number'/,
  },
  {
    name: "result of the wrong shape (a missing field)",
    edits: [["({ id: idempotencyKey, total: quantidade,", `${MARK}({ ident: idempotencyKey, total: quantidade,`]],
    code: 2322,
    message: /Property 'id' is missing in type '\{ ident: string; total: number; linkPagamento: string; \}' but required in type 'NovoPedido'/,
  },
  {
    name: "handler for an action that does not exist",
    edits: [["    setField: (name, value) => void [name, value],\n", `    setField: (name, value) => void [name, value],\n    ${MARK}enviarEmail: async (to: string) => void to,\n`]],
    code: 2353,
    message: /^Object literal may only specify known properties, and 'enviarEmail' does not exist in type 'ActionHandlers<FlowsSpec>'\.$/,
  },
  {
    name: "handler for an HTTP action (the runtime performs it)",
    edits: [["    setField: (name, value) => void [name, value],\n", `    setField: (name, value) => void [name, value],\n    ${MARK}buscarPedido: async () => null,\n`]],
    code: 2353,
    message: /'buscarPedido' does not exist in type 'ActionHandlers<FlowsSpec>'/,
  },
  {
    name: "handler for a standard action no flow calls",
    edits: [["    setField: (name, value) => void [name, value],\n", `    setField: (name, value) => void [name, value],\n    ${MARK}untag: () => {},\n`]],
    code: 2561,
    message: /'untag' does not exist in type 'ActionHandlers<FlowsSpec>'\. Did you mean to write 'tag'\?/,
  },
  {
    name: "wrong context",
    edits: [['bot.receive({ sessionId: "5511987654321", text: "oi", context })', `bot.receive({ sessionId: "5511987654321", text: "oi", ${MARK}context: { nome: "Ana" } })`]],
    code: 2741,
    message: /^Property 'telefone' is missing in type '\{ nome: string; \}' but required in type 'Context'\.$/,
  },
  {
    name: "wrong context field type",
    edits: [["context: { ...context, vip: null }", `context: { ...context, ${MARK}vip: "sim" }`]],
    code: 2322,
    message: /^Type 'string' is not assignable to type 'boolean \| null'\.$/,
  },
  {
    name: "wrong event name",
    edits: [['bot.emit("compra.concluida",', `bot.emit(${MARK}"compra.concluída",`]],
    code: 2345,
    message: /^Argument of type '"compra\.concluída"' is not assignable to parameter of type '"compra\.concluida"'\.$/,
  },
  {
    name: "wrong payload",
    edits: [['{ pedidoId: "1", produto: "Camiseta" }', `{ ${MARK}pedidoId: 1, produto: "Camiseta" }`]],
    code: 2322,
    message: /^Type 'number' is not assignable to type 'string'\.$/,
  },
  {
    name: "payload missing a parameter",
    edits: [['{ pedidoId: "1", produto: "Camiseta" }', `${MARK}{ pedidoId: "1" }`]],
    code: 2345,
    message: /Property 'produto' is missing in type '\{ pedidoId: string; \}' but required in type 'PesquisaParams'/,
  },
  {
    name: "wrong flow parameters",
    edits: [['bot.start("rastreio", { pedidoId: "123456" }', `bot.start("rastreio", { ${MARK}pedidoId: 123456 }`]],
    code: 2322,
    message: /^Type 'number' is not assignable to type 'string'\.$/,
  },
];

/** Applies a mistake's edits; returns the host text (markers removed) and the marker's position. */
function applyMistake(mistake: Mistake): { text: string; line: number; column: number } {
  let text = examplesHost;
  for (const [from, to] of mistake.edits) {
    if (!text.includes(from)) throw new Error(`mistake '${mistake.name}': the host has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const at = text.indexOf(MARK);
  if (at < 0) throw new Error(`mistake '${mistake.name}' has no ${MARK}`);
  text = text.replace(MARK, "");
  const before = text.slice(0, at).split("\n");
  return { text, line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Hosts of the golden modules (packages/compiler/test/emit-ts/NAME.ts), correct. */
const goldenHosts: Record<string, string> = {
  basic: `import flows, { type Context, type Product } from "./flows.js";
import { createBot } from "@fluxo/sdk";

const products: Product[] = [{ sku: "1", price: 10, sizes: ["S", "M"], photo: null }];
export const bot = createBot(flows, {
  actions: {
    tag: () => {},
    findProducts: async (query, max, { signal }) => (signal.aborted ? [] : products.filter((p) => p.sku.includes(query)).slice(0, max)),
    notify: async (text, order) => void [text, order.items.length, order.size ?? "none", order.status === "paid"],
    unused: (flag) => !flag,
  },
  fetch: async () => ({ status: 200, headers: { get: () => "application/json" }, text: async () => "{}" }),
});
const context: Context = { name: "Ana", phone: "+5511987654321", visits: 3, vip: null };
export const done = bot.emit("order.paid", { orderId: "1", coupon: null }, { sessionId: "a", context });
export const started = bot.start("askSize", {}, { sessionId: "a", context: { name: "Bo", phone: "+5511987654321", visits: 0 } });
`,
  names: `import flows, { type Context, type Context2, type any_ } from "./flows.js";
import { createBot } from "@fluxo/sdk";

const same: Context = { id: "1" };
export const bot = createBot(flows, {
  actions: {
    delete: (neu, klass, fn: any_) => ({ id: neu + klass.id + fn.class.join() }),
    pick: (self, that) => [self ?? "a", that ?? "b"],
  },
});
const context: Context2 = { new: "x" };
export const one = bot.emit("order-paid/v2", { new: same.id }, { sessionId: "a", context });
export const two = bot.emit("order.paid.v2", { new: "y" }, { sessionId: "a", context: { new: "z", default: 1 } });
export const three = bot.emit("*/ odd event", {}, { sessionId: "a", context });
`,
  empty: `import flows, { type FlowName } from "./flows.js";
import { createBot, MemoryStore } from "@fluxo/sdk";

export const bot = createBot(flows, { store: new MemoryStore() });
export const none = createBot(flows, { actions: {} });
const flow: FlowName = "hello";
export const events = bot.start(flow, {}, { sessionId: "a", context: {} });
`,
  members: `import flows, { type Box, type Context } from "./flows.js";
import { createBot } from "@fluxo/sdk";

export const bot = createBot(flows, {
  actions: {
    toString: async (x, { session }) => x + session.context.valueOf,
    constructor: (n): Box => ({ toString: String(n), hasOwnProperty: n }),
  },
});
const context: Context = { valueOf: "v", toLocaleString: null };
export const started = bot.emit("constructor", { propertyIsEnumerable: "p", valueOf: 2 }, { sessionId: "a", context });
export const other = bot.start("start", {}, { sessionId: "b", context: { valueOf: "w", toLocaleString: 3 } });
`,
};

/** A host of the golden empty.ts (no host action) with a handler all the same: rejected at the handler. */
const emptyWithHandler = `import flows from "./flows.js";
import { createBot } from "@fluxo/sdk";

export const bot = createBot(flows, { actions: { ${MARK}foo: () => 1 } });
`;

let diagnosticsByFile: Map<string, readonly ts.Diagnostic[]>;
let otherDiagnostics: readonly ts.Diagnostic[];
const files = new Map<string, string>();

const render = (d: ts.Diagnostic): string => {
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  return `${d.file ? path.relative(repo, d.file.fileName) : "(global)"}${where ? `(${where.line + 1},${where.character + 1})` : ""}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
};

beforeAll(async () => {
  if (!fs.existsSync(path.join(repo, "packages/sdk/dist/index.d.ts"))) throw new Error("packages/sdk is not built: run `npx tsc -b` first");
  files.set(path.join(root, "examples/flows.ts"), await emitTs(examplesBundle()));
  files.set(path.join(root, "examples/ok.ts"), examplesHost);
  mistakes.forEach((mistake, i) => files.set(path.join(root, `examples/mistake-${i}.ts`), applyMistake(mistake).text));
  files.set(path.join(root, "empty/mistake.ts"), emptyWithHandler.replace(MARK, ""));
  for (const [name, host] of Object.entries(goldenHosts)) {
    files.set(path.join(root, `${name}/flows.ts`), fs.readFileSync(path.join(goldens, `${name}.ts`), "utf8"));
    files.set(path.join(root, `${name}/ok.ts`), host);
  }

  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest);
  };
  host.fileExists = (name) => files.has(path.resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => files.get(path.resolve(name)) ?? readFile.call(host, name);
  host.directoryExists = (name) => path.resolve(name).startsWith(root) || (directoryExists?.call(host, name) ?? true);
  const program = ts.createProgram([...files.keys()], options, host);
  const all = ts.getPreEmitDiagnostics(program);
  diagnosticsByFile = new Map([...files.keys()].map((file) => [file, all.filter((d) => d.file && path.resolve(d.file.fileName) === file)]));
  otherDiagnostics = all.filter((d) => !d.file || !files.has(path.resolve(d.file.fileName)));
}, 120_000);

describe("generated modules compiled with the SDK under strict settings, without @types", () => {
  it("the SDK's and the runtime's declarations compile (no global or library errors)", () => {
    expect(otherDiagnostics.map(render)).toEqual([]);
  });

  it("the generated modules themselves compile", () => {
    for (const name of ["examples", ...Object.keys(goldenHosts)]) {
      expect(diagnosticsByFile.get(path.join(root, `${name}/flows.ts`))!.map(render), name).toEqual([]);
    }
  });

  it("a correct host of the examples compiles", () => {
    expect(diagnosticsByFile.get(path.join(root, "examples/ok.ts"))!.map(render)).toEqual([]);
  });

  for (const name of Object.keys(goldenHosts)) {
    it(`a correct host of the golden ${name}.ts compiles`, () => {
      expect(diagnosticsByFile.get(path.join(root, `${name}/ok.ts`))!.map(render)).toEqual([]);
    });
  }
});

describe("a project without host actions", () => {
  it("rejects a handler in `actions` (TypeScript checks no excess property against {}, so the option is not {})", () => {
    const diagnostics = diagnosticsByFile.get(path.join(root, "empty/mistake.ts"))!;
    expect(diagnostics.map(render)).toHaveLength(1);
    const at = diagnostics[0]!.file!.getLineAndCharacterOfPosition(diagnostics[0]!.start!);
    const before = emptyWithHandler.slice(0, emptyWithHandler.indexOf(MARK)).split("\n");
    expect({ line: at.line + 1, column: at.character + 1, code: diagnostics[0]!.code }).toEqual({ line: before.length, column: before[before.length - 1]!.length + 1, code: 2322 });
    expect(ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, "\n")).toMatch(/^Type '\(\) => number' is not assignable to type 'never'\.$/);
  });
});

describe("examples/host compiles against the generated module of the examples", () => {
  it("type-checks with its own settings (Node types), strict", async () => {
    const hostRoot = path.join(repo, "examples/host");
    const virtual = new Map([[path.join(hostRoot, "src/generated/flows.ts"), await emitTs(examplesBundle())]]);
    const config = ts.readConfigFile(path.join(hostRoot, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, hostRoot);
    const hostOptions: ts.CompilerOptions = {
      ...parsed.options,
      noEmit: true,
      composite: false,
      noUnusedLocals: true,
      // Resolve the SDK as the workspace links it, whether or not this example was installed.
      paths: { "@fluxo/sdk": [path.join(repo, "packages/sdk/dist/index.d.ts")] },
    };
    const host = ts.createCompilerHost(hostOptions);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, language, ...rest) => {
      const text = virtual.get(path.resolve(name));
      return text !== undefined ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest);
    };
    host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists.call(host, name);
    host.readFile = (name) => virtual.get(path.resolve(name)) ?? readFile.call(host, name);
    const { directoryExists } = host;
    host.directoryExists = (name) => path.resolve(name) === path.join(hostRoot, "src/generated") || (directoryExists?.call(host, name) ?? true);
    const roots = [...new Set([...parsed.fileNames.filter((f) => !f.includes("/generated/")), ...virtual.keys()])];
    expect(roots.map((f) => path.relative(hostRoot, f)).sort()).toEqual(["src/actions.ts", "src/app.ts", "src/demo-api.ts", "src/generated/flows.ts", "src/main.ts", "src/whatsapp.ts"]);
    const program = ts.createProgram(roots, hostOptions, host);
    expect(ts.getPreEmitDiagnostics(program).map(render)).toEqual([]);
  }, 120_000);
});

describe("hosts with one mistake are rejected, with the error at the mistake", () => {
  mistakes.forEach((mistake, i) => {
    it(mistake.name, () => {
      const { line, column } = applyMistake(mistake);
      const diagnostics = diagnosticsByFile.get(path.join(root, `examples/mistake-${i}.ts`))!;
      expect(diagnostics.map(render)).toHaveLength(1);
      const diagnostic = diagnostics[0]!;
      const at = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!);
      expect({ line: at.line + 1, column: at.character + 1, code: diagnostic.code }).toEqual({ line, column, code: mistake.code });
      expect(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")).toMatch(mistake.message);
    });
  });
});
