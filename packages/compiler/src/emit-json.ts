//! The JSON target: a bundle as the bytes of `flows.json`. Deterministic: the
//! bundle is built in a fixed order, so the same program gives the same bytes.

import type { Bundle } from "@fluxo/runtime/bundle";

/** `flows.json`: compact JSON and a final newline. */
export function emitJson(bundle: Bundle): string {
  return `${JSON.stringify(bundle)}\n`;
}
