import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../packages/cli/src/main.js";
import { createEngine, diffBundles, typeKey, type AppliedTurn, type Bundle, type Turn } from "../packages/runtime/src/index.js";
import { compile } from "./runtime-fixtures.js";

// Redeploys (RUNTIME §2): a waiting session of one bundle version, replied to
// by an engine running another. Versions are compiled from source, as
// `fluxo build` would for successive deploys of the same project.

const v1Source = `
type Endereco = { rua: string; numero: integer }

flow pedido {
    trigger keyword "pedido"
    ask nome: string "Seu nome?"
    goto quantidade

    step quantidade {
        ask qtd: integer "Quantos?"
        goto entrega
    }

    step entrega {
        say "Agora o endereço."
        let endereco = run pedirEndereco()
        say "Entrega para {nome}: {qtd} em {endereco.rua}, {endereco.numero}"
    }
}

flow pedirEndereco -> Endereco {
    ask rua: string "Rua?"
    ask numero: integer "Número?"
    return { rua: rua, numero: numero }
}
`;

/** The same project with edits: `edit` maps v1 text to the new one. */
function version(edit: (text: string) => string): Bundle {
  return compile({ "pedido.flow": edit(v1Source) }, { locale: "pt-BR", timeZone: "America/Sao_Paulo" });
}

const v1 = version((t) => t);
/** Only a message changed. */
const v1b = version((t) => t.replace("Agora o endereço.", "Agora, o endereço de entrega."));
/** `quantidade` renamed to `unidades`, `qtd` now a number, the summary no longer reads it. */
const v2 = version((t) =>
  t
    .replace("goto quantidade", "goto unidades")
    .replace("step quantidade", "step unidades")
    .replace("ask qtd: integer", "ask qtd: number")
    .replace("Entrega para {nome}: {qtd} em", "Entrega para {nome} em"),
);
/** The delivery step calls the address flow twice. */
const v3 = version((t) => t.replace("let endereco = run pedirEndereco()", "let endereco = run pedirEndereco()\n        let outro = run pedirEndereco()"));

function ok(turn: Turn): AppliedTurn {
  if (turn.error) throw new Error(`refused: ${turn.error.code}: ${turn.error.message}`);
  return turn;
}

function asks(turn: AppliedTurn): string[] {
  return turn.events.flatMap((e) => (e.type === "ask" ? [e.prompt] : e.type === "say" ? [`say: ${e.text}`] : []));
}

/** v1 states: waiting at `quantidade`, and waiting inside the subflow at "Número?". */
async function v1States() {
  const engine = createEngine(v1);
  const first = ok(await engine.start("pedido", { sessionId: "s1" }));
  const atQuantity = ok(await engine.reply(first.state, "Ana"));
  expect(asks(atQuantity)).toEqual(["Quantos?"]);
  const atRua = ok(await engine.reply(atQuantity.state, "3"));
  const atNumber = ok(await engine.reply(atRua.state, "Rua A"));
  expect(asks(atNumber)).toEqual(["Número?"]);
  return { atQuantity: atQuantity.state, atNumber: atNumber.state };
}

