//! The parser: a Chevrotain `EmbeddedActionsParser` that builds the typed AST
//! of `ast.ts` directly (no CST: measured about 9× cheaper in time and
//! memory), with error recovery shaped by LANGUAGE §8:
//!
//! - after a syntax error the parser skips to the end of the statement (a
//!   newline or `;` at the same bracket depth, or the `}` that closes the
//!   enclosing block), reporting one FX1001 for that statement;
//! - a line that cannot start a statement is swallowed whole with one FX1001
//!   (the `junk` rules);
//! - a word that only starts a declaration (`flow`, `test`, …) at the start of
//!   a line ends an unclosed block, so one missing `}` does not hide the rest
//!   of the file; `step` and `trigger` end a block too, unless every brace
//!   open there is closed further on: then the word was written inside the
//!   block, it is one FX1001, and a step found there is kept as a step of
//!   its flow (`blocksClosedAhead`, `adoptMisplacedStep`);
//! - a rule that fails returns the node it had built so far, so recovery keeps
//!   every statement parsed before the error.
//!
//! Chevrotain's single-token insertion/deletion is off: it would report
//! several errors for one statement and invent tokens the user did not write.
//! `parse` never throws.

import {
  EmbeddedActionsParser,
  EOF,
  LLkLookaheadStrategy,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type * as A from "./ast.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import { decodeEscape, durationMs, MAX_NESTING, simpleStringValue, STREAM_CHUNK, tokenize, TokenStream } from "./lexer.js";
import { LineIndex } from "./line-index.js";
import { IndexedLookahead } from "./lookahead.js";
import { forEachChild } from "./queries.js";
import * as T from "./tokens.js";

export interface ParseResult {
  file: A.SourceFile;
  /** Lexical and syntax diagnostics (FX1001–FX1004), in source order. */
  diagnostics: Diagnostic[];
}

// ------------------------------------------------------------ token descriptions

const labels = new Map<TokenType, string>([
  [T.Newline, "end of line"],
  [T.Semicolon, "';'"],
  [T.Identifier, "a name"],
  [T.NumberLiteral, "a number"],
  [T.PlainNumber, "a number"],
  [T.DurationLiteral, "a duration (like 5s)"],
  [T.Duration, "a duration"],
  [T.InvalidNumber, "a number"],
  [T.StringOpen, "a string"],
  [T.BlockStringOpen, "a string"],
  [T.StringClose, "'\"'"],
  [T.BlockStringClose, "'\"\"\"'"],
  [T.StringText, "text"],
  [T.BlockStringText, "text"],
  [T.Escape, "an escape"],
  [T.InterpolationOpen, "'{'"],
  [T.StringInterpolationOpen, "'{'"],
  [T.BlockInterpolationOpen, "'{'"],
  [T.InterpolationClose, "'}'"],
  [T.LBrace, "'{'"],
  [T.NestedLBrace, "'{'"],
  [T.BlockNestedLBrace, "'{'"],
  [T.RBrace, "'}'"],
  [T.NestedRBrace, "'}'"],
  [T.LParen, "'('"],
  [T.RParen, "')'"],
  [T.LBracket, "'['"],
  [T.RBracket, "']'"],
  [T.Comma, "','"],
  [T.Colon, "':'"],
  [T.FatArrow, "'=>'"],
  [T.ThinArrow, "'->'"],
  [T.QuestionDot, "'?.'"],
  [T.QuestionQuestion, "'??'"],
  [T.Question, "'?'"],
  [T.Dot, "'.'"],
  [T.Pipe, "'|'"],
  [T.EqualEqual, "'=='"],
  [T.NotEqual, "'!='"],
  [T.LessEqual, "'<='"],
  [T.GreaterEqual, "'>='"],
  [T.Less, "'<'"],
  [T.Greater, "'>'"],
  [T.Equals, "'='"],
  [T.Plus, "'+'"],
  [T.Minus, "'-'"],
  [T.Star, "'*'"],
  [T.Slash, "'/'"],
  [T.Percent, "'%'"],
  [T.AnyWord, "a name"],
  [EOF, "end of file"],
]);
for (const word of T.reservedWords) labels.set(T.Kw[word], `'${word}'`);
for (const word of T.contextualWords) labels.set(T.Ctx[word], `'${word}'`);

function describeType(type: TokenType): string {
  return labels.get(type) ?? type.name;
}

function describeToken(token: IToken): string {
  const type = token.tokenType;
  if (type === EOF) return "end of file";
  if (type === T.Newline) return "end of line";
  if (type === T.StringOpen || type === T.BlockStringOpen) return "a string";
  if (type === T.StringClose && token.image === "") return "end of line";
  if (tokenMatcher(token, T.NumberLiteral) || tokenMatcher(token, T.DurationLiteral)) return `'${token.image}'`;
  if (type === T.Unknown) return `unexpected character '${token.image}'`;
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `'${image}'`;
}

function listOf(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length > 6) return `${unique.slice(0, 5).join(", ")} or another token`;
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

/** Messages are JSON `{expected, found}`; `parse` turns them into FX1001 through the registry. */
const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    JSON.stringify({ expected: describeType(expected), found: describeToken(actual) }),
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    JSON.stringify({ expected: "end of file", found: describeToken(firstRedundant) }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) =>
    JSON.stringify({
      expected:
        customUserDescription ?? listOf(expectedPathsPerAlt.flatMap((paths) => paths.map((p) => describeType(p[0]!)))),
      found: describeToken(actual[0]!),
    }),
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) =>
    JSON.stringify({
      expected: customUserDescription ?? listOf(expectedIterationPaths.map((p) => describeType(p[0]!))),
      found: describeToken(actual[0]!),
    }),
};

// ------------------------------------------------------------ recovery helpers

const openers = T.openingTokens;
const closers = T.closingTokens;
/** Openers of braces and strings (the constructs that may span lines). */
const blockOpeners: ReadonlySet<TokenType> = new Set([
  T.LBrace, T.NestedLBrace, T.BlockNestedLBrace, T.StringOpen, T.BlockStringOpen, T.StringInterpolationOpen, T.BlockInterpolationOpen,
]);
/** Closers that end the enclosing block or string: skipping a bad line never passes them. */
const blockClosers: ReadonlySet<TokenType> = new Set([
  T.RBrace, T.NestedRBrace, T.StringClose, T.BlockStringClose, T.InterpolationClose,
]);
/** Words that begin a declaration; at the start of a line they end any unclosed block. */
const declarationWords: ReadonlySet<TokenType> = new Set([T.Kw.flow, T.Kw.test, T.Kw.type, T.Kw.action, T.Kw.import]);
/** Kinds of the nodes whose rules read a `{`: the flow, test and statement blocks a `step` may be found in (a question's clause block has no kind). */
const bracedKinds: ReadonlySet<string> = new Set(["Flow", "Test", "Block", "Match", "Random"]);
/** Why a `step` or `trigger` inside a block is an error (in its FX1001). */
const MISPLACED_STEP = "a step is declared at the top level of a flow, not inside a block";
const MISPLACED_TRIGGER = "a trigger is declared at the top level of a flow, not inside a block";
/** The most tokens `blocksClosedAhead` reads. */
const CLOSED_AHEAD_SCAN = 20_000;
/** Words that cannot begin a statement inside a block; the block ends before them. */
const blockStoppers: ReadonlySet<TokenType> = new Set([...declarationWords, T.Kw.step, T.Kw.trigger]);

const mediaKinds: ReadonlySet<TokenType> = new Set([T.Ctx.image, T.Ctx.video, T.Ctx.audio, T.Ctx.file]);
/** Tokens after which a statement is over. */
const statementEnds: ReadonlySet<TokenType> = new Set([T.Newline, T.Semicolon, T.RBrace, T.NestedRBrace, EOF]);

/**
 * The array with a backing store of exactly its length. An array that grew
 * by `push` keeps room for about 16 more elements in V8 (about 180 bytes
 * with one element, against 56 for an exact copy); the AST has tens of
 * thousands of short lists (a block's statements, a string's parts, an
 * option's labels), so rules trim them as they end: a smaller tree to
 * allocate, for the garbage collector to move, and to keep.
 */
function exact<T>(array: T[]): T[] {
  return array.length === 0 ? array : array.slice();
}

/**
 * An offset as a small integer. Every `{start, end}` object literal in the
 * process shares one V8 hidden class: a single stored value that is not a
 * small integer (NaN, or an integer boxed as a double) turns both fields
 * into boxed doubles for every range made afterwards, 16 bytes and one more
 * allocation each (measured: 3 MiB more tree and slower parses). Chevrotain's
 * own tokens (end of input, recovery's inserted tokens, the recording
 * phase's placeholder) hold their offsets as doubles, and NaN when they have
 * none; `| 0` makes those 0, callers that know better test for NaN first.
 */
function smallInt(offset: number): number {
  return offset | 0;
}

/** Start offset of a token; Chevrotain's placeholder tokens (no offset) start at 0. */
function tokenStart(token: IToken): number {
  return smallInt(token.startOffset);
}

/** End offset of a token; Chevrotain's placeholder tokens (no offset or no image) are empty. */
function tokenEnd(token: IToken): number {
  const image = token.image;
  return smallInt(token.startOffset) + (image === undefined ? 0 : image.length);
}

/**
 * Tokens past the current one that are always lexed when the parser reads
 * from a stream: Chevrotain's lookahead (`LA_FAST`, up to `maxLookahead`
 * + 1) reads the token vector without bounds checks.
 */
const STREAM_LOOKAHEAD = 8;
/** Tokens kept behind the current one when the parser reads from a stream (it reads back at most one). */
const STREAM_KEEP = 256;

/** Internal parser state that Chevrotain does not type publicly. */
interface ParserInternals {
  consumeToken(): void;
  currIdx: number;
  tokVector: IToken[];
  tokVectorLength: number;
  RULE_STACK_IDX: number;
  RECORDING_PHASE: boolean;
  flattenFollowSet(): TokenType[];
  getLaFuncFromCache(key: number): (this: unknown) => boolean;
  doSingleRepetition(action: () => unknown): boolean;
}

/** What `MANY` and `OPTION` take: a body, or a body with a gate. */
type RepetitionDef = (() => unknown) | { DEF: () => unknown; GATE?: () => boolean };

type Partial = A.Range;

/**
 * Arguments of the expression rules (`noRecord`), shared so that a rule call
 * allocates nothing: `{ … }` after an expression starts a record unless a
 * block follows (`if`, `match`, prompts).
 */
const ARGS_RECORD = { ARGS: [false] as [boolean] };
const ARGS_NO_RECORD = { ARGS: [true] as [boolean] };

// ------------------------------------------------------------ the parser

class FluxoParser extends EmbeddedActionsParser {
  /** Diagnostics reported by the parser itself (junk lines, empty interpolations). */
  extra: Diagnostic[] = [];
  /** Offsets where a missing `}` was reported (nested blocks missing theirs at one place: one error). */
  missingBraces = new Set<number>();
  /** Ranges of interpolations: syntax errors inside them are FX1003. */
  interpolations: A.Range[] = [];
  uri = "untitled.flow";
  textLength = 0;
  /** The text being parsed (diagnostics about a too deep expression name the operator in it). */
  text = "";
  /**
   * Postfix links, operators and type suffixes read so far: an expression
   * with few of them cannot be too deep (see `limitDepth`), and is not walked.
   */
  links = 0;
  /** Nesting of the `expression` (and `type`) rules: only the outermost one checks the depth of what it read. */
  private expressionNesting = 0;
  private typeNesting = 0;
  /**
   * An outermost expression or type with many links failed: recovery may
   * have kept part of it, unmeasured (see `parseUnsafe`).
   */
  unmeasured = false;
  /**
   * Enclosing blocks (of statements, and the braces of `match`, `random`,
   * `choose` and `ask`), and enclosing `else if` arms: an arm counts half a
   * block, `2 × blockNesting + armNesting` is at most `2 × MAX_NESTING`
   * (see `ifStatement`).
   */
  blockNesting = 0;
  armNesting = 0;
  /** Nodes under construction, by rule-stack depth: what a failing rule returns. */
  private partials: (Partial | undefined)[] = [];
  /** The partial node of the rule that exited last (see the constructor). */
  private lastExited: Partial | undefined;
  /** One-line strings closed by the end of their line so far (FX1002). */
  unterminatedStrings = 0;
  /** Distance to the token `findReSyncTokenType` chose, for `reSyncTo`. */
  private resyncDistance = 1;
  /** The lexer the tokens come from, while it has more (see `readFrom`). */
  private stream: TokenStream | undefined;
  /** The input is a stream, not a vector lexed beforehand. */
  private streaming = false;
  /** Tokens in the vector: reading at or past this index lexes more first. */
  private available = Infinity;
  /** Tokens dropped from the front of the vector so far: a position in the input is `currIdx + dropped`. */
  private dropped = 0;
  /** Chevrotain's end-of-input token (returned for reads outside the input). */
  private readonly endOfInput: IToken;

