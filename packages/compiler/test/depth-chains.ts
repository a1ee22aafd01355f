//! Programs with chains of `n` links (postfix `.name`, `?.name`, `[index]`,
//! type suffixes, operators nested in parentheses, `else if` arms, and the
//! operators of one run), and the limit each meets: the data of
//! `depth-limits.test.ts` here and of the end-to-end
//! `test/depth-limits.test.ts` (formatter, language service).

import { MAX_NESTING } from "@fluxo/compiler";

/** How many operators one expression may hold. */
export const MAX_OPERATORS = 2 * MAX_NESTING;
/**
 * How deep one expression may be (each operator, bracket, string, link is a
 * level): the operators of one run, and the nesting limit again for the
 * brackets, strings and links around it and in its operands.
 */
export const MAX_DEPTH = MAX_OPERATORS + MAX_NESTING;
/** How deep one type may be (each bracket, `?` and `[]` is a level), and how deep an alias may expand. */
export const MAX_TYPE_DEPTH = 2 * MAX_NESTING;
/** How many `else if` arms a chain directly in a flow may have: an arm is half a level of block nesting. */
export const MAX_ARMS = 2 * (MAX_NESTING - 1);

export interface Chain {
  /** A program with `n` links. */
  program(n: number): string;
  /** The most links without an error. */
  limit: number;
  /** The text of the link (or bracket) that is one level too many, found at `offset(n)` in `program(n)`. */
  link: string;
  offset(n: number): number;
  /** The start of the message. */
  message: string;
  /** The code of the error one link too many gets (FX1001 unless given). */
  code?: string;
}

const expressionMessage = `expected an expression at most ${MAX_DEPTH} levels deep`;
const typeMessage = `expected a type at most ${MAX_TYPE_DEPTH} levels deep`;
const elseIfMessage = `expected an 'if' chain of at most ${MAX_ARMS} 'else if' arms`;
const operatorsMessage = `expected at most ${MAX_OPERATORS} operators in one expression`;

const memberHead = "context { a: string }\nflow f {\n    say context";
const indexHead = "flow f {\n    let l = [[1]]\n    say l";
const elseIfHead = "flow f {\n    let x = 1\n    if x == 0 {\n        end\n    }";
const elseIfArm = " else if x == 1 {\n        end\n    }";
const stringsHead = 'flow f {\n    let y = "a"';
const stringOperand = ' + "a"';
const interpolationHead = 'flow f {\n    let x = 1\n    say "{x';
const memberOperandsHead = "context { p: { q: integer } }\nflow f {\n    let y = context.p.q";
const memberOperand = " + context.p.q";
// As many parentheses as the lexer allows in a flow (its braces are a level).
const parentheses = MAX_NESTING - 1;
const bracketedHead = `context { p: integer }\nflow f {\n    say ${"(".repeat(parentheses)}context.p`;

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
    limit: MAX_TYPE_DEPTH,
    link: "[]",
    offset: () => "type T = string".length + 2 * MAX_TYPE_DEPTH,
    message: typeMessage,
  },
  "optional list type": {
    program: (n) => `type T = string${"?[]".repeat(n / 2)}${n % 2 === 1 ? "?" : ""}\n`,
    limit: MAX_TYPE_DEPTH,
    link: "?",
    offset: () => "type T = string".length + 3 * (MAX_TYPE_DEPTH / 2),
    message: typeMessage,
  },
  // An arm is half a level of block nesting (the `else { if … }` it stands
  // for costs every pass about twice as much), and its block a level.
  "else if": {
    program: (n) => `${elseIfHead}${elseIfArm.repeat(n)}\n}\n`,
    limit: MAX_ARMS,
    link: "if",
    offset: () => elseIfHead.length + elseIfArm.length * MAX_ARMS + " else ".length,
    message: elseIfMessage,
  },
  // Runs within the operator limit fit the depth limit, whatever their
  // operands: strings (a level each), `.name` links, and the brackets and
  // strings around the run.
  "operators on strings": {
    program: (n) => `${stringsHead}${stringOperand.repeat(n)}\n    say y\n}\n`,
    limit: MAX_OPERATORS,
    link: "+",
    offset: () => stringsHead.length + stringOperand.length * MAX_OPERATORS + 1,
    message: operatorsMessage,
  },
  // In an interpolation, in a string: an error there is FX1003.
  "operators in an interpolation": {
    program: (n) => `${interpolationHead}${" + x".repeat(n)}}"\n}\n`,
    limit: MAX_OPERATORS,
    link: "+",
    offset: () => interpolationHead.length + " + x".length * MAX_OPERATORS + 1,
    message: `malformed interpolation: ${operatorsMessage}`,
    code: "FX1003",
  },
  "operators on members": {
    program: (n) => `${memberOperandsHead}${memberOperand.repeat(n)}\n    say "{y}"\n}\n`,
    limit: MAX_OPERATORS,
    link: "+",
    offset: () => memberOperandsHead.length + memberOperand.length * MAX_OPERATORS + 1,
    message: operatorsMessage,
  },
  "operators in brackets": {
    program: (n) => `${bracketedHead}${" + context.p".repeat(n)}${")".repeat(parentheses)}\n}\n`,
    limit: MAX_OPERATORS,
    link: "+",
    offset: () => bracketedHead.length + " + context.p".length * MAX_OPERATORS + 1,
    message: operatorsMessage,
  },
};
