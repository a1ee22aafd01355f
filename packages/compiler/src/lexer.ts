//! The lexer: Chevrotain's multi-mode lexer (modes for code, one-line
//! strings, block strings and interpolations, see `tokens.ts`), followed by a
//! post-pass that shapes the token stream for the parser:
//!
//! - numbers are typed as number, duration, or invalid number (FX1004);
//! - escapes are validated (FX1003);
//! - strings and interpolations cut short by a line break or the end of the
//!   file are closed with zero-width tokens, so the parser always sees a
//!   balanced string (FX1002 at the opening quote, and nothing else);
//! - newlines, the statement separators, are dropped inside `( )` and `[ ]`,
//!   inside interpolations, and after a binary operator or `,`; runs of
//!   newlines collapse to one token;
//! - comments are collected for hover and the formatter.
//!
//! It never throws: every character ends up in some token.

import { createTokenInstance, Lexer, type IToken, type TokenType } from "chevrotain";
import type { Comment, Range } from "./ast.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import * as T from "./tokens.js";

export interface LexResult {
  /** Tokens for the parser (trivia removed, newlines shaped). */
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
  /**
   * Ranges of interpolations closed by recovery (their string was
   * unterminated): syntax errors inside them are not reported, since FX1002
   * already covers them.
   */
  silenced: Range[];
}

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  // Built lazily: validation of the definition costs a few milliseconds.
  lexer ??= new Lexer(T.lexerDefinition, {
    positionTracking: "onlyOffset",
    // Every mode with code tokens must keep the first-character optimisation.
    ensureOptimizations: false,
    recoveryEnabled: true,
  });
  return lexer;
}

// Local bindings: reading them is much cheaper than a namespace lookup per token.
const {
  BlockComment,
  BlockInterpolationOpen,
  BlockNestedLBrace,
  BlockStringClose,
  BlockStringOpen,
  DocComment,
  Duration,
  Escape,
  Identifier,
  InterpolationClose,
  InvalidNumber,
  LBrace,
  LBracket,
  LParen,
  LineBreakEnd,
  NestedLBrace,
  NestedRBrace,
  Newline,
  NumericWord,
  PlainNumber,
  RBrace,
  RBracket,
  RParen,
  StringClose,
  StringText,
  SimpleString,
  StringInterpolationOpen,
  StringOpen,
  Unknown,
  continuationTokens,
  Kw,
  wordTypes,
} = T;

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration token's text, or undefined when it is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * durationUnits[match[2]!]!;
}

function retype(token: IToken, type: TokenType): void {
  token.tokenType = type;
  token.tokenTypeIdx = type.tokenTypeIdx!;
}

function synthetic(type: TokenType, offset: number): IToken {
  return createTokenInstance(type, "", offset, offset - 1, NaN, NaN, NaN, NaN);
}

function isValidEscape(image: string): boolean {
  if (image.length < 2) return false;
  const c = image[1];
  if (c === "u") {
    const match = /^\\u\{([0-9A-Fa-f]{1,6})\}$/.exec(image);
    return match !== null && parseInt(match[1]!, 16) <= 0x10ffff;
  }
  return image.length === 2 && '"\\nt{}'.includes(c!);
}

/** The decoded value of a valid escape (the raw text for an invalid one). */
export function decodeEscape(image: string): string {
  switch (image[1]) {
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "u": {
      const match = /^\\u\{([0-9A-Fa-f]{1,6})\}$/.exec(image);
      const code = match ? parseInt(match[1]!, 16) : NaN;
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : image;
    }
    default:
      return image.length === 2 ? image[1]! : image;
  }
}

/** Words that can only begin a statement or declaration, never continue an expression. */
const statementStarters: ReadonlySet<TokenType> = new Set(
  (
    [
      "flow", "step", "type", "action", "import", "test", "trigger", "say", "ask", "choose", "match", "if", "goto",
      "return", "end", "handoff", "wait", "random", "let", "set", "var", "mock", "reply", "expect",
    ] as const
  ).map((w) => Kw[w]),
);