  /**
   * @param validate run Chevrotain's grammar validations (ambiguities, left
   * recursion…). They cost about half a second at start-up, so only the
   * grammar test (`validateGrammar`) turns them on.
   */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: errorMessages,
      skipValidations: !validate,
      lookaheadStrategy: lookahead === "indexed" ? new IndexedLookahead({ maxLookahead: 3 }) : new LLkLookaheadStrategy({ maxLookahead: 3 }),
    });
    // In-repetition recovery skips tokens without regard to brackets; the
    // junk rules and statement-level re-sync do that job instead.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => {};
    // A rule's partial node is forgotten when the rule returns, so recovery
    // never hands a rule the node of an earlier rule at the same depth.
    // A rule that fails without a node of its own (`statement`, `declaration`)
    // returns the node of the rule that failed inside it.
    const internals = this as unknown as ParserInternals & {
      ruleFinallyStateUpdate(): void;
      ruleInvocationStateUpdate(...args: unknown[]): void;
    };
    const finallyUpdate = internals.ruleFinallyStateUpdate;
    const invocationUpdate = internals.ruleInvocationStateUpdate;
    const self = this;
    // Fixed arity (Chevrotain passes short name, full name, index): a rest
    // parameter would allocate an array on every rule call.
    internals.ruleInvocationStateUpdate = function (this: ParserInternals, shortName: unknown, fullName: unknown, index: unknown) {
      self.lastExited = undefined;
      invocationUpdate.call(this, shortName, fullName, index);
    };
    internals.ruleFinallyStateUpdate = function (this: ParserInternals) {
      const index = this.RULE_STACK_IDX;
      self.lastExited = self.partials[index] ?? self.lastExited;
      self.partials[index] = undefined;
      finallyUpdate.call(this);
    };
    this.performSelfAnalysis();
    this.endOfInput = super.LA(-1);
  }

  // ---------------------------------------------------------- MANY and OPTION

  /**
   * Chevrotain's `MANY` loop (an internal method of its recognizer, like
   * `LA` below), without the two allocations it makes on every call: a
   * closure joining a `GATE` to the lookahead, and the arguments array it
   * passes to in-repetition recovery, which this parser turns off (see the
   * constructor). The gate still runs before the lookahead, on every turn.
   * The grammar recording phase uses its own `MANY`, not this.
   */
  manyInternalLogic(_occurrence: number, definition: RepetitionDef, key: number): void {
    const internals = this as unknown as ParserInternals;
    const lookahead = internals.getLaFuncFromCache(key);
    const action = typeof definition === "function" ? definition : definition.DEF;
    const gate = typeof definition === "function" ? undefined : definition.GATE;
    let notStuck = true;
    while (notStuck && (gate === undefined || gate.call(this)) && lookahead.call(this) === true) {
      notStuck = internals.doSingleRepetition(action);
    }
  }

  /** Chevrotain's `OPTION`, without a closure per call for its `GATE` (as `manyInternalLogic`). */
  optionInternalLogic(definition: RepetitionDef, _occurrence: number, key: number): unknown {
    const lookahead = (this as unknown as ParserInternals).getLaFuncFromCache(key);
    const action = typeof definition === "function" ? definition : definition.DEF;
    const gate = typeof definition === "function" ? undefined : definition.GATE;
    if ((gate === undefined || gate.call(this)) && lookahead.call(this) === true) return action.call(this);
    return undefined;
  }

  // ---------------------------------------------------------- streamed input

  /**
   * Reads the tokens of `stream` as they are lexed, instead of a vector
   * lexed beforehand: the stream lexes a chunk when the parser gets near the
   * end of what it has, and the tokens the parser has passed are let go, so
   * they die young. Chevrotain reads tokens through `LA`, `LA_FAST` and
   * `consumeToken` (its lexer adapter is made to be overridden for this);
   * `LA_FAST` has no bounds check, so `STREAM_LOOKAHEAD` tokens past the
   * current one are always there. The tokens more than `STREAM_KEEP`
   * behind the current one are dropped from the front of the vector;
   * going back further is not supported: Chevrotain only goes back for in-repetition
   * recovery, which this parser turns off, and for `BACKTRACK`, which it
   * does not use.
   */
  readFrom(stream: TokenStream): void {
    this.readVector(stream.tokens);
    const internals = this as unknown as ParserInternals;
    internals.tokVectorLength = Infinity;
    this.stream = stream;
    this.streaming = true;
    this.available = 0;
    this.lexAhead(STREAM_LOOKAHEAD);
  }

  /** Reads a vector of tokens lexed beforehand. */
  readVector(tokens: IToken[]): void {
    this.input = tokens;
    this.stream = undefined;
    this.streaming = false;
    this.available = Infinity;
    this.dropped = 0;
  }

  /**
   * Lets go of the tokens far behind, then lexes until the token at `index`
   * is there (or the input ends). Dropping tokens moves the rest to the
   * front of the vector and `currIdx` with them: read `currIdx` again after.
   */
  private lexAhead(index: number): void {
    const stream = this.stream;
    if (stream === undefined) return;
    const internals = this as unknown as ParserInternals;
    const behind = internals.currIdx - STREAM_KEEP;
    if (behind > 0) {
      stream.discard(behind);
      internals.currIdx -= behind;
      this.dropped += behind;
      index -= behind;
    }
    while (stream.count <= index + STREAM_LOOKAHEAD && stream.next());
    const tokens = stream.tokens;
    if (stream.done) {
      // Chevrotain's sentinels after the last token, as `onBeforeParse` pads an input vector.
      for (let i = 0; i < STREAM_LOOKAHEAD * 2; i++) tokens[stream.count + i] = this.endOfInput;
      internals.tokVectorLength = stream.count;
      this.available = Infinity;
      this.stream = undefined;
    } else this.available = stream.count - STREAM_LOOKAHEAD;
  }

  override LA(howMuch: number): IToken {
    const internals = this as unknown as ParserInternals;
    let index = internals.currIdx + howMuch;
    if (index >= this.available) {
      this.lexAhead(index);
      index = internals.currIdx + howMuch;
    }
    if (index < 0 || index >= internals.tokVectorLength) return this.endOfInput;
    return internals.tokVector[index]!;
  }

  // Positions Chevrotain saves are in the input, not in the vector, whose
  // front the stream drops (a repetition compares its position before and
  // after an iteration to tell whether it is stuck).
  getLexerPosition(): number {
    return (this as unknown as ParserInternals).currIdx + this.dropped;
  }

  exportLexerState(): number {
    return this.getLexerPosition();
  }

  importLexerState(state: number): void {
    (this as unknown as ParserInternals).currIdx = state - this.dropped;
  }

  consumeToken(): void {
    const internals = this as unknown as ParserInternals;
    if (++internals.currIdx >= this.available) this.lexAhead(internals.currIdx);
  }

  /** Chevrotain pads an input vector with end-of-input sentinels here; a stream gets them when it ends. */
  onBeforeParse(ruleName: string): void {
    if (!this.streaming) (EmbeddedActionsParser.prototype as unknown as { onBeforeParse(name: string): void }).onBeforeParse.call(this, ruleName);
  }

  /** Chevrotain's last resort after an error it cannot recover from: skip to the end of the input. */
  moveToTerminatedState(): void {
    this.lexAhead(Infinity);
    const internals = this as unknown as ParserInternals;
    internals.currIdx = internals.tokVectorLength - 1;
  }

  // ---------------------------------------------------------- recovery overrides

  override canTokenTypeBeInsertedInRecovery(): boolean {
    return false;
  }

  override canTokenTypeBeDeletedInRecovery(): boolean {
    return false;
  }

  /**
   * Chooses where to resume after an error: the first statement end, closing
   * bracket or declaration word at the error's own bracket depth that some
   * rule on the stack can continue from.
   */
  findReSyncTokenType(): TokenType {
    const follows = (this as unknown as ParserInternals).flattenFollowSet();
    // The token's own type first: a category (AnyToken) in some outer follow
    // set must not hide the exact type the current rule can resume at.
    const inFollows = (token: IToken): TokenType | undefined =>
      follows.find((f) => f === token.tokenType) ?? follows.find((f) => tokenMatcher(token, f));
    // Braces and strings nest across lines; ( and [ do not (a newline the
    // lexer kept inside them means they were never closed).
    let braces = 0;
    let brackets = 0;
    for (let k = 1; ; k++) {
      const token = this.LA(k);
      const type = token.tokenType;
      if (type === EOF) {
        this.resyncDistance = k;
        return EOF;
      }
      const atLineStart = this.LA(k - 1).tokenType === T.Newline;
      if (atLineStart && declarationWords.has(type) && this.LA(k + 1).tokenType !== T.Colon) {
        const match = inFollows(token);
        if (match) {
          this.resyncDistance = k;
          return match;
        }
      }
      if (type === T.Newline) brackets = 0;
      if (braces === 0 && brackets === 0 && (type === T.Newline || type === T.Semicolon || type === T.Comma || closers.has(type))) {
        const match = inFollows(token);
        if (match) {
          this.resyncDistance = k;
          return match;
        }
      }
      if (blockOpeners.has(type)) braces++;
      else if (blockClosers.has(type)) braces = Math.max(0, braces - 1);
      else if (type === T.LParen || type === T.LBracket) brackets++;
      else if (type === T.RParen || type === T.RBracket) brackets = Math.max(0, brackets - 1);
    }
  }

  reSyncTo(): IToken[] {
    const skipped: IToken[] = [];
    for (let k = 1; k < this.resyncDistance; k++) {
      skipped.push(this.LA(1));
      (this as unknown as ParserInternals).consumeToken();
    }
    return skipped;
  }

  // ---------------------------------------------------------- node helpers

  private get recording(): boolean {
    return (this as unknown as ParserInternals).RECORDING_PHASE;
  }

  /** End offset of the last consumed token. */
  private lastEnd(): number {
    const token = this.LA(0);
    if (token.tokenType === EOF || Number.isNaN(token.startOffset)) return 0;
    return smallInt(token.startOffset + token.image.length);
  }


  /**
   * Start offset of a token. Chevrotain's end-of-input token and the tokens
   * its recovery inserts have none (NaN): they sit where the last consumed
   * token ends. Offsets in ranges must stay small integers (see `smallInt`).
   */
  private startOf(token: IToken): number {
    const offset = token.startOffset;
    return offset === offset ? smallInt(offset) : this.lastEnd();
  }

  /**
   * The node the innermost rule registered with `begin`: a repetition body
   * made once per parser (not a closure per call) finds its node here.
   */
  private current<N>(): N {
    return this.partials[(this as unknown as ParserInternals).RULE_STACK_IDX] as unknown as N;
  }

  /** Registers the node a rule is building, so recovery can return it. */
  private begin<N extends Partial>(node: N): N {
    if (!this.recording) this.partials[(this as unknown as ParserInternals).RULE_STACK_IDX] = node;
    return node;
  }

  /** Closes a node's range at the last consumed token. */
  private finish<N extends Partial>(node: N): N {
    node.end = Math.max(node.start, this.lastEnd());
    return node;
  }

  /** `recoveryValueFunc` of the rules: the partial node (undefined when the rule had not begun one). */
  private recovered = <N,>(): N => {
    const index = (this as unknown as ParserInternals).RULE_STACK_IDX;
    const node = this.partials[index] ?? this.lastExited;
    this.partials[index] = undefined;
    this.lastExited = undefined;
    if (node) node.end = Math.max(node.start, this.lastEnd());
    return node as unknown as N;
  };

  /**
   * At most `MAX_OPERATORS` operators in one expression: the tree they build
   * is as deep as they are many, and later stages walk it recursively. Past
   * the limit, one FX1001 on the first operator too many, and the expression
   * ends at the operand before it.
   */
  private limitOperators(run: ExpressionItem[]): ExpressionItem[] {
    let operators = 0;
    for (let i = 0; i < run.length; i++) {
      const item = run[i]!;
      if (!isOperatorToken(item)) continue;
      if (++operators <= MAX_OPERATORS) continue;
      this.extra.push(
        diagnostic("FX1001", { expected: `at most ${MAX_OPERATORS} operators in one expression`, found: "more (the rest is not read)" }, this.uri, errorRange(item, item.startOffset)),
      );
      // Keep everything up to the last operand before this operator.
      let end = i;
      while (end > 0 && isOperatorToken(run[end - 1]!)) end--;
      return end > 0 ? run.slice(0, end) : run.slice(0, 1);
    }
    return run;
  }

  /**
   * Cuts an expression or type deeper than `MAX_DEPTH` (`MAX_TYPE_DEPTH`) levels (see
   * `limitTreeDepth`), with one FX1001 at the first level too many.
   */
  limitDepth<N extends A.Node>(root: N): N {
    if (root === undefined) return root;
    return limitTreeDepth(root, (node) => {
      const isType = typeKinds.has(node.kind);
      this.extra.push(
        diagnostic(
          "FX1001",
          {
            expected: isType
              ? `a type at most ${MAX_TYPE_DEPTH} levels deep (each bracket, '?' or '[]' is one)`
              : `an expression at most ${MAX_DEPTH} levels deep (each operator, bracket, string, '.name' or '[index]' is one)`,
            found: "a deeper one (the rest is not read)",
          },
          this.uri,
          tooDeepRange(node, this.text),
        ),
      );
    }) as N;
  }

  /**
   * Reads a call's `(arguments)`; a call whose argument list had a syntax
   * error is marked incomplete (an argument may be lost: they are not counted).
   */
  private readArguments(node: A.CallExpression | A.RunExpression): void {
    const errors = this.syntaxErrorCount();
    node.args = this.SUBRULE(this.argumentList);
    if (!this.recording && this.syntaxErrorCount() > errors) node.incomplete = true;
  }

  /** Syntax errors reported so far (Chevrotain's and the parser's own). */
  private syntaxErrorCount(): number {
    return this.errors.length + this.extra.length;
  }

  /** The partial node of a call that failed: its arguments are incomplete. */
  private recoveredCall<N extends A.CallExpression | A.RunExpression>(): N {
    const node = this.recovered<N | undefined>();
    if (node) node.incomplete = true;
    return node as N;
  }

  private name(token: IToken): A.Name {
    return { kind: "Name", text: token.image, start: tokenStart(token), end: tokenEnd(token) };
  }

  private expectItemEnd(): void {
    if (this.recording) return;
    const next = this.LA(1);
    if (statementEnds.has(next.tokenType)) return;
    // Recovery (or a block missing its `}`) stopped before a word that starts
    // a declaration, step or trigger on the next line: that word is not junk.
    if (blockStoppers.has(next.tokenType) && this.LA(0).tokenType === T.Newline) return;
    this.extra.push(
      diagnostic(
        "FX1001",
        { expected: "end of line or ';'", found: describeToken(next) },
        this.uri,
        errorRange(next, next.startOffset),
      ),
    );
    this.skipRestOfStatement();
  }

  /** Skips to the end of the statement: a newline, `;` or unmatched `}` at depth 0. */
  private skipRestOfStatement(initialDepth = 0): void {
    let depth = initialDepth;
    for (;;) {
      const token = this.LA(1);
      const type = token.tokenType;
      if (type === EOF) return;
      if (depth === 0 && (type === T.Newline || type === T.Semicolon)) return;
      if (depth === 0 && (blockClosers.has(type) || (this.LA(0).tokenType === T.Newline && declarationWords.has(type)))) return;
      // Only braces and strings nest across lines: a newline the lexer kept
      // inside ( or [ means the bracket was never closed.
      if (blockOpeners.has(type)) depth++;
      else if (blockClosers.has(type)) depth = Math.max(0, depth - 1);
      (this as unknown as ParserInternals).consumeToken();
    }
  }

  private readonly consumeRBrace = (): IToken => this.CONSUME8(T.RBrace);

  /**
   * Whether `blocks` more blocks and `arms` more `else if` arms fit in the
   * nesting limit: blocks count one level, arms half (see `blockNesting`).
   */
  private nestingFits(blocks: number, arms: number): boolean {
    return 2 * (this.blockNesting + blocks) + this.armNesting + arms <= 2 * MAX_NESTING;
  }

  /** FX1001 on a block nested deeper than `MAX_NESTING` (with `else if` arms as half a block, see `ifStatement`). */
  private reportTooDeepBlock(token: IToken): void {
    this.extra.push(
      diagnostic(
        "FX1001",
        { expected: `at most ${MAX_NESTING} nested blocks (each enclosing 'else if' arm counts as half a block)`, found: "a deeper one (the rest of it is not read)" },
        this.uri,
        errorRange(token, token.startOffset),
      ),
    );
  }

  /** FX1001 on the first `else if` arm of a chain too long for the nesting limit (see `ifStatement`). */
  private reportTooManyArms(token: IToken): void {
    this.extra.push(
      diagnostic(
        "FX1001",
        {
          expected: `an 'if' chain of at most ${2 * (MAX_NESTING - 1)} 'else if' arms (two fewer inside each enclosing block; for a chain that compares one value, use a 'match')`,
          found: "more (the rest of the chain is not read)",
        },
        this.uri,
        errorRange(token, token.startOffset),
      ),
    );
  }

  /** Skips to the `}` that closes the block just opened (not past a declaration word starting a line). */
  private skipBlockBody(): void {
    let depth = 0;
    for (;;) {
      const type = this.LA(1).tokenType;
      if (type === EOF || (this.LA(0).tokenType === T.Newline && declarationWords.has(type))) return;
      if (blockClosers.has(type)) {
        if (depth === 0) return;
        depth--;
      } else if (blockOpeners.has(type)) depth++;
      (this as unknown as ParserInternals).consumeToken();
    }
  }

  /** Skips the rest of an `if` chain: to the end of the statement, and on over each `else` that starts the next line. */
  private skipElseChain(): void {
    for (;;) {
      this.skipRestOfStatement();
      if (this.LA(1).tokenType !== T.Newline || this.LA(2).tokenType !== T.Kw.else || this.LA(3).tokenType === T.FatArrow) return;
      (this as unknown as ParserInternals).consumeToken();
    }
  }

  /**
   * The `}` that closes a block. When it is missing (the end of the file, or
   * a word that cannot continue the block, such as the next `flow`), FX1001
   * is reported once and the block ends there: the tree built so far is kept
   * and the enclosing rules go on.
   */
  private closeBrace(): void {
    const token = this.OPTION8(this.consumeRBrace);
    if (token || this.recording) return;
    const next = this.LA(1);
    const offset = next.tokenType === EOF ? this.textLength : next.startOffset;
    if (this.missingBraces.has(offset)) return;
    this.missingBraces.add(offset);
    this.extra.push(diagnostic("FX1001", { expected: "'}'", found: describeToken(next) }, this.uri, errorRange(next, offset)));
  }

  private reportJunk(first: IToken, expected: string): void {
    this.extra.push(
      diagnostic("FX1001", { expected, found: describeToken(first) }, this.uri, errorRange(first, first.startOffset)),
    );
  }

  private notStopper(stoppers: ReadonlySet<TokenType>): boolean {
    return !stoppers.has(this.LA(1).tokenType) || this.LA(2).tokenType === T.Colon;
  }

  // ---------------------------------------------------------- file & declarations

  public sourceFile = this.RULE(
    "sourceFile",
    (): A.Declaration[] => {
      const declarations: A.Declaration[] = [];
      this.begin({ start: 0, end: 0, declarations });
      this.MANY(() => {
        const declaration = this.OR(this.topItems);
        if (declaration && !this.recording) declarations.push(declaration);
      });
      return declarations;
    },
    {
      // Parsing stopped early: keep what was parsed, and the declaration it stopped in.
      recoveryValueFunc: () => {
        const last = this.lastExited;
        const declarations = (this.recovered() as { declarations?: A.Declaration[] } | undefined)?.declarations ?? [];
        const declaration = ofKind<A.Declaration | undefined>(last, declarationNodeKinds);
        if (declaration && !declarations.includes(declaration)) declarations.push(declaration);
        return declarations;
      },
    },
  );

  // Alternatives are built once: Chevrotain's OR takes them on every call,
  // and allocating closures per token is a large part of parsing time.
  private readonly topItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): undefined => void this.CONSUME(T.Newline) },
      { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): A.Declaration => {
          const declaration = this.SUBRULE(this.declaration);
          this.expectItemEnd();
          return declaration;
        },
      },
      { ALT: (): undefined => void this.SUBRULE(this.topJunk) },
    ],
  };

  private topJunk = this.RULE("topJunk", () => {
    const first = this.OR(this.topJunkStart);
    if (this.recording) return;
    this.reportJunk(first, "a declaration (import, context, type, action, flow or test)");
    this.skipRestOfStatement();
    // A stray `}` at the top level would stop the skip at once: step over it.
    while (closers.has(this.LA(1).tokenType)) (this as unknown as ParserInternals).consumeToken();
  });

  private readonly topJunkStart = [{ ALT: () => this.CONSUME(T.AnyToken) }, { ALT: () => this.CONSUME(T.RBrace) }];

  private junk = this.RULE("junk", (expected: string) => {
    const first = this.CONSUME(T.AnyToken);
    if (this.recording) return;
    const misplaced = first.tokenType === T.Kw.step ? MISPLACED_STEP : first.tokenType === T.Kw.trigger ? MISPLACED_TRIGGER : undefined;
    this.reportJunk(first, misplaced ? `${expected} (${misplaced})` : expected);
    // A junk line that starts with a string or bracket skips to its end first.
    this.skipRestOfStatement(openers.has(first.tokenType) ? 1 : 0);
  });

  private declaration = this.RULE("declaration", (): A.Declaration => this.OR(this.declarationKinds), {
    recoveryValueFunc: () => ofKind<A.Declaration>(this.recovered(), declarationNodeKinds),
  });

  private readonly declarationKinds = {
    ERR_MSG: "a declaration",
    DEF: [
      { ALT: (): A.Declaration => this.SUBRULE(this.importDecl) },
      { ALT: (): A.Declaration => this.SUBRULE(this.contextDecl) },
      { ALT: (): A.Declaration => this.SUBRULE(this.typeDecl) },
      { ALT: (): A.Declaration => this.SUBRULE(this.actionDecl) },
      { ALT: (): A.Declaration => this.SUBRULE(this.flowDecl) },
      { ALT: (): A.Declaration => this.SUBRULE(this.testDecl) },
    ],
  };

  private importDecl = this.RULE(
    "importDecl",
    (): A.ImportDecl => {
      const keyword = this.CONSUME(T.Kw.import);
      const node = this.begin<A.ImportDecl>({ kind: "Import", names: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      this.CONSUME(T.LBrace);
      // Names are separated by commas (line breaks are only layout): a name
      // right after another is FX1001, and both are kept.
      let afterName = false;
      this.MANY(() => {
        this.OR1([
          { ALT: () => this.CONSUME(T.Newline) },
          {
            ALT: () => {
              this.CONSUME(T.Comma);
              afterName = false;
            },
          },
          {
            ALT: () => {
              const token = this.CONSUME(T.Identifier);
              if (afterName && !this.recording) {
                this.extra.push(diagnostic("FX1001", { expected: "',' or '}'", found: describeToken(token) }, this.uri, errorRange(token, token.startOffset)));
              }
              afterName = true;
              node.names.push(this.name(token));
            },
          },
        ]);
      });
      this.closeBrace();
      this.CONSUME(T.Kw.from);
      node.path = this.SUBRULE(this.stringLiteral);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private contextDecl = this.RULE(
    "contextDecl",
    (): A.ContextDecl => {
      const keyword = this.CONSUME(T.Kw.context);
      const node = this.begin<A.ContextDecl>({ kind: "Context", fields: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.fields = this.SUBRULE(this.fieldList);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  /** `{ name: T; other: U }`: fields separated by `;`, `,` or newlines. */
  private fieldList = this.RULE(
    "fieldList",
    (): A.FieldDecl[] => {
      const fields: A.FieldDecl[] = [];
      const partial = this.begin({ start: 0, end: 0, fields });
      void partial;
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR({
          IGNORE_AMBIGUITIES: true,
          MAX_LOOKAHEAD: 1,
          DEF: [
            { ALT: () => this.CONSUME(T.Newline) },
            { ALT: () => this.CONSUME(T.Semicolon) },
            { ALT: () => this.CONSUME(T.Comma) },
            {
              GATE: () => this.LA(2).tokenType === T.Colon,
              ALT: () => {
                pushNode(fields, this.SUBRULE(this.fieldDecl));
              },
            },
            { ALT: () => this.SUBRULE(this.junk, { ARGS: ["a field (name: type)"] }) },
          ],
        });
      });
      this.closeBrace();
      return fields;
    },
    { recoveryValueFunc: () => (this.recovered() as { fields?: A.FieldDecl[] } | undefined)?.fields ?? [] },
  );

  private fieldDecl = this.RULE(
    "fieldDecl",
    (): A.FieldDecl => {
      const name = this.CONSUME(T.AnyWord);
      const node = this.begin<A.FieldDecl>({ kind: "Field", name: this.name(name), start: tokenStart(name), end: tokenEnd(name) });
      this.CONSUME(T.Colon);
      node.type = this.SUBRULE(this.type);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private typeDecl = this.RULE(
    "typeDecl",
    (): A.TypeDecl => {
      const keyword = this.CONSUME(T.Kw.type);
      const node = this.begin<A.TypeDecl>({ kind: "TypeAlias", start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Equals);
      node.type = this.SUBRULE(this.type);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private actionDecl = this.RULE(
    "actionDecl",
    (): A.ActionDecl => {
      const keyword = this.CONSUME(T.Kw.action);
      const node = this.begin<A.ActionDecl>({ kind: "Action", params: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      node.params = this.SUBRULE(this.paramList);
      this.OPTION(() => {
        this.CONSUME(T.ThinArrow);
        node.returnType = this.SUBRULE(this.type);
      });
      this.OPTION1(() => {
        this.CONSUME(T.Kw.timeout);
        node.timeout = this.SUBRULE(this.duration);
      });
      this.OPTION2(() => {
        this.CONSUME(T.Equals);
        node.http = this.SUBRULE(this.httpBinding);
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private httpBinding = this.RULE(
    "httpBinding",
    (): A.HttpBinding => {
      const keyword = this.CONSUME(T.Ctx.http);
      const node = this.begin<A.HttpBinding>({ kind: "Http", headers: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      const method = this.OR({
        ERR_MSG: "an HTTP method (GET, POST, PUT, PATCH or DELETE)",
        DEF: [
          { ALT: () => this.CONSUME(T.Ctx.GET) },
          { ALT: () => this.CONSUME(T.Ctx.POST) },
          { ALT: () => this.CONSUME(T.Ctx.PUT) },
          { ALT: () => this.CONSUME(T.Ctx.PATCH) },
          { ALT: () => this.CONSUME(T.Ctx.DELETE) },
        ],
      });
      node.method = method.image as A.HttpMethod;
      node.url = this.SUBRULE(this.stringLiteral);
      this.OPTION(() => {
        this.CONSUME(T.LBrace);
        this.MANY(() => {
          const item = this.OR1(this.httpItems);
          if (!item || this.recording) return;
          if (item.kind === "Header") node.headers.push(item);
          else if (item.kind === "Duration") node.timeout = item;
          else node.body = item.value;
        });
        this.closeBrace();
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private readonly httpItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): HttpItem | undefined => void this.CONSUME(T.Newline) },
      { ALT: (): HttpItem | undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): HttpItem | undefined => {
          const item = this.SUBRULE(this.httpItem);
          this.expectItemEnd();
          return item;
        },
      },
      { ALT: (): HttpItem | undefined => void this.SUBRULE(this.junk, { ARGS: ["'header', 'body' or 'timeout'"] }) },
    ],
  };

  /** One line of an HTTP block: its own rule, so an error in it resumes at the next line. */
  private httpItem = this.RULE(
    "httpItem",
    (): HttpItem =>
      this.OR(this.httpItemKinds),
    { recoveryValueFunc: this.recovered },
  );

  private readonly httpItemKinds = [
    {
      ALT: (): HttpItem => {
        const header = this.CONSUME(T.Ctx.header);
        const entry = this.begin<A.HttpHeader>({ kind: "Header", start: tokenStart(header), end: tokenEnd(header) });
        entry.name = this.SUBRULE(this.stringLiteral);
        this.CONSUME(T.Equals);
        entry.value = this.SUBRULE(this.expression, ARGS_RECORD);
        return this.finish(entry);
      },
    },
    {
      ALT: (): HttpItem => {
        const body = this.CONSUME(T.Ctx.body);
        const item = this.begin<HttpBody>({ kind: "Body", start: tokenStart(body), end: tokenEnd(body) });
        item.value = this.SUBRULE1(this.expression, ARGS_RECORD);
        return this.finish(item);
      },
    },
    {
      ALT: (): HttpItem => {
        this.CONSUME(T.Kw.timeout);
        return this.SUBRULE(this.duration);
      },
    },
  ];

  private paramList = this.RULE(
    "paramList",
    (): A.Param[] => {
      const params: A.Param[] = [];
      this.begin({ start: 0, end: 0, params });
      this.CONSUME(T.LParen);
      this.MANY(() => {
        this.OR([
          { ALT: () => this.CONSUME(T.Comma) },
          { ALT: () => pushNode(params, this.SUBRULE(this.param)) },
        ]);
      });
      this.CONSUME(T.RParen);
      return params;
    },
    { recoveryValueFunc: () => (this.recovered() as { params?: A.Param[] } | undefined)?.params ?? [] },
  );

  private param = this.RULE(
    "param",
    (): A.Param => {
      const name = this.CONSUME(T.Identifier);
      const node = this.begin<A.Param>({ kind: "Param", name: this.name(name), start: tokenStart(name), end: tokenEnd(name) });
      this.CONSUME(T.Colon);
      node.type = this.SUBRULE(this.type);
      this.OPTION(() => {
        this.CONSUME(T.Equals);
        node.default = this.SUBRULE(this.expression, ARGS_RECORD);
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private flowDecl = this.RULE(
    "flowDecl",
    (): A.FlowDecl => {
      const keyword = this.CONSUME(T.Kw.flow);
      const node = this.begin<A.FlowDecl>({
        kind: "Flow",
        params: [],
        triggers: [],
        body: [],
        steps: [],
        start: tokenStart(keyword),
        end: tokenEnd(keyword),
      });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => {
        node.params = this.SUBRULE(this.paramList);
      });
      this.OPTION1(() => {
        this.CONSUME(T.ThinArrow);
        node.returnType = this.SUBRULE(this.type);
      });
      this.CONSUME(T.LBrace);
      this.MANY({
        GATE: this.notDeclarationWord,
        DEF: () => {
          const item = this.OR(this.flowItems);
          if (!item || this.recording) return;
          // In source order: a step misplaced in this one's body was added first (`adoptMisplacedStep`).
          if (item.kind === "Step") insertStep(node.steps, item);
          else if (item.kind === "KeywordTrigger" || item.kind === "EventTrigger" || item.kind === "StartTrigger") node.triggers.push(item);
          else node.body.push(item);
        },
      });
      this.closeBrace();
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private readonly notDeclarationWord = (): boolean => this.notStopper(declarationWords);
  /**
   * A block goes on unless a word that cannot begin a statement starts the
   * line. A `step` or `trigger` there usually means the block's `}` is
   * missing, so the block ends before it; but when every block open here is
   * closed further on (`blocksClosedAhead`), the word was written inside the
   * block on purpose: the block goes on, and the `junk` rule reports it.
   */
  private readonly notBlockStopper = (): boolean =>
    this.notStopper(blockStoppers) || (!this.recording && !declarationWords.has(this.LA(1).tokenType) && this.blocksClosedAhead());

  /**
   * Whether the braces open at this point (the flow's, its blocks') are all
   * closed before the next declaration or the end of the file. Scans at
   * most `CLOSED_AHEAD_SCAN` tokens; only reached on a `step` or `trigger`
   * inside a block, which is a syntax error either way.
   */
  private blocksClosedAhead(): boolean {
    let open = 0;
    for (let i = (this as unknown as ParserInternals).RULE_STACK_IDX; i >= 0; i--) {
      const node = this.partials[i] as { kind?: string; clauses?: unknown } | undefined;
      if (node && (node.kind === undefined ? node.clauses !== undefined : bracedKinds.has(node.kind))) open++;
    }
    let depth = 0;
    for (let k = 1; k <= CLOSED_AHEAD_SCAN; k++) {
      const type = this.LA(k).tokenType;
      if (type === EOF) return false;
      if (declarationWords.has(type) && this.LA(k - 1).tokenType === T.Newline && this.LA(k + 1).tokenType !== T.Colon) return false;
      if (blockOpeners.has(type)) depth++;
      else if (blockClosers.has(type) && --depth <= -open) return true;
    }
    return false;
  }

  private readonly flowItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): undefined => void this.CONSUME(T.Newline) },
      { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): A.Trigger => {
          const trigger = this.SUBRULE(this.trigger);
          this.expectItemEnd();
          return trigger;
        },
      },
      {
        ALT: (): A.Step => {
          const step = this.SUBRULE(this.step);
          this.expectItemEnd();
          return step;
        },
      },
      {
        ALT: (): A.Statement => {
          const statement = this.SUBRULE(this.statement);
          this.expectItemEnd();
          return statement;
        },
      },
      { ALT: (): undefined => void this.SUBRULE(this.junk, { ARGS: ["a statement, 'trigger' or 'step'"] }) },
    ],
  };

  private trigger = this.RULE(
    "trigger",
    (): A.Trigger => {
      const keyword = this.CONSUME(T.Kw.trigger);
      const start = this.startOf(keyword);
      return this.OR({
        ERR_MSG: "'keyword', 'event' or 'start'",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Kw.keyword);
              const node = this.begin<A.KeywordTrigger>({ kind: "KeywordTrigger", keywords: [], start, end: start });
              pushNode(node.keywords, this.SUBRULE(this.stringLiteral));
              this.MANY(() => {
                this.CONSUME(T.Comma);
                pushNode(node.keywords, this.SUBRULE1(this.stringLiteral));
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.event);
              const node = this.begin<A.EventTrigger>({ kind: "EventTrigger", start, end: start });
              node.event = this.SUBRULE2(this.stringLiteral);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Ctx.start);
              return this.finish<A.StartTrigger>({ kind: "StartTrigger", start, end: start });
            },
          },
        ],
      });
    },
    { recoveryValueFunc: this.recovered },
  );

  public step = this.RULE(
    "step",
    (): A.Step => {
      const keyword = this.CONSUME(T.Kw.step);
      const node = this.begin<A.Step>({ kind: "Step", name: undefined, body: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      const block = this.SUBRULE(this.block);
      this.ACTION(() => {
        node.body = block?.statements ?? [];
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private testDecl = this.RULE(
    "testDecl",
    (): A.TestDecl => {
      const keyword = this.CONSUME(T.Kw.test);
      const node = this.begin<A.TestDecl>({ kind: "Test", body: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.SUBRULE(this.stringLiteral);
      this.CONSUME(T.LBrace);
      this.MANY({
        GATE: this.notDeclarationWord,
        DEF: () => {
          const statement = this.OR(this.testItems);
          if (statement && !this.recording) node.body.push(statement);
        },
      });
      this.closeBrace();
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private readonly testItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): undefined => void this.CONSUME(T.Newline) },
      { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): A.TestStatement => {
          const statement = this.SUBRULE(this.testStatement);
          this.expectItemEnd();
          return statement;
        },
      },
      { ALT: (): undefined => void this.SUBRULE(this.junk, { ARGS: ["a test statement"] }) },
    ],
  };

  // ---------------------------------------------------------- statements

  private block = this.RULE(
    "block",
    (): A.Block => {
      const open = this.CONSUME(T.LBrace);
      const node = this.begin<A.Block>({ kind: "Block", statements: [], start: tokenStart(open), end: tokenEnd(open) });
      // Only `else if` arms take blocks this deep (the lexer stops nested braces first).
      if (!this.recording && !this.nestingFits(1, 0)) {
        this.reportTooDeepBlock(open);
        this.skipBlockBody();
        this.closeBrace();
        return this.finish(node);
      }
      this.blockNesting++;
      try {
        this.MANY(this.blockItem);
      } finally {
        this.blockNesting--;
      }
      this.closeBrace();
      if (!this.recording) node.statements = exact(node.statements);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  /** One item of a block, into the block being read (`current`): made once, not a closure per block. */
  private readonly blockItem = {
    GATE: this.notBlockStopper,
    DEF: (): void => {
      const statement = this.OR(this.blockItems);
      if (statement && !this.recording) this.current<A.Block>().statements.push(statement);
    },
  };

  private readonly blockItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): undefined => void this.CONSUME(T.Newline) },
      { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): A.Statement => {
          const statement = this.SUBRULE(this.statement);
          this.expectItemEnd();
          return statement;
        },
      },
      {
        // A step written inside a block (`notBlockStopper` let it in): one FX1001, and the step is kept as a step of
        // its flow, so a `goto` to it and its body are still checked.
        ALT: (): undefined => {
          const step = this.SUBRULE1(this.step);
          if (this.recording) return;
          this.expectItemEnd();
          this.adoptMisplacedStep(step);
        },
      },
      { ALT: (): undefined => void this.SUBRULE(this.junk, { ARGS: ["a statement"] }) },
    ],
  };

  /**
   * Reports a step found inside a block, and adds it to the steps of the flow
   * being read (none in a test), in source order: the step whose body holds
   * it is added after it, when it ends.
   */
  private adoptMisplacedStep(step: A.Step | undefined): void {
    if (!step) return;
    const keyword = { start: step.start, end: step.start + "step".length };
    this.extra.push(diagnostic("FX1001", { expected: `a statement (${MISPLACED_STEP})`, found: "'step'" }, this.uri, keyword));
    for (let i = (this as unknown as ParserInternals).RULE_STACK_IDX; i >= 0; i--) {
      const node = this.partials[i] as Partial & { kind?: string };
      if (node?.kind === "Flow") {
        insertStep((node as unknown as A.FlowDecl).steps, step);
        return;
      }
    }
  }

  private statement = this.RULE("statement", (): A.Statement => this.OR(this.statementKinds), {
    recoveryValueFunc: () => asStatement(this.recovered()),
  });

  private readonly statementKinds = {
    ERR_MSG: "a statement",
    DEF: [
      { ALT: (): A.Statement => this.SUBRULE(this.sayStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.askStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.chooseStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.letStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.varStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.setStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.runStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.returnStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.ifStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.matchStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.randomStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.gotoStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.endStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.handoffStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.waitStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.callStatement) },
      { ALT: (): A.Statement => this.SUBRULE(this.block) },
    ],
  };

  private sayStatement = this.RULE(
    "sayStatement",
    (): A.SayStatement | A.MediaStatement => {
      const keyword = this.CONSUME(T.Kw.say);
      // Recovery keeps a `say` whose text could not be parsed.
      const say = this.begin<A.SayStatement>({ kind: "Say", text: undefined, start: tokenStart(keyword), end: tokenEnd(keyword) });
      const media = this.OPTION({ GATE: this.mediaAhead, DEF: () => this.SUBRULE(this.mediaTail) });
      if (media && !this.recording) {
        const node: A.MediaStatement = { kind: "SayMedia", media: media.kind, start: say.start, end: say.end };
        if (media.url) node.url = media.url;
        if (media.caption) node.caption = media.caption;
        return this.finish(node);
      }
      say.text = this.SUBRULE(this.expression, ARGS_RECORD);
      return this.finish(say);
    },
    { recoveryValueFunc: this.recovered },
  );

  /** `image|video|audio|file` followed by something that can start a URL expression. */
  private readonly mediaAhead = (): boolean => {
    const next = this.LA(2).tokenType;
    return mediaKinds.has(this.LA(1).tokenType) && !statementEnds.has(next) && !T.continuationTokens.has(next) && next !== T.LBracket && next !== T.Dot && next !== T.QuestionDot;
  };

  private mediaTail = this.RULE("mediaTail", (): { kind: A.MediaKind; url?: A.Expression; caption?: A.Expression } => {
    const kind = this.OR(this.mediaKindAlts);
    const tail: { kind: A.MediaKind; url?: A.Expression; caption?: A.Expression } = { kind: kind.image as A.MediaKind };
    tail.url = this.SUBRULE(this.expression, ARGS_RECORD);
    this.OPTION(() => {
      this.CONSUME(T.Ctx.caption);
      tail.caption = this.SUBRULE1(this.expression, ARGS_RECORD);
    });
    return tail;
  });

  private readonly mediaKindAlts = [
    { ALT: () => this.CONSUME(T.Ctx.image) },
    { ALT: () => this.CONSUME(T.Ctx.video) },
    { ALT: () => this.CONSUME(T.Ctx.audio) },
    { ALT: () => this.CONSUME(T.Ctx.file) },
  ];

  private waitStatement = this.RULE(
    "waitStatement",
    (): A.WaitStatement => {
      const keyword = this.CONSUME(T.Kw.wait);
      const node = this.begin<A.WaitStatement>({ kind: "Wait", start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.duration = this.SUBRULE(this.duration);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private askStatement = this.RULE(
    "askStatement",
    (): A.AskStatement => {
      const keyword = this.CONSUME(T.Kw.ask);
      const node = this.begin<A.AskStatement>({ kind: "Ask", clauses: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OR({
        ERR_MSG: "':' and a type, or 'from' and a list",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Colon);
              node.type = this.SUBRULE(this.type);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.from);
              node.from = this.SUBRULE(this.expression, ARGS_NO_RECORD);
            },
          },
        ],
      });
      node.prompt = this.SUBRULE1(this.expression, ARGS_NO_RECORD);
      this.OPTION(() => {
        node.clauses = this.SUBRULE(this.clauseBlock, ARGS_RECORD).clauses;
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private chooseStatement = this.RULE(
    "chooseStatement",
    (): A.ChooseStatement => {
      const keyword = this.CONSUME(T.Kw.choose);
      const node = this.begin<A.ChooseStatement>({
        kind: "Choose",
        prompt: undefined,
        options: [],
        clauses: [],
        start: tokenStart(keyword),
        end: tokenEnd(keyword),
      });
      node.prompt = this.SUBRULE(this.expression, ARGS_NO_RECORD);
      const body = this.SUBRULE(this.clauseBlock, ARGS_NO_RECORD);
      this.ACTION(() => {
        node.options = body?.options ?? [];
        node.clauses = body?.clauses ?? [];
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private clauseBlock = this.RULE(
    "clauseBlock",
    (withOptions: boolean): { clauses: A.QuestionClause[]; options: A.ChooseOption[]; start: number; end: number } => {
      const open = this.CONSUME(T.LBrace);
      const node = this.begin({ clauses: [] as A.QuestionClause[], options: [] as A.ChooseOption[], start: tokenStart(open), end: tokenEnd(open) });
      this.blockNesting++;
      try {
        this.MANY({
          GATE: this.notBlockStopper,
          DEF: () => {
            const item = this.OR(withOptions ? this.chooseItems : this.askItems);
            if (!item || this.recording) return;
            if (item.kind === "Option") node.options.push(item);
            else node.clauses.push(item);
          },
        });
      } finally {
        this.blockNesting--;
      }
      this.closeBrace();
      if (!this.recording) {
        node.options = exact(node.options);
        node.clauses = exact(node.clauses);
      }
      return this.finish(node);
    },
    {
      recoveryValueFunc: () =>
        (this.recovered() as { clauses: A.QuestionClause[]; options: A.ChooseOption[]; start: number; end: number } | undefined) ?? {
          clauses: [],
          options: [],
          start: 0,
          end: 0,
        },
    },
  );

  private clauseItems(withOptions: boolean) {
    return {
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        { ALT: (): undefined => void this.CONSUME(T.Newline) },
        { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
        {
          GATE: () => withOptions,
          ALT: (): A.ChooseOption => {
            const option = this.SUBRULE(this.chooseOption);
            this.expectItemEnd();
            return option;
          },
        },
        {
          ALT: (): A.QuestionClause => {
            const clause = this.SUBRULE(this.questionClause);
            this.expectItemEnd();
            return clause;
          },
        },
        {
          ALT: (): undefined =>
            void this.SUBRULE(this.junk, {
              ARGS: [withOptions ? "'option', 'invalid' or 'timeout'" : "'validate', 'invalid', 'timeout' or 'label'"],
            }),
        },
      ],
    };
  }

  // Two cached variants of one OR: the grammar is the same, the gate differs.
  private readonly chooseItems = this.clauseItems(true);
  private readonly askItems = this.clauseItems(false);

  private chooseOption = this.RULE(
    "chooseOption",
    (): A.ChooseOption => {
      const keyword = this.CONSUME(T.Kw.option);
      const node = this.begin<A.ChooseOption>({ kind: "Option", labels: [], then: undefined, start: tokenStart(keyword), end: tokenEnd(keyword) });
      pushNode(node.labels, this.SUBRULE(this.stringLiteral));
      this.MANY(this.optionLabel);
      if (!this.recording) node.labels = exact(node.labels);
      this.OPTION(this.optionThen);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  /** `, "label"` of the option being read (`current`); made once, as `optionThen`. */
  private readonly optionLabel = (): void => {
    this.CONSUME(T.Comma);
    const label = this.SUBRULE1(this.stringLiteral);
    if (!this.recording) pushNode(this.current<A.ChooseOption>().labels, label);
  };
  private readonly optionThen = (): void => {
    this.CONSUME(T.FatArrow);
    const statement = this.SUBRULE(this.statement);
    if (!this.recording) this.current<A.ChooseOption>().then = statement;
  };

  private questionClause = this.RULE(
    "questionClause",
    (): A.QuestionClause => {
      const start = this.startOf(this.LA(1));
      return this.OR({
        ERR_MSG: "a clause",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Kw.validate);
              const node = this.begin<A.ValidateClause>({ kind: "Validate", start, end: start });
              node.condition = this.SUBRULE(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.invalid);
              const node = this.begin<A.InvalidClause>({ kind: "Invalid", start, end: start });
              node.message = this.SUBRULE1(this.expression, ARGS_RECORD);
              this.OPTION(() => {
                this.CONSUME(T.Kw.retries);
                node.retries = this.SUBRULE(this.numberLiteral);
              });
              this.OPTION1(() => {
                this.CONSUME(T.FatArrow);
                node.then = this.SUBRULE(this.statement);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.timeout);
              const node = this.begin<A.TimeoutClause>({ kind: "Timeout", start, end: start });
              node.duration = this.SUBRULE(this.duration);
              this.OPTION2(() => {
                this.CONSUME1(T.FatArrow);
                node.then = this.SUBRULE1(this.statement);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Ctx.label);
              const node = this.begin<A.LabelClause>({ kind: "Label", start, end: start });
              node.value = this.SUBRULE2(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
        ],
      });
    },
    { recoveryValueFunc: this.recovered },
  );

  private elseBlock(): A.Block | undefined {
    let result: A.Block | undefined;
    this.OPTION9(() => {
      this.CONSUME9(T.Kw.else);
      result = this.SUBRULE9(this.block);
    });
    return result;
  }

  private letStatement = this.RULE(
    "letStatement",
    (): A.LetStatement => {
      const keyword = this.CONSUME(T.Kw.let);
      const node = this.begin<A.LetStatement>({ kind: "Let", start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Equals);
      node.value = this.SUBRULE(this.expression, ARGS_RECORD);
      const otherwise = this.elseBlock();
      if (otherwise) node.else = otherwise;
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private varStatement = this.RULE(
    "varStatement",
    (): A.VarStatement => {
      const keyword = this.CONSUME(T.Kw.var);
      const node = this.begin<A.VarStatement>({ kind: "Var", start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Colon);
      node.type = this.SUBRULE(this.type);
      this.OPTION(() => {
        this.CONSUME(T.Equals);
        node.value = this.SUBRULE(this.expression, ARGS_RECORD);
        const otherwise = this.elseBlock();
        if (otherwise) node.else = otherwise;
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private setStatement = this.RULE(
    "setStatement",
    (): A.SetStatement => {
      const keyword = this.CONSUME(T.Kw.set);
      const node = this.begin<A.SetStatement>({ kind: "Set", name: undefined, value: undefined, start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Equals);
      node.value = this.SUBRULE(this.expression, ARGS_RECORD);
      const otherwise = this.elseBlock();
      if (otherwise) node.else = otherwise;
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private runStatement = this.RULE(
    "runStatement",
    (): A.RunStatement => {
      const run = this.SUBRULE(this.runExpression);
      return { kind: "RunStatement", run, start: run?.start ?? 0, end: this.lastEnd() };
    },
    { recoveryValueFunc: this.recovered },
  );

  private callStatement = this.RULE(
    "callStatement",
    (): A.CallStatement => {
      const call = this.SUBRULE(this.callExpression);
      const node = this.begin<A.CallStatement>({ kind: "CallStatement", call, start: call?.start ?? 0, end: 0 });
      const otherwise = this.elseBlock();
      if (otherwise) node.else = otherwise;
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private returnStatement = this.RULE(
    "returnStatement",
    (): A.ReturnStatement => {
      const keyword = this.CONSUME(T.Kw.return);
      const node = this.begin<A.ReturnStatement>({ kind: "Return", start: tokenStart(keyword), end: tokenEnd(keyword) });
      this.OPTION(() => {
        node.value = this.SUBRULE(this.expression, ARGS_RECORD);
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private ifStatement = this.RULE(
    "ifStatement",
    (): A.IfStatement => {
      const keyword = this.CONSUME(T.Kw.if);
      const node = this.begin<A.IfStatement>({ kind: "If", condition: undefined, then: undefined, else: undefined, start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.condition = this.SUBRULE(this.expression, ARGS_NO_RECORD);
      node.then = this.SUBRULE(this.block);
      this.OPTION({
        // `else` may start the next line, unless it is a `match` arm's `else =>`.
        GATE: () =>
          this.LA(1).tokenType === T.Kw.else ||
          (this.LA(1).tokenType === T.Newline && this.LA(2).tokenType === T.Kw.else && this.LA(3).tokenType !== T.FatArrow),
        DEF: () => {
          this.OPTION1(() => this.CONSUME(T.Newline));
          this.CONSUME(T.Kw.else);
          this.OR([
            {
              ALT: () => {
                // An `else if` nests its `if` in the one before, and every
                // later stage recurses on the chain: an arm is half a level
                // of nesting (it costs them about half what a nested block
                // does, measured), and its own block one more.
                if (!this.recording && !this.nestingFits(1, 1)) {
                  this.reportTooManyArms(this.LA(1));
                  this.skipElseChain();
                  return;
                }
                this.armNesting++;
                try {
                  node.else = this.SUBRULE(this.ifStatement);
                } finally {
                  this.armNesting--;
                }
              },
            },
            { ALT: () => (node.else = this.SUBRULE1(this.block)) },
          ]);
        },
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private matchStatement = this.RULE(
    "matchStatement",
    (): A.MatchStatement => {
      const keyword = this.CONSUME(T.Kw.match);
      const node = this.begin<A.MatchStatement>({ kind: "Match", arms: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.subject = this.SUBRULE(this.expression, ARGS_NO_RECORD);
      this.CONSUME(T.LBrace);
      this.blockNesting++;
      try {
        this.MANY({
          GATE: this.notBlockStopper,
          DEF: () => {
            const arm = this.OR(this.matchItems);
            if (arm && !this.recording) node.arms.push(arm);
          },
        });
      } finally {
        this.blockNesting--;
      }
      this.closeBrace();
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private readonly matchItems = {
    IGNORE_AMBIGUITIES: true,
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: (): undefined => void this.CONSUME(T.Newline) },
      { ALT: (): undefined => void this.CONSUME(T.Semicolon) },
      {
        ALT: (): A.MatchArm => {
          const arm = this.SUBRULE(this.matchArm);
          this.expectItemEnd();
          return arm;
        },
      },
      { ALT: (): undefined => void this.SUBRULE(this.junk, { ARGS: ["a match arm (literal => statement)"] }) },
    ],
  };

  private matchArm = this.RULE(
    "matchArm",
    (): A.MatchArm => {
      const start = this.startOf(this.LA(1));
      const node = this.begin<A.MatchArm>({ kind: "MatchArm", patterns: [], isElse: false, start, end: start });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Kw.else);
            node.isElse = true;
          },
        },
        {
          ALT: () => {
            pushNode(node.patterns, this.SUBRULE(this.expression, ARGS_NO_RECORD));
            this.MANY(() => {
              this.CONSUME(T.Comma);
              pushNode(node.patterns, this.SUBRULE1(this.expression, ARGS_NO_RECORD));
            });
          },
        },
      ]);
      this.CONSUME(T.FatArrow);
      node.body = this.SUBRULE(this.statement);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private randomStatement = this.RULE(
    "randomStatement",
    (): A.RandomStatement => {
      const keyword = this.CONSUME(T.Kw.random);
      const node = this.begin<A.RandomStatement>({ kind: "Random", arms: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      this.CONSUME(T.LBrace);
      this.blockNesting++;
      try {
        this.MANY({
          GATE: () => this.notStopper(blockStoppers),
          DEF: () => {
            this.OR({
              IGNORE_AMBIGUITIES: true,
              MAX_LOOKAHEAD: 1,
              DEF: [
                { ALT: () => this.CONSUME(T.Newline) },
                { ALT: () => this.CONSUME(T.Semicolon) },
                {
                  ALT: () => {
                    pushNode(node.arms, this.SUBRULE(this.randomArm));
                    this.expectItemEnd();
                  },
                },
                { ALT: () => this.SUBRULE(this.junk, { ARGS: ["a weighted arm (number => statement)"] }) },
              ],
            });
          },
        });
      } finally {
        this.blockNesting--;
      }
      this.closeBrace();
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private randomArm = this.RULE(
    "randomArm",
    (): A.RandomArm => {
      const weight = this.SUBRULE(this.numberLiteral);
      const node = this.begin<A.RandomArm>({ kind: "RandomArm", weight, start: weight?.start ?? 0, end: 0 });
      this.CONSUME(T.FatArrow);
      node.body = this.SUBRULE(this.statement);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private gotoStatement = this.RULE(
    "gotoStatement",
    (): A.GotoStatement => {
      const keyword = this.CONSUME(T.Kw.goto);
      const node = this.begin<A.GotoStatement>({ kind: "Goto", target: undefined, start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.target = this.name(this.CONSUME(T.Identifier));
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private endStatement = this.RULE("endStatement", (): A.EndStatement => {
    const keyword = this.CONSUME(T.Kw.end);
    return { kind: "End", start: tokenStart(keyword), end: tokenEnd(keyword) };
  });

  private handoffStatement = this.RULE(
    "handoffStatement",
    (): A.HandoffStatement => {
      const keyword = this.CONSUME(T.Kw.handoff);
      const node = this.begin<A.HandoffStatement>({ kind: "Handoff", start: tokenStart(keyword), end: tokenEnd(keyword) });
      this.OPTION(() => {
        this.CONSUME(T.Kw.to);
        node.department = this.SUBRULE(this.expression, ARGS_RECORD);
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  // ---------------------------------------------------------- test statements

  private testStatement = this.RULE(
    "testStatement",
    (): A.TestStatement => {
      const start = this.startOf(this.LA(1));
      return this.OR({
        ERR_MSG: "a test statement",
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Kw.context);
              const value = this.SUBRULE(this.recordLiteral);
              return this.finish<A.TestContext>({ kind: "TestContext", value, start, end: start });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Ctx.clock);
              const node = this.begin<A.TestClock>({ kind: "TestClock", start, end: start });
              node.value = this.SUBRULE(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Ctx.seed);
              const node = this.begin<A.TestSeed>({ kind: "TestSeed", start, end: start });
              node.value = this.SUBRULE(this.numberLiteral);
              return this.finish(node);
            },
          },
          { ALT: () => this.SUBRULE(this.mockStatement) },
          {
            ALT: () => {
              this.CONSUME(T.Ctx.start);
              const node = this.begin<A.TestStart>({ kind: "TestStart", args: [], start, end: start });
              node.flow = this.name(this.CONSUME(T.Identifier));
              this.OPTION(() => {
                node.args = this.SUBRULE(this.argumentList);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.trigger);
              const node = this.begin<A.TestTrigger>({ kind: "TestTrigger", start, end: start });
              node.text = this.SUBRULE1(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.event);
              const node = this.begin<A.TestEvent>({ kind: "TestEvent", start, end: start });
              node.event = this.SUBRULE(this.stringLiteral);
              this.OPTION1(() => {
                node.payload = this.SUBRULE1(this.recordLiteral);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.reply);
              const node = this.begin<A.TestReply>({ kind: "TestReply", start, end: start });
              node.text = this.SUBRULE2(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.timeout);
              return this.finish<A.TestTimeout>({ kind: "TestTimeout", start, end: start });
            },
          },
          { ALT: () => this.SUBRULE(this.expectStatement) },
        ],
      });
    },
    { recoveryValueFunc: () => ofKind<A.TestStatement>(this.recovered(), testStatementKinds) },
  );

  private mockStatement = this.RULE(
    "mockStatement",
    (): A.TestMock => {
      const keyword = this.CONSUME(T.Kw.mock);
      const node = this.begin<A.TestMock>({ kind: "TestMock", start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.action = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => {
        node.args = this.SUBRULE(this.argumentList);
      });
      this.OPTION1(() => {
        this.OR([
          {
            ALT: () => {
              const returns = this.CONSUME(T.Kw.returns);
              const result: A.MockReturns = { kind: "MockReturns", start: tokenStart(returns), end: tokenEnd(returns) };
              node.result = result;
              result.value = this.SUBRULE(this.expression, ARGS_RECORD);
              this.finish(result);
            },
          },
          {
            ALT: () => {
              const fails = this.CONSUME(T.Kw.fails);
              node.result = { kind: "MockFails", start: tokenStart(fails), end: tokenEnd(fails) };
            },
          },
        ]);
      });
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private expectStatement = this.RULE(
    "expectStatement",
    (): A.TestStatement => {
      const keyword = this.CONSUME(T.Kw.expect);
      const start = this.startOf(keyword);
      return this.OR({
        ERR_MSG: "what to expect (say, media, ask, action, wait, handoff, end, error or a condition)",
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Kw.say);
              const node = this.begin<A.ExpectSay>({ kind: "ExpectSay", contains: false, start, end: start });
              this.OPTION({
                GATE: () => !statementEnds.has(this.LA(2).tokenType) && !T.continuationTokens.has(this.LA(2).tokenType),
                DEF: () => {
                  this.CONSUME(T.Ctx.contains);
                  node.contains = true;
                },
              });
              node.text = this.SUBRULE(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            GATE: () => !statementEnds.has(this.LA(2).tokenType) && !T.continuationTokens.has(this.LA(2).tokenType),
            ALT: () => {
              this.CONSUME(T.Ctx.media);
              const node = this.begin<A.ExpectMedia>({ kind: "ExpectMedia", start, end: start });
              node.url = this.SUBRULE1(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.ask);
              const node = this.begin<A.ExpectAsk>({ kind: "ExpectAsk", start, end: start });
              this.OPTION1({
                GATE: () => this.LA(1).tokenType !== T.Ctx.options,
                DEF: () => {
                  node.prompt = this.SUBRULE2(this.expression, ARGS_RECORD);
                },
              });
              this.OPTION2(() => {
                this.CONSUME(T.Ctx.options);
                const options: A.Expression[] = [];
                node.options = options;
                pushNode(options, this.SUBRULE3(this.expression, ARGS_RECORD));
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  pushNode(options, this.SUBRULE4(this.expression, ARGS_RECORD));
                });
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.action);
              const node = this.begin<A.ExpectAction>({ kind: "ExpectAction", start, end: start });
              node.action = this.name(this.CONSUME(T.Identifier));
              this.OPTION3(() => {
                node.args = this.SUBRULE(this.argumentList);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.wait);
              const node = this.begin<A.ExpectWait>({ kind: "ExpectWait", start, end: start });
              node.duration = this.SUBRULE(this.duration);
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.handoff);
              const node = this.begin<A.ExpectHandoff>({ kind: "ExpectHandoff", start, end: start });
              this.OPTION4(() => {
                this.CONSUME(T.Kw.to);
                node.department = this.SUBRULE5(this.expression, ARGS_RECORD);
              });
              return this.finish(node);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Kw.end);
              const node = this.begin<A.ExpectEnd>({ kind: "ExpectEnd", start, end: start });
              this.OPTION5(() => {
                node.reason = this.SUBRULE6(this.expression, ARGS_RECORD);
              });
              return this.finish(node);
            },
          },
          {
            GATE: () => statementEnds.has(this.LA(2).tokenType),
            ALT: () => {
              this.CONSUME(T.Ctx.error);
              return this.finish<A.ExpectError>({ kind: "ExpectError", start, end: start });
            },
          },
          {
            ALT: () => {
              const node = this.begin<A.ExpectCondition>({ kind: "ExpectCondition", start, end: start });
              node.condition = this.SUBRULE7(this.expression, ARGS_RECORD);
              return this.finish(node);
            },
          },
        ],
      });
    },
    { recoveryValueFunc: this.recovered },
  );

  // ---------------------------------------------------------- types

  private type = this.RULE(
    "type",
    (): A.TypeNode => {
      const outermost = this.typeNesting++ === 0;
      const links = this.links;
      let returned = false;
      try {
        const first = this.SUBRULE(this.postfixType);
        let union: A.UnionType | undefined;
        this.MANY(() => {
          this.CONSUME(T.Pipe);
          const next = this.SUBRULE1(this.postfixType);
          this.ACTION(() => {
            union ??= this.begin<A.UnionType>({ kind: "UnionType", types: [first], start: first.start, end: 0 });
            union.types.push(next);
            this.finish(union);
          });
        });
        const type = union ?? first;
        returned = true;
        // As in `expression`: only the outermost type is measured.
        return outermost && !this.recording && this.links - links > UNMEASURED_TYPE_LINKS ? this.limitDepth(type) : type;
      } finally {
        this.typeNesting--;
        if (outermost && !returned && this.links - links > UNMEASURED_TYPE_LINKS) this.unmeasured = true;
      }
    },
    { recoveryValueFunc: this.recovered },
  );

  private postfixType = this.RULE("postfixType", (): A.TypeNode => {
    let type = this.SUBRULE(this.primaryType);
    this.MANY(() => {
      this.links++;
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Question);
            this.ACTION(() => {
              type = { kind: "OptionalType", type, start: type.start, end: this.lastEnd() };
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            this.CONSUME(T.RBracket);
            this.ACTION(() => {
              type = { kind: "ListType", element: type, start: type.start, end: this.lastEnd() };
            });
          },
        },
      ]);
    });
    return type;
  });

  private primaryType = this.RULE("primaryType", (): A.TypeNode => {
    return this.OR({
      ERR_MSG: "a type",
      DEF: [
        {
          ALT: () => {
            const name = this.name(this.CONSUME(T.Identifier));
            return { kind: "TypeRef", name, start: name.start, end: name.end };
          },
        },
        {
          ALT: () => {
            const literal = this.SUBRULE(this.stringLiteral);
            return { kind: "LiteralType", literal, start: literal?.start ?? 0, end: literal?.end ?? 0 };
          },
        },
        {
          ALT: () => {
            const literal = this.SUBRULE(this.numberLiteral);
            return { kind: "LiteralType", literal, start: literal?.start ?? 0, end: literal?.end ?? 0 };
          },
        },
        {
          ALT: () => {
            const token = this.OR1([
              { ALT: () => this.CONSUME(T.Kw.true) },
              { ALT: () => this.CONSUME(T.Kw.false) },
            ]);
            const start = tokenStart(token);
            const end = tokenEnd(token);
            return { kind: "LiteralType", literal: { kind: "Boolean", value: token.image === "true", start, end }, start, end };
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(T.Kw.null);
            const start = tokenStart(token);
            const end = tokenEnd(token);
            return { kind: "LiteralType", literal: { kind: "Null", start, end }, start, end };
          },
        },
        {
          ALT: () => {
            const open = this.startOf(this.LA(1));
            const fields = this.SUBRULE(this.fieldList);
            return { kind: "RecordType", fields, start: open, end: this.lastEnd() };
          },
        },
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const node = this.begin<A.ParenType>({ kind: "ParenType", start: tokenStart(open), end: tokenEnd(open) });
            node.type = this.SUBRULE(this.type);
            this.CONSUME(T.RParen);
            return this.finish(node);
          },
        },
      ],
    });
  });

  // ---------------------------------------------------------- expressions

  /**
   * An expression. `noRecord`: a `{` here opens a block, not a record literal
   * (conditions, `match` subjects, prompts).
   *
   * The grammar reads a flat run `prefix* operand (binary prefix* operand)*`
   * and `buildExpression` applies the precedence of LANGUAGE §6 to it; one
   * rule instead of one per precedence level keeps the parser fast.
   */
  public expression = this.RULE(
    "expression",
    (noRecord: boolean): A.Expression => {
      // Operators are read inline rather than by rules of their own: a rule
      // call costs more than the token it reads. The run is read onto a
      // stack shared by nested expressions, with repetition bodies made
      // once: most expressions are one operand, and need no array and no
      // closures of their own.
      const stack = this.runStack;
      const base = stack.length;
      const outerArgs = this.runArgs;
      this.runArgs = noRecord ? ARGS_NO_RECORD : ARGS_RECORD;
      const outermost = this.expressionNesting++ === 0;
      const links = this.links;
      let returned = false;
      try {
        this.MANY(this.readPrefix);
        stack.push(this.SUBRULE(this.postfix, this.runArgs));
        this.MANY1(this.readOperation);
        if (this.recording) return undefined as unknown as A.Expression;
        // Undefined only when recovery lost every operand; callers treat the field as missing.
        const expression = (stack.length === base + 1 ? stack[base] : buildExpression(this.limitOperators(stack.slice(base)))) as A.Expression;
        returned = true;
        // Only the outermost expression is measured: it holds the others.
        return outermost && this.links - links > UNMEASURED_LINKS ? this.limitDepth(expression) : expression;
      } finally {
        // Also when recovery unwinds through here: the enclosing expression's run is below `base`.
        while (stack.length > base) stack.pop();
        this.runArgs = outerArgs;
        this.expressionNesting--;
        if (outermost && !returned && this.links - links > UNMEASURED_LINKS) this.unmeasured = true;
      }
    },
  );

  /** The runs of the `expression`s being read, innermost last (see `expression`). */
  private readonly runStack: ExpressionItem[] = [];
  /** The `postfix` arguments of the innermost `expression` being read. */
  private runArgs = ARGS_RECORD;
  private readonly readPrefix = (): void => {
    this.links++;
    this.runStack.push(this.OR(this.prefixOperators));
  };
  private readonly readPrefix2 = (): void => {
    this.links++;
    this.runStack.push(this.OR2(this.prefixOperators2));
  };
  /** A binary operator, prefixes, and the operand after them. */
  private readonly readOperation = (): void => {
    this.links++;
    this.runStack.push(this.OR1(this.binaryOperators));
    this.MANY2(this.readPrefix2);
    this.runStack.push(this.SUBRULE1(this.postfix, this.runArgs));
  };

  /**
   * The operator alternatives of `expression`. Each place that reads a token
   * type in one rule needs its own occurrence index (`-` is both a prefix and
   * a binary operator): 0 for the first prefix run, 1 for the binary
   * operator, 2 for the prefixes after it.
   */
  private readonly prefixOperators = [{ ALT: () => this.consume(0, T.Kw.not) }, { ALT: () => this.consume(0, T.Minus) }];
  private readonly prefixOperators2 = [{ ALT: () => this.consume(2, T.Kw.not) }, { ALT: () => this.consume(2, T.Minus) }];

  private readonly binaryOperators = [
    T.QuestionQuestion, T.Kw.or, T.Kw.and, T.EqualEqual, T.NotEqual, T.LessEqual, T.GreaterEqual, T.Less, T.Greater,
    T.Kw.in, T.Plus, T.Minus, T.Star, T.Slash, T.Percent,
  ].map((type) => ({ ALT: () => this.consume(1, type) }));

  private postfix = this.RULE(
    "postfix",
    (noRecord: boolean): A.Expression => {
      // The primary expression is read here rather than by a rule of its own
      // (most expressions are a single primary: one rule call instead of two).
      // `recordAllowed` is read by the record alternative's gate, which runs
      // before any alternative.
      this.recordAllowed = !noRecord;
      // The operand being extended is a field, so that the repetition's body
      // is made once (not a closure per call); nested `postfix`es (in an
      // index, in call arguments) keep the enclosing one's and restore it.
      const outer = this.postfixObject;
      try {
        this.postfixObject = this.OR(this.primaryKinds);
        this.MANY(this.readPostfixTail);
        return this.postfixObject as A.Expression;
      } finally {
        this.postfixObject = outer;
      }
    },
    { recoveryValueFunc: this.recovered },
  );

  /** The operand the innermost `postfix` is extending. */
  private postfixObject: A.Expression | undefined;
  private readonly readPostfixTail = (): void => {
    this.links++;
    const tail = this.OR1(this.postfixTails);
    if (this.recording) return;
    const object = this.postfixObject;
    tail.object = object as A.Expression;
    tail.start = object?.start ?? tail.start;
    this.postfixObject = tail;
  };

  private readonly postfixTails = [
    { ALT: (): A.MemberExpression | A.IndexExpression => this.SUBRULE(this.memberTail) },
    { ALT: (): A.MemberExpression | A.IndexExpression => this.SUBRULE(this.indexTail) },
  ];

  /** `.name` or `?.name`; `object` is filled in by `postfix`. */
  private memberTail = this.RULE("memberTail", (): A.MemberExpression => {
    const dot = this.OR(this.dots);
    const node = { kind: "Member", optional: dot.tokenType === T.QuestionDot, object: undefined, name: undefined, start: tokenStart(dot), end: tokenEnd(dot) } as unknown as A.MemberExpression;
    node.name = this.name(this.CONSUME(T.AnyWord));
    return this.finish(node);
  });

  private readonly dots = [{ ALT: () => this.CONSUME(T.Dot) }, { ALT: () => this.CONSUME(T.QuestionDot) }];

  /** `[index]`; `object` is filled in by `postfix`. */
  private indexTail = this.RULE("indexTail", (): A.IndexExpression => {
    const open = this.CONSUME(T.LBracket);
    const node = { kind: "Index", start: tokenStart(open), end: tokenEnd(open) } as A.IndexExpression;
    node.index = this.SUBRULE(this.expression, ARGS_RECORD);
    this.CONSUME(T.RBracket);
    return this.finish(node);
  });

  private recordAllowed = true;

  private readonly primaryKinds = {
    ERR_MSG: "an expression",
    IGNORE_AMBIGUITIES: true,
    DEF: [
      // The alternatives of `stringLiteral` and `numberLiteral`, inlined (see `postfix`).
      { ALT: (): A.Expression => this.simpleString(this.CONSUME(T.SimpleString)) },
      { ALT: (): A.Expression => this.SUBRULE(this.interpolatedString) },
      { ALT: (): A.Expression => this.SUBRULE(this.blockString) },
      { ALT: (): A.Expression => this.numberNode(this.CONSUME(T.NumberLiteral)) },
      {
        ALT: (): A.Expression => {
          const token = this.CONSUME(T.Kw.true);
          return { kind: "Boolean", value: true, start: tokenStart(token), end: tokenEnd(token) };
        },
      },
      {
        ALT: (): A.Expression => {
          const token = this.CONSUME(T.Kw.false);
          return { kind: "Boolean", value: false, start: tokenStart(token), end: tokenEnd(token) };
        },
      },
      {
        ALT: (): A.Expression => {
          const token = this.CONSUME(T.Kw.null);
          return { kind: "Null", start: tokenStart(token), end: tokenEnd(token) };
        },
      },
      {
        ALT: (): A.Expression => {
          const token = this.CONSUME(T.Kw.context);
          return { kind: "ContextRef", start: tokenStart(token), end: tokenEnd(token) };
        },
      },
      { ALT: (): A.Expression => this.SUBRULE(this.listLiteral) },
      { GATE: () => this.recordAllowed, ALT: (): A.Expression => this.SUBRULE(this.recordLiteral) },
      { ALT: (): A.Expression => this.SUBRULE(this.runExpression) },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: (): A.Expression => this.SUBRULE(this.callExpression) },
      {
        ALT: (): A.Expression => {
          const name = this.name(this.CONSUME(T.Identifier));
          return { kind: "NameRef", name, start: name.start, end: name.end };
        },
      },
      { ALT: (): A.Expression => this.SUBRULE(this.parenExpression) },
    ],
  };

  private parenExpression = this.RULE(
    "parenExpression",
    (): A.ParenExpression => {
      const open = this.CONSUME(T.LParen);
      const node = this.begin<A.ParenExpression>({ kind: "Paren", start: tokenStart(open), end: tokenEnd(open) });
      node.expression = this.SUBRULE(this.expression, ARGS_RECORD);
      this.CONSUME(T.RParen);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private callExpression = this.RULE(
    "callExpression",
    (): A.CallExpression => {
      const callee = this.name(this.CONSUME(T.Identifier));
      const node = this.begin<A.CallExpression>({ kind: "Call", callee, args: [], start: callee.start, end: callee.end });
      this.readArguments(node);
      return this.finish(node);
    },
    { recoveryValueFunc: () => this.recoveredCall<A.CallExpression>() },
  );

  private runExpression = this.RULE(
    "runExpression",
    (): A.RunExpression => {
      const keyword = this.CONSUME(T.Kw.run);
      const node = this.begin<A.RunExpression>({ kind: "Run", args: [], start: tokenStart(keyword), end: tokenEnd(keyword) });
      node.flow = this.name(this.CONSUME(T.Identifier));
      this.readArguments(node);
      return this.finish(node);
    },
    { recoveryValueFunc: () => this.recoveredCall<A.RunExpression>() },
  );

  /** `( a, b, )`: a trailing comma is allowed. */
  private argumentList = this.RULE(
    "argumentList",
    (): A.Expression[] => {
      const args: A.Expression[] = [];
      this.begin({ start: 0, end: 0, args });
      this.CONSUME(T.LParen);
      this.OPTION(() => {
        pushNode(args, this.SUBRULE(this.expression, ARGS_RECORD));
        this.MANY({
          GATE: this.notClosingParen,
          DEF: () => {
            this.CONSUME(T.Comma);
            pushNode(args, this.SUBRULE1(this.expression, ARGS_RECORD));
          },
        });
        this.OPTION1(() => this.CONSUME1(T.Comma));
      });
      this.CONSUME(T.RParen);
      return this.recording ? args : exact(args);
    },
    { recoveryValueFunc: () => ((this.recovered() as { args?: A.Expression[] } | undefined)?.args ?? []).filter(Boolean) },
  );

  private readonly notClosingParen = (): boolean => this.LA(2).tokenType !== T.RParen;

  private listLiteral = this.RULE(
    "listLiteral",
    (): A.ListLiteral => {
      const open = this.CONSUME(T.LBracket);
      const node = this.begin<A.ListLiteral>({ kind: "List", elements: [], start: tokenStart(open), end: tokenEnd(open) });
      this.OPTION(() => {
        pushNode(node.elements, this.SUBRULE(this.expression, ARGS_RECORD));
        this.MANY({
          GATE: () => this.LA(2).tokenType !== T.RBracket,
          DEF: () => {
            this.CONSUME(T.Comma);
            pushNode(node.elements, this.SUBRULE1(this.expression, ARGS_RECORD));
          },
        });
        this.OPTION1(() => this.CONSUME1(T.Comma));
      });
      this.CONSUME(T.RBracket);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private recordLiteral = this.RULE(
    "recordLiteral",
    (): A.RecordLiteral => {
      const open = this.CONSUME(T.LBrace);
      const node = this.begin<A.RecordLiteral>({ kind: "Record", fields: [], start: tokenStart(open), end: tokenEnd(open) });
      // A field whose string runs to the end of its line (FX1002) ends the
      // record there: its `}` is inside the string, and nothing more is reported.
      const unterminated = this.unterminatedStrings;
      this.MANY({
        GATE: () => this.unterminatedStrings === unterminated,
        DEF: () => this.OR({
          IGNORE_AMBIGUITIES: true,
          MAX_LOOKAHEAD: 1,
          DEF: [
            { ALT: () => this.CONSUME(T.Newline) },
            { ALT: () => this.CONSUME(T.Semicolon) },
            { ALT: () => this.CONSUME(T.Comma) },
            {
              GATE: () => this.LA(2).tokenType === T.Colon,
              ALT: () => {
                pushNode(node.fields, this.SUBRULE(this.recordField));
              },
            },
            { ALT: () => this.SUBRULE(this.junk, { ARGS: ["a field (name: value)"] }) },
          ],
        }),
      });
      if (this.unterminatedStrings === unterminated) this.closeBrace();
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private recordField = this.RULE(
    "recordField",
    (): A.RecordField => {
      const name = this.name(this.CONSUME(T.AnyWord));
      const node = this.begin<A.RecordField>({ kind: "RecordField", name, start: name.start, end: name.end });
      this.CONSUME(T.Colon);
      node.value = this.SUBRULE(this.expression, ARGS_RECORD);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  // ---------------------------------------------------------- literals

  private numberLiteral = this.RULE("numberLiteral", (): A.NumberLiteral => this.numberNode(this.CONSUME(T.NumberLiteral)));

  private numberNode(token: IToken): A.NumberLiteral {
    const node: A.NumberLiteral = {
      kind: "Number",
      value: Number(token.image),
      integer: !token.image.includes("."),
      raw: token.image,
      start: tokenStart(token),
      end: tokenEnd(token),
    };
    if (token.tokenType === T.InvalidNumber) {
      node.invalid = true;
      node.value = NaN;
    }
    return node;
  }

  private duration = this.RULE("duration", (): A.DurationLiteral => {
    const token = this.CONSUME(T.DurationLiteral);
    const node: A.DurationLiteral = {
      kind: "Duration",
      ms: durationMs(token.image) ?? NaN,
      raw: token.image,
      start: tokenStart(token),
      end: tokenEnd(token),
    };
    if (token.tokenType === T.InvalidNumber) node.invalid = true;
    return node;
  });

  public stringLiteral = this.RULE("stringLiteral", (): A.StringLiteral => this.OR(this.stringKinds), {
    recoveryValueFunc: this.recovered,
  });

  private readonly stringKinds = {
    ERR_MSG: "a string",
    DEF: [
      {
        // The common case, assembled by the lexer: a string without interpolation.
        ALT: (): A.StringLiteral => this.simpleString(this.CONSUME(T.SimpleString)),
      },
      { ALT: (): A.StringLiteral => this.SUBRULE(this.interpolatedString) },
      { ALT: (): A.StringLiteral => this.SUBRULE(this.blockString) },
    ],
  };

  /** The node of a `SimpleString` token (a one-line string without interpolation). */
  private simpleString(token: IToken): A.StringLiteral {
    const start = tokenStart(token);
    const end = tokenEnd(token);
    const value = simpleStringValue(token.image);
    const parts: A.StringLiteral["parts"] = value === "" ? [] : [{ kind: "StringText", value, start: start + 1, end: end - 1 }];
    return { kind: "String", block: false, parts, start, end };
  }

  private interpolatedString = this.RULE(
    "interpolatedString",
    (): A.StringLiteral => {
      const open = this.CONSUME(T.StringOpen);
      const node = this.begin<A.StringLiteral>({ kind: "String", block: false, parts: [], start: tokenStart(open), end: tokenEnd(open) });
      this.MANY(this.stringPart);
      const close = this.CONSUME(T.StringClose);
      // The lexer closes a string cut short by a line break with an empty token.
      if (close.image === "" && !this.recording) this.unterminatedStrings++;
      if (!this.recording) {
        mergeText(node);
        node.parts = exact(node.parts);
      }
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  /** One part of a one-line string, into the string being read (`current`). */
  private readonly stringPart = (): void => {
    const part = this.OR(this.stringParts);
    if (!this.recording) this.addPart(this.current<A.StringLiteral>(), part);
  };

  private blockString = this.RULE(
    "blockString",
    (): A.StringLiteral => {
      const open = this.CONSUME(T.BlockStringOpen);
      const node = this.begin<A.StringLiteral>({ kind: "String", block: true, parts: [], start: tokenStart(open), end: tokenEnd(open) });
      this.MANY(() => {
        const part = this.OR(this.blockStringParts);
        if (!this.recording) this.addPart(node, part);
      });
      this.CONSUME(T.BlockStringClose);
      if (!this.recording) trimBlockIndentation(node);
      return this.finish(node);
    },
    { recoveryValueFunc: this.recovered },
  );

  private readonly stringParts = [
    { ALT: (): IToken | A.Interpolation => this.CONSUME(T.StringText) },
    { ALT: (): IToken | A.Interpolation => this.CONSUME(T.Escape) },
    { ALT: (): IToken | A.Interpolation => this.SUBRULE(this.interpolation) },
  ];

  private readonly blockStringParts = [
    { ALT: (): IToken | A.Interpolation => this.CONSUME(T.BlockStringText) },
    { ALT: (): IToken | A.Interpolation => this.CONSUME(T.Escape) },
    { ALT: (): IToken | A.Interpolation => this.SUBRULE(this.interpolation) },
  ];

  /** Adds a text token, an escape, or an interpolation to a string being built. */
  private addPart(node: A.StringLiteral, part: IToken | A.Interpolation | undefined): void {
    if (!part) return;
    if ((part as A.Interpolation).kind === "Interpolation") {
      node.parts.push(part as A.Interpolation);
      return;
    }
    const token = part as IToken;
    const escape = token.tokenType === T.Escape;
    const value = escape ? decodeEscape(token.image) : token.image;
    const last = node.parts[node.parts.length - 1];
    const start = this.startOf(token);
    const end = start + token.image.length;
    if (last && last.kind === "StringText" && !escape && !(last as TextPart).escaped && last.end === start) {
      last.value += value;
      last.end = end;
    } else {
      const text: TextPart = { kind: "StringText", value, start, end };
      if (escape) text.escaped = true;
      node.parts.push(text);
    }
  }

  /** The expression of the interpolation being read (`current`): made once, not a closure per interpolation. */
  private readonly interpolationExpression = (): void => {
    const expression = this.SUBRULE(this.expression, ARGS_RECORD);
    if (!this.recording) this.current<A.Interpolation>().expression = expression;
  };

  private interpolation = this.RULE(
    "interpolation",
    (): A.Interpolation => {
      const open = this.CONSUME(T.InterpolationOpen);
      const node = this.begin<A.Interpolation>({ kind: "Interpolation", expression: undefined, start: tokenStart(open), end: tokenEnd(open) });
      const empty = this.LA(1).tokenType === T.InterpolationClose;
      this.OPTION(this.interpolationExpression);
      const close = this.CONSUME(T.InterpolationClose);
      if (!this.recording) {
        this.finish(node);
        this.interpolations.push(node);
        if (empty && close.image === "}") {
          this.extra.push(
            diagnostic("FX1003", { problem: "empty interpolation '{}': expected an expression (write \\{ for a literal brace)" }, this.uri, node),
          );
        }
      }
      return node;
    },
    {
      recoveryValueFunc: () => {
        const node = this.recovered() as A.Interpolation | undefined;
        if (node) {
          this.interpolations.push(node);
          // Recovery resumes before the closing brace; step over it so the string goes on.
          if (this.LA(1).tokenType === T.InterpolationClose) {
            (this as unknown as ParserInternals).consumeToken();
            node.end = this.lastEnd();
          }
        }
        return node as A.Interpolation;
      },
    },
  );
}

/** An operand, or an operator token, of an expression's flat run. */
type ExpressionItem = A.Expression | IToken | undefined;

const binaryPrecedence: Record<string, number> = {
  "??": 1,
  or: 2,
  and: 3,
  "==": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, in: 5,
  "+": 6, "-": 6,
  "*": 7, "/": 7, "%": 7,
};
/** `not` binds looser than comparisons (`not x in xs` is `not (x in xs)`), tighter than `and`. */
const notOperandPrecedence = 5;

function isToken(item: ExpressionItem): item is IToken {
  return item !== undefined && (item as IToken).tokenType !== undefined;
}

/**
 * Precedence climbing over `prefix* operand (binary prefix* operand)*`
 * (LANGUAGE §6: postfix, unary -, * / %, + -, comparisons and in, not, and,
 * or, ??; binary operators associate to the left). Operands that recovery
 * dropped are undefined and leave the enclosing node's field unset.
 */
function buildExpression(run: ExpressionItem[]): A.Expression | undefined {
  let index = 0;
  const rangeEnd = (node: A.Expression | undefined, fallback: number): number => node?.end ?? fallback;

  const unit = (): A.Expression | undefined => {
    const item = run[index];
    if (isToken(item)) {
      index++;
      const operator = item.image === "not" ? "not" : "-";
      const operand = operator === "not" ? climb(notOperandPrecedence) : unit();
      const node: A.UnaryExpression = {
        kind: "Unary",
        operator,
        operand,
        start: item.startOffset,
        end: rangeEnd(operand, item.startOffset + item.image.length),
      };
      return node;
    }
    index++;
    return item;
  };

  const climb = (minimum: number): A.Expression | undefined => {
    let left = unit();
    for (;;) {
      const operator = run[index];
      if (!isToken(operator)) return left;
      const precedence = binaryPrecedence[operator.image] ?? 0;
      if (precedence < minimum) return left;
      index++;
      const right = climb(precedence + 1);
      if (!left) {
        // The left operand was lost to recovery: keep what follows.
        left = right;
        continue;
      }
      const node: A.BinaryExpression = {
        kind: "Binary",
        operator: operator.image as A.BinaryOperator,
        left,
        right,
        start: left.start,
        end: rangeEnd(right, operator.startOffset + operator.image.length),
      };
      left = node;
    }
  };

  return climb(0);
}

/** Joins adjacent text parts (escapes were kept apart while lexing). */
function mergeText(node: A.StringLiteral): void {
  let adjacent = false;
  for (let i = 1; i < node.parts.length; i++) {
    if (node.parts[i]!.kind === "StringText" && node.parts[i - 1]!.kind === "StringText") {
      adjacent = true;
      break;
    }
  }
  if (!adjacent) {
    for (const part of node.parts) if (part.kind === "StringText") delete (part as TextPart).escaped;
    return;
  }
  const parts: (A.StringText | A.Interpolation)[] = [];
  for (const part of node.parts) {
    const last = parts[parts.length - 1];
    if (part.kind === "StringText" && last?.kind === "StringText") {
      last.value += part.value;
      last.end = part.end;
    } else parts.push(part.kind === "StringText" ? { kind: "StringText", value: part.value, start: part.start, end: part.end } : part);
  }
  node.parts = parts;
}

const declarationNodeKinds: ReadonlySet<string> = new Set(["Import", "Context", "TypeAlias", "Action", "Flow", "Test"]);
const statementNodeKinds: ReadonlySet<string> = new Set([
  "Say", "SayMedia", "Wait", "Ask", "Choose", "CallStatement", "Let", "Var", "Set", "RunStatement", "Return", "If", "Match",
  "Random", "Goto", "End", "Handoff", "Block",
]);
const testStatementKinds: ReadonlySet<string> = new Set([
  "TestContext", "TestClock", "TestSeed", "TestMock", "TestStart", "TestTrigger", "TestEvent", "TestReply", "TestTimeout",
  "ExpectSay", "ExpectMedia", "ExpectAsk", "ExpectAction", "ExpectWait", "ExpectHandoff", "ExpectEnd", "ExpectError",
  "ExpectCondition",
]);

/** Appends a parsed child, unless recovery lost it (lists never hold holes). */
function pushNode<N>(list: N[], node: N | undefined): void {
  if (node !== undefined && node !== null) list.push(node);
}

/** A node recovery handed up, if it is of one of `kinds` (a partial expression is not a statement). */
function ofKind<N>(node: unknown, kinds: ReadonlySet<string>): N {
  return (node && kinds.has((node as { kind: string }).kind) ? node : undefined) as N;
}

/** What recovery handed up to the statement rule, as a statement: calls and runs are wrapped, other pieces dropped. */
function asStatement(node: unknown): A.Statement {
  const partial = node as A.Node | undefined;
  if (!partial) return undefined as unknown as A.Statement;
  if (statementNodeKinds.has(partial.kind)) return partial as A.Statement;
  if (partial.kind === "Call") return { kind: "CallStatement", call: partial, start: partial.start, end: partial.end };
  if (partial.kind === "Run") return { kind: "RunStatement", run: partial, start: partial.start, end: partial.end };
  return undefined as unknown as A.Statement;
}

/** A `body` line of an HTTP block, while parsing. */
interface HttpBody {
  kind: "Body";
  start: number;
  end: number;
  value?: A.Expression;
}
type HttpItem = A.HttpHeader | HttpBody | A.DurationLiteral;

/** Text parts remember whether they came from an escape, so that block-string trimming leaves escapes alone. */
interface TextPart extends A.StringText {
  escaped?: true;
}

/**
 * Kotlin's `trimIndent` for `"""` strings: drops a blank first and last line
 * and removes the common indentation of the non-blank lines. Interpolations
 * count as content; escaped characters are content too (never trimmed).
 */
function trimBlockIndentation(node: A.StringLiteral): void {
  // Split the parts into lines of segments.
  type Segment = { part: A.StringText | A.Interpolation; text?: string; escaped: boolean; start: number };
  const lines: Segment[][] = [[]];
  for (const part of node.parts) {
    if (part.kind === "Interpolation") {
      lines[lines.length - 1]!.push({ part, escaped: false, start: part.start });
      continue;
    }
    const escaped = (part as TextPart).escaped === true;
    if (escaped) {
      lines[lines.length - 1]!.push({ part, text: part.value, escaped, start: part.start });
      continue;
    }
    const pieces = part.value.split(/\r\n|\r|\n/);
    let offset = part.start;
    const raw = part.value;
    let cursor = 0;
    pieces.forEach((piece, index) => {
      if (index > 0) {
        // Advance past the line break in the raw text.
        const breakLength = raw.startsWith("\r\n", cursor) ? 2 : 1;
        cursor += breakLength;
        offset += breakLength;
        lines.push([]);
      }
      lines[lines.length - 1]!.push({ part, text: piece, escaped: false, start: offset });
      cursor += piece.length;
      offset += piece.length;
    });
  }
  const isBlank = (line: Segment[]): boolean => line.every((s) => !s.escaped && s.text !== undefined && /^[ \t]*$/.test(s.text));
  // A blank first and last line are dropped (both, as Kotlin's trimIndent
  // does, even when they are the only two lines).
  const dropFirst = lines.length > 1 && isBlank(lines[0]!);
  const dropLast = lines.length > 1 && isBlank(lines[lines.length - 1]!);
  if (dropLast) lines.pop();
  if (dropFirst) lines.shift();
  let indent = Infinity;
  for (const line of lines) {
    if (isBlank(line)) continue;
    const first = line[0];
    const lead = first && !first.escaped && first.text !== undefined ? /^[ \t]*/.exec(first.text)![0].length : 0;
    indent = Math.min(indent, lead);
  }
  if (!Number.isFinite(indent)) indent = 0;
  const parts: (A.StringText | A.Interpolation)[] = [];
  const pushText = (value: string, start: number, end: number): void => {
    const last = parts[parts.length - 1];
    if (last && last.kind === "StringText") {
      last.value += value;
      last.end = end;
    } else parts.push({ kind: "StringText", value, start, end });
  };
  lines.forEach((line, lineIndex) => {
    if (lineIndex > 0) {
      const previous = parts[parts.length - 1];
      const at = line[0]?.start ?? previous?.end ?? node.start;
      pushText("\n", previous?.end ?? at, at);
    }
    // Every line loses the common indentation; a blank line keeps what it has
    // beyond it (as Kotlin's trimIndent does).
    let toTrim = indent;
    for (const segment of line) {
      if (segment.part.kind === "Interpolation") {
        parts.push(segment.part);
        toTrim = 0;
        continue;
      }
      let text = segment.text ?? "";
      let start = segment.start;
      if (toTrim > 0 && !segment.escaped) {
        const lead = /^[ \t]*/.exec(text)![0].length;
        const cut = Math.min(lead, toTrim);
        text = text.slice(cut);
        start += cut;
        toTrim = cut < lead || text.length > 0 ? 0 : toTrim - cut;
      } else toTrim = 0;
      if (text.length > 0) pushText(text, start, start + text.length);
    }
  });
  node.parts = parts;
}

let parser: FluxoParser | undefined;

/** The lookahead strategy parsers are built with (see `lookahead.ts`). */
let lookahead: "indexed" | "chevrotain" = "indexed";

/**
 * Internal, for tests: builds the parser again with `IndexedLookahead` or
 * with Chevrotain's own `LLkLookaheadStrategy`, which must parse the same.
 */
export function useLookahead(kind: "indexed" | "chevrotain"): void {
  if (kind === lookahead) return;
  lookahead = kind;
  // Building a parser takes a while: each strategy keeps its own.
  [parser, otherParser] = [otherParser, parser];
}
let otherParser: FluxoParser | undefined;

/** The range an error about a token underlines: a newline token only up to its line break. */
function errorRange(token: IToken, offset: number): A.Range {
  if (token.tokenType === EOF) return { start: offset, end: offset };
  if (token.tokenType === T.Newline) return { start: offset, end: offset + (token.image.startsWith("\r\n") ? 2 : 1) };
  return { start: offset, end: offset + token.image.length };
}

/** Builds the parser with Chevrotain's grammar validations on; throws if the grammar is ambiguous or malformed. */
export function validateGrammar(): void {
  new FluxoParser(true);
}

/** The outermost record literal whose range holds `offset` (within a statement: one that spans lines). */
function outermostRecordAt(declarations: readonly (A.Declaration | undefined)[], offset: number): A.RecordLiteral | undefined {
  const declaration = declarations.find((d) => d !== undefined && d.start <= offset && offset < d.end);
  if (!declaration) return undefined;
  let found: A.RecordLiteral | undefined;
  const visit = (node: A.Node): void => {
    if (found) return;
    if (node.kind === "Record" && node.start <= offset && offset <= node.end) {
      found = node;
      return;
    }
    forEachChild(node, (child) => {
      if (child.start <= offset && offset <= child.end) visit(child);
    });
  };
  visit(declaration);
  return found;
}

/** The furthest end of the ranges of a node and its descendants. */
function furthestEnd(node: A.Node): number {
  let end = node.end;
  forEachChild(node, (child) => {
    end = Math.max(end, furthestEnd(child));
  });
  return end;
}

/**
 * Adds `step` to a flow's `steps`, kept in source order (a duplicate is
 * reported on the later one, and `goto` goes to the first).
 */
function insertStep(steps: A.Step[], step: A.Step): void {
  let index = steps.length;
  while (index > 0 && steps[index - 1]!.start > step.start) index--;
  steps.splice(index, 0, step);
}

/** How many operators one expression may hold (see `limitOperators`). */
const MAX_OPERATORS = 2 * MAX_NESTING;
/**
 * How many levels one expression may nest: each operator, bracket, string,
 * and postfix link (`.name`, `?.name`, `[index]`) is one. The lexer bounds
 * brackets and strings (`MAX_NESTING`), and `MAX_OPERATORS` the operators
 * of one run, but a chain of links, or runs of operators nested in
 * brackets, are as deep as they are long, and every later stage (checker,
 * flow analysis, lowering, formatter, editor queries) walks them
 * recursively. The limit is the operators of one run plus `MAX_NESTING`
 * levels for what surrounds it and its operands: a run of `MAX_OPERATORS`
 * operators fits inside as many brackets, strings and interpolations as the
 * lexer allows, with string, `p.q` or `l[0]` operands (a leaf's string is
 * counted by the lexer too, and a flow's block leaves a level for a link).
 * The deepest expression it allows, a chain of 300 links in 99 nested
 * `if`s, needs about 705 KB of Node's default 984 KB stack, most of it in
 * the formatter (measured with `node --stack-size`, running every stage of
 * `test/depth-limits.test.ts`).
 */
const MAX_DEPTH = MAX_OPERATORS + MAX_NESTING;
/**
 * How many levels one type may nest: each bracket, `?` and `[]` is one.
 * As deep as a type alias may expand (`check.ts`, `MAX_TYPE_DEPTH`).
 */
const MAX_TYPE_DEPTH = 2 * MAX_NESTING;
/**
 * An expression (a type) with at most this many links and operators cannot
 * be deeper than `MAX_DEPTH` (`MAX_TYPE_DEPTH`): its brackets and strings
 * nest at most `MAX_NESTING` deep. It is not walked.
 */
const UNMEASURED_LINKS = MAX_DEPTH - MAX_NESTING;
const UNMEASURED_TYPE_LINKS = MAX_TYPE_DEPTH - MAX_NESTING;

/** Node kinds that are one level of an expression's or a type's depth. */
const levelKinds: ReadonlySet<string> = new Set([
  "Member", "Index", "Binary", "Unary", "Paren", "List", "Record", "Call", "Run", "String",
  "ListType", "OptionalType", "ParenType", "RecordType",
]);
/** Node kinds inside an expression or type that add no level of their own. */
const passKinds: ReadonlySet<string> = new Set(["RecordField", "Interpolation", "Field", "UnionType", "LiteralType"]);
const expressionKinds: ReadonlySet<string> = new Set([
  "String", "Number", "Duration", "Boolean", "Null", "List", "Record", "NameRef", "ContextRef", "Member", "Index", "Call", "Run",
  "Unary", "Binary", "Paren",
]);
const typeKinds: ReadonlySet<string> = new Set(["TypeRef", "LiteralType", "UnionType", "OptionalType", "ListType", "RecordType", "ParenType"]);

/**
 * Cuts the expressions and types in `root` that are deeper than `MAX_DEPTH`
 * (`MAX_TYPE_DEPTH`) levels, without recursion (the tree may be far too deep for it). The
 * first node found one level too deep is reported (`report`, once); each
 * node too deep is replaced by its deepest expression (or type) below, so
 * a chain keeps as many links as the limit allows and loses the rest. Other
 * nodes (statements, declarations) are walked through, not measured.
 * Returns `root`, or what replaced it.
 */
function limitTreeDepth(root: A.Node, report: (node: A.Node) => void): A.Node {
  const heights = new Map<A.Node, number>();
  const replacements = new Map<A.Node, A.Node>();
  let reported = false;
  const stack: { node: A.Node; children: A.Node[] | undefined }[] = [{ node: root, children: undefined }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.children === undefined) {
      const children: A.Node[] = [];
      forEachChild(frame.node, (child) => void children.push(child));
      frame.children = children;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, children: undefined });
      continue;
    }
    stack.pop();
    const node = frame.node;
    let deepest = 0;
    for (const child of frame.children) {
      const replacement = replacements.get(child);
      if (replacement) replaceChild(node, child, replacement);
      deepest = Math.max(deepest, heights.get(replacement ?? child) ?? 0);
    }
    const level = levelKinds.has(node.kind) ? 1 : passKinds.has(node.kind) ? 0 : undefined;
    // Statements and declarations are not measured: the expressions in them are, each on its own.
    if (level === undefined) continue;
    const height = deepest + level;
    if (height <= (typeKinds.has(node.kind) ? MAX_TYPE_DEPTH : MAX_DEPTH)) {
      if (height > 0) heights.set(node, height);
      continue;
    }
    if (!reported) {
      reported = true;
      report(node);
    }
    const below = deepestBelow(node, heights);
    if (below) {
      replacements.set(node, below);
      heights.set(node, heights.get(below) ?? 0);
    }
  }
  return replacements.get(root) ?? root;
}

/** The deepest expression (for an expression) or type (for a type) below `node`, by `heights`. */
function deepestBelow(node: A.Node, heights: ReadonlyMap<A.Node, number>): A.Node | undefined {
  const kinds = typeKinds.has(node.kind) ? typeKinds : expressionKinds;
  let current = node;
  for (;;) {
    let deepest: A.Node | undefined;
    let height = -1;
    forEachChild(current, (child) => {
      const h = heights.get(child) ?? 0;
      if (h > height) {
        deepest = child;
        height = h;
      }
    });
    if (!deepest) return undefined;
    if (kinds.has(deepest.kind)) return deepest;
    current = deepest;
  }
}

/** Puts `replacement` where `parent` holds `child`. */
function replaceChild(parent: A.Node, child: A.Node, replacement: A.Node): void {
  const fields = parent as unknown as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (value === child) fields[key] = replacement;
    else if (Array.isArray(value)) {
      const index = value.indexOf(child);
      if (index >= 0) value[index] = replacement;
    }
  }
}

/** What an FX1001 about a node one level too deep underlines: the link, operator or bracket it adds. */
function tooDeepRange(node: A.Node, text: string): A.Range {
  const at = (start: number, length: number): A.Range => ({ start, end: Math.min(start + length, Math.max(start, node.end)) });
  switch (node.kind) {
    case "Member":
    case "Index":
      return node.object ? { start: node.object.end, end: node.end } : at(node.start, 1);
    case "ListType":
      return { start: node.element.end, end: node.end };
    case "OptionalType":
      return { start: node.type.end, end: node.end };
    case "Binary": {
      let start = node.left.end;
      while (start < node.end && /\s/.test(text[start] ?? "")) start++;
      return text.startsWith(node.operator, start) ? at(start, node.operator.length) : { start: node.left.end, end: node.right?.start ?? node.end };
    }
    case "Unary":
      return at(node.start, node.operator.length);
    case "Call":
      return { start: node.callee.start, end: node.callee.end };
    case "String":
      return at(node.start, node.block ? 3 : 1);
    default:
      return at(node.start, 1);
  }
}

/** Is an item of an expression run an operator token (rather than an operand node)? */
function isOperatorToken(item: ExpressionItem): item is IToken {
  return item !== undefined && item !== null && (item as IToken).tokenType !== undefined;
}

/** The number of values of the sorted `values` below `offset`. */
function lowerBound(values: readonly number[], offset: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function insideAny(ranges: readonly A.Range[], offset: number): boolean {
  for (const range of ranges) if (offset >= range.start && offset < range.end) return true;
  return false;
}

/**
 * Parses a file into its AST and syntax diagnostics. Never throws: any text
 * yields a tree (possibly partial) and the diagnostics that explain it.
 */
export function parse(text: string, uri = "untitled.flow"): ParseResult {
  return parseInChunks(text, uri, STREAM_CHUNK);
}

/**
 * `parse`, with the lexer streaming chunks of about `chunkSize` characters
 * to the parser (see `TokenStream`). The result does not depend on the
 * chunk size; tests parse with tiny chunks to check it.
 */
export function parseInChunks(text: string, uri: string, chunkSize: number): ParseResult {
  try {
    return parseUnsafe(text, uri, chunkSize);
  } catch (error) {
    // A bug in the parser must not take down the CLI or the language server:
    // report it as a diagnostic on the whole file and return an empty tree.
    parser = undefined;
    const message = error instanceof Error ? error.message : String(error);
    return {
      file: { kind: "SourceFile", uri, declarations: [], comments: [], start: 0, end: text.length },
      diagnostics: [
        diagnostic("FX1001", { expected: "a file the parser can read", found: `an internal parser error (${message})` }, uri, {
          start: 0,
          end: Math.min(1, text.length),
        }),
      ],
    };
  }
}

/** The shared parser, reset to read `tokens` of a text of `textLength` characters. */
function parserFor(tokens: IToken[], uri: string, text: string): FluxoParser {
  const textLength = text.length;
  parser ??= new FluxoParser();
  parser.uri = uri;
  parser.textLength = textLength;
  parser.text = text;
  parser.links = 0;
  parser.unmeasured = false;
  parser.blockNesting = 0;
  parser.armNesting = 0;
  parser.extra = [];
  parser.interpolations = [];
  parser.missingBraces = new Set();
  parser.readVector(tokens);
  return parser;
}

function parseUnsafe(text: string, uri: string, chunkSize: number): ParseResult {
  // The parser reads the tokens as they are lexed (`readFrom`).
  const lexed = new TokenStream(text, uri, chunkSize);
  const parser = parserFor([], uri, text);
  parser.readFrom(lexed);
  const declarations = parser.sourceFile() ?? [];
  const errors = parser.errors;
  // Each outermost expression and type is measured as it is read (`limitDepth`),
  // but recovery may hand a rule the partial tree of a failed one, unmeasured.
  if (parser.unmeasured) {
    for (const declaration of declarations) if (declaration) parser.limitDepth(declaration);
  }
  parser.text = "";
  // Let go of the token vector: the parser is reused, the tokens are not.
  parser.input = [];
  // The parser stops at the end of the input, so the whole text is lexed:
  // the lexer's diagnostics, comments and silenced ranges are complete.
  while (lexed.next());


  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const syntax: Diagnostic[] = [];
  for (const error of errors as IRecognitionException[]) {
    const token = error.token;
    const offset = token.tokenType === EOF || Number.isNaN(token.startOffset) ? text.length : token.startOffset;
    if (insideAny(lexed.silenced, offset)) continue;
    let args: { expected: string; found: string };
    try {
      args = JSON.parse(error.message) as { expected: string; found: string };
    } catch {
      args = { expected: "something else", found: error.message };
    }
    const range = errorRange(token, offset);
    if (insideAny(parser.interpolations, offset)) {
      syntax.push(
        diagnostic("FX1003", { problem: `malformed interpolation: expected ${args.expected}, found ${args.found}` }, uri, range),
      );
    } else syntax.push(diagnostic("FX1001", args, uri, range));
  }
  for (const extra of parser.extra) {
    if (insideAny(lexed.silenced, extra.range.start)) continue;
    if (extra.code === "FX1001" && insideAny(parser.interpolations, extra.range.start)) {
      syntax.push(diagnostic("FX1003", { problem: `malformed interpolation: ${extra.message}` }, uri, extra.range));
    } else syntax.push(extra);
  }
  // One syntax error per statement (§8): recovery resumes at the end of the
  // statement, so a second error in the same statement is a consequence of
  // the first. A statement here is a line, or the part of a line between
  // `;`s (a `;` ends a statement).
  syntax.sort((a, b) => a.range.start - b.range.start);
  // Lines and `;`s are only needed when there are syntax errors to deduplicate.
  const lineOf = syntax.length > 0 ? new LineIndex(text) : undefined;
  const semicolons = lexed.semicolons;
  const reportedStatements = new Set<string>();
  const seenOffsets = new Set<number>();
  for (const d of syntax) {
    if (seenOffsets.has(d.range.start)) continue;
    seenOffsets.add(d.range.start);
    if (d.code === "FX1001") {
      // A record literal may span lines inside one statement: its errors are one statement's.
      const record = outermostRecordAt(declarations, d.range.start);
      const line = lineOf!.positionAt(d.range.start).line;
      const lineStart = lineOf!.lineStarts[line]!;
      const statement = record
        ? `record ${record.start}`
        : `${line}:${lowerBound(semicolons, d.range.start) - lowerBound(semicolons, lineStart)}`;
      if (reportedStatements.has(statement)) continue;
      reportedStatements.add(statement);
    }
    diagnostics.push(d);
  }

  diagnostics.sort((a, b) => a.range.start - b.range.start);

  const file: A.SourceFile = {
    kind: "SourceFile",
    uri,
    declarations: declarations.filter(Boolean),
    comments: lexed.comments,
    start: 0,
    end: text.length,
  };
  // A declaration whose error recovery ran into the end of the file was never
  // closed (its range still ends at its first word): it ends with the file.
  const last = file.declarations[file.declarations.length - 1];
  if (last && diagnostics.length > 0 && furthestEnd(last) > last.end) last.end = text.length;
  attachDocComments(file, text);
  return { file, diagnostics };
}

/**
 * Parses the text of exactly one step (`step name { … }`), for incremental
 * re-parsing (`reparse.ts`). Offsets in the result are relative to the start
 * of `text`. Returns undefined unless the text is one step and nothing else,
 * without any lexical or syntax error: the caller then parses the whole file,
 * which also reports the errors.
 */
export function parseStepText(text: string, uri: string): { step: A.Step; comments: A.Comment[] } | undefined {
  try {
    const lexed = tokenize(text, uri);
    if (lexed.diagnostics.length > 0) return undefined;
    const parser = parserFor(lexed.tokens, uri, text);
    // A step invoked as the top rule also reports input left after it.
    const step = parser.step();
    const clean = parser.errors.length === 0 && parser.extra.length === 0;
    parser.input = [];
    parser.text = "";
    return clean && step?.name !== undefined ? { step, comments: lexed.comments } : undefined;
  } catch {
    parser = undefined;
    return undefined;
  }
}

/** Attaches `///` comments to the declaration, step or field that follows them. */
function attachDocComments(file: A.SourceFile, text: string): void {
  const docs = file.comments.filter((c) => c.style === "doc");
  if (docs.length === 0) return;
  const docFor = (start: number): string | undefined => {
    // The doc comments directly above `start`, each on its own line.
    const lines: string[] = [];
    let cursor = start;
    for (let i = docs.length - 1; i >= 0; i--) {
      const comment = docs[i]!;
      if (comment.end > cursor) continue;
      const between = text.slice(comment.end, cursor);
      if (!/^[ \t]*(\r\n|\r|\n)[ \t]*$/.test(between)) break;
      lines.unshift(comment.text.replace(/^\/\/\/ ?/, ""));
      cursor = comment.start;
    }
    return lines.length > 0 ? lines.join("\n") : undefined;
  };
  const visitFields = (fields: A.FieldDecl[]): void => {
    for (const field of fields) {
      const doc = docFor(field.start);
      if (doc !== undefined) field.doc = doc;
    }
  };
  for (const declaration of file.declarations) {
    if (declaration.kind !== "Import") {
      const doc = docFor(declaration.start);
      if (doc !== undefined) declaration.doc = doc;
    }
    if (declaration.kind === "Context") visitFields(declaration.fields);
    if (declaration.kind === "TypeAlias" && declaration.type?.kind === "RecordType") visitFields(declaration.type.fields);
    if (declaration.kind === "Flow") {
      for (const step of declaration.steps) {
        const doc = docFor(step.start);
        if (doc !== undefined) step.doc = doc;
      }
    }
  }
}

/** The parser's grammar, for tooling that wants to inspect it (e.g. diagrams). */
export function grammarProductions(): ReturnType<FluxoParser["getGAstProductions"]> {
  parser ??= new FluxoParser();
  return parser.getGAstProductions();
}
