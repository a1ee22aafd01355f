//! Programs with chains of `n` links (postfix `.name`, `?.name`, `[index]`,
//! type suffixes, operators nested in parentheses, `else if` arms), and the
//! depth limit each meets: the data of `depth-limits.test.ts` here and of
//! the end-to-end `test/depth-limits.test.ts` (formatter, language service).

import { MAX_NESTING } from "@fluxo/compiler";

/** How deep one expression or type may be (each operator, bracket, link is a level). */
export const MAX_DEPTH = 2 * MAX_NESTING;

export interface Chain {
  /** A program with `n` links. */
  program(n: number): string;
  /** The most links without an error. */
  limit: number;
  /** The text of the link (or bracket) that is one level too many, found at `offset(n)` in `program(n)`. */
  link: string;
  offset(n: number): number;
  /** The start of the FX1001 message. */
  message: string;
}

const expressionMessage = `expected an expression at most ${MAX_DEPTH} levels deep`;
const typeMessage = `expected a type at most ${MAX_DEPTH} levels deep`;
const elseIfMessage = `expected at most ${MAX_NESTING} nested blocks and 'else if' arms`;

const memberHead = "context { a: string }\nflow f {\n    say context";
const indexHead = "flow f {\n    let l = [[1]]\n    say l";
const elseIfHead = "flow f {\n    let x = 1\n    if x == 0 {\n        end\n    }";
const elseIfArm = " else if x == 1 {\n        end\n    }";

export const chains: Record<string, Chain> = {
  member: {
    program: (n) => `${memberHead}${".a".repeat(n)}\n}\n`,
    limit: MAX_DEPTH,
    link: ".a",
    offset: () => memberHead.length + 2 * MAX_DEPTH,
    message: expressionMessage,
  },
  "optional member": {
    program: (n) => `${memberHead}${"?.a".repeat(n)}\n}\n`,
    limit: MAX_DEPTH,
    link: "?.a",
    offset: () => memberHead.length + 3 * MAX_DEPTH,
    message: expressionMessage,
  },
  index: {
    program: (n) => `${indexHead}${"[0]".repeat(n)}\n}\n`,
    limit: MAX_DEPTH,
    link: "[0]",
    offset: () => indexHead.length + 3 * MAX_DEPTH,
    message: expressionMessage,
  },
  // A call is a level (its parentheses), and a chain may follow it.
  call: {
    program: (n) => `flow f {\n    let l = [1]\n    say len(l)${".a".repeat(n)}\n}\n`,
    limit: MAX_DEPTH - 1,
    link: ".a",
    offset: () => "flow f {\n    let l = [1]\n    say len(l)".length + 2 * (MAX_DEPTH - 1),
    message: expressionMessage,
  },
  // Measured from the inside out, the call around a chain as deep as the limit is the level too many.
  "call argument": {
    program: (n) => `flow f {\n    let l = [1]\n    say len(l${"[0]".repeat(n)})\n}\n`,
    limit: MAX_DEPTH - 1,
    link: "len",
    offset: () => "flow f {\n    let l = [1]\n    say ".length,
    message: expressionMessage,
  },
  // `.a` and `[0]` alternating: two links a turn.
  mixed: {
    program: (n) => `${memberHead}${".a[0]".repeat(n / 2)}${n % 2 === 1 ? ".a" : ""}\n}\n`,
    limit: MAX_DEPTH,
    link: ".a",
    offset: () => memberHead.length + 5 * (MAX_DEPTH / 2),
    message: expressionMessage,
  },
  // Operators nested in parentheses: each run within the operator limit, but
  // the tree as deep as all of them (and each parenthesis) together.
  "operators in parentheses": {
    program: (n) => `flow f {\n    let a = 1\n    say ${"(".repeat(n / 50)}a${(" + a".repeat(49) + ")").repeat(n / 50)}${" + a".repeat(n % 50)}\n}\n`,
    limit: MAX_DEPTH,
    link: "+",
    offset: (n) => chains["operators in parentheses"]!.program(n).lastIndexOf("+"),
    message: expressionMessage,
  },
  "list type": {
    program: (n) => `type T = string${"[]".repeat(n)}\n`,
    limit: MAX_DEPTH,
    link: "[]",
    offset: () => "type T = string".length + 2 * MAX_DEPTH,
    message: typeMessage,
  },
  "optional list type": {
    program: (n) => `type T = string${"?[]".repeat(n / 2)}${n % 2 === 1 ? "?" : ""}\n`,
    limit: MAX_DEPTH,
    link: "?",
    offset: () => "type T = string".length + 3 * (MAX_DEPTH / 2),
    message: typeMessage,
  },
  // An arm is a level, as the `else { if … }` it stands for, and its block another.
  "else if": {
    program: (n) => `${elseIfHead}${elseIfArm.repeat(n)}\n}\n`,
    limit: MAX_NESTING - 1,
    link: "if",
    offset: () => elseIfHead.length + elseIfArm.length * (MAX_NESTING - 1) + " else ".length,
    message: elseIfMessage,
  },
};