type Open =
  | { kind: "string"; token: IToken }
  | { kind: "block"; token: IToken }
  | { kind: "interpolation"; token: IToken }
  | { kind: "nested"; token: IToken }
  | { kind: "paren" }
  | { kind: "bracket" }
  | { kind: "brace" };

const parenOpen: Open = { kind: "paren" };
const bracketOpen: Open = { kind: "bracket" };
const braceOpen: Open = { kind: "brace" };

/** Decoded text of a simple string token (see `SimpleString`). */
export interface SimpleStringPayload {
  value: string;
}

/** Tokenises a file. Never throws. */
export function tokenize(text: string, uri = "untitled.flow"): LexResult {
  const raw = getLexer().tokenize(text);
  const diagnostics: Diagnostic[] = [];
  // Pre-sized: growing a 300k-element array by push is a measurable part of lexing.
  const tokens: IToken[] = new Array<IToken>(raw.tokens.length + raw.errors.length + 16);
  let count = 0;
  const push = (token: IToken): void => {
    if (count === tokens.length) tokens.length = count * 2;
    tokens[count++] = token;
  };
  const silenced: Range[] = [];
  const stack: Open[] = [];

  // Unmatched characters become Unknown tokens, in order among the others.
  let rawTokens: IToken[] = raw.tokens;
  if (raw.errors.length > 0) {
    rawTokens = [];
    let e = 0;
    const errors = raw.errors;
    for (const token of raw.tokens) {
      while (e < errors.length && errors[e]!.offset < token.startOffset) {
        const error = errors[e++]!;
        rawTokens.push(createTokenInstance(Unknown, text.substr(error.offset, error.length), error.offset, error.offset + error.length - 1, NaN, NaN, NaN, NaN));
      }
      rawTokens.push(token);
    }
    while (e < errors.length) {
      const error = errors[e++]!;
      rawTokens.push(createTokenInstance(Unknown, text.substr(error.offset, error.length), error.offset, error.offset + error.length - 1, NaN, NaN, NaN, NaN));
    }
  }

  /** Closes the innermost open string construct at a line break or end of file. */
  const closeAt = (offset: number, reason: "line" | "eof"): void => {
    const top = stack.pop();
    if (!top) return;
    switch (top.kind) {
      case "string":
        // Nothing else is reported up to the end of the line (§2: no FX1001 follows).
        silenced.push({ start: top.token.startOffset, end: offset + 1 });
        diagnostics.push(
          diagnostic(
            "FX1002",
            { what: "string", expected: reason === "line" ? 'expected \'"\' before the end of the line' : "expected '\"'" },
            uri,
            { start: top.token.startOffset, end: top.token.startOffset + 1 },
          ),
        );
        push(synthetic(StringClose, offset));
        break;
      case "block":
        // The rest of the file is the string's text: nothing in it is reported.
        silenced.push({ start: top.token.startOffset, end: text.length + 1 });
        diagnostics.push(
          diagnostic("FX1002", { what: "block string", expected: "expected '\"\"\"' before the end of the file" }, uri, {
            start: top.token.startOffset,
            end: top.token.startOffset + 3,
          }),
        );
        push(synthetic(BlockStringClose, offset));
        break;
      case "interpolation":
        silenced.push({ start: top.token.startOffset, end: offset });
        push(synthetic(InterpolationClose, offset));
        break;
      case "nested":
        push(synthetic(RBrace, offset));
        break;
      default:
        // Brackets are not string constructs: they are closed by the parser's recovery.
        break;
    }
  };

  const top = (): Open | undefined => stack[stack.length - 1];

  for (let index = 0; index < rawTokens.length; index++) {
    const token = rawTokens[index]!;
    const type = token.tokenType;
    switch (type) {
      case NumericWord: {
        const image = token.image;
        if (/^[0-9]+(?:\.[0-9]+)?$/.test(image)) retype(token, PlainNumber);
        else if (durationMs(image) !== undefined) retype(token, Duration);
        else {
          retype(token, InvalidNumber);
          diagnostics.push(
            diagnostic(
              "FX1004",
              {
                what: /^[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d)/.test(image) || /^[0-9.]+[a-z]+$/i.test(image) ? "duration" : "number",
                text: image,
                expected: "a number, or a number followed by one of the units ms, s, m, h, d",
              },
              uri,
              { start: token.startOffset, end: token.startOffset + image.length },
            ),
          );
        }
        push(token);
        break;
      }
      case Escape:
        if (!isValidEscape(token.image)) {
          diagnostics.push(
            diagnostic(
              "FX1003",
              {
                problem: `invalid escape '${token.image}': expected one of \\" \\\\ \\n \\t \\{ \\} \\u{…}`,
              },
              uri,
              { start: token.startOffset, end: token.startOffset + Math.max(1, token.image.length) },
            ),
          );
        }
        push(token);
        break;
      case StringOpen: {
        // A string without interpolation that closes on its line becomes one token.
        let end = index + 1;
        let value = "";
        let valid = true;
        for (; end < rawTokens.length; end++) {
          const part = rawTokens[end]!;
          const partType = part.tokenType;
          if (partType === StringText) value += part.image;
          else if (partType === Escape) {
            if (!isValidEscape(part.image)) {
              valid = false;
              break;
            }
            value += decodeEscape(part.image);
          } else break;
        }
        const close = rawTokens[end];
        if (valid && close !== undefined && close.tokenType === StringClose) {
          const image = text.slice(token.startOffset, close.startOffset + 1);
          const simple = createTokenInstance(SimpleString, image, token.startOffset, close.startOffset, NaN, NaN, NaN, NaN);
          simple.payload = { value } satisfies SimpleStringPayload;
          push(simple);
          index = end;
          break;
        }
        stack.push({ kind: "string", token });
        push(token);
        break;
      }
      case BlockStringOpen:
        stack.push({ kind: "block", token });
        push(token);
        break;
      case StringClose:
      case BlockStringClose:
      case InterpolationClose:
        stack.pop();
        push(token);
        break;
      case StringInterpolationOpen:
      case BlockInterpolationOpen:
        stack.push({ kind: "interpolation", token });
        push(token);
        break;
      case NestedLBrace:
      case BlockNestedLBrace:
        stack.push({ kind: "nested", token });
        push(token);
        break;
      case NestedRBrace:
        stack.pop();
        push(token);
        break;
      case LineBreakEnd:
        // Zero-width: one per open construct of a one-line string, innermost first.
        closeAt(token.startOffset, "line");
        break;
      case LParen:
      case LBracket:
      case LBrace:
        stack.push(type === LParen ? parenOpen : type === LBracket ? bracketOpen : braceOpen);
        push(token);
        break;
      case RParen:
      case RBracket:
      case RBrace: {
        const want = type === RParen ? "paren" : type === RBracket ? "bracket" : "brace";
        // Pop the matching opener if it is on top (or nearest above the innermost string construct).
        for (let i = stack.length - 1; i >= 0; i--) {
          const kind = stack[i]!.kind;
          if (kind === want) {
            stack.length = i;
            break;
          }
          if (kind === "string" || kind === "block" || kind === "interpolation" || kind === "nested") break;
        }
        push(token);
        break;
      }
      case Newline: {
        let open = top();
        if (open && (open.kind === "paren" || open.kind === "bracket")) {
          // An unclosed `(` or `[` must not swallow the rest of the file: a
          // word that only starts a statement or declaration ends it.
          const next = rawTokens[index + 1];
          // Raw words are still Identifiers here: look the word up.
          const nextType = next?.tokenType === Identifier ? wordTypes.get(next.image) : next?.tokenType;
          if (!nextType || !statementStarters.has(nextType)) break;
          while (open && (open.kind === "paren" || open.kind === "bracket")) {
            stack.pop();
            open = top();
          }
        }
        if (open && (open.kind === "interpolation" || open.kind === "nested")) break;
        const previous = count > 0 ? tokens[count - 1] : undefined;
        if (!previous || previous.tokenType === Newline) break;
        if (continuationTokens.has(previous.tokenType)) break;
        push(token);
        break;
      }
      case Identifier: {
        const word = wordTypes.get(token.image);
        if (word !== undefined) retype(token, word);
        push(token);
        break;
      }
      default:
        push(token);
    }
  }
  // Strings, block strings and interpolations still open at the end of the file.
  while (stack.some((o) => o.kind === "string" || o.kind === "block" || o.kind === "interpolation" || o.kind === "nested")) {
    const open = top()!;
    if (open.kind === "paren" || open.kind === "bracket" || open.kind === "brace") stack.pop();
    else closeAt(text.length, "eof");
  }

  const comments: Comment[] = [];
  for (const token of raw.groups["comments"] ?? []) {
    const image = token.image;
    const style = token.tokenType === DocComment ? "doc" : token.tokenType === BlockComment ? "block" : "line";
    const range = { start: token.startOffset, end: token.startOffset + image.length };
    if (style === "block" && (image.length < 4 || !image.endsWith("*/"))) {
      diagnostics.push(
        diagnostic("FX1002", { what: "block comment", expected: "expected '*/' before the end of the file" }, uri, {
          start: range.start,
          end: range.start + 2,
        }),
      );
    }
    comments.push({ kind: "Comment", style, text: image, range });
  }

  tokens.length = count;
  return { tokens: limitNesting(tokens, text, diagnostics, silenced, uri), comments, diagnostics, silenced };
}

