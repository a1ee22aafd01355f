//! Rename: variables, parameters, steps, flows, actions, types and fields,
//! across files, answered as one edit set. Built-ins, standard actions and
//! primitive types have no declaration in the project and cannot be renamed.

import { nameTakenBy, nodePathAt, rangeOf, resolutionAt, type Program } from "@fluxo/compiler";
import { isValidIdentifier } from "./keywords.js";
import { getReferences } from "./references.js";
import type { Range, WorkspaceEdit } from "./service-types.js";
import { addEdit } from "./service-types.js";

export type RenameTarget = { range: Range; placeholder: string } | { error: string };

/** Whether the name at `offset` can be renamed, and the range to rename. */
export function prepareRename(program: Program, uri: string, offset: number): RenameTarget {
  const found = resolutionAt(program, uri, offset);
  if (!found) return { error: "There is no name to rename here." };
  const { name, resolution } = found;
  if (!resolution.uri || !resolution.range) {
    const what = resolution.kind === "builtin" ? "a built-in function" : resolution.kind === "standard-action" ? "a standard action" : "a primitive type";
    return { error: `'${name.text}' is ${what} and cannot be renamed.` };
  }
  return { range: rangeOf(name), placeholder: name.text };
}

/** The edits renaming the symbol at `offset` to `newName`, or why it cannot be done. */
export function rename(program: Program, uri: string, offset: number, newName: string): WorkspaceEdit | { error: string } {
  const target = prepareRename(program, uri, offset);
  if ("error" in target) return target;
  if (!isValidIdentifier(newName)) return { error: `'${newName}' is not a valid name (letters, digits and _, not a reserved word).` };
  const { resolution } = resolutionAt(program, uri, offset)!;
  if (newName === resolution.name) return { changes: {} };
  const conflict = conflictOf(program, resolution.kind, resolution.uri!, resolution.range!.start, newName);
  if (conflict) return { error: conflict };
  const edit: WorkspaceEdit = { changes: {} };
  for (const location of getReferences(program, uri, offset, true)) addEdit(edit, location.uri, { range: location.range, newText: newName });
  return edit;
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? "an" : "a");

/**
 * What the new name would collide with, described, or undefined. A rename
 * must not change what any name means (tsserver and rust-analyzer refuse
 * the same way): so a name the checker would reject as taken (FX2006) is
 * refused here, whether it is taken by a declaration of the project, by the
 * language (built-in types, standard actions, built-in functions) or by a
 * sibling (a step, a variable, a parameter, a field of the same record, a
 * context field).
 */
function conflictOf(program: Program, kind: string, declarationUri: string, declarationOffset: number, newName: string): string | undefined {
  if (kind === "flow" || kind === "action" || kind === "type") {
    const taken = nameTakenBy(kind, newName);
    if (taken) return `'${newName}' is ${taken}.`;
    const existing = program.getIndex().declarations.get(newName);
    return existing ? `'${newName}' is already declared as ${article(existing.kind)} ${existing.kind}.` : undefined;
  }
  if (kind === "context-field") {
    return program.getIndex().contextFields.some((f) => f.name === newName) ? `The context already has a field '${newName}'.` : undefined;
  }
  const file = program.getSourceFile(declarationUri);
  const path = file ? nodePathAt(file, declarationOffset) : [];
  if (kind === "field") {
    // The innermost record type declaring the field: its other fields are the siblings.
    const record = [...path].reverse().find((n) => n.kind === "RecordType");
    if (record?.kind === "RecordType" && record.fields.some((f) => f.name?.text === newName)) return `The record already has a field '${newName}'.`;
    return undefined;
  }
  const action = path.find((n) => n.kind === "Action");
  if (kind === "parameter" && action?.kind === "Action") {
    return action.params.some((p) => p.name?.text === newName) ? `The action already has a parameter '${newName}'.` : undefined;
  }
  const flow = path.find((n) => n.kind === "Flow");
  if (!flow || flow.kind !== "Flow") return undefined;
  if (kind === "step" && flow.steps.some((s) => s.name?.text === newName)) return `The flow already has a step '${newName}'.`;
  if (kind === "variable" || kind === "parameter") {
    const check = program.getCheckResult(declarationUri);
    for (const [name, resolution] of check?.resolutions ?? []) {
      if ((resolution.kind === "variable" || resolution.kind === "parameter") && resolution.name === newName && name.start >= flow.start && name.end <= flow.end) {
        return `The flow already has a variable '${newName}'.`;
      }
    }
  }
  return undefined;
}
