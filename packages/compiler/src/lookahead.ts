//! How the parser picks an alternative of an `OR`: Chevrotain's LL(k)
//! lookahead, with the alternatives indexed by the token that starts them.
//!
//! Chevrotain builds one lookahead function per `OR`. When every alternative
//! is told apart by one token, it looks the token up in a table; otherwise
//! (an alternative with a `GATE`, or one that needs two tokens) it tries the
//! alternatives one by one, and with a gate it first copies the gates of all
//! alternatives into a new array on every call. The parser's `primary` (an
//! operand of every expression) has gates, so that slow path ran for every
//! operand: about 5% of a parse, with the garbage of the copies.
//!
//! `IndexedLookahead` keeps Chevrotain's own function for the one-token case
//! and replaces the other: a table from the first token to the alternatives
//! whose lookahead paths can start with it, in order; only those are tried,
//! each with its gate, then the rest of its paths, exactly as Chevrotain
//! does. The alternative chosen is the same (the first one in order whose
//! gate holds and one of whose paths matches): an alternative none of whose
//! paths starts with the next token could not have matched.

import { getLookaheadPaths, LLkLookaheadStrategy, tokenMatcher, type ILookaheadStrategy, type IOrAlt, type IToken, type TokenType } from "chevrotain";

type AlternationOptions = Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0];

/** What the lookahead functions need of the parser they are called on (`this`). */
interface Lookahead {
  LA_FAST(offset: number): IToken;
}

export class IndexedLookahead extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: AlternationOptions): (orAlts?: IOrAlt<unknown>[]) => number | undefined {
    const { prodOccurrence, rule, maxLookahead, hasPredicates, dynamicTokensEnabled } = options;
    const alternatives = getLookaheadPaths({ occurrence: prodOccurrence, rule, prodType: "Alternation", maxLookahead }) as TokenType[][][];
    const oneToken = alternatives.every((paths) => paths.every((path) => path.length === 1));
    if (dynamicTokensEnabled || (oneToken && !hasPredicates)) return super.buildLookaheadForAlternation(options);

    // The alternatives to try for each first token, in order. An alternative
    // with an empty path matches whatever comes next: it is in every list.
    const firsts = alternatives.map((paths) =>
      paths.some((path) => path.length === 0) ? "any" : new Set(paths.flatMap((path) => tokenIndexes(path[0]!))),
    );
    const always = firsts.flatMap((set, index) => (set === "any" ? [index] : []));
    const byFirst: number[][] = [];
    for (const set of firsts) {
      if (set === "any") continue;
      for (const idx of set) byFirst[idx] ??= firsts.flatMap((other, index) => (other === "any" || other.has(idx) ? [index] : []));
    }

    return function (this: Lookahead, orAlts?: IOrAlt<unknown>[]): number | undefined {
      const first = this.LA_FAST(1);
      const candidates = byFirst[first.tokenTypeIdx!] ?? always;
      for (let c = 0; c < candidates.length; c++) {
        const index = candidates[c]!;
        if (hasPredicates) {
          const gate = (orAlts![index] as { GATE?: () => boolean }).GATE;
          if (gate !== undefined && gate.call(this) === false) continue;
        }
        const paths = alternatives[index]!;
        next: for (let p = 0; p < paths.length; p++) {
          const path = paths[p]!;
          for (let i = 0; i < path.length; i++) {
            if (!tokenMatcher(i === 0 ? first : this.LA_FAST(i + 1), path[i]!)) continue next;
          }
          return index;
        }
      }
      return undefined;
    };
  }
}

/** The token type indexes a lookahead token type matches: itself and the types in its category. */
function tokenIndexes(type: TokenType): number[] {
  const own = type.tokenTypeIdx!;
  const members = (type as TokenType & { categoryMatches?: number[] }).categoryMatches ?? [];
  return [own, ...members];
}
