//! The formatter the server delegates to: the Prettier plugin's API, the same
//! code as `fluxo fmt`. Loaded on the first formatting request, so starting
//! the server does not pay for Prettier.

import type { Formatter } from "@fluxo/language-service";
import type { FormatterLoader } from "./language-server.js";

let loaded: Promise<Formatter> | undefined;

/** Loads `@fluxo/prettier-plugin/api` once. */
export const loadFormatter: FormatterLoader = () => {
  loaded ??= import("@fluxo/prettier-plugin/api").then((api) => ({
    formatDocument: (text) => api.formatDocument(text),
    formatRange: (text, range) => api.formatRange(text, range),
  }));
  return loaded;
};