/**
 * How deeply brackets, blocks, strings and interpolations may nest. The
 * parser is recursive descent: a few thousand levels would overflow the
 * stack. Real flows stay far below this.
 */
export const MAX_NESTING = 100;

/** +1 for a token type that opens a nested construct, -1 for one that closes it, by `tokenTypeIdx`. */
const nestingStep: Int8Array = (() => {
  const steps = new Int8Array(Math.max(...T.allTokens.map((t) => t.tokenTypeIdx ?? 0)) + 1);
  for (const type of T.openingTokens) steps[type.tokenTypeIdx!] = 1;
  for (const type of T.closingTokens) steps[type.tokenTypeIdx!] = -1;
  return steps;
})();

/**
 * Drops what nests deeper than `MAX_NESTING` (from the first too-deep opener
 * to its closer) with one FX1001 on that opener, so the parser sees a tree
 * it can read and the rest of the file is kept. The token list is returned
 * as is when nothing nests that deep (the usual case: one pass, no copy).
 */
function limitNesting(tokens: IToken[], text: string, diagnostics: Diagnostic[], silenced: Range[], uri: string): IToken[] {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < tokens.length; i++) {
    const step = nestingStep[tokens[i]!.tokenTypeIdx]!;
    if (step > 0) {
      if (++depth > deepest) deepest = depth;
    } else if (step < 0 && depth > 0) depth--;
  }
  if (deepest <= MAX_NESTING) return tokens;
  const kept: IToken[] = [];
  depth = 0;
  let dropping = false;
  let droppedFrom = 0;
  for (const token of tokens) {
    const step = nestingStep[token.tokenTypeIdx]!;
    if (step > 0) {
      depth++;
      if (!dropping && depth > MAX_NESTING) {
        dropping = true;
        droppedFrom = token.startOffset;
        diagnostics.push(
          diagnostic(
            "FX1001",
            { expected: `at most ${MAX_NESTING} nested brackets, blocks or strings`, found: "a deeper one (what it holds is not read)" },
            uri,
            { start: token.startOffset, end: token.startOffset + Math.max(1, token.image.length) },
          ),
        );
      }
    } else if (step < 0 && depth > 0) {
      depth--;
      if (dropping && depth === MAX_NESTING) {
        dropping = false;
        // The statement is incomplete now: nothing more is reported up to the end of this line.
        const lineEnd = text.slice(token.startOffset).search(/\r|\n/);
        silenced.push({ start: droppedFrom, end: lineEnd < 0 ? text.length + 1 : token.startOffset + lineEnd + 1 });
        continue;
      }
    }
    if (!dropping) kept.push(token);
  }
  if (dropping) silenced.push({ start: droppedFrom, end: text.length + 1 });
  return kept;
}
