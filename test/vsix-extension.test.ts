//! Unit tests of the VS Code extension's parts that need no VS Code: the
//! flow under the cursor (`$0` marks it), its Mermaid graph (the same as the
//! CLI's), the terminal command line, the graph page and its CSP, the
//! completion filter, the snippets (each expands to valid Fluxo), the
//! language configuration, and the manifest's agreement with the code.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../packages/compiler/src/index.js";
import { contributedSnippets, withoutSnippets } from "../extensions/vscode/src/completion.js";
import { getCompletions } from "../packages/language-service/src/completion.js";
import { fixture } from "../packages/language-service/src/testing.js";
import { flowAt, flowMermaid, flowsOf } from "../extensions/vscode/src/flows.js";
import { contentSecurityPolicy, graphHtml, newNonce } from "../extensions/vscode/src/graph-page.js";
import { findFluxo, quoteArgument, runCommandLine, shellKindOf } from "../extensions/vscode/src/run-command.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const extensionRoot = path.join(repoRoot, "extensions/vscode");
const readJson = (file: string): any => JSON.parse(readFileSync(path.join(extensionRoot, file), "utf8"));

/** `text` without its `$0` marker, and the marker's offset. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf("$0");
  if (offset < 0) throw new Error("no $0 in the sample");
  return { text: marked.slice(0, offset) + marked.slice(offset + 2), offset };
}

const twoFlows = (marker: (slot: string) => string): string => `import { x } from "./x.flow"
${marker("top")}
/// Greets.
/// Twice.
flow ${marker("name")}greet {
    say "oi"${marker("body")}
    step more { say "mais" }
}
${marker("between")}
flow farewell(p: string?) -> integer {
    return 1
}${marker("end")}
`;

describe("the flow under the cursor", () => {
  const at = (slot: string) => {
    const { text, offset } = cursor(twoFlows((s) => (s === slot ? "$0" : "")));
    return flowAt(text, offset);
  };

  it("is the flow whose text holds the cursor, doc comment and end included", () => {
    expect(at("name")).toEqual({ kind: "flow", name: "greet" });
    expect(at("body")).toEqual({ kind: "flow", name: "greet" });
    expect(at("end")).toEqual({ kind: "flow", name: "farewell" });
    const { text, offset } = cursor(twoFlows(() => "").replace("/// Twice.", "/// Tw$0ice."));
    expect(flowAt(text, offset)).toEqual({ kind: "flow", name: "greet" });
  });

  it("is a choice among the flows when the cursor is outside all of them", () => {
    expect(at("top")).toEqual({ kind: "choose", names: ["greet", "farewell"] });
    expect(at("between")).toEqual({ kind: "choose", names: ["greet", "farewell"] });
  });

  it("is the only flow of a file, wherever the cursor is", () => {
    const { text, offset } = cursor('$0type A = "a"\n\nflow only {\n    end\n}\n');
    expect(flowAt(text, offset)).toEqual({ kind: "flow", name: "only" });
  });

  it("is none in a file without flows, and the flows of a file being edited are still found", () => {
    expect(flowAt('type A = "a"\n', 0)).toEqual({ kind: "none" });
    expect(flowsOf('flow a {\n    say "x\n    if {\n}\nflow b {\n').map((f) => f.name)).toEqual(["a", "b"]);
  });
});

describe("the flow graph", () => {
  it("is the Mermaid text `fluxo graph --format mermaid` prints", () => {
    const file = path.join(repoRoot, "examples/compra.flow");
    const cli = spawnSync(process.execPath, [path.join(repoRoot, "packages/cli/bin/fluxo.js"), "graph", file, "--flow", "compra", "--format", "mermaid"], {
      encoding: "utf8",
    });
    expect(cli.status, cli.stderr).toBe(0);
    const mermaid = flowMermaid(readFileSync(file, "utf8"), "compra", file);
    expect(mermaid).toBe(cli.stdout);
    expect(mermaid).toMatch(/^flowchart TD\n/);
  });

  it("is shown in a page under a strict CSP, loading only the extension's script", () => {
    const nonce = newNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(nonce);
    const cspSource = "https://file+.vscode-resource.vscode-cdn.net";
    const html = graphHtml(
      { flow: "compra", file: "compra.flow", mermaid: 'flowchart TD\n  n1(["</script><script>alert(1)</script>"])\n' },
      { cspSource, nonce, scriptUri: `${cspSource}/ext/dist/webview.js` },
    );
    const policy = contentSecurityPolicy(cspSource, nonce);
    expect(policy).toBe(
      `default-src 'none'; img-src ${cspSource} data:; font-src ${cspSource}; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}'`,
    );
    expect(html).toContain(`content="${policy.replace(/'/g, "&#39;")}"`);
    // One executable script, with the nonce, from the extension; the graph travels as inert JSON.
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(scripts).toEqual(['type="application/json" id="fluxo-graph"', `nonce="${nonce}" src="${cspSource}/ext/dist/webview.js"`]);
    expect(html).not.toContain("</script><script>alert");
    const json = /<script type="application\/json" id="fluxo-graph">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json).mermaid).toContain("</script><script>alert(1)</script>");
    expect(html).not.toMatch(/https?:\/\/(?!file\+\.vscode-resource)/);
  });
});

describe("the terminal command", () => {
  it("quotes arguments for the terminal's shell", () => {
    expect(quoteArgument("flows/compra.flow", "posix")).toBe("flows/compra.flow");
    expect(quoteArgument("my flows/it's.flow", "posix")).toBe(`'my flows/it'\\''s.flow'`);
    expect(quoteArgument("C:\\my flows\\it's.flow", "powershell")).toBe(`'C:\\my flows\\it''s.flow'`);
    expect(quoteArgument("C:\\flows\\a.flow", "powershell")).toBe("C:\\flows\\a.flow");
    expect(quoteArgument("C:\\my flows\\a.flow", "cmd")).toBe('"C:\\my flows\\a.flow"');
    expect(quoteArgument("$(rm -rf x)", "posix")).toBe("'$(rm -rf x)'");
  });

  it("tells the shell from its path", () => {
    expect(shellKindOf("/bin/zsh", "darwin")).toBe("posix");
    expect(shellKindOf("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "win32")).toBe("powershell");
    expect(shellKindOf("C:\\Windows\\System32\\cmd.exe", "win32")).toBe("cmd");
    expect(shellKindOf("C:\\Program Files\\Git\\bin\\bash.exe", "win32")).toBe("posix");
    expect(shellKindOf(undefined, "win32")).toBe("powershell");
    expect(shellKindOf("", "linux")).toBe("posix");
  });

  it("uses the nearest installed fluxo, the repository's CLI, a fluxo on the PATH, or npx with the scoped package", () => {
    const exists = (files: string[]) => (file: string) => files.includes(file);
    const npx = ["npx", "-p", "@fluxo/cli", "fluxo"];
    expect(findFluxo("/w/app/flows", "/w", exists(["/w/app/node_modules/.bin/fluxo", "/w/node_modules/.bin/fluxo"]), "linux")).toEqual([
      "/w/app/node_modules/.bin/fluxo",
    ]);
    expect(findFluxo("/w/app/flows", "/w", exists(["/w/node_modules/.bin/fluxo"]), "linux")).toEqual(["/w/node_modules/.bin/fluxo"]);
    // Not above the workspace folder.
    expect(findFluxo("/w/app", "/w", exists(["/node_modules/.bin/fluxo"]), "linux")).toEqual(npx);
    expect(findFluxo("/w/examples", "/w", exists(["/w/packages/cli/bin/fluxo.js"]), "linux")).toEqual(["node", "/w/packages/cli/bin/fluxo.js"]);
    expect(findFluxo("C:\\w\\flows", "C:\\w", exists(["C:\\w\\node_modules\\.bin\\fluxo.cmd"]), "win32")).toEqual(["C:\\w\\node_modules\\.bin\\fluxo.cmd"]);
    expect(findFluxo("/tmp", undefined, exists([]), "linux")).toEqual(npx);
    // A global install (on the PATH) comes after the workspace's own.
    const global = { PATH: "/usr/bin:.:/home/u/.npm/bin" };
    expect(findFluxo("/w", "/w", exists(["/home/u/.npm/bin/fluxo"]), "linux", global)).toEqual(["fluxo"]);
    expect(findFluxo("/w", "/w", exists(["/home/u/.npm/bin/fluxo", "/w/node_modules/.bin/fluxo"]), "linux", global)).toEqual(["/w/node_modules/.bin/fluxo"]);
    expect(findFluxo("/w", "/w", exists(["fluxo"]), "linux", global)).toEqual(npx);
    const windows = { PATH: "C:\\Windows;C:\\Users\\u\\AppData\\Roaming\\npm", PATHEXT: ".COM;.EXE;.BAT;.CMD" };
    expect(findFluxo("C:\\w", "C:\\w", exists(["C:\\Users\\u\\AppData\\Roaming\\npm\\fluxo.cmd"]), "win32", windows)).toEqual(["fluxo"]);
    expect(findFluxo("C:\\w", "C:\\w", exists(["C:\\Users\\u\\AppData\\Roaming\\npm\\fluxo"]), "win32", windows)).toEqual(npx);
  });

  it("runs `fluxo run FILE --flow NAME`, the file relative to the terminal's folder", () => {
    expect(runCommandLine(["/w/node_modules/.bin/fluxo"], "/w/flows/compra.flow", "compra", "/w", "posix")).toBe(
      "/w/node_modules/.bin/fluxo run flows/compra.flow --flow compra",
    );
    expect(runCommandLine(["npx", "-p", "@fluxo/cli", "fluxo"], "/elsewhere/a b.flow", "main", "/w", "posix")).toBe(
      "npx -p @fluxo/cli fluxo run '/elsewhere/a b.flow' --flow main",
    );
    expect(runCommandLine(["C:\\my w\\node_modules\\.bin\\fluxo.cmd"], "C:\\my w\\a.flow", "main", "C:\\my w", "powershell")).toBe(
      "& 'C:\\my w\\node_modules\\.bin\\fluxo.cmd' run a.flow --flow main",
    );
    expect(runCommandLine(["npx", "-p", "@fluxo/cli", "fluxo"], "C:\\w\\flows\\a.flow", "main", "C:\\w", "cmd")).toBe("npx -p @fluxo/cli fluxo run flows\\a.flow --flow main");
    // PowerShell would splat a bare `@fluxo`.
    expect(runCommandLine(["npx", "-p", "@fluxo/cli", "fluxo"], "C:\\w\\a.flow", "main", "C:\\w", "powershell")).toBe("npx -p '@fluxo/cli' fluxo run a.flow --flow main");
  });
});

describe("completion", () => {
  const snippetKind = 27;
  const items = [
    { label: "ask", kind: snippetKind },
    { label: "ask", kind: 13 },
    { label: { label: "choose" }, kind: snippetKind },
    { label: "other", kind: snippetKind },
  ];

  it("drops the server's snippets that the extension contributes, keeping keywords and other snippets", () => {
    expect(withoutSnippets(items, ["ask", "choose"], snippetKind)).toEqual([items[1], items[3]]);
    expect(withoutSnippets({ isIncomplete: true, items }, ["ask"], snippetKind)).toEqual({ isIncomplete: true, items: [items[1], items[2], items[3]] });
    expect(withoutSnippets(undefined, ["ask"], snippetKind)).toBeUndefined();
  });

  it("contributes a snippet for each of the server's, so the list shows each snippet once, from the extension", () => {
    const serverSnippets = [`flow a {\n    $0\n}\n`, `$0`].flatMap((source) => {
      const { program, uri, offset } = fixture(source);
      return getCompletions(program, uri, offset).items.filter((i) => i.kind === "snippet").map((i) => i.label);
    });
    expect(serverSnippets.length).toBeGreaterThan(0);
    for (const label of serverSnippets) expect(contributedSnippets).toContain(label);
    const snippets = readJson("snippets/fluxo.json") as Record<string, { prefix: string }>;
    expect([...contributedSnippets].sort()).toEqual(Object.values(snippets).map((s) => s.prefix).sort());
  });
});

/** A snippet's body with each placeholder replaced by its default text, tabs as 4 spaces. */
function expand(body: string[]): string {
  return body
    .join("\n")
    .replace(/\$\{\d+:([^}]*)\}/g, "$1")
    .replace(/\$\d+/g, "")
    .replace(/\t/g, "    ");
}

