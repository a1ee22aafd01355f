// Prettier itself formats `.flow` files with the plugin: its command line
// (`node_modules/.bin/prettier`), in a temporary project whose `.prettierrc`
// names the built plugin (`dist/index.js`; `pnpm test` builds first). The
// result must be the bytes the formatting API (and so `fluxo fmt`) gives.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { formatDocument } from "../src/api.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const prettierBin = path.join(packageRoot, "node_modules/.bin/prettier");
const pluginEntry = path.join(packageRoot, "dist/index.js");

const messy = `flow  order {
trigger keyword "pedido","rastreio"
say "Olá, {context.name}!"   // greeting
ask orderId: string "Qual o número do pedido?" { validate matches(orderId, "^[0-9]{6}$")
invalid "O número tem 6 dígitos. Pode repetir?" retries 2 => goto human }
match orderId { "1" => say "um"
"22" => say "vinte e dois" }
step human { handoff to "Suporte" }
}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function prettier(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(prettierBin, args, { cwd, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const folders: string[] = [];
function project(config: object): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-prettier-"));
  folders.push(folder);
  fs.writeFileSync(path.join(folder, ".prettierrc"), JSON.stringify({ plugins: [pluginEntry], ...config }));
  fs.mkdirSync(path.join(folder, "flows"));
  return folder;
}

afterAll(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

describe("the Prettier command line with the plugin", () => {
  test("the built plugin and Prettier's binary are there", () => {
    expect(fs.existsSync(pluginEntry)).toBe(true);
    expect(fs.existsSync(prettierBin)).toBe(true);
  });

  test("formats a .flow file in place, as the formatting API does", async () => {
    const folder = project({});
    const file = path.join(folder, "flows/order.flow");
    fs.writeFileSync(file, messy);

    const check = await prettier(["--check", "flows/order.flow"], folder);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("flows/order.flow");

    const write = await prettier(["--write", "flows/order.flow"], folder);
    expect(write.stderr).toBe("");
    expect(write.code).toBe(0);
    const formatted = fs.readFileSync(file, "utf8");
    expect(formatted).toBe(await formatDocument(messy));
    expect(formatted).toContain('        "1"  => say "um"\n        "22" => say "vinte e dois"\n');

    expect((await prettier(["--check", "flows/order.flow"], folder)).code).toBe(0);
  });

  test("a printWidth from .prettierrc is respected; the indentation stays 4 spaces", async () => {
    const folder = project({ printWidth: 60, tabWidth: 2, useTabs: true });
    fs.writeFileSync(path.join(folder, "flows/order.flow"), messy);
    const run = await prettier(["flows/order.flow"], folder);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await formatDocument(messy, { printWidth: 60 }));
    expect(run.stdout).toContain('\n    ask orderId: string "Qual o número do pedido?" {\n');
    expect(run.stdout.split("\n").filter((line) => line.startsWith("\t"))).toEqual([]);
  });

  test("a file with syntax errors is reported and left untouched", async () => {
    const folder = project({});
    const file = path.join(folder, "flows/broken.flow");
    const broken = 'flow a {\n    say "oi" "tchau"\n}\n';
    fs.writeFileSync(file, broken);
    const run = await prettier(["--write", "flows/broken.flow"], folder);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot format a file with syntax errors: FX1001");
    expect(fs.readFileSync(file, "utf8")).toBe(broken);
  });
});
