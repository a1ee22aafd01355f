//! The printer: Fluxo's AST to Prettier documents, one canonical layout
//! (TOOLING §4; the rules are listed in the package README).
//!
//! Newlines end statements in Fluxo, so a line may only break where the
//! lexer drops the newline: inside `( )` and `[ ]`, inside record braces,
//! and after `,` or a binary operator (`|` between types included). Every
//! `line`/`softline` below sits at such a place; everything else is joined
//! with plain spaces. The printer prints every token it is given, in order,
//! so the tree read back is the tree that was printed (the formatting API
//! checks this after every run).
//!
//! Strings are printed from their source text, byte for byte; a `"""`
//! block is re-indented (its common indentation is relative to itself, so
//! moving it keeps its value). Comments go through Prettier's attachment
//! (`comments.ts`).

import { doc, util, type AstPath, type Doc, type ParserOptions } from "prettier";
import type * as A from "@fluxo/compiler";
import {
  commentsIn,
  hasCommentIn,
  printBeforeBraceComments,
  printDanglingLines,
  printLeftoverComments,
  printOpenComments,
} from "./comments.js";
import type { FluxoComment } from "./parse.js";

const { group, indent, line, softline, hardline, literalline, join, ifBreak, fill, markAsRoot } = doc.builders;

type Selector = string | number | (string | number)[];
type Print = (selector?: Selector | AstPath, args?: unknown) => Doc;
type Options = ParserOptions<A.Node>;

/** Arguments a container passes to an arm it aligns: the width its head is padded to. */
interface ArmArgs {
  alignTo: number;
}

/** Nodes whose contents are indented one level: they give the indentation of a nested arm. */
const indentingKinds: ReadonlySet<string> = new Set(["Flow", "Step", "Test", "Block", "Match", "Random", "Choose", "Ask"]);

const indentWidth = 4;

/** Every comment Prettier attaches (all comments outside strings), in source order. */
function fileComments(options: Options): readonly FluxoComment[] {
  return ((options as unknown as Record<symbol, unknown>)[Symbol.for("comments")] as FluxoComment[] | undefined) ?? [];
}

/** Whether `node` holds a comment that must end its line (a line comment, or one that sat on a line of its own). */
function hasLineComment(node: A.Node, options: Options): boolean {
  return hasLineCommentIn(options, node.start, node.end);
}

/** A blank line in the source between `end` and the next item. */
function blankLineAfter(options: Options, end: number): boolean {
  return util.isNextLineEmpty(options.originalText, end);
}

/** A document printed on one line (no width limit), to measure arms for alignment. */
function flatText(printed: Doc): string {
  return doc.printer.printDocToString(printed, { printWidth: 1e9, tabWidth: indentWidth, useTabs: false } as doc.printer.Options)
    .formatted;
}

/** The child selectors of a node's list field, with the nodes. */
function listItems<K extends string>(
  node: { [key in K]?: unknown },
  key: K,
  prefix: (string | number)[] = [],
): { node: A.Node; selector: (string | number)[] }[] {
  const value = node[key] as A.Node[] | undefined;
  return (value ?? []).map((child, index) => ({ node: child, selector: [...prefix, key, index] }));
}

function sortedItems(...lists: { node: A.Node; selector: (string | number)[] }[][]): { node: A.Node; selector: (string | number)[] }[] {
  return lists.flat().sort((a, b) => a.node.start - b.node.start);
}

/** Items one a line, with the blank lines between them kept (up to one). */
function printSequence(items: { node: A.Node; doc: Doc }[], options: Options): Doc[] {
  const parts: Doc[] = [];
  items.forEach((item, index) => {
    if (index > 0) {
      parts.push(hardline);
      if (blankLineAfter(options, items[index - 1]!.node.end)) parts.push(hardline);
    }
    parts.push(item.doc);
  });
  return parts;
}

function isEmptyDoc(printed: Doc): boolean {
  return printed === "" || (Array.isArray(printed) && printed.every(isEmptyDoc));
}

