// Interactive `fluxo run`: an action without a mock is asked for on the
// terminal (TOOLING §1), and the person typing its result is not held to the
// action's `timeout`, which bounds the host's call, not a human. The terminal
// is stood in for by `interactive: true` and a stream the test writes to.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import type { ActionJson, Bundle } from "@fluxo/runtime/bundle";
import { terminal } from "../test/in-process.js";
import { bundleForHumans, humanTimeoutMs, run } from "./commands/run.js";

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-run-")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const flow = `type Rec = { name: string }
action getRec(id: string) -> Rec timeout 100ms
action slow(id: string) -> Rec timeout 100ms

flow main {
    trigger keyword "go"
    let rec = getRec("1") else {
        say "getRec failed"
        end
    }
    say "hello {rec.name}"
}

flow viaMock {
    trigger keyword "mock"
    let rec = slow("1") else {
        say "slow failed"
        end
    }
    say "hello {rec.name}"
}
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `flow` interactively; `answer` types each line once its prompt is shown, `delay` ms later. */
async function interactive(name: string, lines: string[], delay: number, extra: { mocks?: string } = {}): Promise<{ code: number; stdout: string }> {
  const file = path.join(root, "rec.flow");
  fs.writeFileSync(file, flow);
  const input = new PassThrough();
  let prompts = 0;
  const { context, stdout } = terminal(root, (text) => {
    // A prompt (no newline at its end) waits for a line: type the next one, late.
    if (!text.endsWith("\n")) {
      const line = lines[prompts++];
      void sleep(delay).then(() => (line === undefined ? input.end() : input.write(`${line}\n`)));
    }
  });
  const code = await run({ file: "rec.flow", flow: name, json: false, verbose: false, input, interactive: true, ...extra }, context);
  return { code, stdout: stdout() };
}

describe("interactive fluxo run", () => {
  test("an unmocked action waits for the person longer than its timeout", async () => {
    const result = await interactive("main", ['{ "name": "Ana" }'], 400);
    expect(result.stdout).toContain('getRec("1") → result as JSON');
    expect(result.stdout).not.toContain("failed");
    expect(result.stdout).toContain("bot: hello Ana");
    expect(result.code).toBe(0);
  });

  test("an empty answer still makes the call fail", async () => {
    const result = await interactive("main", [""], 0);
    expect(result.stdout).toContain("bot: getRec failed");
  });

  test("a mocked action keeps its timeout", async () => {
    fs.writeFileSync(path.join(root, "mocks.json"), JSON.stringify({ slow: { name: "Bia" } }));
    const result = await interactive("viaMock", [], 0, { mocks: "mocks.json" });
    expect(result.stdout).toContain("bot: hello Bia");
  });
});

describe("bundleForHumans", () => {
  const action = (extra: Partial<ActionJson>): ActionJson => ({ params: [], result: "string", timeoutMs: 1000, ...extra }) as ActionJson;
  const bundle = {
    actions: { asked: action({}), mocked: action({ timeoutMs: 50 }), web: action({ timeoutMs: 2000 }) },
    flows: {},
  } as unknown as Bundle;

  test("raises the timeout of the actions asked for on the terminal, and only theirs", () => {
    const copy = bundleForHumans(bundle, new Set(["asked"]));
    expect(copy.actions["asked"]!.timeoutMs).toBe(humanTimeoutMs);
    expect(copy.actions["mocked"]!.timeoutMs).toBe(50);
    expect(copy.actions["web"]!.timeoutMs).toBe(2000);
    // A copy: the bundle itself is untouched.
    expect(bundle.actions["asked"]!.timeoutMs).toBe(1000);
    expect(bundleForHumans(bundle, new Set())).toBe(bundle);
  });
});
