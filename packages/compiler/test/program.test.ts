//! The `Program` API (ARCHITECTURE.md, "Entry points"): the files of one
//! project, kept up to date by `setFile`/`removeFile`, with work redone only
//! where a change can matter. Identity of cached results (`getSourceFile`,
//! `getCheckResult`) is what tells a re-parse or a recheck from a cache hit.
//!
//! Expected diagnostics are annotations in the files (see `annotations.ts`).

import { createProgram, type Program, type SourceInput } from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { compareAnnotations, formatMismatch } from "./annotations.js";

const uri = (name: string): string => `file:///project/${name}`;

/** The project's files (name → text) as inputs. */
function inputs(files: Record<string, string>): SourceInput[] {
  return Object.entries(files).map(([name, text]) => ({ uri: uri(name), text }));
}

/** Every file's diagnostics against the annotations in its current text; "" when they agree. */
function mismatches(program: Program): string {
  return program.uris
    .map((u) => {
      const report = formatMismatch(program.getText(u)!, compareAnnotations(program.getText(u)!, program.getDiagnostics(u)));
      return report && `${u}\n${report}`;
    })
    .filter(Boolean)
    .join("\n");
}

const orders = `type Order = { id: string; total: number }

action getOrder(id: string) -> Order

flow helper {
    say "ajuda"
}
`;

const main = `import { Order, getOrder, helper } from "./orders.flow"

flow main {
    trigger keyword "pedido"
    let order = getOrder("1") else { end }
    say "Pedido {order.id}: {order.total}"
    run helper()
}
`;

const other = `flow other {
    trigger keyword "outro"
    say "outro"
}
`;

function project(): Program {
  return createProgram(inputs({ "orders.flow": orders, "main.flow": main, "other.flow": other }), {
    locale: "pt-BR",
    timeZone: "America/Sao_Paulo",
  });
}