/** `{ items }` with one item a line: the body of flows, steps, tests, blocks, questions and menus. */
function printBlockBody(node: A.Node, items: { node: A.Node; doc: Doc }[], options: Options): Doc {
  const before = printBeforeBraceComments(node as { comments?: FluxoComment[] });
  return isEmptyDoc(before) ? printBlockBodyAfterComments(node, items, options) : [before, printBlockBodyAfterComments(node, items, options)];
}

function printBlockBodyAfterComments(node: A.Node, items: { node: A.Node; doc: Doc }[], options: Options): Doc {
  const open = printOpenComments(node as { comments?: FluxoComment[] });
  const dangling = printDanglingLines(node as { comments?: FluxoComment[] }, options.originalText);
  if (items.length === 0 && isEmptyDoc(dangling)) return isEmptyDoc(open) ? "{}" : ["{", open, hardline, "}"];
  const content: Doc[] = [];
  if (!isEmptyDoc(dangling)) content.push(dangling, items.length > 0 ? hardline : "");
  content.push(printSequence(items, options));
  return ["{", open, indent([hardline, content]), hardline, "}"];
}

interface BracedStyle {
  /** Between elements on one line. */
  separator: string;
  /** Between elements one a line (`,` for values; nothing for fields of types). */
  brokenSeparator: string;
}

/**
 * `{ a, b }` that stays on one line when it fits and was written on one line
 * (a line break after `{` keeps it expanded, as Prettier does for objects).
 */
function printBraced(node: A.Node, elements: { node: A.Node; doc: Doc }[], style: BracedStyle, options: Options): Doc {
  const before = printBeforeBraceComments(node as { comments?: FluxoComment[] });
  return isEmptyDoc(before) ? printBracedAfterComments(node, elements, style, options) : [before, printBracedAfterComments(node, elements, style, options)];
}

function printBracedAfterComments(node: A.Node, elements: { node: A.Node; doc: Doc }[], style: BracedStyle, options: Options): Doc {
  const open = printOpenComments(node as { comments?: FluxoComment[] });
  const dangling = printDanglingLines(node as { comments?: FluxoComment[] }, options.originalText);
  if (elements.length === 0) {
    if (isEmptyDoc(dangling)) return isEmptyDoc(open) ? "{}" : ["{", open, hardline, "}"];
    return ["{", open, indent([hardline, dangling]), hardline, "}"];
  }
  const text = options.originalText;
  const first = elements[0]!.node;
  const shouldBreak = util.hasNewlineInRange(text, node.start, first.start) || hasLineComment(node, options);
  const separator = style.brokenSeparator === style.separator ? style.separator : ifBreak(style.brokenSeparator, style.separator);
  const body: Doc[] = [];
  elements.forEach((element, index) => {
    if (index > 0) {
      body.push(separator, line);
      if (blankLineAfter(options, elements[index - 1]!.node.end)) body.push(softline);
    }
    body.push(element.doc);
  });
  if (!isEmptyDoc(dangling)) body.unshift(dangling, hardline);
  return group(["{", open, indent([line, body]), style.brokenSeparator === "," ? ifBreak(",") : "", line, "}"], {
    shouldBreak,
  });
}

/** The offset of the bracket that closes a list whose last element ends at `end` (commas and comments skipped). */
function closerAfter(text: string, end: number): number {
  let index: number | false = end;
  for (;;) {
    index = util.getNextNonSpaceNonCommentCharacterIndex(text, index);
    if (index === false) return text.length;
    if (text[index] !== ",") return index;
    index++;
  }
}

/** Whether a comment that must end its line lies in `[start, end)`. */
function hasLineCommentIn(options: Options, start: number, end: number): boolean {
  const text = options.originalText;
  return commentsIn(fileComments(options), start, end).some(
    (c) => c.style !== "block" || c.text.includes("\n") || util.hasNewline(text, c.start, { backwards: true }),
  );
}

