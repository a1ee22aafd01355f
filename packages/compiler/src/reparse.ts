//! Incremental re-parsing: when an edit falls inside one step of a flow, only
//! that step's text is parsed again and spliced into the previous tree; the
//! nodes after the edit keep their identity and have their offsets moved.
//!
//! Editors change a large file a few characters at a time, and a 10k-line
//! flow takes tens of milliseconds to parse whole; a step takes well under
//! one. The fast path is taken only when it is sure to give the tree a full
//! parse would give (a property test compares the two on random edits):
//!
//! - the previous tree had no syntax diagnostics;
//! - the changed text lies strictly inside one step of a flow (after its
//!   first character and before its closing brace);
//! - the new text of that step parses as exactly one step, with no lexical or
//!   syntax error and nothing left over (a `}` typed inside the step that
//!   closes it early, an unterminated string or comment: the file is parsed
//!   whole, which also reports the error).
//!
//! Otherwise `reparse` returns undefined and the caller parses the file.
//! The previous tree is consumed: its nodes after the edit are shifted in
//! place and now belong to the new tree (the caller drops the old result).

import type * as A from "./ast.js";
import { parseStepText, type ParseResult } from "./parser.js";
import { forEachChildWith } from "./queries.js";

/** The span of `before` that differs from `after`: [start, end) in `before`, and the length change. */
export function changedSpan(before: string, after: string): { start: number; end: number; delta: number } | undefined {
  if (before === after) return undefined;
  const min = Math.min(before.length, after.length);
  let start = 0;
  while (start < min && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < min - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, end: before.length - suffix, delta: after.length - before.length };
}

/**
 * The parse result of `text`, built from the previous result of the same
 * file when the edit is confined to one step; undefined when the file must
 * be parsed whole.
 */
export function reparse(previous: { text: string; parsed: ParseResult }, text: string, uri: string): ParseResult | undefined {
  if (previous.parsed.diagnostics.length > 0) return undefined;
  const span = changedSpan(previous.text, text);
  if (!span) return previous.parsed;
  const file = previous.parsed.file;

  // The flow and step that strictly contain the change.
  let flowIndex = -1;
  let stepIndex = -1;
  for (let d = 0; d < file.declarations.length && flowIndex < 0; d++) {
    const declaration = file.declarations[d]!;
    if (declaration.kind !== "Flow" || declaration.start > span.start || declaration.end < span.end) continue;
    const steps = declaration.steps;
    // Steps are in source order: a binary search finds the last one starting before the change.
    let low = 0;
    let high = steps.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (steps[mid]!.start < span.start) low = mid;
      else high = mid - 1;
    }
    const step = steps[low];
    if (step && step.start < span.start && span.end < step.end) {
      flowIndex = d;
      stepIndex = low;
    }
    break;
  }
  if (flowIndex < 0) return undefined;
  const flow = file.declarations[flowIndex] as A.FlowDecl;
  const oldStep = flow.steps[stepIndex]!;

  // Parse the step's new text; nothing is changed until it parses cleanly.
  const start = oldStep.start;
  const newEnd = oldStep.end + span.delta;
  const parsedStep = parseStepText(text.slice(start, newEnd), uri);
  if (!parsedStep) return undefined;
  const { step, comments: stepComments } = parsedStep;
  if (step.end !== newEnd - start) return undefined;
  shiftTree(step, 0, start);
  for (const comment of stepComments) shiftTree(comment, 0, start);
  if (oldStep.doc !== undefined) step.doc = oldStep.doc;

  // Everything from the old step's end on moves by the length change.
  const moved = oldStep.end;
  const steps = flow.steps.slice();
  steps[stepIndex] = step;
  const newFlow: A.FlowDecl = { ...flow, steps, start: flow.start, end: flow.end + span.delta };
  for (let i = stepIndex + 1; i < steps.length; i++) shiftTree(steps[i]!, moved, span.delta);
  for (const statement of flow.body) if (statement.start >= moved) shiftTree(statement, moved, span.delta);
  for (const trigger of flow.triggers) if (trigger.start >= moved) shiftTree(trigger, moved, span.delta);
  const declarations = file.declarations.slice();
  declarations[flowIndex] = newFlow;
  for (let i = flowIndex + 1; i < declarations.length; i++) shiftTree(declarations[i]!, moved, span.delta);

  const comments: A.Comment[] = [];
  for (const comment of file.comments) {
    if (comment.end <= start) comments.push(comment);
    else if (comment.start >= moved) {
      shiftTree(comment, moved, span.delta);
      comments.push(comment);
    }
    // Comments inside the old step are replaced by those of the new one.
  }
  const firstAfter = comments.findIndex((c) => c.start >= start);
  comments.splice(firstAfter < 0 ? comments.length : firstAfter, 0, ...stepComments);

  const newFile: A.SourceFile = { ...file, declarations, comments, start: 0, end: text.length };
  return { file: newFile, diagnostics: [] };
}

/** A shift in progress: nodes starting at or after `from` move by `delta`. */
interface Shift {
  from: number;
  delta: number;
}

/** Moves `node` and its descendants that start at or after `from` by `delta`. */
function shiftTree(node: A.Node, from: number, delta: number): void {
  shiftNode(node, { from, delta });
}

function shiftNode(node: A.Node, shift: Shift): void {
  if (node.start >= shift.from) {
    node.start += shift.delta;
    node.end += shift.delta;
  }
  forEachChildWith(node, shiftNode, shift);
}
