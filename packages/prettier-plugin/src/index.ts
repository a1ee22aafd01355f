//! `@fluxo/prettier-plugin`: the Fluxo formatter as a Prettier 3 plugin.
//!
//! Prettier finds `.flow` files through `languages`, reads them with the
//! compiler's parser (`parse.ts`) and prints them with `print.ts`. The same
//! plugin is what `fluxo fmt` and the language server run, through the
//! formatting API of `api.ts` (`@fluxo/prettier-plugin/api`), so every way
//! of formatting gives the same bytes.
//!
//! Defaults: `printWidth` 100 (a Prettier configuration may change it; the
//! API and `fluxo fmt` use 100). The indentation is always 4 spaces.

import type { Plugin, Printer, SupportLanguage } from "prettier";
import type { Node } from "@fluxo/compiler";
import { canAttachComment, getCommentChildNodes, getVisitorKeys, handleComments, isBlockComment, printComment } from "./comments.js";
import { locEnd, locStart, parse } from "./parse.js";
import { print } from "./print.js";

export { FluxoSyntaxError, type FluxoRoot, type FluxoComment } from "./parse.js";

/** The name of the parser, and of the AST format its printer prints. */
export const parserName = "fluxo";
const astFormat = "fluxo-ast";

/** The line width of the canonical layout. */
export const defaultPrintWidth = 100;

export const languages: SupportLanguage[] = [
  {
    name: "Fluxo",
    parsers: [parserName],
    extensions: [".flow"],
    vscodeLanguageIds: ["fluxo"],
  },
];

export const parsers: Plugin["parsers"] = {
  [parserName]: { parse, astFormat, locStart, locEnd },
};

const printer: Printer<Node> = {
  print,
  printComment: printComment as unknown as Printer<Node>["printComment"],
  canAttachComment,
  isBlockComment: isBlockComment as unknown as Printer<Node>["isBlockComment"],
  getCommentChildNodes,
  getVisitorKeys,
  handleComments: handleComments as Printer<Node>["handleComments"],
};

export const printers: Plugin["printers"] = { [astFormat]: printer };

export const defaultOptions: Plugin["defaultOptions"] = { printWidth: defaultPrintWidth, tabWidth: 4, useTabs: false };

const plugin: Plugin = { languages, parsers, printers, defaultOptions };
export default plugin;