/** `(a, b)` or `[a, b]`: on one line, or one element a line with a trailing comma. */
function printDelimited(
  node: A.Node,
  open: string,
  close: string,
  elements: { node: A.Node; doc: Doc }[],
  options: Options,
): Doc {
  const dangling = printDanglingLines(node as { comments?: FluxoComment[] }, options.originalText);
  if (elements.length === 0) {
    // Comments alone between the brackets get lines of their own (a line comment must end its line).
    return isEmptyDoc(dangling) ? [open, close] : [open, indent([hardline, dangling]), hardline, close];
  }
  const first = elements[0]!.node;
  const last = elements[elements.length - 1]!.node;
  const end = closerAfter(options.originalText, last.end);
  // A lone record or list hugs the brackets: `f({` … `})`.
  if (
    elements.length === 1 &&
    open === "(" &&
    (first.kind === "Record" || first.kind === "List") &&
    isEmptyDoc(dangling) &&
    !hasCommentIn(fileComments(options), first.start - 1, end + 1) &&
    !(first as { comments?: unknown[] }).comments?.length
  ) {
    return [open, elements[0]!.doc, close];
  }
  const body: Doc[] = [];
  elements.forEach((element, index) => {
    if (index > 0) body.push(",", line);
    body.push(element.doc);
  });
  if (!isEmptyDoc(dangling)) body.unshift(dangling, hardline);
  return group([open, indent([softline, body]), ifBreak(","), softline, close], {
    shouldBreak: hasLineCommentIn(options, first.start, end),
  });
}

/** Whether a comment attached to `node` as `which` must end its line. */
function endsLine(node: A.Node, which: "leading" | "trailing", options: Options): boolean {
  const text = options.originalText;
  return ((node as { comments?: FluxoComment[] }).comments ?? []).some(
    (c) =>
      c[which] === true &&
      (c.style !== "block" || c.text.includes("\n") || util.hasNewline(text, c.start, { backwards: true })),
  );
}

/**
 * `a, b, c` with no brackets (keywords, option labels, patterns): filled,
 * continuation lines indented. Around a comment that ends its line the
 * break is forced (a fill would otherwise pull the next item up behind it).
 */
function printCommaFill(items: { node: A.Node; doc: Doc }[], options: Options): Doc {
  if (items.length === 1) return items[0]!.doc;
  const parts: Doc[] = [];
  items.forEach((item, index) => {
    if (index > 0) {
      const forced = endsLine(items[index - 1]!.node, "trailing", options) || endsLine(item.node, "leading", options);
      parts.push(forced ? hardline : line);
    }
    parts.push(index < items.length - 1 ? [item.doc, ","] : item.doc);
  });
  return indent(fill(parts));
}

/** Binary operators of one precedence level, flattened into one group as Prettier does. */
const precedence: Record<A.BinaryOperator, number> = {
  "??": 1,
  or: 2,
  and: 3,
  "==": 5,
  "!=": 5,
  "<": 5,
  "<=": 5,
  ">": 5,
  ">=": 5,
  in: 5,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
  "%": 7,
};

function printBinaryParts(path: AstPath<A.BinaryExpression>, print: Print): Doc[] {
  const node = path.node;
  const left = node.left;
  let parts: Doc[];
  if (
    left.kind === "Binary" &&
    precedence[left.operator] === precedence[node.operator] &&
    !(left as { comments?: unknown[] }).comments?.length
  ) {
    parts = path.call((leftPath) => printBinaryParts(leftPath as AstPath<A.BinaryExpression>, print), "left");
  } else {
    parts = [print("left")];
  }
  parts.push([" ", node.operator, line, node.right ? print("right") : ""]);
  return parts;
}

