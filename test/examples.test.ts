import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: the seed examples' own tests, through the built CLI, from
// source and from a bundle written by `fluxo build` (LANGUAGE §7).
const root = path.resolve(import.meta.dirname, "..");
const fluxo = path.join(root, "packages/cli/bin/fluxo.js");

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [fluxo, ...args], { cwd: root, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("examples", () => {
  it("type-check without errors", () => {
    const result = run(["check", "examples"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("pass their tests from source", () => {
    const result = run(["test", "examples"]);
    expect(result.stdout).toMatch(/^(\d+) passed, 0 failed$/m);
    expect(Number(/^(\d+) passed/m.exec(result.stdout)![1])).toBeGreaterThanOrEqual(40);
    expect(result.status).toBe(0);
  });

  it("pass the same tests from the built bundle", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-bundle-"));
    const build = run(["build", "examples", "--out", out]);
    expect(build.status).toBe(0);
    const first = fs.readFileSync(path.join(out, "flows.json"), "utf8");
    expect(run(["build", "examples", "--out", out]).status).toBe(0);
    expect(fs.readFileSync(path.join(out, "flows.json"), "utf8")).toBe(first);
    const result = run(["test", "examples", "--bundle", path.join(out, "flows.json")]);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.status).toBe(0);
  });

  it("report a failing expectation with both transcripts and its location, and exit 1", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-examples-"));
    for (const file of fs.readdirSync(path.join(root, "examples"))) {
      if (file.endsWith(".flow") || file === "fluxo.json") fs.copyFileSync(path.join(root, "examples", file), path.join(copy, file));
    }
    const test = path.join(copy, "rastreio.test.flow");
    fs.writeFileSync(test, fs.readFileSync(test, "utf8").replace('expect say "Vamos localizar', 'expect say "XX Vamos localizar'));
    const result = run(["test", copy]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/rastreio\.test\.flow:\d+:5: expected say "XX Vamos localizar/);
    expect(result.stdout).toMatch(/^ +> say "XX Vamos localizar.* say "Vamos localizar/m);
    expect(result.stdout).toMatch(/^\d+ passed, 1 failed$/m);
  });

  it("run a flow with piped replies, and as JSON events", () => {
    const context = JSON.stringify({ nome: "Ana", telefone: "+5511999990000", vip: false });
    const chat = run(["run", "examples/faq.flow", "--context", context], "1\n2\n");
    expect(chat.status).toBe(0);
    expect(chat.stdout).toContain("bot: Olá, Ana!");
    expect(chat.stdout).toContain("Obrigada pelo contato, Ana!");
    const json = run(["run", "examples/faq.flow", "--json", "--context", context], "4\n");
    const events = json.stdout.trim().split("\n").map((line) => JSON.parse(line) as { type: string });
    expect(events[0]).toEqual({ type: "say", text: "Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊" });
    expect(events.some((e) => e.type === "handoff")).toBe(true);
  });

  it("draw the flows as Mermaid", () => {
    const output = execFileSync(process.execPath, [fluxo, "graph", "examples/suporte.flow"], { cwd: root, encoding: "utf8" });
    expect(output.startsWith("flowchart TD\n")).toBe(true);
    expect(output).toContain("-->");
  });
});
