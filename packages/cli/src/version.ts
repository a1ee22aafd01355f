//! The version of fluxo, read from this package's package.json (one source of truth).

import fs from "node:fs";

let cached: string | undefined;

export function version(): string {
  if (cached === undefined) {
    // `src/` and `dist/` both sit beside package.json.
    const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    cached = manifest.version ?? "0.0.0";
  }
  return cached;
}
