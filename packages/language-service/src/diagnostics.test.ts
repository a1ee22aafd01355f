import { describe, expect, it } from "vitest";
import { getDiagnostics } from "./diagnostics.js";
import { fixture, showLocation } from "./testing.js";

describe("diagnostics", () => {
  it("reports the compiler's diagnostics with codes, related information and tags", () => {
    const { program, uri } = fixture(`flow a {\n    let unused = 1\n    goto nowhere\n    say "never"\n}\nflow a { end }\n`);
    expect(
      getDiagnostics(program, uri).map(
        (d) =>
          `${showLocation(program, { uri, range: d.range })} ${d.severity} ${d.code} (${d.title}): ${d.message}${d.tags.length ? ` [${d.tags.join(",")}]` : ""}${d.related.map((r) => `\n  related ${showLocation(program, r)}: ${r.message}`).join("")}`,
      ),
    ).toMatchInlineSnapshot(`
      [
        "main.flow:2:9 «unused» warning FX4005 (unused variable or step): variable 'unused' is never used [unnecessary]",
        "main.flow:3:10 «nowhere» error FX2002 (unknown step): unknown step 'nowhere'; this flow has no steps",
        "main.flow:4:5 «say "never"» warning FX4002 (unreachable code): unreachable code after 'goto nowhere' [unnecessary]",
        "main.flow:6:6 «a» error FX2006 (duplicate declaration): duplicate flow 'a': 'a' is already declared as a flow
        related main.flow:1:6 «a»: 'a' is first declared here",
      ]
    `);
  });

  it("has nothing for a file the program does not hold", () => {
    const { program } = fixture(`flow a { end }\n`);
    expect(getDiagnostics(program, "file:///elsewhere.flow")).toEqual([]);
  });
});
