// Without a `fluxo.json`, the named files make up the project together with
// every file they import, transitively (LANGUAGE §3, TOOLING §1, as tsc does).
// Diagnostics of the imported files are reported too, as tsc reports errors in
// the files it pulls in (ARCHITECTURE, "Decisions where the specification is
// silent").

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runFluxo } from "../test/in-process.js";
import { Workspace } from "./workspace.js";

const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) fs.rmSync(folder, { recursive: true, force: true });
});

/** A temporary folder holding `files` (relative path → text). */
function folderWith(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-imports-")));
  temporary.push(root);
  for (const [name, text] of Object.entries(files)) write(path.join(root, name), text);
  return root;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const fluxo = runFluxo;

// main → orders (no `.flow`) → shared/money → orders (a cycle); orders also
// imports main back. `unrelated.flow` is imported by nothing.
const mainFlow = `import { getOrder } from "./orders"

flow main {
    trigger keyword "pedido"
    let o = getOrder("1")
    say "status {o.status}, {o.total}"
}

test "main says the status" {
    mock getOrder returns { status: "ok", total: 2 }
    start main
    expect say "status ok, 2"
    expect end
}
`;
const ordersFlow = `import { main } from "./main.flow"
import { Money } from "./shared/money.flow"

type Order = { status: string; total: Money }
action getOrder(id: string) -> Order

test "an imported file's test runs when that file is named" {
    start main
    expect end
}
`;
const moneyFlow = `import { Order } from "../orders"

type Money = number
action formatted(value: Money) -> string
`;
const project = (): string =>
  folderWith({
    "main.flow": mainFlow,
    "orders.flow": ordersFlow,
    "shared/money.flow": moneyFlow,
    "unrelated.flow": 'flow unrelated {\n    say "x" "y"\n}\n',
  });

describe("a named file with imports and no fluxo.json", () => {
  test("check follows the imports, transitively and through cycles", async () => {
    const root = project();
    const run = await fluxo(["check", "main.flow"], root);
    expect(run.stdout).toBe("No errors found in 3 files.\n");
    expect(run.code).toBe(0);
  });

  test("the files read are the named one and those it imports, not the rest of the folder", () => {
    const root = project();
    const workspace = Workspace.load(["main.flow"], root);
    expect(workspace.filesInScope.map((file) => path.relative(root, file))).toEqual(["main.flow", "orders.flow", "shared/money.flow"]);
  });

  test("errors in an imported file are reported, as tsc does", async () => {
    const root = project();
    write(path.join(root, "shared/money.flow"), moneyFlow.replace("type Money = number", "type Money = numbr"));
    const run = await fluxo(["check", "main.flow"], root);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("shared/money.flow:3:14 - error FX2005: unknown type 'numbr'");
    expect(run.stdout).not.toContain("FX2008");
    expect(run.stdout).toContain("Found 1 error in 1 file.");
  });

  test("an import of a missing file is still FX2008, once", async () => {
    const root = folderWith({ "main.flow": 'import { x } from "./nowhere"\n\nflow main {\n    say "x"\n}\n' });
    const run = await fluxo(["check", "main.flow"], root);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("main.flow:1:19 - error FX2008: cannot find file './nowhere' to import from");
    expect(run.stdout).toContain("Found 1 error in 1 file.");
  });

  test("only .flow files are followed: an import of another file stays unresolved", async () => {
    const root = folderWith({ "main.flow": 'import { x } from "./notes.txt"\n\nflow main {\n    say "x"\n}\n', "notes.txt": "not a flow\n" });
    const run = await fluxo(["check", "main.flow"], root);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("error FX2008: cannot find file './notes.txt' to import from");
    expect(run.stdout).toContain("Found 1 error in 1 file.");
  });

  test("test, build and run follow the imports too", async () => {
    const root = project();
    // The tests of the named file run, not those of the files it imports.
    const tested = await fluxo(["test", "main.flow"], root);
    expect(tested.stdout).toContain("main says the status");
    expect(tested.stdout).toContain("1 passed, 0 failed");
    expect(tested.code).toBe(0);

    const built = await fluxo(["build", "main.flow", "--out", "out"], root);
    expect(built.stderr).toBe("");
    expect(built.code).toBe(0);
    const bundle = JSON.parse(fs.readFileSync(path.join(root, "out/flows.json"), "utf8")) as { actions: object; flows: object };
    expect(Object.keys(bundle.flows)).toEqual(["main"]);
    expect(Object.keys(bundle.actions)).toEqual(expect.arrayContaining(["formatted", "getOrder"]));

    write(path.join(root, "mocks.json"), JSON.stringify({ getOrder: { status: "sent", total: 3 } }));
    const ran = await fluxo(["run", "main.flow", "--mocks", "mocks.json"], root);
    expect(ran.stdout).toContain("bot: status sent, 3");
    expect(ran.code).toBe(0);
  });

  test("a project with a fluxo.json follows imports outside its include entries", async () => {
    const root = folderWith({
      "fluxo.json": '{ "include": ["flows"] }',
      "flows/main.flow": 'import { Order } from "../lib/orders"\n\nflow main {\n    var o: Order = 1\n    say "{o}"\n}\n',
      "lib/orders.flow": "type Order = number\n",
    });
    const run = await fluxo(["check"], root);
    expect(run.stdout).toBe("No errors found in 2 files.\n");
    expect(run.code).toBe(0);
  });

  test("watch: an import added, changed or removed is followed on refresh", () => {
    const root = folderWith({ "main.flow": 'flow main {\n    say "x"\n}\n', "orders.flow": "type Order = numbr\n" });
    const workspace = Workspace.load(["main.flow"], root);
    const files = (): string[] => workspace.filesInScope.map((file) => path.relative(root, file));
    expect(files()).toEqual(["main.flow"]);

    const main = path.join(root, "main.flow");
    const orders = path.join(root, "orders.flow");
    write(main, 'import { Order } from "./orders"\n\nflow main {\n    say "x"\n}\n');
    expect(workspace.refresh(new Set([main]))).toBe(true);
    expect(files()).toEqual(["main.flow", "orders.flow"]);
    expect(workspace.diagnostics().map((d) => d.diagnostic.code)).toEqual(["FX2005"]);

    write(orders, "type Order = number\n");
    workspace.refresh(new Set([orders]));
    expect(workspace.diagnostics()).toEqual([]);

    write(main, 'flow main {\n    say "x"\n}\n');
    workspace.refresh(new Set([main]));
    expect(files()).toEqual(["main.flow"]);
  });
});
