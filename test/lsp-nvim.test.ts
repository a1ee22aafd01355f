//! A second, independent client: headless Neovim drives `fluxo lsp --stdio`
//! through its own LSP client (test/nvim/lsp-check.lua) on a copy of the
//! two-file shop workspace. Skipped only when `nvim` is not installed here
//! (CI installs it: `apt-get install -y neovim`).

import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, shopFolder } from "./lsp-fixtures.js";

const hasNvim = spawnSync("nvim", ["--version"], { stdio: "ignore" }).status === 0;
const fluxo = path.join(repoRoot, "packages/cli/bin/fluxo.js");

describe.skipIf(!hasNvim)("neovim as an LSP client", () => {
  it("gets diagnostics, completion, hover, definition, rename and formatting from fluxo lsp --stdio", () => {
    const workspace = mkdtempSync(path.join(tmpdir(), "fluxo-nvim-"));
    try {
      cpSync(shopFolder, workspace, { recursive: true });
      const out = path.join(workspace, "result.txt");
      const run = spawnSync("nvim", ["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", `luafile ${path.join(repoRoot, "test/nvim/lsp-check.lua")}`], {
        cwd: workspace,
        env: { ...process.env, FLUXO_WORKSPACE: workspace, FLUXO_CMD: JSON.stringify([process.execPath, fluxo, "lsp", "--stdio"]), FLUXO_OUT: out },
        timeout: 60_000,
        encoding: "utf8",
      });
      const result = (() => {
        try {
          return readFileSync(out, "utf8");
        } catch {
          return `(no result) status ${run.status} ${run.stderr}`;
        }
      })();
      expect(result).toMatchInlineSnapshot(`
        "ok initialize
        ok diagnostics pushed
        ok diagnostics cleared
        ok completion of steps
        ok hover
        ok definition in the other file
        ok rename across files
        ok formatting
        "
      `);
      expect(run.status).toBe(0);
      // Nothing was written to disk: the edits stayed in Neovim's buffers.
      expect(readFileSync(path.join(workspace, "main.flow"), "utf8")).toBe(readFileSync(path.join(shopFolder, "main.flow"), "utf8"));
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