describe("states record what a redeploy needs", () => {
  it("each frame of a waiting state has its step and its variables' type fingerprints", async () => {
    const { atQuantity, atNumber } = await v1States();
    expect(atQuantity.stack).toEqual([{ flow: "pedido", pc: expect.any(Number), vars: { nome: "Ana" }, resultVar: null, step: "quantidade", types: { nome: "string" } }]);
    expect(atNumber.stack.map(({ flow, step, types }) => ({ flow, step, types }))).toEqual([
      { flow: "pedido", step: "entrega", types: { nome: "string", qtd: "integer" } },
      { flow: "pedirEndereco", step: "", types: { rua: "string" } },
    ]);
    // Fingerprints are short, canonical (record field order does not matter) and tell types apart.
    expect(typeKey({ record: { a: "string", b: "integer" } })).toBe(typeKey({ record: { b: "integer", a: "string" } }));
    expect(typeKey({ record: { a: "string" } })).not.toBe(typeKey({ record: { a: "integer" } }));
    expect(typeKey({ list: "string" })).toMatch(/^#[0-9a-z]{1,11}$/);
    // A waiting state stays small (RUNTIME §2: under 1 KiB apart from the variables' own data).
    expect(JSON.stringify(atNumber).length).toBeLessThan(1024);
  });
});

describe("redeploys", () => {
  it("a rebuild that only moves lines or renames the file keeps the version: waiting sessions go on as they were", async () => {
    const { atQuantity } = await v1States();
    const moved = compile({ "pedidos/pedido.flow": `// Pedidos.\n\n${v1Source.replace("step entrega {", "/// A entrega.\n    step entrega {")}` }, { locale: "pt-BR", timeZone: "America/Sao_Paulo" });
    expect(moved.sources).not.toEqual(v1.sources);
    expect(moved.flows.pedido!.map).not.toEqual(v1.flows.pedido!.map);
    expect(moved.version).toBe(v1.version);
    // The reply answers the question it was waiting on: no redeploy, the conversation simply goes on.
    const next = ok(await createEngine(moved).reply(atQuantity, "3"));
    expect(next.redeploy).toBeUndefined();
    expect(asks(next)).toEqual(["say: Agora o endereço.", "Rua?"]);
  });

  it("a new version with the same steps: the session resumes at the start of its step, keeping its variables", async () => {
    const { atQuantity } = await v1States();
    const before = JSON.stringify(atQuantity);
    const engine = createEngine(v1b);
    expect(v1b.version).not.toBe(v1.version);
    const moved = ok(await engine.reply(atQuantity, "3"));
    // The reply answered the old version's question: the step starts over and asks again.
    expect(asks(moved)).toEqual(["Quantos?"]);
    expect(moved.redeploy).toEqual({ from: v1.version, to: v1b.version, resumed: [{ flow: "pedido", step: "quantidade", at: "start" }], dropped: [] });
    expect(moved.state.version).toBe(v1b.version);
    expect(moved.state.stack[0].vars).toEqual({ nome: "Ana" });
    expect(JSON.stringify(atQuantity)).toBe(before);
    // From there on, the conversation runs on the new version.
    const next = ok(await engine.reply(moved.state, "3"));
    expect(next.redeploy).toBeUndefined();
    expect(asks(next)).toEqual(["say: Agora, o endereço de entrega.", "Rua?"]);
  });

  it("inside a subflow: the caller resumes after its step's run, the subflow at its start; a changed type is dropped and reported", async () => {
    const { atNumber } = await v1States();
    const engine = createEngine(v2);
    const moved = ok(await engine.reply(atNumber, "10"));
    expect(moved.redeploy).toEqual({
      from: v1.version,
      to: v2.version,
      resumed: [
        { flow: "pedido", step: "entrega", at: "after-run" },
        { flow: "pedirEndereco", step: "", at: "start" },
      ],
      dropped: [{ flow: "pedido", variable: "qtd", reason: "type-changed" }],
    });
    expect(asks(moved)).toEqual(["Rua?"]);
    expect(moved.state.stack[0].vars).toEqual({ nome: "Ana" });
    expect(moved.state.stack[1].vars).toEqual({ rua: "Rua A" });
    let turn = ok(await engine.reply(moved.state, "Rua B"));
    turn = ok(await engine.reply(turn.state, "10"));
    // The subflow's result arrives where the caller expects it.
    expect(asks(turn)).toEqual(["say: Entrega para Ana em Rua B, 10"]);
    expect(turn.status).toBe("ended");
  });

  it("a step the new version lacks: a typed error naming it, and the state given is untouched", async () => {
    const { atQuantity } = await v1States();
    const before = JSON.stringify(atQuantity);
    const refused = await createEngine(v2).reply(atQuantity, "3");
    expect(refused.error).toEqual({
      code: "bundle-version",
      message: `cannot move the session to the new bundle: the session is at step 'quantidade' of flow 'pedido', which bundle version "${v2.version}" no longer has`,
      step: { flow: "pedido", step: "quantidade" },
    });
    expect(refused.state).toBe(atQuantity);
    expect(refused.events).toEqual([]);
    expect(JSON.stringify(atQuantity)).toBe(before);
    // Timeouts are moved (or refused) the same way.
    expect((await createEngine(v2).timeout(atQuantity)).error?.step).toEqual({ flow: "pedido", step: "quantidade" });
    const timedOut = ok(await createEngine(v1b).timeout(atQuantity));
    expect(timedOut.redeploy?.resumed).toEqual([{ flow: "pedido", step: "quantidade", at: "start" }]);
    expect(asks(timedOut)).toEqual(["Quantos?"]);
  });

  it("a removed flow is refused the same way, naming the flow", async () => {
    const { atNumber } = await v1States();
    const gone = version((t) => t.replace(/flow pedirEndereco[\s\S]*$/, "").replace("let endereco = run pedirEndereco()", 'let endereco = { rua: "x", numero: 1 }'));
    const refused = await createEngine(gone).reply(atNumber, "10");
    expect(refused.error?.code).toBe("bundle-version");
    expect(refused.error?.step).toEqual({ flow: "pedirEndereco", step: "" });
    expect(refused.error?.message).toContain("has no flow 'pedirEndereco'");
  });

  it("a step with two runs of the subflow: the caller restarts its step (the subflow's result is then discarded)", async () => {
    const { atNumber } = await v1States();
    const moved = ok(await createEngine(v3).reply(atNumber, "10"));
    expect(moved.redeploy?.resumed).toEqual([
      { flow: "pedido", step: "entrega", at: "start" },
      { flow: "pedirEndereco", step: "", at: "start" },
    ]);
    expect(moved.state.stack[1].resultVar).toBeNull();
  });

  it("a value that does not fit its (same) declared type is dropped; a state with no recorded step is refused", async () => {
    const { atQuantity } = await v1States();
    const tampered = structuredClone(atQuantity);
    tampered.stack[0].vars.nome = 42;
    const moved = ok(await createEngine(v1b).reply(tampered, "x"));
    expect(moved.redeploy?.dropped).toEqual([{ flow: "pedido", variable: "nome", reason: "value" }]);
    const legacy = structuredClone(atQuantity);
    delete legacy.stack[0].step;
    const refused = await createEngine(v1b).reply(legacy, "x");
    expect(refused.error?.code).toBe("bundle-version");
    expect(refused.error?.message).toContain("records no step");
    // With its own bundle version, such a state still runs.
    expect(ok(await createEngine(v1).reply(legacy, "3")).events[0]).toMatchObject({ type: "say" });
  });

  it("evaluate never moves a state", async () => {
    const { atQuantity } = await v1States();
    expect(createEngine(v1b).evaluate(atQuantity, ["var", "nome"])).toMatchObject({ ok: false, message: expect.stringContaining("bundle version") });
  });
});

describe("diffBundles and fluxo diff", () => {
  it("lists the steps and variables a redeploy would drop", () => {
    expect(diffBundles(v1, v1b)).toEqual({ flows: [], steps: [], variables: [] });
    expect(diffBundles(v1, v2)).toEqual({
      flows: [],
      steps: [{ flow: "pedido", step: "quantidade" }],
      variables: [{ flow: "pedido", variable: "qtd", from: "integer", to: "number" }],
    });
  });

  async function fluxo(args: string[], cwd: string) {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { cwd, env: { NO_COLOR: "1" }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  it("fluxo diff: exit 0 when nothing would be dropped, 1 when something would, 2 for usage and bad bundles", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-diff-"));
    for (const [name, bundle] of Object.entries({ v1, v1b, v2 })) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(bundle));
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ ...v1, format: "fluxo.bundle/9" }));

    expect(await fluxo(["diff", "v1.json", "v1b.json"], dir)).toEqual({ code: 0, stdout: `bundle ${v1.version} → ${v1b.version}: a redeploy would drop nothing\n`, stderr: "" });
    expect(await fluxo(["diff", "v1.json", "v2.json"], dir)).toEqual({
      code: 1,
      stdout: [
        "step pedido.quantidade: removed; sessions waiting there would be refused",
        "variable pedido.qtd: type changed from integer to number; moved sessions would lose it",
        `bundle ${v1.version} → ${v2.version}: a redeploy would drop 1 step, 1 variable`,
        "",
      ].join("\n"),
      stderr: "",
    });
    const json = await fluxo(["diff", "v1.json", "v2.json", "--json"], dir);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ from: v1.version, to: v2.version, ...diffBundles(v1, v2) });

    const usage = await fluxo(["diff", "v1.json"], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/'fluxo diff' needs two bundles/);
    const bad = await fluxo(["diff", "v1.json", "bad.json"], dir);
    expect(bad).toMatchObject({ code: 2, stdout: "" });
    expect(bad.stderr).toContain("bad.json is not a bundle fluxo can load: invalid bundle at $.format");
    const missing = await fluxo(["diff", "v1.json", "nope.json"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read 'nope.json'");
  });
});
