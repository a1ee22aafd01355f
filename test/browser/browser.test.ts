import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, repo, startServer, type TestServer } from "../runtime-fixtures.js";

// RUNTIME §2: the runtime "runs unchanged in Node ≥ 20, browsers, …". The
// runtime as a host ships it (its build output bundled by esbuild: ESM,
// minified, platform neutral) is served with a page from node:http on
// 127.0.0.1; headless Chromium (Debian's `chromium`, driven by
// playwright-core) runs a conversation in the page, with an HTTP action
// performed by the browser's own fetch against the same server, and the
// events must be exactly those that the same file gives in Node.

const CHROMIUM = "/usr/bin/chromium";
const available = fs.existsSync(CHROMIUM);
if (!available) console.warn(`test/browser: skipped, ${CHROMIUM} is missing (CI installs it: apt-get install -y chromium)`);

const source = (origin: string): string => `
context {
    nome: string
}

type Pedido = { id: string; status: string }

action buscar(id: string) -> Pedido timeout 3s = http GET "${origin}/api/pedidos/{id}" {
    header "Authorization" = "Bearer {secret("TOKEN")}"
}
action registrar(nota: integer) -> { protocolo: string }

flow atendimento {
    trigger keyword "pedido"
    say "Olá, {context.nome}! Hoje é {today()}."
    ask id: string "Número do pedido?" {
        validate matches(id, "^[0-9]{3}$")
        invalid "Três dígitos, por favor." retries 1
    }
    let pedido = buscar(id) else {
        say "Não achei o pedido {id}."
        return
    }
    say "Pedido {pedido.id}: {pedido.status}"
    ask nota: integer "Nota de 1 a 5?"
    let r = registrar(nota)
    say "Obrigado! Protocolo {r.protocolo}. Pontos: {fixed(nota * 1.5, 2)}"
}
`;

/** The host of the page and of the Node run alike: it only needs the runtime's module. */
const host = `
export async function chat(runtime, bundleText, replies) {
  const { loadBundle, createEngine, seededRandom } = runtime;
  const engine = createEngine(loadBundle(bundleText), {
    actions: { registrar: async (nota, { idempotencyKey }) => ({ protocolo: "P" + nota + "-" + idempotencyKey }) },
    secrets: { TOKEN: "browser-secret-token" },
    clock: () => new Date("2026-03-02T15:00:00Z"),
    random: seededRandom("web-1"),
  });
  const turns = [];
  let turn = await engine.start("atendimento", { sessionId: "web-1", context: { nome: "Ana" } });
  turns.push(turn.events);
  for (const text of replies) {
    turn = await engine.reply(turn.state, text);
    turns.push(turn.error ? turn.error : turn.events);
  }
  return { turns, status: turn.status, state: JSON.parse(JSON.stringify(turn.state)) };
}
`;

const page = `<!doctype html>
<meta charset="utf-8">
<title>fluxo in the browser</title>
<script type="module">
  import * as runtime from "/runtime.js";
  import { chat } from "/host.js";
  const bundleText = await (await fetch("/bundle.json")).text();
  window.chat = (replies) => chat(runtime, bundleText, replies);
  window.ready = true;
</script>
`;

const REPLIES = ["12", "123", "5"];

let server: TestServer;
let runtimeCode: string;
let bundleText: string;
let browser: Browser | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-browser-"));

beforeAll(async () => {
  const output = await build({
    entryPoints: [path.join(repo, "packages/runtime/dist/index.js")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  runtimeCode = output.outputFiles[0].text;
  server = await startServer({
    "/api/pedidos/": (req, res) => {
      const id = decodeURIComponent(req.url.slice("/api/pedidos/".length));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id, status: req.headers.authorization === "Bearer browser-secret-token" ? "enviado" : "sem token" }));
    },
    "/runtime.js": (_req, res) => res.writeHead(200, { "content-type": "text/javascript" }).end(runtimeCode),
    "/host.js": (_req, res) => res.writeHead(200, { "content-type": "text/javascript" }).end(host),
    "/bundle.json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(bundleText),
    "/": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page),
  });
  bundleText = JSON.stringify(compile({ "atendimento.flow": source(server.origin) }, { locale: "pt-BR", timeZone: "America/Sao_Paulo" }));
  if (available) browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The conversation id in idempotency keys: its start time by the host's fixed clock (base-36 ms). */
const conversation = new Date("2026-03-02T15:00:00Z").getTime().toString(36);

const expected = {
  status: "ended",
  turns: [
    [
      { type: "say", text: "Olá, Ana! Hoje é 2026-03-02." },
      { type: "ask", prompt: "Número do pedido?", input: { type: "string" }, retry: 0 },
    ],
    [
      { type: "say", text: "Três dígitos, por favor." },
      { type: "ask", prompt: "Número do pedido?", input: { type: "string" }, retry: 1 },
    ],
    [
      { type: "action", name: "buscar", args: ["123"], ok: true },
      { type: "say", text: "Pedido 123: enviado" },
      { type: "ask", prompt: "Nota de 1 a 5?", input: { type: "integer" }, retry: 0 },
    ],
    [
      { type: "action", name: "registrar", args: [5], ok: true },
      { type: "say", text: `Obrigado! Protocolo P5-web-1:${conversation}:4:1. Pontos: 7,50` },
      { type: "end", reason: "done" },
    ],
  ],
};

describe("the runtime bundled by esbuild", () => {
  it("is one self-contained ES module: no Node built-ins, no require", () => {
    expect(runtimeCode).not.toMatch(/\brequire\(|from\s*"node:|import\s*\(\s*"node:/);
    expect(runtimeCode).toMatch(/export\s*\{/);
    expect(runtimeCode.length).toBeLessThan(120_000);
  });

  it("runs the conversation in Node", async () => {
    fs.writeFileSync(path.join(dir, "runtime.mjs"), runtimeCode);
    fs.writeFileSync(path.join(dir, "host.mjs"), host);
    const runtime = await import(pathToFileURL(path.join(dir, "runtime.mjs")).href);
    const { chat } = (await import(pathToFileURL(path.join(dir, "host.mjs")).href)) as { chat: (r: unknown, b: string, replies: string[]) => Promise<{ turns: unknown[]; status: string }> };
    const result = await chat(runtime, bundleText, REPLIES);
    expect({ turns: result.turns, status: result.status }).toEqual(expected);
  });

  it.skipIf(!available)("runs the same conversation in headless Chromium, with the browser's fetch for the HTTP action", async () => {
    const context = await browser!.newContext();
    try {
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on("pageerror", (error) => problems.push(String(error)));
      tab.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      const before = server.seen.length;
      await tab.goto(`${server.origin}/`, { timeout: 20_000 });
      await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 20_000 });
      const result = (await tab.evaluate((replies) => (window as unknown as { chat: (r: string[]) => Promise<unknown> }).chat(replies), REPLIES)) as { turns: unknown[]; status: string; state: unknown };
      expect(problems).toEqual([]);
      expect({ turns: result.turns, status: result.status }).toEqual(expected);
      expect(JSON.stringify(result.state)).not.toContain("browser-secret-token");
      // The HTTP action's request came from the page, with the secret header and the encoded path.
      const api = server.seen.slice(before).filter((r) => r.url.startsWith("/api/"));
      expect(api.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([["GET", "/api/pedidos/123", "Bearer browser-secret-token"]]);
      expect(api[0].headers["user-agent"]).toMatch(/HeadlessChrome|Chrome/);
    } finally {
      await context.close();
    }
  });
});
