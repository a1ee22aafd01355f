//! Test helpers shared by the SDK's tests (test/sdk*.test.ts and
//! packages/sdk/src/*.test.ts): compiling flows to bundles, a seeded random
//! source, delays, and a store wrapper that counts compare-and-set conflicts.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bundle } from "@fluxo/runtime";
import { createProgram, lowerProgram } from "../../compiler/src/index.js";
import type { SessionStore, SessionWrite, StoredSession } from "../src/index.js";

export const repo = fileURLToPath(new URL("../../../", import.meta.url));
export const examplesDir = path.join(repo, "examples");

/** Compiles `.flow` sources (file name → text) to a bundle; throws on errors. */
export function compileFlows(files: Record<string, string>, options: { locale?: "en" | "pt-BR" | "es"; timeZone?: string } = {}): Bundle {
  const inputs = Object.entries(files).map(([name, text]) => ({ uri: `file:///project/${name}`, text }));
  const program = createProgram(inputs, options);
  const errors = program.getDiagnostics().filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`flows do not compile:\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return lowerProgram(program, { sourceName: (uri) => uri.replace("file:///project/", "") });
}

/** The bundle of /work/main/examples (every `.flow` file of the folder, with its fluxo.json settings). */
export function examplesBundle(): Bundle {
  const config = JSON.parse(fs.readFileSync(path.join(examplesDir, "fluxo.json"), "utf8")) as { locale?: "en" | "pt-BR" | "es"; timeZone?: string };
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(examplesDir).filter((n) => n.endsWith(".flow")).sort()) {
    files[name] = fs.readFileSync(path.join(examplesDir, name), "utf8");
  }
  return compileFlows(files, { locale: config.locale ?? "en", timeZone: config.timeZone ?? "UTC" });
}

/** A seeded random source in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A store that forwards to another, counting writes and conflicts, with optional random delays. */
export class CountingStore implements SessionStore {
  writes = 0;
  conflicts = 0;

  constructor(
    private readonly inner: SessionStore,
    private readonly delay?: () => number,
  ) {}

  private async pause(): Promise<void> {
    const ms = this.delay?.() ?? 0;
    if (ms > 0) await sleep(ms);
  }

  async get(sessionId: string): Promise<StoredSession | undefined> {
    await this.pause();
    return this.inner.get(sessionId);
  }

  async set(sessionId: string, session: SessionWrite, expectedVersion: number): Promise<boolean> {
    await this.pause();
    const written = await this.inner.set(sessionId, session, expectedVersion);
    if (written) this.writes++;
    else this.conflicts++;
    return written;
  }

  async delete(sessionId: string, expectedVersion?: number): Promise<boolean> {
    return this.inner.delete(sessionId, expectedVersion);
  }

  async due(now: Date, limit?: number): Promise<string[]> {
    return this.inner.due(now, limit);
  }
}