function printBinary(path: AstPath<A.BinaryExpression>, print: Print): Doc {
  const parts = printBinaryParts(path, print);
  const parent = path.parent as A.Node | null;
  // The condition of `if` and the subject of `match` are followed by a
  // block on the same line: their continuation lines take two indentation
  // levels, so they stand apart from the block's statements.
  const inHeader = (parent?.kind === "If" && path.key === "condition") || (parent?.kind === "Match" && path.key === "subject");
  const rest = parts.slice(1);
  return group([parts[0]!, inHeader ? indent(indent(rest)) : indent(rest)]);
}

/** A `"""` block: its lines re-indented one level deeper than the statement, the closing quotes with them. */
function printString(node: A.StringLiteral, options: Options): Doc {
  const text = options.originalText;
  const raw = text.slice(node.start, node.end);
  if (!node.block) return raw;
  const lines = raw.slice(3, -3).split("\n");
  const blank = (value: string): boolean => /^[ \t]*$/.test(value);
  const spansLines = node.parts.some(
    (part) => part.kind === "Interpolation" && text.slice(part.start, part.end).includes("\n"),
  );
  // Only the shape the language trims (a blank first and last line) can be
  // re-indented without changing the value; anything else is kept as written.
  if (lines.length < 2 || spansLines || !blank(lines[0]!) || !blank(lines[lines.length - 1]!)) return raw;
  const middle = lines.slice(1, -1);
  const contentLines = middle.filter((value) => !blank(value));
  const common = contentLines.length > 0 ? Math.min(...contentLines.map((value) => /^[ \t]*/.exec(value)![0].length)) : 0;
  // A blank line longer than the common indentation keeps the excess in the
  // value (Kotlin's trimIndent): re-indenting would change it, so keep it as written.
  if (middle.some((value) => blank(value) && value.length > common)) return raw;
  const body: Doc[] = [];
  for (const value of middle) {
    // A blank line is printed empty. Other lines keep their trailing blanks
    // (they are part of the value): the break after them is a literal line,
    // which Prettier does not trim, or a raw "\n" before a blank line.
    if (blank(value)) body.push("\n");
    else body.push(literalline, value.slice(common));
  }
  return ['"""', indent(markAsRoot([...body, literalline, '"""']))];
}

/** The indentation of the arms of the container at the end of `path`. */
function armIndentation(path: AstPath): number {
  let depth = 0;
  for (const entry of path.stack) {
    if (entry && typeof entry === "object" && !Array.isArray(entry) && indentingKinds.has((entry as A.Node).kind)) depth++;
  }
  return depth * indentWidth;
}

type Arm = A.MatchArm | A.RandomArm | A.ChooseOption;

function armBodyKey(arm: Arm): "body" | "then" {
  return arm.kind === "Option" ? "then" : "body";
}

/** The part of an arm before `=>`. */
function printArmHead(arm: Arm, selector: (string | number)[], print: Print, options: Options): Doc {
  switch (arm.kind) {
    case "MatchArm":
      return arm.isElse ? "else" : printCommaFill(printed(listItems(arm, "patterns", selector), print), options);
    case "RandomArm":
      return arm.weight ? print([...selector, "weight"]) : "";
    case "Option":
      return ["option ", printCommaFill(printed(listItems(arm, "labels", selector), print), options)];
    default: {
      const unreachable: never = arm;
      return unreachable;
    }
  }
}

/**
 * The widths the heads of the arms in `items` are padded to, by item index.
 * Runs of consecutive single-line arms (not split by a blank line or by
 * anything else) align their `=>`. An arm is single-line when its head and
 * body hold no comment or line break and the arm fits the line unpadded:
 * a rule over the tree alone, so a second run aligns the same way.
 */
