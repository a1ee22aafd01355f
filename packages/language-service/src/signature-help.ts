//! Signature help inside the parentheses of a call: action and built-in
//! calls, `run flow(…)`, and the calls of tests (`start`, `mock`, `expect
//! action`). Found from the tokens before the cursor rather than the tree, so
//! it works while the call is still unclosed and does not parse.

import { nodePathAt, tokenize, type Program } from "@fluxo/compiler";
import { signatureOf, type SignatureInfo } from "./signatures.js";
import { lineStartOf } from "./syntax.js";

export interface SignatureHelp {
  signature: SignatureInfo;
  /** Index of the parameter the cursor is in. */
  activeParameter: number;
}

const opening = new Set(["LParen", "LBracket", "LBrace", "NestedLBrace", "BlockNestedLBrace"]);
const closing = new Set(["RParen", "RBracket", "RBrace", "NestedRBrace"]);

/** The call the cursor is in, with the parameter it is at. */
export function getSignatureHelp(program: Program, uri: string, offset: number): SignatureHelp | undefined {
  const text = program.getText(uri);
  const file = program.getSourceFile(uri);
  if (text === undefined || !file) return undefined;
  // Only the statement holding the cursor is tokenised (a call may span lines), not the whole file.
  const path = nodePathAt(file, offset);
  const statement = path[1]?.kind === "Step" ? path[2] : path[1];
  const from = Math.min(lineStartOf(text, offset), statement?.start ?? Infinity);
  const tokens = tokenize(text.slice(from, offset)).tokens;
  let depth = 0;
  let commas = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType.name;
    if (type === "Newline" && depth === 0) return undefined;
    if (closing.has(type)) depth++;
    else if (opening.has(type)) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (type !== "LParen") return undefined;
      const callee = tokens[i - 1];
      if (!callee || !/^[A-Za-z_]/.test(callee.image)) return undefined;
      const keyword = tokens[i - 2]?.image;
      const signature = signatureOf(program, callee.image, keyword === "run" || keyword === "start");
      return signature ? { signature, activeParameter: Math.min(commas, Math.max(0, signature.params.length - 1)) } : undefined;
    } else if (type === "Comma" && depth === 0) commas++;
  }
  return undefined;
}