describe("Program", () => {
  it("lists its files in project order and answers for unknown files with nothing", () => {
    const program = project();
    expect(program.uris).toEqual([uri("main.flow"), uri("orders.flow"), uri("other.flow")]);
    expect(program.hasFile(uri("main.flow"))).toBe(true);
    expect(program.getSourceFile(uri("missing.flow"))).toBeUndefined();
    expect(program.getCheckResult(uri("missing.flow"))).toBeUndefined();
    expect(program.getDiagnostics(uri("missing.flow"))).toEqual([]);
    expect(program.options).toEqual({ locale: "pt-BR", timeZone: "America/Sao_Paulo" });
    expect(createProgram([]).options).toEqual({ locale: "en", timeZone: "UTC" });
    expect(program.getDiagnostics()).toEqual([]);
  });

  it("setFile re-parses only the file that changed", () => {
    const program = project();
    const before = new Map(program.uris.map((u) => [u, program.getSourceFile(u)]));
    program.setFile({ uri: uri("orders.flow"), text: orders.replace('"ajuda"', '"socorro"') });
    expect(program.getSourceFile(uri("orders.flow"))).not.toBe(before.get(uri("orders.flow")));
    expect(program.getSourceFile(uri("main.flow"))).toBe(before.get(uri("main.flow")));
    expect(program.getSourceFile(uri("other.flow"))).toBe(before.get(uri("other.flow")));
  });

  it("setFile with the same text keeps everything", () => {
    const program = project();
    const tree = program.getSourceFile(uri("main.flow"));
    const checks = program.uris.map((u) => program.getCheckResult(u));
    program.setFile({ uri: uri("main.flow"), text: main });
    expect(program.getSourceFile(uri("main.flow"))).toBe(tree);
    expect(program.uris.map((u) => program.getCheckResult(u))).toEqual(checks);
    program.uris.forEach((u, i) => expect(program.getCheckResult(u)).toBe(checks[i]));
  });

  it("rechecks the changed file and its importers, and keeps the check of unrelated files", () => {
    const program = project();
    const before = new Map(program.uris.map((u) => [u, program.getCheckResult(u)]));
    // A change inside a flow body: no declaration header changes shape.
    program.setFile({ uri: uri("orders.flow"), text: orders.replace('"ajuda"', '"socorro"') });
    expect(program.getCheckResult(uri("orders.flow"))).not.toBe(before.get(uri("orders.flow")));
    expect(program.getCheckResult(uri("main.flow"))).not.toBe(before.get(uri("main.flow")));
    expect(program.getCheckResult(uri("other.flow"))).toBe(before.get(uri("other.flow")));

    // A change in a file nobody imports rechecks only that file.
    const middle = new Map(program.uris.map((u) => [u, program.getCheckResult(u)]));
    program.setFile({ uri: uri("other.flow"), text: other.replace('say "outro"', 'say "de novo"') });
    expect(program.getCheckResult(uri("other.flow"))).not.toBe(middle.get(uri("other.flow")));
    expect(program.getCheckResult(uri("orders.flow"))).toBe(middle.get(uri("orders.flow")));
    expect(program.getCheckResult(uri("main.flow"))).toBe(middle.get(uri("main.flow")));
  });

  it("rechecks importers of importers", () => {
    const program = createProgram(
      inputs({
        "a.flow": 'import { b } from "./b"\nflow a {\n    run b()\n}\n',
        "b.flow": 'import { c } from "./c"\nflow b {\n    run c()\n}\n',
        "c.flow": 'flow c {\n    say "c"\n}\n',
        "d.flow": 'flow d {\n    say "d"\n}\n',
      }),
    );
    const before = new Map(program.uris.map((u) => [u, program.getCheckResult(u)]));
    program.setFile({ uri: uri("c.flow"), text: 'flow c {\n    say "C"\n}\n' });
    expect(program.getCheckResult(uri("c.flow"))).not.toBe(before.get(uri("c.flow")));
    expect(program.getCheckResult(uri("b.flow"))).not.toBe(before.get(uri("b.flow")));
    expect(program.getCheckResult(uri("a.flow"))).not.toBe(before.get(uri("a.flow")));
    expect(program.getCheckResult(uri("d.flow"))).toBe(before.get(uri("d.flow")));
  });

  it("rechecks every file when a declaration's shape changes, and test files on every change", () => {
    const program = createProgram(
      inputs({
        "orders.flow": orders,
        "main.flow": main,
        "other.flow": other,
        "main.test.flow": 'test "t" {\n    trigger "pedido"\n    expect say "x"\n}\n',
      }),
    );
    let before = new Map(program.uris.map((u) => [u, program.getCheckResult(u)]));
    // Tests see the whole project: they are rechecked on any change.
    program.setFile({ uri: uri("other.flow"), text: other.replace('say "outro"', 'say "de novo"') });
    expect(program.getCheckResult(uri("main.test.flow"))).not.toBe(before.get(uri("main.test.flow")));
    expect(program.getCheckResult(uri("main.flow"))).toBe(before.get(uri("main.flow")));

    // A new action signature can change how any file checks.
    before = new Map(program.uris.map((u) => [u, program.getCheckResult(u)]));
    program.setFile({ uri: uri("orders.flow"), text: orders.replace("getOrder(id: string)", "getOrder(id: integer)") });
    for (const u of program.uris) expect(program.getCheckResult(u), u).not.toBe(before.get(u));
  });

  it("updates diagnostics after edits, in the file and in its importers", () => {
    const program = project();
    expect(mismatches(program)).toBe("");

    // An error appears in the edited file …
    program.setFile({
      uri: uri("other.flow"),
      text: `flow other {
    trigger keyword "outro"
    say "{missing}"
//        ^^^^^^^ error FX2001: unknown variable 'missing'
}
`,
    });
    expect(mismatches(program)).toBe("");

    // … in an importer when an imported declaration changes …
    program.setFile({ uri: uri("orders.flow"), text: orders.replace("total: number", "total: number[]") });
    program.setFile({
      uri: uri("main.flow"),
      text: main.replace(
        '    say "Pedido {order.id}: {order.total}"',
        `    say "Pedido {order.id}: {order.total}"
//                           ^^^^^^^^^^^ error FX3005: a value of type number[] cannot be shown in a message`,
      ),
    });
    expect(mismatches(program)).toBe("");

    // … and they go away when fixed.
    program.setFile({ uri: uri("other.flow"), text: other });
    program.setFile({ uri: uri("orders.flow"), text: orders });
    program.setFile({ uri: uri("main.flow"), text: main });
    expect(program.getDiagnostics()).toEqual([]);
  });

  it("removing a file that others import reports FX2008 in the importer; adding it back clears it", () => {
    const program = project();
    program.removeFile(uri("orders.flow"));
    expect(program.hasFile(uri("orders.flow"))).toBe(false);
    expect(program.uris).toEqual([uri("main.flow"), uri("other.flow")]);
    const diagnostics = program.getDiagnostics(uri("main.flow"));
    expect(diagnostics.map((d) => d.code)).toContain("FX2008");
    expect(diagnostics.find((d) => d.code === "FX2008")?.message).toBe("cannot find file './orders.flow' to import from");
    // The import is the one error: the names it declared are silent where
    // they are used (LANGUAGE §8, no cascade), and the \`else\` of their call is no error.
    expect(diagnostics.map((d) => d.code)).toEqual(["FX2008"]);
    expect(program.getDiagnostics(uri("other.flow"))).toEqual([]);

    program.setFile({ uri: uri("orders.flow"), text: orders });
    expect(program.getDiagnostics()).toEqual([]);
  });

  it("removing or adding a declaration updates duplicate and trigger errors across files", () => {
    const program = project();
    program.setFile({ uri: uri("zz.flow"), text: 'flow helper {\n    trigger keyword "Pedido!"\n    say "x"\n}\n' });
    expect(program.getDiagnostics(uri("zz.flow")).map((d) => d.code)).toEqual(["FX2006"]);
    program.setFile({ uri: uri("zz.flow"), text: 'flow helper2 {\n    trigger keyword "Pedido!"\n    say "x"\n}\n' });
    expect(program.getDiagnostics(uri("zz.flow")).map((d) => `${d.code} ${d.message}`)).toEqual([
      "FX2009 keyword 'pedido' already triggers flow 'main'",
    ]);
    program.removeFile(uri("main.flow"));
    expect(program.getDiagnostics()).toEqual([]);
    // Removing a file that is not there changes nothing.
    program.removeFile(uri("nothing.flow"));
    expect(program.getDiagnostics()).toEqual([]);
  });

  it("keeps locations in other files up to date when a context declaration moves", () => {
    const a = "context { name: string }\n";
    const b = 'context { name: integer }\nflow b {\n    say "{context.name}"\n}\n';
    const program = createProgram(inputs({ "a.flow": a, "b.flow": b }));
    const related = (p: Program): unknown => p.getDiagnostics(uri("b.flow"))[0]?.related?.[0]?.range;
    const definition = (p: Program): unknown => {
      const resolutions = [...p.getCheckResult(uri("b.flow"))!.resolutions.values()];
      const range = resolutions.find((r) => r.kind === "context-field" && r.uri === uri("a.flow"))?.range;
      return range && { start: range.start, end: range.end };
    };
    expect(related(program)).toEqual({ start: 10, end: 14 });
    expect(definition(program)).toEqual({ start: 10, end: 14 });

    // A line above the context moves it; the project's declarations keep their shape.
    const moved = "// moved\n" + a;
    program.setFile({ uri: uri("a.flow"), text: moved });
    const fresh = createProgram(inputs({ "a.flow": moved, "b.flow": b }));
    expect(definition(fresh)).toEqual({ start: 19, end: 23 });
    // b.flow does not import a.flow, but it points into it: it is rechecked.
    expect(related(program)).toEqual({ start: 19, end: 23 });
    expect(definition(program)).toEqual({ start: 19, end: 23 });
    expect(program.getDiagnostics()).toEqual(fresh.getDiagnostics());
  });

  it("keeps locations in other files up to date when a declaration moves", () => {
    // Duplicates and triggers across files carry the other file's location as
    // related information; no file imports the other.
    const a = 'type Order = { id: string }\nflow greet {\n    trigger keyword "oi"\n    end\n}\n';
    const b = 'type Order = { code: string }\nflow hello {\n    trigger keyword "Oi!"\n    end\n}\n';
    const program = createProgram(inputs({ "a.flow": a, "b.flow": b }));
    const related = (p: Program): unknown[] => p.getDiagnostics(uri("b.flow")).map((d) => [d.code, d.related?.[0]?.range]);
    /** The ranges of `Order` and of the keyword "oi" in a.flow's text. */
    const expected = (text: string): unknown[] => {
      const order = text.indexOf("Order");
      const keyword = text.indexOf('"oi"');
      return [
        ["FX2006", { start: order, end: order + 5 }],
        ["FX2009", { start: keyword, end: keyword + 4 }],
      ];
    };
    expect(related(program)).toEqual(expected(a));
    // The type moves (a line above it); then only the trigger (a line above it, inside the flow).
    for (const moved of ["// moved\n" + a, "// moved\n" + a.replace("    trigger", "    // moved\n    trigger")]) {
      program.setFile({ uri: uri("a.flow"), text: moved });
      expect(related(program), moved).toEqual(expected(moved));
      expect(program.getDiagnostics(), moved).toEqual(createProgram(inputs({ "a.flow": moved, "b.flow": b })).getDiagnostics());
    }
  });

  it("gives the same diagnostics as a fresh program after any sequence of edits", () => {
    const program = project();
    const edits: [string, string | undefined][] = [
      ["orders.flow", orders.replace("total: number", "total: string")],
      ["main.flow", main.replace("run helper()", "run helper(1)")],
      ["orders.flow", undefined],
      ["other.flow", other.replace('"outro"', '"pedido"')],
      ["orders.flow", orders],
      ["main.flow", main.replace("getOrder(\"1\")", "getOrder(1)")],
    ];
    const files = new Map(Object.entries({ "orders.flow": orders, "main.flow": main, "other.flow": other }));
    for (const [name, text] of edits) {
      if (text === undefined) {
        program.removeFile(uri(name));
        files.delete(name);
      } else {
        program.setFile({ uri: uri(name), text });
        files.set(name, text);
      }
      const fresh = createProgram(inputs(Object.fromEntries(files)), program.options);
      expect(program.getDiagnostics()).toEqual(fresh.getDiagnostics());
    }
  });
});
