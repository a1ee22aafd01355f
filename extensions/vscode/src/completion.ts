//! Completion results from the server, minus the snippets the extension
//! contributes itself (`snippets/fluxo.json`), so the list shows each
//! snippet once. Pure: items are matched by label and kind, with the
//! snippet kind passed in (VS Code's `CompletionItemKind.Snippet`).

/** Labels of the snippets this extension contributes (the prefixes of `snippets/fluxo.json`); the server's snippets of the same name are dropped. */
export const contributedSnippets: readonly string[] = ["ask", "choose", "match", "flow", "test", "step", "action"];

/** The parts of a completion item this module reads. */
export interface CompletionItemLike {
  label: string | { label: string };
  kind?: number;
}

/** `result` without the items of kind `snippetKind` whose label is one of `labels`; lists keep their other fields. */
export function withoutSnippets<T extends CompletionItemLike, L extends { items: T[] }>(
  result: T[] | L | null | undefined,
  labels: readonly string[],
  snippetKind: number,
): T[] | L | null | undefined {
  if (!result) return result;
  const keep = (item: T): boolean => !(item.kind === snippetKind && labels.includes(typeof item.label === "string" ? item.label : item.label.label));
  return Array.isArray(result) ? result.filter(keep) : { ...result, items: result.items.filter(keep) };
}