function alignArms(
  path: AstPath,
  items: { node: A.Node; selector: (string | number)[] }[],
  options: Options,
  print: Print,
): Map<number, number> {
  const comments = fileComments(options);
  const indentation = armIndentation(path);
  const fits = (head: number, body: number): boolean => indentation + head + 4 + body <= options.printWidth;
  const heads: (number | undefined)[] = [];
  const bodies: number[] = [];
  items.forEach((item, index) => {
    const arm = item.node as Arm;
    if (arm.kind !== "MatchArm" && arm.kind !== "RandomArm" && arm.kind !== "Option") return;
    const body = arm.kind === "Option" ? arm.then : arm.body;
    if (!body || hasCommentIn(comments, arm.start, arm.end)) return;
    const head = flatText(printArmHead(arm, item.selector, print, options));
    const bodyText = flatText(print([...item.selector, armBodyKey(arm)]));
    if (head.includes("\n") || bodyText.includes("\n")) return;
    const headWidth = util.getStringWidth(head);
    const bodyWidth = util.getStringWidth(bodyText);
    if (!fits(headWidth, bodyWidth)) return;
    heads[index] = headWidth;
    bodies[index] = bodyWidth;
  });
  const result = new Map<number, number>();
  // A run aligns to its widest head; an arm that would then overflow the
  // line (and break, and so not be single-line any more on the next run)
  // leaves the run, splitting it.
  const settle = (run: number[]): void => {
    if (run.length < 2) return;
    const width = Math.max(...run.map((index) => heads[index]!));
    const misfits = new Set(run.filter((index) => !fits(width, bodies[index]!)));
    if (misfits.size === 0) {
      for (const index of run) result.set(index, width);
      return;
    }
    let part: number[] = [];
    for (const index of run) {
      if (misfits.has(index)) {
        settle(part);
        part = [];
      } else part.push(index);
    }
    settle(part);
  };
  let run: number[] = [];
  items.forEach((item, index) => {
    if (heads[index] === undefined) {
      settle(run);
      run = [];
      return;
    }
    if (run.length > 0 && blankLineAfter(options, items[index - 1]!.node.end)) {
      settle(run);
      run = [];
    }
    run.push(index);
  });
  settle(run);
  return result;
}

/** The items of a container of arms, printed, aligned where they may be. */
function printArmItems(
  path: AstPath,
  items: { node: A.Node; selector: (string | number)[] }[],
  options: Options,
  print: Print,
): { node: A.Node; doc: Doc }[] {
  const alignment = alignArms(path, items, options, print);
  return items.map((item, index) => {
    const alignTo = alignment.get(index);
    return { node: item.node, doc: alignTo === undefined ? print(item.selector) : print(item.selector, { alignTo } satisfies ArmArgs) };
  });
}

function printArm(path: AstPath<Arm>, print: Print, options: Options, args: ArmArgs | undefined): Doc {
  const arm = path.node;
  const head = printArmHead(arm, [], print, options);
  const bodyKey = armBodyKey(arm);
  const hasBody = arm.kind === "Option" ? arm.then !== undefined : arm.body !== undefined;
  if (!hasBody) return head;
  const padding = args ? " ".repeat(Math.max(0, args.alignTo - util.getStringWidth(flatText(head)))) : "";
  return [head, padding, " => ", print(bodyKey)];
}

function printed(items: { node: A.Node; selector: (string | number)[] }[], print: Print): { node: A.Node; doc: Doc }[] {
  return items.map((item) => ({ node: item.node, doc: print(item.selector) }));
}

function optional(present: unknown, printedDoc: () => Doc): Doc {
  return present ? printedDoc() : "";
}

function printElse(node: { else?: A.Block }, print: Print): Doc {
  return node.else ? [" else ", print("else")] : "";
}

function printArguments(path: AstPath, key: string, options: Options, print: Print): Doc {
  const node = path.node as A.Node;
  return printDelimited(node, "(", ")", printed(listItems(node as unknown as Record<string, unknown>, key), print), options);
}

/** `printer.print`. */
export function print(path: AstPath, options: Options, print: Print, args?: unknown): Doc {
  const node = path.node as A.Node;
  const body = printNode(path, options, print, args as ArmArgs | undefined);
  const leftovers = printLeftoverComments(node as { comments?: FluxoComment[] });
  return isEmptyDoc(leftovers) ? body : [body, leftovers];
}