describe("snippets", () => {
  const snippets = readJson("snippets/fluxo.json") as Record<string, { prefix: string; body: string[]; description: string }>;

  it("cover ask, choose, match, flow, test, step and action", () => {
    expect(Object.values(snippets).map((s) => s.prefix).sort()).toEqual(["action", "ask", "choose", "flow", "match", "step", "test"]);
  });

  it.each(Object.entries(snippets))("%s expands to Fluxo that parses", (name, snippet) => {
    const text = expand(snippet.body);
    const program = ["flow", "test", "action"].includes(name)
      ? text
      : name === "step"
        ? `flow main {\n    end\n${text.replace(/^/gm, "    ")}\n}\n`
        : `flow main {\n    let value = "case"\n${text.replace(/^/gm, "    ")}\n}\n`;
    expect(parse(program).diagnostics.map((d) => `${d.code}: ${d.message}`), program).toEqual([]);
  });
});

describe("language configuration", () => {
  const configuration = readJson("language-configuration.json");

  it("has the comments, brackets and auto-closing pairs, `\"\"\"` included", () => {
    expect(configuration.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(configuration.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    const pairs = configuration.autoClosingPairs.map((p: { open: string; close: string }) => `${p.open}${p.close}`);
    expect(pairs).toEqual(expect.arrayContaining(["{}", "[]", "()", '""""""', '""']));
    // `"""` is listed before `"`, so typing the third quote closes the block.
    expect(pairs.indexOf('""""""')).toBeLessThan(pairs.indexOf('""'));
    expect(configuration.surroundingPairs).toEqual(expect.arrayContaining([["{", "}"], ['"', '"']]));
  });

  it("indents after an opening brace and outdents at a closing one", () => {
    const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(configuration.indentationRules.decreaseIndentPattern);
    for (const line of ["flow a {", '    choose "Q?" {', "    if x > 1 {", "    let a = f(", "    let l = ["]) expect(line).toMatch(increase);
    for (const line of ['    say "{x}"', "    end", "    // {"]) expect(line).not.toMatch(increase);
    for (const line of ["}", "    } else {", "    )", "]"]) expect(line).toMatch(decrease);
    expect('    say "}"').not.toMatch(decrease);
  });

  it("continues /// doc comments and folds // #region markers", () => {
    expect("/// Doc").toMatch(new RegExp(configuration.onEnterRules[0].beforeText));
    expect(configuration.onEnterRules[0].action.appendText).toBe("/// ");
    expect("  // #region tests").toMatch(new RegExp(configuration.folding.markers.start));
    expect("  // #endregion").toMatch(new RegExp(configuration.folding.markers.end));
  });

  it("selects identifiers and durations as words", () => {
    const word = new RegExp(configuration.wordPattern, "g");
    expect("wait 500ms; let order_id = 2".match(word)).toEqual(["wait", "500ms", "let", "order_id", "2"]);
  });
});

describe("the build", () => {
  it("stops with a clear message when the language server package is missing", async () => {
    const { checkLanguageServer, extensionRoot: root } = await import("../extensions/vscode/scripts/build.mjs");
    expect(checkLanguageServer(root)).toBe(path.join(extensionRoot, "node_modules/@fluxo/language-server"));
    const empty = mkdtempSync(path.join(os.tmpdir(), "fluxo-no-server-"));
    try {
      expect(() => checkLanguageServer(empty)).toThrow(/^The language server bundle is missing: dist\/server.js is bundled from packages\/language-server/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the manifest", () => {
  const manifest = readJson("package.json");
  const source = readFileSync(path.join(extensionRoot, "src/extension.ts"), "utf8");

  it("registers in the code every command it contributes, and nothing else", () => {
    const registered = [...source.matchAll(/registerCommand\("([^"]+)"/g)].map((m) => m[1]);
    expect(registered.sort()).toEqual(manifest.contributes.commands.map((c: { command: string }) => c.command).sort());
  });

  it("reads only the settings it declares", () => {
    const read = [...source.matchAll(/get<\w+>\("([^"]+)"/g)].map((m) => `fluxo.${m[1]}`);
    for (const setting of read) expect(Object.keys(manifest.contributes.configuration.properties)).toContain(setting);
    // `fluxo.trace.server` is read by vscode-languageclient, through the client's id.
    expect(source).toContain('new LanguageClient("fluxo"');
  });

  it("needs no runtime dependency: everything is bundled", () => {
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.devDependencies["@types/vscode"]).toMatch(/^~1\.85\./);
  });
});
