import { describe, expect, it } from "vitest";
import { getFoldingRanges } from "./folding.js";
import { fixture } from "./testing.js";

describe("folding ranges", () => {
  it("folds declarations, blocks, questions, block strings, comment runs and imports", () => {
    const { program, uri } = fixture(`import { x } from "./x"
import { y } from "./y"
// one
// two
flow a {
    ask n: integer "N?" {
        validate n > 0
    }
    if n > 1 {
        say """
            many
            """
    } else {
        end
    }
}
`);
    expect(getFoldingRanges(program, uri).map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ""}`)).toMatchInlineSnapshot(`
      [
        "1-2 imports",
        "3-4 comment",
        "5-15",
        "6-7",
        "9-12",
        "10-12",
        "13-14",
      ]
    `);
  });
  it("folds // region … // endregion pairs, nested, ignoring unbalanced markers", () => {
    const { program, uri } = fixture(`// endregion (closes nothing)
// region Greetings
// #region inner
flow a {
    say "hi"
}
// #endregion
flow b { end }
    // region indented
    // endregion
// endregion
// region never closed
flow c { end }
// regional is not a marker
// endregionx neither
`);
    expect(getFoldingRanges(program, uri).map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ""}`)).toMatchInlineSnapshot(`
      [
        "2-11 region",
        "3-7 region",
        "4-5",
        "9-10 region",
        "14-15 comment",
      ]
    `);
  });
});