function printNode(path: AstPath, options: Options, print: Print, args: ArmArgs | undefined): Doc {
  const node = path.node as A.Node;
  switch (node.kind) {
    // ------------------------------------------------------------ file & declarations
    case "SourceFile": {
      const declarations = printed(listItems(node, "declarations"), print);
      const dangling = printDanglingLines(node as unknown as { comments?: FluxoComment[] }, options.originalText);
      const parts: Doc[] = [];
      if (!isEmptyDoc(dangling)) parts.push(dangling, hardline);
      if (declarations.length > 0) parts.push(printSequence(declarations, options), hardline);
      return parts;
    }
    case "Import": {
      const names = printed(listItems(node, "names"), print);
      return ["import ", printBraced(node, names, { separator: ",", brokenSeparator: "," }, options), " from ", optional(node.path, () => print("path"))];
    }
    case "Context":
      return ["context ", printBraced(node, printed(listItems(node, "fields"), print), { separator: ";", brokenSeparator: "" }, options)];
    case "Field":
      return [optional(node.name, () => print("name")), ": ", optional(node.type, () => print("type"))];
    case "TypeAlias":
      return ["type ", optional(node.name, () => print("name")), " = ", optional(node.type, () => print("type"))];
    case "Action":
      return [
        "action ",
        optional(node.name, () => print("name")),
        printArguments(path, "params", options, print),
        optional(node.returnType, () => [" -> ", print("returnType")]),
        optional(node.timeout, () => [" timeout ", print("timeout")]),
        optional(node.http, () => [" = ", print("http")]),
      ];
    case "Http": {
      const items: { node: A.Node; doc: Doc }[] = printed(listItems(node, "headers"), print);
      if (node.body) items.push({ node: node.body, doc: ["body ", print("body")] });
      if (node.timeout) items.push({ node: node.timeout, doc: ["timeout ", print("timeout")] });
      items.sort((a, b) => a.node.start - b.node.start);
      const block = printBlockBody(node, items, options);
      return ["http ", node.method ?? "", " ", optional(node.url, () => print("url")), block === "{}" ? "" : [" ", block]];
    }
    case "Header":
      return ["header ", optional(node.name, () => print("name")), " = ", optional(node.value, () => print("value"))];
    case "Param":
      return [
        optional(node.name, () => print("name")),
        ": ",
        optional(node.type, () => print("type")),
        optional(node.default, () => [" = ", print("default")]),
      ];
    case "Flow": {
      const items = sortedItems(listItems(node, "triggers"), listItems(node, "body"), listItems(node, "steps"));
      return [
        "flow ",
        optional(node.name, () => print("name")),
        node.params.length > 0 ? printArguments(path, "params", options, print) : "",
        optional(node.returnType, () => [" -> ", print("returnType")]),
        " ",
        printBlockBody(node, printed(items, print), options),
      ];
    }
    case "KeywordTrigger":
      return ["trigger keyword ", printCommaFill(printed(listItems(node, "keywords"), print), options)];
    case "EventTrigger":
      return ["trigger event ", optional(node.event, () => print("event"))];
    case "StartTrigger":
      return "trigger start";
    case "Step":
      return ["step ", optional(node.name, () => print("name")), " ", printBlockBody(node, printed(listItems(node, "body"), print), options)];
    case "Test":
      return ["test ", optional(node.name, () => print("name")), " ", printBlockBody(node, printed(listItems(node, "body"), print), options)];

    // ------------------------------------------------------------ statements
    case "Block":
      return printBlockBody(node, printed(listItems(node, "statements"), print), options);
    case "Say":
      return ["say ", optional(node.text, () => print("text"))];
    case "SayMedia":
      return [
        "say ",
        node.media,
        " ",
        optional(node.url, () => print("url")),
        optional(node.caption, () => [" caption ", print("caption")]),
      ];
    case "Wait":
      return ["wait ", optional(node.duration, () => print("duration"))];
    case "Ask": {
      const head: Doc[] = ["ask ", optional(node.name, () => print("name"))];
      if (node.type) head.push(": ", print("type"));
      if (node.from) head.push(" from ", print("from"));
      head.push(" ", optional(node.prompt, () => print("prompt")));
      const block = printBlockBody(node, printed(listItems(node, "clauses"), print), options);
      return block === "{}" ? head : [head, " ", block];
    }
    case "Validate":
      return ["validate ", optional(node.condition, () => print("condition"))];
    case "Invalid":
      return [
        "invalid ",
        optional(node.message, () => print("message")),
        optional(node.retries, () => [" retries ", print("retries")]),
        optional(node.then, () => [" => ", print("then")]),
      ];
    case "Timeout":
      return ["timeout ", optional(node.duration, () => print("duration")), optional(node.then, () => [" => ", print("then")])];
    case "Label":
      return ["label ", optional(node.value, () => print("value"))];
    case "Choose": {
      const items = sortedItems(listItems(node, "options"), listItems(node, "clauses"));
      return ["choose ", optional(node.prompt, () => print("prompt")), " ", printBlockBody(node, printArmItems(path, items, options, print), options)];
    }
    case "Option":
    case "MatchArm":
    case "RandomArm":
      return printArm(path as AstPath<Arm>, print, options, args);
    case "CallStatement":
      return [print("call"), printElse(node, print)];
    case "Let":
      return ["let ", optional(node.name, () => print("name")), " = ", optional(node.value, () => print("value")), printElse(node, print)];
    case "Var":
      return [
        "var ",
        optional(node.name, () => print("name")),
        ": ",
        optional(node.type, () => print("type")),
        optional(node.value, () => [" = ", print("value"), printElse(node, print)]),
      ];
    case "Set":
      return ["set ", optional(node.name, () => print("name")), " = ", optional(node.value, () => print("value")), printElse(node, print)];
    case "RunStatement":
      return print("run");
    case "Return":
      return ["return", optional(node.value, () => [" ", print("value")])];
    case "If": {
      const parts: Doc[] = ["if ", optional(node.condition, () => print("condition")), " ", optional(node.then, () => print("then"))];
      if (node.else) {
        // A comment kept after the block's `}` ends that line: `else` starts the next one.
        const comments = (node.then as { comments?: FluxoComment[] } | undefined)?.comments ?? [];
        const text = options.originalText;
        const breaks = comments.some(
          (c) => c.trailing && (c.style !== "block" || c.text.includes("\n") || util.hasNewline(text, c.start, { backwards: true })),
        );
        parts.push(breaks ? hardline : " ", "else ", print("else"));
      }
      return parts;
    }
    case "Match":
      return [
        "match ",
        optional(node.subject, () => print("subject")),
        " ",
        printBlockBody(node, printArmItems(path, listItems(node, "arms"), options, print), options),
      ];
    case "Random":
      return ["random ", printBlockBody(node, printArmItems(path, listItems(node, "arms"), options, print), options)];
    case "Goto":
      return ["goto ", optional(node.target, () => print("target"))];
    case "End":
      return "end";
    case "Handoff":
      return ["handoff", optional(node.department, () => [" to ", print("department")])];

    // ------------------------------------------------------------ tests
    case "TestContext":
      return ["context ", print("value")];
    case "TestClock":
      return ["clock ", optional(node.value, () => print("value"))];
    case "TestSeed":
      return ["seed ", optional(node.value, () => print("value"))];
    case "TestMock":
      return [
        "mock ",
        optional(node.action, () => print("action")),
        node.args ? printArguments(path, "args", options, print) : "",
        optional(node.result, () => [" ", print("result")]),
      ];
    case "MockReturns":
      return ["returns ", optional(node.value, () => print("value"))];
    case "MockFails":
      return "fails";
    case "TestStart":
      return ["start ", optional(node.flow, () => print("flow")), printArguments(path, "args", options, print)];
    case "TestTrigger":
      return ["trigger ", optional(node.text, () => print("text"))];
    case "TestEvent":
      return ["event ", optional(node.event, () => print("event")), optional(node.payload, () => [" ", print("payload")])];
    case "TestReply":
      return ["reply ", optional(node.text, () => print("text"))];
    case "TestTimeout":
      return "timeout";
    case "ExpectSay":
      return ["expect say ", node.contains ? "contains " : "", optional(node.text, () => print("text"))];
    case "ExpectMedia":
      return ["expect media ", optional(node.url, () => print("url"))];
    case "ExpectAsk":
      return [
        "expect ask",
        optional(node.prompt, () => [" ", print("prompt")]),
        node.options ? [" options ", printCommaFill(printed(listItems(node, "options"), print), options)] : "",
      ];
    case "ExpectAction":
      return ["expect action ", optional(node.action, () => print("action")), node.args ? printArguments(path, "args", options, print) : ""];
    case "ExpectWait":
      return ["expect wait ", optional(node.duration, () => print("duration"))];
    case "ExpectHandoff":
      return ["expect handoff", optional(node.department, () => [" to ", print("department")])];
    case "ExpectEnd":
      return ["expect end", optional(node.reason, () => [" ", print("reason")])];
    case "ExpectError":
      return "expect error";
    case "ExpectCondition":
      return ["expect ", optional(node.condition, () => print("condition"))];

    // ------------------------------------------------------------ expressions
    case "String":
      return printString(node, options);
    case "Number":
    case "Duration":
      return node.raw;
    case "Boolean":
      return node.value ? "true" : "false";
    case "Null":
      return "null";
    case "List":
      return printDelimited(node, "[", "]", printed(listItems(node, "elements"), print), options);
    case "Record":
      return printBraced(node, printed(listItems(node, "fields"), print), { separator: ",", brokenSeparator: "," }, options);
    case "RecordField":
      return [optional(node.name, () => print("name")), ": ", optional(node.value, () => print("value"))];
    case "NameRef":
      return print("name");
    case "ContextRef":
      return "context";
    case "Member":
      return [print("object"), node.optional ? "?." : ".", optional(node.name, () => print("name"))];
    case "Index":
      return [print("object"), "[", optional(node.index, () => print("index")), "]"];
    case "Call":
      return [print("callee"), printArguments(path, "args", options, print)];
    case "Run":
      return ["run ", optional(node.flow, () => print("flow")), printArguments(path, "args", options, print)];
    case "Unary":
      return [node.operator === "not" ? "not " : "-", optional(node.operand, () => print("operand"))];
    case "Binary":
      return printBinary(path as AstPath<A.BinaryExpression>, print);
    case "Paren":
      return ["(", optional(node.expression, () => print("expression")), ")"];

    // ------------------------------------------------------------ types
    case "TypeRef":
      return print("name");
    case "LiteralType":
      return print("literal");
    case "UnionType": {
      const types = node.types.map((_, index) => print(["types", index]));
      return group([types[0] ?? "", indent(types.slice(1).map((type) => [" |", line, type]))]);
    }
    case "OptionalType":
      return [print("type"), "?"];
    case "ListType":
      return [print("element"), "[]"];
    case "RecordType":
      return printBraced(node, printed(listItems(node, "fields"), print), { separator: ";", brokenSeparator: "" }, options);
    case "ParenType":
      return ["(", optional(node.type, () => print("type")), ")"];

    // ------------------------------------------------------------ leaves
    case "Name":
      return node.text;
    case "StringText":
    case "Interpolation":
    case "Comment":
      // Parts of strings are printed with their string; comments by `printComment`.
      return "";
    default: {
      const unreachable: never = node;
      throw new Error(`cannot print node ${JSON.stringify((unreachable as { kind?: string }).kind)}`);
    }
  }
}
