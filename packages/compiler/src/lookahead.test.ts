//! `IndexedLookahead` picks the alternative Chevrotain's own lookahead picks.
//! The parser is built with each strategy in turn and both parse the same
//! texts: the examples, every parse and check fixture, and thousands of
//! mutations of them (characters deleted, tokens inserted, lines cut), with a
//! fixed seed. Trees and diagnostics must be equal.

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureSources } from "../test/sources.js";
import { parse, useLookahead } from "./parser.js";

const seed = 20261207;

const sources = fixtureSources;

/** Words and symbols a mutation inserts: the starts of alternatives, and what gates look at. */
const fragments = ["(", ")", "{", "}", "[", "]", ":", ",", ".", "?.", "=>", "\n", " x", " x(", " {a: 1}", ' "s"', " 1", " not", " run f(", " else", " options", " label", " =", " ;"];

function mutate(text: string, at: number, kind: number, fragment: number): string {
  const offset = text.length === 0 ? 0 : at % text.length;
  switch (kind) {
    case 0:
      return text.slice(0, offset) + text.slice(offset + 1 + (fragment % 5));
    case 1:
      return text.slice(0, offset) + fragments[fragment % fragments.length]! + text.slice(offset);
    default: {
      const lineEnd = text.indexOf("\n", offset);
      return text.slice(0, offset) + (lineEnd < 0 ? "" : text.slice(lineEnd));
    }
  }
}

/** Parses `text` with both strategies and returns the two results as JSON. */
function bothParses(text: string): [string, string] {
  useLookahead("chevrotain");
  const reference = JSON.stringify(parse(text, "lookahead.flow"));
  useLookahead("indexed");
  const indexed = JSON.stringify(parse(text, "lookahead.flow"));
  return [indexed, reference];
}

describe("IndexedLookahead", () => {
  afterAll(() => useLookahead("indexed"));

  it("parses every example and fixture as Chevrotain's lookahead does", () => {
    for (const text of sources) {
      const [indexed, reference] = bothParses(text);
      expect(indexed).toBe(reference);
    }
  });

  it("parses mutated fixtures as Chevrotain's lookahead does (fast-check, fixed seed)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.nat()), { minLength: 1, maxLength: 4 }),
        (source, edits) => {
          const text = edits.reduce((t, [at, kind, fragment]) => mutate(t, at, kind, fragment), sources[source]!);
          const [indexed, reference] = bothParses(text);
          expect(indexed).toBe(reference);
        },
      ),
      { seed, numRuns: 1500 },
    );
  });
});
